// Package sink runs one sink task: a sarama consumer group member feeding
// records through the key, value and header converters and the
// transformation chain into SinkTask.Put, and committing the offsets the
// task acknowledged.
//
// # Goroutines
//
// Connect's model is one task goroutine calling Put with batches; sarama
// runs one ConsumeClaim goroutine per assigned partition. The task goroutine
// (Run) owns the task and all delivery state. The claim goroutines only
// batch the messages they receive and send them to the task goroutine over
// a bounded channel, in which sarama's Setup and Cleanup calls also arrive
// as events and wait for their answer — so everything the task sees happens
// in one order: the batches of a session, then its revocation. A consume
// goroutine calls Consume in a loop, one session after another.
//
// # Offsets
//
// The task goroutine tracks per partition the offset after the last record
// handed to Put (delivered). Every offset.flush.interval.ms, when the task
// asks (RequestCommit), before partitions are revoked and at shutdown it
// calls PreCommit (or Flush) with those offsets and synchronously commits
// what the task acknowledged, capped at what was delivered. Records a
// transformation dropped count as delivered.
//
// Each commit gives the task a deadline (see commitTimeouts): a task that
// writes to a system that stopped answering must not hold the task
// goroutine, which also serves sarama's rebalance callbacks, past the
// group's rebalance timeout. A task cut short returns what it acknowledged
// so far; the rest is committed by a later commit, or read again by the
// next owner of the partition. For the same reason a Put and a periodic
// commit give way when a rebalance ends the session or Stop is called.
//
// # Pausing
//
// A partition is paused when the connector is paused, when the task paused
// it, or while a batch that failed with a retriable error waits to be
// redelivered. Fetched records of paused partitions are held back, in
// order, until the partition resumes; the member stays in the group.
package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/cenkalti/backoff/v4"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/worker/metrics"
	"github.com/kafka-connect-go/connect/worker/tolerance"
)

// Transformer applies a connector's transformation chain. It returns the
// transformed record, nil when the record is dropped (by a transformation
// or by a tolerated failure), or an error the task cannot survive. w
// locates the record for error handling; the chain sets stage and class.
type Transformer interface {
	Transform(ctx context.Context, rec *connector.Record, w tolerance.Where) (*connector.Record, error)
}

// Listener hears about state changes of a running task. Calls come from the
// task goroutine and must not block. Failures and the end of the task are
// Run's result.
type Listener interface {
	Running()
	Paused()
}

// Config is everything one sink task needs.
type Config struct {
	Connector  string
	TaskID     int
	Task       connector.SinkTask
	TaskConfig map[string]string

	// Brokers and Client configure the consumer (client id, offsets,
	// fetch sizes); the worker builds them from the worker and connector
	// configs. Run turns off auto-commit and turns on error reporting.
	Brokers []string
	Client  *sarama.Config
	GroupID string
	// Topics or TopicsRegex (exactly one) say what to consume.
	Topics      []string
	TopicsRegex *regexp.Regexp

	KeyConverter, ValueConverter                                 connector.Converter
	HeaderConverter                                              connector.HeaderConverter
	KeyConverterClass, ValueConverterClass, HeaderConverterClass string
	// Transforms is the chain; nil means none.
	Transforms Transformer
	// RawJSONValues delivers values as connector.RawJSON, undecoded (the
	// worker sets it when the task accepts raw JSON, there are no
	// transformations and the value converter is schemaless JSON).
	RawJSONValues bool
	Tolerance     *tolerance.Operator
	// ErrantRecordReporting gives the task an errant record reporter (set
	// when errors.log.enable or a dead letter queue is configured).
	ErrantRecordReporting bool

	// CommitInterval is offset.flush.interval.ms (default one minute).
	CommitInterval time.Duration
	// CommitTimeout is offset.flush.timeout.ms (default five seconds): how
	// long a periodic or requested commit waits for PreCommit (or Flush)
	// before it commits what the task acknowledged by then and leaves the
	// rest to a later attempt, as Java does. Revocation and shutdown
	// commits get their own bound, derived from the consumer's rebalance
	// timeout (see commitTimeouts).
	CommitTimeout time.Duration
	// MaxPollRecords bounds a Put batch (max.poll.records, default 500).
	MaxPollRecords int
	// StartPaused starts the task with its partitions paused.
	StartPaused bool
	Listener    Listener
	// TopicUsed is called once for each topic the task consumes from.
	TopicUsed func(topic string)
	Logger    *slog.Logger
	// Metrics receives the task's connector-task-metrics and
	// sink-task-metrics; nil records nothing.
	Metrics *metrics.Task
}

