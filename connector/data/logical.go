package data

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Names of the logical types, as Java writes them in schemas.
const (
	DecimalName   = "org.apache.kafka.connect.data.Decimal"
	DateName      = "org.apache.kafka.connect.data.Date"
	TimeName      = "org.apache.kafka.connect.data.Time"
	TimestampName = "org.apache.kafka.connect.data.Timestamp"

	// DecimalScaleParam is the Decimal schema parameter holding the scale.
	DecimalScaleParam = "scale"
)

const millisPerDay = 24 * 60 * 60 * 1000

// Decimal is an arbitrary-precision decimal number, unscaled × 10^-scale,
// the Go value of the Decimal logical type (Java's BigDecimal).
type Decimal struct {
	Unscaled *big.Int
	Scale    int32
}

// NewDecimal returns unscaled × 10^-scale.
func NewDecimal(unscaled int64, scale int32) Decimal {
	return Decimal{Unscaled: big.NewInt(unscaled), Scale: scale}
}

// ParseDecimal parses a decimal string the way Java's new BigDecimal(String)
// does: an optional sign, digits with an optional point, an optional exponent.
// The scale is the number of digits after the point minus the exponent.
func ParseDecimal(s string) (Decimal, error) {
	mant, exp := s, int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.ParseInt(s[i+1:], 10, 32)
		if err != nil {
			return Decimal{}, Errorf("Invalid decimal %q", s)
		}
		mant, exp = s[:i], e
	}
	scale := int64(0)
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		scale = int64(len(mant) - i - 1)
		mant = mant[:i] + mant[i+1:]
	}
	digits := strings.TrimLeft(mant, "+-")
	if digits == "" || strings.Trim(digits, "0123456789") != "" || len(mant)-len(digits) > 1 {
		return Decimal{}, Errorf("Invalid decimal %q", s)
	}
	u, ok := new(big.Int).SetString(mant, 10)
	if !ok {
		return Decimal{}, Errorf("Invalid decimal %q", s)
	}
	scale -= exp
	if scale > 1<<31-1 || scale < -1<<31 {
		return Decimal{}, Errorf("Invalid decimal %q: scale out of range", s)
	}
	return Decimal{Unscaled: u, Scale: int32(scale)}, nil
}

// Equal reports whether d and o have the same unscaled value and scale, as
// Java's BigDecimal.equals does (1.0 and 1.00 differ).
func (d Decimal) Equal(o Decimal) bool {
	return d.Scale == o.Scale && d.unscaled().Cmp(o.unscaled()) == 0
}

func (d Decimal) unscaled() *big.Int {
	if d.Unscaled == nil {
		return new(big.Int)
	}
	return d.Unscaled
}

// Rat returns the exact value as a big.Rat.
func (d Decimal) Rat() *big.Rat {
	r := new(big.Rat).SetInt(d.unscaled())
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(d.Scale))), nil)
	if d.Scale >= 0 {
		return r.Quo(r, new(big.Rat).SetInt(p))
	}
	return r.Mul(r, new(big.Rat).SetInt(p))
}

// Float64 returns the nearest float64, as Java's BigDecimal.doubleValue
// (zero is always positive; a value beyond the float64 range is an infinity).
func (d Decimal) Float64() float64 {
	u := d.unscaled()
	if u.Sign() == 0 {
		return 0
	}
	f, _ := strconv.ParseFloat(u.String()+"e"+strconv.FormatInt(-int64(d.Scale), 10), 64)
	return f
}

func abs32(v int32) int64 {
	if v < 0 {
		return -int64(v)
	}
	return int64(v)
}

// String formats d as Java's BigDecimal.toString: plain notation when the
// scale is not negative and the adjusted exponent is at least -6, otherwise
// scientific notation (1.23E+5, 1E-7).
func (d Decimal) String() string {
	u := d.unscaled()
	digits := new(big.Int).Abs(u).String()
	sign := ""
	if u.Sign() < 0 {
		sign = "-"
	}
	scale := int64(d.Scale)
	adjusted := -scale + int64(len(digits)-1)
	if scale >= 0 && adjusted >= -6 {
		if scale == 0 {
			return sign + digits
		}
		if int64(len(digits)) > scale {
			p := int64(len(digits)) - scale
			return sign + digits[:p] + "." + digits[p:]
		}
		return sign + "0." + strings.Repeat("0", int(scale-int64(len(digits)))) + digits
	}
	var b strings.Builder
	b.WriteString(sign)
	b.WriteString(digits[:1])
	if len(digits) > 1 {
		b.WriteByte('.')
		b.WriteString(digits[1:])
	}
	b.WriteByte('E')
	if adjusted >= 0 {
		b.WriteByte('+')
	}
	b.WriteString(strconv.FormatInt(adjusted, 10))
	return b.String()
}

// DecimalBuilder starts a Decimal schema of the given scale.
func DecimalBuilder(scale int32) *Builder {
	return NewBuilder(TypeBytes).Name(DecimalName).Version(1).
		Param(DecimalScaleParam, strconv.Itoa(int(scale)))
}

