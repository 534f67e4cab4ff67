package elasticsearch

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/connectortest"
	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
)

// startHumio serves a humiotest server for the test.
func startHumio(t *testing.T, cfg humiotest.Config) (*humiotest.Server, string) {
	t.Helper()
	srv := humiotest.New(cfg)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL + "/api/v1/ingest/elastic-bulk"
}

// props is a task config for url with quick retries, plus kv pairs.
func props(url string, kv ...string) map[string]string {
	p := map[string]string{
		keyConnectionURL: url, keyKeyIgnore: "true", keyRetryBackoffMs: "5", KeyRetryBackoffMaxMs: "50",
		keyMaxRetries: "50", keyFlushTimeoutMs: "10000", keyReadTimeoutMs: "5000",
	}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	return p
}

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// reporter is an errant record reporter that records what it got.
type reporter struct {
	mu      sync.Mutex
	reports []string // "offset: error"
	fail    error
}

func (r *reporter) Report(_ context.Context, rec *connector.SinkRecord, err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reports = append(r.reports, fmt.Sprintf("%d: %v", rec.KafkaOffset, err))
	return r.fail
}

func (r *reporter) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reports)
}

type taskRun struct {
	task *Task
	ctx  *connectortest.SinkTaskContext
	logs *syncBuffer
}

var (
	tp0 = connector.TopicPartition{Topic: "logs", Partition: 0}
	tp1 = connector.TopicPartition{Topic: "logs", Partition: 1}
)

// startTask starts a task owning logs-0 and logs-1; rep may be nil.
func startTask(t *testing.T, p map[string]string, rep connector.ErrantRecordReporter) *taskRun {
	t.Helper()
	logs := &syncBuffer{}
	ctx := connectortest.NewSinkTaskContext(p, tp0, tp1)
	ctx.SetLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if rep != nil {
		ctx.SetErrantRecordReporter(rep)
	}
	task := NewTask()
	if err := task.Start(ctx, p); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := task.Open([]connector.TopicPartition{tp0, tp1}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = task.Stop()
		if t.Failed() {
			t.Logf("task log:\n%s", logs.String())
		}
	})
	return &taskRun{task: task, ctx: ctx, logs: logs}
}

// events returns raw JSON records {"n":first..first+count-1} of one partition.
func events(topic string, partition int32, first, count int) []*connector.SinkRecord {
	out := make([]*connector.SinkRecord, count)
	for i := range out {
		n := first + i
		out[i] = &connector.SinkRecord{Record: connector.Record{
			Topic: topic, Partition: partition, KafkaOffset: int64(n),
			Value:     connector.RawJSON(fmt.Sprintf(`{"n":%d,"msg":"event %d of the test"}`, n, n)),
			Timestamp: ts1 + int64(n), TimestampType: connector.CreateTime,
		}}
	}
	return out
}

// stored returns the sorted "n" fields of the events the server holds.
func stored(t *testing.T, srv *humiotest.Server) []int {
	t.Helper()
	var out []int
	for _, e := range srv.Events() {
		v, ok := e.Field("n")
		if !ok {
			t.Fatalf("event without n: %s", e.Source)
		}
		out = append(out, int(v.(float64)))
	}
	sort.Ints(out)
	return out
}

func seq(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// waitFor polls cond until it returns nil or timeout passes, and reports
// its last error.
func waitFor(t *testing.T, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s: %v", timeout, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func put(t *testing.T, r *taskRun, recs []*connector.SinkRecord) {
	t.Helper()
	if err := r.task.Put(t.Context(), recs); err != nil {
		t.Fatalf("Put: %v", err)
	}
}

func preCommit(t *testing.T, r *taskRun) map[connector.TopicPartition]int64 {
	t.Helper()
	got, err := r.task.PreCommit(t.Context(), nil)
	if err != nil {
		t.Fatalf("PreCommit: %v", err)
	}
	return got
}
