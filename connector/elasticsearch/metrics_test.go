package elasticsearch

import (
	"net/http"
	"testing"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
)

func metricValues(ms []connector.Metric) map[string]float64 {
	out := map[string]float64{}
	for _, m := range ms {
		if m.Group != MetricsGroup {
			continue
		}
		out[m.Name] = m.Value
	}
	return out
}

// The task's own metrics count requests (retries included), failures,
// bytes before and after gzip, and retries.
func TestTaskMetrics(t *testing.T) {
	if got := NewTask().Metrics(); len(got) == 0 {
		t.Fatal("an unstarted task reports no metrics")
	}
	srv, url := startHumio(t, humiotest.Config{})
	srv.FailNext(http.StatusServiceUnavailable, 2)
	r := startTask(t, props(url, keyCompression, "true", keyBatchSize, "1000"), nil)
	put(t, r, events("logs", 0, 0, 50))
	if _, err := r.task.PreCommit(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	m := metricValues(r.task.Metrics())
	st := srv.Stats()
	if m["bulk-requests-total"] != float64(st.Requests) || m["bulk-requests-total"] < 3 {
		t.Errorf("bulk-requests-total = %v, server saw %d requests (2 failed)", m["bulk-requests-total"], st.Requests)
	}
	if m["bulk-request-failures-total"] != 2 || m["retries-total"] != 2 {
		t.Errorf("failures %v retries %v, want 2 and 2", m["bulk-request-failures-total"], m["retries-total"])
	}
	if !(m["bytes-sent-total"] > 0 && m["bytes-sent-total"] < m["bytes-uncompressed-total"]) {
		t.Errorf("bytes sent %v, uncompressed %v: gzip should make them fewer", m["bytes-sent-total"], m["bytes-uncompressed-total"])
	}
	if !(m["request-latency-max-ms"] >= m["request-latency-avg-ms"] && m["request-latency-avg-ms"] > 0) {
		t.Errorf("latency avg %v max %v", m["request-latency-avg-ms"], m["request-latency-max-ms"])
	}
	if m["records-rejected-total"] != 0 {
		t.Errorf("records-rejected-total = %v, want 0", m["records-rejected-total"])
	}
}
