package source

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/storage"
)

// OffsetKey returns the key under which a source partition's offset is
// stored: the JSON array ["<connector>",{partition}], compact, as the Java
// worker writes it (spec §3.3). Map keys are sorted; stores match keys by
// JSON meaning, so Java's HashMap order is found either way.
func OffsetKey(connectorName string, partition map[string]any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('[')
	writeJSONString(&b, connectorName)
	b.WriteByte(',')
	if err := writeJSON(&b, partition); err != nil {
		return nil, fmt.Errorf("source partition %v: %w", partition, err)
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}

// OffsetValue returns the stored form of a source offset: its JSON, or nil
// (a tombstone) for a nil offset.
func OffsetValue(offset map[string]any) ([]byte, error) {
	if offset == nil {
		return nil, nil
	}
	var b bytes.Buffer
	if err := writeJSON(&b, offset); err != nil {
		return nil, fmt.Errorf("source offset %v: %w", offset, err)
	}
	return b.Bytes(), nil
}

// DecodeOffset reads a stored offset as Java's JsonConverter without
// schemas does: integers become int64, other numbers float64.
func DecodeOffset(b []byte) (map[string]any, error) {
	if b == nil {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("stored offset %s is not a JSON object: %w", b, err)
	}
	for k, v := range m {
		m[k] = fromJSONNumber(v)
	}
	return m, nil
}

func fromJSONNumber(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = fromJSONNumber(e)
		}
	case []any:
		for i, e := range x {
			x[i] = fromJSONNumber(e)
		}
	}
	return v
}

// writeJSON writes the values partitions and offsets may hold (strings,
// numbers, booleans, bytes, null, and nested maps and lists of them).
func writeJSON(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		writeJSONString(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case int8:
		b.WriteString(strconv.Itoa(int(x)))
	case int16:
		b.WriteString(strconv.Itoa(int(x)))
	case int32:
		b.WriteString(strconv.Itoa(int(x)))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case uint8:
		b.WriteString(strconv.FormatUint(uint64(x), 10))
	case uint16:
		b.WriteString(strconv.FormatUint(uint64(x), 10))
	case uint32:
		b.WriteString(strconv.FormatUint(uint64(x), 10))
	case uint64:
		b.WriteString(strconv.FormatUint(x, 10))
	case float32:
		return writeFloat(b, float64(x), 32)
	case float64:
		return writeFloat(b, x, 64)
	case json.Number:
		b.WriteString(string(x))
	case []byte:
		writeJSONString(b, base64.StdEncoding.EncodeToString(x))
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			if err := writeJSON(b, x[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	default:
		return fmt.Errorf("value %v of type %T cannot be stored as an offset", v, v)
	}
	return nil
}

// writeFloat keeps a decimal point on whole numbers, so a double reads back
// as a double (Java writes 1.0, not 1).
func writeFloat(b *bytes.Buffer, f float64, bits int) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("value %v cannot be written as JSON", f)
	}
	s := strconv.FormatFloat(f, 'g', -1, bits)
	if !bytes.ContainsAny([]byte(s), ".eE") {
		s += ".0"
	}
	b.WriteString(s)
	return nil
}

// writeJSONString writes s as Jackson does: quotes, backslashes and control
// characters escaped, everything else (HTML characters, non-ASCII) as is.
func writeJSONString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// OffsetReader reads a connector's committed source offsets from the offset
// store: the connector.OffsetReader of its tasks and of the connector.
type OffsetReader struct {
	store     storage.OffsetStore
	connector string
}

var _ connector.OffsetReader = (*OffsetReader)(nil)

// NewOffsetReader returns a reader of connectorName's offsets in store.
func NewOffsetReader(store storage.OffsetStore, connectorName string) *OffsetReader {
	return &OffsetReader{store: store, connector: connectorName}
}

// Offset returns the committed offset of one source partition, nil if none.
func (r *OffsetReader) Offset(ctx context.Context, partition map[string]any) (map[string]any, error) {
	key, err := OffsetKey(r.connector, partition)
	if err != nil {
		return nil, err
	}
	vals, err := r.store.Get(ctx, [][]byte{key})
	if err != nil {
		return nil, fmt.Errorf("read offset of %s: %w", key, err)
	}
	return DecodeOffset(vals[string(key)])
}
