package distributed

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/worker"
	"github.com/kafka-connect-go/connect/worker/group"
	"github.com/kafka-connect-go/connect/worker/herder"
)

// This file is the loop's side of the group protocol: what happens when
// the member reports a revocation or an assignment, how the worker catches
// up on the config topic before starting work (Java's
// handleRebalanceCompleted), and how config changes turn into restarts or
// rebalances. Everything here runs on the loop goroutine.

// pollMember lets the member do what is pending (join, sync) and handles
// the event it reports. A join blocks the loop, as in Java: requests wait.
func (h *Herder) pollMember() {
	// A join takes at most about the rebalance timeout; Stop cancels h.ctx.
	if h.member.RejoinPending() {
		h.cfg.Rebalance.Started()
	}
	ctx, cancel := context.WithTimeout(h.ctx, h.cfg.RebalanceTimeout+h.cfg.WorkerSyncTimeout)
	ev, err := h.member.Poll(ctx)
	cancel()
	if err != nil {
		if !h.stopping() && !errors.Is(err, group.ErrMemberClosed) {
			h.log.Warn("group membership could not be completed; retrying", "error", err)
		}
		return
	}
	switch e := ev.(type) {
	case *group.Revoked:
		h.onRevoked(e)
	case *group.Assigned:
		h.onAssigned(e)
	case *group.RebalanceNeeded:
		h.cfg.Rebalance.Started()
		h.log.Info("group rebalance starting", "reason", e.Reason)
	}
}

// onRevoked stops work the member no longer may run: everything before an
// eager rebalance, or all of it when the coordinator was lost.
func (h *Herder) onRevoked(e *group.Revoked) {
	h.log.Info("work revoked", "reason", e.Reason, "connectors", len(e.Connectors), "tasks", len(e.Tasks))
	tasks := make([]storage.TaskID, 0, len(e.Tasks))
	for _, t := range e.Tasks {
		tasks = append(tasks, fromGroupTask(t))
	}
	h.stopWork(e.Connectors, tasks)
	for _, c := range e.Connectors {
		delete(h.assignedConnectors, c)
	}
	for _, t := range tasks {
		delete(h.assignedTasks, t)
	}
	h.flushStatuses()
}

// onAssigned records a completed rebalance (Java's onAssigned plus the
// revocations WorkerCoordinator reports first) and tries to start the work.
func (h *Herder) onAssigned(e *group.Assigned) {
	a := &e.Assignment
	prevVersion := h.version
	first := h.assignment == nil
	h.assignment = e
	h.generation.Store(e.Generation)
	h.cfg.Rebalance.Completed(e.Protocol, a.LeaderURL, e.Generation, len(e.Connectors), len(e.Tasks))
	h.version = e.Version
	h.leader = e.IsLeader
	h.leaderURL = a.LeaderURL
	h.resolved = false
	if a.Delay > 0 {
		h.scheduledRebalance = h.cfg.Now().Add(a.Delay)
	} else {
		h.scheduledRebalance = time.Time{}
	}
	switch {
	case e.Version < 2 && (first || prevVersion >= 2):
		h.log.Warn("the group protocol in use does not sign internal requests; the internal task-config endpoint of this cluster is not protected (set connect.protocol=sessioned on every worker)",
			"protocol", e.Protocol)
	case e.Version >= 2 && !first && prevVersion < 2:
		h.log.Info("internal request validation has been re-enabled", "protocol", e.Protocol)
	}
	h.owners = map[string]string{}
	h.taskOwners = map[storage.TaskID]string{}
	if e.IsLeader {
		for c, u := range e.ConnectorOwners {
			h.owners[c] = u
		}
		for t, u := range e.TaskOwners {
			h.taskOwners[fromGroupTask(t)] = u
		}
	}
	if !a.Failed() {
		connectors := map[string]bool{}
		for _, c := range e.Connectors {
			connectors[c] = true
		}
		tasks := map[storage.TaskID]bool{}
		for _, t := range e.Tasks {
			tasks[fromGroupTask(t)] = true
		}
		// Stop what was revoked, and anything running that is no longer
		// ours (after an eager rebalance nothing should be).
		var stopC []string
		for c := range h.runningConnectors {
			if !connectors[c] {
				stopC = append(stopC, c)
			}
		}
		var stopT []storage.TaskID
		for t := range h.runningTasks {
			if !tasks[t] {
				stopT = append(stopT, t)
			}
		}
		if len(stopC) > 0 || len(stopT) > 0 {
			slices.Sort(stopC)
			slices.SortFunc(stopT, compareTasks)
			h.stopWork(stopC, stopT)
			h.flushStatuses()
		}
		h.assignedConnectors, h.assignedTasks = connectors, tasks
		h.revoked = len(a.RevokedConnectors) > 0 || len(a.RevokedTasks) > 0
	}
	h.log.Info("joined the group", "generation", e.Generation, "protocol", e.Protocol, "leader", e.IsLeader,
		"leader_url", a.LeaderURL, "config_offset", a.ConfigOffset, "connectors", len(h.assignedConnectors),
		"tasks", len(h.assignedTasks), "delay", a.Delay, "failed", a.Failed())
	if e.IsLeader {
		// Statuses of connectors and tasks deleted before this rebalance;
		// after it, as their last owners wrote UNASSIGNED while stopping.
		h.removeDeletedStatuses()
	}
}

