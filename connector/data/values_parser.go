package data

import (
	"math"
	"math/big"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file is the string parser behind ParseString, following Java's
// Values.Parser and Values.ValueParser token for token: header values and
// InsertHeader literals written by a Java worker must read back with the same
// types here, junk and all.

// schemaAndValue is a parse result; a nil *schemaAndValue is Java's null
// result (the literal null, or nothing left to parse).
type schemaAndValue struct {
	schema *Schema
	value  any
}

// tokenizer splits a string at the delimiters : , { } [ ] " (unless escaped
// with a backslash), keeping the delimiters as tokens. It supports peeking one
// token and rewinding to a position, as Java's Values.Parser does.
type tokenizer struct {
	orig    string
	pos     int
	peek    string
	hasPeek bool
	prev    string
}

func (t *tokenizer) mark() int {
	if t.hasPeek {
		return t.pos - len(t.peek)
	}
	return t.pos
}

func (t *tokenizer) rewindTo(p int) {
	t.pos = p
	t.hasPeek = false
	t.peek = ""
	t.prev = ""
}

func (t *tokenizer) hasNext() bool { return t.hasPeek || t.pos < len(t.orig) }

func (t *tokenizer) next() string {
	if t.hasPeek {
		t.prev = t.peek
		t.hasPeek = false
		t.peek = ""
	} else {
		t.prev = t.consume()
	}
	return t.prev
}

// nextN consumes n tokens and returns the text they span; ok is false (and
// nothing is consumed) when fewer than n remain.
func (t *tokenizer) nextN(n int) (string, bool) {
	start := t.mark()
	for i := 0; i < n; i++ {
		if !t.hasNext() {
			t.rewindTo(start)
			return "", false
		}
		t.next()
	}
	return t.orig[start:t.pos], true
}

func (t *tokenizer) consume() string {
	escaped := false
	start := t.pos
	for t.pos < len(t.orig) {
		switch t.orig[t.pos] {
		case '\\':
			escaped = !escaped
		case ':', ',', '{', '}', '[', ']', '"':
			if !escaped {
				if start < t.pos {
					return t.orig[start:t.pos]
				}
				t.pos++
				return t.orig[start : start+1]
			}
			escaped = false
		default:
			escaped = false
		}
		t.pos++
	}
	return t.orig[start:t.pos]
}

// canConsume consumes the next non-blank token if, trimmed, it equals want.
// Blank tokens skipped on the way stay skipped.
func (t *tokenizer) canConsume(want string) bool {
	if !t.hasPeek {
		if !t.hasNext() {
			return false
		}
		t.peek, t.hasPeek = t.consume(), true
	}
	for isBlank(t.peek) && t.pos < len(t.orig) {
		t.peek = t.consume()
	}
	if javaTrim(t.peek) == want {
		t.hasPeek = false
		t.peek = ""
		return true
	}
	return false
}

// javaTrim is String.trim: it removes characters up to and including space.
func javaTrim(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] <= ' ' {
		i++
	}
	for j > i && s[j-1] <= ' ' {
		j--
	}
	return s[i:j]
}

func isBlank(s string) bool { return javaTrim(s) == "" }

type valueParser struct {
	t tokenizer
}

var (
	trueResult  = &schemaAndValue{BooleanSchema, true}
	falseResult = &schemaAndValue{BooleanSchema, false}
)

// parseFailure is the DataException Java's parser throws internally; callers
// fall back to treating the input as a string.
func parseFailure(msg string) error { return &Error{Msg: msg} }

func (p *valueParser) canParseSingleTokenLiteral(embedded bool, literal string) bool {
	start := p.t.mark()
	if p.t.canConsume(literal) && (embedded || !p.t.hasNext()) {
		return true
	}
	p.t.rewindTo(start)
	return false
}

