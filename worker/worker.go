// Package worker runs connector and task instances on this process. It
// builds each task's chain — converters, transformations, the task itself —
// from the plugin registry, starts the sink and source loops of worker/sink
// and worker/source, and reports every state change to the herder that owns
// it. The herders (worker/standalone, worker/distributed) decide what runs
// where; the Worker only runs what it is told.
//
// # Goroutines
//
// Every connector instance has one goroutine that calls its methods
// (Start, TaskConfigs, Stop) and applies target state changes in order;
// every task has one goroutine running its loop. The Worker owns them all:
// each has a stop path (StopConnector, StopTasks, Stop) and Stop waits for
// every one of them.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/connector/provider"
	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/worker/metrics"
	"github.com/kafka-connect-go/connect/worker/sink"
	"github.com/kafka-connect-go/connect/worker/source"
	"github.com/kafka-connect-go/connect/worker/tolerance"
)

// Events is how the Worker tells its herder what happened. Calls may come
// from any goroutine and must not block: the herder records the change (a
// status write) or queues it for its own loop.
type Events interface {
	// ConnectorStateChanged reports a connector's new state: RUNNING, PAUSED,
	// STOPPED, FAILED (cause set), UNASSIGNED (shut down) or DESTROYED.
	ConnectorStateChanged(connector string, state storage.State, cause error)
	// TaskStateChanged reports a task's new state, likewise.
	TaskStateChanged(id storage.TaskID, state storage.State, cause error)
	// TaskReconfigurationRequested relays a connector's request to have its
	// task configs generated again.
	TaskReconfigurationRequested(connector string)
	// TopicUsed reports the first record a task saw for a topic (active
	// topic tracking).
	TopicUsed(connector string, task int, topic string)
}

// The runtime contract the herders rely on, implemented by *Worker. Every method is safe to call
// from the herder's goroutine while tasks run on their own goroutines.
//
//	StartConnector(ctx, name, config, target) error
//	    Instantiates the connector class named by connector.class, starts it
//	    (on its own goroutine; the outcome arrives through Events) in the
//	    given target state. An error is returned only for problems known at
//	    once: unknown class, bad connector config, already running.
//	ConnectorTaskConfigs(ctx, name) ([]map[string]string, error)
//	    Asks the running connector for task configs (tasks.max from its
//	    config), adds task.class and, for sinks, topics/topics.regex.
//	StopConnector(ctx, name) error
//	    Stops the connector and waits (bounded by ctx).
//	StartTask(ctx, id, connectorConfig, taskConfig, target) error
//	    Starts a task with its converter/transform chain and its loop.
//	StopTasks(ctx, ids...) error
//	    Stops tasks gracefully (flush, commit) and waits, bounded by
//	    task.shutdown.graceful.timeout.ms and ctx.
//	SetTargetState(name, target)
//	    Pauses, resumes or stops the connector and its tasks on this worker.
//	Connectors() []string / Tasks() []storage.TaskID
//	    What runs here.
//	Stop(ctx) error
//	    Stops everything in order (tasks first, flushing and committing).

// Sentinel errors the herders branch on.
var (
	// ErrAlreadyRunning: the connector or task already runs on this worker.
	ErrAlreadyRunning = errors.New("already running on this worker")
	// ErrNotRunning: the connector or task does not run on this worker, or
	// the connector is not started (paused, stopped, failed).
	ErrNotRunning = errors.New("not running on this worker")
	// ErrStopped: the worker was stopped.
	ErrStopped = errors.New("worker stopped")
)

// Worker runs connectors and tasks. Create it with New.
type Worker struct {
	cfg Config
	log *slog.Logger

	mu         sync.Mutex
	connectors map[string]*connectorRunner
	tasks      map[storage.TaskID]*taskRunner
	stopped    bool
	wg         sync.WaitGroup
}

// New checks cfg and returns a Worker running nothing.
func New(cfg Config) (*Worker, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	return &Worker{
		cfg:        cfg,
		log:        cfg.Logger,
		connectors: map[string]*connectorRunner{},
		tasks:      map[storage.TaskID]*taskRunner{},
	}, nil
}

// Connectors lists the connectors running here, sorted.
func (w *Worker) Connectors() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Sorted(maps.Keys(w.connectors))
}

