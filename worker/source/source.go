// Package source runs one source task: SourceTask.Poll, the transformation
// chain, the header, key and value converters, and a sarama async producer;
// source offsets reach the offset store only once Kafka acknowledged the
// record and every record before it from the same source partition.
//
// # Goroutines
//
// Run is the task goroutine: it starts the task, polls, converts and hands
// records to the producer. An ack goroutine reads the producer's successes
// and errors, acknowledges records to the offset tracker and calls
// CommitRecord. A committer goroutine writes the committable offsets every
// offset.flush.interval.ms and then calls the task's Commit. All three are
// owned by Run and gone when it returns.
//
// # Stopping
//
// Stop cancels the context of the Poll in progress and stops polling; Run
// then waits up to offset.flush.timeout.ms for the records in flight to be
// acknowledged, writes the offsets, closes the producer and stops the task.
package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
	"github.com/cenkalti/backoff/v4"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/data"
	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/worker/metrics"
	"github.com/kafka-connect-go/connect/worker/tolerance"
)

// Transformer applies a connector's transformation chain. It returns the
// transformed record, nil when the record is dropped (by a transformation or
// a tolerated failure), or an error the task cannot survive.
type Transformer interface {
	Transform(ctx context.Context, rec *connector.Record, w tolerance.Where) (*connector.Record, error)
}

// Listener hears about state changes of a running task; calls come from the
// task goroutine and must not block.
type Listener interface {
	Running()
	Paused()
}

// ProducerClass is the executing class named for producer failures.
const ProducerClass = "org.apache.kafka.clients.producer.KafkaProducer"

// Config is everything one source task needs.
type Config struct {
	Connector  string
	TaskID     int
	Task       connector.SourceTask
	TaskConfig map[string]string

	// Brokers and Client configure the producer (client id, acks,
	// compression, in-flight requests); the worker builds them. Run turns
	// on the success and error channels and sets the partitioner.
	Brokers []string
	Client  *sarama.Config

	KeyConverter, ValueConverter                                 connector.Converter
	HeaderConverter                                              connector.HeaderConverter
	KeyConverterClass, ValueConverterClass, HeaderConverterClass string
	Transforms                                                   Transformer
	Tolerance                                                    *tolerance.Operator

	Offsets storage.OffsetStore
	// CommitInterval is offset.flush.interval.ms (default one minute);
	// CommitTimeout offset.flush.timeout.ms (default five seconds).
	CommitInterval, CommitTimeout time.Duration

	StartPaused bool
	Listener    Listener
	// TopicUsed is called once for each topic the task produces to.
	TopicUsed func(topic string)
	Logger    *slog.Logger
	// Metrics receives the task's connector-task-metrics and
	// source-task-metrics; nil records nothing.
	Metrics *metrics.Task
}

// Task runs one source task.
type Task struct {
	cfg     Config
	log     *slog.Logger
	tracker *tracker

	stopReq  chan struct{}
	stopOnce sync.Once
	wake     chan struct{}

	mu         sync.Mutex
	paused     bool
	pollCancel context.CancelFunc

	fatal    atomic.Pointer[error] // a producer failure under errors.tolerance=none
	commitMu sync.Mutex            // one offset commit at a time
	seen     map[string]bool
	listened int
}

