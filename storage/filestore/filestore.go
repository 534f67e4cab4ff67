// Package filestore is the standalone worker's offset store: source offsets
// kept in the file named by offset.storage.file.filename, in the format the
// Java standalone worker uses (a Java-serialized HashMap<byte[],byte[]> of
// the offset key and value JSON), so a user moving from the Java worker
// keeps their offsets and could move back.
//
// Every Set rewrites the whole file atomically: a temporary file in the same
// directory is written and synced, renamed over the old one, and the
// directory is synced, so a crash leaves either the old or the new offsets.
package filestore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/memstore"
)

// OffsetStore is an in-memory offset store saved to a file after every write.
type OffsetStore struct {
	path string
	mem  *memstore.OffsetStore

	// saveMu serializes Set calls so files are written in the order the
	// writes happened and each file holds every earlier write.
	saveMu sync.Mutex
}

var _ storage.OffsetStore = (*OffsetStore)(nil)

// New returns a store for the file at path; Start reads it.
func New(path string) *OffsetStore {
	return &OffsetStore{path: path, mem: memstore.NewOffsetStore()}
}

// Path is the offsets file.
func (s *OffsetStore) Path() string { return s.path }

// Start loads the file. A missing or empty file is an empty store (as in
// Java); a file that is not a Java-serialized map of byte arrays is an
// error naming the file, since silently starting over would re-read every
// source from the beginning.
func (s *OffsetStore) Start(ctx context.Context) error {
	b, err := os.ReadFile(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("offsets file %s: %w", s.path, err)
	case len(b) == 0:
	default:
		entries, err := decodeOffsets(b)
		if err != nil {
			return fmt.Errorf("offsets file %s: %w", s.path, err)
		}
		s.mem.Load(entries)
	}
	return s.mem.Start(ctx)
}

// Stop closes the store; every write was saved when it returned.
func (s *OffsetStore) Stop(ctx context.Context) error { return s.mem.Stop(ctx) }

// Get returns the stored values of keys, matched by JSON meaning.
func (s *OffsetStore) Get(ctx context.Context, keys [][]byte) (map[string][]byte, error) {
	return s.mem.Get(ctx, keys)
}

// ConnectorPartitions returns the keys of a connector's partitions.
func (s *OffsetStore) ConnectorPartitions(ctx context.Context, connector string) ([][]byte, error) {
	return s.mem.ConnectorPartitions(ctx, connector)
}

// Set writes entries and returns once the file holding them is durable.
func (s *OffsetStore) Set(ctx context.Context, entries []storage.OffsetEntry) error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	if err := s.mem.Set(ctx, entries); err != nil {
		return err
	}
	if err := writeAtomic(s.path, encodeOffsets(s.mem.Entries())); err != nil {
		return fmt.Errorf("offsets file %s: %w", s.path, err)
	}
	return nil
}

// writeAtomic replaces path with data: temp file, fsync, rename, fsync dir.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err = d.Sync(); err != nil {
		_ = d.Close()
		return err
	}
	return d.Close()
}
