package transforms

import (
	"encoding/base64"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const castDoc = "Casts fields of a struct or map, or the whole key or value, to another primitive type " +
	"(for instance an int64 field to int32). Integers, floats, booleans and strings can be cast to any of these; " +
	"bytes only to a string (base64). Use Cast$Key or Cast$Value."

const castSpecKey = "spec"

func castConfigDef() *configdef.ConfigDef {
	d := configdef.New().Define(configdef.Key{Name: castSpecKey, Type: configdef.TypeList, Default: configdef.NoDefault,
		Validator: configdef.ValidatorFunc(func(name string, v any) error {
			l, _ := v.([]string)
			if len(l) == 0 {
				return configdef.Errorf("Must specify at least one field to cast.")
			}
			_, _, err := parseCastSpec(l)
			return err
		}),
		Importance: configdef.High,
		Doc: "What to cast: field:type pairs (field1:type,field2:type) for fields of a struct or map, or one type to " +
			"cast the whole key or value. Types: int8, int16, int32, int64, float32, float64, boolean, string; " +
			"bytes can only be cast to string."})
	return defineReplaceNull(d)
}

var (
	castInputTypes  = []data.Type{data.TypeInt8, data.TypeInt16, data.TypeInt32, data.TypeInt64, data.TypeFloat32, data.TypeFloat64, data.TypeBoolean, data.TypeString, data.TypeBytes}
	castOutputTypes = castInputTypes[:len(castInputTypes)-1]
)

func typeList(ts []data.Type) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.String()
	}
	return "[" + strings.Join(names, ", ") + "]"
}

func isOneOf(t data.Type, ts []data.Type) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// javaTrim is Java's String.trim: it strips characters up to U+0020.
func javaTrim(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] <= ' ' {
		i++
	}
	for j > i && s[j-1] <= ' ' {
		j--
	}
	return s[i:j]
}

// castTargetType reads a type name of the spec (case-insensitive) and
// checks that Cast can produce it.
func castTargetType(name string) (data.Type, error) {
	name = javaTrim(name)
	upper := strings.ToUpper(name)
	var t data.Type
	for x := data.TypeInt8; x <= data.TypeStruct; x++ {
		if x.String() == upper {
			t = x
		}
	}
	if t == 0 {
		// Kafka builds this ConfigException with the enum error as its
		// "value" and the intended message as its "name"; the text users see
		// is that mix, so it is reproduced as is.
		return 0, &configdef.Error{Name: "Invalid type found in casting spec: " + name, HasVal: true,
			Value: "java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type." + upper}
	}
	if !isOneOf(t, castOutputTypes) {
		return 0, configdef.Errorf("Cast transformation does not support casting to %s; supported types are %s", t, typeList(castOutputTypes))
	}
	return t, nil
}

// parseCastSpec reads the spec list: whole is the type of a whole-value
// cast (0 when fields are cast), fields the per-field types (a repeated
// field: the last one wins).
func parseCastSpec(list []string) (whole data.Type, fields map[string]data.Type, err error) {
	fields = map[string]data.Type{}
	isWhole := false
	for _, m := range list {
		parts := javaSplit(m, ":")
		switch len(parts) {
		case 1:
			t, err := castTargetType(parts[0])
			if err != nil {
				return 0, nil, err
			}
			whole, isWhole = t, true
		case 2:
			t, err := castTargetType(parts[1])
			if err != nil {
				return 0, nil, err
			}
			fields[javaTrim(parts[0])] = t
		default:
			// More than two parts; also "::", which has none and makes
			// Kafka's parser fail with an index error.
			return 0, nil, configdef.Invalid("renames", list, "Invalid rename mapping: "+m)
		}
	}
	if isWhole && len(list) > 1 {
		return 0, nil, configdef.Errorf("Cast transformations that specify a type to cast the entire value to " +
			"may only specify a single cast in their spec")
	}
	return whole, fields, nil
}

