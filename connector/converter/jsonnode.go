package converter

import (
	"fmt"
	"math"
	"math/big"
	"strconv"

	"github.com/kafka-connect-go/connect/connector/data"
)

// node is a parsed JSON value kept as a tree, for documents with schemas:
// the envelope must be seen whole before the payload can be converted, and
// the payload is converted with Jackson's JsonNode accessors (intValue of a
// string is 0, textValue of a number is null, ...), which need the node type.
type node struct {
	kind  nodeKind
	text  string      // string content
	num   numberToken // number
	kids  []node      // array elements; object member values
	keys  []string    // object member names, parallel to kids
	start int         // span of the value in the document
	end   int
}

type nodeKind uint8

const (
	nodeMissing nodeKind = iota // no value (a missing member, an empty document)
	nodeNull
	nodeTrue
	nodeFalse
	nodeNumber
	nodeString
	nodeArray
	nodeObject
)

// typeName is Jackson's JsonNodeType name, which Kafka prints in errors.
func (n *node) typeName() string {
	switch n.kind {
	case nodeNull:
		return "NULL"
	case nodeTrue, nodeFalse:
		return "BOOLEAN"
	case nodeNumber:
		return "NUMBER"
	case nodeString:
		return "STRING"
	case nodeArray:
		return "ARRAY"
	case nodeObject:
		return "OBJECT"
	}
	return "MISSING"
}

// get returns an object member (the last of repeated names), nil when
// absent or n is not an object.
func (n *node) get(name string) *node {
	if n == nil || n.kind != nodeObject {
		return nil
	}
	for i := range n.keys {
		if n.keys[i] == name {
			return &n.kids[i]
		}
	}
	return nil
}

func (n *node) isNull() bool { return n == nil || n.kind == nodeNull || n.kind == nodeMissing }

// rootNode parses the document into a tree; missing reports an empty document.
func (r *jsonReader) rootNode() (n node, missing bool, err error) {
	ok, err := r.skipWS()
	if err != nil || !ok {
		return node{}, !ok && err == nil, err
	}
	n, err = r.node(true)
	return n, false, err
}

func (r *jsonReader) node(root bool) (node, error) {
	start := r.pos
	switch c := r.data[r.pos]; c {
	case '{':
		return r.objectNode(start)
	case '[':
		return r.arrayNode(start)
	case '"':
		s, err := r.str(maxStringLength)
		return node{kind: nodeString, text: s, start: start, end: r.pos}, err
	case 't':
		return node{kind: nodeTrue, start: start, end: start + 4}, r.literal("true", root)
	case 'f':
		return node{kind: nodeFalse, start: start, end: start + 5}, r.literal("false", root)
	case 'n':
		return node{kind: nodeNull, start: start, end: start + 4}, r.literal("null", root)
	default:
		if c == '-' || c >= '0' && c <= '9' {
			num, err := r.number(root)
			if err != nil {
				return node{}, err
			}
			text := r.s[num.start:num.end]
			if num.float {
				// Jackson keeps a number whose double overflows as a
				// DoubleNode (±Infinity) rather than a BigDecimal.
				f, _ := strconv.ParseFloat(text, 64)
				num.inf = math.IsInf(f, 0)
			}
			return node{kind: nodeNumber, num: num, text: text, start: start, end: r.pos}, nil
		}
		return node{}, r.fail("unexpected character %s: expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", describeByte(c))
	}
}

func (r *jsonReader) objectNode(start int) (node, error) {
	if err := r.enter(); err != nil {
		return node{}, err
	}
	r.pos++
	ok, err := r.skipWS()
	if err != nil {
		return node{}, err
	}
	if !ok {
		return node{}, r.fail("unexpected end-of-input: expected close marker for Object")
	}
	out := node{kind: nodeObject, start: start}
	if r.data[r.pos] == '}' {
		r.pos++
		r.depth--
		out.end = r.pos
		return out, nil
	}
	for {
		key, err := r.name()
		if err != nil {
			return node{}, err
		}
		v, err := r.node(false)
		if err != nil {
			return node{}, err
		}
		// A repeated name keeps its first place and takes the last value,
		// as Jackson's ObjectNode (a LinkedHashMap) does.
		replaced := false
		for i := range out.keys {
			if out.keys[i] == key {
				out.kids[i] = v
				replaced = true
				break
			}
		}
		if !replaced {
			out.keys = append(out.keys, key)
			out.kids = append(out.kids, v)
		}
		done, err := r.afterMember()
		if err != nil {
			return node{}, err
		}
		if done {
			break
		}
	}
	r.depth--
	out.end = r.pos
	return out, nil
}

