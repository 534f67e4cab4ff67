package transforms_test

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/kafka-connect-go/connect/connector/connectortest/oracle"
)

// The case tables behind testdata/oracle/*.requests.jsonl. Rewrite the
// request files with `go test -run TestWriteRequests -write-requests`, then
// run them through the Java oracle (testdata/README.md).

// Schemas in the oracle's description format.
const (
	sInt8      = `{"type":"int8"}`
	sInt32     = `{"type":"int32"}`
	sOptInt32  = `{"type":"int32","optional":true}`
	sInt64     = `{"type":"int64"}`
	sOptInt64  = `{"type":"int64","optional":true}`
	sFloat32   = `{"type":"float32"}`
	sFloat64   = `{"type":"float64"}`
	sBool      = `{"type":"boolean"}`
	sString    = `{"type":"string"}`
	sOptString = `{"type":"string","optional":true}`
	sBytes     = `{"type":"bytes"}`
	sDecimal0  = `{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"0"}}`
	sDecimal2  = `{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}`
	sDate      = `{"type":"int32","name":"org.apache.kafka.connect.data.Date","version":1}`
	sTime      = `{"type":"int32","name":"org.apache.kafka.connect.data.Time","version":1}`
	sTimestamp = `{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp","version":1}`
	sOptTS     = `{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp","version":1,"optional":true}`
	sArrInt32  = `{"type":"array","valueSchema":{"type":"int32"}}`
	sMapStrInt = `{"type":"map","keySchema":{"type":"string"},"valueSchema":{"type":"int32"}}`
)

// structOf builds a struct schema from name/schema pairs.
func structOf(extra string, fields ...string) string {
	var fs []string
	for i := 0; i+1 < len(fields); i += 2 {
		fs = append(fs, fmt.Sprintf(`{"name":%q,"schema":%s}`, fields[i], fields[i+1]))
	}
	out := `{"type":"struct"` + extra + `,"fields":[`
	for i, f := range fs {
		if i > 0 {
			out += ","
		}
		out += f
	}
	return out + `]}`
}

// rec describes a record of a request. Values and schemas are raw JSON in
// the oracle's formats; an empty string is a null.
type rec struct {
	source    bool
	topic     string
	partition *int
	offset    int64
	ts        *int64
	keySchema string
	key       string
	valSchema string
	val       string
	headers   string
}

const testTS = int64(1483425001864) // 2017-01-03T06:30:01.864Z

func intp(i int) *int       { return &i }
func int64p(i int64) *int64 { return &i }

// sv is a sink record with a schemaless value.
func sv(value string) rec { return rec{topic: "test", offset: 42, ts: int64p(testTS), val: value} }

// tv is a sink record with a value and its schema.
func tv(schema, value string) rec {
	r := sv(value)
	r.valSchema = schema
	return r
}

func (r rec) withKey(schema, key string) rec { r.keySchema, r.key = schema, key; return r }
func (r rec) withHeaders(h string) rec       { r.headers = h; return r }
func (r rec) noTimestamp() rec               { r.ts = nil; return r }
func (r rec) at(ts int64) rec                { r.ts = &ts; return r }
func (r rec) onTopic(t string) rec           { r.topic = t; return r }

// asSource makes it a source record, with no partition unless p >= 0.
func (r rec) asSource(p int) rec {
	r.source = true
	r.partition = nil
	if p >= 0 {
		r.partition = &p
	}
	return r
}

