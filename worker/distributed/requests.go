package distributed

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/worker"
	"github.com/kafka-connect-go/connect/worker/herder"
)

// The REST API's calls (rest.Herder). Reads that Java answers from the
// stores directly do the same here; the others run on the loop through do,
// where they see the assignment, the leadership and pending rebalances.

// checkRebalance is the 409 Java answers while a rebalance it asked for
// has not happened yet (the assignment, and so the leader and owners it
// would forward to, may be stale).
func (h *Herder) checkRebalance() error {
	if h.needsReconfigRebalance {
		return herder.RebalanceError()
	}
	return nil
}

func (h *Herder) notLeader(op string) error {
	return &herder.NotLeaderError{URL: h.leaderURL, Op: op}
}

// Ready reports whether the worker has joined the group and started its
// first assignment.
func (h *Herder) Ready() bool { return h.ready.Load() }

// HealthCheck implements rest.Herder: the loop answers a no-op between
// rebalances.
func (h *Herder) HealthCheck(ctx context.Context) error {
	return h.do(ctx, func() error { return nil })
}

// ServerInfo implements rest.Herder.
func (h *Herder) ServerInfo(context.Context) (herder.ServerInfo, error) {
	return herder.ServerInfo{Version: h.cfg.Version, Commit: h.cfg.Commit, KafkaClusterID: h.cfg.ClusterID}, nil
}

// Connectors implements rest.Herder from the config store, as Java does.
func (h *Herder) Connectors(context.Context) ([]string, error) {
	snap := h.cfg.Configs.Snapshot()
	return slices.Sorted(maps.Keys(snap.Connectors)), nil
}

// ConnectorInfo implements rest.Herder.
func (h *Herder) ConnectorInfo(ctx context.Context, name string) (info herder.ConnectorInfo, err error) {
	err = h.do(ctx, func() error {
		if err := h.checkRebalance(); err != nil {
			return err
		}
		info, err = herder.InfoOf(h.cfg.Registry, &h.snap, name)
		return err
	})
	return info, err
}

// ConnectorConfig implements rest.Herder.
func (h *Herder) ConnectorConfig(ctx context.Context, name string) (map[string]string, error) {
	info, err := h.ConnectorInfo(ctx, name)
	return info.Config, err
}

// TaskConfigs implements rest.Herder.
func (h *Herder) TaskConfigs(ctx context.Context, name string) (tasks []herder.TaskInfo, err error) {
	err = h.do(ctx, func() error {
		if err := h.checkRebalance(); err != nil {
			return err
		}
		tasks, err = herder.TaskInfosOf(&h.snap, name)
		return err
	})
	return tasks, err
}

// ConnectorStatus implements rest.Herder from the status store: every
// worker reads every worker's statuses.
func (h *Herder) ConnectorStatus(_ context.Context, name string) (herder.ConnectorStateInfo, error) {
	snap := h.cfg.Configs.Snapshot()
	return herder.StatusOf(h.cfg.Statuses, name, herder.TypeOf(h.cfg.Registry, snap.Connectors[name]))
}

// TaskStatus implements rest.Herder.
func (h *Herder) TaskStatus(_ context.Context, id herder.TaskID) (herder.TaskStateInfo, error) {
	return herder.TaskStatusOf(h.cfg.Statuses, id)
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
			return fmt.Errorf("reset active topic %q of connector %q: %w", t.Topic, name, err)
		}
	}
	return nil
}

// PutConnectorConfig implements rest.Herder: validated where the request
// arrived, written by the leader.
func (h *Herder) PutConnectorConfig(ctx context.Context, name string, cfg map[string]string, target herder.TargetState, allowReplace bool) (created bool, info herder.ConnectorInfo, err error) {
	infos, err := h.validate(cfg)
	if err != nil {
		return false, info, err
	}
	if infos.ErrorCount > 0 {
		return false, info, herder.InvalidConfigError(infos)
	}
	err = h.do(ctx, func() error {
		var e error
		created, info, e = h.writeConnectorConfig(name, cfg, target, allowReplace)
		return e
	})
	return created, info, err
}

