// Package builtin assembles the plugins that ship with the worker into one
// registry. It is the only package that imports concrete connectors,
// converters, transformations, predicates and config providers; everything
// else meets them through the connector/plugin.Registry built here.
//
// NOTE: a new built-in plugin goes in Registry below, and nowhere else.
package builtin

import (
	"log/slog"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/converter"
	"github.com/kafka-connect-go/connect/connector/elasticsearch"
	"github.com/kafka-connect-go/connect/connector/file"
	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/connector/provider"
	"github.com/kafka-connect-go/connect/transforms"
	"github.com/kafka-connect-go/connect/transforms/predicates"
)

// KafkaVersion is the Kafka Connect version whose REST API, configs and
// formats this worker implements; GET / and the Apache plugins report it.
const KafkaVersion = "4.0.0"

// Registry returns every built-in plugin under its Java class name (and
// the aliases the registry derives). logger is handed to plugins that log
// outside a connector's context (config providers).
func Registry(logger *slog.Logger) *plugin.Registry {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r := plugin.NewRegistry()
	r.MustRegister(
		plugin.Plugin{Kind: plugin.Source, Class: file.SourceConnectorClass, Version: KafkaVersion,
			Config: file.SourceConfigDef(), New: func() any { return file.NewSourceConnector() }},
		plugin.Plugin{Kind: plugin.Sink, Class: file.SinkConnectorClass, Version: KafkaVersion,
			Config: file.SinkConfigDef(), New: func() any { return file.NewSinkConnector() }},
		plugin.Plugin{Kind: plugin.Sink, Class: elasticsearch.ConnectorClass, Version: elasticsearch.Version,
			Config: elasticsearch.ConfigDef(), New: func() any { return elasticsearch.New() }},
	)
	registerConverters(r)
	registerTransforms(r)
	r.MustRegister(
		plugin.Plugin{Kind: plugin.ConfigProvider, Class: provider.FileClass, Version: KafkaVersion,
			Config: provider.FileConfigDef(), New: func() any { return provider.NewFile(logger) }},
		plugin.Plugin{Kind: plugin.ConfigProvider, Class: provider.DirectoryClass, Version: KafkaVersion,
			Config: provider.DirectoryConfigDef(), New: func() any { return provider.NewDirectory(logger) }},
		plugin.Plugin{Kind: plugin.ConfigProvider, Class: provider.EnvVarClass, Version: KafkaVersion,
			Config: provider.EnvVarConfigDef(), New: func() any { return provider.NewEnvVar(logger) }},
	)
	return r
}

// registerConverters registers each converter as a converter and, where
// the Java class also implements HeaderConverter, as a header converter.
func registerConverters(r *plugin.Registry) {
	r.MustRegister(
		plugin.Plugin{Kind: plugin.Converter, Class: converter.JSONConverterClass, Version: KafkaVersion,
			Config: converter.JSONConverterConfigDef(), New: func() any { return converter.NewJSONConverter() }},
		plugin.Plugin{Kind: plugin.HeaderConverter, Class: converter.JSONConverterClass, Version: KafkaVersion,
			Config: converter.JSONConverterConfigDef(), New: func() any { return converter.NewJSONHeaderConverter() }},
		plugin.Plugin{Kind: plugin.Converter, Class: converter.StringConverterClass, Version: KafkaVersion,
			Config: converter.StringConverterConfigDef(), New: func() any { return converter.NewStringConverter() }},
		plugin.Plugin{Kind: plugin.HeaderConverter, Class: converter.StringConverterClass, Version: KafkaVersion,
			Config: converter.StringConverterConfigDef(), New: func() any { return converter.NewStringHeaderConverter() }},
		plugin.Plugin{Kind: plugin.Converter, Class: converter.ByteArrayConverterClass, Version: KafkaVersion,
			Config: converter.ByteArrayConverterConfigDef(), New: func() any { return converter.NewByteArrayConverter() }},
		plugin.Plugin{Kind: plugin.HeaderConverter, Class: converter.ByteArrayConverterClass, Version: KafkaVersion,
			Config: converter.ByteArrayConverterConfigDef(), New: func() any { return converter.NewByteArrayHeaderConverter() }},
		plugin.Plugin{Kind: plugin.HeaderConverter, Class: converter.SimpleHeaderConverterClass, Version: KafkaVersion,
			Config: converter.SimpleHeaderConverterConfigDef(), New: func() any { return converter.NewSimpleHeaderConverter() }},
		plugin.Plugin{Kind: plugin.Converter, Class: converter.BooleanConverterClass, Version: KafkaVersion,
			Config: converter.BooleanConverterConfigDef(), New: func() any { return converter.NewBooleanConverter() }},
		plugin.Plugin{Kind: plugin.HeaderConverter, Class: converter.BooleanConverterClass, Version: KafkaVersion,
			Config: converter.BooleanConverterConfigDef(), New: func() any { return converter.NewBooleanHeaderConverter() }},
	)
	numbers := []struct {
		class     string
		newConv   func() any
		newHeader func() any
	}{
		{converter.ShortConverterClass, func() any { return converter.NewShortConverter() }, func() any { return converter.NewShortHeaderConverter() }},
		{converter.IntegerConverterClass, func() any { return converter.NewIntegerConverter() }, func() any { return converter.NewIntegerHeaderConverter() }},
		{converter.LongConverterClass, func() any { return converter.NewLongConverter() }, func() any { return converter.NewLongHeaderConverter() }},
		{converter.FloatConverterClass, func() any { return converter.NewFloatConverter() }, func() any { return converter.NewFloatHeaderConverter() }},
		{converter.DoubleConverterClass, func() any { return converter.NewDoubleConverter() }, func() any { return converter.NewDoubleHeaderConverter() }},
	}
	for _, n := range numbers {
		r.MustRegister(
			plugin.Plugin{Kind: plugin.Converter, Class: n.class, Version: KafkaVersion,
				Config: converter.NumberConverterConfigDef(), New: n.newConv},
			plugin.Plugin{Kind: plugin.HeaderConverter, Class: n.class, Version: KafkaVersion,
				Config: converter.NumberConverterConfigDef(), New: n.newHeader},
		)
	}
}

// registerTransforms registers every transformation and predicate that
// ships with Kafka Connect under its Java class name. The registry derives
// the short aliases Kafka accepts (RegexRouter, Filter, TopicNameMatches);
// the nested $Key and $Value classes all have the simple names Key and
// Value, which are ambiguous, so they resolve only by their full names, as
// in Java.
func registerTransforms(r *plugin.Registry) {
	for _, c := range transforms.Classes() {
		r.MustRegister(plugin.Plugin{Kind: plugin.Transformation, Class: c.Name, Version: KafkaVersion,
			Config: c.Config(), New: func() any { return c.New() }})
	}
	for _, c := range predicates.Classes() {
		r.MustRegister(plugin.Plugin{Kind: plugin.Predicate, Class: c.Name, Version: KafkaVersion,
			Config: c.Config(), New: func() any { return c.New() }})
	}
}

// ProviderFactory builds config providers from the registry, for
// worker/config.
func ProviderFactory(r *plugin.Registry) provider.Factory {
	return func(class string) (connector.ConfigProvider, error) {
		p, err := r.Lookup(class, plugin.ConfigProvider)
		if err != nil {
			return nil, err
		}
		cp, _ := p.NewConfigProvider()
		return cp, nil
	}
}
