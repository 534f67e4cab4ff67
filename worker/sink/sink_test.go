package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/data"
	"github.com/kafka-connect-go/connect/worker/tolerance"
)

// ---- a broker and helpers ----

func cluster(t *testing.T, partitions int32, topics ...string) []string {
	t.Helper()
	opts := []kfake.Opt{kfake.NumBrokers(1), kfake.AllowAutoTopicCreation()}
	if len(topics) > 0 {
		opts = append(opts, kfake.SeedTopics(partitions, topics...))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

func saramaConfig(clientID string) *sarama.Config {
	c := sarama.NewConfig()
	c.Version = sarama.V3_6_0_0
	c.ClientID = clientID
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	c.Consumer.Group.Rebalance.Timeout = 10 * time.Second
	c.Consumer.Group.Session.Timeout = 10 * time.Second
	c.Consumer.Group.Heartbeat.Interval = 500 * time.Millisecond
	c.Metadata.RefreshFrequency = time.Second
	return c
}

// produce writes values to topic partition p, in order.
func produce(t *testing.T, addrs []string, topic string, p int32, values ...string) {
	t.Helper()
	c := saramaConfig("test-producer")
	c.Producer.Return.Successes = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Partitioner = sarama.NewManualPartitioner
	prod, err := sarama.NewSyncProducer(addrs, c)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	msgs := make([]*sarama.ProducerMessage, len(values))
	for i, v := range values {
		msgs[i] = &sarama.ProducerMessage{Topic: topic, Partition: p, Value: sarama.StringEncoder(v),
			Headers: []sarama.RecordHeader{{Key: []byte("h"), Value: []byte("hv")}}}
	}
	if err := prod.SendMessages(msgs); err != nil {
		t.Fatal(err)
	}
}

// committed returns the group's committed offsets for topic's partitions
// (none while the group does not exist yet).
func committed(t *testing.T, addrs []string, group, topic string, partitions int32) map[int32]int64 {
	t.Helper()
	admin, err := sarama.NewClusterAdmin(addrs, saramaConfig("test-admin"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.DescribeConsumerGroups([]string{group}); err != nil {
		return map[int32]int64{}
	}
	ps := make([]int32, partitions)
	for i := range ps {
		ps[i] = int32(i)
	}
	resp, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: ps})
	if errors.Is(err, sarama.ErrGroupIDNotFound) {
		return map[int32]int64{}
	}
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	for p, b := range resp.Blocks[topic] {
		if b.Offset >= 0 {
			out[p] = b.Offset
		}
	}
	return out
}

// waitFor polls cond until it returns nil, failing with its last error
// after the deadline.
func waitFor(t *testing.T, d time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v: %v", d, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ---- converters for the tests: bytes as strings, "bad" fails ----

type stringConverter struct{}

func (stringConverter) Configure(map[string]string, bool) error { return nil }
func (stringConverter) FromConnectData(string, connector.Headers, *data.Schema, any) ([]byte, error) {
	return nil, errors.New("unused")
}
func (stringConverter) ToConnectData(topic string, h connector.Headers, b []byte) (*data.Schema, any, error) {
	if b == nil {
		return nil, nil, nil
	}
	if string(b) == "bad" {
		return nil, nil, errors.New("cannot convert \"bad\"")
	}
	return data.OptionalStringSchema, string(b), nil
}

type headerConverter struct{}

func (headerConverter) Configure(map[string]string) error { return nil }
func (headerConverter) FromConnectHeader(string, string, *data.Schema, any) ([]byte, error) {
	return nil, errors.New("unused")
}
func (headerConverter) ToConnectHeader(topic, key string, b []byte) (*data.Schema, any, error) {
	return data.OptionalStringSchema, string(b), nil
}

// ---- a recording sink task ----

type recordingTask struct {
	mu        sync.Mutex
	ctx       connector.SinkTaskContext
	puts      int
	records   []*connector.SinkRecord
	flushed   []map[connector.TopicPartition]int64
	opened    [][]connector.TopicPartition
	closed    [][]connector.TopicPartition
	events    []string
	stopped   int
	failOnPut func(n int, recs []*connector.SinkRecord) error
	preCommit func(offsets map[connector.TopicPartition]int64) map[connector.TopicPartition]int64
	onPut     func(ctx connector.SinkTaskContext, recs []*connector.SinkRecord)
}

func (r *recordingTask) Version() string { return "test" }
func (r *recordingTask) Start(ctx connector.SinkTaskContext, cfg map[string]string) error {
	r.ctx = ctx
	return nil
}

func (r *recordingTask) Put(ctx context.Context, recs []*connector.SinkRecord) error {
	r.mu.Lock()
	r.puts++
	n := r.puts
	fail := r.failOnPut
	onPut := r.onPut
	r.mu.Unlock()
	if fail != nil {
		if err := fail(n, recs); err != nil {
			return err
		}
	}
	if onPut != nil {
		onPut(r.ctx, recs)
	}
	r.mu.Lock()
	r.records = append(r.records, recs...)
	r.mu.Unlock()
	return nil
}

func (r *recordingTask) Flush(ctx context.Context, offsets map[connector.TopicPartition]int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.flushed = append(r.flushed, offsets)
	r.events = append(r.events, "flush")
	return nil
}

func (r *recordingTask) Open(tps []connector.TopicPartition) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.opened = append(r.opened, tps)
	r.events = append(r.events, "open")
	return nil
}

func (r *recordingTask) Close(tps []connector.TopicPartition) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = append(r.closed, tps)
	r.events = append(r.events, "close")
	return nil
}

func (r *recordingTask) Stop() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped++
	return nil
}

