// Package standalone is the herder of connect-standalone: one worker that
// runs every connector given on the command line or created over REST,
// with configs and statuses in memory and source offsets in a local file.
//
// One goroutine owns the herder's decisions (start, stop, reconfigure):
// REST calls and worker events become requests on its queue, so no request
// ever races another. Reads that need no decision (status, configs) go to
// the stores directly.
package standalone

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"sync"

	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/worker"
	"github.com/kafka-connect-go/connect/worker/herder"
)

// Runtime is what the herder needs of the Worker (*worker.Worker).
type Runtime interface {
	StartConnector(ctx context.Context, name string, config map[string]string, target storage.TargetState) error
	ConnectorTaskConfigs(ctx context.Context, name string) ([]map[string]string, error)
	StopConnector(ctx context.Context, name string) error
	StartTask(ctx context.Context, id storage.TaskID, connectorConfig, taskConfig map[string]string, target storage.TargetState) error
	StopTasks(ctx context.Context, ids ...storage.TaskID) error
	SetTargetState(name string, target storage.TargetState)
	ValidateConnectorConfig(props map[string]string) (*worker.ConfigValidation, error)
	Stop(ctx context.Context) error
}

// OffsetAdmin reads and changes connector offsets: source offsets in the
// offset store, sink offsets in the connector's consumer group.
type OffsetAdmin interface {
	ConnectorOffsets(ctx context.Context, name string, config map[string]string, sink bool) ([]worker.PartitionOffset, error)
	AlterConnectorOffsets(ctx context.Context, name string, config map[string]string, sink bool, offsets []worker.PartitionOffset) error
	ResetConnectorOffsets(ctx context.Context, name string, config map[string]string, sink bool) error
}

// Config holds the herder's dependencies.
type Config struct {
	// WorkerID is host:port of this worker's REST listener.
	WorkerID string
	// Version, Commit and ClusterID answer GET /.
	Version, Commit, ClusterID string
	Registry                   *plugin.Registry
	Configs                    storage.ConfigStore
	Statuses                   storage.StatusStore
	// SetLoggerLevel applies a logger level (cluster scope is this worker).
	SetLoggerLevel func(namespace, level string) []string
	// TopicTracking is topic.tracking.enable.
	TopicTracking bool
	Logger        *slog.Logger
}

// Herder runs connectors on one worker. Create it with New, hand it to the
// Worker as its Events, then call Start with the Worker.
type Herder struct {
	cfg Config
	log *slog.Logger
	rt  Runtime

	offsets OffsetAdmin

	queue   chan func()
	mu      sync.Mutex // guards pending and closed
	pending []func()   // worker events waiting for the loop
	wake    chan struct{}
	closed  bool

	stop    chan struct{}
	stopped chan struct{}
	ready   chan struct{}
}

// New returns a herder that is not yet running.
func New(cfg Config) *Herder {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Herder{
		cfg:     cfg,
		log:     log,
		queue:   make(chan func()),
		wake:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
		ready:   make(chan struct{}),
	}
}

var errStopped = errors.New("herder stopped")

// SetOffsets sets where /offsets reads and writes (usually the Worker);
// call it before Start. Without it /offsets answers 500.
func (h *Herder) SetOffsets(o OffsetAdmin) { h.offsets = o }

// Start runs the herder's loop on rt until Stop.
func (h *Herder) Start(rt Runtime) {
	h.rt = rt
	go h.loop()
	close(h.ready)
}

func (h *Herder) loop() {
	defer close(h.stopped)
	for {
		h.mu.Lock()
		events := h.pending
		h.pending = nil
		h.mu.Unlock()
		for _, ev := range events {
			ev()
		}
		select {
		case f := <-h.queue:
			f()
		case <-h.wake:
		case <-h.stop:
			return
		}
	}
}

// Stop stops every connector and task (flushing and committing) and then
// the loop; ctx bounds the wait.
func (h *Herder) Stop(ctx context.Context) error {
	err := h.do(ctx, func() error {
		h.mu.Lock()
		h.closed = true
		h.mu.Unlock()
		return h.rt.Stop(ctx)
	})
	close(h.stop)
	select {
	case <-h.stopped:
	case <-ctx.Done():
		return errors.Join(err, ctx.Err())
	}
	return err
}