func (p *valueParser) parse(embedded bool) (*schemaAndValue, error) {
	switch {
	case !p.t.hasNext():
		return nil, nil
	case embedded && p.t.canConsume(`"`):
		return p.parseQuotedString(), nil
	case p.canParseSingleTokenLiteral(embedded, "null"):
		return nil, nil
	case p.canParseSingleTokenLiteral(embedded, "true"):
		return trueResult, nil
	case p.canParseSingleTokenLiteral(embedded, "false"):
		return falseResult, nil
	}
	start := p.t.mark()
	var (
		r   *schemaAndValue
		err error
		try bool
	)
	if p.t.canConsume("[") {
		r, err = p.parseArray()
		try = true
	} else if p.t.canConsume("{") {
		r, err = p.parseMap()
		try = true
	}
	if try {
		if err == nil {
			return r, nil
		}
		p.t.rewindTo(start)
	}
	token := p.t.next()
	if isBlank(token) {
		return &schemaAndValue{StringSchema, token}, nil
	}
	return p.parseNextToken(embedded, javaTrim(token))
}

func (p *valueParser) parseNextToken(embedded bool, token string) (*schemaAndValue, error) {
	r, _ := utf8.DecodeRuneInString(token)
	d, _ := decodeDigit(token)
	firstIsDigit := d >= 0 && r <= 0xffff
	if firstIsDigit {
		if t := p.parseMultipleTokensAsTemporal(token); t != nil {
			return t, nil
		}
	}
	if firstIsDigit || r == '+' || r == '-' {
		if n := parseAsNumber(token); n != nil {
			return n, nil
		}
	}
	if embedded {
		return nil, parseFailure("Failed to parse embedded value")
	}
	return &schemaAndValue{StringSchema, p.t.orig}, nil
}

func (p *valueParser) parseQuotedString() *schemaAndValue {
	var sb strings.Builder
	for p.t.hasNext() {
		if p.t.canConsume(`"`) {
			break
		}
		sb.WriteString(p.t.next())
	}
	content := sb.String()
	if t := parseAsTemporal(content); t != nil {
		return t
	}
	return &schemaAndValue{StringSchema, content}
}

func (p *valueParser) parseArray() (*schemaAndValue, error) {
	result := []any{}
	var elem schemaMerger
	for p.t.hasNext() {
		if p.t.canConsume("]") {
			if elem.common == nil {
				return &schemaAndValue{&Schema{typ: TypeArray}, result}, nil
			}
			s := &Schema{typ: TypeArray, valueSchema: elem.common}
			aligned := make([]any, len(result))
			for i, v := range result {
				c, err := ConvertTo(elem.common, nil, v)
				if err != nil {
					return nil, err
				}
				aligned[i] = c
			}
			return &schemaAndValue{s, aligned}, nil
		}
		if p.t.canConsume(",") {
			return nil, parseFailure("Unable to parse an empty array element: " + p.t.orig)
		}
		e, err := p.parse(true)
		if err != nil {
			return nil, err
		}
		elem.merge(e)
		if e != nil {
			result = append(result, e.value)
		} else {
			result = append(result, nil)
		}
		cur := p.t.mark()
		if p.t.canConsume("]") {
			p.t.rewindTo(cur)
		} else if !p.t.canConsume(",") {
			return nil, parseFailure("Array elements missing ',' delimiter")
		}
	}
	if p.t.prev == "," {
		return nil, parseFailure("Array is missing element after ',': " + p.t.orig)
	}
	return nil, parseFailure("Array is missing terminating ']': " + p.t.orig)
}

// orderedEntries is the LinkedHashMap Java's parser fills: insertion order,
// a repeated key replaces the value in place.
type orderedEntries []MapEntry

func (o *orderedEntries) put(k, v any) {
	for i := range *o {
		if ValuesEqual((*o)[i].Key, k) {
			(*o)[i].Value = v
			return
		}
	}
	*o = append(*o, MapEntry{k, v})
}

