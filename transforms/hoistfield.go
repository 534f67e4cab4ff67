package transforms

import (
	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const hoistFieldDoc = "Wraps the key or value in a struct (with a schema) or a map (without) holding it as its only " +
	"field. Use HoistField$Key or HoistField$Value."

func hoistFieldConfigDef() *configdef.ConfigDef {
	return configdef.New().Define(configdef.Key{Name: "field", Type: configdef.TypeString, Default: configdef.NoDefault,
		Importance: configdef.Medium, Doc: "Name of the one field of the struct or map that is created."})
}

// HoistField is Kafka's HoistField$Key / HoistField$Value.
type HoistField struct {
	side  Side
	field string
	cache schemaCache
}

// NewHoistField returns an unconfigured HoistField for one side.
func NewHoistField(side Side) *HoistField { return &HoistField{side: side} }

// Configure reads field.
func (t *HoistField) Configure(props map[string]string) error {
	v, err := parseConfig(hoistFieldConfigDef(), props)
	if err != nil {
		return err
	}
	t.field = v.String("field")
	t.cache = schemaCache{}
	return nil
}

// Apply wraps the key or value. Without a schema a null becomes a map
// holding null, as in Kafka.
func (t *HoistField) Apply(r *connector.Record) (*connector.Record, error) {
	value := t.side.value(r)
	schema := t.side.schema(r)
	if schema == nil {
		return t.side.with(r, nil, map[string]any{t.field: value}), nil
	}
	updated := t.cache.get(schema)
	if updated == nil {
		var err error
		if updated, err = data.StructBuilder().Field(t.field, schema).Build(); err != nil {
			return nil, err
		}
		t.cache.put(schema, updated)
	}
	st := data.NewStruct(updated)
	if err := st.PutField(updated.Fields()[0], value); err != nil {
		return nil, err
	}
	return t.side.with(r, updated, st), nil
}

// Close does nothing.
func (t *HoistField) Close() error { return nil }
