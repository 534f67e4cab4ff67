package connector

import (
	"context"
	"log/slog"
	"time"
)

// SinkTask writes records to an external system.
//
// The runtime calls every method from the task's own goroutine, never
// concurrently: Start once, then Put, Flush (or PreCommit) and, for
// PartitionAware tasks, Open/Close as partitions move, and finally Stop.
// A Put or Flush may be interrupted by cancelling its ctx when the task is
// stopped hard; Stop is called after the last of them has returned.
type SinkTask interface {
	Version() string
	// Start configures the task; ctx stays valid until Stop returns.
	Start(ctx SinkTaskContext, config map[string]string) error
	// Put hands over a batch of records. It may buffer them. A *RetriableError
	// makes the runtime pause consumption and redeliver the same batch later;
	// any other error fails the task.
	Put(ctx context.Context, records []*SinkRecord) error
	// Flush makes every record handed to Put so far durable. offsets holds,
	// per partition, the next offset after the last record delivered.
	Flush(ctx context.Context, offsets map[TopicPartition]int64) error
	// Stop releases resources. Records not flushed are replayed after a
	// restart from the last committed offsets.
	Stop() error
}

// PreCommitter is implemented by sink tasks that write asynchronously and
// track themselves which offsets are safe to commit. The runtime calls it
// instead of Flush before each offset commit; it returns, per partition, the
// offset up to which every record was acknowledged (the next offset to
// consume). Partitions absent from the result are not committed.
type PreCommitter interface {
	PreCommit(ctx context.Context, offsets map[TopicPartition]int64) (map[TopicPartition]int64, error)
}

// PartitionAware is implemented by sink tasks that keep per-partition state.
// Open is called after partitions are assigned, Close before they are taken
// away (after the final flush and commit for them).
type PartitionAware interface {
	Open(partitions []TopicPartition) error
	Close(partitions []TopicPartition) error
}

// RawJSONSink is implemented by sink tasks that can take record values as
// raw JSON bytes and so spare the runtime decoding them. When the task
// reports true, the connector has no transformations and the value converter
// is JsonConverter without schemas, the runtime may deliver values as
// RawJSON instead of decoded Go values, leaving validation to the task.
type RawJSONSink interface {
	AcceptsRawJSON() bool
}

// RawJSON is a record value delivered undecoded to a RawJSONSink: the bytes
// exactly as consumed, not yet checked to be valid JSON.
type RawJSON []byte

// SinkTaskContext is the runtime's handle given to a sink task.
type SinkTaskContext interface {
	// Config is the task's configuration.
	Config() map[string]string
	// Assignment is the set of partitions the task currently owns.
	Assignment() []TopicPartition
	// ResetOffsets asks the runtime to consume the given partitions from the
	// given offsets.
	ResetOffsets(offsets map[TopicPartition]int64)
	// Timeout sets how long to wait before redelivering a batch after Put
	// returned a *RetriableError.
	Timeout(d time.Duration)
	// Pause stops delivery from the partitions until Resume.
	Pause(partitions ...TopicPartition)
	// Resume restarts delivery from paused partitions.
	Resume(partitions ...TopicPartition)
	// RequestCommit asks for an offset commit as soon as possible.
	RequestCommit()
	// ErrantRecordReporter returns the reporter for records the task cannot
	// write, or nil when the connector has neither a dead letter queue nor
	// error logging configured (as Java's errantRecordReporter()).
	ErrantRecordReporter() ErrantRecordReporter
	// Logger is scoped to the connector and task.
	Logger() *slog.Logger
}

// ErrantRecordReporter sends records a sink task could not write to the
// dead letter queue and/or the error log, under errors.tolerance.
type ErrantRecordReporter interface {
	// Report records the failure of rec. With errors.tolerance=none it
	// returns an error the task should return from Put; otherwise the report
	// completes asynchronously and the runtime waits for it before committing
	// the record's offset.
	Report(ctx context.Context, rec *SinkRecord, err error) error
}