// Tasks lists the tasks running here, sorted.
func (w *Worker) Tasks() []storage.TaskID {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := slices.Collect(maps.Keys(w.tasks))
	slices.SortFunc(out, func(a, b storage.TaskID) int {
		if c := strings.Compare(a.Connector, b.Connector); c != 0 {
			return c
		}
		return a.Task - b.Task
	})
	return out
}

// traceError is the cause handed to Events with FAILED: its text is the
// status trace users read, with every cause in the chain (see
// tolerance.ChainText); errors.Is and As still see the original.
type traceError struct{ err error }

func (e traceError) Error() string { return tolerance.ChainText(e.err) }
func (e traceError) Unwrap() error { return e.err }

func traced(err error) error {
	if err == nil {
		return nil
	}
	return traceError{err: err}
}

// ---------------------------------------------------------------- connectors

type connState uint8

const (
	connInit connState = iota
	connStarted
	connPaused
	connStopped
	connFailed
)

func (s connState) String() string {
	return [...]string{"INIT", "STARTED", "PAUSED", "STOPPED", "FAILED"}[s]
}

// connectorRunner owns one connector instance and its goroutine. Requests
// reach the goroutine through a mailbox (mu + wake), so a connector may
// raise an error or ask for reconfiguration from inside its own calls.
type connectorRunner struct {
	w    *Worker
	name string
	cc   *connectorConfig
	conn connector.Connector
	log  *slog.Logger
	// raw is the config as stored, ${provider:...} references unresolved.
	raw map[string]string

	mu       sync.Mutex
	target   *storage.TargetState
	failure  error
	shutdown bool
	requests []taskConfigsRequest
	wake     chan struct{}
	done     chan struct{}

	state connState // goroutine only
}

type taskConfigsRequest struct {
	reply chan taskConfigsReply
}

type taskConfigsReply struct {
	configs []map[string]string
	err     error
}

func (r *connectorRunner) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// StartConnector instantiates and starts a connector in target state (see
// the contract above). The config is stored as given; config provider
// references are resolved here. A problem known at once is both returned
// and reported as FAILED.
func (w *Worker) StartConnector(ctx context.Context, name string, config map[string]string, target storage.TargetState) error {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return ErrStopped
	}
	if _, ok := w.connectors[name]; ok {
		w.mu.Unlock()
		return fmt.Errorf("connector %q: %w", name, ErrAlreadyRunning)
	}
	w.mu.Unlock()

	fail := func(err error) error {
		err = fmt.Errorf("connector %q: %w", name, err)
		w.cfg.Metrics.ConnectorStartup(false)
		w.cfg.Events.ConnectorStateChanged(name, storage.StateFailed, traced(err))
		return err
	}
	resolved, err := w.resolve(config)
	if err != nil {
		return fail(err)
	}
	cc, err := parseConnectorConfig(w.cfg.Registry, resolved)
	if err != nil {
		return fail(err)
	}
	var conn connector.Connector
	switch cc.plugin.Kind {
	case plugin.Sink:
		c, ok := cc.plugin.NewSinkConnector()
		if !ok {
			return fail(fmt.Errorf("%s is not a sink connector", cc.plugin.Class))
		}
		conn = c
	default:
		c, ok := cc.plugin.NewSourceConnector()
		if !ok {
			return fail(fmt.Errorf("%s is not a source connector", cc.plugin.Class))
		}
		conn = c
	}
	r := &connectorRunner{
		w: w, name: name, cc: cc, conn: conn, raw: config,
		log:  w.log.With("connector", name),
		wake: make(chan struct{}, 1), done: make(chan struct{}),
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return ErrStopped
	}
	if _, ok := w.connectors[name]; ok {
		return fmt.Errorf("connector %q: %w", name, ErrAlreadyRunning)
	}
	w.connectors[name] = r
	kind := "source"
	if cc.plugin.Kind == plugin.Sink {
		kind = "sink"
	}
	w.cfg.Metrics.AddConnector(name, cc.plugin.Class, kind, cc.plugin.Version)
	w.cfg.Metrics.ConnectorStartup(true)
	w.wg.Go(func() { r.run(target) })
	return nil
}