// DecimalSchema returns a required Decimal schema of the given scale.
func DecimalSchema(scale int32) *Schema { return DecimalBuilder(scale).MustBuild() }

// DecimalScale reads the scale parameter of a Decimal schema.
func DecimalScale(s *Schema) (int32, error) {
	v, ok := s.Param(DecimalScaleParam)
	if !ok {
		return 0, Errorf("Invalid Decimal schema: scale parameter not found.")
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, &Error{Msg: "Invalid scale parameter found in Decimal schema: ",
			Err: fmt.Errorf("For input string: %q", v)}
	}
	return int32(n), nil
}

// DecimalToBytes encodes d as the Decimal logical type does: the unscaled
// value as big-endian two's complement bytes (Java's BigInteger.toByteArray).
// The value's scale must equal the schema's.
func DecimalToBytes(s *Schema, d Decimal) ([]byte, error) {
	scale, err := DecimalScale(s)
	if err != nil {
		return nil, err
	}
	if d.Scale != scale {
		return nil, Errorf("Decimal value has mismatching scale for given Decimal schema. "+
			"Schema has scale %d, value has scale %d.", scale, d.Scale)
	}
	return TwosComplement(d.unscaled()), nil
}

// DecimalFromBytes decodes the Decimal logical type's bytes. Empty bytes are
// an error, as Java's BigInteger refuses them.
func DecimalFromBytes(s *Schema, b []byte) (Decimal, error) {
	scale, err := DecimalScale(s)
	if err != nil {
		return Decimal{}, err
	}
	if len(b) == 0 {
		return Decimal{}, Errorf("Zero length BigInteger")
	}
	return Decimal{Unscaled: FromTwosComplement(b), Scale: scale}, nil
}

// TwosComplement returns the minimal big-endian two's complement bytes of v,
// as Java's BigInteger.toByteArray.
func TwosComplement(v *big.Int) []byte {
	if v.Sign() >= 0 {
		b := v.Bytes()
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// -v - 1 has the complement bits of v.
	m := new(big.Int).Neg(v)
	m.Sub(m, big.NewInt(1))
	b := m.Bytes()
	for i := range b {
		b[i] = ^b[i]
	}
	if len(b) == 0 || b[0]&0x80 == 0 {
		b = append([]byte{0xff}, b...)
	}
	return b
}

// FromTwosComplement is the inverse of TwosComplement.
func FromTwosComplement(b []byte) *big.Int {
	v := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(len(b)*8)))
	}
	return v
}

// DateBuilder starts a Date schema: INT32 days since the epoch.
func DateBuilder() *Builder { return NewBuilder(TypeInt32).Name(DateName).Version(1) }

// TimeBuilder starts a Time schema: INT32 milliseconds since midnight.
func TimeBuilder() *Builder { return NewBuilder(TypeInt32).Name(TimeName).Version(1) }

// TimestampBuilder starts a Timestamp schema: INT64 milliseconds since the epoch.
func TimestampBuilder() *Builder { return NewBuilder(TypeInt64).Name(TimestampName).Version(1) }

// The predefined required logical schemas.
var (
	DateSchema      = DateBuilder().MustBuild()
	TimeSchema      = TimeBuilder().MustBuild()
	TimestampSchema = TimestampBuilder().MustBuild()
)

// DateToDays encodes a Date value; it must be a UTC midnight.
func DateToDays(t time.Time) (int32, error) {
	ms := t.UnixMilli()
	if ms%millisPerDay != 0 {
		return 0, Errorf("Kafka Connect Date type should not have any time fields set to non-zero values.")
	}
	return int32(ms / millisPerDay), nil
}

// DateFromDays decodes a Date value.
func DateFromDays(days int32) time.Time {
	return time.UnixMilli(int64(days) * millisPerDay).UTC()
}

// TimeToMillis encodes a Time value; it must fall on 1970-01-01 UTC.
func TimeToMillis(t time.Time) (int32, error) {
	ms := t.UnixMilli()
	if ms < 0 || ms > millisPerDay {
		return 0, Errorf("Kafka Connect Time type should not have any date fields set to non-zero values.")
	}
	return int32(ms), nil
}

// TimeFromMillis decodes a Time value.
func TimeFromMillis(ms int32) time.Time { return time.UnixMilli(int64(ms)).UTC() }

// TimeFromMillisChecked decodes a Time value and refuses milliseconds outside
// one day, as Java's Time.toLogical does.
func TimeFromMillisChecked(ms int32) (time.Time, error) {
	if ms < 0 || ms > millisPerDay {
		return time.Time{}, Errorf("Time values must use number of milliseconds greater than 0 and less than 86400000")
	}
	return TimeFromMillis(ms), nil
}

// TimestampToMillis encodes a Timestamp value.
func TimestampToMillis(t time.Time) int64 { return t.UnixMilli() }

// TimestampFromMillis decodes a Timestamp value.
func TimestampFromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
