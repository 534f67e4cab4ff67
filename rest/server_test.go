package rest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/kafka-connect-go/connect/worker/herder"
)

// fakeHerder is an in-memory herder that records calls: enough to check
// routing, bodies, status codes and forwarding without a worker.
type fakeHerder struct {
	mu         sync.Mutex
	configs    map[string]map[string]string
	notLeader  string // when set, writes answer NotLeaderError with this URL
	lastTarget herder.TargetState
	calls      []string
	lastAuth   string
}

func newFake() *fakeHerder { return &fakeHerder{configs: map[string]map[string]string{}} }

func (f *fakeHerder) record(c string) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
}

func (f *fakeHerder) ServerInfo(context.Context) (herder.ServerInfo, error) {
	return herder.ServerInfo{Version: "4.0.0", Commit: "abc", KafkaClusterID: "cid"}, nil
}
func (f *fakeHerder) HealthCheck(context.Context) error { return nil }
func (f *fakeHerder) Ready() bool                       { return true }
func (f *fakeHerder) Connectors(context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for n := range f.configs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}
func (f *fakeHerder) info(name string) (herder.ConnectorInfo, error) {
	cfg, ok := f.configs[name]
	if !ok {
		return herder.ConnectorInfo{}, herder.NotFoundf("Connector %s not found", name)
	}
	return herder.ConnectorInfo{Name: name, Config: cfg, Tasks: []herder.TaskID{}, Type: herder.Sink}, nil
}
func (f *fakeHerder) ConnectorInfo(_ context.Context, name string) (herder.ConnectorInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.info(name)
}
func (f *fakeHerder) ConnectorConfig(_ context.Context, name string) (map[string]string, error) {
	i, err := f.ConnectorInfo(context.Background(), name)
	return i.Config, err
}
func (f *fakeHerder) ConnectorStatus(_ context.Context, name string) (herder.ConnectorStateInfo, error) {
	if _, err := f.ConnectorInfo(context.Background(), name); err != nil {
		return herder.ConnectorStateInfo{}, herder.NotFoundf("No status found for connector %s", name)
	}
	return herder.ConnectorStateInfo{Name: name, Connector: herder.StateInfo{State: herder.StateRunning, WorkerID: "w:8083"}, Type: herder.Sink}, nil
}
func (f *fakeHerder) TaskStatus(_ context.Context, id herder.TaskID) (herder.TaskStateInfo, error) {
	return herder.TaskStateInfo{}, herder.NotFoundf("No status found for task %s", id)
}
func (f *fakeHerder) TaskConfigs(_ context.Context, name string) ([]herder.TaskInfo, error) {
	if _, err := f.ConnectorInfo(context.Background(), name); err != nil {
		return nil, err
	}
	return []herder.TaskInfo{{ID: herder.TaskID{Connector: name, Task: 0}, Config: map[string]string{"task.class": "T"}}}, nil
}
func (f *fakeHerder) ConnectorActiveTopics(context.Context, string) ([]string, error) {
	return []string{"b", "a"}, nil
}
func (f *fakeHerder) ResetConnectorActiveTopics(context.Context, string) error { return nil }
func (f *fakeHerder) PutConnectorConfig(_ context.Context, name string, cfg map[string]string, target herder.TargetState, allowReplace bool) (bool, herder.ConnectorInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.notLeader != "" {
		return false, herder.ConnectorInfo{}, &herder.NotLeaderError{URL: f.notLeader, Op: "create"}
	}
	_, exists := f.configs[name]
	if exists && !allowReplace {
		return false, herder.ConnectorInfo{}, herder.AlreadyExistsf("Connector %s already exists", name)
	}
	f.configs[name] = cfg
	f.lastTarget = target
	info, _ := f.info(name)
	return !exists, info, nil
}
func (f *fakeHerder) PatchConnectorConfig(_ context.Context, name string, patch map[string]*string) (herder.ConnectorInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cfg, ok := f.configs[name]
	if !ok {
		return herder.ConnectorInfo{}, herder.NotFoundf("Connector %s not found", name)
	}
	for k, v := range patch {
		if v == nil {
			delete(cfg, k)
		} else {
			cfg[k] = *v
		}
	}
	return f.info(name)
}
func (f *fakeHerder) DeleteConnector(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.configs[name]; !ok {
		return herder.NotFoundf("Connector %s not found", name)
	}
	delete(f.configs, name)
	return nil
}
func (f *fakeHerder) RestartConnector(_ context.Context, name string) error {
	f.record("restart " + name)
	return nil
}
func (f *fakeHerder) RestartConnectorAndTasks(_ context.Context, name string, onlyFailed, includeTasks bool) (herder.ConnectorStateInfo, error) {
	f.record("restartAll " + name)
	return herder.ConnectorStateInfo{Name: name, Connector: herder.StateInfo{State: herder.StateRestarting}, Type: herder.Sink}, nil
}
func (f *fakeHerder) RestartTask(context.Context, herder.TaskID) error { return nil }
func (f *fakeHerder) PauseConnector(_ context.Context, n string) error {
	f.record("pause " + n)
	return nil
}
func (f *fakeHerder) ResumeConnector(_ context.Context, n string) error {
	f.record("resume " + n)
	return nil
}
func (f *fakeHerder) StopConnector(_ context.Context, n string) error {
	f.record("stop " + n)
	return nil
}
func (f *fakeHerder) ConnectorOffsets(context.Context, string) (herder.ConnectorOffsets, error) {
	return herder.ConnectorOffsets{}, nil
}
func (f *fakeHerder) AlterConnectorOffsets(context.Context, string, herder.ConnectorOffsets) (string, error) {
	return "", herder.BadRequestf("Connectors must be in the STOPPED state before their offsets can be modified.")
}
func (f *fakeHerder) ResetConnectorOffsets(context.Context, string) (string, error) {
	return "The offsets for this connector have been reset successfully", nil
}
func (f *fakeHerder) ConnectorPlugins(_ context.Context, connectorsOnly bool) ([]herder.PluginInfo, error) {
	return []herder.PluginInfo{{Class: "org.apache.kafka.connect.file.FileStreamSinkConnector", Type: "sink", Version: "4.0.0"}}, nil
}
func (f *fakeHerder) ConnectorPluginConfig(_ context.Context, p string) ([]herder.ConfigKeyInfo, error) {
	return nil, herder.NotFoundf("Unknown plugin %s.", p)
}
func (f *fakeHerder) ValidateConnectorConfig(_ context.Context, cfg map[string]*string) (herder.ConfigInfos, error) {
	infos := herder.ConfigInfos{Name: "x"}
	for k, v := range cfg {
		if v == nil {
			infos.ErrorCount++
			infos.Configs = append(infos.Configs, herder.ConfigInfo{Value: &herder.ConfigValueInfo{Name: k, Errors: []string{"Null value can not be supplied as the configuration value."}}})
		}
	}
	return infos, nil
}
func (f *fakeHerder) SetClusterLoggerLevel(context.Context, string, string) error { return nil }
func (f *fakeHerder) PutTaskConfigs(context.Context, string, []map[string]string, *herder.InternalRequestSignature) error {
	return nil
}
func (f *fakeHerder) FenceZombieSourceTasks(context.Context, string, *herder.InternalRequestSignature) error {
	return nil
}

