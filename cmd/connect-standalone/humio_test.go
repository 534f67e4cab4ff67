package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
)

// The Humio pipeline of the seed as a user runs it: the seed's
// worker.properties, connector JSON POSTed to the REST API, JSON log events
// in the topic logs, a Humio-compatible endpoint. Every run checks that
// the set of event ids stored equals the set produced.
const (
	humioEvents     = 200_000
	humioPartitions = 4
	// The endpoint of examples/humio-sink.json, replaced by each test
	// server's address.
	exampleHost = "localhost:8080"
)

// seedConnectorJSON is the connector JSON of Humio's guide exactly as it
// printed it, placeholders filled in: its trailing comma after
// "max.retries" makes it invalid JSON.
const seedConnectorJSON = `{
  "name": "humio-sink",
  "config" : {
    "connector.class": "io.confluent.connect.elasticsearch.ElasticsearchSinkConnector",
    "tasks.max": 1,
    "topics": "logs",
    "key.ignore": true,
    "schema.ignore": true,
    "behavior.on.malformed.documents": "warn",
    "drop.invalid.message": true,
    "connection.url": "http://localhost:8080/api/v1/dataspaces/sandbox/ingest/elasticsearch",
    "type.name": "kafka-ingest",
    "max.retries": 1000,
  }
}`

// humioWorker is a connect-standalone worker started from the seed's
// worker.properties, with the test's broker, port and offset file.
type humioWorker struct {
	url     string
	proc    *proctest.Process
	secrets string // a properties file the worker's file config provider reads
}

func startHumioWorker(t *testing.T, broker *kfake.Cluster) *humioWorker {
	t.Helper()
	seed, err := os.ReadFile(filepath.Join("..", "..", "examples", "worker.properties"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	port := proctest.FreePort(t)
	secrets := proctest.WriteFile(t, dir, "humio-secrets.properties", "password=pr0vided\n")
	props := proctest.WriteFile(t, dir, "worker.properties", string(seed)+fmt.Sprintf(`
# The test's broker, port and offset file (the last value of a key wins).
bootstrap.servers=%s
rest.host.name=127.0.0.1
rest.port=%d
offset.storage.file.filename=%s
# Secrets out of connector configs, as the README shows.
config.providers=file
config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
`, strings.Join(broker.ListenAddrs(), ","), port, filepath.Join(dir, "connect.offsets")))
	w := &humioWorker{url: fmt.Sprintf("http://127.0.0.1:%d", port), secrets: secrets,
		proc: proctest.Start(t, proctest.Binary(t, "connect-standalone"), props)}
	proctest.WaitFor(t, 60*time.Second, func() error {
		if w.proc.Exited() {
			t.Fatalf("connect-standalone exited:\n%s", w.proc.Output())
		}
		var info map[string]any
		return proctest.GetJSON(w.url+"/", &info)
	})
	return w
}

// produceLogs writes n JSON log events with unique event_id fields
// 0..n-1 to topic, spread over its partitions.
func produceLogs(t *testing.T, broker *kfake.Cluster, topic string, n int) {
	t.Helper()
	c := sarama.NewConfig()
	c.Version = sarama.V3_6_0_0
	c.Producer.Return.Successes = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Partitioner = sarama.NewRoundRobinPartitioner
	c.Producer.Flush.Messages = 1000
	c.Producer.Flush.Frequency = 10 * time.Millisecond
	prod, err := sarama.NewSyncProducer(broker.ListenAddrs(), c)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	levels := []string{"info", "info", "info", "debug", "warn", "error"}
	const chunk = 20_000
	for from := 0; from < n; from += chunk {
		msgs := make([]*sarama.ProducerMessage, 0, chunk)
		for i := from; i < min(from+chunk, n); i++ {
			v := fmt.Sprintf(`{"event_id":"%07d","level":%q,"service":"checkout","host":"web-%d","message":"order %d placed","duration_ms":%d}`,
				i, levels[i%len(levels)], i%7, i, i%500)
			msgs = append(msgs, &sarama.ProducerMessage{Topic: topic, Value: sarama.StringEncoder(v)})
		}
		if err := prod.SendMessages(msgs); err != nil {
			t.Fatal(err)
		}
	}
}

// eventIDs returns how often each event_id was stored.
func eventIDs(t *testing.T, srv *humiotest.Server) map[int]int {
	t.Helper()
	key := []byte(`"event_id":"`)
	ids := make(map[int]int, humioEvents)
	for _, e := range srv.Events() {
		i := bytes.Index(e.Source, key)
		if i < 0 {
			t.Fatalf("event without event_id: %s", e.Source)
		}
		rest := e.Source[i+len(key):]
		end := bytes.IndexByte(rest, '"')
		id, err := strconv.Atoi(string(rest[:end]))
		if err != nil {
			t.Fatalf("event_id in %s: %v", e.Source, err)
		}
		ids[id]++
	}
	return ids
}

// connectorJSON is examples/humio-sink.json renamed, pointed at url's
// host, with more config keys.
func connectorJSON(t *testing.T, name, host string, extra map[string]any) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "humio-sink.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(exampleHost)) {
		t.Fatalf("examples/humio-sink.json does not point at %s", exampleHost)
	}
	b = bytes.Replace(b, []byte(exampleHost), []byte(host), 1)
	if name == "humio-sink" && len(extra) == 0 {
		return string(b) // the file as it is
	}
	var req struct {
		Name   string         `json:"name"`
		Config map[string]any `json:"config"`
	}
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatalf("examples/humio-sink.json: %v", err)
	}
	req.Name = name
	for k, v := range extra {
		req.Config[k] = v
	}
	out, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// humioRun is one connector shipping the topic to one test server.
