package provider

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/kafka-connect-go/connect/connector"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestAllowedPaths(t *testing.T) {
	root := t.TempDir()
	kafka := filepath.Join(root, "kafka")
	writeFile(t, filepath.Join(kafka, "ok.properties"), "k=inside\n")
	writeFile(t, filepath.Join(root, "kafka2", "x.properties"), "k=sibling\n")
	writeFile(t, filepath.Join(root, "outside.properties"), "k=outside\n")

	cases := []struct {
		name    string
		allowed string
		path    string
		want    string // "" = nothing returned
	}{
		{"no allowed paths: anything", "", filepath.Join(root, "outside.properties"), "outside"},
		{"inside", kafka, filepath.Join(kafka, "ok.properties"), "inside"},
		{"inside, unclean", kafka + "/", filepath.Join(kafka, ".", "ok.properties"), "inside"},
		{"sibling with the same prefix", kafka, filepath.Join(root, "kafka2", "x.properties"), ""},
		{"dot-dot escape", kafka, kafka + "/../outside.properties", ""},
		{"second of two", filepath.Join(root, "kafka2") + "," + kafka, filepath.Join(kafka, "ok.properties"), "inside"},
		{"spaces around commas", filepath.Join(root, "kafka2") + " , " + kafka, filepath.Join(kafka, "ok.properties"), "inside"},
		{"root allows all", "/", filepath.Join(root, "outside.properties"), "outside"},
		{"relative path never under an absolute one", kafka, "ok.properties", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logs bytes.Buffer
			f := NewFile(slog.New(slog.NewTextHandler(&logs, nil)))
			cfg := map[string]string{}
			if c.allowed != "" {
				cfg[AllowedPathsConfig] = c.allowed
			}
			if err := f.Configure(cfg); err != nil {
				t.Fatal(err)
			}
			got, err := f.Get(c.path, "k")
			if err != nil {
				t.Fatal(err)
			}
			if got["k"] != c.want {
				t.Errorf("Get(%s) = %q, want %q", c.path, got["k"], c.want)
			}
			if c.want == "" && !strings.Contains(logs.String(), "not allowed") {
				t.Errorf("refusal not logged: %q", logs.String())
			}
		})
	}
}

func TestAllowedPathsErrors(t *testing.T) {
	for _, c := range []struct{ value, want string }{
		{"relative/dir", "Path relative/dir is not absolute"},
		{"/no/such/dir/for/connect", "Path /no/such/dir/for/connect does not exist"},
		{"/a/../no/such", "Path /no/such does not exist"},
	} {
		for _, p := range []connector.ConfigProvider{NewFile(nil), NewDirectory(nil)} {
			err := p.Configure(map[string]string{AllowedPathsConfig: c.value})
			if err == nil || err.Error() != c.want {
				t.Errorf("%T allowed.paths=%q: %v, want %q", p, c.value, err, c.want)
			}
		}
	}
}

func TestGetBeforeConfigure(t *testing.T) {
	for _, p := range []connector.ConfigProvider{NewFile(nil), NewDirectory(nil), NewEnvVarFrom(map[string]string{"A": "1"}, nil)} {
		if _, err := p.Get("", "A"); !errors.Is(err, errNotConfigured) {
			t.Errorf("%T Get before Configure: %v", p, err)
		}
	}
}

func TestFileIsReadAgainOnEveryGet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.properties")
	writeFile(t, path, "token=one\n")
	f := NewFile(nil)
	if err := f.Configure(nil); err != nil {
		t.Fatal(err)
	}
	tr := NewTransformer(map[string]connector.ConfigProvider{"file": f})
	cfg := map[string]string{"t": "${file:" + path + ":token}"}
	first, err := tr.Transform(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, "token=two\n")
	second, err := tr.Transform(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if first["t"] != "one" || second["t"] != "two" {
		t.Errorf("got %q then %q", first["t"], second["t"])
	}
	if cfg["t"] != "${file:"+path+":token}" {
		t.Error("Transform changed its input")
	}
}

func TestFileBadSyntaxIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.properties")
	writeFile(t, path, "k=\\uZZZZ\n")
	f := NewFile(nil)
	if err := f.Configure(nil); err != nil {
		t.Fatal(err)
	}
	_, err := f.Get(path, "k")
	if err == nil || !strings.HasPrefix(err.Error(), "Could not read properties from file "+path) {
		t.Errorf("malformed \\u escape: %v", err)
	}
}

