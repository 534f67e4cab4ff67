package provider

import (
	"bufio"
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/kafka-connect-go/connect/connector"
)

// testdata/java_oracle.jsonl holds requests and the answers of Kafka's own
// ConfigTransformer and File/Directory/EnvVar config providers (commit
// 1eb7644, JDK 17); see testdata/README.md. The Java run used this
// package's directory as working directory, so relative testdata paths mean
// the same files here.

type mapProvider map[string]map[string]string // path -> key -> value

func (m mapProvider) Configure(map[string]string) error { return nil }
func (m mapProvider) Close() error                      { return nil }
func (m mapProvider) Get(path string, keys ...string) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range m[path] {
		if len(keys) == 0 || contains(keys, k) {
			out[k] = v
		}
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type oracleReq struct {
	Op        string                                  `json:"op"`
	Providers map[string]map[string]map[string]string `json:"providers"`
	Configs   map[string]string                       `json:"configs"`
	Class     string                                  `json:"class"`
	Configure map[string]string                       `json:"configure"`
	Env       map[string]string                       `json:"env"`
	Path      *string                                 `json:"path"`
	Keys      []string                                `json:"keys"`
}

func TestJavaOracle(t *testing.T) {
	f, err := os.Open("testdata/java_oracle.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		var line struct {
			Req oracleReq       `json:"req"`
			Res json.RawMessage `json:"res"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		n++
		req := line.Req
		switch req.Op {
		case "transform":
			providers := map[string]connector.ConfigProvider{}
			for name, paths := range req.Providers {
				providers[name] = mapProvider(paths)
			}
			tr := NewTransformer(providers)
			got, err := tr.Transform(req.Configs)
			if err != nil {
				t.Fatal(err)
			}
			var want map[string]string
			if err := json.Unmarshal(line.Res, &want); err != nil {
				t.Fatal(err)
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("Transform(%q) = %q; Java %q", req.Configs[k], got[k], w)
				}
			}
			if len(got) != len(want) {
				t.Errorf("Transform returned %d keys; Java %d", len(got), len(want))
			}
		case "provider":
			var p connector.ConfigProvider
			switch req.Class {
			case "file":
				p = NewFile(nil)
			case "dir":
				p = NewDirectory(nil)
			case "env":
				p = NewEnvVarFrom(req.Env, nil)
			}
			var want struct {
				Data map[string]string `json:"data"`
				Err  string            `json:"err"`
			}
			if err := json.Unmarshal(line.Res, &want); err != nil {
				t.Fatal(err)
			}
			path := ""
			if req.Path != nil {
				path = *req.Path
			}
			err := p.Configure(req.Configure)
			var got map[string]string
			if err == nil {
				got, err = p.Get(path, req.Keys...)
			}
			if want.Err != "" {
				if err == nil {
					t.Errorf("%s %v Get(%q, %q) = %v; Java failed: %s", req.Class, req.Configure, path, req.Keys, got, want.Err)
				} else if javaText := "ConfigException: " + err.Error(); !startsWith(javaText, want.Err) {
					t.Errorf("%s Get(%q) error %q; Java %q", req.Class, path, err, want.Err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s %v Get(%q, %q): %v; Java %v", req.Class, req.Configure, path, req.Keys, err, want.Data)
				continue
			}
			if !reflect.DeepEqual(got, want.Data) {
				t.Errorf("%s %v Get(%q, %q) =\n %q\nJava\n %q", req.Class, req.Configure, path, req.Keys, got, want.Data)
			}
		default:
			t.Fatalf("op %s", req.Op)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 19 {
		t.Fatalf("only %d oracle cases", n)
	}
}

// startsWith lets our messages add the cause after Java's text.
func startsWith(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }
