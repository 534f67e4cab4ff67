package data

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file renders values the way the Java worker prints them, because the
// text ends up in records (StringConverter, SimpleHeaderConverter, JSON
// numbers) and in error messages that users compare across workers.

// AppendFloat64 appends f as Java's Double.toString renders it: "1.0",
// "100.0", "0.001", "1.0E10", "1.0E-5", "NaN", "Infinity". The digits are the
// shortest that read back as f, chosen as JDK 19 and later choose them (JDK
// 17's older algorithm sometimes prints one digit more, e.g. 1.0E23 as
// 9.999999999999999E22; both read back as the same double).
func AppendFloat64(dst []byte, f float64) []byte { return appendJavaFloat(dst, f, 64) }

// AppendFloat32 appends f as Java's Float.toString renders it.
func AppendFloat32(dst []byte, f float32) []byte { return appendJavaFloat(dst, float64(f), 32) }

// FormatFloat64 returns f as Java's Double.toString renders it.
func FormatFloat64(f float64) string { return string(AppendFloat64(nil, f)) }

// FormatFloat32 returns f as Java's Float.toString renders it.
func FormatFloat32(f float32) string { return string(AppendFloat32(nil, f)) }

func appendJavaFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	var buf [32]byte
	digits, exp := shortestDigits(buf[:0], f, bits)
	if f >= 1e-3 && f < 1e7 {
		// Plain notation with at least one digit after the point.
		if exp >= 0 {
			if len(digits) <= exp+1 {
				dst = append(dst, digits...)
				for i := len(digits); i <= exp; i++ {
					dst = append(dst, '0')
				}
				return append(dst, '.', '0')
			}
			dst = append(dst, digits[:exp+1]...)
			dst = append(dst, '.')
			return append(dst, digits[exp+1:]...)
		}
		dst = append(dst, '0', '.')
		for i := -1; i > exp; i-- {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	// Computerized scientific notation: d.ddd E exponent.
	dst = append(dst, digits[0], '.')
	if len(digits) > 1 {
		dst = append(dst, digits[1:]...)
	} else {
		dst = append(dst, '0')
	}
	dst = append(dst, 'E')
	return strconv.AppendInt(dst, int64(exp), 10)
}

// shortestDigits returns the significant decimal digits of f > 0 (no
// trailing zeros) and the decimal exponent of the first digit. It follows the
// JDK 19+ rule: the shortest decimal that reads back as f; when that has one
// digit, the closest decimal of one or two digits. The two can differ only
// for subnormal numbers, where precision is low.
func shortestDigits(buf []byte, f float64, bits int) ([]byte, int) {
	s := strconv.AppendFloat(buf, f, 'e', -1, bits)
	digits, exp := splitE(s)
	subnormal := bits == 64 && f < 0x1p-1022 || bits == 32 && f < 0x1p-126
	if len(digits) == 1 && subnormal {
		var buf2 [32]byte
		s2 := strconv.AppendFloat(buf2[:0], f, 'e', 1, bits)
		g, err := strconv.ParseFloat(string(s2), bits)
		d2, e2 := splitE(s2)
		if err == nil && g == f && !(e2 == exp && len(d2) == 1 && d2[0] == digits[0]) {
			n := copy(s, d2)
			digits, exp = s[:n], e2
		}
	}
	return digits, exp
}

// splitE splits "d.ddde±xx" into its digits (trailing zeros removed, the
// point squeezed out in place) and exponent.
func splitE(s []byte) ([]byte, int) {
	e := len(s) - 1
	for s[e] != 'e' {
		e--
	}
	exp, neg := 0, false
	for _, c := range s[e+1:] {
		switch {
		case c == '-':
			neg = true
		case c >= '0' && c <= '9':
			exp = exp*10 + int(c-'0')
		}
	}
	if neg {
		exp = -exp
	}
	d := s[:e]
	if len(d) > 1 && d[1] == '.' {
		copy(d[1:], d[2:])
		d = d[:len(d)-1]
	}
	for len(d) > 1 && d[len(d)-1] == '0' {
		d = d[:len(d)-1]
	}
	return d, exp
}

// JavaClass names the Java class a Java worker would hold for a Go value of
// the Connect data model (java.lang.Integer for int32, java.util.HashMap for
// maps, [B for []byte), for error messages that read as Java's do. Values
// outside the model are named by their Go type.
func JavaClass(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case int8:
		return "java.lang.Byte"
	case int16:
		return "java.lang.Short"
	case int32:
		return "java.lang.Integer"
	case int64:
		return "java.lang.Long"
	case float32:
		return "java.lang.Float"
	case float64:
		return "java.lang.Double"
	case bool:
		return "java.lang.Boolean"
	case string:
		return "java.lang.String"
	case []byte:
		return "[B"
	case []any:
		return "java.util.ArrayList"
	case map[string]any, map[any]any:
		return "java.util.HashMap"
	case *Struct:
		return "org.apache.kafka.connect.data.Struct"
	case Decimal:
		return "java.math.BigDecimal"
	case time.Time:
		return "java.util.Date"
	}
	return fmt.Sprintf("%T", v)
}

