// Package connector is the plugin API of the worker: connectors and their
// tasks, the records they exchange with the runtime, headers, converters,
// transformations, predicates and the errors that steer the runtime.
//
// It mirrors Kafka Connect's Java API (org.apache.kafka.connect.connector,
// .sink, .source, .storage, .transforms) closely enough that a Java connector
// can be ported method by method, with Go's conventions where they help:
// contexts bound blocking calls, optional capabilities are separate
// interfaces found by type assertion, and errors are values.
//
// The package imports only the standard library, connector/data and
// connector/configdef: plugins never see the runtime's types.
package connector
