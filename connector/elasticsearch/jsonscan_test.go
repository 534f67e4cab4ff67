package elasticsearch

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// validityCases are checked against encoding/json: the scanner must agree on
// every one (it is the only check a raw value gets before Humio sees it).
var validityCases = []string{
	`{}`, ` { } `, `{"a":1}`, `{"a":[1,2,{"b":null}],"c":"d"}`, `[]`, `[1, 2]`, `"x"`, `0`, `-0`, `-1.5e+10`,
	`1E5`, `true`, `false`, `null`, `{"a":"\u00e9\n\t\"\\\/"}`, `{"a":{"b":{"c":{}}}}`, "\t\n{}\r\n",
	// invalid
	``, ` `, `{`, `}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{,}`, `[1,]`, `[,1]`, `{"a":1 "b":2}`, `{'a':1}`,
	`{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":-}`, `{"a":+1}`, `{"a":tru}`, `{"a":nul}`,
	`{"a":"\x"}`, `{"a":"\u12"}`, "{\"a\":\"\x01\"}", `{"a":"unterminated}`, `{} {}`, `{}x`, `hello world`,
	`{"a":1}}`, `[1]]`, `{"a":[}`, `NaN`, `{"a":Infinity}`, `"\ud800"`, `{"a" : 1 , "b" : [ true , false ] }`,
}

func TestScanDocAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range validityCases {
		_, err := scanDoc([]byte(c), "")
		if want := json.Valid([]byte(c)); (err == nil) != want {
			t.Errorf("scanDoc(%q): err=%v, encoding/json says valid=%v", c, err, want)
		}
		var se *syntaxError
		if err != nil && !errors.As(err, &se) {
			t.Errorf("scanDoc(%q): error %T is not a *syntaxError", c, err)
		}
	}
}

// FuzzScanDoc pins the scanner to encoding/json on arbitrary input.
func FuzzScanDoc(f *testing.F) {
	for _, c := range validityCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := scanDoc(b, "kafka")
		if (err == nil) != json.Valid(b) {
			t.Fatalf("scanDoc(%q) = %v, encoding/json valid=%v", b, err, json.Valid(b))
		}
	})
}

func TestScanDocTopLevelKeys(t *testing.T) {
	cases := []struct {
		in                   string
		object, empty, ts, f bool
	}{
		{`{"@timestamp":"x","msg":1}`, true, false, true, false},
		{`{"msg":{"@timestamp":"nested"},"kafka":1}`, true, false, false, true},
		{`{"msg":"@timestamp"}`, true, false, false, false},
		{` {} `, true, true, false, false},
		{`["@timestamp"]`, false, false, false, false},
		{`{"a":[{"@timestamp":1}],"@timestamp":2}`, true, false, true, false},
	}
	for _, c := range cases {
		d, err := scanDoc([]byte(c.in), "kafka")
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if d.object != c.object || d.empty != c.empty || d.hasTS != c.ts || d.hasField != c.f {
			t.Errorf("%s: got object=%v empty=%v ts=%v field=%v", c.in, d.object, d.empty, d.hasTS, d.hasField)
		}
		if got := strings.TrimSpace(c.in); c.in[d.start:d.end] != got {
			t.Errorf("%s: value bounds give %q", c.in, c.in[d.start:d.end])
		}
	}
}

func TestScanDocErrorNamesPosition(t *testing.T) {
	_, err := scanDoc([]byte(`{"a":1,"b":x}`), "")
	if err == nil || err.Error() != "invalid JSON at byte 11: unexpected character 'x'" {
		t.Fatalf("got %v", err)
	}
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	if _, err := scanDoc([]byte(deep), ""); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Fatalf("deep nesting: %v", err)
	}
}

func TestAppendTimestampMatchesTimeFormat(t *testing.T) {
	check := func(ms int64) {
		t.Helper()
		want := time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z07:00")
		if got := string(appendTimestamp(nil, ms)); got != want {
			t.Fatalf("appendTimestamp(%d) = %s, want %s", ms, got, want)
		}
	}
	for _, ms := range []int64{0, -1, 1, 86399999, 86400000, -86400000, 951782400000, 951868800000, 1709251199999,
		4102444800000, 253402300799999, -62135596800000, 253402300800000, -62135596800001} {
		check(ms)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		check(r.Int64N(253402300799999+62135596800000) - 62135596800000)
	}
}

func TestBulkErrorsFlag(t *testing.T) {
	cases := []struct {
		in          string
		errs, found bool
	}{
		{`{"took":3,"errors":false,"items":[{"index":{"status":201}}]}`, false, true},
		{`{"errors":true,"items":[]}`, true, true},
		{`{"took":{"a":[1,{"errors":false}]},"errors" : true}`, true, true},
		{`{"items":[{"index":{"status":400}}],"errors":true}`, true, true},
		{`{"took":1}`, false, false},
		{``, false, false},
		{`not json`, false, false},
		{`{"errors":"false"}`, false, false},
	}
	for _, c := range cases {
		errs, found := bulkErrorsFlag([]byte(c.in))
		if errs != c.errs || found != c.found {
			t.Errorf("%s: got errors=%v found=%v", c.in, errs, found)
		}
	}
}

// FuzzAppendCompact: a compacted value is valid, one line, and means the
// same as the original.
func FuzzAppendCompact(f *testing.F) {
	for _, c := range validityCases {
		f.Add([]byte(c))
	}
	f.Add([]byte("{\n \"a\" : [ 1 ,\n 2 ] ,\r\n \"b\":\"x y\\n\"}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := scanDoc(b, "")
		if err != nil {
			return
		}
		c := appendCompact(nil, b[d.start:d.end])
		if !json.Valid(c) || bytes.ContainsAny(c, "\n\r") {
			t.Fatalf("appendCompact(%q) = %q", b, c)
		}
		var x, y any
		if json.Unmarshal(b, &x) != nil || json.Unmarshal(c, &y) != nil || !reflect.DeepEqual(x, y) {
			t.Fatalf("appendCompact(%q) = %q: not the same value", b, c)
		}
	})
}