// Cast is Kafka's Cast$Key / Cast$Value.
type Cast struct {
	side        Side
	whole       data.Type
	fields      map[string]data.Type
	withDefault bool
	cache       schemaCache
}

// NewCast returns an unconfigured Cast for one side of the record.
func NewCast(side Side) *Cast { return &Cast{side: side} }

// Configure reads spec and replace.null.with.default.
func (c *Cast) Configure(props map[string]string) error {
	v, err := parseConfig(castConfigDef(), props)
	if err != nil {
		return err
	}
	c.whole, c.fields, err = parseCastSpec(v.List(castSpecKey))
	if err != nil {
		return err
	}
	c.withDefault = v.Bool(replaceNullKey)
	c.cache = schemaCache{}
	return nil
}

// Apply casts the configured fields or the whole key or value.
func (c *Cast) Apply(r *connector.Record) (*connector.Record, error) {
	value := c.side.value(r)
	if value == nil {
		return r, nil
	}
	schema := c.side.schema(r)
	if schema == nil {
		return c.applySchemaless(r, value)
	}
	return c.applyWithSchema(r, schema, value)
}

func (c *Cast) applySchemaless(r *connector.Record, value any) (*connector.Record, error) {
	if c.whole != 0 {
		v, err := castValue(nil, value, c.whole)
		if err != nil {
			return nil, err
		}
		return c.side.with(r, nil, v), nil
	}
	if err := requireMap(value, "cast types"); err != nil {
		return nil, err
	}
	out := mapCopy(value, len(c.fields))
	for name, t := range c.fields {
		// A field of the spec that the map lacks is put as null, as Kafka does.
		v, err := castValue(nil, mapGet(value, name), t)
		if err != nil {
			return nil, err
		}
		mapPut(out, name, v)
	}
	// A copy, not changeable: a cast can fail half way, and a failed
	// transformation leaves the record as it was.
	return c.side.withMap(r, out), nil
}

func (c *Cast) applyWithSchema(r *connector.Record, schema *data.Schema, value any) (*connector.Record, error) {
	updated, err := c.schemaFor(schema)
	if err != nil {
		return nil, err
	}
	if c.whole != 0 {
		v, err := castValue(schema, value, c.whole)
		if err != nil {
			return nil, err
		}
		return c.side.with(r, updated, v), nil
	}
	st, err := requireStruct(value, "cast types")
	if err != nil {
		return nil, err
	}
	out := data.NewStruct(updated)
	for _, f := range st.Schema().Fields() {
		v := fieldValue(st, f, c.withDefault)
		if t, ok := c.fields[f.Name()]; ok {
			if v, err = castValue(f.Schema(), v, t); err != nil {
				return nil, err
			}
		}
		if err := out.Put(f.Name(), v); err != nil {
			return nil, err
		}
	}
	return c.side.with(r, updated, out), nil
}

func (c *Cast) schemaFor(schema *data.Schema) (*data.Schema, error) {
	if s := c.cache.get(schema); s != nil {
		return s, nil
	}
	var b *data.Builder
	if c.whole != 0 {
		b = copyBasics(schema, data.NewBuilder(c.whole))
	} else {
		if err := requireStructSchema(schema); err != nil {
			return nil, err
		}
		b = copyBasics(schema, data.StructBuilder())
		for _, f := range schema.Fields() {
			t, ok := c.fields[f.Name()]
			if !ok {
				b.Field(f.Name(), f.Schema())
				continue
			}
			fb := data.NewBuilder(t)
			if f.Schema().IsOptional() {
				fb.Optional()
			}
			if d := f.Schema().Default(); d != nil {
				cd, err := castValue(f.Schema(), d, t)
				if err != nil {
					return nil, err
				}
				fb.Default(cd)
			}
			fs, err := fb.Build()
			if err != nil {
				return nil, err
			}
			b.Field(f.Name(), fs)
		}
	}
	if schema.IsOptional() {
		b.Optional()
	}
	if d := schema.Default(); d != nil {
		cd, err := castValue(schema, d, b.Type())
		if err != nil {
			return nil, err
		}
		b.Default(cd)
	}
	out, err := b.Build()
	if err != nil {
		return nil, err
	}
	c.cache.put(schema, out)
	return out, nil
}

