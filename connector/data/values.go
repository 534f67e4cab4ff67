package data

import (
	"encoding/base64"
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// This file is Java's org.apache.kafka.connect.data.Values: converting a
// Connect value to another type, its string form, and reading that string
// form back with inferred schemas. SimpleHeaderConverter and InsertHeader are
// built on it, so its quirks are part of what a header looks like on the
// wire; they are kept on purpose.

// ErrNullValue is returned when a nil value is converted to a type that
// cannot hold it: Java's "Unable to convert a null value to a schema that
// requires a value". Java's convertToBoolean, convertToInteger and the other
// convertToX of primitives return null for null; Go's typed results cannot,
// so callers that accept a missing value check for nil before converting.
var ErrNullValue = errors.New("Unable to convert a null value to a schema that requires a value")

func nullError() error { return &Error{Msg: ErrNullValue.Error(), Err: ErrNullValue} }

// Selector schemas Java's Values uses to name the target type in errors.
var (
	arraySelectorSchema  = &Schema{typ: TypeArray, valueSchema: StringSchema}
	mapSelectorSchema    = &Schema{typ: TypeMap, keySchema: StringSchema, valueSchema: StringSchema}
	structSelectorSchema = &Schema{typ: TypeStruct, fields: []*Field{}, byName: map[string]*Field{}}
)

func unableToConvert(v any, to string, cause error) error {
	return &Error{Msg: "Unable to convert " + JavaString(v) + " (class " + JavaClass(v) + ") to " + to, Err: cause}
}

// ParseString reads the string form written by ConvertToString (and by
// Java's Values.convertToString) back into a schema and value, inferring the
// type as Java's Values.parseString does: "" and anything unparseable is a
// STRING; true/false a BOOLEAN; numbers the smallest integer type that holds
// them, else FLOAT32 when finite, else FLOAT64, else a Decimal; ISO dates,
// times and timestamps the Date, Time and Timestamp logical types; [..] an
// ARRAY and {..} a MAP with a common element schema where there is one. The
// literal "null" gives a nil schema and value. Text after a leading number
// or temporal value is ignored ("12:34" is INT8 12), as in Java.
//
// A map is returned as a Go map, so the insertion order Java's
// LinkedHashMap would keep is lost; a map whose keys would be lists or maps
// reads as a STRING (Java keeps such keys).
func ParseString(s string) (*Schema, any) {
	if s == "" {
		return StringSchema, s
	}
	p := valueParser{t: tokenizer{orig: s}}
	r, err := p.parse(false)
	if err != nil {
		return StringSchema, s
	}
	if r == nil {
		return nil, nil
	}
	return r.schema, r.value
}

// ConvertTo converts value to the type of toSchema (Java's
// Values.convertTo): nil stays nil for an optional target and is an error for
// a required one. fromSchema describes value and may be nil.
func ConvertTo(toSchema, fromSchema *Schema, value any) (any, error) {
	if value == nil {
		if toSchema.optional {
			return nil, nil
		}
		return nil, nullError()
	}
	switch toSchema.typ {
	case TypeBytes:
		if toSchema.name == DecimalName {
			return convertToDecimal(toSchema, value)
		}
		return convertToBytes(toSchema, value)
	case TypeString:
		return ConvertToString(fromSchema, value)
	case TypeBoolean:
		return ConvertToBoolean(fromSchema, value)
	case TypeInt8:
		return ConvertToInt8(fromSchema, value)
	case TypeInt16:
		return ConvertToInt16(fromSchema, value)
	case TypeInt32:
		switch toSchema.name {
		case DateName:
			return convertToDate(toSchema, fromSchema, value)
		case TimeName:
			return convertToTime(toSchema, fromSchema, value)
		}
		return ConvertToInt32(fromSchema, value)
	case TypeInt64:
		if toSchema.name == TimestampName {
			return convertToTimestamp(toSchema, fromSchema, value)
		}
		return ConvertToInt64(fromSchema, value)
	case TypeFloat32:
		return ConvertToFloat32(fromSchema, value)
	case TypeFloat64:
		return ConvertToFloat64(fromSchema, value)
	case TypeArray:
		return convertToArray(toSchema, value)
	case TypeMap:
		return convertToMap(toSchema, value)
	case TypeStruct:
		return convertToStruct(toSchema, value)
	}
	return nil, unableToConvert(value, toSchema.String(), nil)
}

// ConvertToBoolean converts a value to a BOOLEAN: a bool as is, a string by
// ParseString when it reads as a boolean, anything else that reads as a
// number is true unless zero.
func ConvertToBoolean(schema *Schema, value any) (bool, error) {
	switch v := value.(type) {
	case nil:
		return false, nullError()
	case bool:
		return v, nil
	case string:
		s, parsed := ParseString(v)
		if s == nil {
			return false, unableToConvert(value, "a boolean", nil)
		}
		if b, ok := parsed.(bool); ok {
			return b, nil
		}
	}
	n, err := asLong(value, schema, nil)
	return n != 0, err
}

// ConvertToInt8 converts a value to an INT8, narrowing as Java's (byte) cast does.
func ConvertToInt8(schema *Schema, value any) (int8, error) {
	if v, ok := value.(int8); ok {
		return v, nil
	}
	n, err := asLongOrNull(value, schema)
	return int8(n), err
}

// ConvertToInt16 converts a value to an INT16, narrowing as Java's (short) cast does.
func ConvertToInt16(schema *Schema, value any) (int16, error) {
	if v, ok := value.(int16); ok {
		return v, nil
	}
	n, err := asLongOrNull(value, schema)
	return int16(n), err
}

// ConvertToInt32 converts a value to an INT32, narrowing as Java's (int) cast does.
func ConvertToInt32(schema *Schema, value any) (int32, error) {
	if v, ok := value.(int32); ok {
		return v, nil
	}
	n, err := asLongOrNull(value, schema)
	return int32(n), err
}

// ConvertToInt64 converts a value to an INT64: numbers truncated toward zero,
// strings read as decimals, Date/Time/Timestamp values (with their schema)
// as days, milliseconds of the day and epoch milliseconds.
func ConvertToInt64(schema *Schema, value any) (int64, error) {
	if v, ok := value.(int64); ok {
		return v, nil
	}
	return asLongOrNull(value, schema)
}

// ConvertToFloat32 converts a value to a FLOAT32.
func ConvertToFloat32(schema *Schema, value any) (float32, error) {
	if v, ok := value.(float32); ok {
		return v, nil
	}
	if value == nil {
		return 0, nullError()
	}
	f, err := asDouble(value, schema)
	return float32(f), err
}

// ConvertToFloat64 converts a value to a FLOAT64.
func ConvertToFloat64(schema *Schema, value any) (float64, error) {
	if v, ok := value.(float64); ok {
		return v, nil
	}
	if value == nil {
		return 0, nullError()
	}
	return asDouble(value, schema)
}

func asLongOrNull(value any, schema *Schema) (int64, error) {
	if value == nil {
		return 0, nullError()
	}
	return asLong(value, schema, nil)
}

// ConvertToString renders a value in the string form SimpleHeaderConverter
// writes (Java's Values.convertToString): strings as they are, numbers as
// Java prints them, bytes as Base64, lists as [a,b], maps and structs as
// {k:v,...} with strings inside them quoted, dates as ISO text. A nil value
// gives "" (Java returns null; callers that must tell the two apart check
// for nil first).
func ConvertToString(schema *Schema, value any) (string, error) {
	if value == nil {
		return "", nil
	}
	var b strings.Builder
	if err := appendValueString(&b, value, false); err != nil {
		return "", err
	}
	return b.String(), nil
}

func appendValueString(b *strings.Builder, value any, embedded bool) error {
	switch v := value.(type) {
	case nil:
		b.WriteString("null")
	case int8, int16, int32, int64, float32, float64, bool, Decimal:
		writeJavaString(b, v)
	case string:
		if embedded {
			b.WriteByte('"')
			b.WriteString(escapeValueString(v))
			b.WriteByte('"')
		} else {
			b.WriteString(v)
		}
	case []byte:
		if embedded {
			b.WriteByte('"')
		}
		b.WriteString(base64.StdEncoding.EncodeToString(v))
		if embedded {
			b.WriteByte('"')
		}
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendValueString(b, e, true); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any, map[any]any:
		b.WriteByte('{')
		for i, e := range JavaMapEntries(v) {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendValueString(b, e.Key, true); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := appendValueString(b, e.Value, true); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case *Struct:
		b.WriteByte('{')
		for i, f := range v.schema.fields {
			if i > 0 {
				b.WriteByte(',')
			}
			appendValueString(b, f.name, true)
			b.WriteByte(':')
			if err := appendValueString(b, v.GetField(f), true); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case time.Time:
		b.WriteString(FormatJavaDate(v))
	default:
		return Errorf("Failed to serialize unexpected value type %s: %v", JavaClass(value), value)
	}
	return nil
}

// escapeValueString escapes only backslashes and double quotes, as Java's
// Values.escape does.
func escapeValueString(s string) string {
	if !strings.ContainsAny(s, `\"`) {
		return s
	}
	s = strings.ReplaceAll(s, `\`, `\\`)
	return strings.ReplaceAll(s, `"`, `\"`)
}

// ConvertToList converts a value to an ARRAY: a list as is, a string by
// ParseString when it reads as a list.
func ConvertToList(schema *Schema, value any) ([]any, error) {
	v, err := convertToArray(arraySelectorSchema, value)
	if err != nil {
		return nil, err
	}
	return v.([]any), nil
}

func convertToArray(toSchema *Schema, value any) (any, error) {
	if value == nil {
		return nil, nullError()
	}
	if s, ok := value.(string); ok {
		schema, parsed := ParseString(s)
		if schema == nil {
			return nil, unableToConvert(value, toSchema.String(), nil)
		}
		value = parsed
	}
	if l, ok := value.([]any); ok {
		return l, nil
	}
	return nil, unableToConvert(value, toSchema.String(), nil)
}

// ConvertToMap converts a value to a MAP (map[string]any or map[any]any): a
// map as is, a string by ParseString when it reads as a map.
func ConvertToMap(schema *Schema, value any) (any, error) {
	return convertToMap(mapSelectorSchema, value)
}

func convertToMap(toSchema *Schema, value any) (any, error) {
	if value == nil {
		return nil, nullError()
	}
	if s, ok := value.(string); ok {
		schema, parsed := ParseString(s)
		if schema == nil {
			return nil, unableToConvert(value, toSchema.String(), nil)
		}
		value = parsed
	}
	if IsMap(value) {
		return value, nil
	}
	return nil, unableToConvert(value, toSchema.String(), nil)
}

// ConvertToStruct returns value if it is a *Struct: nothing else converts to one.
func ConvertToStruct(schema *Schema, value any) (*Struct, error) {
	v, err := convertToStruct(structSelectorSchema, value)
	if err != nil {
		return nil, err
	}
	return v.(*Struct), nil
}

func convertToStruct(toSchema *Schema, value any) (any, error) {
	if value == nil {
		return nil, nullError()
	}
	if s, ok := value.(*Struct); ok {
		return s, nil
	}
	return nil, unableToConvert(value, toSchema.String(), nil)
}

// ConvertToTime converts a value to the Time logical type: a Timestamp keeps
// its time of day, numbers are milliseconds of the day, strings are parsed.
func ConvertToTime(schema *Schema, value any) (time.Time, error) {
	if value == nil {
		return time.Time{}, nullError()
	}
	v, err := convertToTime(TimeSchema, schema, value)
	if err != nil {
		return time.Time{}, err
	}
	return v.(time.Time), nil
}

// ConvertToDate converts a value to the Date logical type: a Timestamp keeps
// its day (rounded toward the epoch), numbers are days, strings are parsed.
func ConvertToDate(schema *Schema, value any) (time.Time, error) {
	if value == nil {
		return time.Time{}, nullError()
	}
	v, err := convertToDate(DateSchema, schema, value)
	if err != nil {
		return time.Time{}, err
	}
	return v.(time.Time), nil
}

// ConvertToTimestamp converts a value to the Timestamp logical type: Dates
// and Times keep their instant, numbers are epoch milliseconds, strings are
// parsed.
func ConvertToTimestamp(schema *Schema, value any) (time.Time, error) {
	if value == nil {
		return time.Time{}, nullError()
	}
	v, err := convertToTimestamp(TimestampSchema, schema, value)
	if err != nil {
		return time.Time{}, err
	}
	return v.(time.Time), nil
}

// ConvertToDecimal converts a value to a Decimal: bytes as the Decimal
// encoding of the given scale, a Decimal as is (its own scale kept), other
// numbers through their Java double text (so 5 becomes 5.0), strings read as
// decimals.
func ConvertToDecimal(schema *Schema, value any, scale int32) (Decimal, error) {
	if value == nil {
		return Decimal{}, nullError()
	}
	v, err := convertToDecimal(DecimalSchema(scale), value)
	if err != nil {
		return Decimal{}, err
	}
	return v.(Decimal), nil
}

// parsedForTemporal replaces a string by what ParseString reads from it.
func parsedForTemporal(value any) (any, error) {
	s, ok := value.(string)
	if !ok {
		return value, nil
	}
	schema, parsed := ParseString(s)
	if schema == nil {
		// Java dereferences the null parse result here.
		return nil, Errorf("Unable to convert %q: it parses as null", s)
	}
	return parsed, nil
}

func convertToDate(toSchema, fromSchema *Schema, value any) (any, error) {
	value, err := parsedForTemporal(value)
	if err != nil {
		return nil, err
	}
	if t, ok := value.(time.Time); ok {
		if fromSchema == nil {
			return t, nil
		}
		switch fromSchema.name {
		case DateName:
			return t, nil
		case TimestampName:
			days := int32(t.UnixMilli() / millisPerDay) // truncates toward zero, as Java
			return DateFromDays(days), nil
		}
	}
	n, err := asLong(value, fromSchema, nil)
	if err != nil {
		return nil, err
	}
	return DateFromDays(int32(n)), nil
}

func convertToTime(toSchema, fromSchema *Schema, value any) (any, error) {
	value, err := parsedForTemporal(value)
	if err != nil {
		return nil, err
	}
	if t, ok := value.(time.Time); ok {
		if fromSchema == nil {
			return t, nil
		}
		switch fromSchema.name {
		case TimeName:
			return t, nil
		case TimestampName:
			ms := t.UnixMilli()
			return TimeFromMillisChecked(int32(ms - floorDiv(ms, millisPerDay)*millisPerDay))
		}
	}
	n, err := asLong(value, fromSchema, nil)
	if err != nil {
		return nil, err
	}
	return TimeFromMillisChecked(int32(n))
}

func convertToTimestamp(toSchema, fromSchema *Schema, value any) (any, error) {
	value, err := parsedForTemporal(value)
	if err != nil {
		return nil, err
	}
	if t, ok := value.(time.Time); ok {
		if fromSchema == nil {
			return t, nil
		}
		switch fromSchema.name {
		case DateName:
			days, err := DateToDays(t)
			if err != nil {
				return nil, err
			}
			return TimestampFromMillis(int64(days) * millisPerDay), nil
		case TimeName:
			ms, err := TimeToMillis(t)
			if err != nil {
				return nil, err
			}
			return TimestampFromMillis(int64(ms)), nil
		case TimestampName:
			return t, nil
		}
	}
	n, err := asLong(value, fromSchema, nil)
	if err != nil {
		return nil, err
	}
	return TimestampFromMillis(n), nil
}

func convertToDecimal(toSchema *Schema, value any) (any, error) {
	switch v := value.(type) {
	case []byte:
		return DecimalFromBytes(toSchema, v)
	case Decimal:
		return v, nil
	case int8, int16, int32, int64, float32, float64:
		f, _ := asDouble(v, nil)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, Errorf("Unable to convert %s to a decimal: not a finite number", FormatFloat64(f))
		}
		// BigDecimal.valueOf(double) reads Double.toString's text.
		return ParseDecimal(FormatFloat64(f))
	case string:
		d, err := parseJavaBigDecimal(v)
		if err != nil {
			return nil, Errorf("Unable to convert %q to a decimal: %v", v, err)
		}
		return d, nil
	}
	return nil, unableToConvert(value, toSchema.String(), nil)
}

func convertToBytes(toSchema *Schema, value any) (any, error) {
	switch v := value.(type) {
	case []byte:
		return v, nil
	case Decimal:
		return DecimalToBytes(toSchema, v)
	}
	return nil, unableToConvert(value, toSchema.String(), nil)
}

// asLong is Java's Values.asLong: the long value of a number or of a
// decimal string, or the encoded value of a Date/Time/Timestamp given its
// schema.
func asLong(value any, fromSchema *Schema, cause error) (int64, error) {
	switch v := value.(type) {
	case int8:
		return int64(v), nil
	case int16:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case int64:
		return v, nil
	case float32:
		return JavaFloatToLong(float64(v)), nil
	case float64:
		return JavaFloatToLong(v), nil
	case Decimal:
		return v.LongValue(), nil
	case string:
		d, err := parseJavaBigDecimal(v)
		if err == nil {
			return d.LongValue(), nil
		}
		cause = err
	}
	if fromSchema != nil {
		if t, ok := value.(time.Time); ok {
			switch fromSchema.name {
			case DateName:
				d, err := DateToDays(t)
				return int64(d), err
			case TimeName:
				ms, err := TimeToMillis(t)
				return int64(ms), err
			case TimestampName:
				return TimestampToMillis(t), nil
			}
		}
		return 0, unableToConvert(value, fromSchema.String(), cause)
	}
	return 0, unableToConvert(value, "a number", cause)
}

func asDouble(value any, schema *Schema) (float64, error) {
	switch v := value.(type) {
	case int8:
		return float64(v), nil
	case int16:
		return float64(v), nil
	case int32:
		return float64(v), nil
	case int64:
		return float64(v), nil
	case float32:
		return float64(v), nil
	case float64:
		return v, nil
	case Decimal:
		return v.Float64(), nil
	case string:
		if d, err := parseJavaBigDecimal(v); err == nil {
			return d.Float64(), nil
		}
	}
	n, err := asLong(value, schema, nil)
	return float64(n), err
}

// JavaFloatToLong converts as Java's (long) cast of a double does: NaN is 0,
// values beyond the int64 range saturate, others truncate toward zero.
func JavaFloatToLong(f float64) int64 {
	switch {
	case f != f:
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// LongValue is Java's BigDecimal.longValue: the value truncated toward zero,
// keeping the low 64 bits of the two's complement integer.
func (d Decimal) LongValue() int64 {
	u := d.unscaled()
	if u.Sign() == 0 || d.Scale <= -64 {
		return 0
	}
	var i *big.Int
	if d.Scale <= 0 {
		i = new(big.Int).Mul(u, pow10(int64(-d.Scale)))
	} else {
		if int64(d.Scale) >= int64(len(new(big.Int).Abs(u).String())) {
			return 0 // only a fraction
		}
		i = new(big.Int).Quo(u, pow10(int64(d.Scale)))
	}
	return LowInt64(i)
}

// LowInt64 returns the low 64 bits of v's two's complement, as Java's
// BigInteger.longValue.
func LowInt64(v *big.Int) int64 {
	if v.IsInt64() {
		return v.Int64()
	}
	mag := new(big.Int).Abs(v)
	lo := new(big.Int).And(mag, new(big.Int).SetUint64(math.MaxUint64)).Uint64()
	if v.Sign() < 0 {
		lo = -lo
	}
	return int64(lo)
}

// Float32 is Java's BigDecimal.floatValue: the nearest float32 (zero is
// always positive; values beyond the range are infinities).
func (d Decimal) Float32() float32 {
	if d.unscaled().Sign() == 0 {
		return 0
	}
	f, _ := strconv.ParseFloat(d.unscaled().String()+"e"+strconv.FormatInt(-int64(d.Scale), 10), 32)
	return float32(f)
}

// InferSchema infers a schema for a value as Java's Values.inferSchema does:
// primitives map to their required schema, a struct to its own, a non-empty
// list or map to an ARRAY or MAP of the common element type (optional if
// some element is nil) when all elements share one type. It returns nil
// when no schema can be inferred (nil, empty containers, mixed types,
// logical-type values) and an error for a list or map whose elements are all
// nil, where Java fails building the schema.
func InferSchema(value any) (*Schema, error) {
	switch v := value.(type) {
	case string:
		return StringSchema, nil
	case bool:
		return BooleanSchema, nil
	case int8:
		return Int8Schema, nil
	case int16:
		return Int16Schema, nil
	case int32:
		return Int32Schema, nil
	case int64:
		return Int64Schema, nil
	case float32:
		return Float32Schema, nil
	case float64:
		return Float64Schema, nil
	case []byte:
		return BytesSchema, nil
	case []any:
		if len(v) == 0 {
			return nil, nil
		}
		var d schemaDetector
		for _, e := range v {
			ok, err := d.canDetect(e)
			if err != nil || !ok {
				return nil, err
			}
		}
		elem, err := d.schema()
		if err != nil {
			return nil, err
		}
		return &Schema{typ: TypeArray, valueSchema: elem}, nil
	case map[string]any, map[any]any:
		entries := JavaMapEntries(v)
		if len(entries) == 0 {
			return nil, nil
		}
		var kd, vd schemaDetector
		for _, e := range entries {
			ok, err := kd.canDetect(e.Key)
			if err != nil || !ok {
				return nil, err
			}
			if ok, err = vd.canDetect(e.Value); err != nil || !ok {
				return nil, err
			}
		}
		ks, err := kd.schema()
		if err != nil {
			return nil, err
		}
		vs, err := vd.schema()
		if err != nil {
			return nil, err
		}
		return &Schema{typ: TypeMap, keySchema: ks, valueSchema: vs}, nil
	case *Struct:
		return v.schema, nil
	}
	return nil, nil
}

// schemaDetector is Java's Values.SchemaDetector: it accepts elements while
// they all have the same type.
type schemaDetector struct {
	known    Type
	optional bool
}

func (d *schemaDetector) canDetect(v any) (bool, error) {
	if v == nil {
		d.optional = true
		return true, nil
	}
	s, err := InferSchema(v)
	if err != nil || s == nil {
		return false, err
	}
	if d.known == 0 {
		d.known = s.typ
	} else if d.known != s.typ {
		return false, nil
	}
	return true, nil
}

// schema is the detected type with no further detail (an ARRAY or MAP
// without element schemas, a STRUCT without fields), as Java builds it.
func (d *schemaDetector) schema() (*Schema, error) {
	if d.known == 0 {
		return nil, Errorf("type cannot be null")
	}
	s := &Schema{typ: d.known, optional: d.optional}
	if d.known == TypeStruct {
		s.fields, s.byName = []*Field{}, map[string]*Field{}
	}
	return s, nil
}
