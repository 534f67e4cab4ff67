// Package storage declares the worker's three stores — connector configs,
// source offsets and statuses — and the record types they hold, without
// saying where they live. storage/kafkastore keeps them in Kafka's compacted
// internal topics (the distributed worker, byte-compatible with Java's),
// storage/memstore in memory and storage/filestore in the standalone offsets
// file. storage/storagetest is the conformance suite every implementation
// passes.
//
// The package imports only the standard library.
package storage

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// ErrClosed is returned by a store used after Stop.
var ErrClosed = errors.New("store closed")

// TaskID names one task of a connector.
type TaskID struct {
	Connector string
	Task      int
}

func (id TaskID) String() string { return id.Connector + "-" + strconv.Itoa(id.Task) }

// TargetState is the state a user asked a connector to be in.
type TargetState string

// The target states, spelled as in the config topic.
const (
	TargetStarted TargetState = "STARTED"
	TargetPaused  TargetState = "PAUSED"
	TargetStopped TargetState = "STOPPED"
)

// SessionKey signs requests between workers (the sessioned protocol).
type SessionKey struct {
	Key       []byte
	Algorithm string
	Created   time.Time
}

// RestartRequest asks to restart a connector and, optionally, its tasks.
type RestartRequest struct {
	Connector    string
	IncludeTasks bool
	OnlyFailed   bool
}

// ConfigSnapshot is a consistent view of the config store at one offset
// (Java's ClusterConfigState). Maps are owned by the snapshot: callers must
// not modify them.
type ConfigSnapshot struct {
	// Offset is the position of the config log this snapshot reflects (the
	// next offset to read); -1 before anything was read. Workers exchange it
	// in the group protocol.
	Offset int64
	// Connectors maps a connector name to its config, as stored (unresolved
	// ${provider:...} references included).
	Connectors map[string]map[string]string
	// TargetStates maps a connector name to its target state.
	TargetStates map[string]TargetState
	// TaskConfigs holds the task configs in force (applied by a commit).
	TaskConfigs map[TaskID]map[string]string
	// TaskCounts maps a connector to the number of tasks of its last commit.
	TaskCounts map[string]int
	// Inconsistent lists connectors whose last commit was incomplete; their
	// task configs must be regenerated.
	Inconsistent map[string]bool
	// SessionKey is the current request-signing key, nil if none.
	SessionKey *SessionKey
	// AppliedConnectorConfigs maps a connector to its config as it was
	// when its task configs in force were committed (Java's
	// appliedConnectorConfig), so a connector config change that leaves the
	// task configs alike still restarts the tasks. Stores that do not track
	// it leave it nil.
	AppliedConnectorConfigs map[string]map[string]string
}

// Tasks returns the task ids of a connector in order; none while the
// connector is inconsistent (its last commit was incomplete), as Java's
// ClusterConfigState.tasks answers, so no stale task config is started.
func (s *ConfigSnapshot) Tasks(connector string) []TaskID {
	if s.Inconsistent[connector] {
		return nil
	}
	n := s.TaskCounts[connector]
	out := make([]TaskID, 0, n)
	for i := 0; i < n; i++ {
		id := TaskID{connector, i}
		if _, ok := s.TaskConfigs[id]; ok {
			out = append(out, id)
		}
	}
	return out
}

// ConfigListener hears about changes to the config store. Calls come from
// the store's reader goroutine, in log order; a listener must not block (the
// distributed herder hands them to its own loop).
type ConfigListener interface {
	ConnectorConfigRemoved(connector string)
	ConnectorConfigUpdated(connector string)
	TaskConfigsUpdated(tasks []TaskID)
	TargetStateChanged(connector string)
	SessionKeyUpdated(key SessionKey)
	RestartRequested(req RestartRequest)
	LoggerLevelUpdated(namespace, level string)
}

// ConfigStore holds connector configs, task configs and target states.
// Writes return once the change is durable and visible in Snapshot.
type ConfigStore interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	Snapshot() ConfigSnapshot
	// PutConnectorConfig stores a connector config; a non-nil target writes
	// the target state first (REST's initial_state).
	PutConnectorConfig(ctx context.Context, connector string, config map[string]string, target *TargetState) error
	RemoveConnectorConfig(ctx context.Context, connector string) error
	// PutTaskConfigs replaces the task configs of a connector (possibly with
	// none) as one committed set.
	PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string) error
	PutTargetState(ctx context.Context, connector string, state TargetState) error
	PutSessionKey(ctx context.Context, key SessionKey) error
	PutRestartRequest(ctx context.Context, req RestartRequest) error
	PutLoggerLevel(ctx context.Context, namespace, level string) error
	// Refresh reads the store to its end, so Snapshot reflects every write
	// made anywhere before the call.
	Refresh(ctx context.Context) error
	// SetListener registers the one listener; call it before Start.
	SetListener(l ConfigListener)
}

// OffsetStore holds source connector offsets. Keys and values are the JSON
// bytes the Java worker writes: key ["<connector>",{partition}], value the
// offset map; a nil value deletes (a tombstone).
type OffsetStore interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	// Get returns the values stored for keys; absent keys are missing from
	// the result. Keys are matched by their JSON meaning, not only by bytes,
	// so offsets written by a Java worker are found.
	Get(ctx context.Context, keys [][]byte) (map[string][]byte, error)
	// Set writes entries and returns once they are durable.
	Set(ctx context.Context, entries []OffsetEntry) error
	// ConnectorPartitions returns the keys (as stored) of every partition a
	// connector has an offset for.
	ConnectorPartitions(ctx context.Context, connector string) ([][]byte, error)
}

// OffsetEntry is one offset write.
type OffsetEntry struct {
	Key, Value []byte
}

// State is the runtime state of a connector or task, as status records and
// the REST API spell it.
type State string

// The states. StateDestroyed is never shown: it is written as a tombstone.
const (
	StateUnassigned State = "UNASSIGNED"
	StateRunning    State = "RUNNING"
	StatePaused     State = "PAUSED"
	StateStopped    State = "STOPPED"
	StateFailed     State = "FAILED"
	StateRestarting State = "RESTARTING"
	StateDestroyed  State = "DESTROYED"
)

// Status is one status record.
type Status struct {
	State      State
	Trace      string // empty when none
	WorkerID   string
	Generation int32
}

// TopicStatus records that a connector's task used a topic (active topic tracking).
type TopicStatus struct {
	Topic     string
	Connector string
	Task      int
	Discover  time.Time
}

// StatusStore holds connector, task and topic statuses.
type StatusStore interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	// PutConnector writes a status; StateDestroyed deletes it.
	PutConnector(ctx context.Context, connector string, s Status) error
	// PutConnectorSafe writes unless the stored status belongs to another
	// worker with a newer generation (used for FAILED and UNASSIGNED).
	PutConnectorSafe(ctx context.Context, connector string, s Status) error
	PutTask(ctx context.Context, id TaskID, s Status) error
	PutTaskSafe(ctx context.Context, id TaskID, s Status) error
	Connector(connector string) (Status, bool)
	Task(id TaskID) (Status, bool)
	// Tasks returns the statuses of a connector's tasks, by task number.
	Tasks(connector string) map[int]Status
	// Connectors lists connectors that have a status.
	Connectors() []string
	PutTopic(ctx context.Context, t TopicStatus) error
	Topics(connector string) []TopicStatus
	DeleteTopic(ctx context.Context, connector, topic string) error
	// Flush waits until earlier writes are durable.
	Flush(ctx context.Context) error
	// ReadToEnd returns once every status written to the store before the
	// call, by any worker, is in what the store answers.
	ReadToEnd(ctx context.Context) error
}