func (r *connectorRunner) run(initial storage.TargetState) {
	defer func() {
		r.w.mu.Lock()
		if r.w.connectors[r.name] == r {
			delete(r.w.connectors, r.name)
			r.w.cfg.Metrics.RemoveConnector(r.name)
		}
		r.w.mu.Unlock()
		close(r.done)
	}()
	r.log.Info("starting connector", "class", r.cc.plugin.Class, "target", string(initial))
	r.transition(initial)
	for range r.wake {
		r.mu.Lock()
		target, failure, shutdown, reqs := r.target, r.failure, r.shutdown, r.requests
		r.target, r.failure, r.requests = nil, nil, nil
		r.mu.Unlock()
		if failure != nil && r.state != connFailed {
			r.fail(failure)
		}
		if target != nil && !shutdown {
			r.transition(*target)
		}
		for _, req := range reqs {
			cfgs, err := r.taskConfigs()
			req.reply <- taskConfigsReply{configs: cfgs, err: err}
		}
		if shutdown {
			break
		}
	}
	if r.state == connStarted {
		if err := r.conn.Stop(); err != nil {
			r.fail(fmt.Errorf("stop: %w", err))
			return
		}
	}
	r.log.Info("connector stopped")
	r.w.cfg.Events.ConnectorStateChanged(r.name, storage.StateUnassigned, nil)
}

func (r *connectorRunner) fail(err error) {
	r.state = connFailed
	err = fmt.Errorf("connector %q: %w", r.name, err)
	r.log.Error("connector failed", "error", err)
	r.w.cfg.Events.ConnectorStateChanged(r.name, storage.StateFailed, traced(err))
}

// transition applies a target state as Java's WorkerConnector does: a
// paused or stopped connector instance is stopped; a failed one only moves
// to STOPPED.
func (r *connectorRunner) transition(target storage.TargetState) {
	ev := r.w.cfg.Events
	switch target {
	case storage.TargetStarted:
		if r.state == connFailed || r.state == connStarted {
			return
		}
		if err := r.conn.Start(connectorContext{r: r}, maps.Clone(r.cc.props)); err != nil {
			r.fail(fmt.Errorf("start: %w", err))
			return
		}
		r.state = connStarted
		ev.ConnectorStateChanged(r.name, storage.StateRunning, nil)
	case storage.TargetPaused, storage.TargetStopped:
		paused := target == storage.TargetPaused
		if paused && r.state == connFailed {
			return
		}
		if r.state == connStarted {
			if err := r.conn.Stop(); err != nil {
				if paused {
					r.fail(fmt.Errorf("stop: %w", err))
					return
				}
				r.log.Warn("connector failed to stop", "error", err)
			}
		}
		if paused {
			r.state = connPaused
			ev.ConnectorStateChanged(r.name, storage.StatePaused, nil)
		} else {
			r.state = connStopped
			ev.ConnectorStateChanged(r.name, storage.StateStopped, nil)
		}
	default:
		r.log.Error("unknown target state", "target", string(target))
	}
}

// taskConfigs asks the started connector for task configs and adds what
// the framework adds (task.class; topics and topics.regex for sinks).
func (r *connectorRunner) taskConfigs() ([]map[string]string, error) {
	if r.state != connStarted {
		return nil, fmt.Errorf("connector %q is %s: %w", r.name, r.state, ErrNotRunning)
	}
	cfgs, err := r.conn.TaskConfigs(r.cc.tasksMax)
	if err != nil {
		err = fmt.Errorf("task configs: %w", err)
		r.fail(err)
		return nil, fmt.Errorf("connector %q: %w", r.name, err)
	}
	if len(cfgs) > r.cc.tasksMax {
		if r.cc.tasksMaxEnforce {
			err := fmt.Errorf("the connector %s has generated %d tasks, which is greater than %d, the maximum number of tasks it is configured to create; "+
				"this is a bug in the connector and is refused (it can be allowed by setting %s=false, which will be removed in a future release)",
				r.name, len(cfgs), r.cc.tasksMax, TasksMaxEnforceConfig)
			r.fail(err)
			return nil, fmt.Errorf("connector %q: %w", r.name, err)
		}
		r.log.Warn("connector generated more tasks than tasks.max; this is a bug in the connector",
			"tasks", len(cfgs), TasksMaxConfig, r.cc.tasksMax)
	}
	out := make([]map[string]string, len(cfgs))
	for i, c := range cfgs {
		m := maps.Clone(c)
		if m == nil {
			m = map[string]string{}
		}
		// Values the connector copied from a ${provider:...} reference go
		// back to the reference, so resolved secrets are never stored.
		m = provider.ReverseTransform(r.raw, m)
		m[TaskClassConfig] = r.conn.TaskClass()
		if v, ok := r.raw[TopicsConfig]; ok {
			m[TopicsConfig] = v
		}
		if v, ok := r.raw[TopicsRegexConfig]; ok {
			m[TopicsRegexConfig] = v
		}
		out[i] = m
	}
	return out, nil
}

