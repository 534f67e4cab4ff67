package converter

import (
	"fmt"
	"math"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// This file parses JSON the way Kafka's JsonConverter reads it through
// Jackson (ObjectMapper.readTree with leading zeros allowed and floats as
// BigDecimal), because which inputs are accepted, and as what, is part of
// being a drop-in replacement:
//
//   - strict JSON otherwise: no comments, single quotes, NaN, trailing commas
//     or unquoted control characters; only space, tab, CR and LF between tokens;
//   - the first complete value is the document; what follows is ignored,
//     except that a number at the top level must be followed by whitespace
//     or the end, and true/false/null by a character that cannot continue a
//     Java identifier;
//   - empty or all-whitespace input is "no document";
//   - a UTF-8 byte order mark is skipped, UTF-16 and UTF-32 are detected from
//     the first bytes as Jackson detects them;
//   - strings are checked as Jackson checks UTF-8 (lead and continuation
//     bytes only); what Jackson would turn into lone surrogates is kept as
//     their 3-byte (WTF-8) form so that writing it back gives Jackson's output;
//   - the limits of Jackson 2.16 (what Kafka 4.0 ships): nesting depth 1000,
//     numbers of at most 1000 characters, strings of at most 20,000,000 bytes,
//     names of at most 50,000 bytes.

const (
	maxNestingDepth = 1000
	maxNumberLength = 1000
	maxStringLength = 20_000_000
	maxNameLength   = 50_000
)

// SyntaxError is malformed JSON: the cause of JsonConverter's "Converting
// byte[] to Kafka Connect data failed due to serialization error: ".
type SyntaxError struct {
	Offset int // byte offset of the problem in the (UTF-8) input
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.Msg)
}

type member struct {
	key string
	val any
}

// jsonReader parses one document. It is reused between documents through
// the converter's pool, so its stacks grow once and stay.
type jsonReader struct {
	data    []byte
	s       string // data as a string; string values without escapes are slices of it
	pos     int
	depth   int
	scratch []byte
	members []member
	elems   []any
	nodes   []node
	keys    []string
}

func (r *jsonReader) reset(p []byte) error {
	r.pos, r.depth = 0, 0
	r.members, r.elems = r.members[:0], r.elems[:0]
	r.nodes, r.keys = r.nodes[:0], r.keys[:0]
	p, err := toUTF8(p)
	if err != nil {
		return err
	}
	r.data = p
	r.s = string(p)
	return nil
}

// release drops references to the last document so the pool does not keep
// it alive.
func (r *jsonReader) release() {
	r.data, r.s = nil, ""
	clear(r.members[:cap(r.members)])
	clear(r.elems[:cap(r.elems)])
	clear(r.nodes[:cap(r.nodes)])
	clear(r.keys[:cap(r.keys)])
	if cap(r.scratch) > 64<<10 {
		r.scratch = nil
	}
}

func (r *jsonReader) fail(msg string, args ...any) error {
	return &SyntaxError{Offset: r.pos, Msg: fmt.Sprintf(msg, args...)}
}

func describeByte(c byte) string {
	if c < 0x20 {
		return fmt.Sprintf("(CTRL-CHAR, code %d)", c)
	}
	if c < utf8.RuneSelf {
		return fmt.Sprintf("'%c' (code %d)", c, c)
	}
	return fmt.Sprintf("byte 0x%x", c)
}

// skipWS skips the whitespace Jackson allows between tokens and reports
// whether input remains.
func (r *jsonReader) skipWS() (bool, error) {
	for r.pos < len(r.data) {
		switch c := r.data[r.pos]; c {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			if c < 0x20 {
				return false, r.fail("illegal character %s: only regular white space (\\r, \\n, \\t) is allowed between tokens", describeByte(c))
			}
			return true, nil
		}
	}
	return false, nil
}

// rootValue parses the document schemaless, straight into Go values.
// missing reports an empty document.
func (r *jsonReader) rootValue() (v any, missing bool, err error) {
	ok, err := r.skipWS()
	if err != nil || !ok {
		return nil, !ok && err == nil, err
	}
	v, err = r.value(true)
	return v, false, err
}

func (r *jsonReader) value(root bool) (any, error) {
	switch c := r.data[r.pos]; c {
	case '{':
		return r.object()
	case '[':
		return r.array()
	case '"':
		return r.str(maxStringLength)
	case 't':
		return true, r.literal("true", root)
	case 'f':
		return false, r.literal("false", root)
	case 'n':
		return nil, r.literal("null", root)
	default:
		if c == '-' || c >= '0' && c <= '9' {
			n, err := r.number(root)
			if err != nil {
				return nil, err
			}
			if n.float {
				return n.float64(r), nil
			}
			return n.int64(), nil
		}
		return nil, r.fail("unexpected character %s: expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", describeByte(c))
	}
}

