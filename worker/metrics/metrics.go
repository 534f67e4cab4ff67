// Package metrics keeps the worker's metrics as Kafka Connect defines them
// (Java's ConnectMetricsRegistry groups: connect-worker-metrics,
// connector-metrics, connector-task-metrics, sink-task-metrics,
// source-task-metrics, task-error-metrics, connect-worker-rebalance-metrics,
// app-info, connect-metrics) and serves them in the Prometheus text format,
// named as Confluent's jmx-exporter rules for Kafka Connect name them, so
// that dashboards written for a Java worker scraped by jmx_exporter work
// unchanged.
//
// Windowed values (rates, averages, maxima) are computed as Kafka's
// SampledStat does (metrics.num.samples slices of metrics.sample.window.ms).
// Recording is cheap: the task loops record once per batch under a lock
// per task; everything is turned into Prometheus samples only when scraped
// (a prometheus.Collector emitting constant metrics). Nothing here is
// global: each worker owns its Metrics and the prometheus.Registry it
// serves.
package metrics

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/kafka-connect-go/connect/connector"
)

// Config configures Metrics.
type Config struct {
	// WorkerID is the worker's id (host:port of its REST listener): the
	// client_id of app-info, as Java's client.id of the worker.
	WorkerID string
	// Version and Commit are the worker's version and commit id (app-info).
	Version, Commit string
	// Samples and Window are metrics.num.samples (default 2) and
	// metrics.sample.window.ms (default 30 s).
	Samples int
	Window  time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Metrics is one worker's metrics. All methods are safe for concurrent
// use, and all are no-ops on a nil *Metrics, so that code paths without
// metrics (tests, tools) need no checks.
type Metrics struct {
	cfg   Config
	start time.Time

	mu         sync.Mutex
	connectors map[string]*connectorInfo
	tasks      map[TaskKey]*Task
	connStart  Window // 1 success, 0 failure
	taskStart  Window
	rebalance  *Rebalance
	clients    map[string]func() ClientStats
}

// TaskKey names a task.
type TaskKey struct {
	Connector string
	Task      int
}

type connectorInfo struct {
	class, kind, version string
	state                State
}

// New returns Metrics for cfg.
func New(cfg Config) *Metrics {
	if cfg.Samples <= 0 {
		cfg.Samples = 2
	}
	if cfg.Window <= 0 {
		cfg.Window = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Metrics{
		cfg: cfg, start: cfg.Now(),
		connectors: map[string]*connectorInfo{},
		tasks:      map[TaskKey]*Task{},
		connStart:  newWindow(cfg.Samples, cfg.Window),
		taskStart:  newWindow(cfg.Samples, cfg.Window),
		clients:    map[string]func() ClientStats{},
	}
}

func (m *Metrics) now() int64 { return m.cfg.Now().UnixMilli() }

func boolValue(ok bool) float64 {
	if ok {
		return 1
	}
	return 0
}

// ConnectorStartup records an attempt to start a connector and its outcome.
func (m *Metrics) ConnectorStartup(ok bool) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.connStart.Record(boolValue(ok), m.now())
	m.mu.Unlock()
}

// TaskStartup records an attempt to start a task and its outcome.
func (m *Metrics) TaskStartup(ok bool) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.taskStart.Record(boolValue(ok), m.now())
	m.mu.Unlock()
}

// AddConnector starts the connector-metrics group of a connector running
// on this worker; kind is "sink" or "source".
func (m *Metrics) AddConnector(name, class, kind, version string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.connectors[name] = &connectorInfo{class: class, kind: kind, version: version, state: StateUnassigned}
	m.mu.Unlock()
}

// ConnectorState records a connector's new state; unknown connectors are
// ignored.
func (m *Metrics) ConnectorState(name string, s State) {
	if m == nil {
		return
	}
	m.mu.Lock()
	if c := m.connectors[name]; c != nil {
		c.state = s
	}
	m.mu.Unlock()
}

// RemoveConnector ends a connector's group.
func (m *Metrics) RemoveConnector(name string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	delete(m.connectors, name)
	m.mu.Unlock()
}

// AddTask starts (or starts again) the metric groups of a task running on
// this worker and returns them for its loop to record into. sink says
// which of sink-task-metrics and source-task-metrics it has.
func (m *Metrics) AddTask(connectorName string, task int, sink bool) *Task {
	if m == nil {
		return nil
	}
	t := newTask(m, sink)
	t.state.change(StateUnassigned, m.now())
	m.mu.Lock()
	m.tasks[TaskKey{connectorName, task}] = t
	m.mu.Unlock()
	return t
}

