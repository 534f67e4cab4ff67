package worker

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/plugin"
)

// ErrNoConnectorClass is returned when a config to validate or start has no
// connector.class (the REST API answers 400).
var ErrNoConnectorClass = errors.New("connector config contains no connector type")

// ConfigValidation is a connector config checked key by key: the shape the
// REST validate endpoint reports (worker/herder turns it into ConfigInfos).
type ConfigValidation struct {
	// Class is connector.class as given.
	Class string
	// Kind is plugin.Sink or plugin.Source.
	Kind plugin.Kind
	// Groups lists the groups of Keys in order of first use.
	Groups []string
	// Keys are the definitions: the framework's (with the keys of the
	// configured transformations and predicates), then the connector's own.
	Keys []*configdef.Key
	// Values are the results; a name may repeat (the last one counts, as in
	// Java) and may have no definition.
	Values []*configdef.Value
	// Sections are validated separately under a prefix: the connector's own
	// key, value and header converters (error counts are per key there).
	Sections []ConfigSection
}

// ConfigSection is a prefixed part of a validation (a converter's keys).
type ConfigSection struct {
	Prefix string
	Keys   []*configdef.Key
	Values []*configdef.Value
}

// AddError attaches a message to the value of name, adding a value when
// there is none (the herders use it for keys given as JSON null).
func (v *ConfigValidation) AddError(name, msg string) {
	for i := len(v.Values) - 1; i >= 0; i-- {
		if v.Values[i].Name == name {
			v.Values[i].Errors = append(v.Values[i].Errors, msg)
			return
		}
	}
	v.Values = append(v.Values, &configdef.Value{Name: name, Errors: []string{msg}, Visible: true})
}

// ErrorCount counts the messages of the main part and the keys with errors
// of each section, as Java counts them.
func (v *ConfigValidation) ErrorCount() int {
	last := map[string]*configdef.Value{}
	for _, val := range v.Values {
		last[val.Name] = val
	}
	n := 0
	for _, val := range last {
		n += len(val.Errors)
	}
	for _, s := range v.Sections {
		for _, val := range s.Values {
			if len(val.Errors) > 0 {
				n++
			}
		}
	}
	return n
}

