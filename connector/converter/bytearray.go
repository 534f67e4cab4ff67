package converter

import (
	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

// ByteArrayConverterClass is the Java class name of the byte array converter.
const ByteArrayConverterClass = "org.apache.kafka.connect.converters.ByteArrayConverter"

// ByteArrayConverterConfigDef declares the byte array converter's keys:
// only converter.type.
func ByteArrayConverterConfigDef() *configdef.ConfigDef { return defineConverterType(configdef.New()) }

// ByteArrayConverter passes bytes through unchanged: it reads any bytes as
// an optional BYTES value and writes only BYTES values (or nil). Like Java's,
// it checks no configuration.
type ByteArrayConverter struct{}

// NewByteArrayConverter returns a byte array converter.
func NewByteArrayConverter() *ByteArrayConverter { return &ByteArrayConverter{} }

var _ connector.Converter = (*ByteArrayConverter)(nil)

// Configure accepts any config, as Java's does.
func (*ByteArrayConverter) Configure(map[string]string, bool) error { return nil }

// FromConnectData returns the value's bytes; the schema must be nil or BYTES.
func (*ByteArrayConverter) FromConnectData(topic string, headers connector.Headers, schema *data.Schema, value any) ([]byte, error) {
	if schema != nil && schema.Type() != data.TypeBytes {
		return nil, data.Errorf("Invalid schema type for ByteArrayConverter: %s", schema.Type())
	}
	switch v := value.(type) {
	case nil:
		return nil, nil
	case []byte:
		return v, nil
	}
	return nil, data.Errorf("ByteArrayConverter is not compatible with objects of type class %s", data.JavaClass(value))
}

// ToConnectData returns the bytes with an optional BYTES schema.
func (*ByteArrayConverter) ToConnectData(topic string, headers connector.Headers, value []byte) (*data.Schema, any, error) {
	if value == nil {
		return data.OptionalBytesSchema, nil, nil
	}
	return data.OptionalBytesSchema, value, nil
}

// ByteArrayHeaderConverter is the byte array converter used as a header converter.
type ByteArrayHeaderConverter struct{ c ByteArrayConverter }

// NewByteArrayHeaderConverter returns a byte array header converter.
func NewByteArrayHeaderConverter() *ByteArrayHeaderConverter { return &ByteArrayHeaderConverter{} }

var _ connector.HeaderConverter = (*ByteArrayHeaderConverter)(nil)

// Configure accepts any config.
func (*ByteArrayHeaderConverter) Configure(map[string]string) error { return nil }

// FromConnectHeader returns the header value's bytes.
func (h *ByteArrayHeaderConverter) FromConnectHeader(topic, headerKey string, schema *data.Schema, value any) ([]byte, error) {
	return h.c.FromConnectData(topic, nil, schema, value)
}

// ToConnectHeader returns the header bytes with an optional BYTES schema.
func (h *ByteArrayHeaderConverter) ToConnectHeader(topic, headerKey string, value []byte) (*data.Schema, any, error) {
	return h.c.ToConnectData(topic, nil, value)
}
