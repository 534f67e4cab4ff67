package worker_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/converter"
	"github.com/kafka-connect-go/connect/connector/data"
	"github.com/kafka-connect-go/connect/connector/file"
	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/worker"
)

// ---- plugins for the tests ----

// stringConverter stands in for the converters of connector/converter:
// strings to UTF-8 bytes and back; the value "bad" cannot be read.
type stringConverter struct{ cfg map[string]string }

func (c *stringConverter) Configure(cfg map[string]string, isKey bool) error {
	c.cfg = cfg
	if cfg["fail.configure"] == "true" {
		return errors.New("told to fail")
	}
	return nil
}

func (c *stringConverter) FromConnectData(topic string, h connector.Headers, s *data.Schema, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []byte(x), nil
	case []byte:
		return x, nil
	}
	return []byte(fmt.Sprint(v)), nil
}

func (c *stringConverter) ToConnectData(topic string, h connector.Headers, b []byte) (*data.Schema, any, error) {
	if b == nil {
		return nil, nil, nil
	}
	if string(b) == "bad" {
		return nil, nil, errors.New(`cannot read "bad"`)
	}
	return data.OptionalStringSchema, string(b), nil
}

type stringHeaderConverter struct{}

func (stringHeaderConverter) Configure(map[string]string) error { return nil }
func (stringHeaderConverter) FromConnectHeader(topic, key string, s *data.Schema, v any) ([]byte, error) {
	return []byte(fmt.Sprint(v)), nil
}
func (stringHeaderConverter) ToConnectHeader(topic, key string, b []byte) (*data.Schema, any, error) {
	return data.OptionalStringSchema, string(b), nil
}

// upper is a transformation: upper-cases string values, or appends its
// "suffix" setting.
type upper struct{ suffix string }

func (u *upper) Configure(cfg map[string]string) error {
	if _, ok := cfg["predicate"]; ok {
		return errors.New("predicate must not reach the transformation")
	}
	u.suffix = cfg["suffix"]
	return nil
}

func (u *upper) Apply(r *connector.Record) (*connector.Record, error) {
	s, ok := r.Value.(string)
	if !ok {
		return r, nil
	}
	if s == "explode" {
		return nil, errors.New("boom")
	}
	out := *r
	out.Value = strings.ToUpper(s) + u.suffix
	return &out, nil
}
func (u *upper) Close() error { return nil }

func upperConfigDef() *configdef.ConfigDef {
	return configdef.New().Define(configdef.Key{Name: "suffix", Type: configdef.TypeString, Default: "", Doc: "appended"}).
		Define(configdef.Key{Name: "mode", Type: configdef.TypeString, Default: configdef.NoDefault, Validator: configdef.OneOf("a", "b"), Doc: "required"})
}

// filterTx drops every record (Kafka's Filter).
type filterTx struct{}

func (filterTx) Configure(map[string]string) error                  { return nil }
func (filterTx) Apply(*connector.Record) (*connector.Record, error) { return nil, nil }
func (filterTx) Close() error                                       { return nil }

// valueIs is a predicate: the value equals its "value" setting.
type valueIs struct{ v string }

func (p *valueIs) Configure(cfg map[string]string) error {
	p.v = cfg["value"]
	return nil
}
func (p *valueIs) Test(r *connector.Record) (bool, error) { return r.Value == p.v, nil }
func (p *valueIs) Close() error                           { return nil }

// ---- a programmable sink connector ----

type memSink struct{ b *memBackend }

type memBackend struct {
	mu       sync.Mutex
	values   []string
	byTask   map[int][]string
	events   []string
	putCount int
	// failPut, when set, decides Put's answer.
	failPut func(task int, n int, recs []*connector.SinkRecord) error
	// ack, when set, makes tasks PreCommitters acknowledging what it says.
	ack func(offsets map[connector.TopicPartition]int64) map[connector.TopicPartition]int64
}

