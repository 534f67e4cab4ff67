package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
	"github.com/kafka-connect-go/connect/worker/herder"
)

// answer is one HTTP exchange.
type answer struct {
	status int
	body   []byte
	header http.Header
}

func httpDo(t *testing.T, method, url, body string, hdr map[string]string) answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, body: b, header: resp.Header}
}

// expect checks the status and returns the body decoded as JSON (nil for
// an empty body).
func expect(t *testing.T, method, url, body string, want int) any {
	t.Helper()
	a := httpDo(t, method, url, body, nil)
	if a.status != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, url, a.status, want, a.body)
	}
	if len(bytes.TrimSpace(a.body)) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v: %s", method, url, err, a.body)
	}
	return v
}

// expectError checks Connect's error body: {"error_code":status,"message":msg}.
func expectError(t *testing.T, method, url, body string, status int, msg string) {
	t.Helper()
	v := expect(t, method, url, body, status)
	m := object(t, v, "error_code", "message")
	if code, _ := m["error_code"].(float64); int(code) != status {
		t.Fatalf("%s %s: error_code %v, want %d", method, url, m["error_code"], status)
	}
	if got, _ := m["message"].(string); !strings.HasPrefix(got, msg) {
		t.Fatalf("%s %s: message %q, want it to start with %q", method, url, got, msg)
	}
}

// object checks v is a JSON object with exactly the given keys.
func object(t *testing.T, v any, keys ...string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("want a JSON object with keys %v, got %#v", keys, v)
	}
	got := slices.Sorted(maps.Keys(m))
	want := slices.Sorted(slices.Values(keys))
	if !slices.Equal(got, want) {
		t.Fatalf("JSON object has keys %v, want %v: %#v", got, want, m)
	}
	return m
}

func array(t *testing.T, v any) []any {
	t.Helper()
	a, ok := v.([]any)
	if !ok {
		t.Fatalf("want a JSON array, got %#v", v)
	}
	return a
}

// checkStatusShape checks a ConnectorStateInfo: name, connector state and
// worker, tasks with id, state and worker, type.
func checkStatusShape(t *testing.T, v any, name, typ string, tasks int, workers []string) {
	t.Helper()
	m := object(t, v, "name", "connector", "tasks", "type")
	if m["name"] != name || m["type"] != typ {
		t.Fatalf("status of %s: %v", name, m)
	}
	c := object(t, m["connector"], "state", "worker_id")
	if !slices.Contains(workers, c["worker_id"].(string)) {
		t.Fatalf("connector worker_id %v is not one of %v", c["worker_id"], workers)
	}
	ts := array(t, m["tasks"])
	if len(ts) != tasks {
		t.Fatalf("status of %s: %d tasks, want %d", name, len(ts), tasks)
	}
	for i, tv := range ts {
		tm := object(t, tv, "id", "state", "worker_id")
		if int(tm["id"].(float64)) != i || !slices.Contains(workers, tm["worker_id"].(string)) {
			t.Fatalf("task %d status %v", i, tm)
		}
	}
}

func produce(t *testing.T, brokers []string, topic string, values ...string) {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_6_0_0
	cfg.Producer.Return.Successes = true
	p, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, v := range values {
		if _, _, err := p.SendMessage(&sarama.ProducerMessage{Topic: topic, Value: sarama.StringEncoder(v)}); err != nil {
			t.Fatal(err)
		}
	}
}

