package configdef

import (
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
)

// Type is the type of a config key.
type Type uint8

// The ConfigDef types.
const (
	TypeBoolean Type = iota + 1
	TypeString
	TypeInt
	TypeShort
	TypeLong
	TypeDouble
	TypeList
	TypeClass
	TypePassword
)

var typeNames = [...]string{
	TypeBoolean: "BOOLEAN", TypeString: "STRING", TypeInt: "INT", TypeShort: "SHORT", TypeLong: "LONG",
	TypeDouble: "DOUBLE", TypeList: "LIST", TypeClass: "CLASS", TypePassword: "PASSWORD",
}

func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// Importance tells users which keys to look at first.
type Importance uint8

// The importance levels.
const (
	High Importance = iota + 1
	Medium
	Low
)

func (i Importance) String() string {
	switch i {
	case High:
		return "HIGH"
	case Medium:
		return "MEDIUM"
	case Low:
		return "LOW"
	}
	return "LOW"
}

// Width is the display width hint of Kafka's ConfigDef.
type Width uint8

// The width hints; the zero value is NONE.
const (
	WidthNone Width = iota
	WidthShort
	WidthMedium
	WidthLong
)

func (w Width) String() string {
	switch w {
	case WidthShort:
		return "SHORT"
	case WidthMedium:
		return "MEDIUM"
	case WidthLong:
		return "LONG"
	}
	return "NONE"
}

// Password is the value of a PASSWORD key. Every way of printing it shows
// "[hidden]": fmt with any verb (it is a fmt.Formatter), slog (LogValuer),
// encoding/json and encoding.TextMarshaler users. Only Value reveals it.
//
// The secret sits behind a *string so that even a Password held in an
// unexported struct field, which fmt prints without calling its methods,
// shows as an address rather than as the secret (fmt dereferences pointers
// to structs, slices and maps, never pointers to strings). The zero value is
// an empty password.
type Password struct{ p *string }

// NewPassword wraps a password.
func NewPassword(v string) Password { return Password{p: &v} }

// Value returns the password itself.
func (p Password) Value() string {
	if p.p == nil {
		return ""
	}
	return *p.p
}

// IsEmpty reports whether the password is empty.
func (p Password) IsEmpty() bool { return p.Value() == "" }

// Equal reports whether two passwords hold the same secret (Java's
// Password.equals); == compares identity, not the secret.
func (p Password) Equal(o Password) bool { return p.Value() == o.Value() }

const hidden = "[hidden]"

func (p Password) String() string { return hidden }

// GoString hides the value from %#v.
func (p Password) GoString() string { return hidden }

// Format hides the value from every fmt verb, including those (%d, %x, ...)
// for which fmt would not call String.
func (p Password) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprint(f, strconv.Quote(hidden))
		return
	}
	fmt.Fprint(f, hidden)
}

// LogValue hides the value from slog.
func (p Password) LogValue() slog.Value { return slog.StringValue(hidden) }

// MarshalJSON hides the value from encoding/json.
func (p Password) MarshalJSON() ([]byte, error) { return []byte(`"` + hidden + `"`), nil }

// MarshalText hides the value from text encoders (and from JSON map keys).
func (p Password) MarshalText() ([]byte, error) { return []byte(hidden), nil }

// Error is a configuration error: Kafka's ConfigException. When Name is set
// the message reads "Invalid value <value> for configuration <name>: <reason>".
type Error struct {
	Name    string
	Value   any  // the offending value, raw or parsed
	HasVal  bool // Value was given (a nil Value prints as "null")
	Message string
}

func (e *Error) Error() string {
	if e.Name == "" {
		return e.Message
	}
	var b strings.Builder
	b.WriteString("Invalid value ")
	b.WriteString(formatValue(e.Value))
	b.WriteString(" for configuration ")
	b.WriteString(e.Name)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Invalid returns the error "Invalid value <value> for configuration <name>: <msg>".
func Invalid(name string, value any, msg string) *Error {
	return &Error{Name: name, Value: value, HasVal: true, Message: msg}
}

// Errorf returns a configuration error whose whole message is given.
func Errorf(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// formatValue prints a value as Java's toString would inside a message.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	case Password:
		return hidden
	case float64:
		return formatDouble(x)
	}
	return fmt.Sprint(v)
}

// FormatValue renders a parsed value as ConfigDef.convertToString does: lists
// comma-joined, passwords as "[hidden]", nil as "" with ok false.
func FormatValue(v any) (s string, ok bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case []string:
		return strings.Join(x, ","), true
	case Password:
		return hidden, true
	case float64:
		return formatDouble(x), true
	}
	return fmt.Sprint(v), true
}

// formatDouble prints a float64 as Java's Double.toString does: plain
// decimal with at least one fractional digit for magnitudes in [1e-3, 1e7),
// otherwise computerized scientific notation ("1.0E7", "1.5E-4"), with the
// shortest digits that identify the value (the JDK 19+ algorithm; older JDKs
// sometimes printed more digits).
func formatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	n, _ := strconv.Atoi(exp) // "+07" -> 7, "-05" -> -5
	return mant + "E" + strconv.Itoa(n)
}