// Task runs one sink task. Create it with New, run it with Run; Stop,
// SetPaused may be called from any goroutine.
type Task struct {
	cfg Config
	log *slog.Logger
	// conns are the consumer's broker connections, closed on a hard stop.
	conns *conns

	events   chan event
	quit     chan struct{} // closed when the task goroutine stops serving events
	wake     chan struct{}
	stopReq  chan struct{}
	stopOnce sync.Once
	// stopping ends when Stop is called: the same signal as stopReq, as a
	// context, so that a periodic commit in progress gives way.
	stopping    context.Context
	endStopping context.CancelFunc

	// mu guards what the task context and SetPaused change from other goroutines.
	mu              sync.Mutex
	commitRequested bool
	resets          map[connector.TopicPartition]int64
	retryTimeout    time.Duration
	assignment      []connector.TopicPartition
	reportErr       error // a record reported under errors.tolerance=none

	pause pauseState

	// sessionCancel ends the current consumer group session (to rejoin
	// after a seek); guarded by mu.
	sessionCancel context.CancelFunc

	// Task goroutine state.
	session   sarama.ConsumerGroupSession
	inSetup   bool
	assigned  map[connector.TopicPartition]bool
	delivered map[connector.TopicPartition]int64
	committed map[connector.TopicPartition]int64
	held      map[connector.TopicPartition][][]*sarama.ConsumerMessage
	heldOrder []connector.TopicPartition
	pending   *batch // waiting for redelivery after a retriable error
	seeks     map[connector.TopicPartition]int64
	seen      map[string]bool
	retry     *retryBackoff
	listened  int // 0 none, 1 running, 2 paused: what the listener was last told
	buf       batch

	// periodicTimeout and closingTimeout bound commits (commitTimeouts).
	periodicTimeout, closingTimeout time.Duration
	commitSeq                       int // offset commits attempted (offset-commit-seq-no)
}

type eventKind uint8

const (
	evBatch eventKind = iota + 1
	evAssigned
	evRevoked
)

type event struct {
	kind eventKind
	tp   connector.TopicPartition
	msgs []*sarama.ConsumerMessage
	sess sarama.ConsumerGroupSession
	done chan error
}

