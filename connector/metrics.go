package connector

// Metric is one value a task reports about itself, for the worker to
// export alongside its own task metrics.
type Metric struct {
	// Group names the metric group, dash-separated as Kafka's groups
	// ("humio-sink-task-metrics"); Name the attribute
	// ("bulk-requests-total"). The worker exports the metric as
	// kafka_connect_<group>_<name> with dashes turned into underscores,
	// labelled with the connector and the task.
	Group, Name string
	// Help says what the value means.
	Help  string
	Value float64
}

// MetricsReporter is implemented by a SinkTask or SourceTask that reports
// metrics of its own. The worker calls Metrics when its metrics are read
// (from another goroutine than the task's, possibly while the task runs):
// it must be safe for concurrent use and cheap.
type MetricsReporter interface {
	Metrics() []Metric
}