// completeRebalance starts the assignment's work once this worker has read
// the config topic exactly to the assignment's offset; it reports whether
// the worker runs its assignment (Java's handleRebalanceCompleted).
func (h *Herder) completeRebalance() bool {
	if h.assignment == nil {
		return false
	}
	if h.resolved {
		return true
	}
	a := &h.assignment.Assignment
	h.snap = h.cfg.Configs.Snapshot()
	needsRead, needsRejoin := false, false
	if a.Failed() {
		needsRejoin = true
		needsRead = h.leader || h.snap.Offset < a.ConfigOffset
		h.log.Warn("the assignment failed; the leader was behind on the config topic", "leader", h.leader,
			"config_offset", h.snap.Offset, "assignment_offset", a.ConfigOffset)
	} else if h.snap.Offset < a.ConfigOffset {
		h.log.Info("catching up to the assignment's config offset", "config_offset", h.snap.Offset, "assignment_offset", a.ConfigOffset)
		needsRead = true
	}
	if needsRead {
		if h.readConfigToEnd() {
			h.canReadConfigs = true
		} else {
			needsRejoin = true
		}
	}
	if needsRejoin {
		h.member.Rejoin("catching up on the config topic")
		return false
	}
	if h.snap.Offset != a.ConfigOffset {
		h.log.Info("the config topic has moved past the assignment; rejoining", "config_offset", h.snap.Offset, "assignment_offset", a.ConfigOffset)
		h.member.Rejoin("config offset does not match the assignment")
		return false
	}
	h.startWork()
	h.resolved = true
	h.ready.Store(true)
	if h.revoked {
		// Give the freed work back to the group at once.
		h.revoked = false
		h.member.Rejoin("work was revoked")
		return false
	}
	return true
}

// readConfigToEnd reads the config topic to its end within
// worker.sync.timeout.ms. On failure it leaves the group, so the others
// need not wait for this worker, and backs off.
func (h *Herder) readConfigToEnd() bool {
	ctx, cancel := context.WithTimeout(h.ctx, h.cfg.WorkerSyncTimeout)
	err := h.cfg.Configs.Refresh(ctx)
	cancel()
	if err == nil {
		h.snap = h.cfg.Configs.Snapshot()
		h.backoffRetries = backoffRetries
		return true
	}
	if h.stopping() {
		return false
	}
	h.canReadConfigs = false
	h.log.Warn("could not read to the end of the config topic in time; leaving the group", "timeout", h.cfg.WorkerSyncTimeout, "error", err)
	lctx, lcancel := context.WithTimeout(h.ctx, h.cfg.WorkerSyncTimeout)
	if err := h.member.Leave(lctx); err != nil {
		h.log.Warn("leaving the group failed", "error", err)
	}
	lcancel()
	h.backoff()
	return false
}

