package group

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"
)

// These scenarios mirror Java's IncrementalCooperativeAssignorTest: a
// cluster of members that apply each round's assignment (or, for a failed
// round, do not), with a fake clock.

type coopHarness struct {
	t          *testing.T
	a          *CooperativeAssignor
	connectors map[string]int
	members    map[string]*workSet
	generation int32
	now        int64
	last       clusterAssignment
}

const defaultMaxDelay = 300000 // scheduled.rebalance.max.delay.ms default

func newCoopHarness(t *testing.T, maxDelay int64) *coopHarness {
	h := &coopHarness{
		t:          t,
		a:          NewCooperativeAssignor(time.Duration(maxDelay) * time.Millisecond),
		connectors: map[string]int{"connector1": 4, "connector2": 4},
		members:    map[string]*workSet{"worker1": {}},
		generation: 1000,
		now:        1_700_000_000_000,
	}
	h.a.previousGeneration = h.generation
	return h
}

func (h *coopHarness) addWorkers(ids ...string) {
	for _, id := range ids {
		if _, ok := h.members[id]; ok {
			h.t.Fatalf("worker %s already exists", id)
		}
		h.members[id] = &workSet{}
	}
}

func (h *coopHarness) addWorker(id string, connectors []string, tasks []TaskID) {
	w := &workSet{}
	w.connectors.addAll(connectors)
	w.tasks.addAll(tasks)
	h.members[id] = w
}

func (h *coopHarness) removeWorkers(ids ...string) {
	for _, id := range ids {
		if _, ok := h.members[id]; !ok {
			h.t.Fatalf("worker %s does not exist", id)
		}
		delete(h.members, id)
	}
}

func (h *coopHarness) sleep(ms int64) { h.now += ms }

func (h *coopHarness) rebalance(apply, generationMismatch bool) {
	h.t.Helper()
	h.generation++
	lastCompleted := h.generation - 1
	if generationMismatch {
		lastCompleted = h.generation - 2
	}
	copies := map[string]*workSet{}
	for id, w := range h.members {
		c := w.clone()
		copies[id] = &c
	}
	h.last = h.a.assign(ClusterConfig{Offset: 618, Tasks: h.connectors}, lastCompleted, h.generation, copies, h.now)
	h.noRedundantAssignments()
	if apply {
		for id, w := range h.members {
			w.removeAll(h.last.revoked[id])
			w.addAll(h.last.assigned[id])
			if !sameWork(w, h.last.all[id]) {
				h.t.Fatalf("worker %s: applying the round gives %v, the leader expects %v", id, describe(w), describe(h.last.all[id]))
			}
		}
	}
}

func (h *coopHarness) standard()   { h.t.Helper(); h.rebalance(true, false) }
func (h *coopHarness) failed()     { h.t.Helper(); h.rebalance(false, false) }
func (h *coopHarness) mismatched() { h.t.Helper(); h.rebalance(true, true) }

func sameWork(a, b *workSet) bool {
	if a.connectors.len() != b.connectors.len() || a.tasks.len() != b.tasks.len() {
		return false
	}
	for _, c := range a.connectors.items {
		if !b.connectors.has(c) {
			return false
		}
	}
	for _, t := range a.tasks.items {
		if !b.tasks.has(t) {
			return false
		}
	}
	return true
}

func describe(w *workSet) string { return fmt.Sprintf("%v %v", w.connectors.items, w.tasks.items) }

