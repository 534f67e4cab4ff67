// Package converter holds the built-in converters of Kafka Connect, written
// to be byte-compatible with the Java worker's: JSONConverter
// (org.apache.kafka.connect.json.JsonConverter), StringConverter,
// ByteArrayConverter, the number and boolean converters, and
// SimpleHeaderConverter, the default header converter.
//
// Each converter has a constructor, a ConfigDef function that declares its
// keys (for the plugin registry and the REST API) and a constant with its
// Java class name. Converters that Java also uses as header converters have
// a Header variant (JSONHeaderConverter, ...) because Go cannot give one type
// both Configure methods. The package does not register anything: the
// built-in registry (cmd/internal/builtin) does.
//
// Errors a converter returns for bad data are *data.Error (Java's
// DataException) with Java's message text, so error reports and dead letter
// queue headers read as a Java worker writes them; the cause, when there is
// one, is wrapped (errors.Unwrap).
//
// Converters are safe for use by several goroutines once configured.
package converter
