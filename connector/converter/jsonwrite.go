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
	buf     []byte
	members []member
	buckets []uint32
	cfg     jsonConfig
}

func (w *jsonWriter) release() {
	clear(w.members[:cap(w.members)])
	w.members = w.members[:0]
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
	defer func() {
		w.release()
		c.writers.Put(w)
	}()
	w.buf = w.buf[:0]
	w.cfg = c.cfg
	if c.cfg.schemasEnabled {
		sj, err := c.schemaJSON(schema)
		if err != nil {
			return nil, err
		}
		w.buf = append(w.buf, `{"schema":`...)
		w.buf = append(w.buf, sj...)
		w.buf = append(w.buf, `,"payload":`...)
	}
	if err := w.value(schema, value); err != nil {
		return nil, err
	}
	if c.cfg.schemasEnabled {
		w.buf = append(w.buf, '}')
	}
	return append([]byte(nil), w.buf...), nil
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
	if err := w.schema(s, ""); err != nil {
		return nil, err
	}
	c.fromSchemas.put(s, w.buf)
	return w.buf, nil
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
func (w *jsonWriter) schema(s *data.Schema, field string) error {
	if s == nil {
		w.buf = append(w.buf, "null"...)
		return nil
	}
	name := jsonTypeName(s.Type())
	if name == "" {
		return data.Errorf("Couldn't translate unsupported schema type %s.", s)
	}
	w.buf = append(w.buf, `{"type":"`...)
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '"')
	switch s.Type() {
	case data.TypeArray:
		w.buf = append(w.buf, `,"items":`...)
		if err := w.schema(s.ValueSchema(), ""); err != nil {
			return err
		}
	case data.TypeMap:
		w.buf = append(w.buf, `,"keys":`...)
		if err := w.schema(s.KeySchema(), ""); err != nil {
			return err
		}
		w.buf = append(w.buf, `,"values":`...)
		if err := w.schema(s.ValueSchema(), ""); err != nil {
			return err
		}
	case data.TypeStruct:
		w.buf = append(w.buf, `,"fields":[`...)
		for i, f := range s.Fields() {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			if err := w.schema(f.Schema(), f.Name()); err != nil {
				return err
			}
		}
		w.buf = append(w.buf, ']')
	}
	w.buf = append(w.buf, `,"optional":`...)
	w.buf = strconv.AppendBool(w.buf, s.IsOptional())
	if s.Name() != "" {
		w.buf = append(w.buf, `,"name":`...)
		w.str(s.Name())
	}
	if v, ok := s.Version(); ok {
		w.buf = append(w.buf, `,"version":`...)
		w.buf = strconv.AppendInt(w.buf, int64(v), 10)
	}
	if d, ok := s.Doc(); ok {
		w.buf = append(w.buf, `,"doc":`...)
		w.str(d)
	}
	if s.HasParams() {
		w.buf = append(w.buf, `,"parameters":{`...)
		for i, p := range s.Params() {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.str(p.Key)
			w.buf = append(w.buf, ':')
			w.str(p.Value)
		}
		w.buf = append(w.buf, '}')
	}
	if def := s.Default(); def != nil {
		w.buf = append(w.buf, `,"default":`...)
		if err := w.value(s, def); err != nil {
			return err
		}
	}
	if field != "" {
		w.buf = append(w.buf, `,"field":`...)
		w.str(field)
	}
	w.buf = append(w.buf, '}')
	return nil
}

func invalidType(s *data.Schema, v any) error {
	return data.Errorf("Invalid type for %s: class %s", s.Type(), data.JavaClass(v))
}

