package oracle

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/kafka-connect-go/connect/connector/data"
)

// The value tags of the oracle's typed form.
var tags = map[string]bool{
	"int8": true, "int16": true, "int32": true, "int64": true, "float32": true, "float64": true,
	"boolean": true, "string": true, "bytes": true, "bytebuffer": true, "decimal": true, "date": true,
	"array": true, "map": true, "struct": true,
}

// DecodeValue reads a typed value ({"int32":5}, {"map":[[k,v]]}, ...) into
// the Go value of connector/data, given the schema of its context (nil when
// none). Untagged JSON is coerced by the schema as the oracle does, or read
// schemaless (integers int64, other numbers float64, objects string maps).
// A ByteBuffer ({"bytebuffer":...}) reads as []byte.
func DecodeValue(raw json.RawMessage, schema *data.Schema) (any, error) {
	if isNull(raw) {
		return nil, nil
	}
	v, err := parseJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("value %s: %w", raw, err)
	}
	return fromTyped(v, schema)
}

// jsonObject keeps the member order of a parsed JSON object.
type jsonObject []jsonMember

type jsonMember struct {
	key string
	val any
}

func (o jsonObject) get(k string) (any, bool) {
	for _, m := range o {
		if m.key == k {
			return m.val, true
		}
	}
	return nil, false
}

// parseJSON reads JSON with numbers as json.Number and objects as
// jsonObject. Strings keep lone surrogate escapes (\ud83d) in their 3-byte
// (WTF-8) form, as the Go value of a Java string holding one does (see
// connector/converter), instead of replacing them as encoding/json would.
func parseJSON(raw []byte) (any, error) {
	p := &jsonParser{b: raw}
	p.ws()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.b) {
		return nil, fmt.Errorf("trailing data at byte %d", p.i)
	}
	return v, nil
}

type jsonParser struct {
	b []byte
	i int
}

func (p *jsonParser) ws() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

func (p *jsonParser) errf(msg string) error { return fmt.Errorf("%s at byte %d", msg, p.i) }

func (p *jsonParser) value() (any, error) {
	if p.i >= len(p.b) {
		return nil, p.errf("unexpected end")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		p.i++
		o := jsonObject{}
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == '}' {
			p.i++
			return o, nil
		}
		for {
			p.ws()
			if p.i >= len(p.b) || p.b[p.i] != '"' {
				return nil, p.errf("expected a member name")
			}
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			p.ws()
			if p.i >= len(p.b) || p.b[p.i] != ':' {
				return nil, p.errf("expected ':'")
			}
			p.i++
			p.ws()
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			o = append(o, jsonMember{k, v})
			p.ws()
			if p.i < len(p.b) && p.b[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.b) && p.b[p.i] == '}' {
				p.i++
				return o, nil
			}
			return nil, p.errf("expected ',' or '}'")
		}
	case c == '[':
		p.i++
		a := []any{}
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == ']' {
			p.i++
			return a, nil
		}
		for {
			p.ws()
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			a = append(a, v)
			p.ws()
			if p.i < len(p.b) && p.b[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.b) && p.b[p.i] == ']' {
				p.i++
				return a, nil
			}
			return nil, p.errf("expected ',' or ']'")
		}
	case c == '"':
		return p.str()
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(p.b[p.i:], []byte(lit)) {
				p.i += len(lit)
				switch lit {
				case "true":
					return true, nil
				case "false":
					return false, nil
				}
				return nil, nil
			}
		}
		return nil, p.errf("invalid literal")
	default:
		start := p.i
		for p.i < len(p.b) && strings.IndexByte("+-0123456789.eE", p.b[p.i]) >= 0 {
			p.i++
		}
		if start == p.i {
			return nil, p.errf("unexpected character")
		}
		n := json.Number(p.b[start:p.i])
		if _, err := n.Float64(); err != nil && !isRange(err) {
			return nil, fmt.Errorf("invalid number %q", n)
		}
		return n, nil
	}
}

