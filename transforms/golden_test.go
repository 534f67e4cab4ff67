package transforms_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/connectortest/oracle"
	"github.com/kafka-connect-go/connect/connector/data"
	"github.com/kafka-connect-go/connect/transforms"
)

// The golden tests run our transforms on the requests of
// testdata/oracle/*.requests.jsonl and compare with what Kafka's own Java
// classes answered (*.responses.jsonl); testdata/README.md says how the
// files are made.

var writeRequests = flag.Bool("write-requests", false, "rewrite testdata/oracle/*.requests.jsonl from the case tables")

func requestPath(name string) string {
	return filepath.Join("testdata", "oracle", name+".requests.jsonl")
}
func responsePath(name string) string {
	return filepath.Join("testdata", "oracle", name+".responses.jsonl")
}

func TestWriteRequests(t *testing.T) {
	if !*writeRequests {
		t.Skip("run with -write-requests to rewrite the request files")
	}
	if err := os.MkdirAll(filepath.Join("testdata", "oracle"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, reqs := range goldenRequests() {
		if err := oracle.WriteRequests(requestPath(name), reqs); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGoldenRequestsUpToDate fails when the case tables changed but the
// request files (and so the Java responses) were not regenerated.
func TestGoldenRequestsUpToDate(t *testing.T) {
	for name, want := range goldenRequests() {
		var buf bytes.Buffer
		for _, r := range want {
			b, err := r.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			buf.Write(b)
			buf.WriteByte('\n')
		}
		got, err := os.ReadFile(requestPath(name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, buf.Bytes()) {
			t.Errorf("%s differs from the case tables: rerun with -write-requests and regenerate the responses (testdata/README.md)", requestPath(name))
		}
	}
}

// messageDiffs are cases where we fail as Java does but with another
// message, by case id, with the reason.
var messageDiffs = map[string]string{
	"Flatten$Value:schemaless-int-keys":                    "Kafka fails with a ClassCastException's text; we say field names must be strings",
	"ReplaceField$Value:schemaless-int-keys-exclude":       "Kafka fails with a ClassCastException's text; we say field names must be strings",
	"HeaderFrom$Value:schema-missing-field":                "Kafka fails with a NullPointerException's text; we name the field and the header",
	"InsertField$Value:static-without-value":               "Kafka prints an internal object's identity (InsertField$InsertionSpec@56aac163); we print the field name",
	"RegexRouter:invalid-group":                            "the regular expression compiler's own message (Go's, not java.util.regex's)",
	"RegexRouter:invalid-star":                             "the regular expression compiler's own message (Go's, not java.util.regex's)",
	"TimestampConverter$Value:schemaless-string-no-format": "Kafka fails with a NullPointerException's text; we say the format option is needed",
	"TimestampRouter:no-timestamp-source": "transforms do not see a source record's source partition and offset, so the " +
		"SourceRecord{...} part of Kafka's record text is left out",
}

// outcomeDiffs are cases whose outcome differs from Java's on purpose, by
// case id, with the reason; plain tests pin what we do instead.
var outcomeDiffs = map[string]string{
	"ExtractField$Value:empty-v2": "an empty V2 path cannot name a field: Kafka accepts it and fails on every record " +
		"with an index error, we refuse it when configuring (TestExtractFieldEmptyV2Path)",
	"ReplaceField$Value:schemaless-blacklist": "Kafka 4.0 ignores the 3.x keys blacklist and whitelist and keeps every " +
		"field; we still read them as exclude and include, as 3.x did (TestReplaceFieldDeprecatedKeys)",
	"ReplaceField$Value:schemaless-whitelist": "see ReplaceField$Value:schemaless-blacklist",
	"ReplaceField$Value:schema-blacklist":     "see ReplaceField$Value:schemaless-blacklist",
	"RegexRouter:lookahead": "Go's RE2 has no look-around or back-references: we refuse such expressions, " +
		"Java accepts them (TestRegexRouterJavaOnlySyntax)",
	"RegexRouter:backreference": "see RegexRouter:lookahead",
	"TimestampConverter$Value:parse-zone-name": "the z letter reads UTC, GMT and numeric offsets only; Kafka's " +
		"SimpleDateFormat also knows every zone name of the JDK's locale data (TestParseZoneNames)",
	"TimestampRouter:bad-format-config": "Kafka reads timestamp.format only when the first record comes and then " +
		"fails every record; we refuse a bad pattern when configuring (TestTimestampRouterBadPattern)",
	"TimestampRouter:bad-format": "see TimestampRouter:bad-format-config",
}

func TestGolden(t *testing.T) {
	names := make([]string, 0, len(goldenRequests()))
	for name := range goldenRequests() {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			pairs, err := oracle.Pairs(requestPath(name), responsePath(name))
			if err != nil {
				t.Fatal(err)
			}
			var stats goldenStats
			for _, p := range pairs {
				t.Run(p.Request.ID, func(t *testing.T) { runSMTCase(t, p, &stats) })
			}
			t.Logf("golden cases %s: %d (%d config-only, %d records, %d Java failures, %d message differences, %d outcome differences)",
				name, len(pairs), stats.configOnly, stats.records, stats.failures, stats.messageDiffs, stats.outcomeDiffs)
		})
	}
}

type goldenStats struct {
	configOnly, records, failures, messageDiffs, outcomeDiffs int
}

// class finds a transform by the request's class (full or relative name).
func class(name string) (transforms.Class, bool) {
	if !strings.Contains(name, ".") {
		name = transforms.Package + name
	}
	for _, c := range transforms.Classes() {
		if c.Name == name {
			return c, true
		}
	}
	return transforms.Class{}, false
}

func runSMTCase(t *testing.T, p oracle.Pair, stats *goldenStats) {
	req, resp := p.Request, p.Response
	if reason, ok := outcomeDiffs[req.ID]; ok {
		stats.outcomeDiffs++
		t.Skipf("outcome differs from Java on purpose: %s", reason)
	}
	var className string
	if err := json.Unmarshal(req.Raw("class"), &className); err != nil {
		t.Fatal(err)
	}
	c, ok := class(className)
	if !ok {
		t.Fatalf("no transform %s", className)
	}
	props, err := req.Config("config")
	if err != nil {
		t.Fatal(err)
	}
	if !resp.OK {
		stats.failures++
	}
	if _, ok := messageDiffs[req.ID]; ok {
		stats.messageDiffs++
	}
	if string(req.Raw("configOnly")) == "true" {
		stats.configOnly++
		checkValidation(t, req.ID, c.Config(), props, resp)
		err := c.New().Configure(props)
		checkOutcome(t, req.ID, "configure", err, resp)
		return
	}
	stats.records++
	tr := c.New()
	if err := tr.Configure(props); err != nil {
		checkOutcome(t, req.ID, "configure", err, resp)
		return
	}
	defer tr.Close()
	// Twice: as a source connector's record, whose value the
	// transformation must copy before changing it, and as a sink record
	// fresh from the converter, whose value it may change in place; the
	// outcome is Java's either way, and a failure leaves the record as it
	// was.
	for _, owned := range []bool{false, true} {
		in, err := requestRecord(req)
		if err != nil {
			t.Fatal(err)
		}
		in.OwnsValue = owned
		before := snapshot(in)
		out, err := tr.Apply(in)
		if after := snapshot(in); after != before && (!owned || err != nil) {
			t.Errorf("Apply (owned value %v, error %v) modified its input record:\nbefore %s\nafter  %s", owned, err, before, after)
		}
		if err != nil || !resp.OK {
			checkOutcome(t, req.ID, "apply", err, resp)
			continue
		}
		want, err := responseRecord(resp.Fields["record"])
		if err != nil {
			t.Fatal(err)
		}
		if diff := compareRecords(out, want); diff != "" {
			t.Errorf("record (owned value %v) differs from Java's: %s", owned, diff)
		}
	}
}

// checkOutcome compares a failure (or success) of ours with Java's.
func checkOutcome(t *testing.T, id, stage string, err error, resp oracle.Response) {
	t.Helper()
	switch {
	case err == nil && resp.OK:
		return
	case err == nil:
		t.Errorf("we succeeded; Java failed at %s: %s: %s", resp.Error.Stage, resp.Error.Class, resp.Error.Message)
		return
	case resp.OK:
		t.Errorf("we failed at %s: %v; Java succeeded", stage, err)
		return
	}
	if reason, ok := messageDiffs[id]; ok {
		t.Logf("message differs on purpose (%s): ours %q, Java's %q", reason, err.Error(), resp.Error.Message)
		return
	}
	want := resp.Error.Stage
	if want == "validate" {
		want = "configure"
	}
	if stage != want {
		t.Errorf("we failed at %s, Java at %s (%s: %s)", stage, resp.Error.Stage, resp.Error.Class, resp.Error.Message)
	}
	if got, exp := normalize(err.Error()), normalize(resp.Error.Message); got != exp {
		t.Errorf("message differs:\nours %q\nJava %q (%s)", err.Error(), resp.Error.Message, resp.Error.Class)
	}
}

// normalize hides the Java classes our values cannot tell apart: Kafka's
// inputs here are LinkedHashMaps, ours are Go maps that report HashMap.
func normalize(s string) string {
	return strings.ReplaceAll(s, "java.util.LinkedHashMap", "java.util.HashMap")
}

// checkValidation compares ConfigDef.Validate with Java's config().validate.
func checkValidation(t *testing.T, id string, def *configdef.ConfigDef, props map[string]string, resp oracle.Response) {
	t.Helper()
	want := map[string][]string{}
	if raw, ok := resp.Fields["validation"]; ok {
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
	} else if resp.Error != nil && resp.Error.Stage == "validate" {
		return // Java's validate itself threw; checkOutcome compares the failure
	}
	got := map[string][]string{}
	for _, v := range def.Validate(props) {
		if len(v.Errors) > 0 {
			got[v.Name] = v.Errors
		}
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if normalize(string(gj)) != normalize(string(wj)) {
		if reason, ok := messageDiffs[id]; ok {
			t.Logf("validation differs on purpose (%s): ours %s, Java's %s", reason, gj, wj)
			return
		}
		t.Errorf("validation differs:\nours %s\nJava %s", gj, wj)
	}
}

// The oracle's record description.
type recordJSON struct {
	Type          string          `json:"type"`
	Topic         *string         `json:"topic"`
	Partition     *int32          `json:"partition"`
	KafkaOffset   *int64          `json:"kafkaOffset"`
	Timestamp     *int64          `json:"timestamp"`
	TimestampType *string         `json:"timestampType"`
	KeyConnect    *partJSON       `json:"keyConnect"`
	ValueConnect  *partJSON       `json:"valueConnect"`
	Key           *partJSON       `json:"key"`
	Value         *partJSON       `json:"value"`
	Headers       []headerJSON    `json:"headers"`
	Raw           json.RawMessage `json:"-"`
}

type partJSON struct {
	Schema json.RawMessage `json:"schema"`
	Value  json.RawMessage `json:"value"`
}

type headerJSON struct {
	Key    string          `json:"key"`
	Schema json.RawMessage `json:"schema"`
	Value  json.RawMessage `json:"value"`
}

func decodePart(p *partJSON) (*data.Schema, any, error) {
	if p == nil {
		return nil, nil, nil
	}
	s, err := oracle.DecodeSchema(p.Schema)
	if err != nil {
		return nil, nil, err
	}
	v, err := oracle.DecodeValue(p.Value, s)
	return s, v, err
}

func decodeHeaders(hs []headerJSON) (connector.Headers, error) {
	var out connector.Headers
	for _, h := range hs {
		s, err := oracle.DecodeSchema(h.Schema)
		if err != nil {
			return nil, fmt.Errorf("header %s: %w", h.Key, err)
		}
		v, err := oracle.DecodeValue(h.Value, s)
		if err != nil {
			return nil, fmt.Errorf("header %s: %w", h.Key, err)
		}
		out = append(out, connector.Header{Key: h.Key, Schema: s, Value: v})
	}
	return out, nil
}

// requestRecord builds the record a request describes, with the oracle's
// defaults (topic "topic", sink, partition 0, offset 0).
func requestRecord(req oracle.Request) (*connector.Record, error) {
	var rj recordJSON
	if err := json.Unmarshal(req.Raw("record"), &rj); err != nil {
		return nil, err
	}
	r := &connector.Record{Topic: "topic", KafkaOffset: 0}
	if rj.Topic != nil {
		r.Topic = *rj.Topic
	}
	if rj.Type == "source" {
		r.KafkaOffset, r.Partition = connector.NoOffset, connector.NoPartition
		if rj.Partition != nil {
			r.Partition = *rj.Partition
		}
	} else {
		if rj.Partition != nil {
			r.Partition = *rj.Partition
		}
		if rj.KafkaOffset != nil {
			r.KafkaOffset = *rj.KafkaOffset
		}
	}
	if rj.Timestamp != nil {
		r.Timestamp, r.TimestampType = *rj.Timestamp, connector.CreateTime
		if rj.TimestampType != nil && *rj.TimestampType == "LogAppendTime" {
			r.TimestampType = connector.LogAppendTime
		}
	}
	var err error
	if r.KeySchema, r.Key, err = decodePart(rj.KeyConnect); err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	if r.ValueSchema, r.Value, err = decodePart(rj.ValueConnect); err != nil {
		return nil, fmt.Errorf("value: %w", err)
	}
	if r.Headers, err = decodeHeaders(rj.Headers); err != nil {
		return nil, err
	}
	return r, nil
}

// responseRecord reads the record Java returned; nil when it dropped it.
func responseRecord(raw json.RawMessage) (*connector.Record, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var rj recordJSON
	if err := json.Unmarshal(raw, &rj); err != nil {
		return nil, err
	}
	r := &connector.Record{Topic: *rj.Topic, Partition: connector.NoPartition, KafkaOffset: connector.NoOffset}
	if rj.Partition != nil {
		r.Partition = *rj.Partition
	}
	if rj.Type == "sink" {
		r.KafkaOffset = *rj.KafkaOffset
	}
	if rj.Timestamp != nil {
		r.Timestamp, r.TimestampType = *rj.Timestamp, connector.CreateTime
	}
	if rj.TimestampType != nil {
		switch *rj.TimestampType {
		case "LogAppendTime":
			r.TimestampType = connector.LogAppendTime
		case "NoTimestampType":
			r.TimestampType = connector.NoTimestampType
		}
	}
	var err error
	if r.KeySchema, r.Key, err = decodePart(rj.Key); err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	if r.ValueSchema, r.Value, err = decodePart(rj.Value); err != nil {
		return nil, fmt.Errorf("value: %w", err)
	}
	if r.Headers, err = decodeHeaders(rj.Headers); err != nil {
		return nil, err
	}
	return r, nil
}

// compareRecords describes how got differs from want ("" when equal).
func compareRecords(got, want *connector.Record) string {
	switch {
	case got == nil && want == nil:
		return ""
	case got == nil:
		return "we dropped the record, Java kept it"
	case want == nil:
		return "we kept the record, Java dropped it"
	}
	var diffs []string
	add := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	if got.Topic != want.Topic {
		add("topic %q, Java %q", got.Topic, want.Topic)
	}
	if got.Partition != want.Partition {
		add("partition %d, Java %d", got.Partition, want.Partition)
	}
	if got.KafkaOffset != want.KafkaOffset {
		add("offset %d, Java %d", got.KafkaOffset, want.KafkaOffset)
	}
	if got.HasTimestamp() != want.HasTimestamp() || got.HasTimestamp() && got.Timestamp != want.Timestamp {
		add("timestamp %d (%s), Java %d (%s)", got.Timestamp, got.TimestampType, want.Timestamp, want.TimestampType)
	}
	if got.IsSink() && got.TimestampType != want.TimestampType {
		add("timestamp type %s, Java %s", got.TimestampType, want.TimestampType)
	}
	if !data.Equal(got.KeySchema, want.KeySchema) {
		add("key schema %s, Java %s", describeSchema(got.KeySchema), describeSchema(want.KeySchema))
	}
	if !valuesEqual(got.Key, want.Key) {
		add("key %s, Java %s", describeValue(got.Key, got.KeySchema), describeValue(want.Key, want.KeySchema))
	}
	if !data.Equal(got.ValueSchema, want.ValueSchema) {
		add("value schema %s, Java %s", describeSchema(got.ValueSchema), describeSchema(want.ValueSchema))
	}
	if !valuesEqual(got.Value, want.Value) {
		add("value %s, Java %s", describeValue(got.Value, got.ValueSchema), describeValue(want.Value, want.ValueSchema))
	}
	if len(got.Headers) != len(want.Headers) {
		add("%d headers, Java %d", len(got.Headers), len(want.Headers))
	} else {
		for i := range got.Headers {
			g, w := got.Headers[i], want.Headers[i]
			if g.Key != w.Key || !data.Equal(g.Schema, w.Schema) || !valuesEqual(g.Value, w.Value) {
				add("header %d: %s %s %s, Java %s %s %s", i, g.Key, describeSchema(g.Schema), describeValue(g.Value, g.Schema),
					w.Key, describeSchema(w.Schema), describeValue(w.Value, w.Schema))
			}
		}
	}
	return strings.Join(diffs, "; ")
}

// valuesEqual is data.ValuesEqual, except that NaN equals NaN (the typed
// form prints both the same way).
func valuesEqual(a, b any) bool {
	return data.ValuesEqual(a, b) || describeValue(a, nil) == describeValue(b, nil)
}

func describeSchema(s *data.Schema) string {
	b, _ := json.Marshal(oracle.EncodeSchema(s))
	return string(b)
}

func describeValue(v any, s *data.Schema) string {
	b, _ := json.Marshal(oracle.EncodeValue(v, s))
	return string(b)
}

// snapshot renders a record fully, to catch a transform that changes its input.
func snapshot(r *connector.Record) string {
	hs := make([]string, len(r.Headers))
	for i, h := range r.Headers {
		hs[i] = h.Key + "=" + describeSchema(h.Schema) + describeValue(h.Value, h.Schema)
	}
	return fmt.Sprintf("%s/%d/%d/%d/%s key %s %s value %s %s headers %s", r.Topic, r.Partition, r.KafkaOffset, r.Timestamp,
		r.TimestampType, describeSchema(r.KeySchema), describeValue(r.Key, r.KeySchema),
		describeSchema(r.ValueSchema), describeValue(r.Value, r.ValueSchema), strings.Join(hs, ","))
}