// value writes v with schema s (Java's convertToJson).
func (w *jsonWriter) value(s *data.Schema, v any) error {
	if v == nil {
		switch {
		case s == nil:
			w.buf = append(w.buf, "null"...)
			return nil
		case s.Default() != nil && w.cfg.replaceNull:
			return w.value(s, s.Default())
		case s.IsOptional():
			w.buf = append(w.buf, "null"...)
			return nil
		}
		return data.Errorf(msgNullRequired)
	}
	if s == nil {
		return w.schemaless(v)
	}
	switch s.Name() {
	case data.DecimalName:
		d, ok := v.(data.Decimal)
		if !ok {
			return data.Errorf("Invalid type for Decimal, expected BigDecimal but was class %s", data.JavaClass(v))
		}
		if w.cfg.decimalNumeric {
			w.buf = append(w.buf, d.String()...)
			return nil
		}
		b, err := data.DecimalToBytes(s, d)
		if err != nil {
			return err
		}
		w.bytes(b)
		return nil
	case data.DateName:
		t, err := asTime(v, "Date")
		if err != nil {
			return err
		}
		days, err := data.DateToDays(t)
		if err != nil {
			return err
		}
		w.buf = strconv.AppendInt(w.buf, int64(days), 10)
		return nil
	case data.TimeName:
		t, err := asTime(v, "Time")
		if err != nil {
			return err
		}
		ms, err := data.TimeToMillis(t)
		if err != nil {
			return err
		}
		w.buf = strconv.AppendInt(w.buf, int64(ms), 10)
		return nil
	case data.TimestampName:
		t, err := asTime(v, "Timestamp")
		if err != nil {
			return err
		}
		w.buf = strconv.AppendInt(w.buf, data.TimestampToMillis(t), 10)
		return nil
	}
	switch s.Type() {
	case data.TypeInt8:
		x, ok := v.(int8)
		if !ok {
			return invalidType(s, v)
		}
		w.buf = strconv.AppendInt(w.buf, int64(x), 10)
	case data.TypeInt16:
		x, ok := v.(int16)
		if !ok {
			return invalidType(s, v)
		}
		w.buf = strconv.AppendInt(w.buf, int64(x), 10)
	case data.TypeInt32:
		x, ok := v.(int32)
		if !ok {
			return invalidType(s, v)
		}
		w.buf = strconv.AppendInt(w.buf, int64(x), 10)
	case data.TypeInt64:
		x, ok := v.(int64)
		if !ok {
			return invalidType(s, v)
		}
		w.buf = strconv.AppendInt(w.buf, x, 10)
	case data.TypeFloat32:
		x, ok := v.(float32)
		if !ok {
			return invalidType(s, v)
		}
		w.float32(x)
	case data.TypeFloat64:
		x, ok := v.(float64)
		if !ok {
			return invalidType(s, v)
		}
		w.float64(x)
	case data.TypeBoolean:
		x, ok := v.(bool)
		if !ok {
			return invalidType(s, v)
		}
		w.buf = strconv.AppendBool(w.buf, x)
	case data.TypeString:
		x, ok := v.(string)
		if !ok {
			return invalidType(s, v)
		}
		w.str(x)
	case data.TypeBytes:
		x, ok := v.([]byte)
		if !ok {
			return data.Errorf("Invalid type for bytes type: class %s", data.JavaClass(v))
		}
		w.bytes(x)
	case data.TypeArray:
		x, ok := v.([]any)
		if !ok {
			return invalidType(s, v)
		}
		return w.array(s.ValueSchema(), x)
	case data.TypeMap:
		if !data.IsMap(v) {
			return invalidType(s, v)
		}
		return w.schemaMap(s, v)
	case data.TypeStruct:
		st, ok := v.(*data.Struct)
		if !ok {
			return invalidType(s, v)
		}
		if !data.Equal(st.Schema(), s) {
			return data.Errorf("Mismatching schema.")
		}
		w.buf = append(w.buf, '{')
		for i, f := range s.Fields() {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.str(f.Name())
			w.buf = append(w.buf, ':')
			if err := w.value(f.Schema(), st.GetFieldWithoutDefault(f)); err != nil {
				return err
			}
		}
		w.buf = append(w.buf, '}')
	default:
		return data.Errorf("Couldn't convert %s to JSON.", data.JavaString(v))
	}
	return nil
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
func (w *jsonWriter) schemaless(v any) error {
	switch x := v.(type) {
	case nil:
		w.buf = append(w.buf, "null"...)
	case string:
		w.str(x)
	case int64:
		w.buf = strconv.AppendInt(w.buf, x, 10)
	case float64:
		w.float64(x)
	case bool:
		w.buf = strconv.AppendBool(w.buf, x)
	case map[string]any:
		return w.stringMap(nil, x)
	case []any:
		return w.array(nil, x)
	case int32:
		w.buf = strconv.AppendInt(w.buf, int64(x), 10)
	case int8:
		w.buf = strconv.AppendInt(w.buf, int64(x), 10)
	case int16:
		w.buf = strconv.AppendInt(w.buf, int64(x), 10)
	case float32:
		w.float32(x)
	case []byte:
		w.bytes(x)
	case map[any]any:
		for k := range x {
			if _, ok := k.(string); !ok {
				return w.pairs(nil, x)
			}
		}
		return w.anyMapAsObject(nil, x)
	case *data.Struct:
		return data.Errorf("Mismatching schema.")
	default:
		return data.Errorf("Java class class %s does not have corresponding schema type.", data.JavaClass(v))
	}
	return nil
}

func (w *jsonWriter) array(elem *data.Schema, x []any) error {
	w.buf = append(w.buf, '[')
	for i, e := range x {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		if err := w.value(elem, e); err != nil {
			return err
		}
	}
	w.buf = append(w.buf, ']')
	return nil
}

// schemaMap writes a MAP value with a schema: a JSON object when the key
// schema is STRING, otherwise an array of [key, value] pairs.
func (w *jsonWriter) schemaMap(s *data.Schema, m any) error {
	ks, vs := s.KeySchema(), s.ValueSchema()
	if ks == nil {
		return data.Errorf("Couldn't convert a map without a key schema to JSON.")
	}
	if ks.Type() != data.TypeString {
		return w.pairs(s, m)
	}
	switch x := m.(type) {
	case map[string]any:
		return w.stringMap(vs, x)
	case map[any]any:
		return w.anyMapAsObject(s, x)
	}
	return nil
}

// stringMap writes a map with string keys as a JSON object, in the order
// a Java HashMap with those keys iterates.
func (w *jsonWriter) stringMap(vs *data.Schema, m map[string]any) error {
	base := len(w.members)
	for k, v := range m {
		w.members = append(w.members, member{k, v})
	}
	seg := w.members[base:]
	w.javaOrder(seg)
	w.buf = append(w.buf, '{')
	for i, kv := range seg {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.str(kv.key)
		w.buf = append(w.buf, ':')
		if err := w.value(vs, kv.val); err != nil {
			return err
		}
	}
	w.buf = append(w.buf, '}')
	clear(seg)
	w.members = w.members[:base]
	return nil
}

// javaOrder sorts members into java.util.HashMap iteration order (see
// data.JavaMapEntries); an insertion sort, since maps in records are small.
func (w *jsonWriter) javaOrder(ms []member) {
	if len(ms) < 2 {
		return
	}
	b := w.buckets[:0]
	for _, kv := range ms {
		b = append(b, data.JavaBucket(data.JavaStringHashCode(kv.key), len(ms)))
	}
	w.buckets = b
	for i := 1; i < len(ms); i++ {
		bi, mi := b[i], ms[i]
		j := i
		for j > 0 && (b[j-1] > bi || b[j-1] == bi && ms[j-1].key > mi.key) {
			b[j], ms[j] = b[j-1], ms[j-1]
			j--
		}
		b[j], ms[j] = bi, mi
	}
}

// anyMapAsObject writes a map[any]any whose keys are strings (or whose key
// schema is STRING) as a JSON object; s is the map schema or nil.
func (w *jsonWriter) anyMapAsObject(s *data.Schema, m map[any]any) error {
	var ks, vs *data.Schema
	if s != nil {
		ks, vs = s.KeySchema(), s.ValueSchema()
	}
	w.buf = append(w.buf, '{')
	for i, e := range data.JavaMapEntries(m) {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		if err := w.objectKey(ks, e.Key); err != nil {
			return err
		}
		w.buf = append(w.buf, ':')
		if err := w.value(vs, e.Value); err != nil {
			return err
		}
	}
	w.buf = append(w.buf, '}')
	return nil
}

// objectKey writes a map key as an object member name: Java converts the
// key with the key schema and takes the text of the result.
func (w *jsonWriter) objectKey(ks *data.Schema, k any) error {
	if k == nil && ks != nil {
		if def := ks.Default(); def != nil && w.cfg.replaceNull {
			k = def
		} else if !ks.IsOptional() {
			return data.Errorf(msgNullRequired)
		}
	}
	switch x := k.(type) {
	case string:
		w.str(x)
		return nil
	case nil:
		w.buf = append(w.buf, `"null"`...)
		return nil
	}
	if ks != nil {
		return invalidType(ks, k)
	}
	return data.Errorf("Couldn't convert %s to a JSON object key.", data.JavaString(k))
}

// pairs writes a map as an array of [key, value] pairs; s is the map schema
// or nil.
func (w *jsonWriter) pairs(s *data.Schema, m any) error {
	var ks, vs *data.Schema
	if s != nil {
		ks, vs = s.KeySchema(), s.ValueSchema()
	}
	w.buf = append(w.buf, '[')
	for i, e := range data.JavaMapEntries(m) {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = append(w.buf, '[')
		if err := w.value(ks, e.Key); err != nil {
			return err
		}
		w.buf = append(w.buf, ',')
		if err := w.value(vs, e.Value); err != nil {
			return err
		}
		w.buf = append(w.buf, ']')
	}
	w.buf = append(w.buf, ']')
	return nil
}

func (w *jsonWriter) float64(f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		// Jackson quotes the non-finite numbers.
		w.buf = append(w.buf, '"')
		w.buf = data.AppendFloat64(w.buf, f)
		w.buf = append(w.buf, '"')
		return
	}
	w.buf = data.AppendFloat64(w.buf, f)
}

