package launch

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/IBM/sarama"

	"github.com/kafka-connect-go/connect/cmd/internal/builtin"
	"github.com/kafka-connect-go/connect/worker/config"
	"github.com/kafka-connect-go/connect/worker/metrics"
)

// Metrics makes the worker's metrics (metrics.num.samples,
// metrics.sample.window.ms) and the GET /metrics handler serving them
// with Go's runtime and process metrics.
func Metrics(wc *config.WorkerConfig, workerID string) (*metrics.Metrics, http.Handler, error) {
	m := metrics.New(metrics.Config{
		WorkerID: workerID, Version: builtin.KafkaVersion, Commit: Commit(),
		Samples: wc.MetricsNumSamples, Window: wc.MetricsSampleWindow,
	})
	h, err := metrics.Handler(m)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics: %w", err)
	}
	return m, h, nil
}

// metricsListeners parses metrics.listeners (this worker's own key, so
// not declared with Java's keys): comma-separated listener URLs; unset or
// empty for none.
func metricsListeners(wc *config.WorkerConfig) ([]config.Listener, error) {
	var out []config.Listener
	for _, item := range strings.Split(wc.Originals()[config.MetricsListenersConfig], ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		l, err := config.ParseListener(item)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %q: %w", wc.File, config.MetricsListenersConfig, item, err)
		}
		out = append(out, l)
	}
	return out, nil
}

// OwnMetricRegistry gives a client config a sarama metric registry of its
// own: configs cloned from one base share the base's, and a client's
// network figures must not mix with the others'.
func OwnMetricRegistry(c *sarama.Config) *sarama.Config {
	c.MetricRegistry = sarama.NewConfig().MetricRegistry
	return c
}

// meter is what sarama's go-metrics meters answer.
type meter interface {
	Count() int64
	Rate1() float64
}

// ClientStats reads a sarama client's network figures from its metric
// registry (give it one of its own: OwnMetricRegistry) for the
// connect-metrics group. Sarama's rates are one-minute moving averages
// rather than Kafka's sampled windows; the connection count is the number
// of brokers the client has talked to; sarama does not measure the I/O
// ratio nor count authentications, so those are reported as zero.
func ClientStats(c *sarama.Config) func() metrics.ClientStats {
	reg := c.MetricRegistry
	return func() metrics.ClientStats {
		var s metrics.ClientStats
		if reg == nil {
			return s
		}
		rate := func(name string) float64 {
			if m, ok := reg.Get(name).(meter); ok {
				return m.Rate1()
			}
			return 0
		}
		s.IncomingByteRate = rate("incoming-byte-rate")
		s.OutgoingByteRate = rate("outgoing-byte-rate")
		s.RequestRate = rate("request-rate")
		s.ResponseRate = rate("response-rate")
		reg.Each(func(name string, _ any) {
			if strings.HasPrefix(name, "request-rate-for-broker-") {
				s.ConnectionCount++
			}
		})
		return s
	}
}
