package kafkastore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/cenkalti/backoff/v4"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/kafkalog"
)

// StatusStore is the status topic (status.storage.topic): connector, task
// and active-topic statuses (Java's KafkaStatusBackingStore).
//
// Writes wait for the brokers' acknowledgement and retry retriable failures
// until superseded; FAILED and UNASSIGNED go through the Safe methods,
// which skip the write when the cached status belongs to another worker
// with a newer generation. The cache follows the topic, so every worker
// sees every worker's statuses; an UNASSIGNED task status read from the
// topic does not replace a RUNNING one of the same or a newer generation.
type StatusStore struct {
	lifecycle
	logger *slog.Logger

	mu         sync.Mutex
	connectors map[string]*statusEntry
	tasks      map[string]map[int]*statusEntry
	topics     map[string]map[string]storage.TopicStatus
}

// statusEntry is one cached status and the count of writes started for it.
type statusEntry struct {
	status   *storage.Status
	sequence int
	deleted  bool
	// read counts the records of this key applied from the topic: a write
	// of ours that the reader overtook (it applied a later record, perhaps
	// another worker's, or a tombstone) must not be applied over them.
	read int
}

// canWriteSafely: nothing cached, the same worker, or a generation not
// newer than the write's.
func (e *statusEntry) canWriteSafely(s storage.Status) bool {
	return e.status == nil || e.status.WorkerID == s.WorkerID || e.status.Generation <= s.Generation
}

var _ storage.StatusStore = (*StatusStore)(nil)

// NewStatusStore returns a store on the topic cfg names (default 5
// partitions in the worker config). The store sets the log's callback,
// producer retries (0: the store retries itself) and error names.
func NewStatusStore(cfg kafkalog.Config) (*StatusStore, error) {
	s := &StatusStore{
		connectors: map[string]*statusEntry{},
		tasks:      map[string]map[int]*statusEntry{},
		topics:     map[string]map[string]storage.TopicStatus{},
	}
	s.logger = cfg.Logger
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	zero := 0
	cfg.ProducerRetries = &zero
	cfg.WorkerProperty = "status.storage.topic"
	cfg.Purpose = "connector and task statuses"
	cfg.Consume = s.consume
	l, err := kafkalog.New(cfg)
	if err != nil {
		return nil, err
	}
	s.lifecycle = lifecycle{what: "status store", log: l}
	return s, nil
}

// statusValue is the JSON of a connector or task status, in Java's field
// order; trace is null when empty.
type statusValue struct {
	State      string  `json:"state"`
	Trace      *string `json:"trace"`
	WorkerID   string  `json:"worker_id"`
	Generation int32   `json:"generation"`
}

func encodeStatus(st storage.Status) ([]byte, error) {
	if st.State == storage.StateDestroyed {
		return nil, nil
	}
	v := statusValue{State: string(st.State), WorkerID: st.WorkerID, Generation: st.Generation}
	if st.Trace != "" {
		v.Trace = &st.Trace
	}
	return marshal(v)
}

type topicStatusInner struct {
	Name      string `json:"name"`
	Connector string `json:"connector"`
	Task      int    `json:"task"`
	Discover  int64  `json:"discoverTimestamp"`
}

type topicStatusValue struct {
	Topic topicStatusInner `json:"topic"`
}

func connectorStatusKey(c string) string { return connectorStatusPrefix + c }
func taskStatusKey(id storage.TaskID) string {
	return fmt.Sprintf("%s%s-%d", taskStatusPrefix, id.Connector, id.Task)
}
func topicStatusKey(topic, connector string) string {
	return topicStatusPrefix + topic + topicStatusSeparator + connector
}

// PutConnector writes a connector status; StateDestroyed deletes it.
func (s *StatusStore) PutConnector(ctx context.Context, connector string, st storage.Status) error {
	return s.put(ctx, connectorStatusKey(connector), st, false, func() *statusEntry { return s.connectorEntry(connector) })
}

// PutConnectorSafe writes unless another worker with a newer generation
// owns the cached status.
func (s *StatusStore) PutConnectorSafe(ctx context.Context, connector string, st storage.Status) error {
	return s.put(ctx, connectorStatusKey(connector), st, true, func() *statusEntry { return s.connectorEntry(connector) })
}

