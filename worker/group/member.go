package group

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/cenkalti/backoff/v4"
)

// MemberConfig configures a Member.
type MemberConfig struct {
	// Brokers are the bootstrap servers.
	Brokers []string
	// Sarama is the base client configuration (security, client id,
	// version); the member copies it and sets its own timeouts on the
	// copy. Nil means sarama.NewConfig() with version 2.8.
	Sarama *sarama.Config
	// GroupID is the worker's group.id.
	GroupID string
	// URL is the advertised REST URL other workers forward requests to.
	URL string
	// Compatibility is connect.protocol.
	Compatibility Compatibility
	// SessionTimeout, RebalanceTimeout and HeartbeatInterval are
	// session.timeout.ms, rebalance.timeout.ms and heartbeat.interval.ms.
	SessionTimeout    time.Duration
	RebalanceTimeout  time.Duration
	HeartbeatInterval time.Duration
	// MaxDelay is scheduled.rebalance.max.delay.ms, used when this member
	// leads with an incremental protocol.
	MaxDelay time.Duration
	// Config returns the config store's current view. It is called from
	// Poll: for the config offset sent in JoinGroup, and when leading.
	Config func() ClusterConfig
	// Logger receives the member's logs. Nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// ErrMemberClosed is returned by a Member used after Stop.
var ErrMemberClosed = errors.New("group member closed")

// Event is something Poll reports: *Revoked, *Assigned or *RebalanceNeeded.
type Event interface{ event() }

// Revoked tells the owner to stop work now, before the member rejoins:
// all of it when an eager rebalance starts, or when the group coordinator
// was unreachable for a heartbeat interval (the member may no longer be in
// the group, and must not run work others may have taken over).
type Revoked struct {
	Leader     string // the leader of the assignment the work came from
	Connectors []string
	Tasks      []TaskID
	Reason     string
}

// Assigned reports a completed rebalance.
type Assigned struct {
	Generation int32
	MemberID   string
	Protocol   string // the sub-protocol the group runs
	Version    int16  // its wire version: 0 eager, 1 compatible, 2 sessioned
	// Assignment is what the leader sent this member. Its Error is
	// ErrorConfigMismatch when the leader was behind on the config topic:
	// the owner reads the config topic to its end; the member rejoins by
	// itself. With an incremental protocol the owner stops the revoked
	// work before starting anything, then calls Rejoin so the freed work
	// can be placed; a non-zero Delay asks it to Rejoin after the delay.
	Assignment Assignment
	// Connectors and Tasks are everything this member owns now: with an
	// incremental protocol, what it had minus what was revoked plus what
	// was assigned.
	Connectors []string
	Tasks      []TaskID
	// IsLeader is true when this member is the group leader; then
	// ConnectorOwners and TaskOwners map work to the owner's URL.
	IsLeader        bool
	ConnectorOwners map[string]string
	TaskOwners      map[TaskID]string
}

// RebalanceNeeded reports that the group started a rebalance (the
// coordinator said so, or this member's generation is no longer valid).
// Poll will rejoin on its next call.
type RebalanceNeeded struct{ Reason string }

func (*Revoked) event()         {}
func (*Assigned) event()        {}
func (*RebalanceNeeded) event() {}

type memberState int

const (
	unjoined memberState = iota
	stable
)

// Member is this worker's membership of the Connect group. One goroutine
// (the herder's) drives it: it waits on Ready and then calls Poll, which
// does whatever is pending (reporting queued events, joining, syncing)
// and returns at most one event. A heartbeat goroutine owned by the Member
// keeps the membership alive between polls and asks for a poll when the
// group rebalances.
type Member struct {
	cfg    MemberConfig
	logger *slog.Logger
	now    func() time.Time
	client sarama.Client
	hbConf *sarama.Config
	coop   *CooperativeAssignor

	ready chan struct{}
	stop  chan struct{}
	wg    sync.WaitGroup

	mu            sync.Mutex
	closed        bool
	state         memberState
	memberID      string
	generation    int32
	lastCompleted int32
	protocol      string // the group's sub-protocol after a join; "" before
	rejoin        bool
	prepared      bool        // an eager revocation was reported for this rebalance
	snapshot      *Assignment // the merged assignment this member owns
	pending       []Event
	hbBroker      *sarama.Broker
	lostSince     time.Time // when the coordinator became unreachable; zero when fine
}

// NewMember checks the configuration; Start connects.
func NewMember(cfg MemberConfig) (*Member, error) {
	switch {
	case cfg.GroupID == "":
		return nil, errors.New("group member: group.id is empty")
	case len(cfg.Brokers) == 0:
		return nil, errors.New("group member: no bootstrap servers given")
	case cfg.Config == nil:
		return nil, errors.New("group member: no config view given")
	case cfg.SessionTimeout <= 0 || cfg.RebalanceTimeout <= 0 || cfg.HeartbeatInterval <= 0:
		return nil, fmt.Errorf("group member: session.timeout.ms=%d, rebalance.timeout.ms=%d, heartbeat.interval.ms=%d: all must be positive",
			cfg.SessionTimeout.Milliseconds(), cfg.RebalanceTimeout.Milliseconds(), cfg.HeartbeatInterval.Milliseconds())
	case cfg.HeartbeatInterval >= cfg.SessionTimeout:
		return nil, fmt.Errorf("group member: heartbeat.interval.ms=%d must be lower than session.timeout.ms=%d",
			cfg.HeartbeatInterval.Milliseconds(), cfg.SessionTimeout.Milliseconds())
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	m := &Member{
		cfg:           cfg,
		logger:        logger.With("group", cfg.GroupID),
		now:           now,
		coop:          NewCooperativeAssignor(cfg.MaxDelay),
		ready:         make(chan struct{}, 1),
		stop:          make(chan struct{}),
		generation:    -1,
		lastCompleted: -1,
		rejoin:        true,
	}
	m.ready <- struct{}{}
	return m, nil
}

func (m *Member) baseConfig() sarama.Config {
	if m.cfg.Sarama != nil {
		return *m.cfg.Sarama
	}
	c := sarama.NewConfig()
	c.Version = sarama.V2_8_0_0
	return *c
}

// Start connects to the cluster and starts heartbeating. ctx bounds only
// the connection.
func (m *Member) Start(ctx context.Context) error {
	c := m.baseConfig()
	// A JoinGroup answer may take the whole rebalance timeout (Java waits
	// rebalance.timeout.ms + 5 s for it).
	c.Net.ReadTimeout = max(c.Net.ReadTimeout, m.cfg.RebalanceTimeout+5*time.Second)
	// Discovering an unreachable coordinator must fail within about a
	// heartbeat interval for the revocation rule to mean anything.
	c.Net.DialTimeout = min(c.Net.DialTimeout, max(m.cfg.HeartbeatInterval, 100*time.Millisecond))
	client, err := sarama.NewClient(m.cfg.Brokers, &c)
	if err != nil {
		return fmt.Errorf("group %q: connect to %v: %w", m.cfg.GroupID, m.cfg.Brokers, err)
	}
	m.client = client
	hb := m.baseConfig()
	hb.Net.ReadTimeout = m.cfg.SessionTimeout
	hb.Net.WriteTimeout = m.cfg.SessionTimeout
	hb.Net.DialTimeout = c.Net.DialTimeout
	m.hbConf = &hb
	m.wg.Go(m.heartbeatLoop)
	return nil
}

// Ready receives a value whenever Poll has something to do. The owner
// selects on it together with its other work.
func (m *Member) Ready() <-chan struct{} { return m.ready }

func (m *Member) signal() {
	select {
	case m.ready <- struct{}{}:
	default:
	}
}

// Rejoin asks for a rebalance: Poll will rejoin the group.
func (m *Member) Rejoin(reason string) {
	m.mu.Lock()
	m.rejoin = true
	m.mu.Unlock()
	m.logger.Info("rejoining the group", "reason", reason)
	m.signal()
}

// RejoinPending reports whether the member is not in a stable generation
// (joining, or asked to rejoin). The herder answers REST writes with 409
// meanwhile.
func (m *Member) RejoinPending() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rejoin || m.state != stable || (m.snapshot != nil && m.snapshot.Failed())
}

// MemberID returns the member id of the current generation ("" if none).
func (m *Member) MemberID() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.memberID
}