func (p *valueParser) parseMap() (*schemaAndValue, error) {
	var entries orderedEntries
	var keys, vals schemaMerger
	for p.t.hasNext() {
		if p.t.canConsume("}") {
			var s *Schema
			switch {
			case keys.common != nil && vals.common != nil:
				s = &Schema{typ: TypeMap, keySchema: keys.common, valueSchema: vals.common}
			case keys.common != nil:
				s = &Schema{typ: TypeMap, keySchema: keys.common}
			default:
				return mapResult(&Schema{typ: TypeMap}, entries)
			}
			aligned := make(orderedEntries, 0, len(entries))
			for _, e := range entries {
				k, err := ConvertTo(s.keySchema, nil, e.Key)
				if err != nil {
					return nil, err
				}
				v := e.Value
				if s.valueSchema != nil {
					if v, err = ConvertTo(s.valueSchema, nil, v); err != nil {
						return nil, err
					}
				}
				aligned.put(k, v)
			}
			return mapResult(s, aligned)
		}
		if p.t.canConsume(",") {
			return nil, parseFailure("Unable to parse a map entry with no key or value: " + p.t.orig)
		}
		key, err := p.parse(true)
		if err != nil {
			return nil, err
		}
		if key == nil || key.value == nil {
			return nil, parseFailure("Map entry may not have a null key: " + p.t.orig)
		}
		if !p.t.canConsume(":") {
			return nil, parseFailure("Map entry is missing ':' in " + p.t.orig)
		}
		val, err := p.parse(true)
		if err != nil {
			return nil, err
		}
		var v any
		if val != nil {
			v = val.value
		}
		entries.put(key.value, v)
		p.t.canConsume(",")
		keys.merge(key)
		vals.merge(val)
	}
	if p.t.prev == "," {
		return nil, parseFailure("Map is missing element after ',': " + p.t.orig)
	}
	return nil, parseFailure("Map is missing terminating '}': " + p.t.orig)
}

// mapResult turns parsed entries into the Go map of the data model. A key
// that cannot be a Go map key (a list, map or byte slice) fails the parse, so
// the input reads as a string; Java would keep such a key.
func mapResult(s *Schema, entries orderedEntries) (*schemaAndValue, error) {
	allStrings := true
	for _, e := range entries {
		switch e.Key.(type) {
		case string:
		case []any, []byte, map[string]any, map[any]any:
			return nil, parseFailure("Map keys of type " + JavaClass(e.Key) + " are not supported")
		default:
			allStrings = false
		}
	}
	if allStrings {
		m := make(map[string]any, len(entries))
		for _, e := range entries {
			m[e.Key.(string)] = e.Value
		}
		return &schemaAndValue{s, m}, nil
	}
	m := make(map[any]any, len(entries))
	for _, e := range entries {
		m[e.Key] = e.Value
	}
	return &schemaAndValue{s, m}, nil
}

func (p *valueParser) parseMultipleTokensAsTemporal(token string) *schemaAndValue {
	// An unescaped colon is a delimiter, so a time or timestamp arrives as
	// five tokens; try those first.
	start := p.t.mark()
	if rest, ok := p.t.nextN(4); ok {
		if t := parseAsTemporal(token + rest); t != nil {
			return t
		}
	}
	p.t.rewindTo(start)
	return parseAsTemporal(token)
}

// Lengths of the ISO patterns, in UTF-16 units as Java measures strings.
const (
	isoDateLength      = 10 // yyyy-MM-dd
	isoTimeLength      = 13 // HH:mm:ss.SSS'Z'
	isoTimestampLength = 24 // yyyy-MM-dd'T'HH:mm:ss.SSS'Z'
)

func parseAsTemporal(token string) *schemaAndValue {
	token = strings.ReplaceAll(token, `\:`, ":")
	var (
		pattern []temporalField
		schema  *Schema
	)
	switch utf16Len(token) {
	case isoTimeLength:
		pattern, schema = timePattern, TimeSchema
	case isoTimestampLength:
		pattern, schema = timestampPattern, TimestampSchema
	case isoDateLength:
		pattern, schema = datePattern, DateSchema
	default:
		return nil
	}
	t, ok := parseJavaTemporal(token, pattern)
	if !ok {
		return nil
	}
	return &schemaAndValue{schema, t}
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += len(utf16.AppendRune(nil, r))
	}
	return n
}

