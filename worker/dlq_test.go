package worker_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/memstore"
)

// readTopic reads n records of partition 0 of topic.
func readTopic(t *testing.T, addrs []string, topic string, n int) []*sarama.ConsumerMessage {
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
	var out []*sarama.ConsumerMessage
	deadline := time.After(20 * time.Second)
	for len(out) < n {
		select {
		case m := <-pc.Messages():
			out = append(out, m)
		case <-deadline:
			t.Fatalf("read %d records of %s, want %d", len(out), topic, n)
		}
	}
	return out
}

func headerValue(m *sarama.ConsumerMessage, key string) string {
	for _, h := range m.Headers {
		if string(h.Key) == key {
			return string(h.Value)
		}
	}
	return "<absent>"
}

// With errors.tolerance=all and a dead letter queue, a record that fails
// conversion and one that fails a transformation are both skipped and
// written to the queue (created by the worker) with their stage and class;
// the rest is delivered transformed and everything is committed.
func TestDeadLetterQueueThroughWorker(t *testing.T) {
	addrs := kafka(t, map[string]int32{"events": 1})
	produce(t, addrs, "events", "a", "bad", "b", "explode", "c")
	mb := newMemBackend()
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore())
	w.run(t, "dlq", map[string]string{
		"connector.class": "test.MemSinkConnector", "topics": "events",
		"errors.tolerance":                                "all",
		"errors.deadletterqueue.topic.name":               " events-dlq ",
		"errors.deadletterqueue.topic.replication.factor": "1",
		"errors.deadletterqueue.context.headers.enable":   "true",
		"transforms": "up", "transforms.up.type": "test.Upper", "transforms.up.suffix": "!", "transforms.up.mode": "a",
	})
	waitFor(t, 30*time.Second, func() error {
		if got := committedOffset(t, addrs, "connect-dlq", "events", 0); got != 5 {
			return fmt.Errorf("committed %d", got)
		}
		return nil
	})
	if got := mb.snapshot(); !slices.Equal(got, []string{"A!", "B!", "C!"}) {
		t.Fatalf("delivered %v", got)
	}
	ms := readTopic(t, addrs, "events-dlq", 2)
	want := []struct{ value, offset, stage, class, exception string }{
		{"bad", "1", "VALUE_CONVERTER", "test.StringConverter", `cannot read "bad"`},
		{"explode", "3", "TRANSFORMATION", "test.Upper", "boom"},
	}
	for i, wnt := range want {
		m := ms[i]
		got := []string{string(m.Value), headerValue(m, "__connect.errors.offset"), headerValue(m, "__connect.errors.stage"),
			headerValue(m, "__connect.errors.class.name"), headerValue(m, "__connect.errors.exception.message"),
			headerValue(m, "__connect.errors.connector.name"), headerValue(m, "__connect.errors.topic"),
			headerValue(m, "__connect.errors.exception.class.name")}
		exp := []string{wnt.value, wnt.offset, wnt.stage, wnt.class, wnt.exception, "dlq", "events", "org.apache.kafka.connect.errors.ConnectException"}
		if !slices.Equal(got, exp) {
			t.Errorf("dead letter queue record %d: %q, want %q", i, got, exp)
		}
	}
}

// errors.tolerance=none with a dead letter queue: the task fails, and by
// the time it is reported FAILED the failing record is in the queue.
func TestDeadLetterQueueUnderNoneThroughWorker(t *testing.T) {
	addrs := kafka(t, map[string]int32{"events": 1})
	produce(t, addrs, "events", "fine", "bad", "never")
	mb := newMemBackend()
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore())
	w.run(t, "none", map[string]string{
		"connector.class": "test.MemSinkConnector", "topics": "events",
		"errors.deadletterqueue.topic.name":               "dead",
		"errors.deadletterqueue.topic.replication.factor": "1",
	})
	s := w.ev.waitTask(t, storage.TaskID{Connector: "none"}, storage.StateFailed)
	if msg := s.cause.Error(); !strings.Contains(msg, "Tolerance exceeded") || !strings.Contains(msg, "topic events partition 0 offset 1") {
		t.Fatalf("cause %q", msg)
	}
	if m := readTopic(t, addrs, "dead", 1)[0]; string(m.Value) != "bad" || len(m.Headers) != 0 {
		t.Fatalf("queue holds %q with %d headers (context headers are off by default)", m.Value, len(m.Headers))
	}
	if got := committedOffset(t, addrs, "connect-none", "events", 0); got > 1 {
		t.Fatalf("committed %d, past the failed record", got)
	}
}

