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

// Embed defines every key of other under prefix (keys named prefix+name), as
// Java's ConfigDef.embed does for transforms and predicates: keys are taken
// in other's documentation order (group, order in group, required first,
// importance, name), numbered from startOrder, and put in group (or
// "group: <own group>" when the key has a group of its own). Validators and
// recommenders see the unprefixed name, so their messages read as they do in
// Java ("for configuration headers"); dependents are prefixed.
func (d *ConfigDef) Embed(prefix, group string, startOrder int, other *ConfigDef) *ConfigDef {
	for i, src := range other.sortedKeys() {
		k := *src
		k.Name = prefix + src.Name
		k.Group = group
		if src.Group != "" {
			k.Group = group + ": " + src.Group
		}
		k.OrderInGroup = startOrder + i
		if k.Validator != nil {
			k.Validator = prefixedValidator{prefix: prefix, v: k.Validator}
		}
		if k.Recommender != nil {
			k.Recommender = prefixedRecommender{prefix: prefix, r: k.Recommender}
		}
		if k.Dependents != nil {
			deps := make([]string, len(k.Dependents))
			for j, dep := range k.Dependents {
				deps[j] = prefix + dep
			}
			k.Dependents = deps
		}
		d.Define(k)
	}
	return d
}

// sortedKeys orders the keys as Java's ConfigDef.sortedConfigs does: by group
// (keys without a group first, then groups in order of first use), order in
// group, required before optional, importance (HIGH first) and name.
func (d *ConfigDef) sortedKeys() []*Key {
	groupOrd := make(map[string]int, len(d.groups))
	for i, g := range d.groups {
		groupOrd[g] = i
	}
	keys := d.Keys()
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if (a.Group == "") != (b.Group == "") {
			return a.Group == ""
		}
		if a.Group != b.Group {
			return groupOrd[a.Group] < groupOrd[b.Group]
		}
		if a.OrderInGroup != b.OrderInGroup {
			return a.OrderInGroup < b.OrderInGroup
		}
		if a.Required() != b.Required() {
			return a.Required()
		}
		if a.Importance != b.Importance {
			return a.Importance < b.Importance
		}
		return a.Name < b.Name
	})
	return keys
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

func (p prefixedValidator) String() string { return describe(p.v) }

// prefixedRecommender hands the embedded recommender the unprefixed key name
// and only the parsed values under the prefix, unprefixed.
type prefixedRecommender struct {
	prefix string
	r      Recommender
}

func (p prefixedRecommender) unprefixed(parsed map[string]any) map[string]any {
	out := make(map[string]any, len(parsed))
	for k, v := range parsed {
		if rest, ok := strings.CutPrefix(k, p.prefix); ok {
			out[rest] = v
		}
	}
	return out
}

func (p prefixedRecommender) ValidValues(name string, parsed map[string]any) []any {
	return p.r.ValidValues(strings.TrimPrefix(name, p.prefix), p.unprefixed(parsed))
}

func (p prefixedRecommender) Visible(name string, parsed map[string]any) bool {
	return p.r.Visible(strings.TrimPrefix(name, p.prefix), p.unprefixed(parsed))
}

// describe renders a validator for documentation: its String method, or ""
// when it has none.
func describe(v Validator) string {
	if s, ok := v.(fmt.Stringer); ok {
		return s.String()
	}
	return ""
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
	if undefined := d.undefinedDependents(); len(undefined) > 0 {
		return nil, Errorf("Some configurations in are referred in the dependents, but not defined: %s", strings.Join(undefined, ","))
	}
	originals := make(map[string]string, len(props))
	for k, v := range props {
		originals[k] = v
	}
	vals := &Values{def: d, parsed: make(map[string]any, len(d.keys)), originals: originals}
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

// undefinedDependents lists the dependents that name no declared key, in the
// order Java's HashSet of them iterates (its messages list them so).
func (d *ConfigDef) undefinedDependents() []string {
	var out []string
	for _, name := range d.order {
		for _, dep := range d.keys[name].Dependents {
			if _, ok := d.keys[dep]; !ok {
				out = append(out, dep)
			}
		}
	}
	return javaHashSetOrder(out)
}

// Value is the validation result of one key: the shape of Java's ConfigValue
// and of the REST validate endpoint's "value" object.
type Value struct {
	Name string
	// Value is the parsed value (the default when the key was not given);
	// nil when the key defaults to null or its value did not parse, as in
	// Java, where the REST validate response then shows "value": null.
	Value             any
	RecommendedValues []any
	Errors            []string
	Visible           bool
}

// Validate checks props and returns one Value per declared key, in definition
// order, each with all of its error messages. It never stops at the first
// problem, so a user sees everything wrong at once. As in Java, a key's
// validator runs even when its value did not parse or is missing (it then
// sees nil), so a key can carry two messages.
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
			} else {
				v = p
			}
		case k.Required():
			cv.Errors = append(cv.Errors, fmt.Sprintf("Missing required configuration \"%s\" which has no default value.", name))
		default:
			v = k.Default
		}
		if k.Validator != nil {
			if err := k.Validator.Validate(name, v); err != nil {
				cv.Errors = append(cv.Errors, err.Error())
			}
		}
		cv.Value = v
		parsed[name] = v
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

