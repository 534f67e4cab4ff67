package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/data"
	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/memstore"
	"github.com/kafka-connect-go/connect/worker/tolerance"
)

func newCluster(t *testing.T, topics ...string) (*kfake.Cluster, []string) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.SeedTopics(2, topics...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, c.ListenAddrs()
}

func producerConfig() *sarama.Config {
	c := sarama.NewConfig()
	c.Version = sarama.V3_6_0_0
	c.ClientID = "connector-producer-test-0"
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Net.MaxOpenRequests = 1
	c.Producer.Retry.Max = 2
	c.Producer.Retry.Backoff = 10 * time.Millisecond
	return c
}

// consumeAll reads every record of topic's partitions.
func consumeAll(t *testing.T, addrs []string, topic string) []*sarama.ConsumerMessage {
	t.Helper()
	c := sarama.NewConfig()
	c.Version = sarama.V3_6_0_0
	client, err := sarama.NewClient(addrs, c)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	cons, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	parts, err := client.Partitions(topic)
	if err != nil {
		t.Fatal(err)
	}
	var out []*sarama.ConsumerMessage
	for _, p := range parts {
		hw, err := client.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			t.Fatal(err)
		}
		if hw == 0 {
			continue
		}
		pc, err := cons.ConsumePartition(topic, p, sarama.OffsetOldest)
		if err != nil {
			t.Fatal(err)
		}
		for m := range pc.Messages() {
			out = append(out, m)
			if m.Offset == hw-1 {
				break
			}
		}
		pc.Close()
	}
	return out
}

type stringConv struct{}

func (stringConv) Configure(map[string]string, bool) error { return nil }
func (stringConv) FromConnectData(topic string, h connector.Headers, s *data.Schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	if v == "bad" {
		return nil, errors.New("cannot convert \"bad\"")
	}
	return []byte(fmt.Sprint(v)), nil
}
func (stringConv) ToConnectData(string, connector.Headers, []byte) (*data.Schema, any, error) {
	return nil, nil, errors.New("unused")
}

type headerConv struct{}

func (headerConv) Configure(map[string]string) error { return nil }
func (headerConv) FromConnectHeader(topic, key string, s *data.Schema, v any) ([]byte, error) {
	return []byte(fmt.Sprint(v)), nil
}
func (headerConv) ToConnectHeader(string, string, []byte) (*data.Schema, any, error) {
	return nil, nil, errors.New("unused")
}

// listTask returns its records in batches, then blocks until stopped.
type listTask struct {
	mu        sync.Mutex
	topic     string
	values    []string
	next      int
	batch     int
	reader    connector.OffsetReader
	committed []string // values passed to CommitRecord with metadata
	nilMeta   []string // values passed with nil metadata
	commits   int
	stopped   int
	startOff  map[string]any
}

func (l *listTask) Version() string { return "test" }
func (l *listTask) Start(ctx connector.SourceTaskContext, cfg map[string]string) error {
	l.reader = ctx.OffsetReader()
	off, err := l.reader.Offset(context.Background(), map[string]any{"file": "list"})
	l.startOff = off
	return err
}

func (l *listTask) Poll(ctx context.Context) ([]*connector.SourceRecord, error) {
	l.mu.Lock()
	if l.next >= len(l.values) {
		l.mu.Unlock()
		<-ctx.Done()
		return nil, nil
	}
	end := min(l.next+l.batch, len(l.values))
	var out []*connector.SourceRecord
	for i := l.next; i < end; i++ {
		r := connector.NewSourceRecord(map[string]any{"file": "list"}, map[string]any{"line": int64(i + 1)}, l.topic, data.StringSchema, l.values[i])
		r.Key = fmt.Sprintf("k%d", i%7)
		r.KeySchema = data.StringSchema
		r.Headers = r.Headers.With("n", data.Int64Schema, int64(i))
		out = append(out, r)
	}
	l.next = end
	l.mu.Unlock()
	return out, nil
}

func (l *listTask) CommitRecord(rec *connector.SourceRecord, md *connector.RecordMetadata) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if md == nil {
		l.nilMeta = append(l.nilMeta, rec.Value.(string))
	} else {
		l.committed = append(l.committed, rec.Value.(string))
	}
	return nil
}

func (l *listTask) Commit() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.commits++
	return nil
}

func (l *listTask) Stop() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped++
	return nil
}