// JavaString renders a value as Java's String.valueOf does for the Java
// counterpart of v: numbers as Java prints them, lists as "[1, 2]", maps as
// "{a=1, b=x}" (in Java HashMap order), structs as "Struct{a=1,b=x}",
// decimals as BigDecimal.toString, dates as java.util.Date.toString in UTC
// ("Mon May 19 00:00:00 UTC 1997"). StringConverter writes this text.
//
// A []byte has no meaningful Java text (Java prints "[B@" and an identity
// hash code); it is rendered as "[B@" and a hash of its content, so the shape
// matches and the text is at least stable.
func JavaString(v any) string {
	var b strings.Builder
	writeJavaString(&b, v)
	return b.String()
}

func writeJavaString(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case int8:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int16:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int32:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float32:
		b.Write(AppendFloat32(nil, x))
	case float64:
		b.Write(AppendFloat64(nil, x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		b.WriteString(x)
	case []byte:
		fmt.Fprintf(b, "[B@%x", contentHash(x))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJavaString(b, e)
		}
		b.WriteByte(']')
	case map[string]any, map[any]any:
		b.WriteByte('{')
		for i, e := range JavaMapEntries(x) {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJavaString(b, e.Key)
			b.WriteByte('=')
			writeJavaString(b, e.Value)
		}
		b.WriteByte('}')
	case *Struct:
		b.WriteString(x.String())
	case Decimal:
		b.WriteString(x.String())
	case time.Time:
		b.WriteString(javaDateString(x))
	default:
		fmt.Fprint(b, v)
	}
}

// contentHash is Java's Arrays.hashCode(byte[]).
func contentHash(p []byte) uint32 {
	h := int32(1)
	for _, c := range p {
		h = 31*h + int32(int8(c))
	}
	return uint32(h)
}

var javaDays = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
var javaMonths = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// javaDateString is java.util.Date.toString in UTC: "EEE MMM dd HH:mm:ss zzz yyyy".
func javaDateString(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%s %s %02d %02d:%02d:%02d UTC %d", javaDays[t.Weekday()], javaMonths[t.Month()-1],
		t.Day(), t.Hour(), t.Minute(), t.Second(), t.Year())
}

// MapEntry is one entry of a MAP value.
type MapEntry struct {
	Key, Value any
}

// JavaMapEntries returns the entries of a MAP value in the order a Java
// HashMap filled with the same entries iterates them, so that text and JSON
// written from Go maps come out as a Java worker writes them and are stable
// from one call to the next. Entries that Java would keep in one hash bucket
// are ordered by their key's text (Java keeps insertion order there, which a
// Go map does not have). It returns nil for values that are not maps.
func JavaMapEntries(m any) []MapEntry {
	var out []MapEntry
	switch x := m.(type) {
	case map[string]any:
		out = make([]MapEntry, 0, len(x))
		for k, v := range x {
			out = append(out, MapEntry{k, v})
		}
	case map[any]any:
		out = make([]MapEntry, 0, len(x))
		for k, v := range x {
			out = append(out, MapEntry{k, v})
		}
	default:
		return nil
	}
	if len(out) < 2 {
		return out
	}
	mask := javaTableMask(len(out))
	type keyed struct {
		bucket uint32
		text   string
		e      MapEntry
	}
	ks := make([]keyed, len(out))
	for i, e := range out {
		ks[i] = keyed{bucket: javaSpread(JavaHashCode(e.Key)) & mask, e: e}
		if s, ok := e.Key.(string); ok {
			ks[i].text = s
		} else {
			ks[i].text = JavaString(e.Key)
		}
	}
	sortKeyed(ks, func(a, b keyed) bool {
		if a.bucket != b.bucket {
			return a.bucket < b.bucket
		}
		return a.text < b.text
	})
	for i := range ks {
		out[i] = ks[i].e
	}
	return out
}

