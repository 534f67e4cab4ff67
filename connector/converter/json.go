package converter

import (
	"errors"
	"strings"
	"sync"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

// JSONConverterClass is the Java class name of the JSON converter.
const JSONConverterClass = "org.apache.kafka.connect.json.JsonConverter"

// The JSON converter's keys.
const (
	JSONSchemasEnableConfig          = "schemas.enable"
	JSONSchemasCacheSizeConfig       = "schemas.cache.size"
	JSONDecimalFormatConfig          = "decimal.format"
	JSONReplaceNullWithDefaultConfig = "replace.null.with.default"
)

// JSONConverterConfigDef declares the JSON converter's keys as Java's
// JsonConverterConfig does.
func JSONConverterConfigDef() *configdef.ConfigDef {
	d := defineConverterType(configdef.New())
	d.Define(configdef.Key{Name: JSONSchemasEnableConfig, Type: configdef.TypeBoolean, Default: true,
		Importance: configdef.High, Doc: "Include schemas within each of the serialized values and keys.",
		Group: "Schemas", OrderInGroup: 0, Width: configdef.WidthMedium, DisplayName: "Enable Schemas"})
	d.Define(configdef.Key{Name: JSONSchemasCacheSizeConfig, Type: configdef.TypeInt, Default: int32(1000),
		Importance: configdef.High, Doc: "The maximum number of schemas that can be cached in this converter instance.",
		Group: "Schemas", OrderInGroup: 1, Width: configdef.WidthMedium, DisplayName: "Schema Cache Size"})
	d.Define(configdef.Key{Name: JSONDecimalFormatConfig, Type: configdef.TypeString, Default: "BASE64",
		Validator:  configdef.OneOfFold("BASE64", "NUMERIC"),
		Importance: configdef.Low,
		Doc: "Controls which format this converter will serialize decimals in." +
			" This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
		Group: "Serialization", OrderInGroup: 0, Width: configdef.WidthMedium, DisplayName: "Decimal Format"})
	d.Define(configdef.Key{Name: JSONReplaceNullWithDefaultConfig, Type: configdef.TypeBoolean, Default: true,
		Importance: configdef.Low,
		Doc: "Whether to replace fields that have a default value and that are null to the default value." +
			" When set to true, the default value is used, otherwise null is used.",
		Group: "Serialization", OrderInGroup: 1, Width: configdef.WidthMedium, DisplayName: "Replace null with default"})
	return d
}

// JSONConverter converts between Connect data and JSON as Java's
// JsonConverter does, byte for byte: with schemas.enable (the default) each
// message is an envelope {"schema":...,"payload":...}; without, the plain
// JSON value. Schemaless JSON reads as map[string]any, []any, int64 (any
// integer, its low 64 bits), float64 (any number with a fraction or an
// exponent), string, bool and nil.
//
// Written JSON matches Jackson's: compact, no HTML escaping, characters
// outside the Basic Multilingual Plane as \uD83D\uDE00 escape pairs, numbers
// as Java prints them (1.0E10), bytes as Base64. Map entries of schemaless
// maps come out in the order a Java HashMap holding them would iterate.
type JSONConverter struct {
	core *jsonCore
}

// NewJSONConverter returns an unconfigured JSON converter.
func NewJSONConverter() *JSONConverter { return &JSONConverter{} }

var _ connector.Converter = (*JSONConverter)(nil)

// Configure reads the converter's keys; isKey sets converter.type.
func (c *JSONConverter) Configure(config map[string]string, isKey bool) error {
	core, err := newJSONCore(withType(config, keyOrValue(isKey)))
	if err != nil {
		return err
	}
	c.core = core
	return nil
}

// FromConnectData writes a value as JSON; nil schema and value give nil (a
// tombstone).
func (c *JSONConverter) FromConnectData(topic string, headers connector.Headers, schema *data.Schema, value any) ([]byte, error) {
	if c.core == nil {
		return nil, errNotConfigured
	}
	return c.core.fromConnect(schema, value)
}

// ToConnectData reads JSON; nil bytes give a nil schema and value.
func (c *JSONConverter) ToConnectData(topic string, headers connector.Headers, value []byte) (*data.Schema, any, error) {
	if c.core == nil {
		return nil, nil, errNotConfigured
	}
	return c.core.toConnect(value)
}

// JSONHeaderConverter is the JSON converter used as a header converter:
// header values are converted exactly as record values are.
type JSONHeaderConverter struct {
	core *jsonCore
}

// NewJSONHeaderConverter returns an unconfigured JSON header converter.
func NewJSONHeaderConverter() *JSONHeaderConverter { return &JSONHeaderConverter{} }

var _ connector.HeaderConverter = (*JSONHeaderConverter)(nil)

// Configure reads the converter's keys; converter.type defaults to header.
func (c *JSONHeaderConverter) Configure(config map[string]string) error {
	core, err := newJSONCore(headerType(config))
	if err != nil {
		return err
	}
	c.core = core
	return nil
}

// FromConnectHeader writes a header value as JSON.
func (c *JSONHeaderConverter) FromConnectHeader(topic, headerKey string, schema *data.Schema, value any) ([]byte, error) {
	if c.core == nil {
		return nil, errNotConfigured
	}
	return c.core.fromConnect(schema, value)
}

// ToConnectHeader reads a header value as JSON.
func (c *JSONHeaderConverter) ToConnectHeader(topic, headerKey string, value []byte) (*data.Schema, any, error) {
	if c.core == nil {
		return nil, nil, errNotConfigured
	}
	return c.core.toConnect(value)
}

var errNotConfigured = errors.New("converter used before Configure")

type jsonConfig struct {
	schemasEnabled bool
	decimalNumeric bool
	replaceNull    bool
}

// jsonCore is the configured converter shared by both flavours.
type jsonCore struct {
	cfg         jsonConfig
	readers     sync.Pool // *jsonReader
	writers     sync.Pool // *jsonWriter
	toSchemas   *lru[string, *data.Schema]
	fromSchemas *lru[*data.Schema, []byte]
}

func newJSONCore(config map[string]string) (*jsonCore, error) {
	v, err := parseConfig(JSONConverterClass, JSONConverterConfigDef(), config)
	if err != nil {
		return nil, err
	}
	size := int(v.Int(JSONSchemasCacheSizeConfig))
	c := &jsonCore{
		cfg: jsonConfig{
			schemasEnabled: v.Bool(JSONSchemasEnableConfig),
			decimalNumeric: strings.EqualFold(v.String(JSONDecimalFormatConfig), "NUMERIC"),
			replaceNull:    v.Bool(JSONReplaceNullWithDefaultConfig),
		},
		toSchemas:   newLRU[string, *data.Schema](size),
		fromSchemas: newLRU[*data.Schema, []byte](size),
	}
	c.readers.New = func() any { return &jsonReader{} }
	c.writers.New = func() any { return &jsonWriter{} }
	return c, nil
}

const (
	msgDeserialize = "Converting byte[] to Kafka Connect data failed due to serialization error: "
	msgEnvelope    = "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields." +
		" If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration."
)

func (c *jsonCore) toConnect(p []byte) (*data.Schema, any, error) {
	if p == nil {
		return nil, nil, nil // a tombstone stays one
	}
	r := c.readers.Get().(*jsonReader)
	defer func() {
		r.release()
		c.readers.Put(r)
	}()
	if err := r.reset(p); err != nil {
		return nil, nil, &data.Error{Msg: msgDeserialize, Err: err}
	}
	if !c.cfg.schemasEnabled {
		v, _, err := r.rootValue()
		if err != nil {
			return nil, nil, &data.Error{Msg: msgDeserialize, Err: err}
		}
		return nil, v, nil
	}
	root, missing, err := r.rootNode()
	if err != nil {
		return nil, nil, &data.Error{Msg: msgDeserialize, Err: err}
	}
	if missing || root.kind != nodeObject || len(root.keys) != 2 || root.get("schema") == nil || root.get("payload") == nil {
		return nil, nil, &data.Error{Msg: msgEnvelope}
	}
	schema, err := c.schemaFromJSON(r, root.get("schema"))
	if err != nil {
		return nil, nil, err
	}
	v, err := c.nodeToConnect(schema, root.get("payload"))
	if err != nil {
		return nil, nil, err
	}
	return schema, v, nil
}

// schemaFromJSON reads an envelope schema, through the cache keyed by its text.
func (c *jsonCore) schemaFromJSON(r *jsonReader, n *node) (*data.Schema, error) {
	if n.kind == nodeNull {
		return nil, nil
	}
	text := r.s[n.start:n.end]
	if s, ok := c.toSchemas.get(text); ok {
		return s, nil
	}
	s, err := c.asConnectSchema(n)
	if err != nil {
		return nil, err
	}
	c.toSchemas.put(strings.Clone(text), s)
	return s, nil
}

// Names of the envelope schema's JSON types and fields.
const (
	jsonTypeBoolean = "boolean"
	jsonTypeInt8    = "int8"
	jsonTypeInt16   = "int16"
	jsonTypeInt32   = "int32"
	jsonTypeInt64   = "int64"
	jsonTypeFloat   = "float"
	jsonTypeDouble  = "double"
	jsonTypeBytes   = "bytes"
	jsonTypeString  = "string"
	jsonTypeArray   = "array"
	jsonTypeMap     = "map"
	jsonTypeStruct  = "struct"
)

// asConnectSchema is Java's JsonConverter.asConnectSchema.
func (c *jsonCore) asConnectSchema(n *node) (*data.Schema, error) {
	if n.kind == nodeNull {
		return nil, nil
	}
	typeNode := n.get("type")
	if typeNode == nil || typeNode.kind != nodeString {
		return nil, data.Errorf("Schema must contain 'type' field")
	}
	var b *data.Builder
	switch typeNode.text {
	case jsonTypeBoolean:
		b = data.NewBuilder(data.TypeBoolean)
	case jsonTypeInt8:
		b = data.NewBuilder(data.TypeInt8)
	case jsonTypeInt16:
		b = data.NewBuilder(data.TypeInt16)
	case jsonTypeInt32:
		b = data.NewBuilder(data.TypeInt32)
	case jsonTypeInt64:
		b = data.NewBuilder(data.TypeInt64)
	case jsonTypeFloat:
		b = data.NewBuilder(data.TypeFloat32)
	case jsonTypeDouble:
		b = data.NewBuilder(data.TypeFloat64)
	case jsonTypeBytes:
		b = data.NewBuilder(data.TypeBytes)
	case jsonTypeString:
		b = data.NewBuilder(data.TypeString)
	case jsonTypeArray:
		items := n.get("items")
		if items.isNull() {
			return nil, data.Errorf("Array schema did not specify the element type")
		}
		elem, err := c.asConnectSchema(items)
		if err != nil {
			return nil, err
		}
		b = data.ArrayBuilder(elem)
	case jsonTypeMap:
		keys := n.get("keys")
		if keys == nil {
			return nil, data.Errorf("Map schema did not specify the key type")
		}
		values := n.get("values")
		if values == nil {
			return nil, data.Errorf("Map schema did not specify the value type")
		}
		ks, err := c.asConnectSchema(keys)
		if err != nil {
			return nil, err
		}
		vs, err := c.asConnectSchema(values)
		if err != nil {
			return nil, err
		}
		if ks == nil {
			return nil, data.Errorf("keySchema cannot be null.")
		}
		if vs == nil {
			return nil, data.Errorf("valueSchema cannot be null.")
		}
		b = data.MapBuilder(ks, vs)
	case jsonTypeStruct:
		b = data.StructBuilder()
		fields := n.get("fields")
		if fields == nil || fields.kind != nodeArray {
			return nil, data.Errorf("Struct schema's \"fields\" argument is not an array.")
		}
		seen := make(map[string]bool, len(fields.kids))
		for i := range fields.kids {
			f := &fields.kids[i]
			name := f.get("field")
			if name == nil || name.kind != nodeString {
				return nil, data.Errorf("Struct schema's field name not specified properly")
			}
			fs, err := c.asConnectSchema(f)
			if err != nil {
				return nil, err
			}
			// Checked here so the first problem is reported, as Java's
			// builder throws at the first bad field.
			switch {
			case name.text == "":
				return nil, data.Errorf("fieldName cannot be null.")
			case seen[name.text]:
				return nil, data.Errorf("Cannot create field because of field name duplication %s", name.text)
			}
			seen[name.text] = true
			b.Field(name.text, fs)
		}
	default:
		return nil, data.Errorf("Unknown schema type: %s", typeNode.text)
	}
	if opt := n.get("optional"); opt != nil && opt.kind == nodeTrue {
		b.Optional()
	}
	if name := n.get("name"); name != nil && name.kind == nodeString {
		b.Name(name.text)
	}
	if v := n.get("version"); v != nil && v.isIntegral() {
		b.Version(v.intValue())
	}
	if doc := n.get("doc"); doc != nil && doc.kind == nodeString {
		b.Doc(doc.text)
	}
	if params := n.get("parameters"); params != nil && params.kind == nodeObject {
		for i, k := range params.keys {
			if params.kids[i].kind != nodeString {
				return nil, data.Errorf("Schema parameters must have string values.")
			}
			b.Param(k, params.kids[i].text)
		}
	}
	s, err := b.Build()
	if err != nil {
		return nil, err
	}
	defNode := n.get("default")
	if defNode == nil {
		return s, nil
	}
	// The default is read with the schema built so far, as Java reads it
	// with the SchemaBuilder.
	def, err := c.nodeToConnect(s, defNode)
	if err != nil {
		return nil, err
	}
	if def == nil {
		if !s.IsOptional() {
			return nil, &data.Error{Msg: "Invalid default value",
				Err: data.Errorf("Invalid value: null used for required value, schema type: %s", s.Type())}
		}
		return s, nil
	}
	if s.Type() == data.TypeStruct {
		// Java validates a struct default against the SchemaBuilder itself,
		// which never equals the struct's built schema: every struct default
		// in an envelope schema fails.
		return nil, &data.Error{Msg: "Invalid default value", Err: data.Errorf("Struct schemas do not match.")}
	}
	if err := data.Validate(s, def); err != nil {
		return nil, &data.Error{Msg: "Invalid default value", Err: err}
	}
	return data.BuilderFrom(s).Default(def).Build()
}

// nodeToConnect is Java's JsonConverter.convertToConnect.
func (c *jsonCore) nodeToConnect(schema *data.Schema, n *node) (any, error) {
	if schema == nil {
		return c.schemalessNode(n), nil
	}
	if n.isNull() {
		if def := schema.Default(); def != nil && c.cfg.replaceNull {
			return def, nil
		}
		if schema.IsOptional() {
			return nil, nil
		}
		return nil, data.Errorf("Invalid null value for required %s field", schema.Type())
	}
	switch schema.Name() {
	case data.DecimalName:
		return decimalToConnect(schema, n)
	case data.DateName:
		if !n.isInt() {
			return nil, data.Errorf("Invalid type for Date, underlying representation should be integer but was %s", n.typeName())
		}
		return data.DateFromDays(n.intValue()), nil
	case data.TimeName:
		if !n.isInt() {
			return nil, data.Errorf("Invalid type for Time, underlying representation should be integer but was %s", n.typeName())
		}
		return data.TimeFromMillisChecked(n.intValue())
	case data.TimestampName:
		if !n.isIntegral() {
			return nil, data.Errorf("Invalid type for Timestamp, underlying representation should be integral but was %s", n.typeName())
		}
		return data.TimestampFromMillis(n.longValue()), nil
	}
	switch schema.Type() {
	case data.TypeBoolean:
		return n.kind == nodeTrue, nil
	case data.TypeInt8:
		return int8(n.intValue()), nil
	case data.TypeInt16:
		return int16(n.intValue()), nil
	case data.TypeInt32:
		return n.intValue(), nil
	case data.TypeInt64:
		return n.longValue(), nil
	case data.TypeFloat32:
		return n.float32Value(), nil
	case data.TypeFloat64:
		return n.float64Value(), nil
	case data.TypeBytes:
		b, err := n.binaryValue()
		if err != nil {
			return nil, &data.Error{Msg: "Invalid bytes field", Err: err}
		}
		if b == nil {
			return nil, nil
		}
		return b, nil
	case data.TypeString:
		if n.kind != nodeString {
			return nil, nil
		}
		return n.text, nil
	case data.TypeArray:
		// Jackson iterates an object's values and a scalar's nothing.
		out := make([]any, 0, len(n.kids))
		for i := range n.kids {
			v, err := c.nodeToConnect(schema.ValueSchema(), &n.kids[i])
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case data.TypeMap:
		return c.mapToConnect(schema, n)
	case data.TypeStruct:
		if n.kind != nodeObject {
			return nil, data.Errorf("Structs should be encoded as JSON objects, but found %s", n.typeName())
		}
		st := data.NewStruct(schema)
		for _, f := range schema.Fields() {
			fn := n.get(f.Name())
			if fn == nil {
				fn = &node{kind: nodeMissing}
			}
			v, err := c.nodeToConnect(f.Schema(), fn)
			if err != nil {
				return nil, err
			}
			if err := st.PutField(f, v); err != nil {
				return nil, err
			}
		}
		return st, nil
	}
	return nil, data.Errorf("Unknown schema type: %s", schema.Type())
}

func (c *jsonCore) mapToConnect(schema *data.Schema, n *node) (any, error) {
	ks, vs := schema.KeySchema(), schema.ValueSchema()
	if ks == nil || ks.Type() == data.TypeString {
		if n.kind != nodeObject {
			return nil, data.Errorf("Maps with string fields should be encoded as JSON objects, but found %s", n.typeName())
		}
		out := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			v, err := c.nodeToConnect(vs, &n.kids[i])
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	}
	if n.kind != nodeArray {
		return nil, data.Errorf("Maps with non-string fields should be encoded as JSON array of tuples, but found %s", n.typeName())
	}
	out := make(map[any]any, len(n.kids))
	for i := range n.kids {
		e := &n.kids[i]
		if e.kind != nodeArray {
			return nil, data.Errorf("Found invalid map entry instead of array tuple: %s", e.typeName())
		}
		if len(e.kids) != 2 {
			return nil, data.Errorf("Found invalid map entry, expected length 2 but found :%d", len(e.kids))
		}
		k, err := c.nodeToConnect(ks, &e.kids[0])
		if err != nil {
			return nil, err
		}
		v, err := c.nodeToConnect(vs, &e.kids[1])
		if err != nil {
			return nil, err
		}
		switch k.(type) {
		case []any, []byte, map[string]any, map[any]any:
			// Java keeps such keys (by identity); a Go map cannot.
			return nil, data.Errorf("Map keys of type %s are not supported (schema %s)", data.JavaClass(k), ks)
		}
		out[k] = v
	}
	return out, nil
}

func decimalToConnect(schema *data.Schema, n *node) (any, error) {
	switch n.kind {
	case nodeNumber:
		return n.decimal()
	case nodeString:
		b, err := n.binaryValue()
		if err == nil {
			var d data.Decimal
			if d, err = data.DecimalFromBytes(schema, b); err == nil {
				return d, nil
			}
		}
		return nil, &data.Error{Msg: "Invalid bytes for Decimal field", Err: err}
	}
	return nil, data.Errorf("Invalid type for Decimal, underlying representation should be numeric or bytes but was %s", n.typeName())
}

// schemalessNode converts a node without a schema: the same values the
// fast schemaless reader makes.
func (c *jsonCore) schemalessNode(n *node) any {
	switch n.kind {
	case nodeTrue:
		return true
	case nodeFalse:
		return false
	case nodeNumber:
		if n.num.float {
			return n.float64Value()
		}
		return n.num.int64()
	case nodeString:
		return n.text
	case nodeArray:
		out := make([]any, len(n.kids))
		for i := range n.kids {
			out[i] = c.schemalessNode(&n.kids[i])
		}
		return out
	case nodeObject:
		out := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			out[k] = c.schemalessNode(&n.kids[i])
		}
		return out
	}
	return nil
}
