package rest

import (
	"context"

	"github.com/kafka-connect-go/connect/worker/herder"
)

// Herder is what the REST API needs from a herder. Methods are bounded by
// ctx (the REST request timeout). Errors made with the worker/herder
// constructors carry the status and message users see; any other error is a
// 500 with the error text.
type Herder interface {
	ServerInfo(ctx context.Context) (herder.ServerInfo, error)
	// HealthCheck returns once the herder's main loop has run a no-op.
	HealthCheck(ctx context.Context) error
	// Ready reports whether the herder has finished starting.
	Ready() bool

	Connectors(ctx context.Context) ([]string, error)
	ConnectorInfo(ctx context.Context, name string) (herder.ConnectorInfo, error)
	ConnectorConfig(ctx context.Context, name string) (map[string]string, error)
	ConnectorStatus(ctx context.Context, name string) (herder.ConnectorStateInfo, error)
	TaskStatus(ctx context.Context, id herder.TaskID) (herder.TaskStateInfo, error)
	TaskConfigs(ctx context.Context, name string) ([]herder.TaskInfo, error)
	ConnectorActiveTopics(ctx context.Context, name string) ([]string, error)
	ResetConnectorActiveTopics(ctx context.Context, name string) error

	// PutConnectorConfig creates (allowReplace false: an existing name is an
	// error) or creates-or-replaces a connector. target is the initial
	// target state; "" leaves it as it is (STARTED for a new connector).
	PutConnectorConfig(ctx context.Context, name string, config map[string]string, target herder.TargetState, allowReplace bool) (created bool, info herder.ConnectorInfo, err error)
	// PatchConnectorConfig merges patch into the config; a nil value removes the key.
	PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (herder.ConnectorInfo, error)
	DeleteConnector(ctx context.Context, name string) error

	RestartConnector(ctx context.Context, name string) error
	RestartConnectorAndTasks(ctx context.Context, name string, onlyFailed, includeTasks bool) (herder.ConnectorStateInfo, error)
	RestartTask(ctx context.Context, id herder.TaskID) error
	PauseConnector(ctx context.Context, name string) error
	ResumeConnector(ctx context.Context, name string) error
	StopConnector(ctx context.Context, name string) error

	ConnectorOffsets(ctx context.Context, name string) (herder.ConnectorOffsets, error)
	AlterConnectorOffsets(ctx context.Context, name string, offsets herder.ConnectorOffsets) (message string, err error)
	ResetConnectorOffsets(ctx context.Context, name string) (message string, err error)

	ConnectorPlugins(ctx context.Context, connectorsOnly bool) ([]herder.PluginInfo, error)
	ConnectorPluginConfig(ctx context.Context, plugin string) ([]herder.ConfigKeyInfo, error)
	ValidateConnectorConfig(ctx context.Context, config map[string]*string) (herder.ConfigInfos, error)

	// SetClusterLoggerLevel asks every worker of the cluster to set a level
	// (standalone: this worker).
	SetClusterLoggerLevel(ctx context.Context, namespace, level string) error

	// PutTaskConfigs is the internal endpoint a follower uses to hand the
	// leader its connector's new task configs.
	PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string, sig *herder.InternalRequestSignature) error
	// FenceZombieSourceTasks is the internal exactly-once fencing endpoint.
	FenceZombieSourceTasks(ctx context.Context, connector string, sig *herder.InternalRequestSignature) error
}

// Loggers is the worker-local log level administration behind /admin/loggers.
type Loggers interface {
	// Levels lists loggers whose level was set explicitly.
	Levels() map[string]herder.LoggerLevel
	// Level returns a logger's effective level; ok is false for an unknown logger.
	Level(name string) (herder.LoggerLevel, bool)
	// SetLevel sets the level of a namespace and its descendants and returns
	// the names of the loggers changed. level is already validated.
	SetLevel(namespace, level string) []string
	// ValidLevel reports whether level (any case) names a level.
	ValidLevel(level string) bool
}
