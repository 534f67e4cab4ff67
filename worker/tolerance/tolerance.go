// Package tolerance is the one error-handling path of the task loops (Java's
// RetryWithToleranceOperator): every record-level step — conversion,
// transformation, the producer's verdict — that fails goes through an
// Operator, which retries retriable failures with backoff under
// errors.retry.timeout, counts failures, reports them (the error log when
// errors.log.enable is set, and any Reporter such as a dead letter queue),
// and decides under errors.tolerance whether the record is skipped or the
// task must fail.
//
// The happy path does not touch the Operator: a loop calls a converter
// directly and hands the Operator only the error, with a function that
// repeats the step (Recover), so conversions cost nothing extra per record.
package tolerance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/kafka-connect-go/connect/connector"
)

// Stage is the step of the pipeline that failed, named as Java names it in
// logs and dead letter queue headers.
type Stage uint8

// The stages.
const (
	StageTaskPoll Stage = iota + 1
	StageTaskPut
	StageTransformation
	StageKeyConverter
	StageValueConverter
	StageHeaderConverter
	StageKafkaProduce
	StageKafkaConsume
)

var stageNames = [...]string{
	StageTaskPoll: "TASK_POLL", StageTaskPut: "TASK_PUT", StageTransformation: "TRANSFORMATION",
	StageKeyConverter: "KEY_CONVERTER", StageValueConverter: "VALUE_CONVERTER",
	StageHeaderConverter: "HEADER_CONVERTER", StageKafkaProduce: "KAFKA_PRODUCE", StageKafkaConsume: "KAFKA_CONSUME",
}

func (s Stage) String() string {
	if int(s) < len(stageNames) && stageNames[s] != "" {
		return stageNames[s]
	}
	return "Stage(" + strconv.Itoa(int(s)) + ")"
}

// toleratesAny reports whether any error of the stage may be tolerated (Java:
// the stage's "tolerable exceptions" are all exceptions); in other stages only
// retriable errors are, and anything else is unhandled.
func (s Stage) toleratesAny() bool {
	switch s {
	case StageTransformation, StageKeyConverter, StageValueConverter, StageHeaderConverter:
		return true
	}
	return false
}

// SinkTaskClass is the executing class Java names for failures the task
// reports itself (the errant record reporter).
const SinkTaskClass = "org.apache.kafka.connect.sink.SinkTask"

// Failure is one failed step with everything a report needs.
type Failure struct {
	Stage Stage
	// Class is the Java class name of what was executing: the converter,
	// the transformation, the task.
	Class string
	Err   error
	// Consumed is the record as consumed, for sink failures.
	Consumed *connector.RawRecord
	// Source is the record as polled, for source failures.
	Source *connector.SourceRecord
	// Attempts is how many times the step ran.
	Attempts int
	Time     time.Time
}

// Where locates a step: its stage, executing class and record.
type Where struct {
	Stage    Stage
	Class    string
	Consumed *connector.RawRecord
	Source   *connector.SourceRecord
}

// Reporter receives every failure the Operator handles, tolerated or not,
// before the decision takes effect (so with errors.tolerance=none a dead
// letter queue still gets the failing record). The dead letter queue
// reporter and the errant record reporter of KIP-610 plug in here.
type Reporter interface {
	Report(ctx context.Context, f *Failure) error
}

// Config is the error handling config of one task, from the connector's
// errors.* keys.
type Config struct {
	Connector string
	Task      int
	// RetryTimeout bounds retries of retriable failures (errors.retry.timeout):
	// 0 means no retries, negative means retry forever.
	RetryTimeout time.Duration
	// MaxRetryDelay caps the backoff (errors.retry.delay.max.ms).
	MaxRetryDelay time.Duration
	// TolerateAll is errors.tolerance=all: failed records are skipped.
	TolerateAll bool
	// LogErrors is errors.log.enable; LogMessages errors.log.include.messages.
	LogErrors, LogMessages bool
	Logger                 *slog.Logger
	// DeadLetterQueue, when set, gets every failure with a consumed record
	// (sink tasks with errors.deadletterqueue.topic.name). The Operator
	// opens it (Open), and the sink loop waits for its writes before
	// committing offsets (Await).
	DeadLetterQueue *DeadLetterQueue
	// Reporters are further reporters, called synchronously.
	Reporters []Reporter
}