// ValidateConnectorConfig checks a connector config (already resolved) as
// the Java worker's validate endpoint does: the framework keys of its kind,
// the keys of each configured transformation and predicate (embedded under
// their alias), the sink topic rules, the connector's own ConfigDef and
// ConfigValidator, and the settings of converters the connector overrides.
// An error means there was nothing to validate against: no connector.class
// (ErrNoConnectorClass) or an unknown one (*plugin.UnknownPluginError).
func ValidateConnectorConfig(reg *plugin.Registry, props map[string]string) (*ConfigValidation, error) {
	class, ok := props[ConnectorClassConfig]
	if !ok {
		return nil, ErrNoConnectorClass
	}
	p, err := reg.Connector(class)
	if err != nil {
		return nil, err
	}
	out := &ConfigValidation{Class: class, Kind: p.Kind}
	base := SourceConfigDef(reg)
	if p.Kind == plugin.Sink {
		base = SinkConfigDef(reg)
	}
	def, err := enrich(reg, base, props, false)
	if err != nil {
		return nil, err // not reached: enrich only fails when requireFull
	}
	values := def.Validate(props)
	byName := map[string]*configdef.Value{}
	for _, v := range values {
		byName[v.Name] = v
	}
	if p.Kind == plugin.Sink {
		for _, k := range []string{TopicsConfig, TopicsRegexConfig} {
			for _, msg := range sinkTopicErrors(props)[k] {
				byName[k].Errors = append(byName[k].Errors, msg)
			}
		}
	}
	out.Keys = def.Keys()
	out.Groups = def.Groups()
	out.Values = values

	// The connector's own keys: a definition with a framework key's name
	// takes its place (Java's LinkedHashMap.putAll).
	own := p.Config
	for _, k := range own.Keys() {
		if i := slices.IndexFunc(out.Keys, func(x *configdef.Key) bool { return x.Name == k.Name }); i >= 0 {
			out.Keys[i] = k
		} else {
			out.Keys = append(out.Keys, k)
		}
	}
	for _, g := range own.Groups() {
		if !slices.Contains(out.Groups, g) {
			out.Groups = append(out.Groups, g)
		}
	}
	ownValues := own.Validate(props)
	if cv, ok := p.New().(connector.ConfigValidator); ok {
		extra := cv.ValidateConfig(maps.Clone(props))
		names := slices.Sorted(maps.Keys(extra))
		for _, name := range names {
			i := slices.IndexFunc(ownValues, func(v *configdef.Value) bool { return v.Name == name })
			if i < 0 {
				ownValues = append(ownValues, &configdef.Value{Name: name, Value: props[name], Visible: true})
				i = len(ownValues) - 1
			}
			ownValues[i].Errors = append(ownValues[i].Errors, extra[name]...)
		}
	}
	out.Values = append(out.Values, ownValues...)

	// Converters the connector sets itself, in Java's order.
	for _, c := range []struct {
		key  string
		kind plugin.Kind
		typ  string
	}{
		{HeaderConverterConfig, plugin.HeaderConverter, "header"},
		{KeyConverterConfig, plugin.Converter, "key"},
		{ValueConverterConfig, plugin.Converter, "value"},
	} {
		class, set := props[c.key]
		if !set || len(byName[c.key].Errors) > 0 {
			continue
		}
		cp, err := reg.Lookup(class, c.kind)
		if err != nil {
			continue
		}
		prefix := c.key + "."
		cfg := configdef.WithPrefix(props, prefix)
		if _, ok := cfg["converter.type"]; !ok {
			cfg["converter.type"] = c.typ
		}
		out.Sections = append(out.Sections, ConfigSection{Prefix: prefix, Keys: cp.Config.Keys(), Values: cp.Config.Validate(cfg)})
	}
	return out, nil
}

// ValidateConnectorConfig resolves config provider references and validates
// props; see the package function.
func (w *Worker) ValidateConnectorConfig(props map[string]string) (*ConfigValidation, error) {
	resolved, err := w.resolve(props)
	if err != nil {
		return nil, err
	}
	return ValidateConnectorConfig(w.cfg.Registry, resolved)
}

func (w *Worker) resolve(props map[string]string) (map[string]string, error) {
	if w.cfg.Resolve == nil {
		return props, nil
	}
	out, err := w.cfg.Resolve(props)
	if err != nil {
		return nil, fmt.Errorf("resolve config provider references: %w", err)
	}
	return out, nil
}

// overridePolicyAllows applies connector.client.config.override.policy to
// the keys of a connector's client overrides (keys without prefix).
func overridePolicyAllows(policy, prefix string, keys []string) error {
	var refused []string
	switch strings.ToLower(policy) {
	case "all", "org.apache.kafka.connect.connector.policy.allconnectorclientconfigoverridepolicy":
		return nil
	case "none", "org.apache.kafka.connect.connector.policy.noneconnectorclientconfigoverridepolicy":
		refused = append(refused, keys...)
	case "principal", "org.apache.kafka.connect.connector.policy.principalconnectorclientconfigoverridepolicy":
		for _, k := range keys {
			if k != "sasl.jaas.config" && k != "sasl.mechanism" && k != "security.protocol" {
				refused = append(refused, k)
			}
		}
	default:
		return fmt.Errorf("connector.client.config.override.policy=%q: expected All, None or Principal", policy)
	}
	if len(refused) == 0 {
		return nil
	}
	for i, k := range refused {
		refused[i] = prefix + k
	}
	slices.Sort(refused)
	return fmt.Errorf("the following configs are not allowed to be overridden by connector.client.config.override.policy=%s: %s",
		policy, strings.Join(refused, ", "))
}
