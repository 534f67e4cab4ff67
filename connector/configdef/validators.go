package configdef

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"
)

// AtLeast accepts numbers >= min ("Value must be at least <min>"). The bound
// prints as an integer, as Java prints a bound declared as an int or long.
func AtLeast(min float64) Validator { return rangeValidator{min: &min} }

// Between accepts numbers in [min, max], bounds printed as integers.
func Between(min, max float64) Validator { return rangeValidator{min: &min, max: &max} }

// AtLeastDouble is AtLeast for a bound Java declares as a double: it prints
// as Java prints a Double ("Value must be at least 0.0").
func AtLeastDouble(min float64) Validator { return rangeValidator{min: &min, double: true} }

// BetweenDouble is Between with bounds Java declares as doubles
// ("Value must be no more than 1.0").
func BetweenDouble(min, max float64) Validator {
	return rangeValidator{min: &min, max: &max, double: true}
}

type rangeValidator struct {
	min, max *float64
	double   bool // bounds print as Java doubles
}

func (r rangeValidator) Validate(name string, v any) error {
	if v == nil {
		return Invalid(name, nil, "Value must be non-null")
	}
	f, ok := toFloat(v)
	if !ok {
		return Invalid(name, v, "Value must be a number")
	}
	if r.min != nil && f < *r.min {
		return Invalid(name, v, "Value must be at least "+r.bound(*r.min))
	}
	if r.max != nil && f > *r.max {
		return Invalid(name, v, "Value must be no more than "+r.bound(*r.max))
	}
	return nil
}

func (r rangeValidator) bound(f float64) string {
	if r.double {
		return formatDouble(f)
	}
	return fmtNum(f)
}

func (r rangeValidator) String() string {
	switch {
	case r.min == nil && r.max == nil:
		return "[...]"
	case r.min == nil:
		return "[...," + r.bound(*r.max) + "]"
	case r.max == nil:
		return "[" + r.bound(*r.min) + ",...]"
	}
	return "[" + r.bound(*r.min) + ",...," + r.bound(*r.max) + "]"
}

func fmtNum(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprint(int64(f))
	}
	return formatDouble(f)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// OneOf accepts exactly one of the given strings (case-sensitive), as Java's
// ValidString.in.
func OneOf(valid ...string) Validator { return validString{valid: valid} }

type validString struct{ valid []string }

func (s validString) Validate(name string, v any) error {
	str, _ := v.(string)
	if v == nil || !contains(s.valid, str) {
		return Invalid(name, v, "String must be one of: "+strings.Join(s.valid, ", "))
	}
	return nil
}

func (s validString) String() string { return "[" + strings.Join(s.valid, ", ") + "]" }

// OneOfFold accepts one of the given strings ignoring case (Java's
// CaseInsensitiveValidString). Java keeps the upper-cased choices in a
// HashSet and lists them in its iteration order, so the message and String
// do too: "String must be one of (case insensitive): HYBRID_FAIL, ...".
func OneOfFold(valid ...string) Validator {
	upper := make([]string, len(valid))
	for i, x := range valid {
		upper[i] = strings.ToUpper(x)
	}
	return validStringFold{upper: javaHashSetOrder(upper)}
}

type validStringFold struct{ upper []string }

func (s validStringFold) Validate(name string, v any) error {
	if str, ok := v.(string); ok && contains(s.upper, strings.ToUpper(str)) {
		return nil
	}
	return Invalid(name, v, "String must be one of (case insensitive): "+strings.Join(s.upper, ", "))
}

func (s validStringFold) String() string {
	return "(case insensitive) [" + strings.Join(s.upper, ", ") + "]"
}

// javaHashSetOrder returns the distinct strings in the order a
// java.util.HashSet built from them (in this order, default capacity and
// load factor) iterates: by bucket of the spread String.hashCode, then by
// insertion within a bucket. Sets that small never become trees.
func javaHashSetOrder(in []string) []string {
	var uniq []string
	for _, s := range in {
		if !contains(uniq, s) {
			uniq = append(uniq, s)
		}
	}
	capacity := 16
	for float64(len(uniq)) > 0.75*float64(capacity) {
		capacity *= 2
	}
	bucket := func(s string) int {
		var h int32
		for _, u := range utf16.Encode([]rune(s)) {
			h = 31*h + int32(u)
		}
		spread := uint32(h) ^ (uint32(h) >> 16)
		return int(spread & uint32(capacity-1))
	}
	out := append([]string(nil), uniq...)
	sort.SliceStable(out, func(i, j int) bool { return bucket(out[i]) < bucket(out[j]) })
	return out
}