func newMemBackend() *memBackend { return &memBackend{byTask: map[int][]string{}} }

func (b *memBackend) snapshot() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.values...)
}

func (b *memBackend) event(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.events = append(b.events, s)
}

func (s *memSink) Version() string { return "1" }
func (s *memSink) Start(ctx connector.ConnectorContext, cfg map[string]string) error {
	if cfg["fail.start"] == "true" {
		return errors.New("connector refuses to start")
	}
	s.b.event("connector-start")
	return nil
}
func (s *memSink) TaskClass() string { return "test.MemSinkTask" }
func (s *memSink) TaskConfigs(max int) ([]map[string]string, error) {
	out := make([]map[string]string, max)
	for i := range out {
		out[i] = map[string]string{"task.number": fmt.Sprint(i)}
	}
	return out, nil
}
func (s *memSink) Stop() error {
	s.b.event("connector-stop")
	return nil
}
func (s *memSink) NewTask() connector.SinkTask {
	t := &memSinkTask{b: s.b}
	if s.b.ack != nil {
		return &ackingSinkTask{t}
	}
	return t
}

type memSinkTask struct {
	b    *memBackend
	task int
	ctx  connector.SinkTaskContext
}

func (t *memSinkTask) Version() string { return "1" }
func (t *memSinkTask) Start(ctx connector.SinkTaskContext, cfg map[string]string) error {
	fmt.Sscan(cfg["task.number"], &t.task)
	t.ctx = ctx
	return nil
}
func (t *memSinkTask) Put(ctx context.Context, recs []*connector.SinkRecord) error {
	t.b.mu.Lock()
	t.b.putCount++
	n := t.b.putCount
	fail := t.b.failPut
	t.b.mu.Unlock()
	if fail != nil {
		if err := fail(t.task, n, recs); err != nil {
			return err
		}
	}
	t.b.mu.Lock()
	defer t.b.mu.Unlock()
	for _, r := range recs {
		v := fmt.Sprint(r.Value)
		t.b.values = append(t.b.values, v)
		t.b.byTask[t.task] = append(t.b.byTask[t.task], v)
	}
	return nil
}
func (t *memSinkTask) Flush(ctx context.Context, offsets map[connector.TopicPartition]int64) error {
	t.b.event(fmt.Sprintf("flush-%d", t.task))
	return nil
}
func (t *memSinkTask) Open(tps []connector.TopicPartition) error {
	t.b.event(fmt.Sprintf("open-%d-%d", t.task, len(tps)))
	return nil
}
func (t *memSinkTask) Close(tps []connector.TopicPartition) error {
	t.b.event(fmt.Sprintf("close-%d-%d", t.task, len(tps)))
	return nil
}
func (t *memSinkTask) Stop() error { return nil }

type ackingSinkTask struct{ *memSinkTask }

func (a *ackingSinkTask) PreCommit(ctx context.Context, offsets map[connector.TopicPartition]int64) (map[connector.TopicPartition]int64, error) {
	return a.b.ack(offsets), nil
}

// ---- a registry ----

