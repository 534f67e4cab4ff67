package converter

import (
	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

// StringConverterClass is the Java class name of the string converter.
const StringConverterClass = "org.apache.kafka.connect.storage.StringConverter"

// StringEncodingConfig names the charset of the string converter.
const StringEncodingConfig = "converter.encoding"

// StringConverterConfigDef declares the string converter's keys as Java's
// StringConverterConfig does.
func StringConverterConfigDef() *configdef.ConfigDef {
	return defineConverterType(configdef.New()).Define(configdef.Key{
		Name: StringEncodingConfig, Type: configdef.TypeString, Default: "UTF-8", Importance: configdef.High,
		Doc:          "The name of the Java character set to use for encoding strings as byte arrays.",
		OrderInGroup: -1, Width: configdef.WidthMedium, DisplayName: "Encoding",
	})
}

// StringConverter writes any value as its Java text (value.toString():
// strings as they are, numbers as Java prints them, a struct as
// Struct{a=1}, a map as {a=1}) and reads bytes as an optional string.
//
// converter.encoding names a Java charset: UTF-8 (the default), US-ASCII,
// ISO-8859-1, UTF-16, UTF-16BE, UTF-16LE, UTF-32, UTF-32BE or UTF-32LE,
// under their Java names and aliases. As in Java, the serializer and
// deserializer keys key.serializer.encoding / value.serializer.encoding and
// key.deserializer.encoding / value.deserializer.encoding take precedence.
// Characters a charset cannot write become '?'; bytes it cannot read
// become U+FFFD, never an error.
type StringConverter struct {
	enc, dec *charset
}

// NewStringConverter returns an unconfigured string converter.
func NewStringConverter() *StringConverter { return &StringConverter{} }

var _ connector.Converter = (*StringConverter)(nil)

// Configure reads converter.encoding; isKey sets converter.type.
func (c *StringConverter) Configure(config map[string]string, isKey bool) error {
	return c.configure(withType(config, keyOrValue(isKey)))
}

func (c *StringConverter) configure(config map[string]string) error {
	v, err := parseConfig(StringConverterClass, StringConverterConfigDef(), config)
	if err != nil {
		return err
	}
	side := typeValue
	if v.String(ConverterTypeConfig) == typeKey {
		side = typeKey
	}
	pick := func(role string) (*charset, error) {
		name := v.String(StringEncodingConfig)
		if own, ok := config[side+"."+role+".encoding"]; ok {
			name = own
		}
		cs, ok := lookupCharset(name)
		if !ok {
			return nil, data.Errorf("Unsupported encoding %s", name)
		}
		return &cs, nil
	}
	enc, err := pick("serializer")
	if err != nil {
		return err
	}
	dec, err := pick("deserializer")
	if err != nil {
		return err
	}
	c.enc, c.dec = enc, dec
	return nil
}

// FromConnectData writes value's Java text; nil stays nil. The schema is ignored.
func (c *StringConverter) FromConnectData(topic string, headers connector.Headers, schema *data.Schema, value any) ([]byte, error) {
	if c.enc == nil {
		return nil, errNotConfigured
	}
	if value == nil {
		return nil, nil
	}
	if s, ok := value.(string); ok {
		return c.enc.encode(s), nil
	}
	return c.enc.encode(data.JavaString(value)), nil
}

// ToConnectData reads bytes as an optional string (the schema is set even
// for nil bytes, as in Java).
func (c *StringConverter) ToConnectData(topic string, headers connector.Headers, value []byte) (*data.Schema, any, error) {
	if c.dec == nil {
		return nil, nil, errNotConfigured
	}
	if value == nil {
		return data.OptionalStringSchema, nil, nil
	}
	return data.OptionalStringSchema, c.dec.decode(value), nil
}

// StringHeaderConverter is the string converter used as a header converter.
type StringHeaderConverter struct {
	c StringConverter
}

// NewStringHeaderConverter returns an unconfigured string header converter.
func NewStringHeaderConverter() *StringHeaderConverter { return &StringHeaderConverter{} }

var _ connector.HeaderConverter = (*StringHeaderConverter)(nil)

// Configure reads converter.encoding; converter.type defaults to header.
func (h *StringHeaderConverter) Configure(config map[string]string) error {
	return h.c.configure(headerType(config))
}

// FromConnectHeader writes a header value's Java text.
func (h *StringHeaderConverter) FromConnectHeader(topic, headerKey string, schema *data.Schema, value any) ([]byte, error) {
	return h.c.FromConnectData(topic, nil, schema, value)
}

// ToConnectHeader reads a header value as an optional string.
func (h *StringHeaderConverter) ToConnectHeader(topic, headerKey string, value []byte) (*data.Schema, any, error) {
	return h.c.ToConnectData(topic, nil, value)
}
