package elasticsearch

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"time"
)

// This file holds the one-pass JSON checks of the hot path: a raw record
// value is validated and its top-level keys looked at without decoding
// anything or allocating, and a bulk response is asked for its top-level
// "errors" flag without decoding its items.

// syntaxError is malformed JSON at a byte offset.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string {
	return "invalid JSON at byte " + strconv.Itoa(e.off) + ": " + e.msg
}

// maxDepth bounds nesting, as encoding/json does, so a hostile value cannot
// exhaust the stack.
const maxDepth = 10000

// docShape describes a raw JSON value found by scanDoc.
type docShape struct {
	start, end int  // the value without surrounding whitespace: b[start:end]
	object     bool // the value is an object
	empty      bool // an object without members
	null       bool // the literal null
	hasTS      bool // the object has a top-level "@timestamp"
	hasField   bool // the object has the top-level key scanDoc was asked about
}

// scanDoc checks that b holds exactly one JSON value, surrounded by
// whitespace at most, and for an object reports whether it has the
// top-level keys "@timestamp" and field (compared as written, escapes not
// resolved). UTF-8 is not checked: Humio replaces bad sequences itself.
func scanDoc(b []byte, field string) (docShape, error) {
	var d docShape
	i := skipWS(b, 0)
	if i == len(b) {
		return d, &syntaxError{i, "no value"}
	}
	d.start = i
	var err error
	switch b[i] {
	case '{':
		d.object = true
		i, err = scanTopObject(b, i, field, &d)
	case 'n':
		i, err = skipValue(b, i, 0)
		d.null = err == nil
	default:
		i, err = skipValue(b, i, 0)
	}
	if err != nil {
		return d, err
	}
	d.end = i
	if i = skipWS(b, i); i != len(b) {
		return d, &syntaxError{i, "unexpected data after the value"}
	}
	return d, nil
}

func scanTopObject(b []byte, i int, field string, d *docShape) (int, error) {
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		d.empty = true
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return i, &syntaxError{i, "expected a string as object key"}
		}
		ks := i + 1
		end, err := skipString(b, i)
		if err != nil {
			return end, err
		}
		key := b[ks : end-1]
		if string(key) == "@timestamp" {
			d.hasTS = true
		} else if field != "" && string(key) == field {
			d.hasField = true
		}
		if i = skipWS(b, end); i >= len(b) || b[i] != ':' {
			return i, &syntaxError{i, "expected ':' after object key"}
		}
		if i, err = skipValue(b, skipWS(b, i+1), 1); err != nil {
			return i, err
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return i, &syntaxError{i, "unterminated object"}
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case '}':
			return i + 1, nil
		default:
			return i, &syntaxError{i, "expected ',' or '}' after object member"}
		}
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipValue returns the offset just after the value that starts at b[i].
func skipValue(b []byte, i, depth int) (int, error) {
	if i >= len(b) {
		return i, &syntaxError{i, "unexpected end of input, expected a value"}
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return i, &syntaxError{i, "nested too deeply"}
		}
		return skipContainer(b, i, depth+1)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		return skipNumber(b, i)
	}
	return i, &syntaxError{i, "unexpected character " + strconv.QuoteRune(rune(b[i]))}
}