// Stats are the task's error counters (Java's task-error-metrics).
type Stats struct {
	RecordFailures int64 // every failed attempt
	RecordErrors   int64 // failures that were not tolerated
	RecordsSkipped int64
	Retries        int64
	ErrorsLogged   int64
	LastError      time.Time
	// DLQProduceRequests and DLQProduceFailures count dead letter queue
	// writes and the ones that failed.
	DLQProduceRequests, DLQProduceFailures int64
}

// Operator applies one task's error handling config. It is safe for
// concurrent use (a source task's producer verdicts arrive on another
// goroutine than its conversions).
type Operator struct {
	cfg       Config
	log       *slog.Logger
	failures  atomic.Int64
	errs      atomic.Int64
	skipped   atomic.Int64
	retries   atomic.Int64
	logged    atomic.Int64
	lastError atomic.Int64 // unix millis
}

// New returns an Operator for cfg.
func New(cfg Config) *Operator {
	l := cfg.Logger
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return &Operator{cfg: cfg, log: l}
}

// TolerateAll reports whether errors.tolerance=all.
func (o *Operator) TolerateAll() bool { return o.cfg.TolerateAll }

// Stats returns the counters.
func (o *Operator) Stats() Stats {
	s := Stats{
		RecordFailures: o.failures.Load(), RecordErrors: o.errs.Load(), RecordsSkipped: o.skipped.Load(),
		Retries: o.retries.Load(), ErrorsLogged: o.logged.Load(),
	}
	if ms := o.lastError.Load(); ms != 0 {
		s.LastError = time.UnixMilli(ms)
	}
	if q := o.cfg.DeadLetterQueue; q != nil {
		s.DLQProduceRequests, s.DLQProduceFailures = q.Stats()
	}
	return s
}

// Open prepares the reporters that need Kafka: it creates the dead letter
// queue topic when missing and starts its producer. A failure should fail
// the task (Java: "Could not initialize dead letter queue with topic=...").
func (o *Operator) Open(ctx context.Context) error {
	if q := o.cfg.DeadLetterQueue; q != nil {
		return q.Open(ctx)
	}
	return nil
}

// Await waits until the reports of records of partitions (their dead
// letter queue writes) are durable, so their offsets may be committed. It
// fails when ctx ends first, and when the write of a record the task
// reported through the errant record reporter failed.
func (o *Operator) Await(ctx context.Context, partitions []connector.TopicPartition) error {
	if q := o.cfg.DeadLetterQueue; q != nil {
		return q.Await(ctx, partitions)
	}
	return nil
}

// Close flushes and closes the dead letter queue, waiting at most until
// ctx ends.
func (o *Operator) Close(ctx context.Context) error {
	if q := o.cfg.DeadLetterQueue; q != nil {
		return q.Close(ctx)
	}
	return nil
}

// ErrSkipped is returned (wrapped) when a failure was tolerated: the caller
// drops the record and carries on.
var ErrSkipped = errors.New("record skipped by errors.tolerance=all")

// Error is a failure the task cannot survive. Its text names the task, the
// stage, the executing class and the record, then the cause.
type Error struct {
	Connector string
	Task      int
	Stage     Stage
	Class     string
	// Record says where the record is: "topic t partition 0 offset 5" for
	// sink records, the topic and source partition/offset for source records.
	Record string
	// Unhandled is set when the stage cannot tolerate this kind of error at
	// all (Java's "Unhandled exception in error handler").
	Unhandled bool
	Err       error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Unhandled {
		b.WriteString("Unhandled exception in error handler")
	} else {
		b.WriteString("Tolerance exceeded in error handler")
	}
	fmt.Fprintf(&b, ": connector %q task %d, stage %s", e.Connector, e.Task, e.Stage)
	if e.Class != "" {
		b.WriteString(", class ")
		b.WriteString(e.Class)
	}
	if e.Record != "" {
		b.WriteString(", ")
		b.WriteString(e.Record)
	}
	b.WriteString(": ")
	b.WriteString(ChainText(e.Err))
	return b.String()
}

