package converter_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector/connectortest/oracle"
	"github.com/kafka-connect-go/connect/connector/converter"
	"github.com/kafka-connect-go/connect/connector/data"
)

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
		got, err := readFile(requestPath(name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, buf.Bytes()) {
			t.Errorf("%s differs from the case tables: rerun with -write-requests and regenerate the responses (testdata/README.md)", requestPath(name))
		}
	}
}

// deliberateDifferences are golden inputs where we differ from Java on
// purpose, by input document; the reason is logged and the case checked
// against what is said.
var deliberateDifferences = map[string]string{
	`{"schema":{"type":"map","keys":{"type":"bytes"},"values":{"type":"int32"}},"payload":[["AQI=",1]]}`:                       "a map keyed by byte arrays: Java keeps byte[] keys (compared by identity); a Go map cannot have []byte keys, so we fail the record",
	`{"schema":{"type":"map","keys":{"type":"array","items":{"type":"int32"}},"values":{"type":"int32"}},"payload":[[[1],1]]}`: "a map keyed by lists: a Go map cannot have []any keys, so we fail the record",
}

type goldenStats struct {
	ops        map[string]int
	exact      int // outputs identical to Java's bytes
	structural int // outputs equal to Java's up to map order
	jdk17      int // outputs equal up to JDK 17's longer float digits
}

func TestJSONGolden(t *testing.T)   { runGolden(t, "json") }
func TestStringGolden(t *testing.T) { runGolden(t, "string") }
func TestHeaderGolden(t *testing.T) { runGolden(t, "header") }

func runGolden(t *testing.T, file string) {
	pairs, err := oracle.Pairs(requestPath(file), responsePath(file))
	if err != nil {
		t.Fatal(err)
	}
	st := &goldenStats{ops: map[string]int{}}
	for _, p := range pairs {
		st.ops[p.Request.Op]++
		t.Run(p.Request.ID, func(t *testing.T) {
			if p.Response.Error != nil && (p.Response.Error.Stage == "request" || p.Response.Error.Stage == "oracle") {
				t.Fatalf("the oracle could not run this request: %+v", p.Response.Error)
			}
			switch p.Request.Op {
			case "json.toConnect", "json.roundtrip", "json.fromConnect":
				checkJSON(t, p, st)
			case "string.toConnect", "string.fromConnect":
				checkString(t, p, st)
			case "header.toConnect", "header.fromConnect":
				checkHeader(t, p, st)
			default:
				t.Fatalf("unexpected op %s", p.Request.Op)
			}
		})
	}
	t.Logf("%s: golden requests per op %v; outputs byte-identical %d, equal up to map order %d, equal up to JDK 17 float digits %d",
		file, st.ops, st.exact, st.structural, st.jdk17)
}

func readFile(path string) ([]byte, error) {
	var out bytes.Buffer
	reqs, err := oracle.ReadRequests(path)
	if err != nil {
		return nil, err
	}
	for _, r := range reqs {
		// Re-marshal so that the comparison does not depend on how the
		// file was written.
		f := map[string]any{}
		for k, v := range r.Fields {
			f[k] = v
		}
		b, err := oracle.Request{ID: r.ID, Op: r.Op, Fields: f}.MarshalJSON()
		if err != nil {
			return nil, err
		}
		out.Write(b)
		out.WriteByte('\n')
	}
	return out.Bytes(), nil
}

// javaError checks our error against the oracle's: both must fail, and a
// Kafka DataException's own message must match ours (the cause chain holds
// Jackson's text, which we do not copy).
func javaError(t *testing.T, p oracle.Pair, err error) {
	t.Helper()
	je := p.Response.Error
	if err == nil {
		t.Fatalf("no error; Java failed at %s with %s: %s", je.Stage, je.Class, je.Message)
	}
	var de *data.Error
	switch je.Class {
	case "org.apache.kafka.connect.errors.DataException", "org.apache.kafka.connect.errors.SchemaBuilderException":
		if !errors.As(err, &de) {
			t.Errorf("error %T (%v); Java threw a DataException", err, err)
		}
		if comparable(err.Error()) != comparable(je.Message) {
			t.Errorf("error %q\n      Java %q", err, je.Message)
		}
	case "org.apache.kafka.common.config.ConfigException":
		if !strings.Contains(err.Error(), je.Message) {
			t.Errorf("error %q, Java's ConfigException %q", err, je.Message)
		}
	}
}