func raw(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

func (r rec) json() map[string]any {
	m := map[string]any{"topic": r.topic}
	if r.source {
		m["type"] = "source"
		m["sourcePartition"] = map[string]any{"file": "f"}
		m["sourceOffset"] = map[string]any{"pos": 1}
		if r.partition != nil {
			m["partition"] = *r.partition
		} else {
			m["partition"] = nil
		}
	} else {
		m["type"] = "sink"
		m["partition"] = 0
		if r.partition != nil {
			m["partition"] = *r.partition
		}
		m["kafkaOffset"] = r.offset
	}
	if r.ts != nil {
		m["timestamp"] = *r.ts
	}
	if r.key != "" || r.keySchema != "" {
		m["keyConnect"] = map[string]any{"schema": raw(r.keySchema), "value": raw(r.key)}
	}
	if r.val != "" || r.valSchema != "" {
		m["valueConnect"] = map[string]any{"schema": raw(r.valSchema), "value": raw(r.val)}
	}
	if r.headers != "" {
		m["headers"] = raw(r.headers)
	}
	return m
}

// caseFile collects the requests of one request file.
type caseFile struct {
	reqs []oracle.Request
	ids  map[string]bool
}

func (f *caseFile) add(id string, fields map[string]any) {
	if f.ids == nil {
		f.ids = map[string]bool{}
	}
	if f.ids[id] {
		panic("duplicate case id " + id)
	}
	f.ids[id] = true
	f.reqs = append(f.reqs, oracle.Request{ID: id, Op: "smt", Fields: fields})
}

// smt adds a case applying class (relative to the transforms package) with
// config to r.
func (f *caseFile) smt(class, name string, config map[string]any, r rec) {
	f.add(class+":"+name, map[string]any{"class": class, "config": config, "record": r.json()})
}

// conf adds a case that only validates and configures.
func (f *caseFile) conf(class, name string, config map[string]any) {
	f.add(class+":"+name, map[string]any{"class": class, "config": config, "configOnly": true})
}

func cfg(kv ...string) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func goldenRequests() map[string][]oracle.Request {
	return map[string][]oracle.Request{
		"cast":               castCases(),
		"dropheaders":        dropHeadersCases(),
		"extractfield":       extractFieldCases(),
		"filter":             filterCases(),
		"flatten":            flattenCases(),
		"headerfrom":         headerFromCases(),
		"hoistfield":         hoistFieldCases(),
		"insertfield":        insertFieldCases(),
		"insertheader":       insertHeaderCases(),
		"maskfield":          maskFieldCases(),
		"regexrouter":        regexRouterCases(),
		"replacefield":       replaceFieldCases(),
		"setschemametadata":  setSchemaMetadataCases(),
		"timestampconverter": timestampConverterCases(),
		"timestamprouter":    timestampRouterCases(),
		"valuetokey":         valueToKeyCases(),
	}
}

// intKeyed is a schemaless map with keys that are not strings.
const intKeyed = `{"map":[[{"int32":1},"one"],["a",{"int64":2}]]}`

const someHeaders = `[{"key":"h1","schema":{"type":"string"},"value":{"string":"one"}},{"key":"h2","schema":{"type":"int8"},"value":{"int8":2}}]`

func castCases() []oracle.Request {
	var f caseFile
	const v = "Cast$Value"
	table1 := map[string]string{
		"empty": "", "faketype-field": "foo:faketype", "faketype-whole": "faketype", "array-field": "foo:array",
		"array-whole": "array", "bytes-field": "foo:bytes", "bytes-whole": "bytes", "struct-field": "foo:struct",
		"map-whole": "map", "three-parts": "foo:int8:extra", "whole-and-field": "foo:int8,int32",
		"field-and-whole": "int32,foo:int8", "trailing-colon": "a:", "empty-field": ":int8", "two-colons": "a::b",
		"mixed-case-and-spaces": " a : Int32 , b:STRING", "trailing-comma": "a:int8,", "repeated-field": "a:int8,a:string",
		"two-wholes": "int8,int16", "blank-element": "a:int8, ,b:int8", "whole-float64": "FLOAT64",
	}
	for _, name := range sorted(table1) {
		spec := table1[name]
		f.conf(v, "spec-"+name, cfg("spec", spec))
	}
	f.conf(v, "spec-missing", cfg())
	f.conf(v, "replace-null-bad", cfg("spec", "a:int8", "replace.null.with.default", "maybe"))
	f.conf("Cast$Key", "spec-ok", cfg("spec", "int64"))

	// Schemaless, whole value.
	for _, c := range []struct{ name, value, to string }{
		{"int64-300-int8", "300", "int8"}, {"int64-300-int16", "300", "int16"}, {"int64-300-int32", "300", "int32"},
		{"int64-big-int32", "3000000000", "int32"}, {"int64-300-float32", "300", "float32"},
		{"int64-big-float32", "16777217", "float32"}, {"int64-300-float64", "300", "float64"},
		{"int64-0-boolean", "0", "boolean"}, {"int64-2-boolean", "2", "boolean"}, {"int64-300-string", "300", "string"},
		{"float64-0.5-boolean", "0.5", "boolean"}, {"float64-1.5-int8", "1.5", "int8"}, {"float64-neg-int64", "-1.5", "int64"},
		{"float64-1e10-int32", "1e10", "int32"}, {"float64-1e10-int8", "1e10", "int8"}, {"float64-1e10-string", "1e10", "string"},
		{"float64-1e-5-string", "0.00001", "string"}, {"float64-100-string", "100.0", "string"},
		{"float64-1e20-int64", "1e20", "int64"}, {"float64-1.5-float32", "1.5", "float32"},
		{"float64-nan-int32", `{"float64":"NaN"}`, "int32"}, {"float64-inf-int16", `{"float64":"Infinity"}`, "int16"},
		{"float32-big-int16", `{"float32":3.4E38}`, "int16"}, {"float32-string", `{"float32":1.1}`, "string"},
		{"float32-float64", `{"float32":1.1}`, "float64"},
		{"int8-int64", `{"int8":-5}`, "int64"}, {"int16-int8", `{"int16":-300}`, "int8"}, {"int32-float64", `{"int32":7}`, "float64"},
		{"string-42-int8", `"42"`, "int8"}, {"string-300-int8", `"300"`, "int8"}, {"string-neg129-int8", `"-129"`, "int8"},
		{"string-plus-int32", `"+7"`, "int32"}, {"string-decimal-int32", `"42.0"`, "int32"}, {"string-space-int32", `" 42"`, "int32"},
		{"string-empty-int32", `""`, "int32"}, {"string-int64-max", `"9223372036854775807"`, "int64"},
		{"string-int64-over", `"9223372036854775808"`, "int64"}, {"string-float32", `"1.5"`, "float32"},
		{"string-spaces-float64", `" 1.5 "`, "float64"}, {"string-hex-float64", `"0x1p3"`, "float64"},
		{"string-1e400-float64", `"1e400"`, "float64"}, {"string-nan-float32", `"NaN"`, "float32"},
		{"string-inf-float64", `"-Infinity"`, "float64"}, {"string-suffix-float64", `"1.5f"`, "float64"},
		{"string-pi-float32", `"3.14159265358979"`, "float32"}, {"string-bad-float64", `"abc"`, "float64"},
		{"string-yes-boolean", `"yes"`, "boolean"}, {"string-TRUE-boolean", `"TRUE"`, "boolean"},
		{"string-string", `"x"`, "string"}, {"boolean-int8", "true", "int8"}, {"boolean-float32", "true", "float32"},
		{"boolean-string", "false", "string"}, {"bytes-string", `{"bytes":"AQID"}`, "string"},
		{"bytes-int8", `{"bytes":"AQID"}`, "int8"}, {"list-int8", "[1,2]", "int8"}, {"map-string", `{"a":1}`, "string"},
		{"decimal-int32", `{"decimal":"1.5"}`, "int32"}, {"date-int64", `{"date":0}`, "int64"},
	} {
		f.smt(v, "schemaless-"+c.name, cfg("spec", c.to), sv(c.value))
	}
	f.smt(v, "schemaless-tombstone", cfg("spec", "int8"), sv(""))
	f.smt("Cast$Key", "schemaless-key", cfg("spec", "string"), sv(`{"a":1}`).withKey("", "42"))
	f.smt("Cast$Key", "schemaless-null-key", cfg("spec", "string"), sv(`{"a":1}`))

	// Schemaless, fields.
	f.smt(v, "schemaless-fields", cfg("spec", "a:string,b:int32,c:int8,d:boolean"),
		sv(`{"a":1,"b":"2","c":true,"d":"TRUE","e":"kept"}`).withHeaders(someHeaders))
	f.smt(v, "schemaless-missing-field", cfg("spec", "b:int32"), sv(`{"a":1}`))
	f.smt(v, "schemaless-null-field", cfg("spec", "a:int32"), sv(`{"a":null,"b":1}`))
	f.smt(v, "schemaless-nested-map-field", cfg("spec", "m:string"), sv(`{"m":{"x":1}}`))
	f.smt(v, "schemaless-list-field", cfg("spec", "l:string"), sv(`{"l":[1]}`))
	f.smt(v, "schemaless-not-a-map", cfg("spec", "a:int8"), sv(`"str"`))
	f.smt(v, "schemaless-list-value", cfg("spec", "a:int8"), sv(`[1]`))
	f.smt(v, "schemaless-field-bad-number", cfg("spec", "a:int8"), sv(`{"a":"x"}`))

	// With a schema, whole value.
	f.smt("Cast$Key", "schema-int32-int8", cfg("spec", "int8"), sv(`{"a":1}`).withKey(sInt32, "42"))
	f.smt(v, "schema-float32-default", cfg("spec", "int32"),
		tv(`{"type":"float32","default":-42.125}`, "42.125"))
	f.smt(v, "schema-optional-null", cfg("spec", "int8"), tv(sOptInt64, ""))
	f.smt(v, "schema-optional-value", cfg("spec", "int8"), tv(sOptInt64, "7"))
	f.smt(v, "schema-named", cfg("spec", "string"),
		tv(`{"type":"int64","name":"com.example.Id","version":3,"doc":"an id","parameters":{"k":"v"}}`, "7"))
	f.smt(v, "schema-timestamp-string", cfg("spec", "string"), tv(sTimestamp, `{"date":86401234}`))
	f.smt(v, "schema-timestamp-int64", cfg("spec", "int64"), tv(sTimestamp, `{"date":86401234}`))
	f.smt(v, "schema-timestamp-max-float64", cfg("spec", "float64"), tv(sTimestamp, `{"date":9223372036854775807}`))
	f.smt(v, "schema-date-int32", cfg("spec", "int32"), tv(sDate, `{"date":86400000}`))
	f.smt(v, "schema-date-string", cfg("spec", "string"), tv(sDate, `{"date":86400000}`))
	f.smt(v, "schema-time-int64", cfg("spec", "int64"), tv(sTime, `{"date":1}`))
	f.smt(v, "schema-time-string", cfg("spec", "string"), tv(sTime, `{"date":1234}`))
	f.smt(v, "schema-decimal-int32", cfg("spec", "int32"), tv(sDecimal0, `{"decimal":"2147483648"}`))
	f.smt(v, "schema-decimal-string", cfg("spec", "string"), tv(sDecimal2, `{"decimal":"1.50"}`))
	f.smt(v, "schema-decimal-float64", cfg("spec", "float64"), tv(sDecimal2, `{"decimal":"1.50"}`))
	f.smt(v, "schema-decimal-boolean", cfg("spec", "boolean"), tv(sDecimal2, `{"decimal":"0.50"}`))
	f.smt(v, "schema-bytes-string", cfg("spec", "string"), tv(sBytes, `{"bytes":"/ty6mHZUMhA="}`))
	f.smt(v, "schema-bytes-int8", cfg("spec", "int8"), tv(sBytes, `{"bytes":"AQ=="}`))
	f.smt(v, "schema-string-int8", cfg("spec", "int8"), tv(sString, `"42"`))
	f.smt(v, "schema-boolean-string", cfg("spec", "string"), tv(sBool, "true"))
	f.smt(v, "schema-struct-whole", cfg("spec", "string"), tv(structOf("", "a", sInt32), `{"a":1}`))
	f.smt(v, "schema-array-whole", cfg("spec", "string"), tv(sArrInt32, `[1]`))
	f.smt(v, "schema-string-default", cfg("spec", "int32"), tv(`{"type":"string","default":"12"}`, `"34"`))

	// With a schema, fields (CastTest's big struct).
	big := structOf("",
		"int8", sInt8, "int16", `{"type":"int16","optional":true}`, "int32", `{"type":"int32","default":2}`,
		"int64", sInt64, "float32", sFloat32, "float64", `{"type":"float64","default":-1.125}`, "boolean", sBool,
		"string", sString, "bigdecimal", sDecimal0, "date", sDate, "optional", sOptInt32, "timestamp", sTimestamp,
		"bytes", sBytes, "byteArray", sBytes)
	f.smt(v, "schema-struct-fields", cfg("spec",
		"int8:int16,int16:int32,int32:int64,int64:boolean,float32:float64,float64:boolean,boolean:int8,string:int32,"+
			"bigdecimal:string,date:string,optional:int32,bytes:string,byteArray:string"),
		tv(big, `{"int8":8,"int16":16,"int32":32,"int64":64,"float32":32.0,"float64":-64.0,"boolean":true,"string":"42",`+
			`"bigdecimal":"42","date":86400000,"optional":null,"timestamp":0,"bytes":"/ty6mHZUMhA=","byteArray":"AQI="}`).
			withHeaders(someHeaders))
	f.smt(v, "schema-struct-unknown-field-ignored", cfg("spec", "nope:int8,a:string"), tv(structOf("", "a", sInt32), `{"a":1}`))
	withDef := structOf(`,"name":"S","version":2,"doc":"d"`, "a", `{"type":"int32","optional":true,"default":5}`, "b", sString)
	f.smt(v, "schema-struct-default-replaced", cfg("spec", "a:string"), tv(withDef, `{"a":null,"b":"x"}`))
	f.smt(v, "schema-struct-default-kept-null", cfg("spec", "a:string", "replace.null.with.default", "false"),
		tv(withDef, `{"a":null,"b":"x"}`))
	f.smt(v, "schema-struct-untouched-default", cfg("spec", "b:int8", "replace.null.with.default", "false"),
		tv(withDef, `{"a":null,"b":"7"}`))
	f.smt(v, "schema-struct-nested-field", cfg("spec", "n:string"), tv(structOf("", "n", structOf("", "x", sInt32)), `{"n":{"x":1}}`))
	f.smt(v, "schema-struct-bad-string", cfg("spec", "s:int32"), tv(structOf("", "s", sString), `{"s":"4x"}`))
	f.smt(v, "schema-struct-optional-schema", cfg("spec", "a:int64"),
		tv(`{"type":"struct","optional":true,"fields":[{"name":"a","schema":{"type":"int32"}}]}`, `{"a":1}`))
	f.smt(v, "schema-struct-tombstone", cfg("spec", "a:int64"),
		tv(`{"type":"struct","optional":true,"fields":[{"name":"a","schema":{"type":"int32"}}]}`, ""))
	f.smt(v, "schema-non-struct-fields", cfg("spec", "a:int8"), tv(sInt32, "5"))
	f.smt(v, "schema-map-fields", cfg("spec", "a:int8"), tv(sMapStrInt, `{"a":1}`))
	f.smt(v, "schema-struct-not-struct-value", cfg("spec", "a:int8"), tv(structOf("", "a", sInt32), "").withKey("", "1"))
	f.smt("Cast$Key", "schema-struct-key", cfg("spec", "k:string"),
		sv(`{"v":1}`).withKey(structOf("", "k", sInt64), `{"k":9}`))
	f.smt(v, "source-record", cfg("spec", "string"), sv("5").asSource(-1).noTimestamp())
	f.smt(v, "schemaless-int-keys", cfg("spec", "a:string"), sv(intKeyed))
	f.smt(v, "schemaless-struct-whole", cfg("spec", "string"), sv(`{"struct":{"a":1},"schema":`+structOf("", "a", sInt32)+`}`))
	return f.reqs
}

func dropHeadersCases() []oracle.Request {
	var f caseFile
	const c = "DropHeaders"
	f.conf(c, "missing", cfg())
	f.conf(c, "empty", cfg("headers", ""))
	f.conf(c, "blank-elements", cfg("headers", " , "))
	f.conf(c, "ok", cfg("headers", "a,b"))
	hs := `[{"key":"a","schema":{"type":"int8"},"value":{"int8":1}},{"key":"b","schema":{"type":"int8"},"value":{"int8":2}},` +
		`{"key":"a","schema":{"type":"int8"},"value":{"int8":3}},{"key":"c","schema":null,"value":null},` +
		`{"key":"A","schema":{"type":"string"},"value":{"string":"x"}}]`
	f.smt(c, "drop-repeated", cfg("headers", "a,c"), sv(`{"x":1}`).withHeaders(hs))
	f.smt(c, "drop-absent", cfg("headers", "zzz"), sv(`{"x":1}`).withHeaders(hs))
	f.smt(c, "drop-all", cfg("headers", "a,b,c,A"), sv(`{"x":1}`).withHeaders(hs))
	f.smt(c, "case-sensitive", cfg("headers", "A"), sv(`{"x":1}`).withHeaders(hs))
	f.smt(c, "no-headers", cfg("headers", "a"), tv(sInt32, "1"))
	f.smt(c, "tombstone", cfg("headers", "a"), sv("").withHeaders(hs).withKey(sString, `"k"`))
	f.smt(c, "source", cfg("headers", "b"), sv(`{"x":1}`).withHeaders(hs).asSource(3))
	return f.reqs
}

func extractFieldCases() []oracle.Request {
	var f caseFile
	const v, k = "ExtractField$Value", "ExtractField$Key"
	f.conf(v, "missing-field", cfg())
	f.conf(v, "syntax-lower", cfg("field", "a.b", "field.syntax.version", "v2"))
	f.conf(v, "syntax-bad", cfg("field", "a", "field.syntax.version", "V3"))
	f.conf(v, "syntax-empty", cfg("field", "a", "field.syntax.version", ""))
	f.conf(v, "backtick-open", cfg("field", "`foo", "field.syntax.version", "V2"))
	f.conf(v, "backtick-second-step", cfg("field", "foo.`bar", "field.syntax.version", "V2"))
	f.conf(v, "backtick-escaped-end", cfg("field", "`foo\\`", "field.syntax.version", "V2"))
	f.conf(v, "backtick-v1-literal", cfg("field", "`foo", "field.syntax.version", "V1"))
	f.conf(v, "empty-v2", cfg("field", "", "field.syntax.version", "V2"))
	f.conf(v, "empty-v1", cfg("field", ""))
	f.conf(v, "replace-null-bad", cfg("field", "a", "replace.null.with.default", "yes"))

	f.smt(k, "schemaless", cfg("field", "magic"), sv(`{"a":1}`).withKey("", `{"magic":42}`))
	f.smt(v, "schemaless-missing", cfg("field", "nope"), sv(`{"magic":42}`).withHeaders(someHeaders))
	f.smt(v, "schemaless-null", cfg("field", "magic"), sv(""))
	f.smt(v, "schemaless-not-map", cfg("field", "magic"), sv(`"x"`))
	f.smt(v, "schemaless-v1-dots", cfg("field", "a.b"), sv(`{"a.b":1,"a":{"b":2}}`))
	f.smt(v, "schemaless-v2-nested", cfg("field", "magic.foo", "field.syntax.version", "V2"), sv(`{"magic":{"foo":42}}`))
	f.smt(v, "schemaless-v2-missing-step", cfg("field", "a.b.c", "field.syntax.version", "V2"), sv(`{"a":{"x":1}}`))
	f.smt(v, "schemaless-v2-non-map-step", cfg("field", "a.b", "field.syntax.version", "V2"), sv(`{"a":5}`))
	f.smt(v, "schemaless-v2-null-step", cfg("field", "a.b", "field.syntax.version", "V2"), sv(`{"a":null}`))
	f.smt(v, "schemaless-v2-backticks", cfg("field", "`a.b`.c", "field.syntax.version", "V2"), sv(`{"a.b":{"c":"found"},"a":{"b":{"c":"wrong"}}}`))
	f.smt(v, "schemaless-v2-inner-backtick", cfg("field", "a`b`c", "field.syntax.version", "V2"), sv(`{"a`+"`"+`b`+"`"+`c":1}`))
	f.smt(v, "schemaless-v2-escaped", cfg("field", "x.`y\\`.z`", "field.syntax.version", "V2"), sv(`{"x":{"y`+"`"+`.z":7}}`))
	f.smt(v, "schemaless-v2-trailing-dots", cfg("field", "a..", "field.syntax.version", "V2"), sv(`{"a":{"":{"":3}}}`))
	f.smt(v, "schemaless-v2-list", cfg("field", "l", "field.syntax.version", "V2"), sv(`{"l":[1,{"a":2}]}`))
	f.smt(v, "schemaless-int-keys", cfg("field", "a"), sv(intKeyed))

	magic := structOf("", "magic", sInt32, "other", sString)
	f.smt(k, "schema", cfg("field", "magic"), sv(`{"a":1}`).withKey(magic, `{"magic":42,"other":"x"}`))
	f.smt(v, "schema-unknown", cfg("field", "nonexistent"), tv(magic, `{"magic":42,"other":"x"}`))
	f.smt(v, "schema-tombstone", cfg("field", "magic"), tv(`{"type":"struct","optional":true,"fields":[{"name":"magic","schema":{"type":"int32"}}]}`, ""))
	f.smt(v, "schema-tombstone-unknown", cfg("field", "nope"), tv(`{"type":"struct","optional":true,"fields":[{"name":"magic","schema":{"type":"int32"}}]}`, ""))
	withDef := structOf("", "magic", `{"type":"int32","optional":true,"default":42}`)
	f.smt(v, "schema-default", cfg("field", "magic"), tv(withDef, `{"magic":null}`))
	f.smt(v, "schema-default-kept-null", cfg("field", "magic", "replace.null.with.default", "false"), tv(withDef, `{"magic":null}`))
	nested := structOf("", "magic", structOf("", "foo", sInt32, "d", `{"type":"string","optional":true,"default":"dd"}`), "n", sInt32)
	f.smt(v, "schema-v2-nested", cfg("field", "magic.foo", "field.syntax.version", "V2"), tv(nested, `{"magic":{"foo":42,"d":null},"n":1}`))
	f.smt(v, "schema-v2-nested-default", cfg("field", "magic.d", "field.syntax.version", "V2"), tv(nested, `{"magic":{"foo":42,"d":null},"n":1}`))
	f.smt(v, "schema-v2-nested-unknown", cfg("field", "magic.nonexistent", "field.syntax.version", "V2"), tv(nested, `{"magic":{"foo":42,"d":null},"n":1}`))
	f.smt(v, "schema-v2-through-primitive", cfg("field", "n.x", "field.syntax.version", "V2"), tv(nested, `{"magic":{"foo":42,"d":null},"n":1}`))
	optNested := structOf("", "magic", `{"type":"struct","optional":true,"fields":[{"name":"foo","schema":{"type":"int32"}}]}`)
	f.smt(v, "schema-v2-null-step", cfg("field", "magic.foo", "field.syntax.version", "V2"), tv(optNested, `{"magic":null}`))
	f.smt(v, "schema-primitive-value", cfg("field", "magic"), tv(sInt32, "42"))
	f.smt(v, "schema-primitive-null", cfg("field", "magic"), tv(sOptInt32, ""))
	f.smt(v, "schema-struct-field", cfg("field", "magic"), tv(nested, `{"magic":{"foo":42,"d":"z"},"n":1}`).withHeaders(someHeaders))
	return f.reqs
}

func filterCases() []oracle.Request {
	var f caseFile
	const c = "Filter"
	f.conf(c, "no-config", cfg())
	f.conf(c, "any-config", cfg("whatever", "1"))
	f.smt(c, "sink", cfg(), sv(`{"a":1}`))
	f.smt(c, "tombstone", cfg(), sv(""))
	f.smt(c, "source", cfg(), tv(sString, `"x"`).asSource(-1))
	return f.reqs
}

func flattenCases() []oracle.Request {
	var f caseFile
	const v, k = "Flatten$Value", "Flatten$Key"
	f.conf(v, "default", cfg())
	f.conf(v, "delimiter", cfg("delimiter", "#"))
	f.conf(v, "blank-delimiter", cfg("delimiter", " "))

	deep := `{"A":{"B":{"int8":{"int8":8},"int16":{"int16":16},"int32":{"int32":32},"int64":64,"float32":{"float32":32.0},` +
		`"float64":64.0,"boolean":true,"string":"stringy","bytes":{"bytes":"Ynl0ZXM="}}}}`
	f.smt(v, "schemaless-delimiter", cfg("delimiter", "#"), sv(deep))
	f.smt(v, "schemaless-default", cfg(), sv(deep).withHeaders(someHeaders))
	f.smt(v, "schemaless-blank-delimiter", cfg("delimiter", " "), sv(`{"a":{"b":1}}`))
	f.smt(k, "schemaless-key", cfg(), sv("1").withKey("", `{"A":{"B":12}}`))
	f.smt(v, "schemaless-arrays", cfg(), sv(`{"foo":["bar",{"baz":{"lfg":"lfg"}}],"x":{"y":[1,2]}}`))
	f.smt(v, "schemaless-empty-nested", cfg(), sv(`{"a":{},"b":{"c":{}},"d":1}`))
	f.smt(v, "schemaless-null-nested", cfg(), sv(`{"a":null,"b":{"c":null}}`))
	f.smt(v, "schemaless-tombstone", cfg(), sv(""))
	f.smt(v, "schemaless-not-map", cfg(), sv(`[1,2]`))
	f.smt(v, "schemaless-struct-inside", cfg(), sv(`{"s":{"struct":{"a":1},"schema":`+structOf("", "a", sInt32)+`}}`))
	f.smt(v, "schemaless-date-inside", cfg(), sv(`{"d":{"date":0}}`))
	f.smt(v, "schemaless-decimal-inside", cfg(), sv(`{"d":{"decimal":"1.5"}}`))
	f.smt(v, "schemaless-int-keys", cfg(), sv(`{"map":[[{"int32":1},"one"]]}`))

	inner := structOf("", "int8", sInt8, "int64", sInt64, "string", sString, "bytes", sBytes, "ts", sTimestamp, "arr", sArrInt32)
	twoLevels := structOf(`,"name":"Outer","version":1,"doc":"outer doc"`, "A", structOf("", "B", inner), "top", sInt32)
	f.smt(v, "schema-nested", cfg(), tv(twoLevels,
		`{"A":{"B":{"int8":8,"int64":64,"string":"s","bytes":"Ynl0ZXM=","ts":1000,"arr":[1,2]}},"top":1}`).withHeaders(someHeaders))
	f.smt(v, "schema-delimiter", cfg("delimiter", "_"), tv(twoLevels,
		`{"A":{"B":{"int8":8,"int64":64,"string":"s","bytes":"Ynl0ZXM=","ts":1000,"arr":[1,2]}},"top":1}`))
	optB := structOf("", "B", `{"type":"struct","optional":true,"fields":[{"name":"opt_int32","schema":{"type":"int32"}}]}`)
	f.smt(v, "schema-optional-nested-null", cfg(), tv(optB, `{"B":null}`))
	f.smt(v, "schema-optional-nested-set", cfg(), tv(optB, `{"B":{"opt_int32":5}}`))
	f.smt(v, "schema-field-defaults", cfg(), tv(structOf("", "a", `{"type":"string","optional":true,"default":"dflt"}`,
		"n", structOf("", "x", `{"type":"int32","optional":true,"default":7}`, "y", `{"type":"int32","default":8}`)), `{"a":null,"n":{"x":null,"y":1}}`))
	f.smt(v, "schema-map-field", cfg(), tv(structOf("", "m", sMapStrInt), `{"m":{"a":1}}`))
	f.smt(v, "schema-nested-map-field", cfg(), tv(structOf("", "n", structOf("", "m", sMapStrInt)), `{"n":{"m":{"a":1}}}`))
	f.smt(v, "schema-name-clash", cfg(), tv(structOf("", "a.b", sInt32, "a", structOf("", "b", sInt32)), `{"a.b":1,"a":{"b":2}}`))
	f.smt(v, "schema-optional-top", cfg(), tv(`{"type":"struct","optional":true,"fields":[{"name":"a","schema":{"type":"int32"}}]}`, `{"a":1}`))
	f.smt(v, "schema-tombstone", cfg(), tv(`{"type":"struct","optional":true,"fields":[{"name":"a","schema":{"type":"int32"}}]}`, ""))
	f.smt(v, "schema-not-struct", cfg(), tv(sInt32, "1"))
	f.smt(k, "schema-key", cfg(), sv("1").withKey(structOf("", "A", structOf("", "B", sInt32)), `{"A":{"B":12}}`))
	return f.reqs
}

func headerFromCases() []oracle.Request {
	var f caseFile
	const v, k = "HeaderFrom$Value", "HeaderFrom$Key"
	f.conf(v, "missing-all", cfg())
	f.conf(v, "missing-operation", cfg("fields", "a", "headers", "h"))
	f.conf(v, "empty-fields", cfg("fields", "", "headers", "h", "operation", "copy"))
	f.conf(v, "empty-headers", cfg("fields", "a", "headers", "", "operation", "copy"))
	f.conf(v, "length-mismatch", cfg("fields", "a,b", "headers", "h", "operation", "copy"))
	f.conf(v, "operation-upper", cfg("fields", "a", "headers", "h", "operation", "MOVE"))
	f.conf(v, "operation-bad", cfg("fields", "a", "headers", "h", "operation", "rename"))
	f.conf(v, "replace-null-bad", cfg("fields", "a", "headers", "h", "operation", "copy", "replace.null.with.default", "1"))
	f.conf(v, "ok", cfg("fields", "a,b", "headers", "h,h", "operation", "move"))

	existing := `[{"key":"header1","schema":{"type":"string"},"value":{"string":"existing-value"}}]`
	val := `{"field1":"field1-value","field2":"field2-value"}`
	f.smt(v, "schemaless-move", cfg("fields", "field1", "headers", "inserted1", "operation", "move"), sv(val).withHeaders(existing))
	f.smt(v, "schemaless-copy", cfg("fields", "field1", "headers", "inserted1", "operation", "copy"), sv(val).withHeaders(existing))
	f.smt(v, "schemaless-two-to-one", cfg("fields", "field1,field2", "headers", "inserted1,inserted1", "operation", "move"), sv(val))
	f.smt(v, "schemaless-one-to-two", cfg("fields", "field1,field1", "headers", "a,b", "operation", "move"), sv(val))
	f.smt(v, "schemaless-missing-field", cfg("fields", "nope", "headers", "h", "operation", "copy"), sv(val))
	f.smt(v, "schemaless-existing-name", cfg("fields", "field1", "headers", "header1", "operation", "copy"), sv(val).withHeaders(existing))
	f.smt(v, "schemaless-typed", cfg("fields", "n,l,m", "headers", "n,l,m", "operation", "copy"), sv(`{"n":5,"l":[1,"a"],"m":{"x":true}}`))
	f.smt(v, "schemaless-tombstone", cfg("fields", "a", "headers", "h", "operation", "copy"), sv(""))
	f.smt(v, "schemaless-tombstone-move", cfg("fields", "a", "headers", "h", "operation", "move"), sv(""))
	f.smt(v, "schemaless-not-map", cfg("fields", "a", "headers", "h", "operation", "copy"), sv("7"))
	f.smt(k, "schemaless-key", cfg("fields", "id", "headers", "key-id", "operation", "move"), sv("1").withKey("", `{"id":3,"x":4}`))
	f.smt(v, "schemaless-int-keys", cfg("fields", "a", "headers", "h", "operation", "move"), sv(intKeyed))

	sch := structOf(`,"name":"Rec","version":2`, "field1", sString, "field2", sString, "n", `{"type":"int32","optional":true,"default":9}`)
	sval := `{"field1":"field1-value","field2":"field2-value","n":null}`
	f.smt(v, "schema-move", cfg("fields", "field1", "headers", "inserted1", "operation", "move"), tv(sch, sval).withHeaders(existing))
	f.smt(v, "schema-copy", cfg("fields", "field1", "headers", "inserted1", "operation", "copy"), tv(sch, sval).withHeaders(existing))
	f.smt(v, "schema-two-to-one", cfg("fields", "field1,field2", "headers", "inserted1,inserted1", "operation", "move"), tv(sch, sval))
	f.smt(v, "schema-default", cfg("fields", "n", "headers", "h", "operation", "move"), tv(sch, sval))
	f.smt(v, "schema-default-kept-null", cfg("fields", "n", "headers", "h", "operation", "copy", "replace.null.with.default", "false"), tv(sch, sval))
	f.smt(v, "schema-move-default-kept", cfg("fields", "field1", "headers", "h", "operation", "move", "replace.null.with.default", "false"), tv(sch, sval))
	f.smt(v, "schema-missing-field", cfg("fields", "nope", "headers", "h", "operation", "copy"), tv(sch, sval))
	f.smt(v, "schema-required-unset", cfg("fields", "field2", "headers", "h", "operation", "copy"), tv(sch, `{"field1":"x"}`))
	f.smt(v, "schema-tombstone", cfg("fields", "field1", "headers", "h", "operation", "copy"),
		tv(`{"type":"struct","optional":true,"fields":[{"name":"field1","schema":{"type":"string"}}]}`, ""))
	f.smt(v, "schema-not-struct", cfg("fields", "a", "headers", "h", "operation", "copy"), tv(sInt32, "1"))
	f.smt(v, "schema-struct-field", cfg("fields", "s", "headers", "h", "operation", "move"),
		tv(structOf("", "s", structOf("", "x", sInt32), "t", sInt32), `{"s":{"x":1},"t":2}`))
	f.smt(k, "schema-key", cfg("fields", "id", "headers", "key-id", "operation", "copy"),
		sv("1").withKey(structOf("", "id", sInt64), `{"id":3}`))
	return f.reqs
}

func hoistFieldCases() []oracle.Request {
	var f caseFile
	const v, k = "HoistField$Value", "HoistField$Key"
	f.conf(v, "missing", cfg())
	f.conf(v, "ok", cfg("field", "magic"))
	f.smt(k, "schemaless", cfg("field", "magic"), sv("1").withKey("", "42"))
	f.smt(v, "schemaless-map", cfg("field", "magic"), sv(`{"a":1}`).withHeaders(someHeaders))
	f.smt(v, "schemaless-tombstone", cfg("field", "magic"), sv(""))
	f.smt(v, "schemaless-empty-name", cfg("field", ""), sv("1"))
	f.smt(k, "schema", cfg("field", "magic"), sv("1").withKey(sInt32, "42"))
	f.smt(v, "schema-struct", cfg("field", "wrapped"), tv(structOf(`,"name":"In"`, "a", sInt32), `{"a":1}`))
	f.smt(v, "schema-optional-null", cfg("field", "magic"), tv(sOptInt32, ""))
	f.smt(v, "schema-required-null", cfg("field", "magic"), tv(sInt32, ""))
	f.smt(v, "schema-empty-name", cfg("field", ""), tv(sInt32, "1"))
	f.smt(v, "schema-logical", cfg("field", "when"), tv(sTimestamp, `{"date":5}`))
	return f.reqs
}

func insertFieldCases() []oracle.Request {
	var f caseFile
	const v, k = "InsertField$Value", "InsertField$Key"
	all := cfg("topic.field", "topic_field!", "partition.field", "partition_field", "timestamp.field", "timestamp_field?",
		"static.field", "instance_id", "static.value", "my-instance-id")
	f.conf(v, "none", cfg())
	f.conf(v, "static-without-value", cfg("static.field", "s"))
	f.conf(v, "value-without-static", cfg("static.value", "x"))
	f.conf(v, "replace-null-bad", cfg("topic.field", "t", "replace.null.with.default", "nope"))
	f.conf(v, "all", all)

	f.smt(v, "schemaless", all, sv(`{"magic":42}`).at(123).withHeaders(someHeaders))
	f.smt(v, "schemaless-offset", cfg("offset.field", "off", "topic.field", "t"), sv(`{"magic":42}`))
	f.smt(v, "schemaless-source-offset", cfg("offset.field", "off"), sv(`{"magic":42}`).asSource(1))
	f.smt(v, "schemaless-source-no-partition", cfg("partition.field", "p", "timestamp.field", "ts"), sv(`{"magic":42}`).asSource(-1).noTimestamp())
	f.smt(v, "schemaless-source-partition", cfg("partition.field", "p", "timestamp.field", "ts"), sv(`{"magic":42}`).asSource(4))
	f.smt(v, "schemaless-no-timestamp", cfg("timestamp.field", "ts", "topic.field", "t"), sv(`{"magic":42}`).noTimestamp())
	f.smt(v, "schemaless-overwrite", cfg("topic.field", "magic", "static.field", "s", "static.value", "v"), sv(`{"magic":42,"s":1}`))
	f.smt(v, "schemaless-tombstone", all, sv(""))
	f.smt(v, "schemaless-not-map", all, sv("42"))
	f.smt(v, "schemaless-static-trimmed", cfg("static.field", " s ", "static.value", "  v  "), sv(`{}`))
	f.smt(k, "schemaless-key", cfg("topic.field", "t"), sv("1").withKey("", `{"id":1}`))
	f.smt(k, "schemaless-null-key", cfg("topic.field", "t"), sv("1"))
	f.smt(v, "schemaless-int-keys", cfg("topic.field", "t"), sv(intKeyed))

	sch := structOf(`,"name":"name","version":1,"doc":"doc"`, "magic", `{"type":"int64","optional":true,"default":42}`)
	f.smt(v, "schema", all, tv(sch, `{"magic":42}`).at(789))
	f.smt(v, "schema-default", cfg("topic.field", "t"), tv(sch, `{"magic":null}`))
	f.smt(v, "schema-default-kept-null", cfg("topic.field", "t", "replace.null.with.default", "false"), tv(sch, `{"magic":null}`))
	f.smt(v, "schema-offset", cfg("offset.field", "off!", "partition.field", "p!"), tv(sch, `{"magic":1}`))
	f.smt(v, "schema-source-offset", cfg("offset.field", "off"), tv(sch, `{"magic":1}`).asSource(0))
	f.smt(v, "schema-source-required-partition", cfg("partition.field", "p!", "timestamp.field", "ts!"), tv(sch, `{"magic":1}`).asSource(-1).noTimestamp())
	f.smt(v, "schema-duplicate", cfg("topic.field", "magic"), tv(sch, `{"magic":1}`))
	f.smt(v, "schema-tombstone", all, tv(`{"type":"struct","optional":true,"fields":[{"name":"a","schema":{"type":"int32"}}]}`, ""))
	f.smt(v, "schema-not-struct", all, tv(sInt64, "1"))
	f.smt(v, "schema-unset-required", cfg("topic.field", "t"), tv(structOf("", "a", sInt32, "b", sString), `{"a":1}`))
	f.smt(k, "schema-key", cfg("topic.field", "t", "static.field", "s!", "static.value", "v"),
		sv("1").withKey(structOf("", "id", sInt32), `{"id":1}`))
	return f.reqs
}

func insertHeaderCases() []oracle.Request {
	var f caseFile
	const c = "InsertHeader"
	f.conf(c, "missing-both", cfg())
	f.conf(c, "missing-value", cfg("header", "h"))
	f.conf(c, "empty-header", cfg("header", "", "value.literal", "x"))
	existing := `[{"key":"existing","schema":{"type":"string"},"value":{"string":"existing-value"}}]`
	table2 := map[string]string{
		"int8": "1", "int16": "300", "int64": "3000000000", "boolean": "true", "upper-boolean": "TRUE", "string": "hello",
		"date": "2019-08-23", "time": "14:34:54.346Z", "timestamp": "2019-08-23T14:34:54.346Z", "array": "[1,2]",
		"null": "null", "junk-after-number": "12:34", "float32": "3.14159265358979", "array-with-null": "[1, null]",
		"trimmed": "  x  ", "map": `{"a":1,"b":2}`, "mixed-array": `[1, "a"]`, "empty": "", "decimal": "1E400",
		"quoted": `"quoted"`, "words": "hello world",
	}
	for _, name := range sorted(table2) {
		lit := table2[name]
		f.smt(c, "literal-"+name, cfg("header", "inserted", "value.literal", lit), sv(`{"a":1}`).withHeaders(existing))
	}
	f.smt(c, "duplicate-name", cfg("header", "existing", "value.literal", "2"), sv(`{"a":1}`).withHeaders(existing))
	f.smt(c, "tombstone", cfg("header", "h", "value.literal", "1"), sv(""))
	f.smt(c, "source", cfg("header", "h", "value.literal", "1"), tv(sString, `"v"`).asSource(-1))
	return f.reqs
}

func maskFieldCases() []oracle.Request {
	var f caseFile
	const v, k = "MaskField$Value", "MaskField$Key"
	f.conf(v, "missing", cfg())
	f.conf(v, "empty-fields", cfg("fields", ""))
	f.conf(v, "empty-replacement", cfg("fields", "a", "replacement", ""))
	f.conf(v, "blank-replacement", cfg("fields", "a", "replacement", "   "))
	f.conf(v, "ok", cfg("fields", "a", "replacement", "x"))

	val := `{"magic":42,"bool":true,"byte":{"int8":42},"short":{"int16":42},"int":{"int32":42},"long":42,` +
		`"float":{"float32":42.0},"double":42.0,"string":"55.121.20.20","date":{"date":1700000000000},` +
		`"bigdec":{"decimal":"42.0"},"list":[42],"map":{"key":"value"},"null":null}`
	allButMagic := "bool,byte,short,int,long,float,double,string,date,bigdec,list,map,null"
	f.smt(v, "schemaless-all", cfg("fields", allButMagic), sv(val).withHeaders(someHeaders))
	f.smt(v, "schemaless-missing-field", cfg("fields", "nope"), sv(`{"a":1}`))
	table3 := map[string]struct{ field, repl string }{
		"long-123": {"long", "123"}, "string-123": {"string", "123"}, "double-123": {"double", "123"},
		"float-123": {"float", "123"}, "byte-123.9": {"byte", "123.9"}, "short-300": {"short", "70000"},
		"int-foo": {"int", "foo"}, "bool": {"bool", "x"}, "bigdec-12.5": {"bigdec", "12.5"}, "bigdec-abc": {"bigdec", "abc"},
		"date": {"date", "1"}, "list": {"list", "1"}, "map": {"map", "1"}, "null": {"null", "1"}, "long-1e3": {"long", "1e3"},
		"long-space": {"long", "0x10"},
	}
	for _, name := range sorted(table3) {
		c := table3[name]
		f.smt(v, "schemaless-replacement-"+name, cfg("fields", c.field, "replacement", c.repl), sv(val))
	}
	f.smt(v, "schemaless-struct-inside", cfg("fields", "s"), sv(`{"s":{"struct":{"a":1},"schema":`+structOf("", "a", sInt32)+`}}`))
	f.smt(v, "schemaless-bytes-inside", cfg("fields", "b"), sv(`{"b":{"bytes":"AQ=="}}`))
	f.smt(v, "schemaless-tombstone", cfg("fields", "a"), sv(""))
	f.smt(v, "schemaless-not-map", cfg("fields", "a"), sv(`"x"`))
	f.smt(k, "schemaless-key", cfg("fields", "id"), sv("1").withKey("", `{"id":"secret","x":1}`))
	f.smt(v, "schemaless-int-keys", cfg("fields", "a"), sv(intKeyed))

	sch := structOf(`,"name":"Masked"`, "magic", sInt32, "bool", sBool, "byte", sInt8, "int", sInt32, "long", sInt64,
		"float", sFloat32, "double", sFloat64, "string", sString, "date", sDate, "time", sTime, "ts", sTimestamp,
		"bigdec", sDecimal2, "list", sArrInt32, "map", sMapStrInt, "withDefault", `{"type":"string","optional":true,"default":"default"}`,
		"opt", sOptInt32)
	sval := `{"magic":42,"bool":true,"byte":42,"int":42,"long":42,"float":42.0,"double":42.0,"string":"hmm","date":86400000,` +
		`"time":1000,"ts":1700000000000,"bigdec":"1.50","list":[1],"map":{"a":1},"withDefault":null,"opt":null}`
	f.smt(v, "schema-all", cfg("fields", "bool,byte,int,long,float,double,string,date,time,ts,bigdec,list,map,withDefault,opt"), tv(sch, sval))
	f.smt(v, "schema-default-kept-null", cfg("fields", "withDefault", "replace.null.with.default", "false"), tv(sch, sval))
	f.smt(v, "schema-default-replaced", cfg("fields", "magic"), tv(sch, sval))
	f.smt(v, "schema-replacement-int", cfg("fields", "int,long,string", "replacement", "12.9"), tv(sch, sval))
	f.smt(v, "schema-replacement-bool", cfg("fields", "bool", "replacement", "1"), tv(sch, sval))
	f.smt(v, "schema-replacement-decimal", cfg("fields", "bigdec", "replacement", "3.14159"), tv(sch, sval))
	f.smt(v, "schema-missing-field", cfg("fields", "nope"), tv(sch, sval))
	f.smt(v, "schema-struct-field", cfg("fields", "s"), tv(structOf("", "s", structOf("", "x", sInt32)), `{"s":{"x":1}}`))
	f.smt(v, "schema-tombstone", cfg("fields", "a"), tv(`{"type":"struct","optional":true,"fields":[{"name":"a","schema":{"type":"int32"}}]}`, ""))
	f.smt(v, "schema-not-struct", cfg("fields", "a"), tv(sInt32, "1"))
	f.smt(k, "schema-key", cfg("fields", "id"), sv("1").withKey(structOf("", "id", sString), `{"id":"secret"}`))
	return f.reqs
}

func regexRouterCases() []oracle.Request {
	var f caseFile
	const c = "RegexRouter"
	f.conf(c, "missing-both", cfg())
	f.conf(c, "missing-replacement", cfg("regex", "a"))
	f.conf(c, "ok", cfg("regex", "(.*)", "replacement", "$1"))
	f.conf(c, "invalid-group", cfg("regex", "(", "replacement", "x"))
	f.conf(c, "invalid-star", cfg("regex", "*", "replacement", "x"))
	f.conf(c, "lookahead", cfg("regex", "a(?=b)", "replacement", "x"))
	f.conf(c, "backreference", cfg("regex", "(a)\\1", "replacement", "x"))
	for _, x := range []struct{ name, regex, repl, topic string }{
		{"static", "foo", "bar", "foo"}, {"no-match", "foo", "bar", "orig"}, {"identity", "(.*)", "$1", "orig"},
		{"prefix", "(.*)", "prefix-$1", "orig"}, {"suffix", "(.*)", "$1-suffix", "orig"},
		{"slice", `(.*)-(\d\d\d\d\d\d\d\d)`, "$1", "index-20160117"}, {"lazy", "t.*?", "X", "topic"},
		{"swap", "(to)(pic)", "$2$1x", "topic"}, {"greedy-group-number", "(.*)", "$12", "topic"},
		{"missing-group", "(.*)", "$2", "topic"}, {"dollar-at-end", "(.*)", "x$", "topic"},
		{"dollar-letter", "(.*)", "$a", "topic"}, {"escaped-dollar", "(.*)", `\$1`, "topic"},
		{"escaped-backslash", "(.*)", `a\\b`, "topic"}, {"trailing-backslash", "(.*)", `a\`, "topic"},
		{"named", "(?<name>.*)-x", "${name}-y", "topic-x"}, {"named-missing", "(.*)", "${nope}", "topic"},
		{"named-empty", "(.*)", "${}", "topic"}, {"named-unclosed", "(?<n>.*)", "${n", "topic"},
		{"named-digit", "(.*)", "${1a}", "topic"}, {"bad-replacement-no-match", "x", "$9", "topic"},
		{"partial-match-only", "top", "X", "topic"}, {"alternation", "a|ab", "X", "ab"},
		{"optional-group-unmatched", "(a)?(b)", "[$1][$2]", "b"}, {"trimmed", " (.*) ", " $1-t ", "topic"},
		{"dots", `logs\.(.*)`, "$1", "logs.app"},
	} {
		f.smt(c, x.name, cfg("regex", x.regex, "replacement", x.repl), sv(`{"a":1}`).onTopic(x.topic).withHeaders(someHeaders))
	}
	f.smt(c, "source", cfg("regex", "(.*)", "replacement", "$1-copy"), sv(`{"a":1}`).asSource(2))
	f.smt(c, "tombstone", cfg("regex", "(.*)", "replacement", "$1-copy"), sv(""))
	return f.reqs
}

func replaceFieldCases() []oracle.Request {
	var f caseFile
	const v, k = "ReplaceField$Value", "ReplaceField$Key"
	f.conf(v, "defaults", cfg())
	table4 := map[string]string{
		"three-parts": "a:b:c", "trailing-colon": "a:", "leading-colon": ":b", "one-part": "a", "second-bad": "a:b,c",
		"spaces": "a : b", "empty-element": "a:b,",
	}
	for _, name := range sorted(table4) {
		r := table4[name]
		f.conf(v, "renames-"+name, cfg("renames", r))
	}
	f.conf(v, "replace-null-bad", cfg("replace.null.with.default", "x"))

	val := `{"dont":"whatever","abc":42,"foo":true,"etc":"etc"}`
	f.smt(v, "schemaless-exclude-rename", cfg("exclude", "dont", "renames", "abc:xyz,foo:bar"), sv(val).withHeaders(someHeaders))
	f.smt(v, "schemaless-include", cfg("include", "abc,foo"), sv(val))
	f.smt(v, "schemaless-include-exclude", cfg("include", "abc,foo", "exclude", "foo"), sv(val))
	f.smt(v, "schemaless-rename-unknown", cfg("renames", "nope:x"), sv(val))
	f.smt(v, "schemaless-rename-on-original-name", cfg("include", "abc", "renames", "abc:dont"), sv(val))
	f.smt(v, "schemaless-tombstone", cfg("exclude", "a"), sv(""))
	f.smt(v, "schemaless-not-map", cfg("exclude", "a"), sv("1"))
	f.smt(v, "schemaless-blacklist", cfg("blacklist", "dont"), sv(val))
	f.smt(v, "schemaless-whitelist", cfg("whitelist", "abc"), sv(val))
	f.smt(v, "schemaless-exclude-over-blacklist", cfg("exclude", "abc", "blacklist", "dont"), sv(val))
	f.smt(k, "schemaless-key", cfg("exclude", "x"), sv("1").withKey("", `{"x":1,"y":2}`))
	f.smt(v, "schemaless-int-keys-exclude", cfg("exclude", "a"), sv(intKeyed))

	sch := structOf(`,"name":"R","version":1`, "dont", sString, "abc", sInt32, "foo", sBool, "etc", sString,
		"opt", `{"type":"string","optional":true,"default":"dflt"}`)
	sval := `{"dont":"whatever","abc":42,"foo":true,"etc":"etc","opt":null}`
	f.smt(v, "schema-include-rename", cfg("include", "abc,foo", "renames", "abc:xyz,foo:bar"), tv(sch, sval))
	f.smt(v, "schema-exclude", cfg("exclude", "dont,etc"), tv(sch, sval).withHeaders(someHeaders))
	f.smt(v, "schema-default", cfg("include", "opt"), tv(sch, sval))
	f.smt(v, "schema-default-kept-null", cfg("include", "opt", "replace.null.with.default", "false"), tv(sch, sval))
	f.smt(v, "schema-rename-collision", cfg("renames", "abc:etc"), tv(sch, sval))
	f.smt(v, "schema-swap-names", cfg("renames", "abc:foo,foo:abc"), tv(sch, sval))
	f.smt(v, "schema-optional-top", cfg("exclude", "x"), tv(`{"type":"struct","optional":true,"fields":[{"name":"a","schema":{"type":"int32"}}]}`, `{"a":1}`))
	f.smt(v, "schema-tombstone", cfg("exclude", "x"), tv(`{"type":"struct","optional":true,"fields":[{"name":"a","schema":{"type":"int32"}}]}`, ""))
	f.smt(v, "schema-not-struct", cfg("exclude", "x"), tv(sInt32, "1"))
	f.smt(v, "schema-blacklist", cfg("blacklist", "dont"), tv(sch, sval))
	f.smt(k, "schema-key", cfg("renames", "id:key_id"), sv("1").withKey(structOf("", "id", sInt32), `{"id":1}`))
	return f.reqs
}

func setSchemaMetadataCases() []oracle.Request {
	var f caseFile
	const v, k = "SetSchemaMetadata$Value", "SetSchemaMetadata$Key"
	f.conf(v, "neither", cfg())
	f.conf(v, "version-bad", cfg("schema.version", "abc"))
	f.conf(v, "name-only", cfg("schema.name", "foo"))
	f.conf(v, "version-only", cfg("schema.version", "42"))
	f.conf(v, "replace-null-bad", cfg("schema.name", "foo", "replace.null.with.default", "2"))
	sch := structOf(`,"name":"old","version":1,"doc":"the doc","parameters":{"p":"1"}`, "a", sInt32,
		"d", `{"type":"string","optional":true,"default":"dflt"}`)
	sval := `{"a":1,"d":null}`
	f.smt(v, "struct-name-version", cfg("schema.name", "foo", "schema.version", "42"), tv(sch, sval).withHeaders(someHeaders))
	f.smt(v, "struct-name", cfg("schema.name", "foo"), tv(sch, sval))
	f.smt(v, "struct-version", cfg("schema.version", "7"), tv(sch, sval))
	f.smt(v, "struct-default-kept-null", cfg("schema.name", "foo", "replace.null.with.default", "false"), tv(sch, sval))
	f.smt(v, "struct-tombstone", cfg("schema.name", "foo"), tv(`{"type":"struct","optional":true,"fields":[{"name":"a","schema":{"type":"int32"}}]}`, ""))
	f.smt(v, "int32", cfg("schema.name", "foo", "schema.version", "3"), tv(`{"type":"int32","optional":true,"default":5,"doc":"x"}`, "4"))
	f.smt(v, "array", cfg("schema.name", "foo"), tv(sArrInt32, "[1,2]"))
	f.smt(v, "map", cfg("schema.name", "foo"), tv(sMapStrInt, `{"a":1}`))
	f.smt(v, "logical", cfg("schema.version", "2"), tv(sTimestamp, `{"date":5}`))
	f.smt(v, "schemaless", cfg("schema.name", "foo"), sv(`{"a":1}`))
	f.smt(v, "schemaless-tombstone", cfg("schema.name", "foo"), sv(""))
	f.smt(k, "key", cfg("schema.name", "k"), sv("1").withKey(structOf("", "id", sInt32), `{"id":1}`))
	return f.reqs
}

// Date patterns tried both ways by TimestampConverter and TimestampRouter.
var datePatterns = []string{
	"yyyyMMdd", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "yyyy-MM-dd'T'HH:mm:ss.SSSX", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
	"yyyy MM dd HH mm ss SSS z", "yyyy MM dd HH mm ss SSS zzzz", "EEE, d MMM yyyy HH:mm:ss Z", "EEEE MMMM dd yy hh:mm a",
	"G yyy Y ww W D F u k K h", "yyyy.MM.dd G 'at' HH:mm:ss z", "''yy'' SSSSSS", "y-M-d H:m:s.S", "yyyyy.MMMMM.dd GGG hh:mm aaa",
	"'day' D 'of' yyyy", "LLL LLLL yyyy-MM", "dd/MM/yyyy", "HH:mm:ss", "yyyy-'W'ww-u", "YYYY-'W'ww-u",
}

var timestamps = []int64{0, testTS, 86401234, -1500, 951782400000, 1009843199999, 1104537600000, -62135596800000, 253402300799999, 1230768000000}

func timestampConverterCases() []oracle.Request {
	var f caseFile
	const v, k = "TimestampConverter$Value", "TimestampConverter$Key"
	f.conf(v, "missing-target", cfg())
	f.conf(v, "target-upper", cfg("target.type", "STRING", "format", "yyyy"))
	f.conf(v, "target-bad", cfg("target.type", "Instant"))
	f.conf(v, "string-no-format", cfg("target.type", "string"))
	f.conf(v, "string-blank-format", cfg("target.type", "string", "format", "  "))
	f.conf(v, "format-bad-letter", cfg("target.type", "string", "format", "yyyy-MM-dd qq"))
	f.conf(v, "format-unterminated-quote", cfg("target.type", "unix", "format", "yyyy 'x"))
	f.conf(v, "format-long-X", cfg("target.type", "unix", "format", "XXXX"))
	f.conf(v, "precision-bad", cfg("target.type", "unix", "unix.precision", "Seconds"))
	f.conf(v, "replace-null-bad", cfg("target.type", "unix", "replace.null.with.default", "x"))
	f.conf(v, "ok", cfg("target.type", "Timestamp", "field", "ts", "format", "yyyy", "unix.precision", "seconds"))

	const fmt1 = "yyyy MM dd HH mm ss SSS z"
	// Schemaless, whole value.
	for _, target := range []string{"string", "unix", "Date", "Time", "Timestamp"} {
		f.smt(v, "schemaless-unix-to-"+target, cfg("target.type", target, "format", fmt1), sv(fmt.Sprint(testTS)))
		f.smt(v, "schemaless-date-to-"+target, cfg("target.type", target, "format", fmt1), sv(`{"date":86401234}`))
		f.smt(v, "schemaless-string-to-"+target, cfg("target.type", target, "format", fmt1), sv(`"1970 01 02 00 00 01 234 UTC"`))
	}
	for _, p := range []string{"seconds", "milliseconds", "microseconds", "nanoseconds"} {
		f.smt(v, "schemaless-precision-in-"+p, cfg("target.type", "Timestamp", "unix.precision", p), sv("86401234123456"))
		f.smt(v, "schemaless-precision-out-"+p, cfg("target.type", "unix", "unix.precision", p), sv(`{"date":86401234}`))
		f.smt(v, "schemaless-precision-negative-"+p, cfg("target.type", "unix", "unix.precision", p), sv(`{"date":-1500}`))
		f.smt(v, "schemaless-precision-saturate-"+p, cfg("target.type", "unix", "unix.precision", p), sv(`{"date":9223372036854775807}`))
	}
	f.smt(v, "schemaless-seconds-saturate-in", cfg("target.type", "Timestamp", "unix.precision", "seconds"), sv("9223372036854775807"))
	f.smt(v, "schemaless-int32", cfg("target.type", "Timestamp"), sv(`{"int32":5}`))
	f.smt(v, "schemaless-float64", cfg("target.type", "Timestamp"), sv("5.5"))
	f.smt(v, "schemaless-string-no-format", cfg("target.type", "unix"), sv(`"2017"`))
	f.smt(v, "schemaless-tombstone", cfg("target.type", "unix"), sv(""))
	f.smt(v, "schemaless-unparseable", cfg("target.type", "unix", "format", "yyyy-MM-dd"), sv(`"not a date"`))
	f.smt(v, "schemaless-lenient", cfg("target.type", "unix", "format", "yyyy-MM-dd"), sv(`"2017-13-45T10:00"`))
	f.smt(v, "schemaless-field", cfg("target.type", "Timestamp", "field", "ts"), sv(fmt.Sprintf(`{"ts":%d,"other":"x"}`, testTS)).withHeaders(someHeaders))
	f.smt(v, "schemaless-field-missing", cfg("target.type", "Timestamp", "field", "ts"), sv(`{"other":"x"}`))
	f.smt(v, "schemaless-field-not-map", cfg("target.type", "Timestamp", "field", "ts"), sv("5"))
	f.smt(v, "schemaless-field-tombstone", cfg("target.type", "Timestamp", "field", "ts"), sv(""))
	f.smt(k, "schemaless-key", cfg("target.type", "Date"), sv("1").withKey("", fmt.Sprint(testTS)))
	f.smt(v, "schemaless-field-int-keys", cfg("target.type", "Date", "field", "a"), sv(intKeyed))

	// With a schema, whole value.
	for _, target := range []string{"string", "unix", "Date", "Time", "Timestamp"} {
		c := cfg("target.type", target, "format", fmt1)
		f.smt(v, "schema-timestamp-to-"+target, c, tv(sTimestamp, `{"date":86401234}`))
		f.smt(v, "schema-optional-null-to-"+target, c, tv(sOptTS, ""))
		f.smt(v, "schema-int64-to-"+target, c, tv(sInt64, "86401234"))
		f.smt(v, "schema-string-to-"+target, c, tv(sString, `"1970 01 02 00 00 01 234 UTC"`))
		f.smt(v, "schema-date-to-"+target, c, tv(sDate, `{"date":86400000}`))
		f.smt(v, "schema-time-to-"+target, c, tv(sTime, `{"date":1234}`))
	}
	f.smt(v, "schema-int32", cfg("target.type", "Timestamp"), tv(sInt32, "5"))
	f.smt(v, "schema-int32-null", cfg("target.type", "Timestamp"), tv(sOptInt32, ""))
	f.smt(v, "schema-named-int64", cfg("target.type", "string", "format", "yyyy"), tv(`{"type":"int64","name":"my.Time","doc":"d"}`, "0"))

	// With a schema, a field.
	sch := structOf(`,"name":"Rec","version":3`, "ts", sTimestamp, "other", sString)
	f.smt(v, "schema-field", cfg("target.type", "unix", "field", "ts"), tv(sch, `{"ts":86401234,"other":"x"}`).withHeaders(someHeaders))
	f.smt(v, "schema-field-string", cfg("target.type", "string", "field", "ts", "format", "yyyy-MM-dd"), tv(sch, `{"ts":86401234,"other":"x"}`))
	f.smt(v, "schema-field-missing", cfg("target.type", "unix", "field", "nope"), tv(sch, `{"ts":86401234,"other":"x"}`))
	optSch := structOf("", "ts", sOptInt64, "n", `{"type":"int64","optional":true,"default":1000}`)
	f.smt(v, "schema-field-null", cfg("target.type", "Timestamp", "field", "ts"), tv(optSch, `{"ts":null,"n":null}`))
	f.smt(v, "schema-field-default", cfg("target.type", "Timestamp", "field", "n"), tv(optSch, `{"ts":null,"n":null}`))
	f.smt(v, "schema-field-default-kept-null", cfg("target.type", "Timestamp", "field", "n", "replace.null.with.default", "false"), tv(optSch, `{"ts":null,"n":null}`))
	f.smt(v, "schema-field-micros", cfg("target.type", "Timestamp", "field", "ts", "unix.precision", "microseconds"), tv(optSch, `{"ts":86401234123,"n":1}`))
	f.smt(v, "schema-field-int32", cfg("target.type", "Timestamp", "field", "i"), tv(structOf("", "i", sOptInt32), `{"i":null}`))
	f.smt(v, "schema-field-tombstone", cfg("target.type", "Timestamp", "field", "ts"),
		tv(`{"type":"struct","optional":true,"fields":[{"name":"ts","schema":{"type":"int64"}}]}`, ""))
	f.smt(v, "schema-field-not-struct", cfg("target.type", "Timestamp", "field", "ts"), tv(sInt64, "5"))
	f.smt(v, "schema-field-non-struct-null", cfg("target.type", "Timestamp", "field", "ts"), tv(sOptInt64, ""))
	f.smt(v, "schema-field-optional-struct", cfg("target.type", "Date", "field", "ts"),
		tv(`{"type":"struct","optional":true,"fields":[{"name":"ts","schema":{"type":"int64"}}]}`, `{"ts":86401234}`))

	// Formatting and parsing with many patterns.
	for i, p := range datePatterns {
		for j, ts := range timestamps {
			f.smt(v, fmt.Sprintf("format-%d-%d", i, j), cfg("target.type", "string", "format", p), sv(fmt.Sprint(ts)))
		}
	}
	for i, c := range []struct{ pattern, input string }{
		{"yyyy-MM-dd", "2017-13-45T10:00"}, {"yyyy", "1E3"}, {"yyyy-MM-dd", "2017-1E1-05"}, {"HH:mm", "+5:10"},
		{"HH:mm", "-5:10"}, {"yyyyMMdd", "20170103"}, {"yyyyMMdd", "2017013"}, {"yyyyMMddHHmmss", "20170103063001"},
		{"yy-MM-dd", "17-01-03"}, {"yy-MM-dd", "99-01-03"}, {"yy-MM-dd", "117-01-03"}, {"yy-MM-dd", "7-01-03"},
		{"dd MMM yyyy", "03 january 2017"}, {"dd MMM yyyy", "03 JANUARY 2017"}, {"dd MMMM yyyy", "03 Jan 2017"},
		{"EEE, dd MMM yyyy HH:mm:ss Z", "Tue, 03 Jan 2017 06:30:01 +0100"}, {"EEE, dd MMM yyyy HH:mm:ss Z", "Tue, 03 Jan 2017 06:30:01 -0130"},
		{"yyyy-MM-dd'T'HH:mm:ss.SSSX", "2017-01-03T06:30:01.864Z"}, {"yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2017-01-03T06:30:01.864+01:00"},
		{"yyyy-MM-dd'T'HH:mm:ss.SSSXX", "2017-01-03T06:30:01.864-0230"}, {"yyyy-MM-dd'T'HH:mm:ss.SSSX", "2017-01-03T06:30:01.864+05"},
		{"yyyy-MM-dd HH:mm:ss z", "2017-01-03 06:30:01 GMT+01:00"}, {"yyyy-MM-dd HH:mm:ss z", "2017-01-03 06:30:01 GMT"},
		{"yyyy-MM-dd HH:mm:ss z", "2017-01-03 06:30:01 UTC"}, {"yyyy-MM-dd HH:mm:ss z", "2017-01-03 06:30:01 +0200"},
		{"yyyy-MM-dd HH:mm:ss Z", "2017-01-03 06:30:01 +02:00"}, {"yyyy ww", "2017 05"}, {"YYYY ww u", "2017 05 3"},
		{"yyyy D", "2017 100"}, {"yyyy-MM-dd", "  2017-01-03"}, {"yyyy-MM-dd", "2017 -01-03"}, {"SSS", "123456"},
		{"hh a", "12 AM"}, {"hh a", "12 pm"}, {"kk", "24"}, {"yyyy-MM-dd", "2017-01-03junk"}, {"MM/dd/yyyy", "1/2/2017"},
		{"G yyyy", "BC 0044"}, {"yyyy-MM-dd", "-0001-01-01"}, {"EEE", "Wed"}, {"yyyy-MM E", "2017-01 Wed"},
		{"yyyy-MM W E", "2017-01 3 Wed"}, {"yyyy-MM F E", "2017-01 2 Mon"}, {"yyyy-MM-dd HH:mm:ss", "2017-02-30 25:61:61"},
		{"yyyy-MM-dd", "2017-00-00"}, {"yyyy-MM-dd", "2017-01-0x"}, {"yyyy-MM-dd", ""}, {"yyyy-MM-dd'T'HH", "2017-01-03"},
		{"yyyy MMM", "2017 Sept"}, {"yyyy MMM dd", "2017 May 03"}, {"HH:mm:ss.SSS", "10:00:00.5"}, {"yyyy.MM.dd", "2017.1.3"},
		{"d/M/yy", "3/1/17"}, {"yyyy-MM-dd", "2017\u00a001-03"}, {"yyyy\u00a0MM", "2017\u200901"}, {"yyyy MM", "2017\t01"},
		{"yyyy", "99999999999"}, {"yyyy", "-"}, {"yyyy", "12E2x"}, {"yyyy", "1E-1"}, {"H", "\u0661\u0662"},
		{"u yyyy ww", "7 2017 01"}, {"yyyy-MM-dd a", "2017-01-03 PM"}, {"h:mm a", "3:30 pm"}, {"K:mm a", "0:30 PM"},
		{"yyyy-MM-dd'T'HH:mm:ss'Z'", "2019-08-23T14:34:54Z"}, {"yyyy-MM-dd'T'HH:mm:ss.SSS", "2019-08-23T14:34:54.1234567"},
		{"yyyyMMddHHmm", "201708231434"}, {"yyMMdd", "170823"}, {"MMdd", "1323"}, {"GGGG yyyy", "AD 2017"},
		{"yyyy ZZZZ", "2017 -0800"}, {"yyyy X", "2017 -08"}, {"yyyy XXX", "2017 -08:30"}, {"yyyy XXX", "2017 -0830"},
	} {
		f.smt(v, fmt.Sprintf("parse-%d", i), cfg("target.type", "unix", "format", c.pattern), sv(fmt.Sprintf("%q", c.input)))
	}
	f.smt(v, "parse-zone-name", cfg("target.type", "unix", "format", "yyyy-MM-dd HH:mm:ss z"), sv(`"2017-01-03 06:30:01 PST"`))
	return f.reqs
}

func timestampRouterCases() []oracle.Request {
	var f caseFile
	const c = "TimestampRouter"
	f.conf(c, "defaults", cfg())
	f.conf(c, "bad-format-config", cfg("timestamp.format", "yyyy qq"))
	f.smt(c, "default", cfg(), sv(`{"a":1}`).withHeaders(someHeaders))
	f.smt(c, "custom", cfg("topic.format", "${timestamp}/${topic}/${topic}", "timestamp.format", "yyyy-MM-dd HH"), sv(`{"a":1}`))
	f.smt(c, "no-placeholders", cfg("topic.format", "fixed"), sv(`{"a":1}`))
	f.smt(c, "topic-with-placeholder", cfg(), sv(`{"a":1}`).onTopic("a${timestamp}b"))
	f.smt(c, "topic-with-dollar", cfg(), sv(`{"a":1}`).onTopic("a$1\\b"))
	f.smt(c, "trimmed", cfg("topic.format", "  ${topic}-x  ", "timestamp.format", " yyyy "), sv(`{"a":1}`))
	f.smt(c, "no-timestamp", cfg(), sv(`{"a":1}`).noTimestamp().withHeaders(someHeaders).withKey(sString, `"k"`))
	f.smt(c, "no-timestamp-plain", cfg(), tv(sInt32, "5").noTimestamp())
	f.smt(c, "no-timestamp-source", cfg(), sv(`{"a":1}`).noTimestamp().asSource(-1))
	f.smt(c, "bad-format", cfg("timestamp.format", "yyyy qq"), sv(`{"a":1}`))
	f.smt(c, "tombstone", cfg(), sv(""))
	f.smt(c, "source", cfg(), sv(`{"a":1}`).asSource(1))
	for i, p := range datePatterns {
		for j, ts := range timestamps {
			f.smt(c, fmt.Sprintf("format-%d-%d", i, j), cfg("topic.format", "${timestamp}", "timestamp.format", p), sv("1").at(ts))
		}
	}
	return f.reqs
}

func valueToKeyCases() []oracle.Request {
	var f caseFile
	const c = "ValueToKey"
	f.conf(c, "missing", cfg())
	f.conf(c, "empty", cfg("fields", ""))
	f.conf(c, "replace-null-bad", cfg("fields", "a", "replace.null.with.default", "0"))
	f.smt(c, "schemaless", cfg("fields", "a,b"), sv(`{"a":1,"b":2,"c":3}`).withKey(sString, `"old"`).withHeaders(someHeaders))
	f.smt(c, "schemaless-missing", cfg("fields", "a,nope"), sv(`{"a":1}`))
	f.smt(c, "schemaless-tombstone", cfg("fields", "a"), sv(""))
	f.smt(c, "schemaless-not-map", cfg("fields", "a"), sv("[1]"))
	f.smt(c, "schemaless-repeated", cfg("fields", "a,a"), sv(`{"a":1}`))
	f.smt(c, "schemaless-int-keys", cfg("fields", "a"), sv(intKeyed))
	sch := structOf(`,"name":"V"`, "a", sInt32, "b", sInt32, "c", sInt32, "d", `{"type":"int32","optional":true,"default":4}`)
	sval := `{"a":1,"b":2,"c":3,"d":null}`
	f.smt(c, "schema", cfg("fields", "b,a"), tv(sch, sval))
	f.smt(c, "schema-missing", cfg("fields", "not_exist"), tv(sch, sval))
	f.smt(c, "schema-default", cfg("fields", "d"), tv(sch, sval))
	f.smt(c, "schema-default-kept-null", cfg("fields", "d", "replace.null.with.default", "false"), tv(sch, sval))
	f.smt(c, "schema-repeated", cfg("fields", "a,a"), tv(sch, sval))
	f.smt(c, "schema-tombstone", cfg("fields", "a"), tv(`{"type":"struct","optional":true,"fields":[{"name":"a","schema":{"type":"int32"}}]}`, ""))
	f.smt(c, "schema-not-struct", cfg("fields", "a"), tv(sInt32, "1"))
	f.smt(c, "schema-required-unset", cfg("fields", "a,b"), tv(sch, `{"a":1}`))
	return f.reqs
}

// sorted returns the keys of m in order, so that request files come out the
// same every time.
func sorted[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
