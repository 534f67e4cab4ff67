package connector

import "github.com/kafka-connect-go/connect/connector/data"

// Header is one record header with its Connect schema and value.
type Header struct {
	Key    string
	Schema *data.Schema
	Value  any
}

// Headers is an ordered list of headers; keys may repeat. Methods that change
// the list return a new one and leave the receiver untouched, so records can
// share header lists safely.
type Headers []Header

// With returns a copy of h with a header appended.
func (h Headers) With(key string, schema *data.Schema, value any) Headers {
	out := make(Headers, len(h), len(h)+1)
	copy(out, h)
	return append(out, Header{Key: key, Schema: schema, Value: value})
}

// Without returns a copy of h without any header named key.
func (h Headers) Without(keys ...string) Headers {
	out := make(Headers, 0, len(h))
	for _, x := range h {
		drop := false
		for _, k := range keys {
			if x.Key == k {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, x)
		}
	}
	return out
}

// Last returns the last header named key.
func (h Headers) Last(key string) (Header, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Key == key {
			return h[i], true
		}
	}
	return Header{}, false
}

// All returns every header named key, in order.
func (h Headers) All(key string) []Header {
	var out []Header
	for _, x := range h {
		if x.Key == key {
			out = append(out, x)
		}
	}
	return out
}

// Has reports whether a header named key exists.
func (h Headers) Has(key string) bool {
	_, ok := h.Last(key)
	return ok
}