func (w *jsonWriter) float32(f float32) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		w.buf = append(w.buf, '"')
		w.buf = data.AppendFloat32(w.buf, f)
		w.buf = append(w.buf, '"')
		return
	}
	w.buf = data.AppendFloat32(w.buf, f)
}

func (w *jsonWriter) bytes(b []byte) {
	w.buf = append(w.buf, '"')
	w.buf = base64.StdEncoding.AppendEncode(w.buf, b)
	w.buf = append(w.buf, '"')
}

const hexDigits = "0123456789ABCDEF"

// needsEscape marks the ASCII bytes Jackson escapes in strings: control
// characters, quote and backslash.
var needsEscape = func() (t [utf8.RuneSelf]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// str writes a JSON string as Jackson's UTF8JsonGenerator does: quote and
// backslash escaped, control characters as \b \t \n \f \r or \u00XX,
// everything else of the Basic Multilingual Plane raw (no HTML escaping),
// characters beyond it as a \uXXXX\uXXXX surrogate pair, lone surrogates
// (kept by the reader in their 3-byte form) as \uXXXX, and bytes that are
// not UTF-8 at all as U+FFFD.
func (w *jsonWriter) str(s string) {
	b := append(w.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !needsEscape[c] {
				i++
				continue
			}
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
	w.buf = append(b, '"')
}

func appendUnicodeEscape(b []byte, u rune) []byte {
	return append(b, '\\', 'u', hexDigits[u>>12&0xf], hexDigits[u>>8&0xf], hexDigits[u>>4&0xf], hexDigits[u&0xf])
}