// writeConnectorConfig is the leader's half of a config write (on the loop).
func (h *Herder) writeConnectorConfig(name string, cfg map[string]string, target herder.TargetState, allowReplace bool) (bool, herder.ConnectorInfo, error) {
	if !h.leader {
		return false, herder.ConnectorInfo{}, h.notLeader("Only the leader can set connector configs.")
	}
	snap := h.cfg.Configs.Snapshot()
	_, exists := snap.Connectors[name]
	if exists && !allowReplace {
		return false, herder.ConnectorInfo{}, herder.AlreadyExistsf("Connector %s already exists", name)
	}
	var ts *storage.TargetState
	if target != "" {
		t := storage.TargetState(target)
		ts = &t
	}
	ctx, cancel := h.opCtx()
	defer cancel()
	if err := h.cfg.Configs.PutConnectorConfig(ctx, name, cfg, ts); err != nil {
		return false, herder.ConnectorInfo{}, fmt.Errorf("write the config of connector %q: %w", name, err)
	}
	// The tasks are those in force; new ones follow once the connector runs.
	tasks := []herder.TaskID{}
	for _, id := range snap.Tasks(name) {
		tasks = append(tasks, herder.TaskID{Connector: id.Connector, Task: id.Task})
	}
	return !exists, herder.ConnectorInfo{Name: name, Config: maps.Clone(cfg), Tasks: tasks, Type: herder.TypeOf(h.cfg.Registry, cfg)}, nil
}

// PatchConnectorConfig implements rest.Herder: the leader merges, the
// result is validated like a PUT, then written.
func (h *Herder) PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (info herder.ConnectorInfo, err error) {
	var cfg map[string]string
	err = h.do(ctx, func() error {
		if !h.leader {
			return h.notLeader("Only the leader can set connector configs.")
		}
		old, ok := h.cfg.Configs.Snapshot().Connectors[name]
		if !ok {
			return herder.NotFoundf("Connector %s not found", name)
		}
		cfg = maps.Clone(old)
		for k, v := range patch {
			if v == nil {
				delete(cfg, k)
			} else {
				cfg[k] = *v
			}
		}
		return nil
	})
	if err != nil {
		return info, err
	}
	_, info, err = h.PutConnectorConfig(ctx, name, cfg, "", true)
	return info, err
}

// DeleteConnector implements rest.Herder: the leader writes tombstones;
// the rebalance that follows stops the connector where it runs.
func (h *Herder) DeleteConnector(ctx context.Context, name string) error {
	return h.do(ctx, func() error {
		if !h.leader {
			return h.notLeader("Only the leader can delete connector configs.")
		}
		if _, ok := h.cfg.Configs.Snapshot().Connectors[name]; !ok {
			return herder.NotFoundf("Connector %s not found", name)
		}
		ctx, cancel := h.opCtx()
		defer cancel()
		if err := h.cfg.Configs.RemoveConnectorConfig(ctx, name); err != nil {
			return fmt.Errorf("remove connector %q: %w", name, err)
		}
		return nil
	})
}

// RestartConnector implements rest.Herder: the owner restarts the instance;
// the leader points at the owner, a follower at the leader.
func (h *Herder) RestartConnector(ctx context.Context, name string) error {
	return h.do(ctx, func() error {
		if err := h.checkRebalance(); err != nil {
			return err
		}
		if _, ok := h.snap.Connectors[name]; !ok {
			return herder.NotFoundf("Unknown connector: %s", name)
		}
		switch {
		case h.assignedConnectors[name]:
			h.stopWork([]string{name}, nil)
			if err := h.startConnector(name); err != nil {
				return fmt.Errorf("Failed to start connector: %s: %w", name, err)
			}
			return nil
		case h.leader:
			return &herder.NotLeaderError{URL: h.owners[name], Op: "Cannot restart connector since it is not assigned to this member"}
		}
		return h.notLeader("Only the leader can process restart requests.")
	})
}

