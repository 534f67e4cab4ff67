package transforms

import (
	"math"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const timestampConverterDoc = "Converts a timestamp, the whole key or value or one of its fields, between epoch numbers " +
	"(unix), formatted strings and the Connect Date, Time and Timestamp types. " +
	"Use TimestampConverter$Key or TimestampConverter$Value."

// The timestamp representations, as target.type names them.
const (
	tsString    = "string"
	tsUnix      = "unix"
	tsDate      = "Date"
	tsTime      = "Time"
	tsTimestamp = "Timestamp"
)

func timestampConverterConfigDef() *configdef.ConfigDef {
	d := configdef.New().
		Define(configdef.Key{Name: "field", Type: configdef.TypeString, Default: "", Importance: configdef.High,
			Doc: "The top-level field holding the timestamp; empty when the whole key or value is the timestamp."}).
		Define(configdef.Key{Name: "target.type", Type: configdef.TypeString, Default: configdef.NoDefault,
			Validator:  configdef.OneOf(tsString, tsUnix, tsDate, tsTime, tsTimestamp),
			Importance: configdef.High, Doc: "What to convert to: string, unix, Date, Time or Timestamp."}).
		Define(configdef.Key{Name: "format", Type: configdef.TypeString, Default: "", Importance: configdef.Medium,
			Doc: "A java.text.SimpleDateFormat pattern: how string timestamps are written (target.type string) and read."}).
		Define(configdef.Key{Name: "unix.precision", Type: configdef.TypeString, Default: "milliseconds",
			Validator:  configdef.OneOf("nanoseconds", "microseconds", "milliseconds", "seconds"),
			Importance: configdef.Low,
			Doc: "The unit of unix timestamps, read and written: seconds, milliseconds, microseconds or nanoseconds. " +
				"Precision below a millisecond is lost in any conversion."})
	return defineReplaceNull(d)
}

// TimestampConverter is Kafka's TimestampConverter$Key / TimestampConverter$Value.
type TimestampConverter struct {
	side        Side
	field       string
	target      string
	format      *javaDateFormat // nil without a format
	precision   string
	withDefault bool
	cache       schemaCache
}

// NewTimestampConverter returns an unconfigured TimestampConverter for one side.
func NewTimestampConverter(side Side) *TimestampConverter { return &TimestampConverter{side: side} }

// Configure reads field, target.type, format, unix.precision and
// replace.null.with.default.
func (t *TimestampConverter) Configure(props map[string]string) error {
	v, err := parseConfig(timestampConverterConfigDef(), props)
	if err != nil {
		return err
	}
	t.field = v.String("field")
	t.target = v.String("target.type")
	t.precision = v.String("unix.precision")
	t.withDefault = v.Bool(replaceNullKey)
	pattern := v.String("format")
	if t.target == tsString && javaTrim(pattern) == "" {
		return configdef.Errorf("TimestampConverter requires format option to be specified when using string timestamps")
	}
	t.format = nil
	if javaTrim(pattern) != "" {
		if t.format, err = newJavaDateFormat(pattern, time.Now()); err != nil {
			// Kafka passes the pattern error as the ConfigException's
			// "value" and its own message as the "name"; users see that mix.
			return &configdef.Error{Name: "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: " + pattern,
				HasVal: true, Value: "java.lang.IllegalArgumentException: " + err.Error()}
		}
	}
	t.cache = schemaCache{}
	return nil
}

// Apply converts the timestamp.
func (t *TimestampConverter) Apply(r *connector.Record) (*connector.Record, error) {
	value := t.side.value(r)
	schema := t.side.schema(r)
	if schema == nil {
		if value == nil || t.field == "" {
			v, err := t.convert(value, "")
			if err != nil {
				return nil, err
			}
			return t.side.with(r, nil, v), nil
		}
		if err := requireMap(value, "converting timestamp formats"); err != nil {
			return nil, err
		}
		v, err := t.convert(mapGet(value, t.field), "")
		if err != nil {
			return nil, err
		}
		out := t.side.changeable(r, value, 1)
		mapPut(out, t.field, v) // an absent field is put as null, as in Kafka
		return t.side.withMap(r, out), nil
	}
	if t.field == "" {
		from, err := typeOfSchema(schema)
		if err != nil {
			return nil, err
		}
		v, err := t.convert(value, from)
		if err != nil {
			return nil, err
		}
		return t.side.with(r, targetSchema(t.target, schema.IsOptional()), v), nil
	}
	st, err := requireStructOrNull(value, "converting timestamp formats")
	if err != nil {
		return nil, err
	}
	updated := t.cache.get(schema)
	if updated == nil {
		if updated, err = t.updatedSchema(schema); err != nil {
			return nil, err
		}
		t.cache.put(schema, updated)
	}
	out, err := t.convertStruct(st, updated)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return t.side.with(r, updated, nil), nil
	}
	return t.side.with(r, updated, out), nil
}

