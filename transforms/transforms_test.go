package transforms_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
	"github.com/kafka-connect-go/connect/transforms"
)

// javaClasses is Kafka's service file
// (META-INF/services/org.apache.kafka.connect.transforms.Transformation).
var javaClasses = []string{
	"Cast$Key", "Cast$Value", "DropHeaders", "ExtractField$Key", "ExtractField$Value", "Filter",
	"Flatten$Key", "Flatten$Value", "HeaderFrom$Key", "HeaderFrom$Value", "HoistField$Key", "HoistField$Value",
	"InsertField$Key", "InsertField$Value", "InsertHeader", "MaskField$Key", "MaskField$Value", "RegexRouter",
	"ReplaceField$Key", "ReplaceField$Value", "SetSchemaMetadata$Key", "SetSchemaMetadata$Value",
	"TimestampConverter$Key", "TimestampConverter$Value", "TimestampRouter", "ValueToKey",
}

func TestClassesAreKafkas(t *testing.T) {
	var got []string
	for _, c := range transforms.Classes() {
		got = append(got, strings.TrimPrefix(c.Name, transforms.Package))
		if c.New == nil || c.Config == nil || c.Doc == "" {
			t.Errorf("%s: incomplete class description", c.Name)
		}
	}
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(javaClasses, " ") {
		t.Errorf("classes\n got %v\nwant %v", got, javaClasses)
	}
}

// TestConfigDefs pins each transform's keys against Kafka's ConfigDefs:
// name, type, default (as the REST API prints it, "<required>" when none)
// and importance, in definition order. The validators are pinned by the
// golden config cases.
func TestConfigDefs(t *testing.T) {
	rn := "replace.null.with.default BOOLEAN true MEDIUM"
	want := map[string][]string{
		"Cast":        {"spec LIST <required> HIGH", rn},
		"DropHeaders": {"headers LIST <required> HIGH"},
		"ExtractField": {"field STRING <required> MEDIUM", rn,
			"field.syntax.version STRING V1 HIGH"},
		"Filter":  nil,
		"Flatten": {"delimiter STRING . MEDIUM"},
		"HeaderFrom": {"fields LIST <required> HIGH", "headers LIST <required> HIGH",
			"operation STRING <required> HIGH", rn},
		"HoistField": {"field STRING <required> MEDIUM"},
		"InsertField": {"topic.field STRING <null> MEDIUM", "partition.field STRING <null> MEDIUM",
			"offset.field STRING <null> MEDIUM", "timestamp.field STRING <null> MEDIUM",
			"static.field STRING <null> MEDIUM", "static.value STRING <null> MEDIUM", rn},
		"InsertHeader": {"header STRING <required> HIGH", "value.literal STRING <required> HIGH"},
		"MaskField":    {"fields LIST <required> HIGH", "replacement STRING <null> LOW", rn},
		"RegexRouter":  {"regex STRING <required> HIGH", "replacement STRING <required> HIGH"},
		// blacklist and whitelist are Kafka 3.x's (see ReplaceField.Configure).
		"ReplaceField": {"exclude LIST  MEDIUM", "blacklist LIST <null> LOW", "include LIST  MEDIUM",
			"whitelist LIST <null> LOW", "renames LIST  MEDIUM", rn},
		"SetSchemaMetadata": {"schema.name STRING <null> HIGH", "schema.version INT <null> HIGH", rn},
		"TimestampConverter": {"field STRING  HIGH", "target.type STRING <required> HIGH", "format STRING  MEDIUM",
			"unix.precision STRING milliseconds LOW", rn},
		"TimestampRouter": {"topic.format STRING ${topic}-${timestamp} HIGH", "timestamp.format STRING yyyyMMdd HIGH"},
		"ValueToKey":      {"fields LIST <required> HIGH", rn},
	}
	for _, c := range transforms.Classes() {
		base := strings.TrimPrefix(c.Name, transforms.Package)
		base, _, _ = strings.Cut(base, "$")
		var got []string
		for _, k := range c.Config().Keys() {
			def := "<required>"
			if !k.Required() {
				s, ok := k.DefaultString()
				if !ok {
					s = "<null>"
				}
				def = s
			}
			if k.Doc == "" {
				t.Errorf("%s: key %s has no documentation", c.Name, k.Name)
			}
			got = append(got, fmt.Sprintf("%s %s %s %s", k.Name, k.Type, def, k.Importance))
		}
		if fmt.Sprint(got) != fmt.Sprint(want[base]) {
			t.Errorf("%s keys\n got %q\nwant %q", c.Name, got, want[base])
		}
	}
}