func (p *jsonParser) str() (string, error) {
	p.i++
	var out []byte
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(out), nil
		case c == '\\':
			if p.i+1 >= len(p.b) {
				return "", p.errf("unexpected end in escape")
			}
			e := p.b[p.i+1]
			p.i += 2
			switch e {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				u, ok := p.hex4()
				if !ok {
					return "", p.errf("bad \\u escape")
				}
				if utf16.IsSurrogate(u) && u < 0xdc00 && p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					if lo, ok := p.hex4(); ok && lo >= 0xdc00 && lo < 0xe000 {
						out = utf8.AppendRune(out, utf16.DecodeRune(u, lo))
						continue
					}
					p.i = save
				}
				if utf16.IsSurrogate(u) {
					out = append(out, byte(0xe0|u>>12), byte(0x80|(u>>6)&0x3f), byte(0x80|u&0x3f))
					continue
				}
				out = utf8.AppendRune(out, u)
			default:
				out = append(out, e)
			}
		default:
			out = append(out, c)
			p.i++
		}
	}
	return "", p.errf("unterminated string")
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.i+4 > len(p.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(v), true
}

func tagOf(v any) (string, any, bool) {
	o, ok := v.(jsonObject)
	if !ok {
		return "", nil, false
	}
	tag := ""
	var val any
	for _, m := range o {
		switch {
		case tags[m.key]:
			if tag != "" {
				return "", nil, false
			}
			tag, val = m.key, m.val
		case m.key == "schema" || m.key == "iso":
		default:
			return "", nil, false
		}
	}
	return tag, val, tag != ""
}

func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

