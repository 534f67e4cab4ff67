package kafkastore

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/kafkalog"
)

// ConfigStore is the config topic (config.storage.topic, one partition):
// connector and task configs, target states, the session key, restart
// requests and cluster logger levels (Java's KafkaConfigBackingStore).
//
// Replay follows Java: task configs are staged until their commit record,
// an incomplete commit flags the connector inconsistent, a commit for an
// unknown connector is ignored, a removed target state falls back to
// STARTED. Listener calls, restart requests and logger levels come only for
// records written after the store started.
type ConfigStore struct {
	lifecycle
	logger *slog.Logger

	mu           sync.Mutex
	listener     storage.ConfigListener
	offset       int64
	connectors   map[string]map[string]string
	targets      map[string]storage.TargetState
	taskConfigs  map[storage.TaskID]map[string]string
	taskCounts   map[string]int
	inconsistent map[string]bool
	deferred     map[string]map[int]map[string]string
	fencing      map[string]int // tasks-fencing records (EOS), kept for the herder's later use
	applied      map[string]map[string]string
	sessionKey   *storage.SessionKey
}

var _ storage.ConfigStore = (*ConfigStore)(nil)

// NewConfigStore returns a store on the topic cfg names. The store sets
// the log's callback, one partition, and the names used in errors;
// ReplicationFactor and TopicConfigs come from the worker's
// config.storage.* settings.
func NewConfigStore(cfg kafkalog.Config) (*ConfigStore, error) {
	s := &ConfigStore{
		offset:       -1,
		connectors:   map[string]map[string]string{},
		targets:      map[string]storage.TargetState{},
		taskConfigs:  map[storage.TaskID]map[string]string{},
		taskCounts:   map[string]int{},
		inconsistent: map[string]bool{},
		deferred:     map[string]map[int]map[string]string{},
		fencing:      map[string]int{},
		applied:      map[string]map[string]string{},
	}
	s.logger = cfg.Logger
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	cfg.Partitions = 1
	cfg.SinglePartition = true
	cfg.WorkerProperty = "config.storage.topic"
	cfg.Purpose = "connector configurations"
	cfg.Consume = s.consume
	l, err := kafkalog.New(cfg)
	if err != nil {
		return nil, err
	}
	s.lifecycle = lifecycle{what: "config store", log: l}
	return s, nil
}

// SetListener registers the listener; call it before Start.
func (s *ConfigStore) SetListener(l storage.ConfigListener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listener = l
}

// Snapshot returns a copy of the current state.
func (s *ConfigStore) Snapshot() storage.ConfigSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := storage.ConfigSnapshot{
		Offset:       s.offset,
		Connectors:   make(map[string]map[string]string, len(s.connectors)),
		TargetStates: maps.Clone(s.targets),
		TaskConfigs:  make(map[storage.TaskID]map[string]string, len(s.taskConfigs)),
		TaskCounts:   maps.Clone(s.taskCounts),
		Inconsistent: maps.Clone(s.inconsistent),
	}
	for c, cfg := range s.connectors {
		snap.Connectors[c] = maps.Clone(cfg)
	}
	for id, cfg := range s.taskConfigs {
		snap.TaskConfigs[id] = maps.Clone(cfg)
	}
	snap.AppliedConnectorConfigs = make(map[string]map[string]string, len(s.applied))
	for c, cfg := range s.applied {
		snap.AppliedConnectorConfigs[c] = maps.Clone(cfg)
	}
	if s.sessionKey != nil {
		k := *s.sessionKey
		k.Key = append([]byte(nil), k.Key...)
		snap.SessionKey = &k
	}
	return snap
}

// Refresh reads the topic to its end.
func (s *ConfigStore) Refresh(ctx context.Context) error {
	if err := s.usable(); err != nil {
		return err
	}
	if err := s.log.ReadToEnd(ctx); err != nil {
		return fmt.Errorf("config store: %w", err)
	}
	return nil
}

// The JSON values, fields in Java's schema order.
type propertiesValue struct {
	Properties map[string]string `json:"properties"`
}

type targetStateValue struct {
	State   string `json:"state"`
	StateV2 string `json:"state.v2"`
}

type commitValue struct {
	Tasks int `json:"tasks"`
}

type sessionKeyValue struct {
	Key       string `json:"key"`
	Algorithm string `json:"algorithm"`
	Created   int64  `json:"creation-timestamp"`
}

type restartValue struct {
	IncludeTasks bool `json:"include-tasks"`
	OnlyFailed   bool `json:"only-failed"`
}

type loggerValue struct {
	Level string `json:"level"`
}

type record struct{ key, value []byte }

