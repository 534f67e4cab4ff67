package worker_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/worker"
	"github.com/kafka-connect-go/connect/worker/herder"
)

func validate(t *testing.T, props map[string]string) (*worker.ConfigValidation, herder.ConfigInfos) {
	t.Helper()
	v, err := worker.ValidateConnectorConfig(testRegistry(t, newMemBackend()), props)
	if err != nil {
		t.Fatal(err)
	}
	parts := []herder.ConfigInfos{herder.ConfigInfosFrom(v.Class, v.Groups, v.Keys, v.Values)}
	for _, s := range v.Sections {
		parts = append(parts, herder.PrefixedConfigInfos(s.Prefix, s.Keys, s.Values))
	}
	infos := herder.MergeConfigInfos(v.Class, parts...)
	if infos.ErrorCount != v.ErrorCount() {
		t.Fatalf("ConfigInfos error_count %d, ConfigValidation.ErrorCount %d", infos.ErrorCount, v.ErrorCount())
	}
	return v, infos
}

func errorsOf(infos herder.ConfigInfos, name string) []string {
	for _, c := range infos.Configs {
		if c.Value != nil && c.Value.Name == name {
			return c.Value.Errors
		}
	}
	return nil
}

func entry(infos herder.ConfigInfos, name string) *herder.ConfigInfo {
	for i, c := range infos.Configs {
		if (c.Definition != nil && c.Definition.Name == name) || (c.Definition == nil && c.Value != nil && c.Value.Name == name) {
			return &infos.Configs[i]
		}
	}
	return nil
}