// New checks cfg and returns a task ready to Run.
func New(cfg Config) (*Task, error) {
	switch {
	case cfg.Task == nil:
		return nil, errors.New("sink task: no task")
	case cfg.Client == nil:
		return nil, errors.New("sink task: no client config")
	case len(cfg.Topics) == 0 && cfg.TopicsRegex == nil:
		return nil, errors.New("sink task: must configure one of topics or topics.regex")
	case len(cfg.Topics) > 0 && cfg.TopicsRegex != nil:
		return nil, errors.New("sink task: topics and topics.regex are mutually exclusive options, but both are set")
	case cfg.KeyConverter == nil || cfg.ValueConverter == nil || cfg.HeaderConverter == nil:
		return nil, errors.New("sink task: converters missing")
	case cfg.Tolerance == nil:
		return nil, errors.New("sink task: no error handling operator")
	}
	if cfg.CommitInterval <= 0 {
		cfg.CommitInterval = time.Minute
	}
	if cfg.CommitTimeout <= 0 {
		cfg.CommitTimeout = 5 * time.Second
	}
	if cfg.MaxPollRecords <= 0 {
		cfg.MaxPollRecords = 500
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.GroupID == "" {
		cfg.GroupID = "connect-" + cfg.Connector
	}
	t := &Task{
		cfg:       cfg,
		log:       cfg.Logger,
		events:    make(chan event, 16),
		quit:      make(chan struct{}),
		wake:      make(chan struct{}, 1),
		stopReq:   make(chan struct{}),
		resets:    map[connector.TopicPartition]int64{},
		assigned:  map[connector.TopicPartition]bool{},
		delivered: map[connector.TopicPartition]int64{},
		committed: map[connector.TopicPartition]int64{},
		held:      map[connector.TopicPartition][][]*sarama.ConsumerMessage{},
		seeks:     map[connector.TopicPartition]int64{},
		seen:      map[string]bool{},
		retry:     newRetryBackoff(),
		conns:     newConns(cfg.Client.Net.DialTimeout, cfg.Client.Net.KeepAlive, cfg.Client.Net.LocalAddr),
	}
	t.stopping, t.endStopping = context.WithCancel(context.Background())
	t.pause.init(cfg.StartPaused)
	t.periodicTimeout, t.closingTimeout = commitTimeouts(cfg.CommitTimeout, cfg.Client.Consumer.Group.Rebalance.Timeout)
	return t, nil
}

// commitTimeouts returns how long a periodic (or requested) commit and a
// closing commit (revocation, shutdown) may wait for the task. (A periodic
// commit also gives way as soon as a rebalance or Stop ends the session:
// the closing commit that follows then gets its whole bound.)
//
// Once a rebalance starts, the group coordinator waits the consumer's
// rebalance timeout (max.poll.interval.ms) for every member to rejoin; a
// member that comes later is dropped from the group and its commits fail.
// Sarama rejoins only after Cleanup returned, and Cleanup waits for the
// task goroutine: first for a periodic commit that may have just begun,
// then for the revocation commit. Together the two get at most half the
// rebalance timeout; the other half is for a heartbeat to notice the
// rebalance and for the rejoin. A periodic commit gets offset.flush.timeout.ms
// (at most a quarter of the rebalance timeout): giving up costs nothing, a
// later commit carries on. The closing commit is the last chance to commit
// before another member reads the partitions again, so it gets the rest of
// the half. With Java's defaults (5 s, 5 min) that is 5 s and 145 s; a
// shutdown is cut shorter by task.shutdown.graceful.timeout.ms, which ends
// Run's context.
func commitTimeouts(commitTimeout, rebalanceTimeout time.Duration) (periodic, closing time.Duration) {
	if rebalanceTimeout <= 0 {
		rebalanceTimeout = time.Minute // sarama's default
	}
	periodic = min(commitTimeout, rebalanceTimeout/4)
	return periodic, rebalanceTimeout/2 - periodic
}

// Stop asks the task to stop gracefully: stop consuming, flush, commit,
// close. Run returns when it is done; cancel Run's context to stop hard.
func (t *Task) Stop() {
	t.stopOnce.Do(func() {
		close(t.stopReq)
		t.endStopping()
	})
}

// SetPaused pauses or resumes the connector's partitions; the task stays in
// its group.
func (t *Task) SetPaused(paused bool) {
	t.pause.setTarget(paused)
	t.poke()
}

func (t *Task) poke() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// failure wraps an error that fails the task with the task's name, unless
// it already carries it (tolerance errors do).
func (t *Task) failure(err error) error {
	var te *tolerance.Error
	if errors.As(err, &te) {
		return err
	}
	return fmt.Errorf("connector %q task %d: %w", t.cfg.Connector, t.cfg.TaskID, err)
}

// Run starts the task, consumes until Stop or ctx ends, and stops the task.
// It returns nil after a graceful stop and the failure otherwise. ctx
// bounds every call into the task: cancelling it is the hard stop.
func (t *Task) Run(ctx context.Context) (err error) {
	tctx := &taskContext{t: t}
	if err := t.cfg.Task.Start(tctx, t.cfg.TaskConfig); err != nil {
		return t.failure(errors.Join(fmt.Errorf("start: %w", err), t.stopTask()))
	}
	defer func() {
		if serr := t.stopTask(); serr != nil {
			if err == nil {
				err = t.failure(serr)
			} else {
				t.log.Warn("stopping the task after its failure also failed", "error", serr)
			}
		}
	}()
	t.report()

	client, group, err := t.connectRetrying(ctx)
	if errors.Is(err, errStopping) || ctx.Err() != nil {
		return nil // stopped before Kafka could be reached
	}
	if err != nil {
		return t.failure(err)
	}
	// The dead letter queue (its topic created when missing) is ready
	// before the first record can fail.
	if err := t.cfg.Tolerance.Open(ctx); err != nil {
		if cerr := group.Close(); cerr != nil {
			t.log.Warn("closing the consumer group", "error", cerr)
		}
		if cerr := client.Close(); cerr != nil && !errors.Is(cerr, sarama.ErrClosedClient) {
			t.log.Warn("closing the consumer client", "error", cerr)
		}
		if ctx.Err() != nil {
			return nil
		}
		return t.failure(err)
	}
	t.pause.setGroup(group)

	var wg sync.WaitGroup
	consumeCtx, stopConsume := context.WithCancel(context.Background())
	wg.Go(func() { t.consumeLoop(consumeCtx, client, group) })
	wg.Go(func() {
		for err := range group.Errors() {
			t.log.Warn("consumer error", "error", err)
		}
	})

	loopErr := t.loop(ctx)
	if ctx.Err() != nil {
		// A hard stop: whatever failed, failed because of it.
		loopErr = nil
	}

	// Shutdown, in order. The final commit runs while sarama still waits
	// for us in Cleanup (if a session is ending), so the session's offset
	// manager is open; only then do we let go of the handlers.
	if ctx.Err() == nil && t.session != nil {
		if err := t.commit(ctx, true, t.assignedList()); err != nil && loopErr == nil {
			loopErr = err
		}
	}
	close(t.quit)
	stopConsume()
	// sarama cannot cancel a JoinGroup in flight, and the broker may hold
	// one until every member rejoins (up to the rebalance timeout), which
	// holds group.Close too. On a hard stop, closing the connections ends
	// it at once.
	unblock := context.AfterFunc(ctx, t.conns.closeAll)
	if err := group.Close(); err != nil {
		t.log.Warn("closing the consumer group", "error", err)
	}
	wg.Wait()
	unblock()
	if err := client.Close(); err != nil && !errors.Is(err, sarama.ErrClosedClient) {
		t.log.Warn("closing the consumer client", "error", err)
	}
	if loopErr != nil {
		return t.failure(loopErr)
	}
	return nil
}

func (t *Task) stopTask() error {
	if err := t.cfg.Task.Stop(); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	return nil
}

// report tells the listener about a change between running and paused.
func (t *Task) report() {
	want := 1
	if t.pause.targetPaused() {
		want = 2
	}
	if want == t.listened || t.cfg.Listener == nil {
		t.listened = want
		return
	}
	t.listened = want
	if want == 2 {
		t.cfg.Listener.Paused()
	} else {
		t.cfg.Listener.Running()
	}
}

func (t *Task) connect() (sarama.Client, sarama.ConsumerGroup, error) {
	c := *t.cfg.Client
	c.Consumer.Offsets.AutoCommit.Enable = false
	c.Consumer.Return.Errors = true
	if !c.Net.Proxy.Enable {
		c.Net.Proxy.Enable = true
		c.Net.Proxy.Dialer = t.conns
	}
	client, err := sarama.NewClient(t.cfg.Brokers, &c)
	if err != nil {
		return nil, nil, fmt.Errorf("consumer client for %v: %w", t.cfg.Brokers, err)
	}
	group, err := sarama.NewConsumerGroupFromClient(t.cfg.GroupID, client)
	if err != nil {
		_ = client.Close()
		return nil, nil, fmt.Errorf("consumer group %s: %w", t.cfg.GroupID, err)
	}
	return client, group, nil
}

// connectRetrying connects, retrying with backoff while Kafka cannot be
// reached (as Java's clients keep trying), until Stop or ctx ends. A
// configuration sarama refuses is not retried.
func (t *Task) connectRetrying(ctx context.Context) (sarama.Client, sarama.ConsumerGroup, error) {
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval = 500 * time.Millisecond
	bo.MaxInterval = 30 * time.Second
	bo.MaxElapsedTime = 0
	for {
		client, group, err := t.connect()
		if err == nil {
			return client, group, nil
		}
		var ce sarama.ConfigurationError
		if errors.As(err, &ce) {
			return nil, nil, err
		}
		d := bo.NextBackOff()
		t.log.Warn("cannot reach kafka, retrying", "in", d, "error", err)
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, nil, ctx.Err()
		case <-t.stopReq:
			timer.Stop()
			return nil, nil, errStopping
		case <-timer.C:
		}
	}
}

