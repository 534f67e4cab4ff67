package configdef

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

// workerLikeDef declares a few keys the way the worker does, to test Parse.
func workerLikeDef() *ConfigDef {
	return New().
		Define(Key{Name: "group.id", Type: TypeString, Default: NoDefault, Importance: High}).
		Define(Key{Name: "offset.flush.interval.ms", Type: TypeLong, Default: int64(60000)}).
		Define(Key{Name: "metrics.num.samples", Type: TypeInt, Default: 2, Validator: AtLeast(1)}).
		Define(Key{Name: "topic.creation.enable", Type: TypeBoolean, Default: true}).
		Define(Key{Name: "bootstrap.servers", Type: TypeList, Default: "localhost:9092"}).
		Define(Key{Name: "plugin.path", Type: TypeList, Default: nil}).
		Define(Key{Name: "ssl.key.password", Type: TypePassword, Default: nil}).
		Define(Key{Name: "key.converter", Type: TypeClass, Default: NoDefault}).
		Define(Key{Name: "replication.factor", Type: TypeShort, Default: int16(3)}).
		Define(Key{Name: "window.factor", Type: TypeDouble, Default: 0.8, Validator: BetweenDouble(0.5, 1.0)})
}

func TestParseDefaultsAndValues(t *testing.T) {
	v, err := workerLikeDef().Parse(map[string]string{
		"group.id":                 " connect-cluster ",
		"key.converter":            "org.apache.kafka.connect.json.JsonConverter\t",
		"offset.flush.interval.ms": "1000",
		"ssl.key.password":         " s3cret ",
		"unknown.key":              "kept",
	})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"group.id trimmed", v.String("group.id"), "connect-cluster"},
		{"class trimmed", v.String("key.converter"), "org.apache.kafka.connect.json.JsonConverter"},
		{"long given", v.Long("offset.flush.interval.ms"), int64(1000)},
		{"int default", v.Int("metrics.num.samples"), int32(2)},
		{"bool default", v.Bool("topic.creation.enable"), true},
		{"list default", v.List("bootstrap.servers"), []string{"localhost:9092"}},
		{"null list default", v.List("plugin.path"), []string(nil)},
		{"null list is nil", v.Get("plugin.path"), nil},
		{"password trimmed", v.Password("ssl.key.password").Value(), "s3cret"},
		{"short default", v.Short("replication.factor"), int16(3)},
		{"double default", v.Double("window.factor"), 0.8},
		{"set", v.IsSet("offset.flush.interval.ms"), true},
		{"defaulted is not set", v.IsSet("metrics.num.samples"), false},
		{"unknown kept in originals", v.Originals()["unknown.key"], "kept"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestParseReportsEveryProblemInDefinitionOrder(t *testing.T) {
	_, err := workerLikeDef().Parse(map[string]string{
		"offset.flush.interval.ms": "abc",
		"metrics.num.samples":      "0",
		"topic.creation.enable":    "yes",
		"replication.factor":       "40000",
		"window.factor":            "2",
	})
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`Missing required configuration "group.id" which has no default value.`,
		"Invalid value abc for configuration offset.flush.interval.ms: Not a number of type LONG",
		"Invalid value 0 for configuration metrics.num.samples: Value must be at least 1",
		"Invalid value yes for configuration topic.creation.enable: Expected value to be either true or false",
		`Missing required configuration "key.converter" which has no default value.`,
		"Invalid value 40000 for configuration replication.factor: Not a number of type SHORT",
		"Invalid value 2.0 for configuration window.factor: Value must be no more than 1.0",
	}
	if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var ce *Error
	if !errors.As(err, &ce) || ce.Message == "" {
		t.Errorf("errors.As(*Error) failed on %T", err)
	}
}

func TestParseDoesNotAliasProps(t *testing.T) {
	props := map[string]string{"group.id": "g", "key.converter": "k"}
	v, err := workerLikeDef().Parse(props)
	if err != nil {
		t.Fatal(err)
	}
	props["group.id"] = "changed"
	if v.Originals()["group.id"] != "g" {
		t.Error("Values.Originals follows later changes of the props map")
	}
}

