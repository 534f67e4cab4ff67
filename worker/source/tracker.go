package source

import (
	"context"
	"sync"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/storage"
)

// tracker decides which source offsets may be committed (Java's
// SubmittedRecords). Records are submitted in the order the task returned
// them; each source partition keeps its records in that order, and an offset
// becomes committable only when its record and every record before it in
// its partition were acknowledged by Kafka (or dropped, or tolerated).
type tracker struct {
	connector string

	mu      sync.Mutex
	parts   map[string]*partition // by offset key
	order   []*partition          // first-seen order, for deterministic commits
	pending int
	idle    chan struct{} // closed when pending drops to zero; replaced when it rises
}

type partition struct {
	key     []byte
	queue   []*submitted
	head    int
	latest  map[string]any // offset of the last acknowledged prefix
	dirty   bool           // latest not yet written
	version uint64         // bumped whenever latest changes
}

// submitted is one record in flight.
type submitted struct {
	p      *partition // nil: the record has no source partition, nothing to commit
	offset map[string]any
	acked  bool
	rec    *connector.SourceRecord
}

func newTracker(connectorName string) *tracker {
	idle := make(chan struct{})
	close(idle)
	return &tracker{connector: connectorName, parts: map[string]*partition{}, idle: idle}
}

// submit registers a record before it is sent.
func (t *tracker) submit(rec *connector.SourceRecord) (*submitted, error) {
	s := &submitted{offset: rec.SourceOffset, rec: rec}
	var key []byte
	if rec.SourcePartition != nil {
		k, err := OffsetKey(t.connector, rec.SourcePartition)
		if err != nil {
			return nil, err
		}
		key = k
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if key != nil {
		p := t.parts[string(key)]
		if p == nil {
			p = &partition{key: key}
			t.parts[string(key)] = p
			t.order = append(t.order, p)
		}
		p.queue = append(p.queue, s)
		s.p = p
	}
	if t.pending == 0 {
		t.idle = make(chan struct{})
	}
	t.pending++
	return s, nil
}

// ack marks a record acknowledged (or dropped) and advances its partition's
// committable offset over the acknowledged prefix.
func (t *tracker) ack(s *submitted) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s.acked {
		return
	}
	s.acked = true
	t.pending--
	if t.pending == 0 {
		close(t.idle)
	}
	p := s.p
	if p == nil {
		return
	}
	for p.head < len(p.queue) && p.queue[p.head].acked {
		p.latest = p.queue[p.head].offset
		p.queue[p.head] = nil
		p.head++
		p.dirty = true
		p.version++
	}
	if p.head == len(p.queue) {
		p.queue = p.queue[:0]
		p.head = 0
	} else if p.head > 1024 && p.head > len(p.queue)/2 {
		p.queue = append(p.queue[:0], p.queue[p.head:]...)
		p.head = 0
	}
}

// inFlight returns how many records await acknowledgement.
func (t *tracker) inFlight() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pending
}

// awaitIdle waits until every submitted record was acknowledged or ctx ends.
func (t *tracker) awaitIdle(ctx context.Context) bool {
	t.mu.Lock()
	idle := t.idle
	t.mu.Unlock()
	select {
	case <-idle:
		return true
	case <-ctx.Done():
		return false
	}
}

// snapshot is a set of offsets to write and the versions they were taken at.
type snapshot struct {
	entries  []storage.OffsetEntry
	parts    []*partition
	versions []uint64
}

// committable returns the offsets not yet written.
func (t *tracker) committable() (snapshot, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var s snapshot
	for _, p := range t.order {
		if !p.dirty {
			continue
		}
		v, err := OffsetValue(p.latest)
		if err != nil {
			return snapshot{}, err
		}
		s.entries = append(s.entries, storage.OffsetEntry{Key: p.key, Value: v})
		s.parts = append(s.parts, p)
		s.versions = append(s.versions, p.version)
	}
	return s, nil
}

// written records that a snapshot reached the store; partitions that moved
// on meanwhile stay dirty.
func (t *tracker) written(s snapshot) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, p := range s.parts {
		if p.version == s.versions[i] {
			p.dirty = false
		}
	}
}
