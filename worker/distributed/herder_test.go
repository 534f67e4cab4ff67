package distributed

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/memstore"
	"github.com/kafka-connect-go/connect/worker/group"
	"github.com/kafka-connect-go/connect/worker/herder"
)

// testHerder is a herder on in-memory stores whose loop the test turns by
// hand; its member never connects, so nothing here touches the network.
func testHerder(t *testing.T) (*Herder, *memstore.ConfigStore, *memstore.StatusStore) {
	t.Helper()
	configs, statuses := memstore.NewConfigStore(), memstore.NewStatusStore()
	m, err := group.NewMember(group.MemberConfig{
		Brokers: []string{"127.0.0.1:1"}, GroupID: "g", URL: "http://w1:8083/",
		SessionTimeout: time.Second, RebalanceTimeout: time.Second, HeartbeatInterval: 100 * time.Millisecond,
		Config: ClusterView(configs),
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{
		WorkerID: "w1:8083", URL: "http://w1:8083/", GroupID: "g",
		Registry: plugin.NewRegistry(), Configs: configs, Statuses: statuses, Member: m,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := configs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := statuses.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return h, configs, statuses
}

// drainMember takes the member's pending signal so a turn does not poll it.
func drainMember(h *Herder) {
	h.pollDue = false
	select {
	case <-h.member.Ready():
	default:
	}
}

// queued waits until n requests wait for the loop.
func queued(t *testing.T, h *Herder, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		h.mu.Lock()
		got := len(h.requests)
		h.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests queued, want %d", got, n)
		}
		time.Sleep(time.Millisecond) // polling the inbox; nothing to wait on
	}
}

// A read that arrives while a config change waits for its rebalance is
// answered 409, as Java's checkRebalanceNeeded does; once the loop asked
// the group to rebalance, reads are served again.
func TestReadsAnswer409WhileARebalanceIsPending(t *testing.T) {
	h, configs, _ := testHerder(t)
	ctx := context.Background()
	if err := configs.PutConnectorConfig(ctx, "c", map[string]string{"connector.class": "X"}, nil); err != nil {
		t.Fatal(err)
	}
	h.snap = configs.Snapshot()
	h.known["c"] = true
	h.assignment = &group.Assigned{Generation: 1}
	h.resolved = true
	drainMember(h)

	// Another worker created a connector: the group must rebalance.
	listener{h}.ConnectorConfigUpdated("new")
	errc := make(chan error, 1)
	go func() {
		_, err := h.ConnectorInfo(ctx, "c")
		errc <- err
	}()
	queued(t, h, 1)
	h.turn()
	err := <-errc
	if !errors.Is(err, herder.ErrRebalanceInProgress) || err.Error() != "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)" {
		t.Fatalf("ConnectorInfo during a pending rebalance: %v, want the 409", err)
	}
	if !h.member.RejoinPending() {
		t.Fatal("the turn did not ask the group to rebalance")
	}

	drainMember(h)
	go func() {
		_, err := h.ConnectorInfo(ctx, "c")
		errc <- err
	}()
	queued(t, h, 1)
	h.turn()
	if err := <-errc; err != nil {
		t.Fatalf("ConnectorInfo after the rebalance was requested: %v", err)
	}
}

// Writes that only the leader may make answer NotLeaderError with the
// leader's URL (REST forwards them); a restart on the leader of work it
// does not run points at the owner.
func TestFollowerAndLeaderRedirects(t *testing.T) {
	h, configs, _ := testHerder(t)
	ctx := context.Background()
	if err := configs.PutConnectorConfig(ctx, "c", map[string]string{"connector.class": "X"}, nil); err != nil {
		t.Fatal(err)
	}
	h.snap = configs.Snapshot()
	h.assignment = &group.Assigned{Generation: 1}
	h.resolved = true
	h.leaderURL = "http://leader:8083/"

	run := func(f func() error) error {
		drainMember(h)
		errc := make(chan error, 1)
		go func() { errc <- f() }()
		queued(t, h, 1)
		h.turn()
		return <-errc
	}
	wantURL := func(what string, err error, url string) {
		t.Helper()
		var nl *herder.NotLeaderError
		if !errors.As(err, &nl) || nl.URL != url {
			t.Fatalf("%s: %v, want NotLeaderError to %s", what, err, url)
		}
	}
	wantURL("delete", run(func() error { return h.DeleteConnector(ctx, "c") }), "http://leader:8083/")
	wantURL("stop", run(func() error { return h.StopConnector(ctx, "c") }), "http://leader:8083/")
	wantURL("restart", run(func() error { return h.RestartConnector(ctx, "c") }), "http://leader:8083/")
	wantURL("reset offsets", run(func() error { _, err := h.ResetConnectorOffsets(ctx, "c"); return err }), "http://leader:8083/")

	h.leader = true
	h.owners = map[string]string{"c": "http://owner:8083/"}
	wantURL("restart on the leader", run(func() error { return h.RestartConnector(ctx, "c") }), "http://owner:8083/")
	if err := run(func() error { return h.StopConnector(ctx, "nope") }); !errors.Is(err, herder.ErrNotFound) || err.Error() != "Unknown connector nope" {
		t.Fatalf("stop of an unknown connector: %v", err)
	}
	// The leader refuses to change offsets of a running connector.
	_, err := func() (string, error) {
		drainMember(h)
		type res struct {
			s   string
			err error
		}
		c := make(chan res, 1)
		go func() { s, err := h.ResetConnectorOffsets(ctx, "c"); c <- res{s, err} }()
		queued(t, h, 1)
		h.turn()
		r := <-c
		return r.s, r.err
	}()
	if !errors.Is(err, herder.ErrBadRequest) {
		t.Fatalf("reset of a running connector's offsets: %v, want 400", err)
	}
}

// Internal requests are checked as Java checks them: 400 without a
// signature or with an algorithm this worker does not accept, 503 before
// a session key was read, 403 when the signature does not match.
func TestVerifyInternalRequestSignatures(t *testing.T) {
	key := &storage.SessionKey{Key: []byte("0123456789abcdef0123456789abcdef"), Algorithm: "HmacSHA256", Created: time.Now()}
	body := []byte(`[{"task.class":"T"}]`)
	mac := hmac.New(sha256.New, key.Key)
	mac.Write(body)
	good := mac.Sum(nil)
	accepted := []string{"HmacSHA256"}
	cases := []struct {
		name    string
		version int16
		key     *storage.SessionKey
		sig     *herder.InternalRequestSignature
		kind    error // nil: accepted
		msg     string
	}{
		{"unsigned, compatible protocol", 1, nil, nil, nil, ""},
		{"unsigned", 2, key, nil, herder.ErrBadRequest, "Internal request missing required signature"},
		{"algorithm only", 2, key, &herder.InternalRequestSignature{Algorithm: "HmacSHA256", Body: body}, herder.ErrBadRequest, "Internal request missing required signature"},
		{"algorithm not accepted", 2, key, &herder.InternalRequestSignature{Algorithm: "HmacSHA512", Signature: good, Body: body}, herder.ErrBadRequest,
			"This worker does not support the 'HmacSHA512' key signing algorithm used by other workers. This worker is currently configured to use: [HmacSHA256]. Check that all workers' configuration files permit the same set of signature algorithms, and correct any misconfigured worker and restart it."},
		{"no session key yet", 2, nil, &herder.InternalRequestSignature{Algorithm: "HmacSHA256", Signature: good, Body: body}, herder.ErrUnavailable,
			"This worker is still starting up and has not been able to read a session key from the config topic yet"},
		{"wrong signature", 2, key, &herder.InternalRequestSignature{Algorithm: "HmacSHA256", Signature: good, Body: []byte(`[]`)}, herder.ErrForbidden,
			"Internal request contained invalid signature."},
		{"good", 2, key, &herder.InternalRequestSignature{Algorithm: "HmacSHA256", Signature: good, Body: body}, nil, ""},
	}
	for _, c := range cases {
		err := verify(c.version, c.key, accepted, c.sig)
		switch {
		case c.kind == nil && err != nil:
			t.Errorf("%s: %v, want accepted", c.name, err)
		case c.kind != nil && (!errors.Is(err, c.kind) || err.Error() != c.msg):
			t.Errorf("%s: %v, want %v %q", c.name, err, c.kind, c.msg)
		}
	}
	// What sign produces, verify accepts.
	s, err := sign("HmacSHA256", key.Key, body)
	if err != nil || s == "" {
		t.Fatal(s, err)
	}
}

// A new leader distributes a session key at once, and rotates it when it
// expires or no longer matches the configured algorithm.
func TestLeaderRotatesTheSessionKey(t *testing.T) {
	h, configs, _ := testHerder(t)
	now := time.UnixMilli(1_700_000_000_000)
	h.cfg.Now = func() time.Time { return now }
	h.version, h.leader = 2, true

	h.rotateSessionKey()
	k := configs.Snapshot().SessionKey
	if k == nil || k.Algorithm != "HmacSHA256" || len(k.Key) != 32 || !k.Created.Equal(now) {
		t.Fatalf("first key %+v", k)
	}
	h.rotateSessionKey()
	if k2 := configs.Snapshot().SessionKey; !k2.Created.Equal(now) || string(k2.Key) != string(k.Key) {
		t.Fatal("a fresh key was replaced")
	}
	now = now.Add(time.Hour)
	h.rotateSessionKey()
	if k3 := configs.Snapshot().SessionKey; !k3.Created.Equal(now) || string(k3.Key) == string(k.Key) {
		t.Fatal("an expired key was not replaced")
	}
	h.sessionKey = &storage.SessionKey{Key: make([]byte, 64), Algorithm: "HmacSHA512", Created: now}
	h.rotateSessionKey()
	if k4 := configs.Snapshot().SessionKey; k4.Algorithm != "HmacSHA256" || len(k4.Key) != 32 {
		t.Fatalf("a key of another algorithm was kept: %+v", k4)
	}
	// Followers and the unsigned protocols never write keys.
	h.leader = false
	before := configs.Snapshot().SessionKey.Created
	now = now.Add(2 * time.Hour)
	h.rotateSessionKey()
	if !configs.Snapshot().SessionKey.Created.Equal(before) {
		t.Fatal("a follower rotated the key")
	}
}

// Secrets resolved from config providers are stored as the references the
// connector config holds, not as their values.
func TestReverseTransformKeepsProviderReferences(t *testing.T) {
	conn := map[string]string{"password": "${file:/secrets:pw}", "topics": "t", "plain": "a ${not a ref"}
	got := reverseTransform(conn, []map[string]string{{"password": "hunter2", "topics": "t", "plain": "a ${not a ref", "task.class": "T"}})
	want := map[string]string{"password": "${file:/secrets:pw}", "topics": "t", "plain": "a ${not a ref", "task.class": "T"}
	for k, v := range want {
		if got[0][k] != v {
			t.Errorf("%s = %q, want %q", k, got[0][k], v)
		}
	}
}

func TestTaskConfigsChanged(t *testing.T) {
	conn := map[string]string{"connector.class": "X", "tasks.max": "2"}
	snap := &storage.ConfigSnapshot{
		Connectors:              map[string]map[string]string{"c": conn},
		TaskConfigs:             map[storage.TaskID]map[string]string{{Connector: "c", Task: 0}: {"a": "1"}},
		TaskCounts:              map[string]int{"c": 1},
		AppliedConnectorConfigs: map[string]map[string]string{"c": conn},
	}
	same := []map[string]string{{"a": "1"}}
	if taskConfigsChanged(snap, "c", same) {
		t.Error("identical configs reported changed")
	}
	if !taskConfigsChanged(snap, "c", []map[string]string{{"a": "2"}}) {
		t.Error("a changed config was not noticed")
	}
	if !taskConfigsChanged(snap, "c", append(same, map[string]string{"a": "1"})) {
		t.Error("a new task was not noticed")
	}
	snap.AppliedConnectorConfigs = map[string]map[string]string{"c": {"connector.class": "X", "tasks.max": "1"}}
	if !taskConfigsChanged(snap, "c", same) {
		t.Error("a connector config change since the last commit was not noticed")
	}
	snap.AppliedConnectorConfigs = nil
	snap.Inconsistent = map[string]bool{"c": true}
	if !taskConfigsChanged(snap, "c", same) {
		t.Error("an inconsistent connector was not regenerated")
	}
}

// Pending restart requests keep the most impactful one, as Java ranks them.
func TestRestartRequestsKeepTheMostImpactful(t *testing.T) {
	h, _, _ := testHerder(t)
	l := listener{h}
	l.RestartRequested(storage.RestartRequest{Connector: "c", OnlyFailed: true})
	l.RestartRequested(storage.RestartRequest{Connector: "c", IncludeTasks: true})
	l.RestartRequested(storage.RestartRequest{Connector: "c", OnlyFailed: true, IncludeTasks: true})
	h.foldNotes()
	if got := h.pendingRestarts["c"]; got != (storage.RestartRequest{Connector: "c", IncludeTasks: true}) {
		t.Fatalf("pending restart %+v", got)
	}
}

// Statuses are written in the order they happened; a flush returns once
// every earlier one is stored; safe writes do not overwrite a newer owner.
func TestStatusWriterOrderAndFlush(t *testing.T) {
	statuses := memstore.NewStatusStore()
	ctx := context.Background()
	if err := statuses.Start(ctx); err != nil {
		t.Fatal(err)
	}
	w := newStatusWriter(statuses, slog.New(slog.DiscardHandler))
	done := make(chan struct{})
	go func() { w.run(); close(done) }()
	id := storage.TaskID{Connector: "c", Task: 0}
	w.task(id, storage.Status{State: storage.StateRunning, WorkerID: "a", Generation: 1}, false)
	w.task(id, storage.Status{State: storage.StatePaused, WorkerID: "a", Generation: 1}, false)
	w.task(id, storage.Status{State: storage.StateRunning, WorkerID: "b", Generation: 2}, false)
	// The old owner's late UNASSIGNED must not replace the new owner's RUNNING.
	w.task(id, storage.Status{State: storage.StateUnassigned, WorkerID: "a", Generation: 1}, true)
	if err := w.flush(ctx); err != nil {
		t.Fatal(err)
	}
	if s, _ := statuses.Task(id); s.State != storage.StateRunning || s.WorkerID != "b" {
		t.Fatalf("status after flush %+v", s)
	}
	if err := w.close(ctx); err != nil {
		t.Fatal(err)
	}
	<-done
}

// recordingRuntime stands in for the Worker: it records what the herder
// asks it to run and stop.
type recordingRuntime struct {
	Runtime // not called by these tests
	mu      sync.Mutex
	calls   []string
}

func (r *recordingRuntime) record(s string) {
	r.mu.Lock()
	r.calls = append(r.calls, s)
	r.mu.Unlock()
}

func (r *recordingRuntime) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.calls
	r.calls = nil
	return out
}

