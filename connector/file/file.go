// Package file holds Kafka's example connectors, FileStreamSourceConnector
// and FileStreamSinkConnector, under their Java class names and with their
// configs, so the Kafka quickstart's connector files work unchanged: the
// source reads lines from a file (or standard input) into one topic and
// resumes from the byte position it committed; the sink appends each
// record's value as one line to a file (or standard output).
//
// The package exposes constructors, ConfigDef functions and class-name
// constants; the built-in plugin registry (cmd/internal/builtin) registers
// them. It does not import the registry.
package file

import (
	"github.com/kafka-connect-go/connect/connector/configdef"
)

// Class names, as users write them in connector.class.
const (
	SourceConnectorClass = "org.apache.kafka.connect.file.FileStreamSourceConnector"
	SinkConnectorClass   = "org.apache.kafka.connect.file.FileStreamSinkConnector"
	SourceTaskClass      = "org.apache.kafka.connect.file.FileStreamSourceTask"
	SinkTaskClass        = "org.apache.kafka.connect.file.FileStreamSinkTask"
)

// Version is reported by both connectors and their tasks.
const Version = "0.1.0"

// Config keys.
const (
	// FileConfig is the file to read or append to; empty means standard
	// input or output.
	FileConfig = "file"
	// TopicConfig is the source's destination topic.
	TopicConfig = "topic"
	// BatchSizeConfig is the most lines one source poll returns.
	BatchSizeConfig = "batch.size"
	// DefaultBatchSize is batch.size's default.
	DefaultBatchSize = 2000
)

// The source partition and offset fields, as the Java connector writes them,
// so offsets committed by a Java worker are picked up: partition
// {"filename": <file>}, offset {"position": <bytes read>}.
const (
	FilenameField = "filename"
	PositionField = "position"
)

// SourceConfigDef declares the source connector's keys.
func SourceConfigDef() *configdef.ConfigDef {
	return configdef.New().
		Define(configdef.Key{Name: FileConfig, Type: configdef.TypeString, Default: nil, Importance: configdef.High,
			Doc: "The file to read lines from. Standard input when not set."}).
		Define(configdef.Key{Name: TopicConfig, Type: configdef.TypeString, Default: configdef.NoDefault,
			Validator: configdef.NonEmptyString(), Importance: configdef.High,
			Doc: "The topic each line is written to."}).
		Define(configdef.Key{Name: BatchSizeConfig, Type: configdef.TypeInt, Default: DefaultBatchSize, Importance: configdef.Low,
			Doc: "The most lines the task returns from one poll."})
}

// SinkConfigDef declares the sink connector's keys (topics and topics.regex
// belong to the framework's sink config).
func SinkConfigDef() *configdef.ConfigDef {
	return configdef.New().
		Define(configdef.Key{Name: FileConfig, Type: configdef.TypeString, Default: nil, Importance: configdef.High,
			Doc: "The file each record value is appended to, one line per record. Standard output when not set."})
}
