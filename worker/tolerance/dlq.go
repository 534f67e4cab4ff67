package tolerance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
	"github.com/cenkalti/backoff/v4"

	"github.com/kafka-connect-go/connect/connector"
)

// The headers a dead letter queue record carries with
// errors.deadletterqueue.context.headers.enable=true, named as Java's
// DeadLetterQueueReporter names them.
const (
	HeaderPrefix              = "__connect.errors."
	HeaderTopic               = HeaderPrefix + "topic"
	HeaderPartition           = HeaderPrefix + "partition"
	HeaderOffset              = HeaderPrefix + "offset"
	HeaderConnectorName       = HeaderPrefix + "connector.name"
	HeaderTaskID              = HeaderPrefix + "task.id"
	HeaderStage               = HeaderPrefix + "stage"
	HeaderExecutingClass      = HeaderPrefix + "class.name"
	HeaderExceptionClass      = HeaderPrefix + "exception.class.name"
	HeaderExceptionMessage    = HeaderPrefix + "exception.message"
	HeaderExceptionStackTrace = HeaderPrefix + "exception.stacktrace"
)

// dlqPartitions is the partition count of a dead letter queue topic the
// worker creates, as in Java.
const dlqPartitions int32 = 1

// DeadLetterQueueConfig configures the dead letter queue of one sink task.
type DeadLetterQueueConfig struct {
	// Topic is errors.deadletterqueue.topic.name, trimmed; required.
	Topic string
	// ReplicationFactor is errors.deadletterqueue.topic.replication.factor,
	// used when the topic has to be created (with one partition).
	ReplicationFactor int16
	// ContextHeaders is errors.deadletterqueue.context.headers.enable.
	ContextHeaders bool
	// Connector and Task name the task in the context headers.
	Connector string
	Task      int
	// Brokers, Producer and Admin configure the clients: the worker builds
	// them as Java does (client id connector-dlq-producer-<connector>-<task>,
	// the worker's producer. keys, the connector's producer.override. keys;
	// admin. and admin.override. keys for the admin client). Open sets what
	// the queue needs on copies.
	Brokers         []string
	Producer, Admin *sarama.Config
	// AdminBrokers are the admin client's brokers; empty means Brokers.
	AdminBrokers []string
	Logger       *slog.Logger
}

// DeadLetterQueue is the Reporter that writes the records of failures to a
// sink connector's dead letter queue topic: the record exactly as it was
// consumed (key, value and headers as bytes, timestamp), with the context
// headers appended when they are enabled.
//
// Writes are asynchronous. The sink loop calls Await before committing a
// partition's offsets, so a record's dead letter queue write is durable
// before its offset is committed. A failed write is logged and counted; for
// a record the task itself reported (stage TASK_PUT, the errant record
// reporter) it also fails Await, as Java's awaitFutures does.
//
// Open, Report, Await and Close are safe for concurrent use; Report may be
// called from any goroutine (tasks report errant records from their own).
type DeadLetterQueue struct {
	cfg DeadLetterQueueConfig
	log *slog.Logger

	// sendMu is held (shared) by sends to the producer and (exclusively)
	// by Close, so nothing is sent to a closed producer.
	sendMu   sync.RWMutex
	producer sarama.AsyncProducer
	closed   bool
	wg       sync.WaitGroup // the goroutine reading the producer's results

	mu      sync.Mutex
	pending map[connector.TopicPartition]*partitionReports

	requests, failures atomic.Int64
}

// partitionReports tracks the writes of one consumed partition.
type partitionReports struct {
	n    int
	idle chan struct{} // closed when n drops to zero
	err  error         // the first failed write of an errant record, until Await returns it
}

// dlqWrite is the metadata of one message: whose partition it belongs to.
type dlqWrite struct {
	tp     connector.TopicPartition
	errant bool // reported by the task (stage TASK_PUT)
}

var errQueueClosed = errors.New("the dead letter queue is closed")

// NewDeadLetterQueue returns a queue ready to Open.
func NewDeadLetterQueue(cfg DeadLetterQueueConfig) *DeadLetterQueue {
	l := cfg.Logger
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return &DeadLetterQueue{cfg: cfg, log: l.With("dlq_topic", cfg.Topic), pending: map[connector.TopicPartition]*partitionReports{}}
}

// Open creates the topic when it is missing (one partition, the configured
// replication factor; a topic created meanwhile by someone else is fine)
// and starts the producer. Any other failure is returned with Java's
// message, "Could not initialize dead letter queue with topic=<topic>",
// and should fail the task.
func (q *DeadLetterQueue) Open(ctx context.Context) error {
	if err := q.ensureTopic(ctx); err != nil {
		return fmt.Errorf("Could not initialize dead letter queue with topic=%s: %w", q.cfg.Topic, err)
	}
	c := *q.cfg.Producer
	c.Producer.Return.Successes = true
	c.Producer.Return.Errors = true
	// Kafka's default partitioner for the key bytes: the queue Connect
	// creates has one partition, but one a user made may have more.
	c.Producer.Partitioner = sarama.NewMurmur2Partitioner
	p, err := sarama.NewAsyncProducer(q.cfg.Brokers, &c)
	if err != nil {
		return fmt.Errorf("Could not initialize dead letter queue with topic=%s: producer: %w", q.cfg.Topic, err)
	}
	q.sendMu.Lock()
	q.producer = p
	q.sendMu.Unlock()
	q.wg.Go(func() { q.results(p) })
	return nil
}

