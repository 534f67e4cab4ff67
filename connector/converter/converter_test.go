package converter_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/converter"
	"github.com/kafka-connect-go/connect/connector/data"
)

func jsonConverter(t testing.TB, kv ...string) *converter.JSONConverter {
	t.Helper()
	c := converter.NewJSONConverter()
	conf := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		conf[kv[i]] = kv[i+1]
	}
	if err := c.Configure(conf, false); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestJSONReaderLimits(t *testing.T) {
	c := jsonConverter(t, "schemas.enable", "false")
	cases := []struct {
		name  string
		input string
		ok    bool
	}{
		{"nesting 1000", strings.Repeat("[", 1000) + strings.Repeat("]", 1000), true},
		{"nesting 1001", strings.Repeat("[", 1001) + strings.Repeat("]", 1001), false},
		{"objects 1001", strings.Repeat(`{"a":`, 1001) + "1" + strings.Repeat("}", 1001), false},
		{"number of 1000 digits", strings.Repeat("7", 1000), true},
		{"number of 1001 digits", strings.Repeat("7", 1001), false},
		{"fraction of 1001 digits", "0." + strings.Repeat("7", 1001), false},
		{"name of 50000 bytes", `{"` + strings.Repeat("n", 50000) + `":1}`, true},
		{"name of 50001 bytes", `{"` + strings.Repeat("n", 50001) + `":1}`, false},
		{"string of 20000000 bytes", `"` + strings.Repeat("s", 20_000_000) + `"`, true},
		{"string of 20000001 bytes", `"` + strings.Repeat("s", 20_000_001) + `"`, false},
		{"escaped string of 20000001 bytes", `"\n` + strings.Repeat("s", 20_000_000) + `"`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := c.ToConnectData("t", nil, []byte(tc.input))
			if tc.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if err != nil {
				var se *converter.SyntaxError
				if !errors.As(err, &se) || err.Error() != "Converting byte[] to Kafka Connect data failed due to serialization error: " {
					t.Fatalf("error %v (%T) is not the serialization error wrapping a SyntaxError", err, errors.Unwrap(err))
				}
			}
		})
	}
}

func TestJSONSyntaxErrorSaysWhere(t *testing.T) {
	c := jsonConverter(t, "schemas.enable", "false")
	_, _, err := c.ToConnectData("t", nil, []byte(`{"a": 1, "b": tru}`))
	var se *converter.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %v has no SyntaxError", err)
	}
	if se.Offset != 14 || !strings.Contains(se.Error(), "tru") {
		t.Errorf("SyntaxError = %+v (%v), want offset 14 naming the token", se, se)
	}
}

func TestConvertersBeforeConfigure(t *testing.T) {
	if _, _, err := converter.NewJSONConverter().ToConnectData("t", nil, []byte("1")); err == nil {
		t.Error("JSON converter used before Configure did not fail")
	}
	if _, err := converter.NewStringConverter().FromConnectData("t", nil, nil, "x"); err == nil {
		t.Error("string converter used before Configure did not fail")
	}
	if _, _, err := converter.NewLongConverter().ToConnectData("t", nil, make([]byte, 8)); err == nil {
		t.Error("long converter used before Configure did not fail")
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		conf map[string]string
		want string
	}{
		{"decimal format", map[string]string{"decimal.format": "HEX"},
			"Invalid value HEX for configuration decimal.format: String must be one of (case insensitive): NUMERIC, BASE64"},
		{"schemas.enable", map[string]string{"schemas.enable": "maybe"},
			"Invalid value maybe for configuration schemas.enable: Expected value to be either true or false"},
		{"cache size", map[string]string{"schemas.cache.size": "big"},
			"Invalid value big for configuration schemas.cache.size: Not a number of type INT"},
	}
	for _, tc := range cases {
		err := converter.NewJSONConverter().Configure(tc.conf, false)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), converter.JSONConverterClass) {
			t.Errorf("%s: Configure error = %v, want it to name the converter and say %q", tc.name, err, tc.want)
		}
		var ce *configdef.Error
		if !errors.As(err, &ce) {
			t.Errorf("%s: error %T does not wrap a *configdef.Error", tc.name, err)
		}
	}
	if err := converter.NewJSONHeaderConverter().Configure(map[string]string{"converter.type": "bogus"}); err == nil {
		t.Error("converter.type=bogus was accepted")
	}
	if err := converter.NewStringConverter().Configure(map[string]string{"converter.encoding": "EBCDIC-XYZ"}, true); err == nil ||
		err.Error() != "Unsupported encoding EBCDIC-XYZ" {
		t.Errorf("unknown encoding: %v", err)
	}
	// isKey overrides a converter.type given in the config, as in Java.
	if err := converter.NewIntegerConverter().Configure(map[string]string{"converter.type": "bogus"}, true); err != nil {
		t.Errorf("Configure(isKey) with converter.type set: %v", err)
	}
}