func (l *listTask) committedCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.committed) + len(l.nilMeta)
}

func baseConfig(addrs []string, task connector.SourceTask, store *memstore.OffsetStore) Config {
	return Config{
		Connector: "src", Task: task, Brokers: addrs, Client: producerConfig(),
		KeyConverter: stringConv{}, ValueConverter: stringConv{}, HeaderConverter: headerConv{},
		Tolerance: tolerance.New(tolerance.Config{Connector: "src"}),
		Offsets:   store, CommitInterval: 100 * time.Millisecond, CommitTimeout: 5 * time.Second,
		Logger: slog.New(slog.DiscardHandler),
	}
}

func newStore(t *testing.T) *memstore.OffsetStore {
	s := memstore.NewOffsetStore()
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

func storedOffset(t *testing.T, s *memstore.OffsetStore) string {
	t.Helper()
	key := []byte(`["src",{"file":"list"}]`)
	got, err := s.Get(t.Context(), [][]byte{key})
	if err != nil {
		t.Fatal(err)
	}
	return string(got[string(key)])
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

type run struct {
	task *Task
	done chan error
}

func startTask(t *testing.T, cfg Config) *run {
	t.Helper()
	task, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{task: task, done: make(chan error, 1)}
	go func() { r.done <- task.Run(ctx) }()
	t.Cleanup(func() {
		task.Stop()
		select {
		case <-r.done:
		case <-time.After(20 * time.Second):
		}
		cancel()
	})
	return r
}

func (r *run) stop(t *testing.T) error {
	t.Helper()
	r.task.Stop()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("task did not stop")
		return nil
	}
}

func valuesN(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("v%d", i)
	}
	return out
}

func TestProducesAndCommitsOffsets(t *testing.T) {
	_, addrs := newCluster(t, "out")
	store := newStore(t)
	lt := &listTask{topic: "out", values: valuesN(1000), batch: 64}
	topics := make(chan string, 4)
	cfg := baseConfig(addrs, lt, store)
	cfg.TopicUsed = func(topic string) { topics <- topic }
	r := startTask(t, cfg)
	waitFor(t, 30*time.Second, func() error {
		if n := lt.committedCount(); n != 1000 {
			return fmt.Errorf("%d records acknowledged", n)
		}
		return nil
	})
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if got := storedOffset(t, store); got != `{"line":1000}` {
		t.Fatalf("stored offset %s", got)
	}
	msgs := consumeAll(t, addrs, "out")
	if len(msgs) != 1000 {
		t.Fatalf("topic holds %d records", len(msgs))
	}
	// Keyed records are partitioned by murmur2 and keep their order.
	byKey := map[string][]string{}
	for _, m := range msgs {
		byKey[string(m.Key)] = append(byKey[string(m.Key)], string(m.Value))
		if len(m.Headers) != 1 || string(m.Headers[0].Key) != "n" {
			t.Fatalf("headers %v", m.Headers)
		}
	}
	for k, vs := range byKey {
		prev := -1
		for _, v := range vs {
			var n int
			fmt.Sscanf(v, "v%d", &n)
			if n <= prev {
				t.Fatalf("key %s out of order: %v", k, vs)
			}
			prev = n
		}
	}
	if p0 := sarama.NewMurmur2Partitioner("out"); true {
		for _, m := range msgs[:10] {
			want, _ := p0.Partition(&sarama.ProducerMessage{Key: sarama.ByteEncoder(m.Key)}, 2)
			if want != m.Partition {
				t.Fatalf("key %s went to partition %d, murmur2 says %d", m.Key, m.Partition, want)
			}
		}
	}
	if lt.commits == 0 || lt.stopped != 1 {
		t.Fatalf("task commits %d stopped %d", lt.commits, lt.stopped)
	}
	if topic := <-topics; topic != "out" {
		t.Fatalf("topic used %q", topic)
	}
}

func TestResumesFromStoredOffset(t *testing.T) {
	_, addrs := newCluster(t, "out")
	store := newStore(t)
	if err := store.Set(t.Context(), storageEntry(`["src",{"file":"list"}]`, `{"line":42,"ratio":0.5}`)); err != nil {
		t.Fatal(err)
	}
	lt := &listTask{topic: "out", values: nil, batch: 1}
	r := startTask(t, baseConfig(addrs, lt, store))
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if lt.startOff["line"] != int64(42) || lt.startOff["ratio"] != 0.5 {
		t.Fatalf("task read offset %#v", lt.startOff)
	}
}

