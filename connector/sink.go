package connector

import (
	"context"
	"log/slog"
	"time"

	"github.com/kafka-connect-go/connect/connector/data"
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

// RawJSONConverter is implemented by the SinkTaskContext of a runtime that
// delivers RawJSON values. A RawJSONSink that finds a RawJSON value it
// cannot read (not valid JSON) hands the record back with ConvertRawJSON
// instead of deciding itself: the runtime converts the consumed bytes with
// the connector's value converter, as it would have without raw delivery,
// so a failure is handled exactly as a converter failure (errors.tolerance,
// the error log, the dead letter queue with stage VALUE_CONVERTER), as the
// Java worker handles it.
//
// ConvertRawJSON returns the decoded value when the converter reads the
// bytes after all (it may be more lenient than the task); ok=false with a
// nil error when the failure was tolerated and the record is to be
// skipped; or the error that fails the task, to be returned from Put. It
// must be called from Put.
type RawJSONConverter interface {
	ConvertRawJSON(ctx context.Context, rec *SinkRecord) (schema *data.Schema, value any, ok bool, err error)
}

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