// backoff waits after failing to catch up: worker.unsync.backoff.ms with
// the eager protocol; with the incremental ones a tenth of the scheduled
// rebalance delay divided by the retries left, and after the last retry
// the worker gives up its running work (Java's backoff).
func (h *Herder) backoff() {
	if h.version == 0 {
		h.sleep(h.cfg.WorkerUnsyncBackoff)
		return
	}
	if h.backoffRetries > 0 {
		h.sleep(h.cfg.ScheduledRebalanceMaxDelay / 10 / time.Duration(h.backoffRetries))
		h.backoffRetries--
		return
	}
	h.log.Warn("revoking the running work: this worker has not caught up with the config topic after several retries", "retries", backoffRetries)
	h.stopWork(sortedKeys(h.runningConnectors), sortedTasks(h.runningTasks))
	h.flushStatuses()
	h.backoffRetries = backoffRetries
}

// startWork starts what is assigned here and not running.
func (h *Herder) startWork() {
	h.log.Info("starting connectors and tasks", "config_offset", h.snap.Offset)
	for _, c := range sortedKeys(h.assignedConnectors) {
		if !h.runningConnectors[c] {
			if err := h.startConnector(c); err != nil {
				h.log.Error("cannot start connector", "connector", c, "error", err)
			}
		}
	}
	for _, t := range sortedTasks(h.assignedTasks) {
		if !h.runningTasks[t] {
			if err := h.startTask(t); err != nil {
				h.log.Error("cannot start task", "connector", t.Connector, "task", t.Task, "error", err)
			}
		}
	}
}

// startConnector starts a connector in its target state; the Worker
// reports the outcome through Events (RUNNING triggers the task configs).
func (h *Herder) startConnector(name string) error {
	cfg, ok := h.snap.Connectors[name]
	if !ok {
		return herder.NotFoundf("Connector %s not found", name)
	}
	h.runningConnectors[name] = true
	ctx, cancel := h.opCtx()
	defer cancel()
	err := h.rt.StartConnector(ctx, name, cfg, targetOf(&h.snap, name))
	if errors.Is(err, worker.ErrAlreadyRunning) {
		return nil
	}
	return err
}

// startTask starts a task with the configs in force.
func (h *Herder) startTask(id storage.TaskID) error {
	cfg, ok := h.snap.TaskConfigs[id]
	if !ok {
		return fmt.Errorf("no config for task %s at config offset %d", id, h.snap.Offset)
	}
	h.runningTasks[id] = true
	ctx, cancel := h.opCtx()
	defer cancel()
	err := h.rt.StartTask(ctx, id, h.snap.Connectors[id.Connector], cfg, targetOf(&h.snap, id.Connector))
	if errors.Is(err, worker.ErrAlreadyRunning) {
		return nil
	}
	return err
}

// stopWork stops tasks (flushing and committing) and then connectors, of
// those running here.
func (h *Herder) stopWork(connectors []string, tasks []storage.TaskID) {
	var ts []storage.TaskID
	for _, t := range tasks {
		if h.runningTasks[t] {
			ts = append(ts, t)
			delete(h.runningTasks, t)
		}
	}
	if len(ts) > 0 {
		h.log.Info("stopping tasks", "tasks", len(ts))
		tctx, tcancel := context.WithTimeout(h.ctx, h.cfg.TaskShutdownTimeout+time.Second)
		if err := h.rt.StopTasks(tctx, ts...); err != nil {
			h.log.Warn("tasks did not stop in time; going on without them", "error", err)
		}
		tcancel()
	}
	ctx, cancel := h.opCtx()
	defer cancel()
	for _, c := range connectors {
		if !h.runningConnectors[c] {
			continue
		}
		delete(h.runningConnectors, c)
		if err := h.rt.StopConnector(ctx, c); err != nil && !errors.Is(err, worker.ErrNotRunning) {
			h.log.Warn("connector did not stop cleanly", "connector", c, "error", err)
		}
		if _, ok := h.snap.Connectors[c]; !ok && h.cfg.TopicTracking {
			// Deleted: forget the topics it used (Java's resetActiveTopics).
			h.resetActiveTopics(ctx, c)
		}
	}
}