// encodeConnectorConfig is connector-<name> / task-<name>-<n>'s value.
func encodeProperties(cfg map[string]string) ([]byte, error) {
	if cfg == nil {
		cfg = map[string]string{}
	}
	return marshal(propertiesValue{Properties: cfg})
}

// encodeTargetState writes both fields: STOPPED is PAUSED for workers that
// only know "state".
func encodeTargetState(t storage.TargetState) ([]byte, error) {
	switch t {
	case storage.TargetStarted, storage.TargetPaused, storage.TargetStopped:
	default:
		return nil, fmt.Errorf("unknown target state %q", t)
	}
	old := t
	if t == storage.TargetStopped {
		old = storage.TargetPaused
	}
	return marshal(targetStateValue{State: string(old), StateV2: string(t)})
}

// send writes records in order and waits for every acknowledgement, then
// reads the topic to its end so the writes are in the snapshot.
func (s *ConfigStore) send(ctx context.Context, recs ...record) error {
	if err := s.usable(); err != nil {
		return err
	}
	results := make(chan error, len(recs))
	for _, r := range recs {
		if err := s.log.SendAsync(r.key, r.value, func(err error) { results <- err }); err != nil {
			if errors.Is(err, kafkalog.ErrClosed) {
				return storage.ErrClosed
			}
			return fmt.Errorf("config store: write %s: %w", r.key, err)
		}
	}
	var errs []error
	for range recs {
		select {
		case err := <-results:
			if err != nil {
				errs = append(errs, err)
			}
		case <-ctx.Done():
			return fmt.Errorf("config store: write: %w", ctx.Err())
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("config store: %w", err)
	}
	return s.Refresh(ctx)
}

// PutConnectorConfig writes the target state (when given) and the config.
func (s *ConfigStore) PutConnectorConfig(ctx context.Context, connector string, config map[string]string, target *storage.TargetState) error {
	var recs []record
	if target != nil {
		v, err := encodeTargetState(*target)
		if err != nil {
			return fmt.Errorf("connector %q: %w", connector, err)
		}
		recs = append(recs, record{[]byte(targetStatePrefix + connector), v})
	}
	v, err := encodeProperties(config)
	if err != nil {
		return fmt.Errorf("connector %q config: %w", connector, err)
	}
	recs = append(recs, record{[]byte(connectorPrefix + connector), v})
	return s.send(ctx, recs...)
}

// RemoveConnectorConfig writes tombstones for the config and the target
// state; task and commit records stay, as Java leaves them.
func (s *ConfigStore) RemoveConnectorConfig(ctx context.Context, connector string) error {
	return s.send(ctx, record{[]byte(connectorPrefix + connector), nil}, record{[]byte(targetStatePrefix + connector), nil})
}

// PutTaskConfigs writes task-<c>-0..n-1 and then commit-<c>.
func (s *ConfigStore) PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string) error {
	if err := s.Refresh(ctx); err != nil {
		return err
	}
	recs := make([]record, 0, len(configs))
	for i, cfg := range configs {
		v, err := encodeProperties(cfg)
		if err != nil {
			return fmt.Errorf("connector %q task %d config: %w", connector, i, err)
		}
		recs = append(recs, record{fmt.Appendf(nil, "%s%s-%d", taskPrefix, connector, i), v})
	}
	if len(recs) > 0 {
		if err := s.send(ctx, recs...); err != nil {
			return err
		}
	}
	v, err := marshal(commitValue{Tasks: len(configs)})
	if err != nil {
		return err
	}
	return s.send(ctx, record{[]byte(commitPrefix + connector), v})
}

// PutTargetState writes a connector's target state.
func (s *ConfigStore) PutTargetState(ctx context.Context, connector string, state storage.TargetState) error {
	v, err := encodeTargetState(state)
	if err != nil {
		return fmt.Errorf("connector %q: %w", connector, err)
	}
	return s.send(ctx, record{[]byte(targetStatePrefix + connector), v})
}

// PutSessionKey writes the request-signing key.
func (s *ConfigStore) PutSessionKey(ctx context.Context, key storage.SessionKey) error {
	v, err := marshal(sessionKeyValue{
		Key:       base64.StdEncoding.EncodeToString(key.Key),
		Algorithm: key.Algorithm,
		Created:   key.Created.UnixMilli(),
	})
	if err != nil {
		return err
	}
	return s.send(ctx, record{[]byte(sessionKeyKey), v})
}

// PutRestartRequest writes a restart request.
func (s *ConfigStore) PutRestartRequest(ctx context.Context, req storage.RestartRequest) error {
	v, err := marshal(restartValue{IncludeTasks: req.IncludeTasks, OnlyFailed: req.OnlyFailed})
	if err != nil {
		return err
	}
	return s.send(ctx, record{[]byte(restartPrefix + req.Connector), v})
}

