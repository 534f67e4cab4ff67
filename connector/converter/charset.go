package converter

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// charset encodes and decodes text as the Java charset of the same name
// does with String.getBytes and new String(bytes, charset): characters a
// charset cannot encode become its replacement ('?', or U+FFFD for the
// UTF-16 and UTF-32 charsets), bytes it cannot decode become U+FFFD.
type charset struct {
	name   string
	encode func(s string) []byte
	decode func(b []byte) string
}

// charsets are the Java charsets StringConverter supports, by canonical
// name; charsetAliases lists Java's names and aliases (lower case) of each.
var charsets = map[string]charset{
	"UTF-8":      {"UTF-8", encodeUTF8, decodeUTF8},
	"US-ASCII":   {"US-ASCII", encodeSingleByte(0x7f), decodeASCII},
	"ISO-8859-1": {"ISO-8859-1", encodeSingleByte(0xff), decodeLatin1},
	"UTF-16":     {"UTF-16", encodeUTF16(true, true), decodeUTF16(true, true)},
	"UTF-16BE":   {"UTF-16BE", encodeUTF16(true, false), decodeUTF16(true, false)},
	"UTF-16LE":   {"UTF-16LE", encodeUTF16(false, false), decodeUTF16(false, false)},
	"UTF-32":     {"UTF-32", encodeUTF32(true), decodeUTF32(true, true)},
	"UTF-32BE":   {"UTF-32BE", encodeUTF32(true), decodeUTF32(true, false)},
	"UTF-32LE":   {"UTF-32LE", encodeUTF32(false), decodeUTF32(false, false)},
}

var charsetAliases = map[string][]string{
	"UTF-8": {"utf-8", "utf8", "unicode-1-1-utf-8"},
	"US-ASCII": {"us-ascii", "ascii", "us", "iso646-us", "iso-ir-6", "cp367", "ascii7", "646", "csascii",
		"ansi_x3.4-1968", "ansi_x3.4-1986", "ibm367", "iso_646.irv:1991", "default"},
	"ISO-8859-1": {"iso-8859-1", "iso8859_1", "iso_8859_1", "latin1", "l1", "iso8859-1", "8859_1", "cp819",
		"csisolatin1", "ibm819", "iso_8859-1:1987", "iso_8859-1", "iso-ir-100", "819", "ibm-819"},
	"UTF-16":   {"utf-16", "utf_16", "utf16", "unicode", "unicodebig"},
	"UTF-16BE": {"utf-16be", "utf_16be", "iso-10646-ucs-2", "x-utf-16be", "unicodebigunmarked"},
	"UTF-16LE": {"utf-16le", "utf_16le", "x-utf-16le", "unicodelittleunmarked"},
	"UTF-32":   {"utf-32", "utf_32", "utf32"},
	"UTF-32BE": {"utf-32be", "utf_32be", "x-utf-32be"},
	"UTF-32LE": {"utf-32le", "utf_32le", "x-utf-32le"},
}

// lookupCharset finds a charset by its Java name or alias, ignoring case
// as Java's Charset.forName does.
func lookupCharset(name string) (charset, bool) {
	name = strings.ToLower(name)
	for canon, aliases := range charsetAliases {
		for _, a := range aliases {
			if a == name {
				return charsets[canon], true
			}
		}
	}
	return charset{}, false
}

// invalidByte is what javaChars reports for a byte that is not UTF-8.
const invalidByte rune = -1

// javaChars calls f for each character Java would hold for s: a character
// (a supplementary one once, as Java's encoders see a surrogate pair), a lone
// surrogate kept in its 3-byte form (reported as the surrogate), or a byte
// that is not UTF-8 (reported as invalidByte).
func javaChars(s string, f func(r rune)) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			if i+2 < len(s) && s[i] == 0xed && s[i+1]&0xe0 == 0xa0 && s[i+2]&0xc0 == 0x80 {
				f(rune(s[i]&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f))
				i += 3
				continue
			}
			r = invalidByte
		}
		f(r)
		i += size
	}
}

// unmappable reports a character no charset can encode: a lone surrogate
// or a byte that was not UTF-8.
func unmappable(r rune) bool { return r == invalidByte || utf16.IsSurrogate(r) }

// encodeUTF8 is String.getBytes(UTF_8): valid text as it is, a lone
// surrogate (or a byte that is not UTF-8) as '?'.
func encodeUTF8(s string) []byte {
	if utf8.ValidString(s) {
		return []byte(s)
	}
	out := make([]byte, 0, len(s))
	javaChars(s, func(r rune) {
		if unmappable(r) {
			out = append(out, '?')
			return
		}
		out = utf8.AppendRune(out, r)
	})
	return out
}

// decodeUTF8 is new String(bytes, UTF_8): malformed input becomes U+FFFD,
// one per malformed unit as the JDK's decoder delimits them.
func decodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			out = append(out, b[i:i+size]...)
			i += size
			continue
		}
		out = append(out, "\uFFFD"...)
		i += jdkMalformedLength(b[i:])
	}
	return string(out)
}

func isContinuation(c byte) bool { return c&0xc0 == 0x80 }