// loop is the task goroutine's main loop. It returns nil on a graceful
// stop request or when ctx ends, and the error that fails the task.
func (t *Task) loop(ctx context.Context) error {
	commit := time.NewTimer(t.cfg.CommitInterval)
	defer commit.Stop()
	var retryC <-chan time.Time
	var retryTimer *time.Timer
	defer func() {
		if retryTimer != nil {
			retryTimer.Stop()
		}
	}()
	for {
		if t.pending == nil {
			if err := t.deliverReleased(ctx); err != nil {
				return err
			}
		}
		if t.pending != nil && retryC == nil {
			d := t.redeliveryDelay()
			retryTimer = time.NewTimer(d)
			retryC = retryTimer.C
			t.log.Info("redelivering batch after a retriable error", "records", len(t.pending.records), "in", d)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.stopReq:
			return nil
		case <-t.wake:
			t.report()
			if err := t.afterTaskCall(ctx); err != nil {
				return err
			}
		case <-retryC:
			retryC, retryTimer = nil, nil
			if err := t.redeliver(ctx); err != nil {
				return err
			}
		case <-commit.C:
			// As the Java loop's poll timing out: an empty Put, then the commit.
			if t.pending == nil {
				if err := t.put(ctx, &batch{}); err != nil {
					return err
				}
			}
			if err := t.commit(ctx, false, t.assignedList()); err != nil {
				return err
			}
			commit.Reset(t.cfg.CommitInterval)
		case ev := <-t.events:
			if err := t.handle(ctx, ev); err != nil {
				return err
			}
		}
	}
}