func newTransform(t *testing.T, class string, props map[string]string) connector.Transformation {
	t.Helper()
	for _, c := range transforms.Classes() {
		if c.Name == transforms.Package+class {
			tr := c.New()
			if err := tr.Configure(props); err != nil {
				t.Fatalf("configure %s: %v", class, err)
			}
			return tr
		}
	}
	t.Fatalf("no class %s", class)
	return nil
}

func sinkRecord(schema *data.Schema, value any) *connector.Record {
	return &connector.Record{Topic: "logs", Partition: 3, KafkaOffset: 1042, Timestamp: 1483425001864,
		TimestampType: connector.CreateTime, ValueSchema: schema, Value: value}
}

// Kafka accepts an empty V2 path and then fails on every record with an
// index error; an empty path names no field, so we refuse it up front.
func TestExtractFieldEmptyV2Path(t *testing.T) {
	tr := transforms.NewExtractField(transforms.OnValue)
	err := tr.Configure(map[string]string{"field": "", "field.syntax.version": "V2"})
	var ce *configdef.Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "configuration field") {
		t.Fatalf("configure: %v, want a configuration error naming field", err)
	}
	// V1 reads "" as the field named "".
	v1 := newTransform(t, "ExtractField$Value", map[string]string{"field": ""})
	out, err := v1.Apply(sinkRecord(nil, map[string]any{"": int64(7)}))
	if err != nil || out.Value != int64(7) {
		t.Fatalf("V1 empty name: %v %v", out, err)
	}
}

// Kafka 4.0 silently ignores ReplaceField's 3.x keys blacklist and
// whitelist (a config written for 3.x then keeps every field); we keep
// reading them as exclude and include, the new key winning when both are
// set, as in 3.x.
func TestReplaceFieldDeprecatedKeys(t *testing.T) {
	value := map[string]any{"dont": "x", "abc": int64(42), "foo": true}
	for _, c := range []struct {
		name  string
		props map[string]string
		want  []string
	}{
		{"blacklist", map[string]string{"blacklist": "dont"}, []string{"abc", "foo"}},
		{"whitelist", map[string]string{"whitelist": "abc"}, []string{"abc"}},
		{"exclude wins", map[string]string{"exclude": "abc", "blacklist": "dont"}, []string{"dont", "foo"}},
		{"include wins", map[string]string{"include": "foo", "whitelist": "abc"}, []string{"foo"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := newTransform(t, "ReplaceField$Value", c.props)
			out, err := tr.Apply(sinkRecord(nil, value))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for k := range out.Value.(map[string]any) {
				got = append(got, k)
			}
			sort.Strings(got)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("fields %v, want %v", got, c.want)
			}
		})
	}
	s := data.StructBuilder().Field("dont", data.StringSchema).Field("abc", data.Int32Schema).MustBuild()
	st := data.NewStruct(s)
	_ = st.Put("dont", "x")
	_ = st.Put("abc", int32(1))
	out, err := newTransform(t, "ReplaceField$Value", map[string]string{"blacklist": "dont"}).Apply(sinkRecord(s, st))
	if err != nil {
		t.Fatal(err)
	}
	if f := out.ValueSchema.Fields(); len(f) != 1 || f[0].Name() != "abc" {
		t.Errorf("schema fields %v, want only abc", f)
	}
}

// Kafka reads timestamp.format only when the first record arrives, then
// fails on every record (or, with errors.tolerance=all, drops them all);
// we refuse the pattern when the task starts.
func TestTimestampRouterBadPattern(t *testing.T) {
	err := transforms.NewTimestampRouter().Configure(map[string]string{"timestamp.format": "yyyy qq"})
	want := "Invalid value yyyy qq for configuration timestamp.format: Illegal pattern character 'q'"
	if err == nil || err.Error() != want {
		t.Fatalf("configure: %v, want %q", err, want)
	}
}

// Go's RE2 has no look-around, back-references or possessive quantifiers;
// such an expression is refused with the compiler's message rather than
// matched differently.
func TestRegexRouterJavaOnlySyntax(t *testing.T) {
	for _, re := range []string{"a(?=b)", `(a)\1`, "a++", "(?<=x)y"} {
		err := transforms.NewRegexRouter().Configure(map[string]string{"regex": re, "replacement": "x"})
		if err == nil || !strings.HasPrefix(err.Error(), "Invalid value "+re+" for configuration regex: Invalid regex: ") {
			t.Errorf("%s: %v", re, err)
		}
	}
}