// New checks cfg and returns a task ready to Run.
func New(cfg Config) (*Task, error) {
	switch {
	case cfg.Task == nil:
		return nil, errors.New("source task: no task")
	case cfg.Client == nil:
		return nil, errors.New("source task: no producer config")
	case cfg.KeyConverter == nil || cfg.ValueConverter == nil || cfg.HeaderConverter == nil:
		return nil, errors.New("source task: converters missing")
	case cfg.Tolerance == nil:
		return nil, errors.New("source task: no error handling operator")
	case cfg.Offsets == nil:
		return nil, errors.New("source task: no offset store")
	}
	if cfg.CommitInterval <= 0 {
		cfg.CommitInterval = time.Minute
	}
	if cfg.CommitTimeout <= 0 {
		cfg.CommitTimeout = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Task{
		cfg: cfg, log: cfg.Logger, tracker: newTracker(cfg.Connector),
		stopReq: make(chan struct{}), wake: make(chan struct{}, 1),
		paused: cfg.StartPaused, seen: map[string]bool{},
	}, nil
}

// Stop asks the task to stop gracefully; it cancels the Poll in progress.
func (t *Task) Stop() {
	t.stopOnce.Do(func() {
		close(t.stopReq)
		t.mu.Lock()
		if t.pollCancel != nil {
			t.pollCancel()
		}
		t.mu.Unlock()
	})
}

// SetPaused pauses or resumes polling.
func (t *Task) SetPaused(paused bool) {
	t.mu.Lock()
	t.paused = paused
	t.mu.Unlock()
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

func (t *Task) isPaused() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.paused
}

func (t *Task) stopping() bool {
	select {
	case <-t.stopReq:
		return true
	default:
		return false
	}
}

func (t *Task) failure(err error) error {
	var te *tolerance.Error
	if errors.As(err, &te) {
		return err
	}
	return fmt.Errorf("connector %q task %d: %w", t.cfg.Connector, t.cfg.TaskID, err)
}

type taskContext struct{ t *Task }

func (c taskContext) Config() map[string]string { return maps.Clone(c.t.cfg.TaskConfig) }
func (c taskContext) OffsetReader() connector.OffsetReader {
	return NewOffsetReader(c.t.cfg.Offsets, c.t.cfg.Connector)
}
func (c taskContext) Logger() *slog.Logger { return c.t.log }

// Run starts the task, polls until Stop or ctx ends, commits and stops. It
// returns nil after a graceful stop and the failure otherwise; cancelling
// ctx is the hard stop.
func (t *Task) Run(ctx context.Context) (err error) {
	c := *t.cfg.Client
	c.Producer.Return.Successes = true
	c.Producer.Return.Errors = true
	c.Producer.Partitioner = newPartitioner
	producer, err := t.producerRetrying(ctx, &c)
	if errors.Is(err, errStopping) || ctx.Err() != nil {
		return nil // stopped before Kafka could be reached
	}
	if err != nil {
		return t.failure(err)
	}

	if err := t.cfg.Task.Start(taskContext{t: t}, t.cfg.TaskConfig); err != nil {
		producer.AsyncClose()
		drain(producer)
		return t.failure(errors.Join(fmt.Errorf("start: %w", err), t.stopTask()))
	}
	t.report()

	// The ack goroutine ends when the producer's channels close, after
	// AsyncClose below; a hard stop does not wait for it (sarama may still
	// be retrying a send to an unreachable broker).
	acksDone := make(chan struct{})
	go func() {
		defer close(acksDone)
		t.readAcks(ctx, producer)
	}()
	var wg sync.WaitGroup
	commitCtx, stopCommitter := context.WithCancel(ctx)
	wg.Go(func() { t.committer(commitCtx) })

	loopErr := t.pollLoop(ctx, producer)
	if ctx.Err() != nil {
		loopErr = nil // a hard stop
	}

	// Shutdown, in order: polling has stopped; let the records in flight be
	// acknowledged (bounded by offset.flush.timeout.ms), write the offsets
	// of everything acknowledged, then close the producer and the task.
	stopCommitter()
	wg.Wait()
	if ctx.Err() == nil {
		// After a failure some record will never be acknowledged; waiting
		// for it would only delay the report.
		if loopErr == nil {
			wctx, cancel := context.WithTimeout(ctx, t.cfg.CommitTimeout)
			if !t.tracker.awaitIdle(wctx) {
				t.log.Warn("records still in flight at shutdown; their offsets are not committed", "records", t.tracker.inFlight())
			}
			cancel()
		}
		if err := t.commitOffsets(ctx); err != nil {
			t.log.Error("final offset commit failed", "error", err)
		}
	}
	producer.AsyncClose()
	select {
	case <-acksDone:
	case <-ctx.Done():
		t.log.Warn("producer did not close before the hard stop")
	}
	if serr := t.stopTask(); serr != nil {
		if loopErr == nil {
			loopErr = serr
		} else {
			t.log.Warn("stopping the task after its failure also failed", "error", serr)
		}
	}
	if loopErr != nil {
		return t.failure(loopErr)
	}
	return nil
}

var errStopping = errors.New("source task is stopping")

// producerRetrying creates the producer, retrying with backoff while Kafka
// cannot be reached, until Stop or ctx ends. A configuration sarama refuses
// is not retried.
func (t *Task) producerRetrying(ctx context.Context, c *sarama.Config) (sarama.AsyncProducer, error) {
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval = 500 * time.Millisecond
	bo.MaxInterval = 30 * time.Second
	bo.MaxElapsedTime = 0
	for {
		p, err := sarama.NewAsyncProducer(t.cfg.Brokers, c)
		if err == nil {
			return p, nil
		}
		err = fmt.Errorf("producer for %v: %w", t.cfg.Brokers, err)
		var ce sarama.ConfigurationError
		if errors.As(err, &ce) {
			return nil, err
		}
		d := bo.NextBackOff()
		t.log.Warn("cannot reach kafka, retrying", "in", d, "error", err)
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		case <-t.stopReq:
			timer.Stop()
			return nil, errStopping
		case <-timer.C:
		}
	}
}

