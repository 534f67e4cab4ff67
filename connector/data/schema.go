package data

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Type is one of the Connect schema types.
type Type uint8

// The Connect schema types, in the order of Java's Schema.Type enum.
const (
	TypeInt8 Type = iota + 1
	TypeInt16
	TypeInt32
	TypeInt64
	TypeFloat32
	TypeFloat64
	TypeBoolean
	TypeString
	TypeBytes
	TypeArray
	TypeMap
	TypeStruct
)

var typeNames = [...]string{
	TypeInt8: "INT8", TypeInt16: "INT16", TypeInt32: "INT32", TypeInt64: "INT64",
	TypeFloat32: "FLOAT32", TypeFloat64: "FLOAT64", TypeBoolean: "BOOLEAN", TypeString: "STRING",
	TypeBytes: "BYTES", TypeArray: "ARRAY", TypeMap: "MAP", TypeStruct: "STRUCT",
}

// String returns the upper-case name Java prints for the type (INT32, STRUCT).
func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// Name returns the lower-case name of Java's Schema.Type.getName (int32, struct).
func (t Type) Name() string { return strings.ToLower(t.String()) }

// IsPrimitive reports whether t is neither ARRAY, MAP nor STRUCT.
func (t Type) IsPrimitive() bool { return t >= TypeInt8 && t <= TypeBytes }

// ParseType maps a case-insensitive type name (int32, STRUCT) to its Type.
func ParseType(name string) (Type, bool) {
	for t := TypeInt8; t <= TypeStruct; t++ {
		if strings.EqualFold(typeNames[t], name) {
			return t, true
		}
	}
	return 0, false
}

// Param is one schema parameter. Parameters keep their insertion order, as
// Java's SchemaBuilder does, because JsonConverter writes them in that order.
type Param struct {
	Key, Value string
}

// Field is a named, indexed field of a STRUCT schema.
type Field struct {
	name   string
	index  int
	schema *Schema
}

// NewField returns a field; it is mostly useful to code that rebuilds schemas.
func NewField(name string, index int, schema *Schema) *Field {
	return &Field{name: name, index: index, schema: schema}
}

// Name is the field name.
func (f *Field) Name() string { return f.name }

// Index is the position of the field in its struct.
func (f *Field) Index() int { return f.index }

// Schema is the field's schema.
func (f *Field) Schema() *Schema { return f.schema }

// Equal reports whether two fields have the same name, index and schema.
func (f *Field) Equal(o *Field) bool {
	if f == nil || o == nil {
		return f == o
	}
	return f.name == o.name && f.index == o.index && Equal(f.schema, o.schema)
}

func (f *Field) String() string {
	return fmt.Sprintf("Field{name=%s, index=%d, schema=%s}", f.name, f.index, f.schema)
}

// Schema describes a Connect value. It is immutable: build one with a Builder
// or use the predefined schemas below. A nil *Schema means "no schema".
type Schema struct {
	typ         Type
	optional    bool
	def         any
	name        string
	version     int32
	hasVersion  bool
	doc         string
	hasDoc      bool
	params      []Param
	hasParams   bool
	fields      []*Field
	byName      map[string]*Field
	keySchema   *Schema
	valueSchema *Schema
}

// Type is the schema type.
func (s *Schema) Type() Type { return s.typ }

// IsOptional reports whether null is a valid value.
func (s *Schema) IsOptional() bool { return s.optional }

// Default is the default value, nil when there is none.
func (s *Schema) Default() any { return s.def }

// Name is the schema name ("" when unset), e.g. a logical type name.
func (s *Schema) Name() string { return s.name }

// Version is the schema version and whether one is set.
func (s *Schema) Version() (int32, bool) { return s.version, s.hasVersion }

// Doc is the documentation string and whether one is set.
func (s *Schema) Doc() (string, bool) { return s.doc, s.hasDoc }

// Params returns the parameters in insertion order. Do not modify the slice.
func (s *Schema) Params() []Param { return s.params }