func asLong(v any) (int64, error) {
	n, err := strconv.ParseInt(text(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not a long: %v", v)
	}
	return n, nil
}

func asBool(v any) bool {
	if s, ok := v.(string); ok {
		return s == "true" || s == "TRUE" || s == "True"
	}
	b, _ := v.(bool)
	return b
}

func elemSchemas(s *data.Schema) (key, value *data.Schema) {
	if s == nil {
		return nil, nil
	}
	switch s.Type() {
	case data.TypeArray:
		return nil, s.ValueSchema()
	case data.TypeMap:
		return s.KeySchema(), s.ValueSchema()
	}
	return nil, nil
}

func fromTyped(v any, ctx *data.Schema) (any, error) {
	if v == nil {
		return nil, nil
	}
	tag, tv, ok := tagOf(v)
	if !ok {
		if ctx != nil {
			return plainWithSchema(v, ctx)
		}
		return plain(v)
	}
	switch tag {
	case "int8", "int16", "int32", "int64":
		n, err := asLong(tv)
		if err != nil {
			return nil, err
		}
		switch tag {
		case "int8":
			return int8(n), nil
		case "int16":
			return int16(n), nil
		case "int32":
			return int32(n), nil
		}
		return n, nil
	case "float32":
		f, err := strconv.ParseFloat(text(tv), 32)
		if err != nil && !isRange(err) {
			return nil, fmt.Errorf("not a float: %v", tv)
		}
		return float32(f), nil
	case "float64":
		f, err := strconv.ParseFloat(text(tv), 64)
		if err != nil && !isRange(err) {
			return nil, fmt.Errorf("not a double: %v", tv)
		}
		return f, nil
	case "boolean":
		return asBool(tv), nil
	case "string":
		if tv == nil {
			return nil, nil
		}
		return text(tv), nil
	case "bytes", "bytebuffer":
		return base64.StdEncoding.DecodeString(text(tv))
	case "decimal":
		return data.ParseDecimal(text(tv))
	case "date":
		ms, err := asLong(tv)
		if err != nil {
			return nil, err
		}
		return time.UnixMilli(ms).UTC(), nil
	case "array":
		_, es := elemSchemas(ctx)
		list, ok := tv.([]any)
		if !ok {
			return nil, fmt.Errorf("array: not a JSON array: %v", tv)
		}
		out := make([]any, len(list))
		for i, e := range list {
			x, err := fromTyped(e, es)
			if err != nil {
				return nil, fmt.Errorf("array element %d: %w", i, err)
			}
			out[i] = x
		}
		return out, nil
	case "map":
		ks, vs := elemSchemas(ctx)
		var entries []data.MapEntry
		switch m := tv.(type) {
		case jsonObject:
			for _, mem := range m {
				x, err := fromTyped(mem.val, vs)
				if err != nil {
					return nil, fmt.Errorf("map value %q: %w", mem.key, err)
				}
				entries = append(entries, data.MapEntry{Key: mem.key, Value: x})
			}
		case []any:
			for i, p := range m {
				pair, ok := p.([]any)
				if !ok || len(pair) != 2 {
					return nil, fmt.Errorf("map entry %d is not a [key, value] pair", i)
				}
				k, err := fromTyped(pair[0], ks)
				if err != nil {
					return nil, fmt.Errorf("map key %d: %w", i, err)
				}
				x, err := fromTyped(pair[1], vs)
				if err != nil {
					return nil, fmt.Errorf("map value %d: %w", i, err)
				}
				entries = append(entries, data.MapEntry{Key: k, Value: x})
			}
		default:
			return nil, fmt.Errorf("map: not an object or pair list: %v", tv)
		}
		return goMap(entries)
	case "struct":
		s := ctx
		if raw, ok := v.(jsonObject).get("schema"); ok {
			b, err := json.Marshal(toPlainJSON(raw))
			if err != nil {
				return nil, err
			}
			if s, err = DecodeSchema(b); err != nil {
				return nil, err
			}
		}
		return buildStruct(tv, s)
	}
	return nil, fmt.Errorf("unknown tag %q", tag)
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// goMap builds the data model's map: map[string]any when every key is a
// string, map[any]any otherwise.
func goMap(entries []data.MapEntry) (any, error) {
	all := true
	for _, e := range entries {
		if _, ok := e.Key.(string); !ok {
			all = false
		}
	}
	if all {
		m := make(map[string]any, len(entries))
		for _, e := range entries {
			m[e.Key.(string)] = e.Value
		}
		return m, nil
	}
	m := make(map[any]any, len(entries))
	for _, e := range entries {
		switch e.Key.(type) {
		case []any, []byte, map[string]any, map[any]any:
			return nil, fmt.Errorf("map key of type %T cannot be a Go map key", e.Key)
		}
		m[e.Key] = e.Value
	}
	return m, nil
}

func buildStruct(fields any, s *data.Schema) (*data.Struct, error) {
	if s == nil || s.Type() != data.TypeStruct {
		return nil, fmt.Errorf("a struct value needs a struct schema")
	}
	st := data.NewStruct(s)
	o, ok := fields.(jsonObject)
	if !ok {
		return st, nil
	}
	for _, m := range o {
		f := s.Field(m.key)
		var fs *data.Schema
		if f != nil {
			fs = f.Schema()
		}
		v, err := fromTyped(m.val, fs)
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", m.key, err)
		}
		if v == nil && f != nil {
			// Java prints unset fields as null; a nil slot is unset here
			// too, and Put would refuse nil for a required field.
			continue
		}
		if err := st.Put(m.key, v); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func plain(v any) (any, error) {
	switch x := v.(type) {
	case string, bool:
		return x, nil
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil && !isRange(err) {
			return nil, err
		}
		return f, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			y, err := fromTyped(e, nil)
			if err != nil {
				return nil, err
			}
			out[i] = y
		}
		return out, nil
	case jsonObject:
		m := make(map[string]any, len(x))
		for _, mem := range x {
			y, err := fromTyped(mem.val, nil)
			if err != nil {
				return nil, err
			}
			m[mem.key] = y
		}
		return m, nil
	}
	return nil, fmt.Errorf("cannot interpret value %v", v)
}

func plainWithSchema(v any, s *data.Schema) (any, error) {
	switch s.Name() {
	case data.DecimalName:
		return data.ParseDecimal(text(v))
	case data.DateName, data.TimeName, data.TimestampName:
		ms, err := asLong(v)
		if err != nil {
			return nil, err
		}
		return time.UnixMilli(ms).UTC(), nil
	}
	switch s.Type() {
	case data.TypeInt8, data.TypeInt16, data.TypeInt32, data.TypeInt64:
		n, err := asLong(v)
		if err != nil {
			return nil, err
		}
		switch s.Type() {
		case data.TypeInt8:
			return int8(n), nil
		case data.TypeInt16:
			return int16(n), nil
		case data.TypeInt32:
			return int32(n), nil
		}
		return n, nil
	case data.TypeFloat32:
		f, err := strconv.ParseFloat(text(v), 32)
		if err != nil && !isRange(err) {
			return nil, err
		}
		return float32(f), nil
	case data.TypeFloat64:
		f, err := strconv.ParseFloat(text(v), 64)
		if err != nil && !isRange(err) {
			return nil, err
		}
		return f, nil
	case data.TypeBoolean:
		return asBool(v), nil
	case data.TypeString:
		return text(v), nil
	case data.TypeBytes:
		return base64.StdEncoding.DecodeString(text(v))
	case data.TypeArray:
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("not a JSON array: %v", v)
		}
		out := make([]any, len(list))
		for i, e := range list {
			x, err := fromTyped(e, s.ValueSchema())
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case data.TypeMap:
		var entries []data.MapEntry
		switch m := v.(type) {
		case jsonObject:
			for _, mem := range m {
				k, err := fromTyped(mem.key, s.KeySchema())
				if err != nil {
					return nil, err
				}
				x, err := fromTyped(mem.val, s.ValueSchema())
				if err != nil {
					return nil, err
				}
				entries = append(entries, data.MapEntry{Key: k, Value: x})
			}
		case []any:
			for _, p := range m {
				pair, ok := p.([]any)
				if !ok || len(pair) != 2 {
					return nil, fmt.Errorf("map entries must be [key, value] pairs")
				}
				k, err := fromTyped(pair[0], s.KeySchema())
				if err != nil {
					return nil, err
				}
				x, err := fromTyped(pair[1], s.ValueSchema())
				if err != nil {
					return nil, err
				}
				entries = append(entries, data.MapEntry{Key: k, Value: x})
			}
		}
		return goMap(entries)
	case data.TypeStruct:
		return buildStruct(v, s)
	}
	return nil, fmt.Errorf("cannot coerce %v to %s", v, s.Type())
}

// toPlainJSON turns parsed JSON back into values encoding/json writes in
// the same order.
func toPlainJSON(v any) any {
	switch x := v.(type) {
	case jsonObject:
		o := Object{}
		for _, m := range x {
			o = append(o, Member{m.key, toPlainJSON(m.val)})
		}
		return o
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toPlainJSON(e)
		}
		return out
	}
	return v
}

// EncodeValue writes a Go value of connector/data in the oracle's typed
// form, given the schema of its context (nil when none): the inverse of
// DecodeValue. Maps list their entries in Java HashMap order; a struct
// carries its schema when ctx is not that schema. The result marshals to JSON.
func EncodeValue(v any, ctx *data.Schema) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int8:
		return Object{{"int8", x}}
	case int16:
		return Object{{"int16", x}}
	case int32:
		return Object{{"int32", x}}
	case int64:
		return Object{{"int64", x}}
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return Object{{"float32", data.FormatFloat32(x)}}
		}
		return Object{{"float32", json.Number(data.FormatFloat32(x))}}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return Object{{"float64", data.FormatFloat64(x)}}
		}
		return Object{{"float64", json.Number(data.FormatFloat64(x))}}
	case bool:
		return Object{{"boolean", x}}
	case string:
		return Object{{"string", x}}
	case []byte:
		return Object{{"bytes", base64.StdEncoding.EncodeToString(x)}}
	case data.Decimal:
		return Object{{"decimal", x.String()}}
	case time.Time:
		return Object{{"date", x.UnixMilli()}, {"iso", isoInstant(x)}}
	case []any:
		_, es := elemSchemas(ctx)
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = EncodeValue(e, es)
		}
		return Object{{"array", out}}
	case map[string]any, map[any]any:
		ks, vs := elemSchemas(ctx)
		pairs := []any{}
		for _, e := range data.JavaMapEntries(x) {
			pairs = append(pairs, []any{EncodeValue(e.Key, ks), EncodeValue(e.Value, vs)})
		}
		return Object{{"map", pairs}}
	case *data.Struct:
		fields := Object{}
		for _, f := range x.Schema().Fields() {
			fields = append(fields, Member{f.Name(), EncodeValue(x.GetWithoutDefault(f.Name()), f.Schema())})
		}
		o := Object{{"struct", fields}}
		if ctx == nil || !data.Equal(x.Schema(), ctx) {
			o = append(o, Member{"schema", EncodeSchema(x.Schema())})
		}
		return o
	}
	return Object{{"go", fmt.Sprintf("%T", v)}, {"string", fmt.Sprint(v)}}
}

// isoInstant is Java's Instant.toString for millisecond instants.
func isoInstant(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}
