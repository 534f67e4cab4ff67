package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// A cluster whose listeners are https, with JKS key and trust stores as a
// Java worker.properties has them: a connector created on the follower is
// forwarded to the leader over HTTPS (trusting the worker's trust store),
// and the task configs of a connector running on the follower reach the
// leader the same way, so its tasks run.
func TestHTTPSListenersForwardToTheLeader(t *testing.T) {
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	stores := "../../connector/tlsstore/testdata"
	c := newCluster(t, fmt.Sprintf(`listeners.https.ssl.keystore.type=JKS
listeners.https.ssl.keystore.location=%s
listeners.https.ssl.keystore.password=storepass
listeners.https.ssl.key.password=storepass
listeners.https.ssl.truststore.type=JKS
listeners.https.ssl.truststore.location=%s
listeners.https.ssl.truststore.password=trustpass
`, abs("../internal/launch/testdata/server.jks"), abs(stores+"/truststore.jks")))
	ca, err := os.ReadFile(stores + "/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		t.Fatal("no certificate in ca.pem")
	}
	c.scheme = "https"
	c.client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	t.Cleanup(c.client.CloseIdleConnections)
	ws := c.start(2)
	for _, w := range ws {
		if !strings.HasPrefix(w.url, "https://") {
			t.Fatalf("worker url %s", w.url)
		}
	}

	var follower *node
	proctest.WaitFor(t, 60*time.Second, func() error {
		switch {
		case ws[0].isLeader() && !ws[1].isLeader():
			follower = ws[1]
		case ws[1].isLeader() && !ws[0].isLeader():
			follower = ws[0]
		default:
			return fmt.Errorf("leaders: %v %v", ws[0].isLeader(), ws[1].isLeader())
		}
		return nil
	})

	// Two connectors: the assignment spreads them, so one runs on the
	// follower and sends its task configs to the leader.
	names := []string{"tls-a", "tls-b"}
	for _, name := range names {
		body := fmt.Sprintf(`{"name":%q,"config":{"connector.class":"FileStreamSink","tasks.max":"2",`+
			`"topics":"tls-in","file":%q}}`, name, c.file(name+".txt"))
		code, b := httpsDo(t, c.client, http.MethodPost, follower.url+"/connectors", body)
		if code != http.StatusCreated {
			t.Fatalf("POST %s/connectors (the follower): %d %s", follower.url, code, b)
		}
	}
	if out := follower.proc.Output(); !strings.Contains(out, `msg="forwarding rest request"`) {
		t.Errorf("the follower did not forward the POST to the leader:\n%s", out)
	}
	onFollower := false
	for _, name := range names {
		c.waitRunning(60*time.Second, name, 2)
		for _, w := range ws {
			st, err := status(w, name)
			if err != nil {
				t.Fatalf("status of %s from %s: %v", name, w.id, err)
			}
			if err := st.Running(2); err != nil {
				t.Errorf("%s as %s sees it: %v", name, w.id, err)
			}
			onFollower = onFollower || st.Connector.WorkerID == follower.id
		}
	}
	if !onFollower {
		t.Log("no connector was assigned to the follower: the task configs were written by the leader itself")
	}
}

func httpsDo(t *testing.T, client *http.Client, method, url, body string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