// TaskState records a task's new state; unknown tasks are ignored.
func (m *Metrics) TaskState(connectorName string, task int, s State) {
	if m == nil {
		return
	}
	m.mu.Lock()
	t := m.tasks[TaskKey{connectorName, task}]
	m.mu.Unlock()
	if t != nil {
		t.setState(s)
	}
}

// RemoveTask ends a task's groups, when given the groups AddTask returned
// for it (a task started again meanwhile keeps its new groups), or any
// groups when t is nil.
func (m *Metrics) RemoveTask(connectorName string, task int, t *Task) {
	if m == nil {
		return
	}
	k := TaskKey{connectorName, task}
	m.mu.Lock()
	if cur := m.tasks[k]; cur != nil && (t == nil || cur == t) {
		delete(m.tasks, k)
	}
	m.mu.Unlock()
}

// Rebalance turns on the connect-worker-rebalance-metrics group (the
// distributed herder's) and connect-coordinator-metrics, whose client_id
// is clientID (the group membership client's), and returns them.
func (m *Metrics) Rebalance(clientID string) *Rebalance {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.rebalance == nil {
		m.rebalance = &Rebalance{m: m, clientID: clientID, w: newWindow(m.cfg.Samples, m.cfg.Window), lastDone: -1}
	}
	return m.rebalance
}

// ClientStats are the network figures of one Kafka client (Java's
// connect-metrics group of the worker's group membership client). Rates
// are per second.
type ClientStats struct {
	ConnectionCount                                          float64
	IncomingByteRate, OutgoingByteRate                       float64
	RequestRate, ResponseRate                                float64
	IORatio                                                  float64
	SuccessfulAuthenticationRate                             float64
	SuccessfulAuthenticationTotal, FailedAuthenticationTotal float64
}

// AddClient registers a Kafka client whose figures stats reads at scrape
// time, under client id id.
func (m *Metrics) AddClient(id string, stats func() ClientStats) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.clients[id] = stats
	m.mu.Unlock()
}

// RemoveClient unregisters a client.
func (m *Metrics) RemoveClient(id string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	delete(m.clients, id)
	m.mu.Unlock()
}

// Rebalance records the group rebalances of a distributed worker.
type Rebalance struct {
	m        *Metrics
	clientID string
	// guarded by m.mu
	assignedConnectors, assignedTasks int
	protocol, leader                  string
	epoch                             int32
	completed                         int64
	rebalancing                       bool
	started                           int64
	lastDone                          int64 // -1 before the first
	w                                 Window
}

// Started records that a rebalance began (a no-op while one is under way).
func (r *Rebalance) Started() {
	if r == nil {
		return
	}
	r.m.mu.Lock()
	defer r.m.mu.Unlock()
	if !r.rebalancing {
		r.rebalancing, r.started = true, r.m.now()
	}
}

// Completed records that this worker joined the group with an assignment
// under which it owns connectors connectors and tasks tasks.
func (r *Rebalance) Completed(protocol, leader string, generation int32, connectors, tasks int) {
	if r == nil {
		return
	}
	r.m.mu.Lock()
	defer r.m.mu.Unlock()
	now := r.m.now()
	if r.rebalancing {
		r.w.Record(float64(now-r.started), now)
	}
	r.rebalancing = false
	r.completed++
	r.lastDone = now
	r.protocol, r.leader, r.epoch = protocol, leader, generation
	r.assignedConnectors, r.assignedTasks = connectors, tasks
}

// Task is the groups of one task: connector-task-metrics,
// task-error-metrics and sink-task-metrics or source-task-metrics. The
// task loop records into it; the methods are safe for concurrent use and
// no-ops on nil.
type Task struct {
	m    *Metrics
	sink bool

	mu         sync.Mutex
	state      stateTracker
	commitTime Window
	commits    Window // 1 success, 0 failure
	batchSize  Window

	// sink-task-metrics
	read, send, put        Window
	commitDone, commitSkip Window
	active                 Window
	activeNow              float64
	partitions, commitSeq  float64
	// source-task-metrics
	poll, write, pollTime Window

	errors func() ErrorStats
	extra  func() []connector.Metric
}

