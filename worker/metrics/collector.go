package metrics

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Prefix starts every Connect metric name, as jmx-exporter's rules for
// the JMX domain kafka.connect name them.
const Prefix = "kafka_connect_"

// Handler returns the GET /metrics handler: the worker's metrics (m may be
// nil), and Go's runtime and process metrics, in the Prometheus text
// format. Every call makes a registry of its own.
func Handler(m *Metrics) (http.Handler, error) {
	reg := prometheus.NewRegistry()
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("metrics: register the runtime collectors: %w", err)
		}
	}
	if m != nil {
		if err := reg.Register(m); err != nil {
			return nil, fmt.Errorf("metrics: register the connect collector: %w", err)
		}
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}), nil
}

// Describe sends nothing: the metrics' labels depend on what runs, so
// Metrics is an unchecked collector.
func (m *Metrics) Describe(chan<- *prometheus.Desc) {}

// emitter turns attributes into Prometheus samples. Names follow
// jmx-exporter's rules: kafka_connect_<group>_<attribute>, dashes as
// underscores. An attribute ending in -total is emitted twice, as
// ..._total (jmx_exporter 0.x) and without the suffix (jmx_exporter 1.x
// strips it), since dashboards in use query both spellings.
type emitter struct {
	ch chan<- prometheus.Metric
}

func metricName(group, attr string) string {
	return Prefix + strings.ReplaceAll(group, "-", "_") + "_" + strings.ReplaceAll(attr, "-", "_")
}

func (e emitter) emit(name string, v float64, labels prometheus.Labels) {
	help := "Kafka Connect metric " + strings.TrimPrefix(name, Prefix) + " (see README, Metrics)."
	e.ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(name, help, nil, labels), prometheus.GaugeValue, v)
}

func (e emitter) attr(group, attr string, v float64, labels prometheus.Labels) {
	name := metricName(group, attr)
	e.emit(name, v, labels)
	if short, ok := strings.CutSuffix(name, "_total"); ok {
		e.emit(short, v, labels)
	}
}

// info emits an attribute whose value is a string as jmx-exporter's
// rules for app-info and connector-metrics do: value 1, the attribute as
// a label.
func (e emitter) info(name, attr, value string, labels prometheus.Labels) {
	l := prometheus.Labels{strings.ReplaceAll(attr, "-", "_"): value}
	for k, v := range labels {
		l[k] = v
	}
	e.emit(name, 1, l)
}

// Collect emits every metric.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	e := emitter{ch: ch}
	now := m.now()

	m.mu.Lock()
	tasks := make(map[TaskKey]*Task, len(m.tasks))
	for k, t := range m.tasks {
		tasks[k] = t
	}
	clients := make(map[string]func() ClientStats, len(m.clients))
	for k, f := range m.clients {
		clients[k] = f
	}
	m.collectWorker(e, now)
	m.collectConnectors(e)
	m.collectRebalance(e, now)
	m.mu.Unlock()

	// app-info: one series per attribute.
	id := prometheus.Labels{"client_id": m.cfg.WorkerID}
	for _, name := range []string{Prefix + "app_info", Prefix + "app"} {
		e.info(name, "version", m.cfg.Version, id)
		e.info(name, "commit-id", m.cfg.Commit, id)
		e.info(name, "start-time-ms", strconv.FormatInt(m.start.UnixMilli(), 10), id)
	}

	// Per-connector task counts, of the tasks on this worker.
	type counts struct {
		total   int
		byState map[State]int
	}
	per := map[string]*counts{}
	for k, t := range tasks {
		c := per[k.Connector]
		if c == nil {
			c = &counts{byState: map[State]int{}}
			per[k.Connector] = c
		}
		t.mu.Lock()
		c.byState[t.state.state]++
		c.total++
		t.mu.Unlock()
	}
	for _, name := range sortedKeys(per) {
		c := per[name]
		l := prometheus.Labels{"connector": name}
		const g = "connect-worker-metrics"
		e.attr(g, "connector-total-task-count", float64(c.total), l)
		for _, s := range []State{StateRunning, StatePaused, StateFailed, StateUnassigned, StateDestroyed, StateRestarting} {
			e.attr(g, "connector-"+string(s)+"-task-count", float64(c.byState[s]), l)
		}
	}

	for _, k := range sortedTaskKeys(tasks) {
		tasks[k].collect(e, k, now)
	}

	for _, id := range sortedKeys(clients) {
		s := clients[id]()
		l := prometheus.Labels{"client_id": id}
		const g = "connect-metrics"
		e.attr(g, "connection-count", s.ConnectionCount, l)
		e.attr(g, "incoming-byte-rate", s.IncomingByteRate, l)
		e.attr(g, "outgoing-byte-rate", s.OutgoingByteRate, l)
		e.attr(g, "request-rate", s.RequestRate, l)
		e.attr(g, "response-rate", s.ResponseRate, l)
		e.attr(g, "network-io-rate", s.RequestRate+s.ResponseRate, l)
		e.attr(g, "io-ratio", s.IORatio, l)
		e.attr(g, "successful-authentication-rate", s.SuccessfulAuthenticationRate, l)
		e.attr(g, "successful-authentication-total", s.SuccessfulAuthenticationTotal, l)
		e.attr(g, "failed-authentication-total", s.FailedAuthenticationTotal, l)
	}
}