// afterTaskCall acts on what the task asked for during a call: a commit,
// offset resets, a reported record that must fail it.
func (t *Task) afterTaskCall(ctx context.Context) error {
	t.mu.Lock()
	commitNow := t.commitRequested
	t.commitRequested = false
	reportErr := t.reportErr
	t.mu.Unlock()
	if reportErr != nil {
		return reportErr
	}
	if err := t.applyResets(); err != nil {
		return err
	}
	if commitNow {
		return t.commit(ctx, false, t.assignedList())
	}
	return nil
}

func (t *Task) handle(ctx context.Context, ev event) error {
	switch ev.kind {
	case evAssigned:
		err := t.assign(ev.sess)
		ev.done <- err
		return err
	case evRevoked:
		err := t.revoke(ctx)
		ev.done <- err
		return err
	}
	// A batch: gather more that are waiting, up to max.poll.records, then
	// convert and Put them together.
	t.buf.reset()
	var deferred *event
	if err := t.take(ctx, ev); err != nil {
		return err
	}
gather:
	for t.buf.consumed < t.cfg.MaxPollRecords {
		select {
		case more := <-t.events:
			if more.kind != evBatch {
				deferred = &more
				break gather
			}
			if err := t.take(ctx, more); err != nil {
				return err
			}
		default:
			break gather
		}
	}
	if t.buf.consumed > 0 {
		b := t.buf.detach()
		if err := t.put(ctx, b); err != nil {
			return err
		}
	}
	if deferred != nil {
		return t.handle(ctx, *deferred)
	}
	return nil
}

// take adds a batch from a claim to the put buffer, or holds it back.
func (t *Task) take(ctx context.Context, ev event) error {
	if !t.assigned[ev.tp] {
		return nil // from a session already revoked
	}
	t.cfg.Metrics.SinkRead(len(ev.msgs))
	if _, sought := t.seeks[ev.tp]; sought {
		return nil // consumed before a seek; the next session re-reads from the seek
	}
	if t.pending != nil || t.pause.paused(ev.tp) || len(t.held[ev.tp]) > 0 {
		t.hold(ev.tp, ev.msgs)
		return nil
	}
	return t.convert(ctx, ev.msgs)
}

func (t *Task) hold(tp connector.TopicPartition, msgs []*sarama.ConsumerMessage) {
	if len(t.held[tp]) == 0 {
		t.heldOrder = append(t.heldOrder, tp)
	}
	t.held[tp] = append(t.held[tp], msgs)
}

// deliverReleased delivers held batches of partitions no longer paused.
func (t *Task) deliverReleased(ctx context.Context) error {
	if len(t.heldOrder) == 0 {
		return nil
	}
	t.buf.reset()
	keep := t.heldOrder[:0]
	for _, tp := range t.heldOrder {
		if t.pause.paused(tp) || !t.assigned[tp] {
			if t.assigned[tp] {
				keep = append(keep, tp)
			} else {
				delete(t.held, tp)
			}
			continue
		}
		batches := t.held[tp]
		delete(t.held, tp)
		for _, msgs := range batches {
			if err := t.convert(ctx, msgs); err != nil {
				return err
			}
		}
	}
	t.heldOrder = keep
	if t.buf.consumed == 0 {
		return nil
	}
	return t.put(ctx, t.buf.detach())
}