// PutLoggerLevel writes a cluster-wide logger level.
func (s *ConfigStore) PutLoggerLevel(ctx context.Context, namespace, level string) error {
	v, err := marshal(loggerValue{Level: level})
	if err != nil {
		return err
	}
	return s.send(ctx, record{[]byte(loggerPrefix + namespace), v})
}

// event is a listener call decided under the lock and made after it.
type event func(storage.ConfigListener)

// consume applies one record, in log order, on the log's goroutine.
func (s *ConfigStore) consume(r kafkalog.Record) {
	s.mu.Lock()
	s.offset = r.Offset + 1
	ev := s.apply(r)
	l := s.listener
	s.mu.Unlock()
	if ev != nil && l != nil && !r.Replay {
		ev(l)
	}
}

func (s *ConfigStore) apply(r kafkalog.Record) event {
	key := string(r.Key)
	obj, tombstone, err := parseObject(r.Value)
	if err != nil {
		skipRecord(s.logger, r, "config value cannot be read", err)
		return nil
	}
	switch {
	case strings.HasPrefix(key, targetStatePrefix):
		return s.applyTargetState(r, strings.TrimPrefix(key, targetStatePrefix), obj, tombstone)
	case strings.HasPrefix(key, connectorPrefix):
		return s.applyConnector(r, strings.TrimPrefix(key, connectorPrefix), obj, tombstone)
	case strings.HasPrefix(key, taskPrefix):
		connector, n, ok := parseTaskKey(key, 1)
		if !ok {
			skipRecord(s.logger, r, "task config key cannot be parsed", nil)
			return nil
		}
		s.applyTask(r, storage.TaskID{Connector: connector, Task: n}, obj, tombstone)
		return nil
	case strings.HasPrefix(key, commitPrefix):
		return s.applyCommit(r, strings.TrimPrefix(key, commitPrefix), obj, tombstone)
	case strings.HasPrefix(key, restartPrefix):
		return s.applyRestart(r, strings.TrimPrefix(key, restartPrefix), obj, tombstone)
	case strings.HasPrefix(key, taskCountPrefix):
		if tombstone {
			skipRecord(s.logger, r, "task count record is a tombstone", nil)
			return nil
		}
		n, err := integer(obj["task-count"], "task-count")
		if err != nil {
			skipRecord(s.logger, r, "task count record is malformed", err)
			return nil
		}
		s.fencing[strings.TrimPrefix(key, taskCountPrefix)] = int(n)
		return nil
	case key == sessionKeyKey:
		return s.applySessionKey(r, obj, tombstone)
	case strings.HasPrefix(key, loggerPrefix):
		if tombstone {
			skipRecord(s.logger, r, "logger level is a tombstone", nil)
			return nil
		}
		level, ok := obj["level"].(string)
		if !ok {
			skipRecord(s.logger, r, "logger level record has no string field \"level\"", nil)
			return nil
		}
		ns := strings.TrimPrefix(key, loggerPrefix)
		return func(l storage.ConfigListener) { l.LoggerLevelUpdated(ns, level) }
	}
	skipRecord(s.logger, r, "unknown config key", nil)
	return nil
}

func (s *ConfigStore) applyTargetState(r kafkalog.Record, connector string, obj map[string]any, tombstone bool) event {
	if tombstone {
		delete(s.targets, connector)
		if _, ok := s.connectors[connector]; ok {
			s.targets[connector] = storage.TargetStarted
		}
		return nil
	}
	// state.v2 when it is a string, else state (older workers write only that).
	v, ok := obj["state.v2"].(string)
	if !ok {
		if v, ok = obj["state"].(string); !ok {
			skipRecord(s.logger, r, "target state has no string field \"state\"", nil)
			return nil
		}
	}
	t := storage.TargetState(v)
	switch t {
	case storage.TargetStarted, storage.TargetPaused, storage.TargetStopped:
	default:
		skipRecord(s.logger, r, fmt.Sprintf("unknown target state %q", v), nil)
		return nil
	}
	prev, had := s.targets[connector]
	s.targets[connector] = t
	if _, exists := s.connectors[connector]; !exists || (had && prev == t) {
		return nil
	}
	return func(l storage.ConfigListener) { l.TargetStateChanged(connector) }
}

func (s *ConfigStore) applyConnector(r kafkalog.Record, connector string, obj map[string]any, tombstone bool) event {
	if tombstone {
		s.removeConnector(connector)
		return func(l storage.ConfigListener) { l.ConnectorConfigRemoved(connector) }
	}
	cfg, err := stringMap(obj["properties"], "properties")
	if err != nil {
		skipRecord(s.logger, r, "connector config is malformed", err)
		return nil
	}
	s.connectors[connector] = cfg
	if _, ok := s.targets[connector]; !ok {
		s.targets[connector] = storage.TargetStarted
	}
	return func(l storage.ConfigListener) { l.ConnectorConfigUpdated(connector) }
}