// Generation returns the current generation (-1 if none).
func (m *Member) Generation() int32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.generation
}

// eager reports whether the member runs, or will start with, the eager
// protocol; the caller holds mu.
func (m *Member) eager() bool {
	if m.protocol != "" {
		return m.protocol == ProtocolDefault
	}
	return m.cfg.Compatibility == Eager
}

// Poll does what is pending and returns at most one event; nil when there
// was nothing to do. Joining blocks until the group formed (at most about
// the rebalance timeout) or ctx ends; when ctx ends first Poll returns its
// error and will try again on the next call.
func (m *Member) Poll(ctx context.Context) (Event, error) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, ErrMemberClosed
	}
	if len(m.pending) > 0 {
		ev := m.pending[0]
		m.pending = m.pending[1:]
		m.mu.Unlock()
		m.signal() // there may be more to do
		return ev, nil
	}
	failed := m.snapshot != nil && m.snapshot.Failed()
	if !m.rejoin && m.state == stable && !failed {
		m.mu.Unlock()
		return nil, nil
	}
	// Eager: stop everything before joining, once per rebalance.
	if m.eager() && !m.prepared && m.snapshot != nil && !failed && (len(m.snapshot.Connectors) > 0 || len(m.snapshot.Tasks) > 0) {
		m.prepared = true
		ev := &Revoked{Leader: m.snapshot.Leader, Connectors: slices.Clone(m.snapshot.Connectors), Tasks: slices.Clone(m.snapshot.Tasks), Reason: "eager rebalance"}
		m.mu.Unlock()
		m.signal()
		return ev, nil
	}
	m.state = unjoined
	m.rejoin = true
	m.mu.Unlock()

	ev, err := m.joinGroup(ctx)
	if err != nil {
		m.signal() // still to do
		return nil, err
	}
	m.mu.Lock()
	more := m.rejoin || len(m.pending) > 0
	m.mu.Unlock()
	if more {
		m.signal() // a failed assignment rejoins by itself
	}
	return ev, nil
}

