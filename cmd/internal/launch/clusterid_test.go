package launch

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/worker"
)

const storesDir = "../../../connector/tlsstore/testdata"

// The cluster id is asked for with the worker's security settings: over
// SASL_SSL with a JKS trust store, as a managed cluster wants.
func TestClusterIDOverSASLSSL(t *testing.T) {
	cert, err := tls.LoadX509KeyPair(storesDir+"/server-chain.pem", storesDir+"/server-key.pem")
	if err != nil {
		t.Fatal(err)
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.ClusterID("secured-cluster"),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{cert}}),
		kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "connect", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cfg, err := worker.KafkaClientConfig(c.ListenAddrs(), map[string]string{
		"security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-256",
		"sasl.jaas.config":        `org.apache.kafka.common.security.scram.ScramLoginModule required username="connect" password="s3cret";`,
		"ssl.truststore.location": storesDir + "/truststore.jks", "ssl.truststore.password": "trustpass"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	id, err := ClusterID(ctx, c.ListenAddrs(), &KafkaClients{base: cfg})
	if err != nil || id != "secured-cluster" {
		t.Fatalf("cluster id %q, %v", id, err)
	}
}

// Kafka refusing the credentials (SASL_AUTHENTICATION_FAILED, as sarama
// reports it) stops the start-up at once; a connection error is retried.
func TestRefusedCredentialsAreNotRetried(t *testing.T) {
	refused := errors.Join(sarama.Wrap(sarama.ErrSASLAuthenticationFailed,
		errors.New("Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512")))
	if !authFailed(refused) {
		t.Errorf("%v is not taken for refused credentials", refused)
	}
	if authFailed(errors.Join(io.EOF)) {
		t.Error("EOF is taken for refused credentials")
	}
}
