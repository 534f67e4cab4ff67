package elasticsearch

import (
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kafka-connect-go/connect/connector/data"
)

// This file encodes decoded Connect values (connector/data's Go values) as
// the Java connector does: through JsonConverter with schemas disabled,
// after its own preprocessing when schema.ignore is false (decimals become
// numbers, maps follow compact.map.entries, null fields take defaults).

// encoder writes Connect values as JSON. Only the task goroutine uses it.
type encoder struct {
	compactMaps bool
	// members is a stack of the members of the objects being written, kept
	// from one value to the next: an object's members are gathered at its
	// end and sorted there, nested objects above them.
	members []member
}

// member is a key and value of a schemaless object.
type member struct {
	key string
	val any
}

// conversionError is a value that cannot be written: an invalid message.
type conversionError struct{ msg string }

func (e *conversionError) Error() string { return e.msg }

func convErr(format string, args ...any) error {
	return &conversionError{msg: fmt.Sprintf(format, args...)}
}

// appendValue appends v. With a schema, pre selects the Java connector's
// preprocessing (schema.ignore=false); without one v is written by its Go
// type, as JsonConverter writes schemaless values.
func (e *encoder) appendValue(buf []byte, s *data.Schema, v any, pre bool) ([]byte, error) {
	if s == nil {
		return e.appendSchemaless(buf, v)
	}
	if v == nil {
		switch {
		case s.Default() != nil:
			v = s.Default()
		case s.IsOptional():
			return append(buf, "null"...), nil
		default:
			return buf, convErr("null value for field that is required and has no default value")
		}
	}
	switch s.Name() {
	case data.DecimalName:
		d, ok := v.(data.Decimal)
		if !ok {
			return buf, mismatch(s, v)
		}
		if pre {
			return appendFloat(buf, d.Float64(), 64), nil
		}
		raw, err := data.DecimalToBytes(s, d)
		if err != nil {
			return buf, convErr("%v", err)
		}
		return appendBase64(buf, raw), nil
	case data.DateName:
		t, ok := v.(time.Time)
		if !ok {
			return buf, mismatch(s, v)
		}
		days, err := data.DateToDays(t)
		if err != nil {
			return buf, convErr("%v", err)
		}
		return strconv.AppendInt(buf, int64(days), 10), nil
	case data.TimeName:
		t, ok := v.(time.Time)
		if !ok {
			return buf, mismatch(s, v)
		}
		n, err := data.TimeToMillis(t)
		if err != nil {
			return buf, convErr("%v", err)
		}
		return strconv.AppendInt(buf, int64(n), 10), nil
	case data.TimestampName:
		t, ok := v.(time.Time)
		if !ok {
			return buf, mismatch(s, v)
		}
		return strconv.AppendInt(buf, data.TimestampToMillis(t), 10), nil
	}
	switch s.Type() {
	case data.TypeInt8, data.TypeInt16, data.TypeInt32, data.TypeInt64, data.TypeFloat32, data.TypeFloat64,
		data.TypeBoolean, data.TypeString, data.TypeBytes:
		out, ok := appendPrimitive(buf, v)
		if !ok {
			return buf, mismatch(s, v)
		}
		return out, nil
	case data.TypeArray:
		arr, ok := v.([]any)
		if !ok {
			return buf, mismatch(s, v)
		}
		buf = append(buf, '[')
		for i, el := range arr {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = e.appendValue(buf, s.ValueSchema(), el, pre); err != nil {
				return buf, err
			}
		}
		return append(buf, ']'), nil
	case data.TypeMap:
		return e.appendMap(buf, s, v, pre)
	case data.TypeStruct:
		st, ok := v.(*data.Struct)
		if !ok {
			return buf, mismatch(s, v)
		}
		return e.appendStructFields(append(buf, '{'), st, pre, false)
	}
	return buf, convErr("unsupported schema type %v", s.Type())
}

// appendStructFields appends the fields of st and the closing brace; the
// opening brace (and any fields spliced before) are the caller's. more says
// whether something was written after the brace already.
func (e *encoder) appendStructFields(buf []byte, st *data.Struct, pre, more bool) ([]byte, error) {
	for _, f := range st.Schema().Fields() {
		if more {
			buf = append(buf, ',')
		}
		more = true
		buf = appendString(buf, f.Name())
		buf = append(buf, ':')
		var err error
		if buf, err = e.appendValue(buf, f.Schema(), st.GetField(f), pre); err != nil {
			return buf, fmt.Errorf("field %s: %w", f.Name(), err)
		}
	}
	return append(buf, '}'), nil
}

