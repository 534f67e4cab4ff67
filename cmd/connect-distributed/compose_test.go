package main

import (
	"bufio"
	"debug/elf"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/dockerenv"
	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
	"github.com/kafka-connect-go/connect/worker/config"
)

// examplesFile is the path of a file under examples/.
func examplesFile(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "examples", name)
}

var composeVar = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// composeEnvironment reads the environment of service in
// examples/docker-compose.yml, as compose would give it to the container:
// the "NAME: value" lines under the service's "environment:", quotes
// removed, ${VAR:-default} given its default. It is a line reader for
// that file's layout, not YAML.
func composeEnvironment(t *testing.T, service string) map[string]string {
	t.Helper()
	f, err := os.Open(examplesFile("docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	indent := func(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
	env := map[string]string{}
	inServices, inService, inEnv := false, false, false
	envIndent := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		switch {
		case indent(line) == 0:
			inServices, inService, inEnv = trimmed == "services:", false, false
		case inServices && indent(line) == 2:
			inService, inEnv = trimmed == service+":", false
		case inService && indent(line) == 4:
			inEnv = trimmed == "environment:"
			envIndent = 6
		case inEnv && indent(line) == envIndent:
			name, value, ok := strings.Cut(trimmed, ":")
			if !ok {
				t.Fatalf("docker-compose.yml: environment line %q is not NAME: value", line)
			}
			value = strings.TrimSpace(value)
			if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
				value = value[1 : len(value)-1]
			}
			env[strings.TrimSpace(name)] = composeVar.ReplaceAllString(value, "$3")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(env) == 0 {
		t.Fatalf("docker-compose.yml: no environment for service %q", service)
	}
	return env
}

var (
	staticOnce sync.Once
	staticBin  string
	staticErr  error
)

// staticBinary builds connect-distributed as the Dockerfile does
// (CGO_ENABLED=0, no race detector) once per test process, and checks
// that it needs no dynamic loader or library: the image has none.
func staticBinary(t *testing.T) string {
	t.Helper()
	staticOnce.Do(func() {
		dir, err := os.MkdirTemp("", "connect-static-")
		if err != nil {
			staticErr = err
			return
		}
		out := filepath.Join(dir, "connect-distributed")
		cmd := exec.Command("go", "build", "-trimpath", "-o", out, "./cmd/connect-distributed")
		_, file, _, _ := runtime.Caller(0)
		cmd.Dir = filepath.Join(filepath.Dir(file), "..", "..")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			staticErr = fmt.Errorf("CGO_ENABLED=0 go build: %v\n%s", err, b)
			return
		}
		f, err := elf.Open(out)
		if err != nil {
			staticErr = err
			return
		}
		defer f.Close()
		libs, _ := f.ImportedLibraries()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				staticErr = fmt.Errorf("%s has a program interpreter: not static", out)
				return
			}
		}
		if len(libs) > 0 {
			staticErr = fmt.Errorf("%s needs shared libraries %v", out, libs)
			return
		}
		staticBin = out
	})
	if staticErr != nil {
		t.Fatal(staticErr)
	}
	return staticBin
}

// startWithEnv runs bin with exactly env (through env -i), as a container
// runtime gives a process only its configured environment.
func startWithEnv(t *testing.T, bin string, env map[string]string, args ...string) *proctest.Process {
	t.Helper()
	envBin, err := exec.LookPath("env")
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(env))
	for n := range env {
		names = append(names, n)
	}
	sort.Strings(names)
	argv := []string{"-i"}
	for _, n := range names {
		argv = append(argv, n+"="+env[n])
	}
	argv = append(argv, bin)
	return proctest.Start(t, envBin, append(argv, args...)...)
}