// A dead letter queue topic that cannot be created fails the task with
// Java's message: here the default replication factor, 3, on one broker.
func TestDeadLetterQueueCreationFailureFailsTask(t *testing.T) {
	addrs := kafka(t, map[string]int32{"events": 1})
	mb := newMemBackend()
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore())
	cfg := map[string]string{"name": "rf", "connector.class": "test.MemSinkConnector", "topics": "events",
		"errors.deadletterqueue.topic.name": "dlq-rf3"}
	if err := w.StartConnector(t.Context(), "rf", cfg, storage.TargetStarted); err != nil {
		t.Fatal(err)
	}
	w.ev.waitConnector(t, "rf", storage.StateRunning)
	tcs, err := w.ConnectorTaskConfigs(t.Context(), "rf")
	if err != nil {
		t.Fatal(err)
	}
	id := storage.TaskID{Connector: "rf"}
	if err := w.StartTask(t.Context(), id, cfg, tcs[0], storage.TargetStarted); err != nil {
		t.Fatal(err)
	}
	s := w.ev.waitTask(t, id, storage.StateFailed)
	if msg := s.cause.Error(); !strings.Contains(msg, "Could not initialize dead letter queue with topic=dlq-rf3") ||
		!strings.Contains(msg, "replication factor 3") {
		t.Fatalf("cause %q", msg)
	}
}

// Starting a connector whose transformation type names a predicate fails
// with Java's message, as validation does.
func TestStartRefusesPluginOfAnotherKind(t *testing.T) {
	addrs := kafka(t, nil)
	w := newWorker(t, addrs, testRegistry(t, newMemBackend()), memstore.NewOffsetStore())
	err := w.StartConnector(t.Context(), "kind", map[string]string{"name": "kind", "connector.class": "test.MemSinkConnector",
		"topics": "events", "transforms": "p", "transforms.p.type": "test.ValueIs"}, storage.TargetStarted)
	if err == nil || !strings.Contains(err.Error(), "Class class test.ValueIs does not implement the Transformation interface") {
		t.Fatalf("StartConnector = %v", err)
	}
}

// A failed task's cause — what its REST status trace shows — names the
// stage, the class and the record for a transformation failure, and the
// records of the batch for a Put failure, with the whole error chain.
func TestFailureTracesNameTheRecord(t *testing.T) {
	addrs := kafka(t, map[string]int32{"events": 1})
	produce(t, addrs, "events", "a", "explode", "c")
	mb := newMemBackend()
	w := newWorker(t, addrs, testRegistry(t, mb), memstore.NewOffsetStore())
	w.run(t, "tx", map[string]string{"connector.class": "test.MemSinkConnector", "topics": "events",
		"transforms": "up", "transforms.up.type": "test.Upper", "transforms.up.mode": "a"})
	s := w.ev.waitTask(t, storage.TaskID{Connector: "tx"}, storage.StateFailed)
	for _, want := range []string{"Tolerance exceeded in error handler", `connector "tx" task 0`, "stage TRANSFORMATION",
		"class test.Upper", "topic events partition 0 offset 1", "boom"} {
		if !strings.Contains(s.cause.Error(), want) {
			t.Errorf("transformation failure cause %q lacks %q", s.cause, want)
		}
	}

	produce(t, addrs, "other", "x", "y", "z")
	mb2 := newMemBackend()
	mb2.failPut = func(task, n int, recs []*connector.SinkRecord) error {
		if len(recs) > 0 {
			return fmt.Errorf("backend refused: %w", errors.New("disk full"))
		}
		return nil
	}
	w2 := newWorker(t, addrs, testRegistry(t, mb2), memstore.NewOffsetStore())
	w2.run(t, "put", map[string]string{"connector.class": "test.MemSinkConnector", "topics": "other"})
	s = w2.ev.waitTask(t, storage.TaskID{Connector: "put"}, storage.StateFailed)
	for _, want := range []string{`connector "put" task 0`, "exiting WorkerSinkTask due to unrecoverable exception",
		"topic other partition 0 offsets 0 to ", "backend refused: disk full"} {
		if !strings.Contains(s.cause.Error(), want) {
			t.Errorf("put failure cause %q lacks %q", s.cause, want)
		}
	}
}