// Only acknowledged records move offsets: a broker that refuses every write
// to the topic leaves the stored offset alone, and with errors.tolerance=none
// the task fails naming the stage.
func TestProducerFailureUnderNone(t *testing.T) {
	c, addrs := newCluster(t, "out")
	c.ControlKey(int16(kmsg.Produce), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		pr := req.(*kmsg.ProduceRequest)
		resp := pr.ResponseKind().(*kmsg.ProduceResponse)
		for _, tp := range pr.Topics {
			rt := kmsg.NewProduceResponseTopic()
			rt.Topic = tp.Topic
			for _, p := range tp.Partitions {
				rp := kmsg.NewProduceResponseTopicPartition()
				rp.Partition = p.Partition
				rp.ErrorCode = 87 // INVALID_RECORD: not retriable
				rt.Partitions = append(rt.Partitions, rp)
			}
			resp.Topics = append(resp.Topics, rt)
		}
		return resp, nil, true
	})
	store := newStore(t)
	lt := &listTask{topic: "out", values: valuesN(5), batch: 5}
	r := startTask(t, baseConfig(addrs, lt, store))
	var err error
	select {
	case err = <-r.done:
		r.done <- err
	case <-time.After(30 * time.Second):
		t.Fatal("task did not fail")
	}
	if err == nil || !strings.Contains(err.Error(), "KAFKA_PRODUCE") || !strings.Contains(err.Error(), "Tolerance exceeded") {
		t.Fatalf("Run = %v", err)
	}
	if got := storedOffset(t, store); got != "" {
		t.Fatalf("offset %s stored for records Kafka refused", got)
	}
}

func TestProducerFailureUnderAllCommitsPast(t *testing.T) {
	c, addrs := newCluster(t, "out")
	c.ControlKey(int16(kmsg.Produce), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		pr := req.(*kmsg.ProduceRequest)
		resp := pr.ResponseKind().(*kmsg.ProduceResponse)
		for _, tp := range pr.Topics {
			rt := kmsg.NewProduceResponseTopic()
			rt.Topic = tp.Topic
			for _, p := range tp.Partitions {
				rp := kmsg.NewProduceResponseTopicPartition()
				rp.Partition = p.Partition
				rp.ErrorCode = 87
				rt.Partitions = append(rt.Partitions, rp)
			}
			resp.Topics = append(resp.Topics, rt)
		}
		return resp, nil, true
	})
	store := newStore(t)
	lt := &listTask{topic: "out", values: valuesN(5), batch: 5}
	cfg := baseConfig(addrs, lt, store)
	cfg.Tolerance = tolerance.New(tolerance.Config{Connector: "src", TolerateAll: true})
	r := startTask(t, cfg)
	waitFor(t, 30*time.Second, func() error {
		if got := storedOffset(t, store); got != `{"line":5}` {
			return fmt.Errorf("stored %q", got)
		}
		return nil
	})
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if len(lt.nilMeta) != 5 {
		t.Fatalf("CommitRecord with nil metadata for %v", lt.nilMeta)
	}
}

func TestConversionFailureSkippedOrFatal(t *testing.T) {
	for _, all := range []bool{false, true} {
		t.Run(fmt.Sprintf("all=%v", all), func(t *testing.T) {
			_, addrs := newCluster(t, "out")
			store := newStore(t)
			lt := &listTask{topic: "out", values: []string{"a", "bad", "c"}, batch: 3}
			cfg := baseConfig(addrs, lt, store)
			cfg.Tolerance = tolerance.New(tolerance.Config{Connector: "src", TolerateAll: all})
			r := startTask(t, cfg)
			if !all {
				select {
				case err := <-r.done:
					r.done <- err
					if err == nil || !strings.Contains(err.Error(), "VALUE_CONVERTER") || !strings.Contains(err.Error(), "sourceOffset=map[line:2]") {
						t.Fatalf("Run = %v", err)
					}
				case <-time.After(30 * time.Second):
					t.Fatal("no failure")
				}
				return
			}
			waitFor(t, 30*time.Second, func() error {
				if got := storedOffset(t, store); got != `{"line":3}` {
					return fmt.Errorf("stored %q", got)
				}
				return nil
			})
			if err := r.stop(t); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(lt.nilMeta, []string{"bad"}) {
				t.Fatalf("dropped records reported %v", lt.nilMeta)
			}
		})
	}
}

