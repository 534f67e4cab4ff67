package memstore

import (
	"bytes"
	"context"
	"sort"
	"sync"

	"github.com/kafka-connect-go/connect/storage"
)

// OffsetStore keeps source offsets in memory (Java's
// MemoryOffsetBackingStore). Keys are matched by their JSON meaning: an entry
// written by a Java worker as ["c",{"b":1,"a":2}] is found by a lookup for
// ["c",{"a":2,"b":1}], and a later write for the same partition replaces it
// under the key bytes first stored, so the Java worker would find it too.
//
// A nil value is a tombstone: Get treats it as absent, but the entry is kept,
// as Java keeps it, so the standalone offsets file round-trips.
type OffsetStore struct {
	mu      sync.Mutex
	state   int // 0 new, 1 started, 2 stopped
	entries map[string]storage.OffsetEntry
}

const (
	stateNew = iota
	stateStarted
	stateStopped
)

// NewOffsetStore returns an empty store; call Start before use.
func NewOffsetStore() *OffsetStore {
	return &OffsetStore{entries: map[string]storage.OffsetEntry{}}
}

// Start makes the store usable.
func (s *OffsetStore) Start(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateStopped {
		return storage.ErrClosed
	}
	s.state = stateStarted
	return nil
}

// Stop makes every later call fail with storage.ErrClosed.
func (s *OffsetStore) Stop(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = stateStopped
	return nil
}

func (s *OffsetStore) usable() error {
	if s.state != stateStarted {
		return storage.ErrClosed
	}
	return nil
}

// Get returns the values stored for keys, by the keys' bytes as given.
func (s *OffsetStore) Get(ctx context.Context, keys [][]byte) (map[string][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(keys))
	for _, k := range keys {
		e, ok := s.entries[storage.CanonicalOffsetKey(k)]
		if !ok || e.Value == nil {
			continue
		}
		out[string(k)] = bytes.Clone(e.Value)
	}
	return out, nil
}

// Set writes entries; it is durable once it returns, as far as memory goes.
func (s *OffsetStore) Set(ctx context.Context, entries []storage.OffsetEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	s.put(entries)
	return nil
}

func (s *OffsetStore) put(entries []storage.OffsetEntry) {
	for _, e := range entries {
		c := storage.CanonicalOffsetKey(e.Key)
		key := e.Key
		if old, ok := s.entries[c]; ok {
			key = old.Key // keep the bytes first written (maybe by Java)
		}
		s.entries[c] = storage.OffsetEntry{Key: bytes.Clone(key), Value: bytes.Clone(e.Value)}
	}
}

// ConnectorPartitions returns the stored keys of the partitions connector
// has a live (non-tombstone) offset for, sorted by key bytes.
func (s *OffsetStore) ConnectorPartitions(ctx context.Context, connector string) ([][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	var out [][]byte
	for _, e := range s.entries {
		if e.Value == nil {
			continue
		}
		if name, _, ok := storage.ParseOffsetKey(e.Key); ok && name == connector {
			out = append(out, bytes.Clone(e.Key))
		}
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i], out[j]) < 0 })
	return out, nil
}

// Entries returns every entry, tombstones included, sorted by key bytes.
// The file store persists this.
func (s *OffsetStore) Entries() []storage.OffsetEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]storage.OffsetEntry, 0, len(s.entries))
	for _, e := range s.entries {
		out = append(out, storage.OffsetEntry{Key: bytes.Clone(e.Key), Value: bytes.Clone(e.Value)})
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i].Key, out[j].Key) < 0 })
	return out
}

// Load replaces the contents with entries (as read from a file), whatever
// the store's state.
func (s *OffsetStore) Load(entries []storage.OffsetEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries = make(map[string]storage.OffsetEntry, len(entries))
	s.put(entries)
}