var _ Herder = (*fakeHerder)(nil)

type resp struct {
	status int
	body   string
	header http.Header
}

func do(t *testing.T, srv *httptest.Server, method, path, body string, hdr ...string) resp {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, string(b), res.Header}
}

func newTestServer(t *testing.T, h Herder, cfg Config) *httptest.Server {
	srv := httptest.NewServer(NewServer(cfg, h).Handler())
	t.Cleanup(srv.Close)
	return srv
}

func TestRoutesAndStatusCodes(t *testing.T) {
	f := newFake()
	srv := newTestServer(t, f, Config{TopicTrackingEnabled: true})
	create := `{"name":"c1","config":{"connector.class":"FileStreamSink","tasks.max":2,"key.ignore":true,"topics":"logs"}}`
	cases := []struct {
		name, method, path, body string
		status                   int
		contains                 string
	}{
		{"root", "GET", "/", "", 200, `"kafka_cluster_id":"cid"`},
		{"unknown path", "GET", "/nope", "", 404, `HTTP 404 Not Found`},
		{"wrong method", "DELETE", "/connectors", "", 405, `HTTP 405 Method Not Allowed`},
		{"empty list", "GET", "/connectors", "", 200, `[]`},
		{"create coerces numbers and booleans", "POST", "/connectors", create, 201, `"tasks.max":"2"`},
		{"create again", "POST", "/connectors", create, 409, `Connector c1 already exists`},
		{"name mismatch", "POST", "/connectors", `{"name":"a","config":{"name":"b"}}`, 400, `Connector name configuration (b) doesn't match connector name in the URL (a)`},
		{"missing config", "POST", "/connectors", `{"name":"a"}`, 400, `"config"`},
		{"object value", "POST", "/connectors", `{"name":"a","config":{"x":{"y":1}}}`, 400, `config "x": expected a string, number or boolean, got an object`},
		{"bad initial state", "POST", "/connectors", `{"name":"a","config":{},"initial_state":"FLYING"}`, 400, `initial_state`},
		{"null value", "POST", "/connectors", `{"name":"a","config":{"topics":null}}`, 400, "Connector configuration is invalid and contains the following 1 error(s):\nNull value can not be supplied as the configuration value."},
		{"get", "GET", "/connectors/c1", "", 200, `"name":"c1"`},
		{"get unknown", "GET", "/connectors/zz", "", 404, `Connector zz not found`},
		{"config", "GET", "/connectors/c1/config", "", 200, `"connector.class":"FileStreamSink"`},
		{"status", "GET", "/connectors/c1/status", "", 200, `"tasks":[]`},
		{"task status unknown", "GET", "/connectors/c1/tasks/5/status", "", 404, `No status found for task c1-5`},
		{"task status bad id", "GET", "/connectors/c1/tasks/x/status", "", 404, `HTTP 404 Not Found`},
		{"tasks", "GET", "/connectors/c1/tasks", "", 200, `"id":{"connector":"c1","task":0}`},
		{"tasks-config", "GET", "/connectors/c1/tasks-config", "", 200, `"c1-0":{"task.class":"T"}`},
		{"put replaces", "PUT", "/connectors/c1/config", `{"connector.class":"FileStreamSink","topics":"x"}`, 200, `"topics":"x"`},
		{"put creates", "PUT", "/connectors/c2/config", `{"connector.class":"FileStreamSink"}`, 201, `"name":"c2"`},
		{"put name mismatch", "PUT", "/connectors/c2/config", `{"name":"other"}`, 400, `doesn't match`},
		{"patch removes null", "PATCH", "/connectors/c1/config", `{"topics":null,"a":"b"}`, 200, `"a":"b"`},
		{"patch unknown", "PATCH", "/connectors/zz/config", `{}`, 404, `not found`},
		{"pause", "PUT", "/connectors/c1/pause", "", 202, ``},
		{"resume", "PUT", "/connectors/c1/resume", "", 202, ``},
		{"stop", "PUT", "/connectors/c1/stop", "", 204, ``},
		{"restart plain", "POST", "/connectors/c1/restart", "", 204, ``},
		{"restart with tasks", "POST", "/connectors/c1/restart?includeTasks=true", "", 202, `"state":"RESTARTING"`},
		{"topics", "GET", "/connectors/c1/topics", "", 200, `{"c1":{"topics":["a","b"]}}`},
		{"topics reset disabled", "PUT", "/connectors/c1/topics/reset", "", 403, `Topic tracking reset is disabled.`},
		{"offsets", "GET", "/connectors/c1/offsets", "", 200, `{"offsets":[]}`},
		{"alter offsets empty", "PATCH", "/connectors/c1/offsets", `{"offsets":[]}`, 400, `Partitions / offsets need to be provided for an alter offsets request`},
		{"alter offsets running", "PATCH", "/connectors/c1/offsets", `{"offsets":[{"partition":{"a":1},"offset":null}]}`, 400, `STOPPED`},
		{"reset offsets", "DELETE", "/connectors/c1/offsets", "", 200, `{"message":"The offsets for this connector have been reset successfully"}`},
		{"plugins", "GET", "/connector-plugins", "", 200, `"type":"sink"`},
		{"plugin config unknown", "GET", "/connector-plugins/Nope/config", "", 404, `Unknown plugin Nope.`},
		{"validate mismatch", "PUT", "/connector-plugins/FileStreamSource/config/validate", `{"connector.class":"FileStreamSinkConnector"}`, 400, `Included connector type FileStreamSinkConnector does not match request type FileStreamSource`},
		{"validate alias", "PUT", "/connector-plugins/FileStreamSink/config/validate", `{"connector.class":"org.apache.kafka.connect.file.FileStreamSinkConnector"}`, 200, `"name":"x"`},
		{"admin hidden", "GET", "/admin/loggers", "", 404, `HTTP 404 Not Found`},
		{"delete", "DELETE", "/connectors/c2", "", 204, ``},
		{"delete unknown", "DELETE", "/connectors/c2", "", 404, `Connector c2 not found`},
		{"internal tasks", "POST", "/connectors/c1/tasks", `[{"a":"b"}]`, 204, ``},
		{"internal bad signature", "POST", "/connectors/c1/tasks", `[]`, 400, `base64`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.name == "internal bad signature" {
				hdr = []string{"X-Connect-Authorization", "%%%", "X-Connect-Request-Signature-Algorithm", "HmacSHA256"}
			}
			r := do(t, srv, tc.method, tc.path, tc.body, hdr...)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d; body %s", r.status, tc.status, r.body)
			}
			text := r.body
			if r.status >= 400 {
				var e errorBody
				if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.ErrorCode != r.status || e.Message == "" {
					t.Fatalf("error body %s is not Connect's error entity", r.body)
				}
				text = e.Message
			}
			if tc.contains != "" && !strings.Contains(text, tc.contains) {
				t.Fatalf("body %s does not contain %s", r.body, tc.contains)
			}
		})
	}
	if got := strings.Join(f.calls, ","); got != "pause c1,resume c1,stop c1,restart c1,restartAll c1" {
		t.Fatalf("herder calls %q", got)
	}
}

