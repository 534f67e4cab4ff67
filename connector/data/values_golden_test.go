package data_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector/connectortest/oracle"
	"github.com/kafka-connect-go/connect/connector/data"
)

// The golden files under testdata/oracle were produced by Kafka's own Java
// Values class through the oracle; testdata/README.md says how. This test
// writes the request file with -write-requests; it never runs Java.
var writeRequests = flag.Bool("write-requests", false, "rewrite testdata/oracle/*.requests.jsonl from the case tables")

const (
	valuesRequests  = "testdata/oracle/values.requests.jsonl"
	valuesResponses = "testdata/oracle/values.responses.jsonl"
)

// parseStringInputs covers every rule of Values.parseString (spec §5.6).
var parseStringInputs = []string{
	// empty, blank, null and booleans
	"", " ", "   ", "null", " null ", "NULL", "Null", "true", "false", " true ", "TRUE", "true}", "false,", "truex",
	"true false", "null,", "nullx",
	// integers: the smallest type that holds them
	"0", "42", "-5", "127", "128", "-128", "-129", "300", "32767", "32768", "-32769", "70000",
	"2147483647", "2147483648", "-2147483649", "3000000000", "9223372036854775807", "-9223372036854775808",
	"9223372036854775808", "-9223372036854775809", "12345678901234567890", "+7", "007", "-007", "-0", "+0",
	// integral values written as decimals
	"1.0", "300.0", "1e3", "1E3", "1.", "1e18", "1e19", "1.0E20", "1E400", "-1E400", "9.2233720368547758E18",
	"100e-2", "12.500e1",
	// fractions: FLOAT32 when finite, else FLOAT64, else Decimal
	".5", "-.5", "1.5", "-1.5", "0.1", "3.14159265358979", "1.5E300", "-1.5E300", "1e-400", "-1e-400",
	"1.5e-45", "3.4028235e38", "3.5e38", "1.7976931348623157E308", "1.8e308", "123456789.123456789",
	"0.000001", "1.00000000000000000000001", "1e2147483648", "1e-2147483648", "1e-2147483649", "1e99999999999",
	// not numbers
	"123abc", "0x10", "NaN", "Infinity", "-Infinity", "-", "+", "1e", "1e+", "--1", "+-1", "1_000", "1.2.3",
	"e5", "١٢٣", "٣.٥", "۱۲", "１２",
	// junk after a leading number is ignored at the top level
	"12:34", "1,2", "1]", "1}", "1[", "12 34", "1.5x", "1 ", " 1", "-5:x",
	// other strings
	"hello world", "abc,def", "a:b", "\"quoted\"", "\"", "'x'", "a\"b", "\\", "x\\,y", ",", ":", "]", "}",
	"[", "{", "1:", "\t\n",
	// dates, times, timestamps (lenient, UTC, Julian before 1582)
	"2019-08-23", "2019-13-45", "2019-8-230", "2019-08-2x", "1970-01-01", "1969-12-31", "0001-01-01",
	"1582-10-15", "1582-10-04", "1500-03-01", "2019-02-29", " 2019-8-23", "20190-8-23", "-019-08-23",
	"2019-08-23 ", "2019/08/23", "14:34:54.346Z", "14\\:34\\:54.346Z", "25:00:00.000Z", "00:00:00.000Z",
	"14:34:54.346X", "1:34:54.3456Z", "2019-08-23T14:34:54.346Z", "2019-08-23T14:34:54Z",
	"2019-08-23T14\\:34\\:54.346Z", "2019-08-23T24:00:00.000Z", "1500-01-01T00:00:00.000Z",
	"2019-08-23X14:34:54.346Z",
	// arrays
	"[]", "[ ]", "[null]", "[null, null]", "[1,2,3]", "[1, 2.5, \"a\"]", "[1, null]", "[null, 1]", "[1,2,]",
	"[1, 2, 3,,,]", "[,1]", "[0 1 2]", "[foo]", "[\"a\",\"b\"]", "[[1,2],[3]]", "[1, 300, 70000]",
	"[1, 1.5]", "[1.5, 1e300]", "[1, 3000000000]", "[1e400, 1]", "[true, false]", "[true, 1]",
	"[2019-08-23, 5]", "[14:34:54.346Z]", "[\"2019-08-23\"]", "[\"14:34:54.346Z\"]", "[\"x\", null]",
	"[1,[2]]", "[[1],[\"a\"]]", "[[], [1]]", "[1}", "[1", "[1,", "[\" \"]", "[\"a\\\"b\"]", "[\"a,b\"]",
	"[\"a:b\"]", "[\"a\" \"b\"]", "[ 1 , 2 ]", "[true]x", "[1]2", "[\"unterminated]", "[{\"a\":1},{\"b\":2}]",
	"[1, \"\"]", "[\"\"]", "[[null]]", "[{}]",
	// maps
	"{}", "{ }", "{\"a\":1,\"b\":2}", "{\"k\": 12345678901, \"j\": -1}", "{3: null}", "{foo: 3}", "{a:1}",
	"{6:9 4:20}", "{\"a\":1\"b\":2}", "{1:\"a\", 2:\"b\"}", "{null: 1}", "{\"a\":[1,2]}", "{[1]:2}",
	"{\"a\":1,\"a\":2}", "{\"a\" : \" spaced \" }", "{\"a\":{\"b\":1}}", "{\"a\":null}", "{\"a\":null,\"b\":1}",
	"{\"a\":1,}", "{,}", "{\"a\":}", "{\"a\"}", "{1]", "{\"a\":1", "{1:2, 3.5:4}", "{\"a\":true,\"b\":false}",
	"{\"a\":1, \"b\":\"x\"}", "{2019-08-23:1}", "{\"t\":14:34:54.346Z}", "{true:1}", "{\"a\":\"b\"}x",
}

