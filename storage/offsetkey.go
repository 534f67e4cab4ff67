package storage

import (
	"bytes"
	"encoding/json"
)

// Offset keys are the JSON array ["<connector>",{source partition}]. A Java
// worker writes the partition map in its HashMap order, we in sorted order;
// stores therefore match keys by their JSON meaning.

// CanonicalOffsetKey returns a string equal for keys of equal JSON meaning:
// the key decoded and re-encoded with sorted object keys and numbers kept
// as written. Bytes that are not JSON are their own canonical form.
func CanonicalOffsetKey(key []byte) string {
	var v any
	d := json.NewDecoder(bytes.NewReader(key))
	d.UseNumber()
	if err := d.Decode(&v); err != nil || d.More() {
		return "raw:" + string(key)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "raw:" + string(key)
	}
	return string(b)
}

// ParseOffsetKey splits an offsets key ["<connector>",{partition}] into its
// parts; ok is false for any other shape, which Java ignores too.
func ParseOffsetKey(key []byte) (connector string, partition map[string]any, ok bool) {
	var parts []json.RawMessage
	if err := json.Unmarshal(key, &parts); err != nil || len(parts) != 2 {
		return "", nil, false
	}
	if err := json.Unmarshal(parts[0], &connector); err != nil {
		return "", nil, false
	}
	d := json.NewDecoder(bytes.NewReader(parts[1]))
	d.UseNumber()
	if err := d.Decode(&partition); err != nil || partition == nil {
		return "", nil, false
	}
	return connector, partition, true
}