func (r *jsonReader) enter() error {
	r.depth++
	if r.depth > maxNestingDepth {
		return r.fail("document nesting depth (%d) exceeds the maximum allowed (%d)", r.depth, maxNestingDepth)
	}
	return nil
}

// smallObject is the number of members an object gathers in an array on
// the stack before building its map: no GC write barriers for them.
const smallObject = 16

func (r *jsonReader) object() (any, error) {
	if err := r.enter(); err != nil {
		return nil, err
	}
	r.pos++ // {
	ok, err := r.skipWS()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, r.fail("unexpected end-of-input: expected close marker for Object")
	}
	if r.data[r.pos] == '}' {
		r.pos++
		r.depth--
		return map[string]any{}, nil
	}
	var local [smallObject]member
	n := 0
	base := len(r.members) // members past smallObject go to the shared stack
	for {
		key, err := r.name()
		if err != nil {
			return nil, err
		}
		v, err := r.value(false)
		if err != nil {
			return nil, err
		}
		if n < smallObject {
			local[n] = member{key, v}
		} else {
			r.members = append(r.members, member{key, v})
		}
		n++
		done, err := r.afterMember()
		if err != nil {
			return nil, err
		}
		if done {
			break
		}
	}
	m := make(map[string]any, n)
	for _, kv := range local[:min(n, smallObject)] {
		m[kv.key] = kv.val // a repeated key: the last one wins, as in Jackson
	}
	if n > smallObject {
		more := r.members[base:]
		for _, kv := range more {
			m[kv.key] = kv.val
		}
		clear(more)
		r.members = r.members[:base]
	}
	r.depth--
	return m, nil
}

// name reads a member name and the colon after it, leaving the reader at
// the member's value.
func (r *jsonReader) name() (string, error) {
	ok, err := r.skipWS()
	if err != nil {
		return "", err
	}
	if !ok {
		return "", r.fail("unexpected end-of-input within/between Object entries")
	}
	if c := r.data[r.pos]; c != '"' {
		return "", r.fail("unexpected character %s: was expecting double-quote to start field name", describeByte(c))
	}
	key, err := r.str(maxNameLength)
	if err != nil {
		return "", err
	}
	if ok, err = r.skipWS(); err != nil {
		return "", err
	}
	if !ok {
		return "", r.fail("unexpected end-of-input within/between Object entries")
	}
	if c := r.data[r.pos]; c != ':' {
		return "", r.fail("unexpected character %s: was expecting a colon to separate field name and value", describeByte(c))
	}
	r.pos++
	if ok, err = r.skipWS(); err != nil {
		return "", err
	}
	if !ok {
		return "", r.fail("unexpected end-of-input within/between Object entries")
	}
	return key, nil
}

// afterMember consumes the comma or closing brace after an object member.
func (r *jsonReader) afterMember() (done bool, err error) {
	ok, err := r.skipWS()
	if err != nil {
		return false, err
	}
	if !ok {
		return false, r.fail("unexpected end-of-input: expected close marker for Object")
	}
	switch c := r.data[r.pos]; c {
	case ',':
		r.pos++
		return false, nil
	case '}':
		r.pos++
		return true, nil
	default:
		return false, r.fail("unexpected character %s: was expecting comma to separate Object entries", describeByte(c))
	}
}

func (r *jsonReader) array() (any, error) {
	if err := r.enter(); err != nil {
		return nil, err
	}
	r.pos++ // [
	base := len(r.elems)
	ok, err := r.skipWS()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, r.fail("unexpected end-of-input: expected close marker for Array")
	}
	if r.data[r.pos] == ']' {
		r.pos++
		r.depth--
		return []any{}, nil
	}
	var local [smallObject]any // as in object: elements past these go to the shared stack
	n := 0
	for {
		v, err := r.value(false)
		if err != nil {
			return nil, err
		}
		if n < smallObject {
			local[n] = v
		} else {
			r.elems = append(r.elems, v)
		}
		n++
		done, err := r.afterElement()
		if err != nil {
			return nil, err
		}
		if done {
			break
		}
	}
	out := make([]any, n)
	copy(out, local[:min(n, smallObject)])
	if n > smallObject {
		more := r.elems[base:]
		copy(out[smallObject:], more)
		clear(more)
		r.elems = r.elems[:base]
	}
	r.depth--
	return out, nil
}