// put hands a batch to the task. A retriable error keeps the batch for
// redelivery with every partition paused.
//
// A Put that waits (a sink whose destination does not answer waits for
// buffer room) gives way to a rebalance or a Stop: its context also ends
// when the session ends or Stop is called, so the task goroutine can serve
// the revocation within the group's rebalance timeout, or commit before
// the graceful shutdown time runs out. The batch was not delivered: it
// waits for redelivery like a batch refused with a retriable error, and a
// revocation drops it, so the partitions' next owner reads it again.
func (t *Task) put(ctx context.Context, b *batch) error {
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(t.stopping, cancel)()
	if t.session != nil {
		defer context.AfterFunc(t.session.Context(), cancel)()
	}
	start := time.Now()
	err := t.cfg.Task.Put(pctx, b.records)
	if err == nil {
		t.cfg.Metrics.SinkPut(len(b.records), time.Since(start))
		if rerr := t.reported(); rerr != nil {
			// The task reported a record under errors.tolerance=none and
			// carried on: the batch does not count as delivered (Java's
			// maybeThrowAsyncError after put).
			return rerr
		}
		for tp, off := range b.offsets {
			t.delivered[tp] = off
		}
		t.recordActive()
		if t.pending != nil {
			t.pending = nil
			t.retry.reset()
			t.pause.setRedelivery(false)
		}
		return t.afterTaskCall(ctx)
	}
	if ctx.Err() != nil {
		return nil // stopping hard; the batch is not committed
	}
	if pctx.Err() != nil {
		t.log.Info("put interrupted by a rebalance or a stop; the batch is delivered again", "records", len(b.records), "error", err)
		t.pending = b
		t.pause.setRedelivery(true)
		return t.afterTaskCall(ctx)
	}
	if rerr := t.reported(); rerr != nil {
		// The task failed because of a record it reported (or handed back
		// for conversion) under errors.tolerance=none: that is the cause.
		return rerr
	}
	if connector.IsRetriable(err) {
		t.log.Warn("retriable error from put; pausing and redelivering the batch", "records", len(b.records), "error", err)
		t.pending = b
		t.pause.setRedelivery(true)
		return t.afterTaskCall(ctx)
	}
	return fmt.Errorf("put of %d records (%s) failed (exiting WorkerSinkTask due to unrecoverable exception): %w",
		len(b.records), b.span(), err)
}

func (t *Task) redeliver(ctx context.Context) error {
	b := t.pending
	if b == nil {
		return nil
	}
	// Records of partitions revoked meanwhile were dropped by revoke.
	return t.put(ctx, b)
}

func (t *Task) redeliveryDelay() time.Duration {
	t.mu.Lock()
	d := t.retryTimeout
	t.mu.Unlock()
	if d > 0 {
		return d
	}
	return t.retry.next()
}

func (t *Task) assignedList() []connector.TopicPartition {
	out := make([]connector.TopicPartition, 0, len(t.assigned))
	for tp := range t.assigned {
		out = append(out, tp)
	}
	sortTPs(out)
	return out
}

// assign handles sarama's Setup: a new session with its partitions.
func (t *Task) assign(sess sarama.ConsumerGroupSession) error {
	t.session = sess
	var tps []connector.TopicPartition
	for topic, parts := range sess.Claims() {
		for _, p := range parts {
			tps = append(tps, connector.TopicPartition{Topic: topic, Partition: p})
		}
	}
	sortTPs(tps)
	for _, tp := range tps {
		t.assigned[tp] = true
	}
	t.cfg.Metrics.Partitions(len(t.assigned))
	t.mu.Lock()
	t.assignment = append([]connector.TopicPartition(nil), tps...)
	t.mu.Unlock()
	t.log.Info("partitions assigned", "partitions", tpStrings(tps), "generation", sess.GenerationID())
	if pa, ok := t.cfg.Task.(connector.PartitionAware); ok && len(tps) > 0 {
		if err := pa.Open(tps); err != nil {
			return fmt.Errorf("open partitions %v: %w", tpStrings(tps), err)
		}
	}
	// Offsets the task asked for in Open take effect before consumption starts.
	t.inSetup = true
	defer func() { t.inSetup = false }()
	return t.applyResets()
}

// revoke handles sarama's Cleanup: flush and commit, then close, every
// partition of the ending session.
func (t *Task) revoke(ctx context.Context) error {
	if t.session == nil {
		return nil
	}
	tps := t.assignedList()
	t.log.Info("partitions revoked", "partitions", tpStrings(tps))
	if t.pending != nil {
		// The batch was never acknowledged; the next owner reads it again.
		t.pending = nil
		t.pause.setRedelivery(false)
	}
	// Sought partitions restart from the seek, not from what was delivered.
	for tp, off := range t.seeks {
		setOffset(t.session, tp, off)
		delete(t.delivered, tp)
	}
	err := t.commit(ctx, true, tps)
	if len(t.seeks) > 0 {
		t.session.Commit()
	}
	t.session = nil
	clear(t.assigned)
	clear(t.delivered)
	clear(t.committed)
	t.cfg.Metrics.Partitions(0)
	t.recordActive()
	clear(t.held)
	clear(t.seeks)
	t.heldOrder = t.heldOrder[:0]
	t.mu.Lock()
	t.assignment = nil
	t.mu.Unlock()
	return err
}

