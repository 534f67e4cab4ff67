package transforms

import (
	"slices"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const headerFromDoc = "Moves or copies fields of the key or value into headers: the n-th name of fields goes to the " +
	"header named by the n-th name of headers. Use HeaderFrom$Key or HeaderFrom$Value."

func headerFromConfigDef() *configdef.ConfigDef {
	d := configdef.New().
		Define(configdef.Key{Name: "fields", Type: configdef.TypeList, Default: configdef.NoDefault,
			Validator: nonEmptyList(), Importance: configdef.High,
			Doc: "Names of the fields whose values go to headers."}).
		Define(configdef.Key{Name: "headers", Type: configdef.TypeList, Default: configdef.NoDefault,
			Validator: nonEmptyList(), Importance: configdef.High,
			Doc: "Names of the headers, in the order of the fields they take their values from."}).
		Define(configdef.Key{Name: "operation", Type: configdef.TypeString, Default: configdef.NoDefault,
			Validator: configdef.OneOf("move", "copy"), Importance: configdef.High,
			Doc: "move to remove the fields from the key or value, copy to keep them."})
	return defineReplaceNull(d)
}

// HeaderFrom is Kafka's HeaderFrom$Key / HeaderFrom$Value.
type HeaderFrom struct {
	side        Side
	fields      []string
	headers     []string
	move        bool
	purpose     string
	withDefault bool
	cache       schemaCache
}

// NewHeaderFrom returns an unconfigured HeaderFrom for one side.
func NewHeaderFrom(side Side) *HeaderFrom { return &HeaderFrom{side: side} }

// Configure reads fields, headers, operation and replace.null.with.default.
func (t *HeaderFrom) Configure(props map[string]string) error {
	v, err := parseConfig(headerFromConfigDef(), props)
	if err != nil {
		return err
	}
	t.fields, t.headers = v.List("fields"), v.List("headers")
	if len(t.fields) != len(t.headers) {
		return configdef.Errorf("'fields' config must have the same number of elements as 'headers' config.")
	}
	op := v.String("operation")
	t.move = op == "move"
	t.purpose = "header " + op
	t.withDefault = v.Bool(replaceNullKey)
	t.cache = schemaCache{}
	return nil
}

// Apply appends the headers (existing ones are kept, even with the same
// name) and, for move, removes the fields. A null key or value fails.
func (t *HeaderFrom) Apply(r *connector.Record) (*connector.Record, error) {
	value := t.side.value(r)
	schema := t.side.schema(r)
	headers := make(connector.Headers, len(r.Headers), len(r.Headers)+len(t.fields))
	copy(headers, r.Headers)
	if schema == nil {
		if err := requireMap(value, t.purpose); err != nil {
			return nil, err
		}
		// Every header is read before any field is removed: the value may
		// be changed in place, and a field may be named twice.
		for i, f := range t.fields {
			headers = append(headers, connector.Header{Key: t.headers[i], Value: mapGet(value, f)})
		}
		if !t.move {
			out := *r
			out.Headers = headers
			return &out, nil
		}
		updated := t.side.changeable(r, value, 0)
		for _, f := range t.fields {
			mapDelete(updated, f)
		}
		out := t.side.withMap(r, updated)
		out.Headers = headers
		return out, nil
	}
	st, err := requireStruct(value, t.purpose)
	if err != nil {
		return nil, err
	}
	updatedSchema, updated := schema, st
	if t.move {
		if updatedSchema, err = t.moveSchema(schema); err != nil {
			return nil, err
		}
		updated = data.NewStruct(updatedSchema)
		for _, f := range updatedSchema.Fields() {
			if err := updated.PutField(f, t.read(st, f.Name())); err != nil {
				return nil, err
			}
		}
	}
	for i, name := range t.fields {
		f := schema.Field(name)
		if f == nil {
			// Kafka fails here with a NullPointerException.
			return nil, data.Errorf("Field %s does not exist in the schema %s, so it cannot be copied or moved to header %s",
				name, schema, t.headers[i])
		}
		var v any
		if st.Has(name) {
			v = t.read(st, name)
		}
		if headers, err = addHeader(headers, t.headers[i], f.Schema(), v); err != nil {
			return nil, err
		}
	}
	out := t.side.with(r, updatedSchema, updated)
	out.Headers = headers
	return out, nil
}

// read reads a field of st by name, with or without its default.
func (t *HeaderFrom) read(st *data.Struct, name string) any {
	if t.withDefault {
		return st.Get(name)
	}
	return st.GetWithoutDefault(name)
}

func (t *HeaderFrom) moveSchema(s *data.Schema) (*data.Schema, error) {
	if out := t.cache.get(s); out != nil {
		return out, nil
	}
	b := copyBasics(s, data.StructBuilder())
	for _, f := range s.Fields() {
		if !slices.Contains(t.fields, f.Name()) {
			b.Field(f.Name(), f.Schema())
		}
	}
	out, err := b.Build()
	if err != nil {
		return nil, err
	}
	t.cache.put(s, out)
	return out, nil
}

// Close does nothing.
func (t *HeaderFrom) Close() error { return nil }