var (
	identityHash = regexp.MustCompile(`\[B@[0-9a-f]+`)
	mapClass     = regexp.MustCompile(`java\.util\.(Linked)?HashMap`)
)

// comparable blanks what Java's messages cannot share with ours: identity
// hash codes and the map class (the oracle builds LinkedHashMaps).
func comparable(s string) string {
	s = identityHash.ReplaceAllString(s, "[B@…")
	return mapClass.ReplaceAllString(s, "java.util.Map")
}

func reqConfig(t *testing.T, p oracle.Pair) (map[string]string, bool) {
	c, err := p.Request.Config("config")
	if err != nil {
		t.Fatal(err)
	}
	var isKey bool
	json.Unmarshal(p.Request.Raw("isKey"), &isKey)
	return c, isKey
}

func checkJSON(t *testing.T, p oracle.Pair, st *goldenStats) {
	config, isKey := reqConfig(t, p)
	conv := converter.NewJSONConverter()
	err := conv.Configure(config, isKey)
	if p.Response.Error != nil && p.Response.Error.Stage == "configure" {
		javaError(t, p, err)
		return
	}
	if err != nil {
		t.Fatalf("Configure(%v): %v", config, err)
	}
	var schema *data.Schema
	var value any
	if p.Request.Op == "json.fromConnect" {
		if schema, err = oracle.DecodeSchema(p.Request.Raw("schema")); err == nil {
			value, err = oracle.DecodeValue(p.Request.Raw("value"), schema)
		}
		if p.Response.Error != nil && p.Response.Error.Stage == "input" {
			// Java could not build this input (Struct.put validation); our
			// data model must refuse it too.
			javaError(t, p, err)
			return
		}
		if err != nil {
			t.Fatal(err)
		}
	} else {
		in, err := p.Request.Bytes("input")
		if err != nil {
			t.Fatal(err)
		}
		schema, value, err = conv.ToConnectData("topic", nil, in)
		if why, ok := deliberateDifferences[string(in)]; ok {
			if err == nil || !strings.Contains(err.Error(), "are not supported") {
				t.Errorf("ToConnectData = %v, %v, %v; want the documented failure", schema, value, err)
			}
			t.Logf("deliberate difference: %s", why)
			return
		}
		if p.Response.Error != nil && p.Response.Error.Stage == "toConnect" {
			javaError(t, p, err)
			return
		}
		if err != nil {
			t.Fatalf("ToConnectData(%q): %v; Java gave %s", in, err, p.Response.Raw)
		}
		compareConnect(t, p, schema, value)
		if p.Request.Op == "json.toConnect" {
			return
		}
	}
	out, err := conv.FromConnectData("topic", nil, schema, value)
	if p.Response.Error != nil && p.Response.Error.Stage == "fromConnect" {
		javaError(t, p, err)
		return
	}
	if err != nil {
		t.Fatalf("FromConnectData: %v; Java wrote %s", err, p.Response.Fields["output"])
	}
	compareOutput(t, p, st, out, schema, config["schemas.enable"] != "false")
}

// compareConnect checks a decoded schema and value against Java's.
func compareConnect(t *testing.T, p oracle.Pair, schema *data.Schema, value any) {
	t.Helper()
	wantSchema, err := oracle.DecodeSchema(p.Response.Fields["schema"])
	if err != nil {
		t.Fatalf("Java's schema: %v", err)
	}
	want, err := oracle.DecodeValue(p.Response.Fields["value"], wantSchema)
	if err != nil {
		t.Fatalf("Java's value: %v", err)
	}
	if !data.Equal(schema, wantSchema) {
		t.Errorf("schema %s\n  Java %s", js(oracle.EncodeSchema(schema)), p.Response.Fields["schema"])
	}
	if !sameValue(value, want) {
		t.Errorf("value %s\n Java %s", js(oracle.EncodeValue(value, schema)), p.Response.Fields["value"])
	}
}

