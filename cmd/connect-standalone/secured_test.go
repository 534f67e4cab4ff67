package main

import (
	"crypto/tls"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// The stores connector/tlsstore's tests use: a CA, a server certificate for
// 127.0.0.1 signed by it, and the CA in a JKS trust store (gen.sh there).
const storesDir = "../../connector/tlsstore/testdata"

// A Kafka cluster that wants SASL_SSL (SCRAM-SHA-512 over TLS), as managed
// clusters do, and a worker.properties written the way Java users write
// it: Java's JAAS line, a JKS trust store with its password. The file
// connectors copy lines through the cluster. Unlike Java's worker, the
// connectors' producers and consumers take the worker's security settings
// (security.*, sasl.*, ssl.*) without producer./consumer. copies of them;
// the test relies on that. (kfake closes the connection on a wrong
// password instead of answering with Kafka's authentication error, so the
// fast failure on refused credentials is tested in cmd/internal/launch.)
func TestSecuredCluster(t *testing.T) {
	serverCert, err := tls.LoadX509KeyPair(filepath.Join(storesDir, "server-chain.pem"), filepath.Join(storesDir, "server-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	broker := proctest.Broker(t, kfake.TLS(&tls.Config{Certificates: []tls.Certificate{serverCert}}),
		kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "connect", "s3cret"))
	truststore, err := filepath.Abs(filepath.Join(storesDir, "truststore.jks"))
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	port := proctest.FreePort(t)
	in, out := filepath.Join(dir, "in.txt"), filepath.Join(dir, "out.txt")
	worker := proctest.WriteFile(t, dir, "worker.properties", fmt.Sprintf(`
bootstrap.servers=%s
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="connect" password="s3cret";
ssl.truststore.location=%s
ssl.truststore.password=trustpass
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=%s
offset.flush.interval.ms=500
listeners=http://127.0.0.1:%d
`, strings.Join(broker.ListenAddrs(), ","), truststore, filepath.Join(dir, "connect.offsets"), port))
	source := proctest.WriteFile(t, dir, "source.properties", fmt.Sprintf(
		"name=secured-source\nconnector.class=FileStreamSource\ntasks.max=1\nfile=%s\ntopic=secured\n", in))
	sink := proctest.WriteFile(t, dir, "sink.properties", fmt.Sprintf(
		"name=secured-sink\nconnector.class=FileStreamSink\ntasks.max=1\nfile=%s\ntopics=secured\n", out))
	const lines = 2000
	writeLines(t, in, 0, lines)
	p := proctest.Start(t, proctest.Binary(t, "connect-standalone"), worker, source, sink)

	proctest.WaitFor(t, 90*time.Second, func() error {
		if p.Exited() {
			t.Fatalf("connect-standalone exited:\n%s", p.Output())
		}
		counts, _, err := countLines(out)
		if err != nil {
			return err
		}
		if len(counts) < lines {
			return fmt.Errorf("%d of %d lines copied", len(counts), lines)
		}
		return nil
	})
	counts, _, err := countLines(out)
	if err != nil {
		t.Fatal(err)
	}
	for i := range lines {
		if counts[fmt.Sprintf("line-%06d", i)] == 0 {
			t.Fatalf("line %d missing", i)
		}
	}
}
