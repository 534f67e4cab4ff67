// Package herder is the contract between the REST API and the two herders
// (standalone and distributed): the values they exchange, shaped like the
// Connect REST API's JSON entities, and the errors that decide the HTTP
// status. It holds no logic that needs Kafka.
package herder

import (
	"errors"
	"fmt"
	"time"
)

// ConnectorType is "source", "sink" or "unknown".
type ConnectorType string

// The connector types.
const (
	Source  ConnectorType = "source"
	Sink    ConnectorType = "sink"
	Unknown ConnectorType = "unknown"
)

// TargetState is what a user asked a connector to be.
type TargetState string

// The target states (REST's initial_state values RUNNING/PAUSED/STOPPED map
// to these).
const (
	TargetStarted TargetState = "STARTED"
	TargetPaused  TargetState = "PAUSED"
	TargetStopped TargetState = "STOPPED"
)

// State is a connector's or task's runtime state as the status API shows it.
type State string

// The states shown to users.
const (
	StateUnassigned State = "UNASSIGNED"
	StateRunning    State = "RUNNING"
	StatePaused     State = "PAUSED"
	StateStopped    State = "STOPPED"
	StateFailed     State = "FAILED"
	StateRestarting State = "RESTARTING"
)

// TaskID names a task: {"connector":"c","task":0}.
type TaskID struct {
	Connector string `json:"connector"`
	Task      int    `json:"task"`
}

func (id TaskID) String() string { return fmt.Sprintf("%s-%d", id.Connector, id.Task) }

// CreateRequest is the body of POST /connectors.
type CreateRequest struct {
	Name         string
	Config       map[string]string
	InitialState TargetState // "" means STARTED
}

// ConnectorInfo is GET /connectors/{c}.
type ConnectorInfo struct {
	Name   string            `json:"name"`
	Config map[string]string `json:"config"`
	Tasks  []TaskID          `json:"tasks"`
	Type   ConnectorType     `json:"type"`
}

// StateInfo is the state of a connector or task in a status answer.
type StateInfo struct {
	State    State  `json:"state"`
	WorkerID string `json:"worker_id"`
	Trace    string `json:"trace,omitempty"`
}

// TaskStateInfo is one task in a status answer.
type TaskStateInfo struct {
	ID int `json:"id"`
	StateInfo
}

// ConnectorStateInfo is GET /connectors/{c}/status.
type ConnectorStateInfo struct {
	Name      string          `json:"name"`
	Connector StateInfo       `json:"connector"`
	Tasks     []TaskStateInfo `json:"tasks"`
	Type      ConnectorType   `json:"type"`
}

// TaskInfo is one entry of GET /connectors/{c}/tasks.
type TaskInfo struct {
	ID     TaskID            `json:"id"`
	Config map[string]string `json:"config"`
}

// ServerInfo is GET /.
type ServerInfo struct {
	Version        string `json:"version"`
	Commit         string `json:"commit"`
	KafkaClusterID string `json:"kafka_cluster_id"`
}

// PluginInfo is one entry of GET /connector-plugins.
type PluginInfo struct {
	Class   string `json:"class"`
	Type    string `json:"type"`
	Version string `json:"version,omitempty"`
}

// ConfigKeyInfo describes one config key (GET /connector-plugins/{p}/config
// and the definitions in a validate answer).
type ConfigKeyInfo struct {
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	Required      bool     `json:"required"`
	DefaultValue  *string  `json:"default_value"`
	Importance    string   `json:"importance"`
	Documentation string   `json:"documentation"`
	Group         *string  `json:"group"`
	Order         int      `json:"order"`
	Width         string   `json:"width"`
	DisplayName   string   `json:"display_name"`
	Dependents    []string `json:"dependents"`
}

// ConfigValueInfo is the validation result of one key.
type ConfigValueInfo struct {
	Name              string   `json:"name"`
	Value             *string  `json:"value"`
	RecommendedValues []string `json:"recommended_values"`
	Errors            []string `json:"errors"`
	Visible           bool     `json:"visible"`
}