func newTask(m *Metrics, sink bool) *Task {
	w := func() Window { return newWindow(m.cfg.Samples, m.cfg.Window) }
	return &Task{
		m: m, sink: sink,
		commitTime: w(), commits: w(), batchSize: w(),
		read: w(), send: w(), put: w(), commitDone: w(), commitSkip: w(), active: w(),
		poll: w(), write: w(), pollTime: w(),
	}
}

func (t *Task) setState(s State) {
	t.mu.Lock()
	t.state.change(s, t.m.now())
	t.mu.Unlock()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// CommitDone records an offset commit attempt, its duration and outcome.
// A sink's successful commit also counts in offset-commit-completion.
func (t *Task) CommitDone(d time.Duration, ok bool) {
	if t == nil {
		return
	}
	t.mu.Lock()
	now := t.m.now()
	t.commitTime.Record(ms(d), now)
	t.commits.Record(boolValue(ok), now)
	if ok && t.sink {
		t.commitDone.Record(1, now)
	}
	t.mu.Unlock()
}

// CommitSkipped records a sink commit that had nothing to commit.
func (t *Task) CommitSkipped() {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.commitSkip.Record(1, t.m.now())
	t.mu.Unlock()
}

// CommitSeq records a sink task's offset commit sequence number.
func (t *Task) CommitSeq(n int) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.commitSeq = float64(n)
	t.mu.Unlock()
}

// SinkRead records records read from Kafka.
func (t *Task) SinkRead(n int) {
	if t == nil || n == 0 {
		return
	}
	t.mu.Lock()
	t.read.Record(float64(n), t.m.now())
	t.mu.Unlock()
}

// SinkPut records a Put: the records handed to the task (after
// transformations) and how long it took.
func (t *Task) SinkPut(n int, d time.Duration) {
	if t == nil {
		return
	}
	t.mu.Lock()
	now := t.m.now()
	t.put.Record(ms(d), now)
	t.batchSize.Record(float64(n), now)
	t.send.Record(float64(n), now)
	t.mu.Unlock()
}

// SinkActive records how many records were delivered but not yet
// committed (sink-record-active-count).
func (t *Task) SinkActive(n int64) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.activeNow = float64(n)
	t.active.Record(float64(n), t.m.now())
	t.mu.Unlock()
}

// Partitions records how many partitions a sink task is assigned.
func (t *Task) Partitions(n int) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.partitions = float64(n)
	t.mu.Unlock()
}

// SourcePoll records a poll: the records it returned and how long it took.
func (t *Task) SourcePoll(n int, d time.Duration) {
	if t == nil {
		return
	}
	t.mu.Lock()
	now := t.m.now()
	t.pollTime.Record(ms(d), now)
	t.batchSize.Record(float64(n), now)
	t.poll.Record(float64(n), now)
	t.mu.Unlock()
}

// SourceWritten records records the producer acknowledged and how many
// polled records still wait for an acknowledgement after them
// (source-record-active-count), as Java records both on each write.
func (t *Task) SourceWritten(n int, active int64) {
	if t == nil || n == 0 {
		return
	}
	t.mu.Lock()
	now := t.m.now()
	t.write.Record(float64(n), now)
	t.activeNow = float64(active)
	t.active.Record(float64(active), now)
	t.mu.Unlock()
}

// SourceActive records how many records were polled but not yet
// acknowledged (source-record-active-count).
func (t *Task) SourceActive(n int64) { t.SinkActive(n) }

// ErrorStats are a task's error counters (task-error-metrics).
type ErrorStats struct {
	RecordFailures, RecordErrors, RecordsSkipped, Retries, ErrorsLogged float64
	DLQProduceRequests, DLQProduceFailures                              float64
	// LastError is when the last error happened; zero for never.
	LastError time.Time
}

// SetErrorStats gives the group the function reading the task's error
// counters at scrape time.
func (t *Task) SetErrorStats(f func() ErrorStats) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.errors = f
	t.mu.Unlock()
}

// SetTaskMetrics gives the group the function reading the metrics a
// connector's task reports itself (connector.MetricsReporter).
func (t *Task) SetTaskMetrics(f func() []connector.Metric) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.extra = f
	t.mu.Unlock()
}

func slicesSortTaskKeys(keys []TaskKey) {
	slices.SortFunc(keys, func(a, b TaskKey) int {
		if c := cmp.Compare(a.Connector, b.Connector); c != 0 {
			return c
		}
		return cmp.Compare(a.Task, b.Task)
	})
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
