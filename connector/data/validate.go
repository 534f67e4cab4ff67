package data

import (
	"fmt"
	"time"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Validate checks that value fits schema: its Go type matches the schema type
// (or logical type) and null is used only where the schema is optional.
// Nested arrays, maps and structs are checked too.
func Validate(schema *Schema, value any) error {
	return validate(schema, value, "value")
}

// ValidateField is Validate with the error naming a struct field.
func ValidateField(field string, schema *Schema, value any) error {
	return validate(schema, value, `field: "`+field+`"`)
}

func validate(schema *Schema, value any, location string) error {
	if value == nil {
		if !schema.optional {
			return Errorf("Invalid value: null used for required %s, schema type: %s", location, schema.typ)
		}
		return nil
	}
	if !typeMatches(schema, value) {
		// Java's text, with the Java class a Java worker would hold, so the
		// message reads the same from either worker.
		msg := "Invalid Java object for schema"
		if schema.name != "" {
			msg += ` "` + schema.name + `"`
		}
		return Errorf("%s with type %s: class %s for %s", msg, schema.typ, JavaClass(value), location)
	}
	switch schema.typ {
	case TypeStruct:
		st := value.(*Struct)
		if !Equal(st.schema, schema) {
			return Errorf("Struct schemas do not match.")
		}
		return st.Validate()
	case TypeArray:
		loc := "element of array " + location
		if schema.valueSchema == nil {
			return Errorf("No schema defined for %s", loc)
		}
		for _, e := range value.([]any) {
			if err := validate(schema.valueSchema, e, loc); err != nil {
				return err
			}
		}
	case TypeMap:
		kloc, vloc := "key of map "+location, "value of map "+location
		if schema.keySchema == nil {
			return Errorf("No schema defined for %s", kloc)
		}
		if schema.valueSchema == nil {
			return Errorf("No schema defined for %s", vloc)
		}
		var err error
		RangeMap(value, func(k, v any) bool {
			if err = validate(schema.keySchema, k, kloc); err != nil {
				return false
			}
			err = validate(schema.valueSchema, v, vloc)
			return err == nil
		})
		return err
	}
	return nil
}

func typeMatches(schema *Schema, value any) bool {
	switch schema.name {
	case DecimalName:
		_, ok := value.(Decimal)
		return ok
	case DateName, TimeName, TimestampName:
		_, ok := value.(time.Time)
		return ok
	}
	switch schema.typ {
	case TypeInt8:
		_, ok := value.(int8)
		return ok
	case TypeInt16:
		_, ok := value.(int16)
		return ok
	case TypeInt32:
		_, ok := value.(int32)
		return ok
	case TypeInt64:
		_, ok := value.(int64)
		return ok
	case TypeFloat32:
		_, ok := value.(float32)
		return ok
	case TypeFloat64:
		_, ok := value.(float64)
		return ok
	case TypeBoolean:
		_, ok := value.(bool)
		return ok
	case TypeString:
		_, ok := value.(string)
		return ok
	case TypeBytes:
		_, ok := value.([]byte)
		return ok
	case TypeArray:
		_, ok := value.([]any)
		return ok
	case TypeMap:
		return IsMap(value)
	case TypeStruct:
		_, ok := value.(*Struct)
		return ok
	}
	return false
}

// IsMap reports whether v is a Connect MAP value (map[string]any or map[any]any).
func IsMap(v any) bool {
	switch v.(type) {
	case map[string]any, map[any]any:
		return true
	}
	return false
}

// RangeMap calls f for every entry of a MAP value until f returns false.
// It does nothing for values that are not maps.
func RangeMap(v any, f func(k, v any) bool) {
	switch m := v.(type) {
	case map[string]any:
		for k, e := range m {
			if !f(k, e) {
				return
			}
		}
	case map[any]any:
		for k, e := range m {
			if !f(k, e) {
				return
			}
		}
	}
}

// TypeOf infers the schema type of a schemaless Go value (Java's
// ConnectSchema.schemaType); ok is false for nil and for values of logical
// types, which have no unambiguous type without a schema.
func TypeOf(v any) (t Type, ok bool) {
	switch v.(type) {
	case int8:
		return TypeInt8, true
	case int16:
		return TypeInt16, true
	case int32:
		return TypeInt32, true
	case int64:
		return TypeInt64, true
	case float32:
		return TypeFloat32, true
	case float64:
		return TypeFloat64, true
	case bool:
		return TypeBoolean, true
	case string:
		return TypeString, true
	case []byte:
		return TypeBytes, true
	case []any:
		return TypeArray, true
	case map[string]any, map[any]any:
		return TypeMap, true
	case *Struct:
		return TypeStruct, true
	}
	return 0, false
}