func drain(p sarama.AsyncProducer) {
	for range p.Successes() {
	}
	for range p.Errors() {
	}
}

func (t *Task) stopTask() error {
	if err := t.cfg.Task.Stop(); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	return nil
}

func (t *Task) report() {
	want := 1
	if t.isPaused() {
		want = 2
	}
	if want == t.listened {
		return
	}
	t.listened = want
	if t.cfg.Listener == nil {
		return
	}
	if want == 2 {
		t.cfg.Listener.Paused()
	} else {
		t.cfg.Listener.Running()
	}
}

// pollLoop polls and sends until a stop or a failure.
func (t *Task) pollLoop(ctx context.Context, producer sarama.AsyncProducer) error {
	retry := backoff.NewExponentialBackOff()
	retry.InitialInterval = 100 * time.Millisecond
	retry.MaxInterval = 5 * time.Second
	retry.MaxElapsedTime = 0
	for {
		if err := t.fatalErr(); err != nil {
			return err
		}
		if t.stopping() || ctx.Err() != nil {
			return nil
		}
		t.report()
		if t.isPaused() {
			select {
			case <-t.wake:
			case <-t.stopReq:
			case <-ctx.Done():
			}
			continue
		}
		pctx, cancel := context.WithCancel(ctx)
		t.mu.Lock()
		t.pollCancel = cancel
		t.mu.Unlock()
		if t.stopping() {
			cancel()
		}
		start := time.Now()
		recs, err := t.cfg.Task.Poll(pctx)
		cancel()
		if err != nil {
			if t.stopping() || ctx.Err() != nil {
				return nil
			}
			if connector.IsRetriable(err) {
				d := retry.NextBackOff()
				t.log.Warn("retriable error from poll, polling again", "in", d, "error", err)
				timer := time.NewTimer(d)
				select {
				case <-timer.C:
				case <-t.stopReq:
				case <-ctx.Done():
				}
				timer.Stop()
				continue
			}
			return fmt.Errorf("poll: %w", err)
		}
		retry.Reset()
		if recs != nil {
			t.cfg.Metrics.SourcePoll(len(recs), time.Since(start))
		}
		for _, rec := range recs {
			if rec == nil {
				continue
			}
			if err := t.send(ctx, producer, rec); err != nil {
				return err
			}
		}
		if len(recs) > 0 && t.cfg.Metrics != nil {
			t.cfg.Metrics.SourceActive(int64(t.tracker.inFlight()))
		}
	}
}

func (t *Task) fatalErr() error {
	if p := t.fatal.Load(); p != nil {
		return *p
	}
	return nil
}

// send transforms, converts and produces one record.
func (t *Task) send(ctx context.Context, producer sarama.AsyncProducer, rec *connector.SourceRecord) error {
	sub, err := t.tracker.submit(rec)
	if err != nil {
		return err
	}
	msg, err := t.convert(ctx, rec)
	if err != nil {
		if errors.Is(err, tolerance.ErrSkipped) {
			t.dropped(sub)
			return nil
		}
		return err
	}
	if msg == nil {
		t.dropped(sub)
		return nil
	}
	msg.Metadata = sub
	if t.cfg.TopicUsed != nil && !t.seen[msg.Topic] {
		t.seen[msg.Topic] = true
		t.cfg.TopicUsed(msg.Topic)
	}
	select {
	case producer.Input() <- msg:
		return nil
	case <-ctx.Done():
		return nil
	}
}

