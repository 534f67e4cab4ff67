package data

import (
	"strings"
)

// Project converts record, a value of the source schema, into a value of
// the target schema, as Java's SchemaProjector.project does for sinks that
// write one schema version from records of another: the types must be equal
// or numerically promotable (INT8 → INT16 → INT32 → INT64 → FLOAT32 →
// FLOAT64), names and parameters equal; struct fields are matched by name,
// fields missing from the source take the target default or stay unset when
// optional. Errors are *Error (Java's SchemaProjectorException).
func Project(source *Schema, record any, target *Schema) (any, error) {
	if err := checkMaybeCompatible(source, target); err != nil {
		return nil, err
	}
	if source.optional && !target.optional {
		if target.def == nil {
			return nil, Errorf("Writer schema is optional, however, target schema does not provide a default value.")
		}
		if record == nil {
			return target.def, nil
		}
		return projectRequired(source, record, target)
	}
	if record == nil {
		return nil, nil
	}
	return projectRequired(source, record, target)
}

func projectRequired(source *Schema, record any, target *Schema) (any, error) {
	switch target.typ {
	case TypeStruct:
		st, ok := record.(*Struct)
		if !ok {
			return nil, Errorf("Invalid type for STRUCT: class %s", JavaClass(record))
		}
		return projectStruct(source, st, target)
	case TypeArray:
		list, ok := record.([]any)
		if !ok {
			return nil, Errorf("Invalid type for ARRAY: class %s", JavaClass(record))
		}
		out := make([]any, len(list))
		for i, e := range list {
			v, err := Project(source.valueSchema, e, target.valueSchema)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case TypeMap:
		return projectMap(source, record, target)
	}
	return projectPrimitive(source, record, target), nil
}

func projectStruct(source *Schema, st *Struct, target *Schema) (any, error) {
	out := NewStruct(target)
	for _, tf := range target.fields {
		sf := source.Field(tf.name)
		switch {
		case sf != nil:
			v, err := Project(sf.schema, st.Get(tf.name), tf.schema)
			if err != nil {
				return nil, &Error{Msg: "Error projecting " + sf.name, Err: err}
			}
			if err := out.PutField(tf, v); err != nil {
				return nil, err
			}
		case tf.schema.optional:
			// A missing optional field stays unset.
		case tf.schema.def != nil:
			if err := out.PutField(tf, tf.schema.def); err != nil {
				return nil, err
			}
		default:
			return nil, Errorf("Required field `%s` is missing from source schema: %s", tf.name, source)
		}
	}
	return out, nil
}

func projectMap(source *Schema, record any, target *Schema) (any, error) {
	if !IsMap(record) {
		return nil, Errorf("Invalid type for MAP: class %s", JavaClass(record))
	}
	entries := JavaMapEntries(record)
	projected := make([]MapEntry, 0, len(entries))
	allStrings := true
	for _, e := range entries {
		k, err := Project(source.keySchema, e.Key, target.keySchema)
		if err != nil {
			return nil, err
		}
		v, err := Project(source.valueSchema, e.Value, target.valueSchema)
		if err != nil {
			return nil, err
		}
		if _, ok := k.(string); !ok {
			allStrings = false
		}
		projected = append(projected, MapEntry{k, v})
	}
	if allStrings {
		m := make(map[string]any, len(projected))
		for _, e := range projected {
			m[e.Key.(string)] = e.Value
		}
		return m, nil
	}
	m := make(map[any]any, len(projected))
	for _, e := range projected {
		switch e.Key.(type) {
		case []any, []byte, map[string]any, map[any]any:
			return nil, Errorf("Map keys of type %s are not supported", JavaClass(e.Key))
		}
		m[e.Key] = e.Value
	}
	return m, nil
}

// projectPrimitive promotes numbers with Java's narrowing and widening
// conversions and passes everything else through.
func projectPrimitive(source *Schema, record any, target *Schema) any {
	if !isPromotable(source.typ, target.typ) {
		return record
	}
	var (
		i  int64
		f  float64
		ok = true
	)
	switch v := record.(type) {
	case int8:
		i, f = int64(v), float64(v)
	case int16:
		i, f = int64(v), float64(v)
	case int32:
		i, f = int64(v), float64(v)
	case int64:
		i, f = v, float64(v)
	case float32:
		i, f = JavaFloatToLong(float64(v)), float64(v)
		if target.typ <= TypeInt32 {
			i = int64(javaFloatToInt(float64(v)))
		}
	case float64:
		i, f = JavaFloatToLong(v), v
		if target.typ <= TypeInt32 {
			i = int64(javaFloatToInt(v))
		}
	default:
		ok = false
	}
	if !ok {
		return record
	}
	switch target.typ {
	case TypeInt8:
		return int8(i)
	case TypeInt16:
		return int16(i)
	case TypeInt32:
		return int32(i)
	case TypeInt64:
		return i
	case TypeFloat32:
		if _, isInt64 := record.(int64); isInt64 {
			return float32(i) // Java rounds the long straight to float
		}
		return float32(f)
	case TypeFloat64:
		return f
	}
	return record
}

// javaFloatToInt is Java's (int) cast of a floating-point number, which
// byteValue and shortValue narrow further.
func javaFloatToInt(f float64) int32 {
	switch {
	case f != f:
		return 0
	case f >= 2147483647:
		return 2147483647
	case f <= -2147483648:
		return -2147483648
	}
	return int32(f)
}

func isPromotable(from, to Type) bool {
	rf, rt := numericRank(from), numericRank(to)
	return rf != 0 && rt != 0 && rf <= rt
}

func checkMaybeCompatible(source, target *Schema) error {
	if source.typ != target.typ && !isPromotable(source.typ, target.typ) {
		return Errorf("Schema type mismatch. source type: %s and target type: %s", source.typ, target.typ)
	}
	if source.name != target.name {
		return Errorf("Schema name mismatch. source name: %s and target name: %s", javaNullable(source.name), javaNullable(target.name))
	}
	if !paramsEqual(source, target) {
		return Errorf("Schema parameters not equal. source parameters: %s and target parameters: %s",
			javaParams(source), javaParams(target))
	}
	return nil
}

func javaNullable(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

func paramsEqual(a, b *Schema) bool {
	if a.hasParams != b.hasParams || len(a.params) != len(b.params) {
		return false
	}
	for _, p := range a.params {
		if v, ok := b.Param(p.Key); !ok || v != p.Value {
			return false
		}
	}
	return true
}

// javaParams renders parameters as Java's Map.toString: {scale=2} or null.
func javaParams(s *Schema) string {
	if !s.hasParams {
		return "null"
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, p := range s.params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.Key + "=" + p.Value)
	}
	b.WriteByte('}')
	return b.String()
}
