package tolerance

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
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

// ---- a broker and a reader for the queue ----

func dlqCluster(t *testing.T, opts ...kfake.Opt) (*kfake.Cluster, []string) {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, c.ListenAddrs()
}

func clientConfig(id string) *sarama.Config {
	c := sarama.NewConfig()
	c.Version = sarama.V3_6_0_0
	c.ClientID = id
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Retry.Max = 2
	c.Producer.Retry.Backoff = 10 * time.Millisecond
	return c
}

func newQueue(t *testing.T, addrs []string, topic string, headers bool) *DeadLetterQueue {
	t.Helper()
	q := NewDeadLetterQueue(DeadLetterQueueConfig{
		Topic: topic, ReplicationFactor: 1, ContextHeaders: headers,
		Connector: "humio", Task: 2, Brokers: addrs,
		Producer: clientConfig("connector-dlq-producer-humio-2"), Admin: clientConfig("connector-dlq-adminclient-"),
		Logger: testLogger(t),
	})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return q
}

// readQueue reads n records from partition 0 of topic.
func readQueue(t *testing.T, addrs []string, topic string, n int) []*sarama.ConsumerMessage {
	t.Helper()
	c, err := sarama.NewConsumer(addrs, clientConfig("test-reader"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pc, err := c.ConsumePartition(topic, 0, sarama.OffsetOldest)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var out []*sarama.ConsumerMessage
	timeout := time.NewTimer(20 * time.Second)
	defer timeout.Stop()
	for len(out) < n {
		select {
		case m := <-pc.Messages():
			out = append(out, m)
		case <-timeout.C:
			t.Fatalf("read %d records of %s, want %d", len(out), topic, n)
		}
	}
	return out
}

func topicDetail(t *testing.T, addrs []string, topic string) *sarama.TopicMetadata {
	t.Helper()
	admin, err := sarama.NewClusterAdmin(addrs, clientConfig("test-admin"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	md, err := admin.DescribeTopics([]string{topic})
	if err != nil || len(md) != 1 {
		t.Fatalf("describe %s: %v %v", topic, md, err)
	}
	return md[0]
}

type header struct {
	key   string
	value *string // nil: a null value
}

func str(s string) *string { return &s }

func headersOf(m *sarama.ConsumerMessage) []header {
	out := make([]header, len(m.Headers))
	for i, h := range m.Headers {
		out[i].key = string(h.Key)
		if h.Value != nil {
			out[i].value = str(string(h.Value))
		}
	}
	return out
}

func sameHeaders(t *testing.T, got, want []header) {
	t.Helper()
	show := func(hs []header) string {
		var b strings.Builder
		for _, h := range hs {
			if h.value == nil {
				fmt.Fprintf(&b, "\n  %s=<null>", h.key)
			} else {
				fmt.Fprintf(&b, "\n  %s=%q", h.key, *h.value)
			}
		}
		return b.String()
	}
	if show(got) != show(want) {
		t.Errorf("headers:%s\nwant:%s", show(got), show(want))
	}
}

// jsonFailure is a JsonConverter failure as ours reports it: a DataException
// with Java's message and the parser's cause hidden behind Unwrap.
func jsonFailure() error {
	return &data.Error{Msg: "Converting byte[] to Kafka Connect data failed due to serialization error: ",
		Err: errors.New("invalid JSON at byte 0: unexpected character 'n'")}
}

func badRecord() *connector.RawRecord {
	return &connector.RawRecord{
		Topic: "logs", Partition: 3, Offset: 1042,
		Key: []byte("k-1"), Value: []byte("not json"),
		Headers:   []connector.RawHeader{{Key: "trace", Value: []byte("abc")}, {Key: "empty", Value: nil}, {Key: "trace", Value: []byte("dup")}},
		Timestamp: 1700000000123, TimestampType: connector.CreateTime,
	}
}

// ---- tests ----

// The queue gets the record as consumed — key, value, headers (a null one
// and a repeated one included) and timestamp — and, after the original
// headers, Java's context headers with Java's names and values; the topic
// is created with one partition and the configured replication factor.
func TestDeadLetterQueueWritesOriginalRecordWithContextHeaders(t *testing.T) {
	_, addrs := dlqCluster(t)
	q := newQueue(t, addrs, "dlq", true)
	if err := q.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	md := topicDetail(t, addrs, "dlq")
	if len(md.Partitions) != 1 || len(md.Partitions[0].Replicas) != 1 {
		t.Fatalf("created topic: %d partitions, replicas %v; want 1 partition, replication factor 1", len(md.Partitions), md.Partitions[0].Replicas)
	}
	o := New(Config{Connector: "humio", Task: 2, TolerateAll: true, DeadLetterQueue: q})
	raw := badRecord()
	err := o.Execute(t.Context(), Where{Stage: StageValueConverter, Class: "org.apache.kafka.connect.json.JsonConverter", Consumed: raw},
		func() error { return jsonFailure() })
	if !errors.Is(err, ErrSkipped) {
		t.Fatalf("Execute = %v, want skipped", err)
	}
	if err := o.Await(t.Context(), []connector.TopicPartition{{Topic: "logs", Partition: 3}}); err != nil {
		t.Fatal(err)
	}
	m := readQueue(t, addrs, "dlq", 1)[0]
	if string(m.Key) != "k-1" || string(m.Value) != "not json" {
		t.Errorf("key %q value %q, want the consumed bytes", m.Key, m.Value)
	}
	if m.Timestamp.UnixMilli() != 1700000000123 {
		t.Errorf("timestamp %d, want the consumed one", m.Timestamp.UnixMilli())
	}
	sameHeaders(t, headersOf(m), []header{
		{"trace", str("abc")}, {"empty", nil}, {"trace", str("dup")},
		{"__connect.errors.topic", str("logs")},
		{"__connect.errors.partition", str("3")},
		{"__connect.errors.offset", str("1042")},
		{"__connect.errors.connector.name", str("humio")},
		{"__connect.errors.task.id", str("2")},
		{"__connect.errors.stage", str("VALUE_CONVERTER")},
		{"__connect.errors.class.name", str("org.apache.kafka.connect.json.JsonConverter")},
		{"__connect.errors.exception.class.name", str("org.apache.kafka.connect.errors.DataException")},
		{"__connect.errors.exception.message", str("Converting byte[] to Kafka Connect data failed due to serialization error: ")},
		{"__connect.errors.exception.stacktrace", str("org.apache.kafka.connect.errors.DataException: " +
			"Converting byte[] to Kafka Connect data failed due to serialization error: invalid JSON at byte 0: unexpected character 'n'")},
	})
	if s := o.Stats(); s.DLQProduceRequests != 1 || s.DLQProduceFailures != 0 || s.RecordsSkipped != 1 {
		t.Errorf("stats %+v", s)
	}
}

// Without context headers the record is the consumed one and nothing more;
// a tombstone stays a tombstone (null key and value), and a record without
// a timestamp gets the producer's clock, as Java's producer gives it.
func TestDeadLetterQueueWithoutContextHeaders(t *testing.T) {
	_, addrs := dlqCluster(t)
	q := newQueue(t, addrs, "dlq", false)
	if err := q.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	before := time.Now().Add(-time.Second)
	tomb := &connector.RawRecord{Topic: "logs", Partition: 0, Offset: 7}
	if err := q.Report(t.Context(), &Failure{Stage: StageTransformation, Class: "x", Err: errors.New("boom"), Consumed: tomb}); err != nil {
		t.Fatal(err)
	}
	if err := q.Report(t.Context(), &Failure{Stage: StageTransformation, Class: "x", Err: errors.New("boom"), Consumed: badRecord()}); err != nil {
		t.Fatal(err)
	}
	if err := q.Await(t.Context(), []connector.TopicPartition{{Topic: "logs", Partition: 0}, {Topic: "logs", Partition: 3}}); err != nil {
		t.Fatal(err)
	}
	ms := readQueue(t, addrs, "dlq", 2)
	if ms[0].Key != nil || ms[0].Value != nil || len(ms[0].Headers) != 0 {
		t.Errorf("tombstone written as key %q value %q headers %d", ms[0].Key, ms[0].Value, len(ms[0].Headers))
	}
	if ms[0].Timestamp.Before(before) {
		t.Errorf("record without timestamp written with %v, want the producer's clock", ms[0].Timestamp)
	}
	sameHeaders(t, headersOf(ms[1]), []header{{"trace", str("abc")}, {"empty", nil}, {"trace", str("dup")}})
}

// An error without a message gives the message header a null value; the
// header is still there (Java writes getMessage() == null that way). The
// class header follows the error's type.
func TestDeadLetterQueueNullMessageAndClasses(t *testing.T) {
	_, addrs := dlqCluster(t)
	q := newQueue(t, addrs, "dlq", true)
	if err := q.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	raw := &connector.RawRecord{Topic: "t", Partition: 0, Offset: 1, Value: []byte("v")}
	for _, err := range []error{errors.New(""), connector.Retriablef("try later"), configdef.Errorf("bad config")} {
		if rerr := q.Report(t.Context(), &Failure{Stage: StageTransformation, Class: "org.apache.kafka.connect.transforms.Cast$Value", Err: err, Consumed: raw}); rerr != nil {
			t.Fatal(rerr)
		}
	}
	if err := q.Await(t.Context(), []connector.TopicPartition{{Topic: "t"}}); err != nil {
		t.Fatal(err)
	}
	ms := readQueue(t, addrs, "dlq", 3)
	want := []struct{ class, msg string }{
		{ConnectException, ""}, {RetriableException, "try later"}, {ConfigException, "bad config"},
	}
	for i, m := range ms {
		hs := map[string]*string{}
		n := 0
		for _, h := range headersOf(m) {
			if h.key == HeaderExceptionMessage {
				n++
			}
			hs[h.key] = h.value
		}
		if n != 1 {
			t.Errorf("record %d: %d message headers, want 1", i, n)
		}
		if c := hs[HeaderExceptionClass]; c == nil || *c != want[i].class {
			t.Errorf("record %d: class %v, want %s", i, c, want[i].class)
		}
		switch msg := hs[HeaderExceptionMessage]; {
		case want[i].msg == "" && msg != nil:
			t.Errorf("record %d: message %q, want a null value", i, *msg)
		case want[i].msg != "" && (msg == nil || *msg != want[i].msg):
			t.Errorf("record %d: message %v, want %q", i, msg, want[i].msg)
		}
		if st := hs[HeaderExecutingClass]; st == nil || *st != "org.apache.kafka.connect.transforms.Cast$Value" {
			t.Errorf("record %d: class.name %v", i, st)
		}
	}
}

// errors.tolerance=none with a dead letter queue: the failing record is
// written to the queue, and the task still fails (gotcha 26).
func TestToleranceNoneStillWritesTheQueue(t *testing.T) {
	_, addrs := dlqCluster(t)
	q := newQueue(t, addrs, "dlq", true)
	if err := q.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	o := New(Config{Connector: "humio", Task: 0, DeadLetterQueue: q})
	err := o.Execute(t.Context(), Where{Stage: StageValueConverter, Class: "org.apache.kafka.connect.json.JsonConverter", Consumed: badRecord()},
		func() error { return jsonFailure() })
	var te *Error
	if !errors.As(err, &te) {
		t.Fatalf("Execute = %v, want the task to fail", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := o.Close(ctx); err != nil {
		t.Fatal(err)
	}
	m := readQueue(t, addrs, "dlq", 1)[0]
	if string(m.Value) != "not json" {
		t.Fatalf("queue holds %q", m.Value)
	}
}

// A topic that exists is used as it is, whatever its partition count.
func TestDeadLetterQueueUsesExistingTopic(t *testing.T) {
	_, addrs := dlqCluster(t, kfake.SeedTopics(3, "dlq"))
	q := newQueue(t, addrs, "dlq", false)
	if err := q.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(topicDetail(t, addrs, "dlq").Partitions); n != 3 {
		t.Fatalf("existing topic now has %d partitions", n)
	}
}

// A topic that cannot be created fails Open with Java's message and the
// broker's reason: here a replication factor above the broker count (the
// default, 3, on a one-broker cluster).
func TestDeadLetterQueueCreationFailure(t *testing.T) {
	_, addrs := dlqCluster(t)
	q := NewDeadLetterQueue(DeadLetterQueueConfig{
		Topic: "dlq", ReplicationFactor: 3, Connector: "humio", Brokers: addrs,
		Producer: clientConfig("p"), Admin: clientConfig("a"), Logger: testLogger(t),
	})
	err := q.Open(t.Context())
	if err == nil {
		t.Fatal("Open succeeded with replication factor 3 on one broker")
	}
	for _, want := range []string{"Could not initialize dead letter queue with topic=dlq", "replication factor 3", "Replication-factor is invalid"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if err := q.Report(t.Context(), &Failure{Stage: StageTaskPut, Err: errors.New("x"), Consumed: badRecord()}); err == nil {
		t.Error("Report on a queue that never opened succeeded")
	}
}

// refuseProduce makes the broker refuse every write to topic with a
// non-retriable error.
func refuseProduce(c *kfake.Cluster, topic string) {
	c.ControlKey(int16(kmsg.Produce), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		pr := req.(*kmsg.ProduceRequest)
		if len(pr.Topics) == 0 || pr.Topics[0].Topic != topic {
			return nil, nil, false
		}
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
}

// A failed write is counted and logged. For a converter or transformation
// failure that is all (Java ignores the outcome); for a record the task
// reported itself, Await fails, so its offset is not committed, as Java's
// awaitFutures fails the commit.
func TestFailedWrites(t *testing.T) {
	c, addrs := dlqCluster(t)
	q := newQueue(t, addrs, "dlq", true)
	if err := q.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	refuseProduce(c, "dlq")
	conv := &connector.RawRecord{Topic: "logs", Partition: 0, Offset: 1, Value: []byte("x")}
	if err := q.Report(t.Context(), &Failure{Stage: StageValueConverter, Class: "c", Err: errors.New("bad"), Consumed: conv}); err != nil {
		t.Fatal(err)
	}
	if err := q.Await(t.Context(), []connector.TopicPartition{{Topic: "logs", Partition: 0}}); err != nil {
		t.Fatalf("Await after a failed converter-stage write = %v, want nil", err)
	}
	put := &connector.RawRecord{Topic: "logs", Partition: 1, Offset: 9, Value: []byte("y")}
	if err := q.Report(t.Context(), &Failure{Stage: StageTaskPut, Class: SinkTaskClass, Err: errors.New("rejected"), Consumed: put}); err != nil {
		t.Fatal(err)
	}
	err := q.Await(t.Context(), []connector.TopicPartition{{Topic: "logs", Partition: 1}})
	if err == nil || !strings.Contains(err.Error(), "logs-1") || !strings.Contains(err.Error(), "dead letter queue topic dlq") {
		t.Fatalf("Await after a failed errant write = %v", err)
	}
	if err := q.Await(t.Context(), []connector.TopicPartition{{Topic: "logs", Partition: 1}}); err != nil {
		t.Fatalf("the failure is reported once; second Await = %v", err)
	}
	if req, fail := q.Stats(); req != 2 || fail != 2 {
		t.Fatalf("stats: %d requests, %d failures", req, fail)
	}
}

// Await returns when ctx ends while writes are still in flight (here: the
// broker does not answer produce requests).
func TestAwaitIsBoundedByContext(t *testing.T) {
	c, addrs := dlqCluster(t)
	q := newQueue(t, addrs, "dlq", false)
	if err := q.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	var releaseOnce sync.Once
	t.Cleanup(func() { releaseOnce.Do(func() { close(release) }) }) // before the cluster closes
	c.ControlKey(int16(kmsg.Produce), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		c.SleepControl(func() { <-release }) // hold produce requests until the test is done waiting
		return nil, nil, false
	})
	raw := &connector.RawRecord{Topic: "logs", Partition: 0, Offset: 1, Value: []byte("x")}
	if err := q.Report(t.Context(), &Failure{Stage: StageTaskPut, Class: SinkTaskClass, Err: errors.New("e"), Consumed: raw}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	err := q.Await(ctx, []connector.TopicPartition{{Topic: "logs", Partition: 0}})
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Await = %v, want the deadline", err)
	}
	releaseOnce.Do(func() { close(release) })
	if err := q.Await(t.Context(), []connector.TopicPartition{{Topic: "logs", Partition: 0}}); err != nil {
		t.Fatalf("Await once the broker answered = %v", err)
	}
}

func TestJavaExceptionClass(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{errors.New("x"), ConnectException},
		{&data.Error{Msg: "m"}, DataException},
		{fmt.Errorf("transformation cast: %w", data.Errorf("m")), DataException},
		{connector.Retriablef("later"), RetriableException},
		{fmt.Errorf("a: %w", configdef.Invalid("k", "v", "bad")), ConfigException},
		{errors.Join(errors.New("plain"), data.Errorf("m")), DataException},
		// The outermost known type counts, as Java reports the thrown class.
		{connector.Retriable(data.Errorf("m")), RetriableException},
		{&Error{Err: data.Errorf("m")}, ConnectException},
	}
	for _, c := range cases {
		if got := JavaExceptionClass(c.err); got != c.want {
			t.Errorf("JavaExceptionClass(%T %v) = %s, want %s", c.err, c.err, got, c.want)
		}
	}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// The error log names the Java exception class and the whole cause chain.
func TestLogLineNamesJavaException(t *testing.T) {
	var buf strings.Builder
	o := New(Config{Connector: "job", TolerateAll: true, LogErrors: true, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	_ = o.Execute(t.Context(), Where{Stage: StageValueConverter, Class: "org.apache.kafka.connect.json.JsonConverter", Consumed: badRecord()},
		func() error { return jsonFailure() })
	for _, want := range []string{"exception=org.apache.kafka.connect.errors.DataException",
		"failed due to serialization error: invalid JSON at byte 0"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log %q lacks %q", buf.String(), want)
		}
	}
}