// errCommitDeadline is why a commit's context ends at its deadline.
var errCommitDeadline = errors.New("offset commit deadline passed")

// commit calls PreCommit (or Flush) with the delivered offsets of tps and
// commits what the task acknowledged. When closing, the partitions are
// closed before the commit, as Java does. The call is bounded by
// commitTimeouts; a periodic one also ends when the session ends (a
// rebalance) or Stop is called, so the closing commit comes sooner. A
// failed PreCommit or Flush is not fatal: the offsets stay uncommitted
// and, unless closing or cut short, consumption rewinds to the last commit
// so nothing unacknowledged is skipped. A call cut short needs no rewind:
// the task still holds the records, and a later commit covers them.
func (t *Task) commit(ctx context.Context, closing bool, tps []connector.TopicPartition) error {
	if t.session == nil {
		return nil
	}
	start := time.Now()
	t.commitSeq++
	t.cfg.Metrics.CommitSeq(t.commitSeq)
	offsets := make(map[connector.TopicPartition]int64, len(tps))
	for _, tp := range tps {
		if off, ok := t.delivered[tp]; ok {
			offsets[tp] = off
		}
	}
	limit := t.periodicTimeout
	if closing {
		limit = t.closingTimeout
	}
	deadline := time.Now().Add(limit)
	var acked map[connector.TopicPartition]int64
	var err error
	var cut error // why the call was cut short: errCommitDeadline, or a rebalance or Stop
	if len(offsets) > 0 {
		cctx, cancel := context.WithDeadlineCause(ctx, deadline, errCommitDeadline)
		if !closing {
			afterStop := context.AfterFunc(t.stopping, cancel)
			afterSession := context.AfterFunc(t.session.Context(), cancel)
			defer afterStop()
			defer afterSession()
		}
		if pc, ok := t.cfg.Task.(connector.PreCommitter); ok {
			acked, err = pc.PreCommit(cctx, copyOffsets(offsets))
		} else {
			err = t.cfg.Task.Flush(cctx, copyOffsets(offsets))
			acked = offsets
		}
		if cctx.Err() != nil && ctx.Err() == nil {
			cut = context.Cause(cctx)
			if !errors.Is(cut, errCommitDeadline) {
				cut = errors.New("the session ended or the task is stopping")
			}
		}
		cancel()
	}
	timedOut := cut != nil
	if closing {
		if pa, ok := t.cfg.Task.(connector.PartitionAware); ok && len(tps) > 0 {
			if cerr := pa.Close(tps); cerr != nil {
				return fmt.Errorf("close partitions %v: %w", tpStrings(tps), cerr)
			}
		}
	}
	if err != nil {
		switch {
		case timedOut && closing:
			t.log.Warn("offset commit cut short during close; the next owner reads the uncommitted records again",
				"timeout", limit, "reason", cut, "error", err)
		case timedOut:
			t.log.Warn("offset commit cut short; a later commit will cover these records",
				"timeout", limit, "reason", cut, "error", err)
		case closing || ctx.Err() != nil:
			t.log.Warn("offset commit failed during close", "error", err)
		default:
			t.log.Error("offset commit failed, rewinding to last committed offsets", "error", err)
			t.rewind(offsets)
		}
		t.cfg.Metrics.CommitDone(time.Since(start), false)
		return nil
	}
	if timedOut {
		t.log.Info("offset commit cut short; committing what the task acknowledged", "timeout", limit, "reason", cut, "closing", closing)
	}
	if rerr := t.reported(); rerr != nil {
		return rerr // a record reported under errors.tolerance=none: commit nothing more
	}
	if len(acked) > 0 {
		if err := t.awaitReports(ctx, deadline, offsets); err != nil {
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
				t.log.Warn("offsets not committed: dead letter queue writes of their records are not done yet; a later commit will cover them",
					"timeout", limit, "closing", closing, "error", err)
				return nil
			}
			if ctx.Err() != nil {
				return nil // stopping hard; nothing is committed
			}
			return err
		}
	}
	n := 0
	for tp, off := range acked {
		limit, ok := offsets[tp]
		if !ok || !t.assigned[tp] {
			t.log.Warn("ignoring offset for a partition not delivered or not assigned", "partition", tp.String(), "offset", off)
			continue
		}
		if off > limit {
			t.log.Warn("ignoring offset beyond what was delivered", "partition", tp.String(), "offset", off, "delivered", limit)
			continue
		}
		if prev, ok := t.committed[tp]; ok && prev == off {
			continue
		}
		setOffset(t.session, tp, off)
		t.committed[tp] = off
		n++
	}
	if n > 0 {
		t.session.Commit()
		t.log.Debug("committed offsets", "partitions", n)
		t.cfg.Metrics.CommitDone(time.Since(start), true)
		t.recordActive()
	} else {
		t.cfg.Metrics.CommitSkipped()
	}
	return nil
}

