package converter

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

// Java class names of the number converters and the boolean converter.
const (
	ShortConverterClass   = "org.apache.kafka.connect.converters.ShortConverter"
	IntegerConverterClass = "org.apache.kafka.connect.converters.IntegerConverter"
	LongConverterClass    = "org.apache.kafka.connect.converters.LongConverter"
	FloatConverterClass   = "org.apache.kafka.connect.converters.FloatConverter"
	DoubleConverterClass  = "org.apache.kafka.connect.converters.DoubleConverter"
	BooleanConverterClass = "org.apache.kafka.connect.converters.BooleanConverter"
)

// NumberConverterConfigDef declares the keys of the number converters and
// the boolean converter: only converter.type.
func NumberConverterConfigDef() *configdef.ConfigDef { return defineConverterType(configdef.New()) }

// BooleanConverterConfigDef declares the boolean converter's keys: only converter.type.
func BooleanConverterConfigDef() *configdef.ConfigDef { return defineConverterType(configdef.New()) }

// numberKind describes one of Kafka's fixed-size serializers.
type numberKind struct {
	class    string
	typeName string // as Java's NumberConverter names it in errors
	schema   *data.Schema
	size     int
	// sizeError is the Kafka deserializer's message for data of the wrong size.
	sizeError string
	encode    func(v any) ([]byte, bool)
	decode    func(b []byte) any
}

var (
	shortKind = numberKind{ShortConverterClass, "short", data.OptionalInt16Schema, 2,
		"Size of data received by ShortDeserializer is not 2",
		func(v any) ([]byte, bool) {
			x, ok := v.(int16)
			return binary.BigEndian.AppendUint16(nil, uint16(x)), ok
		},
		func(b []byte) any { return int16(binary.BigEndian.Uint16(b)) }}
	integerKind = numberKind{IntegerConverterClass, "integer", data.OptionalInt32Schema, 4,
		"Size of data received by IntegerDeserializer is not 4",
		func(v any) ([]byte, bool) {
			x, ok := v.(int32)
			return binary.BigEndian.AppendUint32(nil, uint32(x)), ok
		},
		func(b []byte) any { return int32(binary.BigEndian.Uint32(b)) }}
	longKind = numberKind{LongConverterClass, "long", data.OptionalInt64Schema, 8,
		"Size of data received by LongDeserializer is not 8",
		func(v any) ([]byte, bool) {
			x, ok := v.(int64)
			return binary.BigEndian.AppendUint64(nil, uint64(x)), ok
		},
		func(b []byte) any { return int64(binary.BigEndian.Uint64(b)) }}
	floatKind = numberKind{FloatConverterClass, "float", data.OptionalFloat32Schema, 4,
		"Size of data received by Deserializer is not 4",
		func(v any) ([]byte, bool) {
			x, ok := v.(float32)
			return binary.BigEndian.AppendUint32(nil, math.Float32bits(x)), ok
		},
		func(b []byte) any { return math.Float32frombits(binary.BigEndian.Uint32(b)) }}
	doubleKind = numberKind{DoubleConverterClass, "double", data.OptionalFloat64Schema, 8,
		"Size of data received by Deserializer is not 8",
		func(v any) ([]byte, bool) {
			x, ok := v.(float64)
			return binary.BigEndian.AppendUint64(nil, math.Float64bits(x)), ok
		},
		func(b []byte) any { return math.Float64frombits(binary.BigEndian.Uint64(b)) }}
)

// NumberConverter writes one Java number type in Kafka's fixed-size
// big-endian encoding (ShortSerializer, IntegerSerializer, ... ) and reads
// it back with an optional schema of that type. The value written must be
// of exactly that type (int32 for IntegerConverter); the schema is ignored.
type NumberConverter struct {
	kind       *numberKind
	configured bool
}

// NewShortConverter returns an unconfigured converter of INT16 values.
func NewShortConverter() *NumberConverter { return &NumberConverter{kind: &shortKind} }