// RestartTask implements rest.Herder, served by the task's owner.
func (h *Herder) RestartTask(ctx context.Context, tid herder.TaskID) error {
	return h.do(ctx, func() error {
		if err := h.checkRebalance(); err != nil {
			return err
		}
		if _, ok := h.snap.Connectors[tid.Connector]; !ok {
			return herder.NotFoundf("Unknown connector: %s", tid.Connector)
		}
		id := storage.TaskID{Connector: tid.Connector, Task: tid.Task}
		if _, ok := h.snap.TaskConfigs[id]; !ok {
			return herder.NotFoundf("Unknown task: %s", id)
		}
		switch {
		case h.assignedTasks[id]:
			h.stopWork(nil, []storage.TaskID{id})
			if err := h.startTask(id); err != nil {
				h.log.Error("task restart failed", "connector", id.Connector, "task", id.Task, "error", err)
				return fmt.Errorf("Failed to start task: %s", id)
			}
			return nil
		case h.leader:
			return &herder.NotLeaderError{URL: h.taskOwners[id], Op: "Cannot restart task since it is not assigned to this member"}
		}
		return h.notLeader("Cannot restart task since it is not assigned to this member")
	})
}

// RestartConnectorAndTasks implements rest.Herder: the leader writes a
// restart request and answers the plan; every worker executes its part.
func (h *Herder) RestartConnectorAndTasks(ctx context.Context, name string, onlyFailed, includeTasks bool) (plan herder.ConnectorStateInfo, err error) {
	err = h.do(ctx, func() error {
		if err := h.checkRebalance(); err != nil {
			return err
		}
		snap := h.cfg.Configs.Snapshot()
		if _, ok := snap.Connectors[name]; !ok {
			return herder.NotFoundf("Unknown connector: %s", name)
		}
		if !h.leader {
			return h.notLeader("Only the leader can process restart requests.")
		}
		wctx, cancel := h.opCtx()
		defer cancel()
		req := storage.RestartRequest{Connector: name, IncludeTasks: includeTasks, OnlyFailed: onlyFailed}
		if err := h.cfg.Configs.PutRestartRequest(wctx, req); err != nil {
			return fmt.Errorf("write the restart request of connector %q: %w", name, err)
		}
		status, err := herder.StatusOf(h.cfg.Statuses, name, herder.TypeOf(h.cfg.Registry, snap.Connectors[name]))
		if err != nil {
			return herder.NotFoundf("Status for connector %s not found", name)
		}
		plan, _, _ = herder.RestartPlan(status, onlyFailed, includeTasks)
		return nil
	})
	return plan, err
}

// PauseConnector implements rest.Herder: any worker writes the target state.
func (h *Herder) PauseConnector(ctx context.Context, name string) error {
	return h.putTargetState(ctx, name, storage.TargetPaused)
}

// ResumeConnector implements rest.Herder; it also restarts a STOPPED connector.
func (h *Herder) ResumeConnector(ctx context.Context, name string) error {
	return h.putTargetState(ctx, name, storage.TargetStarted)
}

func (h *Herder) putTargetState(ctx context.Context, name string, t storage.TargetState) error {
	if _, ok := h.cfg.Configs.Snapshot().Connectors[name]; !ok {
		return herder.NotFoundf("Unknown connector %s", name)
	}
	if err := h.cfg.Configs.PutTargetState(ctx, name, t); err != nil {
		return fmt.Errorf("write the target state of connector %q: %w", name, err)
	}
	return nil
}