func TestGettersPanicOnProgrammingErrors(t *testing.T) {
	v, err := workerLikeDef().Parse(map[string]string{"group.id": "g", "key.converter": "k"})
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(){
		"undeclared":      func() { v.Get("nope") },
		"int of a long":   func() { v.Int("offset.flush.interval.ms") },
		"string of list":  func() { v.String("bootstrap.servers") },
		"bool of a short": func() { v.Bool("replication.factor") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestWithPrefix(t *testing.T) {
	v, err := workerLikeDef().Parse(map[string]string{
		"group.id": "g", "key.converter": "k",
		"key.converter.schemas.enable": "false", "key.converter.": "empty", "producer.acks": "all",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"schemas.enable": "false", "": "empty"}
	if got := v.WithPrefix("key.converter."); !reflect.DeepEqual(got, want) {
		t.Errorf("WithPrefix = %v, want %v", got, want)
	}
}

func TestDefinePanicsOnDeclarationErrors(t *testing.T) {
	for name, f := range map[string]func(){
		"duplicate": func() {
			New().Define(Key{Name: "a", Type: TypeInt, Default: 1}).Define(Key{Name: "a", Type: TypeInt, Default: 1})
		},
		"default does not parse": func() { New().Define(Key{Name: "a", Type: TypeInt, Default: "x"}) },
		"default fails validator": func() {
			New().Define(Key{Name: "a", Type: TypeInt, Default: 0, Validator: AtLeast(1)})
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestParseTypeGoValues(t *testing.T) {
	cases := []struct {
		typ  Type
		in   any
		want any
		err  string
	}{
		{TypeInt, 5, int32(5), ""},
		{TypeInt, int32(5), int32(5), ""},
		{TypeInt, 1 << 40, nil, "Expected value to be a 32-bit integer"},
		{TypeLong, 5, int64(5), ""},
		{TypeLong, int32(5), int64(5), ""},
		{TypeShort, 5, int16(5), ""},
		{TypeDouble, 2, 2.0, ""},
		{TypeBoolean, true, true, ""},
		{TypeList, []string{"a"}, []string{"a"}, ""},
		{TypeList, 5, nil, "Expected a comma separated list."},
		{TypeString, 5, nil, "Expected value to be a string"},
		{TypePassword, NewPassword("x"), NewPassword("x"), ""},
		{TypeInt, nil, nil, ""},
	}
	for _, c := range cases {
		got, err := ParseType("k", c.in, c.typ)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseType(%v, %#v) error = %v, want %q", c.typ, c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseType(%v, %#v): %v", c.typ, c.in, err)
			continue
		}
		if p, ok := got.(Password); ok {
			if !p.Equal(c.want.(Password)) {
				t.Errorf("password differs")
			}
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseType(%v, %#v) = %#v, want %#v", c.typ, c.in, got, c.want)
		}
	}
}

func TestDefaultString(t *testing.T) {
	d := New().
		Define(Key{Name: "req", Type: TypeString, Default: NoDefault}).
		Define(Key{Name: "null", Type: TypeString, Default: nil}).
		Define(Key{Name: "list", Type: TypeList, Default: "a , b"}).
		Define(Key{Name: "empty", Type: TypeList, Default: ""}).
		Define(Key{Name: "double", Type: TypeDouble, Default: 1e7}).
		Define(Key{Name: "pw", Type: TypePassword, Default: "secret"}).
		Define(Key{Name: "long", Type: TypeLong, Default: int64(300000)})
	cases := []struct {
		name string
		want string
		ok   bool
	}{
		{"req", "", false}, {"null", "", false}, {"list", "a,b", true}, {"empty", "", true},
		{"double", "1.0E7", true}, {"pw", "[hidden]", true}, {"long", "300000", true},
	}
	for _, c := range cases {
		got, ok := d.Key(c.name).DefaultString()
		if got != c.want || ok != c.ok {
			t.Errorf("%s: DefaultString = %q, %v; want %q, %v", c.name, got, ok, c.want, c.ok)
		}
	}
	if !d.Key("req").Required() || d.Key("null").Required() {
		t.Error("Required is wrong")
	}
}

func TestRegexValidator(t *testing.T) {
	v := Regex()
	if err := v.Validate("topics.regex", "logs-.*"); err != nil {
		t.Errorf("valid regex refused: %v", err)
	}
	err := v.Validate("topics.regex", "logs-(")
	if err == nil || !strings.HasPrefix(err.Error(), "Invalid value logs-( for configuration topics.regex: Invalid regex: ") {
		t.Errorf("bad regex: %v", err)
	}
}

// recordingRecommender remembers what it was asked, to show Embed hands it
// unprefixed names.
type recordingRecommender struct {
	names  []string
	parsed []map[string]any
}

func (r *recordingRecommender) ValidValues(name string, parsed map[string]any) []any {
	r.names = append(r.names, name)
	r.parsed = append(r.parsed, parsed)
	return []any{"x", "y"}
}

func (r *recordingRecommender) Visible(name string, parsed map[string]any) bool {
	return name == "field"
}

func TestEmbedUnprefixesValidatorsAndRecommenders(t *testing.T) {
	rec := &recordingRecommender{}
	child := New().
		Define(Key{Name: "field", Type: TypeString, Default: "", Recommender: rec}).
		Define(Key{Name: "headers", Type: TypeList, Default: NoDefault, Validator: ListSizeAtMost(1)})
	parent := New().Define(Key{Name: "transforms", Type: TypeList, Default: ""})
	parent.Embed("transforms.drop.", "Transforms: drop", 0, child)

	vals := parent.Validate(map[string]string{"transforms": "drop", "transforms.drop.headers": "a,b", "transforms.drop.field": "f"})
	byName := map[string]*Value{}
	for _, v := range vals {
		byName[v.Name] = v
	}
	if got := byName["transforms.drop.headers"].Errors; len(got) != 1 || got[0] != "Invalid value [a, b] for configuration headers: exceeds maximum list size of [1]." {
		t.Errorf("embedded validator errors = %q", got)
	}
	if got := byName["transforms.drop.field"]; !got.Visible || !reflect.DeepEqual(got.RecommendedValues, []any{"x", "y"}) {
		t.Errorf("embedded recommender result = %+v", got)
	}
	if !reflect.DeepEqual(rec.names, []string{"field"}) {
		t.Errorf("recommender saw names %v, want [field]", rec.names)
	}
	if want := map[string]any{"field": "f", "headers": []string{"a", "b"}}; !reflect.DeepEqual(rec.parsed[0], want) {
		t.Errorf("recommender saw parsed %v, want %v", rec.parsed[0], want)
	}
	// Missing required embedded key: Java names it with the prefix.
	_, err := parent.Parse(map[string]string{})
	if err == nil || err.Error() != `Missing required configuration "transforms.drop.headers" which has no default value.` {
		t.Errorf("missing embedded key: %v", err)
	}
}

func TestValidateReturnsAllProblemsPerKey(t *testing.T) {
	d := New().
		Define(Key{Name: "tasks.max", Type: TypeInt, Default: NoDefault, Validator: AtLeast(1)}).
		Define(Key{Name: "errors.tolerance", Type: TypeString, Default: "none", Validator: OneOf("none", "all")})
	vals := d.Validate(map[string]string{"errors.tolerance": "some"})
	if len(vals) != 2 {
		t.Fatalf("%d values", len(vals))
	}
	wantTasks := []string{
		`Missing required configuration "tasks.max" which has no default value.`,
		"Invalid value null for configuration tasks.max: Value must be non-null",
	}
	if !reflect.DeepEqual(vals[0].Errors, wantTasks) || vals[0].Value != nil {
		t.Errorf("tasks.max = %+v", vals[0])
	}
	if vals[1].Value != "some" || !reflect.DeepEqual(vals[1].Errors, []string{"Invalid value some for configuration errors.tolerance: String must be one of: none, all"}) {
		t.Errorf("errors.tolerance = %+v", vals[1])
	}
}

// secretHolder has the shapes a Password travels in: exported and
// unexported fields, pointers, slices and maps.
type secretHolder struct {
	Exported   Password
	unexported Password
	Ptr        *Password
	List       []Password
	Map        map[string]any
}

func TestPasswordNeverLeaks(t *testing.T) {
	const secret = "hunter2-top-secret"
	p := NewPassword(secret)
	h := secretHolder{Exported: p, unexported: p, Ptr: &p, List: []Password{p}, Map: map[string]any{"pw": p}}

	var outputs []string
	for _, verb := range []string{"%v", "%s", "%+v", "%#v", "%q", "%d", "%x", "%X", "%10s", "%-8v", "%T"} {
		outputs = append(outputs, fmt.Sprintf(verb, p), fmt.Sprintf(verb, &p), fmt.Sprintf(verb, h), fmt.Sprintf(verb, &h))
	}
	outputs = append(outputs, fmt.Sprint(p), fmt.Sprintln(p, h), p.String(), p.GoString())

	js, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(js))
	jm, err := json.Marshal(map[Password]Password{p: p})
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(jm))

	var buf bytes.Buffer
	for _, hnd := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		l := slog.New(hnd)
		l.Info("config", "password", p, "holder", h, "ptr", &p)
		l.Info("config", slog.Any("password", p), slog.Group("g", "pw", p))
	}
	outputs = append(outputs, buf.String())

	outputs = append(outputs, Invalid("ssl.key.password", p, "bad").Error())
	vals := New().Define(Key{Name: "pw", Type: TypePassword, Default: nil}).Validate(map[string]string{"pw": secret})
	vj, _ := json.Marshal(vals)
	outputs = append(outputs, string(vj), fmt.Sprintf("%v %+v", vals[0], *vals[0]))

	for _, out := range outputs {
		if strings.Contains(out, secret) || strings.Contains(out, fmt.Sprintf("%x", secret)) || strings.Contains(out, fmt.Sprintf("%X", secret)) {
			t.Errorf("secret leaked: %s", out)
		}
	}
	for _, want := range []string{fmt.Sprintf("%v", p), fmt.Sprintf("%#v", p), fmt.Sprintf("%d", p)} {
		if want != "[hidden]" {
			t.Errorf("printed as %q, want [hidden]", want)
		}
	}
	if got := fmt.Sprintf("%q", p); got != `"[hidden]"` {
		t.Errorf("%%q printed %s", got)
	}
	if !strings.Contains(string(js), `"Exported":"[hidden]"`) {
		t.Errorf("json: %s", js)
	}
	if p.Value() != secret || !p.Equal(NewPassword(secret)) || p.IsEmpty() || !(Password{}).IsEmpty() {
		t.Error("Password does not keep its value")
	}
}
