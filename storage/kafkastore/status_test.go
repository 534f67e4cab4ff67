package kafkastore

import (
	"errors"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/kafkalog"
)

// Expected values are written from Java's KafkaStatusBackingStore schemas:
// STATUS_SCHEMA_V0 (state, trace, worker_id, generation; a null trace is
// written as null) and the topic status map {"topic": TOPIC_STATUS_VALUE_SCHEMA_V0}.

func startStatusStore(t *testing.T, brokers []string, topic string, logger *slog.Logger) *StatusStore {
	t.Helper()
	s, err := NewStatusStore(logCfg(brokers, topic, 5, logger))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop(t.Context()) })
	return s
}

func TestStatusStoreWritesJavaRecords(t *testing.T) {
	brokers := newCluster(t)
	raw := openRaw(t, brokers, "connect-status", 5)
	s := startStatusStore(t, brokers, "connect-status", nil)
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.PutConnector(ctx, "humio", storage.Status{State: storage.StateRunning, WorkerID: "10.0.0.1:8083", Generation: 7}))
	must(s.PutTask(ctx, storage.TaskID{Connector: "humio", Task: 0}, storage.Status{State: storage.StateFailed,
		Trace: "org.apache.kafka.connect.errors.ConnectException: boom\n\tat X.y(X.java:1)", WorkerID: "10.0.0.1:8083", Generation: 7}))
	must(s.PutTopic(ctx, storage.TopicStatus{Topic: "logs", Connector: "humio", Task: 2, Discover: time.UnixMilli(1700000000123)}))
	must(s.PutTask(ctx, storage.TaskID{Connector: "humio", Task: 0}, storage.Status{State: storage.StateDestroyed, WorkerID: "10.0.0.1:8083", Generation: 8}))
	must(s.DeleteTopic(ctx, "humio", "logs"))

	want := map[string][]string{
		"status-connector-humio": {`{"state":"RUNNING","trace":null,"worker_id":"10.0.0.1:8083","generation":7}`},
		"status-task-humio-0": {`{"state":"FAILED","trace":"org.apache.kafka.connect.errors.ConnectException: boom\n\tat X.y(X.java:1)","worker_id":"10.0.0.1:8083","generation":7}`,
			"<tombstone>"},
		"status-topic-logs:connector-humio": {`{"topic":{"name":"logs","connector":"humio","task":2,"discoverTimestamp":1700000000123}}`, "<tombstone>"},
	}
	// Kafka's default partitioner (murmur2) on 5 partitions, computed by
	// Kafka's Utils.murmur2: see kafkalog's vectors.
	wantPartition := map[string]int32{"status-connector-humio": 0, "status-task-humio-0": 1}
	got := map[string][]string{}
	for _, r := range raw.records(t) {
		v := string(r.Value)
		if r.Value == nil {
			v = "<tombstone>"
		}
		got[string(r.Key)] = append(got[string(r.Key)], v)
		if p, ok := wantPartition[string(r.Key)]; ok && r.Partition != p {
			t.Errorf("%s in partition %d, Java puts it in %d", r.Key, r.Partition, p)
		}
	}
	for k, vs := range want {
		if len(got[k]) != len(vs) {
			t.Errorf("%s: records %q, want %q", k, got[k], vs)
			continue
		}
		for i := range vs {
			if got[k][i] != vs[i] {
				t.Errorf("%s record %d:\n got %s\nwant %s", k, i, got[k][i], vs[i])
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("keys written: %v", got)
	}
}

func TestStatusStoreReadsJavaRecords(t *testing.T) {
	brokers := newCluster(t)
	raw := openRaw(t, brokers, "st", 5)
	raw.write(t, "status-connector-my-conn", str(`{"worker_id":"w1:8083","state":"RUNNING","generation":3,"trace":null}`))
	raw.write(t, "status-task-my-conn-12", str(`{"generation":5,"state":"RUNNING","trace":null,"worker_id":"w2:8083"}`))
	// An UNASSIGNED of the same generation does not replace RUNNING...
	raw.write(t, "status-task-my-conn-12", str(`{"state":"UNASSIGNED","trace":null,"worker_id":"w1:8083","generation":5}`))
	raw.write(t, "status-task-my-conn-3", str(`{"state":"RUNNING","trace":null,"worker_id":"w2:8083","generation":5}`))
	// ...a newer one does.
	raw.write(t, "status-task-my-conn-3", str(`{"state":"UNASSIGNED","trace":null,"worker_id":"w1:8083","generation":6}`))
	raw.write(t, "status-topic-logs-2024:connector-my-conn", str(`{"topic":{"task":1,"discoverTimestamp":1700000000000,"name":"logs-2024","connector":"my-conn"}}`))
	raw.write(t, "status-connector-deleted", str(`{"state":"RUNNING","trace":null,"worker_id":"w1:8083","generation":1}`))
	raw.write(t, "status-task-deleted-0", str(`{"state":"RUNNING","trace":null,"worker_id":"w1:8083","generation":1}`))
	raw.write(t, "status-connector-deleted", nil)

	s := startStatusStore(t, brokers, "st", nil)
	if got, ok := s.Connector("my-conn"); !ok || got != (storage.Status{State: storage.StateRunning, WorkerID: "w1:8083", Generation: 3}) {
		t.Errorf("connector status %+v %v", got, ok)
	}
	if got, _ := s.Task(storage.TaskID{Connector: "my-conn", Task: 12}); got.State != storage.StateRunning || got.WorkerID != "w2:8083" {
		t.Errorf("task 12 %+v: an UNASSIGNED of the same generation replaced RUNNING", got)
	}
	if got, _ := s.Task(storage.TaskID{Connector: "my-conn", Task: 3}); got.State != storage.StateUnassigned || got.Generation != 6 {
		t.Errorf("task 3 %+v", got)
	}
	if ts := s.Topics("my-conn"); len(ts) != 1 || ts[0] != (storage.TopicStatus{Topic: "logs-2024", Connector: "my-conn", Task: 1, Discover: time.UnixMilli(1700000000000)}) {
		t.Errorf("topics %+v", ts)
	}
	if _, ok := s.Connector("deleted"); ok {
		t.Errorf("deleted connector has a status")
	}
	if len(s.Tasks("deleted")) != 0 {
		t.Errorf("a connector tombstone leaves its task statuses: %v", s.Tasks("deleted"))
	}
	if cs := s.Connectors(); len(cs) != 1 || cs[0] != "my-conn" {
		t.Errorf("connectors %v", cs)
	}
}

func TestStatusStoreSkipsUnreadableRecords(t *testing.T) {
	brokers := newCluster(t)
	raw := openRaw(t, brokers, "bad-status", 1)
	bad := []struct{ key, value, reason string }{
		{"status-connector-a", `{"state":"WEIRD","trace":null,"worker_id":"w","generation":1}`, "status cannot be read"},
		{"status-connector-b", `{"state":"RUNNING","trace":null,"worker_id":"w","generation":"x"}`, "status cannot be read"},
		{"status-task-x", `{"state":"RUNNING","trace":null,"worker_id":"w","generation":1}`, "status cannot be read"},
		{"status-task-c-notanumber", `{"state":"RUNNING","trace":null,"worker_id":"w","generation":1}`, "status cannot be read"},
		{"status-topic-nocolon", `{"topic":{}}`, "topic status cannot be read"},
		{"status-connector-d", `{oops`, "status cannot be read"},
		{"bogus", `{}`, "unknown status key"},
	}
	for _, b := range bad {
		raw.write(t, b.key, str(b.value))
	}
	raw.write(t, "status-connector-good", str(`{"state":"PAUSED","trace":null,"worker_id":"w","generation":2}`))
	var logs logBuffer
	s := startStatusStore(t, brokers, "bad-status", slog.New(slog.NewTextHandler(&logs, nil)))
	if got, ok := s.Connector("good"); !ok || got.State != storage.StatePaused {
		t.Errorf("good connector %+v %v", got, ok)
	}
	if cs := s.Connectors(); len(cs) != 1 {
		t.Errorf("connectors %v", cs)
	}
	for i, b := range bad {
		if !hasLogLine(logs.String(), "level=WARN", "topic=bad-status", "partition=0", "offset="+strconv.Itoa(i), "key="+b.key, b.reason) {
			t.Errorf("no warning for %s at offset %d in:\n%s", b.key, i, logs.String())
		}
	}
}

// A safe write from a worker of an older generation does not overwrite
// another worker's newer status that was read from the topic.
func TestStatusStoreSafeWriteAgainstOtherWorker(t *testing.T) {
	brokers := newCluster(t)
	raw := openRaw(t, brokers, "safe", 5)
	s := startStatusStore(t, brokers, "safe", nil)
	raw.write(t, "status-task-c-0", str(`{"state":"RUNNING","trace":null,"worker_id":"w2:8083","generation":9}`))
	waitFor(t, "the other worker's status", func() bool { _, ok := s.Task(storage.TaskID{Connector: "c", Task: 0}); return ok })
	if err := s.PutTaskSafe(t.Context(), storage.TaskID{Connector: "c", Task: 0}, storage.Status{State: storage.StateFailed, Trace: "x", WorkerID: "w1:8083", Generation: 8}); err != nil {
		t.Fatal(err)
	}
	for _, r := range raw.records(t) {
		if string(r.Key) == "status-task-c-0" && sameJSON(t, r.Value, `{"state":"FAILED","trace":"x","worker_id":"w1:8083","generation":8}`) {
			t.Fatal("the stale safe write reached the topic")
		}
	}
	if got, _ := s.Task(storage.TaskID{Connector: "c", Task: 0}); got.WorkerID != "w2:8083" {
		t.Errorf("status %+v", got)
	}
}

// ReadToEnd returns with what other workers wrote before the call in the
// cache (the leader reads to the end before removing deleted connectors'
// statuses); a stopped store refuses.
func TestStatusStoreReadToEnd(t *testing.T) {
	brokers := newCluster(t)
	raw := openRaw(t, brokers, "toend", 5)
	s := startStatusStore(t, brokers, "toend", nil)
	for i := range 20 {
		raw.write(t, "status-connector-c"+strconv.Itoa(i), str(`{"state":"UNASSIGNED","trace":null,"worker_id":"w2:8083","generation":21}`))
	}
	if err := s.ReadToEnd(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Connectors()); n != 20 {
		t.Fatalf("%d of 20 statuses read", n)
	}
	if err := s.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := s.ReadToEnd(t.Context()); !errors.Is(err, storage.ErrClosed) {
		t.Fatalf("after Stop: %v", err)
	}
}

// A write of ours is applied to the cache when acknowledged unless the
// reader applied a record of the key since the write started: the topic
// then holds something later (here the leader's tombstone of a deleted
// connector, or a newer owner's status) that the write must not undo. The
// steps are put's, with the reader's records in between.
func TestOwnWriteDoesNotUndoLaterRecords(t *testing.T) {
	enc := func(st storage.Status) []byte {
		b, err := encodeStatus(st)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	const key = connectorStatusPrefix + "c"
	ours := enc(storage.Status{State: storage.StateUnassigned, WorkerID: "w1:8083", Generation: 21})
	for _, c := range []struct {
		name  string
		later *kafkalog.Record // read while our write is in flight
		want  storage.State    // "" for no status
	}{
		{"nothing read meanwhile", nil, storage.StateUnassigned},
		{"tombstone read meanwhile", &kafkalog.Record{Key: []byte(key)}, ""},
		{"newer owner read meanwhile", &kafkalog.Record{Key: []byte(key),
			Value: enc(storage.Status{State: storage.StateRunning, WorkerID: "w2:8083", Generation: 22})}, storage.StateRunning},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &StatusStore{logger: slog.New(slog.DiscardHandler), connectors: map[string]*statusEntry{},
				tasks: map[string]map[int]*statusEntry{}, topics: map[string]map[string]storage.TopicStatus{}}
			s.consume(kafkalog.Record{Key: []byte(key),
				Value: enc(storage.Status{State: storage.StateRunning, WorkerID: "w1:8083", Generation: 20})})

			s.mu.Lock()
			entry := s.connectorEntry("c")
			entry.sequence++
			seq, readAt := entry.sequence, entry.read
			s.mu.Unlock()
			if c.later != nil {
				s.consume(*c.later)
			}
			s.mu.Lock()
			s.applyOwnWrite(entry, seq, readAt, key, ours)
			s.mu.Unlock()

			got, ok := s.Connector("c")
			if c.want == "" {
				if ok {
					t.Fatalf("the deleted connector's status came back: %+v", got)
				}
				return
			}
			if !ok || got.State != c.want {
				t.Fatalf("status %+v (present %v), want %s", got, ok, c.want)
			}
		})
	}
}

// A Java sink task writes a status-topic record for every record it
// consumes until it reads its own first one back (Kafka's
// WorkerTask.recordActiveTopic checks only its local cache), so a burst of
// records leaves as many copies, from several tasks. They are one active
// topic; the last copy wins, as in Java's KafkaStatusBackingStore.
func TestStatusStoreReadsJavasDuplicateTopicRecordsAsOne(t *testing.T) {
	brokers := newCluster(t)
	raw := openRaw(t, brokers, "dup-topic", 5)
	for i := range 20 {
		raw.write(t, "status-topic-logs:connector-sink1", str(
			`{"topic":{"name":"logs","connector":"sink1","task":`+strconv.Itoa(i%2)+`,"discoverTimestamp":`+strconv.Itoa(1700000000000+i)+`}}`))
	}
	s := startStatusStore(t, brokers, "dup-topic", nil)
	want := storage.TopicStatus{Topic: "logs", Connector: "sink1", Task: 1, Discover: time.UnixMilli(1700000000019)}
	if ts := s.Topics("sink1"); len(ts) != 1 || ts[0] != want {
		t.Errorf("topics %+v, want only %+v", ts, want)
	}
}