// inferSchemaValues are typed values for Values.inferSchema.
var inferSchemaValues = []string{
	`{"string":"x"}`, `{"boolean":true}`, `{"int8":1}`, `{"int16":1}`, `{"int32":1}`, `{"int64":1}`,
	`{"float32":1.5}`, `{"float64":1.5}`, `{"bytes":"AQI="}`, `{"decimal":"1.5"}`, `{"date":0}`, `null`,
	`{"array":[]}`, `{"array":[{"int32":1},{"int32":2}]}`, `{"array":[{"int32":1},null]}`, `{"array":[null]}`,
	`{"array":[{"int32":1},{"string":"a"}]}`, `{"array":[{"int32":1},{"int64":2}]}`,
	`{"array":[{"array":[{"int8":1}]},{"array":[]}]}`, `{"array":[{"decimal":"1"}]}`,
	`{"array":[{"map":[[{"string":"a"},{"int8":1}]]}]}`,
	`{"map":[]}`, `{"map":[[{"string":"a"},{"int32":1}]]}`, `{"map":[[{"string":"a"},null]]}`,
	`{"map":[[{"string":"a"},null],[{"string":"b"},{"int8":1}]]}`, `{"map":[[{"string":"a"},{"int32":1}],[{"int32":2},{"int32":1}]]}`,
	`{"map":[[{"int64":1},{"array":[]}]]}`,
	`{"struct":{"a":{"int32":1}},"schema":{"type":"struct","fields":[{"name":"a","schema":{"type":"int32"}}]}}`,
	`{"array":[{"struct":{"a":{"int32":1}},"schema":{"type":"struct","fields":[{"name":"a","schema":{"type":"int32"}}]}}]}`,
}

type convertCase struct {
	to     string
	scale  int
	schema string // oracle schema description, "" for null
	value  string // typed value
}

const (
	dateSchema      = `{"type":"int32","name":"org.apache.kafka.connect.data.Date","version":1}`
	timeSchema      = `{"type":"int32","name":"org.apache.kafka.connect.data.Time","version":1}`
	timestampSchema = `{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp","version":1}`
	structSchema    = `{"type":"struct","fields":[{"name":"a","schema":{"type":"int32"}},{"name":"s","schema":{"type":"string","optional":true,"default":"d"}}]}`
)