// NewIntegerConverter returns an unconfigured converter of INT32 values.
func NewIntegerConverter() *NumberConverter { return &NumberConverter{kind: &integerKind} }

// NewLongConverter returns an unconfigured converter of INT64 values.
func NewLongConverter() *NumberConverter { return &NumberConverter{kind: &longKind} }

// NewFloatConverter returns an unconfigured converter of FLOAT32 values.
func NewFloatConverter() *NumberConverter { return &NumberConverter{kind: &floatKind} }

// NewDoubleConverter returns an unconfigured converter of FLOAT64 values.
func NewDoubleConverter() *NumberConverter { return &NumberConverter{kind: &doubleKind} }

var _ connector.Converter = (*NumberConverter)(nil)

// Configure checks the config; isKey sets converter.type.
func (c *NumberConverter) Configure(config map[string]string, isKey bool) error {
	return c.configure(withType(config, keyOrValue(isKey)))
}

func (c *NumberConverter) configure(config map[string]string) error {
	if _, err := parseConfig(c.kind.class, NumberConverterConfigDef(), config); err != nil {
		return err
	}
	c.configured = true
	return nil
}

// FromConnectData writes the value; nil stays nil.
func (c *NumberConverter) FromConnectData(topic string, headers connector.Headers, schema *data.Schema, value any) ([]byte, error) {
	if !c.configured {
		return nil, errNotConfigured
	}
	if value == nil {
		return nil, nil
	}
	b, ok := c.kind.encode(value)
	if !ok {
		return nil, &data.Error{
			Msg: fmt.Sprintf("Failed to serialize to %s (was class %s): ", c.kind.typeName, data.JavaClass(value)),
			Err: fmt.Errorf("class %s cannot be cast to class %s", data.JavaClass(value), data.JavaClass(c.kind.decode(make([]byte, c.kind.size)))),
		}
	}
	return b, nil
}

// ToConnectData reads the value; nil bytes give a nil value.
func (c *NumberConverter) ToConnectData(topic string, headers connector.Headers, value []byte) (*data.Schema, any, error) {
	if !c.configured {
		return nil, nil, errNotConfigured
	}
	if value == nil {
		return c.kind.schema, nil, nil
	}
	if len(value) != c.kind.size {
		return nil, nil, &data.Error{Msg: "Failed to deserialize " + c.kind.typeName + ": ", Err: data.Errorf("%s", c.kind.sizeError)}
	}
	return c.kind.schema, c.kind.decode(value), nil
}

// NumberHeaderConverter is a number converter used as a header converter.
type NumberHeaderConverter struct{ c NumberConverter }

var _ connector.HeaderConverter = (*NumberHeaderConverter)(nil)

// NewShortHeaderConverter returns an unconfigured header converter of INT16 values.
func NewShortHeaderConverter() *NumberHeaderConverter {
	return &NumberHeaderConverter{NumberConverter{kind: &shortKind}}
}

// NewIntegerHeaderConverter returns an unconfigured header converter of INT32 values.
func NewIntegerHeaderConverter() *NumberHeaderConverter {
	return &NumberHeaderConverter{NumberConverter{kind: &integerKind}}
}

// NewLongHeaderConverter returns an unconfigured header converter of INT64 values.
func NewLongHeaderConverter() *NumberHeaderConverter {
	return &NumberHeaderConverter{NumberConverter{kind: &longKind}}
}

// NewFloatHeaderConverter returns an unconfigured header converter of FLOAT32 values.
func NewFloatHeaderConverter() *NumberHeaderConverter {
	return &NumberHeaderConverter{NumberConverter{kind: &floatKind}}
}

// NewDoubleHeaderConverter returns an unconfigured header converter of FLOAT64 values.
func NewDoubleHeaderConverter() *NumberHeaderConverter {
	return &NumberHeaderConverter{NumberConverter{kind: &doubleKind}}
}

// Configure checks the config; converter.type defaults to header.
func (h *NumberHeaderConverter) Configure(config map[string]string) error {
	return h.c.configure(headerType(config))
}

