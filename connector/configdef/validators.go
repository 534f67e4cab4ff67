package configdef

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// AtLeast accepts numbers >= min ("Value must be at least <min>").
func AtLeast(min float64) Validator { return rangeValidator{min: &min} }

// Between accepts numbers in [min, max].
func Between(min, max float64) Validator { return rangeValidator{min: &min, max: &max} }

type rangeValidator struct{ min, max *float64 }

func (r rangeValidator) Validate(name string, v any) error {
	if v == nil {
		return Invalid(name, nil, "Value must be non-null")
	}
	f, ok := toFloat(v)
	if !ok {
		return Invalid(name, v, "Value must be a number")
	}
	if r.min != nil && f < *r.min {
		return Invalid(name, v, "Value must be at least "+fmtNum(*r.min))
	}
	if r.max != nil && f > *r.max {
		return Invalid(name, v, "Value must be no more than "+fmtNum(*r.max))
	}
	return nil
}

func (r rangeValidator) String() string {
	switch {
	case r.min == nil && r.max == nil:
		return "[...]"
	case r.min == nil:
		return "[...," + fmtNum(*r.max) + "]"
	case r.max == nil:
		return "[" + fmtNum(*r.min) + ",...]"
	}
	return "[" + fmtNum(*r.min) + ",...," + fmtNum(*r.max) + "]"
}

func fmtNum(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprint(int64(f))
	}
	return fmt.Sprint(f)
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
// CaseInsensitiveValidString).
func OneOfFold(valid ...string) Validator { return validStringFold{valid: valid} }

type validStringFold struct{ valid []string }

func (s validStringFold) Validate(name string, v any) error {
	str, _ := v.(string)
	if v != nil {
		for _, ok := range s.valid {
			if strings.EqualFold(ok, str) {
				return nil
			}
		}
	}
	upper := make([]string, len(s.valid))
	for i, x := range s.valid {
		upper[i] = strings.ToUpper(x)
	}
	return Invalid(name, v, "String must be one of (case insensitive): "+strings.Join(upper, ", "))
}

func (s validStringFold) String() string {
	return "(case insensitive) [" + strings.Join(s.valid, ", ") + "]"
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

// NonEmptyString rejects "" ("String must be non-empty").
func NonEmptyString() Validator {
	return ValidatorFunc(func(name string, v any) error {
		if s, ok := v.(string); ok && s == "" {
			return Invalid(name, v, "String must be non-empty")
		}
		return nil
	})
}

// NonNull rejects a null value.
func NonNull() Validator {
	return ValidatorFunc(func(name string, v any) error {
		if v == nil {
			return Invalid(name, "null", "entry must be non null")
		}
		return nil
	})
}

// NonEmptyStringWithoutControlChars rejects empty strings and strings holding
// ISO control characters (the rule for connector names).
func NonEmptyStringWithoutControlChars() Validator {
	return ValidatorFunc(func(name string, v any) error {
		s, _ := v.(string)
		if v == nil || s == "" {
			return Invalid(name, v, "String may not be empty")
		}
		var bad []string
		for _, r := range s {
			if unicode.IsControl(r) {
				bad = append(bad, fmt.Sprint(int(r)))
			}
		}
		if len(bad) > 0 {
			return Invalid(name, v, "String may not contain control sequences but had the following ASCII chars: "+strings.Join(bad, ", "))
		}
		return nil
	})
}

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

// All runs validators in order and returns the first error.
func All(vs ...Validator) Validator {
	return ValidatorFunc(func(name string, v any) error {
		for _, val := range vs {
			if err := val.Validate(name, v); err != nil {
				return err
			}
		}
		return nil
	})
}