func (e *encoder) appendMap(buf []byte, s *data.Schema, v any, pre bool) ([]byte, error) {
	if !data.IsMap(v) {
		return buf, mismatch(s, v)
	}
	ks, vs := s.KeySchema(), s.ValueSchema()
	stringKeys := ks.Type() == data.TypeString
	type entry struct{ k, v any }
	var entries []entry
	data.RangeMap(v, func(k, val any) bool {
		entries = append(entries, entry{k, val})
		return true
	})
	if stringKeys {
		// Java iterates a HashMap; sorted keys make the output stable.
		sort.Slice(entries, func(i, j int) bool {
			a, _ := entries[i].k.(string)
			b, _ := entries[j].k.(string)
			return a < b
		})
	}
	var err error
	switch {
	case stringKeys && (!pre || e.compactMaps):
		buf = append(buf, '{')
		for i, en := range entries {
			if i > 0 {
				buf = append(buf, ',')
			}
			k, ok := en.k.(string)
			if !ok {
				return buf, mismatch(ks, en.k)
			}
			buf = append(appendString(buf, k), ':')
			if buf, err = e.appendValue(buf, vs, en.v, pre); err != nil {
				return buf, err
			}
		}
		return append(buf, '}'), nil
	case pre:
		// The Java connector turns these maps into arrays of key/value structs.
		buf = append(buf, '[')
		for i, en := range entries {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, `{"key":`...)
			if buf, err = e.appendValue(buf, ks, en.k, pre); err != nil {
				return buf, err
			}
			buf = append(buf, `,"value":`...)
			if buf, err = e.appendValue(buf, vs, en.v, pre); err != nil {
				return buf, err
			}
			buf = append(buf, '}')
		}
		return append(buf, ']'), nil
	default:
		// JsonConverter writes maps with other keys as [key, value] pairs.
		buf = append(buf, '[')
		for i, en := range entries {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, '[')
			if buf, err = e.appendValue(buf, ks, en.k, pre); err != nil {
				return buf, err
			}
			buf = append(buf, ',')
			if buf, err = e.appendValue(buf, vs, en.v, pre); err != nil {
				return buf, err
			}
			buf = append(buf, ']')
		}
		return append(buf, ']'), nil
	}
}

// appendSchemaless writes a value without a schema by its Go type.
func (e *encoder) appendSchemaless(buf []byte, v any) ([]byte, error) {
	if out, ok := appendPrimitive(buf, v); ok {
		return out, nil
	}
	var err error
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case []any:
		buf = append(buf, '[')
		for i, el := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			if buf, err = e.appendSchemaless(buf, el); err != nil {
				return buf, err
			}
		}
		return append(buf, ']'), nil
	case map[string]any:
		return e.appendObjectFields(append(buf, '{'), x, false)
	case map[any]any:
		if m, ok := stringKeyed(x); ok {
			return e.appendObjectFields(append(buf, '{'), m, false)
		}
		buf = append(buf, '[')
		first := true
		for k, val := range x {
			if !first {
				buf = append(buf, ',')
			}
			first = false
			buf = append(buf, '[')
			if buf, err = e.appendSchemaless(buf, k); err != nil {
				return buf, err
			}
			buf = append(buf, ',')
			if buf, err = e.appendSchemaless(buf, val); err != nil {
				return buf, err
			}
			buf = append(buf, ']')
		}
		return append(buf, ']'), nil
	case *data.Struct:
		return e.appendValue(buf, x.Schema(), x, false)
	case data.Decimal:
		return append(buf, x.String()...), nil
	case time.Time:
		return strconv.AppendInt(buf, x.UnixMilli(), 10), nil
	}
	return buf, convErr("value of Go type %T has no JSON form", v)
}

