package kafkastore

import (
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/storage"
)

// The expected values below are written from Java's KafkaConfigBackingStore
// schemas (CONNECTOR_CONFIGURATION_V0, TARGET_STATE_V1,
// CONNECTOR_TASKS_COMMIT_V0, SESSION_KEY_V0, RESTART_REQUEST_V0,
// LOGGER_LEVEL_V0) as the schemaless JsonConverter serializes them: compact,
// struct fields in schema order.

func startConfigStore(t *testing.T, brokers []string, topic string, logger *slog.Logger) *ConfigStore {
	t.Helper()
	s, err := NewConfigStore(logCfg(brokers, topic, 1, logger))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConfigStoreWritesJavaRecords(t *testing.T) {
	brokers := newCluster(t)
	raw := openRaw(t, brokers, "connect-configs", 1)
	s := startConfigStore(t, brokers, "connect-configs", nil)
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(t.Context())
	ctx := t.Context()

	stopped := storage.TargetStopped
	cfg := map[string]string{"name": "humio-sink", "connector.class": "io.confluent.connect.elasticsearch.ElasticsearchSinkConnector",
		"tasks.max": "2", "topics": "logs", "a<b": "x&y \"q\" é"}
	if err := s.PutConnectorConfig(ctx, "humio-sink", cfg, &stopped); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTaskConfigs(ctx, "humio-sink", []map[string]string{{"task.class": "T", "topics": "logs"}, {"task.class": "T", "topics": "logs"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTaskConfigs(ctx, "empty", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTargetState(ctx, "humio-sink", storage.TargetStarted); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTargetState(ctx, "humio-sink", storage.TargetPaused); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 16)
	for i := range key {
		key[i] = byte(i)
	}
	if err := s.PutSessionKey(ctx, storage.SessionKey{Key: key, Algorithm: "HmacSHA256", Created: time.UnixMilli(1700000000000)}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRestartRequest(ctx, storage.RestartRequest{Connector: "humio-sink", IncludeTasks: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutLoggerLevel(ctx, "org.apache.kafka.connect", "DEBUG"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveConnectorConfig(ctx, "humio-sink"); err != nil {
		t.Fatal(err)
	}

	want := []struct{ key, value string }{
		{"target-state-humio-sink", `{"state":"PAUSED","state.v2":"STOPPED"}`},
		{"connector-humio-sink", `{"properties":{"a<b":"x&y \"q\" é","connector.class":"io.confluent.connect.elasticsearch.ElasticsearchSinkConnector","name":"humio-sink","tasks.max":"2","topics":"logs"}}`},
		{"task-humio-sink-0", `{"properties":{"task.class":"T","topics":"logs"}}`},
		{"task-humio-sink-1", `{"properties":{"task.class":"T","topics":"logs"}}`},
		{"commit-humio-sink", `{"tasks":2}`},
		{"commit-empty", `{"tasks":0}`},
		{"target-state-humio-sink", `{"state":"STARTED","state.v2":"STARTED"}`},
		{"target-state-humio-sink", `{"state":"PAUSED","state.v2":"PAUSED"}`},
		{"session-key", `{"key":"AAECAwQFBgcICQoLDA0ODw==","algorithm":"HmacSHA256","creation-timestamp":1700000000000}`},
		{"restart-connector-humio-sink", `{"include-tasks":true,"only-failed":false}`},
		{"logger-cluster-org.apache.kafka.connect", `{"level":"DEBUG"}`},
		{"connector-humio-sink", "<tombstone>"},
		{"target-state-humio-sink", "<tombstone>"},
	}
	recs := raw.records(t)
	if len(recs) != len(want) {
		for _, r := range recs {
			t.Logf("%s = %s", r.Key, r.Value)
		}
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i, w := range want {
		r := recs[i]
		got := string(r.Value)
		if r.Value == nil {
			got = "<tombstone>"
		}
		if string(r.Key) != w.key || got != w.value {
			t.Errorf("record %d:\n got %s = %s\nwant %s = %s", i, r.Key, got, w.key, w.value)
		}
	}
	if got := s.Snapshot().Offset; got != int64(len(want)) {
		t.Errorf("snapshot offset %d, want %d (next offset to read)", got, len(want))
	}
}

// listener records calls; safe for the store's goroutine.
type listener struct {
	mu     sync.Mutex
	events []string
}

func (l *listener) add(e string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}
func (l *listener) ConnectorConfigRemoved(c string) { l.add("removed " + c) }
func (l *listener) ConnectorConfigUpdated(c string) { l.add("updated " + c) }
func (l *listener) TaskConfigsUpdated(ids []storage.TaskID) {
	s := "tasks"
	slices.SortFunc(ids, func(a, b storage.TaskID) int { return a.Task - b.Task })
	for _, id := range ids {
		s += " " + id.String()
	}
	l.add(s)
}
func (l *listener) TargetStateChanged(c string)          { l.add("target " + c) }
func (l *listener) SessionKeyUpdated(storage.SessionKey) { l.add("session key") }
func (l *listener) RestartRequested(r storage.RestartRequest) {
	l.add("restart " + r.Connector)
}
func (l *listener) LoggerLevelUpdated(ns, level string) { l.add("logger " + ns + "=" + level) }
func (l *listener) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.events...)
}

// Records as a Java worker writes them (HashMap key orders, integers that
// Java reads as Long, old-style target states) replay as Java replays them.
func TestConfigStoreReplaysJavaRecords(t *testing.T) {
	brokers := newCluster(t)
	raw := openRaw(t, brokers, "connect-configs", 1)
	for _, r := range []struct {
		key   string
		value *string
	}{
		{"connector-src", str(`{"properties":{"tasks.max":"3","name":"src","connector.class":"FileStreamSource","file":"/tmp/in"}}`)},
		{"task-src-1", str(`{"properties":{"task.class":"FileStreamSourceTask","file":"/tmp/in","n":"1"}}`)},
		{"task-src-0", str(`{"properties":{"n":"0","task.class":"FileStreamSourceTask","file":"/tmp/in"}}`)},
		{"task-src-2", str(`{"properties":{"n":"2"}}`)},
		{"commit-src", str(`{"tasks":3}`)},
		// A task config staged without its commit stays invisible.
		{"task-src-0", str(`{"properties":{"n":"0-new"}}`)},
		// Connector names may contain dashes.
		{"connector-my-dashed-conn", str(`{"properties":{"name":"my-dashed-conn"}}`)},
		{"task-my-dashed-conn-0", str(`{"properties":{"x":"y"}}`)},
		{"commit-my-dashed-conn", str(`{"tasks":1}`)},
		// An old worker writes only "state".
		{"target-state-src", str(`{"state":"PAUSED"}`)},
		{"connector-stopped", str(`{"properties":{"name":"stopped"}}`)},
		{"target-state-stopped", str(`{"state.v2":"STOPPED","state":"PAUSED"}`)},
		// An incomplete commit (compaction removed task 1) flags the connector.
		{"connector-inc", str(`{"properties":{"name":"inc"}}`)},
		{"task-inc-0", str(`{"properties":{"k":"v"}}`)},
		{"commit-inc", str(`{"tasks":2}`)},
		// A commit for a connector that is gone is ignored.
		{"task-ghost-0", str(`{"properties":{"k":"v"}}`)},
		{"commit-ghost", str(`{"tasks":1}`)},
		// A removed target state falls back to STARTED.
		{"connector-resumed", str(`{"properties":{"name":"resumed"}}`)},
		{"target-state-resumed", str(`{"state":"PAUSED","state.v2":"PAUSED"}`)},
		{"target-state-resumed", nil},
		// A deleted connector takes its task configs with it.
		{"connector-gone", str(`{"properties":{"name":"gone"}}`)},
		{"task-gone-0", str(`{"properties":{"k":"v"}}`)},
		{"commit-gone", str(`{"tasks":1}`)},
		{"connector-gone", nil},
		{"session-key", str(`{"creation-timestamp":1700000000000,"algorithm":"HmacSHA256","key":"c2VjcmV0"}`)},
		// History: not acted on at startup.
		{"restart-connector-src", str(`{"only-failed":true,"include-tasks":true}`)},
		{"logger-cluster-org.apache.kafka", str(`{"level":"TRACE"}`)},
		{"tasks-fencing-src", str(`{"task-count":3}`)},
	} {
		raw.write(t, r.key, r.value)
	}

	l := &listener{}
	s := startConfigStore(t, brokers, "connect-configs", nil)
	s.SetListener(l)
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(t.Context())
	snap := s.Snapshot()

	if snap.Offset != 28 {
		t.Errorf("offset %d, want 28", snap.Offset)
	}
	if snap.Connectors["src"]["connector.class"] != "FileStreamSource" || len(snap.Connectors) != 5 {
		t.Errorf("connectors %v", snap.Connectors)
	}
	if ids := snap.Tasks("src"); len(ids) != 3 || snap.TaskConfigs[ids[0]]["n"] != "0" || snap.TaskConfigs[ids[2]]["n"] != "2" {
		t.Errorf("src tasks %v configs %v", ids, snap.TaskConfigs)
	}
	if ids := snap.Tasks("my-dashed-conn"); len(ids) != 1 || snap.TaskConfigs[ids[0]]["x"] != "y" {
		t.Errorf("dashed connector tasks %v", ids)
	}
	for c, want := range map[string]storage.TargetState{"src": storage.TargetPaused, "stopped": storage.TargetStopped,
		"resumed": storage.TargetStarted, "my-dashed-conn": storage.TargetStarted} {
		if got := snap.TargetStates[c]; got != want {
			t.Errorf("target state of %s = %q, want %q", c, got, want)
		}
	}
	if !snap.Inconsistent["inc"] || snap.TaskCounts["inc"] != 2 || len(snap.Tasks("inc")) != 0 {
		t.Errorf("inc: inconsistent %v count %d tasks %v", snap.Inconsistent["inc"], snap.TaskCounts["inc"], snap.Tasks("inc"))
	}
	if _, ok := snap.TaskCounts["ghost"]; ok {
		t.Errorf("commit for an unknown connector applied")
	}
	if _, ok := snap.Connectors["gone"]; ok || len(snap.Tasks("gone")) != 0 {
		t.Errorf("deleted connector still there")
	}
	if k := snap.SessionKey; k == nil || string(k.Key) != "secret" || k.Algorithm != "HmacSHA256" || k.Created.UnixMilli() != 1700000000000 {
		t.Errorf("session key %+v", k)
	}
	if ev := l.list(); len(ev) != 0 {
		t.Errorf("listener called for history: %v", ev)
	}

	// News after start reaches the listener; the staged task 0 is applied
	// by the next commit.
	raw.write(t, "restart-connector-src", str(`{"include-tasks":false,"only-failed":true}`))
	raw.write(t, "logger-cluster-org.apache.kafka", str(`{"level":"WARN"}`))
	raw.write(t, "task-src-1", str(`{"properties":{"n":"1-new"}}`))
	raw.write(t, "commit-src", str(`{"tasks":2}`))
	raw.write(t, "target-state-src", str(`{"state":"STARTED","state.v2":"STARTED"}`))
	raw.write(t, "connector-src", nil)
	if err := s.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := []string{"restart src", "logger org.apache.kafka=WARN", "tasks src-0 src-1", "target src", "removed src"}
	waitFor(t, "listener calls", func() bool { return len(l.list()) >= len(want) })
	if got := l.list(); !slices.Equal(got, want) {
		t.Errorf("listener calls %v, want %v", got, want)
	}
}

func TestConfigStoreTaskCommitShrinks(t *testing.T) {
	brokers := newCluster(t)
	raw := openRaw(t, brokers, "cfg", 1)
	raw.write(t, "connector-c", str(`{"properties":{"name":"c"}}`))
	for _, k := range []string{"task-c-0", "task-c-1", "task-c-2"} {
		raw.write(t, k, str(`{"properties":{"old":"1"}}`))
	}
	raw.write(t, "commit-c", str(`{"tasks":3}`))
	raw.write(t, "task-c-0", str(`{"properties":{"new":"1"}}`))
	raw.write(t, "commit-c", str(`{"tasks":1}`))
	s := startConfigStore(t, brokers, "cfg", nil)
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(t.Context())
	snap := s.Snapshot()
	if len(snap.TaskConfigs) != 1 || snap.TaskConfigs[storage.TaskID{Connector: "c", Task: 0}]["new"] != "1" {
		t.Errorf("task configs after shrinking commit: %v", snap.TaskConfigs)
	}
	// An incomplete commit after a good one: the old configs are not served.
	raw.write(t, "task-c-1", str(`{"properties":{"x":"1"}}`))
	raw.write(t, "commit-c", str(`{"tasks":2}`))
	if err := s.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	snap = s.Snapshot()
	if !snap.Inconsistent["c"] || len(snap.Tasks("c")) != 0 || snap.TaskCounts["c"] != 2 {
		t.Errorf("after an incomplete commit: inconsistent %v tasks %v count %d", snap.Inconsistent["c"], snap.Tasks("c"), snap.TaskCounts["c"])
	}
	// A complete one clears the flag.
	raw.write(t, "task-c-0", str(`{"properties":{"y":"0"}}`))
	raw.write(t, "task-c-1", str(`{"properties":{"y":"1"}}`))
	raw.write(t, "commit-c", str(`{"tasks":2}`))
	if err := s.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	snap = s.Snapshot()
	if snap.Inconsistent["c"] || len(snap.Tasks("c")) != 2 || snap.TaskConfigs[storage.TaskID{Connector: "c", Task: 1}]["y"] != "1" {
		t.Errorf("after a complete commit: inconsistent %v tasks %v", snap.Inconsistent["c"], snap.Tasks("c"))
	}
}

// Records a store cannot read are skipped with a warning naming topic,
// partition and offset; later records still apply.
func TestConfigStoreSkipsUnreadableRecords(t *testing.T) {
	brokers := newCluster(t)
	raw := openRaw(t, brokers, "bad-configs", 1)
	bad := []struct {
		key, value string
		reason     string
	}{
		{"connector-a", `not json`, "config value cannot be read"},
		{"connector-b", `{"properties":"x"}`, "connector config is malformed"},
		{"connector-c", `[1,2]`, "config value cannot be read"},
		{"task-nonum-x", `{"properties":{}}`, "task config key cannot be parsed"},
		{"commit-ok", `{"tasks":"two"}`, "task commit is malformed"},
		{"target-state-ok", `{"state":"RUNNING"}`, "unknown target state"},
		{"session-key", `{"key":"%%%","algorithm":"HmacSHA256","creation-timestamp":1}`, "session key is not base64"},
		{"weird-key", `{}`, "unknown config key"},
	}
	raw.write(t, "connector-ok", str(`{"properties":{"name":"ok"}}`))
	for _, b := range bad {
		raw.write(t, b.key, str(b.value))
	}
	raw.write(t, "task-ok-0", str(`{"properties":{"k":"v"}}`))
	raw.write(t, "commit-ok", str(`{"tasks":1}`))

	var logs logBuffer
	s := startConfigStore(t, brokers, "bad-configs", slog.New(slog.NewTextHandler(&logs, nil)))
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(t.Context())
	snap := s.Snapshot()
	if len(snap.Connectors) != 1 || len(snap.Tasks("ok")) != 1 || snap.TargetStates["ok"] != storage.TargetStarted {
		t.Errorf("snapshot after bad records: %+v", snap)
	}
	out := logs.String()
	for i, b := range bad {
		offset := i + 1
		if !hasLogLine(out, "level=WARN", "topic=bad-configs", "partition=0", "offset="+strconv.Itoa(offset), "key="+b.key, b.reason) {
			t.Errorf("no warning for %s at offset %d (%s) in:\n%s", b.key, offset, b.reason, out)
		}
	}
}
