package converter_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kafka-connect-go/connect/connector/data"
)

// TestJSONLargeContainers covers objects and arrays past the members the
// reader keeps on the stack, nested in each other.
func TestJSONLargeContainers(t *testing.T) {
	c := jsonConverter(t, "schemas.enable", "false")
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 40; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%d":[`, i)
		for j := 0; j < i; j++ {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"v":%d,"w":"%d"}`, j, i)
		}
		b.WriteString("]")
	}
	b.WriteString("}")
	_, v, err := c.ToConnectData("t", nil, []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	if len(m) != 40 {
		t.Fatalf("%d members, want 40", len(m))
	}
	for i := 0; i < 40; i++ {
		list := m[fmt.Sprint("k", i)].([]any)
		if len(list) != i {
			t.Fatalf("k%d has %d elements", i, len(list))
		}
		for j, e := range list {
			want := map[string]any{"v": int64(j), "w": fmt.Sprint(i)}
			if !data.ValuesEqual(e, want) {
				t.Fatalf("k%d[%d] = %v, want %v", i, j, e, want)
			}
		}
	}
	out, err := c.FromConnectData("t", nil, nil, v)
	if err != nil {
		t.Fatal(err)
	}
	var a, z any
	if json.Unmarshal(out, &a) != nil || json.Unmarshal([]byte(b.String()), &z) != nil || fmt.Sprint(a) != fmt.Sprint(z) {
		t.Errorf("round trip changed the document:\n%s", out)
	}
}

// FuzzJSONReader checks that the reader never panics and, on documents
// encoding/json also accepts, reads the same values.
func FuzzJSONReader(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1,2.5,"x",null,true]`, `"\ud83d\ude00"`, `{"a":{"b":[[]]}}`, `-0.0`,
		`1e400`, `"\u0000"`, `{"a":1,"a":2}`, "\"\xff\"", `[1,]`, "007", `{"x":"\ud800"}`} {
		f.Add([]byte(s))
	}
	c := jsonConverter(f, "schemas.enable", "false")
	f.Fuzz(func(t *testing.T, in []byte) {
		_, v, err := c.ToConnectData("t", nil, in)
		// Jackson, and so the reader, accept some byte sequences that are
		// not UTF-8 (overlong forms); encoding/json replaces them.
		if err != nil || !json.Valid(in) || !utf8.Valid(in) || strings.Contains(string(in), `\u`) {
			return
		}
		var want any
		if err := json.Unmarshal(in, &want); err != nil {
			return
		}
		if !sameAsStdlib(v, want) {
			t.Fatalf("read %q as %#v, encoding/json as %#v", in, v, want)
		}
		if _, err := c.FromConnectData("t", nil, nil, v); err != nil && v != nil {
			t.Fatalf("cannot write back what was read from %q: %v", in, err)
		}
	})
}

func sameAsStdlib(ours, std any) bool {
	switch x := ours.(type) {
	case int64:
		f, ok := std.(float64)
		return ok && (float64(x) == f || math.Abs(f) >= 1<<63)
	case float64:
		f, ok := std.(float64)
		return ok && (x == f || math.IsInf(x, 0))
	case []any:
		y, ok := std.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameAsStdlib(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := std.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !sameAsStdlib(v, y[k]) {
				return false
			}
		}
		return true
	case string:
		y, ok := std.(string)
		return ok && strings.ToValidUTF8(x, "\uFFFD") == y
	}
	return ours == std
}

// FuzzJSONEnvelope checks that envelopes never panic the converter and that
// what it reads it can write back.
func FuzzJSONEnvelope(f *testing.F) {
	for _, s := range []string{
		`{"schema":{"type":"struct","fields":[{"field":"a","type":"int32","optional":true,"default":1}]},"payload":{"a":null}}`,
		`{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"string"}},"payload":[[1,"a"]]}`,
		`{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}},"payload":"AJw="}`,
		`{"schema":{"type":"array","items":{"type":"double"}},"payload":{"a":1e400}}`,
		`{"schema":null,"payload":[1,{"b":true}]}`,
	} {
		f.Add([]byte(s))
	}
	c := jsonConverter(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		s, v, err := c.ToConnectData("t", nil, in)
		if err != nil {
			return
		}
		// A NUMERIC decimal payload keeps its own scale, which BASE64
		// cannot write under another schema scale: Java fails there too.
		if _, err := c.FromConnectData("t", nil, s, v); err != nil && !strings.Contains(err.Error(), "mismatching scale") {
			t.Fatalf("cannot write back what was read from %q: %v", in, err)
		}
	})
}