type humioRun struct {
	t    *testing.T
	w    *humioWorker
	name string
	srv  *humiotest.Server
	host string
}

func newHumioRun(t *testing.T, w *humioWorker, name string, cfg humiotest.Config) *humioRun {
	srv := humiotest.New(cfg)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &humioRun{t: t, w: w, name: name, srv: srv, host: strings.TrimPrefix(ts.URL, "http://")}
}

func (r *humioRun) create(extra map[string]any) {
	r.t.Helper()
	proctest.MustHTTP(r.t, http.MethodPost, r.w.url+"/connectors", connectorJSON(r.t, r.name, r.host, extra), http.StatusCreated)
	r.t.Cleanup(func() {
		proctest.MustHTTP(r.t, http.MethodDelete, r.w.url+"/connectors/"+r.name, "", http.StatusNoContent)
	})
}

// failed returns the connector's failure trace, if its task failed.
func (r *humioRun) failed() string {
	var st proctest.Status
	if err := proctest.GetJSON(r.w.url+"/connectors/"+r.name+"/status", &st); err != nil {
		return ""
	}
	for _, task := range st.Tasks {
		if task.State == "FAILED" {
			return task.Trace
		}
	}
	return ""
}

// waitEvents waits until at least n events were stored.
func (r *humioRun) waitEvents(n int, timeout time.Duration) {
	r.t.Helper()
	proctest.WaitFor(r.t, timeout, func() error {
		if trace := r.failed(); trace != "" {
			r.t.Fatalf("task failed: %s", trace)
		}
		if got := r.srv.Stats().Events; got < n {
			return fmt.Errorf("%d of %d events stored", got, n)
		}
		return nil
	})
}

// checkAll waits until every produced event_id is stored, then checks that
// nothing else was, and reports duplicates.
func (r *humioRun) checkAll(began time.Time) {
	r.t.Helper()
	r.waitEvents(humioEvents, 120*time.Second)
	took := time.Since(began)
	var ids map[int]int
	proctest.WaitFor(r.t, 30*time.Second, func() error {
		ids = eventIDs(r.t, r.srv)
		if len(ids) < humioEvents {
			return fmt.Errorf("%d distinct event ids stored, want %d", len(ids), humioEvents)
		}
		return nil
	})
	dups := 0
	for id, n := range ids {
		if id < 0 || id >= humioEvents {
			r.t.Fatalf("event_id %d was never produced", id)
		}
		dups += n - 1
	}
	if len(ids) != humioEvents {
		r.t.Fatalf("%d distinct event ids, want %d", len(ids), humioEvents)
	}
	st := r.srv.Stats()
	r.t.Logf("%d events in %v (%.0f/s), %d duplicates; %d requests, %d failed on command, largest batch %d, %d body bytes",
		humioEvents, took.Round(time.Millisecond), float64(humioEvents)/took.Seconds(), dups,
		st.Requests, st.Failed, st.MaxBatchSize, st.BodyBytes)
}