// StopConnector implements rest.Herder: the leader writes an empty set of
// task configs, then the STOPPED target state.
func (h *Herder) StopConnector(ctx context.Context, name string) error {
	return h.do(ctx, func() error {
		if _, ok := h.cfg.Configs.Snapshot().Connectors[name]; !ok {
			return herder.NotFoundf("Unknown connector %s", name)
		}
		if !h.leader {
			return h.notLeader("Only the leader can transition connectors to the STOPPED state.")
		}
		// Tasks first: a RUNNING connector without tasks is a healthier
		// half-way state than a STOPPED one with tasks.
		if err := h.writeTaskConfigs(name, nil); err != nil {
			return err
		}
		wctx, cancel := h.opCtx()
		defer cancel()
		if err := h.cfg.Configs.PutTargetState(wctx, name, storage.TargetStopped); err != nil {
			return fmt.Errorf("write the target state of connector %q: %w", name, err)
		}
		return nil
	})
}

// ConnectorOffsets implements rest.Herder: any worker, read outside the loop.
func (h *Herder) ConnectorOffsets(ctx context.Context, name string) (herder.ConnectorOffsets, error) {
	var cfg map[string]string
	err := h.do(ctx, func() error {
		c, ok := h.snap.Connectors[name]
		if !ok {
			return herder.NotFoundf("Connector %s not found", name)
		}
		cfg = c
		return nil
	})
	if err != nil {
		return herder.ConnectorOffsets{}, err
	}
	if h.offsets == nil {
		return herder.ConnectorOffsets{}, errors.New("offsets are not available on this worker")
	}
	offs, err := h.offsets.ConnectorOffsets(ctx, name, cfg, herder.TypeOf(h.cfg.Registry, cfg) == herder.Sink)
	if err != nil {
		return herder.ConnectorOffsets{}, err
	}
	out := herder.ConnectorOffsets{Offsets: []herder.ConnectorOffset{}}
	for _, o := range offs {
		out.Offsets = append(out.Offsets, herder.ConnectorOffset{Partition: o.Partition, Offset: o.Offset})
	}
	return out, nil
}

