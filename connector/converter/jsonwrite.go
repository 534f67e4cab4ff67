package converter

import (
	"encoding/base64"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/kafka-connect-go/connect/connector/data"
)

// This file writes Connect data as JSON the way Kafka's JsonConverter does
// through Jackson, byte for byte (see JSONConverter).

// jsonWriter is reused between messages through the converter's pool.
type jsonWriter struct {
	buf []byte
	cfg jsonConfig
}

func (w *jsonWriter) release() {
	if cap(w.buf) > 1<<20 {
		w.buf = nil
	}
}

const msgNullRequired = "Conversion error: null value for field that is required and has no default value"

func (c *jsonCore) fromConnect(schema *data.Schema, value any) ([]byte, error) {
	if schema == nil && value == nil {
		return nil, nil // a tombstone
	}
	w := c.writers.Get().(*jsonWriter)
	w.cfg = c.cfg
	// The buffer travels through the writer's methods as a local value and
	// is stored back once: appending to a field of a heap object would cost
	// a GC write barrier on every append.
	b := w.buf[:0]
	var err error
	if c.cfg.schemasEnabled {
		var sj []byte
		if sj, err = c.schemaJSON(schema); err == nil {
			b = append(b, `{"schema":`...)
			b = append(b, sj...)
			b = append(b, `,"payload":`...)
		}
	}
	if err == nil {
		b, err = w.value(b, schema, value)
	}
	if c.cfg.schemasEnabled {
		b = append(b, '}')
	}
	var out []byte
	if err == nil {
		out = append([]byte(nil), b...)
	}
	w.buf = b[:0]
	w.release()
	c.writers.Put(w)
	return out, err
}

// schemaJSON returns the envelope form of a schema (Java's asJsonSchema),
// cached per schema value.
func (c *jsonCore) schemaJSON(s *data.Schema) ([]byte, error) {
	if s == nil {
		return []byte("null"), nil
	}
	if b, ok := c.fromSchemas.get(s); ok {
		return b, nil
	}
	w := &jsonWriter{cfg: c.cfg}
	b, err := w.schema(nil, s, "")
	if err != nil {
		return nil, err
	}
	c.fromSchemas.put(s, b)
	return b, nil
}

func jsonTypeName(t data.Type) string {
	switch t {
	case data.TypeBoolean:
		return jsonTypeBoolean
	case data.TypeInt8:
		return jsonTypeInt8
	case data.TypeInt16:
		return jsonTypeInt16
	case data.TypeInt32:
		return jsonTypeInt32
	case data.TypeInt64:
		return jsonTypeInt64
	case data.TypeFloat32:
		return jsonTypeFloat
	case data.TypeFloat64:
		return jsonTypeDouble
	case data.TypeBytes:
		return jsonTypeBytes
	case data.TypeString:
		return jsonTypeString
	case data.TypeArray:
		return jsonTypeArray
	case data.TypeMap:
		return jsonTypeMap
	case data.TypeStruct:
		return jsonTypeStruct
	}
	return ""
}