// ConfigInfo pairs a definition with its validation result.
type ConfigInfo struct {
	Definition *ConfigKeyInfo   `json:"definition"`
	Value      *ConfigValueInfo `json:"value"`
}

// ConfigInfos is the answer of PUT /connector-plugins/{p}/config/validate.
type ConfigInfos struct {
	Name       string       `json:"name"`
	ErrorCount int          `json:"error_count"`
	Groups     []string     `json:"groups"`
	Configs    []ConfigInfo `json:"configs"`
}

// ConnectorOffset is one partition's offset.
type ConnectorOffset struct {
	Partition map[string]any `json:"partition"`
	Offset    map[string]any `json:"offset"`
}

// ConnectorOffsets is GET /connectors/{c}/offsets.
type ConnectorOffsets struct {
	Offsets []ConnectorOffset `json:"offsets"`
}

// LoggerLevel is one logger in /admin/loggers.
type LoggerLevel struct {
	Level        string `json:"level"`
	LastModified *int64 `json:"last_modified"`
}

// Health is the answer of GET /health.
type Health struct {
	Status  string `json:"status"` // healthy, starting, unhealthy
	Message string `json:"message"`
}

// Sentinels callers branch on with errors.Is. Each maps to one HTTP status.
var (
	ErrNotFound            = errors.New("not found")             // 404
	ErrAlreadyExists       = errors.New("already exists")        // 409
	ErrBadRequest          = errors.New("bad request")           // 400
	ErrConflict            = errors.New("conflict")              // 409
	ErrRebalanceInProgress = errors.New("rebalance in progress") // 409
	ErrForbidden           = errors.New("forbidden")             // 403
	ErrUnavailable         = errors.New("unavailable")           // 503
)

// Error is an error with the exact message users see (the Java worker's
// wording) and a sentinel kind that decides the HTTP status.
type Error struct {
	Kind    error
	Message string
	Err     error // cause, if any
}

func (e *Error) Error() string { return e.Message }

// Is matches the kind sentinel.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func newError(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// NotFoundf returns an ErrNotFound error with the given message.
func NotFoundf(format string, args ...any) error { return newError(ErrNotFound, format, args...) }

// AlreadyExistsf returns an ErrAlreadyExists error.
func AlreadyExistsf(format string, args ...any) error {
	return newError(ErrAlreadyExists, format, args...)
}

// BadRequestf returns an ErrBadRequest error.
func BadRequestf(format string, args ...any) error { return newError(ErrBadRequest, format, args...) }

// Conflictf returns an ErrConflict error.
func Conflictf(format string, args ...any) error { return newError(ErrConflict, format, args...) }

// Forbiddenf returns an ErrForbidden error.
func Forbiddenf(format string, args ...any) error { return newError(ErrForbidden, format, args...) }

// Unavailablef returns an ErrUnavailable error (503).
func Unavailablef(format string, args ...any) error {
	return newError(ErrUnavailable, format, args...)
}

// RebalanceError is the 409 the Java worker answers while a rebalance is due.
func RebalanceError() error {
	return &Error{Kind: ErrRebalanceInProgress, Message: "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"}
}

// NotLeaderError says the request must be served by another worker: the
// leader for writes, or the owner of a connector or task for restarts. The
// REST layer forwards the request to URL.
type NotLeaderError struct {
	URL string // the worker's advertised REST URL, ending in "/"; "" if unknown
	Op  string // what was asked, for logs
}

func (e *NotLeaderError) Error() string {
	if e.URL == "" {
		return "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway."
	}
	return fmt.Sprintf("%s must be served by the worker at %s", e.Op, e.URL)
}

// DefaultRequestTimeout is how long the REST layer waits for a herder call,
// as the Java worker does.
const DefaultRequestTimeout = 90 * time.Second

// InternalRequestSignature is what a worker sent to sign an internal request
// (task configs, fencing) in the sessioned protocol: the raw body and the
// X-Connect-Authorization / X-Connect-Request-Signature-Algorithm headers.
// Nil when the request carried no signature.
type InternalRequestSignature struct {
	Algorithm string
	Signature []byte // decoded from base64
	Body      []byte
}