func (h *Herder) resetActiveTopics(ctx context.Context, name string) {
	for _, t := range h.cfg.Statuses.Topics(name) {
		if err := h.cfg.Statuses.DeleteTopic(ctx, name, t.Topic); err != nil {
			h.log.Warn("cannot reset active topic", "connector", name, "topic", t.Topic, "error", err)
		}
	}
}

// flushStatuses waits until every status written so far is durable, so a
// stale one cannot land after the next owner's.
func (h *Herder) flushStatuses() {
	ctx, cancel := h.opCtx()
	defer cancel()
	if err := h.writer.flush(ctx); err != nil {
		h.log.Warn("status writes did not complete before the rebalance", "error", err)
	}
}

// removeDeletedStatuses tombstones the statuses of connectors and tasks
// that no longer exist (the leader's duty after a rebalance). It reads the
// status topic to its end first: with the cooperative protocol a deleted
// connector's last owner stops it (writing UNASSIGNED) in the rebalance
// that revokes it, after the leader's pass of that rebalance may have run,
// and flushes that status before it rejoins; the pass of the next
// rebalance, which waits for it to rejoin, then finds the status and
// removes it, where a lagging reader would have left it until some later
// rebalance. Java's leader makes the same pass without reading to the end.
func (h *Herder) removeDeletedStatuses() {
	ctx, cancel := context.WithTimeout(h.ctx, h.cfg.WorkerSyncTimeout)
	err := h.cfg.Statuses.ReadToEnd(ctx)
	cancel()
	if err != nil {
		h.log.Warn("cannot read the status topic to its end; removing the statuses of deleted connectors from what was read", "error", err)
	}
	snap := h.cfg.Configs.Snapshot()
	for _, c := range h.cfg.Statuses.Connectors() {
		_, exists := snap.Connectors[c]
		keep := map[int]bool{}
		for _, t := range snap.Tasks(c) {
			keep[t.Task] = true
		}
		for n := range h.cfg.Statuses.Tasks(c) {
			if !exists || !keep[n] {
				h.log.Debug("removing the status of a deleted task", "connector", c, "task", n)
				h.writer.task(storage.TaskID{Connector: c, Task: n}, h.status(storage.StateDestroyed, nil), false)
			}
		}
		if !exists {
			h.log.Debug("removing the status of a deleted connector", "connector", c)
			h.writer.connector(c, h.status(storage.StateDestroyed, nil), false)
		}
	}
}

