// Package oracle reads and writes the files of the Java oracle
// (/work/shared/oracle): a harness that runs Kafka's own Java converters,
// Values, transforms and predicates on JSON-lines requests and answers with
// JSON-lines responses. Golden tests commit both files under testdata/ and
// compare our results with Java's; tests never run Java themselves.
//
// The package covers the oracle's three formats:
//
//   - request and response lines (Request, Response, ReadRequests,
//     WriteRequests, ReadResponses, Pairs);
//   - schema descriptions ({"type":"int32","optional":true,...}):
//     DecodeSchema and EncodeSchema;
//   - typed values ({"int32":5}, {"struct":{...}}, {"map":[[k,v],...]},
//     {"decimal":"1.50"}, {"date":ms}): DecodeValue and EncodeValue, which map
//     them to and from the Go values of connector/data.
//
// A typical golden test:
//
//	pairs, err := oracle.Pairs("testdata/json.requests.jsonl", "testdata/json.responses.jsonl")
//	for _, p := range pairs {
//		schema, err := oracle.DecodeSchema(p.Response.Fields["schema"])
//		value, err := oracle.DecodeValue(p.Response.Fields["value"], schema)
//		... compare with what our code returns for p.Request ...
//	}
package oracle

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"unicode/utf8"
)

// Request is one line of a request file. Fields holds the op-specific fields
// (config, input, schema, value, record, ...) as JSON-encodable values; use
// json.RawMessage for JSON that must be written verbatim.
type Request struct {
	ID     string
	Op     string
	Fields map[string]any
}

