package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
)

// dashboardEntry is one line of testdata/dashboard_metrics.txt: a metric
// and the labels a dashboard query filters on ("" value: any non-empty).
type dashboardEntry struct {
	name   string
	labels map[string]string
}

func readDashboardEntries(t *testing.T) []dashboardEntry {
	t.Helper()
	f, err := os.Open("testdata/dashboard_metrics.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []dashboardEntry
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		e := dashboardEntry{name: fields[0], labels: map[string]string{}}
		for _, l := range fields[1:] {
			k, v, _ := strings.Cut(l, "=")
			e.labels[k] = v
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("testdata/dashboard_metrics.txt: %d entries; the file is truncated", len(out))
	}
	return out
}

// scrapeMetrics gets url and parses it with the Prometheus text parser.
func scrapeMetrics(url string) (map[string]*dto.MetricFamily, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	code, body, err := proctest.HTTP(ctx, http.MethodGet, url, "")
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d: %s", url, code, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("GET %s: not the Prometheus text format: %w", url, err)
	}
	return fams, nil
}

// series returns the value of the first series of name whose labels
// match want ("" matches any non-empty value).
func series(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, error) {
	f, ok := fams[name]
	if !ok {
		return 0, fmt.Errorf("%s missing", name)
	}
next:
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, lp := range m.GetLabel() {
			got[lp.GetName()] = lp.GetValue()
		}
		for k, v := range want {
			if got[k] == "" || (v != "" && got[k] != v) {
				continue next
			}
		}
		switch {
		case m.GetGauge() != nil:
			return m.GetGauge().GetValue(), nil
		case m.GetCounter() != nil:
			return m.GetCounter().GetValue(), nil
		default:
			return m.GetUntyped().GetValue(), nil
		}
	}
	return 0, fmt.Errorf("%s has no series with labels %v", name, want)
}