func TestCreateLocationAndInitialState(t *testing.T) {
	f := newFake()
	srv := newTestServer(t, f, Config{})
	r := do(t, srv, "POST", "/connectors", `{"name":" my sink ","config":{"connector.class":"X"},"initial_state":"paused"}`)
	if r.status != 201 {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	if loc := r.header.Get("Location"); !strings.HasSuffix(loc, "/connectors/my%20sink") {
		t.Fatalf("Location %q", loc)
	}
	if f.lastTarget != herder.TargetPaused {
		t.Fatalf("initial state %q", f.lastTarget)
	}
	if got := f.configs["my sink"]["name"]; got != "my sink" {
		t.Fatalf("name not added to config: %q", got)
	}
	// The name is escaped in paths; GET finds it.
	if r := do(t, srv, "GET", "/connectors/my%20sink", ""); r.status != 200 {
		t.Fatalf("get escaped name: %d %s", r.status, r.body)
	}
}

// The seed document's connector JSON has a trailing comma; posting it as is
// must say where the JSON is broken.
func TestSeedTrailingCommaNamesLineAndColumn(t *testing.T) {
	seed := `{
  "name": "humio-sink",
  "config" : {
    "connector.class": "io.confluent.connect.elasticsearch.ElasticsearchSinkConnector",
    "tasks.max": 1,
    "topics": "logs",
    "max.retries": 1000,
  }
}`
	srv := newTestServer(t, newFake(), Config{})
	r := do(t, srv, "POST", "/connectors", seed)
	if r.status != 400 {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	for _, want := range []string{"trailing comma", "line 8, column 3"} {
		if !strings.Contains(r.body, want) {
			t.Fatalf("body %s lacks %q", r.body, want)
		}
	}
}

func TestExpand(t *testing.T) {
	f := newFake()
	f.configs["a"] = map[string]string{"name": "a"}
	srv := newTestServer(t, f, Config{})
	r := do(t, srv, "GET", "/connectors?expand=status&expand=info", "")
	var out map[string]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatal(err, r.body)
	}
	if _, ok := out["a"]["status"]; !ok {
		t.Fatalf("no status in %s", r.body)
	}
	if _, ok := out["a"]["info"]; !ok {
		t.Fatalf("no info in %s", r.body)
	}
}

func TestForwardToLeader(t *testing.T) {
	leader := newFake()
	leaderSrv := newTestServer(t, leader, Config{})
	follower := newFake()
	follower.notLeader = leaderSrv.URL + "/"
	followerSrv := newTestServer(t, follower, Config{})

	r := do(t, followerSrv, "POST", "/connectors", `{"name":"c","config":{"a":"b"}}`, "Authorization", "Basic dTpw")
	if r.status != 201 {
		t.Fatalf("forwarded create: %d %s", r.status, r.body)
	}
	if _, ok := leader.configs["c"]; !ok {
		t.Fatal("leader did not get the connector")
	}
	// A request already forwarded twice is refused.
	r = do(t, followerSrv, "POST", "/connectors?forward=false", `{"name":"d","config":{}}`)
	if r.status != 409 || !strings.Contains(r.body, "conflicting operation") {
		t.Fatalf("hop limit: %d %s", r.status, r.body)
	}
	// No known leader.
	follower.notLeader = ""
	noLeader := newFake()
	noLeaderSrv := newTestServer(t, herderFunc{noLeader}, Config{})
	r = do(t, noLeaderSrv, "DELETE", "/connectors/x", "")
	if r.status != 409 || !strings.Contains(r.body, "no known leader URL") {
		t.Fatalf("no leader: %d %s", r.status, r.body)
	}
	// Errors from the leader come back with their status and message.
	follower.notLeader = leaderSrv.URL + "/"
	r = do(t, followerSrv, "POST", "/connectors", `{"name":"c","config":{"a":"b"}}`)
	if r.status != 409 || !strings.Contains(r.body, "Connector c already exists") {
		t.Fatalf("forwarded error: %d %s", r.status, r.body)
	}
}

// herderFunc answers every delete with an unknown-leader error.
type herderFunc struct{ *fakeHerder }

func (herderFunc) DeleteConnector(context.Context, string) error {
	return &herder.NotLeaderError{}
}

type fakeLoggers struct{ set map[string]string }

func (l *fakeLoggers) Levels() map[string]herder.LoggerLevel {
	out := map[string]herder.LoggerLevel{}
	for k, v := range l.set {
		out[k] = herder.LoggerLevel{Level: v}
	}
	return out
}
func (l *fakeLoggers) Level(name string) (herder.LoggerLevel, bool) {
	v, ok := l.set[name]
	return herder.LoggerLevel{Level: v}, ok
}
func (l *fakeLoggers) SetLevel(ns, level string) []string {
	l.set[ns] = level
	return []string{ns}
}
func (l *fakeLoggers) ValidLevel(level string) bool {
	switch strings.ToUpper(level) {
	case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF":
		return true
	}
	return false
}

func TestLoggersAndCORS(t *testing.T) {
	l := &fakeLoggers{set: map[string]string{"root": "INFO"}}
	srv := newTestServer(t, newFake(), Config{AdminEnabled: true, Loggers: l, AllowOrigin: "http://ui.example"})
	if r := do(t, srv, "PUT", "/admin/loggers/worker", `{"level":"debug"}`); r.status != 200 || r.body != `["worker"]` {
		t.Fatalf("set level: %d %s", r.status, r.body)
	}
	if r := do(t, srv, "PUT", "/admin/loggers/worker", `{"level":"LOUD"}`); r.status != 404 || !strings.Contains(r.body, "invalid log level 'LOUD'.") {
		t.Fatalf("bad level: %d %s", r.status, r.body)
	}
	if r := do(t, srv, "PUT", "/admin/loggers/worker", `{}`); r.status != 400 {
		t.Fatalf("missing level: %d %s", r.status, r.body)
	}
	if r := do(t, srv, "GET", "/admin/loggers/nope", ""); r.status != 404 || !strings.Contains(r.body, "Logger nope not found.") {
		t.Fatalf("unknown logger: %d %s", r.status, r.body)
	}
	if r := do(t, srv, "PUT", "/admin/loggers/x?scope=cluster", `{"level":"WARN"}`); r.status != 204 {
		t.Fatalf("cluster scope: %d %s", r.status, r.body)
	}
	r := do(t, srv, "GET", "/", "", "Origin", "http://ui.example")
	if r.header.Get("Access-Control-Allow-Origin") != "http://ui.example" {
		t.Fatalf("CORS header missing: %v", r.header)
	}
	r = do(t, srv, "GET", "/", "", "Origin", "http://evil.example")
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("CORS allowed an unlisted origin")
	}
}
