package builtin

import (
	"testing"

	"github.com/kafka-connect-go/connect/connector/plugin"
)

// Users write any of Kafka's spellings; each must find the plugin.
func TestAliasesUsersWrite(t *testing.T) {
	r := Registry(nil)
	cases := []struct {
		name  string
		kinds []plugin.Kind
		class string
	}{
		{"FileStreamSink", []plugin.Kind{plugin.Sink, plugin.Source}, "org.apache.kafka.connect.file.FileStreamSinkConnector"},
		{"FileStreamSourceConnector", []plugin.Kind{plugin.Sink, plugin.Source}, "org.apache.kafka.connect.file.FileStreamSourceConnector"},
		{"io.confluent.connect.elasticsearch.ElasticsearchSinkConnector", []plugin.Kind{plugin.Sink, plugin.Source}, "io.confluent.connect.elasticsearch.ElasticsearchSinkConnector"},
		{"ElasticsearchSinkConnector", []plugin.Kind{plugin.Sink, plugin.Source}, "io.confluent.connect.elasticsearch.ElasticsearchSinkConnector"},
		{"ElasticsearchSink", []plugin.Kind{plugin.Sink, plugin.Source}, "io.confluent.connect.elasticsearch.ElasticsearchSinkConnector"},
		{"org.apache.kafka.connect.json.JsonConverter", []plugin.Kind{plugin.Converter}, "org.apache.kafka.connect.json.JsonConverter"},
		{"Json", []plugin.Kind{plugin.Converter}, "org.apache.kafka.connect.json.JsonConverter"},
		{"StringConverter", []plugin.Kind{plugin.HeaderConverter}, "org.apache.kafka.connect.storage.StringConverter"},
		{"SimpleHeaderConverter", []plugin.Kind{plugin.HeaderConverter}, "org.apache.kafka.connect.storage.SimpleHeaderConverter"},
		{"FileConfigProvider", []plugin.Kind{plugin.ConfigProvider}, "org.apache.kafka.common.config.provider.FileConfigProvider"},
		{"EnvVar", []plugin.Kind{plugin.ConfigProvider}, "org.apache.kafka.common.config.provider.EnvVarConfigProvider"},
	}
	for _, c := range cases {
		p, err := r.Lookup(c.name, c.kinds...)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if p.Class != c.class {
			t.Errorf("%s: found %s, want %s", c.name, p.Class, c.class)
		}
		if p.New() == nil {
			t.Errorf("%s: factory returned nil", c.name)
		}
	}
	if _, err := r.Lookup("NoSuchConnector", plugin.Sink, plugin.Source); err == nil {
		t.Error("unknown connector found")
	}
	// Every plugin's instance has the type its kind promises.
	for _, p := range r.List(plugin.Sink, plugin.Source, plugin.Converter, plugin.HeaderConverter, plugin.ConfigProvider, plugin.Transformation, plugin.Predicate) {
		var ok bool
		switch p.Kind {
		case plugin.Sink:
			_, ok = p.NewSinkConnector()
		case plugin.Source:
			_, ok = p.NewSourceConnector()
		case plugin.Converter:
			_, ok = p.NewConverter()
		case plugin.HeaderConverter:
			_, ok = p.NewHeaderConverter()
		case plugin.ConfigProvider:
			_, ok = p.NewConfigProvider()
		case plugin.Transformation:
			_, ok = p.NewTransformation()
		case plugin.Predicate:
			_, ok = p.NewPredicate()
		}
		if !ok {
			t.Errorf("%s (%s): instance has the wrong type", p.Class, p.Kind)
		}
	}
}