func testRegistry(t *testing.T, sinkBackend *memBackend) *plugin.Registry {
	t.Helper()
	r := plugin.NewRegistry()
	ps := []plugin.Plugin{
		{Kind: plugin.Source, Class: file.SourceConnectorClass, Version: file.Version, Config: file.SourceConfigDef(),
			New: func() any { return file.NewSourceConnector() }},
		{Kind: plugin.Sink, Class: file.SinkConnectorClass, Version: file.Version, Config: file.SinkConfigDef(),
			New: func() any { return file.NewSinkConnector() }},
		{Kind: plugin.Converter, Class: "test.StringConverter", New: func() any { return &stringConverter{} },
			Config: configdef.New().Define(configdef.Key{Name: "converter.type", Type: configdef.TypeString, Default: configdef.NoDefault, Validator: configdef.OneOf("key", "value", "header")}).
				Define(configdef.Key{Name: "strict", Type: configdef.TypeBoolean, Default: false})},
		{Kind: plugin.HeaderConverter, Class: "test.StringHeaderConverter", New: func() any { return stringHeaderConverter{} }},
		{Kind: plugin.Converter, Class: converter.JSONConverterClass, Config: converter.JSONConverterConfigDef(),
			New: func() any { return converter.NewJSONConverter() }},
		{Kind: plugin.HeaderConverter, Class: converter.JSONConverterClass, Config: converter.JSONConverterConfigDef(),
			New: func() any { return converter.NewJSONHeaderConverter() }},
		{Kind: plugin.HeaderConverter, Class: converter.SimpleHeaderConverterClass,
			New: func() any { return converter.NewSimpleHeaderConverter() }},
		{Kind: plugin.Converter, Class: converter.StringConverterClass, New: func() any { return converter.NewStringConverter() }},
		{Kind: plugin.Transformation, Class: "test.Upper", New: func() any { return &upper{} }, Config: upperConfigDef()},
		{Kind: plugin.Transformation, Class: "test.Filter", New: func() any { return filterTx{} }},
		{Kind: plugin.Predicate, Class: "test.ValueIs", New: func() any { return &valueIs{} },
			Config: configdef.New().Define(configdef.Key{Name: "value", Type: configdef.TypeString, Default: configdef.NoDefault})},
	}
	if sinkBackend != nil {
		ps = append(ps, plugin.Plugin{Kind: plugin.Sink, Class: "test.MemSinkConnector", New: func() any { return &memSink{b: sinkBackend} },
			Config: configdef.New().Define(configdef.Key{Name: "mem.required", Type: configdef.TypeString, Default: "x"})})
	}
	for _, p := range ps {
		if err := r.Register(p); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// ---- events ----

type state struct {
	state storage.State
	cause error
}

type events struct {
	mu         sync.Mutex
	connectors map[string][]state
	tasks      map[storage.TaskID][]state
	reconfig   []string
	topics     []string
}

func newEvents() *events {
	return &events{connectors: map[string][]state{}, tasks: map[storage.TaskID][]state{}}
}

func (e *events) ConnectorStateChanged(c string, s storage.State, cause error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.connectors[c] = append(e.connectors[c], state{s, cause})
}

func (e *events) TaskStateChanged(id storage.TaskID, s storage.State, cause error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tasks[id] = append(e.tasks[id], state{s, cause})
}

func (e *events) TaskReconfigurationRequested(c string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reconfig = append(e.reconfig, c)
}

func (e *events) TopicUsed(c string, task int, topic string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.topics = append(e.topics, fmt.Sprintf("%s/%d/%s", c, task, topic))
}

func (e *events) connector(c string) (state, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.connectors[c]
	if len(s) == 0 {
		return state{}, false
	}
	return s[len(s)-1], true
}

func (e *events) task(id storage.TaskID) (state, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.tasks[id]
	if len(s) == 0 {
		return state{}, false
	}
	return s[len(s)-1], true
}

func (e *events) waitConnector(t *testing.T, c string, want storage.State) state {
	t.Helper()
	var got state
	waitFor(t, 30*time.Second, func() error {
		s, ok := e.connector(c)
		got = s
		if !ok || s.state != want {
			return fmt.Errorf("connector %s is %v (%v), want %s", c, s.state, s.cause, want)
		}
		return nil
	})
	return got
}

func (e *events) waitTask(t *testing.T, id storage.TaskID, want storage.State) state {
	t.Helper()
	var got state
	waitFor(t, 60*time.Second, func() error {
		s, ok := e.task(id)
		got = s
		if !ok || s.state != want {
			return fmt.Errorf("task %s is %v (%v), want %s", id, s.state, s.cause, want)
		}
		return nil
	})
	return got
}

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

// ---- a broker, a worker, a tiny herder ----

func kafka(t *testing.T, seed map[string]int32) []string {
	t.Helper()
	opts := []kfake.Opt{kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1)}
	for topic, n := range seed {
		opts = append(opts, kfake.SeedTopics(n, topic))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

type testWorker struct {
	*worker.Worker
	ev *events
}

func newWorker(t *testing.T, addrs []string, reg *plugin.Registry, offsets storage.OffsetStore, mutate ...func(*worker.Config)) *testWorker {
	t.Helper()
	ev := newEvents()
	cfg := worker.Config{
		WorkerID:         "test:8083",
		BootstrapServers: addrs,
		ConsumerProps: map[string]string{
			"session.timeout.ms": "10000", "heartbeat.interval.ms": "500", "max.poll.interval.ms": "10000",
		},
		OffsetFlushInterval: 200 * time.Millisecond,
		TaskShutdownTimeout: 10 * time.Second,
		KeyConverter:        "test.StringConverter",
		ValueConverter:      "test.StringConverter",
		HeaderConverter:     "test.StringHeaderConverter",
		TopicTracking:       true,
		Logger:              slog.New(slog.NewTextHandler(testLogWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Registry:            reg,
		Offsets:             offsets,
		Events:              ev,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	w, err := worker.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tw := &testWorker{Worker: w, ev: ev}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = w.Stop(ctx)
	})
	return tw
}

type testLogWriter struct{ t *testing.T }

func (w testLogWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// run does what a herder does for one connector: start it, wait for it to
// run, ask for task configs and start the tasks.
func (w *testWorker) run(t *testing.T, name string, cfg map[string]string) []storage.TaskID {
	t.Helper()
	cfg["name"] = name
	if err := w.StartConnector(t.Context(), name, cfg, storage.TargetStarted); err != nil {
		t.Fatal(err)
	}
	w.ev.waitConnector(t, name, storage.StateRunning)
	tcs, err := w.ConnectorTaskConfigs(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	var ids []storage.TaskID
	for i, tc := range tcs {
		id := storage.TaskID{Connector: name, Task: i}
		if err := w.StartTask(t.Context(), id, cfg, tc, storage.TargetStarted); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		w.ev.waitTask(t, id, storage.StateRunning)
	}
	return ids
}

func produce(t *testing.T, addrs []string, topic string, values ...string) {
	t.Helper()
	c := sarama.NewConfig()
	c.Version = sarama.V3_6_0_0
	c.Producer.Return.Successes = true
	prod, err := sarama.NewSyncProducer(addrs, c)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	msgs := make([]*sarama.ProducerMessage, len(values))
	for i, v := range values {
		msgs[i] = &sarama.ProducerMessage{Topic: topic, Value: sarama.StringEncoder(v)}
	}
	if err := prod.SendMessages(msgs); err != nil {
		t.Fatal(err)
	}
}

func committedOffset(t *testing.T, addrs []string, group, topic string, partition int32) int64 {
	t.Helper()
	c := sarama.NewConfig()
	c.Version = sarama.V3_6_0_0
	admin, err := sarama.NewClusterAdmin(addrs, c)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	resp, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{topic: {partition}})
	if err != nil {
		return -1
	}
	if b := resp.GetBlock(topic, partition); b != nil {
		return b.Offset
	}
	return -1
}

// firstRecord reads the first record of a topic's partition 0.
func firstRecord(t *testing.T, addrs []string, topic string) *sarama.ConsumerMessage {
	t.Helper()
	c := sarama.NewConfig()
	c.Version = sarama.V3_6_0_0
	cons, err := sarama.NewConsumer(addrs, c)
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	pc, err := cons.ConsumePartition(topic, 0, sarama.OffsetOldest)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	select {
	case m := <-pc.Messages():
		return m
	case <-time.After(10 * time.Second):
		t.Fatalf("no record in %s", topic)
		return nil
	}
}