// afterElement consumes the comma or closing bracket after an array element
// and the whitespace before the next element.
func (r *jsonReader) afterElement() (done bool, err error) {
	ok, err := r.skipWS()
	if err != nil {
		return false, err
	}
	if !ok {
		return false, r.fail("unexpected end-of-input: expected close marker for Array")
	}
	switch c := r.data[r.pos]; c {
	case ',':
		r.pos++
		ok, err := r.skipWS()
		if err != nil {
			return false, err
		}
		if !ok {
			return false, r.fail("unexpected end-of-input: expected close marker for Array")
		}
		if c := r.data[r.pos]; c == ']' || c == ',' {
			return false, r.fail("unexpected character %s: expected a value", describeByte(c))
		}
		return false, nil
	case ']':
		r.pos++
		return true, nil
	default:
		return false, r.fail("unexpected character %s: was expecting comma to separate Array entries", describeByte(c))
	}
}

// literal matches true, false or null at the reader's position.
func (r *jsonReader) literal(word string, root bool) error {
	end := r.pos + len(word)
	if end > len(r.data) || r.s[r.pos:end] != word {
		return r.unrecognizedToken()
	}
	// Like Jackson: a following byte below '0', ']' or '}' ends the token;
	// any other character must not be able to continue a Java identifier.
	if end < len(r.data) {
		if c := r.data[end]; c >= '0' && c != ']' && c != '}' {
			rn, size := utf8.DecodeRune(r.data[end:])
			if rn == utf8.RuneError && size <= 1 {
				r.pos = end
				return r.fail("invalid UTF-8 byte 0x%x", c)
			}
			if isJavaIdentifierPart(rn & 0xffff) {
				return r.unrecognizedToken()
			}
		}
	}
	r.pos = end
	return nil
}

func (r *jsonReader) unrecognizedToken() error {
	end := r.pos
	for end < len(r.data) {
		c, size := utf8.DecodeRune(r.data[end:])
		if !isJavaIdentifierPart(c) {
			break
		}
		end += size
	}
	if end == r.pos {
		end++
	}
	return r.fail("unrecognized token '%s': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", r.s[r.pos:end])
}

// isJavaIdentifierPart is Java's Character.isJavaIdentifierPart, which
// Jackson uses to tell "true" from "truex".
func isJavaIdentifierPart(c rune) bool {
	switch {
	case c < utf8.RuneSelf:
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' ||
			c <= 0x08 || c >= 0x0e && c <= 0x1b || c == 0x7f
	case c == utf8.RuneError:
		return false
	case c >= 0x80 && c <= 0x9f:
		return true
	}
	return unicode.In(c, unicode.L, unicode.Nl, unicode.Nd, unicode.Mn, unicode.Mc, unicode.Pc, unicode.Sc, unicode.Cf)
}

// numberToken is a scanned JSON number.
type numberToken struct {
	start, end int
	float      bool
	neg        bool
	zero       bool   // every digit is 0 (Java's BigDecimal has no negative zero)
	inf        bool   // a fraction or exponent whose double overflows (set by the tree reader)
	low        uint64 // integral: the magnitude modulo 2^64
	fits64     bool   // integral: the value fits an int64
	digits     int    // integral: significant digits
}