// dropped handles a record a transformation dropped or error tolerance
// skipped: its offset counts as processed.
func (t *Task) dropped(sub *submitted) {
	t.tracker.ack(sub)
	t.commitRecord(sub.rec, nil)
}

func (t *Task) commitRecord(rec *connector.SourceRecord, md *connector.RecordMetadata) {
	rc, ok := t.cfg.Task.(connector.RecordCommitter)
	if !ok {
		return
	}
	if err := rc.CommitRecord(rec, md); err != nil {
		t.log.Warn("task failed to commit a record", "topic", rec.Topic, "error", err)
	}
}

// convert runs the transformations, then the header, key and value
// converters (the source order). A nil message means dropped.
func (t *Task) convert(ctx context.Context, rec *connector.SourceRecord) (*sarama.ProducerMessage, error) {
	r := &rec.Record
	if t.cfg.Transforms != nil {
		out, err := t.cfg.Transforms.Transform(ctx, r, tolerance.Where{Source: rec})
		if err != nil || out == nil {
			return nil, err
		}
		r = out
	}
	msg := &sarama.ProducerMessage{Topic: r.Topic, Partition: -1}
	if r.Partition != connector.NoPartition {
		msg.Partition = r.Partition
	}
	if r.HasTimestamp() {
		msg.Timestamp = time.UnixMilli(r.Timestamp)
	}
	if len(r.Headers) > 0 {
		msg.Headers = make([]sarama.RecordHeader, len(r.Headers))
		for i, h := range r.Headers {
			b, err := t.cfg.HeaderConverter.FromConnectHeader(r.Topic, h.Key, h.Schema, h.Value)
			if err != nil {
				w := tolerance.Where{Stage: tolerance.StageHeaderConverter, Class: t.cfg.HeaderConverterClass, Source: rec}
				if err := t.cfg.Tolerance.Recover(ctx, w, err, func() error {
					var err error
					b, err = t.cfg.HeaderConverter.FromConnectHeader(r.Topic, h.Key, h.Schema, h.Value)
					return err
				}); err != nil {
					return nil, err
				}
			}
			msg.Headers[i] = sarama.RecordHeader{Key: []byte(h.Key), Value: b}
		}
	}
	key, err := t.fromConnect(ctx, rec, r, tolerance.StageKeyConverter, t.cfg.KeyConverterClass, t.cfg.KeyConverter, r.KeySchema, r.Key)
	if err != nil {
		return nil, err
	}
	val, err := t.fromConnect(ctx, rec, r, tolerance.StageValueConverter, t.cfg.ValueConverterClass, t.cfg.ValueConverter, r.ValueSchema, r.Value)
	if err != nil {
		return nil, err
	}
	if key != nil {
		msg.Key = sarama.ByteEncoder(key)
	}
	if val != nil {
		msg.Value = sarama.ByteEncoder(val)
	}
	return msg, nil
}

func (t *Task) fromConnect(ctx context.Context, rec *connector.SourceRecord, r *connector.Record, stage tolerance.Stage, class string,
	conv connector.Converter, schema *data.Schema, v any) ([]byte, error) {
	b, err := conv.FromConnectData(r.Topic, r.Headers, schema, v)
	if err == nil {
		return b, nil
	}
	w := tolerance.Where{Stage: stage, Class: class, Source: rec}
	err = t.cfg.Tolerance.Recover(ctx, w, err, func() error {
		var err error
		b, err = conv.FromConnectData(r.Topic, r.Headers, schema, v)
		return err
	})
	return b, err
}

