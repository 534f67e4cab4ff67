package transforms

import (
	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const flattenDoc = "Flattens nested structs (with a schema) or maps (without) into one level, naming each field by " +
	"joining the names on its path with a delimiter ('.' by default). Arrays and their contents are left as they are. " +
	"Use Flatten$Key or Flatten$Value."

func flattenConfigDef() *configdef.ConfigDef {
	return configdef.New().Define(configdef.Key{Name: "delimiter", Type: configdef.TypeString, Default: ".",
		Importance: configdef.Medium,
		Doc:        "What is put between the names of a field's ancestors and its own name in the flattened field name."})
}

// Flatten is Kafka's Flatten$Key / Flatten$Value.
type Flatten struct {
	side      Side
	delimiter string
	cache     schemaCache
}

// NewFlatten returns an unconfigured Flatten for one side.
func NewFlatten(side Side) *Flatten { return &Flatten{side: side} }

// Configure reads delimiter.
func (t *Flatten) Configure(props map[string]string) error {
	v, err := parseConfig(flattenConfigDef(), props)
	if err != nil {
		return err
	}
	t.delimiter = v.String("delimiter")
	t.cache = schemaCache{}
	return nil
}

func (t *Flatten) name(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + t.delimiter + field
}

// Apply flattens the key or value; a null one is left alone.
func (t *Flatten) Apply(r *connector.Record) (*connector.Record, error) {
	value := t.side.value(r)
	if value == nil {
		return r, nil
	}
	schema := t.side.schema(r)
	if schema == nil {
		if err := requireMap(value, "flattening"); err != nil {
			return nil, err
		}
		out := make(map[string]any, mapLen(value))
		if err := t.flattenMap(value, "", out); err != nil {
			return nil, err
		}
		return t.side.with(r, nil, out), nil
	}
	st, err := requireStructOrNull(value, "flattening")
	if err != nil {
		return nil, err
	}
	updated := t.cache.get(schema)
	if updated == nil {
		b := copyBasics(schema, data.StructBuilder())
		def, _ := schema.Default().(*data.Struct)
		if err := t.flattenSchema(schema, "", b, schema.IsOptional(), def); err != nil {
			return nil, err
		}
		if updated, err = b.Build(); err != nil {
			return nil, err
		}
		t.cache.put(schema, updated)
	}
	out := data.NewStruct(updated)
	if err := t.flattenStruct(st, "", out); err != nil {
		return nil, err
	}
	return t.side.with(r, updated, out), nil
}

// flattenMap puts the flattened entries of m into out. Entries are visited
// in the order a Java HashMap of them iterates, so that when two paths
// flatten to one name the same one wins as in Kafka (the later one).
func (t *Flatten) flattenMap(m any, prefix string, out map[string]any) error {
	for _, e := range data.JavaMapEntries(m) {
		key, ok := e.Key.(string)
		if !ok {
			return nonStringKey(e.Key)
		}
		name := t.name(prefix, key)
		v := e.Value
		if v == nil {
			out[name] = nil
			continue
		}
		typ, known := data.TypeOf(v)
		if !known {
			return data.Errorf("Flatten transformation was passed a value of type %s which is not supported by Connect's data API", javaClassOf(v))
		}
		switch typ {
		case data.TypeMap:
			if err := t.flattenMap(v, name, out); err != nil {
				return err
			}
		case data.TypeStruct:
			return data.Errorf("Flatten transformation does not support %s for record without schemas (for field %s).", javaClassOf(v), name)
		default:
			out[name] = v
		}
	}
	return nil
}

// flattenSchema adds the flattened fields of a struct schema to b: a field
// is optional when it or an ancestor is, and its default is its own or the
// one the nearest ancestor default gives it.
func (t *Flatten) flattenSchema(s *data.Schema, prefix string, b *data.Builder, optional bool, parentDefault *data.Struct) error {
	for _, f := range s.Fields() {
		name := t.name(prefix, f.Name())
		fs := f.Schema()
		fieldOptional := optional || fs.IsOptional()
		def := fs.Default()
		if def == nil && parentDefault != nil {
			def = parentDefault.GetField(f)
		}
		switch fs.Type() {
		case data.TypeStruct:
			childDefault, _ := def.(*data.Struct)
			if err := t.flattenSchema(fs, name, b, fieldOptional, childDefault); err != nil {
				return err
			}
		case data.TypeMap:
			return data.Errorf("Flatten transformation does not support %s for record with schemas (for field %s).", fs.Type(), name)
		default:
			fb := builderFor(fs)
			if fieldOptional {
				fb.Optional()
			}
			if def != nil {
				fb.Default(def)
			}
			built, err := fb.Build()
			if err != nil {
				return err
			}
			b.Field(name, built)
		}
	}
	return nil
}

func (t *Flatten) flattenStruct(st *data.Struct, prefix string, out *data.Struct) error {
	if st == nil {
		return nil
	}
	for _, f := range st.Schema().Fields() {
		name := t.name(prefix, f.Name())
		switch f.Schema().Type() {
		case data.TypeStruct:
			child, _ := st.GetField(f).(*data.Struct)
			if err := t.flattenStruct(child, name, out); err != nil {
				return err
			}
		case data.TypeMap:
			return data.Errorf("Flatten transformation does not support %s for record with schemas (for field %s).", f.Schema().Type(), name)
		default:
			if err := out.Put(name, st.GetField(f)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close does nothing.
func (t *Flatten) Close() error { return nil }