func (r *jsonReader) number(root bool) (numberToken, error) {
	n := numberToken{start: r.pos, zero: true}
	d := r.data
	if d[r.pos] == '-' {
		n.neg = true
		r.pos++
		if r.pos >= len(d) {
			return n, r.fail("unexpected end-of-input in a number value")
		}
		if c := d[r.pos]; c < '0' || c > '9' {
			return n, r.fail("unexpected character %s in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value", describeByte(c))
		}
	}
	// Leading zeros are allowed (Kafka enables ALLOW_LEADING_ZEROS_FOR_NUMBERS).
	for r.pos < len(d) && d[r.pos] == '0' {
		r.pos++
	}
	intStart := r.pos
	var low uint64
	for r.pos < len(d) && d[r.pos] >= '0' && d[r.pos] <= '9' {
		low = low*10 + uint64(d[r.pos]-'0')
		r.pos++
	}
	intLen := r.pos - intStart
	if intLen > 0 {
		n.zero = false
	}
	fracLen, expLen := 0, 0
	var exp int64
	if r.pos < len(d) && d[r.pos] == '.' {
		r.pos++
		fracStart := r.pos
		for r.pos < len(d) && d[r.pos] >= '0' && d[r.pos] <= '9' {
			if d[r.pos] != '0' {
				n.zero = false
			}
			r.pos++
		}
		fracLen = r.pos - fracStart
		if fracLen == 0 {
			return n, r.fail("unexpected character in numeric value: decimal point not followed by a digit")
		}
		n.float = true
	}
	if r.pos < len(d) && (d[r.pos] == 'e' || d[r.pos] == 'E') {
		r.pos++
		negExp := false
		if r.pos < len(d) && (d[r.pos] == '+' || d[r.pos] == '-') {
			negExp = d[r.pos] == '-'
			r.pos++
		}
		expStart := r.pos
		for r.pos < len(d) && d[r.pos] >= '0' && d[r.pos] <= '9' {
			if exp < 1e12 {
				exp = exp*10 + int64(d[r.pos]-'0')
			}
			r.pos++
		}
		expLen = r.pos - expStart
		if expLen == 0 {
			return n, r.fail("unexpected character in numeric value: exponent indicator not followed by a digit")
		}
		if negExp {
			exp = -exp
		}
		n.float = true
	}
	n.end = r.pos
	if intLen+fracLen+expLen > maxNumberLength {
		return n, r.fail("number value length (%d) exceeds the maximum allowed (%d)", intLen+fracLen+expLen, maxNumberLength)
	}
	if n.float {
		// Jackson makes the value a java.math.BigDecimal, whose exponent and
		// scale are ints, unless its double overflows (then it keeps the
		// infinite double).
		if scale := int64(fracLen) - exp; exp > math.MaxInt32 || exp < math.MinInt32 ||
			scale > math.MaxInt32 || scale < math.MinInt32 {
			if f, _ := strconv.ParseFloat(r.s[n.start:n.end], 64); !math.IsInf(f, 0) {
				return n, r.fail("value %q can not be represented as `java.math.BigDecimal`: exponent overflow", r.s[n.start:n.end])
			}
		}
	} else {
		n.low = low
		n.digits = intLen
		n.fits64 = intLen < 19 || intLen == 19 && (low <= math.MaxInt64 || n.neg && low == 1<<63)
	}
	if root && r.pos < len(d) {
		switch c := d[r.pos]; c {
		case ' ', '\t', '\n', '\r':
		default:
			return n, r.fail("unexpected character %s: expected space separating root-level values", describeByte(c))
		}
	}
	return n, nil
}

// int64 is the integral value's longValue: the low 64 bits.
func (n numberToken) int64() int64 {
	if n.neg {
		return int64(-n.low)
	}
	return int64(n.low)
}

// float64 is the doubleValue of the number's BigDecimal (zero is positive).
func (n numberToken) float64(r *jsonReader) float64 {
	if n.zero {
		return 0
	}
	f, _ := strconv.ParseFloat(r.s[n.start:n.end], 64) // out of range gives ±Inf, as Java
	return f
}

// strSpecial marks the bytes the string scanner must look at: the quote,
// the backslash, control characters and non-ASCII bytes.
var strSpecial = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf
	}
	return t
}()

// str reads a string at the opening quote. Strings without escapes or
// odd bytes are slices of the document string and cost no allocation.
func (r *jsonReader) str(limit int) (string, error) {
	r.pos++ // opening quote
	start := r.pos
	d := r.data
	for r.pos < len(d) {
		// Skip the bytes that need no attention in one tight loop.
		i := r.pos
		for i < len(d) && !strSpecial[d[i]] {
			i++
		}
		r.pos = i
		if i >= len(d) {
			break
		}
		c := d[i]
		switch {
		case c == '"':
			if r.pos-start > limit {
				return "", r.fail("string value length (%d) exceeds the maximum allowed (%d)", r.pos-start, limit)
			}
			s := r.s[start:r.pos]
			r.pos++
			return s, nil
		case c == '\\' || c < 0x20:
			return r.strSlow(start, limit)
		case c >= utf8.RuneSelf:
			rn, size := utf8.DecodeRune(d[r.pos:])
			if rn == utf8.RuneError && size <= 1 {
				return r.strSlow(start, limit)
			}
			r.pos += size
		default:
			r.pos++
		}
	}
	return "", r.fail("unexpected end-of-input in a string value")
}

