// Package kafkalog is a compacted Kafka topic used as a replicated log, as
// Java's KafkaBasedLog is: the three internal topics of a distributed
// worker (configs, offsets, statuses) are each one Log.
//
// A Log creates its topic when missing (cleanup.policy=compact) and refuses
// to start on an existing topic that is not compacted, reads every partition
// from the beginning to the end offsets it finds at start (so its consumer
// callback has seen the whole topic when Start returns), then keeps tailing
// the topic in a goroutine it owns. ReadToEnd waits until everything written
// before the call has been handed to the callback. Writes use acks=all with
// idempotence off and one request in flight, as Java's internal producers,
// and Kafka's murmur2 default partitioner, so keys land where a Java worker
// puts them.
//
// Reading uses plain fetches, no consumer group. The fetch position advances
// past offsets with no record (compacted away, transaction markers), so
// ReadToEnd never waits for a record that cannot come.
package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// Record is one record read from the log.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte // nil for a tombstone
	Timestamp time.Time
	// Replay is true for records that were in the topic when the Log
	// started (before the end offsets Start read up to): history, as
	// opposed to news. Java's stores act on some records only when they
	// are news (restart requests, cluster logger levels, listener calls).
	Replay bool
}

// Config says which topic a Log uses and how to create it.
type Config struct {
	// Brokers are the bootstrap servers.
	Brokers []string
	// Sarama is the base client configuration (security, client id,
	// version). The Log copies it and forces what a log needs on the copy.
	// Its Version must be at least 2.4 for -1 (broker default) partitions
	// or replication factor. Nil means sarama.NewConfig() with version 2.8.
	Sarama *sarama.Config
	// Topic is the topic name.
	Topic string
	// Partitions to create the topic with; -1 means the broker default.
	Partitions int32
	// ReplicationFactor to create the topic with; -1 means the broker default.
	ReplicationFactor int16
	// TopicConfigs are extra topic settings used when creating the topic;
	// cleanup.policy is always compact.
	TopicConfigs map[string]string
	// SinglePartition makes Start fail unless the topic has exactly one
	// partition (the config topic).
	SinglePartition bool
	// WorkerProperty names the worker setting that chose the topic (for
	// example config.storage.topic), for error messages.
	WorkerProperty string
	// Purpose says what the topic holds (for example "connector
	// configurations"), for error messages.
	Purpose string
	// ProducerRetries is how often the producer retries a failed send;
	// nil keeps the Sarama default. The status store uses 0, as Java.
	ProducerRetries *int
	// Consume is called for every record, in offset order per partition,
	// from the Log's reader goroutine. It must not block for long and must
	// not call ReadToEnd.
	Consume func(Record)
	// Logger receives the log's warnings. Nil discards them.
	Logger *slog.Logger
}

// ErrNotCompacted is wrapped by the error Start returns when the topic's
// cleanup.policy is not exactly compact.
var ErrNotCompacted = errors.New("topic is not compacted")

// ErrClosed is returned by a Log used after Stop.
var ErrClosed = errors.New("kafka log closed")

// Log is a compacted topic read from the beginning and tailed.
type Log struct {
	cfg    Config
	logger *slog.Logger

	writeClient sarama.Client
	readClient  sarama.Client
	producer    sarama.AsyncProducer

	sendMu         sync.RWMutex // held for reading while a send is queued
	producerClosed bool
	partitions     []int32

	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	positions map[int32]int64 // next offset to hand to Consume, per partition
	replayEnd map[int32]int64 // end offsets at start; set before the reader runs
	progress  chan struct{}   // closed and replaced whenever positions move
	stopped   bool
}

