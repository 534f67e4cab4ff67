package group

import (
	"math"
	"slices"
	"sort"
	"time"
)

// CooperativeAssignor is the assignor of the "compatible" and "sessioned"
// protocols (Java's IncrementalCooperativeAssignor, KIP-415). Members keep
// running their work across rebalances; the leader hands out only what to
// start and what to stop.
//
// It remembers the previous round (what was assigned, what was revoked,
// which members were there) and the scheduled rebalance: when a member
// vanishes, its work waits up to scheduled.rebalance.max.delay.ms for it to
// come back before going to others. The leader keeps one value for as long
// as it leads; a new leader starts with none, as in Java.
//
// A CooperativeAssignor is not safe for concurrent use; the member's leader
// callback is its only caller.
type CooperativeAssignor struct {
	maxDelay int64 // ms

	previousAssignment workSet
	previousRevocation workSet
	previousGeneration int32
	previousMembers    map[string]bool
	scheduledRebalance int64 // ms since the epoch; 0 when none
	delay              int64 // ms
	revokedInPrevious  bool
	candidates         orderedSet[string]
	successiveRevoking int
}

// NewCooperativeAssignor returns an assignor with the given
// scheduled.rebalance.max.delay.ms.
func NewCooperativeAssignor(maxDelay time.Duration) *CooperativeAssignor {
	return &CooperativeAssignor{
		maxDelay:           maxDelay.Milliseconds(),
		previousGeneration: -1,
		previousMembers:    map[string]bool{},
	}
}

// Delay returns the scheduled rebalance delay of the last round.
func (a *CooperativeAssignor) Delay() time.Duration { return time.Duration(a.delay) * time.Millisecond }

// Assign computes this round's assignments from the members' metadata
// (their current allocations) and the config.
func (a *CooperativeAssignor) Assign(req AssignRequest) AssignResult {
	offset, cfg, ok := leaderConfig(req)
	if !ok {
		return mismatch(req, offset)
	}
	members := map[string]*workSet{}
	for id, m := range req.Members {
		w := &workSet{}
		if m.Allocation != nil {
			w.connectors.addAll(m.Allocation.Connectors)
			w.tasks.addAll(m.Allocation.Tasks)
		}
		members[id] = w
	}
	ca := a.assign(cfg, req.LastCompletedGeneration, req.Generation, members, req.Now.UnixMilli())
	res := AssignResult{Assignments: map[string]Assignment{}, ConnectorOwners: map[string]string{}, TaskOwners: map[TaskID]string{}}
	leaderURL := req.Members[req.LeaderID].URL
	for id := range req.Members {
		res.Assignments[id] = Assignment{
			Version: req.Version, Error: ErrorNone, Leader: req.LeaderID, LeaderURL: leaderURL, ConfigOffset: offset,
			Connectors: ca.assigned[id].connectors.list(), Tasks: ca.assigned[id].tasks.list(),
			RevokedConnectors: ca.revoked[id].connectors.list(), RevokedTasks: ca.revoked[id].tasks.list(),
			Delay: time.Duration(a.delay) * time.Millisecond,
		}
		url := req.Members[id].URL
		for _, c := range ca.all[id].connectors.items {
			res.ConnectorOwners[c] = url
		}
		for _, t := range ca.all[id].tasks.items {
			res.TaskOwners[t] = url
		}
	}
	return res
}

// clusterAssignment is one round's outcome per member: newly assigned,
// newly revoked, and everything the member runs afterwards.
type clusterAssignment struct {
	assigned, revoked, all map[string]*workSet
}