// MarshalJSON writes "id" and "op" first, then the fields in name order, so
// request files diff well.
func (r Request) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"id":`)
	id, _ := json.Marshal(r.ID)
	b.Write(id)
	b.WriteString(`,"op":`)
	op, _ := json.Marshal(r.Op)
	b.Write(op)
	names := make([]string, 0, len(r.Fields))
	for k := range r.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v, err := marshalNoEscape(r.Fields[k])
		if err != nil {
			return nil, fmt.Errorf("request %s field %q: %w", r.ID, k, err)
		}
		kb, _ := json.Marshal(k)
		b.WriteByte(',')
		b.Write(kb)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads a request line; fields other than id and op are kept
// as json.RawMessage.
func (r *Request) UnmarshalJSON(p []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(p, &m); err != nil {
		return err
	}
	r.Fields = map[string]any{}
	for k, v := range m {
		switch k {
		case "id":
			if err := json.Unmarshal(v, &r.ID); err != nil {
				return fmt.Errorf("field id: %w", err)
			}
		case "op":
			if err := json.Unmarshal(v, &r.Op); err != nil {
				return fmt.Errorf("field op: %w", err)
			}
		default:
			r.Fields[k] = v
		}
	}
	return nil
}

// Raw returns a request field as JSON (nil when absent).
func (r Request) Raw(name string) json.RawMessage {
	v, ok := r.Fields[name]
	if !ok {
		return nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		return raw
	}
	b, err := marshalNoEscape(v)
	if err != nil {
		return nil
	}
	return b
}

// Bytes returns the request's bytes field (name, or name+"Base64" for
// binary): nil for an absent or null field, which the oracle passes to Java
// as null (a tombstone).
func (r Request) Bytes(name string) ([]byte, error) {
	if raw := r.Raw(name + "Base64"); raw != nil && string(raw) != "null" {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("request %s field %sBase64: %w", r.ID, name, err)
		}
		return base64.StdEncoding.DecodeString(s)
	}
	raw := r.Raw(name)
	if raw == nil || string(raw) == "null" {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("request %s field %s: %w", r.ID, name, err)
	}
	return []byte(s), nil
}

// Config returns the request's config-like field (config, converter,
// fromConfig) as the string map the oracle hands Java: scalars as their text.
func (r Request) Config(name string) (map[string]string, error) {
	raw := r.Raw(name)
	out := map[string]string{}
	if raw == nil || string(raw) == "null" {
		return out, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("request %s field %s: %w", r.ID, name, err)
	}
	for k, v := range m {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			out[k] = s
			continue
		}
		out[k] = string(v) // numbers and booleans: their JSON text
	}
	return out, nil
}

// Bytes sets a request's bytes field the way the oracle reads it: name as
// text when b is valid UTF-8, name+"Base64" otherwise, nil for a null.
func Bytes(fields map[string]any, name string, b []byte) {
	switch {
	case b == nil:
		fields[name] = nil
	case utf8.Valid(b):
		fields[name] = string(b)
	default:
		fields[name+"Base64"] = base64.StdEncoding.EncodeToString(b)
	}
}

// Response is one line of a response file.
type Response struct {
	ID    string          `json:"id"`
	Op    string          `json:"op"`
	OK    bool            `json:"ok"`
	Error *ErrorInfo      `json:"error,omitempty"`
	Raw   json.RawMessage `json:"-"`
	// Fields holds every field of the line, the common ones included.
	Fields map[string]json.RawMessage `json:"-"`
}

// ErrorInfo is the Java exception of a failed request.
type ErrorInfo struct {
	Stage   string  `json:"stage"`
	Class   string  `json:"class"`
	Message string  `json:"message"`
	Causes  []Cause `json:"causes,omitempty"`
}

// Cause is one exception of the getCause chain.
type Cause struct {
	Class   string `json:"class"`
	Message string `json:"message"`
}

// Output returns the response's output bytes: isNull is true when Java
// returned null (the response has "output": null and no "outputBase64").
func (r Response) Output() (b []byte, isNull bool, err error) {
	return r.bytes("output")
}

func (r Response) bytes(name string) ([]byte, bool, error) {
	if raw, ok := r.Fields[name+"Base64"]; ok && string(raw) != "null" {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, false, fmt.Errorf("response %s field %sBase64: %w", r.ID, name, err)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		return b, false, err
	}
	raw, ok := r.Fields[name]
	if !ok || string(raw) == "null" {
		return nil, true, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, false, fmt.Errorf("response %s field %s: %w", r.ID, name, err)
	}
	return []byte(s), false, nil
}

// ReadRequests reads a request file.
func ReadRequests(path string) ([]Request, error) {
	var out []Request
	err := readLines(path, func(line []byte, n int) error {
		var r Request
		if err := json.Unmarshal(line, &r); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// WriteRequests writes a request file, one line per request.
func WriteRequests(path string, reqs []Request) error {
	var b bytes.Buffer
	for _, r := range reqs {
		line, err := r.MarshalJSON()
		if err != nil {
			return err
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write oracle requests: %w", err)
	}
	return nil
}

// ReadResponses reads a response file.
func ReadResponses(path string) ([]Response, error) {
	var out []Response
	err := readLines(path, func(line []byte, n int) error {
		var r Response
		if err := json.Unmarshal(line, &r); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if err := json.Unmarshal(line, &r.Fields); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
		r.Raw = append(json.RawMessage(nil), line...)
		out = append(out, r)
		return nil
	})
	return out, err
}

// Pair is a request and the oracle's response to it.
type Pair struct {
	Request  Request
	Response Response
}

// Pairs reads a request file and its response file and matches them by id.
// Every request must have exactly one response.
func Pairs(requestPath, responsePath string) ([]Pair, error) {
	reqs, err := ReadRequests(requestPath)
	if err != nil {
		return nil, err
	}
	resps, err := ReadResponses(responsePath)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]Response, len(resps))
	for _, r := range resps {
		if _, dup := byID[r.ID]; dup {
			return nil, fmt.Errorf("%s: response id %q appears twice", responsePath, r.ID)
		}
		byID[r.ID] = r
	}
	out := make([]Pair, 0, len(reqs))
	for _, q := range reqs {
		r, ok := byID[q.ID]
		if !ok {
			return nil, fmt.Errorf("%s: no response for request %q of %s", responsePath, q.ID, requestPath)
		}
		out = append(out, Pair{Request: q, Response: r})
	}
	if len(resps) != len(reqs) {
		return nil, fmt.Errorf("%s has %d responses for %d requests in %s", responsePath, len(resps), len(reqs), requestPath)
	}
	return out, nil
}

func readLines(path string, f func(line []byte, n int) error) error {
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read oracle file: %w", err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := f(line, n); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// marshalNoEscape is json.Marshal without HTML escaping, so request files
// show <, > and & as they are.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
