package configdef

import (
	"reflect"
	"testing"
)

// TestParseTypeTable shows, case by case, the rules the oracle file pins
// in bulk: Java's trimming, number syntax, booleans and LIST splitting.
func TestParseTypeTable(t *testing.T) {
	cases := []struct {
		name string
		typ  Type
		in   string
		want any    // when err is ""
		err  string // Kafka's message for configuration "k"
	}{
		{"bool trimmed and case-insensitive", TypeBoolean, " TRUE\t", true, ""},
		{"bool yes is not a bool", TypeBoolean, "yes", nil, "Invalid value yes for configuration k: Expected value to be either true or false"},
		{"bool empty", TypeBoolean, "", nil, "Invalid value  for configuration k: Expected value to be either true or false"},
		{"int with plus", TypeInt, "+7", int32(7), ""},
		{"int trimmed", TypeInt, " 42 \n", int32(42), ""},
		{"int control chars trimmed as Java", TypeInt, "\x017\x01", int32(7), ""},
		{"int no-break space is not trimmed", TypeInt, "\u00a07", nil, "Invalid value \u00a07 for configuration k: Not a number of type INT"},
		{"int overflow", TypeInt, "2147483648", nil, "Invalid value 2147483648 for configuration k: Not a number of type INT"},
		{"int underscore", TypeInt, "1_000", nil, "Invalid value 1_000 for configuration k: Not a number of type INT"},
		{"int hex", TypeInt, "0x10", nil, "Invalid value 0x10 for configuration k: Not a number of type INT"},
		{"short overflow", TypeShort, "32768", nil, "Invalid value 32768 for configuration k: Not a number of type SHORT"},
		{"long", TypeLong, "9223372036854775807", int64(9223372036854775807), ""},
		{"long abc", TypeLong, "abc", nil, "Invalid value abc for configuration k: Not a number of type LONG"},
		{"double suffix", TypeDouble, "1.5f", 1.5, ""},
		{"double exponent", TypeDouble, "1e3", 1000.0, ""},
		{"double hex", TypeDouble, "0x1p3", 8.0, ""},
		{"double lower-case inf is not Java", TypeDouble, "inf", nil, "Invalid value inf for configuration k: Not a number of type DOUBLE"},
		{"double overflow is infinity", TypeDouble, "1e400", nil, ""},
		{"string trimmed", TypeString, "  a b  ", "a b", ""},
		{"class trimmed", TypeClass, " org.Foo ", "org.Foo", ""},
		{"list", TypeList, "a , b", []string{"a", "b"}, ""},
		{"list empty", TypeList, "  ", []string{}, ""},
		{"list keeps trailing empty", TypeList, "a,b,", []string{"a", "b", ""}, ""},
		{"list keeps leading empty", TypeList, ",a", []string{"", "a"}, ""},
		{"list vertical tab is blank", TypeList, "a\x0B,b", []string{"a", "b"}, ""},
		{"list semicolons are not separators", TypeList, "a;b", []string{"a;b"}, ""},
	}
	for _, c := range cases {
		got, err := ParseType("k", c.in, c.typ)
		switch {
		case c.err != "":
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: ParseType(%q) = %v, %v; want error %q", c.name, c.in, got, err, c.err)
			}
		case err != nil:
			t.Errorf("%s: ParseType(%q): %v", c.name, c.in, err)
		case c.want != nil && !reflect.DeepEqual(got, c.want):
			t.Errorf("%s: ParseType(%q) = %#v, want %#v", c.name, c.in, got, c.want)
		}
	}
	if f, _ := ParseType("k", "1e400", TypeDouble); f.(float64) <= 1e308 {
		t.Errorf("1e400 parsed as %v, want +Inf", f)
	}
	if p, _ := ParseType("k", " pw ", TypePassword); p.(Password).Value() != "pw" {
		t.Error("password not trimmed")
	}
}