// ListSizeAtMost accepts lists of at most max elements (Java's
// ListSize.atMostOfSize).
func ListSizeAtMost(max int) Validator { return listSize{max: max} }

type listSize struct{ max int }

func (l listSize) Validate(name string, v any) error {
	if list, ok := v.([]string); ok && len(list) > l.max {
		return Invalid(name, v, fmt.Sprintf("exceeds maximum list size of [%d].", l.max))
	}
	return nil
}

func (l listSize) String() string {
	return fmt.Sprintf("List containing maximum of %d elements", l.max)
}

// ListOf accepts lists whose every element is one of valid.
func ListOf(valid ...string) Validator { return validList{validString{valid}} }

type validList struct{ s validString }

func (l validList) Validate(name string, v any) error {
	list, _ := v.([]string)
	for _, e := range list {
		if err := l.s.Validate(name, e); err != nil {
			return err
		}
	}
	return nil
}

func (l validList) String() string { return l.s.String() }

// NonEmptyString rejects "" ("String must be non-empty"); null passes.
func NonEmptyString() Validator { return nonEmptyString{} }

type nonEmptyString struct{}

func (nonEmptyString) Validate(name string, v any) error {
	if s, ok := v.(string); ok && s == "" {
		return Invalid(name, v, "String must be non-empty")
	}
	return nil
}

func (nonEmptyString) String() string { return "non-empty string" }

// NonNull rejects a null value.
func NonNull() Validator { return nonNull{} }

type nonNull struct{}

func (nonNull) Validate(name string, v any) error {
	if v == nil {
		return Invalid(name, "null", "entry must be non null")
	}
	return nil
}

func (nonNull) String() string { return "non-null string" }

// NonEmptyStringWithoutControlChars rejects empty strings and strings holding
// ISO control characters (the rule for connector names). Null passes, as in
// Java: a missing name is reported by the required-key check instead.
func NonEmptyStringWithoutControlChars() Validator { return nonEmptyNoControl{} }

type nonEmptyNoControl struct{}

func (nonEmptyNoControl) Validate(name string, v any) error {
	if v == nil {
		return nil
	}
	s, _ := v.(string)
	if s == "" {
		return Invalid(name, v, "String may not be empty")
	}
	var bad []string
	for _, r := range s {
		if unicode.IsControl(r) { // U+0000-001F and U+007F-009F, as Character.isISOControl
			bad = append(bad, fmt.Sprint(int(r)))
		}
	}
	if len(bad) > 0 {
		return Invalid(name, v, "String may not contain control sequences but had the following ASCII chars: "+strings.Join(bad, ", "))
	}
	return nil
}

func (nonEmptyNoControl) String() string { return "non-empty string without ISO control characters" }

// Regex accepts strings that compile as regular expressions. Go's RE2 syntax
// differs from Java's in rare constructs (backreferences, lookaround), which
// are refused here with the compiler's message.
func Regex() Validator {
	return ValidatorFunc(func(name string, v any) error {
		s, _ := v.(string)
		if _, err := regexp.Compile(s); err != nil {
			return Invalid(name, v, "Invalid regex: "+err.Error())
		}
		return nil
	})
}

// All runs validators in order and returns the first error (Java's
// CompositeValidator).
func All(vs ...Validator) Validator { return all(vs) }

type all []Validator

func (a all) Validate(name string, v any) error {
	for _, val := range a {
		if err := val.Validate(name, v); err != nil {
			return err
		}
	}
	return nil
}

func (a all) String() string {
	parts := make([]string, len(a))
	for i, v := range a {
		parts[i] = describe(v)
	}
	return strings.Join(parts, ", ")
}
