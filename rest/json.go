package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
)

// maxBody bounds request bodies; connector configs are small.
const maxBody = 16 << 20

// writeJSON writes v as the Java worker would: compact, no HTML escaping.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error_code":500,"message":"cannot encode response"}`, http.StatusInternalServerError)
		return
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// readBody reads a request body, refusing oversized ones.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, badRequest("cannot read request body: " + err.Error())
	}
	if len(body) > maxBody {
		return nil, badRequest(fmt.Sprintf("request body larger than %d bytes", maxBody))
	}
	return body, nil
}

// decodeJSON parses body into v. A syntax error says at which line and
// column the JSON is broken, so a user can find a stray trailing comma.
func decodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return jsonError(body, err)
	}
	if dec.More() {
		off := dec.InputOffset()
		line, col := lineCol(body, off)
		return badRequest(fmt.Sprintf("Request body is not valid JSON: unexpected data after the JSON value at line %d, column %d", line, col))
	}
	return nil
}

func jsonError(body []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := lineCol(body, syn.Offset)
		return badRequest(fmt.Sprintf("Request body is not valid JSON: %s at line %d, column %d", describeSyntax(body, syn), line, col))
	case errors.As(err, &typ):
		line, col := lineCol(body, typ.Offset)
		field := typ.Field
		if field == "" {
			field = "the body"
		} else {
			field = "field " + strings.Join(strings.Split(field, "."), ".")
		}
		return badRequest(fmt.Sprintf("Request body has the wrong type for %s: expected %s, got JSON %s (line %d, column %d)", field, typ.Type, typ.Value, line, col))
	case errors.Is(err, io.EOF):
		return badRequest("Request body is empty; expected a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := lineCol(body, int64(len(body)))
		return badRequest(fmt.Sprintf("Request body is not valid JSON: it ends early at line %d, column %d", line, col))
	}
	return badRequest("Invalid request body: " + err.Error())
}

// describeSyntax names the offending character and what was expected where
// Go's message is cryptic; the trailing comma before } is the classic case.
func describeSyntax(body []byte, syn *json.SyntaxError) string {
	i := int(syn.Offset) - 1
	if i >= 0 && i < len(body) && (body[i] == '}' || body[i] == ']') {
		j := i - 1
		for j >= 0 && (body[j] == ' ' || body[j] == '\n' || body[j] == '\r' || body[j] == '\t') {
			j--
		}
		if j >= 0 && body[j] == ',' {
			return fmt.Sprintf("unexpected %q after a trailing comma", body[i])
		}
	}
	return syn.Error()
}

// lineCol turns a byte offset (the position just after the offending byte,
// as encoding/json reports it) into a 1-based line and column.
func lineCol(body []byte, off int64) (line, col int) {
	if off > int64(len(body)) {
		off = int64(len(body))
	}
	pos := int(off) - 1
	if pos < 0 {
		pos = 0
	}
	line, col = 1, 1
	for i := 0; i < pos && i < len(body); i++ {
		if body[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// configMap is a JSON object of config values. Like the Java worker
// (Jackson coercing scalars into Map<String,String>), numbers and booleans
// are accepted and kept as their JSON text; null is kept as nil.
type configMap map[string]*string

func (c *configMap) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(configMap, len(raw))
	for k, v := range raw {
		s, err := scalarString(v)
		if err != nil {
			return fmt.Errorf("config %q: %w", k, err)
		}
		out[k] = s
	}
	*c = out
	return nil
}

func scalarString(v json.RawMessage) (*string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return nil, errors.New("empty value")
	}
	switch v[0] {
	case 'n':
		return nil, nil
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, err
		}
		return &s, nil
	case 't', 'f':
		s := string(v)
		return &s, nil
	case '{':
		return nil, errors.New("expected a string, number or boolean, got an object")
	case '[':
		return nil, errors.New("expected a string, number or boolean, got an array")
	}
	s := string(v)
	return &s, nil
}

// decodeConfig decodes a config object, reporting a non-scalar value with the
// key that holds it.
func decodeConfig(body []byte) (configMap, error) {
	var c configMap
	if err := decodeJSON(body, &c); err != nil {
		return nil, unwrapConfigError(err)
	}
	if c == nil {
		return nil, badRequest("Request body must be a JSON object of connector configs")
	}
	return c, nil
}

func unwrapConfigError(err error) error {
	var se *statusError
	if errors.As(err, &se) {
		return err
	}
	return badRequest("Invalid connector config: " + err.Error())
}

// strict converts a config map without nulls; nulls are reported.
func (c configMap) strict() (map[string]string, []string) {
	out := make(map[string]string, len(c))
	var nulls []string
	for k, v := range c {
		if v == nil {
			nulls = append(nulls, k)
			continue
		}
		out[k] = *v
	}
	sort.Strings(nulls)
	return out, nulls
}