// ChainText renders an error with the causes its own text leaves out: some
// errors keep Java's wording and hide their cause behind Unwrap (a
// converter's "...failed due to serialization error: "). Each hidden cause
// follows as "Caused by: ...", the way a Java trace reads.
func ChainText(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		um := u.Error()
		if um == "" || strings.Contains(msg, um) {
			continue
		}
		if strings.HasSuffix(msg, ": ") {
			msg += um
		} else {
			msg += "\nCaused by: " + um
		}
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Execute runs op and, if it fails, handles the failure as Recover does.
func (o *Operator) Execute(ctx context.Context, w Where, op func() error) error {
	err := op()
	if err == nil {
		return nil
	}
	return o.Recover(ctx, w, err, op)
}

// Recover handles a step that failed with err on its first attempt: it
// retries op while err is retriable and errors.retry.timeout allows, then
// counts, logs and reports the failure and decides. It returns nil when a
// retry succeeded, an error wrapping ErrSkipped when the failure is
// tolerated, a *Error when the task must fail, or ctx's error when ctx ended
// during a retry (the task is stopping; the record must not be committed).
func (o *Operator) Recover(ctx context.Context, w Where, err error, op func() error) error {
	attempts := 1
	if connector.IsRetriable(err) && o.cfg.RetryTimeout != 0 {
		o.failures.Add(1)
		first := true
		sched := newSchedule(o.cfg.RetryTimeout, o.cfg.MaxRetryDelay, time.Now)
		rerr := backoff.RetryNotify(func() error {
			if first {
				first = false
				return err
			}
			attempts++
			o.retries.Add(1)
			e := op()
			if e != nil && !connector.IsRetriable(e) {
				return backoff.Permanent(e)
			}
			if e != nil {
				o.failures.Add(1)
			}
			return e
		}, backoff.WithContext(sched, ctx), nil)
		if rerr == nil {
			return nil
		}
		if ctx.Err() != nil && errors.Is(rerr, ctx.Err()) {
			return fmt.Errorf("%s stopped while retrying: %w", w.Stage, rerr)
		}
		err = rerr
		if !connector.IsRetriable(err) {
			o.failures.Add(1)
		}
	} else {
		o.failures.Add(1)
	}
	f := &Failure{Stage: w.Stage, Class: w.Class, Err: err, Consumed: w.Consumed, Source: w.Source, Attempts: attempts, Time: time.Now()}
	return o.decide(ctx, f, w.Stage.toleratesAny() || connector.IsRetriable(err))
}

// Failed handles a failure that has already happened and cannot be retried
// here (Java's executeFailed): a record the producer gave up on, a record
// the task reported through the errant record reporter. It counts, logs and
// reports it and returns an error wrapping ErrSkipped under
// errors.tolerance=all, or a *Error.
func (o *Operator) Failed(ctx context.Context, w Where, err error) error {
	o.failures.Add(1)
	f := &Failure{Stage: w.Stage, Class: w.Class, Err: err, Consumed: w.Consumed, Source: w.Source, Attempts: 1, Time: time.Now()}
	return o.decide(ctx, f, true)
}

// report sends f to the log and the reporters without deciding anything.
func (o *Operator) report(ctx context.Context, f *Failure) {
	o.lastError.Store(f.Time.UnixMilli())
	if o.cfg.LogErrors {
		o.logged.Add(1)
		o.log.Error(o.logMessage(f), "exception", JavaExceptionClass(f.Err), "error", ChainText(f.Err))
	}
	if q := o.cfg.DeadLetterQueue; q != nil {
		if err := q.Report(ctx, f); err != nil {
			o.log.Error("could not produce message to dead letter queue", "stage", f.Stage.String(), "error", err)
		}
	}
	for _, r := range o.cfg.Reporters {
		if err := r.Report(ctx, f); err != nil {
			o.log.Error("error reporter failed", "stage", f.Stage.String(), "error", err)
		}
	}
}

func (o *Operator) decide(ctx context.Context, f *Failure, tolerable bool) error {
	o.report(ctx, f)
	if tolerable && o.cfg.TolerateAll {
		o.skipped.Add(1)
		return fmt.Errorf("%s: %w: %w", f.Stage, ErrSkipped, f.Err)
	}
	o.errs.Add(1)
	return &Error{
		Connector: o.cfg.Connector, Task: o.cfg.Task, Stage: f.Stage, Class: f.Class,
		Record: describe(f), Unhandled: !tolerable, Err: f.Err,
	}
}

// logMessage is the LogReporter line of the Java worker.
func (o *Operator) logMessage(f *Failure) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Error encountered in task %s-%d. Executing stage '%s' with class '%s'", o.cfg.Connector, o.cfg.Task, f.Stage, f.Class)
	if o.cfg.LogMessages {
		switch {
		case f.Consumed != nil:
			r := f.Consumed
			fmt.Fprintf(&b, ", where consumed record is {topic='%s', partition=%d, offset=%d", r.Topic, r.Partition, r.Offset)
			if r.TimestampType == connector.CreateTime || r.TimestampType == connector.LogAppendTime {
				fmt.Fprintf(&b, ", timestamp=%d, timestampType=%s", r.Timestamp, r.TimestampType)
			}
			b.WriteString("}")
		case f.Source != nil:
			fmt.Fprintf(&b, ", where source record is = %s", describeSource(f.Source, true))
		}
	}
	b.WriteString(".")
	return b.String()
}

