package oracle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kafka-connect-go/connect/connector/data"
)

// schemaJSON is the oracle's schema description.
type schemaJSON struct {
	Type        string          `json:"type"`
	Optional    bool            `json:"optional"`
	Name        *string         `json:"name"`
	Version     *int32          `json:"version"`
	Doc         *string         `json:"doc"`
	Parameters  *orderedStrings `json:"parameters"`
	Default     json.RawMessage `json:"default"`
	Fields      []fieldJSON     `json:"fields"`
	KeySchema   json.RawMessage `json:"keySchema"`
	ValueSchema json.RawMessage `json:"valueSchema"`
}

type fieldJSON struct {
	Name   string          `json:"name"`
	Index  int             `json:"index"`
	Schema json.RawMessage `json:"schema"`
}

// orderedStrings is a JSON object of strings that keeps its key order, as
// schema parameters do.
type orderedStrings []data.Param

func (o *orderedStrings) UnmarshalJSON(p []byte) error {
	dec := json.NewDecoder(bytes.NewReader(p))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("parameters must be an object, got %s", p)
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		var v *string
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("parameter %v: %w", kt, err)
		}
		if v == nil {
			return fmt.Errorf("parameter %v: null values are not supported", kt)
		}
		*o = append(*o, data.Param{Key: kt.(string), Value: *v})
	}
	return nil
}

// DecodeSchema reads a schema description; JSON null (or nothing) is a nil
// schema. Type names are case-insensitive; an ARRAY or MAP may have null
// element schemas (as the schemas Values infers for lists of nulls do).
func DecodeSchema(raw json.RawMessage) (*data.Schema, error) {
	if isNull(raw) {
		return nil, nil
	}
	var sj schemaJSON
	if err := json.Unmarshal(raw, &sj); err != nil {
		return nil, fmt.Errorf("schema %s: %w", raw, err)
	}
	t, ok := data.ParseType(sj.Type)
	if !ok {
		return nil, fmt.Errorf("schema %s: unknown type %q", raw, sj.Type)
	}
	var b *data.Builder
	switch t {
	case data.TypeArray:
		vs, err := DecodeSchema(sj.ValueSchema)
		if err != nil {
			return nil, fmt.Errorf("array element: %w", err)
		}
		b = data.ContainerBuilder(t, nil, vs)
	case data.TypeMap:
		ks, err := DecodeSchema(sj.KeySchema)
		if err != nil {
			return nil, fmt.Errorf("map key: %w", err)
		}
		vs, err := DecodeSchema(sj.ValueSchema)
		if err != nil {
			return nil, fmt.Errorf("map value: %w", err)
		}
		b = data.ContainerBuilder(t, ks, vs)
	case data.TypeStruct:
		b = data.StructBuilder()
		for _, f := range sj.Fields {
			fs, err := DecodeSchema(f.Schema)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			b.Field(f.Name, fs)
		}
	default:
		b = data.NewBuilder(t)
	}
	if sj.Optional {
		b.Optional()
	}
	if sj.Name != nil {
		b.Name(*sj.Name)
	}
	if sj.Version != nil {
		b.Version(*sj.Version)
	}
	if sj.Doc != nil {
		b.Doc(*sj.Doc)
	}
	if sj.Parameters != nil {
		b.Params(*sj.Parameters)
	}
	s, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", raw, err)
	}
	if isNull(sj.Default) {
		return s, nil
	}
	def, err := DecodeValue(sj.Default, s)
	if err != nil {
		return nil, fmt.Errorf("schema %s default: %w", raw, err)
	}
	s, err = data.BuilderFrom(s).Default(def).Build()
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", raw, err)
	}
	return s, nil
}

// EncodeSchema describes a schema as the oracle does (key order type,
// optional, name, version, doc, parameters, default, then fields or key and
// value schemas). The result marshals to JSON; nil gives null.
func EncodeSchema(s *data.Schema) any {
	if s == nil {
		return nil
	}
	o := Object{{"type", strings.ToLower(s.Type().String())}, {"optional", s.IsOptional()}}
	if s.Name() != "" {
		o = append(o, Member{"name", s.Name()})
	}
	if v, ok := s.Version(); ok {
		o = append(o, Member{"version", v})
	}
	if d, ok := s.Doc(); ok {
		o = append(o, Member{"doc", d})
	}
	if s.HasParams() {
		p := Object{}
		for _, kv := range s.Params() {
			p = append(p, Member{kv.Key, kv.Value})
		}
		o = append(o, Member{"parameters", p})
	}
	if s.Default() != nil {
		o = append(o, Member{"default", EncodeValue(s.Default(), s)})
	}
	switch s.Type() {
	case data.TypeStruct:
		fs := []any{}
		for _, f := range s.Fields() {
			fs = append(fs, Object{{"name", f.Name()}, {"index", f.Index()}, {"schema", EncodeSchema(f.Schema())}})
		}
		o = append(o, Member{"fields", fs})
	case data.TypeMap:
		o = append(o, Member{"keySchema", EncodeSchema(s.KeySchema())}, Member{"valueSchema", EncodeSchema(s.ValueSchema())})
	case data.TypeArray:
		o = append(o, Member{"valueSchema", EncodeSchema(s.ValueSchema())})
	}
	return o
}

// Object is a JSON object that keeps its members in order.
type Object []Member

// Member is one member of an Object.
type Member struct {
	Key   string
	Value any
}

// MarshalJSON writes the members in order, without HTML escaping.
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalNoEscape(m.Key)
		if err != nil {
			return nil, err
		}
		v, err := marshalNoEscape(m.Value)
		if err != nil {
			return nil, fmt.Errorf("member %q: %w", m.Key, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}
