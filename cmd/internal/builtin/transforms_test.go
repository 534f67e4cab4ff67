package builtin

import (
	"slices"
	"strings"
	"testing"

	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/worker"
)

// The names users write in transforms.<alias>.type and
// predicates.<alias>.type resolve as in Java: full class names always,
// simple names only when unambiguous, so the nested $Key/$Value classes
// (simple names Key and Value) only by their full names.
func TestTransformAndPredicateNames(t *testing.T) {
	r := Registry(nil)
	const tp, pp = "org.apache.kafka.connect.transforms.", "org.apache.kafka.connect.transforms.predicates."
	found := map[string]struct {
		kind  plugin.Kind
		class string
	}{
		"RegexRouter": {plugin.Transformation, tp + "RegexRouter"}, "Filter": {plugin.Transformation, tp + "Filter"},
		"InsertHeader": {plugin.Transformation, tp + "InsertHeader"}, "DropHeaders": {plugin.Transformation, tp + "DropHeaders"},
		"TimestampRouter": {plugin.Transformation, tp + "TimestampRouter"}, "ValueToKey": {plugin.Transformation, tp + "ValueToKey"},
		tp + "Cast$Value": {plugin.Transformation, tp + "Cast$Value"}, tp + "InsertField$Key": {plugin.Transformation, tp + "InsertField$Key"},
		" " + tp + "ReplaceField$Value ": {plugin.Transformation, tp + "ReplaceField$Value"},
		"TopicNameMatches":               {plugin.Predicate, pp + "TopicNameMatches"},
		"HasHeaderKey":                   {plugin.Predicate, pp + "HasHeaderKey"},
		"RecordIsTombstone":              {plugin.Predicate, pp + "RecordIsTombstone"},
		pp + "HasHeaderKey":              {plugin.Predicate, pp + "HasHeaderKey"},
	}
	for name, want := range found {
		p, err := r.Lookup(name, want.kind)
		if err != nil {
			t.Errorf("%q: %v", name, err)
			continue
		}
		if p.Class != want.class {
			t.Errorf("%q: found %s, want %s", name, p.Class, want.class)
		}
	}
	for _, name := range []string{"Cast$Value", "Value", "Key", "InsertField", tp + "Flatten", "TopicNameMatchesPredicate", "RegexRouterTransformation"} {
		if p, err := r.Lookup(name, plugin.Transformation, plugin.Predicate); err == nil {
			t.Errorf("%q resolved to %s; Java does not resolve it", name, p.Class)
		}
	}
	var transforms, predicates int
	for _, p := range r.List(plugin.Transformation, plugin.Predicate) {
		if p.Kind == plugin.Transformation {
			transforms++
		} else {
			predicates++
		}
	}
	if transforms != 26 || predicates != 3 {
		t.Errorf("%d transformations and %d predicates, want Kafka's 26 and 3", transforms, predicates)
	}
}

