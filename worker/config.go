package worker

import (
	"errors"
	"log/slog"
	"time"

	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/worker/metrics"
)

// Config is what a Worker needs. The cmd layer fills it from the typed
// worker.properties (worker/config); zero values are documented per field.
type Config struct {
	// WorkerID names this worker in logs (host:port of its REST listener).
	WorkerID string
	// BootstrapServers is bootstrap.servers; required.
	BootstrapServers []string
	// ProducerProps, ConsumerProps and AdminProps are the worker's
	// producer., consumer. and admin. keys with the prefix removed. They
	// override the framework's client defaults and are overridden by a
	// connector's producer.override. (etc.) keys, as in Java.
	ProducerProps, ConsumerProps, AdminProps map[string]string
	// ClientOverridePolicy is connector.client.config.override.policy:
	// All (the default when empty), None or Principal.
	ClientOverridePolicy string

	// OffsetFlushInterval is offset.flush.interval.ms (default 60 s).
	OffsetFlushInterval time.Duration
	// OffsetFlushTimeout is offset.flush.timeout.ms (default 5 s).
	OffsetFlushTimeout time.Duration
	// TaskShutdownTimeout is task.shutdown.graceful.timeout.ms (default 5
	// s): the whole budget for stopping a set of tasks, not per task.
	TaskShutdownTimeout time.Duration

	// KeyConverter, ValueConverter and HeaderConverter are the worker's
	// converter classes (key.converter...; the header converter defaults to
	// SimpleHeaderConverter), with their settings (the keys under
	// key.converter. etc., prefix removed).
	KeyConverter, ValueConverter, HeaderConverter                string
	KeyConverterProps, ValueConverterProps, HeaderConverterProps map[string]string

	// TopicTracking is topic.tracking.enable: report topics tasks use.
	TopicTracking bool

	// Resolve replaces ${provider:path:key} references in connector and
	// task configs (the worker's config providers); nil leaves them alone.
	Resolve func(config map[string]string) (map[string]string, error)

	Logger *slog.Logger
	// Registry holds every plugin by class name and alias; required.
	Registry *plugin.Registry
	// Offsets stores source offsets; required for source connectors.
	Offsets storage.OffsetStore
	// Events receives every state change; required.
	Events Events
	// Metrics receives the worker's, connectors' and tasks' metrics; nil
	// records none.
	Metrics *metrics.Metrics
}

// DefaultHeaderConverter is header.converter's default.
const DefaultHeaderConverter = "org.apache.kafka.connect.storage.SimpleHeaderConverter"

func (c *Config) setDefaults() error {
	switch {
	case len(c.BootstrapServers) == 0:
		return errors.New("worker: bootstrap.servers is empty")
	case c.Registry == nil:
		return errors.New("worker: no plugin registry")
	case c.Events == nil:
		return errors.New("worker: no event receiver")
	}
	if c.OffsetFlushInterval <= 0 {
		c.OffsetFlushInterval = time.Minute
	}
	if c.OffsetFlushTimeout <= 0 {
		c.OffsetFlushTimeout = 5 * time.Second
	}
	if c.TaskShutdownTimeout <= 0 {
		c.TaskShutdownTimeout = 5 * time.Second
	}
	if c.HeaderConverter == "" {
		c.HeaderConverter = DefaultHeaderConverter
	}
	if c.ClientOverridePolicy == "" {
		c.ClientOverridePolicy = "All"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Metrics != nil {
		c.Events = metricEvents{Events: c.Events, m: c.Metrics}
	}
	return nil
}