func sortedTaskKeys(m map[TaskKey]*Task) []TaskKey {
	out := make([]TaskKey, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slicesSortTaskKeys(out)
	return out
}

// collectWorker emits connect-worker-metrics' worker totals; m.mu is held.
func (m *Metrics) collectWorker(e emitter, now int64) {
	l := prometheus.Labels{"connector": "aggregate"}
	const g = "connect-worker-metrics"
	e.attr(g, "connector-count", float64(len(m.connectors)), l)
	e.attr(g, "task-count", float64(len(m.tasks)), l)
	for _, s := range []struct {
		kind string
		w    *Window
	}{{"connector", &m.connStart}, {"task", &m.taskStart}} {
		attempts := float64(s.w.Count())
		success := s.w.Total()
		e.attr(g, s.kind+"-startup-attempts-total", attempts, l)
		e.attr(g, s.kind+"-startup-success-total", success, l)
		e.attr(g, s.kind+"-startup-failure-total", attempts-success, l)
		freq := s.w.Frequency(now)
		fail := 0.0
		if s.w.Avg(now) == s.w.Avg(now) { // something recorded in the window
			fail = 1 - freq
		}
		e.attr(g, s.kind+"-startup-success-percentage", freq, l)
		e.attr(g, s.kind+"-startup-failure-percentage", fail, l)
	}
}

// collectConnectors emits connector-metrics; m.mu is held.
func (m *Metrics) collectConnectors(e emitter) {
	const name = Prefix + "connector_metrics"
	for _, c := range sortedKeys(m.connectors) {
		info := m.connectors[c]
		l := prometheus.Labels{"connector": c}
		e.info(name, "status", string(info.state), l)
		e.info(name, "connector-class", info.class, l)
		e.info(name, "connector-type", info.kind, l)
		e.info(name, "connector-version", info.version, l)
	}
}

// collectRebalance emits connect-worker-rebalance-metrics; m.mu is held.
func (m *Metrics) collectRebalance(e emitter, now int64) {
	r := m.rebalance
	if r == nil {
		return
	}
	const g = "connect-worker-rebalance-metrics"
	e.attr(g, "epoch", float64(r.epoch), nil)
	e.attr(g, "completed-rebalances-total", float64(r.completed), nil)
	e.attr(g, "rebalancing", boolValue(r.rebalancing), nil)
	e.attr(g, "rebalance-max-time-ms", r.w.Max(now), nil)
	e.attr(g, "rebalance-avg-time-ms", r.w.Avg(now), nil)
	since := math.Inf(1)
	if r.lastDone >= 0 {
		since = float64(now - r.lastDone)
	}
	e.attr(g, "time-since-last-rebalance-ms", since, nil)
	l := prometheus.Labels{"client_id": r.clientID}
	e.attr("connect-coordinator-metrics", "assigned-connectors", float64(r.assignedConnectors), l)
	e.attr("connect-coordinator-metrics", "assigned-tasks", float64(r.assignedTasks), l)
}

func (t *Task) collect(e emitter, k TaskKey, now int64) {
	l := prometheus.Labels{"connector": k.Connector, "task": strconv.Itoa(k.Task)}
	t.mu.Lock()
	const g = "connector-task-metrics"
	e.attr(g, "running-ratio", t.state.ratio(StateRunning, now), l)
	e.attr(g, "pause-ratio", t.state.ratio(StatePaused, now), l)
	e.attr(g, "offset-commit-max-time-ms", t.commitTime.Max(now), l)
	e.attr(g, "offset-commit-avg-time-ms", t.commitTime.Avg(now), l)
	e.attr(g, "batch-size-max", t.batchSize.Max(now), l)
	e.attr(g, "batch-size-avg", t.batchSize.Avg(now), l)
	success := t.commits.Frequency(now)
	failure := 0.0
	if a := t.commits.Avg(now); a == a {
		failure = 1 - success
	}
	e.attr(g, "offset-commit-success-percentage", success, l)
	e.attr(g, "offset-commit-failure-percentage", failure, l)

	if t.sink {
		const g = "sink-task-metrics"
		e.attr(g, "sink-record-read-rate", t.read.Rate(now), l)
		e.attr(g, "sink-record-read-total", t.read.Total(), l)
		e.attr(g, "sink-record-send-rate", t.send.Rate(now), l)
		e.attr(g, "sink-record-send-total", t.send.Total(), l)
		e.attr(g, "partition-count", t.partitions, l)
		e.attr(g, "offset-commit-seq-no", t.commitSeq, l)
		e.attr(g, "offset-commit-completion-rate", t.commitDone.Rate(now), l)
		e.attr(g, "offset-commit-completion-total", t.commitDone.Total(), l)
		e.attr(g, "offset-commit-skip-rate", t.commitSkip.Rate(now), l)
		e.attr(g, "offset-commit-skip-total", t.commitSkip.Total(), l)
		e.attr(g, "put-batch-max-time-ms", t.put.Max(now), l)
		e.attr(g, "put-batch-avg-time-ms", t.put.Avg(now), l)
		e.attr(g, "sink-record-active-count", t.activeNow, l)
		e.attr(g, "sink-record-active-count-max", t.active.Max(now), l)
		e.attr(g, "sink-record-active-count-avg", t.active.Avg(now), l)
	} else {
		const g = "source-task-metrics"
		e.attr(g, "source-record-poll-rate", t.poll.Rate(now), l)
		e.attr(g, "source-record-poll-total", t.poll.Total(), l)
		e.attr(g, "source-record-write-rate", t.write.Rate(now), l)
		e.attr(g, "source-record-write-total", t.write.Total(), l)
		e.attr(g, "poll-batch-max-time-ms", t.pollTime.Max(now), l)
		e.attr(g, "poll-batch-avg-time-ms", t.pollTime.Avg(now), l)
		e.attr(g, "source-record-active-count", t.activeNow, l)
		e.attr(g, "source-record-active-count-max", t.active.Max(now), l)
		e.attr(g, "source-record-active-count-avg", t.active.Avg(now), l)
	}
	errs, extra := t.errors, t.extra
	t.mu.Unlock()

	var s ErrorStats
	if errs != nil {
		s = errs()
	}
	{
		const g = "task-error-metrics"
		e.attr(g, "total-record-failures", s.RecordFailures, l)
		e.attr(g, "total-record-errors", s.RecordErrors, l)
		e.attr(g, "total-records-skipped", s.RecordsSkipped, l)
		e.attr(g, "total-retries", s.Retries, l)
		e.attr(g, "total-errors-logged", s.ErrorsLogged, l)
		e.attr(g, "deadletterqueue-produce-requests", s.DLQProduceRequests, l)
		e.attr(g, "deadletterqueue-produce-failures", s.DLQProduceFailures, l)
		var last float64
		if !s.LastError.IsZero() {
			last = float64(s.LastError.UnixMilli())
		}
		e.attr(g, "last-error-timestamp", last, l)
	}
	if extra != nil {
		for _, mt := range extra() {
			if mt.Group == "" || mt.Name == "" {
				continue
			}
			e.attr(mt.Group, mt.Name, mt.Value, l)
		}
	}
}
