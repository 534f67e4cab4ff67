package group

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
)

// Membership runs against kfake over TCP: a few members driven the way the
// distributed herder drives one (wait on Ready, Poll, stop revoked work,
// rejoin after revocations and after a scheduled delay).

const (
	testSession   = 1500 * time.Millisecond
	testHeartbeat = 100 * time.Millisecond
	testRebalance = 4 * time.Second
	testMaxDelay  = 1500 * time.Millisecond
)

func newGroupCluster(t *testing.T) (*kfake.Cluster, []string) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.GroupMinSessionTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, c.ListenAddrs()
}

// clusterView is a config view the test can change.
type clusterView struct {
	mu   sync.Mutex
	view ClusterConfig
}

func (v *clusterView) get() ClusterConfig {
	v.mu.Lock()
	defer v.mu.Unlock()
	return ClusterConfig{Offset: v.view.Offset, Tasks: mapsClone(v.view.Tasks)}
}

func (v *clusterView) set(c ClusterConfig) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.view = c
}

func mapsClone(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// driver plays the herder for one member.
type driver struct {
	t    *testing.T
	name string
	m    *Member
	view *clusterView

	mu       sync.Mutex
	events   []Event
	last     *Assigned
	owned    workSet
	stopped  bool
	onFailed func() // called on a CONFIG_MISMATCH assignment (the herder reads the config topic)

	cancel context.CancelFunc
	done   chan struct{}
}

func startDriver(t *testing.T, brokers []string, name string, compat Compatibility, view *clusterView) *driver {
	t.Helper()
	sc := sarama.NewConfig()
	sc.Version = sarama.V2_8_0_0
	sc.ClientID = name
	sc.Metadata.Retry.Backoff = 20 * time.Millisecond
	m, err := NewMember(MemberConfig{
		Brokers: brokers, Sarama: sc, GroupID: "connect-cluster", URL: "http://" + name + ":8083/", Compatibility: compat,
		SessionTimeout: testSession, RebalanceTimeout: testRebalance, HeartbeatInterval: testHeartbeat, MaxDelay: testMaxDelay,
		Config: view.get, Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})).With("worker", name),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &driver{t: t, name: name, m: m, view: view, cancel: cancel, done: make(chan struct{})}
	go d.run(ctx)
	t.Cleanup(func() { d.stop(false) })
	return d
}

func (d *driver) run(ctx context.Context) {
	defer close(d.done)
	var rejoinAt <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-rejoinAt:
			rejoinAt = nil
			d.m.Rejoin("scheduled rebalance delay expired")
		case <-d.m.Ready():
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			ev, err := d.m.Poll(pctx)
			cancel()
			if err != nil {
				if ctx.Err() == nil && !errors.Is(err, ErrMemberClosed) {
					d.t.Logf("%s: poll: %v", d.name, err)
				}
				continue
			}
			if ev == nil {
				continue
			}
			d.mu.Lock()
			d.events = append(d.events, ev)
			onFailed := d.onFailed
			switch e := ev.(type) {
			case *Revoked:
				var w workSet
				w.connectors.addAll(e.Connectors)
				w.tasks.addAll(e.Tasks)
				d.owned.removeAll(&w)
			case *Assigned:
				d.last = e
				d.owned = workSet{}
				if !e.Assignment.Failed() {
					d.owned.connectors.addAll(e.Connectors)
					d.owned.tasks.addAll(e.Tasks)
				}
			}
			d.mu.Unlock()
			if e, ok := ev.(*Assigned); ok {
				if e.Assignment.Failed() && onFailed != nil {
					onFailed()
				}
				if len(e.Assignment.RevokedConnectors)+len(e.Assignment.RevokedTasks) > 0 {
					d.m.Rejoin("revocations")
				}
				if e.Assignment.Delay > 0 {
					rejoinAt = time.After(e.Assignment.Delay)
				}
			}
		}
	}
}

// stop leaves the group (or, with crash, just goes silent: no LeaveGroup,
// no heartbeats, as a killed process).
func (d *driver) stop(crash bool) {
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return
	}
	d.stopped = true
	d.mu.Unlock()
	d.cancel()
	<-d.done
	if crash {
		d.m.mu.Lock()
		d.m.closed = true
		d.m.mu.Unlock()
		close(d.m.stop)
		d.m.wg.Wait()
		_ = d.m.client.Close()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.m.Stop(ctx); err != nil {
		d.t.Errorf("%s: stop: %v", d.name, err)
	}
}

