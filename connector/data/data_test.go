package data_test

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector/data"
)

func TestBuilderErrors(t *testing.T) {
	cases := []struct {
		name string
		b    *data.Builder
		want string
	}{
		{"field on non-struct", data.NewBuilder(data.TypeInt32).Field("a", data.Int32Schema), "Cannot create fields on type INT32"},
		{"empty field name", data.StructBuilder().Field("", data.Int32Schema), "fieldName cannot be null."},
		{"nil field schema", data.StructBuilder().Field("a", nil), "fieldSchema for field a cannot be null."},
		{"duplicate field", data.StructBuilder().Field("a", data.Int32Schema).Field("a", data.StringSchema),
			"Cannot create field because of field name duplication a"},
		{"nil array element", data.ArrayBuilder(nil), "valueSchema cannot be null."},
		{"nil map value", data.MapBuilder(data.StringSchema, nil), "keySchema and valueSchema cannot be null."},
		{"bad default", data.NewBuilder(data.TypeInt32).Default("x"),
			`Invalid default value: Invalid Java object for schema with type INT32: class java.lang.String for value`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.b.Build()
			if err == nil || err.Error() != c.want {
				t.Fatalf("Build() error = %v, want %q", err, c.want)
			}
			var de *data.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *data.Error", err)
			}
		})
	}
}

func TestSchemaEqual(t *testing.T) {
	base := func() *data.Builder {
		return data.StructBuilder().Name("n").Version(1).Doc("d").Param("k", "v").Param("k2", "v2").
			Field("a", data.Int32Schema).Field("b", data.OptionalStringSchema)
	}
	a := base().MustBuild()
	if !data.Equal(a, base().MustBuild()) {
		t.Fatal("identical schemas are not Equal")
	}
	reordered := data.StructBuilder().Name("n").Version(1).Doc("d").Param("k2", "v2").Param("k", "v").
		Field("a", data.Int32Schema).Field("b", data.OptionalStringSchema).MustBuild()
	if !data.Equal(a, reordered) {
		t.Error("parameter order must not matter (Java compares maps)")
	}
	different := []*data.Schema{
		base().Optional().MustBuild(),
		base().Name("m").MustBuild(),
		base().Version(2).MustBuild(),
		base().Doc("e").MustBuild(),
		base().Param("k", "x").MustBuild(),
		base().Field("c", data.Int8Schema).MustBuild(),
		data.StructBuilder().Name("n").Version(1).Doc("d").Param("k", "v").Param("k2", "v2").
			Field("b", data.OptionalStringSchema).Field("a", data.Int32Schema).MustBuild(),
	}
	for i, d := range different {
		if data.Equal(a, d) {
			t.Errorf("case %d: schemas that differ are Equal", i)
		}
	}
	// Java tells "no parameters" from "empty parameters"; an empty Params
	// call leaves them unset as SchemaBuilder.parameters(emptyMap) does.
	if data.NewBuilder(data.TypeInt8).Params(nil).MustBuild().HasParams() {
		t.Error("Params(nil) created a parameter map")
	}
	withDefault := func(v any) *data.Schema { return data.NewBuilder(data.TypeBytes).Optional().Default(v).MustBuild() }
	if !data.Equal(withDefault([]byte{1, 2}), withDefault([]byte{1, 2})) {
		t.Error("byte defaults must compare by content")
	}
	if data.Equal(withDefault([]byte{1, 2}), withDefault([]byte{1, 3})) {
		t.Error("different byte defaults are Equal")
	}
}