// joinGroup runs JoinGroup and SyncGroup until this member has an
// assignment, retrying the errors the protocol expects.
func (m *Member) joinGroup(ctx context.Context) (Event, error) {
	b := backoff.WithContext(backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(50*time.Millisecond),
		backoff.WithMaxInterval(2*time.Second),
		backoff.WithMaxElapsedTime(0)), ctx)
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("group %q: join: %w", m.cfg.GroupID, err)
		}
		ev, retry, err := m.joinOnce()
		if err != nil && !retry {
			return nil, err
		}
		if err == nil && ev != nil {
			return ev, nil
		}
		if err != nil {
			m.logger.Debug("joining the group failed, retrying", "error", err)
		}
		if retry && err == nil {
			continue // e.g. MEMBER_ID_REQUIRED: at once
		}
		wait := b.NextBackOff()
		if wait == backoff.Stop {
			return nil, fmt.Errorf("group %q: join: %w", m.cfg.GroupID, ctx.Err())
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("group %q: join: %w", m.cfg.GroupID, ctx.Err())
		case <-m.stop:
			return nil, ErrMemberClosed
		case <-time.After(wait):
		}
	}
}

// requestVersions picks request versions for the configured Kafka version.
func (m *Member) syncVersion() int16 {
	if m.client.Config().Version.IsAtLeast(sarama.V2_4_0_0) {
		return 4
	}
	return 2
}