func TestConfigDefs(t *testing.T) {
	defs := map[string]*configdef.ConfigDef{
		converter.JSONConverterClass:         converter.JSONConverterConfigDef(),
		converter.StringConverterClass:       converter.StringConverterConfigDef(),
		converter.ByteArrayConverterClass:    converter.ByteArrayConverterConfigDef(),
		converter.LongConverterClass:         converter.NumberConverterConfigDef(),
		converter.BooleanConverterClass:      converter.BooleanConverterConfigDef(),
		converter.SimpleHeaderConverterClass: converter.SimpleHeaderConverterConfigDef(),
	}
	want := map[string]string{
		converter.JSONConverterClass:         "converter.type schemas.enable schemas.cache.size decimal.format replace.null.with.default",
		converter.StringConverterClass:       "converter.type converter.encoding",
		converter.ByteArrayConverterClass:    "converter.type",
		converter.LongConverterClass:         "converter.type",
		converter.BooleanConverterClass:      "converter.type",
		converter.SimpleHeaderConverterClass: "",
	}
	for class, d := range defs {
		if got := strings.Join(d.Names(), " "); got != want[class] {
			t.Errorf("%s keys = %q, want %q", class, got, want[class])
		}
	}
	k := converter.JSONConverterConfigDef().Key("schemas.cache.size")
	if def, _ := k.DefaultString(); def != "1000" || k.Group != "Schemas" {
		t.Errorf("schemas.cache.size: default %q group %q", def, k.Group)
	}
}

func TestJSONHeaderConverter(t *testing.T) {
	h := converter.NewJSONHeaderConverter()
	if err := h.Configure(map[string]string{"schemas.enable": "false"}); err != nil {
		t.Fatal(err)
	}
	b, err := h.FromConnectHeader("t", "k", data.Int32Schema, int32(7))
	if err != nil || string(b) != "7" {
		t.Fatalf("FromConnectHeader = %q, %v", b, err)
	}
	s, v, err := h.ToConnectHeader("t", "k", []byte(`{"a":[1,2.5]}`))
	if err != nil || s != nil || !data.ValuesEqual(v, map[string]any{"a": []any{int64(1), 2.5}}) {
		t.Fatalf("ToConnectHeader = %v, %v, %v", s, v, err)
	}
}

func TestJSONSchemaCache(t *testing.T) {
	doc := []byte(`{"schema":{"type":"struct","fields":[{"field":"a","type":"int32"}]},"payload":{"a":1}}`)
	c := jsonConverter(t)
	s1, _, err := c.ToConnectData("t", nil, doc)
	if err != nil {
		t.Fatal(err)
	}
	s2, _, _ := c.ToConnectData("t", nil, doc)
	if s1 != s2 {
		t.Error("the same envelope schema was parsed twice: the cache did not hit")
	}
	uncached := jsonConverter(t, "schemas.cache.size", "0")
	u1, _, _ := uncached.ToConnectData("t", nil, doc)
	u2, _, _ := uncached.ToConnectData("t", nil, doc)
	if u1 == u2 || !data.Equal(u1, u2) {
		t.Error("schemas.cache.size=0 must not cache but must give equal schemas")
	}
	out1, _ := c.FromConnectData("t", nil, s1, mustStruct(t, s1, "a", int32(1)))
	out2, _ := uncached.FromConnectData("t", nil, s1, mustStruct(t, s1, "a", int32(1)))
	const want = `{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"a"}],"optional":false},"payload":{"a":1}}`
	if string(out1) != want || string(out2) != want {
		t.Errorf("outputs %s / %s, want %s", out1, out2, want)
	}
}