// A Kubernetes secret volume: the files are symlinks into a timestamped
// directory through ..data, and ..data itself is a symlink to a directory.
func TestDirectoryKubernetesSecretLayout(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "..2024_01_01", "humio-token"), "abc123")
	writeFile(t, filepath.Join(dir, "..2024_01_01", "ca.crt"), "-----BEGIN\n")
	for _, l := range []struct{ target, name string }{
		{"..2024_01_01", "..data"}, {"..data/humio-token", "humio-token"}, {"..data/ca.crt", "ca.crt"},
	} {
		if err := os.Symlink(l.target, filepath.Join(dir, l.name)); err != nil {
			t.Fatal(err)
		}
	}
	d := NewDirectory(nil)
	if err := d.Configure(map[string]string{AllowedPathsConfig: dir}); err != nil {
		t.Fatal(err)
	}
	got, err := d.Get(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"humio-token": "abc123", "ca.crt": "-----BEGIN\n"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Get = %q, want %q", got, want)
	}
}

func TestDirectoryUnreadableFileIsAnError(t *testing.T) {
	if os.Getuid() == 0 {
		// root reads files whatever their mode; a dangling link is
		// skipped (not regular), so there is no portable unreadable file.
		t.Skip("running as root: file modes do not stop reads")
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "secret"), "x")
	if err := os.Chmod(filepath.Join(dir, "secret"), 0); err != nil {
		t.Fatal(err)
	}
	d := NewDirectory(nil)
	if err := d.Configure(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Get(dir, "secret"); err == nil || !strings.Contains(err.Error(), "Could not read file") {
		t.Errorf("unreadable file: %v", err)
	}
}

func TestEnvVarAllowlist(t *testing.T) {
	env := map[string]string{"HUMIO_TOKEN": "t", "HOME": "/root", "PATH": "/bin"}
	e := NewEnvVarFrom(env, nil)
	if err := e.Configure(map[string]string{AllowlistPatternConfig: "HUMIO_.*"}); err != nil {
		t.Fatal(err)
	}
	got, err := e.Get("")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, map[string]string{"HUMIO_TOKEN": "t"}) {
		t.Errorf("Get = %v", got)
	}
	err = NewEnvVarFrom(env, nil).Configure(map[string]string{AllowlistPatternConfig: "HUMIO_("})
	if err == nil || !strings.HasPrefix(err.Error(), "Invalid value HUMIO_( for configuration allowlist.pattern: Invalid regex: ") {
		t.Errorf("bad pattern: %v", err)
	}
	real := NewEnvVar(nil)
	if err := real.Configure(nil); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CONNECT_PROVIDER_TEST_LATE", "x")
	if got, _ := real.Get("", "CONNECT_PROVIDER_TEST_LATE"); len(got) != 0 {
		t.Error("EnvVar saw a variable set after it was made; Java snapshots the environment")
	}
}

// countingProvider records each Get call.
type countingProvider struct {
	mu    sync.Mutex
	calls []string
	data  map[string]map[string]string
	err   error
}

func (c *countingProvider) Configure(map[string]string) error { return nil }
func (c *countingProvider) Close() error                      { return nil }
func (c *countingProvider) Get(path string, keys ...string) (map[string]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, path+"|"+strings.Join(keys, ","))
	if c.err != nil {
		return nil, c.err
	}
	return c.data[path], nil
}

func TestTransformerAsksOncePerPath(t *testing.T) {
	p := &countingProvider{data: map[string]map[string]string{"/a": {"x": "1", "y": "2"}, "": {"z": "3"}}}
	tr := NewTransformer(map[string]connector.ConfigProvider{"p": p, "missing": nil})
	got, err := tr.Transform(map[string]string{
		"one": "${p:/a:x}", "two": "${p:/a:y}-${p:/a:x}", "three": "${p:z}", "four": "${missing:/a:x}", "five": "plain",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"one": "1", "two": "2-1", "three": "3", "four": "${missing:/a:x}", "five": "plain"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Transform = %v, want %v", got, want)
	}
	if want := []string{"|z", "/a|x,y"}; !reflect.DeepEqual(p.calls, want) {
		t.Errorf("calls = %q, want %q", p.calls, want)
	}
	if !reflect.DeepEqual(tr.Names(), []string{"p"}) {
		t.Errorf("Names = %v", tr.Names())
	}
}

func TestTransformerProviderErrorFailsTransform(t *testing.T) {
	boom := errors.New("vault sealed")
	tr := NewTransformer(map[string]connector.ConfigProvider{"vault": &countingProvider{err: boom}})
	_, err := tr.Transform(map[string]string{"pw": "${vault:secret/db:pw}"})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), `config provider "vault", path "secret/db"`) {
		t.Errorf("error = %v", err)
	}
}