// ensureTopic lists the topics and creates the queue's when it is absent,
// as Java's DeadLetterQueueReporter.createAndSetup. Creating is retried
// briefly while the controller is busy; refusals (replication factor too
// high, authorization, policy) are not.
func (q *DeadLetterQueue) ensureTopic(ctx context.Context) error {
	brokers := q.cfg.AdminBrokers
	if len(brokers) == 0 {
		brokers = q.cfg.Brokers
	}
	admin, err := sarama.NewClusterAdmin(brokers, q.cfg.Admin)
	if err != nil {
		return fmt.Errorf("admin client: %w", err)
	}
	defer func() {
		if cerr := admin.Close(); cerr != nil {
			q.log.Warn("closing the dead letter queue admin client", "error", cerr)
		}
	}()
	topics, err := admin.ListTopics()
	if err != nil {
		return fmt.Errorf("list topics: %w", err)
	}
	if _, ok := topics[q.cfg.Topic]; ok {
		return nil
	}
	q.log.Info("dead letter queue topic does not exist; creating it",
		"partitions", dlqPartitions, "replication_factor", q.cfg.ReplicationFactor)
	detail := &sarama.TopicDetail{NumPartitions: dlqPartitions, ReplicationFactor: q.cfg.ReplicationFactor}
	bo := backoff.WithContext(backoff.WithMaxRetries(backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(100*time.Millisecond), backoff.WithMaxInterval(2*time.Second)), 8), ctx)
	return backoff.Retry(func() error {
		err := admin.CreateTopic(q.cfg.Topic, detail, false)
		switch {
		case err == nil, errors.Is(err, sarama.ErrTopicAlreadyExists):
			return nil
		case errors.Is(err, sarama.ErrRequestTimedOut), errors.Is(err, sarama.ErrNotController),
			errors.Is(err, sarama.ErrLeaderNotAvailable), errors.Is(err, sarama.ErrOutOfBrokers):
			return err
		}
		return backoff.Permanent(fmt.Errorf("create topic with %d partition, replication factor %d: %w",
			dlqPartitions, q.cfg.ReplicationFactor, err))
	}, bo)
}