func compareOutput(t *testing.T, p oracle.Pair, st *goldenStats, out []byte, schema *data.Schema, envelope bool) {
	t.Helper()
	want, isNull, err := p.Response.Output()
	if err != nil {
		t.Fatal(err)
	}
	if isNull || out == nil {
		if !isNull || out != nil {
			t.Errorf("output %q, Java %q (null=%v)", out, want, isNull)
		}
		return
	}
	if bytes.Equal(out, want) {
		st.exact++
		return
	}
	a, err1 := parseTree(want)
	b, err2 := parseTree(out)
	if err1 != nil || err2 != nil {
		t.Fatalf("output %q, Java %q (%v, %v)", out, want, err1, err2)
	}
	c := &treeCompare{}
	if envelope {
		c.envelope(schema, a, b)
	} else {
		c.value(schema, a, b)
	}
	if !c.ok {
		t.Errorf("output %s\n  Java %s", out, want)
		return
	}
	if c.floats > 0 {
		st.jdk17++
		t.Logf("JDK 17 prints %d float(s) with more digits: ours %s, Java %s", c.floats, out, want)
		return
	}
	st.structural++
}

func checkString(t *testing.T, p oracle.Pair, st *goldenStats) {
	config, isKey := reqConfig(t, p)
	conv := converter.NewStringConverter()
	err := conv.Configure(config, isKey)
	if p.Response.Error != nil && p.Response.Error.Stage == "configure" {
		if err == nil || !strings.Contains(err.Error(), "Unsupported encoding") {
			t.Fatalf("Configure error %v, Java %+v", err, p.Response.Error)
		}
		return
	}
	if err != nil {
		t.Fatalf("Configure: %v", err)
	}
	if p.Request.Op == "string.toConnect" {
		in, err := p.Request.Bytes("input")
		if err != nil {
			t.Fatal(err)
		}
		s, v, err := conv.ToConnectData("topic", nil, in)
		if err != nil {
			t.Fatal(err)
		}
		compareConnect(t, p, s, v)
		return
	}
	schema, value := requestValue(t, p)
	out, err := conv.FromConnectData("topic", nil, schema, value)
	if err != nil {
		t.Fatal(err)
	}
	want, isNull, _ := p.Response.Output()
	if isNull != (out == nil) {
		t.Fatalf("output %q, Java null=%v", out, isNull)
	}
	if _, isBytes := value.([]byte); isBytes {
		return // Java prints an identity hash code
	}
	if !bytes.Equal(out, want) {
		t.Errorf("output %q, Java %q", out, want)
		return
	}
	st.exact++
}

func requestValue(t *testing.T, p oracle.Pair) (*data.Schema, any) {
	schema, err := oracle.DecodeSchema(p.Request.Raw("schema"))
	if err != nil {
		t.Fatal(err)
	}
	value, err := oracle.DecodeValue(p.Request.Raw("value"), schema)
	if err != nil {
		t.Fatal(err)
	}
	return schema, value
}

func checkHeader(t *testing.T, p oracle.Pair, st *goldenStats) {
	conv := converter.NewSimpleHeaderConverter()
	if err := conv.Configure(nil); err != nil {
		t.Fatal(err)
	}
	if p.Request.Op == "header.toConnect" {
		in, err := p.Request.Bytes("input")
		if err != nil {
			t.Fatal(err)
		}
		s, v, err := conv.ToConnectHeader("topic", "h", in)
		if err != nil {
			t.Fatal(err)
		}
		compareConnect(t, p, s, v)
		return
	}
	schema, value := requestValue(t, p)
	out, err := conv.FromConnectHeader("topic", "h", schema, value)
	if err != nil {
		t.Fatal(err)
	}
	want, isNull, _ := p.Response.Output()
	if isNull != (out == nil) {
		t.Fatalf("output %q, Java null=%v", out, isNull)
	}
	if !bytes.Equal(out, want) {
		if data.IsMap(value) && sameHeaderMap(out, want) {
			st.structural++
			return
		}
		t.Errorf("output %q, Java %q", out, want)
		return
	}
	st.exact++
}