// assign is Java's performTaskAssignment: members maps each member to what
// it runs now; now is in ms.
func (a *CooperativeAssignor) assign(cfg ClusterConfig, lastCompleted, generation int32, members map[string]*workSet, now int64) clusterAssignment {
	if a.previousGeneration != lastCompleted {
		// The last round's assignment may not have reached the members.
		a.previousAssignment = workSet{}
	}
	ids := make([]string, 0, len(members))
	for id := range members {
		ids = append(ids, id)
	}
	sort.Strings(ids)

	var configured workSet
	for _, c := range cfg.connectors() {
		configured.connectors.add(c)
		configured.tasks.addAll(cfg.taskIDs(c))
	}
	var active workSet
	for _, id := range ids {
		active.addAll(members[id])
	}
	if !a.previousRevocation.empty() {
		if a.previousRevocation.intersects(&active) {
			a.previousAssignment = active.clone()
		}
		a.previousRevocation = workSet{}
	}

	deleted := diff(&a.previousAssignment, &configured)
	duplicated := duplicates(ids, members)
	lost := diff(&a.previousAssignment, &active, &deleted)
	created := diff(&configured, &a.previousAssignment, &active)

	current := map[string]*workSet{}
	for _, id := range ids {
		w := members[id].clone()
		w.removeAll(&deleted)
		current[id] = &w
	}

	toRevoke := map[string]*workSet{}
	deletedToRevoke := intersection(ids, &deleted, members)
	addAll(toRevoke, deletedToRevoke)
	duplicatedToRevoke := intersection(ids, &duplicated, members)
	addAll(toRevoke, duplicatedToRevoke)

	next := make([]*workerLoad, 0, len(ids))
	for _, id := range ids {
		w := members[id].clone()
		next = append(next, &workerLoad{id: id, work: w})
	}
	removeAll(next, deletedToRevoke)
	removeAll(next, duplicatedToRevoke)

	lostToReassign := a.handleLost(&lost, next, now)

	if a.delay == 0 {
		balancing := loadBalancingRevocations(&configured, next)
		switch {
		case a.revokedInPrevious && len(balancing) > 0:
			// Revoking twice in a row: back off before revoking again.
			a.successiveRevoking++
			a.delay = a.revocationBackoff(a.successiveRevoking)
			if a.delay != 0 {
				a.scheduledRebalance = now + a.delay
			} else {
				addAll(toRevoke, balancing)
				removeAll(next, balancing)
			}
		case len(balancing) > 0:
			addAll(toRevoke, balancing)
			removeAll(next, balancing)
			a.revokedInPrevious = true
		case a.revokedInPrevious:
			// Balanced now: reset the backoff.
			a.revokedInPrevious = false
			a.successiveRevoking = 0
		}
	} else {
		a.revokedInPrevious = false
	}

	var toAssign workSet
	toAssign.addAll(&created)
	toAssign.addAll(&lostToReassign)
	assignConnectors(next, toAssign.connectors.items)
	assignTasks(next, toAssign.tasks.items)

	out := clusterAssignment{assigned: map[string]*workSet{}, revoked: map[string]*workSet{}, all: map[string]*workSet{}}
	for _, wl := range next {
		inc := wl.work.clone()
		inc.removeAll(current[wl.id])
		out.assigned[wl.id] = &inc
		rev := toRevoke[wl.id]
		if rev == nil {
			rev = &workSet{}
		}
		out.revoked[wl.id] = rev
		all := wl.work.clone()
		all.removeAll(rev)
		out.all[wl.id] = &all
	}

	// What the members will run once this round is applied.
	var previous workSet
	for _, wl := range next {
		previous.addAll(&wl.work)
	}
	for _, id := range ids {
		if rev := toRevoke[id]; rev != nil {
			previous.removeAll(rev)
			a.previousRevocation.addAll(rev)
		}
	}
	previous.addAll(&lost)
	a.previousAssignment = previous
	a.previousGeneration = generation
	a.previousMembers = map[string]bool{}
	for _, id := range ids {
		a.previousMembers[id] = true
	}
	return out
}

// handleLost decides what happens to work whose member vanished: wait for
// it (scheduling a rebalance), give it to members that were empty during
// the wait, or treat it as new.
func (a *CooperativeAssignor) handleLost(lost *workSet, next []*workerLoad, now int64) workSet {
	var reassign workSet
	if lost.empty() && !a.revokedInPrevious {
		a.resetDelay()
		return reassign
	}
	allPresent := true
	present := map[string]bool{}
	for _, wl := range next {
		present[wl.id] = true
	}
	for id := range a.previousMembers {
		if !present[id] {
			allPresent = false
		}
	}
	if a.scheduledRebalance <= 0 && allPresent {
		// Nobody left: the work was lost because a member missed the last
		// assignment. Hand it out at once.
		reassign.addAll(lost)
		return reassign
	}
	if a.maxDelay == 0 {
		reassign.addAll(lost)
		return reassign
	}
	if a.scheduledRebalance > 0 && now >= a.scheduledRebalance {
		// The delay is over: lost work goes to the members that stayed empty.
		var candidates []*workerLoad
		byID := map[string]*workerLoad{}
		for _, wl := range next {
			byID[wl.id] = wl
		}
		for _, id := range a.candidates.items {
			if wl := byID[id]; wl != nil {
				candidates = append(candidates, wl)
			}
		}
		if len(candidates) > 0 {
			for i, c := range lost.connectors.items {
				candidates[i%len(candidates)].work.connectors.add(c)
			}
			for i, t := range lost.tasks.items {
				candidates[i%len(candidates)].work.tasks.add(t)
			}
		} else {
			reassign.addAll(lost)
		}
		a.resetDelay()
		a.revokedInPrevious = false
		return reassign
	}
	for _, wl := range next {
		if wl.work.empty() {
			a.candidates.add(wl.id)
		}
	}
	if now < a.scheduledRebalance {
		a.delay = min(a.scheduledRebalance-now, a.maxDelay)
	} else {
		a.delay = a.maxDelay
	}
	a.scheduledRebalance = now + a.delay
	return reassign
}