func convertCases() []convertCase {
	var cs []convertCase
	add := func(to string, schema string, values ...string) {
		for _, v := range values {
			cs = append(cs, convertCase{to: to, schema: schema, value: v})
		}
	}
	numbers := []string{`{"int8":-5}`, `{"int16":300}`, `{"int32":70000}`, `{"int64":3000000000}`,
		`{"int64":-9223372036854775808}`, `{"float32":1.5}`, `{"float32":-2.7}`, `{"float64":1e20}`,
		`{"float64":-1e20}`, `{"float64":"NaN"}`, `{"float64":"Infinity"}`, `{"float64":0.5}`,
		`{"decimal":"42.9"}`, `{"decimal":"-1E+30"}`, `{"decimal":"1E+70"}`}
	strs := []string{`{"string":"42"}`, `{"string":"42.9"}`, `{"string":"-300"}`, `{"string":"1e3"}`,
		`{"string":"abc"}`, `{"string":""}`, `{"string":"true"}`, `{"string":"null"}`, `{"string":" 7 "}`,
		`{"string":"99999999999999999999"}`, `{"string":"0x10"}`}
	others := []string{`{"boolean":true}`, `{"boolean":false}`, `{"bytes":"AQI="}`, `{"array":[{"int8":1}]}`,
		`{"map":[[{"string":"a"},{"int8":1}]]}`, `{"date":86400000}`}
	for _, to := range []string{"boolean", "int8", "int16", "int32", "int64", "float32", "float64"} {
		add(to, "", numbers...)
		add(to, "", strs...)
		add(to, "", others...)
		add(to, `{"type":"string"}`, `{"string":"abc"}`, `{"string":"12"}`)
		add(to, dateSchema, `{"date":864000000}`, `{"date":864000001}`)
		add(to, timeSchema, `{"date":3600000}`)
		add(to, timestampSchema, `{"date":1700000000123}`, `{"date":-1}`)
		add(to, "", `{"int32":0}`)
	}
	add("string", "", numbers...)
	add("string", "", strs...)
	add("string", "", others...)
	add("string", "", `{"float32":1e10}`, `{"float64":1e-5}`, `{"float64":100}`, `{"float64":0.001}`,
		`{"float64":1e7}`, `{"float32":"NaN"}`, `{"decimal":"1.50"}`, `{"decimal":"1E-7"}`,
		`{"array":[{"string":"a\"b"},{"string":"c\\d"},null,{"bytes":"AQID"},{"float64":2}]}`,
		`{"map":[[{"int32":7},{"string":"x"}]]}`, `{"map":[[{"string":"a"},{"array":[]}],[{"string":"b"},null]]}`,
		`{"date":1234}`, `{"date":-1}`, `{"date":259200000}`, `{"date":259200005}`, `{"date":-62135596800000}`,
		`{"date":-12219292800001}`, `{"date":-12219292800000}`, `{"date":-62198755200000}`, `{"date":253402300800000}`,
		`{"array":[{"date":1234},{"date":259200000}]}`, `{"array":[]}`, `{"map":[]}`)
	// BigDecimal.toString: plain or scientific by scale and adjusted exponent.
	for _, d := range []string{"0", "0.00", "-0.001", "1E-7", "1.23E+5", "123E-10", "0E-10", "0E+3",
		"12345678901234567890.123", "0.000001", "0.0000001", "-12.5E-7", "1E+1", "5E-324", "-0.0"} {
		add("string", "", `{"decimal":"`+d+`"}`)
	}
	// Float.toString and Double.toString.
	for _, f := range []string{"0", "-0", "1", "100", "1e7", "9999999", "1e-3", "9.99e-4", "1.1", "0.1",
		"1e21", "1e22", "1e23", "2e23", "4.9e-324", "1.7976931348623157e308", "123456.789", "1.0E-5",
		"0.30000000000000004", "9007199254740993", "12345678.9", "-1.5e-10"} {
		add("string", "", `{"float64":"`+f+`"}`, `{"float32":"`+f+`"}`)
	}
	add("string", structSchema, `{"struct":{"a":{"int32":1},"s":null}}`, `{"struct":{"a":{"int32":1},"s":{"string":"x\"y"}}}`)
	add("string", `{"type":"array","valueSchema":`+structSchema+`}`, `{"array":[{"struct":{"a":{"int32":2}}}]}`)
	add("array", "", `{"array":[{"int8":1}]}`, `{"string":"[1, 2]"}`, `{"string":"[1, null]"}`,
		`{"string":"abc"}`, `{"string":"null"}`, `{"int32":1}`, `{"map":[]}`)
	add("map", "", `{"map":[[{"string":"a"},{"int8":1}]]}`, `{"string":"{\"a\":1}"}`, `{"string":"{1:2}"}`,
		`{"string":"x"}`, `{"array":[]}`, `{"int32":1}`)
	add("struct", "", `{"int32":1}`, `{"map":[]}`, `{"string":"{}"}`)
	add("struct", structSchema, `{"struct":{"a":{"int32":1}}}`)
	for _, to := range []string{"time", "date", "timestamp"} {
		add(to, "", `{"int32":1000}`, `{"int64":1700000000123}`, `{"int32":-1}`, `{"int32":90000000}`,
			`{"string":"14:34:54.346Z"}`, `{"string":"2019-08-23"}`, `{"string":"2019-08-23T14:34:54.346Z"}`,
			`{"string":"1000"}`, `{"string":"abc"}`, `{"string":"null"}`, `{"date":1700000000123}`,
			`{"float64":1.5}`, `{"boolean":true}`, `null`)
		add(to, dateSchema, `{"date":864000000}`, `{"date":864000001}`)
		add(to, timeSchema, `{"date":3600000}`, `{"date":86400001}`)
		add(to, timestampSchema, `{"date":1700000000123}`, `{"date":-1700000000123}`, `{"date":-1}`)
		add(to, `{"type":"int64"}`, `{"int64":1700000000123}`)
	}
	for _, v := range []string{`{"string":"3.14159"}`, `{"string":"1e3"}`, `{"string":"abc"}`, `{"int32":5}`,
		`{"int64":-5}`, `{"float32":1.1}`, `{"float64":0.1}`, `{"float64":1e20}`, `{"float64":"NaN"}`,
		`{"decimal":"1.50"}`, `{"bytes":"AJw="}`, `{"bytes":""}`, `{"boolean":true}`, `null`} {
		cs = append(cs, convertCase{to: "decimal", scale: 2, value: v})
	}
	cs = append(cs, convertCase{to: "decimal", scale: 0, value: `{"bytes":"/w=="}`})
	return cs
}

