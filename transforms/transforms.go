package transforms

import (
	"errors"
	"maps"
	"strings"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

// Side says which part of a record a $Key or $Value transform works on.
type Side uint8

// The two sides.
const (
	OnKey Side = iota + 1
	OnValue
)

func (s Side) schema(r *connector.Record) *data.Schema {
	if s == OnKey {
		return r.KeySchema
	}
	return r.ValueSchema
}

func (s Side) value(r *connector.Record) any {
	if s == OnKey {
		return r.Key
	}
	return r.Value
}

// with returns a copy of r whose key (or value) and its schema are
// replaced. A new value may be shared with what made it: it is not owned.
func (s Side) with(r *connector.Record, schema *data.Schema, v any) *connector.Record {
	out := *r
	if s == OnKey {
		out.KeySchema, out.Key = schema, v
	} else {
		out.ValueSchema, out.Value = schema, v
		out.OwnsValue = false
	}
	return &out
}

// withMap is with for a map that changeable returned, or that the
// transformation made: nothing else references it, so the record owns it
// and the next transformation may change it in place.
func (s Side) withMap(r *connector.Record, m any) *connector.Record {
	out := s.with(r, nil, m)
	if s == OnValue {
		out.OwnsValue = true
	}
	return out
}

// changeable returns a schemaless map the transformation may change: the
// value itself when the record owns it (fresh from the converter or from
// an earlier transformation's copy), else a copy with room for extra
// entries. Callers change it only once nothing can fail any more: a
// failed transformation must leave the record as it was.
func (s Side) changeable(r *connector.Record, m any, extra int) any {
	if s == OnValue && r.OwnsValue {
		switch m.(type) {
		case map[string]any, map[any]any:
			return m
		}
	}
	return mapCopy(m, extra)
}

// suffix is the nested class name of the side, as in Cast$Value.
func (s Side) suffix() string {
	if s == OnKey {
		return "$Key"
	}
	return "$Value"
}

// Package is the Java package of the built-in transforms.
const Package = "org.apache.kafka.connect.transforms."

// Class describes one transform class for the plugin registry.
type Class struct {
	// Name is the Java class name users write in transforms.<alias>.type.
	Name string
	// Doc says what the transform does.
	Doc string
	// Config returns the transform's ConfigDef.
	Config func() *configdef.ConfigDef
	// New returns an unconfigured instance.
	New func() connector.Transformation
}

// Classes returns every built-in transform, in Java class name order.
func Classes() []Class {
	var out []Class
	both := func(name, doc string, def func() *configdef.ConfigDef, mk func(Side) connector.Transformation) {
		for _, s := range []Side{OnKey, OnValue} {
			out = append(out, Class{Name: Package + name + s.suffix(), Doc: doc, Config: def,
				New: func() connector.Transformation { return mk(s) }})
		}
	}
	one := func(name, doc string, def func() *configdef.ConfigDef, mk func() connector.Transformation) {
		out = append(out, Class{Name: Package + name, Doc: doc, Config: def, New: mk})
	}
	both("Cast", castDoc, castConfigDef, func(s Side) connector.Transformation { return NewCast(s) })
	one("DropHeaders", dropHeadersDoc, dropHeadersConfigDef, func() connector.Transformation { return NewDropHeaders() })
	both("ExtractField", extractFieldDoc, extractFieldConfigDef, func(s Side) connector.Transformation { return NewExtractField(s) })
	one("Filter", filterDoc, filterConfigDef, func() connector.Transformation { return NewFilter() })
	both("Flatten", flattenDoc, flattenConfigDef, func(s Side) connector.Transformation { return NewFlatten(s) })
	both("HeaderFrom", headerFromDoc, headerFromConfigDef, func(s Side) connector.Transformation { return NewHeaderFrom(s) })
	both("HoistField", hoistFieldDoc, hoistFieldConfigDef, func(s Side) connector.Transformation { return NewHoistField(s) })
	both("InsertField", insertFieldDoc, insertFieldConfigDef, func(s Side) connector.Transformation { return NewInsertField(s) })
	one("InsertHeader", insertHeaderDoc, insertHeaderConfigDef, func() connector.Transformation { return NewInsertHeader() })
	both("MaskField", maskFieldDoc, maskFieldConfigDef, func(s Side) connector.Transformation { return NewMaskField(s) })
	one("RegexRouter", regexRouterDoc, regexRouterConfigDef, func() connector.Transformation { return NewRegexRouter() })
	both("ReplaceField", replaceFieldDoc, replaceFieldConfigDef, func(s Side) connector.Transformation { return NewReplaceField(s) })
	both("SetSchemaMetadata", setSchemaMetadataDoc, setSchemaMetadataConfigDef, func(s Side) connector.Transformation { return NewSetSchemaMetadata(s) })
	both("TimestampConverter", timestampConverterDoc, timestampConverterConfigDef, func(s Side) connector.Transformation { return NewTimestampConverter(s) })
	one("TimestampRouter", timestampRouterDoc, timestampRouterConfigDef, func() connector.Transformation { return NewTimestampRouter() })
	one("ValueToKey", valueToKeyDoc, valueToKeyConfigDef, func() connector.Transformation { return NewValueToKey() })
	return out
}

// The key shared by the transforms that read struct fields (Kafka 3.9+).
const replaceNullKey = "replace.null.with.default"

func defineReplaceNull(d *configdef.ConfigDef) *configdef.ConfigDef {
	return d.Define(configdef.Key{Name: replaceNullKey, Type: configdef.TypeBoolean, Default: true,
		Importance: configdef.Medium,
		Doc:        "Whether a null struct field that has a default value is read as that default (true) or kept null (false)."})
}

// nonEmptyList refuses a missing or empty list (Java's NonEmptyListValidator).
func nonEmptyList() configdef.Validator {
	return configdef.ValidatorFunc(func(name string, v any) error {
		if l, ok := v.([]string); !ok || len(l) == 0 {
			return configdef.Invalid(name, v, "Empty list")
		}
		return nil
	})
}

// parseConfig parses props as Java's SimpleConfig does: the first problem,
// in declaration order, is the error.
func parseConfig(def *configdef.ConfigDef, props map[string]string) (*configdef.Values, error) {
	v, err := def.Parse(props)
	if err != nil {
		var joined interface{ Unwrap() []error }
		if errors.As(err, &joined) && len(joined.Unwrap()) > 0 {
			return nil, joined.Unwrap()[0]
		}
		return nil, err
	}
	return v, nil
}

// optString returns a STRING key that defaults to null: ok is false when it
// is null.
func optString(v *configdef.Values, name string) (s string, ok bool) {
	s, ok = v.Get(name).(string)
	return s, ok
}

// Requirements, with Kafka's texts (transforms/util/Requirements).

func requireMap(v any, purpose string) error {
	if !data.IsMap(v) {
		return data.Errorf("Only Map objects supported in absence of schema for [%s], found: %s", purpose, data.JavaClass(v))
	}
	return nil
}

func requireStruct(v any, purpose string) (*data.Struct, error) {
	st, ok := v.(*data.Struct)
	if !ok {
		return nil, data.Errorf("Only Struct objects supported for [%s], found: %s", purpose, data.JavaClass(v))
	}
	return st, nil
}

func requireStructOrNull(v any, purpose string) (*data.Struct, error) {
	if v == nil {
		return nil, nil
	}
	return requireStruct(v, purpose)
}

func requireSinkRecord(r *connector.Record, purpose string) error {
	if !r.IsSink() {
		return data.Errorf("Only SinkRecord supported for [%s], found: org.apache.kafka.connect.source.SourceRecord", purpose)
	}
	return nil
}

// javaClassOf is Java's value.getClass() in a message: "class java.lang.Long".
func javaClassOf(v any) string { return "class " + data.JavaClass(v) }

// nonStringKey is the error for a schemaless map key that is not a string,
// which cannot name a field (Kafka fails with a ClassCastException).
func nonStringKey(k any) error {
	return data.Errorf("Field names must be strings, found map key %s of %s", data.JavaString(k), javaClassOf(k))
}

// Schemaless maps: the data model has map[string]any, and map[any]any when
// some key is not a string. Transforms look string keys up in either.

func mapGet(m any, key string) any {
	switch x := m.(type) {
	case map[string]any:
		return x[key]
	case map[any]any:
		return x[key]
	}
	return nil
}

func mapLen(m any) int {
	switch x := m.(type) {
	case map[string]any:
		return len(x)
	case map[any]any:
		return len(x)
	}
	return 0
}

// mapCopy returns a copy of a map value with room for extra entries.
func mapCopy(m any, extra int) any {
	switch x := m.(type) {
	case map[string]any:
		// Cloning copies the hash table as it is, which is cheaper than
		// inserting every entry again; the source table's spare room
		// usually takes the few entries a transform adds.
		return maps.Clone(x)
	case map[any]any:
		out := make(map[any]any, len(x)+extra)
		for k, v := range x {
			out[k] = v
		}
		return out
	}
	return nil
}

func mapPut(m any, key string, v any) {
	switch x := m.(type) {
	case map[string]any:
		x[key] = v
	case map[any]any:
		x[key] = v
	}
}

func mapDelete(m any, key string) {
	switch x := m.(type) {
	case map[string]any:
		delete(x, key)
	case map[any]any:
		delete(x, key)
	}
}

// Struct values.

// fieldValue reads a struct field with its default (Java's Struct.get) or
// without (getWithoutDefault), per replace.null.with.default.
func fieldValue(st *data.Struct, f *data.Field, withDefault bool) any {
	if withDefault {
		return st.GetField(f)
	}
	return st.GetFieldWithoutDefault(f)
}

// requireStructSchema fails as Java's Schema.fields() does on other types.
func requireStructSchema(s *data.Schema) error {
	if s.Type() != data.TypeStruct {
		return data.Errorf("Cannot list fields on non-struct type")
	}
	return nil
}

// copyBasics copies the name, version, doc and parameters of src into b
// (Java's SchemaUtil.copySchemaBasics): not the optional flag, not the default.
func copyBasics(src *data.Schema, b *data.Builder) *data.Builder {
	if n := src.Name(); n != "" {
		b.Name(n)
	}
	if v, ok := src.Version(); ok {
		b.Version(v)
	}
	if d, ok := src.Doc(); ok {
		b.Doc(d)
	}
	return b.Params(src.Params())
}

// builderFor starts a schema of src's type with src's basics; an ARRAY keeps
// its element schema (the one-argument copySchemaBasics).
func builderFor(src *data.Schema) *data.Builder {
	var b *data.Builder
	switch src.Type() {
	case data.TypeArray:
		b = data.ContainerBuilder(data.TypeArray, nil, src.ValueSchema())
	default:
		b = data.NewBuilder(src.Type())
	}
	return copyBasics(src, b)
}

// schemaCacheSize is the size of Java's per-transform LRU.
const schemaCacheSize = 16

// schemaCache maps input schemas to the schemas a transform rewrote them
// to, keeping the most recently used first. Lookups compare pointers first
// (records from one converter share schema objects) and then schemas by
// value, as Java's cache keyed by Schema.equals does.
type schemaCache struct {
	entries []schemaCacheEntry
}

type schemaCacheEntry struct {
	in, out *data.Schema
}

func (c *schemaCache) get(in *data.Schema) *data.Schema {
	for i := range c.entries {
		if c.entries[i].in == in {
			return c.hit(i)
		}
	}
	for i := range c.entries {
		if data.Equal(c.entries[i].in, in) {
			return c.hit(i)
		}
	}
	return nil
}

func (c *schemaCache) hit(i int) *data.Schema {
	e := c.entries[i]
	if i > 0 {
		copy(c.entries[1:i+1], c.entries[:i])
		c.entries[0] = e
	}
	return e.out
}

func (c *schemaCache) put(in, out *data.Schema) {
	if len(c.entries) < schemaCacheSize {
		c.entries = append(c.entries, schemaCacheEntry{})
	}
	copy(c.entries[1:], c.entries[:len(c.entries)-1])
	c.entries[0] = schemaCacheEntry{in: in, out: out}
}

// javaSplit splits s around sep as Java's String.split does for a
// one-character pattern: trailing empty strings are dropped, and a string
// without sep is returned whole ("" gives [""], "::" gives none).
func javaSplit(s string, sep string) []string {
	parts := strings.Split(s, sep)
	if len(parts) == 1 {
		return parts
	}
	n := len(parts)
	for n > 0 && parts[n-1] == "" {
		n--
	}
	return parts[:n]
}

// addHeader appends a header after checking the value against its schema
// as Java's ConnectHeaders.add does.
func addHeader(hs connector.Headers, key string, schema *data.Schema, v any) (connector.Headers, error) {
	if err := checkHeader(schema, v); err != nil {
		return nil, err
	}
	return hs.With(key, schema, v), nil
}

func checkHeader(s *data.Schema, v any) error {
	if s == nil {
		return nil
	}
	if v == nil {
		if !s.IsOptional() {
			return data.Errorf("A null value requires an optional schema but was %s", s)
		}
		return nil
	}
	ok := false
	switch s.Type() {
	case data.TypeBytes:
		_, isBytes := v.([]byte)
		_, isDec := v.(data.Decimal)
		ok = isBytes || isDec && s.Name() == data.DecimalName
	case data.TypeString:
		_, ok = v.(string)
	case data.TypeBoolean:
		_, ok = v.(bool)
	case data.TypeInt8:
		_, ok = v.(int8)
	case data.TypeInt16:
		_, ok = v.(int16)
	case data.TypeInt32:
		_, isInt := v.(int32)
		_, isTime := v.(time.Time)
		ok = isInt || isTime && (s.Name() == data.DateName || s.Name() == data.TimeName)
	case data.TypeInt64:
		_, isLong := v.(int64)
		_, isTime := v.(time.Time)
		ok = isLong || isTime && s.Name() == data.TimestampName
	case data.TypeFloat32:
		_, ok = v.(float32)
	case data.TypeFloat64:
		_, ok = v.(float64)
	case data.TypeArray:
		_, ok = v.([]any)
	case data.TypeMap:
		ok = data.IsMap(v)
	case data.TypeStruct:
		_, ok = v.(*data.Struct)
	}
	if !ok {
		return data.Errorf("The value %s is not compatible with the schema %s", data.JavaString(v), s)
	}
	return nil
}