// PutTask writes a task status; StateDestroyed deletes it.
func (s *StatusStore) PutTask(ctx context.Context, id storage.TaskID, st storage.Status) error {
	return s.put(ctx, taskStatusKey(id), st, false, func() *statusEntry { return s.taskEntry(id) })
}

// PutTaskSafe writes unless another worker with a newer generation owns
// the cached status.
func (s *StatusStore) PutTaskSafe(ctx context.Context, id storage.TaskID, st storage.Status) error {
	return s.put(ctx, taskStatusKey(id), st, true, func() *statusEntry { return s.taskEntry(id) })
}

// connectorEntry and taskEntry return the cache entry, creating it; the
// caller holds mu.
func (s *StatusStore) connectorEntry(c string) *statusEntry {
	e := s.connectors[c]
	if e == nil {
		e = &statusEntry{}
		s.connectors[c] = e
	}
	return e
}

func (s *StatusStore) taskEntry(id storage.TaskID) *statusEntry {
	m := s.tasks[id.Connector]
	if m == nil {
		m = map[int]*statusEntry{}
		s.tasks[id.Connector] = m
	}
	e := m[id.Task]
	if e == nil {
		e = &statusEntry{}
		m[id.Task] = e
	}
	return e
}

func (s *StatusStore) put(ctx context.Context, key string, st storage.Status, safe bool, entryOf func() *statusEntry) error {
	value, err := encodeStatus(st)
	if err != nil {
		return fmt.Errorf("status %s: %w", key, err)
	}
	if err := s.usable(); err != nil {
		return err
	}
	s.mu.Lock()
	entry := entryOf()
	if safe && !entry.canWriteSafely(st) {
		s.mu.Unlock()
		return nil
	}
	entry.sequence++
	seq, readAt := entry.sequence, entry.read
	s.mu.Unlock()

	// Retry retriable failures until the write succeeds, is superseded by
	// a later write of the same status, or the entry is deleted.
	b := backoff.WithContext(backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(50*time.Millisecond),
		backoff.WithMaxInterval(2*time.Second),
		backoff.WithMaxElapsedTime(0)), ctx)
	err = backoff.Retry(func() error {
		err := s.log.Send(ctx, []byte(key), value)
		if err == nil {
			return nil
		}
		if errors.Is(err, kafkalog.ErrClosed) {
			return backoff.Permanent(storage.ErrClosed)
		}
		var kerr sarama.KError
		if !errors.As(err, &kerr) || !retriable(kerr) {
			return backoff.Permanent(err)
		}
		s.mu.Lock()
		superseded := entry.deleted || entry.sequence != seq
		s.mu.Unlock()
		if superseded {
			return nil
		}
		s.logger.Debug("status write failed, retrying", "key", key, "error", err)
		return err
	}, b)
	if err != nil {
		if errors.Is(err, storage.ErrClosed) {
			return storage.ErrClosed
		}
		return fmt.Errorf("status store: write %s: %w", key, err)
	}
	s.mu.Lock()
	s.applyOwnWrite(entry, seq, readAt, key, value)
	s.mu.Unlock()
	return nil
}

// applyOwnWrite applies a status this store wrote, once acknowledged, so
// the writer reads its own write before the reader gets to it (reading it
// back applies it again). It is skipped when a later write of ours started,
// and when the reader already applied a record of the key since the write
// started: the topic may hold a later record (a newer owner's status, the
// leader's tombstone for a deleted connector) that this write must not
// undo in the cache. The caller holds mu.
func (s *StatusStore) applyOwnWrite(entry *statusEntry, seq, readAt int, key string, value []byte) {
	if entry.sequence != seq || entry.deleted || entry.read != readAt {
		return
	}
	if err := s.applyStatus(key, value); err != nil {
		s.logger.Warn("cannot apply own status write", "key", key, "error", err)
	}
}

// retriable reports Kafka errors worth retrying (leader moves, timeouts).
func retriable(err sarama.KError) bool {
	switch err {
	case sarama.ErrNotLeaderForPartition, sarama.ErrLeaderNotAvailable, sarama.ErrRequestTimedOut,
		sarama.ErrNotEnoughReplicas, sarama.ErrNotEnoughReplicasAfterAppend, sarama.ErrNetworkException,
		sarama.ErrUnknownTopicOrPartition, sarama.ErrKafkaStorageError:
		return true
	}
	return false
}