// schema writes s in the envelope form: type, then items | keys, values |
// fields, then optional, name, version, doc, parameters and default; a
// struct field's schema carries "field" last.
func (w *jsonWriter) schema(b []byte, s *data.Schema, field string) ([]byte, error) {
	var err error
	if s == nil {
		b = append(b, "null"...)
		return b, nil
	}
	name := jsonTypeName(s.Type())
	if name == "" {
		return b, data.Errorf("Couldn't translate unsupported schema type %s.", s)
	}
	b = append(b, `{"type":"`...)
	b = append(b, name...)
	b = append(b, '"')
	switch s.Type() {
	case data.TypeArray:
		b = append(b, `,"items":`...)
		if b, err = w.schema(b, s.ValueSchema(), ""); err != nil {
			return b, err
		}
	case data.TypeMap:
		b = append(b, `,"keys":`...)
		if b, err = w.schema(b, s.KeySchema(), ""); err != nil {
			return b, err
		}
		b = append(b, `,"values":`...)
		if b, err = w.schema(b, s.ValueSchema(), ""); err != nil {
			return b, err
		}
	case data.TypeStruct:
		b = append(b, `,"fields":[`...)
		for i, f := range s.Fields() {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = w.schema(b, f.Schema(), f.Name()); err != nil {
				return b, err
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"optional":`...)
	b = strconv.AppendBool(b, s.IsOptional())
	if s.Name() != "" {
		b = append(b, `,"name":`...)
		b = w.str(b, s.Name())
	}
	if v, ok := s.Version(); ok {
		b = append(b, `,"version":`...)
		b = strconv.AppendInt(b, int64(v), 10)
	}
	if d, ok := s.Doc(); ok {
		b = append(b, `,"doc":`...)
		b = w.str(b, d)
	}
	if s.HasParams() {
		b = append(b, `,"parameters":{`...)
		for i, p := range s.Params() {
			if i > 0 {
				b = append(b, ',')
			}
			b = w.str(b, p.Key)
			b = append(b, ':')
			b = w.str(b, p.Value)
		}
		b = append(b, '}')
	}
	if def := s.Default(); def != nil {
		b = append(b, `,"default":`...)
		if b, err = w.value(b, s, def); err != nil {
			return b, err
		}
	}
	if field != "" {
		b = append(b, `,"field":`...)
		b = w.str(b, field)
	}
	b = append(b, '}')
	return b, nil
}

func invalidType(s *data.Schema, v any) error {
	return data.Errorf("Invalid type for %s: class %s", s.Type(), data.JavaClass(v))
}

// value writes v with schema s (Java's convertToJson).
func (w *jsonWriter) value(b []byte, s *data.Schema, v any) ([]byte, error) {
	var err error
	if v == nil {
		switch {
		case s == nil:
			b = append(b, "null"...)
			return b, nil
		case s.Default() != nil && w.cfg.replaceNull:
			return w.value(b, s, s.Default())
		case s.IsOptional():
			b = append(b, "null"...)
			return b, nil
		}
		return b, data.Errorf(msgNullRequired)
	}
	if s == nil {
		return w.schemaless(b, v)
	}
	switch s.Name() {
	case data.DecimalName:
		d, ok := v.(data.Decimal)
		if !ok {
			return b, data.Errorf("Invalid type for Decimal, expected BigDecimal but was class %s", data.JavaClass(v))
		}
		if w.cfg.decimalNumeric {
			b = append(b, d.String()...)
			return b, nil
		}
		raw, err := data.DecimalToBytes(s, d)
		if err != nil {
			return b, err
		}
		return w.bytes(b, raw), nil
	case data.DateName:
		t, err := asTime(v, "Date")
		if err != nil {
			return b, err
		}
		days, err := data.DateToDays(t)
		if err != nil {
			return b, err
		}
		b = strconv.AppendInt(b, int64(days), 10)
		return b, nil
	case data.TimeName:
		t, err := asTime(v, "Time")
		if err != nil {
			return b, err
		}
		ms, err := data.TimeToMillis(t)
		if err != nil {
			return b, err
		}
		b = strconv.AppendInt(b, int64(ms), 10)
		return b, nil
	case data.TimestampName:
		t, err := asTime(v, "Timestamp")
		if err != nil {
			return b, err
		}
		b = strconv.AppendInt(b, data.TimestampToMillis(t), 10)
		return b, nil
	}
	switch s.Type() {
	case data.TypeInt8:
		x, ok := v.(int8)
		if !ok {
			return b, invalidType(s, v)
		}
		b = strconv.AppendInt(b, int64(x), 10)
	case data.TypeInt16:
		x, ok := v.(int16)
		if !ok {
			return b, invalidType(s, v)
		}
		b = strconv.AppendInt(b, int64(x), 10)
	case data.TypeInt32:
		x, ok := v.(int32)
		if !ok {
			return b, invalidType(s, v)
		}
		b = strconv.AppendInt(b, int64(x), 10)
	case data.TypeInt64:
		x, ok := v.(int64)
		if !ok {
			return b, invalidType(s, v)
		}
		b = strconv.AppendInt(b, x, 10)
	case data.TypeFloat32:
		x, ok := v.(float32)
		if !ok {
			return b, invalidType(s, v)
		}
		b = w.float32(b, x)
	case data.TypeFloat64:
		x, ok := v.(float64)
		if !ok {
			return b, invalidType(s, v)
		}
		b = w.float64(b, x)
	case data.TypeBoolean:
		x, ok := v.(bool)
		if !ok {
			return b, invalidType(s, v)
		}
		b = strconv.AppendBool(b, x)
	case data.TypeString:
		x, ok := v.(string)
		if !ok {
			return b, invalidType(s, v)
		}
		b = w.str(b, x)
	case data.TypeBytes:
		x, ok := v.([]byte)
		if !ok {
			return b, data.Errorf("Invalid type for bytes type: class %s", data.JavaClass(v))
		}
		b = w.bytes(b, x)
	case data.TypeArray:
		x, ok := v.([]any)
		if !ok {
			return b, invalidType(s, v)
		}
		return w.array(b, s.ValueSchema(), x)
	case data.TypeMap:
		if !data.IsMap(v) {
			return b, invalidType(s, v)
		}
		return w.schemaMap(b, s, v)
	case data.TypeStruct:
		st, ok := v.(*data.Struct)
		if !ok {
			return b, invalidType(s, v)
		}
		if !data.Equal(st.Schema(), s) {
			return b, data.Errorf("Mismatching schema.")
		}
		b = append(b, '{')
		for i, f := range s.Fields() {
			if i > 0 {
				b = append(b, ',')
			}
			b = w.str(b, f.Name())
			b = append(b, ':')
			if b, err = w.value(b, f.Schema(), st.GetFieldWithoutDefault(f)); err != nil {
				return b, err
			}
		}
		b = append(b, '}')
	default:
		return b, data.Errorf("Couldn't convert %s to JSON.", data.JavaString(v))
	}
	return b, nil
}

// asTime checks a Date, Time or Timestamp value.
func asTime(v any, logical string) (time.Time, error) {
	t, ok := v.(time.Time)
	if !ok {
		return time.Time{}, data.Errorf("Invalid type for %s, expected Date but was class %s", logical, data.JavaClass(v))
	}
	return t, nil
}

// schemaless writes a value without a schema, typed by its Go type.
func (w *jsonWriter) schemaless(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		b = append(b, "null"...)
	case string:
		b = w.str(b, x)
	case int64:
		b = strconv.AppendInt(b, x, 10)
	case float64:
		b = w.float64(b, x)
	case bool:
		b = strconv.AppendBool(b, x)
	case map[string]any:
		return w.stringMap(b, nil, x)
	case []any:
		return w.array(b, nil, x)
	case int32:
		b = strconv.AppendInt(b, int64(x), 10)
	case int8:
		b = strconv.AppendInt(b, int64(x), 10)
	case int16:
		b = strconv.AppendInt(b, int64(x), 10)
	case float32:
		b = w.float32(b, x)
	case []byte:
		b = w.bytes(b, x)
	case map[any]any:
		for k := range x {
			if _, ok := k.(string); !ok {
				return w.pairs(b, nil, x)
			}
		}
		return w.anyMapAsObject(b, nil, x)
	case *data.Struct:
		return b, data.Errorf("Mismatching schema.")
	default:
		return b, data.Errorf("Java class class %s does not have corresponding schema type.", data.JavaClass(v))
	}
	return b, nil
}

func (w *jsonWriter) array(b []byte, elem *data.Schema, x []any) ([]byte, error) {
	var err error
	b = append(b, '[')
	for i, e := range x {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = w.value(b, elem, e); err != nil {
			return b, err
		}
	}
	b = append(b, ']')
	return b, nil
}

// schemaMap writes a MAP value with a schema: a JSON object when the key
// schema is STRING, otherwise an array of [key, value] pairs.
func (w *jsonWriter) schemaMap(b []byte, s *data.Schema, m any) ([]byte, error) {
	ks, vs := s.KeySchema(), s.ValueSchema()
	if ks == nil {
		return b, data.Errorf("Couldn't convert a map without a key schema to JSON.")
	}
	if ks.Type() != data.TypeString {
		return w.pairs(b, s, m)
	}
	switch x := m.(type) {
	case map[string]any:
		return w.stringMap(b, vs, x)
	case map[any]any:
		return w.anyMapAsObject(b, s, x)
	}
	return b, nil
}

// smallMap is the size up to which a map's members are gathered and
// ordered in arrays on the stack: no allocation, no GC write barriers.
const smallMap = 24

// stringMap writes a map with string keys as a JSON object, in the order
// a Java HashMap with those keys iterates.
func (w *jsonWriter) stringMap(b []byte, vs *data.Schema, m map[string]any) ([]byte, error) {
	if len(m) > smallMap {
		ms := make([]member, 0, len(m))
		for k, v := range m {
			ms = append(ms, member{k, v})
		}
		return w.members(b, vs, ms, make([]uint32, 0, len(ms)), make([]uint32, 0, len(ms)))
	}
	var (
		local   [smallMap]member
		order   [smallMap]uint32
		buckets [smallMap]uint32
	)
	n := 0
	for k, v := range m {
		local[n] = member{k, v}
		n++
	}
	return w.members(b, vs, local[:n], order[:0], buckets[:0])
}

// members writes gathered map members as a JSON object in Java order.
func (w *jsonWriter) members(b []byte, vs *data.Schema, ms []member, order, buckets []uint32) ([]byte, error) {
	var err error
	order = javaOrder(ms, order, buckets)
	b = append(b, '{')
	for i, idx := range order {
		if i > 0 {
			b = append(b, ',')
		}
		kv := &ms[idx]
		b = w.str(b, kv.key)
		b = append(b, ':')
		if b, err = w.value(b, vs, kv.val); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// javaOrder returns the indexes of ms in java.util.HashMap iteration order
// (see data.JavaMapEntries), appended to order. It sorts indexes, not the
// members, so no pointers move; an insertion sort, since maps in records
// are small.
func javaOrder(ms []member, order, buckets []uint32) []uint32 {
	for i, kv := range ms {
		buckets = append(buckets, data.JavaBucket(data.JavaStringHashCode(kv.key), len(ms)))
		order = append(order, uint32(i))
	}
	for i := 1; i < len(order); i++ {
		x := order[i]
		bx, kx := buckets[x], ms[x].key
		j := i
		for j > 0 {
			y := order[j-1]
			if buckets[y] < bx || buckets[y] == bx && ms[y].key <= kx {
				break
			}
			order[j] = y
			j--
		}
		order[j] = x
	}
	return order
}

// anyMapAsObject writes a map[any]any whose keys are strings (or whose key
// schema is STRING) as a JSON object; s is the map schema or nil.
func (w *jsonWriter) anyMapAsObject(b []byte, s *data.Schema, m map[any]any) ([]byte, error) {
	var err error
	var ks, vs *data.Schema
	if s != nil {
		ks, vs = s.KeySchema(), s.ValueSchema()
	}
	b = append(b, '{')
	for i, e := range data.JavaMapEntries(m) {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = w.objectKey(b, ks, e.Key); err != nil {
			return b, err
		}
		b = append(b, ':')
		if b, err = w.value(b, vs, e.Value); err != nil {
			return b, err
		}
	}
	b = append(b, '}')
	return b, nil
}

// objectKey writes a map key as an object member name: Java converts the
// key with the key schema and takes the text of the result.
func (w *jsonWriter) objectKey(b []byte, ks *data.Schema, k any) ([]byte, error) {
	if k == nil && ks != nil {
		if def := ks.Default(); def != nil && w.cfg.replaceNull {
			k = def
		} else if !ks.IsOptional() {
			return b, data.Errorf(msgNullRequired)
		}
	}
	switch x := k.(type) {
	case string:
		b = w.str(b, x)
		return b, nil
	case nil:
		b = append(b, `"null"`...)
		return b, nil
	}
	if ks != nil {
		return b, invalidType(ks, k)
	}
	return b, data.Errorf("Couldn't convert %s to a JSON object key.", data.JavaString(k))
}

// pairs writes a map as an array of [key, value] pairs; s is the map schema
// or nil.
func (w *jsonWriter) pairs(b []byte, s *data.Schema, m any) ([]byte, error) {
	var err error
	var ks, vs *data.Schema
	if s != nil {
		ks, vs = s.KeySchema(), s.ValueSchema()
	}
	b = append(b, '[')
	for i, e := range data.JavaMapEntries(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		if b, err = w.value(b, ks, e.Key); err != nil {
			return b, err
		}
		b = append(b, ',')
		if b, err = w.value(b, vs, e.Value); err != nil {
			return b, err
		}
		b = append(b, ']')
	}
	b = append(b, ']')
	return b, nil
}

func (w *jsonWriter) float64(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		// Jackson quotes the non-finite numbers.
		b = append(b, '"')
		b = data.AppendFloat64(b, f)
		return append(b, '"')
	}
	return data.AppendFloat64(b, f)
}

func (w *jsonWriter) float32(b []byte, f float32) []byte {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		b = append(b, '"')
		b = data.AppendFloat32(b, f)
		return append(b, '"')
	}
	return data.AppendFloat32(b, f)
}

func (w *jsonWriter) bytes(b, p []byte) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, p)
	return append(b, '"')
}

const hexDigits = "0123456789ABCDEF"

// plainASCII marks the bytes written as they are without a second look:
// ASCII other than control characters, quote and backslash.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str writes a JSON string as Jackson's UTF8JsonGenerator does: quote and
// backslash escaped, control characters as \b \t \n \f \r or \u00XX,
// everything else of the Basic Multilingual Plane raw (no HTML escaping),
// characters beyond it as a \uXXXX\uXXXX surrogate pair, lone surrogates
// (kept by the reader in their 3-byte form) as \uXXXX, and bytes that are
// not UTF-8 at all as U+FFFD.
func (w *jsonWriter) str(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		for i < len(s) && plainASCII[s[i]] {
			i++
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\t':
				b = append(b, '\\', 't')
			case '\n':
				b = append(b, '\\', 'n')
			case '\f':
				b = append(b, '\\', 'f')
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case size == 4:
			b = append(b, s[start:i]...)
			r -= 0x10000
			b = appendUnicodeEscape(b, 0xd800+(r>>10))
			b = appendUnicodeEscape(b, 0xdc00+(r&0x3ff))
			i += 4
			start = i
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			if i+2 < len(s) && c == 0xed && s[i+1]&0xe0 == 0xa0 && s[i+2]&0xc0 == 0x80 {
				b = appendUnicodeEscape(b, rune(c&0x0f)<<12|rune(s[i+1]&0x3f)<<6|rune(s[i+2]&0x3f))
				i += 3
			} else {
				b = append(b, "\uFFFD"...)
				i++
			}
			start = i
		default:
			i += size
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendUnicodeEscape(b []byte, u rune) []byte {
	return append(b, '\\', 'u', hexDigits[u>>12&0xf], hexDigits[u>>8&0xf], hexDigits[u>>4&0xf], hexDigits[u&0xf])
}