// describe locates a failure's record for the task's failure trace: always
// the coordinates, never the contents.
func describe(f *Failure) string {
	switch {
	case f.Consumed != nil:
		r := f.Consumed
		return "topic " + r.Topic + " partition " + strconv.Itoa(int(r.Partition)) + " offset " + strconv.FormatInt(r.Offset, 10)
	case f.Source != nil:
		return describeSource(f.Source, false)
	}
	return ""
}

func describeSource(r *connector.SourceRecord, contents bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "source record {sourcePartition=%v, sourceOffset=%v, topic='%s'", r.SourcePartition, r.SourceOffset, r.Topic)
	if r.Partition != connector.NoPartition {
		fmt.Fprintf(&b, ", kafkaPartition=%d", r.Partition)
	}
	if contents {
		fmt.Fprintf(&b, ", key=%v, value=%v, timestamp=%d, headers=%d", r.Key, r.Value, r.Timestamp, len(r.Headers))
	}
	b.WriteString("}")
	return b.String()
}

// schedule is the retry backoff of Java's RetryWithToleranceOperator: 300 ms
// doubling per attempt; once that exceeds the maximum delay, a uniformly
// random delay below the maximum; never past the deadline, where retrying
// stops.
type schedule struct {
	attempt  int
	maxDelay time.Duration
	deadline time.Time // zero: retry forever
	now      func() time.Time
}

const initialRetryDelay = 300 * time.Millisecond

func newSchedule(timeout, maxDelay time.Duration, now func() time.Time) *schedule {
	s := &schedule{maxDelay: maxDelay, now: now}
	if timeout >= 0 {
		s.deadline = now().Add(timeout)
	}
	return s
}

// Reset is required by backoff.BackOff; the schedule is used once.
func (s *schedule) Reset() {}

// NextBackOff returns the delay before the next attempt, or backoff.Stop.
func (s *schedule) NextBackOff() time.Duration {
	s.attempt++
	var d time.Duration
	if shift := s.attempt - 1; shift < 32 {
		d = initialRetryDelay << shift
	}
	if d <= 0 || d > s.maxDelay {
		// Past the cap (or the shift overflowed): jitter below the cap.
		d = 0
		if s.maxDelay > 0 {
			d = rand.N(s.maxDelay)
		}
	}
	if !s.deadline.IsZero() {
		left := s.deadline.Sub(s.now())
		if left <= 0 {
			return backoff.Stop
		}
		d = min(d, left)
	}
	return d
}