func (a *CooperativeAssignor) resetDelay() {
	a.candidates = orderedSet[string]{}
	a.scheduledRebalance = 0
	a.delay = 0
}

// revocationBackoff is Java's ExponentialBackoff(1 ms, x40, max delay, no
// jitter) for successive revoking rounds.
func (a *CooperativeAssignor) revocationBackoff(attempts int) int64 {
	if a.maxDelay == 0 {
		return 0
	}
	initial := min(int64(1), a.maxDelay)
	if a.maxDelay <= initial {
		return initial
	}
	expMax := math.Log(float64(a.maxDelay)/float64(max(initial, 1))) / math.Log(40)
	exp := min(float64(attempts), expMax)
	return min(int64(float64(initial)*math.Pow(40, exp)), a.maxDelay)
}

// workerLoad is one member's work while the leader computes.
type workerLoad struct {
	id   string
	work workSet
}

// loadBalancingRevocations revokes surplus work from over-allocated
// members, per kind, so the next round can spread it.
func loadBalancingRevocations(configured *workSet, workers []*workerLoad) map[string]*workSet {
	allEmpty := true
	for _, w := range workers {
		if !w.work.empty() {
			allEmpty = false
		}
	}
	if allEmpty || configured.empty() {
		return nil
	}
	out := map[string]*workSet{}
	get := func(id string) *workSet {
		if out[id] == nil {
			out[id] = &workSet{}
		}
		return out[id]
	}
	for id, cs := range balanceKind(configured.connectors.len(), workers, func(w *workerLoad) []string { return w.work.connectors.items }) {
		get(id).connectors.addAll(cs)
	}
	for id, ts := range balanceKind(configured.tasks.len(), workers, func(w *workerLoad) []TaskID { return w.work.tasks.items }) {
		get(id).tasks.addAll(ts)
	}
	return out
}

func balanceKind[E comparable](total int, workers []*workerLoad, of func(*workerLoad) []E) map[string][]E {
	n := len(workers)
	minPer := total / n
	extra := total % n
	atMin, atMinPlusOne := 0, 0
	for _, w := range workers {
		switch len(of(w)) {
		case minPer:
			atMin++
		case minPer + 1:
			atMinPlusOne++
		}
	}
	if atMinPlusOne == extra && atMin+atMinPlusOne == n {
		return nil
	}
	out := map[string][]E{}
	allocatedExtras := 0
	for _, w := range workers {
		have := len(of(w))
		if have <= minPer {
			continue
		}
		limit := minPer
		if allocatedExtras < extra {
			allocatedExtras++
			if have == minPer+1 {
				continue
			}
			limit = minPer + 1
		}
		items := of(w)
		out[w.id] = slices.Clone(items[:have-limit])
	}
	return out
}

// assignConnectors hands connectors to the least-loaded members: fill the
// lowest tier round robin, then the next, as Java does.
func assignConnectors(workers []*workerLoad, connectors []string) {
	if len(connectors) == 0 {
		return
	}
	sort.SliceStable(workers, func(i, j int) bool {
		a, b := workers[i], workers[j]
		if a.work.connectors.len() != b.work.connectors.len() {
			return a.work.connectors.len() < b.work.connectors.len()
		}
		return a.id < b.id
	})
	first := workers[0]
	i := 0
	for i < len(connectors) {
		firstLoad := first.work.connectors.len()
		upTo := len(workers)
		for k, w := range workers {
			if w.work.connectors.len() > firstLoad {
				upTo = k
				break
			}
		}
		for _, w := range workers[:upTo] {
			w.work.connectors.add(connectors[i])
			i++
			if i == len(connectors) {
				break
			}
		}
	}
}

func assignTasks(workers []*workerLoad, tasks []TaskID) {
	if len(tasks) == 0 {
		return
	}
	sort.SliceStable(workers, func(i, j int) bool {
		a, b := workers[i], workers[j]
		if a.work.tasks.len() != b.work.tasks.len() {
			return a.work.tasks.len() < b.work.tasks.len()
		}
		return a.id < b.id
	})
	first := workers[0]
	i := 0
	for i < len(tasks) {
		firstLoad := first.work.tasks.len()
		upTo := len(workers)
		for k, w := range workers {
			if w.work.tasks.len() > firstLoad {
				upTo = k
				break
			}
		}
		for _, w := range workers[:upTo] {
			w.work.tasks.add(tasks[i])
			i++
			if i == len(tasks) {
				break
			}
		}
	}
}

