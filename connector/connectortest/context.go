// Package connectortest helps connector authors test their plugins without
// a worker: fake task contexts that record what a task asked of the runtime,
// record builders, and conformance suites that check the protocol every
// sink task must keep (start/stop, put then flush, PreCommit returning only
// acknowledged offsets, idempotent stop).
//
//	func TestConformance(t *testing.T) {
//		connectortest.SinkTask(t, connectortest.SinkTaskSuite{
//			New:     func() connector.SinkTask { return mysink.NewTask() },
//			Config:  func(t *testing.T) map[string]string { ... },
//			Written: func(t *testing.T) []string { ... what reached the external system ... },
//		})
//	}
package connectortest

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/kafka-connect-go/connect/connector"
)

// SinkTaskContext is a connector.SinkTaskContext that records requests.
// Safe for concurrent use.
type SinkTaskContext struct {
	mu         sync.Mutex
	config     map[string]string
	assignment []connector.TopicPartition
	resets     map[connector.TopicPartition]int64
	timeout    time.Duration
	paused     map[connector.TopicPartition]bool
	commits    int
	reporter   connector.ErrantRecordReporter
	logger     *slog.Logger
}

var _ connector.SinkTaskContext = (*SinkTaskContext)(nil)

// NewSinkTaskContext returns a context for a task with config owning
// assignment. Its logger discards; set one with SetLogger.
func NewSinkTaskContext(config map[string]string, assignment ...connector.TopicPartition) *SinkTaskContext {
	return &SinkTaskContext{
		config:     maps.Clone(config),
		assignment: slices.Clone(assignment),
		resets:     map[connector.TopicPartition]int64{},
		paused:     map[connector.TopicPartition]bool{},
		logger:     slog.New(slog.DiscardHandler),
	}
}

// Config returns the task config.
func (c *SinkTaskContext) Config() map[string]string { return maps.Clone(c.config) }

// Assignment returns the partitions set with SetAssignment.
func (c *SinkTaskContext) Assignment() []connector.TopicPartition {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.assignment)
}

// SetAssignment changes what Assignment returns.
func (c *SinkTaskContext) SetAssignment(tps ...connector.TopicPartition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.assignment = slices.Clone(tps)
}

// ResetOffsets records offset reset requests.
func (c *SinkTaskContext) ResetOffsets(offsets map[connector.TopicPartition]int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	maps.Copy(c.resets, offsets)
}

// Resets returns the offsets the task asked to consume from.
func (c *SinkTaskContext) Resets() map[connector.TopicPartition]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.resets)
}

// Timeout records the redelivery backoff.
func (c *SinkTaskContext) Timeout(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timeout = d
}

// TimeoutValue returns the last Timeout set.
func (c *SinkTaskContext) TimeoutValue() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.timeout
}

// Pause records paused partitions.
func (c *SinkTaskContext) Pause(tps ...connector.TopicPartition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tp := range tps {
		c.paused[tp] = true
	}
}

// Resume un-records paused partitions.
func (c *SinkTaskContext) Resume(tps ...connector.TopicPartition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tp := range tps {
		delete(c.paused, tp)
	}
}

// Paused returns the partitions currently paused, sorted.
func (c *SinkTaskContext) Paused() []connector.TopicPartition {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := slices.Collect(maps.Keys(c.paused))
	slices.SortFunc(out, compareTP)
	return out
}

// RequestCommit counts commit requests.
func (c *SinkTaskContext) RequestCommit() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.commits++
}

// CommitRequests returns how many times RequestCommit was called.
func (c *SinkTaskContext) CommitRequests() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.commits
}

// ErrantRecordReporter returns the reporter set with SetErrantRecordReporter
// (nil by default, as the runtime without error reporting configured).
func (c *SinkTaskContext) ErrantRecordReporter() connector.ErrantRecordReporter {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reporter
}

// SetErrantRecordReporter sets what ErrantRecordReporter returns.
func (c *SinkTaskContext) SetErrantRecordReporter(r connector.ErrantRecordReporter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reporter = r
}