func TestStructValidationMessages(t *testing.T) {
	schema := data.StructBuilder().
		Field("req", data.Int32Schema).
		Field("opt", data.OptionalStringSchema).
		Field("dec", data.DecimalSchema(2)).
		Field("def", data.NewBuilder(data.TypeInt64).Default(int64(7)).MustBuild()).
		MustBuild()
	s := data.NewStruct(schema)
	cases := []struct {
		field string
		value any
		want  string
	}{
		{"req", nil, `Invalid value: null used for required field: "req", schema type: INT32`},
		{"req", int64(1), `Invalid Java object for schema with type INT32: class java.lang.Long for field: "req"`},
		{"dec", 1.5, `Invalid Java object for schema "org.apache.kafka.connect.data.Decimal" with type BYTES: class java.lang.Double for field: "dec"`},
		{"nope", 1, "nope is not a valid field name"},
	}
	for _, c := range cases {
		if err := s.Put(c.field, c.value); err == nil || err.Error() != c.want {
			t.Errorf("Put(%s, %v) = %v, want %q", c.field, c.value, err, c.want)
		}
	}
	if err := s.Validate(); err == nil || err.Error() != `Invalid value: null used for required field: "req", schema type: INT32` {
		t.Errorf("Validate of an unset required field = %v", err)
	}
	if err := s.Put("req", int32(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Put("dec", data.NewDecimal(150, 2)); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("Validate with defaults: %v", err)
	}
	if got := s.Get("def"); got != int64(7) {
		t.Errorf("Get of unset field with default = %v", got)
	}
	if got := s.GetWithoutDefault("def"); got != nil {
		t.Errorf("GetWithoutDefault = %v, want nil", got)
	}
	if got, want := s.String(), "Struct{req=1,dec=1.50}"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	other := data.StructBuilder().Field("req", data.Int32Schema).MustBuild()
	arr := data.ArrayBuilder(schema).MustBuild()
	if err := data.Validate(arr, []any{data.NewStruct(other)}); err == nil || err.Error() != "Struct schemas do not match." {
		t.Errorf("struct of another schema: %v", err)
	}
	m := data.MapBuilder(data.StringSchema, data.Int8Schema).MustBuild()
	if err := data.Validate(m, map[string]any{"a": int16(1)}); err == nil ||
		err.Error() != `Invalid Java object for schema with type INT8: class java.lang.Short for value of map value` {
		t.Errorf("bad map value: %v", err)
	}
	if err := data.Validate(data.NewBuilder(data.TypeArray).MustBuild(), []any{}); err == nil ||
		err.Error() != "No schema defined for element of array value" {
		t.Errorf("array without element schema: %v", err)
	}
}

func TestDecimalString(t *testing.T) {
	// Expected texts are Java's BigDecimal.toString (also pinned by the
	// golden files through Values.convertToString).
	cases := []struct {
		unscaled string
		scale    int32
		want     string
	}{
		{"0", 0, "0"}, {"0", 2, "0.00"}, {"0", 10, "0E-10"}, {"0", -3, "0E+3"},
		{"156", 2, "1.56"}, {"-156", 2, "-1.56"}, {"1", 3, "0.001"}, {"1", 6, "0.000001"},
		{"1", 7, "1E-7"}, {"-125", 8, "-0.00000125"}, {"-125", 9, "-1.25E-7"}, {"123", -5, "1.23E+7"},
		{"1", -1, "1E+1"}, {"12345678901234567890123", 3, "12345678901234567890.123"},
	}
	for _, c := range cases {
		u, _ := new(big.Int).SetString(c.unscaled, 10)
		if got := (data.Decimal{Unscaled: u, Scale: c.scale}).String(); got != c.want {
			t.Errorf("%s scale %d = %q, want %q", c.unscaled, c.scale, got, c.want)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	good := map[string]string{"1.50": "1.50", "+7": "7", "-.5": "-0.5", "1.": "1", "1e3": "1E+3",
		"1E-3": "0.001", "12.5e+2": "1.25E+3", "007": "7", "-0": "0"}
	for in, want := range good {
		d, err := data.ParseDecimal(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDecimal(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "--1", "0x10", "NaN", "1_0", "1e9999999999"} {
		if d, err := data.ParseDecimal(in); err == nil {
			t.Errorf("ParseDecimal(%q) = %v, want an error", in, d)
		}
	}
}

func TestTwosComplement(t *testing.T) {
	cases := []struct {
		v    int64
		want []byte
	}{
		{0, []byte{0}}, {1, []byte{1}}, {127, []byte{0x7f}}, {128, []byte{0, 0x80}}, {156, []byte{0, 0x9c}},
		{255, []byte{0, 0xff}}, {256, []byte{1, 0}}, {-1, []byte{0xff}}, {-128, []byte{0x80}},
		{-129, []byte{0xff, 0x7f}}, {-256, []byte{0xff, 0}}, {math.MinInt64, []byte{0x80, 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, c := range cases {
		got := data.TwosComplement(big.NewInt(c.v))
		if !bytes.Equal(got, c.want) {
			t.Errorf("TwosComplement(%d) = %x, want %x", c.v, got, c.want)
		}
		if back := data.FromTwosComplement(got); back.Int64() != c.v {
			t.Errorf("FromTwosComplement(%x) = %v, want %d", got, back, c.v)
		}
	}
	s := data.DecimalSchema(2)
	if _, err := data.DecimalToBytes(s, data.NewDecimal(15, 1)); err == nil || err.Error() !=
		"Decimal value has mismatching scale for given Decimal schema. Schema has scale 2, value has scale 1." {
		t.Errorf("scale mismatch: %v", err)
	}
	if _, err := data.DecimalFromBytes(s, []byte{}); err == nil {
		t.Error("empty Decimal bytes must fail as Java's BigInteger does")
	}
	noScale := data.NewBuilder(data.TypeBytes).Name(data.DecimalName).MustBuild()
	if _, err := data.DecimalFromBytes(noScale, []byte{1}); err == nil || err.Error() != "Invalid Decimal schema: scale parameter not found." {
		t.Errorf("missing scale: %v", err)
	}
	badScale := data.NewBuilder(data.TypeBytes).Name(data.DecimalName).Param("scale", "x").MustBuild()
	if _, err := data.DecimalFromBytes(badScale, []byte{1}); err == nil || err.Error() != "Invalid scale parameter found in Decimal schema: " {
		t.Errorf("bad scale: %v", err)
	}
}

func TestTemporalLogicalTypes(t *testing.T) {
	day := data.DateFromDays(19000)
	if got := day.Format(time.RFC3339); got != "2022-01-08T00:00:00Z" {
		t.Errorf("DateFromDays(19000) = %s", got)
	}
	if d, err := data.DateToDays(day); err != nil || d != 19000 {
		t.Errorf("DateToDays = %d, %v", d, err)
	}
	if d, err := data.DateToDays(data.DateFromDays(-1)); err != nil || d != -1 {
		t.Errorf("DateToDays before the epoch = %d, %v", d, err)
	}
	if _, err := data.DateToDays(day.Add(time.Millisecond)); err == nil ||
		err.Error() != "Kafka Connect Date type should not have any time fields set to non-zero values." {
		t.Errorf("DateToDays off midnight: %v", err)
	}
	if ms, err := data.TimeToMillis(data.TimeFromMillis(14400000)); err != nil || ms != 14400000 {
		t.Errorf("TimeToMillis = %d, %v", ms, err)
	}
	if _, err := data.TimeToMillis(day); err == nil ||
		err.Error() != "Kafka Connect Time type should not have any date fields set to non-zero values." {
		t.Errorf("TimeToMillis of a date: %v", err)
	}
	if _, err := data.TimeFromMillisChecked(-1); err == nil ||
		err.Error() != "Time values must use number of milliseconds greater than 0 and less than 86400000" {
		t.Errorf("TimeFromMillisChecked(-1): %v", err)
	}
	if ts := data.TimestampFromMillis(-1); data.TimestampToMillis(ts) != -1 || ts.Location() != time.UTC {
		t.Errorf("Timestamp round trip of -1: %v", ts)
	}
}

func TestJavaFloatFormatting(t *testing.T) {
	doubles := map[float64]string{
		0: "0.0", math.Copysign(0, -1): "-0.0", 1: "1.0", 100: "100.0", 1.5: "1.5", 1e7: "1.0E7",
		9999999: "9999999.0", 1e-3: "0.001", 9.99e-4: "9.99E-4", 1e10: "1.0E10", 1e-5: "1.0E-5",
		1.1: "1.1", 0.1: "0.1", 123456.789: "123456.789", 5e-324: "4.9E-324", 1e23: "1.0E23",
		math.MaxFloat64: "1.7976931348623157E308", math.NaN(): "NaN", math.Inf(1): "Infinity", math.Inf(-1): "-Infinity",
		-1.5e-10: "-1.5E-10", 12345678.9: "1.23456789E7",
	}
	for f, want := range doubles {
		if got := data.FormatFloat64(f); got != want {
			t.Errorf("FormatFloat64(%v) = %q, want %q", f, got, want)
		}
	}
	floats := map[float32]string{1.1: "1.1", 1e10: "1.0E10", 1.4e-45: "1.4E-45", 3.4028235e38: "3.4028235E38",
		0.1: "0.1", 16777216: "1.6777216E7", 100: "100.0"}
	for f, want := range floats {
		if got := data.FormatFloat32(f); got != want {
			t.Errorf("FormatFloat32(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestJavaMapOrder(t *testing.T) {
	// The order a java.util.HashMap filled from this JSON object iterates
	// (JsonConverter round trip through the oracle, JDK 17). 13 keys make the
	// table grow to 32 buckets.
	const want = "aa a b trace_id level span_id logger thread message @timestamp service host ba"
	m := map[string]any{}
	for _, k := range strings.Fields(want) {
		m[k] = true
	}
	var got []string
	for _, e := range data.JavaMapEntries(m) {
		got = append(got, e.Key.(string))
	}
	if strings.Join(got, " ") != want {
		t.Errorf("JavaMapEntries order = %v, want %s", got, want)
	}
	keys := []string{"host", "message", "@timestamp", "aa", "level", "b", "ba", "a", "trace_id", "span_id",
		"thread", "logger", "service"}
	data.JavaOrderStrings(keys, nil)
	if strings.Join(keys, " ") != want {
		t.Errorf("JavaOrderStrings = %v, want %s", keys, want)
	}
	// Keys in one bucket keep insertion order in Java, which a Go map does
	// not have: they come out in text order ("c" and "@timestamp" share
	// bucket 3 of 16; Java puts whichever was inserted first first).
	two := data.JavaMapEntries(map[string]any{"c": 1, "@timestamp": 2})
	if two[0].Key != "@timestamp" {
		t.Errorf("bucket tie order = %v", two)
	}
	if got := data.JavaString(map[any]any{int32(20): "x", int32(3): "y"}); got != "{3=y, 20=x}" {
		t.Errorf("JavaString of an int-keyed map = %q", got)
	}
}

func TestJavaString(t *testing.T) {
	s := data.StructBuilder().Field("a", data.Int32Schema).Field("b", data.OptionalFloat64Schema).MustBuild()
	st := data.NewStruct(s)
	if err := st.Put("a", int32(1)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		v    any
		want string
	}{
		{nil, "null"}, {int8(-1), "-1"}, {float32(1), "1.0"}, {2.5, "2.5"}, {true, "true"}, {"x", "x"},
		{[]any{int64(1), "a", nil}, "[1, a, null]"}, {map[string]any{"a": int64(1)}, "{a=1}"},
		{st, "Struct{a=1}"}, {data.NewDecimal(150, 2), "1.50"},
		{time.Date(1997, 5, 19, 0, 0, 0, 0, time.UTC), "Mon May 19 00:00:00 UTC 1997"},
	}
	for _, c := range cases {
		if got := data.JavaString(c.v); got != c.want {
			t.Errorf("JavaString(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
	if got := data.JavaString([]byte{1, 2}); !strings.HasPrefix(got, "[B@") {
		t.Errorf("JavaString of bytes = %q", got)
	}
}

func TestValuesEqualMaps(t *testing.T) {
	a := map[string]any{"x": int64(1)}
	b := map[any]any{"x": int64(1)}
	if !data.ValuesEqual(a, b) || !data.ValuesEqual(b, a) {
		t.Error("a string map and an any map with the same entries must be equal")
	}
	d1 := map[any]any{data.NewDecimal(1, 0): "a"}
	d2 := map[any]any{data.NewDecimal(1, 0): "a"}
	if !data.ValuesEqual(d1, d2) {
		t.Error("decimal keys must compare by value")
	}
	if data.ValuesEqual(map[any]any{int8(1): "a"}, map[any]any{int16(1): "a"}) {
		t.Error("keys of different types are different, as in Java")
	}
}

func TestProject(t *testing.T) {
	source := data.StructBuilder().Name("s").
		Field("a", data.Int8Schema).
		Field("b", data.OptionalStringSchema).
		Field("gone", data.StringSchema).MustBuild()
	target := data.StructBuilder().Name("s").
		Field("a", data.Float64Schema).
		Field("b", data.NewBuilder(data.TypeString).Default("dflt").MustBuild()).
		Field("c", data.OptionalInt32Schema).
		Field("d", data.NewBuilder(data.TypeInt32).Default(int32(9)).MustBuild()).MustBuild()
	in := data.NewStruct(source)
	for k, v := range map[string]any{"a": int8(5), "gone": "x"} {
		if err := in.Put(k, v); err != nil {
			t.Fatal(err)
		}
	}
	out, err := data.Project(source, in, target)
	if err != nil {
		t.Fatal(err)
	}
	got := out.(*data.Struct)
	if got.Get("a") != 5.0 || got.Get("b") != "dflt" || got.GetWithoutDefault("c") != nil || got.Get("d") != int32(9) {
		t.Errorf("projected %v", got)
	}

	bad := []struct {
		src, dst *data.Schema
		want     string
	}{
		{data.Int64Schema, data.Int32Schema, "Schema type mismatch. source type: INT64 and target type: INT32"},
		{data.StringSchema, data.DateSchema, "Schema type mismatch. source type: STRING and target type: INT32"},
		{data.Int32Schema, data.DateSchema, "Schema name mismatch. source name: null and target name: org.apache.kafka.connect.data.Date"},
		{data.DecimalSchema(1), data.DecimalSchema(2), "Schema parameters not equal. source parameters: {scale=1} and target parameters: {scale=2}"},
		{data.OptionalInt32Schema, data.Int32Schema, "Writer schema is optional, however, target schema does not provide a default value."},
		{source, data.StructBuilder().Name("s").Field("z", data.Int32Schema).MustBuild(),
			"Required field `z` is missing from source schema: Schema{s:STRUCT}"},
	}
	for _, c := range bad {
		var v any = int32(1)
		if c.src.Type() == data.TypeStruct {
			v = in
		}
		if _, err := data.Project(c.src, v, c.dst); err == nil || err.Error() != c.want {
			t.Errorf("Project %s -> %s = %v, want %q", c.src, c.dst, err, c.want)
		}
	}
	if v, err := data.Project(data.Int64Schema, int64(1)<<40+1, data.Float32Schema); err != nil || v != float32(1<<40) {
		t.Errorf("long to float = %v, %v", v, err)
	}
	if v, err := data.Project(data.OptionalInt32Schema, nil, data.NewBuilder(data.TypeInt64).Default(int64(3)).MustBuild()); err != nil || v != int64(3) {
		t.Errorf("null with target default = %v, %v", v, err)
	}
}
