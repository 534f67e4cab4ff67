package distributed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/worker"
	"github.com/kafka-connect-go/connect/worker/group"
	"github.com/kafka-connect-go/connect/worker/metrics"
)

// Runtime is what the herder needs of the Worker (*worker.Worker); see the
// runtime contract in package worker.
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
// offset store, sink offsets in the connector's consumer group
// (*worker.Worker).
type OffsetAdmin interface {
	ConnectorOffsets(ctx context.Context, name string, config map[string]string, sink bool) ([]worker.PartitionOffset, error)
	AlterConnectorOffsets(ctx context.Context, name string, config map[string]string, sink bool, offsets []worker.PartitionOffset) error
	ResetConnectorOffsets(ctx context.Context, name string, config map[string]string, sink bool) error
}

// Config holds the herder's settings and dependencies. Durations left zero
// take the Java worker's defaults.
type Config struct {
	// WorkerID is host:port of the advertised REST listener (statuses'
	// worker_id); URL the advertised REST URL, ending in "/".
	WorkerID, URL string
	// GroupID is group.id (sink connectors may not use it as their group).
	GroupID string
	// Version, Commit and ClusterID answer GET /.
	Version, Commit, ClusterID string

	Registry *plugin.Registry
	// Configs and Statuses are the config and status stores. New registers
	// the herder as Configs' listener, so call it before Configs.Start.
	Configs  storage.ConfigStore
	Statuses storage.StatusStore
	// Member is this worker's group membership; Start connects it and Stop
	// leaves the group.
	Member *group.Member
	// Rebalance records the group's rebalances (connect-worker-rebalance-metrics);
	// nil records nothing.
	Rebalance *metrics.Rebalance

	// WorkerSyncTimeout is worker.sync.timeout.ms (3 s): how long to read
	// the config topic to the end after a rebalance before giving up.
	WorkerSyncTimeout time.Duration
	// WorkerUnsyncBackoff is worker.unsync.backoff.ms (5 min): the back-off
	// after giving up, with the eager protocol.
	WorkerUnsyncBackoff time.Duration
	// ScheduledRebalanceMaxDelay is scheduled.rebalance.max.delay.ms (5
	// min): the incremental protocols back off in tenths of it.
	ScheduledRebalanceMaxDelay time.Duration
	// RebalanceTimeout is rebalance.timeout.ms (60 s): how long one join
	// may block the loop.
	RebalanceTimeout time.Duration
	// TaskShutdownTimeout is task.shutdown.graceful.timeout.ms (5 s): the
	// loop waits this long (and a moment more for the hard stop) for tasks
	// it stops, then goes on, as Java does, rather than hold the group up
	// behind a task stuck in a call it cannot interrupt.
	TaskShutdownTimeout time.Duration

	// KeyGenerationAlgorithm (HmacSHA256), KeySize (bits; 0 for the
	// algorithm's default) and KeyTTL (1 h) are the inter.worker.key.*
	// settings the leader generates and rotates session keys with.
	KeyGenerationAlgorithm string
	KeySize                int
	KeyTTL                 time.Duration
	// SignatureAlgorithm (HmacSHA256) signs this worker's internal
	// requests; VerificationAlgorithms ([HmacSHA256]) are the ones it accepts.
	SignatureAlgorithm     string
	VerificationAlgorithms []string

	// SetLoggerLevel applies a cluster-wide logger level on this worker.
	SetLoggerLevel func(namespace, level string) []string
	// TopicTracking is topic.tracking.enable.
	TopicTracking bool
	// HTTPClient sends task configs to the leader; nil uses a plain client
	// with the REST request timeout.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (c *Config) setDefaults() error {
	switch {
	case c.Registry == nil:
		return errors.New("distributed herder: no plugin registry")
	case c.Configs == nil || c.Statuses == nil:
		return errors.New("distributed herder: config and status stores are required")
	case c.Member == nil:
		return errors.New("distributed herder: no group member")
	case c.URL == "" || c.WorkerID == "":
		return errors.New("distributed herder: the advertised URL and worker id are required")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.WorkerSyncTimeout, 3*time.Second)
	def(&c.WorkerUnsyncBackoff, 5*time.Minute)
	def(&c.ScheduledRebalanceMaxDelay, 5*time.Minute)
	def(&c.RebalanceTimeout, time.Minute)
	def(&c.TaskShutdownTimeout, 5*time.Second)
	def(&c.KeyTTL, time.Hour)
	if c.KeyGenerationAlgorithm == "" {
		c.KeyGenerationAlgorithm = defaultAlgorithm
	}
	if c.SignatureAlgorithm == "" {
		c.SignatureAlgorithm = defaultAlgorithm
	}
	if len(c.VerificationAlgorithms) == 0 {
		c.VerificationAlgorithms = []string{defaultAlgorithm}
	}
	if _, err := keyBytes(c.KeyGenerationAlgorithm, c.KeySize); err != nil {
		return fmt.Errorf("distributed herder: inter.worker.key.generation.algorithm: %w", err)
	}
	if newMAC(c.SignatureAlgorithm, nil) == nil {
		return fmt.Errorf("distributed herder: inter.worker.signature.algorithm %q is not supported", c.SignatureAlgorithm)
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 90 * time.Second}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

// errShuttingDown answers requests still queued when the herder stops.
var errShuttingDown = errors.New("Worker is shutting down")

// Herder runs this worker's share of a Connect cluster. Create it with
// New, hand it to the Worker as its Events, then call Start with the
// Worker; Stop ends it.
type Herder struct {
	cfg     Config
	log     *slog.Logger
	member  *group.Member
	rt      Runtime
	offsets OffsetAdmin
	writer  *statusWriter

	// ctx is the herder's lifetime: Stop cancels it, ending a join in
	// progress and the goroutines that send task configs to the leader.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // the loop, the status writer, senders to the leader

	mu       sync.Mutex // guards the inbox below
	requests []*request // ordered by (at, seq)
	seq      uint64
	notes    []func() // config store notifications, in log order
	closed   bool
	stopCtx  context.Context // the Stop call's bound for shutting down
	wake     chan struct{}

	stop       chan struct{}
	stopOnce   sync.Once
	done       chan struct{}
	stopErr    error
	ready      atomic.Bool
	started    atomic.Bool
	generation atomic.Int32

	loopState // owned by the loop goroutine
}

// loopState is everything only the loop goroutine touches.
type loopState struct {
	snap storage.ConfigSnapshot
	// known are the connectors this worker has heard of, in log order, to
	// tell a new connector (a rebalance) from a changed one (a restart).
	known map[string]bool

	assignment *group.Assigned // the last one; nil before the first join
	leader     bool
	leaderURL  string
	version    int16
	resolved   bool // the assignment's work has been started
	revoked    bool // the assignment revoked work: rejoin once it is started
	owners     map[string]string
	taskOwners map[storage.TaskID]string

	assignedConnectors map[string]bool
	assignedTasks      map[storage.TaskID]bool
	runningConnectors  map[string]bool
	runningTasks       map[storage.TaskID]bool

	canReadConfigs         bool
	backoffRetries         int
	pollDue                bool
	needsReconfigRebalance bool
	connectorUpdates       map[string]bool
	targetChanges          map[string]bool
	taskUpdates            map[string]bool
	pendingRestarts        map[string]storage.RestartRequest
	scheduledRebalance     time.Time

	sessionKey    *storage.SessionKey
	keyExpiration time.Time
}

// backoffRetries is how often a worker that cannot catch up on the config
// topic backs off before it gives up its work (incremental protocols).
const backoffRetries = 5

type request struct {
	at   time.Time
	seq  uint64
	run  func()
	fail func(error) // called instead of run when the herder stops; may be nil
}

// New checks cfg and returns a herder that is not yet running. It
// registers the herder as the config store's listener.
func New(cfg Config) (*Herder, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Herder{
		cfg:    cfg,
		log:    cfg.Logger,
		member: cfg.Member,
		ctx:    ctx,
		cancel: cancel,
		wake:   make(chan struct{}, 1),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
		writer: newStatusWriter(cfg.Statuses, cfg.Logger),
	}
	h.generation.Store(-1)
	h.loopState = loopState{
		known:              map[string]bool{},
		assignedConnectors: map[string]bool{},
		assignedTasks:      map[storage.TaskID]bool{},
		runningConnectors:  map[string]bool{},
		runningTasks:       map[storage.TaskID]bool{},
		canReadConfigs:     true,
		backoffRetries:     backoffRetries,
		connectorUpdates:   map[string]bool{},
		targetChanges:      map[string]bool{},
		taskUpdates:        map[string]bool{},
		pendingRestarts:    map[string]storage.RestartRequest{},
		owners:             map[string]string{},
		taskOwners:         map[storage.TaskID]string{},
	}
	cfg.Configs.SetListener(listener{h})
	return h, nil
}

// ClusterView returns what the group member tells the group about the
// config topic, read from the config store: its offset and each
// connector's task count (none while inconsistent).
func ClusterView(configs storage.ConfigStore) func() group.ClusterConfig {
	return func() group.ClusterConfig {
		snap := configs.Snapshot()
		out := group.ClusterConfig{Offset: snap.Offset, Tasks: make(map[string]int, len(snap.Connectors))}
		for c := range snap.Connectors {
			out.Tasks[c] = len(snap.Tasks(c))
		}
		return out
	}
}

// Start connects the group member and runs the herder's loop on rt (the
// Worker, which also answers /offsets) until Stop. The stores must have
// been started. ctx bounds only the connection.
func (h *Herder) Start(ctx context.Context, rt Runtime, offsets OffsetAdmin) error {
	h.rt, h.offsets = rt, offsets
	if err := h.member.Start(ctx); err != nil {
		return err
	}
	h.snap = h.cfg.Configs.Snapshot()
	for c := range h.snap.Connectors {
		h.known[c] = true
	}
	if k := h.snap.SessionKey; k != nil {
		h.sessionKey = k
		h.keyExpiration = k.Created.Add(h.cfg.KeyTTL)
	}
	h.started.Store(true)
	h.wg.Go(func() { h.writer.run() })
	h.wg.Go(h.run)
	return nil
}

// Stop stops taking requests, stops every connector and task here
// (flushing and committing), writes the last statuses, and leaves the
// group; ctx bounds the whole.
func (h *Herder) Stop(ctx context.Context) error {
	h.stopOnce.Do(func() {
		h.mu.Lock()
		h.closed = true
		h.stopCtx = ctx
		h.mu.Unlock()
		close(h.stop)
		h.cancel()
		if !h.started.Load() {
			close(h.done) // no loop to wait for
		}
	})
	select {
	case <-h.done:
	case <-ctx.Done():
		return fmt.Errorf("distributed herder did not stop: %w", ctx.Err())
	}
	h.wg.Wait()
	return h.stopErr
}

// ----------------------------------------------------------------- inbox

// push queues a request to run on the loop at (zero: as soon as possible);
// false once the herder is stopping.
func (h *Herder) push(at time.Time, r *request) bool {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return false
	}
	h.seq++
	r.at, r.seq = at, h.seq
	i := sort.Search(len(h.requests), func(i int) bool {
		q := h.requests[i]
		return q.at.After(at) || (q.at.Equal(at) && q.seq > r.seq)
	})
	h.requests = slices.Insert(h.requests, i, r)
	h.mu.Unlock()
	h.poke()
	return true
}

