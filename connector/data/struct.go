package data

import "strings"

// Struct is a value of a STRUCT schema: one slot per field, validated on Put.
type Struct struct {
	schema *Schema
	values []any
}

// NewStruct returns an empty struct of a STRUCT schema. Required fields may be
// left unset until Validate is called, as in Java.
func NewStruct(schema *Schema) *Struct {
	if schema == nil || schema.typ != TypeStruct {
		panic("data.NewStruct: schema is not a STRUCT schema")
	}
	return &Struct{schema: schema, values: make([]any, len(schema.fields))}
}

// Schema is the struct's schema.
func (s *Struct) Schema() *Schema { return s.schema }

// Put validates value against the named field's schema and stores it.
func (s *Struct) Put(field string, value any) error {
	f := s.schema.Field(field)
	if f == nil {
		return Errorf("%s is not a valid field name", field)
	}
	return s.PutField(f, value)
}

// PutField is Put for a field already looked up.
func (s *Struct) PutField(f *Field, value any) error {
	if err := ValidateField(f.name, f.schema, value); err != nil {
		return err
	}
	s.values[f.index] = value
	return nil
}

// Get returns the field's value, or the field schema's default when the value
// is nil (Java's Struct.get).
func (s *Struct) Get(field string) any {
	f := s.schema.Field(field)
	if f == nil {
		return nil
	}
	return s.GetField(f)
}

// GetField is Get for a field already looked up.
func (s *Struct) GetField(f *Field) any {
	if v := s.values[f.index]; v != nil {
		return v
	}
	return f.schema.def
}

// GetWithoutDefault returns the stored value, nil included.
func (s *Struct) GetWithoutDefault(field string) any {
	f := s.schema.Field(field)
	if f == nil {
		return nil
	}
	return s.values[f.index]
}

// GetFieldWithoutDefault is GetWithoutDefault for a field already looked up.
func (s *Struct) GetFieldWithoutDefault(f *Field) any { return s.values[f.index] }

// Has reports whether the schema has the named field.
func (s *Struct) Has(field string) bool { return s.schema.Field(field) != nil }

// Validate checks every field value against its schema.
func (s *Struct) Validate() error {
	for _, f := range s.schema.fields {
		v := s.values[f.index]
		if v == nil {
			v = f.schema.def
		}
		if err := ValidateField(f.name, f.schema, v); err != nil {
			return err
		}
	}
	return nil
}

// Equal reports whether two structs have equal schemas and values.
func (s *Struct) Equal(o *Struct) bool {
	if s == nil || o == nil {
		return s == o
	}
	if !Equal(s.schema, o.schema) || len(s.values) != len(o.values) {
		return false
	}
	for i := range s.values {
		if !ValuesEqual(s.values[i], o.values[i]) {
			return false
		}
	}
	return true
}

// String renders the struct like Java's Struct.toString: Struct{a=1,b=x}.
func (s *Struct) String() string {
	var b strings.Builder
	b.WriteString("Struct{")
	first := true
	for _, f := range s.schema.fields {
		v := s.values[f.index]
		if v == nil {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(f.name)
		b.WriteByte('=')
		writeJavaString(&b, v)
	}
	b.WriteByte('}')
	return b.String()
}
