package connector

import "github.com/kafka-connect-go/connect/connector/data"

// Converter turns record keys or values into bytes and back.
type Converter interface {
	// Configure is called once before use with the converter's settings
	// (prefix stripped) and whether it converts keys.
	Configure(config map[string]string, isKey bool) error
	// FromConnectData serializes a value; nil bytes mean a Kafka null.
	FromConnectData(topic string, headers Headers, schema *data.Schema, value any) ([]byte, error)
	// ToConnectData deserializes bytes (nil for a Kafka null). A map it
	// returns without a schema must be new, referenced by nothing else: the
	// sink runtime lets transformations change it in place
	// (Record.OwnsValue).
	ToConnectData(topic string, headers Headers, value []byte) (*data.Schema, any, error)
}

// HeaderConverter turns header values into bytes and back.
type HeaderConverter interface {
	Configure(config map[string]string) error
	FromConnectHeader(topic, headerKey string, schema *data.Schema, value any) ([]byte, error)
	ToConnectHeader(topic, headerKey string, value []byte) (*data.Schema, any, error)
}

// Transformation changes one record at a time (a single message transform).
// Apply returns the new record, or nil to drop the record. It must not modify
// its input. A transformation is used by one task goroutine at a time.
type Transformation interface {
	Configure(config map[string]string) error
	Apply(rec *Record) (*Record, error)
	Close() error
}

// Predicate decides whether a transformation applies to a record.
type Predicate interface {
	Configure(config map[string]string) error
	Test(rec *Record) (bool, error)
	Close() error
}

// ConfigProvider resolves ${provider:path:key} references in configs.
type ConfigProvider interface {
	Configure(config map[string]string) error
	// Get returns the values of keys under path; with no keys, all of them.
	Get(path string, keys ...string) (map[string]string, error)
	Close() error
}
