package herder

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/storage"
)

// This file holds what both herders do alike (Java's AbstractHerder):
// describing connectors, statuses, plugins and restart plans from the
// stores and the registry. It needs no Kafka.

// TypeOf says whether a connector config names a sink or a source class.
func TypeOf(reg *plugin.Registry, config map[string]string) ConnectorType {
	p, err := reg.Connector(config["connector.class"])
	if err != nil {
		return Unknown
	}
	if p.Kind == plugin.Sink {
		return Sink
	}
	return Source
}

// InfoOf builds a ConnectorInfo from a config snapshot.
func InfoOf(reg *plugin.Registry, snap *storage.ConfigSnapshot, name string) (ConnectorInfo, error) {
	cfg, ok := snap.Connectors[name]
	if !ok {
		return ConnectorInfo{}, NotFoundf("Connector %s not found", name)
	}
	tasks := []TaskID{}
	for _, id := range snap.Tasks(name) {
		tasks = append(tasks, TaskID{Connector: id.Connector, Task: id.Task})
	}
	return ConnectorInfo{Name: name, Config: copyMap(cfg), Tasks: tasks, Type: TypeOf(reg, cfg)}, nil
}

// TaskInfosOf lists a connector's task configs from a snapshot.
func TaskInfosOf(snap *storage.ConfigSnapshot, name string) ([]TaskInfo, error) {
	if _, ok := snap.Connectors[name]; !ok {
		return nil, NotFoundf("Connector %s not found", name)
	}
	out := []TaskInfo{}
	for _, id := range snap.Tasks(name) {
		out = append(out, TaskInfo{ID: TaskID{Connector: id.Connector, Task: id.Task}, Config: copyMap(snap.TaskConfigs[id])})
	}
	return out, nil
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func stateInfo(s storage.Status) StateInfo {
	return StateInfo{State: State(s.State), WorkerID: s.WorkerID, Trace: s.Trace}
}

// StatusOf builds GET /connectors/{c}/status from the status store.
func StatusOf(statuses storage.StatusStore, name string, typ ConnectorType) (ConnectorStateInfo, error) {
	cs, ok := statuses.Connector(name)
	if !ok {
		return ConnectorStateInfo{}, NotFoundf("No status found for connector %s", name)
	}
	tasks := statuses.Tasks(name)
	ids := make([]int, 0, len(tasks))
	for id := range tasks {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := ConnectorStateInfo{Name: name, Connector: stateInfo(cs), Tasks: []TaskStateInfo{}, Type: typ}
	for _, id := range ids {
		out.Tasks = append(out.Tasks, TaskStateInfo{ID: id, StateInfo: stateInfo(tasks[id])})
	}
	return out, nil
}

// TaskStatusOf builds GET /connectors/{c}/tasks/{n}/status.
func TaskStatusOf(statuses storage.StatusStore, id TaskID) (TaskStateInfo, error) {
	s, ok := statuses.Task(storage.TaskID{Connector: id.Connector, Task: id.Task})
	if !ok {
		return TaskStateInfo{}, NotFoundf("No status found for task %s", id)
	}
	return TaskStateInfo{ID: id.Task, StateInfo: stateInfo(s)}, nil
}

// PluginInfos lists plugins for GET /connector-plugins: connectors only, or
// every kind the Java worker lists (not config providers).
func PluginInfos(reg *plugin.Registry, connectorsOnly bool) []PluginInfo {
	kinds := []plugin.Kind{plugin.Sink, plugin.Source}
	if !connectorsOnly {
		kinds = append(kinds, plugin.Transformation, plugin.Predicate, plugin.Converter, plugin.HeaderConverter)
	}
	out := []PluginInfo{}
	for _, p := range reg.List(kinds...) {
		v := p.Version
		if v == "undefined" {
			v = ""
		}
		out = append(out, PluginInfo{Class: p.Class, Type: p.Kind.String(), Version: v})
	}
	return out
}

// PluginConfig describes a plugin's keys for GET
// /connector-plugins/{p}/config. For connectors the plugin's own keys come
// first, then the framework's (framework(kind)) not already defined.
func PluginConfig(reg *plugin.Registry, name string, framework func(plugin.Kind) *configdef.ConfigDef) ([]ConfigKeyInfo, error) {
	p, err := reg.Lookup(name, plugin.Sink, plugin.Source, plugin.Converter, plugin.HeaderConverter,
		plugin.Transformation, plugin.Predicate)
	if err != nil {
		if _, perr := reg.Lookup(name, plugin.ConfigProvider); perr == nil {
			return nil, BadRequestf("Invalid plugin class %s. Valid types are sink, source, converter, header_converter, transformation, predicate.", name)
		}
		var unknown *plugin.UnknownPluginError
		if errors.As(err, &unknown) {
			return nil, NotFoundf("Unknown plugin %s.", name)
		}
		return nil, err
	}
	out := []ConfigKeyInfo{}
	seen := map[string]bool{}
	for _, k := range p.Config.Keys() {
		if k.Internal {
			continue
		}
		seen[k.Name] = true
		out = append(out, ConfigKeyInfoFrom(k, ""))
	}
	if (p.Kind == plugin.Sink || p.Kind == plugin.Source) && framework != nil {
		for _, k := range framework(p.Kind).Keys() {
			if !seen[k.Name] && !k.Internal {
				out = append(out, ConfigKeyInfoFrom(k, ""))
			}
		}
	}
	return out, nil
}

// InvalidConfigError is the 400 Java answers when a connector is created or
// reconfigured with a config that does not validate.
func InvalidConfigError(infos ConfigInfos) error {
	var msgs []string
	for _, c := range infos.Configs {
		if c.Value != nil {
			msgs = append(msgs, c.Value.Errors...)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Connector configuration is invalid and contains the following %d error(s):\n", len(msgs))
	for _, m := range msgs {
		b.WriteString(m)
		b.WriteByte('\n')
	}
	b.WriteString("You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")
	return BadRequestf("%s", b.String())
}

// RestartPlan decides what a restart request with includeTasks/onlyFailed
// restarts, given the current status, and returns the answer REST shows:
// each instance to be restarted in state RESTARTING.
func RestartPlan(status ConnectorStateInfo, onlyFailed, includeTasks bool) (plan ConnectorStateInfo, restartConnector bool, tasks []int) {
	plan = status
	plan.Tasks = append([]TaskStateInfo{}, status.Tasks...)
	restartConnector = !onlyFailed || status.Connector.State == StateFailed
	if restartConnector {
		plan.Connector.State = StateRestarting
		plan.Connector.Trace = ""
	}
	if includeTasks {
		for i, t := range plan.Tasks {
			if !onlyFailed || t.State == StateFailed {
				tasks = append(tasks, t.ID)
				plan.Tasks[i].State = StateRestarting
				plan.Tasks[i].Trace = ""
			}
		}
	}
	return plan, restartConnector, tasks
}

// StoppedRequired is the 400 for offset changes on a connector that is not
// STOPPED.
func StoppedRequired(name string) error {
	return BadRequestf("Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/%s/stop' endpoint", name)
}

// The messages of a successful offset change (the connector did not manage
// the offsets itself).
const (
	OffsetsAlteredMessage = "The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses."
	OffsetsResetMessage   = "The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses."
)
