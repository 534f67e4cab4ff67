package transforms

import (
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const extractFieldDoc = "Replaces the key or value with one of its fields: a struct field when there is a schema, " +
	"a map entry otherwise. A null key or value stays null. Use ExtractField$Key or ExtractField$Value."

const (
	extractFieldKey    = "field"
	fieldSyntaxVersion = "field.syntax.version"
)

func extractFieldConfigDef() *configdef.ConfigDef {
	d := configdef.New().Define(configdef.Key{Name: extractFieldKey, Type: configdef.TypeString, Default: configdef.NoDefault,
		Importance: configdef.Medium, Doc: "Name (or, with field.syntax.version V2, dotted path) of the field to extract."})
	defineReplaceNull(d)
	return d.Define(configdef.Key{Name: fieldSyntaxVersion, Type: configdef.TypeString, Default: "V1",
		Validator: configdef.OneOfFold("V1", "V2"), Importance: configdef.High,
		Doc: "How field names are read. V1: the name of a top-level field, taken literally. V2: a path into nested " +
			"structs or maps, steps separated by dots; a step containing dots is wrapped in backticks, " +
			"e.g. `foo.bar`.baz reads field baz of the field named \"foo.bar\"."})
}

// fieldPath is Kafka's SingleFieldPath: the steps from the top level to one
// field.
type fieldPath []string

// parseFieldPath reads a field setting in syntax V1 (one literal name) or V2
// (dotted steps, backticks around steps containing dots).
func parseFieldPath(path string, v2 bool) (fieldPath, error) {
	if !v2 {
		return fieldPath{path}, nil
	}
	var steps fieldPath
	idx := 0
	for idx < len(path) && idx >= 0 {
		if path[idx] != '`' {
			start := idx
			if i := strings.IndexByte(path[idx:], '.'); i >= 0 {
				idx += i
				steps = append(steps, path[start:idx])
				idx++
			} else {
				steps = append(steps, path[start:])
				idx = -1
			}
			continue
		}
		backtickAt := idx
		idx++
		var field strings.Builder
		start := idx
		for {
			i := strings.IndexByte(path[idx:], '`')
			if i < 0 {
				return nil, incompleteBacktick(path, backtickAt)
			}
			idx += i
			escaped := path[idx-1] == '\\'
			if idx >= len(path)-1 {
				if escaped {
					return nil, incompleteBacktick(path, backtickAt)
				}
				field.WriteString(path[start:idx])
				steps = append(steps, field.String())
				idx++
				break
			}
			if path[idx+1] != '.' {
				idx++ // a backtick inside the step
				continue
			}
			if escaped {
				field.WriteString(path[start : idx-1])
				field.WriteByte('`')
				idx++
				start = idx
				continue
			}
			field.WriteString(path[start:idx])
			steps = append(steps, field.String())
			idx += 2
			break
		}
	}
	if path != "" && path[len(path)-1] == '.' {
		steps = append(steps, "")
	}
	if len(steps) == 0 {
		// Kafka accepts an empty V2 path and then fails on every record.
		return nil, configdef.Invalid(extractFieldKey, path, "A field path needs at least one step")
	}
	return steps, nil
}

func incompleteBacktick(path string, at int) error {
	// The position is in UTF-16 units, as Java counts characters.
	pos := len(utf16.Encode([]rune(path[:at])))
	return configdef.Errorf("Incomplete backtick pair in path: [%s], consider adding a backslash before backtick at position %s to escape it",
		path, strconv.Itoa(pos))
}

// field looks the path up in a schema: nil when some step is missing.
func (p fieldPath) field(s *data.Schema) (*data.Field, error) {
	cur := s
	for i, step := range p {
		if cur.Type() != data.TypeStruct {
			return nil, data.Errorf("Cannot look up fields on non-struct type")
		}
		f := cur.Field(step)
		if f == nil || i == len(p)-1 {
			return f, nil
		}
		cur = f.Schema()
	}
	return nil, nil
}

// structValue reads the path in a struct: nil when a step is missing or
// null.
func (p fieldPath) structValue(st *data.Struct, withDefault bool) (any, error) {
	cur := st
	for _, step := range p[:len(p)-1] {
		f := cur.Schema().Field(step)
		if f == nil {
			return nil, nil
		}
		next, err := requireStructOrNull(cur.GetField(f), "nested field access")
		if err != nil || next == nil {
			return nil, err
		}
		cur = next
	}
	f := cur.Schema().Field(p[len(p)-1])
	if f == nil {
		return nil, nil
	}
	return fieldValue(cur, f, withDefault), nil
}

// mapValue reads the path in a schemaless map: nil when a step is missing
// or null.
func (p fieldPath) mapValue(m any) (any, error) {
	cur := m
	for _, step := range p[:len(p)-1] {
		next := mapGet(cur, step)
		if next == nil {
			return nil, nil
		}
		if err := requireMap(next, "nested field access"); err != nil {
			return nil, err
		}
		cur = next
	}
	return mapGet(cur, p[len(p)-1]), nil
}

// ExtractField is Kafka's ExtractField$Key / ExtractField$Value.
type ExtractField struct {
	side        Side
	original    string
	path        fieldPath
	withDefault bool
}

// NewExtractField returns an unconfigured ExtractField for one side.
func NewExtractField(side Side) *ExtractField { return &ExtractField{side: side} }

// Configure reads field, field.syntax.version and replace.null.with.default.
func (t *ExtractField) Configure(props map[string]string) error {
	v, err := parseConfig(extractFieldConfigDef(), props)
	if err != nil {
		return err
	}
	t.original = v.String(extractFieldKey)
	t.path, err = parseFieldPath(t.original, strings.EqualFold(v.String(fieldSyntaxVersion), "V2"))
	if err != nil {
		return err
	}
	t.withDefault = v.Bool(replaceNullKey)
	return nil
}

// Apply replaces the key or value with the field.
func (t *ExtractField) Apply(r *connector.Record) (*connector.Record, error) {
	value := t.side.value(r)
	schema := t.side.schema(r)
	if schema == nil {
		if value == nil {
			return t.side.with(r, nil, nil), nil
		}
		if err := requireMap(value, "field extraction"); err != nil {
			return nil, err
		}
		v, err := t.path.mapValue(value)
		if err != nil {
			return nil, err
		}
		return t.side.with(r, nil, v), nil
	}
	st, err := requireStructOrNull(value, "field extraction")
	if err != nil {
		return nil, err
	}
	f, err := t.path.field(schema)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return nil, data.Errorf("Unknown field: %s", t.original)
	}
	var v any
	if st != nil {
		if v, err = t.path.structValue(st, t.withDefault); err != nil {
			return nil, err
		}
	}
	return t.side.with(r, f.Schema(), v), nil
}

// Close does nothing.
func (t *ExtractField) Close() error { return nil }
