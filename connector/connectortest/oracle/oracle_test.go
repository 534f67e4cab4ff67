package oracle_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafka-connect-go/connect/connector/connectortest/oracle"
	"github.com/kafka-connect-go/connect/connector/data"
)

// A response line as the oracle writes it (JsonConverter, schema with a
// struct holding a decimal, a date and a map with int keys).
const responseLine = `{"id":"x","op":"json.toConnect","ok":true,"schema":{"type":"struct","optional":false,"name":"com.ex.Order","version":2,"fields":[` +
	`{"name":"id","index":0,"schema":{"type":"int32","optional":false}},` +
	`{"name":"price","index":1,"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}},` +
	`{"name":"day","index":2,"schema":{"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1}},` +
	`{"name":"m","index":3,"schema":{"type":"map","optional":true,"keySchema":{"type":"int32","optional":false},"valueSchema":{"type":"string","optional":true}}},` +
	`{"name":"note","index":4,"schema":{"type":"string","optional":true,"default":{"string":"n/a"}}}]},` +
	`"value":{"struct":{"id":{"int32":7},"price":{"decimal":"2.58"},"day":{"date":864000000,"iso":"1970-01-11T00:00:00Z"},` +
	`"m":{"map":[[{"int32":1},{"string":"a"}],[{"int32":2},null]]},"note":null}}}`

func TestDecodeAndEncode(t *testing.T) {
	dir := t.TempDir()
	resp := filepath.Join(dir, "r.jsonl")
	if err := os.WriteFile(resp, []byte(responseLine+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, err := oracle.ReadResponses(resp)
	if err != nil || len(rs) != 1 || !rs[0].OK {
		t.Fatalf("ReadResponses = %+v, %v", rs, err)
	}
	s, err := oracle.DecodeSchema(rs[0].Fields["schema"])
	if err != nil {
		t.Fatal(err)
	}
	if s.Name() != "com.ex.Order" || s.Field("price").Schema().Name() != data.DecimalName ||
		s.Field("note").Schema().Default() != "n/a" || s.Field("m").Schema().KeySchema().Type() != data.TypeInt32 {
		t.Fatalf("decoded schema %s is wrong", js(oracle.EncodeSchema(s)))
	}
	v, err := oracle.DecodeValue(rs[0].Fields["value"], s)
	if err != nil {
		t.Fatal(err)
	}
	st := v.(*data.Struct)
	if st.Get("id") != int32(7) || st.Get("price").(data.Decimal).String() != "2.58" ||
		st.Get("day").(interface{ UnixMilli() int64 }).UnixMilli() != 864000000 || st.GetWithoutDefault("note") != nil {
		t.Fatalf("decoded value %v", st)
	}
	m := st.Get("m").(map[any]any)
	if m[int32(1)] != "a" || m[int32(2)] != nil || len(m) != 2 {
		t.Fatalf("decoded map %v", m)
	}
	// Encoding gives back what the oracle wrote (key order as Java's).
	if got, want := js(oracle.EncodeSchema(s)), string(rs[0].Fields["schema"]); got != want {
		t.Errorf("EncodeSchema:\n got %s\nwant %s", got, want)
	}
	if got, want := js(oracle.EncodeValue(v, s)), string(rs[0].Fields["value"]); got != want {
		t.Errorf("EncodeValue:\n got %s\nwant %s", got, want)
	}
}

func TestPlainValuesAndSurrogates(t *testing.T) {
	v, err := oracle.DecodeValue(json.RawMessage(`{"a":[1,2.5,"x\ud800",true,null]}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": []any{int64(1), 2.5, "x\xed\xa0\x80", true, nil}}
	if !data.ValuesEqual(v, want) {
		t.Errorf("plain value = %#v, want %#v", v, want)
	}
	f, err := oracle.DecodeValue(json.RawMessage(`{"float32":"NaN"}`), nil)
	if x, ok := f.(float32); err != nil || !ok || x == x {
		t.Errorf("NaN = %v, %v", f, err)
	}
	if _, err := oracle.DecodeValue(json.RawMessage(`{"struct":{"a":1}}`), nil); err == nil {
		t.Error("a struct without a schema decoded")
	}
}

func TestRequestsAndPairs(t *testing.T) {
	dir := t.TempDir()
	reqs := []oracle.Request{
		{ID: "a", Op: "json.toConnect", Fields: map[string]any{"config": map[string]string{"schemas.enable": "false"}, "input": "<&>"}},
		{ID: "b", Op: "string.toConnect", Fields: map[string]any{}},
	}
	oracle.Bytes(reqs[1].Fields, "input", []byte{0xff, 0})
	rq := filepath.Join(dir, "q.jsonl")
	if err := oracle.WriteRequests(rq, reqs); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(rq)
	if !strings.Contains(string(raw), `"input":"<&>"`) || !strings.Contains(string(raw), `"inputBase64":"/wA="`) {
		t.Errorf("request file:\n%s", raw)
	}
	back, err := oracle.ReadRequests(rq)
	if err != nil || len(back) != 2 {
		t.Fatal(back, err)
	}
	if b, err := back[1].Bytes("input"); err != nil || string(b) != "\xff\x00" {
		t.Errorf("Bytes = %q, %v", b, err)
	}
	if c, err := back[0].Config("config"); err != nil || c["schemas.enable"] != "false" {
		t.Errorf("Config = %v, %v", c, err)
	}
	rp := filepath.Join(dir, "r.jsonl")
	os.WriteFile(rp, []byte(`{"id":"a","op":"json.toConnect","ok":true,"output":null}`+"\n"), 0o644)
	if _, err := oracle.Pairs(rq, rp); err == nil || !strings.Contains(err.Error(), `no response for request "b"`) {
		t.Errorf("Pairs with a missing response: %v", err)
	}
	os.WriteFile(rp, []byte(`{"id":"b","op":"x","ok":false,"error":{"stage":"toConnect","class":"C","message":"m"}}`+"\n"+
		`{"id":"a","op":"x","ok":true,"outputBase64":"/wA=","output":null}`+"\n"), 0o644)
	pairs, err := oracle.Pairs(rq, rp)
	if err != nil || len(pairs) != 2 || pairs[1].Response.Error.Message != "m" {
		t.Fatalf("Pairs = %+v, %v", pairs, err)
	}
	if out, isNull, err := pairs[0].Response.Output(); err != nil || isNull || string(out) != "\xff\x00" {
		t.Errorf("Output = %q, %v, %v", out, isNull, err)
	}
}

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
