package configdef

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// NoDefault marks a required key: Key.Default set to NoDefault means the key
// must be given. (A nil Default means "defaults to null", as in Java.)
var NoDefault = noDefault{}

type noDefault struct{}

// Validator checks a parsed value. It returns a *Error (usually made with
// Invalid) naming the key and the value.
type Validator interface {
	Validate(name string, value any) error
}

// ValidatorFunc adapts a function to Validator.
type ValidatorFunc func(name string, value any) error

// Validate calls f.
func (f ValidatorFunc) Validate(name string, value any) error { return f(name, value) }

// Recommender lists the valid values of a key given the other parsed values,
// and whether the key is visible (relevant) at all.
type Recommender interface {
	ValidValues(name string, parsed map[string]any) []any
	Visible(name string, parsed map[string]any) bool
}

// Key declares one configuration key.
type Key struct {
	Name string
	Type Type
	// Default is the value used when the key is not given: a Go value of the
	// key's type or a string to be parsed. NoDefault makes the key required.
	Default      any
	Validator    Validator
	Importance   Importance
	Doc          string
	Group        string
	OrderInGroup int
	Width        Width
	DisplayName  string
	Dependents   []string
	Recommender  Recommender
	// Internal keys are parsed but not listed to users.
	Internal bool
}

// Required reports whether the key has no default.
func (k *Key) Required() bool { return k.Default == NoDefault }

// DefaultString renders the default as REST's default_value does; ok is false
// for a required key and for a nil default.
func (k *Key) DefaultString() (string, bool) {
	if k.Required() {
		return "", false
	}
	return FormatValue(k.Default)
}

// ConfigDef is an ordered set of key declarations. Build it once, at start-up,
// with Define; afterwards it is read-only and safe to share.
type ConfigDef struct {
	keys   map[string]*Key
	order  []string
	groups []string
}

// New returns an empty ConfigDef.
func New() *ConfigDef { return &ConfigDef{keys: map[string]*Key{}} }

// Define adds a key. A duplicate name or a default that does not parse is a
// programming error in the declaration, so Define panics on them.
func (d *ConfigDef) Define(k Key) *ConfigDef {
	if _, dup := d.keys[k.Name]; dup {
		panic(fmt.Sprintf("configdef: configuration %s is defined twice", k.Name))
	}
	if k.Importance == 0 {
		k.Importance = Low
	}
	if k.Default != NoDefault && k.Default != nil {
		v, err := ParseType(k.Name, k.Default, k.Type)
		if err != nil {
			panic(fmt.Sprintf("configdef: invalid default for %s: %v", k.Name, err))
		}
		k.Default = v
		if k.Validator != nil {
			if err := k.Validator.Validate(k.Name, v); err != nil {
				panic(fmt.Sprintf("configdef: invalid default for %s: %v", k.Name, err))
			}
		}
	}
	kp := &k
	d.keys[k.Name] = kp
	d.order = append(d.order, k.Name)
	if k.Group != "" && !contains(d.groups, k.Group) {
		d.groups = append(d.groups, k.Group)
	}
	return d
}

// Embed defines every key of other under prefix (keys named prefix+name),
// with the same group, as Java's ConfigDef.embed does for transforms.
func (d *ConfigDef) Embed(prefix, group string, startOrder int, other *ConfigDef) *ConfigDef {
	for i, name := range other.order {
		k := *other.keys[name]
		k.Name = prefix + name
		k.Group = group
		k.OrderInGroup = startOrder + i
		if k.Validator != nil {
			k.Validator = prefixedValidator{prefix: prefix, v: k.Validator}
		}
		deps := make([]string, len(k.Dependents))
		for j, dep := range k.Dependents {
			deps[j] = prefix + dep
		}
		k.Dependents = deps
		d.Define(k)
	}
	return d
}

// prefixedValidator hands the embedded validator the unprefixed key name, so
// its messages read as they do in Java ("for configuration headers").
type prefixedValidator struct {
	prefix string
	v      Validator
}