// The JSON of spec §1.6's example, byte for byte.
func TestValidateShapeMatchesJava(t *testing.T) {
	_, infos := validate(t, map[string]string{"connector.class": "FileStreamSink", "topics": "t"})
	if infos.Name != "FileStreamSink" {
		t.Fatalf("name %q", infos.Name)
	}
	if !slices.Equal(infos.Groups, []string{"Common", "Transforms", "Predicates", "Error Handling"}) {
		t.Fatalf("groups %v", infos.Groups)
	}
	if infos.ErrorCount != 1 {
		t.Fatalf("error_count %d: %+v", infos.ErrorCount, infos)
	}
	got, err := json.Marshal(entry(infos, "name"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"definition":{"name":"name","type":"STRING","required":true,"default_value":null,"importance":"HIGH",` +
		`"documentation":"Globally unique name to use for this connector.","group":"Common","order":1,` +
		`"width":"MEDIUM","display_name":"Connector name","dependents":[]},` +
		`"value":{"name":"name","value":null,"recommended_values":[],` +
		`"errors":["Missing required configuration \"name\" which has no default value."],"visible":true}}`
	if string(got) != want {
		t.Fatalf("name entry\n%s\nwant\n%s", got, want)
	}
	// The sink's own key comes after the framework's.
	if e := entry(infos, "file"); e == nil || e.Definition.Group != nil || e.Value == nil {
		t.Fatalf("file entry %+v", e)
	}
	tm := entry(infos, "tasks.max")
	if tm.Definition.DefaultValue == nil || *tm.Definition.DefaultValue != "1" || *tm.Value.Value != "1" {
		t.Fatalf("tasks.max %+v %+v", tm.Definition, tm.Value)
	}
}

func TestValidateSinkTopicRules(t *testing.T) {
	cases := []struct {
		props map[string]string
		key   string
		want  string
	}{
		{map[string]string{}, "topics", "Must configure one of topics or topics.regex"},
		{map[string]string{"topics": "a", "topics.regex": "a.*"}, "topics.regex", "topics and topics.regex are mutually exclusive options, but both are set."},
		{map[string]string{"topics": "a, dlq", "errors.deadletterqueue.topic.name": " dlq "}, "topics",
			"The DLQ topic 'dlq' may not be included in the list of topics ('topics=[a, dlq]') consumed by the connector"},
		{map[string]string{"topics.regex": "d.*", "errors.deadletterqueue.topic.name": "dlq"}, "topics.regex",
			"The DLQ topic 'dlq' may not be matched by the regex for the topics ('topics.regex=d.*') consumed by the connector"},
	}
	for _, c := range cases {
		c.props["connector.class"] = "MemSink"
		c.props["name"] = "n"
		_, infos := validate(t, c.props)
		if errs := errorsOf(infos, c.key); !slices.Contains(errs, c.want) {
			t.Errorf("%v: errors of %s = %q, want %q", c.props, c.key, errs, c.want)
		}
	}
}

func TestValidateTransformsAndPredicates(t *testing.T) {
	_, infos := validate(t, map[string]string{
		"connector.class": "MemSink", "name": "n", "topics": "t",
		"transforms":          "a, b, c, d, a",
		"transforms.a.type":   "test.Upper",
		"transforms.a.mode":   "zzz",
		"transforms.b.type":   "NoSuchTransform",
		"transforms.c.negate": "true",
		"transforms.d.type":   "test.Filter",
		"predicates":          "p",
		"predicates.p.type":   "test.ValueIs",
	})
	checks := map[string]string{
		"transforms":         "Invalid value [a, b, c, d, a] for configuration transforms: Duplicate alias provided.",
		"transforms.a.mode":  "Invalid value zzz for configuration mode: String must be one of: a, b",
		"transforms.b.type":  "Invalid value NoSuchTransform for configuration transforms.b.type: Class NoSuchTransform could not be found.",
		"transforms.c.type":  "Config 'transforms.c.negate' was provided but there is no config 'transforms.c.predicate' defining a predicate to be negated.",
		"predicates.p.value": `Missing required configuration "predicates.p.value" which has no default value.`,
	}
	for key, want := range checks {
		if errs := errorsOf(infos, key); !slices.Contains(errs, want) {
			t.Errorf("errors of %s = %q, want %q", key, errs, want)
		}
	}
	if errs := errorsOf(infos, "transforms.c.type"); !slices.Contains(errs, `Missing required configuration "transforms.c.type" which has no default value.`) {
		t.Errorf("transforms.c.type errors %q", errs)
	}
	a := entry(infos, "transforms.a.type")
	if a == nil || *a.Definition.Group != "Transforms: a" || a.Definition.DisplayName != "Transformation type for a" ||
		!slices.Contains(a.Value.RecommendedValues, "test.Upper") {
		t.Fatalf("transforms.a.type entry %+v %+v", a.Definition, a.Value)
	}
	// The embedded keys come in Java's documentation order: required first,
	// then by importance (the implicit predicate and negate are MEDIUM), then
	// by name.
	var names []string
	for _, c := range infos.Configs {
		if c.Definition != nil && strings.HasPrefix(c.Definition.Name, "transforms.a.") {
			names = append(names, c.Definition.Name)
		}
	}
	if want := []string{"transforms.a.type", "transforms.a.mode", "transforms.a.negate", "transforms.a.predicate", "transforms.a.suffix"}; !slices.Equal(names, want) {
		t.Fatalf("transform a keys %v, want %v", names, want)
	}
	if !slices.Contains(infos.Groups, "Transforms: a") || !slices.Contains(infos.Groups, "Predicates: p") {
		t.Fatalf("groups %v", infos.Groups)
	}
}

func TestValidateConverterSection(t *testing.T) {
	_, infos := validate(t, map[string]string{
		"connector.class": "MemSink", "name": "n", "topics": "t",
		"value.converter": "test.StringConverter", "value.converter.strict": "maybe",
		"key.converter": "NoSuchConverter",
	})
	if errs := errorsOf(infos, "value.converter.strict"); len(errs) != 1 || !strings.Contains(errs[0], "Expected value to be either true or false") {
		t.Fatalf("value.converter.strict errors %q", errs)
	}
	e := entry(infos, "value.converter.converter.type")
	if e == nil || *e.Value.Value != "value" {
		t.Fatalf("converter.type entry %+v", e)
	}
	if errs := errorsOf(infos, "key.converter"); !slices.Contains(errs, "Invalid value NoSuchConverter for configuration key.converter: Class NoSuchConverter could not be found.") {
		t.Fatalf("key.converter errors %q", errs)
	}
	if entry(infos, "key.converter.converter.type") != nil {
		t.Fatal("a converter that does not exist got a section")
	}
	// 1 message for key.converter + 1 key with errors in the value converter section.
	if infos.ErrorCount != 2 {
		t.Fatalf("error_count %d", infos.ErrorCount)
	}
}

func TestValidateNullValuesAndUnknownClass(t *testing.T) {
	reg := testRegistry(t, newMemBackend())
	if _, err := worker.ValidateConnectorConfig(reg, map[string]string{"name": "x"}); !errors.Is(err, worker.ErrNoConnectorClass) {
		t.Fatalf("no class: %v", err)
	}
	_, err := worker.ValidateConnectorConfig(reg, map[string]string{"connector.class": "Nope"})
	var unknown *plugin.UnknownPluginError
	if !errors.As(err, &unknown) {
		t.Fatalf("unknown class: %v", err)
	}
	v, err := worker.ValidateConnectorConfig(reg, map[string]string{"connector.class": "MemSink", "name": "n", "topics": "t"})
	if err != nil {
		t.Fatal(err)
	}
	v.AddError("some.null.key", "Null value can not be supplied as the configuration value.")
	infos := herder.ConfigInfosFrom(v.Class, v.Groups, v.Keys, v.Values)
	if infos.Configs[0].Definition != nil || infos.Configs[0].Value.Name != "some.null.key" || infos.ErrorCount != 1 {
		t.Fatalf("values without a definition come first: %+v", infos.Configs[0])
	}
	if e := entry(infos, "mem.required"); e == nil || e.Value == nil || *e.Value.Value != "x" {
		t.Fatalf("connector's own key %+v", e)
	}
}

// A create or update naming no connector.class is a 400; one naming an
// unknown class is the 500 Java answers (its plugin lookup throws a plain
// ConnectException), with Java's message first.
func TestCreateValidationErrorStatusKinds(t *testing.T) {
	reg := testRegistry(t, newMemBackend())
	props := map[string]string{"name": "x"}
	_, err := worker.ValidateConnectorConfig(reg, props)
	if got := worker.CreateValidationError(props, err); !errors.Is(got, herder.ErrBadRequest) ||
		got.Error() != "Connector config [name] contains no connector type" {
		t.Errorf("no class: %v", got)
	}
	props = map[string]string{"name": "x", "connector.class": "com.example.Nope"}
	_, err = worker.ValidateConnectorConfig(reg, props)
	got := worker.CreateValidationError(props, err)
	for _, kind := range []error{herder.ErrBadRequest, herder.ErrNotFound, herder.ErrConflict, herder.ErrAlreadyExists} {
		if errors.Is(got, kind) {
			t.Errorf("unknown class is %v, want no kind (500): %v", kind, got)
		}
	}
	var unknown *plugin.UnknownPluginError
	if !errors.As(got, &unknown) || !strings.HasPrefix(got.Error(), "Failed to find any class that implements Connector and which name matches com.example.Nope") {
		t.Errorf("unknown class: %v", got)
	}
}