// PutTopic records that a connector's task used a topic.
func (s *StatusStore) PutTopic(ctx context.Context, t storage.TopicStatus) error {
	v, err := marshal(topicStatusValue{Topic: topicStatusInner{Name: t.Topic, Connector: t.Connector, Task: t.Task, Discover: t.Discover.UnixMilli()}})
	if err != nil {
		return err
	}
	return s.putTopic(ctx, topicStatusKey(t.Topic, t.Connector), v)
}

// DeleteTopic forgets that a connector used a topic (a tombstone).
func (s *StatusStore) DeleteTopic(ctx context.Context, connector, topic string) error {
	return s.putTopic(ctx, topicStatusKey(topic, connector), nil)
}

func (s *StatusStore) putTopic(ctx context.Context, key string, value []byte) error {
	if err := s.usable(); err != nil {
		return err
	}
	if err := s.log.Send(ctx, []byte(key), value); err != nil {
		if errors.Is(err, kafkalog.ErrClosed) {
			return storage.ErrClosed
		}
		return fmt.Errorf("status store: write %s: %w", key, err)
	}
	s.mu.Lock()
	s.applyTopic(kafkalog.Record{Key: []byte(key), Value: value})
	s.mu.Unlock()
	return nil
}

// ReadToEnd reads the status topic to its current end, so statuses other
// workers wrote before the call are in the cache.
func (s *StatusStore) ReadToEnd(ctx context.Context) error {
	if err := s.usable(); err != nil {
		return err
	}
	if err := s.log.ReadToEnd(ctx); err != nil {
		return fmt.Errorf("status store: %w", err)
	}
	return nil
}

// Flush returns once earlier writes are durable: every write already waited
// for its acknowledgement, so it only checks the store is open.
func (s *StatusStore) Flush(ctx context.Context) error {
	if err := s.usable(); err != nil {
		return err
	}
	return ctx.Err()
}

// Connector returns a connector's status.
func (s *StatusStore) Connector(connector string) (storage.Status, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.connectors[connector]; e != nil && e.status != nil {
		return *e.status, true
	}
	return storage.Status{}, false
}

// Task returns a task's status.
func (s *StatusStore) Task(id storage.TaskID) (storage.Status, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.tasks[id.Connector][id.Task]; e != nil && e.status != nil {
		return *e.status, true
	}
	return storage.Status{}, false
}

// Tasks returns the statuses of a connector's tasks by task number.
func (s *StatusStore) Tasks(connector string) map[int]storage.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int]storage.Status{}
	for n, e := range s.tasks[connector] {
		if e.status != nil {
			out[n] = *e.status
		}
	}
	return out
}

// Connectors lists the connectors with a status, sorted.
func (s *StatusStore) Connectors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for c, e := range s.connectors {
		if e.status != nil {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// Topics returns the topics a connector used, sorted by topic.
func (s *StatusStore) Topics(connector string) []storage.TopicStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []storage.TopicStatus
	for _, t := range s.topics[connector] {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b storage.TopicStatus) int { return strings.Compare(a.Topic, b.Topic) })
	return out
}

func (s *StatusStore) consume(r kafkalog.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := string(r.Key)
	switch {
	case strings.HasPrefix(key, connectorStatusPrefix), strings.HasPrefix(key, taskStatusPrefix):
		if err := s.applyStatus(key, r.Value); err != nil {
			skipRecord(s.logger, r, "status cannot be read", err)
		}
		if e := s.entryOf(key); e != nil {
			e.read++
		}
	case strings.HasPrefix(key, topicStatusPrefix):
		if err := s.applyTopic(r); err != nil {
			skipRecord(s.logger, r, "topic status cannot be read", err)
		}
	default:
		skipRecord(s.logger, r, "unknown status key", nil)
	}
}

// entryOf returns the cached entry of a status key, or nil; the caller
// holds mu.
func (s *StatusStore) entryOf(key string) *statusEntry {
	if c, ok := strings.CutPrefix(key, connectorStatusPrefix); ok {
		return s.connectors[c]
	}
	if c, n, ok := parseTaskKey(key, 2); ok {
		return s.tasks[c][n]
	}
	return nil
}