func (r *jsonReader) arrayNode(start int) (node, error) {
	if err := r.enter(); err != nil {
		return node{}, err
	}
	r.pos++
	ok, err := r.skipWS()
	if err != nil {
		return node{}, err
	}
	if !ok {
		return node{}, r.fail("unexpected end-of-input: expected close marker for Array")
	}
	out := node{kind: nodeArray, start: start, kids: []node{}}
	if r.data[r.pos] == ']' {
		r.pos++
		r.depth--
		out.end = r.pos
		return out, nil
	}
	for {
		v, err := r.node(false)
		if err != nil {
			return node{}, err
		}
		out.kids = append(out.kids, v)
		done, err := r.afterElement()
		if err != nil {
			return node{}, err
		}
		if done {
			break
		}
	}
	r.depth--
	out.end = r.pos
	return out, nil
}

// The accessors below are Jackson's JsonNode accessors as JsonConverter
// uses them: lenient, returning zero values for nodes of other types.

// isInt reports whether the node is an integer Jackson keeps as an int.
func (n *node) isInt() bool {
	if n.kind != nodeNumber || n.num.float || !n.num.fits64 {
		return false
	}
	v := n.num.int64()
	return v >= math.MinInt32 && v <= math.MaxInt32
}

func (n *node) isIntegral() bool { return n.kind == nodeNumber && !n.num.float }

// decimal is the node's number as a BigDecimal: integers with scale 0,
// other numbers with the scale their text has. An overflowing double has
// none (Java's BigDecimal.valueOf(Infinity) throws).
func (n *node) decimal() (data.Decimal, error) {
	if !n.num.float {
		u, _ := new(big.Int).SetString(n.text, 10)
		return data.Decimal{Unscaled: u}, nil
	}
	if n.num.inf {
		return data.Decimal{}, fmt.Errorf("the number %s is infinite as a double and has no decimal value", n.text)
	}
	return data.ParseDecimal(n.text) // the reader checked the syntax and the scale range
}

// longValue is JsonNode.longValue: numbers truncated to their low 64 bits
// (a double saturates, as Java's (long) cast).
func (n *node) longValue() int64 {
	if n.kind != nodeNumber {
		return 0
	}
	switch {
	case !n.num.float:
		return n.num.int64()
	case n.num.inf:
		return data.JavaFloatToLong(n.float64Value())
	}
	d, _ := n.decimal()
	return d.LongValue()
}

// intValue is JsonNode.intValue: the low 32 bits (a double saturates, as
// Java's (int) cast).
func (n *node) intValue() int32 {
	if n.kind == nodeNumber && n.num.inf {
		if n.num.neg {
			return math.MinInt32
		}
		return math.MaxInt32
	}
	return int32(n.longValue())
}

// float64Value is JsonNode.doubleValue.
func (n *node) float64Value() float64 {
	if n.kind != nodeNumber || n.num.zero {
		return 0
	}
	f, _ := strconv.ParseFloat(n.text, 64)
	return f
}

// float32Value is JsonNode.floatValue: an int is rounded to float directly,
// as Java's (float) cast does.
func (n *node) float32Value() float32 {
	if n.kind != nodeNumber || n.num.zero {
		return 0
	}
	if !n.num.float && n.num.fits64 {
		return float32(n.num.int64())
	}
	f, _ := strconv.ParseFloat(n.text, 32)
	return float32(f)
}

// binaryValue is JsonNode.binaryValue: the Base64 content of a string
// node; nil without error for other nodes.
func (n *node) binaryValue() ([]byte, error) {
	if n.kind != nodeString {
		return nil, nil
	}
	return decodeJacksonBase64(n.text)
}

// decodeJacksonBase64 decodes Base64 as Jackson's default variant does:
// the text is trimmed, whitespace may separate groups of four characters,
// padding is required, and groups may follow padded groups.
func decodeJacksonBase64(s string) ([]byte, error) {
	i, j := 0, len(s)
	for i < j && s[i] <= ' ' {
		i++
	}
	for j > i && s[j-1] <= ' ' {
		j--
	}
	s = s[i:j]
	out := make([]byte, 0, len(s)/4*3)
	p := 0
	for {
		for p < len(s) && s[p] <= ' ' {
			p++
		}
		if p >= len(s) {
			return out, nil
		}
		var q [4]int
		n := 0
		for n < 4 {
			if p >= len(s) {
				return nil, base64Error("unexpected end of Base64 content")
			}
			c := s[p]
			v := base64Value(c)
			if v < 0 {
				if c == '=' && n >= 2 {
					break
				}
				return nil, base64Error("illegal character '" + string(rune(c)) + "' in Base64 content")
			}
			q[n] = v
			n++
			p++
		}
		switch n {
		case 4:
			out = append(out, byte(q[0]<<2|q[1]>>4), byte(q[1]<<4|q[2]>>2), byte(q[2]<<6|q[3]))
		case 3: // "xxx="
			p++
			out = append(out, byte(q[0]<<2|q[1]>>4), byte(q[1]<<4|q[2]>>2))
		case 2: // "xx=="
			p++
			if p >= len(s) || s[p] != '=' {
				return nil, base64Error("expected padding character '='")
			}
			p++
			out = append(out, byte(q[0]<<2|q[1]>>4))
		}
	}
}

func base64Error(msg string) error { return &data.Error{Msg: msg} }

func base64Value(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '+':
		return 62
	case c == '/':
		return 63
	}
	return -1
}