func (r *recordingTask) values() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.records))
	for i, rec := range r.records {
		out[i], _ = rec.Value.(string)
		if raw, ok := rec.Value.(connector.RawJSON); ok {
			out[i] = string(raw)
		}
	}
	return out
}

func (r *recordingTask) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.records)
}

// preCommitTask acknowledges only what preCommit says.
type preCommitTask struct{ *recordingTask }

func (p preCommitTask) PreCommit(ctx context.Context, offsets map[connector.TopicPartition]int64) (map[connector.TopicPartition]int64, error) {
	return p.preCommit(offsets), nil
}

type listener struct {
	mu     sync.Mutex
	states []string
}

func (l *listener) Running() { l.add("RUNNING") }
func (l *listener) Paused()  { l.add("PAUSED") }
func (l *listener) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.states = append(l.states, s)
}
func (l *listener) last() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.states) == 0 {
		return ""
	}
	return l.states[len(l.states)-1]
}

type runner struct {
	task *Task
	done chan error
	stop context.CancelFunc
}

func baseConfig(addrs []string, task connector.SinkTask, topic string) Config {
	return Config{
		Connector: "test", TaskID: 0, Task: task, TaskConfig: map[string]string{"topics": topic},
		Brokers: addrs, Client: saramaConfig("connector-consumer-test-0"),
		Topics:       []string{topic},
		KeyConverter: stringConverter{}, ValueConverter: stringConverter{}, HeaderConverter: headerConverter{},
		KeyConverterClass: "test.StringConverter", ValueConverterClass: "test.StringConverter", HeaderConverterClass: "test.HeaderConverter",
		Tolerance:      tolerance.New(tolerance.Config{Connector: "test"}),
		CommitInterval: 200 * time.Millisecond,
		Logger:         slog.New(slog.NewTextHandler(testWriter{}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
}

type testWriter struct{}

func (testWriter) Write(b []byte) (int, error) { return len(b), nil }

func start(t *testing.T, cfg Config) *runner {
	t.Helper()
	task, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &runner{task: task, done: make(chan error, 1), stop: cancel}
	go func() { r.done <- task.Run(ctx) }()
	t.Cleanup(func() {
		task.Stop()
		select {
		case <-r.done:
		case <-time.After(20 * time.Second):
			cancel()
		}
		cancel()
	})
	return r
}

// stop stops gracefully and returns Run's result.
func (r *runner) stopAndWait(t *testing.T) error {
	t.Helper()
	r.task.Stop()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("task did not stop within 30s")
		return nil
	}
}

func values(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

// ---- tests ----

func TestDeliversAndCommitsEverything(t *testing.T) {
	addrs := cluster(t, 3, "logs")
	for p := int32(0); p < 3; p++ {
		produce(t, addrs, "logs", p, values(fmt.Sprintf("p%d-", p), 300)...)
	}
	rt := &recordingTask{}
	l := &listener{}
	cfg := baseConfig(addrs, rt, "logs")
	cfg.Listener = l
	topicsSeen := make(chan string, 4)
	cfg.TopicUsed = func(topic string) { topicsSeen <- topic }
	r := start(t, cfg)
	waitFor(t, 30*time.Second, func() error {
		if n := rt.count(); n != 900 {
			return fmt.Errorf("%d records delivered", n)
		}
		return nil
	})
	if err := r.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
	// Per partition, in order, each once.
	byPart := map[string][]string{}
	for _, v := range rt.values() {
		p := v[:strings.Index(v, "-")]
		byPart[p] = append(byPart[p], v)
	}
	for p := 0; p < 3; p++ {
		want := values(fmt.Sprintf("p%d-", p), 300)
		if !slices.Equal(byPart[fmt.Sprintf("p%d", p)], want) {
			t.Fatalf("partition %d delivered out of order or incompletely", p)
		}
	}
	rec := rt.records[0]
	if rec.Original == nil || rec.Original.Topic != "logs" || rec.Headers == nil || rec.Headers[0].Value != "hv" || rec.TimestampType != connector.CreateTime {
		t.Fatalf("record %+v lacks original, headers or timestamp", rec)
	}
	got := committed(t, addrs, "connect-test", "logs", 3)
	for p := int32(0); p < 3; p++ {
		if got[p] != 300 {
			t.Fatalf("committed %v, want 300 on every partition", got)
		}
	}
	if rt.stopped != 1 || len(rt.opened) == 0 || len(rt.closed) == 0 {
		t.Fatalf("stopped %d opened %v closed %v", rt.stopped, rt.opened, rt.closed)
	}
	if l.last() != "RUNNING" {
		t.Fatalf("listener states %v", l.states)
	}
	if topic := <-topicsSeen; topic != "logs" || len(topicsSeen) != 0 {
		t.Fatalf("topic tracking reported %q (+%d more)", topic, len(topicsSeen))
	}
}

// The invariant of at-least-once: only what PreCommit acknowledged is
// committed, never what was merely delivered.
func TestCommitsOnlyAcknowledgedOffsets(t *testing.T) {
	addrs := cluster(t, 1, "acks")
	produce(t, addrs, "acks", 0, values("v", 100)...)
	rt := &recordingTask{}
	tp := connector.TopicPartition{Topic: "acks", Partition: 0}
	var mu sync.Mutex
	ackedUpTo := int64(40)
	var offered []int64
	rt.preCommit = func(offsets map[connector.TopicPartition]int64) map[connector.TopicPartition]int64 {
		mu.Lock()
		defer mu.Unlock()
		offered = append(offered, offsets[tp])
		return map[connector.TopicPartition]int64{
			tp:                             ackedUpTo,
			{Topic: "other", Partition: 0}: 5, // not assigned: ignored
		}
	}
	cfg := baseConfig(addrs, preCommitTask{rt}, "acks")
	r := start(t, cfg)
	waitFor(t, 30*time.Second, func() error {
		if n := rt.count(); n != 100 {
			return fmt.Errorf("%d delivered", n)
		}
		return nil
	})
	waitFor(t, 10*time.Second, func() error {
		if got := committed(t, addrs, "connect-test", "acks", 1)[0]; got != 40 {
			return fmt.Errorf("committed %d", got)
		}
		return nil
	})
	// A task answering beyond what was delivered is capped: nothing moves.
	mu.Lock()
	ackedUpTo = 500
	mu.Unlock()
	waitFor(t, 10*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(offered) < 3 {
			return errors.New("waiting for more commits")
		}
		return nil
	})
	if got := committed(t, addrs, "connect-test", "acks", 1)[0]; got != 40 {
		t.Fatalf("committed %d after an answer beyond the delivered offset, want 40", got)
	}
	mu.Lock()
	ackedUpTo = 100
	mu.Unlock()
	if err := r.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
	if got := committed(t, addrs, "connect-test", "acks", 1)[0]; got != 100 {
		t.Fatalf("after the final commit: %d, want 100", got)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, o := range offered {
		if o != 100 {
			t.Fatalf("PreCommit was offered %v, want the delivered offset 100", offered)
		}
	}
}

func TestRetriableErrorRedeliversSameBatch(t *testing.T) {
	addrs := cluster(t, 1, "retry")
	produce(t, addrs, "retry", 0, values("r", 50)...)
	rt := &recordingTask{}
	var failed [][]string
	rt.failOnPut = func(n int, recs []*connector.SinkRecord) error {
		if len(recs) == 0 || len(failed) >= 2 {
			return nil
		}
		vals := make([]string, len(recs))
		for i, r := range recs {
			vals[i] = r.Value.(string)
		}
		failed = append(failed, vals)
		rt.ctx.Timeout(50 * time.Millisecond)
		return connector.Retriablef("destination busy")
	}
	r := start(t, baseConfig(addrs, rt, "retry"))
	waitFor(t, 30*time.Second, func() error {
		if n := rt.count(); n != 50 {
			return fmt.Errorf("%d delivered", n)
		}
		return nil
	})
	if err := r.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
	if len(failed) != 2 || !slices.Equal(failed[0], failed[1]) {
		t.Fatalf("retried batches differ: %v", failed)
	}
	if got := rt.values(); !slices.Equal(got, values("r", 50)) {
		t.Fatalf("delivered %v", got)
	}
	if got := rt.values()[:len(failed[0])]; !slices.Equal(got, failed[0]) {
		t.Fatalf("first successful batch %v is not the failed one %v", got, failed[0])
	}
}

func TestConversionFailureFailsTaskWithCoordinates(t *testing.T) {
	addrs := cluster(t, 1, "badrec")
	produce(t, addrs, "badrec", 0, "ok0", "ok1", "bad", "ok3")
	rt := &recordingTask{}
	r := start(t, baseConfig(addrs, rt, "badrec"))
	var err error
	select {
	case err = <-r.done:
		r.done <- err
	case <-time.After(30 * time.Second):
		t.Fatal("task did not fail")
	}
	var te *tolerance.Error
	if !errors.As(err, &te) {
		t.Fatalf("Run = %v, want a tolerance error", err)
	}
	for _, want := range []string{"VALUE_CONVERTER", "topic badrec partition 0 offset 2", `connector "test" task 0`, `cannot convert "bad"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if rt.stopped != 1 {
		t.Errorf("task stopped %d times", rt.stopped)
	}
	// Nothing after the bad record was committed.
	if got := committed(t, addrs, "connect-test", "badrec", 1)[0]; got > 2 {
		t.Fatalf("committed %d, past the failed record", got)
	}
}

func TestToleranceAllSkipsBadRecords(t *testing.T) {
	addrs := cluster(t, 1, "skip")
	produce(t, addrs, "skip", 0, "a", "bad", "b", "bad")
	rt := &recordingTask{}
	cfg := baseConfig(addrs, rt, "skip")
	cfg.Tolerance = tolerance.New(tolerance.Config{Connector: "test", TolerateAll: true})
	r := start(t, cfg)
	waitFor(t, 30*time.Second, func() error {
		if got := committed(t, addrs, "connect-test", "skip", 1)[0]; got != 4 {
			return fmt.Errorf("committed %d", got)
		}
		return nil
	})
	if err := r.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
	if got := rt.values(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("delivered %v", got)
	}
	if s := cfg.Tolerance.Stats(); s.RecordsSkipped != 2 {
		t.Fatalf("stats %+v", s)
	}
}

func TestPauseAndResumeConnector(t *testing.T) {
	addrs := cluster(t, 2, "pause")
	produce(t, addrs, "pause", 0, "x0")
	rt := &recordingTask{}
	l := &listener{}
	cfg := baseConfig(addrs, rt, "pause")
	cfg.Listener = l
	r := start(t, cfg)
	waitFor(t, 30*time.Second, func() error {
		if rt.count() != 1 {
			return errors.New("first record not delivered")
		}
		return nil
	})
	r.task.SetPaused(true)
	waitFor(t, 5*time.Second, func() error {
		if l.last() != "PAUSED" {
			return errors.New("not paused")
		}
		return nil
	})
	produce(t, addrs, "pause", 0, "y0", "y1")
	produce(t, addrs, "pause", 1, "z0")
	// Wait for records to be fetched (and held): the consumer is still in
	// the group; nothing may be delivered.
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if rt.count() != 1 {
			t.Fatalf("delivered %v while paused", rt.values())
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.task.SetPaused(false)
	waitFor(t, 30*time.Second, func() error {
		if n := rt.count(); n != 4 {
			return fmt.Errorf("%d delivered after resume", n)
		}
		return nil
	})
	if l.last() != "RUNNING" {
		t.Fatalf("states %v", l.states)
	}
	if err := r.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
}

func TestTaskPausesOnePartition(t *testing.T) {
	addrs := cluster(t, 2, "tp")
	rt := &recordingTask{}
	paused := connector.TopicPartition{Topic: "tp", Partition: 1}
	var once sync.Once
	rt.onPut = func(ctx connector.SinkTaskContext, recs []*connector.SinkRecord) {
		if len(recs) > 0 {
			once.Do(func() { ctx.Pause(paused) })
		}
	}
	r := start(t, baseConfig(addrs, rt, "tp"))
	produce(t, addrs, "tp", 0, "first")
	waitFor(t, 30*time.Second, func() error {
		if rt.count() < 1 {
			return errors.New("nothing yet")
		}
		return nil
	})
	produce(t, addrs, "tp", 1, "held")
	produce(t, addrs, "tp", 0, "second")
	waitFor(t, 30*time.Second, func() error {
		if rt.count() < 2 {
			return errors.New("partition 0 stalled")
		}
		return nil
	})
	if slices.Contains(rt.values(), "held") {
		t.Fatalf("a paused partition was delivered: %v", rt.values())
	}
	rt.ctx.Resume(paused)
	waitFor(t, 30*time.Second, func() error {
		if !slices.Contains(rt.values(), "held") {
			return errors.New("not resumed")
		}
		return nil
	})
	if err := r.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
}

// Two tasks in one group: when the second joins, the first flushes, commits
// and closes its partitions before anyone gets them again, and nothing is
// lost or delivered out of order.
func TestRebalanceFlushesAndCommits(t *testing.T) {
	addrs := cluster(t, 4, "rb")
	for p := int32(0); p < 4; p++ {
		produce(t, addrs, "rb", p, values(fmt.Sprintf("a%d-", p), 100)...)
	}
	t1 := &recordingTask{}
	r1 := start(t, baseConfig(addrs, t1, "rb"))
	waitFor(t, 30*time.Second, func() error {
		if n := t1.count(); n != 400 {
			return fmt.Errorf("%d delivered to task 1", n)
		}
		return nil
	})
	t2 := &recordingTask{}
	cfg2 := baseConfig(addrs, t2, "rb")
	cfg2.TaskID = 1
	cfg2.Client = saramaConfig("connector-consumer-test-1")
	r2 := start(t, cfg2)
	waitFor(t, 30*time.Second, func() error {
		t2.mu.Lock()
		defer t2.mu.Unlock()
		if len(t2.opened) == 0 || len(t2.opened[len(t2.opened)-1]) == 0 {
			return errors.New("task 2 has no partitions")
		}
		return nil
	})
	t1.mu.Lock()
	ev := slices.Clone(t1.events)
	t1.mu.Unlock()
	// open, (flush)*, flush+close at the revocation, open again.
	i := slices.Index(ev, "close")
	if i < 1 || ev[i-1] != "flush" {
		t.Fatalf("task 1 events %v: the revocation must flush before closing", ev)
	}
	got := committed(t, addrs, "connect-test", "rb", 4)
	for p := int32(0); p < 4; p++ {
		if got[p] != 100 {
			t.Fatalf("committed at revocation %v, want 100 everywhere", got)
		}
	}
	for p := int32(0); p < 4; p++ {
		produce(t, addrs, "rb", p, values(fmt.Sprintf("b%d-", p), 50)...)
	}
	waitFor(t, 30*time.Second, func() error {
		if n := t1.count() + t2.count(); n != 600 {
			return fmt.Errorf("%d delivered in total", n)
		}
		return nil
	})
	if err := r2.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
	if err := r1.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
	got = committed(t, addrs, "connect-test", "rb", 4)
	for p := int32(0); p < 4; p++ {
		if got[p] != 150 {
			t.Fatalf("committed %v, want 150 everywhere", got)
		}
	}
}

func TestRawJSONValues(t *testing.T) {
	addrs := cluster(t, 1, "raw")
	produce(t, addrs, "raw", 0, `{"a":1}`, `not json at all`)
	rt := &recordingTask{}
	cfg := baseConfig(addrs, rt, "raw")
	cfg.RawJSONValues = true
	r := start(t, cfg)
	waitFor(t, 30*time.Second, func() error {
		if rt.count() != 2 {
			return errors.New("waiting")
		}
		return nil
	})
	if err := r.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
	if _, ok := rt.records[0].Value.(connector.RawJSON); !ok || rt.values()[0] != `{"a":1}` {
		t.Fatalf("value %T %v", rt.records[0].Value, rt.records[0].Value)
	}
}

func TestTopicsRegex(t *testing.T) {
	addrs := cluster(t, 1, "app-logs", "app-metrics", "other")
	produce(t, addrs, "app-logs", 0, "l")
	produce(t, addrs, "app-metrics", 0, "m")
	produce(t, addrs, "other", 0, "o")
	rt := &recordingTask{}
	cfg := baseConfig(addrs, rt, "")
	cfg.Topics = nil
	cfg.TopicsRegex = regexp.MustCompile(`app-.*`)
	r := start(t, cfg)
	waitFor(t, 30*time.Second, func() error {
		if rt.count() != 2 {
			return fmt.Errorf("%v", rt.values())
		}
		return nil
	})
	if err := r.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
	got := rt.values()
	slices.Sort(got)
	if !slices.Equal(got, []string{"l", "m"}) {
		t.Fatalf("delivered %v", got)
	}
}

func TestPutFailureFailsTask(t *testing.T) {
	addrs := cluster(t, 1, "pf")
	produce(t, addrs, "pf", 0, "x")
	rt := &recordingTask{}
	rt.failOnPut = func(n int, recs []*connector.SinkRecord) error {
		if len(recs) > 0 {
			return errors.New("disk on fire")
		}
		return nil
	}
	r := start(t, baseConfig(addrs, rt, "pf"))
	select {
	case err := <-r.done:
		r.done <- err
		if err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), `connector "test" task 0`) {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("task did not fail")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	base := baseConfig([]string{"localhost:1"}, &recordingTask{}, "x")
	bad := map[string]func(c *Config){
		"no topics":  func(c *Config) { c.Topics = nil },
		"both":       func(c *Config) { c.TopicsRegex = regexp.MustCompile("x") },
		"no task":    func(c *Config) { c.Task = nil },
		"no convert": func(c *Config) { c.KeyConverter = nil },
	}
	for name, mut := range bad {
		c := base
		mut(&c)
		if _, err := New(c); err == nil {
			t.Errorf("%s: New accepted the config", name)
		}
	}
}

// Kafka unreachable at start: the task keeps trying instead of failing,
// and still stops cleanly.
func TestUnreachableKafkaIsRetried(t *testing.T) {
	rt := &recordingTask{}
	cfg := baseConfig([]string{"127.0.0.1:1"}, rt, "x")
	cfg.Client.Metadata.Retry.Max = 0
	cfg.Client.Net.DialTimeout = 100 * time.Millisecond
	r := start(t, cfg)
	select {
	case err := <-r.done:
		t.Fatalf("Run returned %v while Kafka was unreachable", err)
	case <-time.After(1500 * time.Millisecond):
	}
	if err := r.stopAndWait(t); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if rt.stopped != 1 {
		t.Fatalf("task stopped %d times", rt.stopped)
	}
}