// parseAsNumber reads token as Java's new BigDecimal(String) and picks the
// narrowest type: the smallest integer type holding an integral value, then
// FLOAT32 or FLOAT64 when finite (and the decimal has a scale), else Decimal.
// It returns nil when token is not a number.
func parseAsNumber(token string) *schemaAndValue {
	d, err := parseJavaBigDecimal(token)
	if err != nil {
		return nil
	}
	if n, ok := d.exactInt64(); ok {
		switch {
		case n == int64(int8(n)):
			return &schemaAndValue{Int8Schema, int8(n)}
		case n == int64(int16(n)):
			return &schemaAndValue{Int16Schema, int16(n)}
		case n == int64(int32(n)):
			return &schemaAndValue{Int32Schema, int32(n)}
		}
		return &schemaAndValue{Int64Schema, n}
	}
	if d.Scale != 0 {
		if f := d.Float32(); !math.IsInf(float64(f), 0) {
			return &schemaAndValue{Float32Schema, f}
		}
		if f := d.Float64(); !math.IsInf(f, 0) {
			return &schemaAndValue{Float64Schema, f}
		}
	}
	return &schemaAndValue{DecimalSchema(d.Scale), d}
}

// parseJavaBigDecimal is ParseDecimal that also accepts the non-ASCII decimal
// digits Java's BigDecimal accepts.
func parseJavaBigDecimal(s string) (Decimal, error) {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		var b strings.Builder
		for i := 0; i < len(s); {
			if s[i] < utf8.RuneSelf {
				b.WriteByte(s[i])
				i++
				continue
			}
			d, size := decodeDigit(s[i:])
			if d < 0 {
				return Decimal{}, Errorf("Invalid decimal %q", s)
			}
			b.WriteByte(byte('0' + d))
			i += size
		}
		s = b.String()
	}
	return ParseDecimal(s)
}

// exactInt64 returns d as an int64 when it is integral and fits.
func (d Decimal) exactInt64() (int64, bool) {
	u := d.unscaled()
	if u.Sign() == 0 {
		return 0, true
	}
	digits := len(new(big.Int).Abs(u).String())
	switch {
	case d.Scale == 0:
		if u.IsInt64() {
			return u.Int64(), true
		}
		return 0, false
	case d.Scale < 0:
		if int64(digits)-int64(d.Scale) > 19 {
			return 0, false
		}
		v := new(big.Int).Mul(u, pow10(int64(-d.Scale)))
		if v.IsInt64() {
			return v.Int64(), true
		}
		return 0, false
	default:
		if int64(d.Scale) >= int64(digits) {
			return 0, false // a non-zero fraction
		}
		q, r := new(big.Int).QuoRem(u, pow10(int64(d.Scale)), new(big.Int))
		if r.Sign() != 0 || !q.IsInt64() {
			return 0, false
		}
		return q.Int64(), true
	}
}

func pow10(n int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil) }

// schemaMerger is Java's Values.SchemaMerger: it finds one schema for the
// elements of a parsed array (or the keys or values of a map), widening
// numbers INT8 < INT16 < INT32 < INT64 < FLOAT32 < FLOAT64.
type schemaMerger struct {
	common       *Schema
	incompatible bool
}

func (m *schemaMerger) merge(latest *schemaAndValue) {
	if latest == nil || latest.schema == nil || m.incompatible {
		return
	}
	if m.common == nil {
		m.common = latest.schema
		return
	}
	m.common = mergeSchemas(m.common, latest.schema)
	m.incompatible = m.common == nil
}

func numericRank(t Type) int {
	switch t {
	case TypeInt8:
		return 1
	case TypeInt16:
		return 2
	case TypeInt32:
		return 3
	case TypeInt64:
		return 4
	case TypeFloat32:
		return 5
	case TypeFloat64:
		return 6
	}
	return 0
}

func mergeSchemas(prev, next *Schema) *Schema {
	if prev.typ != next.typ {
		pr, nr := numericRank(prev.typ), numericRank(next.typ)
		if pr == 0 || nr == 0 {
			return nil
		}
		if nr > pr {
			return next
		}
		return prev
	}
	if prev.optional == next.optional {
		if prev.optional {
			return prev
		}
		return next
	}
	if !Equal(prev, next) {
		return nil
	}
	return prev
}