// Validating a connector config checks each configured transformation and
// predicate with its own ConfigDef, under its alias, with Java's messages
// (smt-converters.md §1.2).
func TestValidateTransformConfigs(t *testing.T) {
	r := Registry(nil)
	base := func(kv ...string) map[string]string {
		props := map[string]string{"name": "c", "connector.class": "FileStreamSink", "topics": "logs"}
		for i := 0; i+1 < len(kv); i += 2 {
			props[kv[i]] = kv[i+1]
		}
		return props
	}
	cases := []struct {
		name  string
		props map[string]string
		want  map[string][]string // key -> messages; nil: no errors at all
	}{
		{"valid chain with short names", base(
			"transforms", "route,drop,insert",
			"transforms.route.type", "RegexRouter", "transforms.route.regex", "(.*)", "transforms.route.replacement", "$1-x",
			"transforms.drop.type", "Filter", "transforms.drop.predicate", "tomb", "transforms.drop.negate", "false",
			"transforms.insert.type", "org.apache.kafka.connect.transforms.InsertField$Value",
			"transforms.insert.static.field", "f", "transforms.insert.static.value", "v",
			"transforms.insert.feild", "typos are ignored",
			"predicates", "tomb", "predicates.tomb.type", "RecordIsTombstone"), nil},
		{"unknown class", base("transforms", "x", "transforms.x.type", "NoSuchTransform"), map[string][]string{
			"transforms.x.type": {"Invalid value NoSuchTransform for configuration transforms.x.type: Class NoSuchTransform could not be found."}}},
		{"nested class by simple name", base("transforms", "x", "transforms.x.type", "Cast$Value"), map[string][]string{
			"transforms.x.type": {"Invalid value Cast$Value for configuration transforms.x.type: Class Cast$Value could not be found."}}},
		{"missing type", base("transforms", "x"), map[string][]string{
			"transforms.x.type": {`Missing required configuration "transforms.x.type" which has no default value.`}}},
		{"negate without predicate", base("transforms", "f", "transforms.f.type", "Filter", "transforms.f.negate", "true"), map[string][]string{
			"transforms.f.type": {"Config 'transforms.f.negate' was provided but there is no config 'transforms.f.predicate' defining a predicate to be negated."}}},
		{"own required key", base("transforms", "r", "transforms.r.type", "RegexRouter", "transforms.r.replacement", "x"), map[string][]string{
			"transforms.r.regex": {`Missing required configuration "transforms.r.regex" which has no default value.`,
				`Invalid value null for configuration regex: Invalid regex: Cannot invoke "String.isEmpty()" because "this.pattern" is null`}}},
		{"own validator", base("transforms", "d", "transforms.d.type", "DropHeaders", "transforms.d.headers", ""), map[string][]string{
			"transforms.d.headers": {"Invalid value [] for configuration headers: Empty list"}}},
		{"own custom message", base("transforms", "c", "transforms.c.type", "org.apache.kafka.connect.transforms.Cast$Value",
			"transforms.c.spec", ""), map[string][]string{
			"transforms.c.spec": {"Must specify at least one field to cast."}}},
		{"own enum", base("transforms", "h", "transforms.h.type", "org.apache.kafka.connect.transforms.HeaderFrom$Value",
			"transforms.h.fields", "a", "transforms.h.headers", "b", "transforms.h.operation", "MOVE"), map[string][]string{
			"transforms.h.operation": {"Invalid value MOVE for configuration operation: String must be one of: move, copy"}}},
		{"duplicate alias", base("transforms", "a,a", "transforms.a.type", "Filter"), map[string][]string{
			"transforms": {"Invalid value [a, a] for configuration transforms: Duplicate alias provided."}}},
		{"predicate not listed passes validation", base("transforms", "f", "transforms.f.type", "Filter",
			"transforms.f.predicate", "nowhere"), nil},
		{"unknown predicate class", base("predicates", "p", "predicates.p.type", "NoSuchPredicate"), map[string][]string{
			"predicates.p.type": {"Invalid value NoSuchPredicate for configuration predicates.p.type: Class NoSuchPredicate could not be found."}}},
		{"predicate's own key", base("predicates", "p", "predicates.p.type", "HasHeaderKey", "predicates.p.name", ""), map[string][]string{
			"predicates.p.name": {"Invalid value  for configuration name: String must be non-empty"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := worker.ValidateConnectorConfig(r, c.props)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for _, val := range v.Values {
				if len(val.Errors) > 0 {
					got[val.Name] = val.Errors
				} else {
					delete(got, val.Name)
				}
			}
			for key, msgs := range c.want {
				if !slices.Equal(got[key], msgs) {
					t.Errorf("%s: errors %q, want %q", key, got[key], msgs)
				}
			}
			for key, msgs := range got {
				if _, ok := c.want[key]; !ok {
					t.Errorf("unexpected errors on %s: %q", key, msgs)
				}
			}
			if strings.HasPrefix(c.name, "valid chain") {
				for _, key := range []string{"transforms.route.regex", "transforms.route.replacement", "transforms.drop.predicate",
					"transforms.insert.static.field", "transforms.insert.replace.null.with.default", "predicates.tomb.type"} {
					if !slices.ContainsFunc(v.Keys, func(k *configdef.Key) bool { return k.Name == key }) {
						t.Errorf("key %s is not described", key)
					}
				}
			}
		})
	}
}
