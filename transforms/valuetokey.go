package transforms

import (
	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const valueToKeyDoc = "Replaces the record key with a struct (with a schema) or map (without) of some fields of the value."

func valueToKeyConfigDef() *configdef.ConfigDef {
	d := configdef.New().Define(configdef.Key{Name: "fields", Type: configdef.TypeList, Default: configdef.NoDefault,
		Validator: nonEmptyList(), Importance: configdef.High,
		Doc: "Names of the value's fields that make up the new key, in the key's field order."})
	return defineReplaceNull(d)
}

// ValueToKey is Kafka's ValueToKey.
type ValueToKey struct {
	fields      []string
	withDefault bool
	cache       schemaCache
}

// NewValueToKey returns an unconfigured ValueToKey.
func NewValueToKey() *ValueToKey { return &ValueToKey{} }

// Configure reads fields and replace.null.with.default.
func (t *ValueToKey) Configure(props map[string]string) error {
	v, err := parseConfig(valueToKeyConfigDef(), props)
	if err != nil {
		return err
	}
	t.fields = v.List("fields")
	t.withDefault = v.Bool(replaceNullKey)
	t.cache = schemaCache{}
	return nil
}

// Apply sets the key. Whether there is a schema is decided by the value;
// a null value fails, as in Kafka.
func (t *ValueToKey) Apply(r *connector.Record) (*connector.Record, error) {
	if r.ValueSchema == nil {
		if err := requireMap(r.Value, "copying fields from value to key"); err != nil {
			return nil, err
		}
		key := make(map[string]any, len(t.fields))
		for _, f := range t.fields {
			key[f] = mapGet(r.Value, f)
		}
		out := *r
		out.KeySchema, out.Key = nil, key
		return &out, nil
	}
	st, err := requireStruct(r.Value, "copying fields from value to key")
	if err != nil {
		return nil, err
	}
	keySchema := t.cache.get(st.Schema())
	if keySchema == nil {
		b := data.StructBuilder()
		for _, name := range t.fields {
			f := st.Schema().Field(name)
			if f == nil {
				return nil, data.Errorf("Field does not exist: %s", name)
			}
			b.Field(name, f.Schema())
		}
		if keySchema, err = b.Build(); err != nil {
			return nil, err
		}
		t.cache.put(st.Schema(), keySchema)
	}
	key := data.NewStruct(keySchema)
	for i, name := range t.fields {
		var v any
		if t.withDefault {
			v = st.Get(name)
		} else {
			v = st.GetWithoutDefault(name)
		}
		if err := key.PutField(keySchema.Fields()[i], v); err != nil {
			return nil, err
		}
	}
	out := *r
	out.KeySchema, out.Key = keySchema, key
	out.ValueSchema = st.Schema()
	return &out, nil
}

// Close does nothing.
func (t *ValueToKey) Close() error { return nil }
