package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/magiconair/properties"

	"github.com/kafka-connect-go/connect/worker/herder"
)

// readConnectorFile reads a connector config given on the command line: a
// properties file, or JSON that is either a flat config object or a
// create request {"name","config","initial_state"}, as Java's
// ConnectStandalone accepts.
func readConnectorFile(path string) (herder.CreateRequest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return herder.CreateRequest{}, fmt.Errorf("reading connector config: %w", err)
	}
	var req herder.CreateRequest
	if strings.EqualFold(filepath.Ext(path), ".json") || looksLikeJSON(data) {
		req, err = parseConnectorJSON(data)
		if err != nil {
			return herder.CreateRequest{}, fmt.Errorf("%s: %w", path, err)
		}
	} else {
		l := properties.Loader{Encoding: properties.ISO_8859_1, DisableExpansion: true}
		p, err := l.LoadBytes(data)
		if err != nil {
			return herder.CreateRequest{}, fmt.Errorf("%s: %w", path, err)
		}
		req.Config = p.Map()
	}
	if req.Name == "" {
		req.Name = strings.TrimSpace(req.Config["name"])
	}
	if req.Name == "" {
		return herder.CreateRequest{}, fmt.Errorf("%s: the connector config has no name", path)
	}
	if n, ok := req.Config["name"]; ok && n != req.Name {
		return herder.CreateRequest{}, fmt.Errorf("%s: name %q differs from config name %q", path, req.Name, n)
	}
	req.Config["name"] = req.Name
	return req, nil
}

func looksLikeJSON(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{'
}

func parseConnectorJSON(data []byte) (herder.CreateRequest, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return herder.CreateRequest{}, jsonError(data, err)
	}
	var req herder.CreateRequest
	body := raw
	if c, ok := raw["config"]; ok && bytes.HasPrefix(bytes.TrimSpace(c), []byte("{")) {
		body = nil
		if err := json.Unmarshal(c, &body); err != nil {
			return herder.CreateRequest{}, fmt.Errorf("config: %w", err)
		}
		if n, ok := raw["name"]; ok {
			if err := json.Unmarshal(n, &req.Name); err != nil {
				return herder.CreateRequest{}, fmt.Errorf("name: expected a string: %w", err)
			}
			req.Name = strings.TrimSpace(req.Name)
		}
		if s, ok := raw["initial_state"]; ok {
			var state string
			if err := json.Unmarshal(s, &state); err != nil {
				return herder.CreateRequest{}, fmt.Errorf("initial_state: expected a string: %w", err)
			}
			switch strings.ToUpper(state) {
			case "RUNNING":
				req.InitialState = herder.TargetStarted
			case "PAUSED":
				req.InitialState = herder.TargetPaused
			case "STOPPED":
				req.InitialState = herder.TargetStopped
			default:
				return herder.CreateRequest{}, fmt.Errorf("initial_state %q: expected RUNNING, PAUSED or STOPPED", state)
			}
		}
	}
	req.Config = make(map[string]string, len(body))
	for k, v := range body {
		s, err := scalar(v)
		if err != nil {
			return herder.CreateRequest{}, fmt.Errorf("config %q: %w", k, err)
		}
		req.Config[k] = s
	}
	return req, nil
}

// scalar renders a JSON scalar as its config string (numbers and booleans
// as written, as the Java worker accepts them).
func scalar(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0:
		return "", fmt.Errorf("empty value")
	case v[0] == '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case v[0] == '{' || v[0] == '[':
		return "", fmt.Errorf("expected a string, number or boolean")
	case string(v) == "null":
		return "", fmt.Errorf("null is not a valid config value")
	}
	return string(v), nil
}

func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	if !errors.As(err, &syn) {
		return fmt.Errorf("not valid JSON: %w", err)
	}
	line, col := 1, 1
	for i := 0; i < int(syn.Offset)-1 && i < len(data); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Errorf("not valid JSON at line %d, column %d: %w", line, col, err)
}