// strSlow finishes a string that has escapes, control characters or
// UTF-8 that Go would not accept as it is.
func (r *jsonReader) strSlow(start, limit int) (string, error) {
	d := r.data
	b := append(r.scratch[:0], d[start:r.pos]...)
	var pendingHigh rune = -1 // a \uD800-\uDBFF escape waiting for its low half
	flush := func() {
		if pendingHigh >= 0 {
			b = appendWTF8(b, pendingHigh)
			pendingHigh = -1
		}
	}
	for r.pos < len(d) {
		c := d[r.pos]
		switch {
		case c == '"':
			flush()
			r.pos++
			if len(b) > limit {
				return "", r.fail("string value length (%d) exceeds the maximum allowed (%d)", len(b), limit)
			}
			r.scratch = b
			return string(b), nil
		case c == '\\':
			r.pos++
			if r.pos >= len(d) {
				return "", r.fail("unexpected end-of-input in character escape sequence")
			}
			e := d[r.pos]
			r.pos++
			var u rune
			switch e {
			case 'b':
				u = '\b'
			case 't':
				u = '\t'
			case 'n':
				u = '\n'
			case 'f':
				u = '\f'
			case 'r':
				u = '\r'
			case '"', '/', '\\':
				u = rune(e)
			case 'u':
				if r.pos+4 > len(d) {
					r.pos = len(d)
					return "", r.fail("unexpected end-of-input in character escape sequence")
				}
				for i := 0; i < 4; i++ {
					h := unhex(d[r.pos])
					if h < 0 {
						return "", r.fail("unexpected character %s: expected a hex-digit for character escape sequence", describeByte(d[r.pos]))
					}
					u = u<<4 | rune(h)
					r.pos++
				}
			default:
				r.pos--
				return "", r.fail("unrecognized character escape %s", describeByte(e))
			}
			if utf16.IsSurrogate(u) {
				if u < 0xdc00 {
					flush()
					pendingHigh = u
					continue
				}
				if pendingHigh >= 0 {
					b = utf8.AppendRune(b, utf16.DecodeRune(pendingHigh, u))
					pendingHigh = -1
					continue
				}
				b = appendWTF8(b, u)
				continue
			}
			flush()
			b = utf8.AppendRune(b, u)
		case c < 0x20:
			return "", r.fail("illegal unquoted character %s: has to be escaped using backslash to be included in string value", describeByte(c))
		case c < utf8.RuneSelf:
			flush()
			b = append(b, c)
			r.pos++
		default:
			flush()
			rn, size := utf8.DecodeRune(d[r.pos:])
			if rn != utf8.RuneError || size > 1 {
				b = append(b, d[r.pos:r.pos+size]...)
				r.pos += size
				continue
			}
			var err error
			if b, err = r.jacksonUTF8(b); err != nil {
				return "", err
			}
		}
	}
	return "", r.fail("unexpected end-of-input in a string value")
}

// jacksonUTF8 decodes a multi-byte sequence Go's UTF-8 rejects but Jackson
// accepts (it checks only the lead and continuation bits): overlong forms
// become their character, surrogates and values past U+10FFFF the UTF-16
// units Jackson makes of them.
func (r *jsonReader) jacksonUTF8(b []byte) ([]byte, error) {
	d := r.data
	c := d[r.pos]
	var n int
	var v rune
	switch {
	case c&0xe0 == 0xc0:
		n, v = 2, rune(c&0x1f)
	case c&0xf0 == 0xe0:
		n, v = 3, rune(c&0x0f)
	case c&0xf8 == 0xf0:
		n, v = 4, rune(c&0x07)
	default:
		return nil, r.fail("invalid UTF-8 start byte 0x%x", c)
	}
	for i := 1; i < n; i++ {
		if r.pos+i >= len(d) {
			r.pos = len(d)
			return nil, r.fail("unexpected end-of-input in a string value")
		}
		cc := d[r.pos+i]
		if cc&0xc0 != 0x80 {
			r.pos += i
			return nil, r.fail("invalid UTF-8 middle byte 0x%x", cc)
		}
		v = v<<6 | rune(cc&0x3f)
	}
	r.pos += n
	if n == 4 {
		v -= 0x10000
		hi, lo := 0xd800|(v>>10), 0xdc00|(v&0x3ff)
		if hi >= 0xd800 && hi < 0xdc00 {
			return utf8.AppendRune(b, utf16.DecodeRune(hi, lo)), nil
		}
		return appendWTF8(appendWTF8(b, hi&0xffff), lo), nil
	}
	if utf16.IsSurrogate(v) {
		return appendWTF8(b, v), nil
	}
	return utf8.AppendRune(b, v), nil
}