func (p prefixedValidator) Validate(name string, value any) error {
	return p.v.Validate(strings.TrimPrefix(name, p.prefix), value)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Keys returns the declarations in definition order.
func (d *ConfigDef) Keys() []*Key {
	out := make([]*Key, 0, len(d.order))
	for _, n := range d.order {
		out = append(out, d.keys[n])
	}
	return out
}

// Key returns one declaration, nil if the name is not declared.
func (d *ConfigDef) Key(name string) *Key { return d.keys[name] }

// Names returns the declared names in definition order.
func (d *ConfigDef) Names() []string { return append([]string(nil), d.order...) }

// Groups returns the groups in order of first use.
func (d *ConfigDef) Groups() []string { return append([]string(nil), d.groups...) }

// Parse parses and validates props against the declarations. Every problem is
// reported, joined in definition order; undeclared keys are ignored (as Java
// ignores them) and stay available through Values.Originals.
func (d *ConfigDef) Parse(props map[string]string) (*Values, error) {
	vals := &Values{def: d, parsed: make(map[string]any, len(d.keys)), originals: props}
	var errs []error
	for _, name := range d.order {
		k := d.keys[name]
		raw, set := props[name]
		v, err := parseValue(k, raw, set)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		vals.parsed[name] = v
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return vals, nil
}

func parseValue(k *Key, raw string, set bool) (any, error) {
	var v any
	switch {
	case set:
		p, err := ParseType(k.Name, raw, k.Type)
		if err != nil {
			return nil, err
		}
		v = p
	case k.Required():
		return nil, Errorf("Missing required configuration \"%s\" which has no default value.", k.Name)
	default:
		v = k.Default
	}
	if k.Validator != nil {
		if err := k.Validator.Validate(k.Name, v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// Value is the validation result of one key: the shape of Java's ConfigValue
// and of the REST validate endpoint's "value" object.
type Value struct {
	Name              string
	Value             any // parsed value, or the raw string when it did not parse
	RecommendedValues []any
	Errors            []string
	Visible           bool
}

// Validate checks props and returns one Value per declared key, in definition
// order, each with all of its error messages. It never stops at the first
// problem, so a user sees everything wrong at once.
func (d *ConfigDef) Validate(props map[string]string) []*Value {
	results := make(map[string]*Value, len(d.keys))
	parsed := make(map[string]any, len(d.keys))
	for _, name := range d.order {
		k := d.keys[name]
		cv := &Value{Name: name, Visible: true}
		results[name] = cv
		raw, set := props[name]
		var v any
		switch {
		case set:
			p, err := ParseType(name, raw, k.Type)
			if err != nil {
				cv.Errors = append(cv.Errors, err.Error())
				cv.Value = raw
			} else {
				v = p
			}
		case k.Required():
			cv.Errors = append(cv.Errors, fmt.Sprintf("Missing required configuration \"%s\" which has no default value.", name))
		default:
			v = k.Default
		}
		if k.Validator != nil && len(cv.Errors) == 0 {
			if err := k.Validator.Validate(name, v); err != nil {
				cv.Errors = append(cv.Errors, err.Error())
			}
		}
		if v != nil {
			cv.Value = v
			parsed[name] = v
		}
	}
	for _, name := range d.order {
		k := d.keys[name]
		for _, dep := range k.Dependents {
			if _, ok := d.keys[dep]; !ok {
				results[dep] = &Value{Name: dep, Errors: []string{dep + " is referred in the dependents, but not defined."}}
			}
		}
		if k.Recommender != nil {
			cv := results[name]
			cv.RecommendedValues = k.Recommender.ValidValues(name, parsed)
			cv.Visible = k.Recommender.Visible(name, parsed)
		}
	}
	out := make([]*Value, 0, len(results))
	for _, name := range d.order {
		out = append(out, results[name])
	}
	var extra []string
	for name := range results {
		if d.keys[name] == nil {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		out = append(out, results[name])
	}
	return out
}

var commaWithSpace = regexp.MustCompile(`\s*,\s*`)

// ParseList splits a LIST value as Java does: trimmed, empty means no
// elements, otherwise split on commas with surrounding whitespace, keeping
// trailing empty elements ("a,b," is [a b ""]).
func ParseList(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return []string{}
	}
	return commaWithSpace.Split(s, -1)
}

// ParseType parses one value: a string as read from a file or JSON, or a Go
// value already of the key's type.
func ParseType(name string, value any, t Type) (any, error) {
	if value == nil {
		return nil, nil
	}
	s, isString := value.(string)
	trimmed := strings.TrimSpace(s)
	notNumber := func() error { return Invalid(name, value, "Not a number of type "+t.String()) }
	switch t {
	case TypeBoolean:
		if isString {
			switch {
			case strings.EqualFold(trimmed, "true"):
				return true, nil
			case strings.EqualFold(trimmed, "false"):
				return false, nil
			}
		} else if b, ok := value.(bool); ok {
			return b, nil
		}
		return nil, Invalid(name, value, "Expected value to be either true or false")
	case TypePassword:
		if isString {
			return NewPassword(trimmed), nil
		}
		if p, ok := value.(Password); ok {
			return p, nil
		}
		return nil, Invalid(name, value, fmt.Sprintf("Expected value to be a string, but it was a %T", value))
	case TypeString, TypeClass:
		if isString {
			return trimmed, nil
		}
		return nil, Invalid(name, value, fmt.Sprintf("Expected value to be a string, but it was a %T", value))
	case TypeInt:
		switch x := value.(type) {
		case int32:
			return x, nil
		case int:
			if int(int32(x)) == x {
				return int32(x), nil
			}
		case string:
			n, err := strconv.ParseInt(trimmed, 10, 32)
			if err == nil {
				return int32(n), nil
			}
			return nil, notNumber()
		}
		return nil, Invalid(name, value, fmt.Sprintf("Expected value to be a 32-bit integer, but it was a %T", value))
	case TypeShort:
		switch x := value.(type) {
		case int16:
			return x, nil
		case int:
			if int(int16(x)) == x {
				return int16(x), nil
			}
		case string:
			n, err := strconv.ParseInt(trimmed, 10, 16)
			if err == nil {
				return int16(n), nil
			}
			return nil, notNumber()
		}
		return nil, Invalid(name, value, fmt.Sprintf("Expected value to be a 16-bit integer (short), but it was a %T", value))
	case TypeLong:
		switch x := value.(type) {
		case int64:
			return x, nil
		case int32:
			return int64(x), nil
		case int:
			return int64(x), nil
		case string:
			n, err := strconv.ParseInt(trimmed, 10, 64)
			if err == nil {
				return n, nil
			}
			return nil, notNumber()
		}
		return nil, Invalid(name, value, fmt.Sprintf("Expected value to be a 64-bit integer (long), but it was a %T", value))
	case TypeDouble:
		switch x := value.(type) {
		case float64:
			return x, nil
		case int:
			return float64(x), nil
		case int32:
			return float64(x), nil
		case int64:
			return float64(x), nil
		case string:
			f, err := strconv.ParseFloat(trimmed, 64)
			if err == nil {
				return f, nil
			}
			return nil, notNumber()
		}
		return nil, Invalid(name, value, fmt.Sprintf("Expected value to be a double, but it was a %T", value))
	case TypeList:
		switch x := value.(type) {
		case []string:
			return x, nil
		case string:
			return ParseList(x), nil
		}
		return nil, Invalid(name, value, "Expected a comma separated list.")
	}
	return nil, fmt.Errorf("configdef: unknown type %v for %s", t, name)
}

// Values holds parsed configuration values. Getters panic when the name is
// not declared or has another type: that is a programming error, as Java's
// "Unknown configuration" is.
type Values struct {
	def       *ConfigDef
	parsed    map[string]any
	originals map[string]string
}

// Get returns the parsed value of a declared key (nil when it defaults to null).
func (v *Values) Get(name string) any {
	if _, ok := v.def.keys[name]; !ok {
		panic(fmt.Sprintf("configdef: unknown configuration %q", name))
	}
	return v.parsed[name]
}

// Bool returns a BOOLEAN value.
func (v *Values) Bool(name string) bool { b, _ := v.Get(name).(bool); return b }

// Int returns an INT value.
func (v *Values) Int(name string) int32 { n, _ := v.Get(name).(int32); return n }

// Short returns a SHORT value.
func (v *Values) Short(name string) int16 { n, _ := v.Get(name).(int16); return n }

// Long returns a LONG value.
func (v *Values) Long(name string) int64 { n, _ := v.Get(name).(int64); return n }

// Double returns a DOUBLE value.
func (v *Values) Double(name string) float64 { f, _ := v.Get(name).(float64); return f }

// String returns a STRING or CLASS value ("" when null).
func (v *Values) String(name string) string { s, _ := v.Get(name).(string); return s }

// List returns a LIST value.
func (v *Values) List(name string) []string { l, _ := v.Get(name).([]string); return l }

// Password returns a PASSWORD value.
func (v *Values) Password(name string) Password { p, _ := v.Get(name).(Password); return p }

// IsSet reports whether the key was given explicitly (not defaulted).
func (v *Values) IsSet(name string) bool { _, ok := v.originals[name]; return ok }

// Originals returns the raw properties as given, declared or not.
func (v *Values) Originals() map[string]string { return v.originals }

// WithPrefix returns the raw properties whose names start with prefix, with
// the prefix removed (Java's originalsWithPrefix).
func (v *Values) WithPrefix(prefix string) map[string]string {
	return WithPrefix(v.originals, prefix)
}

// WithPrefix returns the entries of props whose keys start with prefix, with
// the prefix stripped.
func WithPrefix(props map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, val := range props {
		if strings.HasPrefix(k, prefix) {
			out[k[len(prefix):]] = val
		}
	}
	return out
}