func skipContainer(b []byte, i, depth int) (int, error) {
	obj := b[i] == '{'
	closer := byte(']')
	if obj {
		closer = '}'
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == closer {
		return i + 1, nil
	}
	var err error
	for {
		if obj {
			if i >= len(b) || b[i] != '"' {
				return i, &syntaxError{i, "expected a string as object key"}
			}
			if i, err = skipString(b, i); err != nil {
				return i, err
			}
			if i = skipWS(b, i); i >= len(b) || b[i] != ':' {
				return i, &syntaxError{i, "expected ':' after object key"}
			}
			i = skipWS(b, i+1)
		}
		if i, err = skipValue(b, i, depth); err != nil {
			return i, err
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return i, &syntaxError{i, "unterminated " + containerName(obj)}
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case closer:
			return i + 1, nil
		default:
			return i, &syntaxError{i, "expected ',' or '" + string(closer) + "' in " + containerName(obj)}
		}
	}
}

func containerName(obj bool) string {
	if obj {
		return "object"
	}
	return "array"
}

// plainStringByte marks the bytes a string may hold without a closer look.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// Bit tricks to test 8 bytes at once: each lane's top bit is set in the
// result when that byte is zero (haszero) or below n (hasless); both are
// exact as to whether any byte qualifies.
const (
	lanes1   = 0x0101010101010101
	lanesTop = 0x8080808080808080
)

// specialMask flags, in the top bit of its lane, each of the 8 bytes of x
// that is '"', '\\' or a control character, i.e. needs a closer look inside
// a string. Lanes above a flagged one may be flagged wrongly (a borrow
// carries into them), but the lowest flagged lane is always right, and it
// is the only one looked at.
func specialMask(x uint64) uint64 {
	q := x ^ (lanes1 * '"')
	bs := x ^ (lanes1 * '\\')
	return ((q-lanes1)&^q | (bs-lanes1)&^bs | (x-lanes1*0x20)&^x) & lanesTop
}

// skipString returns the offset just after the string starting at b[i]=='"'.
// Strings are most of a log event, so they are read 8 bytes at a time, and
// the first byte that needs a look is found from the word's mask without
// going back over it byte by byte.
func skipString(b []byte, i int) (int, error) {
	i++
	for {
		for {
			if i+8 > len(b) {
				for i < len(b) && plainStringByte[b[i]] {
					i++
				}
				break
			}
			if m := specialMask(binary.LittleEndian.Uint64(b[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(b) {
			return i, &syntaxError{i, "unterminated string"}
		}
		switch c := b[i]; c {
		case '"':
			return i + 1, nil
		case '\\':
			if i+1 >= len(b) {
				return i, &syntaxError{i, "unterminated string"}
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return i, &syntaxError{i, "invalid \\u escape in string"}
				}
				i += 6
			default:
				return i, &syntaxError{i, "invalid escape in string"}
			}
		default:
			return i, &syntaxError{i, "control character in string"}
		}
	}
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func skipLiteral(b []byte, i int, lit string) (int, error) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, &syntaxError{i, "invalid literal, expected " + lit}
	}
	return i + len(lit), nil
}

func skipNumber(b []byte, i int) (int, error) {
	start := i
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	default:
		j := skipDigits(b, i)
		if j == i {
			return i, &syntaxError{start, "invalid number"}
		}
		i = j
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return j, &syntaxError{start, "invalid number: no digit after the decimal point"}
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return i, &syntaxError{start, "invalid number: no digit in the exponent"}
		}
		i = j
	}
	return i, nil
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i]-'0' <= 9 {
		i++
	}
	return i
}

// appendCompact appends the valid JSON value v without the whitespace
// between its tokens.
func appendCompact(dst, v []byte) []byte {
	for i := 0; i < len(v); {
		switch c := v[i]; c {
		case ' ', '\t', '\n', '\r':
			i++
		case '"':
			end, err := skipString(v, i)
			if err != nil { // not for a value scanDoc accepted
				return append(dst, v[i:]...)
			}
			dst = append(dst, v[i:end]...)
			i = end
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst
}

// bulkErrorsFlag reads the top-level "errors" member of a bulk response
// without decoding its items: Elasticsearch and Humio write it before
// "items", so this usually looks at a few dozen bytes. found is false when
// the body is not an object with a boolean "errors".
func bulkErrorsFlag(b []byte) (errs, found bool) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false, false
	}
	i = skipWS(b, i+1)
	for i < len(b) && b[i] == '"' {
		ks := i + 1
		end, err := skipString(b, i)
		if err != nil {
			return false, false
		}
		key := b[ks : end-1]
		if i = skipWS(b, end); i >= len(b) || b[i] != ':' {
			return false, false
		}
		i = skipWS(b, i+1)
		if string(key) == "errors" {
			switch {
			case len(b)-i >= 5 && string(b[i:i+5]) == "false":
				return false, true
			case len(b)-i >= 4 && string(b[i:i+4]) == "true":
				return true, true
			}
			return false, false
		}
		if i, err = skipValue(b, i, 1); err != nil {
			return false, false
		}
		if i = skipWS(b, i); i < len(b) && b[i] == ',' {
			i = skipWS(b, i+1)
		}
	}
	return false, false
}

// appendTimestamp appends ms (milliseconds since the epoch) as ISO 8601 in
// UTC with milliseconds, "2006-01-02T15:04:05.000Z", the form Humio's
// Elasticsearch endpoint expects in @timestamp. It is done by hand because
// it runs once per event; time.Format is used outside years 0-9999.
func appendTimestamp(buf []byte, ms int64) []byte {
	const msPerDay = 86400000
	days := ms / msPerDay
	rem := ms % msPerDay
	if rem < 0 {
		rem += msPerDay
		days--
	}
	// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	if y < 0 || y > 9999 {
		return time.UnixMilli(ms).UTC().AppendFormat(buf, "2006-01-02T15:04:05.000Z07:00")
	}
	hh := rem / 3600000
	mm := rem / 60000 % 60
	ss := rem / 1000 % 60
	milli := rem % 1000
	return append(buf,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-',
		byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+hh/10), byte('0'+hh%10), ':',
		byte('0'+mm/10), byte('0'+mm%10), ':',
		byte('0'+ss/10), byte('0'+ss%10), '.',
		byte('0'+milli/100), byte('0'+milli/10%10), byte('0'+milli%10), 'Z')
}