// appendWTF8 appends a UTF-16 code unit in the 3-byte form UTF-8 would use,
// also for a lone surrogate (which UTF-8 proper cannot hold). The JSON
// writer turns such bytes back into a \uXXXX escape, as Jackson writes a
// lone surrogate.
func appendWTF8(b []byte, u rune) []byte {
	if u < 0x800 {
		return utf8.AppendRune(b, u)
	}
	return append(b, byte(0xe0|u>>12), byte(0x80|(u>>6)&0x3f), byte(0x80|u&0x3f))
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// toUTF8 applies Jackson's encoding detection: a UTF-8 byte order mark is
// skipped; UTF-16 and UTF-32 (with or without a byte order mark, told apart
// by the zero bytes around the first ASCII character) are converted to UTF-8.
func toUTF8(p []byte) ([]byte, error) {
	if len(p) >= 4 {
		quad := uint32(p[0])<<24 | uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3])
		switch {
		case quad == 0x0000feff:
			return fromUTF32(p[4:], true)
		case quad == 0xfffe0000:
			return fromUTF32(p[4:], false)
		case quad == 0x0000fffe || quad == 0xfeff0000:
			return nil, &SyntaxError{Msg: "unsupported UCS-4 endianness"}
		case quad>>16 == 0xfeff:
			return fromUTF16(p[2:], true)
		case quad>>16 == 0xfffe:
			return fromUTF16(p[2:], false)
		case quad>>8 == 0xefbbbf:
			return p[3:], nil
		case quad>>8 == 0:
			return fromUTF32(p, true)
		case quad&0x00ffffff == 0:
			return fromUTF32(p, false)
		case quad&^0x00ff0000 == 0 || quad&^0x0000ff00 == 0:
			return nil, &SyntaxError{Msg: "unsupported UCS-4 endianness"}
		}
		return utf16Detect(p, uint32(p[0])<<8|uint32(p[1]))
	}
	if len(p) >= 2 {
		return utf16Detect(p, uint32(p[0])<<8|uint32(p[1]))
	}
	return p, nil
}

func utf16Detect(p []byte, first uint32) ([]byte, error) {
	switch {
	case first&0xff00 == 0:
		return fromUTF16(p, true)
	case first&0x00ff == 0:
		return fromUTF16(p, false)
	}
	return p, nil
}

func fromUTF16(p []byte, bigEndian bool) ([]byte, error) {
	out := make([]byte, 0, len(p))
	for i := 0; i+1 < len(p); i += 2 {
		var u rune
		if bigEndian {
			u = rune(p[i])<<8 | rune(p[i+1])
		} else {
			u = rune(p[i+1])<<8 | rune(p[i])
		}
		if u >= 0xd800 && u < 0xdc00 && i+3 < len(p) {
			var lo rune
			if bigEndian {
				lo = rune(p[i+2])<<8 | rune(p[i+3])
			} else {
				lo = rune(p[i+3])<<8 | rune(p[i+2])
			}
			if lo >= 0xdc00 && lo < 0xe000 {
				out = utf8.AppendRune(out, utf16.DecodeRune(u, lo))
				i += 2
				continue
			}
		}
		out = appendWTF8(out, u)
	}
	if len(p)%2 != 0 {
		return nil, &SyntaxError{Offset: len(p) - 1, Msg: "unexpected end-of-input in UTF-16 content"}
	}
	return out, nil
}

func fromUTF32(p []byte, bigEndian bool) ([]byte, error) {
	if len(p)%4 != 0 {
		return nil, &SyntaxError{Offset: len(p) - len(p)%4, Msg: "unexpected end-of-input in UTF-32 content"}
	}
	out := make([]byte, 0, len(p))
	for i := 0; i < len(p); i += 4 {
		var v uint32
		if bigEndian {
			v = uint32(p[i])<<24 | uint32(p[i+1])<<16 | uint32(p[i+2])<<8 | uint32(p[i+3])
		} else {
			v = uint32(p[i+3])<<24 | uint32(p[i+2])<<16 | uint32(p[i+1])<<8 | uint32(p[i])
		}
		if v > 0x10ffff {
			return nil, &SyntaxError{Offset: i, Msg: fmt.Sprintf("invalid UTF-32 character 0x%x (above 0x10ffff)", v)}
		}
		if utf16.IsSurrogate(rune(v)) {
			out = appendWTF8(out, rune(v))
			continue
		}
		out = utf8.AppendRune(out, rune(v))
	}
	return out, nil
}
