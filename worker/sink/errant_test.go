package sink

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/data"
	"github.com/kafka-connect-go/connect/worker/tolerance"
)

// errantSetup is a broker with topic, a dead letter queue "dlq" on it and
// an operator reporting to it.
type errantSetup struct {
	cluster *kfake.Cluster
	addrs   []string
	queue   *tolerance.DeadLetterQueue
}

func newErrantSetup(t *testing.T, topic string, tolerateAll bool) (*errantSetup, *tolerance.Operator) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, topic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	s := &errantSetup{cluster: c, addrs: c.ListenAddrs()}
	prod := saramaConfig("connector-dlq-producer-test-0")
	prod.Producer.RequiredAcks = sarama.WaitForAll
	s.queue = tolerance.NewDeadLetterQueue(tolerance.DeadLetterQueueConfig{
		Topic: "dlq", ReplicationFactor: 1, ContextHeaders: true, Connector: "test", Task: 0,
		Brokers: s.addrs, Producer: prod, Admin: saramaConfig("connector-dlq-adminclient-"),
	})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.queue.Close(ctx); err != nil {
			t.Errorf("closing the queue: %v", err)
		}
	})
	op := tolerance.New(tolerance.Config{Connector: "test", TolerateAll: tolerateAll, DeadLetterQueue: s.queue})
	return s, op
}

