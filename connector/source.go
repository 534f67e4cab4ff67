package connector

import (
	"context"
	"log/slog"
)

// SourceTask reads from an external system and returns records for Kafka.
//
// The runtime calls Start once, then Poll repeatedly from the task's own
// goroutine, and Stop once after the last Poll returned. Poll may block; the
// runtime cancels its ctx to stop it.
type SourceTask interface {
	Version() string
	Start(ctx SourceTaskContext, config map[string]string) error
	// Poll returns the next records, or none when there is nothing yet
	// (after waiting a little, to avoid spinning). A *RetriableError is
	// logged and Poll is called again; any other error fails the task.
	Poll(ctx context.Context) ([]*SourceRecord, error)
	Stop() error
}

// RecordCommitter is implemented by source tasks that want to know when each
// record was acknowledged by Kafka (or dropped by a transformation or error
// tolerance, in which case metadata is nil). The runtime calls it from the
// goroutine that reads the producer's acknowledgements, possibly while Poll
// runs (Java calls it from the producer's I/O thread), so implementations
// must be safe for that.
type RecordCommitter interface {
	CommitRecord(rec *SourceRecord, metadata *RecordMetadata) error
}

// OffsetCommitter is implemented by source tasks that want to know when the
// runtime has written their offsets. Commit is called from the runtime's
// offset committer goroutine, possibly while Poll runs.
type OffsetCommitter interface {
	Commit() error
}

// SourceTaskContext is the runtime's handle given to a source task.
type SourceTaskContext interface {
	Config() map[string]string
	// OffsetReader reads the offsets committed for this connector.
	OffsetReader() OffsetReader
	Logger() *slog.Logger
}

// OffsetReader reads committed source offsets.
type OffsetReader interface {
	// Offset returns the committed offset of one source partition, nil if
	// none was committed.
	Offset(ctx context.Context, partition map[string]any) (map[string]any, error)
}
