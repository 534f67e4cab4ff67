package storagetest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/storage"
)

// ConfigStore runs the config store suite. open returns a new, unstarted,
// empty store.
func ConfigStore(t *testing.T, open func(t *testing.T) storage.ConfigStore) {
	t.Run("connector config and target state", func(t *testing.T) {
		s := open(t)
		l := &recordingListener{}
		s.SetListener(l)
		start(t, s)
		defer stop(t, s)
		paused := storage.TargetPaused
		if err := s.PutConnectorConfig(t.Context(), "c1", map[string]string{"name": "c1", "k": "v"}, &paused); err != nil {
			t.Fatal(err)
		}
		if err := s.PutConnectorConfig(t.Context(), "c2", map[string]string{"name": "c2"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		snap := s.Snapshot()
		if snap.Connectors["c1"]["k"] != "v" || snap.Connectors["c2"]["name"] != "c2" {
			t.Fatalf("snapshot connectors = %v", snap.Connectors)
		}
		if snap.TargetStates["c1"] != storage.TargetPaused {
			t.Fatalf("c1 target = %q, want PAUSED", snap.TargetStates["c1"])
		}
		if got := snap.TargetStates["c2"]; got != storage.TargetStarted && got != "" {
			t.Fatalf("c2 target = %q, want STARTED (or unset, meaning started)", got)
		}
		waitFor(t, func() bool { return slices.Contains(l.updated(), "c1") && slices.Contains(l.updated(), "c2") })

		if err := s.PutTargetState(t.Context(), "c2", storage.TargetStopped); err != nil {
			t.Fatal(err)
		}
		if err := s.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := s.Snapshot().TargetStates["c2"]; got != storage.TargetStopped {
			t.Fatalf("c2 target after PutTargetState = %q, want STOPPED", got)
		}
		waitFor(t, func() bool { return slices.Contains(l.targets(), "c2") })
	})

	t.Run("task configs", func(t *testing.T) {
		s := open(t)
		l := &recordingListener{}
		s.SetListener(l)
		start(t, s)
		defer stop(t, s)
		if err := s.PutConnectorConfig(t.Context(), "c", map[string]string{"name": "c"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.PutTaskConfigs(t.Context(), "c", []map[string]string{{"t": "0"}, {"t": "1"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		snap := s.Snapshot()
		ids := snap.Tasks("c")
		if len(ids) != 2 || snap.TaskConfigs[ids[1]]["t"] != "1" {
			t.Fatalf("tasks = %v configs %v", ids, snap.TaskConfigs)
		}
		// Fewer tasks replace the set.
		if err := s.PutTaskConfigs(t.Context(), "c", []map[string]string{{"t": "new"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		snap = s.Snapshot()
		if ids := snap.Tasks("c"); len(ids) != 1 || snap.TaskConfigs[ids[0]]["t"] != "new" {
			t.Fatalf("after shrinking, tasks = %v configs %v", ids, snap.TaskConfigs)
		}
		waitFor(t, func() bool { return len(l.tasks()) >= 2 })

		if err := s.RemoveConnectorConfig(t.Context(), "c"); err != nil {
			t.Fatal(err)
		}
		if err := s.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		snap = s.Snapshot()
		if _, ok := snap.Connectors["c"]; ok {
			t.Fatalf("connector still present after removal")
		}
		waitFor(t, func() bool { return slices.Contains(l.removed(), "c") })
	})

	t.Run("snapshot is a copy", func(t *testing.T) {
		s := open(t)
		start(t, s)
		defer stop(t, s)
		cfg := map[string]string{"name": "c"}
		if err := s.PutConnectorConfig(t.Context(), "c", cfg, nil); err != nil {
			t.Fatal(err)
		}
		cfg["name"] = "changed by caller"
		if err := s.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := s.Snapshot().Connectors["c"]["name"]; got != "c" {
			t.Fatalf("store kept the caller's map: name = %q", got)
		}
	})

	t.Run("stopped store refuses writes", func(t *testing.T) {
		s := open(t)
		start(t, s)
		stop(t, s)
		if err := s.PutConnectorConfig(t.Context(), "c", map[string]string{}, nil); !errors.Is(err, storage.ErrClosed) {
			t.Fatalf("PutConnectorConfig after Stop = %v, want storage.ErrClosed", err)
		}
	})
}

// recordingListener records what a ConfigStore told it.
type recordingListener struct {
	mu                         sync.Mutex
	upd, rem, tgt              []string
	taskIDs                    []storage.TaskID
	restarts                   []storage.RestartRequest
	sessionKeys, loggerUpdates int
}

func (l *recordingListener) ConnectorConfigRemoved(c string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rem = append(l.rem, c)
}

func (l *recordingListener) ConnectorConfigUpdated(c string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.upd = append(l.upd, c)
}

func (l *recordingListener) TaskConfigsUpdated(ids []storage.TaskID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.taskIDs = append(l.taskIDs, ids...)
}

func (l *recordingListener) TargetStateChanged(c string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tgt = append(l.tgt, c)
}

func (l *recordingListener) SessionKeyUpdated(storage.SessionKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sessionKeys++
}

func (l *recordingListener) RestartRequested(r storage.RestartRequest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.restarts = append(l.restarts, r)
}

func (l *recordingListener) LoggerLevelUpdated(string, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.loggerUpdates++
}

func (l *recordingListener) updated() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.upd)
}

func (l *recordingListener) removed() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.rem)
}

func (l *recordingListener) targets() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.tgt)
}

func (l *recordingListener) tasks() []storage.TaskID {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.taskIDs)
}

// waitFor polls cond until it holds or 10 seconds pass; listeners of the
// Kafka stores hear about writes from a reader goroutine, a little later.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