// Close does nothing.
func (c *Cast) Close() error { return nil }

// castValue casts v, described by schema (nil: inferred from the Go type),
// to target, with Java's conversions: Number narrowing, Byte.parseByte and
// friends for strings, Boolean.parseBoolean, toString.
func castValue(schema *data.Schema, v any, target data.Type) (any, error) {
	if v == nil {
		return nil, nil
	}
	var from data.Type
	if schema == nil {
		t, ok := data.TypeOf(v)
		if !ok {
			return nil, data.Errorf("Cast transformation was passed a value of type %s which is not supported by Connect's data API", javaClassOf(v))
		}
		from = t
	} else {
		from = schema.Type()
	}
	if !isOneOf(from, castInputTypes) {
		return nil, data.Errorf("Cast transformation does not support casting from %s; supported types are %s", from, typeList(castInputTypes))
	}
	if schema != nil && schema.Name() != "" && target != data.TypeString {
		if t, ok := v.(time.Time); ok {
			switch schema.Name() {
			case data.DateName:
				d, err := data.DateToDays(t)
				if err != nil {
					return nil, err
				}
				v = d
			case data.TimeName:
				ms, err := data.TimeToMillis(t)
				if err != nil {
					return nil, err
				}
				v = ms
			case data.TimestampName:
				v = data.TimestampToMillis(t)
			}
		}
	}
	var out any
	var err error
	switch target {
	case data.TypeInt8, data.TypeInt16, data.TypeInt32, data.TypeInt64:
		out, err = castToInteger(v, target)
	case data.TypeFloat32:
		out, err = castToFloat(v, 32)
	case data.TypeFloat64:
		out, err = castToFloat(v, 64)
	case data.TypeBoolean:
		out, err = castToBoolean(v)
	case data.TypeString:
		out = castToString(v)
	default:
		err = data.Errorf("%s is not supported in the Cast transformation.", target)
	}
	if errors.Is(err, errOutOfRange) {
		return nil, data.Errorf("Value (%s) was out of range for requested data type", data.JavaString(v))
	}
	return out, err
}

// errOutOfRange stands for Java's NumberFormatException while parsing.
var errOutOfRange = data.Errorf("number format")

func unexpectedCastType(v any) error {
	return data.Errorf("Unexpected type in Cast transformation: %s", javaClassOf(v))
}

// javaLong is Java's Number.longValue of a Connect number; ok is false for
// values that are not numbers.
func javaLong(v any) (int64, bool) {
	switch x := v.(type) {
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case float32:
		return data.JavaFloatToLong(float64(x)), true
	case float64:
		return data.JavaFloatToLong(x), true
	case data.Decimal:
		return x.LongValue(), true
	}
	return 0, false
}

// javaInt is Java's Number.intValue: floating values saturate at the int
// range, others keep their low 32 bits.
func javaInt(v any) (int32, bool) {
	switch x := v.(type) {
	case float32:
		return javaFloatToInt(float64(x)), true
	case float64:
		return javaFloatToInt(x), true
	}
	l, ok := javaLong(v)
	return int32(l), ok
}

