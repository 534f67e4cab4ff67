// Package config loads worker.properties into a typed WorkerConfig for the
// standalone and distributed workers.
//
// Every worker key of Apache Kafka Connect 3.9/4.0 is declared once, with
// configdef, in keys.go: its type, Java default, validator and doc. Parsing,
// defaults and error texts come from that declaration, so a bad value fails
// with the key, the value, what was expected and Java's own message:
//
//	worker.properties: offset.flush.interval.ms="abc": expected a LONG (Invalid value abc for configuration offset.flush.interval.ms: Not a number of type LONG)
//
// Load reads the file as Java's Properties.load(InputStream) does
// (ISO-8859-1, \uXXXX escapes, no ${} expansion), builds the config providers
// named by config.providers and replaces ${provider:[path:]key} references
// before parsing. It never fails on an unknown key: each one is logged once,
// as are the keys Kafka removed (internal.key.converter and friends,
// rest.host.name and rest.port, which are mapped to listeners the way Kafka
// 2.x did). Prefixed families (producer.*, consumer.*, admin.*,
// key.converter.*, config.providers.*, listeners.https.*,
// <topic>.storage.*, metrics.context.*, ...) and the Kafka client settings
// the worker passes on to its clients are known, and stay available through
// Originals and WithPrefix.
//
// NOTE for the next editor: a new worker key goes in keys.go (declaration),
// in the WorkerConfig struct (field) and in fill (config.go); a new family
// of prefixed keys goes in knownPrefixes.
package config