// connect-distributed started with only the environment of the example
// compose file's connect service (a cp-kafka-connect service's, with the
// JVM settings such services carry) serves REST, takes the log levels,
// writes the rendered properties, and runs the Humio sink the compose's
// curl posts: records reach Humio with the token from the environment.
func TestComposeEnvironmentRunsTheHumioSink(t *testing.T) {
	bin := staticBinary(t)
	broker := proctest.Broker(t, kfake.SeedTopics(1, "logs"))
	srv := humiotest.New(humiotest.Config{Token: "compose-token"})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	port := proctest.FreePort(t)

	env := composeEnvironment(t, "connect")
	// Where the compose file says kafka:9092 and the service name, the
	// test has its broker and localhost.
	env["CONNECT_BOOTSTRAP_SERVERS"] = strings.Join(broker.ListenAddrs(), ",")
	env["CONNECT_REST_PORT"] = fmt.Sprint(port)
	env["CONNECT_REST_ADVERTISED_HOST_NAME"] = "localhost"
	env["HUMIO_URL"] = ts.URL + "/api/v1/ingest/elastic-bulk"
	env["HUMIO_TOKEN"] = "compose-token"
	// What cp-kafka-connect services often carry besides.
	env["KAFKA_HEAP_OPTS"] = "-Xms512M -Xmx512M"
	env["KAFKA_JMX_PORT"] = "9101"
	env["CONNECT_PLUGIN_PATH"] = "/usr/share/java,/usr/share/confluent-hub-components"

	rendered := filepath.Join(t.TempDir(), "kafka-connect.properties")
	p := startWithEnv(t, bin, env, "-env-properties", rendered)
	w := &node{proc: p, url: fmt.Sprintf("http://localhost:%d", port), id: fmt.Sprintf("localhost:%d", port)}
	w.waitHealthy(t)

	// The rendered properties are the image's: every CONNECT_* variable.
	props, err := config.ReadFile(rendered)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"bootstrap.servers": env["CONNECT_BOOTSTRAP_SERVERS"], "group.id": "humio-connector",
		"config.storage.topic": "humio-connect-configs", "offset.storage.replication.factor": "1",
		"value.converter.schemas.enable": "false", "rest.port": fmt.Sprint(port),
		"config.providers.env.class": "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
		"log4j.loggers":              "org.apache.kafka.connect.runtime.rest=WARN,org.reflections=ERROR",
		"plugin.path":                env["CONNECT_PLUGIN_PATH"],
	} {
		if props[k] != v {
			t.Errorf("rendered %s=%q, want %q", k, props[k], v)
		}
	}

	// CONNECT_LOG4J_LOGGERS set the REST logger, by its Java name.
	lv := object(t, expect(t, http.MethodGet, w.url+"/admin/loggers/connect.rest", "", 200), "level", "last_modified")
	if lv["level"] != "WARN" || lv["last_modified"] != nil {
		t.Errorf("connect.rest at %v (last_modified %v), want WARN from CONNECT_LOG4J_LOGGERS, not modified", lv["level"], lv["last_modified"])
	}

	body, err := os.ReadFile(examplesFile("docker-compose-humio-sink.json"))
	if err != nil {
		t.Fatal(err)
	}
	call(t, http.MethodPost, w.url+"/connectors", string(body), http.StatusCreated, nil)
	proctest.WaitFor(t, 60*time.Second, func() error {
		st, err := status(w, "humio-sink")
		if err != nil {
			return err
		}
		return st.Running(1)
	})
	events := []string{`{"message":"compose one"}`, `{"message":"compose two"}`, `{"message":"compose three"}`}
	produce(t, broker.ListenAddrs(), "logs", events...)
	proctest.WaitFor(t, 60*time.Second, func() error {
		seen := map[string]bool{}
		for _, e := range srv.Events() {
			if m, ok := e.Field("message"); ok {
				seen[fmt.Sprint(m)] = true
			}
		}
		for _, want := range []string{"compose one", "compose two", "compose three"} {
			if !seen[want] {
				return fmt.Errorf("%q not in Humio; %d events there", want, len(srv.Events()))
			}
		}
		return nil
	})
	// Only the reference to the token is stored.
	cfg, _ := expect(t, http.MethodGet, w.url+"/connectors/humio-sink/config", "", 200).(map[string]any)
	if cfg["humio.ingest.token"] != "${env:HUMIO_TOKEN}" || cfg["connection.url"] != "${env:HUMIO_URL}" {
		t.Errorf("stored config %v", cfg)
	}

	p.Signal(syscall.SIGTERM)
	if err := p.Wait(60 * time.Second); err != nil {
		t.Fatalf("connect-distributed did not stop cleanly: %v", err)
	}
	out := p.Output()
	for _, want := range []string{"KAFKA_HEAP_OPTS", "KAFKA_JMX_PORT", "plugin.path is not scanned", "wrote the properties rendered from the environment"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log does not mention %q", want)
		}
	}
	if strings.Contains(out, "compose-token") {
		t.Error("the token was logged")
	}
}

// Each variable the image requires, missing, stops start-up with a
// message naming it and a non-zero exit; so does a bad value, named by its
// variable, and a log level log4j does not know.
func TestComposeEnvironmentRefusesBadStarts(t *testing.T) {
	bin := staticBinary(t)
	base := composeEnvironment(t, "connect")
	run := func(t *testing.T, env map[string]string, want string) {
		t.Helper()
		p := startWithEnv(t, bin, env, "-env-properties", "")
		err := p.Wait(30 * time.Second)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() == 0 {
			t.Fatalf("exit %v, want a non-zero exit; output:\n%s", err, p.Output())
		}
		if !strings.Contains(p.Output(), want) {
			t.Fatalf("output does not say %q:\n%s", want, p.Output())
		}
	}
	for _, name := range dockerenv.Required() {
		t.Run(name, func(t *testing.T) {
			env := maps.Clone(base)
			delete(env, name)
			run(t, env, name+" is required")
		})
	}
	t.Run("bad value", func(t *testing.T) {
		env := maps.Clone(base)
		env["CONNECT_OFFSET_FLUSH_INTERVAL_MS"] = "abc"
		run(t, env, `environment CONNECT_OFFSET_FLUSH_INTERVAL_MS: offset.flush.interval.ms="abc": expected a LONG`)
	})
	t.Run("bad log level", func(t *testing.T) {
		env := maps.Clone(base)
		env["CONNECT_LOG4J_ROOT_LOGLEVEL"] = "LOUD"
		run(t, env, `CONNECT_LOG4J_ROOT_LOGLEVEL="LOUD"`)
	})
}