// While a Humio sink moves records and a file source runs (with one more
// source paused and one stopped), /metrics — on the REST listener and on
// the metrics.listeners one — answers in the Prometheus text format with
// every metric the Kafka Connect dashboard of jmx-monitoring-stacks
// queries, carrying the labels it filters on, and record rates above zero.
func TestMetricsDashboard(t *testing.T) {
	metricsPort := proctest.FreePort(t)
	c := newCluster(t, fmt.Sprintf("metrics.listeners=http://127.0.0.1:%d\n", metricsPort), kfake.SeedTopics(2, "logs"))
	ws := c.start(1)
	w := ws[0]

	srv := humiotest.New(humiotest.Config{})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	call(t, http.MethodPost, w.url+"/connectors", fmt.Sprintf(`{"name":"humio-sink","config":{
		"connector.class":"io.confluent.connect.elasticsearch.ElasticsearchSinkConnector","tasks.max":"2","topics":"logs",
		"key.ignore":"true","schema.ignore":"true","batch.size":"100","linger.ms":"5",
		"value.converter":"org.apache.kafka.connect.json.JsonConverter","value.converter.schemas.enable":"false",
		"connection.url":"%s/api/v1/dataspaces/sandbox/ingest/elasticsearch"}}`, ts.URL), http.StatusCreated, nil)

	// The file source writes JSON lines to the topic the sink reads.
	const lines = 2000
	var b strings.Builder
	for i := range lines {
		fmt.Fprintf(&b, `{"event_id":"src-%05d","message":"from the file source"}`+"\n", i)
	}
	srcFile := proctest.WriteFile(t, c.dir, "source.txt", b.String())
	call(t, http.MethodPost, w.url+"/connectors", fmt.Sprintf(`{"name":"file-source","config":{
		"connector.class":"FileStreamSource","tasks.max":"1","file":%q,"topic":"logs"}}`, srcFile), http.StatusCreated, nil)
	emptyFile := proctest.WriteFile(t, c.dir, "empty.txt", "")
	for _, name := range []string{"paused-source", "stopped-source"} {
		call(t, http.MethodPost, w.url+"/connectors", fmt.Sprintf(`{"name":%q,"config":{
			"connector.class":"FileStreamSource","tasks.max":"1","file":%q,"topic":"other"}}`, name, emptyFile), http.StatusCreated, nil)
	}
	c.waitRunning(60*time.Second, "humio-sink", 2)
	c.waitRunning(60*time.Second, "file-source", 1)
	c.waitRunning(60*time.Second, "paused-source", 1)
	c.waitRunning(60*time.Second, "stopped-source", 1)
	call(t, http.MethodPut, w.url+"/connectors/paused-source/pause", "", http.StatusAccepted, nil)
	call(t, http.MethodPut, w.url+"/connectors/stopped-source/stop", "", http.StatusNoContent, nil)

	const produced = 20_000
	produceEvents(t, c.broker.ListenAddrs(), "logs", 0, produced)
	proctest.WaitFor(t, 90*time.Second, func() error {
		if n := srv.Stats().Events; n < produced+lines {
			return fmt.Errorf("%d of %d events arrived", n, produced+lines)
		}
		return nil
	})

	entries := readDashboardEntries(t)
	urls := []string{w.url + "/metrics", fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort)}
	for _, url := range urls {
		// Statuses and commits settle within a few commit intervals; poll
		// until every entry is there.
		var fams map[string]*dto.MetricFamily
		proctest.WaitFor(t, 30*time.Second, func() error {
			var err error
			if fams, err = scrapeMetrics(url); err != nil {
				return err
			}
			var missing []string
			for _, e := range entries {
				if _, err := series(fams, e.name, e.labels); err != nil {
					missing = append(missing, err.Error())
				}
			}
			if len(missing) > 0 {
				return fmt.Errorf("%s: %d of %d dashboard metrics missing:\n%s", url, len(missing), len(entries), strings.Join(missing, "\n"))
			}
			return nil
		})
		positive := []struct {
			name   string
			labels map[string]string
		}{
			{"kafka_connect_sink_task_metrics_sink_record_read_rate", map[string]string{"connector": "humio-sink", "task": ""}},
			{"kafka_connect_sink_task_metrics_sink_record_send_rate", map[string]string{"connector": "humio-sink", "task": ""}},
			{"kafka_connect_source_task_metrics_source_record_poll_rate", map[string]string{"connector": "file-source", "task": "0"}},
			{"kafka_connect_source_task_metrics_source_record_write_rate", map[string]string{"connector": "file-source", "task": "0"}},
			{"kafka_connect_sink_task_metrics_sink_record_read_total", map[string]string{"connector": "humio-sink", "task": ""}},
			{"kafka_connect_humio_sink_task_metrics_bulk_requests_total", map[string]string{"connector": "humio-sink", "task": ""}},
			{"kafka_connect_humio_sink_task_metrics_bytes_sent_total", map[string]string{"connector": "humio-sink", "task": ""}},
			{"kafka_connect_connect_worker_metrics_connector_running_task_count", map[string]string{"connector": "humio-sink"}},
			{"kafka_connect_connect_worker_rebalance_metrics_completed_rebalances", nil},
			{"kafka_connect_connect_metrics_connection_count", map[string]string{"client_id": "connect-" + strings.ReplaceAll(w.id, ":", "-")}},
			{"go_goroutines", nil},
			{"process_cpu_seconds_total", nil},
		}
		for _, p := range positive {
			v, err := series(fams, p.name, p.labels)
			if err != nil {
				t.Errorf("%s: %v", url, err)
				continue
			}
			if !(v > 0) {
				t.Errorf("%s: %s%v = %v, want > 0", url, p.name, p.labels, v)
			}
		}
		if v, err := series(fams, "kafka_connect_connect_worker_metrics_connector_count", map[string]string{"connector": "aggregate"}); err != nil || v != 4 {
			t.Errorf("%s: connector_count = %v (%v), want 4", url, v, err)
		}
		if v, err := series(fams, "kafka_connect_connector_metrics", map[string]string{"connector": "humio-sink", "connector_type": "sink"}); err != nil || v != 1 {
			t.Errorf("%s: connector_metrics{connector_type=sink} = %v (%v), want 1", url, v, err)
		}
	}
	// The metrics listener serves /metrics alone.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if code, _, err := proctest.HTTP(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/connectors", metricsPort), ""); err != nil || code != http.StatusNotFound {
		t.Errorf("GET /connectors on the metrics listener: HTTP %d (%v), want 404", code, err)
	}
}
