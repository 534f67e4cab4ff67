package transforms

import (
	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const replaceFieldDoc = "Drops, keeps or renames fields of a struct or map. Use ReplaceField$Key or ReplaceField$Value."

const (
	replaceExclude   = "exclude"
	replaceInclude   = "include"
	replaceRenames   = "renames"
	replaceBlacklist = "blacklist"
	replaceWhitelist = "whitelist"
)

func replaceFieldConfigDef() *configdef.ConfigDef {
	d := configdef.New().
		Define(configdef.Key{Name: replaceExclude, Type: configdef.TypeList, Default: []string{}, Importance: configdef.Medium,
			Doc: "Fields to drop. They are dropped even when include lists them."}).
		Define(configdef.Key{Name: replaceBlacklist, Type: configdef.TypeList, Default: nil, Importance: configdef.Low,
			Doc: "Deprecated name of exclude, used when exclude is not set (Kafka 3.x; Kafka 4.0 ignores it)."}).
		Define(configdef.Key{Name: replaceInclude, Type: configdef.TypeList, Default: []string{}, Importance: configdef.Medium,
			Doc: "Fields to keep; when set, every other field is dropped."}).
		Define(configdef.Key{Name: replaceWhitelist, Type: configdef.TypeList, Default: nil, Importance: configdef.Low,
			Doc: "Deprecated name of include, used when include is not set (Kafka 3.x; Kafka 4.0 ignores it)."}).
		Define(configdef.Key{Name: replaceRenames, Type: configdef.TypeList, Default: []string{},
			Validator: configdef.ValidatorFunc(func(name string, v any) error {
				l, _ := v.([]string)
				_, err := parseRenames(l)
				return err
			}),
			Importance: configdef.Medium, Doc: "Renames, as old:new pairs, e.g. foo:bar,abc:xyz."})
	return defineReplaceNull(d)
}

// parseRenames reads old:new pairs; a repeated old name: the last one wins.
func parseRenames(list []string) (map[string]string, error) {
	m := make(map[string]string, len(list))
	for _, e := range list {
		parts := javaSplit(e, ":")
		if len(parts) != 2 {
			return nil, configdef.Invalid(replaceRenames, list, "Invalid rename mapping: "+e)
		}
		m[parts[0]] = parts[1]
	}
	return m, nil
}

// ReplaceField is Kafka's ReplaceField$Key / ReplaceField$Value.
type ReplaceField struct {
	side        Side
	exclude     map[string]struct{}
	include     map[string]struct{}
	renames     map[string]string
	reverse     map[string]string
	withDefault bool
	cache       schemaCache
}

// NewReplaceField returns an unconfigured ReplaceField for one side.
func NewReplaceField(side Side) *ReplaceField { return &ReplaceField{side: side} }

// Configure reads exclude, include, renames and replace.null.with.default.
// As in Kafka 3.x, blacklist and whitelist stand for exclude and include
// when those are not given; Kafka 4.0 dropped them and would silently keep
// every field, which is not what a config written for 3.x asks for.
func (t *ReplaceField) Configure(props map[string]string) error {
	props = translateDeprecated(props, replaceExclude, replaceBlacklist)
	props = translateDeprecated(props, replaceInclude, replaceWhitelist)
	v, err := parseConfig(replaceFieldConfigDef(), props)
	if err != nil {
		return err
	}
	t.exclude = toSet(v.List(replaceExclude))
	t.include = toSet(v.List(replaceInclude))
	if t.renames, err = parseRenames(v.List(replaceRenames)); err != nil {
		return err
	}
	t.reverse = make(map[string]string, len(t.renames))
	for from, to := range t.renames {
		t.reverse[to] = from
	}
	t.withDefault = v.Bool(replaceNullKey)
	t.cache = schemaCache{}
	return nil
}

// translateDeprecated gives key the value of its deprecated alias when key
// itself is not set.
func translateDeprecated(props map[string]string, key, alias string) map[string]string {
	v, ok := props[alias]
	if _, set := props[key]; set || !ok {
		return props
	}
	out := make(map[string]string, len(props))
	for k, x := range props {
		out[k] = x
	}
	out[key] = v
	return out
}

func toSet(l []string) map[string]struct{} {
	m := make(map[string]struct{}, len(l))
	for _, s := range l {
		m[s] = struct{}{}
	}
	return m
}

func (t *ReplaceField) keep(name string) bool {
	if _, ex := t.exclude[name]; ex {
		return false
	}
	if len(t.include) == 0 {
		return true
	}
	_, in := t.include[name]
	return in
}

func (t *ReplaceField) renamed(name string) string {
	if to, ok := t.renames[name]; ok {
		return to
	}
	return name
}

// Apply filters and renames the fields; a null key or value is left alone.
func (t *ReplaceField) Apply(r *connector.Record) (*connector.Record, error) {
	value := t.side.value(r)
	if value == nil {
		return r, nil
	}
	schema := t.side.schema(r)
	if schema == nil {
		if err := requireMap(value, "field replacement"); err != nil {
			return nil, err
		}
		out, err := t.applyMap(r, value)
		if err != nil {
			return nil, err
		}
		return t.side.withMap(r, out), nil
	}
	st, err := requireStruct(value, "field replacement")
	if err != nil {
		return nil, err
	}
	updated := t.cache.get(st.Schema())
	if updated == nil {
		b := copyBasics(st.Schema(), data.StructBuilder())
		for _, f := range st.Schema().Fields() {
			if t.keep(f.Name()) {
				b.Field(t.renamed(f.Name()), f.Schema())
			}
		}
		if updated, err = b.Build(); err != nil {
			return nil, err
		}
		t.cache.put(st.Schema(), updated)
	}
	out := data.NewStruct(updated)
	for _, f := range updated.Fields() {
		from := f.Name()
		if old, ok := t.reverse[from]; ok {
			from = old
		}
		var v any
		if t.withDefault {
			v = st.Get(from)
		} else {
			v = st.GetWithoutDefault(from)
		}
		if err := out.PutField(f, v); err != nil {
			return nil, err
		}
	}
	return t.side.with(r, updated, out), nil
}

// applyMap returns the value's map filtered and renamed: a new map, or
// with only exclusions the value itself when the record owns it.
func (t *ReplaceField) applyMap(r *connector.Record, value any) (any, error) {
	if m, ok := value.(map[string]any); ok && len(t.renames) == 0 && len(t.include) == 0 {
		// Only exclusions: delete from the value (a copy of its table when
		// the record does not own it), cheaper than inserting every kept
		// entry again.
		out := t.side.changeable(r, m, 0).(map[string]any)
		for k := range t.exclude {
			delete(out, k)
		}
		return out, nil
	}
	if m, ok := value.(map[string]any); ok {
		out := make(map[string]any, len(m))
		for k, v := range m {
			if !t.keep(k) {
				continue
			}
			name := t.renamed(k)
			if _, taken := out[name]; taken && !t.laterInJavaOrder(k, name, m) {
				continue
			}
			out[name] = v
		}
		return out, nil
	}
	m := value.(map[any]any)
	out := make(map[any]any, len(m))
	for k, v := range m {
		ks, isString := k.(string)
		if !isString {
			return nil, nonStringKey(k)
		}
		if t.keep(ks) {
			out[t.renamed(ks)] = v
		}
	}
	return out, nil
}

// laterInJavaOrder settles two fields renamed onto one name: Kafka keeps
// the one its HashMap iterates last. k is the field being added; the other
// is whichever kept field already has the name.
func (t *ReplaceField) laterInJavaOrder(k, name string, m map[string]any) bool {
	other := ""
	for src := range m {
		if src != k && t.keep(src) && t.renamed(src) == name {
			other = src
			break
		}
	}
	bk := data.JavaBucket(data.JavaStringHashCode(k), len(m))
	bo := data.JavaBucket(data.JavaStringHashCode(other), len(m))
	return bk > bo || bk == bo && k > other
}

// Close does nothing.
func (t *ReplaceField) Close() error { return nil }