// sameHeaderMap compares two header texts of maps by what they parse to.
func sameHeaderMap(a, b []byte) bool {
	_, va := data.ParseString(string(a))
	_, vb := data.ParseString(string(b))
	return data.ValuesEqual(va, vb)
}

// javaVisible is how the oracle shows a string we hold: it writes its
// responses with Jackson, which turns a lone surrogate into '?'.
func javaVisible(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+2 < len(s) && s[i] == 0xed && s[i+1]&0xe0 == 0xa0 && s[i+2]&0xc0 == 0x80 {
			b.WriteByte('?')
			i += 3
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// sameValue is data.ValuesEqual with NaN equal to NaN, signed zeros told
// apart and Go types strict (int8 is not int16).
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && (x == y || javaVisible(x) == y)
	case float64:
		y, ok := b.(float64)
		return ok && (x == y && math.Signbit(x) == math.Signbit(y) || x != x && y != y)
	case float32:
		y, ok := b.(float32)
		return ok && (x == y && math.Signbit(float64(x)) == math.Signbit(float64(y)) || x != x && y != y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case *data.Struct:
		y, ok := b.(*data.Struct)
		if !ok || !data.Equal(x.Schema(), y.Schema()) {
			return false
		}
		for _, f := range x.Schema().Fields() {
			if !sameValue(x.GetWithoutDefault(f.Name()), y.GetWithoutDefault(f.Name())) {
				return false
			}
		}
		return true
	}
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if data.IsMap(a) && data.IsMap(b) {
		ea, eb := data.JavaMapEntries(a), data.JavaMapEntries(b)
		if len(ea) != len(eb) {
			return false
		}
		used := make([]bool, len(eb))
	next:
		for _, x := range ea {
			for j, y := range eb {
				if !used[j] && sameValue(x.Key, y.Key) && sameValue(x.Value, y.Value) {
					used[j] = true
					continue next
				}
			}
			return false
		}
		return true
	}
	if reflect.TypeOf(a) != reflect.TypeOf(b) {
		return false
	}
	return data.ValuesEqual(a, b)
}

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return string(b)
}

// tree is parsed JSON that keeps object member order and number text.
type tree struct {
	kind  byte // '{', '[', '"', 'n' (number), 'l' (literal)
	text  string
	keys  []string
	items []*tree
}

func parseTree(b []byte) (*tree, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return parseTreeValue(dec)
}

func parseTreeValue(dec *json.Decoder) (*tree, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		t := &tree{kind: byte(v)}
		for dec.More() {
			if v == '{' {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				t.keys = append(t.keys, k.(string))
			}
			it, err := parseTreeValue(dec)
			if err != nil {
				return nil, err
			}
			t.items = append(t.items, it)
		}
		_, err := dec.Token()
		return t, err
	case string:
		return &tree{kind: '"', text: v}, nil
	case json.Number:
		return &tree{kind: 'n', text: string(v)}, nil
	default:
		return &tree{kind: 'l', text: fmt.Sprint(v)}, nil
	}
}

// treeCompare compares Java's output (a) with ours (b) knowing the Connect
// schema: member order must match everywhere except inside maps (Java's
// HashMap order is not a contract); numbers must have the same text, except
// that JDK 17's non-shortest float digits are counted and accepted.
type treeCompare struct {
	ok     bool
	floats int
	failed bool
}

func (c *treeCompare) fail() { c.failed = true }

func (c *treeCompare) envelope(s *data.Schema, a, b *tree) {
	c.ok = true
	if a.kind != '{' || b.kind != '{' || strings.Join(a.keys, ",") != "schema,payload" || strings.Join(b.keys, ",") != "schema,payload" {
		c.ok = false
		return
	}
	c.schema(s, a.items[0], b.items[0])
	c.walk(s, a.items[1], b.items[1])
	c.ok = !c.failed
}

func (c *treeCompare) value(s *data.Schema, a, b *tree) {
	c.walk(s, a, b)
	c.ok = !c.failed
}