// The rewritten schema is computed once per input schema: equal schemas
// (as a converter without a schema cache makes) share one output schema,
// and the cache keeps at most Kafka's 16 entries in use order.
func TestSchemaCacheSharesRewrites(t *testing.T) {
	tr := newTransform(t, "InsertField$Value", map[string]string{"topic.field": "topic"})
	mk := func(name string) *data.Schema {
		return data.StructBuilder().Name(name).Field("a", data.Int32Schema).MustBuild()
	}
	apply := func(s *data.Schema) *data.Schema {
		st := data.NewStruct(s)
		if err := st.Put("a", int32(1)); err != nil {
			t.Fatal(err)
		}
		out, err := tr.Apply(sinkRecord(s, st))
		if err != nil {
			t.Fatal(err)
		}
		return out.ValueSchema
	}
	first := apply(mk("s0"))
	if again := apply(mk("s0")); again != first {
		t.Error("an equal schema got a new rewrite")
	}
	for i := 1; i <= 16; i++ {
		apply(mk(fmt.Sprint("s", i)))
	}
	if again := apply(mk("s0")); again == first {
		t.Error("the least recently used schema stayed cached beyond 16 entries")
	}
}

// Transforms return new records and header lists; the input, its map and
// its headers stay as they were, so a record can be retried or reported.
func TestInputRecordUntouched(t *testing.T) {
	value := map[string]any{"a": int64(1), "b": "x"}
	hs := connector.Headers{{Key: "h", Schema: data.StringSchema, Value: "v"}}
	for _, c := range []struct {
		class string
		props map[string]string
	}{
		{"InsertField$Value", map[string]string{"topic.field": "t", "static.field": "s", "static.value": "v"}},
		{"ReplaceField$Value", map[string]string{"exclude": "a", "renames": "b:c"}},
		{"MaskField$Value", map[string]string{"fields": "a"}},
		{"Cast$Value", map[string]string{"spec": "a:string"}},
		{"HeaderFrom$Value", map[string]string{"fields": "a", "headers": "a", "operation": "move"}},
		{"InsertHeader", map[string]string{"header": "n", "value.literal": "1"}},
		{"DropHeaders", map[string]string{"headers": "h"}},
		{"TimestampConverter$Value", map[string]string{"field": "a", "target.type": "Timestamp"}},
		{"Flatten$Value", map[string]string{}},
	} {
		rec := sinkRecord(nil, value)
		rec.Headers = hs
		out, err := newTransform(t, c.class, c.props).Apply(rec)
		if err != nil {
			t.Fatalf("%s: %v", c.class, err)
		}
		if len(value) != 2 || value["a"] != int64(1) || value["b"] != "x" || len(hs) != 1 || hs[0].Key != "h" ||
			rec.Value == nil || len(rec.Headers) != 1 {
			t.Fatalf("%s changed its input: %v %v", c.class, value, rec.Headers)
		}
		if out == rec {
			t.Errorf("%s returned its input record", c.class)
		}
	}
}

// The z letter parses UTC, GMT, GMT+hh:mm and numeric offsets; a zone name
// such as PST (which Java's SimpleDateFormat looks up in the JDK's locale
// data) does not parse.
func TestParseZoneNames(t *testing.T) {
	tr := newTransform(t, "TimestampConverter$Value", map[string]string{"target.type": "unix", "format": "yyyy-MM-dd HH:mm z"})
	for in, want := range map[string]any{
		"2017-01-03 06:30 UTC":       int64(1483425000000),
		"2017-01-03 06:30 utc":       int64(1483425000000),
		"2017-01-03 06:30 GMT+01:00": int64(1483421400000),
		"2017-01-03 06:30 -0100":     int64(1483428600000),
		"2017-01-03 06:30 PST":       nil,
	} {
		out, err := tr.Apply(sinkRecord(nil, in))
		switch {
		case want == nil && err == nil:
			t.Errorf("%s: parsed as %v", in, out.Value)
		case want != nil && (err != nil || out.Value != want):
			t.Errorf("%s: %v %v, want %v", in, out, err, want)
		}
	}
}

