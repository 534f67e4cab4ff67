// Package configdef declares configurations the way Kafka's ConfigDef does:
// each key once, with its type, default, validator, importance, docs, group
// and dependents. One declaration drives parsing, defaults, validation error
// messages and the descriptions the REST API serves.
//
// Values arrive as strings (a properties file, connector JSON) and are parsed
// into Go values by type: BOOLEAN bool, INT int32, SHORT int16, LONG int64,
// DOUBLE float64, STRING string, LIST []string, CLASS string (the class name,
// resolved by the caller against its plugin registry) and PASSWORD Password,
// which prints as "[hidden]" through fmt, slog, JSON and text encoders.
//
// Error messages follow Java's ConfigException text
// ("Invalid value abc for configuration offset.flush.interval.ms: Not a number
// of type LONG"), because users and their tooling read them.
//
// Where Java and Go differ in the details (String.trim versus
// strings.TrimSpace, the regex \s class, Double.parseDouble syntax,
// Double.toString, HashSet iteration order in messages) the Java behaviour is
// reproduced; testdata/java_oracle.jsonl pins it with answers from Kafka.
//
// The package imports only the standard library.
package configdef
