package predicates_test

import (
	"encoding/json"

	"github.com/kafka-connect-go/connect/connector/connectortest/oracle"
)

// The case table behind testdata/oracle/predicates.requests.jsonl. Rewrite
// the request file with `go test -run TestWriteRequests -write-requests`,
// then run it through the Java oracle (testdata/README.md).

type cases struct{ reqs []oracle.Request }

func cfg(kv ...string) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func (c *cases) conf(class, name string, config map[string]any) {
	c.reqs = append(c.reqs, oracle.Request{ID: class + ":" + name, Op: "predicate",
		Fields: map[string]any{"class": class, "config": config, "configOnly": true}})
}

// test adds a case testing a record: topic, value (schema and value as
// raw JSON, "" for null) and headers (raw JSON, "" for none).
func (c *cases) test(class, name string, config map[string]any, record map[string]any) {
	c.reqs = append(c.reqs, oracle.Request{ID: class + ":" + name, Op: "predicate",
		Fields: map[string]any{"class": class, "config": config, "record": record}})
}

func rec(topic, schema, value, headers string) map[string]any {
	m := map[string]any{"type": "sink", "topic": topic, "partition": 0, "kafkaOffset": 1}
	if schema != "" || value != "" {
		m["valueConnect"] = map[string]any{"schema": raw(schema), "value": raw(value)}
	}
	if headers != "" {
		m["headers"] = raw(headers)
	}
	return m
}

func raw(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

func headers(keys ...string) string {
	out := "["
	for i, k := range keys {
		if i > 0 {
			out += ","
		}
		out += `{"key":"` + k + `","schema":{"type":"string"},"value":{"string":"v"}}`
	}
	return out + "]"
}

func goldenRequests() []oracle.Request {
	var c cases
	const topic, header, tomb = "TopicNameMatches", "HasHeaderKey", "RecordIsTombstone"
	c.conf(topic, "missing", cfg())
	c.conf(topic, "empty", cfg("pattern", ""))
	c.conf(topic, "blank", cfg("pattern", "  "))
	c.conf(topic, "invalid-star", cfg("pattern", "*"))
	c.conf(topic, "invalid-group", cfg("pattern", "(a"))
	c.conf(topic, "ok", cfg("pattern", "my-prefix-.*"))
	c.test(topic, "lookahead", cfg("pattern", "a(?=b).*"), rec("ab", "", `{"a":1}`, ""))
	for _, x := range []struct {
		name, pattern, topic string
	}{
		{"prefix-bare", "my-prefix-.*", "my-prefix-"}, {"prefix-more", "my-prefix-.*", "my-prefix-foo"},
		{"prefix-not-at-start", "my-prefix-.*", "x-my-prefix-foo"}, {"other", "my-prefix-.*", "your-prefix-"},
		{"partial", "log", "logs"}, {"whole", "logs", "logs"}, {"alternation", "a|ab", "ab"},
		{"dots", `logs\..*`, "logs.app"}, {"unescaped-dot", "logs.app", "logsXapp"}, {"trimmed", "  logs  ", "logs"},
		{"case", "Logs", "logs"}, {"class", "[a-z]+-[0-9]{3}", "abc-123"},
	} {
		c.test(topic, x.name, cfg("pattern", x.pattern), rec(x.topic, "", `{"a":1}`, ""))
	}

	c.conf(header, "missing", cfg())
	c.conf(header, "empty", cfg("name", ""))
	c.conf(header, "ok", cfg("name", "foo"))
	for _, x := range []struct {
		name string
		hs   []string
	}{
		{"one", []string{"foo"}}, {"first", []string{"foo", "bar"}}, {"repeated", []string{"bar", "foo", "bar", "foo"}},
		{"absent", []string{"bar"}}, {"none", nil}, {"case", []string{"FOO"}},
	} {
		hs := ""
		if x.hs != nil {
			hs = headers(x.hs...)
		}
		c.test(header, x.name, cfg("name", "foo"), rec("t", "", `{"a":1}`, hs))
	}
	c.test(header, "tombstone", cfg("name", "foo"), rec("t", "", "", headers("foo")))

	c.conf(tomb, "none", cfg())
	c.conf(tomb, "ignored-key", cfg("x", "1"))
	c.test(tomb, "value", cfg(), rec("t", "", `{"a":1}`, ""))
	c.test(tomb, "null", cfg(), rec("t", "", "", ""))
	c.test(tomb, "null-with-schema", cfg(), rec("t", `{"type":"string","optional":true}`, "", ""))
	c.test(tomb, "empty-string", cfg(), rec("t", "", `""`, ""))
	key := rec("t", "", "", "")
	key["keyConnect"] = map[string]any{"schema": nil, "value": "k"}
	c.test(tomb, "null-value-with-key", cfg(), key)
	src := rec("t", "", "", "")
	src["type"] = "source"
	delete(src, "kafkaOffset")
	src["partition"] = nil
	c.test(tomb, "source", cfg(), src)
	return c.reqs
}