// commaWithSpace is Java's \s*,\s*. Java's \s includes the vertical tab,
// RE2's does not, so the class is spelled out.
var commaWithSpace = regexp.MustCompile("[ \t\n\x0B\f\r]*,[ \t\n\x0B\f\r]*")

// ParseList splits a LIST value as Java does: trimmed, empty means no
// elements, otherwise split on commas with surrounding whitespace, keeping
// trailing empty elements ("a,b," is [a b ""]).
func ParseList(s string) []string {
	s = javaTrim(s)
	if s == "" {
		return []string{}
	}
	return commaWithSpace.Split(s, -1)
}

// javaTrim is Java's String.trim: it removes every character up to and
// including the space (all ASCII control characters) from both ends, and
// nothing else (not the no-break space, which strings.TrimSpace removes).
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// javaDouble is the syntax Java's Double.parseDouble accepts (after
// trimming): decimal or hexadecimal floating-point literals with an optional
// f/F/d/D suffix, NaN and Infinity. Go's ParseFloat accepts other spellings
// ("inf", "nan", underscores in hex) and no suffix, so the syntax is checked
// here first.
var javaDouble = regexp.MustCompile(`^[+-]?(?:NaN|Infinity|(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|0[xX](?:[0-9a-fA-F]+\.?|[0-9a-fA-F]*\.[0-9a-fA-F]+)[pP][+-]?[0-9]+)[fFdD]?)$`)

// parseJavaDouble parses s as Double.parseDouble does. Out-of-range values
// become infinities (or zero), not errors, as in Java.
func parseJavaDouble(s string) (float64, bool) {
	if !javaDouble.MatchString(s) {
		return 0, false
	}
	if !strings.HasSuffix(s, "NaN") && !strings.HasSuffix(s, "Infinity") {
		s = strings.TrimRight(s, "fFdD")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}

// ParseType parses one value: a string as read from a file or JSON, or a Go
// value already of the key's type.
func ParseType(name string, value any, t Type) (any, error) {
	if value == nil {
		return nil, nil
	}
	s, isString := value.(string)
	trimmed := javaTrim(s)
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
			if f, ok := parseJavaDouble(trimmed); ok {
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

// typed returns the value of a key declared with one of the types, and
// panics when it is declared otherwise (Java's ClassCastException): asking
// for an INT of a LONG key is a programming error that would otherwise read
// as zero.
func (v *Values) typed(name string, types ...Type) any {
	k, ok := v.def.keys[name]
	if !ok {
		panic(fmt.Sprintf("configdef: unknown configuration %q", name))
	}
	for _, t := range types {
		if k.Type == t {
			return v.parsed[name]
		}
	}
	panic(fmt.Sprintf("configdef: configuration %q is of type %v, not %v", name, k.Type, types[0]))
}

// Bool returns a BOOLEAN value (false when null).
func (v *Values) Bool(name string) bool { b, _ := v.typed(name, TypeBoolean).(bool); return b }

// Int returns an INT value (0 when null).
func (v *Values) Int(name string) int32 { n, _ := v.typed(name, TypeInt).(int32); return n }

// Short returns a SHORT value (0 when null).
func (v *Values) Short(name string) int16 { n, _ := v.typed(name, TypeShort).(int16); return n }

// Long returns a LONG value (0 when null).
func (v *Values) Long(name string) int64 { n, _ := v.typed(name, TypeLong).(int64); return n }

// Double returns a DOUBLE value (0 when null).
func (v *Values) Double(name string) float64 { f, _ := v.typed(name, TypeDouble).(float64); return f }

// String returns a STRING or CLASS value ("" when null).
func (v *Values) String(name string) string {
	s, _ := v.typed(name, TypeString, TypeClass).(string)
	return s
}

// List returns a LIST value (nil when null).
func (v *Values) List(name string) []string { l, _ := v.typed(name, TypeList).([]string); return l }

// Password returns a PASSWORD value (empty when null).
func (v *Values) Password(name string) Password {
	p, _ := v.typed(name, TypePassword).(Password)
	return p
}

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