// HasParams reports whether the schema has a (possibly empty) parameter map,
// as opposed to none at all (Java's null parameters).
func (s *Schema) HasParams() bool { return s.hasParams }

// Param returns one parameter.
func (s *Schema) Param(key string) (string, bool) {
	for _, p := range s.params {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}

// Fields returns the fields of a STRUCT schema in order (nil for other types).
// Do not modify the slice.
func (s *Schema) Fields() []*Field { return s.fields }

// Field looks a STRUCT field up by name.
func (s *Schema) Field(name string) *Field {
	if s.byName == nil {
		return nil
	}
	return s.byName[name]
}

// KeySchema is the key schema of a MAP schema.
func (s *Schema) KeySchema() *Schema { return s.keySchema }

// ValueSchema is the element schema of an ARRAY or the value schema of a MAP.
func (s *Schema) ValueSchema() *Schema { return s.valueSchema }

// String renders the schema the way Java's ConnectSchema.toString does for
// unnamed schemas (Schema{INT32}) and named ones (Schema{com.ex.Order:STRUCT}).
func (s *Schema) String() string {
	if s == nil {
		return "null"
	}
	if s.name != "" {
		return "Schema{" + s.name + ":" + s.typ.String() + "}"
	}
	return "Schema{" + s.typ.String() + "}"
}

// Equal reports whether two schemas are equal the way Java's
// ConnectSchema.equals defines it: every attribute, fields and nested schemas
// included; parameter order does not matter.
func Equal(a, b *Schema) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	if a.typ != b.typ || a.optional != b.optional || a.name != b.name ||
		a.hasVersion != b.hasVersion || a.version != b.version ||
		a.hasDoc != b.hasDoc || a.doc != b.doc || a.hasParams != b.hasParams {
		return false
	}
	if len(a.params) != len(b.params) {
		return false
	}
	for _, p := range a.params {
		if v, ok := b.Param(p.Key); !ok || v != p.Value {
			return false
		}
	}
	if len(a.fields) != len(b.fields) {
		return false
	}
	for i := range a.fields {
		if !a.fields[i].Equal(b.fields[i]) {
			return false
		}
	}
	return Equal(a.keySchema, b.keySchema) && Equal(a.valueSchema, b.valueSchema) &&
		ValuesEqual(a.def, b.def)
}

