package kafkastore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/kafkalog"
)

// OffsetStore is the offsets topic (offset.storage.topic): source
// connector offsets keyed ["<connector>",{partition}] (Java's
// KafkaOffsetBackingStore). Records are partitioned by Kafka's murmur2
// default partitioner on the key bytes, so they land where a Java worker
// puts them.
//
// Keys are matched by JSON meaning: a Java worker writes partition maps in
// HashMap order, so Get finds its entries whatever order the caller's key
// has, and Set rewrites a partition under the key bytes already in the
// topic, so compaction replaces the old record and a Java worker reading
// the topic finds the new offset.
type OffsetStore struct {
	lifecycle
	logger *slog.Logger

	mu      sync.Mutex
	entries map[string]storage.OffsetEntry // by canonical key; nil Value = tombstone
}

var _ storage.OffsetStore = (*OffsetStore)(nil)

// NewOffsetStore returns a store on the topic cfg names (default 25
// partitions in the worker config).
func NewOffsetStore(cfg kafkalog.Config) (*OffsetStore, error) {
	s := &OffsetStore{entries: map[string]storage.OffsetEntry{}}
	s.logger = cfg.Logger
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	cfg.WorkerProperty = "offset.storage.topic"
	cfg.Purpose = "source connector offsets"
	cfg.Consume = s.consume
	l, err := kafkalog.New(cfg)
	if err != nil {
		return nil, err
	}
	s.lifecycle = lifecycle{what: "offset store", log: l}
	return s, nil
}

// Get reads the topic to its end, as Java does, then returns the values
// stored for keys, keyed by the keys as given.
func (s *OffsetStore) Get(ctx context.Context, keys [][]byte) (map[string][]byte, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	if err := s.log.ReadToEnd(ctx); err != nil {
		if errors.Is(err, kafkalog.ErrClosed) {
			return nil, storage.ErrClosed
		}
		return nil, fmt.Errorf("offset store: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]byte, len(keys))
	for _, k := range keys {
		if e, ok := s.entries[storage.CanonicalOffsetKey(k)]; ok && e.Value != nil {
			out[string(k)] = bytes.Clone(e.Value)
		}
	}
	return out, nil
}

// Set writes the entries and returns once the brokers acknowledged all of
// them.
func (s *OffsetStore) Set(ctx context.Context, entries []storage.OffsetEntry) error {
	if err := s.usable(); err != nil {
		return err
	}
	writes := make([]storage.OffsetEntry, len(entries))
	s.mu.Lock()
	for i, e := range entries {
		key := e.Key
		if old, ok := s.entries[storage.CanonicalOffsetKey(e.Key)]; ok {
			key = old.Key // the bytes already in the topic, maybe Java's
		}
		writes[i] = storage.OffsetEntry{Key: bytes.Clone(key), Value: bytes.Clone(e.Value)}
	}
	s.mu.Unlock()
	results := make(chan error, len(writes))
	for _, w := range writes {
		if err := s.log.SendAsync(w.Key, w.Value, func(err error) { results <- err }); err != nil {
			if errors.Is(err, kafkalog.ErrClosed) {
				return storage.ErrClosed
			}
			return fmt.Errorf("offset store: write %s: %w", w.Key, err)
		}
	}
	var errs []error
	for range writes {
		select {
		case err := <-results:
			if err != nil {
				errs = append(errs, err)
			}
		case <-ctx.Done():
			return fmt.Errorf("offset store: write: %w", ctx.Err())
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("offset store: %w", err)
	}
	s.mu.Lock()
	for _, w := range writes {
		s.put(w)
	}
	s.mu.Unlock()
	return nil
}

// ConnectorPartitions returns the stored keys of the partitions a
// connector has a live offset for, sorted by key bytes.
func (s *OffsetStore) ConnectorPartitions(ctx context.Context, connector string) ([][]byte, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	if err := s.log.ReadToEnd(ctx); err != nil {
		if errors.Is(err, kafkalog.ErrClosed) {
			return nil, storage.ErrClosed
		}
		return nil, fmt.Errorf("offset store: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out [][]byte
	for _, e := range s.entries {
		if e.Value == nil {
			continue
		}
		if name, ok := offsetKeyConnector(e.Key); ok && name == connector {
			out = append(out, bytes.Clone(e.Key))
		}
	}
	slices.SortFunc(out, bytes.Compare)
	return out, nil
}

func (s *OffsetStore) consume(r kafkalog.Record) {
	if r.Key == nil {
		skipRecord(s.logger, r, "offset record has no key", nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put(storage.OffsetEntry{Key: r.Key, Value: r.Value})
}

// put stores an entry under its canonical key, keeping the key bytes first
// seen; the caller holds mu.
func (s *OffsetStore) put(e storage.OffsetEntry) {
	c := storage.CanonicalOffsetKey(e.Key)
	if old, ok := s.entries[c]; ok {
		e.Key = old.Key
	}
	s.entries[c] = e
}

// offsetKeyConnector returns the connector of a ["<connector>",{...}] key;
// Java ignores keys of any other shape.
func offsetKeyConnector(key []byte) (string, bool) {
	connector, _, ok := storage.ParseOffsetKey(key)
	return connector, ok
}
