package group

import (
	"slices"
	"sort"
	"time"
)

// ClusterConfig is what the leader's assignors need from the config topic.
type ClusterConfig struct {
	// Offset is the config topic position the view reflects (the next
	// offset to read; -1 before anything was read).
	Offset int64
	// Tasks maps every configured connector to its number of tasks. A
	// connector whose last task commit was incomplete (inconsistent) has 0,
	// as Java's ClusterConfigState.tasks answers.
	Tasks map[string]int
}

func (c ClusterConfig) connectors() []string {
	out := make([]string, 0, len(c.Tasks))
	for name := range c.Tasks {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

func (c ClusterConfig) taskIDs(connector string) []TaskID {
	n := c.Tasks[connector]
	out := make([]TaskID, n)
	for i := range n {
		out[i] = TaskID{Connector: connector, Task: int32(i)}
	}
	return out
}

// AssignRequest is what the group leader knows when it must assign.
type AssignRequest struct {
	LeaderID string
	// Version is the wire version of the sub-protocol the group chose
	// (0 eager, 1 compatible, 2 sessioned); assignments are encoded with it.
	Version int16
	// Members maps member ids to their decoded JoinGroup metadata.
	Members map[string]MemberMetadata
	// Config is the leader's config view taken when it joined.
	Config ClusterConfig
	// FreshConfig returns the config store's current view; called when
	// Config is behind a member. May be nil.
	FreshConfig func() ClusterConfig
	// Generation is the generation being formed; LastCompletedGeneration
	// the last one this member completed a rebalance in (-1 if none).
	Generation              int32
	LastCompletedGeneration int32
	// Now is the leader's clock (the scheduled rebalance delay is measured
	// with it).
	Now time.Time
}

// AssignResult is the leader's answer.
type AssignResult struct {
	// Assignments maps every member id to its assignment.
	Assignments map[string]Assignment
	// ConnectorOwners and TaskOwners map work to the REST URL of the member
	// that runs it after this round (Java's LeaderState), so the leader can
	// forward requests about it. Empty after a config mismatch.
	ConnectorOwners map[string]string
	TaskOwners      map[TaskID]string
}

// leaderConfig is the step both assignors share: the leader must have read
// the config topic at least as far as every member. It returns the offset
// to put in the assignments and the config view to assign from, or ok
// false when even a fresh view is behind (the CONFIG_MISMATCH case).
func leaderConfig(req AssignRequest) (offset int64, cfg ClusterConfig, ok bool) {
	var maxOffset int64 = -1
	first := true
	for _, m := range req.Members {
		if first || m.ConfigOffset > maxOffset {
			maxOffset = m.ConfigOffset
			first = false
		}
	}
	cfg = req.Config
	if cfg.Offset >= maxOffset {
		return maxOffset, cfg, true
	}
	if req.FreshConfig != nil {
		cfg = req.FreshConfig()
	}
	if cfg.Offset < maxOffset {
		return maxOffset, cfg, false
	}
	return cfg.Offset, cfg, true
}

// mismatch gives every member the CONFIG_MISMATCH error and no work, so
// all read the config topic to the end and rejoin.
func mismatch(req AssignRequest, offset int64) AssignResult {
	res := AssignResult{Assignments: map[string]Assignment{}}
	for id := range req.Members {
		res.Assignments[id] = Assignment{
			Version: req.Version, Error: ErrorConfigMismatch,
			Leader: req.LeaderID, LeaderURL: req.Members[req.LeaderID].URL, ConfigOffset: offset,
		}
	}
	return res
}

func sortedMembers(members map[string]MemberMetadata) []string {
	ids := make([]string, 0, len(members))
	for id := range members {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// EagerAssign is the assignor of the "default" protocol (Java's
// EagerAssignor): every member has stopped all its work, and gets its whole
// new assignment. Connectors (by name) and then every connector's tasks go
// round robin over the members sorted by id.
func EagerAssign(req AssignRequest) AssignResult {
	offset, cfg, ok := leaderConfig(req)
	if !ok {
		return mismatch(req, offset)
	}
	ids := sortedMembers(req.Members)
	connectors := map[string][]string{}
	tasks := map[string][]TaskID{}
	next := 0
	member := func() string {
		id := ids[next%len(ids)]
		next++
		return id
	}
	names := cfg.connectors()
	for _, c := range names {
		m := member()
		connectors[m] = append(connectors[m], c)
	}
	for _, c := range names {
		for _, t := range cfg.taskIDs(c) {
			m := member()
			tasks[m] = append(tasks[m], t)
		}
	}
	res := AssignResult{Assignments: map[string]Assignment{}, ConnectorOwners: map[string]string{}, TaskOwners: map[TaskID]string{}}
	leaderURL := req.Members[req.LeaderID].URL
	for _, id := range ids {
		res.Assignments[id] = Assignment{
			Version: 0, Error: ErrorNone, Leader: req.LeaderID, LeaderURL: leaderURL, ConfigOffset: offset,
			Connectors: connectors[id], Tasks: tasks[id],
		}
		for _, c := range connectors[id] {
			res.ConnectorOwners[c] = req.Members[id].URL
		}
		for _, t := range tasks[id] {
			res.TaskOwners[t] = req.Members[id].URL
		}
	}
	return res
}