// offsetsTarget checks, on the loop, that the leader may change a
// connector's offsets: no rebalance pending, the config topic read to its
// end, the connector STOPPED with no tasks.
func (h *Herder) offsetsTarget(ctx context.Context, name string) (map[string]string, bool, error) {
	var cfg map[string]string
	err := h.do(ctx, func() error {
		if err := h.checkRebalance(); err != nil {
			return err
		}
		if !h.leader {
			return h.notLeader("Only the leader can process external offsets modification requests")
		}
		rctx, cancel := context.WithTimeout(h.ctx, h.cfg.WorkerSyncTimeout)
		err := h.cfg.Configs.Refresh(rctx)
		cancel()
		if err != nil {
			return fmt.Errorf("Failed to read to end of config topic before modifying connector offsets: %w", err)
		}
		snap := h.cfg.Configs.Snapshot()
		c, ok := snap.Connectors[name]
		if !ok {
			return herder.NotFoundf("Connector %s not found", name)
		}
		if targetOf(&snap, name) != storage.TargetStopped || snap.TaskCounts[name] != 0 {
			return herder.StoppedRequired(name)
		}
		cfg = c
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	if h.offsets == nil {
		return nil, false, errors.New("offsets are not available on this worker")
	}
	return cfg, herder.TypeOf(h.cfg.Registry, cfg) == herder.Sink, nil
}

// AlterConnectorOffsets implements rest.Herder (leader only, STOPPED only).
func (h *Herder) AlterConnectorOffsets(ctx context.Context, name string, offsets herder.ConnectorOffsets) (string, error) {
	cfg, sink, err := h.offsetsTarget(ctx, name)
	if err != nil {
		return "", err
	}
	in := make([]worker.PartitionOffset, 0, len(offsets.Offsets))
	for _, o := range offsets.Offsets {
		in = append(in, worker.PartitionOffset{Partition: o.Partition, Offset: o.Offset})
	}
	if err := h.offsets.AlterConnectorOffsets(ctx, name, cfg, sink, in); err != nil {
		return "", err
	}
	return herder.OffsetsAlteredMessage, nil
}

// ResetConnectorOffsets implements rest.Herder (leader only, STOPPED only).
func (h *Herder) ResetConnectorOffsets(ctx context.Context, name string) (string, error) {
	cfg, sink, err := h.offsetsTarget(ctx, name)
	if err != nil {
		return "", err
	}
	if err := h.offsets.ResetConnectorOffsets(ctx, name, cfg, sink); err != nil {
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
	v, err := h.validation(props)
	if err != nil {
		return herder.ConfigInfos{}, err
	}
	v.AddNullErrors(nulls)
	return v.Infos(), nil
}

// validation validates a config as the Worker does, plus the distributed
// worker's own rule: a sink's consumer group may not be the workers' group.
func (h *Herder) validation(props map[string]string) (*worker.ConfigValidation, error) {
	v, err := h.rt.ValidateConnectorConfig(props)
	if err != nil {
		return nil, err
	}
	if v.Kind == plugin.Sink {
		const override = worker.ConsumerOverridePrefix + "group.id"
		if gid, ok := props[override]; ok {
			if gid == h.cfg.GroupID {
				v.AddError(override, fmt.Sprintf("Consumer group %s conflicts with Connect worker group %s", gid, h.cfg.GroupID))
			}
		} else if name := props["name"]; "connect-"+name == h.cfg.GroupID {
			v.AddError("name", fmt.Sprintf("Consumer group for sink connector named %s conflicts with Connect worker group %s", name, h.cfg.GroupID))
		}
	}
	return v, nil
}

// validate checks a config for a write and returns the REST answer.
func (h *Herder) validate(props map[string]string) (herder.ConfigInfos, error) {
	v, err := h.validation(props)
	if err != nil {
		return herder.ConfigInfos{}, worker.CreateValidationError(props, err)
	}
	return v.Infos(), nil
}

// SetClusterLoggerLevel implements rest.Herder: a record in the config
// topic that every running worker applies.
func (h *Herder) SetClusterLoggerLevel(ctx context.Context, namespace, level string) error {
	if err := h.cfg.Configs.PutLoggerLevel(ctx, namespace, level); err != nil {
		return fmt.Errorf("write the cluster logger level of %q: %w", namespace, err)
	}
	return nil
}

// PutTaskConfigs implements rest.Herder: the internal endpoint a worker
// running a connector sends its new task configs to; the leader writes
// them once the signature checks out.
func (h *Herder) PutTaskConfigs(ctx context.Context, name string, configs []map[string]string, sig *herder.InternalRequestSignature) error {
	return h.do(ctx, func() error {
		if err := verify(h.version, h.sessionKey, h.cfg.VerificationAlgorithms, sig); err != nil {
			return err
		}
		if !h.leader {
			return h.notLeader("Only the leader may write task configurations.")
		}
		if _, ok := h.cfg.Configs.Snapshot().Connectors[name]; !ok {
			return herder.NotFoundf("Connector %s not found", name)
		}
		return h.writeTaskConfigs(name, configs)
	})
}

// FenceZombieSourceTasks implements rest.Herder. Exactly-once source
// support is not implemented, so after the checks Java makes first the
// answer is an error.
func (h *Herder) FenceZombieSourceTasks(ctx context.Context, name string, sig *herder.InternalRequestSignature) error {
	return h.do(ctx, func() error {
		if err := verify(h.version, h.sessionKey, h.cfg.VerificationAlgorithms, sig); err != nil {
			return err
		}
		if !h.leader {
			return h.notLeader("Only the leader may perform zombie fencing.")
		}
		snap := h.cfg.Configs.Snapshot()
		cfg, ok := snap.Connectors[name]
		if !ok {
			return herder.NotFoundf("Connector %s not found", name)
		}
		if herder.TypeOf(h.cfg.Registry, cfg) != herder.Source {
			return herder.BadRequestf("Connector %s is not a source connector", name)
		}
		return errors.New("exactly-once source support (exactly.once.source.support=enabled) is not available in this worker; zombie fencing cannot be performed")
	})
}