func raw(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

func valuesRequestsFromTables() []oracle.Request {
	var reqs []oracle.Request
	for i, in := range parseStringInputs {
		reqs = append(reqs, oracle.Request{ID: fmt.Sprintf("parse-%d", i), Op: "values.parseString",
			Fields: map[string]any{"input": in}})
	}
	for i, v := range inferSchemaValues {
		reqs = append(reqs, oracle.Request{ID: fmt.Sprintf("infer-%d", i), Op: "values.inferSchema",
			Fields: map[string]any{"value": raw(v)}})
	}
	for i, c := range convertCases() {
		f := map[string]any{"to": c.to, "schema": raw(c.schema), "value": raw(c.value)}
		if c.to == "decimal" {
			f["scale"] = c.scale
		}
		reqs = append(reqs, oracle.Request{ID: fmt.Sprintf("convert-%d", i), Op: "values.convert", Fields: f})
	}
	return reqs
}

func TestWriteValuesRequests(t *testing.T) {
	if !*writeRequests {
		t.Skip("run with -write-requests to rewrite the request file")
	}
	if err := oracle.WriteRequests(filepath.FromSlash(valuesRequests), valuesRequestsFromTables()); err != nil {
		t.Fatal(err)
	}
}

// TestValuesGoldenRequestsUpToDate fails when the case tables changed but
// the request file (and so the Java responses) was not regenerated.
func TestValuesGoldenRequestsUpToDate(t *testing.T) {
	reqs, err := oracle.ReadRequests(valuesRequests)
	if err != nil {
		t.Fatal(err)
	}
	want := valuesRequestsFromTables()
	if len(reqs) != len(want) {
		t.Fatalf("%s has %d requests, the tables %d: rerun with -write-requests and regenerate the responses",
			valuesRequests, len(reqs), len(want))
	}
	for i := range want {
		a, _ := json.Marshal(want[i])
		b, _ := json.Marshal(normalizeRequest(reqs[i]))
		if string(a) != string(b) {
			t.Fatalf("request %d differs from the tables:\n file   %s\n tables %s", i, b, a)
		}
	}
}

func normalizeRequest(r oracle.Request) oracle.Request {
	f := map[string]any{}
	for k, v := range r.Fields {
		if raw, ok := v.(json.RawMessage); ok {
			var x any
			if json.Unmarshal(raw, &x) == nil {
				if s, ok := x.(string); ok && k != "schema" && k != "value" {
					f[k] = s
					continue
				}
				if n, ok := x.(float64); ok && k == "scale" {
					f[k] = int(n)
					continue
				}
			}
		}
		f[k] = v
	}
	r.Fields = f
	return r
}

func TestValuesGolden(t *testing.T) {
	pairs, err := oracle.Pairs(valuesRequests, valuesResponses)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, p := range pairs {
		counts[p.Request.Op]++
		t.Run(p.Request.ID, func(t *testing.T) {
			switch p.Request.Op {
			case "values.parseString":
				checkParseString(t, p)
			case "values.inferSchema":
				checkInferSchema(t, p)
			case "values.convert":
				checkConvert(t, p)
			default:
				t.Fatalf("unexpected op %s", p.Request.Op)
			}
		})
	}
	t.Logf("golden cases: %v", counts)
}

// deliberateDifferences lists the parseString inputs where we differ from
// Java on purpose, and why. The test checks that we still do what is said here.
var deliberateDifferences = map[string]string{
	"{[1]:2}": "Java makes a map with a list as key; a Go map cannot have one, so the input reads as a STRING",
}

func checkParseString(t *testing.T, p oracle.Pair) {
	var in string
	if err := json.Unmarshal(p.Request.Raw("input"), &in); err != nil {
		t.Fatal(err)
	}
	if why, ok := deliberateDifferences[in]; ok {
		s, v := data.ParseString(in)
		if s != data.StringSchema || v != in {
			t.Errorf("ParseString(%q) = %v, %v; want the input as a STRING (%s)", in, s, v, why)
		}
		t.Logf("deliberate difference: %s", why)
		return
	}
	if !p.Response.OK {
		t.Fatalf("Java failed: %+v", p.Response.Error)
	}
	wantSchema, err := oracle.DecodeSchema(p.Response.Fields["schema"])
	if err != nil {
		t.Fatal(err)
	}
	want, err := oracle.DecodeValue(p.Response.Fields["value"], wantSchema)
	if err != nil {
		t.Fatal(err)
	}
	gotSchema, got := data.ParseString(in)
	if !data.Equal(gotSchema, wantSchema) {
		t.Errorf("ParseString(%q) schema = %s, Java %s", in, js(oracle.EncodeSchema(gotSchema)), p.Response.Fields["schema"])
	}
	if !sameValue(got, want) {
		t.Errorf("ParseString(%q) value = %s, Java %s", in, js(oracle.EncodeValue(got, gotSchema)), p.Response.Fields["value"])
	}
}

func checkInferSchema(t *testing.T, p oracle.Pair) {
	v, err := oracle.DecodeValue(p.Request.Raw("value"), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := data.InferSchema(v)
	if !p.Response.OK {
		if err == nil {
			t.Fatalf("InferSchema = %s, want an error like Java's %+v", js(oracle.EncodeSchema(got)), p.Response.Error)
		}
		return
	}
	if err != nil {
		t.Fatalf("InferSchema: %v", err)
	}
	want, err := oracle.DecodeSchema(p.Response.Fields["schema"])
	if err != nil {
		t.Fatal(err)
	}
	if !data.Equal(got, want) {
		t.Errorf("InferSchema = %s, Java %s", js(oracle.EncodeSchema(got)), p.Response.Fields["schema"])
	}
}

func checkConvert(t *testing.T, p oracle.Pair) {
	schema, err := oracle.DecodeSchema(p.Request.Raw("schema"))
	if err != nil {
		t.Fatal(err)
	}
	value, err := oracle.DecodeValue(p.Request.Raw("value"), schema)
	if err != nil {
		t.Fatal(err)
	}
	var to string
	json.Unmarshal(p.Request.Raw("to"), &to)
	var scale int32
	json.Unmarshal(p.Request.Raw("scale"), &scale)
	got, err := convert(to, scale, schema, value)
	if !p.Response.OK {
		if err == nil {
			t.Fatalf("convert to %s = %s, want an error like Java's %s: %s", to, js(oracle.EncodeValue(got, nil)),
				p.Response.Error.Class, p.Response.Error.Message)
		}
		if p.Response.Error.Class == "org.apache.kafka.connect.errors.DataException" &&
			comparableMessage(err.Error()) != comparableMessage(p.Response.Error.Message) {
			t.Errorf("error %q, Java %q", err, p.Response.Error.Message)
		}
		return
	}
	want, err2 := oracle.DecodeValue(p.Response.Fields["value"], nil)
	if err2 != nil {
		t.Fatal(err2)
	}
	if want == nil && errors.Is(err, data.ErrNullValue) {
		return // Java returns null; our typed result cannot (documented on ErrNullValue)
	}
	if err != nil {
		t.Fatalf("convert to %s: %v; Java gave %s", to, err, p.Response.Fields["value"])
	}
	if !sameValue(got, want) {
		if gs, ok := got.(string); ok && jdk17Digits(gs, want, value) {
			t.Logf("JDK 17 prints %v with more digits than the shortest form %s", want, gs)
			return
		}
		t.Errorf("convert to %s = %s, Java %s", to, js(oracle.EncodeValue(got, nil)), p.Response.Fields["value"])
	}
}

// jdk17Digits reports whether Java's text of a float is JDK 17's
// non-shortest rendering of the same number we render in the shortest form
// (JDK 19 and later print what we print).
func jdk17Digits(got string, want, value any) bool {
	ws, ok := want.(string)
	if !ok || len(ws) <= len(got) {
		return false
	}
	bits := 64
	if _, is32 := value.(float32); is32 {
		bits = 32
	}
	a, err1 := strconv.ParseFloat(got, bits)
	b, err2 := strconv.ParseFloat(ws, bits)
	return err1 == nil && err2 == nil && a == b
}

var (
	identityHash = regexp.MustCompile(`\[B@[0-9a-f]+`)
	javaMapClass = regexp.MustCompile(`java\.util\.(Linked)?HashMap`)
)

// comparableMessage blanks what Java's text cannot share with ours: the
// identity hash code Java prints for a byte[] and the map class (the oracle
// builds LinkedHashMaps, we name HashMap).
func comparableMessage(s string) string {
	s = identityHash.ReplaceAllString(s, "[B@…")
	return javaMapClass.ReplaceAllString(s, "java.util.Map")
}

func convert(to string, scale int32, s *data.Schema, v any) (any, error) {
	switch to {
	case "boolean":
		return data.ConvertToBoolean(s, v)
	case "int8":
		return data.ConvertToInt8(s, v)
	case "int16":
		return data.ConvertToInt16(s, v)
	case "int32":
		return data.ConvertToInt32(s, v)
	case "int64":
		return data.ConvertToInt64(s, v)
	case "float32":
		return data.ConvertToFloat32(s, v)
	case "float64":
		return data.ConvertToFloat64(s, v)
	case "string":
		if v == nil {
			return nil, nil
		}
		return data.ConvertToString(s, v)
	case "array":
		return data.ConvertToList(s, v)
	case "map":
		return data.ConvertToMap(s, v)
	case "struct":
		return data.ConvertToStruct(s, v)
	case "time":
		return data.ConvertToTime(s, v)
	case "date":
		return data.ConvertToDate(s, v)
	case "timestamp":
		return data.ConvertToTimestamp(s, v)
	case "decimal":
		return data.ConvertToDecimal(s, v, scale)
	}
	return nil, fmt.Errorf("unknown target %q", to)
}

// sameValue is data.ValuesEqual that also holds NaN equal to NaN and keeps
// the Go types strict (int8 is not int16).
func sameValue(a, b any) bool {
	if fa, ok := a.(float64); ok {
		fb, ok := b.(float64)
		return ok && (fa == fb && math.Signbit(fa) == math.Signbit(fb) || fa != fa && fb != fb)
	}
	if fa, ok := a.(float32); ok {
		fb, ok := b.(float32)
		return ok && (fa == fb && math.Signbit(float64(fa)) == math.Signbit(float64(fb)) || fa != fa && fb != fb)
	}
	if la, ok := a.([]any); ok {
		lb, ok := b.([]any)
		if !ok || len(la) != len(lb) {
			return false
		}
		for i := range la {
			if !sameValue(la[i], lb[i]) {
				return false
			}
		}
		return true
	}
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if data.IsMap(a) && data.IsMap(b) {
		return data.ValuesEqual(a, b)
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
