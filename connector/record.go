package connector

import (
	"strconv"

	"github.com/kafka-connect-go/connect/connector/data"
)

// TimestampType says where a record's timestamp came from.
type TimestampType uint8

// The timestamp types; NoTimestampType means the record has no timestamp.
const (
	NoTimestampType TimestampType = iota
	CreateTime
	LogAppendTime
)

// String returns Kafka's name for the type.
func (t TimestampType) String() string {
	switch t {
	case CreateTime:
		return "CreateTime"
	case LogAppendTime:
		return "LogAppendTime"
	}
	return "NoTimestampType"
}

// NoPartition is Record.Partition for a record that leaves the partition to
// the producer's partitioner.
const NoPartition int32 = -1

// NoOffset is Record.KafkaOffset for records that did not come from Kafka
// (source records).
const NoOffset int64 = -1

// TopicPartition names one partition of a topic.
type TopicPartition struct {
	Topic     string
	Partition int32
}

func (tp TopicPartition) String() string {
	return tp.Topic + "-" + strconv.Itoa(int(tp.Partition))
}

// Record is what transformations and predicates see: the part that sink and
// source records share (Java's ConnectRecord), plus the Kafka offset of sink
// records, which InsertField and error reports need.
//
// Records are values: a transformation that changes one returns a modified
// copy (out := *in) and never mutates its input, its headers included.
type Record struct {
	Topic     string
	Partition int32 // NoPartition when unset

	KeySchema   *data.Schema
	Key         any
	ValueSchema *data.Schema
	Value       any

	Timestamp     int64 // milliseconds since the epoch
	TimestampType TimestampType
	Headers       Headers

	// KafkaOffset is the offset of a sink record in its partition; NoOffset
	// for source records.
	KafkaOffset int64

	// OwnsValue says that Value, when it is a map, is referenced by this
	// record alone, so a transformation may change it in place and return
	// it in a new Record instead of copying it first. The sink runtime
	// sets it for values fresh from the value converter; a transformation
	// that puts a map of its own making in the value may set it; one that
	// puts any other value there must clear it. Source records leave it
	// false: a source connector may keep a reference to its values.
	OwnsValue bool
}

// IsSink reports whether the record was consumed from Kafka.
func (r *Record) IsSink() bool { return r.KafkaOffset >= 0 }

// HasTimestamp reports whether the record carries a timestamp.
func (r *Record) HasTimestamp() bool { return r.TimestampType != NoTimestampType }

// Coordinates renders "topic <t> partition <p> offset <o>", the words every
// error about a sink record uses to say where it is.
func (r *Record) Coordinates() string {
	return "topic " + r.Topic + " partition " + strconv.Itoa(int(r.Partition)) +
		" offset " + strconv.FormatInt(r.KafkaOffset, 10)
}

// SinkRecord is a record consumed from Kafka, converted and transformed,
// handed to SinkTask.Put.
type SinkRecord struct {
	Record

	// Original is the record as consumed, before conversion and
	// transformation. The runtime sets it; the errant record reporter sends
	// its bytes to the dead letter queue. Connectors must not modify it.
	Original *RawRecord
}

// TopicPartition returns the record's topic and partition as consumed, which
// is what offsets are committed for even when a transformation renamed the
// topic.
func (r *SinkRecord) TopicPartition() TopicPartition {
	if r.Original != nil {
		return TopicPartition{Topic: r.Original.Topic, Partition: r.Original.Partition}
	}
	return TopicPartition{Topic: r.Topic, Partition: r.Partition}
}

// RawRecord is a Kafka record as bytes: what a consumer received.
type RawRecord struct {
	Topic         string
	Partition     int32
	Offset        int64
	Key, Value    []byte // nil for null
	Headers       []RawHeader
	Timestamp     int64
	TimestampType TimestampType
}

// RawHeader is a Kafka record header as bytes.
type RawHeader struct {
	Key   string
	Value []byte // nil for null
}

// SourceRecord is a record produced by a SourceTask, with the source partition
// and offset the runtime commits once Kafka acknowledged it.
type SourceRecord struct {
	Record

	// SourcePartition identifies the input (a file name, a table); its
	// values must be strings, numbers, booleans or nil.
	SourcePartition map[string]any
	// SourceOffset is the position in that input after this record.
	SourceOffset map[string]any
}

// NewSourceRecord returns a source record for topic with a schemaless value,
// no key and no explicit partition.
func NewSourceRecord(sourcePartition, sourceOffset map[string]any, topic string, valueSchema *data.Schema, value any) *SourceRecord {
	return &SourceRecord{
		Record: Record{
			Topic: topic, Partition: NoPartition, KafkaOffset: NoOffset,
			ValueSchema: valueSchema, Value: value,
		},
		SourcePartition: sourcePartition,
		SourceOffset:    sourceOffset,
	}
}

// RecordMetadata is what Kafka acknowledged for a produced record.
type RecordMetadata struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp int64
}
