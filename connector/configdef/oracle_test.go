package configdef

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

// The golden file testdata/java_oracle.jsonl holds requests and the answers
// Kafka's own ConfigDef (commit 1eb7644, 4.0.0-SNAPSHOT, run on JDK 17) gave
// to them: parseType for every type, Double.toString, validateAll and parse
// with every validator, and embed. See testdata/README.md. These tests replay
// each request through the Go code and want the same answer.

type oracleLine struct {
	Req   json.RawMessage `json:"req"`
	Res   json.RawMessage `json:"res"`
	Error string          `json:"error"`
}

type oracleKey struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Default    json.RawMessage `json:"default"` // absent: required; null: defaults to null
	Validator  json.RawMessage `json:"validator"`
	Importance string          `json:"importance"`
	Group      string          `json:"group"`
	Order      *int            `json:"order"`
	Dependents []string        `json:"dependents"`
}

type oracleReq struct {
	Op     string            `json:"op"`
	Type   string            `json:"type"`
	Value  string            `json:"value"`
	Keys   []oracleKey       `json:"keys"`
	Props  map[string]string `json:"props"`
	Parent []oracleKey       `json:"parent"`
	Child  []oracleKey       `json:"child"`
	Prefix string            `json:"prefix"`
	Group  string            `json:"group"`
	Start  int               `json:"start"`
}

func readOracle(t *testing.T) []oracleLine {
	t.Helper()
	f, err := os.Open("testdata/java_oracle.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []oracleLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l oracleLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("testdata/java_oracle.jsonl: %v", err)
		}
		if l.Error != "" {
			t.Fatalf("oracle request failed in Java: %s", l.Error)
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(lines) < 600 {
		t.Fatalf("only %d oracle lines", len(lines))
	}
	return lines
}

var typeByName = map[string]Type{
	"BOOLEAN": TypeBoolean, "STRING": TypeString, "INT": TypeInt, "SHORT": TypeShort, "LONG": TypeLong,
	"DOUBLE": TypeDouble, "LIST": TypeList, "CLASS": TypeClass, "PASSWORD": TypePassword,
}

// render turns a parsed Go value into the JSON the oracle prints for the
// Java value.
func render(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case Password:
		return "PASSWORD:" + x.Value()
	case float64:
		return formatDouble(x)
	}
	return fmt.Sprint(v)
}

func normalize(t *testing.T, raw json.RawMessage) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// jdk17DoubleToString lists the values whose Double.toString differs between
// JDK 17 (the oracle) and the shortest-digits algorithm of JDK 19+, which
// formatDouble follows. No config default or bound is near them.
var jdk17DoubleToString = map[string]bool{"1e23": true, "4.9E-324": true, "4.9e-324": true, "5e-324": true}

func TestJavaOracleParseType(t *testing.T) {
	n := 0
	for _, l := range readOracle(t) {
		var req oracleReq
		if err := json.Unmarshal(l.Req, &req); err != nil {
			t.Fatal(err)
		}
		switch req.Op {
		case "parse":
			n++
			var want struct {
				Value json.RawMessage `json:"value"`
				Err   string          `json:"err"`
			}
			if err := json.Unmarshal(l.Res, &want); err != nil {
				t.Fatal(err)
			}
			if req.Type == "DOUBLE" && jdk17DoubleToString[req.Value] {
				continue
			}
			got, err := ParseType("x", req.Value, typeByName[req.Type])
			if want.Err != "" {
				if err == nil || err.Error() != want.Err {
					t.Errorf("ParseType(%s, %q) = %v, %v; Java: error %q", req.Type, req.Value, render(got), err, want.Err)
				}
				continue
			}
			if err != nil {
				t.Errorf("ParseType(%s, %q): %v; Java: %s", req.Type, req.Value, err, want.Value)
				continue
			}
			if w := normalize(t, want.Value); !reflect.DeepEqual(render(got), w) {
				t.Errorf("ParseType(%s, %q) = %#v; Java: %#v", req.Type, req.Value, render(got), w)
			}
		case "dtoa":
			if jdk17DoubleToString[req.Value] {
				continue
			}
			n++
			var want string
			if err := json.Unmarshal(l.Res, &want); err != nil {
				t.Fatal(err)
			}
			f, ok := parseJavaDouble(req.Value)
			if !ok {
				t.Errorf("parseJavaDouble(%q) failed", req.Value)
				continue
			}
			if got := formatDouble(f); got != want {
				t.Errorf("formatDouble(%s) = %q; Java Double.toString: %q", req.Value, got, want)
			}
		}
	}
	if n < 600 {
		t.Fatalf("only %d parse cases replayed", n)
	}
}

func oracleValidator(t *testing.T, raw json.RawMessage) Validator {
	t.Helper()
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s struct {
		K   string            `json:"k"`
		Min json.Number       `json:"min"`
		Max json.Number       `json:"max"`
		V   []string          `json:"v"`
		N   int               `json:"n"`
		Of  []json.RawMessage `json:"of"`
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&s); err != nil {
		t.Fatal(err)
	}
	// A bound written with a decimal point was declared as a Java double.
	double := strings.Contains(string(s.Min)+string(s.Max), ".")
	minF, _ := s.Min.Float64()
	maxF, _ := s.Max.Float64()
	switch s.K {
	case "atLeast":
		if double {
			return AtLeastDouble(minF)
		}
		return AtLeast(minF)
	case "between":
		if double {
			return BetweenDouble(minF, maxF)
		}
		return Between(minF, maxF)
	case "in":
		return OneOf(s.V...)
	case "ciIn":
		return OneOfFold(s.V...)
	case "listIn":
		return ListOf(s.V...)
	case "nonEmpty":
		return NonEmptyString()
	case "nonNull":
		return NonNull()
	case "nonEmptyNoCtl":
		return NonEmptyStringWithoutControlChars()
	case "listSize":
		return ListSizeAtMost(s.N)
	case "all":
		var vs []Validator
		for _, o := range s.Of {
			vs = append(vs, oracleValidator(t, o))
		}
		return All(vs...)
	}
	t.Fatalf("unknown validator %s", s.K)
	return nil
}