// Every call of the REST API, answered by every worker — the leader and
// followers alike, forwarding where Java forwards — with the Java worker's
// JSON and its error answers.
func TestRESTAPIOnEveryWorker(t *testing.T) {
	c := newCluster(t, "", kfake.SeedTopics(4, "rest-in"))
	ws := c.start(3)
	var ids []string
	for _, w := range ws {
		ids = append(ids, w.id)
	}
	srcFile := c.file("source.txt")
	if err := os.WriteFile(srcFile, []byte("one\ntwo\nthree\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sinkCfg := func(name, file string, tasks int) string {
		return fmt.Sprintf(`{"connector.class":"FileStreamSink","tasks.max":"%d","topics":"rest-in","file":%q,"name":%q}`, tasks, file, name)
	}

	t.Run("root and health", func(t *testing.T) {
		for _, w := range ws {
			m := object(t, expect(t, http.MethodGet, w.url+"/", "", 200), "version", "commit", "kafka_cluster_id")
			if m["version"] == "" || m["kafka_cluster_id"] == "" {
				t.Fatalf("server info %v", m)
			}
			h := object(t, expect(t, http.MethodGet, w.url+"/health", "", 200), "status", "message")
			if h["status"] != "healthy" || h["message"] != "Worker has completed startup and is ready to handle requests." {
				t.Fatalf("health %v", h)
			}
		}
	})

	t.Run("plugins and validation", func(t *testing.T) {
		for _, w := range ws {
			plugins := array(t, expect(t, http.MethodGet, w.url+"/connector-plugins", "", 200))
			var classes []string
			for _, p := range plugins {
				m := object(t, p, "class", "type", "version")
				classes = append(classes, m["class"].(string))
			}
			if !slices.Contains(classes, "org.apache.kafka.connect.file.FileStreamSinkConnector") {
				t.Fatalf("plugins %v lack FileStreamSinkConnector", classes)
			}
			all := array(t, expect(t, http.MethodGet, w.url+"/connector-plugins?connectorsOnly=false", "", 200))
			if len(all) <= len(plugins) {
				t.Fatalf("connectorsOnly=false lists %d plugins, connectors only %d", len(all), len(plugins))
			}
			keys := array(t, expect(t, http.MethodGet, w.url+"/connector-plugins/FileStreamSink/config", "", 200))
			object(t, keys[0], "name", "type", "required", "default_value", "importance", "documentation", "group",
				"order", "width", "display_name", "dependents")
			expectError(t, http.MethodGet, w.url+"/connector-plugins/NoSuchPlugin/config", "", 404, "Unknown plugin NoSuchPlugin.")

			v := object(t, expect(t, http.MethodPut, w.url+"/connector-plugins/FileStreamSinkConnector/config/validate",
				`{"connector.class":"FileStreamSink","name":"v"}`, 200), "name", "error_count", "groups", "configs")
			if v["name"] != "FileStreamSink" || v["error_count"].(float64) < 1 {
				t.Fatalf("validate %v", v)
			}
			var topicErrors []any
			for _, ci := range array(t, v["configs"]) {
				m := object(t, ci, "definition", "value")
				if val, ok := m["value"].(map[string]any); ok && val["name"] == "topics" {
					object(t, val, "name", "value", "recommended_values", "errors", "visible")
					topicErrors = array(t, val["errors"])
				}
			}
			if len(topicErrors) == 0 {
				t.Fatalf("validate reports no error for the missing topics: %v", v["configs"])
			}
			expectError(t, http.MethodPut, w.url+"/connector-plugins/FileStreamSource/config/validate",
				`{"connector.class":"FileStreamSink"}`, 400, "Included connector type FileStreamSink does not match request type FileStreamSource")
		}
	})

	t.Run("create", func(t *testing.T) {
		// One create per worker: at least two of them are followers,
		// which forward to the leader.
		creates := []struct {
			w    *node
			body string
		}{
			{ws[0], fmt.Sprintf(`{"name":"s1","config":%s}`, sinkCfg("s1", c.file("s1.txt"), 2))},
			{ws[1], fmt.Sprintf(`{"name":"s2","config":%s}`, sinkCfg("s2", c.file("s2.txt"), 2))},
			{ws[2], fmt.Sprintf(`{"name":"src","config":{"connector.class":"FileStreamSource","tasks.max":"1","file":%q,"topic":"src-out"}}`, srcFile)},
		}
		for _, cr := range creates {
			a := httpDo(t, http.MethodPost, cr.w.url+"/connectors", cr.body, nil)
			if a.status != http.StatusCreated {
				t.Fatalf("create on %s: %d %s", cr.w.id, a.status, a.body)
			}
			var v any
			json.Unmarshal(a.body, &v)
			m := object(t, v, "name", "config", "tasks", "type")
			// Location points at the worker asked, as Java's does, even
			// when the leader did the work.
			if len(array(t, m["tasks"])) != 0 || a.header.Get("Location") != cr.w.url+"/connectors/"+m["name"].(string) {
				t.Fatalf("create answer %s, Location %q", a.body, a.header.Get("Location"))
			}
		}
		for _, w := range ws {
			proctest.WaitFor(t, 30*time.Second, func() error {
				var names []string
				if err := proctest.GetJSON(w.url+"/connectors", &names); err != nil {
					return err
				}
				if !slices.Equal(names, []string{"s1", "s2", "src"}) {
					return fmt.Errorf("%s lists %v", w.id, names)
				}
				return nil
			})
		}
		c.waitRunning(60*time.Second, "s1", 2)
		c.waitRunning(60*time.Second, "s2", 2)
		c.waitRunning(60*time.Second, "src", 1)
	})

	t.Run("create errors", func(t *testing.T) {
		for _, w := range ws {
			expectError(t, http.MethodPost, w.url+"/connectors",
				fmt.Sprintf(`{"name":"s1","config":%s}`, sinkCfg("s1", c.file("s1.txt"), 2)), 409, "Connector s1 already exists")
			expectError(t, http.MethodPost, w.url+"/connectors",
				`{"name":"x","config":{"connector.class":"FileStreamSink","topics":"rest-in","name":"y"}}`, 400,
				"Connector name configuration (y) doesn't match connector name in the URL (x)")
			expectError(t, http.MethodPut, w.url+"/connectors/x/config",
				`{"connector.class":"FileStreamSink","topics":"rest-in","name":"y"}`, 400,
				"Connector name configuration (y) doesn't match connector name in the URL (x)")
			expectError(t, http.MethodPost, w.url+"/connectors",
				`{"name":"bad","config":{"connector.class":"FileStreamSink"}}`, 400,
				"Connector configuration is invalid and contains the following 2 error(s):\nMust configure one of topics or topics.regex\nMust configure one of topics or topics.regex\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")
			expectError(t, http.MethodPost, w.url+"/connectors",
				`{"name":"bad","config":{"connector.class":"FileStreamSink","topics":"rest-in","tasks.max":"0"}}`, 400,
				"Connector configuration is invalid and contains the following 1 error(s):\nInvalid value 0 for configuration tasks.max: Value must be at least 1")
			expectError(t, http.MethodPost, w.url+"/connectors",
				`{"name":"bad","config":{"connector.class":"NoSuchConnector","topics":"rest-in"}}`, 500,
				"Failed to find any class that implements Connector and which name matches NoSuchConnector")
		}
	})

	produce(t, c.broker.ListenAddrs(), "rest-in", "r1", "r2", "r3", "r4")

	t.Run("reads", func(t *testing.T) {
		for _, w := range ws {
			info := object(t, expect(t, http.MethodGet, w.url+"/connectors/s1", "", 200), "name", "config", "tasks", "type")
			tasks := array(t, info["tasks"])
			if info["type"] != "sink" || len(tasks) != 2 {
				t.Fatalf("info %v", info)
			}
			object(t, tasks[1], "connector", "task")
			cfg := expect(t, http.MethodGet, w.url+"/connectors/s1/config", "", 200).(map[string]any)
			if cfg["topics"] != "rest-in" || cfg["name"] != "s1" {
				t.Fatalf("config %v", cfg)
			}
			checkStatusShape(t, expect(t, http.MethodGet, w.url+"/connectors/s1/status", "", 200), "s1", "sink", 2, ids)
			checkStatusShape(t, expect(t, http.MethodGet, w.url+"/connectors/src/status", "", 200), "src", "source", 1, ids)
			ts := object(t, expect(t, http.MethodGet, w.url+"/connectors/s1/tasks/1/status", "", 200), "id", "state", "worker_id")
			if ts["state"] != "RUNNING" {
				t.Fatalf("task status %v", ts)
			}
			for _, ti := range array(t, expect(t, http.MethodGet, w.url+"/connectors/s1/tasks", "", 200)) {
				m := object(t, ti, "id", "config")
				object(t, m["id"], "connector", "task")
				tc := m["config"].(map[string]any)
				if tc["task.class"] != "org.apache.kafka.connect.file.FileStreamSinkTask" || tc["topics"] != "rest-in" {
					t.Fatalf("task config %v", tc)
				}
			}
			object(t, expect(t, http.MethodGet, w.url+"/connectors/s1/tasks-config", "", 200), "s1-0", "s1-1")

			ex := object(t, expect(t, http.MethodGet, w.url+"/connectors?expand=status&expand=info", "", 200), "s1", "s2", "src")
			e := object(t, ex["s2"], "status", "info")
			checkStatusShape(t, e["status"], "s2", "sink", 2, ids)
			object(t, e["info"], "name", "config", "tasks", "type")
			onlyStatus := object(t, expect(t, http.MethodGet, w.url+"/connectors?expand=status", "", 200), "s1", "s2", "src")
			object(t, onlyStatus["src"], "status")

			proctest.WaitFor(t, 30*time.Second, func() error {
				var topics map[string]struct {
					Topics []string `json:"topics"`
				}
				if err := proctest.GetJSON(w.url+"/connectors/s1/topics", &topics); err != nil {
					return err
				}
				if got := topics["s1"].Topics; !slices.Equal(got, []string{"rest-in"}) {
					return fmt.Errorf("active topics %v", got)
				}
				return nil
			})
			object(t, expect(t, http.MethodGet, w.url+"/connectors/nope/topics", "", 200), "nope")
		}
	})

	t.Run("unknown connector", func(t *testing.T) {
		for _, w := range ws {
			u := w.url + "/connectors/nope"
			expectError(t, http.MethodGet, u, "", 404, "Connector nope not found")
			expectError(t, http.MethodGet, u+"/config", "", 404, "Connector nope not found")
			expectError(t, http.MethodGet, u+"/tasks", "", 404, "Connector nope not found")
			expectError(t, http.MethodGet, u+"/status", "", 404, "No status found for connector nope")
			expectError(t, http.MethodGet, u+"/tasks/0/status", "", 404, "No status found for task nope-0")
			expectError(t, http.MethodGet, u+"/offsets", "", 404, "Connector nope not found")
			expectError(t, http.MethodPut, u+"/pause", "", 404, "Unknown connector nope")
			expectError(t, http.MethodPut, u+"/resume", "", 404, "Unknown connector nope")
			expectError(t, http.MethodPut, u+"/stop", "", 404, "Unknown connector nope")
			expectError(t, http.MethodPost, u+"/restart", "", 404, "Unknown connector: nope")
			expectError(t, http.MethodPost, u+"/restart?includeTasks=true", "", 404, "Unknown connector: nope")
			expectError(t, http.MethodPost, u+"/tasks/0/restart", "", 404, "Unknown connector: nope")
			expectError(t, http.MethodPatch, u+"/config", `{"tasks.max":"2"}`, 404, "Connector nope not found")
			expectError(t, http.MethodDelete, u, "", 404, "Connector nope not found")
			expectError(t, http.MethodPost, w.url+"/connectors/s1/tasks/9/restart", "", 404, "Unknown task: s1-9")
		}
	})

	t.Run("put and patch config", func(t *testing.T) {
		m := object(t, expect(t, http.MethodPut, ws[2].url+"/connectors/s2/config", sinkCfg("s2", c.file("s2.txt"), 3), 200),
			"name", "config", "tasks", "type")
		if m["config"].(map[string]any)["tasks.max"] != "3" {
			t.Fatalf("put answer %v", m)
		}
		c.waitRunning(60*time.Second, "s2", 3)
		m = object(t, expect(t, http.MethodPatch, ws[0].url+"/connectors/s2/config", `{"tasks.max":"1","file":null}`, 200),
			"name", "config", "tasks", "type")
		cfg := m["config"].(map[string]any)
		if _, has := cfg["file"]; has || cfg["tasks.max"] != "1" {
			t.Fatalf("patch answer %v", m)
		}
		c.waitRunning(60*time.Second, "s2", 1)
		a := httpDo(t, http.MethodPut, ws[1].url+"/connectors/s3/config", sinkCfg("s3", c.file("s3.txt"), 1), nil)
		if a.status != http.StatusCreated || a.header.Get("Location") != ws[1].url+"/connectors/s3" {
			t.Fatalf("put of a new connector: %d %s, Location %q", a.status, a.body, a.header.Get("Location"))
		}
		c.waitRunning(60*time.Second, "s3", 1)
	})

	t.Run("pause and resume", func(t *testing.T) {
		if v := expect(t, http.MethodPut, ws[1].url+"/connectors/s1/pause", "", 202); v != nil {
			t.Fatalf("pause answered a body: %v", v)
		}
		proctest.WaitFor(t, 30*time.Second, func() error {
			for _, w := range c.live() {
				st, err := status(w, "s1")
				if err != nil {
					return err
				}
				if st.Connector.State != "PAUSED" || len(st.Tasks) != 2 || st.Tasks[0].State != "PAUSED" || st.Tasks[1].State != "PAUSED" {
					return fmt.Errorf("status %+v", st)
				}
			}
			return nil
		})
		expect(t, http.MethodPut, ws[2].url+"/connectors/s1/resume", "", 202)
		c.waitRunning(30*time.Second, "s1", 2)
	})

	t.Run("restart", func(t *testing.T) {
		for _, w := range ws {
			// Served by the connector's owner: forwarded there from a
			// follower through the leader.
			expect(t, http.MethodPost, w.url+"/connectors/s1/restart", "", 204)
			expect(t, http.MethodPost, w.url+"/connectors/s1/tasks/1/restart", "", 204)
		}
		c.waitRunning(30*time.Second, "s1", 2)
		plan := object(t, expect(t, http.MethodPost, ws[1].url+"/connectors/s1/restart?includeTasks=true", "", 202), "name", "connector", "tasks", "type")
		if plan["connector"].(map[string]any)["state"] != "RESTARTING" {
			t.Fatalf("plan %v", plan)
		}
		for _, tk := range array(t, plan["tasks"]) {
			if tk.(map[string]any)["state"] != "RESTARTING" {
				t.Fatalf("plan %v", plan)
			}
		}
		c.waitRunning(30*time.Second, "s1", 2)
		// Nothing failed: the plan restarts nothing.
		plan = object(t, expect(t, http.MethodPost, ws[2].url+"/connectors/s1/restart?includeTasks=true&onlyFailed=true", "", 202), "name", "connector", "tasks", "type")
		if plan["connector"].(map[string]any)["state"] != "RUNNING" {
			t.Fatalf("plan %v", plan)
		}
		c.waitRunning(30*time.Second, "s1", 2)
	})

	t.Run("offsets", func(t *testing.T) {
		proctest.WaitFor(t, 30*time.Second, func() error {
			var offs herder.ConnectorOffsets
			if err := proctest.GetJSON(ws[0].url+"/connectors/s1/offsets", &offs); err != nil {
				return err
			}
			if len(offs.Offsets) == 0 {
				return fmt.Errorf("no offsets committed yet")
			}
			return nil
		})
		for _, w := range ws {
			o := object(t, expect(t, http.MethodGet, w.url+"/connectors/s1/offsets", "", 200), "offsets")
			for _, e := range array(t, o["offsets"]) {
				m := object(t, e, "partition", "offset")
				object(t, m["partition"], "kafka_topic", "kafka_partition")
				object(t, m["offset"], "kafka_offset")
			}
			src := object(t, expect(t, http.MethodGet, w.url+"/connectors/src/offsets", "", 200), "offsets")
			for _, e := range array(t, src["offsets"]) {
				m := object(t, e, "partition", "offset")
				object(t, m["partition"], "filename")
				object(t, m["offset"], "position")
			}
			alter := `{"offsets":[{"partition":{"kafka_topic":"rest-in","kafka_partition":0},"offset":{"kafka_offset":1}}]}`
			stopped := "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/s1/stop' endpoint"
			expectError(t, http.MethodPatch, w.url+"/connectors/s1/offsets", alter, 400, stopped)
			expectError(t, http.MethodDelete, w.url+"/connectors/s1/offsets", "", 400, stopped)
		}
		expect(t, http.MethodPut, ws[1].url+"/connectors/s1/stop", "", 204)
		proctest.WaitFor(t, 30*time.Second, func() error {
			for _, w := range c.live() {
				st, err := status(w, "s1")
				if err != nil {
					return err
				}
				if st.Connector.State != "STOPPED" || len(st.Tasks) != 0 {
					return fmt.Errorf("status %+v", st)
				}
			}
			return nil
		})
		// The sink's consumers leave its group once its tasks stopped.
		alter := `{"offsets":[{"partition":{"kafka_topic":"rest-in","kafka_partition":0},"offset":{"kafka_offset":1}}]}`
		proctest.WaitFor(t, 30*time.Second, func() error {
			a := httpDo(t, http.MethodPatch, ws[2].url+"/connectors/s1/offsets", alter, nil)
			if a.status != 200 {
				return fmt.Errorf("alter: %d %s", a.status, a.body)
			}
			m := object(t, jsonOf(t, a.body), "message")
			if m["message"] != herder.OffsetsAlteredMessage {
				t.Fatalf("alter answer %v", m)
			}
			return nil
		})
		var offs herder.ConnectorOffsets
		if err := proctest.GetJSON(ws[0].url+"/connectors/s1/offsets", &offs); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, o := range offs.Offsets {
			if o.Partition["kafka_partition"] == float64(0) {
				found = o.Offset["kafka_offset"] == float64(1)
			}
		}
		if !found {
			t.Fatalf("offsets after alter: %+v", offs)
		}
		expectError(t, http.MethodPatch, ws[0].url+"/connectors/s1/offsets", `{"offsets":[]}`, 400,
			"Partitions / offsets need to be provided for an alter offsets request")
		m := object(t, expect(t, http.MethodDelete, ws[1].url+"/connectors/s1/offsets", "", 200), "message")
		if m["message"] != herder.OffsetsResetMessage {
			t.Fatalf("reset answer %v", m)
		}
		o := object(t, expect(t, http.MethodGet, ws[2].url+"/connectors/s1/offsets", "", 200), "offsets")
		if len(array(t, o["offsets"])) != 0 {
			t.Fatalf("offsets after reset: %v", o)
		}
		// Resume starts the connector again, and its tasks.
		expect(t, http.MethodPut, ws[0].url+"/connectors/s1/resume", "", 202)
		c.waitRunning(60*time.Second, "s1", 2)
	})

	t.Run("loggers", func(t *testing.T) {
		for _, w := range ws {
			levels := expect(t, http.MethodGet, w.url+"/admin/loggers", "", 200).(map[string]any)
			object(t, levels["root"], "level", "last_modified")
			expectError(t, http.MethodPut, w.url+"/admin/loggers/connect.rest", `{"level":"LOUD"}`, 404, "invalid log level 'LOUD'.")
			expectError(t, http.MethodPut, w.url+"/admin/loggers/connect.rest", `{}`, 400, "Desired 'level' parameter was not specified in request.")
		}
		changed := array(t, expect(t, http.MethodPut, ws[0].url+"/admin/loggers/connect.rest", `{"level":"WARN"}`, 200))
		if !slices.Contains(changed, any("connect.rest")) {
			t.Fatalf("worker scope changed %v", changed)
		}
		expect(t, http.MethodPut, ws[1].url+"/admin/loggers/connect.worker?scope=cluster", `{"level":"ERROR"}`, 204)
		for _, w := range ws {
			proctest.WaitFor(t, 30*time.Second, func() error {
				var lvl herder.LoggerLevel
				if err := proctest.GetJSON(w.url+"/admin/loggers/connect.worker", &lvl); err != nil {
					return err
				}
				if lvl.Level != "ERROR" || lvl.LastModified == nil {
					return fmt.Errorf("%s: connect.worker %+v", w.id, lvl)
				}
				return nil
			})
		}
	})

	t.Run("internal task configs endpoint", func(t *testing.T) {
		for _, w := range ws {
			u := w.url + "/connectors/s1/tasks"
			expectError(t, http.MethodPost, u, `[]`, 400, "Internal request missing required signature")
			expectError(t, http.MethodPut, w.url+"/connectors/src/fence", "", 400, "Internal request missing required signature")
			a := httpDo(t, http.MethodPost, u, `[]`, map[string]string{
				"X-Connect-Authorization": "bm90IGEgc2lnbmF0dXJl", "X-Connect-Request-Signature-Algorithm": "HmacSHA256"})
			if a.status != 403 || !strings.Contains(string(a.body), "Internal request contained invalid signature.") {
				t.Fatalf("bad signature: %d %s", a.status, a.body)
			}
			a = httpDo(t, http.MethodPost, u, `[]`, map[string]string{
				"X-Connect-Authorization": "bm90IGEgc2lnbmF0dXJl", "X-Connect-Request-Signature-Algorithm": "HmacMD5"})
			if a.status != 400 || !strings.Contains(string(a.body), "This worker does not support the 'HmacMD5' key signing algorithm used by other workers.") {
				t.Fatalf("unaccepted algorithm: %d %s", a.status, a.body)
			}
		}
	})

	t.Run("initial state", func(t *testing.T) {
		call(t, http.MethodPost, ws[2].url+"/connectors", fmt.Sprintf(`{"name":"p1","initial_state":"PAUSED","config":%s}`,
			sinkCfg("p1", c.file("p1.txt"), 1)), http.StatusCreated, nil)
		call(t, http.MethodPost, ws[1].url+"/connectors", fmt.Sprintf(`{"name":"x1","initial_state":"stopped","config":%s}`,
			sinkCfg("x1", c.file("x1.txt"), 1)), http.StatusCreated, nil)
		expectError(t, http.MethodPost, ws[0].url+"/connectors", fmt.Sprintf(`{"name":"y1","initial_state":"SLEEPING","config":%s}`,
			sinkCfg("y1", c.file("y1.txt"), 1)), 400, "initial_state")
		for name, state := range map[string]string{"p1": "PAUSED", "x1": "STOPPED"} {
			proctest.WaitFor(t, 30*time.Second, func() error {
				for _, w := range c.live() {
					st, err := status(w, name)
					if err != nil {
						return err
					}
					if st.Connector.State != state || len(st.Tasks) != 0 {
						return fmt.Errorf("%s as %s sees it: %+v", name, w.id, st)
					}
				}
				return nil
			})
		}
		expect(t, http.MethodPut, ws[0].url+"/connectors/p1/resume", "", 202)
		expect(t, http.MethodPut, ws[2].url+"/connectors/x1/resume", "", 202)
		c.waitRunning(60*time.Second, "p1", 1)
		c.waitRunning(60*time.Second, "x1", 1)
		expect(t, http.MethodDelete, ws[1].url+"/connectors/p1", "", 204)
		expect(t, http.MethodDelete, ws[1].url+"/connectors/x1", "", 204)
	})

	t.Run("topics reset and delete", func(t *testing.T) {
		if v := expect(t, http.MethodPut, ws[2].url+"/connectors/s1/topics/reset", "", 202); v != nil {
			t.Fatalf("reset answered %v", v)
		}
		object(t, expect(t, http.MethodGet, ws[0].url+"/connectors/s3/topics", "", 200), "s3")
		expect(t, http.MethodDelete, ws[2].url+"/connectors/s2", "", 204)
		expect(t, http.MethodDelete, ws[0].url+"/connectors/s3", "", 204)
		for _, w := range ws {
			proctest.WaitFor(t, 30*time.Second, func() error {
				a := httpDo(t, http.MethodGet, w.url+"/connectors/s2", "", nil)
				if a.status != 404 {
					return fmt.Errorf("%s: GET s2 %d", w.id, a.status)
				}
				a = httpDo(t, http.MethodGet, w.url+"/connectors/s2/status", "", nil)
				if a.status != 404 {
					return fmt.Errorf("%s: status of deleted s2 still there: %s", w.id, a.body)
				}
				return nil
			})
			var names []string
			if err := proctest.GetJSON(w.url+"/connectors", &names); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names, []string{"s1", "src"}) {
				t.Fatalf("%s lists %v after delete", w.id, names)
			}
		}
	})
}

func jsonOf(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	return v
}