// joinOnce is one JoinGroup + SyncGroup round trip. retry says whether
// the caller should try again (after a backoff when err is set).
func (m *Member) joinOnce() (ev Event, retry bool, err error) {
	coord, err := m.client.Coordinator(m.cfg.GroupID)
	if err != nil {
		_ = m.client.RefreshCoordinator(m.cfg.GroupID)
		return nil, true, fmt.Errorf("find coordinator: %w", err)
	}
	view := m.cfg.Config()
	m.mu.Lock()
	md := MemberMetadata{URL: m.cfg.URL, ConfigOffset: view.Offset}
	if m.snapshot != nil {
		a := *m.snapshot
		md.Allocation = &a
	}
	memberID := m.memberID
	m.mu.Unlock()
	protocols, err := m.cfg.Compatibility.JoinProtocols(md)
	if err != nil {
		return nil, false, fmt.Errorf("group %q: %w", m.cfg.GroupID, err)
	}
	req := sarama.NewJoinGroupRequest(m.client.Config().Version)
	req.GroupId = m.cfg.GroupID
	req.SessionTimeout = int32(m.cfg.SessionTimeout.Milliseconds())
	req.RebalanceTimeout = int32(m.cfg.RebalanceTimeout.Milliseconds())
	req.MemberId = memberID
	req.ProtocolType = ProtocolType
	for _, p := range protocols {
		req.AddGroupProtocol(p.Name, p.Metadata)
	}
	resp, err := coord.JoinGroup(req)
	if err != nil {
		m.coordinatorFailed(coord)
		return nil, true, fmt.Errorf("join group via broker %d: %w", coord.ID(), err)
	}
	switch {
	case errors.Is(resp.Err, sarama.ErrNoError):
	case errors.Is(resp.Err, sarama.ErrMemberIdRequired):
		m.mu.Lock()
		m.memberID = resp.MemberId
		m.mu.Unlock()
		return nil, true, nil
	case errors.Is(resp.Err, sarama.ErrUnknownMemberId):
		m.resetGeneration(true)
		return nil, true, fmt.Errorf("join group: %w", resp.Err)
	case errors.Is(resp.Err, sarama.ErrNotCoordinatorForConsumer), errors.Is(resp.Err, sarama.ErrConsumerCoordinatorNotAvailable):
		m.coordinatorFailed(coord)
		return nil, true, fmt.Errorf("join group: %w", resp.Err)
	case errors.Is(resp.Err, sarama.ErrRebalanceInProgress), errors.Is(resp.Err, sarama.ErrOffsetsLoadInProgress):
		return nil, true, fmt.Errorf("join group: %w", resp.Err)
	default:
		// INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT,
		// GROUP_AUTHORIZATION_FAILED, GROUP_MAX_SIZE_REACHED...: the
		// configuration is wrong; say so to the owner.
		return nil, false, fmt.Errorf("group %q: join group: %w", m.cfg.GroupID, resp.Err)
	}
	version, err := ProtocolVersion(resp.GroupProtocol)
	if err != nil {
		return nil, false, fmt.Errorf("group %q: the coordinator chose %w", m.cfg.GroupID, err)
	}
	m.mu.Lock()
	m.memberID = resp.MemberId
	m.generation = resp.GenerationId
	m.protocol = resp.GroupProtocol
	lastCompleted := m.lastCompleted
	m.mu.Unlock()
	m.logger.Info("joined group", "generation", resp.GenerationId, "member_id", resp.MemberId, "protocol", resp.GroupProtocol, "leader", resp.LeaderId)

	sync := &sarama.SyncGroupRequest{Version: m.syncVersion(), GroupId: m.cfg.GroupID, GenerationId: resp.GenerationId, MemberId: resp.MemberId}
	var owners AssignResult
	isLeader := resp.LeaderId == resp.MemberId
	if isLeader {
		members := map[string]MemberMetadata{}
		for _, gm := range resp.Members {
			md, err := DecodeMetadata(gm.Metadata)
			if err != nil {
				return nil, true, fmt.Errorf("group %q: metadata of member %s: %w", m.cfg.GroupID, gm.MemberId, err)
			}
			members[gm.MemberId] = md
		}
		areq := AssignRequest{LeaderID: resp.MemberId, Version: version, Members: members, Config: view, FreshConfig: m.cfg.Config,
			Generation: resp.GenerationId, LastCompletedGeneration: lastCompleted, Now: m.now()}
		if version == 0 {
			owners = EagerAssign(areq)
		} else {
			owners = m.coop.Assign(areq)
		}
		for id, a := range owners.Assignments {
			b, err := EncodeAssignment(version, a)
			if err != nil {
				return nil, false, fmt.Errorf("group %q: assignment of member %s: %w", m.cfg.GroupID, id, err)
			}
			sync.AddGroupAssignment(id, b)
		}
	}
	sresp, err := coord.SyncGroup(sync)
	if err != nil {
		m.coordinatorFailed(coord)
		return nil, true, fmt.Errorf("sync group via broker %d: %w", coord.ID(), err)
	}
	switch {
	case errors.Is(sresp.Err, sarama.ErrNoError):
	case errors.Is(sresp.Err, sarama.ErrRebalanceInProgress):
		return nil, true, fmt.Errorf("sync group: %w", sresp.Err)
	case errors.Is(sresp.Err, sarama.ErrUnknownMemberId):
		m.resetGeneration(true)
		return nil, true, fmt.Errorf("sync group: %w", sresp.Err)
	case errors.Is(sresp.Err, sarama.ErrIllegalGeneration):
		m.resetGeneration(false)
		return nil, true, fmt.Errorf("sync group: %w", sresp.Err)
	case errors.Is(sresp.Err, sarama.ErrNotCoordinatorForConsumer), errors.Is(sresp.Err, sarama.ErrConsumerCoordinatorNotAvailable):
		m.coordinatorFailed(coord)
		return nil, true, fmt.Errorf("sync group: %w", sresp.Err)
	default:
		return nil, false, fmt.Errorf("group %q: sync group: %w", m.cfg.GroupID, sresp.Err)
	}
	a, err := DecodeAssignment(sresp.MemberAssignment)
	if err != nil {
		return nil, true, fmt.Errorf("group %q: assignment from leader %s: %w", m.cfg.GroupID, resp.LeaderId, err)
	}
	return m.completeJoin(resp.GenerationId, resp.MemberId, resp.GroupProtocol, version, a, isLeader, owners), false, nil
}