// recordActive records how many delivered records wait for a commit
// (sink-record-active-count), over the partitions committed at least
// once, as Java counts them.
func (t *Task) recordActive() {
	if t.cfg.Metrics == nil {
		return
	}
	var n int64
	for tp, done := range t.committed {
		if d, ok := t.delivered[tp]; ok && d > done {
			n += d - done
		}
	}
	t.cfg.Metrics.SinkActive(n)
}

// reported returns the failure of a record the task reported through its
// errant record reporter under errors.tolerance=none, if any.
func (t *Task) reported() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.reportErr
}

// awaitReports waits, until deadline, for the error reports (dead letter
// queue writes) of records of the partitions of offsets: converter and
// transformation failures the runtime reported, and records the task
// reported through its errant record reporter — during Put or during the
// PreCommit that just ran. A record's report is durable before its offset
// is committed. A failed write of a record the task reported fails the
// task, as in Java.
func (t *Task) awaitReports(ctx context.Context, deadline time.Time, offsets map[connector.TopicPartition]int64) error {
	tps := make([]connector.TopicPartition, 0, len(offsets))
	for tp := range offsets {
		tps = append(tps, tp)
	}
	sortTPs(tps)
	actx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	return t.cfg.Tolerance.Await(actx, tps)
}

// rewind makes the partitions of offsets be consumed again from their last
// commit (or, never committed, from where this session started them).
func (t *Task) rewind(offsets map[connector.TopicPartition]int64) {
	for tp := range offsets {
		off, ok := t.committed[tp]
		if !ok {
			off, ok = t.pause.initialOffset(tp)
		}
		if ok {
			t.seek(tp, off)
		}
	}
	t.rejoin()
}

// seek makes tp be consumed from off: batches already fetched are dropped
// and the next session starts there.
func (t *Task) seek(tp connector.TopicPartition, off int64) {
	t.seeks[tp] = off
	delete(t.delivered, tp)
	delete(t.held, tp)
	if t.pending != nil {
		t.pending.drop(tp)
	}
}

// rejoin ends the current session; sarama's Cleanup applies pending seeks
// and the next session starts from them.
func (t *Task) rejoin() {
	t.mu.Lock()
	cancel := t.sessionCancel
	t.mu.Unlock()
	if cancel != nil && len(t.seeks) > 0 {
		cancel()
	}
}

// applyResets applies offsets the task asked for with ResetOffsets: at
// once during Setup, else by seeking and rejoining.
func (t *Task) applyResets() error {
	t.mu.Lock()
	if len(t.resets) == 0 {
		t.mu.Unlock()
		return nil
	}
	resets := t.resets
	t.resets = map[connector.TopicPartition]int64{}
	t.mu.Unlock()
	for tp, off := range resets {
		if !t.assigned[tp] {
			t.log.Warn("ignoring offset reset for a partition not assigned", "partition", tp.String(), "offset", off)
			continue
		}
		if t.inSetup {
			setOffset(t.session, tp, off)
			continue
		}
		t.seek(tp, off)
	}
	if !t.inSetup {
		t.rejoin()
	}
	return nil
}

// setOffset makes the session's next commit (and next claim) use off,
// forward or backward.
func setOffset(sess sarama.ConsumerGroupSession, tp connector.TopicPartition, off int64) {
	sess.MarkOffset(tp.Topic, tp.Partition, off, "")
	sess.ResetOffset(tp.Topic, tp.Partition, off, "")
}

func copyOffsets(m map[connector.TopicPartition]int64) map[connector.TopicPartition]int64 {
	out := make(map[connector.TopicPartition]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
