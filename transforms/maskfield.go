package transforms

import (
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const maskFieldDoc = "Replaces the values of the given fields with an empty value of their type (0, false, \"\", " +
	"an empty list or map, the epoch), or with a replacement converted to their type (numbers and strings only). " +
	"Use MaskField$Key or MaskField$Value."

func maskFieldConfigDef() *configdef.ConfigDef {
	d := configdef.New().
		Define(configdef.Key{Name: "fields", Type: configdef.TypeList, Default: configdef.NoDefault,
			Validator: nonEmptyList(), Importance: configdef.High, Doc: "Names of the fields to mask."}).
		Define(configdef.Key{Name: "replacement", Type: configdef.TypeString, Default: nil,
			Validator: configdef.NonEmptyString(), Importance: configdef.Low,
			Doc: "A value to put in every masked field instead of the empty value of its type; numeric and " +
				"non-empty string fields only."})
	return defineReplaceNull(d)
}

// MaskField is Kafka's MaskField$Key / MaskField$Value.
type MaskField struct {
	side           Side
	fields         []string
	set            map[string]struct{}
	replacement    string
	hasReplacement bool
	withDefault    bool
}

// NewMaskField returns an unconfigured MaskField for one side.
func NewMaskField(side Side) *MaskField { return &MaskField{side: side} }

// Configure reads fields, replacement and replace.null.with.default.
func (t *MaskField) Configure(props map[string]string) error {
	v, err := parseConfig(maskFieldConfigDef(), props)
	if err != nil {
		return err
	}
	t.set = map[string]struct{}{}
	t.fields = t.fields[:0]
	for _, f := range v.List("fields") {
		if _, dup := t.set[f]; !dup {
			t.set[f] = struct{}{}
			t.fields = append(t.fields, f)
		}
	}
	t.replacement, t.hasReplacement = optString(v, "replacement")
	t.withDefault = v.Bool(replaceNullKey)
	return nil
}

// Apply masks the fields. A null key or value fails, as in Kafka.
func (t *MaskField) Apply(r *connector.Record) (*connector.Record, error) {
	value := t.side.value(r)
	schema := t.side.schema(r)
	if schema == nil {
		if err := requireMap(value, "mask fields"); err != nil {
			return nil, err
		}
		out := mapCopy(value, len(t.fields))
		for _, f := range t.fields {
			// A field the map lacks is put as null, as in Kafka.
			m, err := t.mask(mapGet(value, f))
			if err != nil {
				return nil, err
			}
			mapPut(out, f, m)
		}
		// A copy, not changeable: masking can fail half way.
		return t.side.withMap(r, out), nil
	}
	st, err := requireStruct(value, "mask fields")
	if err != nil {
		return nil, err
	}
	out := data.NewStruct(st.Schema())
	for _, f := range st.Schema().Fields() {
		v := fieldValue(st, f, t.withDefault)
		if _, ok := t.set[f.Name()]; ok {
			if v, err = t.mask(v); err != nil {
				return nil, err
			}
		}
		if err := out.PutField(f, v); err != nil {
			return nil, err
		}
	}
	return t.side.with(r, schema, out), nil
}

func (t *MaskField) mask(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if t.hasReplacement {
		return maskWith(v, t.replacement)
	}
	switch v.(type) {
	case bool:
		return false, nil
	case int8:
		return int8(0), nil
	case int16:
		return int16(0), nil
	case int32:
		return int32(0), nil
	case int64:
		return int64(0), nil
	case float32:
		return float32(0), nil
	case float64:
		return float64(0), nil
	case data.Decimal:
		return data.NewDecimal(0, 0), nil
	case time.Time:
		return time.UnixMilli(0).UTC(), nil
	case string:
		return "", nil
	case []any:
		return []any{}, nil
	case map[string]any, map[any]any:
		return map[string]any{}, nil
	}
	return nil, data.Errorf("Cannot mask value of type: %s", javaClassOf(v))
}

// maskWith converts the replacement to the type of v, as Kafka converts it
// with Values.convertToX or a BigDecimal constructor.
func maskWith(v any, replacement string) (any, error) {
	switch v.(type) {
	case int8:
		return data.ConvertToInt8(nil, replacement)
	case int16:
		return data.ConvertToInt16(nil, replacement)
	case int32:
		return data.ConvertToInt32(nil, replacement)
	case int64:
		return data.ConvertToInt64(nil, replacement)
	case float32:
		return data.ConvertToFloat32(nil, replacement)
	case float64:
		return data.ConvertToFloat64(nil, replacement)
	case string:
		return replacement, nil
	case data.Decimal:
		d, err := data.ParseDecimal(replacement)
		if err != nil {
			return nil, &data.Error{Msg: "Unable to convert " + replacement + " (class java.lang.String) to number", Err: err}
		}
		return d, nil
	}
	return nil, data.Errorf("Cannot mask value of type %s with custom replacement.", javaClassOf(v))
}

// Close does nothing.
func (t *MaskField) Close() error { return nil }