// appendObjectFields appends the members of m in key order and the closing
// brace; more says whether members were written before. The members are
// gathered from one pass over the map and sorted there: no lookup of each
// key again, and no allocation once the stack has grown.
func (e *encoder) appendObjectFields(buf []byte, m map[string]any, more bool) ([]byte, error) {
	base := len(e.members)
	for k, v := range m {
		e.members = append(e.members, member{k, v})
	}
	n := len(e.members) - base
	var orderBuf [32]uint64
	order := memberOrder(e.members[base:], orderBuf[:0])
	var err error
	for _, o := range order {
		// e.members may move while a nested object is written: index it.
		kv := e.members[base+int(o&0xff)]
		if n > 0xff {
			kv = e.members[base+int(o)]
		}
		if more {
			buf = append(buf, ',')
		}
		more = true
		buf = append(appendString(buf, kv.key), ':')
		if buf, err = e.appendSchemaless(buf, kv.val); err != nil {
			err = fmt.Errorf("field %s: %w", kv.key, err)
			break
		}
	}
	clear(e.members[base:])
	e.members = e.members[:base]
	if err != nil {
		return buf, err
	}
	return append(buf, '}'), nil
}

// memberOrder returns, appended to order, the indexes of ms in key order.
// Objects have a few dozen members at most: each index goes in the low
// byte of a number whose high bytes are the key's first 7 bytes, and an
// insertion sort of those numbers, comparing whole keys only where the
// first 7 bytes are the same, orders them without moving any member.
// Larger objects get their indexes sorted by the standard sort.
func memberOrder(ms []member, order []uint64) []uint64 {
	if len(ms) > 0xff {
		for i := range ms {
			order = append(order, uint64(i))
		}
		slices.SortFunc(order, func(a, b uint64) int { return strings.Compare(ms[a].key, ms[b].key) })
		return order
	}
	for i := range ms {
		k := ms[i].key
		var p uint64
		for j := range min(len(k), 7) {
			p |= uint64(k[j]) << (56 - 8*j)
		}
		order = append(order, p|uint64(i))
	}
	for i := 1; i < len(order); i++ {
		for j := i; j > 0; j-- {
			a, b := order[j], order[j-1]
			if a>>8 > b>>8 || a>>8 == b>>8 && ms[a&0xff].key >= ms[b&0xff].key {
				break
			}
			order[j], order[j-1] = b, a
		}
	}
	return order
}

// stringKeyed returns m as a map[string]any when every key is a string.
func stringKeyed(m map[any]any) (map[string]any, bool) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		s, ok := k.(string)
		if !ok {
			return nil, false
		}
		out[s] = v
	}
	return out, true
}

func mismatch(s *data.Schema, v any) error {
	return convErr("value of Go type %T does not match schema type %v", v, s.Type())
}

// appendPrimitive writes the scalar Go values of the data model.
func appendPrimitive(buf []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case string:
		return appendString(buf, x), true
	case bool:
		return strconv.AppendBool(buf, x), true
	case int8:
		return strconv.AppendInt(buf, int64(x), 10), true
	case int16:
		return strconv.AppendInt(buf, int64(x), 10), true
	case int32:
		return strconv.AppendInt(buf, int64(x), 10), true
	case int64:
		return strconv.AppendInt(buf, x, 10), true
	case int:
		return strconv.AppendInt(buf, int64(x), 10), true
	case float32:
		return appendFloat(buf, float64(x), 32), true
	case float64:
		return appendFloat(buf, x, 64), true
	case []byte:
		return appendBase64(buf, x), true
	}
	return buf, false
}

// appendFloat writes a number as encoding/json does, except that NaN and
// the infinities become the strings Jackson writes for them.
func appendFloat(buf []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(buf, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(buf, `"-Infinity"`...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	start := len(buf)
	buf = strconv.AppendFloat(buf, f, format, -1, bits)
	if format == 'e' {
		// Shorten e-09 to e-9 as encoding/json does.
		n := len(buf) - start
		if n >= 4 && buf[len(buf)-4] == 'e' && buf[len(buf)-3] == '-' && buf[len(buf)-2] == '0' {
			buf[len(buf)-2] = buf[len(buf)-1]
			buf = buf[:len(buf)-1]
		}
	}
	return buf
}

func appendBase64(buf, raw []byte) []byte {
	buf = append(buf, '"')
	buf = base64.StdEncoding.AppendEncode(buf, raw)
	return append(buf, '"')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string. Invalid UTF-8 becomes U+FFFD, as
// with encoding/json; HTML characters are left alone.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		// Most strings are plain ASCII: skip 8 bytes at a time while none
		// of them needs escaping or is the start of a multi-byte sequence.
		for i+8 <= len(s) {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			if specialMask(x)|x&lanesTop != 0 {
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
