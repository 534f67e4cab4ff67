// Package transforms holds the single message transforms that ship with
// Kafka Connect, under their Java class names
// (org.apache.kafka.connect.transforms.Cast$Value, ...RegexRouter, ...), so
// that connector configs written for the Java worker run unchanged.
//
// Every transform parses its settings with the same ConfigDef (keys,
// defaults, validators, error texts) as Kafka's, and gives the same output
// record for the same input: schemaless values (maps from JsonConverter with
// schemas.enable=false) and values with schemas (structs), tombstones and
// headers included. Errors about bad data are *data.Error (Java's
// DataException) and carry Kafka's message text; configuration errors are
// *configdef.Error with Java's ConfigException text.
//
// Classes lists every transform with its ConfigDef and constructor; the
// worker meets them only through the plugin registry that
// cmd/internal/builtin fills from that list. The predicates live in the
// predicates subpackage.
//
// Transforms never modify the record they are given: they return a copy,
// and headers are changed only through connector.Headers methods, which
// return new lists. A transform is used by one task goroutine at a time, so
// its caches are not locked.
//
// Schema rewrites are cached per transform (Java keeps a 16-entry LRU keyed
// by schema equality; so does schemaCache, looking entries up by pointer
// first), so a stream of records sharing a schema pays for the rewrite once.
package transforms
