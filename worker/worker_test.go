package worker_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/filestore"
	"github.com/kafka-connect-go/connect/storage/memstore"
	"github.com/kafka-connect-go/connect/worker"
)

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// The Kafka quickstart at scale: 100,000 lines from a file through a topic
// into another file, a graceful stop mid-run, a restart from the standalone
// offsets file and the committed group offsets: every line exactly once, in
// order.
func TestFileToTopicToFileExactlyOnceAcrossRestart(t *testing.T) {
	const n = 100_000
	addrs := kafka(t, map[string]int32{"lines": 1})
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.txt"), filepath.Join(dir, "out.txt")
	var b strings.Builder
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("line-%06d", i)
		b.WriteString(want[i])
		b.WriteByte('\n')
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	offsetsPath := filepath.Join(dir, "connect.offsets")
	reg := testRegistry(t, nil)
	srcCfg := func() map[string]string {
		return map[string]string{"connector.class": "FileStreamSource", "file": in, "topic": "lines"}
	}
	sinkCfg := func() map[string]string {
		return map[string]string{"connector.class": "FileStreamSink", "file": out, "topics": "lines"}
	}

	runWorker := func(stopAt int) {
		store := filestore.New(offsetsPath)
		if err := store.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		// The quickstart's converters: JSON with schemas, on both sides.
		w := newWorker(t, addrs, reg, store, func(c *worker.Config) {
			c.KeyConverter, c.ValueConverter = "org.apache.kafka.connect.json.JsonConverter", "JsonConverter"
			c.HeaderConverter = "SimpleHeaderConverter"
		})
		w.run(t, "local-file-source", srcCfg())
		w.run(t, "local-file-sink", sinkCfg())
		waitFor(t, 120*time.Second, func() error {
			if got := len(readLines(t, out)); got < stopAt {
				return fmt.Errorf("%d lines in the output", got)
			}
			return nil
		})
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := w.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		for _, id := range []storage.TaskID{{Connector: "local-file-source"}, {Connector: "local-file-sink"}} {
			if s, _ := w.ev.task(id); s.state != storage.StateUnassigned {
				t.Fatalf("task %s ended %s (%v), want UNASSIGNED", id, s.state, s.cause)
			}
		}
		if err := store.Stop(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	runWorker(n / 3) // stops mid-run
	mid := len(readLines(t, out))
	t.Logf("first worker stopped after %d of %d lines", mid, n)
	if mid >= n {
		t.Logf("the first worker copied everything before its stop (%d lines)", mid)
	}
	runWorker(n)
	got := readLines(t, out)
	if len(got) != n {
		t.Fatalf("output holds %d lines, want %d (first run stopped at %d)", len(got), n, mid)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("line %d is %q, want %q", i, got[i], want[i])
		}
	}
	// What the Java quickstart puts in the topic: the JSON envelope.
	if m := firstRecord(t, addrs, "lines"); string(m.Value) != `{"schema":{"type":"string","optional":false},"payload":"line-000000"}` || m.Key != nil {
		t.Fatalf("first record key %q value %s", m.Key, m.Value)
	}
	// The offsets file is Java's format and holds the source's position.
	store := filestore.New(offsetsPath)
	if err := store.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	key := []byte(`["local-file-source",{"filename":"` + in + `"}]`)
	vals, err := store.Get(t.Context(), [][]byte{key})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(vals[string(key)]), fmt.Sprintf(`{"position":%d}`, len(b.String())); got != want {
		t.Fatalf("stored source offset %s, want %s", got, want)
	}
}

func TestSinkConversionFailureFailsTaskWithCoordinates(t *testing.T) {
	addrs := kafka(t, map[string]int32{"events": 1})
	produce(t, addrs, "events", "fine", "bad", "never")
	mb := newMemBackend()
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore())
	w.run(t, "conv", map[string]string{"connector.class": "test.MemSinkConnector", "topics": "events"})
	s := w.ev.waitTask(t, storage.TaskID{Connector: "conv", Task: 0}, storage.StateFailed)
	msg := s.cause.Error()
	for _, want := range []string{`connector "conv" task 0`, "VALUE_CONVERTER", "test.StringConverter", "topic events partition 0 offset 1", `cannot read "bad"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("cause %q lacks %q", msg, want)
		}
	}
	if got := mb.snapshot(); slices.Contains(got, "never") {
		t.Fatalf("records after the bad one were delivered: %v", got)
	}
}

func TestToleranceAllSkipsAndTransformsApply(t *testing.T) {
	addrs := kafka(t, map[string]int32{"events": 1})
	produce(t, addrs, "events", "a", "bad", "b", "skip-me", "explode", "c")
	mb := newMemBackend()
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore())
	w.run(t, "tol", map[string]string{
		"connector.class": "test.MemSinkConnector", "topics": "events",
		"errors.tolerance": "all", "errors.log.enable": "true",
		"transforms":                "up,drop",
		"transforms.up.type":        "test.Upper",
		"transforms.up.suffix":      "!",
		"transforms.up.mode":        "a",
		"transforms.drop.type":      "test.Filter",
		"transforms.drop.predicate": "isSkip",
		"predicates":                "isSkip",
		"predicates.isSkip.type":    "test.ValueIs",
		"predicates.isSkip.value":   "SKIP-ME!",
	})
	waitFor(t, 30*time.Second, func() error {
		if got := committedOffset(t, addrs, "connect-tol", "events", 0); got != 6 {
			return fmt.Errorf("committed %d", got)
		}
		return nil
	})
	if got := mb.snapshot(); !slices.Equal(got, []string{"A!", "B!", "C!"}) {
		t.Fatalf("delivered %v", got)
	}
	w.ev.mu.Lock()
	topics := slices.Clone(w.ev.topics)
	w.ev.mu.Unlock()
	if !slices.Equal(topics, []string{"tol/0/events"}) {
		t.Fatalf("topic tracking reported %v", topics)
	}
}

func TestNegatedPredicate(t *testing.T) {
	addrs := kafka(t, map[string]int32{"events": 1})
	produce(t, addrs, "events", "keep", "other")
	mb := newMemBackend()
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore())
	w.run(t, "neg", map[string]string{
		"connector.class": "test.MemSinkConnector", "topics": "events",
		"transforms": "drop", "transforms.drop.type": "test.Filter",
		"transforms.drop.predicate": "isKeep", "transforms.drop.negate": "TRUE",
		"predicates": "isKeep", "predicates.isKeep.type": "test.ValueIs", "predicates.isKeep.value": "keep",
	})
	waitFor(t, 30*time.Second, func() error {
		if got := committedOffset(t, addrs, "connect-neg", "events", 0); got != 2 {
			return fmt.Errorf("committed %d", got)
		}
		return nil
	})
	if got := mb.snapshot(); !slices.Equal(got, []string{"keep"}) {
		t.Fatalf("delivered %v, want only the record the negated predicate protects", got)
	}
}

func TestRetriableErrorRedeliveryThroughWorker(t *testing.T) {
	addrs := kafka(t, map[string]int32{"events": 1})
	produce(t, addrs, "events", "x", "y", "z")
	mb := newMemBackend()
	var mu sync.Mutex
	failures := 0
	mb.failPut = func(task, n int, recs []*connector.SinkRecord) error {
		mu.Lock()
		defer mu.Unlock()
		if len(recs) > 0 && failures < 3 {
			failures++
			return connector.Retriablef("destination unavailable")
		}
		return nil
	}
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore())
	id := w.run(t, "retry", map[string]string{"connector.class": "test.MemSinkConnector", "topics": "events"})[0]
	waitFor(t, 30*time.Second, func() error {
		if got := mb.snapshot(); len(got) != 3 {
			return fmt.Errorf("delivered %v", got)
		}
		return nil
	})
	if got := mb.snapshot(); !slices.Equal(got, []string{"x", "y", "z"}) {
		t.Fatalf("delivered %v", got)
	}
	if s, _ := w.ev.task(id); s.state != storage.StateRunning {
		t.Fatalf("task is %s after retriable errors", s.state)
	}
}

func TestPauseResumeThroughWorker(t *testing.T) {
	addrs := kafka(t, map[string]int32{"events": 1})
	mb := newMemBackend()
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore())
	id := w.run(t, "pr", map[string]string{"connector.class": "test.MemSinkConnector", "topics": "events"})[0]
	produce(t, addrs, "events", "one")
	waitFor(t, 30*time.Second, func() error {
		if len(mb.snapshot()) != 1 {
			return errors.New("waiting for the first record")
		}
		return nil
	})
	w.SetTargetState("pr", storage.TargetPaused)
	w.ev.waitConnector(t, "pr", storage.StatePaused)
	w.ev.waitTask(t, id, storage.StatePaused)
	produce(t, addrs, "events", "two")
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		if len(mb.snapshot()) != 1 {
			t.Fatal("a record was delivered while paused")
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.SetTargetState("pr", storage.TargetStarted)
	w.ev.waitConnector(t, "pr", storage.StateRunning)
	w.ev.waitTask(t, id, storage.StateRunning)
	waitFor(t, 30*time.Second, func() error {
		if len(mb.snapshot()) != 2 {
			return errors.New("not resumed")
		}
		return nil
	})
	// A paused connector instance is stopped, as in Java.
	mb.mu.Lock()
	ev := slices.Clone(mb.events)
	mb.mu.Unlock()
	if slices.Index(ev, "connector-stop") < 0 || strings.Count(strings.Join(ev, " "), "connector-start") != 2 {
		t.Fatalf("connector events %v", ev)
	}
}

// The invariant behind at-least-once: the group offset follows what the
// task acknowledged, never what it was merely handed.
func TestOnlyAcknowledgedOffsetsCommittedThroughWorker(t *testing.T) {
	addrs := kafka(t, map[string]int32{"events": 1})
	values := make([]string, 20)
	for i := range values {
		values[i] = fmt.Sprint(i)
	}
	produce(t, addrs, "events", values...)
	mb := newMemBackend()
	var mu sync.Mutex
	acked := int64(7)
	mb.ack = func(offsets map[connector.TopicPartition]int64) map[connector.TopicPartition]int64 {
		mu.Lock()
		defer mu.Unlock()
		out := map[connector.TopicPartition]int64{}
		for tp, off := range offsets {
			out[tp] = min(off, acked)
		}
		return out
	}
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore())
	w.run(t, "acks", map[string]string{"connector.class": "test.MemSinkConnector", "topics": "events"})
	waitFor(t, 30*time.Second, func() error {
		if len(mb.snapshot()) != 20 {
			return errors.New("not delivered")
		}
		if got := committedOffset(t, addrs, "connect-acks", "events", 0); got != 7 {
			return fmt.Errorf("committed %d", got)
		}
		return nil
	})
	// Give the loop several commit intervals: the offset must stay.
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		if got := committedOffset(t, addrs, "connect-acks", "events", 0); got != 7 {
			t.Fatalf("committed %d, beyond the acknowledged 7", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	acked = 20
	mu.Unlock()
	waitFor(t, 30*time.Second, func() error {
		if got := committedOffset(t, addrs, "connect-acks", "events", 0); got != 20 {
			return fmt.Errorf("committed %d", got)
		}
		return nil
	})
}

// Two tasks of one connector share the group connect-<name>: the first
// flushes, commits and closes its partitions when the second joins.
func TestTwoTasksRebalance(t *testing.T) {
	addrs := kafka(t, map[string]int32{"events": 4})
	mb := newMemBackend()
	reg := testRegistry(t, mb)
	w := newWorker(t, addrs, reg, memstore.NewOffsetStore())
	cfg := map[string]string{"connector.class": "test.MemSinkConnector", "topics": "events", "tasks.max": "2", "name": "rb"}
	if err := w.StartConnector(t.Context(), "rb", cfg, storage.TargetStarted); err != nil {
		t.Fatal(err)
	}
	w.ev.waitConnector(t, "rb", storage.StateRunning)
	tcs, err := w.ConnectorTaskConfigs(t.Context(), "rb")
	if err != nil || len(tcs) != 2 || tcs[0]["task.class"] != "test.MemSinkTask" || tcs[1]["topics"] != "events" {
		t.Fatalf("task configs %v %v", tcs, err)
	}
	id0, id1 := storage.TaskID{Connector: "rb", Task: 0}, storage.TaskID{Connector: "rb", Task: 1}
	if err := w.StartTask(t.Context(), id0, cfg, tcs[0], storage.TargetStarted); err != nil {
		t.Fatal(err)
	}
	w.ev.waitTask(t, id0, storage.StateRunning)
	vals := make([]string, 200)
	for i := range vals {
		vals[i] = fmt.Sprint("v", i)
	}
	produce(t, addrs, "events", vals...)
	waitFor(t, 30*time.Second, func() error {
		if len(mb.snapshot()) != 200 {
			return fmt.Errorf("%d delivered", len(mb.snapshot()))
		}
		return nil
	})
	if err := w.StartTask(t.Context(), id1, cfg, tcs[1], storage.TargetStarted); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, func() error {
		mb.mu.Lock()
		defer mb.mu.Unlock()
		for _, e := range mb.events {
			if strings.HasPrefix(e, "open-1-") && e != "open-1-0" {
				return nil
			}
		}
		return fmt.Errorf("task 1 got no partitions: %v", mb.events)
	})
	mb.mu.Lock()
	ev := slices.Clone(mb.events)
	mb.mu.Unlock()
	closeAt := slices.Index(ev, "close-0-4")
	if closeAt < 1 || ev[closeAt-1] != "flush-0" {
		t.Fatalf("task 0 did not flush before closing its partitions: %v", ev)
	}
	var total int64
	for p := int32(0); p < 4; p++ {
		if off := committedOffset(t, addrs, "connect-rb", "events", p); off > 0 {
			total += off
		}
	}
	if total != 200 {
		t.Fatalf("committed %d records at the rebalance, want 200", total)
	}
	produce(t, addrs, "events", "late-1", "late-2", "late-3", "late-4", "late-5", "late-6", "late-7", "late-8")
	waitFor(t, 30*time.Second, func() error {
		if len(mb.snapshot()) != 208 {
			return fmt.Errorf("%d delivered", len(mb.snapshot()))
		}
		return nil
	})
	if err := w.StopTasks(t.Context(), id0, id1); err != nil {
		t.Fatal(err)
	}
	w.ev.waitTask(t, id0, storage.StateUnassigned)
	w.ev.waitTask(t, id1, storage.StateUnassigned)
	if len(w.Tasks()) != 0 {
		t.Fatalf("tasks still listed: %v", w.Tasks())
	}
}

func TestConnectorLifecycleErrors(t *testing.T) {
	addrs := kafka(t, nil)
	mb := newMemBackend()
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore())
	ctx := t.Context()
	if err := w.StartConnector(ctx, "x", map[string]string{"name": "x", "connector.class": "NoSuchConnector"}, storage.TargetStarted); err == nil {
		t.Fatal("an unknown class started")
	}
	if s, _ := w.ev.connector("x"); s.state != storage.StateFailed || !strings.Contains(s.cause.Error(), "NoSuchConnector") {
		t.Fatalf("unknown class reported %v", s)
	}
	if err := w.StartConnector(ctx, "y", map[string]string{"name": "y", "connector.class": "test.MemSinkConnector", "topics": "t", "topics.regex": "t.*"}, storage.TargetStarted); err == nil ||
		!strings.Contains(err.Error(), "mutually exclusive") {
		t.Fatalf("topics and topics.regex together: %v", err)
	}
	if err := w.StartConnector(ctx, "f", map[string]string{"name": "f", "connector.class": "test.MemSinkConnector", "topics": "t", "fail.start": "true"}, storage.TargetStarted); err != nil {
		t.Fatal(err)
	}
	s := w.ev.waitConnector(t, "f", storage.StateFailed)
	if !strings.Contains(s.cause.Error(), "connector refuses to start") {
		t.Fatalf("cause %v", s.cause)
	}
	if _, err := w.ConnectorTaskConfigs(ctx, "f"); !errors.Is(err, worker.ErrNotRunning) {
		t.Fatalf("task configs of a failed connector: %v", err)
	}
	cfg := map[string]string{"name": "ok", "connector.class": "MemSink", "topics": "t"}
	if err := w.StartConnector(ctx, "ok", cfg, storage.TargetPaused); err != nil {
		t.Fatal(err)
	}
	w.ev.waitConnector(t, "ok", storage.StatePaused)
	if err := w.StartConnector(ctx, "ok", cfg, storage.TargetStarted); !errors.Is(err, worker.ErrAlreadyRunning) {
		t.Fatalf("second start: %v", err)
	}
	if err := w.StopConnector(ctx, "ok"); err != nil {
		t.Fatal(err)
	}
	w.ev.waitConnector(t, "ok", storage.StateUnassigned)
	if got := w.Connectors(); slices.Contains(got, "ok") {
		t.Fatalf("connectors %v after stop", got)
	}
	// A task whose converter cannot be configured fails at once.
	err := w.StartTask(ctx, storage.TaskID{Connector: "bad", Task: 0},
		map[string]string{"name": "bad", "connector.class": "MemSink", "topics": "t", "value.converter": "test.StringConverter", "value.converter.fail.configure": "true"},
		map[string]string{}, storage.TargetStarted)
	if err == nil || !strings.Contains(err.Error(), "told to fail") {
		t.Fatalf("StartTask = %v", err)
	}
	if s, _ := w.ev.task(storage.TaskID{Connector: "bad"}); s.state != storage.StateFailed {
		t.Fatalf("task state %v", s)
	}
}

func TestTasksMaxEnforced(t *testing.T) {
	addrs := kafka(t, nil)
	mb := newMemBackend()
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore())
	cfg := map[string]string{"name": "tm", "connector.class": "MemSink", "topics": "t", "tasks.max": "1"}
	err := w.StartTask(t.Context(), storage.TaskID{Connector: "tm", Task: 1}, cfg, map[string]string{}, storage.TargetStarted)
	if err == nil || !strings.Contains(err.Error(), "tasks.max") {
		t.Fatalf("StartTask beyond tasks.max = %v", err)
	}
}

func TestResolvesConfigProviderReferences(t *testing.T) {
	addrs := kafka(t, map[string]int32{"resolved-topic": 1})
	produce(t, addrs, "resolved-topic", "hello")
	mb := newMemBackend()
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore(), func(c *worker.Config) {
		c.Resolve = func(m map[string]string) (map[string]string, error) {
			out := map[string]string{}
			for k, v := range m {
				out[k] = strings.ReplaceAll(v, "${env:TOPIC}", "resolved-topic")
			}
			return out, nil
		}
	})
	w.run(t, "res", map[string]string{"connector.class": "MemSink", "topics": "${env:TOPIC}"})
	waitFor(t, 30*time.Second, func() error {
		if got := mb.snapshot(); !slices.Equal(got, []string{"hello"}) {
			return fmt.Errorf("delivered %v", got)
		}
		return nil
	})
	// Task configs keep the reference, not the resolved value, so a secret
	// resolved for the connector is never stored or shown over REST.
	tcs, err := w.ConnectorTaskConfigs(t.Context(), "res")
	if err != nil {
		t.Fatal(err)
	}
	if got := tcs[0]["topics"]; got != "${env:TOPIC}" {
		t.Fatalf("task config topics = %q, want the unresolved reference", got)
	}
}

func TestSourceTaskThroughWorker(t *testing.T) {
	addrs := kafka(t, map[string]int32{"src-out": 1})
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(in, []byte("a\nb\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	store := memstore.NewOffsetStore()
	if err := store.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	mb := newMemBackend()
	w := newWorker(t, addrs, testRegistry(t, mb), store)
	w.run(t, "src", map[string]string{"connector.class": "FileStreamSourceConnector", "file": in, "topic": "src-out",
		"transforms": "up", "transforms.up.type": "test.Upper", "transforms.up.mode": "b"})
	w.run(t, "snk", map[string]string{"connector.class": "MemSink", "topics": "src-out"})
	waitFor(t, 30*time.Second, func() error {
		if got := mb.snapshot(); !slices.Equal(got, []string{"A", "B", "C"}) {
			return fmt.Errorf("delivered %v", got)
		}
		return nil
	})
	key := []byte(`["src",{"filename":"` + in + `"}]`)
	waitFor(t, 30*time.Second, func() error {
		vals, err := store.Get(t.Context(), [][]byte{key})
		if err != nil {
			return err
		}
		if string(vals[string(key)]) != `{"position":6}` {
			return fmt.Errorf("stored %q", vals[string(key)])
		}
		return nil
	})
}

// rawSink accepts raw JSON values.
type rawSinkTask struct{ *memSinkTask }

func (rawSinkTask) AcceptsRawJSON() bool { return true }

func TestRawJSONDeliveryDecision(t *testing.T) {
	addrs := kafka(t, map[string]int32{"json": 1})
	produce(t, addrs, "json", `{"a":1}`)
	for _, c := range []struct {
		name       string
		extra      map[string]string
		wantRaw    bool
		wantString string
	}{
		{"schemaless json", map[string]string{"value.converter.schemas.enable": "false"}, true, `{"a":1}`},
		{"json with schemas", map[string]string{"value.converter.schemas.enable": "true", "errors.tolerance": "all"}, false, ""},
		{"transforms", map[string]string{"value.converter.schemas.enable": "false", "transforms": "f", "transforms.f.type": "test.Filter",
			"transforms.f.predicate": "never", "predicates": "never", "predicates.never.type": "test.ValueIs", "predicates.never.value": "x"}, false, "map[a:1]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			mb := newMemBackend()
			reg := testRegistry(t, nil)
			var got []any
			var mu sync.Mutex
			mb.failPut = func(task, n int, recs []*connector.SinkRecord) error {
				mu.Lock()
				defer mu.Unlock()
				for _, r := range recs {
					got = append(got, r.Value)
				}
				return nil
			}
			if err := reg.Register(plugin.Plugin{Kind: plugin.Sink, Class: "test.RawSinkConnector", New: func() any { return &rawSink{memSink{b: mb}} }}); err != nil {
				t.Fatal(err)
			}
			w := newWorker(t, addrs, reg, memstore.NewOffsetStore())
			cfg := map[string]string{"connector.class": "test.RawSinkConnector", "topics": "json", "value.converter": "JsonConverter"}
			for k, v := range c.extra {
				cfg[k] = v
			}
			w.run(t, "raw-"+strings.ReplaceAll(c.name, " ", "-"), cfg)
			waitFor(t, 30*time.Second, func() error {
				if got := committedOffset(t, addrs, "connect-raw-"+strings.ReplaceAll(c.name, " ", "-"), "json", 0); got != 1 {
					return fmt.Errorf("committed %d", got)
				}
				return nil
			})
			mu.Lock()
			defer mu.Unlock()
			if c.wantString == "" {
				if len(got) != 0 {
					t.Fatalf("delivered %v, want the envelope-less record skipped", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("delivered %v", got)
			}
			_, isRaw := got[0].(connector.RawJSON)
			if isRaw != c.wantRaw || fmt.Sprint(got[0]) != c.wantString && string(asRaw(got[0])) != c.wantString {
				t.Fatalf("value %T %v, want raw=%v %s", got[0], got[0], c.wantRaw, c.wantString)
			}
		})
	}
}

func asRaw(v any) []byte {
	r, _ := v.(connector.RawJSON)
	return r
}

type rawSink struct{ memSink }

func (s *rawSink) NewTask() connector.SinkTask { return rawSinkTask{&memSinkTask{b: s.b}} }

func TestRealJSONConverterFailureNamesClass(t *testing.T) {
	addrs := kafka(t, map[string]int32{"notjson": 1})
	produce(t, addrs, "notjson", "{not json")
	mb := newMemBackend()
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore())
	w.run(t, "nj", map[string]string{"connector.class": "MemSink", "topics": "notjson",
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false"})
	s := w.ev.waitTask(t, storage.TaskID{Connector: "nj"}, storage.StateFailed)
	// The trace keeps the converter's hidden cause (Java prints it as "Caused by").
	if msg := s.cause.Error(); !strings.Contains(msg, "class org.apache.kafka.connect.json.JsonConverter") ||
		!strings.Contains(msg, "topic notjson partition 0 offset 0") || !strings.Contains(msg, "serialization error: ") ||
		strings.HasSuffix(msg, "serialization error: ") {
		t.Fatalf("cause %q", msg)
	}
}

// A source connector with KIP-158 topic.creation.* settings is told they
// are not applied (the broker's auto-creation makes its topics), instead
// of the broker's defaults passing silently for them.
func TestTopicCreationSettingsAreReportedUnapplied(t *testing.T) {
	addrs := kafka(t, map[string]int32{"created": 1})
	in := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(in, []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	store := memstore.NewOffsetStore()
	if err := store.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	w := newWorker(t, addrs, testRegistry(t, newMemBackend()), store, func(c *worker.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	ids := w.run(t, "src", map[string]string{"connector.class": "FileStreamSourceConnector", "file": in, "topic": "created",
		"topic.creation.default.partitions": "3", "topic.creation.default.replication.factor": "1"})
	w.ev.waitTask(t, ids[0], storage.StateRunning)
	if !strings.Contains(logs.String(), "topic.creation.* settings are not applied") {
		t.Fatalf("no warning about topic.creation.*:\n%s", logs.String())
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
