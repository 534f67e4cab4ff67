package distributed

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/worker"
)

// ------------------------------------------------------------ worker.Events

// status is a status record of this worker in the current generation.
func (h *Herder) status(state storage.State, cause error) storage.Status {
	s := storage.Status{State: state, WorkerID: h.cfg.WorkerID, Generation: h.generation.Load()}
	if cause != nil {
		s.Trace = worker.Trace(cause)
	}
	return s
}

// safeState reports the states written only when no newer owner wrote
// since (Java's putSafe for FAILED and UNASSIGNED): a worker that lost a
// task must not overwrite the status of the worker that took it over.
func safeState(s storage.State) bool {
	return s == storage.StateFailed || s == storage.StateUnassigned
}

// ConnectorStateChanged implements worker.Events: the status is written
// (in order, without blocking the caller), and a connector that starts
// running is asked for its task configs.
func (h *Herder) ConnectorStateChanged(name string, state storage.State, cause error) {
	h.writer.connector(name, h.status(state, cause), safeState(state))
	if state == storage.StateRunning {
		h.enqueue(0, func() { h.reconfigureWithRetry(name) })
	}
}

// TaskStateChanged implements worker.Events.
func (h *Herder) TaskStateChanged(id storage.TaskID, state storage.State, cause error) {
	h.writer.task(id, h.status(state, cause), safeState(state))
}

// TaskReconfigurationRequested implements worker.Events.
func (h *Herder) TaskReconfigurationRequested(name string) {
	h.enqueue(0, func() { h.reconfigureWithRetry(name) })
}

// TopicUsed implements worker.Events.
func (h *Herder) TopicUsed(name string, task int, topic string) {
	if !h.cfg.TopicTracking {
		return
	}
	h.writer.topic(storage.TopicStatus{Topic: topic, Connector: name, Task: task, Discover: h.cfg.Now()})
}

// ------------------------------------------------- storage.ConfigListener

// listener receives the config store's notifications on the store's
// goroutine and queues them for the loop, in log order.
type listener struct{ h *Herder }

func (l listener) ConnectorConfigRemoved(c string) {
	l.h.note(func() {
		h := l.h
		h.log.Info("connector config removed", "connector", c)
		if h.known[c] {
			delete(h.known, c)
			h.needsReconfigRebalance = true
		} else {
			h.connectorUpdates[c] = true
		}
	})
}

func (l listener) ConnectorConfigUpdated(c string) {
	l.h.note(func() {
		h := l.h
		h.log.Info("connector config updated", "connector", c)
		if !h.known[c] {
			// A new connector: the group must place it.
			h.known[c] = true
			h.needsReconfigRebalance = true
		} else {
			h.connectorUpdates[c] = true
		}
	})
}

func (l listener) TaskConfigsUpdated(tasks []storage.TaskID) {
	l.h.note(func() {
		h := l.h
		h.log.Info("task configs updated", "tasks", len(tasks))
		h.needsReconfigRebalance = true
		for _, t := range tasks {
			h.taskUpdates[t.Connector] = true
		}
	})
}

func (l listener) TargetStateChanged(c string) {
	l.h.note(func() {
		l.h.log.Info("connector target state changed", "connector", c)
		l.h.targetChanges[c] = true
	})
}

func (l listener) SessionKeyUpdated(key storage.SessionKey) {
	l.h.note(func() {
		h := l.h
		h.log.Info("session key updated", "algorithm", key.Algorithm, "created", key.Created)
		k := key
		h.sessionKey = &k
		h.keyExpiration = key.Created.Add(h.cfg.KeyTTL)
	})
}

func (l listener) RestartRequested(req storage.RestartRequest) {
	l.h.note(func() {
		h := l.h
		h.log.Info("restart requested", "connector", req.Connector, "include_tasks", req.IncludeTasks, "only_failed", req.OnlyFailed)
		if prev, ok := h.pendingRestarts[req.Connector]; !ok || restartRank(req) > restartRank(prev) {
			h.pendingRestarts[req.Connector] = req
		}
	})
}