// connectorContext is a connector's handle on the runtime.
type connectorContext struct{ r *connectorRunner }

func (c connectorContext) RequestTaskReconfiguration() {
	c.r.w.cfg.Events.TaskReconfigurationRequested(c.r.name)
}

func (c connectorContext) RaiseError(err error) {
	c.r.mu.Lock()
	c.r.failure = err
	c.r.mu.Unlock()
	c.r.poke()
}

func (c connectorContext) Logger() *slog.Logger { return c.r.log }

func (c connectorContext) OffsetReader() connector.OffsetReader {
	return source.NewOffsetReader(c.r.w.cfg.Offsets, c.r.name)
}

// ConnectorTaskConfigs asks a running connector for its task configs.
func (w *Worker) ConnectorTaskConfigs(ctx context.Context, name string) ([]map[string]string, error) {
	r := w.connector(name)
	if r == nil {
		return nil, fmt.Errorf("connector %q: %w", name, ErrNotRunning)
	}
	req := taskConfigsRequest{reply: make(chan taskConfigsReply, 1)}
	r.mu.Lock()
	r.requests = append(r.requests, req)
	r.mu.Unlock()
	r.poke()
	select {
	case rep := <-req.reply:
		return rep.configs, rep.err
	case <-r.done:
		return nil, fmt.Errorf("connector %q: %w", name, ErrNotRunning)
	case <-ctx.Done():
		return nil, fmt.Errorf("connector %q task configs: %w", name, ctx.Err())
	}
}

func (w *Worker) connector(name string) *connectorRunner {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.connectors[name]
}

// StopConnector stops a connector and waits for it, bounded by ctx.
func (w *Worker) StopConnector(ctx context.Context, name string) error {
	r := w.connector(name)
	if r == nil {
		return fmt.Errorf("connector %q: %w", name, ErrNotRunning)
	}
	r.mu.Lock()
	r.shutdown = true
	r.mu.Unlock()
	r.poke()
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("connector %q did not stop: %w", name, ctx.Err())
	}
}

// SetTargetState pauses, resumes or stops a connector and its tasks here.
// Tasks of a STOPPED connector are paused until the herder stops them.
func (w *Worker) SetTargetState(name string, target storage.TargetState) {
	if r := w.connector(name); r != nil {
		t := target
		r.mu.Lock()
		r.target = &t
		r.mu.Unlock()
		r.poke()
	}
	w.mu.Lock()
	var runners []*taskRunner
	for id, t := range w.tasks {
		if id.Connector == name {
			runners = append(runners, t)
		}
	}
	w.mu.Unlock()
	for _, t := range runners {
		t.loop.SetPaused(target != storage.TargetStarted)
	}
}

// --------------------------------------------------------------------- tasks

// taskLoop is what sink.Task and source.Task have in common.
type taskLoop interface {
	Run(ctx context.Context) error
	Stop()
	SetPaused(paused bool)
}

type taskRunner struct {
	id     storage.TaskID
	loop   taskLoop
	cancel context.CancelFunc // the hard stop
	done   chan struct{}
}

// taskListener relays a loop's state changes.
type taskListener struct {
	ev Events
	id storage.TaskID
}

func (l taskListener) Running() { l.ev.TaskStateChanged(l.id, storage.StateRunning, nil) }
func (l taskListener) Paused()  { l.ev.TaskStateChanged(l.id, storage.StatePaused, nil) }

