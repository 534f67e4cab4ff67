package worker

import (
	"strings"
	"testing"

	"github.com/IBM/sarama"
)

// The dead letter queue's clients are Java's: the producer of a source task
// under the client id connector-dlq-producer-<connector>-<task>, honouring
// the worker's producer. keys and the connector's producer.override. keys;
// the admin client connector-dlq-adminclient- with admin. and
// admin.override. keys; both subject to the override policy.
func TestDeadLetterQueueClients(t *testing.T) {
	w := testWorker(t, func(c *Config) {
		c.ProducerProps = map[string]string{"compression.type": "lz4", "acks": "0"}
		c.AdminProps = map[string]string{"request.timeout.ms": "1234"}
	})
	conn := map[string]string{"producer.override.acks": "1", "admin.override.bootstrap.servers": "admin:9092"}
	ps, err := w.dlqProducerSettings("humio", 2, conn)
	if err != nil {
		t.Fatal(err)
	}
	c := ps.sarama
	if c.ClientID != "connector-dlq-producer-humio-2" || c.Producer.RequiredAcks != sarama.WaitForLocal ||
		c.Producer.Compression != sarama.CompressionLZ4 || c.Producer.Idempotent || c.Net.MaxOpenRequests != 1 {
		t.Fatalf("producer: client id %q acks %v compression %v idempotent %v in flight %d",
			c.ClientID, c.Producer.RequiredAcks, c.Producer.Compression, c.Producer.Idempotent, c.Net.MaxOpenRequests)
	}
	if strings.Join(ps.brokers, ",") != "k1:9092,k2:9092" {
		t.Fatalf("producer brokers %v", ps.brokers)
	}
	as, err := w.dlqAdminSettings(conn)
	if err != nil {
		t.Fatal(err)
	}
	if as.sarama.ClientID != "connector-dlq-adminclient-" || as.sarama.Net.ReadTimeout.Milliseconds() != 1234 ||
		strings.Join(as.brokers, ",") != "admin:9092" {
		t.Fatalf("admin: client id %q timeout %v brokers %v", as.sarama.ClientID, as.sarama.Net.ReadTimeout, as.brokers)
	}

	strict := testWorker(t, func(c *Config) { c.ClientOverridePolicy = "None" })
	if _, err := strict.dlqProducerSettings("c", 0, map[string]string{"producer.override.acks": "1"}); err == nil ||
		!strings.Contains(err.Error(), "producer.override.acks") {
		t.Fatalf("override policy None: %v", err)
	}
	if _, err := strict.dlqAdminSettings(map[string]string{"admin.override.request.timeout.ms": "1"}); err == nil ||
		!strings.Contains(err.Error(), "admin.override.request.timeout.ms") {
		t.Fatalf("override policy None (admin): %v", err)
	}
}