func (h *Herder) poke() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// enqueue runs f on the loop, at once or after delay (internal work:
// reconfigurations and their retries).
func (h *Herder) enqueue(delay time.Duration, f func()) {
	var at time.Time
	if delay > 0 {
		at = h.cfg.Now().Add(delay)
	}
	h.push(at, &request{run: f})
}

// do runs f on the loop between rebalances and waits for its answer,
// bounded by ctx (the REST request timeout). A request whose caller gave
// up before its turn is not run.
func (h *Herder) do(ctx context.Context, f func() error) error {
	done := make(chan error, 1)
	r := &request{
		run: func() {
			if err := ctx.Err(); err != nil {
				done <- err
				return
			}
			done <- f()
		},
		fail: func(err error) { done <- err },
	}
	if !h.push(time.Time{}, r) {
		return errShuttingDown
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// note queues a config store notification for the loop.
func (h *Herder) note(f func()) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.notes = append(h.notes, f)
	h.mu.Unlock()
	h.poke()
}

// nextDue pops the first request due at now, or returns nil.
func (h *Herder) nextDue(now time.Time) *request {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.requests) == 0 || h.requests[0].at.After(now) {
		return nil
	}
	r := h.requests[0]
	h.requests = h.requests[1:]
	return r
}

// nextRequestAt is when the first queued request is due (zero if none).
func (h *Herder) nextRequestAt() (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.requests) == 0 {
		return time.Time{}, false
	}
	return h.requests[0].at, true
}

