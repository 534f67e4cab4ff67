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
// Strings are UTF-8. Where a Java string would hold a lone UTF-16 surrogate
// (from JSON's "\ud800" escape), the Go string holds that surrogate's
// 3-byte form (ED A0 80), so that writing it back gives what Java writes.
//
// Besides the model, the package has what Java's data package offers
// around it: Values (ParseString, ConvertTo and the ConvertToX functions,
// InferSchema: the string form of header values and conversions between
// types), Project (SchemaProjector), and the Java text of values
// (JavaString, FormatFloat64, JavaClass for error messages, JavaMapEntries
// for Java's HashMap order).
//
// The package imports only the standard library.
package data
