// Package memstore keeps the worker's three stores in memory: the
// standalone worker's connector configs and statuses (Java's
// MemoryConfigBackingStore and MemoryStatusBackingStore), and source offsets
// (MemoryOffsetBackingStore, which storage/filestore persists). They double
// as fakes in tests: they behave as the Kafka-backed stores do, minus the
// durability.
package memstore

import (
	"context"
	"sort"
	"sync"

	"github.com/kafka-connect-go/connect/storage"
)

// StatusStore keeps connector, task and topic statuses in memory.
type StatusStore struct {
	mu         sync.Mutex
	state      int
	connectors map[string]storage.Status
	tasks      map[storage.TaskID]storage.Status
	topics     map[string]map[string]storage.TopicStatus // connector -> topic -> status
}

// NewStatusStore returns an empty store.
func NewStatusStore() *StatusStore {
	return &StatusStore{
		connectors: map[string]storage.Status{},
		tasks:      map[storage.TaskID]storage.Status{},
		topics:     map[string]map[string]storage.TopicStatus{},
	}
}

// Start makes the store usable.
func (s *StatusStore) Start(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateStopped {
		return storage.ErrClosed
	}
	s.state = stateStarted
	return nil
}

// Stop makes later writes fail with storage.ErrClosed.
func (s *StatusStore) Stop(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = stateStopped
	return nil
}

func (s *StatusStore) lockUsable() error {
	s.mu.Lock()
	if s.state != stateStarted {
		s.mu.Unlock()
		return storage.ErrClosed
	}
	return nil
}

// stale reports whether next must not overwrite cur: cur was written by
// another worker in a newer generation (the rule of Java's putSafe).
func stale(cur storage.Status, ok bool, next storage.Status) bool {
	return ok && cur.WorkerID != next.WorkerID && cur.Generation > next.Generation
}

// PutConnector writes a connector status; StateDestroyed deletes it.
func (s *StatusStore) PutConnector(ctx context.Context, connector string, st storage.Status) error {
	return s.putConnector(connector, st, false)
}

// PutConnectorSafe writes unless a newer generation of another worker wrote last.
func (s *StatusStore) PutConnectorSafe(ctx context.Context, connector string, st storage.Status) error {
	return s.putConnector(connector, st, true)
}

func (s *StatusStore) putConnector(connector string, st storage.Status, safe bool) error {
	if err := s.lockUsable(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if cur, ok := s.connectors[connector]; safe && stale(cur, ok, st) {
		return nil
	}
	if st.State == storage.StateDestroyed {
		delete(s.connectors, connector)
		return nil
	}
	s.connectors[connector] = st
	return nil
}

// PutTask writes a task status; StateDestroyed deletes it.
func (s *StatusStore) PutTask(ctx context.Context, id storage.TaskID, st storage.Status) error {
	return s.putTask(id, st, false)
}

// PutTaskSafe writes unless a newer generation of another worker wrote last.
func (s *StatusStore) PutTaskSafe(ctx context.Context, id storage.TaskID, st storage.Status) error {
	return s.putTask(id, st, true)
}

func (s *StatusStore) putTask(id storage.TaskID, st storage.Status, safe bool) error {
	if err := s.lockUsable(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if cur, ok := s.tasks[id]; safe && stale(cur, ok, st) {
		return nil
	}
	if st.State == storage.StateDestroyed {
		delete(s.tasks, id)
		return nil
	}
	s.tasks[id] = st
	return nil
}

// Connector returns a connector's status.
func (s *StatusStore) Connector(connector string) (storage.Status, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.connectors[connector]
	return st, ok
}

// Task returns a task's status.
func (s *StatusStore) Task(id storage.TaskID) (storage.Status, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.tasks[id]
	return st, ok
}

// Tasks returns the statuses of a connector's tasks by task number.
func (s *StatusStore) Tasks(connector string) map[int]storage.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int]storage.Status{}
	for id, st := range s.tasks {
		if id.Connector == connector {
			out[id.Task] = st
		}
	}
	return out
}

// Connectors lists the connectors that have a status, sorted.
func (s *StatusStore) Connectors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.connectors))
	for c := range s.connectors {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// PutTopic records that a connector used a topic; the first discovery wins,
// as in Java, so the timestamp says when the topic was first seen.
func (s *StatusStore) PutTopic(ctx context.Context, t storage.TopicStatus) error {
	if err := s.lockUsable(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	byTopic := s.topics[t.Connector]
	if byTopic == nil {
		byTopic = map[string]storage.TopicStatus{}
		s.topics[t.Connector] = byTopic
	}
	if _, ok := byTopic[t.Topic]; !ok {
		byTopic[t.Topic] = t
	}
	return nil
}

// Topics returns the topics a connector used, sorted by name.
func (s *StatusStore) Topics(connector string) []storage.TopicStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]storage.TopicStatus, 0, len(s.topics[connector]))
	for _, t := range s.topics[connector] {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Topic < out[j].Topic })
	return out
}

// DeleteTopic forgets that a connector used a topic.
func (s *StatusStore) DeleteTopic(ctx context.Context, connector, topic string) error {
	if err := s.lockUsable(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	delete(s.topics[connector], topic)
	if len(s.topics[connector]) == 0 {
		delete(s.topics, connector)
	}
	return nil
}

// ReadToEnd returns at once: the store holds every write already.
func (s *StatusStore) ReadToEnd(ctx context.Context) error { return s.Flush(ctx) }

// Flush has nothing to wait for.
func (s *StatusStore) Flush(ctx context.Context) error {
	if err := s.lockUsable(); err != nil {
		return err
	}
	s.mu.Unlock()
	return nil
}