func (h *Herder) stopping() bool {
	select {
	case <-h.stop:
		return true
	default:
		return false
	}
}

// ------------------------------------------------------------------ loop

func (h *Herder) run() {
	defer close(h.done)
	for !h.stopping() {
		h.turn()
	}
	h.halt()
}

// turn is one pass of the loop (Java's tick).
func (h *Herder) turn() {
	h.foldNotes()
	if !h.canReadConfigs {
		if !h.readConfigToEnd() {
			return // readConfigToEnd backed off
		}
		h.canReadConfigs = true
	}

	if !h.scheduledRebalance.IsZero() && !h.cfg.Now().Before(h.scheduledRebalance) {
		h.scheduledRebalance = time.Time{}
		h.member.Rejoin("the scheduled rebalance delay expired")
	}
	select {
	case <-h.member.Ready():
		h.pollDue = true
	default:
	}
	if h.pollDue {
		h.pollDue = false
		h.pollMember()
		if h.stopping() {
			return
		}
		h.foldNotes()
	}
	if !h.completeRebalance() {
		h.wait(false)
		return
	}

	h.rotateSessionKey()
	for !h.stopping() {
		r := h.nextDue(h.cfg.Now())
		if r == nil {
			break
		}
		r.run()
	}
	h.processRestartRequests()
	h.applyConfigUpdates()
	h.wait(true)
}