// StartTask starts a task of a connector with its converters,
// transformations and loop. connectorConfig and taskConfig may hold config
// provider references; both are resolved. A problem known at once is both
// returned and reported as FAILED.
func (w *Worker) StartTask(ctx context.Context, id storage.TaskID, connectorConfig, taskConfig map[string]string, target storage.TargetState) error {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return ErrStopped
	}
	if _, ok := w.tasks[id]; ok {
		w.mu.Unlock()
		return fmt.Errorf("task %s: %w", id, ErrAlreadyRunning)
	}
	w.mu.Unlock()

	fail := func(err error) error {
		err = fmt.Errorf("connector %q task %d: %w", id.Connector, id.Task, err)
		w.cfg.Metrics.TaskStartup(false)
		w.log.Error("task failed to start", "connector", id.Connector, "task", id.Task, "error", err)
		w.cfg.Events.TaskStateChanged(id, storage.StateFailed, traced(err))
		return err
	}
	connProps, err := w.resolve(connectorConfig)
	if err != nil {
		return fail(err)
	}
	taskProps, err := w.resolve(taskConfig)
	if err != nil {
		return fail(err)
	}
	cc, err := parseConnectorConfig(w.cfg.Registry, connProps)
	if err != nil {
		return fail(err)
	}
	if cc.tasksMaxEnforce && id.Task >= cc.tasksMax {
		return fail(fmt.Errorf("task number %d is not below %s=%d (set %s=false to allow it)", id.Task, TasksMaxConfig, cc.tasksMax, TasksMaxEnforceConfig))
	}
	tm := w.cfg.Metrics.AddTask(id.Connector, id.Task, cc.plugin.Kind == plugin.Sink)
	loop, cleanup, err := w.buildTask(id, cc, taskProps, target, tm)
	if err != nil {
		w.cfg.Metrics.RemoveTask(id.Connector, id.Task, tm)
		return fail(err)
	}
	tctx, cancel := context.WithCancel(context.Background())
	r := &taskRunner{id: id, loop: loop, cancel: cancel, done: make(chan struct{})}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped || w.tasks[id] != nil {
		cancel()
		cleanup()
		w.cfg.Metrics.RemoveTask(id.Connector, id.Task, tm)
		if w.stopped {
			return ErrStopped
		}
		return fmt.Errorf("task %s: %w", id, ErrAlreadyRunning)
	}
	w.tasks[id] = r
	w.cfg.Metrics.TaskStartup(true)
	w.wg.Go(func() {
		defer close(r.done)
		defer cancel()
		log := w.log.With("connector", id.Connector, "task", id.Task)
		log.Info("starting task", "class", cc.plugin.Class)
		err := loop.Run(tctx)
		cleanup()
		w.mu.Lock()
		if w.tasks[id] == r {
			delete(w.tasks, id)
		}
		w.mu.Unlock()
		if err != nil {
			log.Error("task failed", "error", err)
			w.cfg.Events.TaskStateChanged(id, storage.StateFailed, traced(err))
			return
		}
		log.Info("task stopped")
		w.cfg.Events.TaskStateChanged(id, storage.StateUnassigned, nil)
		// A failed task keeps its metrics until the herder stops it, as
		// in Java; a stopped one is gone.
		w.cfg.Metrics.RemoveTask(id.Connector, id.Task, tm)
	})
	return nil
}

