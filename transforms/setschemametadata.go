package transforms

import (
	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const setSchemaMetadataDoc = "Sets the name, the version or both of the key or value schema. " +
	"Use SetSchemaMetadata$Key or SetSchemaMetadata$Value."

func setSchemaMetadataConfigDef() *configdef.ConfigDef {
	d := configdef.New().
		Define(configdef.Key{Name: "schema.name", Type: configdef.TypeString, Default: nil,
			Importance: configdef.High, Doc: "The new schema name."}).
		Define(configdef.Key{Name: "schema.version", Type: configdef.TypeInt, Default: nil,
			Importance: configdef.High, Doc: "The new schema version."})
	return defineReplaceNull(d)
}

// SetSchemaMetadata is Kafka's SetSchemaMetadata$Key / SetSchemaMetadata$Value.
type SetSchemaMetadata struct {
	side        Side
	name        string
	hasName     bool
	version     int32
	hasVersion  bool
	withDefault bool
	cache       schemaCache
}

// NewSetSchemaMetadata returns an unconfigured SetSchemaMetadata for one side.
func NewSetSchemaMetadata(side Side) *SetSchemaMetadata { return &SetSchemaMetadata{side: side} }

// Configure reads schema.name, schema.version and replace.null.with.default.
func (t *SetSchemaMetadata) Configure(props map[string]string) error {
	v, err := parseConfig(setSchemaMetadataConfigDef(), props)
	if err != nil {
		return err
	}
	t.name, t.hasName = optString(v, "schema.name")
	t.version, t.hasVersion = v.Get("schema.version").(int32)
	t.withDefault = v.Bool(replaceNullKey)
	if !t.hasName && !t.hasVersion {
		return configdef.Errorf("Neither schema name nor version configured")
	}
	t.cache = schemaCache{}
	return nil
}

// Apply renames the schema; a struct key or value is rebuilt on the new
// schema, other values are kept. A value without a schema fails.
func (t *SetSchemaMetadata) Apply(r *connector.Record) (*connector.Record, error) {
	value := t.side.value(r)
	schema := t.side.schema(r)
	if value == nil && schema == nil {
		return r, nil
	}
	if schema == nil {
		return nil, data.Errorf("Schema required for [updating schema metadata]")
	}
	updated := t.cache.get(schema)
	if updated == nil {
		// Kafka copies the fields of every schema, which fails on any
		// schema but a struct's.
		if err := requireStructSchema(schema); err != nil {
			return nil, err
		}
		b := data.BuilderFrom(schema)
		if t.hasName {
			b.Name(t.name)
		}
		if t.hasVersion {
			b.Version(t.version)
		}
		var err error
		if updated, err = b.Build(); err != nil {
			return nil, err
		}
		t.cache.put(schema, updated)
	}
	if st, ok := value.(*data.Struct); ok {
		out := data.NewStruct(updated)
		for _, f := range updated.Fields() {
			var v any
			if t.withDefault {
				v = st.GetField(f)
			} else {
				v = st.GetWithoutDefault(f.Name())
			}
			if err := out.PutField(f, v); err != nil {
				return nil, err
			}
		}
		value = out
	}
	return t.side.with(r, updated, value), nil
}

// Close does nothing.
func (t *SetSchemaMetadata) Close() error { return nil }