// jdkMalformedLength is how many bytes the JDK's UTF-8 decoder replaces
// with one U+FFFD at the start of b, which Go's decoder found invalid.
func jdkMalformedLength(b []byte) int {
	b1 := b[0]
	switch {
	case b1 >= 0xc2 && b1 <= 0xdf: // two bytes; the second is missing or wrong
		return 1
	case b1&0xf0 == 0xe0: // three bytes
		if len(b) < 3 {
			if len(b) > 1 && (b1 == 0xe0 && b[1]&0xe0 == 0x80 || !isContinuation(b[1])) {
				return 1
			}
			return len(b) // truncated at the end of the input
		}
		if b1 == 0xe0 && b[1]&0xe0 == 0x80 || !isContinuation(b[1]) {
			return 1
		}
		if !isContinuation(b[2]) {
			return 2
		}
		return 3 // a surrogate
	case b1&0xf8 == 0xf0: // four bytes
		bad2 := func(b2 byte) bool {
			return b1 > 0xf4 || b1 == 0xf0 && (b2 < 0x90 || b2 > 0xbf) || b1 == 0xf4 && b2&0xf0 != 0x80 || !isContinuation(b2)
		}
		if len(b) < 4 {
			switch {
			case len(b) > 1 && bad2(b[1]):
				return 1
			case len(b) > 2 && !isContinuation(b[2]):
				return 2
			}
			return len(b)
		}
		switch {
		case bad2(b[1]):
			return 1
		case !isContinuation(b[2]):
			return 2
		}
		return 3
	}
	return 1
}

func encodeSingleByte(max rune) func(string) []byte {
	return func(s string) []byte {
		out := make([]byte, 0, len(s))
		javaChars(s, func(r rune) {
			if r <= max && !unmappable(r) {
				out = append(out, byte(r))
				return
			}
			out = append(out, '?')
		})
		return out
	}
}

func decodeASCII(b []byte) string {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c < utf8.RuneSelf {
			out = append(out, c)
		} else {
			out = append(out, "\uFFFD"...)
		}
	}
	return string(out)
}

func decodeLatin1(b []byte) string {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return string(out)
}

// javaUnits are the UTF-16 code units Java holds for s.
func javaUnits(s string) []uint16 {
	var out []uint16
	javaChars(s, func(r rune) {
		switch {
		case r == invalidByte:
			out = append(out, 0xfffd)
		case r >= 0x10000:
			hi, lo := utf16.EncodeRune(r)
			out = append(out, uint16(hi), uint16(lo))
		default:
			out = append(out, uint16(r))
		}
	})
	return out
}

func encodeUTF16(bigEndian, bom bool) func(string) []byte {
	return func(s string) []byte {
		units := javaUnits(s)
		out := make([]byte, 0, 2*len(units)+2)
		put := func(u uint16) {
			if bigEndian {
				out = append(out, byte(u>>8), byte(u))
			} else {
				out = append(out, byte(u), byte(u>>8))
			}
		}
		if bom {
			put(0xfeff)
		}
		for i := 0; i < len(units); i++ {
			u := units[i]
			if utf16.IsSurrogate(rune(u)) {
				if u < 0xdc00 && i+1 < len(units) && units[i+1] >= 0xdc00 && units[i+1] < 0xe000 {
					put(u)
					put(units[i+1])
					i++
					continue
				}
				put(0xfffd) // the UTF-16 encoders' replacement for an unpaired surrogate
				continue
			}
			put(u)
		}
		return out
	}
}

func decodeUTF16(bigEndian, detectBOM bool) func([]byte) string {
	return func(b []byte) string {
		be := bigEndian
		if detectBOM && len(b) >= 2 {
			switch {
			case b[0] == 0xfe && b[1] == 0xff:
				b, be = b[2:], true
			case b[0] == 0xff && b[1] == 0xfe:
				b, be = b[2:], false
			}
		}
		var out []byte
		for i := 0; i+1 < len(b); i += 2 {
			u := rune(b[i])<<8 | rune(b[i+1])
			if !be {
				u = rune(b[i+1])<<8 | rune(b[i])
			}
			if utf16.IsSurrogate(u) {
				if u < 0xdc00 && i+3 < len(b) {
					lo := rune(b[i+2])<<8 | rune(b[i+3])
					if !be {
						lo = rune(b[i+3])<<8 | rune(b[i+2])
					}
					if lo >= 0xdc00 && lo < 0xe000 {
						out = utf8.AppendRune(out, utf16.DecodeRune(u, lo))
						i += 2
						continue
					}
				}
				out = append(out, "\uFFFD"...)
				continue
			}
			out = utf8.AppendRune(out, u)
		}
		if len(b)%2 != 0 {
			out = append(out, "\uFFFD"...)
		}
		return string(out)
	}
}

func encodeUTF32(bigEndian bool) func(string) []byte {
	return func(s string) []byte {
		out := make([]byte, 0, 4*len(s))
		javaChars(s, func(r rune) {
			if unmappable(r) {
				r = 0xfffd // the UTF-32 encoders' replacement
			}
			if bigEndian {
				out = append(out, byte(r>>24), byte(r>>16), byte(r>>8), byte(r))
			} else {
				out = append(out, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
			}
		})
		return out
	}
}

func decodeUTF32(bigEndian, detectBOM bool) func([]byte) string {
	return func(b []byte) string {
		be := bigEndian
		if detectBOM && len(b) >= 4 {
			switch {
			case b[0] == 0 && b[1] == 0 && b[2] == 0xfe && b[3] == 0xff:
				b, be = b[4:], true
			case b[0] == 0xff && b[1] == 0xfe && b[2] == 0 && b[3] == 0:
				b, be = b[4:], false
			}
		}
		var out []byte
		for i := 0; i+3 < len(b); i += 4 {
			v := uint32(b[i])<<24 | uint32(b[i+1])<<16 | uint32(b[i+2])<<8 | uint32(b[i+3])
			if !be {
				v = uint32(b[i+3])<<24 | uint32(b[i+2])<<16 | uint32(b[i+1])<<8 | uint32(b[i])
			}
			if v > 0x10ffff || utf16.IsSurrogate(rune(v)) {
				out = append(out, "\uFFFD"...)
				continue
			}
			out = utf8.AppendRune(out, rune(v))
		}
		if len(b)%4 != 0 {
			out = append(out, "\uFFFD"...)
		}
		return string(out)
	}
}
