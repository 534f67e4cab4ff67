package main

import "testing"

// The worker's config (strings, with the name it adds) matches the
// connector file's, whose numbers and booleans are JSON's; any difference
// means an update.
func TestSameConfig(t *testing.T) {
	want := map[string]any{"connector.class": "ElasticsearchSinkConnector", "tasks.max": 1.0, "key.ignore": true}
	have := map[string]string{"name": "humio-sink", "connector.class": "ElasticsearchSinkConnector", "tasks.max": "1", "key.ignore": "true"}
	if !sameConfig(have, "humio-sink", want) {
		t.Error("the same config is taken for another")
	}
	for _, c := range []struct {
		key, value string
	}{{"tasks.max", "2"}, {"key.ignore", "false"}, {"extra", "x"}, {"name", "other"}} {
		changed := map[string]string{}
		for k, v := range have {
			changed[k] = v
		}
		changed[c.key] = c.value
		if sameConfig(changed, "humio-sink", want) {
			t.Errorf("%s=%s is taken for the same config", c.key, c.value)
		}
	}
	delete(have, "key.ignore")
	if sameConfig(have, "humio-sink", want) {
		t.Error("a missing key is taken for the same config")
	}
}
