package metrics

import (
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/kafka-connect-go/connect/connector"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestWindowRateCountsAtLeastAllWindowsButOne(t *testing.T) {
	w := newWindow(2, 30*time.Second)
	// 300 records in the first second: Kafka's Rate divides by at least
	// one full window (samples-1), so 300/31 s, not 300/1 s.
	w.Record(100, 0)
	w.Record(200, 1000)
	if got, want := w.Rate(1000), 300/31.0; math.Abs(got-want) > 1e-9 {
		t.Fatalf("rate after 1 s = %v, want %v", got, want)
	}
	// A second window starts at 30 s; the first still counts.
	w.Record(60, 30_000)
	if got, want := w.Rate(45_000), 360/45.0; math.Abs(got-want) > 1e-9 {
		t.Fatalf("rate after 45 s = %v, want %v", got, want)
	}
	// At 60 s the first slice (started at 0) is older than both windows
	// together and is forgotten; the elapsed time is still one full window.
	if got, want := w.Rate(60_000), 60/30.0; math.Abs(got-want) > 1e-9 {
		t.Fatalf("rate after 60 s = %v, want %v", got, want)
	}
	if w.Total() != 360 || w.Count() != 3 {
		t.Fatalf("total %v count %d, want 360 and 3", w.Total(), w.Count())
	}
	// Long after, the window is empty: rate 0, avg and max NaN, totals kept.
	if r := w.Rate(600_000); r != 0 {
		t.Fatalf("rate of an empty window = %v", r)
	}
	if a, m := w.Avg(600_000), w.Max(600_000); !math.IsNaN(a) || !math.IsNaN(m) {
		t.Fatalf("avg %v max %v of an empty window, want NaN", a, m)
	}
	if w.Total() != 360 {
		t.Fatalf("total forgotten: %v", w.Total())
	}
}

func TestWindowAvgMaxFrequency(t *testing.T) {
	w := newWindow(2, 10*time.Second)
	for i, v := range []float64{4, 1, 7} {
		w.Record(v, int64(i)*1000)
	}
	if w.Avg(3000) != 4 || w.Max(3000) != 7 {
		t.Fatalf("avg %v max %v, want 4 7", w.Avg(3000), w.Max(3000))
	}
	f := newWindow(2, 10*time.Second)
	if f.Frequency(0) != 0 {
		t.Fatal("frequency of nothing is not 0")
	}
	f.Record(1, 0)
	f.Record(1, 0)
	f.Record(0, 0)
	f.Record(1, 0)
	if got := f.Frequency(0); got != 0.75 {
		t.Fatalf("frequency = %v, want 0.75", got)
	}
}

func TestStateTrackerRatios(t *testing.T) {
	var s stateTracker
	if s.ratio(StateRunning, 0) != 0 {
		t.Fatal("ratio before any state is not 0")
	}
	s.change(StateRunning, 0)
	s.change(StatePaused, 3000)
	if got := s.ratio(StateRunning, 4000); got != 0.75 {
		t.Fatalf("running ratio = %v, want 0.75", got)
	}
	if got := s.ratio(StatePaused, 4000); got != 0.25 {
		t.Fatalf("pause ratio = %v, want 0.25", got)
	}
}

type reporter struct{}

func (reporter) Metrics() []connector.Metric {
	return []connector.Metric{{Group: "humio-sink-task-metrics", Name: "bulk-requests-total", Value: 3}}
}

// scrape serves the handler over HTTP and parses the answer with the
// Prometheus text parser.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, body)
	}
	return fams
}

func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("metric %s missing", name)
	}
next:
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, lp := range m.GetLabel() {
			got[lp.GetName()] = lp.GetValue()
		}
		for k, v := range labels {
			if got[k] != v {
				continue next
			}
		}
		return m.GetGauge().GetValue()
	}
	t.Fatalf("metric %s has no series with labels %v", name, labels)
	return 0
}