func (h *coopHarness) noRedundantAssignments() {
	h.t.Helper()
	seenC := map[string]bool{}
	seenT := map[TaskID]bool{}
	for _, id := range sortedKeys(h.last.assigned) {
		for _, c := range h.last.assigned[id].connectors.items {
			if seenC[c] {
				h.t.Fatalf("connector %s newly assigned twice", c)
			}
			seenC[c] = true
			for mid, w := range h.members {
				if w.connectors.has(c) && !h.last.revoked[mid].connectors.has(c) {
					h.t.Fatalf("connector %s newly assigned to %s but still on %s", c, id, mid)
				}
			}
		}
		for _, t := range h.last.assigned[id].tasks.items {
			if seenT[t] {
				h.t.Fatalf("task %s newly assigned twice", t)
			}
			seenT[t] = true
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (h *coopHarness) allocations(tasks bool) []int {
	var out []int
	for _, w := range h.members {
		if tasks {
			out = append(out, w.tasks.len())
		} else {
			out = append(out, w.connectors.len())
		}
	}
	slices.Sort(out)
	return out
}

func (h *coopHarness) expectConnectors(counts ...int) {
	h.t.Helper()
	slices.Sort(counts)
	if got := h.allocations(false); !slices.Equal(got, counts) {
		h.t.Fatalf("connector allocations %v, want %v", got, counts)
	}
}

func (h *coopHarness) expectTasks(counts ...int) {
	h.t.Helper()
	slices.Sort(counts)
	if got := h.allocations(true); !slices.Equal(got, counts) {
		h.t.Fatalf("task allocations %v, want %v", got, counts)
	}
}

func (h *coopHarness) expectDelay(ms int64) {
	h.t.Helper()
	if h.a.delay != ms {
		h.t.Fatalf("delay %d ms, want %d", h.a.delay, ms)
	}
}

func (h *coopHarness) expectDelayPositive() {
	h.t.Helper()
	if h.a.delay <= 0 {
		h.t.Fatalf("delay %d ms, want > 0", h.a.delay)
	}
}

func (h *coopHarness) expectWorkers(ids ...string) {
	h.t.Helper()
	got := sortedKeys(h.last.all)
	sort.Strings(ids)
	if !slices.Equal(got, ids) {
		h.t.Fatalf("workers %v, want %v", got, ids)
	}
}

func (h *coopHarness) expectNoRevocations() {
	h.t.Helper()
	for id, w := range h.last.revoked {
		if !w.empty() {
			h.t.Fatalf("worker %s had revocations %s", id, describe(w))
		}
	}
}

func (h *coopHarness) expectEmptyRound() {
	h.t.Helper()
	h.expectNoRevocations()
	for id, w := range h.last.assigned {
		if !w.empty() {
			h.t.Fatalf("worker %s was newly assigned %s", id, describe(w))
		}
	}
}

func (h *coopHarness) expectBalancedAndComplete() {
	h.t.Helper()
	for _, tasks := range []bool{false, true} {
		a := h.allocations(tasks)
		if a[len(a)-1]-a[0] > 1 {
			h.t.Fatalf("imbalanced (tasks=%v): %v", tasks, a)
		}
	}
	var all workSet
	for _, w := range h.members {
		all.addAll(w)
	}
	for c, n := range h.connectors {
		if !all.connectors.has(c) {
			h.t.Fatalf("connector %s not assigned", c)
		}
		for i := range n {
			if !all.tasks.has(TaskID{c, int32(i)}) {
				h.t.Fatalf("task %s-%d not assigned", c, i)
			}
		}
	}
	if all.connectors.len() != len(h.connectors) {
		h.t.Fatalf("assigned connectors %v, configured %v", all.connectors.items, h.connectors)
	}
}

func TestCooperativeWorkerJoins(t *testing.T) {
	h := newCoopHarness(t, defaultMaxDelay)
	h.standard()
	h.expectDelay(0)
	h.expectWorkers("worker1")
	h.expectConnectors(2)
	h.expectTasks(8)
	h.expectBalancedAndComplete()

	h.addWorkers("worker2")
	h.standard()
	h.expectDelay(0)
	h.expectWorkers("worker1", "worker2")
	h.expectConnectors(0, 1)
	h.expectTasks(0, 4)

	h.standard()
	h.expectNoRevocations()
	h.expectDelay(0)
	h.expectConnectors(1, 1)
	h.expectTasks(4, 4)
	h.expectBalancedAndComplete()

	h.standard()
	h.expectDelay(0)
	h.expectEmptyRound()
}

func TestCooperativeWorkersJoinAfterRevocations(t *testing.T) {
	h := newCoopHarness(t, defaultMaxDelay)
	h.connectors["connector3"] = 4
	h.standard()
	h.expectConnectors(3)
	h.expectTasks(12)

	h.addWorkers("worker2")
	h.standard()
	h.expectConnectors(0, 2)
	h.expectTasks(0, 6)

	// A successive revoking round: no revocations, a backoff delay instead.
	h.addWorkers("worker3")
	h.standard()
	h.expectDelayPositive()
	h.expectConnectors(0, 1, 2)
	h.expectTasks(3, 3, 6)

	h.sleep(h.a.delay)
	h.addWorkers("worker4")
	h.standard()
	h.expectConnectors(0, 0, 1, 1)
	h.expectTasks(0, 3, 3, 3)

	h.addWorkers("worker5")
	h.standard()
	if h.a.delay <= 40 {
		t.Fatalf("delay %d, want > 40 (exponential backoff)", h.a.delay)
	}
	h.expectConnectors(0, 0, 1, 1, 1)
	h.expectTasks(1, 2, 3, 3, 3)

	h.sleep(h.a.delay)
	h.addWorkers("worker6")
	h.standard()
	h.expectDelay(0)
	h.expectConnectors(0, 0, 0, 1, 1, 1)
	h.expectTasks(0, 1, 2, 2, 2, 2)

	h.standard()
	h.expectConnectors(0, 0, 0, 1, 1, 1)
	h.expectTasks(2, 2, 2, 2, 2, 2)
	h.expectBalancedAndComplete()
}

func TestCooperativeImmediateRevocationsWhenMaxDelayIs0(t *testing.T) {
	h := newCoopHarness(t, 0)
	h.connectors["connector3"] = 4
	h.standard()
	h.addWorkers("worker2")
	h.standard()
	h.expectConnectors(0, 2)
	h.expectTasks(0, 6)

	h.addWorkers("worker3")
	h.standard()
	h.expectDelay(0)
	h.expectConnectors(0, 1, 1)
	h.expectTasks(3, 3, 4)

	h.standard()
	h.expectNoRevocations()
	h.expectConnectors(1, 1, 1)
	h.expectTasks(4, 4, 4)
	h.expectBalancedAndComplete()
}

func TestCooperativeSuccessiveRevocationsWithMaxDelay1(t *testing.T) {
	h := newCoopHarness(t, 1)
	h.connectors["connector3"] = 4
	h.standard()
	h.addWorkers("worker2")
	h.standard()
	h.expectConnectors(0, 2)
	h.expectTasks(0, 6)
	h.addWorkers("worker3")
	h.standard()
	h.expectDelay(1)
	h.expectConnectors(0, 1, 2)
	h.expectTasks(3, 3, 6)
}

func TestCooperativeWorkerJoiningDuringDelayedRebalance(t *testing.T) {
	h := newCoopHarness(t, defaultMaxDelay)
	h.connectors["connector3"] = 4
	h.standard()
	h.addWorkers("worker2")
	h.standard()
	h.expectConnectors(0, 2)
	h.expectTasks(0, 6)

	h.addWorkers("worker3")
	h.standard()
	h.expectDelayPositive()
	h.expectNoRevocations()
	h.expectConnectors(0, 1, 2)
	h.expectTasks(3, 3, 6)

	h.sleep(h.a.delay / 2)
	h.addWorkers("worker4")
	h.standard()
	h.expectDelayPositive()
	h.expectNoRevocations()
	h.expectConnectors(0, 0, 1, 2)
	h.expectTasks(0, 3, 3, 6)

	h.sleep(h.a.delay)
	h.addWorkers("worker5")
	h.standard()
	h.expectDelay(0)
	h.expectConnectors(0, 0, 0, 1, 1)
	h.expectTasks(0, 0, 2, 3, 3)

	h.standard()
	h.expectDelay(0)
	h.expectNoRevocations()
	h.expectConnectors(0, 0, 1, 1, 1)
	h.expectTasks(2, 2, 2, 3, 3)
	h.expectBalancedAndComplete()
}

// A member dies and never comes back: its work waits the whole delay.
func TestCooperativeWorkerLeavesPermanently(t *testing.T) {
	h := newCoopHarness(t, defaultMaxDelay)
	h.addWorkers("worker2")
	h.standard()
	h.expectConnectors(1, 1)
	h.expectTasks(4, 4)

	h.removeWorkers("worker2")
	h.standard()
	h.expectDelay(defaultMaxDelay)
	h.expectWorkers("worker1")
	h.expectEmptyRound()

	h.sleep(defaultMaxDelay / 2)
	h.standard()
	h.expectDelay(defaultMaxDelay / 2)
	h.expectEmptyRound()

	h.sleep(defaultMaxDelay/2 + 1)
	h.standard()
	h.expectDelay(0)
	h.expectConnectors(2)
	h.expectTasks(8)
	h.expectBalancedAndComplete()
}

// A member leaves and returns within the delay: it keeps its old work and
// nothing moves.
func TestCooperativeWorkerBounces(t *testing.T) {
	h := newCoopHarness(t, defaultMaxDelay)
	h.addWorkers("worker2")
	h.standard()
	h.expectConnectors(1, 1)

	h.removeWorkers("worker2")
	h.standard()
	h.expectDelay(defaultMaxDelay)
	h.expectEmptyRound()

	h.sleep(defaultMaxDelay / 2)
	h.standard()
	h.expectDelay(defaultMaxDelay / 2)
	h.expectEmptyRound()

	h.sleep(defaultMaxDelay / 4)
	h.addWorkers("worker2") // back, empty (it restarted)
	h.standard()
	h.expectDelay(defaultMaxDelay / 4)
	h.expectWorkers("worker1", "worker2")
	h.expectEmptyRound()

	h.sleep(defaultMaxDelay / 4)
	h.standard()
	h.expectDelay(0)
	h.expectNoRevocations()
	h.expectConnectors(1, 1)
	h.expectTasks(4, 4)
	h.expectBalancedAndComplete()
}

// A member that returns with its old work before the delay ends keeps it.
func TestCooperativeWorkerReturnsWithItsWork(t *testing.T) {
	h := newCoopHarness(t, defaultMaxDelay)
	h.addWorkers("worker2")
	h.standard()
	saved := h.members["worker2"].clone()
	h.removeWorkers("worker2")
	h.standard()
	h.expectDelay(defaultMaxDelay)
	h.sleep(1000)
	h.members["worker2"] = &saved
	h.standard()
	h.expectEmptyRound()
	h.expectConnectors(1, 1)
	h.expectTasks(4, 4)
	// Nothing is lost any more: the delay is over.
	h.sleep(1000)
	h.standard()
	h.expectDelay(0)
	h.expectEmptyRound()
}

func TestCooperativeFirstAssignmentAttemptFails(t *testing.T) {
	h := newCoopHarness(t, defaultMaxDelay)
	h.addWorkers("worker2")
	h.failed()
	h.expectDelay(0)
	h.expectConnectors(0, 0)
	// Same members, nothing departed: lost work is reassigned at once.
	h.standard()
	h.expectDelay(0)
	h.expectConnectors(1, 1)
	h.expectTasks(4, 4)
	h.expectBalancedAndComplete()
}

func TestCooperativeSubsequentAssignmentAttemptFails(t *testing.T) {
	for _, outside := range []bool{false, true} {
		t.Run(fmt.Sprintf("generation mismatch %v", outside), func(t *testing.T) {
			h := newCoopHarness(t, defaultMaxDelay)
			h.addWorkers("worker2")
			h.standard()
			h.addWorkers("worker3")
			h.failed()
			h.expectConnectors(0, 1, 1)
			h.expectTasks(0, 4, 4)
			if outside {
				h.mismatched()
			} else {
				h.standard()
			}
			h.expectDelayPositive()
			h.expectConnectors(0, 1, 1)
			h.expectTasks(0, 4, 4)
			h.sleep(h.a.delay)
			h.standard()
			h.expectConnectors(0, 1, 1)
			h.expectTasks(0, 3, 3)
			h.standard()
			h.expectConnectors(0, 1, 1)
			h.expectTasks(2, 3, 3)
			h.expectBalancedAndComplete()
		})
	}
}

func TestCooperativeConnectorsDeleted(t *testing.T) {
	h := newCoopHarness(t, defaultMaxDelay)
	h.connectors["connector3"] = 4
	h.addWorkers("worker2")
	h.standard()
	h.expectConnectors(1, 2)
	h.expectTasks(6, 6)
	delete(h.connectors, "connector3")
	h.standard()
	h.expectDelay(0)
	h.expectConnectors(1, 1)
	h.expectTasks(4, 4)
	h.expectBalancedAndComplete()
}

func TestCooperativeDuplicatedAssignments(t *testing.T) {
	h := newCoopHarness(t, defaultMaxDelay)
	h.standard()
	h.expectConnectors(2)
	h.addWorker("worker2", []string{"connector1"}, []TaskID{{"connector1", 0}, {"connector1", 1}, {"connector1", 2}, {"connector1", 3}})
	h.standard()
	h.expectDelay(0)
	h.expectConnectors(0, 1)
	h.expectTasks(0, 4)
	h.standard()
	h.expectNoRevocations()
	h.expectConnectors(1, 1)
	h.expectTasks(4, 4)
	h.expectBalancedAndComplete()
	h.standard()
	h.expectEmptyRound()
}

func TestCooperativeDuplicatedAssignmentsDeleted(t *testing.T) {
	h := newCoopHarness(t, defaultMaxDelay)
	h.standard()
	delete(h.connectors, "connector1")
	h.addWorker("worker2", []string{"connector1"}, []TaskID{{"connector1", 0}, {"connector1", 1}, {"connector1", 2}, {"connector1", 3}})
	h.standard()
	h.expectDelay(0)
	h.expectConnectors(0, 1)
	h.expectTasks(0, 2)
	h.standard()
	h.expectNoRevocations()
	h.expectConnectors(0, 1)
	h.expectTasks(2, 2)
	h.expectBalancedAndComplete()
	h.standard()
	h.expectEmptyRound()
}

func TestCooperativeLostWorkGoesToEmptyCandidates(t *testing.T) {
	h := newCoopHarness(t, defaultMaxDelay)
	h.addWorkers("worker2")
	h.standard()
	h.removeWorkers("worker2")
	h.standard()
	h.expectDelay(defaultMaxDelay)
	// A new empty member joins during the delay: it is a candidate.
	h.sleep(1000)
	h.addWorkers("worker3")
	h.standard()
	h.expectEmptyRound()
	h.sleep(defaultMaxDelay)
	h.standard()
	h.expectDelay(0)
	h.expectConnectors(1, 1)
	h.expectTasks(4, 4)
	if h.members["worker3"].empty() {
		t.Fatalf("the candidate got nothing")
	}
}

func TestCooperativeMaxDelay0ReassignsLostWorkAtOnce(t *testing.T) {
	h := newCoopHarness(t, 0)
	h.addWorkers("worker2")
	h.standard()
	h.removeWorkers("worker2")
	h.standard()
	h.expectDelay(0)
	h.expectConnectors(2)
	h.expectTasks(8)
}

// Assign: the leader behind a member's config offset even after a fresh
// read answers CONFIG_MISMATCH to everyone; a fresh read that catches up
// is used.
func TestAssignConfigMismatch(t *testing.T) {
	members := map[string]MemberMetadata{
		"m1": {URL: "http://w1/", ConfigOffset: 5},
		"m2": {URL: "http://w2/", ConfigOffset: 9},
	}
	req := AssignRequest{LeaderID: "m1", Version: 2, Members: members, Config: ClusterConfig{Offset: 5, Tasks: map[string]int{"c": 1}},
		FreshConfig: func() ClusterConfig { return ClusterConfig{Offset: 7} }, Now: time.Now()}
	for name, assign := range map[string]func(AssignRequest) AssignResult{
		"eager": EagerAssign, "cooperative": NewCooperativeAssignor(time.Minute).Assign,
	} {
		res := assign(req)
		for id, a := range res.Assignments {
			if a.Error != ErrorConfigMismatch || a.ConfigOffset != 9 || a.Leader != "m1" || a.LeaderURL != "http://w1/" || len(a.Connectors)+len(a.Tasks) != 0 {
				t.Errorf("%s %s: %+v", name, id, a)
			}
		}
		if len(res.Assignments) != 2 {
			t.Errorf("%s: %d assignments", name, len(res.Assignments))
		}
	}
	req.FreshConfig = func() ClusterConfig { return ClusterConfig{Offset: 9, Tasks: map[string]int{"c": 1}} }
	res := NewCooperativeAssignor(time.Minute).Assign(req)
	var got []string
	for _, a := range res.Assignments {
		if a.Failed() || a.ConfigOffset != 9 {
			t.Errorf("assignment %+v", a)
		}
		got = append(got, a.Connectors...)
	}
	if !slices.Equal(got, []string{"c"}) || res.ConnectorOwners["c"] == "" || len(res.TaskOwners) != 1 {
		t.Errorf("connectors %v owners %v %v", got, res.ConnectorOwners, res.TaskOwners)
	}
}

// Eager: connectors by name, then tasks, round robin over sorted members.
func TestEagerAssign(t *testing.T) {
	members := map[string]MemberMetadata{
		"b": {URL: "http://b/", ConfigOffset: 3}, "a": {URL: "http://a/", ConfigOffset: 3}, "c": {URL: "http://c/", ConfigOffset: 3},
	}
	res := EagerAssign(AssignRequest{LeaderID: "b", Members: members, Config: ClusterConfig{Offset: 3, Tasks: map[string]int{"y": 2, "x": 3, "z": 0}}})
	want := map[string]Assignment{
		"a": {Connectors: []string{"x"}, Tasks: []TaskID{{"x", 0}, {"y", 0}}},
		"b": {Connectors: []string{"y"}, Tasks: []TaskID{{"x", 1}, {"y", 1}}},
		"c": {Connectors: []string{"z"}, Tasks: []TaskID{{"x", 2}}},
	}
	for id, w := range want {
		got := res.Assignments[id]
		if !slices.Equal(got.Connectors, w.Connectors) || !slices.Equal(got.Tasks, w.Tasks) || got.Leader != "b" || got.LeaderURL != "http://b/" || got.ConfigOffset != 3 || got.Version != 0 {
			t.Errorf("%s: %+v, want %+v", id, got, w)
		}
	}
	if res.TaskOwners[TaskID{"x", 2}] != "http://c/" || res.ConnectorOwners["y"] != "http://b/" {
		t.Errorf("owners %v %v", res.ConnectorOwners, res.TaskOwners)
	}
}

// Assign decodes members' allocations and carries the delay and the
// revocations into the wire assignments.
func TestCooperativeAssignCarriesDelayAndRevocations(t *testing.T) {
	a := NewCooperativeAssignor(10 * time.Second)
	cfg := ClusterConfig{Offset: 1, Tasks: map[string]int{"c": 2}}
	now := time.UnixMilli(1_000_000)
	full := &Assignment{Connectors: []string{"c"}, Tasks: []TaskID{{"c", 0}, {"c", 1}}}
	res := a.Assign(AssignRequest{LeaderID: "m1", Version: 2, Generation: 1, LastCompletedGeneration: -1, Now: now, Config: cfg,
		Members: map[string]MemberMetadata{"m1": {URL: "u1", ConfigOffset: 1}, "m2": {URL: "u2", ConfigOffset: 1}}})
	var total int
	for _, as := range res.Assignments {
		total += len(as.Connectors) + len(as.Tasks)
	}
	if total != 3 {
		t.Fatalf("first round assigned %d items: %+v", total, res.Assignments)
	}
	// m2 vanishes holding part of it: the round waits, delay in every assignment.
	res = a.Assign(AssignRequest{LeaderID: "m1", Version: 2, Generation: 2, LastCompletedGeneration: 1, Now: now, Config: cfg,
		Members: map[string]MemberMetadata{"m1": {URL: "u1", ConfigOffset: 1, Allocation: &Assignment{Connectors: res.Assignments["m1"].Connectors, Tasks: res.Assignments["m1"].Tasks}}}})
	if d := res.Assignments["m1"].Delay; d != 10*time.Second {
		t.Fatalf("delay %v, want 10s", d)
	}
	// Everything on one member plus a duplicate elsewhere: the duplicate is revoked from both.
	b := NewCooperativeAssignor(10 * time.Second)
	res = b.Assign(AssignRequest{LeaderID: "m1", Version: 1, Generation: 5, LastCompletedGeneration: 4, Now: now, Config: cfg,
		Members: map[string]MemberMetadata{"m1": {URL: "u1", ConfigOffset: 1, Allocation: full}, "m2": {URL: "u2", ConfigOffset: 1, Allocation: &Assignment{Tasks: []TaskID{{"c", 1}}}}}})
	for _, id := range []string{"m1", "m2"} {
		if !slices.Contains(res.Assignments[id].RevokedTasks, TaskID{"c", 1}) {
			t.Errorf("%s: duplicated task not revoked: %+v", id, res.Assignments[id])
		}
	}
}
