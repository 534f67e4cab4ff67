package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
)

// connect-standalone serves /metrics too: the Humio sink's records are
// counted, and there are no rebalance metrics (a standalone worker has no
// group).
func TestMetrics(t *testing.T) {
	broker := proctest.Broker(t, kfake.SeedTopics(2, "logs"))
	const n = 3000
	produceLogs(t, broker, "logs", n)
	w := startHumioWorker(t, broker)
	r := newHumioRun(t, w, "humio-sink", humiotest.Config{})
	r.create(nil)
	r.waitEvents(n, 60*time.Second)

	var body string
	proctest.WaitFor(t, 30*time.Second, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		code, b, err := proctest.HTTP(ctx, http.MethodGet, w.url+"/metrics", "")
		if err != nil || code != http.StatusOK {
			return fmt.Errorf("GET /metrics: %d %v", code, err)
		}
		body = b
		parser := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
		if err != nil {
			t.Fatalf("GET /metrics: not the Prometheus text format: %v", err)
		}
		var sent float64
		for _, m := range fams["kafka_connect_sink_task_metrics_sink_record_send_total"].GetMetric() {
			sent += m.GetGauge().GetValue()
		}
		if sent < n {
			return fmt.Errorf("sink_record_send_total %v, want >= %d", sent, n)
		}
		if _, ok := fams["kafka_connect_humio_sink_task_metrics_bulk_requests_total"]; !ok {
			return fmt.Errorf("the Humio sink's metrics are missing")
		}
		return nil
	})
	if strings.Contains(body, "kafka_connect_connect_worker_rebalance_metrics_") {
		t.Errorf("a standalone worker serves rebalance metrics")
	}
}