// completeJoin applies a received assignment (Java's onJoinComplete).
func (m *Member) completeJoin(generation int32, memberID, protocol string, version int16, a Assignment, isLeader bool, owners AssignResult) *Assigned {
	m.mu.Lock()
	defer m.mu.Unlock()
	merged := a
	merged.Connectors = slices.Clone(a.Connectors)
	merged.Tasks = slices.Clone(a.Tasks)
	if version > 0 && m.snapshot != nil {
		// Keep what we run, minus what is revoked, plus what is new.
		var w workSet
		w.connectors.addAll(merged.Connectors)
		w.tasks.addAll(merged.Tasks)
		for _, c := range m.snapshot.Connectors {
			if !slices.Contains(a.RevokedConnectors, c) {
				w.connectors.add(c)
			}
		}
		for _, t := range m.snapshot.Tasks {
			if !slices.Contains(a.RevokedTasks, t) {
				w.tasks.add(t)
			}
		}
		merged.Connectors = w.connectors.list()
		merged.Tasks = w.tasks.list()
	}
	m.snapshot = &merged
	m.lastCompleted = generation
	m.state = stable
	m.rejoin = false
	m.prepared = false
	m.lostSince = time.Time{}
	ev := &Assigned{
		Generation: generation, MemberID: memberID, Protocol: protocol, Version: version,
		Assignment: a, Connectors: slices.Clone(merged.Connectors), Tasks: slices.Clone(merged.Tasks),
		IsLeader: isLeader && a.Leader == memberID,
	}
	if ev.IsLeader {
		ev.ConnectorOwners, ev.TaskOwners = owners.ConnectorOwners, owners.TaskOwners
	}
	if a.Failed() {
		// The leader was behind on the config topic: read and rejoin.
		m.rejoin = true
		m.state = unjoined
	}
	m.logger.Info("received assignment", "generation", generation, "leader", a.Leader, "config_offset", a.ConfigOffset,
		"error", a.Error, "connectors", len(a.Connectors), "tasks", len(a.Tasks),
		"revoked_connectors", len(a.RevokedConnectors), "revoked_tasks", len(a.RevokedTasks), "delay", a.Delay)
	return ev
}

// resetGeneration forgets the generation (and the member id) after the
// coordinator rejected them.
func (m *Member) resetGeneration(memberID bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.generation = -1
	if memberID {
		m.memberID = ""
	}
	m.state = unjoined
	m.rejoin = true
}