// schema compares envelope schema JSON; only defaults may hold maps.
func (c *treeCompare) schema(s *data.Schema, a, b *tree) {
	if s == nil {
		c.scalar(nil, a, b)
		return
	}
	if a.kind != '{' || b.kind != '{' || strings.Join(a.keys, ",") != strings.Join(b.keys, ",") {
		c.fail()
		return
	}
	for i, k := range a.keys {
		switch k {
		case "items":
			c.schema(s.ValueSchema(), a.items[i], b.items[i])
		case "keys":
			c.schema(s.KeySchema(), a.items[i], b.items[i])
		case "values":
			c.schema(s.ValueSchema(), a.items[i], b.items[i])
		case "fields":
			fa, fb := a.items[i], b.items[i]
			if len(fa.items) != len(fb.items) || len(fa.items) != len(s.Fields()) {
				c.fail()
				return
			}
			for j, f := range s.Fields() {
				c.schema(f.Schema(), fa.items[j], fb.items[j])
			}
		case "default":
			c.walk(s, a.items[i], b.items[i])
		default:
			c.scalar(nil, a.items[i], b.items[i])
		}
	}
}

func (c *treeCompare) walk(s *data.Schema, a, b *tree) {
	if a.kind != b.kind {
		c.fail()
		return
	}
	switch a.kind {
	case '{':
		if s != nil && s.Type() == data.TypeStruct {
			if strings.Join(a.keys, ",") != strings.Join(b.keys, ",") {
				c.fail()
				return
			}
			for i := range a.items {
				f := s.Field(a.keys[i])
				var fs *data.Schema
				if f != nil {
					fs = f.Schema()
				}
				c.walk(fs, a.items[i], b.items[i])
			}
			return
		}
		var vs *data.Schema
		if s != nil && s.Type() == data.TypeMap {
			vs = s.ValueSchema()
		}
		if len(a.keys) != len(b.keys) {
			c.fail()
			return
		}
		idx := map[string]int{}
		for i, k := range b.keys {
			idx[k] = i
		}
		for i, k := range a.keys {
			j, ok := idx[k]
			if !ok {
				c.fail()
				return
			}
			c.walk(vs, a.items[i], b.items[j])
		}
	case '[':
		if len(a.items) != len(b.items) {
			c.fail()
			return
		}
		if s != nil && s.Type() == data.TypeMap || s == nil && isPairList(a) && isPairList(b) {
			var ks, vs *data.Schema
			if s != nil {
				ks, vs = s.KeySchema(), s.ValueSchema()
			}
			if !c.pairs(ks, vs, a, b) {
				c.fail()
			}
			return
		}
		var es *data.Schema
		if s != nil {
			es = s.ValueSchema()
		}
		for i := range a.items {
			c.walk(es, a.items[i], b.items[i])
		}
	default:
		c.scalar(s, a, b)
	}
}

func isPairList(t *tree) bool {
	for _, it := range t.items {
		if it.kind != '[' || len(it.items) != 2 {
			return false
		}
	}
	return true
}

// pairs matches two lists of [key, value] pairs in any order.
func (c *treeCompare) pairs(ks, vs *data.Schema, a, b *tree) bool {
	used := make([]bool, len(b.items))
	for _, pa := range a.items {
		found := false
		for j, pb := range b.items {
			if used[j] {
				continue
			}
			sub := &treeCompare{}
			sub.walk(ks, pa.items[0], pb.items[0])
			sub.walk(vs, pa.items[1], pb.items[1])
			if !sub.failed {
				used[j], found = true, true
				c.floats += sub.floats
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (c *treeCompare) scalar(s *data.Schema, a, b *tree) {
	if a.kind != b.kind {
		c.fail()
		return
	}
	if a.text == b.text {
		return
	}
	if a.kind == 'n' && len(a.text) > len(b.text) {
		bits := 64
		if s != nil && s.Type() == data.TypeFloat32 {
			bits = 32
		}
		x, err1 := strconv.ParseFloat(a.text, bits)
		y, err2 := strconv.ParseFloat(b.text, bits)
		if err1 == nil && err2 == nil && x == y {
			c.floats++
			return
		}
	}
	c.fail()
}