// buildTask makes a task's loop and returns it with a cleanup releasing
// converters and transformations once the loop ended.
func (w *Worker) buildTask(id storage.TaskID, cc *connectorConfig, taskProps map[string]string, target storage.TargetState, tm *metrics.Task) (taskLoop, func(), error) {
	log := w.log.With("connector", id.Connector, "task", id.Task)
	conv, err := w.buildConverters(cc)
	if err != nil {
		return nil, nil, err
	}
	dlq, err := w.deadLetterQueue(id, cc, log)
	if err != nil {
		_ = conv.close()
		return nil, nil, err
	}
	op := tolerance.New(tolerance.Config{
		Connector: id.Connector, Task: id.Task,
		RetryTimeout: cc.retryTimeout, MaxRetryDelay: cc.retryMaxDelay,
		TolerateAll: cc.tolerateAll, LogErrors: cc.logErrors, LogMessages: cc.logMessages,
		Logger: log, DeadLetterQueue: dlq,
	})
	ch, err := w.buildChain(cc, op)
	if err != nil {
		_ = conv.close()
		return nil, nil, err
	}
	cleanup := func() {
		if err := ch.close(); err != nil {
			log.Warn("closing transformations", "error", err)
		}
		if err := conv.close(); err != nil {
			log.Warn("closing converters", "error", err)
		}
		// The dead letter queue is flushed before the task's end is
		// reported, so a task FAILED under errors.tolerance=none has its
		// failing record in the queue by then.
		ctx, cancel := context.WithTimeout(context.Background(), w.cfg.TaskShutdownTimeout)
		defer cancel()
		if err := op.Close(ctx); err != nil {
			log.Warn("closing the dead letter queue", "error", err)
		}
	}
	fail := func(err error) (taskLoop, func(), error) {
		cleanup()
		return nil, nil, err
	}
	var topicUsed func(string)
	if w.cfg.TopicTracking {
		topicUsed = func(topic string) { w.cfg.Events.TopicUsed(id.Connector, id.Task, topic) }
	}
	paused := target != storage.TargetStarted
	listener := taskListener{ev: w.cfg.Events, id: id}

	switch cc.plugin.Kind {
	case plugin.Sink:
		sc, ok := cc.plugin.NewSinkConnector()
		if !ok {
			return fail(fmt.Errorf("%s is not a sink connector", cc.plugin.Class))
		}
		task := sc.NewTask()
		w.checkTaskClass(log, taskProps, sc.TaskClass())
		taskMetrics(tm, op, task)
		cs, err := w.consumerSettings(id.Connector, id.Task, cc.props)
		if err != nil {
			return fail(err)
		}
		var tr sink.Transformer
		if len(ch.stages) > 0 {
			tr = ch
		}
		raw := false
		if rj, ok := task.(connector.RawJSONSink); ok && rj.AcceptsRawJSON() && len(ch.stages) == 0 && conv.schemalessJSON() {
			raw = true
			log.Info("delivering record values as raw JSON")
		}
		loop, err := sink.New(sink.Config{
			Connector: id.Connector, TaskID: id.Task, Task: task, TaskConfig: taskProps,
			Brokers: cs.brokers, Client: cs.sarama, GroupID: cs.groupID,
			Topics: cc.topics, TopicsRegex: cc.topicsRegex,
			KeyConverter: conv.key, ValueConverter: conv.value, HeaderConverter: conv.header,
			KeyConverterClass: conv.keyClass, ValueConverterClass: conv.valueClass, HeaderConverterClass: conv.headerClass,
			Transforms: tr, RawJSONValues: raw, Tolerance: op,
			ErrantRecordReporting: cc.logErrors || cc.dlqTopic != "",
			CommitInterval:        w.cfg.OffsetFlushInterval, CommitTimeout: w.cfg.OffsetFlushTimeout,
			MaxPollRecords: cs.maxPollRecords,
			StartPaused:    paused, Listener: listener, TopicUsed: topicUsed, Logger: log, Metrics: tm,
		})
		if err != nil {
			return fail(err)
		}
		return loop, cleanup, nil
	default:
		sc, ok := cc.plugin.NewSourceConnector()
		if !ok {
			return fail(fmt.Errorf("%s is not a source connector", cc.plugin.Class))
		}
		if w.cfg.Offsets == nil {
			return fail(errors.New("the worker has no offset store for source tasks"))
		}
		task := sc.NewTask()
		w.checkTaskClass(log, taskProps, sc.TaskClass())
		taskMetrics(tm, op, task)
		if _, set := cc.props[TopicCreationPrefix+"default.partitions"]; set {
			// KIP-158 is not implemented here: say so rather than let the
			// broker's defaults pass for the connector's settings.
			log.Warn("topic.creation.* settings are not applied by this worker: topics the task writes to are created " +
				"by the broker's auto-creation (auto.create.topics.enable) with its defaults, or must exist")
		}
		ps, err := w.producerSettings(id.Connector, id.Task, cc.props)
		if err != nil {
			return fail(err)
		}
		var tr source.Transformer
		if len(ch.stages) > 0 {
			tr = ch
		}
		loop, err := source.New(source.Config{
			Connector: id.Connector, TaskID: id.Task, Task: task, TaskConfig: taskProps,
			Brokers: ps.brokers, Client: ps.sarama,
			KeyConverter: conv.key, ValueConverter: conv.value, HeaderConverter: conv.header,
			KeyConverterClass: conv.keyClass, ValueConverterClass: conv.valueClass, HeaderConverterClass: conv.headerClass,
			Transforms: tr, Tolerance: op, Offsets: w.cfg.Offsets,
			CommitInterval: w.cfg.OffsetFlushInterval, CommitTimeout: w.cfg.OffsetFlushTimeout,
			StartPaused: paused, Listener: listener, TopicUsed: topicUsed, Logger: log, Metrics: tm,
		})
		if err != nil {
			return fail(err)
		}
		return loop, cleanup, nil
	}
}