func mustStruct(t testing.TB, s *data.Schema, kv ...any) *data.Struct {
	t.Helper()
	st := data.NewStruct(s)
	for i := 0; i+1 < len(kv); i += 2 {
		if err := st.Put(kv[i].(string), kv[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// TestJSONOutputIsStable pins that maps are written in one order (Java
// HashMap order) every time, although Go map iteration is random; offset
// keys written twice must be the same bytes.
func TestJSONOutputIsStable(t *testing.T) {
	c := jsonConverter(t, "schemas.enable", "false")
	m := map[string]any{}
	for i := 0; i < 40; i++ {
		m[fmt.Sprintf("key-%d", i)] = int64(i)
	}
	first, err := c.FromConnectData("t", nil, nil, []any{"conn", m})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		again, _ := c.FromConnectData("t", nil, nil, []any{"conn", m})
		if !bytes.Equal(first, again) {
			t.Fatalf("output changed between calls:\n%s\n%s", first, again)
		}
	}
}

func TestJSONConcurrentUse(t *testing.T) {
	c := jsonConverter(t)
	schema := data.StructBuilder().Field("n", data.Int64Schema).Field("s", data.OptionalStringSchema).MustBuild()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for i := 0; i < 200; i++ {
				st := data.NewStruct(schema)
				if err := st.Put("n", int64(g*1000+i)); err != nil {
					errs <- err
					return
				}
				b, err := c.FromConnectData("t", nil, schema, st)
				if err != nil {
					errs <- err
					return
				}
				s, v, err := c.ToConnectData("t", nil, b)
				if err != nil {
					errs <- err
					return
				}
				if got := v.(*data.Struct).Get("n"); got != int64(g*1000+i) || !data.Equal(s, schema) {
					errs <- fmt.Errorf("round trip gave %v", got)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNumberConverters(t *testing.T) {
	cases := []struct {
		name  string
		c     *converter.NumberConverter
		value any
		bytes []byte
		other any
	}{
		{"short", converter.NewShortConverter(), int16(-2), []byte{0xff, 0xfe}, int32(1)},
		{"integer", converter.NewIntegerConverter(), int32(258), []byte{0, 0, 1, 2}, int64(1)},
		{"long", converter.NewLongConverter(), int64(-1), bytes.Repeat([]byte{0xff}, 8), int32(1)},
		{"float", converter.NewFloatConverter(), float32(1.5), []byte{0x3f, 0xc0, 0, 0}, 1.5},
		{"double", converter.NewDoubleConverter(), 1.5, []byte{0x3f, 0xf8, 0, 0, 0, 0, 0, 0}, float32(1.5)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.c.Configure(nil, false); err != nil {
				t.Fatal(err)
			}
			b, err := tc.c.FromConnectData("t", nil, nil, tc.value)
			if err != nil || !bytes.Equal(b, tc.bytes) {
				t.Fatalf("FromConnectData(%v) = %x, %v; want %x", tc.value, b, err, tc.bytes)
			}
			s, v, err := tc.c.ToConnectData("t", nil, b)
			if err != nil || v != tc.value || !s.IsOptional() {
				t.Fatalf("ToConnectData = %v, %v, %v", s, v, err)
			}
			if b, err := tc.c.FromConnectData("t", nil, nil, nil); b != nil || err != nil {
				t.Errorf("nil value gave %x, %v", b, err)
			}
			if s, v, err := tc.c.ToConnectData("t", nil, nil); s == nil || v != nil || err != nil {
				t.Errorf("nil bytes gave %v, %v, %v", s, v, err)
			}
			wantMsg := fmt.Sprintf("Failed to serialize to %s (was class %s): ", tc.name, data.JavaClass(tc.other))
			if _, err := tc.c.FromConnectData("t", nil, nil, tc.other); err == nil || err.Error() != wantMsg {
				t.Errorf("wrong type: %v, want %q", err, wantMsg)
			}
			if _, _, err := tc.c.ToConnectData("t", nil, []byte{1}); err == nil ||
				err.Error() != "Failed to deserialize "+tc.name+": " || errors.Unwrap(err) == nil {
				t.Errorf("wrong size: %v", err)
			}
		})
	}
	_, _, err := converter.NewShortConverter().ToConnectData("t", nil, []byte{1})
	if err == nil {
		t.Error("unconfigured")
	}
	c := converter.NewShortConverter()
	c.Configure(nil, true)
	_, _, err = c.ToConnectData("t", nil, []byte{1, 2, 3})
	if cause := errors.Unwrap(err); cause == nil || cause.Error() != "Size of data received by ShortDeserializer is not 2" {
		t.Errorf("cause = %v", cause)
	}
}

func TestBooleanConverter(t *testing.T) {
	c := converter.NewBooleanConverter()
	if err := c.Configure(nil, false); err != nil {
		t.Fatal(err)
	}
	for v, b := range map[bool]byte{true: 1, false: 0} {
		out, err := c.FromConnectData("t", nil, data.OptionalBooleanSchema, v)
		if err != nil || !bytes.Equal(out, []byte{b}) {
			t.Errorf("FromConnectData(%v) = %x, %v", v, out, err)
		}
		_, got, err := c.ToConnectData("t", nil, []byte{b})
		if err != nil || got != v {
			t.Errorf("ToConnectData(%x) = %v, %v", b, got, err)
		}
	}
	if _, err := c.FromConnectData("t", nil, data.Int8Schema, true); err == nil || err.Error() != "Invalid schema type for BooleanConverter: INT8" {
		t.Errorf("schema check: %v", err)
	}
	if _, err := c.FromConnectData("t", nil, nil, "true"); err == nil ||
		err.Error() != "BooleanConverter is not compatible with objects of type class java.lang.String" {
		t.Errorf("type check: %v", err)
	}
	_, _, err := c.ToConnectData("t", nil, []byte{0xff})
	if cause := errors.Unwrap(err); err == nil || err.Error() != "Failed to deserialize boolean: " ||
		cause.Error() != "Unexpected byte received by BooleanDeserializer: -1" {
		t.Errorf("bad byte: %v / %v", err, cause)
	}
	h := converter.NewBooleanHeaderConverter()
	if err := h.Configure(nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := h.FromConnectHeader("t", "h", nil, true); !bytes.Equal(b, []byte{1}) {
		t.Errorf("header = %x", b)
	}
}

func TestByteArrayConverter(t *testing.T) {
	c := converter.NewByteArrayConverter()
	if err := c.Configure(map[string]string{"anything": "goes"}, false); err != nil {
		t.Fatal(err)
	}
	in := []byte{0, 1, 2}
	if out, err := c.FromConnectData("t", nil, data.OptionalBytesSchema, in); err != nil || !bytes.Equal(out, in) {
		t.Errorf("FromConnectData = %x, %v", out, err)
	}
	if _, err := c.FromConnectData("t", nil, data.StringSchema, in); err == nil || err.Error() != "Invalid schema type for ByteArrayConverter: STRING" {
		t.Errorf("schema check: %v", err)
	}
	if _, err := c.FromConnectData("t", nil, nil, "x"); err == nil ||
		err.Error() != "ByteArrayConverter is not compatible with objects of type class java.lang.String" {
		t.Errorf("type check: %v", err)
	}
	if s, v, err := c.ToConnectData("t", nil, in); err != nil || s != data.OptionalBytesSchema || !bytes.Equal(v.([]byte), in) {
		t.Errorf("ToConnectData = %v, %v, %v", s, v, err)
	}
	if s, v, _ := c.ToConnectData("t", nil, nil); s != data.OptionalBytesSchema || v != nil {
		t.Errorf("nil bytes = %v, %v", s, v)
	}
}

func TestStringConverterJavaText(t *testing.T) {
	c := converter.NewStringConverter()
	if err := c.Configure(nil, false); err != nil {
		t.Fatal(err)
	}
	s := data.StructBuilder().Field("a", data.Int32Schema).Field("b", data.OptionalFloat64Schema).MustBuild()
	cases := []struct {
		v    any
		want string
	}{
		{"héllo", "héllo"}, {int64(42), "42"}, {1.0, "1.0"}, {float32(1e10), "1.0E10"}, {true, "true"},
		{mustStruct(t, s, "a", int32(1), "b", 2.5), "Struct{a=1,b=2.5}"}, {[]any{int64(1), "a"}, "[1, a]"},
		{map[string]any{"a": int64(1)}, "{a=1}"}, {data.NewDecimal(150, 2), "1.50"},
	}
	for _, tc := range cases {
		out, err := c.FromConnectData("t", nil, nil, tc.v)
		if err != nil || string(out) != tc.want {
			t.Errorf("FromConnectData(%#v) = %q, %v; want %q", tc.v, out, err, tc.want)
		}
	}
}

func TestSimpleHeaderConverterRoundTrip(t *testing.T) {
	h := converter.NewSimpleHeaderConverter()
	s := data.StructBuilder().Field("a", data.Int32Schema).Field("s", data.OptionalStringSchema).MustBuild()
	b, err := h.FromConnectHeader("t", "k", s, mustStruct(t, s, "a", int32(1), "s", `q"x`))
	if err != nil || string(b) != `{"a":1,"s":"q\"x"}` {
		t.Fatalf("FromConnectHeader = %s, %v", b, err)
	}
	// A struct comes back as a map, as from a Java worker.
	gs, gv, err := h.ToConnectHeader("t", "k", b)
	if err != nil || gs.Type() != data.TypeMap || !data.ValuesEqual(gv, map[string]any{"a": int8(1), "s": `q\"x`}) {
		t.Fatalf("ToConnectHeader = %v, %#v, %v", gs, gv, err)
	}
	if s, v, err := h.ToConnectHeader("t", "k", []byte("null")); s != nil || v != nil || err != nil {
		t.Errorf("null header = %v, %v, %v", s, v, err)
	}
}
