package worker

import (
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/storage"
)

type nopEvents struct{}

func (nopEvents) ConnectorStateChanged(string, storage.State, error)    {}
func (nopEvents) TaskStateChanged(storage.TaskID, storage.State, error) {}
func (nopEvents) TaskReconfigurationRequested(string)                   {}
func (nopEvents) TopicUsed(string, int, string)                         {}

func testWorker(t *testing.T, mutate func(*Config)) *Worker {
	t.Helper()
	cfg := Config{BootstrapServers: []string{"k1:9092", "k2:9092"}, Registry: plugin.NewRegistry(), Events: nopEvents{}}
	if mutate != nil {
		mutate(&cfg)
	}
	w, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestProducerDefaultsAreJavas(t *testing.T) {
	w := testWorker(t, nil)
	s, err := w.producerSettings("my conn", 3, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	c := s.sarama
	if c.Producer.RequiredAcks != sarama.WaitForAll || c.Producer.Idempotent || c.Net.MaxOpenRequests != 1 {
		t.Fatalf("acks %v idempotent %v in flight %d", c.Producer.RequiredAcks, c.Producer.Idempotent, c.Net.MaxOpenRequests)
	}
	if c.ClientID != "connector-producer-my_conn-3" {
		t.Fatalf("client id %q", c.ClientID)
	}
	if c.Producer.Retry.Max != maxProducerRetries {
		t.Fatalf("retries %d", c.Producer.Retry.Max)
	}
	if strings.Join(s.brokers, ",") != "k1:9092,k2:9092" {
		t.Fatalf("brokers %v", s.brokers)
	}
}

func TestClientPrecedence(t *testing.T) {
	w := testWorker(t, func(c *Config) {
		c.ProducerProps = map[string]string{"acks": "0", "compression.type": "lz4", "linger.ms": "5"}
		c.ConsumerProps = map[string]string{"max.poll.records": "100", "auto.offset.reset": "latest"}
	})
	s, err := w.producerSettings("c", 0, map[string]string{"producer.override.acks": "1", "producer.override.bootstrap.servers": "other:9092"})
	if err != nil {
		t.Fatal(err)
	}
	if s.sarama.Producer.RequiredAcks != sarama.WaitForLocal || s.sarama.Producer.Compression != sarama.CompressionLZ4 ||
		s.sarama.Producer.Flush.Frequency != 5*time.Millisecond || s.brokers[0] != "other:9092" {
		t.Fatalf("producer %+v brokers %v", s.sarama.Producer, s.brokers)
	}
	cs, err := w.consumerSettings("c", 1, map[string]string{"consumer.override.group.id": "custom", "consumer.override.max.poll.records": "7"})
	if err != nil {
		t.Fatal(err)
	}
	if cs.groupID != "custom" || cs.maxPollRecords != 7 || cs.sarama.Consumer.Offsets.Initial != sarama.OffsetNewest ||
		cs.sarama.ClientID != "connector-consumer-c-1" {
		t.Fatalf("consumer group %q max.poll %d initial %d id %q", cs.groupID, cs.maxPollRecords, cs.sarama.Consumer.Offsets.Initial, cs.sarama.ClientID)
	}
	cs, err = w.consumerSettings("c", 0, nil)
	if err != nil || cs.groupID != "connect-c" {
		t.Fatalf("default group %q %v", cs.groupID, err)
	}
}

func TestBadClientValuesNameTheKey(t *testing.T) {
	w := testWorker(t, func(c *Config) { c.ProducerProps = map[string]string{"linger.ms": "soon"} })
	_, err := w.producerSettings("c", 0, nil)
	if err == nil || !strings.Contains(err.Error(), `producer.linger.ms="soon"`) {
		t.Fatalf("worker key: %v", err)
	}
	w = testWorker(t, nil)
	_, err = w.producerSettings("c", 0, map[string]string{"producer.override.acks": "maybe"})
	if err == nil || !strings.Contains(err.Error(), `producer.override.acks="maybe": expected all, -1, 0 or 1`) {
		t.Fatalf("override: %v", err)
	}
	_, err = w.consumerSettings("c", 0, map[string]string{"consumer.override.security.protocol": "SASL_SSL", "consumer.override.sasl.mechanism": "GSSAPI"})
	if err == nil || !strings.Contains(err.Error(), "consumer.override.sasl.mechanism") {
		t.Fatalf("gssapi: %v", err)
	}
}

func TestOverridePolicy(t *testing.T) {
	w := testWorker(t, func(c *Config) { c.ClientOverridePolicy = "None" })
	if _, err := w.producerSettings("c", 0, map[string]string{"producer.override.acks": "1"}); err == nil || !strings.Contains(err.Error(), "producer.override.acks") {
		t.Fatalf("None policy: %v", err)
	}
	w = testWorker(t, func(c *Config) { c.ClientOverridePolicy = "Principal" })
	if _, err := w.consumerSettings("c", 0, map[string]string{"consumer.override.security.protocol": "PLAINTEXT"}); err != nil {
		t.Fatalf("Principal policy refused security.protocol: %v", err)
	}
	if _, err := w.consumerSettings("c", 0, map[string]string{"consumer.override.max.poll.records": "1"}); err == nil {
		t.Fatal("Principal policy allowed max.poll.records")
	}
}

func TestSASL(t *testing.T) {
	w := testWorker(t, func(c *Config) {
		c.ProducerProps = map[string]string{
			"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "SCRAM-SHA-512",
			"sasl.jaas.config": `org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="s3\"cret";`,
		}
	})
	s, err := w.producerSettings("c", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := s.sarama.Net.SASL
	if !n.Enable || n.User != "alice" || n.Password != `s3"cret` || n.Mechanism != sarama.SASLTypeSCRAMSHA512 || n.SCRAMClientGeneratorFunc == nil {
		t.Fatalf("sasl %+v", n)
	}
}

// RFC 7677's SCRAM-SHA-256 example exchange.
func TestSCRAMSHA256Vector(t *testing.T) {
	c := newSCRAMSHA256().(*scramClient)
	if err := c.Begin("user", "pencil", ""); err != nil {
		t.Fatal(err)
	}
	c.nonce = "rOprNGfwEbeRWgbNEkqO"
	first, err := c.Step("")
	if err != nil || first != "n,,n=user,r=rOprNGfwEbeRWgbNEkqO" {
		t.Fatalf("client-first %q %v", first, err)
	}
	final, err := c.Step("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
	if err != nil {
		t.Fatal(err)
	}
	if want := "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="; final != want {
		t.Fatalf("client-final\n%s\nwant\n%s", final, want)
	}
	if _, err := c.Step("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="); err != nil || !c.Done() {
		t.Fatalf("server-final: %v done %v", err, c.Done())
	}
	bad := newSCRAMSHA256().(*scramClient)
	_ = bad.Begin("user", "pencil", "")
	bad.nonce = "rOprNGfwEbeRWgbNEkqO"
	_, _ = bad.Step("")
	_, _ = bad.Step("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
	if _, err := bad.Step("v=AAAA"); err == nil {
		t.Fatal("a wrong server signature was accepted")
	}
}

func TestTLSOnlyPEM(t *testing.T) {
	w := testWorker(t, func(c *Config) {
		c.ConsumerProps = map[string]string{"security.protocol": "SSL", "ssl.truststore.type": "JKS", "ssl.truststore.location": "/x.jks"}
	})
	if _, err := w.consumerSettings("c", 0, nil); err == nil || !strings.Contains(err.Error(), "consumer.ssl.truststore.type") {
		t.Fatalf("JKS: %v", err)
	}
}