// When two paths of a schemaless value flatten to one name, the one a Java
// HashMap iterates last wins, as with the maps JsonConverter makes in Kafka;
// the outcome does not change from run to run.
func TestFlattenCollisionIsStable(t *testing.T) {
	tr := newTransform(t, "Flatten$Value", map[string]string{})
	var first any
	for i := 0; i < 50; i++ {
		out, err := tr.Apply(sinkRecord(nil, map[string]any{"a.b": int64(1), "a": map[string]any{"b": int64(2)}, "c": int64(3)}))
		if err != nil {
			t.Fatal(err)
		}
		v := out.Value.(map[string]any)["a.b"]
		if first == nil {
			first = v
		} else if v != first {
			t.Fatalf("run %d: a.b is %v, before %v", i, v, first)
		}
	}
}

// A record that owns its value (a sink record fresh from the converter)
// has its map changed in place; one that does not gets a copy, which the
// result owns, so the next transformation of a chain changes that copy in
// place. Values that may be shared with something else are not owned.
func TestOwnedValuesChangedInPlace(t *testing.T) {
	insert := newTransform(t, "InsertField$Value", map[string]string{"static.field": "s", "static.value": "v"})
	exclude := newTransform(t, "ReplaceField$Value", map[string]string{"exclude": "a"})

	owned := map[string]any{"a": int64(1), "b": "x"}
	rec := sinkRecord(nil, owned)
	rec.OwnsValue = true
	out, err := insert.Apply(rec)
	if err != nil {
		t.Fatal(err)
	}
	if owned["s"] != "v" || !out.OwnsValue {
		t.Errorf("an owned value was copied: input %v, output owned %v", owned, out.OwnsValue)
	}

	shared := map[string]any{"a": int64(1), "b": "x"}
	first, err := insert.Apply(sinkRecord(nil, shared))
	if err != nil {
		t.Fatal(err)
	}
	if len(shared) != 2 || !first.OwnsValue {
		t.Fatalf("a value not owned was changed (%v), or its copy is not owned (%v)", shared, first.OwnsValue)
	}
	second, err := exclude.Apply(first)
	if err != nil {
		t.Fatal(err)
	}
	copied := first.Value.(map[string]any)
	if _, kept := copied["a"]; kept || len(second.Value.(map[string]any)) != 2 || !second.OwnsValue {
		t.Errorf("the second transformation did not change the first one's copy in place: %v -> %v", copied, second.Value)
	}

	// A failure leaves an owned value as it was: the offset of a source
	// record is checked before anything is put.
	withOffset := newTransform(t, "InsertField$Value", map[string]string{"topic.field": "t", "offset.field": "o"})
	src := map[string]any{"a": int64(1)}
	srcRec := &connector.Record{Topic: "logs", Partition: connector.NoPartition, KafkaOffset: connector.NoOffset, Value: src, OwnsValue: true}
	if _, err := withOffset.Apply(srcRec); err == nil || len(src) != 1 {
		t.Errorf("got %v, value %v; want an error and the value untouched", err, src)
	}

	// ExtractField's result is part of the old value: not owned.
	nested := map[string]any{"http": map[string]any{"status": int64(200)}}
	rec = sinkRecord(nil, nested)
	rec.OwnsValue = true
	out, err = newTransform(t, "ExtractField$Value", map[string]string{"field": "http"}).Apply(rec)
	if err != nil {
		t.Fatal(err)
	}
	if out.OwnsValue {
		t.Error("an extracted field is owned")
	}

	// HeaderFrom reads every header before it removes a field, so a field
	// named twice gives both headers its value when changed in place.
	hv := map[string]any{"a": "x", "b": "y"}
	rec = sinkRecord(nil, hv)
	rec.OwnsValue = true
	out, err = newTransform(t, "HeaderFrom$Value", map[string]string{"fields": "a,a", "headers": "h1,h2", "operation": "move"}).Apply(rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Headers) != 2 || out.Headers[0].Value != "x" || out.Headers[1].Value != "x" || len(hv) != 1 || !out.OwnsValue {
		t.Errorf("headers %v, value %v, owned %v", out.Headers, hv, out.OwnsValue)
	}

	// A key transformation copies the key whatever the value's ownership,
	// and leaves that ownership as it was.
	key := map[string]any{"id": "k"}
	rec = sinkRecord(nil, map[string]any{})
	rec.Key, rec.OwnsValue = key, true
	out, err = newTransform(t, "InsertField$Key", map[string]string{"static.field": "s", "static.value": "v"}).Apply(rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != 1 || !out.OwnsValue {
		t.Errorf("key %v changed, or value ownership lost (%v)", key, out.OwnsValue)
	}
}