// deadLetterQueue returns the dead letter queue of a sink task whose
// connector sets errors.deadletterqueue.topic.name, or nil. Its clients are
// Java's: the producer of a source task under the client id
// connector-dlq-producer-<connector>-<task>, and an admin client for
// creating the topic; producer.override. and admin.override. apply.
func (w *Worker) deadLetterQueue(id storage.TaskID, cc *connectorConfig, log *slog.Logger) (*tolerance.DeadLetterQueue, error) {
	if cc.plugin.Kind != plugin.Sink || cc.dlqTopic == "" {
		return nil, nil
	}
	ps, err := w.dlqProducerSettings(id.Connector, id.Task, cc.props)
	if err != nil {
		return nil, fmt.Errorf("dead letter queue producer: %w", err)
	}
	as, err := w.dlqAdminSettings(cc.props)
	if err != nil {
		return nil, fmt.Errorf("dead letter queue admin client: %w", err)
	}
	return tolerance.NewDeadLetterQueue(tolerance.DeadLetterQueueConfig{
		Topic: cc.dlqTopic, ReplicationFactor: cc.dlqReplication, ContextHeaders: cc.dlqContextHeaders,
		Connector: id.Connector, Task: id.Task,
		Brokers: ps.brokers, Producer: ps.sarama, AdminBrokers: as.brokers, Admin: as.sarama, Logger: log,
	}), nil
}

// checkTaskClass warns when a task config names another task class than
// the connector's (a config written for another version of the plugin).
func (w *Worker) checkTaskClass(log *slog.Logger, taskProps map[string]string, class string) {
	if tc, ok := taskProps[TaskClassConfig]; ok && tc != class {
		log.Warn("task config names another task class than the connector's; running the connector's", TaskClassConfig, tc, "class", class)
	}
}

// StopTasks stops tasks gracefully — each stops consuming or polling,
// flushes, commits and closes — within task.shutdown.graceful.timeout.ms
// for all of them together; tasks still running then are stopped hard.
// It waits for them, bounded by ctx. Unknown ids are ignored.
func (w *Worker) StopTasks(ctx context.Context, ids ...storage.TaskID) error {
	w.mu.Lock()
	var runners []*taskRunner
	for _, id := range ids {
		if r, ok := w.tasks[id]; ok {
			runners = append(runners, r)
		} else {
			// A failed task's metrics stay until it is stopped.
			w.cfg.Metrics.RemoveTask(id.Connector, id.Task, nil)
		}
	}
	w.mu.Unlock()
	for _, r := range runners {
		r.loop.Stop()
	}
	graceful := time.NewTimer(w.cfg.TaskShutdownTimeout)
	defer graceful.Stop()
	hard := false
	for _, r := range runners {
		if !hard {
			select {
			case <-r.done:
				continue
			case <-graceful.C:
			case <-ctx.Done():
			}
			hard = true
			w.log.Warn("tasks did not stop within task.shutdown.graceful.timeout.ms; stopping them hard",
				"timeout", w.cfg.TaskShutdownTimeout)
			for _, rr := range runners {
				rr.cancel()
			}
		}
		select {
		case <-r.done:
		case <-ctx.Done():
			var still []string
			for _, rr := range runners {
				select {
				case <-rr.done:
				default:
					still = append(still, rr.id.String())
				}
			}
			return fmt.Errorf("tasks %s did not stop: %w", strings.Join(still, ", "), ctx.Err())
		}
	}
	return nil
}

// Stop stops every task (gracefully, as StopTasks), then every connector,
// and waits for all goroutines, bounded by ctx. Afterwards nothing can be
// started.
func (w *Worker) Stop(ctx context.Context) error {
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
	// Tasks first: they flush and commit while their connectors still run.
	errs := []error{w.StopTasks(ctx, w.Tasks()...)}
	for _, name := range w.Connectors() {
		if err := w.StopConnector(ctx, name); err != nil && !errors.Is(err, ErrNotRunning) {
			errs = append(errs, err)
		}
	}
	done := make(chan struct{})
	go func() {
		w.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("worker goroutines still running: %w", ctx.Err()))
	}
	return errors.Join(errs...)
}