// Report queues the consumed record of f for the dead letter queue. It
// returns once the producer took the record (or ctx ended); the write
// completes later, see Await. Failures without a consumed record (source
// tasks) are not written: the queue is for sink connectors.
func (q *DeadLetterQueue) Report(ctx context.Context, f *Failure) error {
	if f.Consumed == nil {
		return nil
	}
	q.requests.Add(1)
	w := &dlqWrite{tp: connector.TopicPartition{Topic: f.Consumed.Topic, Partition: f.Consumed.Partition}, errant: f.Stage == StageTaskPut}
	msg := q.message(f)
	msg.Metadata = w
	q.begin(w.tp)
	q.sendMu.RLock()
	defer q.sendMu.RUnlock()
	var err error
	if q.closed || q.producer == nil {
		err = errQueueClosed
	} else {
		select {
		case q.producer.Input() <- msg:
			return nil
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	q.failures.Add(1)
	q.end(w, nil) // not written; nothing to wait for, and the caller hears why
	return fmt.Errorf("dead letter queue topic %s: record at %s: %w", q.cfg.Topic, coordinates(f.Consumed), err)
}

// message is the record Java's DeadLetterQueueReporter writes: the
// original key, value, headers and timestamp (none: the producer's clock),
// the partition left to the partitioner, and the context headers appended
// after the original headers.
func (q *DeadLetterQueue) message(f *Failure) *sarama.ProducerMessage {
	raw := f.Consumed
	m := &sarama.ProducerMessage{Topic: q.cfg.Topic}
	if raw.Key != nil {
		m.Key = sarama.ByteEncoder(raw.Key)
	}
	if raw.Value != nil {
		m.Value = sarama.ByteEncoder(raw.Value)
	}
	if raw.TimestampType != connector.NoTimestampType {
		m.Timestamp = time.UnixMilli(raw.Timestamp)
	}
	n := len(raw.Headers)
	if q.cfg.ContextHeaders {
		n += 10
	}
	if n > 0 {
		m.Headers = make([]sarama.RecordHeader, 0, n)
	}
	for _, h := range raw.Headers {
		m.Headers = append(m.Headers, sarama.RecordHeader{Key: []byte(h.Key), Value: h.Value})
	}
	if q.cfg.ContextHeaders {
		m.Headers = append(m.Headers, contextHeaders(q.cfg.Connector, q.cfg.Task, f)...)
	}
	return m
}

// contextHeaders are the __connect.errors.* headers of f, in Java's order.
// The exception message header is present with a null value when the
// error has no message, as Java writes a null getMessage().
func contextHeaders(conn string, task int, f *Failure) []sarama.RecordHeader {
	hs := make([]sarama.RecordHeader, 0, 10)
	add := func(k string, v []byte) { hs = append(hs, sarama.RecordHeader{Key: []byte(k), Value: v}) }
	if raw := f.Consumed; raw != nil {
		add(HeaderTopic, []byte(raw.Topic))
		add(HeaderPartition, strconv.AppendInt(nil, int64(raw.Partition), 10))
		add(HeaderOffset, strconv.AppendInt(nil, raw.Offset, 10))
	}
	add(HeaderConnectorName, []byte(conn))
	add(HeaderTaskID, strconv.AppendInt(nil, int64(task), 10))
	add(HeaderStage, []byte(f.Stage.String()))
	add(HeaderExecutingClass, []byte(f.Class))
	if f.Err != nil {
		add(HeaderExceptionClass, []byte(JavaExceptionClass(f.Err)))
		var msg []byte
		if s := f.Err.Error(); s != "" {
			msg = []byte(s)
		}
		add(HeaderExceptionMessage, msg)
		add(HeaderExceptionStackTrace, []byte(StackTrace(f.Err)))
	}
	return hs
}

func coordinates(r *connector.RawRecord) string {
	return "topic " + r.Topic + " partition " + strconv.Itoa(int(r.Partition)) + " offset " + strconv.FormatInt(r.Offset, 10)
}

// results reads the producer's verdicts until the producer is closed.
func (q *DeadLetterQueue) results(p sarama.AsyncProducer) {
	succ, errs := p.Successes(), p.Errors()
	for succ != nil || errs != nil {
		select {
		case m, ok := <-succ:
			if !ok {
				succ = nil
				continue
			}
			q.end(m.Metadata.(*dlqWrite), nil)
		case pe, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			q.failures.Add(1)
			w := pe.Msg.Metadata.(*dlqWrite)
			// Java: "Could not produce message to dead letter queue. topic=<name>".
			q.log.Error("could not produce message to dead letter queue", "topic", q.cfg.Topic,
				"partition", w.tp.String(), "error", pe.Err)
			var failed error
			if w.errant {
				failed = fmt.Errorf("could not produce an errant record of %s to the dead letter queue topic %s: %w", w.tp, q.cfg.Topic, pe.Err)
			}
			q.end(w, failed)
		}
	}
}

func (q *DeadLetterQueue) begin(tp connector.TopicPartition) {
	q.mu.Lock()
	defer q.mu.Unlock()
	p := q.pending[tp]
	if p == nil {
		p = &partitionReports{}
		q.pending[tp] = p
	}
	if p.n == 0 {
		p.idle = make(chan struct{})
	}
	p.n++
}

func (q *DeadLetterQueue) end(w *dlqWrite, failed error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	p := q.pending[w.tp]
	if p == nil || p.n == 0 {
		return // not reached: every end has its begin
	}
	if failed != nil && p.err == nil {
		p.err = failed
	}
	p.n--
	if p.n == 0 {
		close(p.idle)
	}
}

// Await waits until every write queued so far for the records of
// partitions has completed, or ctx ends (then it returns ctx's error,
// wrapped). It returns the failed writes of errant records the task
// reported, once each.
func (q *DeadLetterQueue) Await(ctx context.Context, partitions []connector.TopicPartition) error {
	var errs []error
	for _, tp := range partitions {
		for {
			q.mu.Lock()
			p := q.pending[tp]
			if p == nil {
				q.mu.Unlock()
				break
			}
			if p.n == 0 {
				if p.err != nil {
					errs = append(errs, p.err)
				}
				delete(q.pending, tp)
				q.mu.Unlock()
				break
			}
			idle := p.idle
			q.mu.Unlock()
			select {
			case <-idle:
			case <-ctx.Done():
				return fmt.Errorf("waiting for dead letter queue writes of %s: %w", tp, ctx.Err())
			}
		}
	}
	return errors.Join(errs...)
}

// Stats returns how many records were sent to the queue and how many of
// those writes failed (Java's deadletterqueue-produce-requests and
// deadletterqueue-produce-failures).
func (q *DeadLetterQueue) Stats() (requests, failures int64) {
	return q.requests.Load(), q.failures.Load()
}

// Close flushes the records queued so far and closes the producer,
// waiting for the verdicts until ctx ends. Reports after Close fail. When
// ctx ends first (Kafka unreachable), Close returns an error counting the
// records not yet written; the producer keeps trying until its retries run
// out, and the goroutine reading its verdicts ends then.
func (q *DeadLetterQueue) Close(ctx context.Context) error {
	q.sendMu.Lock()
	if q.closed {
		q.sendMu.Unlock()
		return nil
	}
	q.closed = true
	p := q.producer
	q.sendMu.Unlock()
	if p == nil {
		return nil
	}
	p.AsyncClose()
	done := make(chan struct{})
	go func() {
		q.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		q.mu.Lock()
		n := 0
		for _, pr := range q.pending {
			n += pr.n
		}
		q.mu.Unlock()
		return fmt.Errorf("dead letter queue topic %s: %d records not yet written when closing: %w", q.cfg.Topic, n, ctx.Err())
	}
}