// applyConfigUpdates acts on folded config notifications (Java's
// updateConfigsWith...): new or removed connectors and new task configs
// need a rebalance; a changed connector is restarted where it runs; a
// target state goes to the Worker; tasks whose configs changed stop and
// start again after the rebalance.
func (h *Herder) applyConfigUpdates() {
	if !h.needsReconfigRebalance && len(h.connectorUpdates) == 0 && len(h.targetChanges) == 0 && len(h.taskUpdates) == 0 {
		return
	}
	h.snap = h.cfg.Configs.Snapshot()
	if h.needsReconfigRebalance {
		h.needsReconfigRebalance = false
		h.member.Rejoin("connectors or task configs changed")
		if h.version == 0 {
			// Eager: the rebalance stops and restarts everything anyway.
			clear(h.connectorUpdates)
			clear(h.targetChanges)
			clear(h.taskUpdates)
			return
		}
	}
	updates, targets, tasks := sortedKeys(h.connectorUpdates), sortedKeys(h.targetChanges), h.taskUpdates
	h.connectorUpdates, h.targetChanges, h.taskUpdates = map[string]bool{}, map[string]bool{}, map[string]bool{}

	for _, c := range updates {
		if !h.assignedConnectors[c] {
			continue
		}
		_, remains := h.snap.Connectors[c]
		h.log.Info("connector config changed; restarting it", "connector", c, "deleted", !remains)
		h.stopWork([]string{c}, nil)
		if remains {
			if err := h.startConnector(c); err != nil {
				h.log.Error("cannot restart connector", "connector", c, "error", err)
			}
		}
	}
	for _, c := range targets {
		if _, ok := h.snap.Connectors[c]; !ok {
			continue
		}
		// RUNNING, when it comes, asks for task configs again, so config
		// changes made while paused take effect.
		h.rt.SetTargetState(c, targetOf(&h.snap, c))
	}
	if h.version > 0 && len(tasks) > 0 {
		var stop []storage.TaskID
		for t := range h.runningTasks {
			if tasks[t.Connector] {
				stop = append(stop, t)
			}
		}
		if len(stop) > 0 {
			slices.SortFunc(stop, compareTasks)
			h.log.Info("task configs changed; stopping the tasks until the rebalance", "tasks", len(stop))
			h.stopWork(nil, stop)
		}
	}
}

// processRestartRequests executes restart requests from the config topic:
// each worker restarts the part of the plan it runs.
func (h *Herder) processRestartRequests() {
	if len(h.pendingRestarts) == 0 {
		return
	}
	reqs := h.pendingRestarts
	h.pendingRestarts = map[string]storage.RestartRequest{}
	for _, name := range slices.Sorted(maps.Keys(reqs)) {
		h.restart(reqs[name])
	}
}

func (h *Herder) restart(req storage.RestartRequest) {
	status, err := herder.StatusOf(h.cfg.Statuses, req.Connector, herder.TypeOf(h.cfg.Registry, h.snap.Connectors[req.Connector]))
	if err != nil {
		h.log.Debug("skipping restart: the connector has no status", "connector", req.Connector)
		return
	}
	_, restartConn, taskNums := herder.RestartPlan(status, req.OnlyFailed, req.IncludeTasks)
	restartConn = restartConn && h.assignedConnectors[req.Connector]
	var tasks []storage.TaskID
	for _, n := range taskNums {
		id := storage.TaskID{Connector: req.Connector, Task: n}
		if h.assignedTasks[id] {
			tasks = append(tasks, id)
		}
	}
	if !restartConn && len(tasks) == 0 {
		return
	}
	h.log.Info("executing restart request", "connector", req.Connector, "include_tasks", req.IncludeTasks,
		"only_failed", req.OnlyFailed, "restart_connector", restartConn, "tasks", len(tasks))
	if restartConn {
		h.stopWork([]string{req.Connector}, nil)
		h.writer.connector(req.Connector, h.status(storage.StateRestarting, nil), false)
	}
	if len(tasks) > 0 {
		h.stopWork(nil, tasks)
		for _, t := range tasks {
			h.writer.task(t, h.status(storage.StateRestarting, nil), false)
		}
	}
	if restartConn {
		if err := h.startConnector(req.Connector); err != nil {
			h.log.Error("connector restart failed", "connector", req.Connector, "error", err)
		}
	}
	for _, t := range tasks {
		if err := h.startTask(t); err != nil {
			h.log.Error("task restart failed", "connector", t.Connector, "task", t.Task, "error", err)
		}
	}
}

// restartRank orders restart requests by impact (Java's
// RestartRequest.compareTo): a pending request is replaced only by a
// more impactful one.
func restartRank(r storage.RestartRequest) int {
	switch {
	case r.OnlyFailed && !r.IncludeTasks:
		return 0
	case r.OnlyFailed:
		return 1
	case !r.IncludeTasks:
		return 2
	}
	return 3
}