// coordinatorFailed drops the connection to a coordinator that failed and
// looks it up again.
func (m *Member) coordinatorFailed(coord *sarama.Broker) {
	_ = coord.Close()
	_ = m.client.RefreshCoordinator(m.cfg.GroupID)
}

// heartbeatLoop sends heartbeats while the member is in a stable
// generation, until Stop.
func (m *Member) heartbeatLoop() {
	t := time.NewTicker(m.cfg.HeartbeatInterval)
	defer t.Stop()
	defer m.closeHeartbeatBroker()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
		}
		m.heartbeat()
	}
}

func (m *Member) closeHeartbeatBroker() {
	m.mu.Lock()
	b := m.hbBroker
	m.hbBroker = nil
	m.mu.Unlock()
	if b != nil {
		_ = b.Close()
	}
}

func (m *Member) heartbeat() {
	// Heartbeats go on while a requested rejoin waits for the owner's next
	// Poll (it may be stopping work for a while); they stop once Poll
	// starts joining.
	m.mu.Lock()
	if m.state != stable || m.closed {
		m.mu.Unlock()
		return
	}
	gen, id := m.generation, m.memberID
	b := m.hbBroker
	m.mu.Unlock()

	if b == nil {
		coord, err := m.client.Coordinator(m.cfg.GroupID)
		if err != nil {
			m.coordinatorUnreachable(fmt.Errorf("find coordinator: %w", err))
			return
		}
		// A connection of our own, with short timeouts, so a heartbeat
		// never waits behind a JoinGroup.
		b = sarama.NewBroker(coord.Addr())
		if err := b.Open(m.hbConf); err != nil && !errors.Is(err, sarama.ErrAlreadyConnected) {
			m.coordinatorUnreachable(fmt.Errorf("connect to coordinator %s: %w", coord.Addr(), err))
			return
		}
		m.mu.Lock()
		m.hbBroker = b
		m.mu.Unlock()
	}
	version := int16(0)
	if m.client.Config().Version.IsAtLeast(sarama.V2_4_0_0) {
		version = 4
	} else if m.client.Config().Version.IsAtLeast(sarama.V2_0_0_0) {
		version = 2
	}
	resp, err := b.Heartbeat(&sarama.HeartbeatRequest{Version: version, GroupId: m.cfg.GroupID, GenerationId: gen, MemberId: id})
	if err != nil {
		m.closeHeartbeatBroker()
		_ = m.client.RefreshCoordinator(m.cfg.GroupID)
		m.coordinatorUnreachable(fmt.Errorf("heartbeat: %w", err))
		return
	}
	switch {
	case errors.Is(resp.Err, sarama.ErrNoError):
		m.mu.Lock()
		m.lostSince = time.Time{}
		m.mu.Unlock()
	case errors.Is(resp.Err, sarama.ErrRebalanceInProgress):
		m.needRebalance("the group is rebalancing", false, false)
	case errors.Is(resp.Err, sarama.ErrIllegalGeneration):
		m.needRebalance("generation no longer valid", true, false)
	case errors.Is(resp.Err, sarama.ErrUnknownMemberId):
		m.needRebalance("member no longer known to the coordinator", true, true)
	case errors.Is(resp.Err, sarama.ErrNotCoordinatorForConsumer), errors.Is(resp.Err, sarama.ErrConsumerCoordinatorNotAvailable):
		m.closeHeartbeatBroker()
		_ = m.client.RefreshCoordinator(m.cfg.GroupID)
		m.coordinatorUnreachable(fmt.Errorf("heartbeat: %w", resp.Err))
	default:
		m.logger.Warn("heartbeat failed", "error", resp.Err)
	}
}

func (m *Member) needRebalance(reason string, resetGen, resetID bool) {
	m.mu.Lock()
	if resetGen {
		m.generation = -1
		m.state = unjoined
	}
	if resetID {
		m.memberID = ""
	}
	if !m.rejoin {
		m.rejoin = true
		m.pending = append(m.pending, &RebalanceNeeded{Reason: reason})
	}
	m.mu.Unlock()
	m.logger.Info("rebalance needed", "reason", reason)
	m.signal()
}