// LoggerLevelUpdated applies a cluster-wide level at once, as Java does on
// the store's thread; the levels are safe for concurrent use.
func (l listener) LoggerLevelUpdated(namespace, level string) {
	if f := l.h.cfg.SetLoggerLevel; f != nil {
		f(namespace, level)
		l.h.log.Info("cluster-wide logger level applied", "logger", namespace, "level", level)
	}
}

// ------------------------------------------------------------ status writer

// statusWriter writes statuses in the order they happened, on a goroutine
// of its own, so a task reporting its state never waits for Kafka. Each
// write waits for the brokers' acknowledgement before the next.
type statusWriter struct {
	store storage.StatusStore
	log   *slog.Logger

	mu     sync.Mutex
	queue  []statusOp
	closed bool
	wake   chan struct{}
	done   chan struct{}
	// ctx bounds the writes; close cancels it when its own bound expires.
	ctx    context.Context
	cancel context.CancelFunc
}

type statusOp struct {
	connector string
	task      *storage.TaskID
	topic     *storage.TopicStatus
	status    storage.Status
	safe      bool
	barrier   chan struct{} // closed when every earlier op is done
}

func newStatusWriter(store storage.StatusStore, log *slog.Logger) *statusWriter {
	ctx, cancel := context.WithCancel(context.Background())
	return &statusWriter{store: store, log: log, wake: make(chan struct{}, 1), done: make(chan struct{}), ctx: ctx, cancel: cancel}
}

func (w *statusWriter) add(op statusOp) bool {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return false
	}
	w.queue = append(w.queue, op)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	return true
}

func (w *statusWriter) connector(name string, s storage.Status, safe bool) {
	w.add(statusOp{connector: name, status: s, safe: safe})
}

func (w *statusWriter) task(id storage.TaskID, s storage.Status, safe bool) {
	w.add(statusOp{task: &id, status: s, safe: safe})
}

func (w *statusWriter) topic(t storage.TopicStatus) {
	w.add(statusOp{topic: &t})
}

// flush waits until every status queued before it is written.
func (w *statusWriter) flush(ctx context.Context) error {
	b := make(chan struct{})
	if !w.add(statusOp{barrier: b}) {
		return nil
	}
	select {
	case <-b:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close writes what is queued and stops the writer, bounded by ctx.
func (w *statusWriter) close(ctx context.Context) error {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		w.cancel()
		<-w.done
		return ctx.Err()
	}
}

// run writes queued statuses until close.
func (w *statusWriter) run() {
	defer close(w.done)
	defer w.cancel()
	for {
		w.mu.Lock()
		ops, closed := w.queue, w.closed
		w.queue = nil
		w.mu.Unlock()
		for _, op := range ops {
			w.write(op)
		}
		if closed && len(ops) == 0 {
			return
		}
		if len(ops) == 0 {
			<-w.wake
		}
	}
}

func (w *statusWriter) write(op statusOp) {
	if op.barrier != nil {
		close(op.barrier)
		return
	}
	if w.ctx.Err() != nil {
		return
	}
	var err error
	switch {
	case op.topic != nil:
		err = w.store.PutTopic(w.ctx, *op.topic)
	case op.task != nil && op.safe:
		err = w.store.PutTaskSafe(w.ctx, *op.task, op.status)
	case op.task != nil:
		err = w.store.PutTask(w.ctx, *op.task, op.status)
	case op.safe:
		err = w.store.PutConnectorSafe(w.ctx, op.connector, op.status)
	default:
		err = w.store.PutConnector(w.ctx, op.connector, op.status)
	}
	if err != nil && !errors.Is(err, storage.ErrClosed) {
		switch {
		case op.topic != nil:
			w.log.Warn("cannot record active topic", "connector", op.topic.Connector, "topic", op.topic.Topic, "error", err)
		case op.task != nil:
			w.log.Warn("cannot record task status", "connector", op.task.Connector, "task", op.task.Task, "state", op.status.State, "error", err)
		default:
			w.log.Warn("cannot record connector status", "connector", op.connector, "state", op.status.State, "error", err)
		}
	}
}