func (t *TimestampConverter) updatedSchema(s *data.Schema) (*data.Schema, error) {
	if err := requireStructSchema(s); err != nil {
		return nil, err
	}
	b := copyBasics(s, data.StructBuilder())
	for _, f := range s.Fields() {
		if f.Name() == t.field {
			b.Field(f.Name(), targetSchema(t.target, f.Schema().IsOptional()))
		} else {
			b.Field(f.Name(), f.Schema())
		}
	}
	if s.IsOptional() {
		b.Optional()
	}
	if def, ok := s.Default().(*data.Struct); ok {
		// Kafka converts the default too, against the schema being built.
		plain, err := b.Build()
		if err != nil {
			return nil, err
		}
		d, err := t.convertStruct(def, plain)
		if err != nil {
			return nil, err
		}
		b.Default(d)
	}
	return b.Build()
}

func (t *TimestampConverter) convertStruct(st *data.Struct, updated *data.Schema) (*data.Struct, error) {
	if st == nil {
		return nil, nil
	}
	out := data.NewStruct(updated)
	for _, f := range st.Schema().Fields() {
		v := fieldValue(st, f, t.withDefault)
		if f.Name() == t.field {
			from, err := typeOfSchema(f.Schema())
			if err != nil {
				return nil, err
			}
			if v, err = t.convert(v, from); err != nil {
				return nil, err
			}
		}
		if err := out.Put(f.Name(), v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// typeOfSchema says how a schema holds a timestamp.
func typeOfSchema(s *data.Schema) (string, error) {
	switch {
	case s.Name() == data.TimestampName:
		return tsTimestamp, nil
	case s.Name() == data.DateName:
		return tsDate, nil
	case s.Name() == data.TimeName:
		return tsTime, nil
	case s.Type() == data.TypeString:
		return tsString, nil
	case s.Type() == data.TypeInt64:
		return tsUnix, nil
	}
	return "", data.Errorf("Schema %s does not correspond to a known timestamp type format", s)
}

func targetSchema(target string, optional bool) *data.Schema {
	switch target {
	case tsString:
		return data.PrimitiveSchema(data.TypeString, optional)
	case tsUnix:
		return data.PrimitiveSchema(data.TypeInt64, optional)
	case tsDate:
		if optional {
			return optionalDateSchema
		}
		return data.DateSchema
	case tsTime:
		if optional {
			return optionalTimeSchema
		}
		return data.TimeSchema
	}
	if optional {
		return optionalTimestampSchema
	}
	return data.TimestampSchema
}

var (
	optionalDateSchema      = data.DateBuilder().Optional().MustBuild()
	optionalTimeSchema      = data.TimeBuilder().Optional().MustBuild()
	optionalTimestampSchema = data.TimestampBuilder().Optional().MustBuild()
)

// convert converts a timestamp held as from ("" to infer it from the Go
// type) to the target type.
func (t *TimestampConverter) convert(v any, from string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if from == "" {
		switch v.(type) {
		case time.Time:
			from = tsTimestamp
		case int64:
			from = tsUnix
		case string:
			from = tsString
		default:
			return nil, data.Errorf("TimestampConverter does not support %s objects as timestamps", javaClassOf(v))
		}
	}
	var ms int64
	switch from {
	case tsString:
		s, ok := v.(string)
		if !ok {
			return nil, data.Errorf("Expected string timestamp to be a String, but found %s", javaClassOf(v))
		}
		if t.format == nil {
			// Kafka fails with a NullPointerException here.
			return nil, data.Errorf("TimestampConverter requires the format option to parse the string timestamp %s", s)
		}
		p, ok := t.format.parse(s)
		if !ok {
			return nil, data.Errorf("Could not parse timestamp: value (%s) does not match pattern (%s)", s, t.format.pattern)
		}
		ms = p
	case tsUnix:
		n, ok := v.(int64)
		if !ok {
			return nil, data.Errorf("Expected Unix timestamp to be a Long, but found %s", javaClassOf(v))
		}
		switch t.precision {
		case "seconds":
			ms = saturatingMul(n, 1000)
		case "microseconds":
			ms = n / 1000
		case "nanoseconds":
			ms = n / 1000000
		default:
			ms = n
		}
	default:
		tm, ok := v.(time.Time)
		if !ok {
			return nil, data.Errorf("Expected %s to be a java.util.Date, but found %s", from, javaClassOf(v))
		}
		ms = tm.UnixMilli()
	}
	switch t.target {
	case tsString:
		return t.format.format(ms), nil
	case tsUnix:
		switch t.precision {
		case "seconds":
			return ms / 1000, nil
		case "microseconds":
			return saturatingMul(ms, 1000), nil
		case "nanoseconds":
			return saturatingMul(ms, 1000000), nil
		}
		return ms, nil
	case tsDate:
		return time.UnixMilli(floorDiv(ms, msPerDay) * msPerDay).UTC(), nil
	case tsTime:
		return time.UnixMilli(floorMod(ms, msPerDay)).UTC(), nil
	}
	return time.UnixMilli(ms).UTC(), nil
}

// saturatingMul multiplies as Java's TimeUnit conversions do, saturating at
// the long range.
func saturatingMul(v, by int64) int64 {
	switch {
	case v > math.MaxInt64/by:
		return math.MaxInt64
	case v < math.MinInt64/by:
		return math.MinInt64
	}
	return v * by
}

// Close does nothing.
func (t *TimestampConverter) Close() error { return nil }