func TestHumioSink(t *testing.T) {
	broker := proctest.Broker(t, kfake.SeedTopics(humioPartitions, "logs"))
	began := time.Now()
	produceLogs(t, broker, "logs", humioEvents)
	t.Logf("produced %d events in %v", humioEvents, time.Since(began).Round(time.Millisecond))
	w := startHumioWorker(t, broker)

	// The guide's JSON with its trailing comma is refused with the place of
	// the mistake (README.md quotes this message).
	t.Run("seed JSON with the trailing comma", func(t *testing.T) {
		body := proctest.MustHTTP(t, http.MethodPost, w.url+"/connectors", seedConnectorJSON, http.StatusBadRequest)
		want := `{"error_code":400,"message":"Request body is not valid JSON: unexpected '}' after a trailing comma at line 14, column 3"}`
		if body != want {
			t.Fatalf("answer %s\nwant   %s", body, want)
		}
		readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(readme, []byte(want)) {
			t.Fatalf("README.md does not quote the answer %s", want)
		}
	})

	// examples/humio-sink.json as it is, the endpoint its dataspace URL.
	t.Run("plain", func(t *testing.T) {
		r := newHumioRun(t, w, "humio-sink", humiotest.Config{})
		began := time.Now()
		r.create(nil)
		r.checkAll(began)
		for _, e := range r.srv.Events()[:1] {
			if e.Repo != "sandbox" || e.Type != "kafka-ingest" || !bytes.Contains(e.Source, []byte(`"@timestamp":"`)) {
				t.Fatalf("event %+v: want repo sandbox, type kafka-ingest and an @timestamp", e)
			}
		}
	})

	t.Run("503 for 10s in the middle", func(t *testing.T) {
		r := newHumioRun(t, w, "humio-sink-503", humiotest.Config{})
		began := time.Now()
		// Retry waits capped at 1 s instead of 10, so the run goes on
		// soon after the outage.
		r.create(map[string]any{"humio.retry.backoff.max.ms": 1000})
		r.waitEvents(humioEvents/2, 120*time.Second)
		at := r.srv.Stats().Events
		r.srv.FailFor(http.StatusServiceUnavailable, 10*time.Second)
		if at >= humioEvents {
			t.Fatalf("all events arrived before the outage")
		}
		t.Logf("endpoint answers 503 for 10s from event %d on", at)
		r.checkAll(began)
		if r.srv.Stats().Failed == 0 {
			t.Fatal("no request was failed during the outage")
		}
	})

	t.Run("ingest token", func(t *testing.T) {
		r := newHumioRun(t, w, "humio-sink-token", humiotest.Config{Token: "ingest-token-1", TokenAuth: humiotest.TokenBearerOnly})
		began := time.Now()
		r.create(map[string]any{"humio.ingest.token": "ingest-token-1"})
		r.checkAll(began)
		if st := r.srv.Stats(); st.Unauthorized != 0 {
			t.Fatalf("%d requests refused", st.Unauthorized)
		}
	})

	t.Run("basic auth", func(t *testing.T) {
		r := newHumioRun(t, w, "humio-sink-basic", humiotest.Config{Username: "kafka", Password: "s3cret"})
		began := time.Now()
		r.create(map[string]any{"connection.username": "kafka", "connection.password": "s3cret"})
		r.checkAll(began)
		if st := r.srv.Stats(); st.Unauthorized != 0 {
			t.Fatalf("%d requests refused", st.Unauthorized)
		}
	})

	// The password from the file config provider: Humio gets it, the
	// REST API shows the reference, never the password.
	t.Run("password from a config provider", func(t *testing.T) {
		r := newHumioRun(t, w, "humio-sink-provided", humiotest.Config{Username: "kafka", Password: "pr0vided"})
		began := time.Now()
		ref := "${file:" + w.secrets + ":password}"
		r.create(map[string]any{"connection.username": "kafka", "connection.password": ref})
		r.checkAll(began)
		if st := r.srv.Stats(); st.Unauthorized != 0 {
			t.Fatalf("%d requests refused", st.Unauthorized)
		}
		cfg := proctest.MustHTTP(t, http.MethodGet, w.url+"/connectors/humio-sink-provided/config", "", http.StatusOK)
		if !strings.Contains(cfg, `"connection.password":"${file:`) || strings.Contains(cfg, "pr0vided") {
			t.Fatalf("config as the REST API shows it: %s", cfg)
		}
	})

	// The control: a wrong token fails the task at once, saying why.
	t.Run("wrong token", func(t *testing.T) {
		r := newHumioRun(t, w, "humio-sink-wrong-token", humiotest.Config{Token: "ingest-token-1"})
		r.create(map[string]any{"humio.ingest.token": "not-the-token"})
		proctest.WaitFor(t, 60*time.Second, func() error {
			trace := r.failed()
			if !strings.Contains(trace, "Humio refused the credentials") || !strings.Contains(trace, "HTTP 401") {
				return fmt.Errorf("task not failed with refused credentials (trace %q)", trace)
			}
			if strings.Contains(trace, "not-the-token") {
				t.Fatalf("the trace shows the token: %s", trace)
			}
			return nil
		})
		if st := r.srv.Stats(); st.Events != 0 || st.Unauthorized == 0 {
			t.Fatalf("stats %+v", st)
		}
	})

	t.Run("gzip", func(t *testing.T) {
		r := newHumioRun(t, w, "humio-sink-gzip", humiotest.Config{})
		began := time.Now()
		r.create(map[string]any{"connection.compression": true})
		r.checkAll(began)
		if st := r.srv.Stats(); st.Gzipped != st.Requests || st.Gzipped == 0 {
			t.Fatalf("%d of %d requests gzipped", st.Gzipped, st.Requests)
		}
	})
}