// readDLQ reads n records of the queue.
func (s *errantSetup) readDLQ(t *testing.T, n int) []*sarama.ConsumerMessage {
	t.Helper()
	c, err := sarama.NewConsumer(s.addrs, saramaConfig("test-dlq-reader"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pc, err := c.ConsumePartition("dlq", 0, sarama.OffsetOldest)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var out []*sarama.ConsumerMessage
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for len(out) < n {
		select {
		case m := <-pc.Messages():
			out = append(out, m)
		case <-deadline.C:
			t.Fatalf("read %d dead letter queue records, want %d", len(out), n)
		}
	}
	return out
}

func header(m *sarama.ConsumerMessage, key string) string {
	for _, h := range m.Headers {
		if string(h.Key) == key {
			return string(h.Value)
		}
	}
	return "<absent>"
}

// reportRejected makes a task report every record whose value starts with
// "rej" through its errant record reporter and keep the rest.
func reportRejected(t *testing.T, swallow bool) func(connector.SinkTaskContext, []*connector.SinkRecord) {
	return func(ctx connector.SinkTaskContext, recs []*connector.SinkRecord) {
		rep := ctx.ErrantRecordReporter()
		if rep == nil {
			t.Error("no errant record reporter although the task has a dead letter queue")
			return
		}
		for _, r := range recs {
			if v, _ := r.Value.(string); strings.HasPrefix(v, "rej") {
				if err := rep.Report(context.Background(), r, errors.New("rejected by the sink: "+v)); err != nil && !swallow {
					t.Errorf("Report = %v under errors.tolerance=all", err)
				}
			}
		}
	}
}

// The errant record reporter writes asynchronously, and no offset is
// committed before the dead letter queue writes of its partition are done:
// while the broker holds the writes, commit attempts come and go without
// committing; once it answers, everything is committed and the queue holds
// the reported records with stage TASK_PUT and class SinkTask.
func TestCommitWaitsForErrantReports(t *testing.T) {
	s, op := newErrantSetup(t, "errant", true)
	produce(t, s.addrs, "errant", 0, "ok0", "rej1", "ok2", "ok3", "rej4", "ok5")

	release := make(chan struct{})
	var releaseOnce sync.Once
	t.Cleanup(func() { releaseOnce.Do(func() { close(release) }) }) // before the cluster closes
	held := make(chan struct{}, 1)
	s.cluster.ControlKey(int16(kmsg.Produce), func(req kmsg.Request) (kmsg.Response, error, bool) {
		s.cluster.KeepControl()
		if pr := req.(*kmsg.ProduceRequest); len(pr.Topics) > 0 && pr.Topics[0].Topic == "dlq" {
			select {
			case held <- struct{}{}:
			default:
			}
			s.cluster.SleepControl(func() { <-release })
		}
		return nil, nil, false
	})

	rt := &recordingTask{onPut: reportRejected(t, false)}
	cfg := baseConfig(s.addrs, rt, "errant")
	cfg.Tolerance = op
	cfg.ErrantRecordReporting = true
	cfg.CommitInterval = 100 * time.Millisecond
	cfg.CommitTimeout = 100 * time.Millisecond
	r := start(t, cfg)

	select {
	case <-held:
	case <-time.After(30 * time.Second):
		t.Fatal("no dead letter queue write reached the broker")
	}
	// Several commit attempts after the reports, none of which commits.
	flushes := func() int {
		rt.mu.Lock()
		defer rt.mu.Unlock()
		return len(rt.flushed)
	}
	seen := flushes()
	waitFor(t, 30*time.Second, func() error {
		if n := flushes(); n < seen+3 {
			return fmt.Errorf("%d commit attempts", n-seen)
		}
		return nil
	})
	if got := committed(t, s.addrs, "connect-test", "errant", 1); len(got) != 0 {
		t.Fatalf("committed %v while the dead letter queue writes were held", got)
	}

	releaseOnce.Do(func() { close(release) })
	waitFor(t, 30*time.Second, func() error {
		if got := committed(t, s.addrs, "connect-test", "errant", 1)[0]; got != 6 {
			return fmt.Errorf("committed %d", got)
		}
		return nil
	})
	if err := r.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
	ms := s.readDLQ(t, 2)
	for i, want := range []struct{ value, offset string }{{"rej1", "1"}, {"rej4", "4"}} {
		m := ms[i]
		if string(m.Value) != want.value || header(m, tolerance.HeaderOffset) != want.offset ||
			header(m, tolerance.HeaderStage) != "TASK_PUT" || header(m, tolerance.HeaderExecutingClass) != "org.apache.kafka.connect.sink.SinkTask" ||
			header(m, tolerance.HeaderExceptionMessage) != "rejected by the sink: "+want.value ||
			header(m, "h") != "hv" {
			t.Errorf("record %d: value %q headers %v", i, m.Value, m.Headers)
		}
	}
	if st := op.Stats(); st.RecordsSkipped != 2 || st.DLQProduceRequests != 2 {
		t.Errorf("stats %+v", st)
	}
}

// Under errors.tolerance=none a report fails the task even when the task
// swallows the error Report returns; the record is in the queue first, and
// nothing from the reported record on is committed.
func TestErrantReportUnderNoneFailsTask(t *testing.T) {
	s, op := newErrantSetup(t, "errnone", false)
	produce(t, s.addrs, "errnone", 0, "ok0", "ok1", "rej2", "ok3")
	rt := &recordingTask{onPut: reportRejected(t, true)}
	cfg := baseConfig(s.addrs, rt, "errnone")
	cfg.Tolerance = op
	cfg.ErrantRecordReporting = true
	r := start(t, cfg)
	var err error
	select {
	case err = <-r.done:
		r.done <- err
	case <-time.After(30 * time.Second):
		t.Fatal("task did not fail")
	}
	for _, want := range []string{"Tolerance exceeded in error handler", "TASK_PUT", "topic errnone partition 0 offset 2", "rejected by the sink: rej2"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Run = %v, want it to name %q", err, want)
		}
	}
	if m := s.readDLQ(t, 1)[0]; string(m.Value) != "rej2" {
		t.Fatalf("queue holds %q", m.Value)
	}
	if got, ok := committed(t, s.addrs, "connect-test", "errnone", 1)[0]; ok && got > 2 {
		t.Fatalf("committed %d, past the reported record", got)
	}
}

// bytesConverter writes string values as their bytes.
type bytesConverter struct{ stringConverter }

func (bytesConverter) FromConnectData(_ string, _ connector.Headers, _ *data.Schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	return []byte(fmt.Sprint(v)), nil
}

type bytesHeaderConverter struct{ headerConverter }

func (bytesHeaderConverter) FromConnectHeader(_, _ string, _ *data.Schema, v any) ([]byte, error) {
	return []byte(fmt.Sprint(v)), nil
}

// A record the task built itself has no consumed original: the converters
// serialize it for the queue, as Java's WorkerErrantRecordReporter does.
func TestErrantReportOfBuiltRecordIsSerialized(t *testing.T) {
	s, op := newErrantSetup(t, "built", true)
	produce(t, s.addrs, "built", 0, "x")
	reported := make(chan error, 1)
	rt := &recordingTask{onPut: func(ctx connector.SinkTaskContext, recs []*connector.SinkRecord) {
		built := &connector.SinkRecord{Record: connector.Record{
			Topic: "built", Partition: 0, KafkaOffset: 0, Key: "k", Value: "made by the task",
			Headers: connector.Headers{{Key: "why", Schema: data.OptionalStringSchema, Value: "because"}},
		}}
		reported <- ctx.ErrantRecordReporter().Report(context.Background(), built, errors.New("no"))
	}}
	cfg := baseConfig(s.addrs, rt, "built")
	cfg.KeyConverter, cfg.ValueConverter, cfg.HeaderConverter = bytesConverter{}, bytesConverter{}, bytesHeaderConverter{}
	cfg.Tolerance = op
	cfg.ErrantRecordReporting = true
	r := start(t, cfg)
	select {
	case err := <-reported:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the task never reported")
	}
	m := s.readDLQ(t, 1)[0]
	if string(m.Key) != "k" || string(m.Value) != "made by the task" || header(m, "why") != "because" || header(m, tolerance.HeaderTopic) != "built" {
		t.Fatalf("queue record key %q value %q headers %v", m.Key, m.Value, m.Headers)
	}
	if err := r.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
}

// Without a dead letter queue and errors.log.enable the task gets no
// reporter, as Java's errantRecordReporter() returns null.
func TestNoErrantReporterWithoutQueueOrLog(t *testing.T) {
	task, err := New(baseConfig([]string{"127.0.0.1:1"}, &recordingTask{}, "t"))
	if err != nil {
		t.Fatal(err)
	}
	if rep := (&taskContext{t: task}).ErrantRecordReporter(); rep != nil {
		t.Fatalf("reporter %T without a queue or error log", rep)
	}
}

// rawReader stands in for a RawJSONSink: values starting with "bad" it
// cannot read, and hands them back to the runtime's value converter.
func rawReader(t *testing.T, kept *[]string, mu *sync.Mutex) func(context.Context, connector.SinkTaskContext, []*connector.SinkRecord) error {
	return func(ctx context.Context, tc connector.SinkTaskContext, recs []*connector.SinkRecord) error {
		rc, ok := tc.(connector.RawJSONConverter)
		if !ok {
			t.Fatal("the sink task context offers no RawJSONConverter")
		}
		for _, r := range recs {
			raw, isRaw := r.Value.(connector.RawJSON)
			if !isRaw {
				t.Errorf("value %T, want RawJSON", r.Value)
				continue
			}
			v := string(raw)
			if strings.HasPrefix(v, "bad") {
				_, value, ok, err := rc.ConvertRawJSON(ctx, r)
				if err != nil {
					return err
				}
				if !ok {
					continue // skipped under errors.tolerance=all
				}
				v = "converted:" + fmt.Sprint(value)
			}
			mu.Lock()
			*kept = append(*kept, v)
			mu.Unlock()
		}
		return nil
	}
}

// rawTask is a recording task whose Put is given the call's context.
type rawTask struct {
	recordingTask
	put func(context.Context, connector.SinkTaskContext, []*connector.SinkRecord) error
}

func (r *rawTask) Put(ctx context.Context, recs []*connector.SinkRecord) error {
	if err := r.put(ctx, r.ctx, recs); err != nil {
		return err
	}
	return r.recordingTask.Put(ctx, recs)
}

// A raw JSON value the task cannot read goes back through the value
// converter and its error handling, as if it had never been delivered raw:
// under errors.tolerance=all the converter's failure is skipped and written
// to the dead letter queue with stage VALUE_CONVERTER; what the converter
// reads after all is delivered decoded.
func TestRawJSONHandedBackToTheConverter(t *testing.T) {
	s, op := newErrantSetup(t, "rawall", true)
	// "bad" fails the test converter; "badge" it reads.
	produce(t, s.addrs, "rawall", 0, "ok0", "bad", "badge", "ok3")
	var mu sync.Mutex
	var kept []string
	rt := &rawTask{put: rawReader(t, &kept, &mu)}
	cfg := baseConfig(s.addrs, rt, "rawall")
	cfg.RawJSONValues = true
	cfg.Tolerance = op
	r := start(t, cfg)
	waitFor(t, 30*time.Second, func() error {
		if got := committed(t, s.addrs, "connect-test", "rawall", 1)[0]; got != 4 {
			return fmt.Errorf("committed %d", got)
		}
		return nil
	})
	if err := r.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	got := strings.Join(kept, ",")
	mu.Unlock()
	if got != "ok0,converted:badge,ok3" {
		t.Fatalf("task kept %s", got)
	}
	m := s.readDLQ(t, 1)[0]
	if string(m.Value) != "bad" || header(m, tolerance.HeaderStage) != "VALUE_CONVERTER" ||
		header(m, tolerance.HeaderExecutingClass) != "test.StringConverter" || header(m, tolerance.HeaderOffset) != "1" {
		t.Fatalf("queue record %q headers %v", m.Value, m.Headers)
	}
}

// Under errors.tolerance=none the handed-back failure fails the task with
// the converter's stage and the record's coordinates, as without raw
// delivery; nothing from the record on is committed.
func TestRawJSONHandedBackUnderNone(t *testing.T) {
	s, op := newErrantSetup(t, "rawnone", false)
	produce(t, s.addrs, "rawnone", 0, "ok0", "ok1", "bad", "ok3")
	var mu sync.Mutex
	var kept []string
	rt := &rawTask{put: rawReader(t, &kept, &mu)}
	cfg := baseConfig(s.addrs, rt, "rawnone")
	cfg.RawJSONValues = true
	cfg.Tolerance = op
	r := start(t, cfg)
	var err error
	select {
	case err = <-r.done:
		r.done <- err
	case <-time.After(30 * time.Second):
		t.Fatal("task did not fail")
	}
	var te *tolerance.Error
	if !errors.As(err, &te) || !strings.HasPrefix(err.Error(), "Tolerance exceeded in error handler") {
		t.Fatalf("Run = %v, want the tolerance error itself", err)
	}
	for _, want := range []string{"VALUE_CONVERTER", "test.StringConverter", "topic rawnone partition 0 offset 2", `cannot convert "bad"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if m := s.readDLQ(t, 1)[0]; string(m.Value) != "bad" {
		t.Fatalf("queue holds %q", m.Value)
	}
	if got, ok := committed(t, s.addrs, "connect-test", "rawnone", 1)[0]; ok && got > 2 {
		t.Fatalf("committed %d, past the failed record", got)
	}
}