func oracleDef(t *testing.T, keys []oracleKey) *ConfigDef {
	t.Helper()
	d := New()
	for _, k := range keys {
		key := Key{Name: k.Name, Type: typeByName[k.Type], Default: NoDefault, Validator: oracleValidator(t, k.Validator),
			Group: k.Group, OrderInGroup: -1, Dependents: k.Dependents, Importance: Low}
		if k.Order != nil {
			key.OrderInGroup = *k.Order
		}
		switch k.Importance {
		case "HIGH":
			key.Importance = High
		case "MEDIUM":
			key.Importance = Medium
		}
		if len(k.Default) > 0 {
			var dv *string
			if err := json.Unmarshal(k.Default, &dv); err != nil {
				t.Fatal(err)
			}
			if dv == nil {
				key.Default = nil
			} else {
				key.Default = *dv
			}
		}
		d.Define(key)
	}
	return d
}

func renderValidate(vals []*Value) map[string]any {
	out := map[string]any{}
	for _, v := range vals {
		errs := []any{}
		for _, e := range v.Errors {
			errs = append(errs, e)
		}
		out[v.Name] = map[string]any{"value": render(v.Value), "errors": errs, "visible": v.Visible}
	}
	return out
}

func TestJavaOracleValidate(t *testing.T) {
	n := 0
	for _, l := range readOracle(t) {
		var req oracleReq
		if err := json.Unmarshal(l.Req, &req); err != nil {
			t.Fatal(err)
		}
		if req.Op != "validate" {
			continue
		}
		n++
		var want struct {
			Validate         json.RawMessage   `json:"validate"`
			Parsed           map[string]any    `json:"parsed"`
			ParseErr         string            `json:"parseErr"`
			ValidatorStrings map[string]string `json:"validatorStrings"`
		}
		if err := json.Unmarshal(l.Res, &want); err != nil {
			t.Fatal(err)
		}
		d := oracleDef(t, req.Keys)
		if got, w := renderValidate(d.Validate(req.Props)), normalize(t, want.Validate); !reflect.DeepEqual(any(got), w) {
			t.Errorf("Validate(%v):\n got %v\nJava %v", req.Props, got, w)
		}
		vals, err := d.Parse(req.Props)
		if want.ParseErr != "" {
			// Java stops at the first problem; Parse reports all of them,
			// the first one being Java's.
			var first error = err
			var joined interface{ Unwrap() []error }
			if errors.As(err, &joined) {
				first = joined.Unwrap()[0]
			}
			if first == nil || first.Error() != want.ParseErr {
				t.Errorf("Parse(%v) first error = %v; Java: %q", req.Props, first, want.ParseErr)
			}
		} else if err != nil {
			t.Errorf("Parse(%v): %v; Java parsed it", req.Props, err)
		} else {
			for name, w := range want.Parsed {
				if got := render(vals.Get(name)); !reflect.DeepEqual(got, w) {
					t.Errorf("Parse(%v)[%s] = %#v; Java %#v", req.Props, name, got, w)
				}
			}
		}
		for name, w := range want.ValidatorStrings {
			if got := describe(d.Key(name).Validator); got != w {
				t.Errorf("validator of %s describes itself as %q; Java %q", name, got, w)
			}
		}
	}
	if n < 8 {
		t.Fatalf("only %d validate cases", n)
	}
}

func TestJavaOracleEmbed(t *testing.T) {
	n := 0
	for _, l := range readOracle(t) {
		var req oracleReq
		if err := json.Unmarshal(l.Req, &req); err != nil {
			t.Fatal(err)
		}
		if req.Op != "embed" {
			continue
		}
		n++
		var want struct {
			Keys []struct {
				Name       string   `json:"name"`
				Group      *string  `json:"group"`
				Order      int      `json:"order"`
				Dependents []string `json:"dependents"`
			} `json:"keys"`
			Validate json.RawMessage `json:"validate"`
		}
		if err := json.Unmarshal(l.Res, &want); err != nil {
			t.Fatal(err)
		}
		parent := oracleDef(t, req.Parent)
		parent.Embed(req.Prefix, req.Group, req.Start, oracleDef(t, req.Child))
		keys := parent.Keys()
		if len(keys) != len(want.Keys) {
			t.Fatalf("embed gave %d keys; Java %d", len(keys), len(want.Keys))
		}
		for i, w := range want.Keys {
			k := keys[i]
			wg := ""
			if w.Group != nil {
				wg = *w.Group
			}
			if k.Name != w.Name || k.Group != wg || k.OrderInGroup != w.Order || strings.Join(k.Dependents, ",") != strings.Join(w.Dependents, ",") {
				t.Errorf("key %d = %s group %q order %d deps %v; Java %s group %q order %d deps %v",
					i, k.Name, k.Group, k.OrderInGroup, k.Dependents, w.Name, wg, w.Order, w.Dependents)
			}
		}
		if got, w := renderValidate(parent.Validate(req.Props)), normalize(t, want.Validate); !reflect.DeepEqual(any(got), w) {
			t.Errorf("Validate after embed:\n got %v\nJava %v", got, w)
		}
	}
	if n != 2 {
		t.Fatalf("%d embed cases", n)
	}
}