// applyStatus applies a connector or task status record; the caller holds mu.
func (s *StatusStore) applyStatus(key string, value []byte) error {
	var entry *statusEntry
	isTask := false
	if strings.HasPrefix(key, connectorStatusPrefix) {
		c := strings.TrimPrefix(key, connectorStatusPrefix)
		if c == "" {
			return fmt.Errorf("empty connector name")
		}
		if value == nil {
			if e := s.connectors[c]; e != nil {
				e.deleted = true
			}
			delete(s.connectors, c)
			// Java forgets the connector's task statuses with it.
			for _, e := range s.tasks[c] {
				e.deleted = true
			}
			delete(s.tasks, c)
			return nil
		}
		entry = s.connectorEntry(c)
	} else {
		c, n, ok := parseTaskKey(key, 2)
		if !ok {
			return fmt.Errorf("task status key cannot be parsed")
		}
		id := storage.TaskID{Connector: c, Task: n}
		if value == nil {
			if e := s.tasks[c][n]; e != nil {
				e.deleted = true
				delete(s.tasks[c], n)
			}
			return nil
		}
		entry = s.taskEntry(id)
		isTask = true
	}
	st, err := decodeStatus(value)
	if err != nil {
		return err
	}
	if isTask && st.State == storage.StateUnassigned && entry.status != nil &&
		entry.status.State == storage.StateRunning && entry.status.Generation >= st.Generation {
		return nil
	}
	entry.status = &st
	return nil
}

func decodeStatus(value []byte) (storage.Status, error) {
	obj, tombstone, err := parseObject(value)
	if err != nil {
		return storage.Status{}, err
	}
	if tombstone {
		return storage.Status{}, fmt.Errorf("status value is JSON null")
	}
	state, ok := obj["state"].(string)
	if !ok {
		return storage.Status{}, fmt.Errorf("field \"state\" should be a string but is %s", jsonKind(obj["state"]))
	}
	switch storage.State(state) {
	case storage.StateUnassigned, storage.StateRunning, storage.StatePaused, storage.StateStopped,
		storage.StateFailed, storage.StateRestarting, storage.StateDestroyed:
	default:
		return storage.Status{}, fmt.Errorf("unknown state %q", state)
	}
	st := storage.Status{State: storage.State(state)}
	switch tr := obj["trace"].(type) {
	case string:
		st.Trace = tr
	case nil:
	default:
		return storage.Status{}, fmt.Errorf("field \"trace\" should be a string but is %s", jsonKind(tr))
	}
	if st.WorkerID, ok = obj["worker_id"].(string); !ok {
		return storage.Status{}, fmt.Errorf("field \"worker_id\" should be a string but is %s", jsonKind(obj["worker_id"]))
	}
	g, err := integer(obj["generation"], "generation")
	if err != nil {
		return storage.Status{}, err
	}
	st.Generation = int32(g)
	return st, nil
}

// applyTopic applies a topic status record; the caller holds mu.
func (s *StatusStore) applyTopic(r kafkalog.Record) error {
	key := string(r.Key)
	sep := strings.Index(key, ":")
	if sep < len(topicStatusPrefix) {
		return fmt.Errorf("no topic in the key")
	}
	topic := key[len(topicStatusPrefix):sep]
	if topic == "" {
		return fmt.Errorf("empty topic in the key")
	}
	rest := key[sep:]
	if !strings.HasPrefix(rest, topicStatusSeparator) || len(rest) == len(topicStatusSeparator) {
		return fmt.Errorf("no connector in the key")
	}
	connector := rest[len(topicStatusSeparator):]
	if r.Value == nil {
		delete(s.topics[connector], topic)
		return nil
	}
	obj, tombstone, err := parseObject(r.Value)
	if err != nil {
		return err
	}
	if tombstone {
		delete(s.topics[connector], topic)
		return nil
	}
	inner, ok := obj["topic"].(map[string]any)
	if !ok {
		return fmt.Errorf("field \"topic\" should be an object but is %s", jsonKind(obj["topic"]))
	}
	name, _ := inner["name"].(string)
	conn, _ := inner["connector"].(string)
	task, err := integer(inner["task"], "topic.task")
	if err != nil {
		return err
	}
	ms, err := integer(inner["discoverTimestamp"], "topic.discoverTimestamp")
	if err != nil {
		return err
	}
	m := s.topics[connector]
	if m == nil {
		m = map[string]storage.TopicStatus{}
		s.topics[connector] = m
	}
	// Java keeps the value's own names; the key decides where it is filed.
	m[topic] = storage.TopicStatus{Topic: name, Connector: conn, Task: int(task), Discover: time.UnixMilli(ms)}
	return nil
}
