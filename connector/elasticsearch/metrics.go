package elasticsearch

import (
	"sync/atomic"
	"time"

	"github.com/kafka-connect-go/connect/connector"
)

// MetricsGroup is the group of the sink's own metrics; the worker exports
// them as kafka_connect_humio_sink_task_metrics_<name>, labelled with the
// connector and the task.
const MetricsGroup = "humio-sink-task-metrics"

// sinkStats counts what the task's senders do; the counters are updated
// once per bulk request, never per event.
type sinkStats struct {
	requests, failedRequests atomic.Int64
	bytesUncompressed        atomic.Int64 // bulk bodies as built
	bytesSent                atomic.Int64 // as sent (gzipped when compression is on)
	rejected                 atomic.Int64 // events Humio refused (malformed)
	retries                  atomic.Int64
	latencyNanos, latencyMax atomic.Int64
}

// request records one bulk request: its sizes, how long it took until the
// answer was read, and whether it failed (no answer, or not 2xx).
func (s *sinkStats) request(raw, sent int, d time.Duration, failed bool) {
	if s == nil {
		return
	}
	s.requests.Add(1)
	if failed {
		s.failedRequests.Add(1)
	}
	s.bytesUncompressed.Add(int64(raw))
	s.bytesSent.Add(int64(sent))
	s.latencyNanos.Add(int64(d))
	for {
		m := s.latencyMax.Load()
		if int64(d) <= m || s.latencyMax.CompareAndSwap(m, int64(d)) {
			break
		}
	}
}

// Metrics reports the sink's counters (connector.MetricsReporter). Safe
// to call from any goroutine, before Start too.
func (t *Task) Metrics() []connector.Metric {
	s := t.stats
	if s == nil {
		return nil
	}
	n := s.requests.Load()
	var avg float64
	if n > 0 {
		avg = float64(s.latencyNanos.Load()) / float64(n) / float64(time.Millisecond)
	}
	m := func(name, help string, v float64) connector.Metric {
		return connector.Metric{Group: MetricsGroup, Name: name, Help: help, Value: v}
	}
	return []connector.Metric{
		m("bulk-requests-total", "Bulk requests sent, retries included.", float64(n)),
		m("bulk-request-failures-total", "Bulk requests that got no answer or a non-2xx status.", float64(s.failedRequests.Load())),
		m("bytes-uncompressed-total", "Bytes of bulk bodies before compression.", float64(s.bytesUncompressed.Load())),
		m("bytes-sent-total", "Bytes of bulk bodies as sent (after compression when it is on).", float64(s.bytesSent.Load())),
		m("records-rejected-total", "Events Humio refused (malformed), handled by behavior.on.malformed.documents.", float64(s.rejected.Load())),
		m("retries-total", "Bulk requests retried.", float64(s.retries.Load())),
		m("request-time-ms-total", "Time spent in bulk requests, in milliseconds.", float64(s.latencyNanos.Load())/float64(time.Millisecond)),
		m("request-latency-avg-ms", "Mean bulk request latency since the task started, in milliseconds.", avg),
		m("request-latency-max-ms", "Longest bulk request since the task started, in milliseconds.", float64(s.latencyMax.Load())/float64(time.Millisecond)),
	}
}