// ValuesEqual compares two Connect values deeply ([]byte by content, structs
// by schema and fields, decimals by value and scale, times by instant, maps
// by entries whichever of the two Go map types holds them).
func ValuesEqual(a, b any) bool {
	switch av := a.(type) {
	case time.Time:
		bv, ok := b.(time.Time)
		return ok && av.Equal(bv)
	case map[any]any:
		return mapsEqual(a, b)
	case *Struct:
		bv, ok := b.(*Struct)
		return ok && av.Equal(bv)
	case Decimal:
		bv, ok := b.(Decimal)
		return ok && av.Equal(bv)
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !ValuesEqual(av[i], bv[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return mapsEqual(a, b)
		}
		if len(av) != len(bv) {
			return false
		}
		for k, v := range av {
			w, ok := bv[k]
			if !ok || !ValuesEqual(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// mapsEqual compares two MAP values entry by entry, matching keys with
// ValuesEqual (keys such as decimals are equal by value, not identity).
func mapsEqual(a, b any) bool {
	if !IsMap(a) || !IsMap(b) {
		return false
	}
	ea, eb := JavaMapEntries(a), JavaMapEntries(b)
	if len(ea) != len(eb) {
		return false
	}
	used := make([]bool, len(eb))
outer:
	for _, x := range ea {
		for j, y := range eb {
			if !used[j] && ValuesEqual(x.Key, y.Key) {
				if !ValuesEqual(x.Value, y.Value) {
					return false
				}
				used[j] = true
				continue outer
			}
		}
		return false
	}
	return true
}

// Builder builds a Schema. Methods record the first error; Build returns it.
type Builder struct {
	s   Schema
	err error
}

// NewBuilder starts a schema of the given type: required, no default.
func NewBuilder(t Type) *Builder {
	if t == TypeStruct {
		return StructBuilder()
	}
	return &Builder{s: Schema{typ: t}}
}

// StructBuilder starts a STRUCT schema.
func StructBuilder() *Builder {
	return &Builder{s: Schema{typ: TypeStruct, byName: map[string]*Field{}, fields: []*Field{}}}
}

// ArrayBuilder starts an ARRAY schema of the given element schema.
func ArrayBuilder(elem *Schema) *Builder {
	b := NewBuilder(TypeArray)
	if elem == nil {
		b.fail("valueSchema cannot be null.")
	}
	b.s.valueSchema = elem
	return b
}

// MapBuilder starts a MAP schema.
func MapBuilder(key, value *Schema) *Builder {
	b := NewBuilder(TypeMap)
	if key == nil || value == nil {
		b.fail("keySchema and valueSchema cannot be null.")
	}
	b.s.keySchema, b.s.valueSchema = key, value
	return b
}

// ContainerBuilder starts an ARRAY schema (value is its element schema) or a
// MAP schema whose key or value schema may be nil: the schemas Java's Values
// infers for lists and maps of nulls ([null], {}), which ArrayBuilder and
// MapBuilder refuse. Other types ignore key and value.
func ContainerBuilder(t Type, key, value *Schema) *Builder {
	b := NewBuilder(t)
	switch t {
	case TypeArray:
		b.s.valueSchema = value
	case TypeMap:
		b.s.keySchema, b.s.valueSchema = key, value
	}
	return b
}

// BuilderFrom starts a builder that copies every attribute of s, so a caller
// can change one thing (optional, default, a parameter) and rebuild.
func BuilderFrom(s *Schema) *Builder {
	b := &Builder{s: *s}
	b.s.params = append([]Param(nil), s.params...)
	if s.typ == TypeStruct {
		b.s.fields = append([]*Field{}, s.fields...)
		b.s.byName = make(map[string]*Field, len(s.fields))
		for _, f := range s.fields {
			b.s.byName[f.name] = f
		}
	}
	return b
}

func (b *Builder) fail(format string, args ...any) {
	if b.err == nil {
		b.err = &Error{Msg: fmt.Sprintf(format, args...)}
	}
}

// Type is the type being built.
func (b *Builder) Type() Type { return b.s.typ }

// Optional makes null a valid value.
func (b *Builder) Optional() *Builder { b.s.optional = true; return b }

// Required makes null an invalid value (the default).
func (b *Builder) Required() *Builder { b.s.optional = false; return b }

// Name sets the schema name.
func (b *Builder) Name(name string) *Builder { b.s.name = name; return b }

// Version sets the schema version.
func (b *Builder) Version(v int32) *Builder { b.s.version, b.s.hasVersion = v, true; return b }

// Doc sets the documentation.
func (b *Builder) Doc(doc string) *Builder { b.s.doc, b.s.hasDoc = doc, true; return b }

// Param sets a parameter, replacing an earlier value of the same key in place.
func (b *Builder) Param(key, value string) *Builder {
	b.s.hasParams = true
	for i, p := range b.s.params {
		if p.Key == key {
			b.s.params[i].Value = value
			return b
		}
	}
	b.s.params = append(b.s.params, Param{key, value})
	return b
}

// Params sets several parameters in order. An empty list changes nothing,
// as Java's SchemaBuilder.parameters ignores an empty map (so a schema never
// has an empty parameter map from it).
func (b *Builder) Params(ps []Param) *Builder {
	for _, p := range ps {
		b.Param(p.Key, p.Value)
	}
	return b
}

// Default sets the default value; it must be valid for the schema.
func (b *Builder) Default(v any) *Builder {
	b.s.def = v
	return b
}

// Field appends a STRUCT field.
func (b *Builder) Field(name string, schema *Schema) *Builder {
	if b.s.typ != TypeStruct {
		b.fail("Cannot create fields on type %s", b.s.typ)
		return b
	}
	if name == "" {
		b.fail("fieldName cannot be null.")
		return b
	}
	if schema == nil {
		b.fail("fieldSchema for field %s cannot be null.", name)
		return b
	}
	if _, dup := b.s.byName[name]; dup {
		b.fail("Cannot create field because of field name duplication %s", name)
		return b
	}
	f := &Field{name: name, index: len(b.s.fields), schema: schema}
	b.s.fields = append(b.s.fields, f)
	b.s.byName[name] = f
	return b
}

// Build validates and returns the schema.
func (b *Builder) Build() (*Schema, error) {
	if b.err != nil {
		return nil, b.err
	}
	s := b.s
	s.params = append([]Param(nil), b.s.params...)
	if s.typ == TypeStruct {
		s.fields = append([]*Field{}, b.s.fields...)
		s.byName = make(map[string]*Field, len(s.fields))
		for _, f := range s.fields {
			s.byName[f.name] = f
		}
	}
	if s.def != nil {
		if err := Validate(&s, s.def); err != nil {
			return nil, &Error{Msg: fmt.Sprintf("Invalid default value: %v", err), Err: err}
		}
	}
	return &s, nil
}

// MustBuild is Build for schemas written in code; it panics on a programming
// error in the schema literal.
func (b *Builder) MustBuild() *Schema {
	s, err := b.Build()
	if err != nil {
		panic(err)
	}
	return s
}

func primitive(t Type, optional bool) *Schema { return &Schema{typ: t, optional: optional} }

// The predefined schemas of Java's Schema interface. They are immutable.
var (
	Int8Schema            = primitive(TypeInt8, false)
	Int16Schema           = primitive(TypeInt16, false)
	Int32Schema           = primitive(TypeInt32, false)
	Int64Schema           = primitive(TypeInt64, false)
	Float32Schema         = primitive(TypeFloat32, false)
	Float64Schema         = primitive(TypeFloat64, false)
	BooleanSchema         = primitive(TypeBoolean, false)
	StringSchema          = primitive(TypeString, false)
	BytesSchema           = primitive(TypeBytes, false)
	OptionalInt8Schema    = primitive(TypeInt8, true)
	OptionalInt16Schema   = primitive(TypeInt16, true)
	OptionalInt32Schema   = primitive(TypeInt32, true)
	OptionalInt64Schema   = primitive(TypeInt64, true)
	OptionalFloat32Schema = primitive(TypeFloat32, true)
	OptionalFloat64Schema = primitive(TypeFloat64, true)
	OptionalBooleanSchema = primitive(TypeBoolean, true)
	OptionalStringSchema  = primitive(TypeString, true)
	OptionalBytesSchema   = primitive(TypeBytes, true)
)

// PrimitiveSchema returns the predefined schema of a primitive type.
func PrimitiveSchema(t Type, optional bool) *Schema {
	var req, opt *Schema
	switch t {
	case TypeInt8:
		req, opt = Int8Schema, OptionalInt8Schema
	case TypeInt16:
		req, opt = Int16Schema, OptionalInt16Schema
	case TypeInt32:
		req, opt = Int32Schema, OptionalInt32Schema
	case TypeInt64:
		req, opt = Int64Schema, OptionalInt64Schema
	case TypeFloat32:
		req, opt = Float32Schema, OptionalFloat32Schema
	case TypeFloat64:
		req, opt = Float64Schema, OptionalFloat64Schema
	case TypeBoolean:
		req, opt = BooleanSchema, OptionalBooleanSchema
	case TypeString:
		req, opt = StringSchema, OptionalStringSchema
	case TypeBytes:
		req, opt = BytesSchema, OptionalBytesSchema
	default:
		return nil
	}
	if optional {
		return opt
	}
	return req
}
