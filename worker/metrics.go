package worker

import (
	"strings"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/worker/metrics"
	"github.com/kafka-connect-go/connect/worker/tolerance"
)

// metricEvents records every state change in the metrics before passing
// it on to the herder.
type metricEvents struct {
	Events
	m *metrics.Metrics
}

func (e metricEvents) ConnectorStateChanged(name string, state storage.State, cause error) {
	e.m.ConnectorState(name, metrics.State(strings.ToLower(string(state))))
	e.Events.ConnectorStateChanged(name, state, cause)
}

func (e metricEvents) TaskStateChanged(id storage.TaskID, state storage.State, cause error) {
	e.m.TaskState(id.Connector, id.Task, metrics.State(strings.ToLower(string(state))))
	e.Events.TaskStateChanged(id, state, cause)
}

// taskMetrics connects a task's metric group to what only the worker
// knows: the error handling counters and the task's own metrics.
func taskMetrics(tm *metrics.Task, op *tolerance.Operator, task any) {
	if tm == nil {
		return
	}
	tm.SetErrorStats(func() metrics.ErrorStats {
		s := op.Stats()
		return metrics.ErrorStats{
			RecordFailures: float64(s.RecordFailures), RecordErrors: float64(s.RecordErrors),
			RecordsSkipped: float64(s.RecordsSkipped), Retries: float64(s.Retries), ErrorsLogged: float64(s.ErrorsLogged),
			DLQProduceRequests: float64(s.DLQProduceRequests), DLQProduceFailures: float64(s.DLQProduceFailures),
			LastError: s.LastError,
		}
	})
	if r, ok := task.(connector.MetricsReporter); ok {
		tm.SetTaskMetrics(r.Metrics)
	}
}