func javaFloatToInt(f float64) int32 {
	switch {
	case f != f:
		return 0
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int32(f)
}

func castToInteger(v any, target data.Type) (any, error) {
	switch x := v.(type) {
	case bool:
		n := int64(0)
		if x {
			n = 1
		}
		return narrow(n, target), nil
	case string:
		n, ok := javaParseInt(x, intBits(target))
		if !ok {
			return nil, errOutOfRange
		}
		return narrow(n, target), nil
	}
	if target == data.TypeInt64 {
		if n, ok := javaLong(v); ok {
			return n, nil
		}
	} else if n, ok := javaInt(v); ok {
		// byteValue and shortValue narrow intValue.
		return narrow(int64(n), target), nil
	}
	return nil, unexpectedCastType(v)
}

func intBits(t data.Type) int {
	switch t {
	case data.TypeInt8:
		return 8
	case data.TypeInt16:
		return 16
	case data.TypeInt32:
		return 32
	}
	return 64
}

func narrow(n int64, t data.Type) any {
	switch t {
	case data.TypeInt8:
		return int8(n)
	case data.TypeInt16:
		return int16(n)
	case data.TypeInt32:
		return int32(n)
	}
	return n
}

// javaParseInt is Byte/Short/Integer/Long.parseX: an optional sign and
// decimal digits, within the type's range.
func javaParseInt(s string, bits int) (int64, bool) {
	if s == "" || s == "+" || s == "-" {
		return 0, false
	}
	digits := s
	if digits[0] == '+' {
		digits = digits[1:] // strconv accepts a '+' too, but not "+-1"
		if digits != "" && digits[0] == '-' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(digits, 10, bits)
	return n, err == nil
}

func castToFloat(v any, bits int) (any, error) {
	var f float64
	switch x := v.(type) {
	case bool:
		if x {
			f = 1
		}
	case string:
		p, ok := javaParseFloat(x, bits)
		if !ok {
			return nil, errOutOfRange
		}
		f = p
	case int8:
		f = float64(x)
	case int16:
		f = float64(x)
	case int32:
		f = float64(x)
	case int64:
		if bits == 32 {
			return float32(x), nil
		}
		f = float64(x)
	case float32:
		f = float64(x)
	case float64:
		f = x
	case data.Decimal:
		if bits == 32 {
			return x.Float32(), nil
		}
		f = x.Float64()
	default:
		return nil, unexpectedCastType(v)
	}
	if bits == 32 {
		return float32(f), nil
	}
	return f, nil
}

// javaParseFloat is Float.parseFloat / Double.parseDouble: surrounding
// control characters and spaces are ignored; NaN, Infinity, hexadecimal
// floats and a trailing f, F, d or D are accepted.
func javaParseFloat(s string, bits int) (float64, bool) {
	s = javaTrim(s)
	if s == "" {
		return 0, false
	}
	body := s
	sign := ""
	if body[0] == '+' || body[0] == '-' {
		sign, body = body[:1], body[1:]
	}
	switch body {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		if sign == "-" {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	if n := len(body); n > 0 && strings.ContainsRune("fFdD", rune(body[n-1])) {
		body = body[:n-1]
	}
	if body == "" || strings.ContainsAny(body, "_+-") && !validExponentSigns(body) {
		return 0, false
	}
	hex := len(body) > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')
	if hex && !strings.ContainsAny(body, "pP") {
		return 0, false // Java requires the binary exponent
	}
	if !hex && strings.ContainsAny(body, "xXpPnNiI_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(sign+body, bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true // Java rounds to an infinity or zero
		}
		return 0, false
	}
	return f, true
}

// validExponentSigns reports whether every '+' or '-' in a number body
// directly follows an exponent letter.
func validExponentSigns(body string) bool {
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '_':
			return false
		case '+', '-':
			if i == 0 || !strings.ContainsRune("eEpP", rune(body[i-1])) {
				return false
			}
		}
	}
	return true
}

func castToBoolean(v any) (any, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		return strings.EqualFold(x, "true"), nil
	}
	if n, ok := javaLong(v); ok {
		return n != 0, nil
	}
	return nil, unexpectedCastType(v)
}

func castToString(v any) string {
	switch x := v.(type) {
	case time.Time:
		return data.FormatJavaDate(x)
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	}
	return data.JavaString(v)
}