// FromConnectHeader writes a header value.
func (h *NumberHeaderConverter) FromConnectHeader(topic, headerKey string, schema *data.Schema, value any) ([]byte, error) {
	return h.c.FromConnectData(topic, nil, schema, value)
}

// ToConnectHeader reads a header value.
func (h *NumberHeaderConverter) ToConnectHeader(topic, headerKey string, value []byte) (*data.Schema, any, error) {
	return h.c.ToConnectData(topic, nil, value)
}

// BooleanConverter writes a BOOLEAN as one byte (1 for true, 0 for false),
// as Kafka's BooleanSerializer, and reads it back as an optional BOOLEAN.
type BooleanConverter struct{ configured bool }

// NewBooleanConverter returns an unconfigured boolean converter.
func NewBooleanConverter() *BooleanConverter { return &BooleanConverter{} }

var _ connector.Converter = (*BooleanConverter)(nil)

// Configure checks the config; isKey sets converter.type.
func (c *BooleanConverter) Configure(config map[string]string, isKey bool) error {
	return c.configure(withType(config, keyOrValue(isKey)))
}

func (c *BooleanConverter) configure(config map[string]string) error {
	if _, err := parseConfig(BooleanConverterClass, BooleanConverterConfigDef(), config); err != nil {
		return err
	}
	c.configured = true
	return nil
}

// FromConnectData writes a bool; the schema must be nil or BOOLEAN.
func (c *BooleanConverter) FromConnectData(topic string, headers connector.Headers, schema *data.Schema, value any) ([]byte, error) {
	if !c.configured {
		return nil, errNotConfigured
	}
	if schema != nil && schema.Type() != data.TypeBoolean {
		return nil, data.Errorf("Invalid schema type for BooleanConverter: %s", schema.Type())
	}
	switch v := value.(type) {
	case nil:
		return nil, nil
	case bool:
		if v {
			return []byte{1}, nil
		}
		return []byte{0}, nil
	}
	return nil, data.Errorf("BooleanConverter is not compatible with objects of type class %s", data.JavaClass(value))
}

// ToConnectData reads one byte: 1 is true, 0 false, anything else an error.
func (c *BooleanConverter) ToConnectData(topic string, headers connector.Headers, value []byte) (*data.Schema, any, error) {
	if !c.configured {
		return nil, nil, errNotConfigured
	}
	if value == nil {
		return data.OptionalBooleanSchema, nil, nil
	}
	fail := func(cause string) error {
		return &data.Error{Msg: "Failed to deserialize boolean: ", Err: data.Errorf("%s", cause)}
	}
	if len(value) != 1 {
		return nil, nil, fail("Size of data received by BooleanDeserializer is not 1")
	}
	switch value[0] {
	case 1:
		return data.OptionalBooleanSchema, true, nil
	case 0:
		return data.OptionalBooleanSchema, false, nil
	}
	return nil, nil, fail(fmt.Sprintf("Unexpected byte received by BooleanDeserializer: %d", int8(value[0])))
}

// BooleanHeaderConverter is the boolean converter used as a header converter.
type BooleanHeaderConverter struct{ c BooleanConverter }

// NewBooleanHeaderConverter returns an unconfigured boolean header converter.
func NewBooleanHeaderConverter() *BooleanHeaderConverter { return &BooleanHeaderConverter{} }

var _ connector.HeaderConverter = (*BooleanHeaderConverter)(nil)

// Configure checks the config; converter.type defaults to header.
func (h *BooleanHeaderConverter) Configure(config map[string]string) error {
	return h.c.configure(headerType(config))
}

// FromConnectHeader writes a header value.
func (h *BooleanHeaderConverter) FromConnectHeader(topic, headerKey string, schema *data.Schema, value any) ([]byte, error) {
	return h.c.FromConnectData(topic, nil, schema, value)
}

// ToConnectHeader reads a header value.
func (h *BooleanHeaderConverter) ToConnectHeader(topic, headerKey string, value []byte) (*data.Schema, any, error) {
	return h.c.ToConnectData(topic, nil, value)
}