// do runs f on the loop and waits for it.
func (h *Herder) do(ctx context.Context, f func() error) error {
	done := make(chan error, 1)
	select {
	case h.queue <- func() { done <- f() }:
	case <-h.stop:
		return errStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// enqueue schedules f on the loop without blocking (worker events).
func (h *Herder) enqueue(f func()) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.pending = append(h.pending, f)
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// ------------------------------------------------------------ worker.Events

func (h *Herder) status(state storage.State, cause error) storage.Status {
	s := storage.Status{State: state, WorkerID: h.cfg.WorkerID}
	if cause != nil {
		s.Trace = worker.Trace(cause)
	}
	return s
}

// ConnectorStateChanged implements worker.Events.
func (h *Herder) ConnectorStateChanged(name string, state storage.State, cause error) {
	ctx := context.Background()
	if err := h.cfg.Statuses.PutConnector(ctx, name, h.status(state, cause)); err != nil {
		h.log.Warn("cannot record connector status", "connector", name, "state", state, "error", err)
	}
	if state == storage.StateRunning || state == storage.StatePaused {
		h.enqueue(func() { h.updateTasks(name) })
	}
}

// TaskStateChanged implements worker.Events.
func (h *Herder) TaskStateChanged(id storage.TaskID, state storage.State, cause error) {
	if err := h.cfg.Statuses.PutTask(context.Background(), id, h.status(state, cause)); err != nil {
		h.log.Warn("cannot record task status", "task", id.String(), "state", state, "error", err)
	}
}

// TaskReconfigurationRequested implements worker.Events.
func (h *Herder) TaskReconfigurationRequested(name string) {
	h.enqueue(func() { h.updateTasks(name) })
}

// TopicUsed implements worker.Events.
func (h *Herder) TopicUsed(name string, task int, topic string) {
	if !h.cfg.TopicTracking {
		return
	}
	t := storage.TopicStatus{Topic: topic, Connector: name, Task: task}
	if err := h.cfg.Statuses.PutTopic(context.Background(), t); err != nil {
		h.log.Warn("cannot record active topic", "connector", name, "topic", topic, "error", err)
	}
}

// ------------------------------------------------------------- decisions
// Everything below runs on the loop goroutine.

func (h *Herder) snapshot() storage.ConfigSnapshot { return h.cfg.Configs.Snapshot() }

func (h *Herder) target(snap *storage.ConfigSnapshot, name string) storage.TargetState {
	if t, ok := snap.TargetStates[name]; ok {
		return t
	}
	return storage.TargetStarted
}

// updateTasks regenerates a running connector's task configs and, if they
// changed, replaces its tasks (Java's updateConnectorTasks).
func (h *Herder) updateTasks(name string) {
	ctx := context.Background()
	snap := h.snapshot()
	if _, ok := snap.Connectors[name]; !ok || h.target(&snap, name) == storage.TargetStopped {
		return
	}
	configs, err := h.rt.ConnectorTaskConfigs(ctx, name)
	if err != nil {
		if !errors.Is(err, worker.ErrNotRunning) {
			h.log.Error("cannot generate task configs", "connector", name, "error", err)
		}
		return
	}
	old := make([]map[string]string, 0, snap.TaskCounts[name])
	for _, id := range snap.Tasks(name) {
		old = append(old, snap.TaskConfigs[id])
	}
	if reflect.DeepEqual(old, configs) && len(old) == snap.TaskCounts[name] && !snap.Inconsistent[name] {
		if len(h.runningTasks(name)) == len(old) {
			return
		}
	}
	h.stopTasks(ctx, name)
	if err := h.cfg.Configs.PutTaskConfigs(ctx, name, configs); err != nil {
		h.log.Error("cannot store task configs", "connector", name, "error", err)
		return
	}
	h.startTasks(ctx, name)
}

// runningTasks lists the connector's task ids that have a status written by
// this worker (started and not destroyed).
func (h *Herder) runningTasks(name string) []int {
	var out []int
	for id := range h.cfg.Statuses.Tasks(name) {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func (h *Herder) startTasks(ctx context.Context, name string) {
	snap := h.snapshot()
	connCfg := snap.Connectors[name]
	target := h.target(&snap, name)
	for _, id := range snap.Tasks(name) {
		if err := h.rt.StartTask(ctx, id, connCfg, snap.TaskConfigs[id], target); err != nil {
			h.log.Error("cannot start task", "task", id.String(), "error", err)
			h.TaskStateChanged(id, storage.StateFailed, err)
		}
	}
}

// stopTasks stops every task of the connector and forgets their statuses.
func (h *Herder) stopTasks(ctx context.Context, name string) {
	snap := h.snapshot()
	ids := snap.Tasks(name)
	for id := range h.cfg.Statuses.Tasks(name) {
		tid := storage.TaskID{Connector: name, Task: id}
		if !slices.Contains(ids, tid) {
			ids = append(ids, tid)
		}
	}
	if len(ids) == 0 {
		return
	}
	if err := h.rt.StopTasks(ctx, ids...); err != nil {
		h.log.Warn("tasks did not stop cleanly", "connector", name, "error", err)
	}
	for _, id := range ids {
		h.cfg.Statuses.PutTask(ctx, id, h.status(storage.StateDestroyed, nil))
	}
}

// stopConnector stops a connector's tasks and instance.
func (h *Herder) stopConnector(ctx context.Context, name string) {
	h.stopTasks(ctx, name)
	if err := h.rt.StopConnector(ctx, name); err != nil && !errors.Is(err, worker.ErrNotRunning) {
		h.log.Warn("connector did not stop cleanly", "connector", name, "error", err)
	}
}

func (h *Herder) startConnector(ctx context.Context, name string) error {
	snap := h.snapshot()
	if err := h.rt.StartConnector(ctx, name, snap.Connectors[name], h.target(&snap, name)); err != nil {
		h.ConnectorStateChanged(name, storage.StateFailed, err)
		return err
	}
	return nil
}

// validate checks a config and returns the REST answer.
func (h *Herder) validate(props map[string]string) (herder.ConfigInfos, error) {
	v, err := h.rt.ValidateConnectorConfig(props)
	if err != nil {
		return herder.ConfigInfos{}, worker.CreateValidationError(props, err)
	}
	return v.Infos(), nil
}

func (h *Herder) putConnector(ctx context.Context, name string, cfg map[string]string, target herder.TargetState, allowReplace bool) (bool, herder.ConnectorInfo, error) {
	infos, err := h.validate(cfg)
	if err != nil {
		return false, herder.ConnectorInfo{}, err
	}
	if infos.ErrorCount > 0 {
		return false, herder.ConnectorInfo{}, herder.InvalidConfigError(infos)
	}
	snap := h.snapshot()
	_, exists := snap.Connectors[name]
	if exists && !allowReplace {
		return false, herder.ConnectorInfo{}, herder.AlreadyExistsf("Connector %s already exists", name)
	}
	if exists {
		h.stopConnector(ctx, name)
	}
	var ts *storage.TargetState
	if target != "" {
		t := storage.TargetState(target)
		ts = &t
	}
	if err := h.cfg.Configs.PutConnectorConfig(ctx, name, cfg, ts); err != nil {
		return false, herder.ConnectorInfo{}, fmt.Errorf("store connector %q config: %w", name, err)
	}
	if h.target(ptr(h.snapshot()), name) == storage.TargetStopped {
		// A connector created STOPPED has no instance and no tasks.
		h.cfg.Configs.PutTaskConfigs(ctx, name, nil)
		h.ConnectorStateChanged(name, storage.StateStopped, nil)
	} else if err := h.startConnector(ctx, name); err != nil {
		h.log.Error("connector failed to start", "connector", name, "error", err)
	}
	info, err := herder.InfoOf(h.cfg.Registry, ptr(h.snapshot()), name)
	return !exists, info, err
}

func ptr[T any](v T) *T { return &v }

// --------------------------------------------------------------- rest.Herder

// Ready reports whether Start was called.
func (h *Herder) Ready() bool {
	select {
	case <-h.ready:
		return true
	default:
		return false
	}
}

// HealthCheck implements rest.Herder: the loop answers a no-op.
func (h *Herder) HealthCheck(ctx context.Context) error {
	return h.do(ctx, func() error { return nil })
}

// ServerInfo implements rest.Herder.
func (h *Herder) ServerInfo(context.Context) (herder.ServerInfo, error) {
	return herder.ServerInfo{Version: h.cfg.Version, Commit: h.cfg.Commit, KafkaClusterID: h.cfg.ClusterID}, nil
}

// Connectors implements rest.Herder.
func (h *Herder) Connectors(context.Context) ([]string, error) {
	snap := h.snapshot()
	return slices.Sorted(maps.Keys(snap.Connectors)), nil
}

// ConnectorInfo implements rest.Herder.
func (h *Herder) ConnectorInfo(_ context.Context, name string) (herder.ConnectorInfo, error) {
	return herder.InfoOf(h.cfg.Registry, ptr(h.snapshot()), name)
}

// ConnectorConfig implements rest.Herder.
func (h *Herder) ConnectorConfig(ctx context.Context, name string) (map[string]string, error) {
	info, err := h.ConnectorInfo(ctx, name)
	return info.Config, err
}

// ConnectorStatus implements rest.Herder.
func (h *Herder) ConnectorStatus(_ context.Context, name string) (herder.ConnectorStateInfo, error) {
	snap := h.snapshot()
	return herder.StatusOf(h.cfg.Statuses, name, herder.TypeOf(h.cfg.Registry, snap.Connectors[name]))
}

// TaskStatus implements rest.Herder.
func (h *Herder) TaskStatus(_ context.Context, id herder.TaskID) (herder.TaskStateInfo, error) {
	return herder.TaskStatusOf(h.cfg.Statuses, id)
}

// TaskConfigs implements rest.Herder.
func (h *Herder) TaskConfigs(_ context.Context, name string) ([]herder.TaskInfo, error) {
	return herder.TaskInfosOf(ptr(h.snapshot()), name)
}

// ConnectorActiveTopics implements rest.Herder.
func (h *Herder) ConnectorActiveTopics(_ context.Context, name string) ([]string, error) {
	var out []string
	for _, t := range h.cfg.Statuses.Topics(name) {
		out = append(out, t.Topic)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// ResetConnectorActiveTopics implements rest.Herder.
func (h *Herder) ResetConnectorActiveTopics(ctx context.Context, name string) error {
	for _, t := range h.cfg.Statuses.Topics(name) {
		if err := h.cfg.Statuses.DeleteTopic(ctx, name, t.Topic); err != nil {
			return err
		}
	}
	return nil
}

// PutConnectorConfig implements rest.Herder.
func (h *Herder) PutConnectorConfig(ctx context.Context, name string, cfg map[string]string, target herder.TargetState, allowReplace bool) (created bool, info herder.ConnectorInfo, err error) {
	err = h.do(ctx, func() error {
		var e error
		created, info, e = h.putConnector(ctx, name, cfg, target, allowReplace)
		return e
	})
	return created, info, err
}

// PatchConnectorConfig implements rest.Herder.
func (h *Herder) PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (info herder.ConnectorInfo, err error) {
	err = h.do(ctx, func() error {
		old, ok := h.snapshot().Connectors[name]
		if !ok {
			return herder.NotFoundf("Connector %s not found", name)
		}
		cfg := maps.Clone(old)
		for k, v := range patch {
			if v == nil {
				delete(cfg, k)
			} else {
				cfg[k] = *v
			}
		}
		var e error
		_, info, e = h.putConnector(ctx, name, cfg, "", true)
		return e
	})
	return info, err
}

// DeleteConnector implements rest.Herder.
func (h *Herder) DeleteConnector(ctx context.Context, name string) error {
	return h.do(ctx, func() error {
		if _, ok := h.snapshot().Connectors[name]; !ok {
			return herder.NotFoundf("Connector %s not found", name)
		}
		h.stopConnector(ctx, name)
		if err := h.cfg.Configs.RemoveConnectorConfig(ctx, name); err != nil {
			return fmt.Errorf("remove connector %q: %w", name, err)
		}
		h.cfg.Statuses.PutConnector(ctx, name, h.status(storage.StateDestroyed, nil))
		return nil
	})
}

// RestartConnector implements rest.Herder: the connector instance only.
func (h *Herder) RestartConnector(ctx context.Context, name string) error {
	return h.do(ctx, func() error {
		if _, ok := h.snapshot().Connectors[name]; !ok {
			return herder.NotFoundf("Unknown connector: %s", name)
		}
		return h.restartConnector(ctx, name)
	})
}

func (h *Herder) restartConnector(ctx context.Context, name string) error {
	if err := h.rt.StopConnector(ctx, name); err != nil && !errors.Is(err, worker.ErrNotRunning) {
		return fmt.Errorf("stop connector %q: %w", name, err)
	}
	if h.target(ptr(h.snapshot()), name) == storage.TargetStopped {
		return nil
	}
	return h.startConnector(ctx, name)
}

func (h *Herder) restartTask(ctx context.Context, id storage.TaskID) error {
	snap := h.snapshot()
	tc, ok := snap.TaskConfigs[id]
	if !ok {
		return herder.NotFoundf("Unknown task: %s", id)
	}
	if err := h.rt.StopTasks(ctx, id); err != nil {
		h.log.Warn("task did not stop cleanly", "task", id.String(), "error", err)
	}
	if err := h.rt.StartTask(ctx, id, snap.Connectors[id.Connector], tc, h.target(&snap, id.Connector)); err != nil {
		h.TaskStateChanged(id, storage.StateFailed, err)
		return fmt.Errorf("start task %s: %w", id, err)
	}
	return nil
}

// RestartTask implements rest.Herder.
func (h *Herder) RestartTask(ctx context.Context, id herder.TaskID) error {
	return h.do(ctx, func() error {
		if _, ok := h.snapshot().Connectors[id.Connector]; !ok {
			return herder.NotFoundf("Unknown connector: %s", id.Connector)
		}
		return h.restartTask(ctx, storage.TaskID{Connector: id.Connector, Task: id.Task})
	})
}

// RestartConnectorAndTasks implements rest.Herder.
func (h *Herder) RestartConnectorAndTasks(ctx context.Context, name string, onlyFailed, includeTasks bool) (plan herder.ConnectorStateInfo, err error) {
	err = h.do(ctx, func() error {
		snap := h.snapshot()
		if _, ok := snap.Connectors[name]; !ok {
			return herder.NotFoundf("Unknown connector: %s", name)
		}
		status, err := herder.StatusOf(h.cfg.Statuses, name, herder.TypeOf(h.cfg.Registry, snap.Connectors[name]))
		if err != nil {
			return herder.NotFoundf("Status for connector %s not found", name)
		}
		var restartConn bool
		var tasks []int
		plan, restartConn, tasks = herder.RestartPlan(status, onlyFailed, includeTasks)
		if restartConn {
			h.ConnectorStateChanged(name, storage.StateRestarting, nil)
			if err := h.restartConnector(ctx, name); err != nil {
				h.log.Error("connector restart failed", "connector", name, "error", err)
			}
		}
		for _, t := range tasks {
			id := storage.TaskID{Connector: name, Task: t}
			h.TaskStateChanged(id, storage.StateRestarting, nil)
			if err := h.restartTask(ctx, id); err != nil {
				h.log.Error("task restart failed", "task", id.String(), "error", err)
			}
		}
		return nil
	})
	return plan, err
}

func (h *Herder) setTarget(ctx context.Context, name string, target storage.TargetState) error {
	return h.do(ctx, func() error {
		snap := h.snapshot()
		if _, ok := snap.Connectors[name]; !ok {
			return herder.NotFoundf("Unknown connector %s", name)
		}
		prev := h.target(&snap, name)
		if err := h.cfg.Configs.PutTargetState(ctx, name, target); err != nil {
			return fmt.Errorf("store target state of %q: %w", name, err)
		}
		switch {
		case target == storage.TargetStopped:
			// STOPPED: no tasks, no instance; the task configs are emptied.
			h.stopConnector(ctx, name)
			if err := h.cfg.Configs.PutTaskConfigs(ctx, name, nil); err != nil {
				return err
			}
			h.ConnectorStateChanged(name, storage.StateStopped, nil)
		case prev == storage.TargetStopped:
			// Leaving STOPPED starts the connector again; its tasks follow.
			return h.startConnector(ctx, name)
		default:
			h.rt.SetTargetState(name, target)
		}
		return nil
	})
}

// PauseConnector implements rest.Herder.
func (h *Herder) PauseConnector(ctx context.Context, name string) error {
	return h.setTarget(ctx, name, storage.TargetPaused)
}

// ResumeConnector implements rest.Herder.
func (h *Herder) ResumeConnector(ctx context.Context, name string) error {
	return h.setTarget(ctx, name, storage.TargetStarted)
}

// StopConnector implements rest.Herder.
func (h *Herder) StopConnector(ctx context.Context, name string) error {
	return h.setTarget(ctx, name, storage.TargetStopped)
}

func (h *Herder) offsetsTarget(name string, needStopped bool) (map[string]string, bool, error) {
	snap := h.snapshot()
	cfg, ok := snap.Connectors[name]
	if !ok {
		return nil, false, herder.NotFoundf("Connector %s not found", name)
	}
	if needStopped && (h.target(&snap, name) != storage.TargetStopped || snap.TaskCounts[name] > 0) {
		return nil, false, herder.StoppedRequired(name)
	}
	if h.offsets == nil {
		return nil, false, errors.New("offsets are not available on this worker")
	}
	return cfg, herder.TypeOf(h.cfg.Registry, cfg) == herder.Sink, nil
}

// ConnectorOffsets implements rest.Herder.
func (h *Herder) ConnectorOffsets(ctx context.Context, name string) (herder.ConnectorOffsets, error) {
	cfg, sink, err := h.offsetsTarget(name, false)
	if err != nil {
		return herder.ConnectorOffsets{}, err
	}
	offs, err := h.offsets.ConnectorOffsets(ctx, name, cfg, sink)
	if err != nil {
		return herder.ConnectorOffsets{}, err
	}
	out := herder.ConnectorOffsets{Offsets: []herder.ConnectorOffset{}}
	for _, o := range offs {
		out.Offsets = append(out.Offsets, herder.ConnectorOffset{Partition: o.Partition, Offset: o.Offset})
	}
	return out, nil
}

// AlterConnectorOffsets implements rest.Herder.
func (h *Herder) AlterConnectorOffsets(ctx context.Context, name string, offsets herder.ConnectorOffsets) (string, error) {
	err := h.do(ctx, func() error {
		cfg, sink, err := h.offsetsTarget(name, true)
		if err != nil {
			return err
		}
		in := make([]worker.PartitionOffset, 0, len(offsets.Offsets))
		for _, o := range offsets.Offsets {
			in = append(in, worker.PartitionOffset{Partition: o.Partition, Offset: o.Offset})
		}
		return h.offsets.AlterConnectorOffsets(ctx, name, cfg, sink, in)
	})
	if err != nil {
		return "", err
	}
	return herder.OffsetsAlteredMessage, nil
}

// ResetConnectorOffsets implements rest.Herder.
func (h *Herder) ResetConnectorOffsets(ctx context.Context, name string) (string, error) {
	err := h.do(ctx, func() error {
		cfg, sink, err := h.offsetsTarget(name, true)
		if err != nil {
			return err
		}
		return h.offsets.ResetConnectorOffsets(ctx, name, cfg, sink)
	})
	if err != nil {
		return "", err
	}
	return herder.OffsetsResetMessage, nil
}

// ConnectorPlugins implements rest.Herder.
func (h *Herder) ConnectorPlugins(_ context.Context, connectorsOnly bool) ([]herder.PluginInfo, error) {
	return herder.PluginInfos(h.cfg.Registry, connectorsOnly), nil
}

// ConnectorPluginConfig implements rest.Herder.
func (h *Herder) ConnectorPluginConfig(_ context.Context, name string) ([]herder.ConfigKeyInfo, error) {
	return herder.PluginConfig(h.cfg.Registry, name, worker.FrameworkConfigDef(h.cfg.Registry))
}

// ValidateConnectorConfig implements rest.Herder. Unlike a create, a
// config without a usable connector.class is a 500 here, as in Java.
func (h *Herder) ValidateConnectorConfig(_ context.Context, cfg map[string]*string) (herder.ConfigInfos, error) {
	props, nulls := worker.SplitNulls(cfg)
	v, err := h.rt.ValidateConnectorConfig(props)
	if err != nil {
		return herder.ConfigInfos{}, err
	}
	v.AddNullErrors(nulls)
	return v.Infos(), nil
}

// SetClusterLoggerLevel implements rest.Herder: in standalone mode the
// cluster is this worker.
func (h *Herder) SetClusterLoggerLevel(_ context.Context, namespace, level string) error {
	if h.cfg.SetLoggerLevel != nil {
		h.cfg.SetLoggerLevel(namespace, level)
	}
	return nil
}

// PutTaskConfigs implements rest.Herder; standalone workers have no peers.
func (h *Herder) PutTaskConfigs(context.Context, string, []map[string]string, *herder.InternalRequestSignature) error {
	return errors.New("internal request endpoints are not supported by a standalone worker")
}

// FenceZombieSourceTasks implements rest.Herder; likewise unsupported.
func (h *Herder) FenceZombieSourceTasks(context.Context, string, *herder.InternalRequestSignature) error {
	return errors.New("internal request endpoints are not supported by a standalone worker")
}
