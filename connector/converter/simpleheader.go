package converter

import (
	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

// SimpleHeaderConverterClass is the Java class name of the default header converter.
const SimpleHeaderConverterClass = "org.apache.kafka.connect.storage.SimpleHeaderConverter"

// SimpleHeaderConverterConfigDef declares the simple header converter's
// keys: none.
func SimpleHeaderConverterConfigDef() *configdef.ConfigDef { return configdef.New() }

// SimpleHeaderConverter is the worker's default header converter: it writes
// a header value in the string form of data.ConvertToString (Java's
// Values.convertToString; a top-level string as it is, containers in a
// JSON-like syntax) as UTF-8, and reads header bytes back with
// data.ParseString, inferring the schema ("42" reads as INT8 42, a struct
// written out reads back as a MAP).
type SimpleHeaderConverter struct{}

// NewSimpleHeaderConverter returns a simple header converter.
func NewSimpleHeaderConverter() *SimpleHeaderConverter { return &SimpleHeaderConverter{} }

var _ connector.HeaderConverter = (*SimpleHeaderConverter)(nil)

// Configure accepts any config: the converter has none.
func (*SimpleHeaderConverter) Configure(map[string]string) error { return nil }

// FromConnectHeader writes the value's string form; nil stays nil.
func (*SimpleHeaderConverter) FromConnectHeader(topic, headerKey string, schema *data.Schema, value any) ([]byte, error) {
	if value == nil {
		return nil, nil
	}
	s, err := data.ConvertToString(schema, value)
	if err != nil {
		return nil, err
	}
	return encodeUTF8(s), nil
}

// ToConnectHeader parses the header's text; nil bytes and the text "null"
// give a nil schema and value.
func (*SimpleHeaderConverter) ToConnectHeader(topic, headerKey string, value []byte) (*data.Schema, any, error) {
	if value == nil {
		return nil, nil, nil
	}
	s, v := data.ParseString(decodeUTF8(value))
	return s, v, nil
}