// diff returns base minus the others, sorted (Java uses TreeSets here).
func diff(base *workSet, minus ...*workSet) workSet {
	var out workSet
	cs := slices.Clone(base.connectors.items)
	slices.Sort(cs)
	ts := slices.Clone(base.tasks.items)
	slices.SortFunc(ts, compareTasks)
	for _, c := range cs {
		keep := true
		for _, m := range minus {
			if m.connectors.has(c) {
				keep = false
			}
		}
		if keep {
			out.connectors.add(c)
		}
	}
	for _, t := range ts {
		keep := true
		for _, m := range minus {
			if m.tasks.has(t) {
				keep = false
			}
		}
		if keep {
			out.tasks.add(t)
		}
	}
	return out
}

func compareTasks(a, b TaskID) int {
	if a.less(b) {
		return -1
	}
	if b.less(a) {
		return 1
	}
	return 0
}

// duplicates returns the work more than one member runs.
func duplicates(ids []string, members map[string]*workSet) workSet {
	cc := map[string]int{}
	tc := map[TaskID]int{}
	var out workSet
	for _, id := range ids {
		for _, c := range members[id].connectors.items {
			if cc[c]++; cc[c] == 2 {
				out.connectors.add(c)
			}
		}
		for _, t := range members[id].tasks.items {
			if tc[t]++; tc[t] == 2 {
				out.tasks.add(t)
			}
		}
	}
	return out
}

// intersection returns, per member, the part of its work in set.
func intersection(ids []string, set *workSet, members map[string]*workSet) map[string]*workSet {
	out := map[string]*workSet{}
	for _, id := range ids {
		var w workSet
		for _, c := range members[id].connectors.items {
			if set.connectors.has(c) {
				w.connectors.add(c)
			}
		}
		for _, t := range members[id].tasks.items {
			if set.tasks.has(t) {
				w.tasks.add(t)
			}
		}
		out[id] = &w
	}
	return out
}

func addAll(into map[string]*workSet, from map[string]*workSet) {
	for id, w := range from {
		if into[id] == nil {
			into[id] = &workSet{}
		}
		into[id].addAll(w)
	}
}

func removeAll(workers []*workerLoad, remove map[string]*workSet) {
	for _, wl := range workers {
		if r := remove[wl.id]; r != nil {
			wl.work.removeAll(r)
		}
	}
}

// workSet is connectors and tasks in insertion order without repeats
// (Java's ConnectorsAndTasks over LinkedHashSets).
type workSet struct {
	connectors orderedSet[string]
	tasks      orderedSet[TaskID]
}

func (w *workSet) empty() bool { return w.connectors.len() == 0 && w.tasks.len() == 0 }

func (w *workSet) addAll(o *workSet) {
	w.connectors.addAll(o.connectors.items)
	w.tasks.addAll(o.tasks.items)
}

func (w *workSet) removeAll(o *workSet) {
	w.connectors.removeIf(o.connectors.has)
	w.tasks.removeIf(o.tasks.has)
}

func (w *workSet) clone() workSet {
	var c workSet
	c.addAll(w)
	return c
}

func (w *workSet) intersects(o *workSet) bool {
	for _, c := range w.connectors.items {
		if o.connectors.has(c) {
			return true
		}
	}
	for _, t := range w.tasks.items {
		if o.tasks.has(t) {
			return true
		}
	}
	return false
}

// orderedSet keeps insertion order; the zero value is empty and usable.
type orderedSet[T comparable] struct {
	items []T
	index map[T]bool
}

func (s *orderedSet[T]) len() int { return len(s.items) }

func (s *orderedSet[T]) has(v T) bool { return s.index[v] }

func (s *orderedSet[T]) add(v T) {
	if s.index == nil {
		s.index = map[T]bool{}
	}
	if !s.index[v] {
		s.index[v] = true
		s.items = append(s.items, v)
	}
}

func (s *orderedSet[T]) addAll(vs []T) {
	for _, v := range vs {
		s.add(v)
	}
}

func (s *orderedSet[T]) removeIf(drop func(T) bool) {
	kept := s.items[:0]
	for _, v := range s.items {
		if drop(v) {
			delete(s.index, v)
		} else {
			kept = append(kept, v)
		}
	}
	s.items = kept
}

// list returns a copy of the items, nil when empty.
func (s *orderedSet[T]) list() []T {
	if len(s.items) == 0 {
		return nil
	}
	return slices.Clone(s.items)
}