func TestPausedTaskDoesNotPoll(t *testing.T) {
	_, addrs := newCluster(t, "out")
	store := newStore(t)
	lt := &listTask{topic: "out", values: valuesN(3), batch: 1}
	cfg := baseConfig(addrs, lt, store)
	cfg.StartPaused = true
	r := startTask(t, cfg)
	deadline := time.Now().Add(500 * time.Millisecond)
	for time.Now().Before(deadline) {
		lt.mu.Lock()
		n := lt.next
		lt.mu.Unlock()
		if n != 0 {
			t.Fatal("a paused task was polled")
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.task.SetPaused(false)
	waitFor(t, 30*time.Second, func() error {
		if lt.committedCount() != 3 {
			return errors.New("not resumed")
		}
		return nil
	})
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
}

func TestTrackerCommitsOnlyAcknowledgedPrefix(t *testing.T) {
	tr := newTracker("c")
	rec := func(part string, off int64) *connector.SourceRecord {
		return connector.NewSourceRecord(map[string]any{"p": part}, map[string]any{"o": off}, "t", nil, nil)
	}
	a, _ := tr.submit(rec("x", 1))
	b, _ := tr.submit(rec("x", 2))
	c, _ := tr.submit(rec("x", 3))
	y, _ := tr.submit(rec("y", 9))
	noPart, _ := tr.submit(connector.NewSourceRecord(nil, nil, "t", nil, nil))
	check := func(want ...string) {
		t.Helper()
		s, err := tr.committable()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range s.entries {
			got = append(got, string(e.Key)+"="+string(e.Value))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("committable %v, want %v", got, want)
		}
		tr.written(s)
	}
	tr.ack(c)
	check()
	tr.ack(a)
	check(`["c",{"p":"x"}]={"o":1}`)
	tr.ack(y)
	tr.ack(noPart)
	check(`["c",{"p":"y"}]={"o":9}`)
	tr.ack(b)
	check(`["c",{"p":"x"}]={"o":3}`)
	if tr.inFlight() != 0 {
		t.Fatalf("in flight %d", tr.inFlight())
	}
	if !tr.awaitIdle(t.Context()) {
		t.Fatal("not idle")
	}
}

func TestOffsetKeyFormat(t *testing.T) {
	k, err := OffsetKey("file-source", map[string]any{"filename": "/tmp/test.txt"})
	if err != nil || string(k) != `["file-source",{"filename":"/tmp/test.txt"}]` {
		t.Fatalf("key %s %v", k, err)
	}
	k, _ = OffsetKey("c", map[string]any{"b": int32(1), "a": "x<y>&\"\n", "n": nil, "f": 2.0, "bytes": []byte{1, 2}})
	if want := `["c",{"a":"x<y>&\"\n","b":1,"bytes":"AQI=","f":2.0,"n":null}]`; string(k) != want {
		t.Fatalf("key %s, want %s", k, want)
	}
	if _, err := OffsetKey("c", map[string]any{"bad": struct{}{}}); err == nil {
		t.Fatal("accepted a struct in a partition")
	}
	v, _ := OffsetValue(nil)
	if v != nil {
		t.Fatal("nil offset must be a tombstone")
	}
	m, err := DecodeOffset([]byte(`{"position":9007199254740993,"x":1.5,"y":1.0E3}`))
	if err != nil || m["position"] != int64(9007199254740993) || m["x"] != 1.5 || m["y"] != 1000.0 {
		t.Fatalf("decoded %#v %v", m, err)
	}
}

func storageEntry(k, v string) []storage.OffsetEntry {
	return []storage.OffsetEntry{{Key: []byte(k), Value: []byte(v)}}
}

func TestUnreachableKafkaIsRetried(t *testing.T) {
	lt := &listTask{topic: "out", values: valuesN(1), batch: 1}
	cfg := baseConfig([]string{"127.0.0.1:1"}, lt, newStore(t))
	cfg.Client.Metadata.Retry.Max = 0
	cfg.Client.Net.DialTimeout = 100 * time.Millisecond
	r := startTask(t, cfg)
	select {
	case err := <-r.done:
		t.Fatalf("Run returned %v while Kafka was unreachable", err)
	case <-time.After(1500 * time.Millisecond):
	}
	if err := r.stop(t); err != nil {
		t.Fatalf("stop: %v", err)
	}
}