// foldNotes applies queued config store notifications to the loop's state.
func (h *Herder) foldNotes() {
	h.mu.Lock()
	notes := h.notes
	h.notes = nil
	h.mu.Unlock()
	for _, n := range notes {
		n()
	}
}

// wait blocks until something may need doing: a notification or request,
// the member, a timer (a delayed request, the scheduled rebalance, the
// session key's expiry), or Stop.
func (h *Herder) wait(requests bool) {
	var next time.Time
	consider := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if requests {
		if at, ok := h.nextRequestAt(); ok {
			if at.IsZero() {
				return // due now
			}
			consider(at)
		}
		if h.leader && h.version >= 2 {
			consider(h.keyExpiration)
		}
	}
	consider(h.scheduledRebalance)
	var timer <-chan time.Time
	if !next.IsZero() {
		d := next.Sub(h.cfg.Now())
		if d <= 0 {
			return
		}
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-h.wake:
	case <-h.member.Ready():
		h.pollDue = true
	case <-timer:
	case <-h.stop:
	}
}

// sleep waits d or until Stop (back-offs).
func (h *Herder) sleep(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-h.stop:
	}
}

// halt is the loop's last act: fail what is queued, stop every connector
// and task (they flush and commit), write the last statuses, leave the
// group.
func (h *Herder) halt() {
	h.mu.Lock()
	reqs := h.requests
	h.requests = nil
	ctx := h.stopCtx
	h.mu.Unlock()
	if ctx == nil {
		ctx = context.Background()
	}
	for _, r := range reqs {
		if r.fail != nil {
			r.fail(errShuttingDown)
		}
	}
	h.log.Info("stopping connectors and tasks that are still assigned to this worker")
	var errs []error
	if h.rt != nil {
		if err := h.rt.Stop(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stopping connectors and tasks: %w", err))
		}
	}
	// Statuses first, so the group sees this worker's last word before it
	// rebalances without us.
	if err := h.writer.close(ctx); err != nil {
		errs = append(errs, fmt.Errorf("writing the last statuses: %w", err))
	}
	if err := h.member.Stop(ctx); err != nil {
		errs = append(errs, fmt.Errorf("leaving the group: %w", err))
	}
	h.stopErr = errors.Join(errs...)
	h.log.Info("herder stopped")
}

// ---------------------------------------------------------------- helpers

func targetOf(snap *storage.ConfigSnapshot, name string) storage.TargetState {
	if t, ok := snap.TargetStates[name]; ok {
		return t
	}
	return storage.TargetStarted
}

func sortedKeys[K interface{ ~string }](m map[K]bool) []K {
	return slices.Sorted(maps.Keys(m))
}

func sortedTasks(m map[storage.TaskID]bool) []storage.TaskID {
	out := slices.Collect(maps.Keys(m))
	slices.SortFunc(out, compareTasks)
	return out
}

func compareTasks(a, b storage.TaskID) int {
	if c := strings.Compare(a.Connector, b.Connector); c != 0 {
		return c
	}
	return a.Task - b.Task
}

func fromGroupTask(t group.TaskID) storage.TaskID {
	return storage.TaskID{Connector: t.Connector, Task: int(t.Task)}
}

// opCtx bounds one blocking step of the loop (a store write, stopping
// work): long enough for the slowest healthy case, short enough that a
// stuck broker does not hold the loop forever.
func (h *Herder) opCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(h.ctx, h.cfg.RebalanceTimeout)
}