func TestCollectorNamesAndValues(t *testing.T) {
	c := &clock{t: time.UnixMilli(1_700_000_000_000)}
	m := New(Config{WorkerID: "w1:8083", Version: "4.0.0", Commit: "abc", Now: c.now})
	m.ConnectorStartup(true)
	m.ConnectorStartup(false)
	m.TaskStartup(true)
	m.AddConnector("s", "com.example.Sink", "sink", "1.2")
	m.ConnectorState("s", StateRunning)
	st := m.AddTask("s", 0, true)
	st.SetTaskMetrics(reporter{}.Metrics)
	st.SetErrorStats(func() ErrorStats { return ErrorStats{Retries: 2} })
	m.TaskState("s", 0, StateRunning)
	m.AddTask("s", 1, true) // not started yet: unassigned
	src := m.AddTask("src", 1, false)
	m.TaskState("src", 1, StatePaused)
	r := m.Rebalance("connect-w1")
	r.Started()
	c.add(250 * time.Millisecond)
	r.Completed("sessioned", "leader-1", 7, 1, 3)
	m.AddClient("connect-w1", func() ClientStats { return ClientStats{ConnectionCount: 2, RequestRate: 1, ResponseRate: 1} })

	st.SinkRead(500)
	st.SinkPut(500, 20*time.Millisecond)
	st.SinkPut(300, 40*time.Millisecond)
	st.Partitions(3)
	st.CommitDone(5*time.Millisecond, true)
	st.CommitDone(15*time.Millisecond, false)
	src.SourcePoll(10, time.Millisecond)
	src.SourceActive(10)
	src.SourceWritten(4, 6)
	src.SourceWritten(6, 0)
	c.add(time.Second)

	h, err := Handler(m)
	if err != nil {
		t.Fatal(err)
	}
	fams := scrape(t, h)
	sl := map[string]string{"connector": "s", "task": "0"}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"kafka_connect_connect_worker_metrics_connector_count", map[string]string{"connector": "aggregate"}, 1},
		{"kafka_connect_connect_worker_metrics_task_count", map[string]string{"connector": "aggregate"}, 3},
		{"kafka_connect_connect_worker_metrics_connector_total_task_count", map[string]string{"connector": "s"}, 2},
		{"kafka_connect_connect_worker_metrics_connector_unassigned_task_count", map[string]string{"connector": "s"}, 1},
		{"kafka_connect_connect_worker_metrics_connector_startup_attempts_total", map[string]string{"connector": "aggregate"}, 2},
		{"kafka_connect_connect_worker_metrics_connector_startup_failure_total", map[string]string{"connector": "aggregate"}, 1},
		{"kafka_connect_connect_worker_metrics_connector_startup_failure", map[string]string{"connector": "aggregate"}, 1},
		{"kafka_connect_connect_worker_metrics_connector_startup_success_percentage", map[string]string{"connector": "aggregate"}, 0.5},
		{"kafka_connect_connect_worker_metrics_connector_running_task_count", map[string]string{"connector": "s"}, 1},
		{"kafka_connect_connect_worker_metrics_connector_paused_task_count", map[string]string{"connector": "src"}, 1},
		{"kafka_connect_connect_worker_metrics_connector_total_task_count", map[string]string{"connector": "src"}, 1},
		{"kafka_connect_connector_metrics", map[string]string{"connector": "s", "status": "running"}, 1},
		{"kafka_connect_connector_metrics", map[string]string{"connector": "s", "connector_class": "com.example.Sink"}, 1},
		{"kafka_connect_connector_metrics", map[string]string{"connector": "s", "connector_type": "sink"}, 1},
		{"kafka_connect_connector_metrics", map[string]string{"connector": "s", "connector_version": "1.2"}, 1},
		{"kafka_connect_app_info", map[string]string{"client_id": "w1:8083", "version": "4.0.0"}, 1},
		{"kafka_connect_app", map[string]string{"client_id": "w1:8083", "start_time_ms": "1700000000000"}, 1},
		{"kafka_connect_sink_task_metrics_sink_record_read_total", sl, 500},
		{"kafka_connect_sink_task_metrics_sink_record_send_total", sl, 800},
		{"kafka_connect_sink_task_metrics_sink_record_read_rate", sl, 500 / 31.0},
		{"kafka_connect_sink_task_metrics_put_batch_max_time_ms", sl, 40},
		{"kafka_connect_sink_task_metrics_put_batch_avg_time_ms", sl, 30},
		{"kafka_connect_sink_task_metrics_partition_count", sl, 3},
		{"kafka_connect_sink_task_metrics_offset_commit_completion_total", sl, 1},
		{"kafka_connect_connector_task_metrics_batch_size_avg", sl, 400},
		{"kafka_connect_connector_task_metrics_offset_commit_avg_time_ms", sl, 10},
		{"kafka_connect_connector_task_metrics_offset_commit_success_percentage", sl, 0.5},
		{"kafka_connect_connector_task_metrics_running_ratio", sl, 1},
		{"kafka_connect_connector_task_metrics_pause_ratio", map[string]string{"connector": "src", "task": "1"}, 1},
		{"kafka_connect_source_task_metrics_source_record_poll_total", map[string]string{"connector": "src", "task": "1"}, 10},
		{"kafka_connect_source_task_metrics_source_record_write_total", map[string]string{"connector": "src", "task": "1"}, 10},
		{"kafka_connect_source_task_metrics_source_record_active_count", map[string]string{"connector": "src", "task": "1"}, 0},
		{"kafka_connect_source_task_metrics_source_record_active_count_max", map[string]string{"connector": "src", "task": "1"}, 10},
		{"kafka_connect_source_task_metrics_source_record_active_count_avg", map[string]string{"connector": "src", "task": "1"}, 16.0 / 3},
		{"kafka_connect_task_error_metrics_total_retries", sl, 2},
		{"kafka_connect_task_error_metrics_total_record_failures", map[string]string{"connector": "src", "task": "1"}, 0},
		{"kafka_connect_humio_sink_task_metrics_bulk_requests_total", sl, 3},
		{"kafka_connect_humio_sink_task_metrics_bulk_requests", sl, 3},
		{"kafka_connect_connect_worker_rebalance_metrics_completed_rebalances_total", nil, 1},
		{"kafka_connect_connect_worker_rebalance_metrics_completed_rebalances", nil, 1},
		{"kafka_connect_connect_worker_rebalance_metrics_epoch", nil, 7},
		{"kafka_connect_connect_coordinator_metrics_assigned_tasks", map[string]string{"client_id": "connect-w1"}, 3},
		{"kafka_connect_connect_coordinator_metrics_assigned_connectors", map[string]string{"client_id": "connect-w1"}, 1},
		{"kafka_connect_connect_worker_rebalance_metrics_rebalance_avg_time_ms", nil, 250},
		{"kafka_connect_connect_worker_rebalance_metrics_time_since_last_rebalance_ms", nil, 1000},
		{"kafka_connect_connect_metrics_connection_count", map[string]string{"client_id": "connect-w1"}, 2},
		{"kafka_connect_connect_metrics_network_io_rate", map[string]string{"client_id": "connect-w1"}, 2},
		{"kafka_connect_connect_metrics_failed_authentication", map[string]string{"client_id": "connect-w1"}, 0},
	}
	for _, ck := range checks {
		if got := value(t, fams, ck.name, ck.labels); math.Abs(got-ck.want) > 1e-9 {
			t.Errorf("%s%v = %v, want %v", ck.name, ck.labels, got, ck.want)
		}
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if _, ok := fams[name]; !ok && (name != "process_cpu_seconds_total" || processMetricsSupported()) {
			t.Errorf("%s missing", name)
		}
	}

	// A removed task and connector are gone; a stale RemoveTask of an
	// earlier run of the task leaves the new run alone.
	m.RemoveTask("s", 0, src)
	m.RemoveTask("src", 1, nil)
	m.RemoveConnector("s")
	fams = scrape(t, h)
	value(t, fams, "kafka_connect_sink_task_metrics_sink_record_read_total", sl)
	if f := fams["kafka_connect_source_task_metrics_source_record_poll_total"]; f != nil {
		t.Errorf("removed task still exported: %v", f)
	}
	if f := fams["kafka_connect_connector_metrics"]; f != nil {
		t.Errorf("removed connector still exported: %v", f)
	}
}

func TestNilMetricsAreNoOps(t *testing.T) {
	var m *Metrics
	m.ConnectorStartup(true)
	m.AddConnector("a", "b", "sink", "1")
	task := m.AddTask("a", 0, true)
	task.SinkRead(1)
	task.SinkPut(1, time.Millisecond)
	task.CommitDone(time.Millisecond, true)
	m.Rebalance("c").Started()
	h, err := Handler(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := scrape(t, h)["go_goroutines"]; !ok {
		t.Fatal("runtime metrics missing without worker metrics")
	}
}
