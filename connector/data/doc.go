// Package data is the Connect data model: schemas of every Connect type,
// structs validated against their schemas, and the logical types Decimal,
// Date, Time and Timestamp.
//
// Values are plain Go values chosen so that a Java worker's value has exactly
// one Go counterpart:
//
//	INT8 int8, INT16 int16, INT32 int32, INT64 int64,
//	FLOAT32 float32, FLOAT64 float64, BOOLEAN bool, STRING string,
//	BYTES []byte, ARRAY []any, STRUCT *Struct,
//	MAP map[string]any when every key is a string, map[any]any otherwise,
//	Decimal logical type: Decimal; Date, Time, Timestamp: time.Time (UTC).
//
// A nil *Schema means "no schema" (schemaless data, as JsonConverter with
// schemas.enable=false produces). Schemas are immutable once built, so they
// can be shared freely between goroutines and records.
//
// The package imports only the standard library.
package data