// coordinatorUnreachable applies Java's rule: when the coordinator cannot
// be reached for a heartbeat interval, stop all work (the group may have
// moved on without us) and rejoin when it is back.
func (m *Member) coordinatorUnreachable(cause error) {
	m.mu.Lock()
	now := m.now()
	if m.lostSince.IsZero() {
		m.lostSince = now
	}
	var ev *Revoked
	if now.Sub(m.lostSince) >= m.cfg.HeartbeatInterval && m.snapshot != nil && !m.snapshot.Failed() {
		ev = &Revoked{Leader: m.snapshot.Leader, Connectors: slices.Clone(m.snapshot.Connectors), Tasks: slices.Clone(m.snapshot.Tasks),
			Reason: fmt.Sprintf("group coordinator unreachable for %v", now.Sub(m.lostSince).Round(time.Millisecond))}
		m.pending = append(m.pending, ev)
		m.snapshot = nil
		m.state = unjoined
		m.rejoin = true
	}
	m.mu.Unlock()
	if ev != nil {
		m.logger.Warn("group coordinator unreachable; revoking all work", "error", cause)
		m.signal()
	} else {
		m.logger.Debug("group coordinator unreachable", "error", cause)
	}
}

// Leave sends LeaveGroup so the group rebalances without waiting for the
// session timeout, and forgets the generation. The owner has stopped (or
// is about to stop) its work.
func (m *Member) Leave(ctx context.Context) error {
	m.mu.Lock()
	id := m.memberID
	m.memberID = ""
	m.generation = -1
	m.state = unjoined
	m.rejoin = true
	m.snapshot = nil
	m.mu.Unlock()
	m.closeHeartbeatBroker()
	if id == "" || m.client == nil {
		return nil
	}
	coord, err := m.client.Coordinator(m.cfg.GroupID)
	if err != nil {
		return fmt.Errorf("group %q: leave: find coordinator: %w", m.cfg.GroupID, err)
	}
	req := &sarama.LeaveGroupRequest{GroupId: m.cfg.GroupID}
	if m.client.Config().Version.IsAtLeast(sarama.V2_4_0_0) {
		req.Version = 3
		req.Members = []sarama.MemberIdentity{{MemberId: id}}
	} else {
		req.Version = 1
		req.MemberId = id
	}
	// A connection of our own with the heartbeat's short timeouts: the
	// shared one may be waiting on a JoinGroup, and a dead coordinator must
	// not hold the shutdown for the whole rebalance timeout.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("group %q: leave: %w", m.cfg.GroupID, err)
	}
	b := sarama.NewBroker(coord.Addr())
	if err := b.Open(m.hbConf); err != nil && !errors.Is(err, sarama.ErrAlreadyConnected) {
		return fmt.Errorf("group %q: leave: connect to coordinator %s: %w", m.cfg.GroupID, coord.Addr(), err)
	}
	defer b.Close()
	resp, err := b.LeaveGroup(req)
	if err == nil && !errors.Is(resp.Err, sarama.ErrNoError) {
		err = resp.Err
	}
	if err == nil {
		for _, mr := range resp.Members {
			if !errors.Is(mr.Err, sarama.ErrNoError) && !errors.Is(mr.Err, sarama.ErrUnknownMemberId) {
				err = mr.Err
			}
		}
	}
	if err != nil {
		return fmt.Errorf("group %q: leave as member %s: %w", m.cfg.GroupID, id, err)
	}
	m.logger.Info("left group", "member_id", id)
	return nil
}

// Stop leaves the group, stops heartbeating and closes the connection.
// Call it from the goroutine that polls (or once it stopped polling).
func (m *Member) Stop(ctx context.Context) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.mu.Unlock()
	leaveErr := m.Leave(ctx)
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	close(m.stop)
	m.wg.Wait()
	var closeErr error
	if m.client != nil {
		if err := m.client.Close(); err != nil && !errors.Is(err, sarama.ErrClosedClient) {
			closeErr = fmt.Errorf("group %q: close client: %w", m.cfg.GroupID, err)
		}
	}
	return errors.Join(leaveErr, closeErr)
}