func TestReverseTransform(t *testing.T) {
	raw := map[string]string{"connection.password": "${file:/s:pw}", "topics": "logs", "url": "http://${env:HOST}:9200"}
	resolved := map[string]string{"connection.password": "hunter2", "topics": "logs", "url": "http://h:9200", "task.id": "0"}
	want := map[string]string{"connection.password": "${file:/s:pw}", "topics": "logs", "url": "http://${env:HOST}:9200", "task.id": "0"}
	if got := ReverseTransform(raw, resolved); !reflect.DeepEqual(got, want) {
		t.Errorf("ReverseTransform = %v, want %v", got, want)
	}
	for v, want := range map[string]bool{"${a:b}": true, "${a:b:c}": true, "${ab}": false, "$ {a:b}": false, "x": false} {
		if HasVariables(v) != want {
			t.Errorf("HasVariables(%q) != %v", v, want)
		}
	}
}

// closeTracker counts Close calls and can fail Configure.
type closeTracker struct {
	configured map[string]string
	failConf   bool
	closed     *int
}

func (c *closeTracker) Configure(m map[string]string) error {
	c.configured = m
	if c.failConf {
		return errors.New("bad setting")
	}
	return nil
}
func (c *closeTracker) Get(string, ...string) (map[string]string, error) { return nil, nil }
func (c *closeTracker) Close() error                                     { *c.closed++; return nil }

func TestFromConfig(t *testing.T) {
	closed := 0
	made := map[string]*closeTracker{}
	factory := func(class string) (connector.ConfigProvider, error) {
		switch class {
		case "Good", FileClass:
			p := &closeTracker{closed: &closed}
			made[class] = p
			return p, nil
		case "FailsConfigure":
			return &closeTracker{closed: &closed, failConf: true}, nil
		}
		return nil, errors.New("no config provider named " + class)
	}

	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	tr, err := FromConfig(map[string]string{
		"config.providers":                          " file , good,noclass",
		"config.providers.file.class":               FileClass,
		"config.providers.file.param.allowed.paths": "/etc",
		"config.providers.good.class":               " Good ",
		"config.providers.good.param.a":             "1",
		"config.providers.goodish.param.b":          "not mine",
	}, factory, logger)
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.Names(); !reflect.DeepEqual(got, []string{"file", "good"}) {
		t.Errorf("providers %v", got)
	}
	if got := made[FileClass].configured; !reflect.DeepEqual(got, map[string]string{"allowed.paths": "/etc"}) {
		t.Errorf("file params %v", got)
	}
	if got := made["Good"].configured; !reflect.DeepEqual(got, map[string]string{"a": "1"}) {
		t.Errorf("good params %v", got)
	}
	if !strings.Contains(logs.String(), "config.providers.noclass.class") {
		t.Errorf("missing class not warned: %s", logs.String())
	}
	if err := tr.Close(); err != nil || closed != 2 {
		t.Errorf("Close: %v, %d closed", err, closed)
	}

	closed = 0
	_, err = FromConfig(map[string]string{
		"config.providers": "good,vault", "config.providers.good.class": "Good", "config.providers.vault.class": "com.example.Vault",
	}, factory, nil)
	if err == nil || !strings.Contains(err.Error(), `config.providers.vault.class="com.example.Vault": no config provider named com.example.Vault`) {
		t.Errorf("unknown class: %v", err)
	}
	if closed != 1 {
		t.Errorf("providers built before the error: %d closed, want 1", closed)
	}

	_, err = FromConfig(map[string]string{"config.providers": "x", "config.providers.x.class": "FailsConfigure"}, factory, nil)
	if err == nil || !strings.Contains(err.Error(), `config provider "x" (config.providers.x.param.*): bad setting`) {
		t.Errorf("configure failure: %v", err)
	}

	tr, err = FromConfig(map[string]string{}, nil, nil)
	if err != nil || len(tr.Names()) != 0 {
		t.Errorf("no providers: %v %v", tr.Names(), err)
	}
}