// JavaOrderStrings sorts string map keys into Java HashMap iteration order
// (see JavaMapEntries). scratch is reused to avoid allocation; the sorted
// keys are returned in keys itself.
func JavaOrderStrings(keys []string, scratch []uint32) []uint32 {
	if len(keys) < 2 {
		return scratch
	}
	mask := javaTableMask(len(keys))
	scratch = scratch[:0]
	for _, k := range keys {
		scratch = append(scratch, javaSpread(javaStringHash(k))&mask)
	}
	// Insertion sort: maps in records are small, and this does not allocate.
	for i := 1; i < len(keys); i++ {
		b, k := scratch[i], keys[i]
		j := i
		for j > 0 && (scratch[j-1] > b || scratch[j-1] == b && keys[j-1] > k) {
			scratch[j], keys[j] = scratch[j-1], keys[j-1]
			j--
		}
		scratch[j], keys[j] = b, k
	}
	return scratch
}

func sortKeyed[T any](s []T, less func(a, b T) bool) {
	for i := 1; i < len(s); i++ {
		x := s[i]
		j := i
		for j > 0 && less(x, s[j-1]) {
			s[j] = s[j-1]
			j--
		}
		s[j] = x
	}
}

// JavaBucket returns the bucket of a java.util.HashMap of n entries (filled
// one put at a time) that holds a key of the given hash code; a HashMap
// iterates its buckets in order. See JavaMapEntries.
func JavaBucket(hashCode int32, n int) uint32 { return javaSpread(hashCode) & javaTableMask(n) }

// JavaStringHashCode is Java's String.hashCode of s (over its UTF-16 code units).
func JavaStringHashCode(s string) int32 { return javaStringHash(s) }

// javaTableMask is the bucket mask of a java.util.HashMap that received n
// entries one put at a time: the table starts at 16 buckets and doubles
// whenever the size exceeds three quarters of it.
func javaTableMask(n int) uint32 {
	c := 16
	for n > c/4*3 {
		c *= 2
	}
	return uint32(c - 1)
}

// javaSpread is HashMap.hash: the high half of the hash code folded into the low.
func javaSpread(h int32) uint32 {
	u := uint32(h)
	return u ^ u>>16
}

// JavaHashCode returns the hashCode Java computes for the Java counterpart
// of a Connect value, for the types that have a value-based hash code
// (numbers, booleans, strings, decimals, dates, lists, maps). Others hash to 0.
func JavaHashCode(v any) int32 {
	switch x := v.(type) {
	case nil:
		return 0
	case int8:
		return int32(x)
	case int16:
		return int32(x)
	case int32:
		return x
	case int64:
		return int32(x ^ int64(uint64(x)>>32))
	case float32:
		if x != x {
			return 0x7fc00000
		}
		return int32(math.Float32bits(x))
	case float64:
		bits := math.Float64bits(x)
		if x != x {
			bits = 0x7ff8000000000000
		}
		return int32(bits ^ bits>>32)
	case bool:
		if x {
			return 1231
		}
		return 1237
	case string:
		return javaStringHash(x)
	case Decimal:
		return 31*bigIntegerHash(x.unscaled()) + x.Scale
	case time.Time:
		ms := x.UnixMilli()
		return int32(ms ^ int64(uint64(ms)>>32))
	case []any:
		h := int32(1)
		for _, e := range x {
			h = 31*h + JavaHashCode(e)
		}
		return h
	case map[string]any:
		var h int32
		for k, e := range x {
			h += javaStringHash(k) ^ JavaHashCode(e)
		}
		return h
	case map[any]any:
		var h int32
		for k, e := range x {
			h += JavaHashCode(k) ^ JavaHashCode(e)
		}
		return h
	}
	return 0
}

// javaStringHash is String.hashCode over the UTF-16 code units of s.
func javaStringHash(s string) int32 {
	var h int32
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			h = 31*h + int32(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r >= 0x10000 {
			r -= 0x10000
			h = 31*h + int32(0xd800+(r>>10))
			h = 31*h + int32(0xdc00+(r&0x3ff))
			continue
		}
		h = 31*h + int32(r)
	}
	return h
}

// bigIntegerHash is BigInteger.hashCode: over the 32-bit words of the
// magnitude, most significant first, times the sign.
func bigIntegerHash(v *big.Int) int32 {
	mag := new(big.Int).Abs(v).Bytes()
	var h int32
	for len(mag)%4 != 0 {
		mag = append([]byte{0}, mag...)
	}
	for i := 0; i < len(mag); i += 4 {
		w := uint32(mag[i])<<24 | uint32(mag[i+1])<<16 | uint32(mag[i+2])<<8 | uint32(mag[i+3])
		h = 31*h + int32(w)
	}
	return h * int32(v.Sign())
}