// readAcks handles the producer's verdicts until its channels close.
func (t *Task) readAcks(ctx context.Context, producer sarama.AsyncProducer) {
	succ, errs := producer.Successes(), producer.Errors()
	for succ != nil || errs != nil {
		select {
		case m, ok := <-succ:
			if !ok {
				succ = nil
				continue
			}
			sub := m.Metadata.(*submitted)
			t.tracker.ack(sub)
			if t.cfg.Metrics != nil {
				t.cfg.Metrics.SourceWritten(1, int64(t.tracker.inFlight()))
			}
			t.commitRecord(sub.rec, &connector.RecordMetadata{
				Topic: m.Topic, Partition: m.Partition, Offset: m.Offset, Timestamp: m.Timestamp.UnixMilli(),
			})
		case pe, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			sub := pe.Msg.Metadata.(*submitted)
			w := tolerance.Where{Stage: tolerance.StageKafkaProduce, Class: ProducerClass, Source: sub.rec}
			err := t.cfg.Tolerance.Failed(ctx, w, fmt.Errorf("send to topic %s: %w", pe.Msg.Topic, pe.Err))
			if errors.Is(err, tolerance.ErrSkipped) {
				// errors.tolerance=all: the record counts as sent.
				t.tracker.ack(sub)
				t.commitRecord(sub.rec, nil)
				continue
			}
			// Never acknowledged: its partition's offsets stop here.
			t.fatal.CompareAndSwap(nil, &err)
			t.wakeUp()
		}
	}
}

func (t *Task) wakeUp() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
	t.mu.Lock()
	if t.pollCancel != nil {
		t.pollCancel()
	}
	t.mu.Unlock()
}

// committer writes offsets every offset.flush.interval.ms.
func (t *Task) committer(ctx context.Context) {
	tick := time.NewTicker(t.cfg.CommitInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := t.commitOffsets(ctx); err != nil {
			t.log.Error("offset commit failed", "error", err)
		}
	}
}

// commitOffsets writes the committable offsets, bounded by
// offset.flush.timeout.ms, then tells the task (OffsetCommitter).
func (t *Task) commitOffsets(ctx context.Context) error {
	t.commitMu.Lock()
	defer t.commitMu.Unlock()
	start := time.Now()
	snap, err := t.tracker.committable()
	if err != nil {
		return err
	}
	if len(snap.entries) > 0 {
		wctx, cancel := context.WithTimeout(ctx, t.cfg.CommitTimeout)
		err := t.cfg.Offsets.Set(wctx, snap.entries)
		cancel()
		if err != nil {
			t.cfg.Metrics.CommitDone(time.Since(start), false)
			return fmt.Errorf("write %d offsets: %w", len(snap.entries), err)
		}
		t.tracker.written(snap)
		t.cfg.Metrics.CommitDone(time.Since(start), true)
		t.log.Debug("committed offsets", "partitions", len(snap.entries))
	}
	if oc, ok := t.cfg.Task.(connector.OffsetCommitter); ok {
		if err := oc.Commit(); err != nil {
			t.log.Warn("task commit failed", "error", err)
		}
	}
	return nil
}

// partitioner sends a record to the partition it names, else as Kafka's
// default partitioner does: murmur2 of the key bytes, or for records without
// a key, one partition for a while (sticky) so batches fill up.
type partitioner struct {
	hash   sarama.Partitioner
	sticky int32
	left   int
	random sarama.Partitioner
}

func newPartitioner(topic string) sarama.Partitioner {
	return &partitioner{hash: sarama.NewMurmur2Partitioner(topic), random: sarama.NewRandomPartitioner(topic)}
}

const stickyRecords = 1000

func (p *partitioner) Partition(m *sarama.ProducerMessage, n int32) (int32, error) {
	if m.Partition >= 0 {
		if m.Partition >= n {
			return 0, fmt.Errorf("record for topic %s names partition %d, but the topic has %d partitions", m.Topic, m.Partition, n)
		}
		return m.Partition, nil
	}
	if m.Key != nil {
		return p.hash.Partition(m, n)
	}
	if p.left <= 0 || p.sticky >= n {
		sp, err := p.random.Partition(m, n)
		if err != nil {
			return 0, err
		}
		p.sticky, p.left = sp, stickyRecords
	}
	p.left--
	return p.sticky, nil
}

func (p *partitioner) RequiresConsistency() bool { return true }
