package worker

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
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

// storeFile is a store made by connector/tlsstore/testdata/gen.sh (CA
// "tlsstore test CA", server for 127.0.0.1, client "tlsstore test client").
func storeFile(name string) string {
	return filepath.Join("..", "connector", "tlsstore", "testdata", name)
}

// TestTLSStores builds consumer TLS from Java's store types and runs a
// mutual TLS handshake with a listener that requires a client certificate
// signed by the test CA.
func TestTLSStores(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props map[string]string
	}{
		{"jks trust, pkcs12 key", map[string]string{
			"ssl.truststore.type": "JKS", "ssl.truststore.location": storeFile("truststore.jks"),
			"ssl.truststore.password": "trustpass",
			"ssl.keystore.type":       "PKCS12", "ssl.keystore.location": storeFile("keystore.p12"),
			"ssl.keystore.password": "storepass",
		}},
		{"pkcs12 trust, jks key with its own password", map[string]string{
			"ssl.truststore.type": "pkcs12", "ssl.truststore.location": storeFile("truststore.p12"),
			"ssl.truststore.password": "trustpass",
			"ssl.keystore.type":       "jks", "ssl.keystore.location": storeFile("keystore-keypass.jks"),
			"ssl.keystore.password": "storepass", "ssl.key.password": "keypass",
		}},
		{"jks trust without password, no type given", map[string]string{
			"ssl.truststore.location": storeFile("truststore.jks"),
			"ssl.keystore.location":   storeFile("keystore.jks"), "ssl.keystore.password": "storepass",
		}},
		{"pem files", map[string]string{
			"ssl.truststore.type": "PEM", "ssl.truststore.location": storeFile("ca.pem"),
			"ssl.keystore.type": "PEM", "ssl.keystore.location": storeFile("client.pem"),
		}},
		{"inline pem", map[string]string{
			"ssl.truststore.certificates":    readFile(t, storeFile("ca.pem")),
			"ssl.keystore.key":               readFile(t, storeFile("client-key.pem")),
			"ssl.keystore.certificate.chain": readFile(t, storeFile("client-chain.pem")),
		}},
		{"encrypted pem file", map[string]string{
			"ssl.truststore.type": "PEM", "ssl.truststore.location": storeFile("ca.pem"),
			"ssl.keystore.type": "PEM", "ssl.keystore.location": storeFile("client-encrypted.pem"),
			"ssl.key.password": "keypass",
		}},
		{"inline encrypted pem", map[string]string{
			"ssl.truststore.certificates":    readFile(t, storeFile("ca.pem")),
			"ssl.keystore.key":               readFile(t, storeFile("client-key-des3.pem")),
			"ssl.keystore.certificate.chain": readFile(t, storeFile("client-chain.pem")),
			"ssl.key.password":               "keypass",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			props := map[string]string{"security.protocol": "SSL"}
			for k, v := range tc.props {
				props[k] = v
			}
			w := testWorker(t, func(c *Config) { c.ConsumerProps = props })
			s, err := w.consumerSettings("c", 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := tlsHandshake(t, s.sarama.Net.TLS.Config); got != "tlsstore test client" {
				t.Fatalf("the listener saw client %q", got)
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tlsHandshake dials a TLS listener on 127.0.0.1 with the server
// certificate of the test stores and returns the client certificate's
// common name the listener saw.
func tlsHandshake(t *testing.T, client *tls.Config) string {
	t.Helper()
	serverCert, err := tls.LoadX509KeyPair(storeFile("server-chain.pem"), storeFile("server-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	cas := x509.NewCertPool()
	if !cas.AppendCertsFromPEM([]byte(readFile(t, storeFile("ca.pem")))) {
		t.Fatal("ca.pem holds no certificate")
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{serverCert},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: cas})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type result struct {
		cn  string
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- result{err: err}
			return
		}
		defer c.Close()
		conn := c.(*tls.Conn)
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		if err := conn.Handshake(); err != nil {
			done <- result{err: err}
			return
		}
		done <- result{cn: conn.ConnectionState().PeerCertificates[0].Subject.CommonName}
	}()
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", ln.Addr().String(), client)
	if err != nil {
		t.Fatalf("client handshake: %v", err)
	}
	defer conn.Close()
	r := <-done
	if r.err != nil {
		t.Fatalf("server handshake: %v", r.err)
	}
	return r.cn
}

// TestTLSStoreErrorsNameTheKey checks that a bad store setting is reported
// under the key as the user wrote it, without the password.
func TestTLSStoreErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props map[string]string
		want  string
	}{
		{"wrong trust store password", map[string]string{
			"ssl.truststore.location": storeFile("truststore.jks"), "ssl.truststore.password": "wrong-secret",
		}, "consumer.ssl.truststore.password: "},
		{"wrong pkcs12 trust store password", map[string]string{
			"ssl.truststore.type": "PKCS12", "ssl.truststore.location": storeFile("truststore.p12"),
			"ssl.truststore.password": "wrong-secret",
		}, "consumer.ssl.truststore.password: "},
		{"unknown trust store type", map[string]string{
			"ssl.truststore.type": "JCEKS", "ssl.truststore.location": storeFile("truststore.jks"),
		}, "consumer.ssl.truststore.type: "},
		{"missing trust store", map[string]string{
			"ssl.truststore.type": "JKS", "ssl.truststore.location": "/nonexistent/x.jks",
		}, "consumer.ssl.truststore.location="},
		{"key store without password", map[string]string{
			"ssl.keystore.type": "JKS", "ssl.keystore.location": storeFile("keystore.jks"),
		}, "consumer.ssl.keystore.password: "},
		{"wrong key password", map[string]string{
			"ssl.keystore.location": storeFile("keystore-keypass.jks"), "ssl.keystore.password": "storepass",
			"ssl.key.password": "wrong-secret",
		}, "consumer.ssl.key.password: "},
		{"key password not given", map[string]string{
			"ssl.keystore.location": storeFile("keystore-keypass.jks"), "ssl.keystore.password": "storepass",
		}, "consumer.ssl.key.password: "},
		{"wrong key password, encrypted pem file", map[string]string{
			"ssl.keystore.type": "PEM", "ssl.keystore.location": storeFile("client-encrypted.pem"),
			"ssl.key.password": "wrong-secret",
		}, "consumer.ssl.key.password: "},
		{"key password not given, encrypted pem file", map[string]string{
			"ssl.keystore.type": "PEM", "ssl.keystore.location": storeFile("client-encrypted.pem"),
		}, "consumer.ssl.key.password: "},
		{"wrong key password, inline encrypted pem", map[string]string{
			"ssl.keystore.key":               readFile(t, storeFile("client-key-aes128.pem")),
			"ssl.keystore.certificate.chain": readFile(t, storeFile("client-chain.pem")),
			"ssl.key.password":               "wrong-secret",
		}, "consumer.ssl.key.password: "},
		{"key password not given, inline encrypted pem", map[string]string{
			"ssl.keystore.key":               readFile(t, storeFile("client-key-aes128.pem")),
			"ssl.keystore.certificate.chain": readFile(t, storeFile("client-chain.pem")),
		}, "consumer.ssl.key.password: "},
		{"key password for an unencrypted pem key", map[string]string{
			"ssl.keystore.type": "PEM", "ssl.keystore.location": storeFile("client.pem"),
			"ssl.key.password": "wrong-secret",
		}, "consumer.ssl.key.password: "},
		{"pbes1 pem key", map[string]string{
			"ssl.keystore.key":               readFile(t, storeFile("client-key-pbes1.pem")),
			"ssl.keystore.certificate.chain": readFile(t, storeFile("client-chain.pem")),
			"ssl.key.password":               "keypass",
		}, "consumer.ssl.keystore.key: encrypted private key: unsupported encryption scheme 1.2.840.113549.1.12.1.3"},
		{"trust store as key store", map[string]string{
			"ssl.keystore.location": storeFile("truststore.jks"), "ssl.keystore.password": "trustpass",
		}, "no private key entry"},
		{"inline certificates with a JKS type", map[string]string{
			"ssl.truststore.type": "JKS", "ssl.truststore.certificates": "x",
		}, "consumer.ssl.truststore.certificates needs consumer.ssl.truststore.type=PEM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			props := map[string]string{"security.protocol": "SSL"}
			for k, v := range tc.props {
				props[k] = v
			}
			w := testWorker(t, func(c *Config) { c.ConsumerProps = props })
			_, err := w.consumerSettings("c", 0, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
			for _, k := range []string{"ssl.truststore.password", "ssl.keystore.password", "ssl.key.password"} {
				if pw := props[k]; pw != "" && strings.Contains(err.Error(), pw) {
					t.Fatalf("error %q shows %s", err, k)
				}
			}
		})
	}
}