func (d *driver) state() (last *Assigned, owned workSet, events []Event) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.last, d.owned.clone(), slices.Clone(d.events)
}

// waitGroupSettled waits until every driver has completed the same
// generation, the union of what they own is exactly want (no duplicates),
// nobody has a rebalance pending, and returns that generation.
func waitGroupSettled(t *testing.T, want ClusterConfig, drivers ...*driver) int32 {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var problem string
	for time.Now().Before(deadline) {
		problem = settledProblem(want, drivers)
		if problem == "" {
			last, _, _ := drivers[0].state()
			return last.Generation
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("group did not settle: %s", problem)
	return 0
}

func settledProblem(want ClusterConfig, drivers []*driver) string {
	var gen int32 = -2
	seenC := map[string]string{}
	seenT := map[TaskID]string{}
	leaders := 0
	for _, d := range drivers {
		last, owned, _ := d.state()
		if last == nil {
			return d.name + " has no assignment"
		}
		if d.m.RejoinPending() {
			return d.name + " has a rebalance pending"
		}
		if gen == -2 {
			gen = last.Generation
		} else if last.Generation != gen {
			return fmt.Sprintf("generations differ: %d and %d", gen, last.Generation)
		}
		if last.IsLeader {
			leaders++
		}
		for _, c := range owned.connectors.items {
			if other, dup := seenC[c]; dup {
				return fmt.Sprintf("connector %s on %s and %s", c, other, d.name)
			}
			seenC[c] = d.name
		}
		for _, tk := range owned.tasks.items {
			if other, dup := seenT[tk]; dup {
				return fmt.Sprintf("task %s on %s and %s", tk, other, d.name)
			}
			seenT[tk] = d.name
		}
	}
	if leaders != 1 {
		return fmt.Sprintf("%d leaders", leaders)
	}
	total := 0
	for c, n := range want.Tasks {
		if _, ok := seenC[c]; !ok {
			return "connector " + c + " unassigned"
		}
		for i := range n {
			if _, ok := seenT[TaskID{c, int32(i)}]; !ok {
				return fmt.Sprintf("task %s-%d unassigned", c, i)
			}
		}
		total += n
	}
	if len(seenC) != len(want.Tasks) || len(seenT) != total {
		return fmt.Sprintf("extra work assigned: %v %v", seenC, seenT)
	}
	return ""
}

func names(ds ...*driver) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.name)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestMembershipSessionedJoinLeaveAndDeath(t *testing.T) {
	_, brokers := newGroupCluster(t)
	view := &clusterView{view: ClusterConfig{Offset: 5, Tasks: map[string]int{"logs-to-humio": 4, "audit": 2}}}
	w1 := startDriver(t, brokers, "w1", Sessioned, view)
	gen1 := waitGroupSettled(t, view.get(), w1)
	w2 := startDriver(t, brokers, "w2", Sessioned, view)
	w3 := startDriver(t, brokers, "w3", Sessioned, view)
	gen2 := waitGroupSettled(t, view.get(), w1, w2, w3)
	if gen2 <= gen1 {
		t.Errorf("generation %d after members joined, was %d", gen2, gen1)
	}
	for _, d := range []*driver{w1, w2, w3} {
		last, owned, _ := d.state()
		if last.Protocol != ProtocolSessioned || last.Version != 2 {
			t.Errorf("%s: protocol %s v%d", d.name, last.Protocol, last.Version)
		}
		if last.Assignment.LeaderURL != "http://w1:8083/" || last.Assignment.ConfigOffset != 5 {
			t.Errorf("%s: leader url %q offset %d (w1 joined first and leads)", d.name, last.Assignment.LeaderURL, last.Assignment.ConfigOffset)
		}
		if n := owned.connectors.len() + owned.tasks.len(); n < 2 || n > 3 {
			t.Errorf("%s owns %d items of 8: not balanced", d.name, n)
		}
	}
	if last, _, _ := w1.state(); !last.IsLeader || len(last.TaskOwners) != 6 || len(last.ConnectorOwners) != 2 {
		t.Errorf("leader state: leader %v, owners %v %v", last.IsLeader, last.ConnectorOwners, last.TaskOwners)
	}

	// A member leaves cleanly: the others get its work after the delay.
	w3.stop(false)
	gen3 := waitGroupSettled(t, view.get(), w1, w2)
	if gen3 <= gen2 {
		t.Errorf("generation %d after a member left, was %d", gen3, gen2)
	}

	// A member dies (no LeaveGroup, no heartbeats): after the session
	// timeout the group rebalances, and after the delay w1 has everything.
	_, _, before := w1.state()
	w2.stop(true)
	gen4 := waitGroupSettled(t, view.get(), w1)
	if gen4 <= gen3 {
		t.Errorf("generation %d after a member died, was %d", gen4, gen3)
	}
	// The death was noticed through the coordinator (session timeout, then
	// REBALANCE_IN_PROGRESS on w1's heartbeat).
	_, _, events := w1.state()
	sawRebalance := false
	for _, e := range events[len(before):] {
		if _, ok := e.(*RebalanceNeeded); ok {
			sawRebalance = true
		}
	}
	if !sawRebalance {
		t.Errorf("w1 never heard of a rebalance: %v", events)
	}
}

// The leader leaves: another member becomes leader and the work is placed.
func TestMembershipLeaderChange(t *testing.T) {
	_, brokers := newGroupCluster(t)
	view := &clusterView{view: ClusterConfig{Offset: 2, Tasks: map[string]int{"c": 2}}}
	w1 := startDriver(t, brokers, "w1", Compatible, view)
	waitGroupSettled(t, view.get(), w1)
	w2 := startDriver(t, brokers, "w2", Compatible, view)
	waitGroupSettled(t, view.get(), w1, w2)
	if last, _, _ := w2.state(); last.IsLeader || last.Protocol != ProtocolCompatible {
		t.Fatalf("w2: leader %v protocol %s", last.IsLeader, last.Protocol)
	}
	w1.stop(false)
	waitGroupSettled(t, view.get(), w2)
	last, _, _ := w2.state()
	if !last.IsLeader || last.Assignment.LeaderURL != "http://w2:8083/" || last.Assignment.Leader != w2.m.MemberID() {
		t.Errorf("w2 after the leader left: %+v", last)
	}
}

// Eager: every rebalance starts by revoking everything; assignments are
// complete each time.
func TestMembershipEager(t *testing.T) {
	_, brokers := newGroupCluster(t)
	view := &clusterView{view: ClusterConfig{Offset: 1, Tasks: map[string]int{"a": 2, "b": 1}}}
	w1 := startDriver(t, brokers, "w1", Eager, view)
	waitGroupSettled(t, view.get(), w1)
	w2 := startDriver(t, brokers, "w2", Eager, view)
	waitGroupSettled(t, view.get(), w1, w2)
	last, _, events := w1.state()
	if last.Protocol != ProtocolDefault || last.Version != 0 {
		t.Errorf("protocol %s v%d", last.Protocol, last.Version)
	}
	// w1 revoked all 5 items before rejoining.
	revokedAll := false
	for _, e := range events {
		if r, ok := e.(*Revoked); ok && len(r.Connectors) == 2 && len(r.Tasks) == 3 {
			revokedAll = true
		}
	}
	if !revokedAll {
		t.Errorf("w1 events %v: no full revocation before the eager rebalance", events)
	}
	// Round robin over sorted member ids: 5 items split 3/2.
	_, o1, _ := w1.state()
	_, o2, _ := w2.state()
	if n1, n2 := o1.connectors.len()+o1.tasks.len(), o2.connectors.len()+o2.tasks.len(); n1+n2 != 5 || max(n1, n2) != 3 {
		t.Errorf("split %d/%d", n1, n2)
	}
}

// A compatible worker and an eager worker share a group on "default".
func TestMembershipMixedProtocols(t *testing.T) {
	_, brokers := newGroupCluster(t)
	view := &clusterView{view: ClusterConfig{Offset: 1, Tasks: map[string]int{"a": 1}}}
	w1 := startDriver(t, brokers, "w1", Sessioned, view)
	waitGroupSettled(t, view.get(), w1)
	w2 := startDriver(t, brokers, "w2", Eager, view)
	waitGroupSettled(t, view.get(), w1, w2)
	for _, d := range []*driver{w1, w2} {
		if last, _, _ := d.state(); last.Protocol != ProtocolDefault {
			t.Errorf("%s runs %s, want default", d.name, last.Protocol)
		}
	}
}

// The leader is behind on the config topic: everyone gets
// CONFIG_MISMATCH, reads to the end, and the next round succeeds.
func TestMembershipConfigMismatch(t *testing.T) {
	_, brokers := newGroupCluster(t)
	behind := &clusterView{view: ClusterConfig{Offset: 5, Tasks: map[string]int{"a": 1}}}
	ahead := &clusterView{view: ClusterConfig{Offset: 9, Tasks: map[string]int{"a": 1, "b": 1}}}
	leader := startDriver(t, brokers, "w1", Sessioned, behind)
	waitGroupSettled(t, behind.get(), leader)
	leader.mu.Lock()
	leader.onFailed = func() { behind.set(ahead.get()) } // "read the config topic to its end"
	leader.mu.Unlock()
	follower := startDriver(t, brokers, "w2", Sessioned, ahead)
	waitGroupSettled(t, ahead.get(), leader, follower)
	for _, d := range []*driver{leader, follower} {
		last, _, events := d.state()
		if last.Assignment.ConfigOffset != 9 {
			t.Errorf("%s: final config offset %d", d.name, last.Assignment.ConfigOffset)
		}
		failed := false
		for _, e := range events {
			if a, ok := e.(*Assigned); ok && a.Assignment.Error == ErrorConfigMismatch && a.Assignment.ConfigOffset == 9 {
				failed = true
			}
		}
		if !failed {
			t.Errorf("%s never got CONFIG_MISMATCH: %v", d.name, events)
		}
	}
}

// When the coordinator cannot be reached for a heartbeat interval, the
// member revokes all its work.
func TestMembershipCoordinatorUnreachableRevokesAll(t *testing.T) {
	c, brokers := newGroupCluster(t)
	view := &clusterView{view: ClusterConfig{Offset: 1, Tasks: map[string]int{"a": 2}}}
	w1 := startDriver(t, brokers, "w1", Sessioned, view)
	waitGroupSettled(t, view.get(), w1)
	c.Close()
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, owned, events := w1.state()
		var rev *Revoked
		for _, e := range events {
			if r, ok := e.(*Revoked); ok {
				rev = r
			}
		}
		if rev != nil {
			if len(rev.Connectors) != 1 || len(rev.Tasks) != 2 || !strings.Contains(rev.Reason, "unreachable") || !owned.empty() {
				t.Fatalf("revocation %+v, still owned %s", rev, describe(&owned))
			}
			if !w1.m.RejoinPending() {
				t.Errorf("no rejoin pending after losing the coordinator")
			}
			w1.stop(true) // there is no coordinator left to leave
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no revocation after the coordinator went away: %v", events)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestNewMemberRejectsBadConfig(t *testing.T) {
	good := MemberConfig{Brokers: []string{"x:1"}, GroupID: "g", Config: func() ClusterConfig { return ClusterConfig{} },
		SessionTimeout: time.Second, RebalanceTimeout: time.Second, HeartbeatInterval: 100 * time.Millisecond}
	if _, err := NewMember(good); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*MemberConfig){
		"no group":           func(c *MemberConfig) { c.GroupID = "" },
		"no brokers":         func(c *MemberConfig) { c.Brokers = nil },
		"no config":          func(c *MemberConfig) { c.Config = nil },
		"heartbeat too long": func(c *MemberConfig) { c.HeartbeatInterval = 2 * time.Second },
		"zero session":       func(c *MemberConfig) { c.SessionTimeout = 0 },
	} {
		c := good
		mutate(&c)
		if _, err := NewMember(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A requested rejoin may wait for the owner's next Poll (it may be
// stopping tasks); heartbeats keep the membership alive meanwhile, so the
// member rejoins under the same member id.
func TestMembershipHeartbeatsWhileRejoinWaits(t *testing.T) {
	_, brokers := newGroupCluster(t)
	view := &clusterView{view: ClusterConfig{Offset: 1, Tasks: map[string]int{"a": 1}}}
	m, err := NewMember(MemberConfig{Brokers: brokers, GroupID: "g", URL: "http://w:1/", Compatibility: Sessioned,
		SessionTimeout: testSession, RebalanceTimeout: testRebalance, HeartbeatInterval: testHeartbeat, MaxDelay: testMaxDelay, Config: view.get})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer m.Stop(context.Background())
	pollAssigned := func() *Assigned {
		t.Helper()
		for range 10 {
			ev, err := m.Poll(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if a, ok := ev.(*Assigned); ok {
				return a
			}
		}
		t.Fatal("no assignment")
		return nil
	}
	first := pollAssigned()
	m.Rejoin("test")
	<-time.After(2 * testSession) // the owner is busy for two session timeouts
	second := pollAssigned()
	if second.MemberID != first.MemberID || second.Generation != first.Generation+1 {
		t.Errorf("rejoined as %s gen %d, was %s gen %d: the session expired meanwhile", second.MemberID, second.Generation, first.MemberID, first.Generation)
	}
}
