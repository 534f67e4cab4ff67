package connector

import (
	"context"
	"log/slog"
)

// Connector manages the tasks that copy data. The runtime creates one value
// per connector instance through the plugin registry, calls Start once with
// the connector's config, asks it for task configs, and calls Stop once.
// Methods are called from one goroutine at a time.
type Connector interface {
	// Version of the plugin, shown in /connector-plugins.
	Version() string
	// Start begins the connector with its config (already validated against
	// the plugin's ConfigDef). Start must not block for long; connectors that
	// watch something start their own goroutine and stop it in Stop.
	Start(ctx ConnectorContext, config map[string]string) error
	// TaskClass is the Java-style class name of the task written as
	// task.class in every task config, so Java workers can read our configs.
	TaskClass() string
	// TaskConfigs returns at most maxTasks task configs.
	TaskConfigs(maxTasks int) ([]map[string]string, error)
	// Stop releases what Start acquired.
	Stop() error
}

// SinkConnector is a connector whose tasks write Kafka records elsewhere.
type SinkConnector interface {
	Connector
	// NewTask returns a fresh, unstarted task.
	NewTask() SinkTask
}

// SourceConnector is a connector whose tasks read from elsewhere into Kafka.
type SourceConnector interface {
	Connector
	// NewTask returns a fresh, unstarted task.
	NewTask() SourceTask
}

// ConnectorContext is the runtime's handle given to a connector.
type ConnectorContext interface {
	// RequestTaskReconfiguration asks the runtime to call TaskConfigs again,
	// for example because the set of inputs changed.
	RequestTaskReconfiguration()
	// RaiseError fails the connector with err; its status becomes FAILED.
	RaiseError(err error)
	// Logger is scoped to the connector.
	Logger() *slog.Logger
}

// SourceConnectorContext adds source offsets to ConnectorContext.
type SourceConnectorContext interface {
	ConnectorContext
	OffsetReader() OffsetReader
}

// ConfigValidator is implemented by connectors that check more than their
// ConfigDef can express (cross-key rules). Problems are returned per key.
type ConfigValidator interface {
	ValidateConfig(config map[string]string) map[string][]string
}

// OffsetAlterer is implemented by connectors that manage offsets themselves
// and must see offset changes made through the REST API. It reports whether
// it handled the change completely.
type OffsetAlterer interface {
	AlterOffsets(ctx context.Context, config map[string]string, offsets map[string]any) (bool, error)
}