// Logger returns the logger.
func (c *SinkTaskContext) Logger() *slog.Logger {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.logger
}

// SetLogger sets the logger (for example one writing to t.Output()).
func (c *SinkTaskContext) SetLogger(l *slog.Logger) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logger = l
}

// SourceTaskContext is a connector.SourceTaskContext whose offset reader
// serves offsets set with SetOffset.
type SourceTaskContext struct {
	config  map[string]string
	offsets *OffsetReader
	logger  *slog.Logger
}

var _ connector.SourceTaskContext = (*SourceTaskContext)(nil)

// NewSourceTaskContext returns a context with config and no offsets.
func NewSourceTaskContext(config map[string]string) *SourceTaskContext {
	return &SourceTaskContext{config: maps.Clone(config), offsets: NewOffsetReader(), logger: slog.New(slog.DiscardHandler)}
}

// Config returns the task config.
func (c *SourceTaskContext) Config() map[string]string { return maps.Clone(c.config) }

// OffsetReader returns the fake reader.
func (c *SourceTaskContext) OffsetReader() connector.OffsetReader { return c.offsets }

// Offsets returns the fake reader, to set offsets on.
func (c *SourceTaskContext) Offsets() *OffsetReader { return c.offsets }

// Logger returns the logger.
func (c *SourceTaskContext) Logger() *slog.Logger { return c.logger }

// SetLogger sets the logger.
func (c *SourceTaskContext) SetLogger(l *slog.Logger) { c.logger = l }

// OffsetReader is an in-memory connector.OffsetReader. Partitions match by
// JSON meaning, as the runtime's reader matches them.
type OffsetReader struct {
	mu      sync.Mutex
	offsets map[string]map[string]any
}

var _ connector.OffsetReader = (*OffsetReader)(nil)

// NewOffsetReader returns a reader with no offsets.
func NewOffsetReader() *OffsetReader { return &OffsetReader{offsets: map[string]map[string]any{}} }

// SetOffset stores the committed offset of a partition (nil deletes).
func (r *OffsetReader) SetOffset(partition, offset map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := partitionKey(partition)
	if offset == nil {
		delete(r.offsets, k)
		return
	}
	r.offsets[k] = maps.Clone(offset)
}

// Offset returns the stored offset of partition, nil if none.
func (r *OffsetReader) Offset(ctx context.Context, partition map[string]any) (map[string]any, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.offsets[partitionKey(partition)]), nil
}

func partitionKey(p map[string]any) string {
	b, _ := json.Marshal(p) // sorted keys: equal maps, equal keys
	return string(b)
}

func compareTP(a, b connector.TopicPartition) int {
	if a.Topic != b.Topic {
		if a.Topic < b.Topic {
			return -1
		}
		return 1
	}
	return int(a.Partition - b.Partition)
}

// ConnectorContext is a connector.SourceConnectorContext that records
// reconfiguration requests and raised errors.
type ConnectorContext struct {
	mu       sync.Mutex
	reconfig int
	errs     []error
	offsets  *OffsetReader
	logger   *slog.Logger
}

var _ connector.SourceConnectorContext = (*ConnectorContext)(nil)

// NewConnectorContext returns a connector context with no offsets.
func NewConnectorContext() *ConnectorContext {
	return &ConnectorContext{offsets: NewOffsetReader(), logger: slog.New(slog.DiscardHandler)}
}

// RequestTaskReconfiguration counts requests.
func (c *ConnectorContext) RequestTaskReconfiguration() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reconfig++
}

// Reconfigurations returns how many reconfigurations were requested.
func (c *ConnectorContext) Reconfigurations() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reconfig
}

// RaiseError records err.
func (c *ConnectorContext) RaiseError(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, err)
}

// Errors returns the errors raised.
func (c *ConnectorContext) Errors() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.errs)
}

// OffsetReader returns the fake reader.
func (c *ConnectorContext) OffsetReader() connector.OffsetReader { return c.offsets }

// Logger returns a discarding logger.
func (c *ConnectorContext) Logger() *slog.Logger { return c.logger }