func (r *recordingRuntime) StartConnector(_ context.Context, name string, _ map[string]string, target storage.TargetState) error {
	r.record("start " + name + " " + string(target))
	return nil
}

func (r *recordingRuntime) StopConnector(_ context.Context, name string) error {
	r.record("stop " + name)
	return nil
}

func (r *recordingRuntime) StartTask(_ context.Context, id storage.TaskID, _, _ map[string]string, _ storage.TargetState) error {
	r.record("start " + id.String())
	return nil
}

func (r *recordingRuntime) StopTasks(_ context.Context, ids ...storage.TaskID) error {
	for _, id := range ids {
		r.record("stop " + id.String())
	}
	return nil
}

// Work starts only once the worker has read the config topic exactly to
// the assignment's offset; revoked work stops and the worker rejoins; the
// leader removes the statuses of deleted connectors.
func TestAssignmentsStartWorkAtTheirConfigOffset(t *testing.T) {
	h, configs, statuses := testHerder(t)
	rt := &recordingRuntime{}
	h.rt = rt
	go h.writer.run()
	ctx := context.Background()
	if err := configs.PutConnectorConfig(ctx, "c", map[string]string{"connector.class": "X"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := configs.PutTaskConfigs(ctx, "c", []map[string]string{{"t": "0"}, {"t": "1"}}); err != nil {
		t.Fatal(err)
	}
	offset := configs.Snapshot().Offset
	tasks := []group.TaskID{{Connector: "c", Task: 0}, {Connector: "c", Task: 1}}
	drainMember(h)

	// The assignment was computed at a config offset this worker has not
	// reached: nothing starts, the worker rejoins.
	h.onAssigned(&group.Assigned{Generation: 3, Version: 2, Assignment: group.Assignment{ConfigOffset: offset + 1},
		Connectors: []string{"c"}, Tasks: tasks})
	if h.completeRebalance() {
		t.Fatal("work started behind the assignment's config offset")
	}
	if got := rt.take(); len(got) != 0 {
		t.Fatalf("started %v", got)
	}
	if !h.member.RejoinPending() {
		t.Fatal("no rejoin requested")
	}

	h.onAssigned(&group.Assigned{Generation: 4, Version: 2, Assignment: group.Assignment{ConfigOffset: offset},
		Connectors: []string{"c"}, Tasks: tasks})
	if !h.completeRebalance() || !h.Ready() {
		t.Fatal("work did not start at the assignment's offset")
	}
	if got, want := rt.take(), []string{"start c STARTED", "start c-0", "start c-1"}; !slices.Equal(got, want) {
		t.Fatalf("started %v, want %v", got, want)
	}
	if h.generation.Load() != 4 {
		t.Fatalf("generation %d", h.generation.Load())
	}

	// Task 1 is revoked: it stops, and the worker rejoins so it can be
	// placed elsewhere. Statuses of a deleted connector are tombstoned by
	// the leader.
	if err := statuses.PutConnector(ctx, "gone", storage.Status{State: storage.StateUnassigned, WorkerID: "w2:8083"}); err != nil {
		t.Fatal(err)
	}
	if err := statuses.PutTask(ctx, storage.TaskID{Connector: "gone", Task: 0}, storage.Status{State: storage.StateUnassigned, WorkerID: "w2:8083"}); err != nil {
		t.Fatal(err)
	}
	drainMember(h)
	h.onAssigned(&group.Assigned{Generation: 5, Version: 2, IsLeader: true,
		Assignment: group.Assignment{ConfigOffset: offset, RevokedTasks: tasks[1:]},
		Connectors: []string{"c"}, Tasks: tasks[:1]})
	if got, want := rt.take(), []string{"stop c-1"}; !slices.Equal(got, want) {
		t.Fatalf("revocation did %v, want %v", got, want)
	}
	if h.completeRebalance() {
		t.Fatal("a revocation must be followed by a rejoin")
	}
	if !h.member.RejoinPending() {
		t.Fatal("no rejoin after the revocation")
	}
	if got := rt.take(); len(got) != 0 {
		t.Fatalf("revoked work restarted: %v", got)
	}
	if err := h.writer.flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := statuses.Connector("gone"); ok {
		t.Fatal("the deleted connector's status is still there")
	}
	if _, ok := statuses.Task(storage.TaskID{Connector: "gone", Task: 0}); ok {
		t.Fatal("the deleted connector's task status is still there")
	}
	h.writer.close(ctx)
}
