// Package worker runs connector and task instances on this process. It
// builds each task's chain — converters, transformations, the task itself —
// from the plugin registry, starts the sink and source loops of worker/sink
// and worker/source, and reports every state change to the herder that owns
// it. The herders (worker/standalone, worker/distributed) decide what runs
// where; the Worker only runs what it is told.
package worker

import "github.com/kafka-connect-go/connect/storage"

// Events is how the Worker tells its herder what happened. Calls may come
// from any goroutine and must not block: the herder records the change (a
// status write) or queues it for its own loop.
type Events interface {
	// ConnectorStateChanged reports a connector's new state: RUNNING, PAUSED,
	// STOPPED, FAILED (cause set), UNASSIGNED (shut down) or DESTROYED.
	ConnectorStateChanged(connector string, state storage.State, cause error)
	// TaskStateChanged reports a task's new state, likewise.
	TaskStateChanged(id storage.TaskID, state storage.State, cause error)
	// TaskReconfigurationRequested relays a connector's request to have its
	// task configs generated again.
	TaskReconfigurationRequested(connector string)
	// TopicUsed reports the first record a task saw for a topic (active
	// topic tracking).
	TopicUsed(connector string, task int, topic string)
}

// The runtime contract the herders rely on, implemented by *Worker. Every method is safe to call
// from the herder's goroutine while tasks run on their own goroutines.
//
//	StartConnector(ctx, name, config, target) error
//	    Instantiates the connector class named by connector.class, starts it
//	    (on its own goroutine; the outcome arrives through Events) in the
//	    given target state. An error is returned only for problems known at
//	    once: unknown class, bad connector config, already running.
//	ConnectorTaskConfigs(ctx, name) ([]map[string]string, error)
//	    Asks the running connector for task configs (tasks.max from its
//	    config), adds task.class and, for sinks, topics/topics.regex.
//	StopConnector(ctx, name) error
//	    Stops the connector and waits (bounded by ctx).
//	StartTask(ctx, id, connectorConfig, taskConfig, target) error
//	    Starts a task with its converter/transform chain and its loop.
//	StopTasks(ctx, ids...) error
//	    Stops tasks gracefully (flush, commit) and waits, bounded by
//	    task.shutdown.graceful.timeout.ms and ctx.
//	SetTargetState(name, target)
//	    Pauses, resumes or stops the connector and its tasks on this worker.
//	Connectors() []string / Tasks() []storage.TaskID
//	    What runs here.
//	Stop(ctx) error
//	    Stops everything in order (tasks first, flushing and committing).
