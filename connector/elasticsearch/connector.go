package elasticsearch

import (
	"errors"
	"fmt"
	"maps"
	"strconv"

	"github.com/kafka-connect-go/connect/connector"
)

// The Java class names under which users know the connector and its task.
const (
	ConnectorClass = "io.confluent.connect.elasticsearch.ElasticsearchSinkConnector"
	TaskClass      = "io.confluent.connect.elasticsearch.ElasticsearchSinkTask"
)

// Version is reported by the connector and its tasks.
const Version = "0.1.0"

// Connector is the Humio sink connector. Every task gets the connector's
// configuration; the runtime splits the topics' partitions among them.
type Connector struct {
	config map[string]string
}

var (
	_ connector.SinkConnector   = (*Connector)(nil)
	_ connector.ConfigValidator = (*Connector)(nil)
)

// New returns an unstarted connector.
func New() *Connector { return &Connector{} }

// Version is the connector's version.
func (c *Connector) Version() string { return Version }

// TaskClass is the Java class name of the task.
func (c *Connector) TaskClass() string { return TaskClass }

// NewTask returns a fresh task.
func (c *Connector) NewTask() connector.SinkTask { return NewTask() }

// Start checks the configuration, so a bad one fails the connector rather
// than each task, and says which keys it accepts without using them.
func (c *Connector) Start(ctx connector.ConnectorContext, config map[string]string) error {
	s, err := parseConfig(config)
	if err != nil {
		return fmt.Errorf("humio sink: %w", err)
	}
	if log := ctx.Logger(); log != nil {
		logIgnored(log, s)
	}
	c.config = maps.Clone(config)
	return nil
}

// TaskConfigs gives each task the connector's configuration and its number
// under taskId, as the Java connector does.
func (c *Connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	if c.config == nil {
		return nil, errors.New("humio sink: TaskConfigs called before Start")
	}
	out := make([]map[string]string, maxTasks)
	for i := range out {
		m := maps.Clone(c.config)
		m[keyTaskID] = strconv.Itoa(i)
		out[i] = m
	}
	return out, nil
}

// Stop has nothing to release.
func (c *Connector) Stop() error { return nil }

// ValidateConfig checks what the ConfigDef cannot: the rules between keys
// and the TLS material. Problems come per key, for the REST validate call.
func (c *Connector) ValidateConfig(config map[string]string) map[string][]string {
	vals, err := ConfigDef().Parse(config)
	if err != nil {
		return nil // the per-key validation reports it
	}
	problems := crossCheck(vals)
	_, more := build(vals)
	for k, ps := range more {
		problems[k] = append(problems[k], ps...)
	}
	if len(problems) == 0 {
		return nil
	}
	return problems
}
