package builtin

import (
	"slices"
	"testing"

	"github.com/kafka-connect-go/connect/worker"
)

// A transformation or predicate type that names something other than a
// concrete plugin of its kind gets Java's messages (smt-converters.md §1.2,
// gotcha 5): the bare outer class of $Key/$Value variants is abstract, and
// a class of another kind does not implement the interface.
func TestValidateTypeErrors(t *testing.T) {
	r := Registry(nil)
	const tp = "org.apache.kafka.connect.transforms."
	cases := []struct {
		name, key string
		props     map[string]string
		want      string
	}{
		{"abstract Cast", "transforms.c.type", map[string]string{"transforms": "c", "transforms.c.type": tp + "Cast", "transforms.c.spec": "a:int8"},
			"This class is abstract and cannot be created. Did you mean " + tp + "Cast$Key, " + tp + "Cast$Value?"},
		{"abstract InsertField", "transforms.i.type", map[string]string{"transforms": "i", "transforms.i.type": tp + "InsertField"},
			"This class is abstract and cannot be created. Did you mean " + tp + "InsertField$Key, " + tp + "InsertField$Value?"},
		{"predicate as transformation by alias", "transforms.p.type", map[string]string{"transforms": "p", "transforms.p.type": "HasHeaderKey"},
			"Class class " + tp + "predicates.HasHeaderKey does not implement the Transformation interface"},
		{"converter as transformation", "transforms.j.type", map[string]string{"transforms": "j", "transforms.j.type": "org.apache.kafka.connect.json.JsonConverter"},
			"Class class org.apache.kafka.connect.json.JsonConverter does not implement the Transformation interface"},
		{"transformation as predicate", "predicates.f.type", map[string]string{"predicates": "f", "predicates.f.type": tp + "Filter"},
			"Class class " + tp + "Filter does not implement the Predicate interface"},
		{"simple name of the abstract class is unknown", "transforms.c.type", map[string]string{"transforms": "c", "transforms.c.type": "Cast"},
			"Invalid value Cast for configuration transforms.c.type: Class Cast could not be found."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			props := map[string]string{"name": "c", "connector.class": "FileStreamSink", "topics": "logs"}
			for k, v := range c.props {
				props[k] = v
			}
			v, err := worker.ValidateConnectorConfig(r, props)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, val := range v.Values {
				if val.Name == c.key {
					got = val.Errors
				}
			}
			if !slices.Equal(got, []string{c.want}) {
				t.Errorf("%s: errors %q, want %q", c.key, got, c.want)
			}
			if n := v.ErrorCount(); n != 1 {
				t.Errorf("%d errors in all, want 1", n)
			}
		})
	}
}
