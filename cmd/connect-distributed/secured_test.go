package main

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// The stores connector/tlsstore's tests use: a server certificate for
// 127.0.0.1 and the CA that signed it in a JKS trust store (gen.sh there).
const storesDir = "../../connector/tlsstore/testdata"

// Two workers on a cluster that wants SASL_SSL (SCRAM-SHA-256 over TLS):
// the internal topics, the worker group and the connectors' clients all
// log in with the worker.properties' Java-style settings, and lines go
// file -> topic -> file through connectors created over REST.
func TestSecuredClusterDistributed(t *testing.T) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(storesDir, "server-chain.pem"), filepath.Join(storesDir, "server-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	truststore, err := filepath.Abs(filepath.Join(storesDir, "truststore.jks"))
	if err != nil {
		t.Fatal(err)
	}
	c := newCluster(t, fmt.Sprintf(`security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-256
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="connect" password="s3cret";
ssl.truststore.type=JKS
ssl.truststore.location=%s
ssl.truststore.password=trustpass
`, truststore), kfake.TLS(&tls.Config{Certificates: []tls.Certificate{cert}}),
		kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "connect", "s3cret"))
	ws := c.start(2)

	const lines = 1000
	var b strings.Builder
	for i := range lines {
		fmt.Fprintf(&b, "secured-%04d\n", i)
	}
	in, out := c.file("in.txt"), c.file("out.txt")
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	call(t, http.MethodPost, ws[0].url+"/connectors", fmt.Sprintf(`{"name":"secured-source","config":{
		"connector.class":"FileStreamSource","tasks.max":"1","topic":"secured","file":%q}}`, in), http.StatusCreated, nil)
	call(t, http.MethodPost, ws[1].url+"/connectors", fmt.Sprintf(`{"name":"secured-sink","config":{
		"connector.class":"FileStreamSink","tasks.max":"2","topics":"secured","file":%q}}`, out), http.StatusCreated, nil)
	c.waitRunning(60*time.Second, "secured-source", 1)
	c.waitRunning(60*time.Second, "secured-sink", 2)
	proctest.WaitFor(t, 60*time.Second, func() error {
		got, err := os.ReadFile(out)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, l := range strings.Split(string(got), "\n") {
			if l != "" {
				seen[l] = true
			}
		}
		if len(seen) < lines {
			return fmt.Errorf("%d of %d lines copied", len(seen), lines)
		}
		return nil
	})
}
