package memstore

import (
	"context"
	"maps"
	"sync"

	"github.com/kafka-connect-go/connect/storage"
)

// ConfigStore keeps connector configs, task configs and target states in
// memory (Java's MemoryConfigBackingStore): the standalone worker's config
// store, which forgets everything on restart. Writes take effect at once and
// the listener hears about them synchronously, after the store's lock is
// released, so a listener may read the snapshot.
type ConfigStore struct {
	mu       sync.Mutex
	state    int
	snap     storage.ConfigSnapshot
	listener storage.ConfigListener
}

// NewConfigStore returns an empty store.
func NewConfigStore() *ConfigStore {
	return &ConfigStore{snap: storage.ConfigSnapshot{
		Offset:       0,
		Connectors:   map[string]map[string]string{},
		TargetStates: map[string]storage.TargetState{},
		TaskConfigs:  map[storage.TaskID]map[string]string{},
		TaskCounts:   map[string]int{},
		Inconsistent: map[string]bool{},
	}}
}

// SetListener registers the listener; call it before Start.
func (s *ConfigStore) SetListener(l storage.ConfigListener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listener = l
}

// Start makes the store usable.
func (s *ConfigStore) Start(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateStopped {
		return storage.ErrClosed
	}
	s.state = stateStarted
	return nil
}

// Stop makes later writes fail with storage.ErrClosed.
func (s *ConfigStore) Stop(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = stateStopped
	return nil
}

// Snapshot returns a copy of the current state.
func (s *ConfigStore) Snapshot() storage.ConfigSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.snap
	out.Connectors = make(map[string]map[string]string, len(s.snap.Connectors))
	for k, v := range s.snap.Connectors {
		out.Connectors[k] = maps.Clone(v)
	}
	out.TargetStates = maps.Clone(s.snap.TargetStates)
	out.TaskConfigs = make(map[storage.TaskID]map[string]string, len(s.snap.TaskConfigs))
	for k, v := range s.snap.TaskConfigs {
		out.TaskConfigs[k] = maps.Clone(v)
	}
	out.TaskCounts = maps.Clone(s.snap.TaskCounts)
	out.Inconsistent = maps.Clone(s.snap.Inconsistent)
	if s.snap.SessionKey != nil {
		k := *s.snap.SessionKey
		out.SessionKey = &k
	}
	return out
}

// update runs fn under the lock, then notify (if any) outside it.
func (s *ConfigStore) update(fn func() func(storage.ConfigListener)) error {
	s.mu.Lock()
	if s.state != stateStarted {
		s.mu.Unlock()
		return storage.ErrClosed
	}
	notify := fn()
	s.snap.Offset++
	l := s.listener
	s.mu.Unlock()
	if l != nil && notify != nil {
		notify(l)
	}
	return nil
}

// PutConnectorConfig stores a connector config, writing target first when
// given (a new connector without one starts in STARTED).
func (s *ConfigStore) PutConnectorConfig(ctx context.Context, connector string, config map[string]string, target *storage.TargetState) error {
	return s.update(func() func(storage.ConfigListener) {
		targetChanged := false
		if target != nil {
			targetChanged = s.snap.TargetStates[connector] != *target
			s.snap.TargetStates[connector] = *target
		} else if _, ok := s.snap.TargetStates[connector]; !ok {
			s.snap.TargetStates[connector] = storage.TargetStarted
		}
		s.snap.Connectors[connector] = maps.Clone(config)
		return func(l storage.ConfigListener) {
			if targetChanged {
				l.TargetStateChanged(connector)
			}
			l.ConnectorConfigUpdated(connector)
		}
	})
}

// RemoveConnectorConfig deletes a connector with its task configs and target state.
func (s *ConfigStore) RemoveConnectorConfig(ctx context.Context, connector string) error {
	return s.update(func() func(storage.ConfigListener) {
		delete(s.snap.Connectors, connector)
		delete(s.snap.TargetStates, connector)
		for id := range s.snap.TaskConfigs {
			if id.Connector == connector {
				delete(s.snap.TaskConfigs, id)
			}
		}
		delete(s.snap.TaskCounts, connector)
		delete(s.snap.Inconsistent, connector)
		return func(l storage.ConfigListener) { l.ConnectorConfigRemoved(connector) }
	})
}

// PutTaskConfigs replaces a connector's task configs as one set.
func (s *ConfigStore) PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string) error {
	return s.update(func() func(storage.ConfigListener) {
		var ids []storage.TaskID
		for id := range s.snap.TaskConfigs {
			if id.Connector == connector {
				delete(s.snap.TaskConfigs, id)
				if id.Task >= len(configs) {
					ids = append(ids, id)
				}
			}
		}
		for i, c := range configs {
			id := storage.TaskID{Connector: connector, Task: i}
			s.snap.TaskConfigs[id] = maps.Clone(c)
			ids = append(ids, id)
		}
		s.snap.TaskCounts[connector] = len(configs)
		delete(s.snap.Inconsistent, connector)
		return func(l storage.ConfigListener) { l.TaskConfigsUpdated(ids) }
	})
}

// PutTargetState changes a connector's target state.
func (s *ConfigStore) PutTargetState(ctx context.Context, connector string, state storage.TargetState) error {
	return s.update(func() func(storage.ConfigListener) {
		s.snap.TargetStates[connector] = state
		return func(l storage.ConfigListener) { l.TargetStateChanged(connector) }
	})
}

// PutSessionKey stores the session key.
func (s *ConfigStore) PutSessionKey(ctx context.Context, key storage.SessionKey) error {
	return s.update(func() func(storage.ConfigListener) {
		k := key
		s.snap.SessionKey = &k
		return func(l storage.ConfigListener) { l.SessionKeyUpdated(key) }
	})
}

// PutRestartRequest hands a restart request to the listener; nothing is kept.
func (s *ConfigStore) PutRestartRequest(ctx context.Context, req storage.RestartRequest) error {
	return s.update(func() func(storage.ConfigListener) {
		return func(l storage.ConfigListener) { l.RestartRequested(req) }
	})
}

// PutLoggerLevel hands a logger level change to the listener; nothing is kept.
func (s *ConfigStore) PutLoggerLevel(ctx context.Context, namespace, level string) error {
	return s.update(func() func(storage.ConfigListener) {
		return func(l storage.ConfigListener) { l.LoggerLevelUpdated(namespace, level) }
	})
}

// Refresh has nothing to read: memory is always current.
func (s *ConfigStore) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateStarted {
		return storage.ErrClosed
	}
	return nil
}
