package worker

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/worker/herder"
)

// This file turns the Worker's validation results into the REST API's
// answers, the same for both herders (Java's AbstractHerder).

// Infos renders the validation as the validate endpoint's answer.
func (v *ConfigValidation) Infos() herder.ConfigInfos {
	parts := []herder.ConfigInfos{herder.ConfigInfosFrom(v.Class, v.Groups, v.Keys, v.Values)}
	for _, s := range v.Sections {
		parts = append(parts, herder.PrefixedConfigInfos(s.Prefix, s.Keys, s.Values))
	}
	return herder.MergeConfigInfos(v.Class, parts...)
}

// SplitNulls separates the keys a REST body gave as JSON null (reported as
// errors, as Java does) from the config.
func SplitNulls(cfg map[string]*string) (props map[string]string, nulls []string) {
	props = make(map[string]string, len(cfg))
	for k, v := range cfg {
		if v == nil {
			nulls = append(nulls, k)
			continue
		}
		props[k] = *v
	}
	slices.Sort(nulls)
	return props, nulls
}

// AddNullErrors reports each key given as JSON null.
func (v *ConfigValidation) AddNullErrors(nulls []string) {
	for _, k := range nulls {
		v.AddError(k, "Null value can not be supplied as the configuration value.")
	}
}

// CreateValidationError maps a validation that could not run to what a
// create or update answers: 400 without connector.class, and 500 for an
// unknown class. The 500 is Java's: its plugin lookup throws a plain
// ConnectException, not a ConnectRestException, and Connect's REST layer
// answers every such exception with 500 (seen against Kafka's own worker
// by `make interop`).
func CreateValidationError(props map[string]string, err error) error {
	if errors.Is(err, ErrNoConnectorClass) {
		return herder.BadRequestf("Connector config %v contains no connector type", slices.Sorted(maps.Keys(props)))
	}
	var unknown *plugin.UnknownPluginError
	if errors.As(err, &unknown) {
		// No Kind: the REST layer answers 500.
		return &herder.Error{Message: fmt.Sprintf("Failed to find any class that implements Connector and which name matches %s: %v", props[ConnectorClassConfig], err), Err: err}
	}
	return err
}

// FrameworkConfigDef returns the framework keys of a connector kind, for
// GET /connector-plugins/{p}/config.
func FrameworkConfigDef(reg *plugin.Registry) func(plugin.Kind) *configdef.ConfigDef {
	return func(k plugin.Kind) *configdef.ConfigDef {
		if k == plugin.Sink {
			return SinkConfigDef(reg)
		}
		return SourceConfigDef(reg)
	}
}