func (s *ConfigStore) removeConnector(connector string) {
	delete(s.connectors, connector)
	delete(s.taskCounts, connector)
	delete(s.deferred, connector)
	delete(s.applied, connector)
	for id := range s.taskConfigs {
		if id.Connector == connector {
			delete(s.taskConfigs, id)
		}
	}
}

func (s *ConfigStore) applyTask(r kafkalog.Record, id storage.TaskID, obj map[string]any, tombstone bool) {
	if tombstone {
		skipRecord(s.logger, r, "task config is unexpectedly a tombstone", nil)
		return
	}
	cfg, err := stringMap(obj["properties"], "properties")
	if err != nil {
		skipRecord(s.logger, r, "task config is malformed", err)
		return
	}
	d := s.deferred[id.Connector]
	if d == nil {
		d = map[int]map[string]string{}
		s.deferred[id.Connector] = d
	}
	d[id.Task] = cfg
}

func (s *ConfigStore) applyCommit(r kafkalog.Record, connector string, obj map[string]any, tombstone bool) event {
	if _, ok := s.connectors[connector]; !ok {
		// Deleted, and compaction removed its config: nothing to commit to.
		s.removeConnector(connector)
		return nil
	}
	if tombstone {
		skipRecord(s.logger, r, "task commit is a tombstone", nil)
		return nil
	}
	n64, err := integer(obj["tasks"], "tasks")
	if err != nil || n64 < 0 {
		skipRecord(s.logger, r, "task commit is malformed", err)
		return nil
	}
	n := int(n64)
	d := s.deferred[connector]
	complete := true
	for i := range n {
		if _, ok := d[i]; !ok {
			complete = false
			break
		}
	}
	var updated []storage.TaskID
	if !complete {
		// Compaction removed some of the set: the herder regenerates them.
		s.inconsistent[connector] = true
	} else {
		for id := range s.taskConfigs {
			if id.Connector == connector && id.Task >= n {
				delete(s.taskConfigs, id)
			}
		}
		for i, cfg := range d {
			id := storage.TaskID{Connector: connector, Task: i}
			s.taskConfigs[id] = cfg
			updated = append(updated, id)
		}
		delete(s.inconsistent, connector)
		s.applied[connector] = maps.Clone(s.connectors[connector])
	}
	delete(s.deferred, connector)
	s.taskCounts[connector] = n
	return func(l storage.ConfigListener) { l.TaskConfigsUpdated(updated) }
}

func (s *ConfigStore) applyRestart(r kafkalog.Record, connector string, obj map[string]any, tombstone bool) event {
	if tombstone {
		return nil
	}
	req := storage.RestartRequest{Connector: connector}
	// Java defaults missing or malformed flags to false.
	if b, ok := obj["include-tasks"].(bool); ok {
		req.IncludeTasks = b
	} else {
		skipRecord(s.logger, r, "restart request field \"include-tasks\" is not a boolean; using false", nil)
	}
	if b, ok := obj["only-failed"].(bool); ok {
		req.OnlyFailed = b
	} else {
		skipRecord(s.logger, r, "restart request field \"only-failed\" is not a boolean; using false", nil)
	}
	return func(l storage.ConfigListener) { l.RestartRequested(req) }
}

func (s *ConfigStore) applySessionKey(r kafkalog.Record, obj map[string]any, tombstone bool) event {
	if tombstone {
		skipRecord(s.logger, r, "session key is unexpectedly a tombstone", nil)
		return nil
	}
	k, ok := obj["key"].(string)
	if !ok {
		skipRecord(s.logger, r, "session key has no string field \"key\"", nil)
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(k)
	if err != nil {
		skipRecord(s.logger, r, "session key is not base64", err)
		return nil
	}
	alg, ok := obj["algorithm"].(string)
	if !ok {
		skipRecord(s.logger, r, "session key has no string field \"algorithm\"", nil)
		return nil
	}
	ms, err := integer(obj["creation-timestamp"], "creation-timestamp")
	if err != nil {
		skipRecord(s.logger, r, "session key is malformed", err)
		return nil
	}
	key := storage.SessionKey{Key: raw, Algorithm: alg, Created: time.UnixMilli(ms)}
	s.sessionKey = &key
	return func(l storage.ConfigListener) {
		k := key
		k.Key = append([]byte(nil), key.Key...)
		l.SessionKeyUpdated(k)
	}
}