// New checks the configuration; Start connects.
func New(cfg Config) (*Log, error) {
	if cfg.Topic == "" {
		return nil, errors.New("kafka log: no topic given")
	}
	if len(cfg.Brokers) == 0 {
		return nil, fmt.Errorf("kafka log for topic %q: no bootstrap servers given", cfg.Topic)
	}
	if cfg.Consume == nil {
		return nil, fmt.Errorf("kafka log for topic %q: no consumer callback given", cfg.Topic)
	}
	if cfg.Partitions == 0 || cfg.Partitions < -1 {
		return nil, fmt.Errorf("kafka log for topic %q: partitions=%d: expected a positive number or -1", cfg.Topic, cfg.Partitions)
	}
	if cfg.ReplicationFactor == 0 || cfg.ReplicationFactor < -1 {
		return nil, fmt.Errorf("kafka log for topic %q: replication factor=%d: expected a positive number or -1", cfg.Topic, cfg.ReplicationFactor)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Log{
		cfg:       cfg,
		logger:    logger.With("topic", cfg.Topic),
		positions: map[int32]int64{},
		progress:  make(chan struct{}),
	}, nil
}

func (l *Log) baseConfig() sarama.Config {
	if l.cfg.Sarama != nil {
		return *l.cfg.Sarama
	}
	c := sarama.NewConfig()
	c.Version = sarama.V2_8_0_0
	return *c
}

// Start creates or checks the topic, reads it to its end, handing every
// record to Consume, and then tails it until Stop. ctx bounds only the
// start-up.
func (l *Log) Start(ctx context.Context) (err error) {
	wcfg := l.baseConfig()
	wcfg.Producer.RequiredAcks = sarama.WaitForAll
	wcfg.Producer.Idempotent = false
	wcfg.Net.MaxOpenRequests = 1
	wcfg.Producer.Return.Successes = true
	wcfg.Producer.Return.Errors = true
	wcfg.Producer.Partitioner = sarama.NewMurmur2Partitioner
	if l.cfg.ProducerRetries != nil {
		wcfg.Producer.Retry.Max = *l.cfg.ProducerRetries
	}
	if l.writeClient, err = sarama.NewClient(l.cfg.Brokers, &wcfg); err != nil {
		return fmt.Errorf("topic %q: connect to %v: %w", l.cfg.Topic, l.cfg.Brokers, err)
	}
	defer func() {
		if err != nil {
			l.closeClients()
		}
	}()
	if err = l.ensureTopic(ctx); err != nil {
		return err
	}
	if l.partitions, err = l.lookupPartitions(ctx); err != nil {
		return err
	}
	if l.cfg.SinglePartition && len(l.partitions) != 1 {
		return fmt.Errorf("topic %q supplied via the %q property is required to have a single partition in order to guarantee consistency of %s, but found %d partitions",
			l.cfg.Topic, l.cfg.WorkerProperty, l.cfg.Purpose, len(l.partitions))
	}
	for _, p := range l.partitions {
		oldest, err := l.writeClient.GetOffset(l.cfg.Topic, p, sarama.OffsetOldest)
		if err != nil {
			return fmt.Errorf("topic %q partition %d: look up the log start offset: %w", l.cfg.Topic, p, err)
		}
		l.positions[p] = oldest
	}
	if l.producer, err = sarama.NewAsyncProducerFromClient(l.writeClient); err != nil {
		return fmt.Errorf("topic %q: create producer: %w", l.cfg.Topic, err)
	}
	rcfg := l.baseConfig()
	if l.readClient, err = sarama.NewClient(l.cfg.Brokers, &rcfg); err != nil {
		return fmt.Errorf("topic %q: connect reader to %v: %w", l.cfg.Topic, l.cfg.Brokers, err)
	}

	// The end offsets found now split history from news; they are read
	// before the reader starts so no record can be mislabelled.
	if l.replayEnd, err = l.endOffsets(); err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	l.wg.Go(func() { l.dispatchProducerResults() })
	l.wg.Go(func() { l.readLoop(runCtx) })

	if err = l.waitFor(ctx, l.replayEnd); err != nil {
		stopErr := l.Stop(context.Background())
		return errors.Join(fmt.Errorf("topic %q: initial read: %w", l.cfg.Topic, err), stopErr)
	}
	return nil
}

// Partitions returns how many partitions the topic has (after Start).
func (l *Log) Partitions() int { return len(l.partitions) }

// Topic returns the topic name.
func (l *Log) Topic() string { return l.cfg.Topic }

func (l *Log) lookupPartitions(ctx context.Context) ([]int32, error) {
	// A topic just created may take a moment to show in metadata.
	wait := 50 * time.Millisecond
	for {
		if err := l.writeClient.RefreshMetadata(l.cfg.Topic); err == nil {
			ps, err := l.writeClient.Partitions(l.cfg.Topic)
			if err == nil && len(ps) > 0 {
				return ps, nil
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("topic %q: could not look up its partitions: %w", l.cfg.Topic, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// Stop ends tailing and closes the clients. Pending sends fail with
// ErrClosed.
func (l *Log) Stop(ctx context.Context) error {
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return nil
	}
	l.stopped = true
	close(l.progress)
	l.progress = make(chan struct{})
	l.mu.Unlock()

	if l.cancel != nil {
		l.cancel()
	}
	var errs []error
	if l.producer != nil {
		// AsyncClose flushes what is buffered, then closes the result
		// channels, which ends the dispatcher (every callback is called).
		l.sendMu.Lock()
		l.producerClosed = true
		l.sendMu.Unlock()
		l.producer.AsyncClose()
	}
	// Closing the reader's client ends a fetch waiting on the broker.
	if l.readClient != nil {
		if err := l.readClient.Close(); err != nil && !errors.Is(err, sarama.ErrClosedClient) {
			errs = append(errs, fmt.Errorf("topic %q: close reader: %w", l.cfg.Topic, err))
		}
	}
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("topic %q: stop: %w", l.cfg.Topic, ctx.Err()))
	}
	if l.writeClient != nil {
		if err := l.writeClient.Close(); err != nil && !errors.Is(err, sarama.ErrClosedClient) {
			errs = append(errs, fmt.Errorf("topic %q: close client: %w", l.cfg.Topic, err))
		}
	}
	return errors.Join(errs...)
}

func (l *Log) closeClients() {
	if l.readClient != nil {
		_ = l.readClient.Close()
	}
	if l.writeClient != nil {
		_ = l.writeClient.Close()
	}
}

// ReadToEnd looks up the end offsets of every partition and waits until
// the callback has been handed every record before them.
func (l *Log) ReadToEnd(ctx context.Context) error {
	l.mu.Lock()
	stopped := l.stopped
	l.mu.Unlock()
	if stopped {
		return ErrClosed
	}
	ends, err := l.endOffsets()
	if err != nil {
		return err
	}
	return l.waitFor(ctx, ends)
}

func (l *Log) endOffsets() (map[int32]int64, error) {
	ends := make(map[int32]int64, len(l.partitions))
	for _, p := range l.partitions {
		end, err := l.writeClient.GetOffset(l.cfg.Topic, p, sarama.OffsetNewest)
		if err != nil {
			return nil, fmt.Errorf("topic %q partition %d: look up the end offset: %w", l.cfg.Topic, p, err)
		}
		ends[p] = end
	}
	return ends, nil
}

// waitFor waits until every partition's position reached its end offset.
func (l *Log) waitFor(ctx context.Context, ends map[int32]int64) error {
	for {
		l.mu.Lock()
		if l.stopped {
			l.mu.Unlock()
			return ErrClosed
		}
		behind := false
		for p, end := range ends {
			if l.positions[p] < end {
				behind = true
				break
			}
		}
		progress := l.progress
		l.mu.Unlock()
		if !behind {
			return nil
		}
		select {
		case <-progress:
		case <-ctx.Done():
			return fmt.Errorf("topic %q: read to end: %w", l.cfg.Topic, ctx.Err())
		}
	}
}

// Position returns the next offset the log will hand to the callback for a
// partition.
func (l *Log) Position(partition int32) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.positions[partition]
}

// advance records that everything before next in a partition was handed
// to the callback.
func (l *Log) advance(p int32, next int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if next <= l.positions[p] || l.stopped {
		return
	}
	l.positions[p] = next
	close(l.progress)
	l.progress = make(chan struct{})
}

// Send writes one record (a nil value is a tombstone) and waits until the
// brokers acknowledged it (acks=all) or ctx ends.
func (l *Log) Send(ctx context.Context, key, value []byte) error {
	done := make(chan error, 1)
	if err := l.SendAsync(key, value, func(err error) { done <- err }); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("topic %q: send: %w", l.cfg.Topic, ctx.Err())
	}
}

// SendAsync queues one record; callback is called once with the result,
// from the log's goroutine. Records sent to the same partition are written
// in the order of the calls.
func (l *Log) SendAsync(key, value []byte, callback func(error)) error {
	l.mu.Lock()
	stopped := l.stopped
	l.mu.Unlock()
	if stopped || l.producer == nil {
		return ErrClosed
	}
	msg := &sarama.ProducerMessage{Topic: l.cfg.Topic, Key: sarama.ByteEncoder(key), Metadata: callback}
	if value != nil {
		msg.Value = sarama.ByteEncoder(value)
	}
	// Stop closes the producer under the write lock, so the input channel
	// is open while we hold the read lock.
	l.sendMu.RLock()
	defer l.sendMu.RUnlock()
	if l.producerClosed {
		return ErrClosed
	}
	l.producer.Input() <- msg
	return nil
}

func (l *Log) dispatchProducerResults() {
	successes, errs := l.producer.Successes(), l.producer.Errors()
	for successes != nil || errs != nil {
		select {
		case m, ok := <-successes:
			if !ok {
				successes = nil
				continue
			}
			if cb, ok := m.Metadata.(func(error)); ok {
				cb(nil)
			}
		case pe, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			if cb, ok := pe.Msg.Metadata.(func(error)); ok {
				cb(fmt.Errorf("topic %q partition %d: write: %w", l.cfg.Topic, pe.Msg.Partition, pe.Err))
			}
		}
	}
}
