package launch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector/tlsstore"
	"github.com/kafka-connect-go/connect/worker/config"
)

// restWorkerConfig parses a standalone worker config with props on top of
// the few keys it needs.
func restWorkerConfig(t *testing.T, props map[string]string) *config.WorkerConfig {
	t.Helper()
	all := map[string]string{
		"bootstrap.servers":            "127.0.0.1:9092",
		"offset.storage.file.filename": filepath.Join(t.TempDir(), "offsets"),
		"key.converter":                "org.apache.kafka.connect.storage.StringConverter",
		"value.converter":              "org.apache.kafka.connect.storage.StringConverter",
	}
	for k, v := range props {
		all[k] = v
	}
	wc, err := config.Parse("worker.properties", all, config.Standalone, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return wc
}

// serveHTTPS binds the REST listeners of props and serves "ok" on them
// until the test ends; it returns the URL of the first.
func serveHTTPS(t *testing.T, props map[string]string) (string, error) {
	t.Helper()
	r, err := BindREST(restWorkerConfig(t, props))
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(r.Listeners[0])
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return "https://" + r.Listeners[0].Addr().String(), nil
}

// caPool is the test CA, which signed the server and client certificates.
func caPool(t *testing.T) *x509.CertPool {
	t.Helper()
	b, err := os.ReadFile(storesDir + "/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		t.Fatal("no certificate in ca.pem")
	}
	return pool
}

// get does a GET with a client trusting the test CA and presenting certs.
func get(t *testing.T, url string, certs ...tls.Certificate) error {
	t.Helper()
	c := RESTClient(&tls.Config{RootCAs: caPool(t), Certificates: certs}, 10*time.Second)
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || string(b) != "ok" {
		return fmt.Errorf("status %d, body %q", resp.StatusCode, b)
	}
	return nil
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every form of key store Java's HTTPS listeners take serves TLS a client
// trusting the CA accepts: JKS and PKCS12 (typed or sniffed), a PEM file,
// inline PEM, under listeners.https.* or the top-level ssl.*.
func TestHTTPSListenerKeyStores(t *testing.T) {
	for name, props := range map[string]map[string]string{
		"jks under listeners.https": {
			"listeners.https.ssl.keystore.type":     "JKS",
			"listeners.https.ssl.keystore.location": "testdata/server.jks",
			"listeners.https.ssl.keystore.password": "storepass",
			"listeners.https.ssl.key.password":      "storepass",
		},
		"pkcs12 top-level": {
			"ssl.keystore.type":     "PKCS12",
			"ssl.keystore.location": storesDir + "/server.p12",
			"ssl.keystore.password": "storepass",
		},
		"type unset, jks by content": {
			"ssl.keystore.location": "testdata/server.jks",
			"ssl.keystore.password": " storepass ",
		},
		"pem file": {
			"listeners.https.ssl.keystore.type":     "PEM",
			"listeners.https.ssl.keystore.location": storesDir + "/server.pem",
		},
		"inline pem": {
			"ssl.keystore.type":              "PEM",
			"ssl.keystore.key":               readFile(t, storesDir+"/server-key.pem"),
			"ssl.keystore.certificate.chain": readFile(t, storesDir+"/server-chain.pem"),
		},
	} {
		t.Run(name, func(t *testing.T) {
			props["listeners"] = "https://127.0.0.1:0"
			url, err := serveHTTPS(t, props)
			if err != nil {
				t.Fatal(err)
			}
			if err := get(t, url); err != nil {
				t.Fatalf("GET %s: %v", url, err)
			}
		})
	}
}

// ssl.client.auth=required with a JKS trust store: a client without a
// certificate is refused, one with a certificate the store's CA signed is
// served; requested serves both.
func TestHTTPSListenerClientAuth(t *testing.T) {
	client, err := tls.LoadX509KeyPair(storesDir+"/client.pem", storesDir+"/client.pem")
	if err != nil {
		t.Fatal(err)
	}
	props := func(auth string) map[string]string {
		return map[string]string{
			"listeners":                               "https://127.0.0.1:0",
			"listeners.https.ssl.keystore.location":   storesDir + "/server.p12",
			"listeners.https.ssl.keystore.password":   "storepass",
			"listeners.https.ssl.truststore.type":     "JKS",
			"listeners.https.ssl.truststore.location": storesDir + "/truststore.jks",
			"listeners.https.ssl.truststore.password": "trustpass",
			"listeners.https.ssl.client.auth":         auth,
		}
	}
	url, err := serveHTTPS(t, props("required"))
	if err != nil {
		t.Fatal(err)
	}
	if err := get(t, url); err == nil {
		t.Error("required: a client without a certificate was served")
	}
	if err := get(t, url, client); err != nil {
		t.Errorf("required: the client with client.pem: %v", err)
	}

	url, err = serveHTTPS(t, props("requested"))
	if err != nil {
		t.Fatal(err)
	}
	for _, certs := range [][]tls.Certificate{nil, {client}} {
		if err := get(t, url, certs...); err != nil {
			t.Errorf("requested, %d client certificates: %v", len(certs), err)
		}
	}

	// The top-level ssl.client.auth with the top-level stores; the inline
	// PEM trust store.
	url, err = serveHTTPS(t, map[string]string{
		"listeners":                   "https://127.0.0.1:0",
		"ssl.client.auth":             "required",
		"ssl.keystore.location":       storesDir + "/server.p12",
		"ssl.keystore.password":       "storepass",
		"ssl.truststore.certificates": readFile(t, storesDir+"/ca.pem"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := get(t, url); err == nil {
		t.Error("top-level required: a client without a certificate was served")
	}
	if err := get(t, url, client); err != nil {
		t.Errorf("top-level required: the client with client.pem: %v", err)
	}
}

// Bad stores fail BindREST with the file and the key as the user wrote it,
// never a password.
func TestHTTPSListenerBadStores(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props map[string]string
		want  []string
		is    error
	}{{
		name: "wrong store password",
		props: map[string]string{
			"listeners.https.ssl.keystore.location": "testdata/server.jks",
			"listeners.https.ssl.keystore.password": "wrongpass",
		},
		want: []string{"worker.properties: listeners.https.ssl.keystore.password:"},
		is:   tlsstore.ErrStorePassword,
	}, {
		name: "missing store password",
		props: map[string]string{
			"ssl.keystore.type":     "PKCS12",
			"ssl.keystore.location": storesDir + "/server.p12",
		},
		want: []string{"worker.properties: ssl.keystore.password:"},
		is:   tlsstore.ErrPasswordRequired,
	}, {
		name: "wrong trust store password",
		props: map[string]string{
			"ssl.client.auth":         "required",
			"ssl.keystore.location":   storesDir + "/server.p12",
			"ssl.keystore.password":   "storepass",
			"ssl.truststore.location": storesDir + "/truststore.jks",
			"ssl.truststore.password": "wrongpass",
		},
		want: []string{"worker.properties: ssl.truststore.password:"},
		is:   tlsstore.ErrStorePassword,
	}, {
		name: "missing file",
		props: map[string]string{
			"listeners.https.ssl.keystore.location": "testdata/nonexistent.jks",
			"listeners.https.ssl.keystore.password": "storepass",
		},
		want: []string{"worker.properties: listeners.https.ssl.keystore.location:", "nonexistent.jks"},
	}, {
		name: "unknown type",
		props: map[string]string{
			"ssl.keystore.type":     "BKS",
			"ssl.keystore.location": "testdata/server.jks",
			"ssl.keystore.password": "storepass",
		},
		want: []string{"worker.properties: ssl.keystore.type:"},
		is:   tlsstore.ErrUnknownType,
	}, {
		name: "no key store",
		props: map[string]string{
			"listeners.https.ssl.truststore.location": storesDir + "/truststore.jks",
		},
		want: []string{"worker.properties: an https listener needs a key store: listeners.https.ssl.keystore.location"},
	}, {
		name: "inline key with a JKS type",
		props: map[string]string{
			"ssl.keystore.type":              "JKS",
			"ssl.keystore.key":               readFile(t, storesDir+"/server-key.pem"),
			"ssl.keystore.certificate.chain": readFile(t, storesDir+"/server-chain.pem"),
		},
		want: []string{"worker.properties: ssl.keystore.key: needs ssl.keystore.type=PEM"},
	}, {
		name: "bad client auth",
		props: map[string]string{
			"listeners.https.ssl.keystore.location": "testdata/server.jks",
			"listeners.https.ssl.keystore.password": "storepass",
			"listeners.https.ssl.client.auth":       "always",
		},
		want: []string{"worker.properties: listeners.https.ssl.client.auth:"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			tc.props["listeners"] = "https://127.0.0.1:0"
			_, err := serveHTTPS(t, tc.props)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %v", err, tc.is)
			}
			for _, pw := range []string{"storepass", "wrongpass", "trustpass"} {
				if strings.Contains(err.Error(), pw) {
					t.Errorf("error %q shows a password", err)
				}
			}
		})
	}
}

// The client that reaches other workers trusts what the listeners' trust
// store trusts (a JKS here) and presents the key store to a listener that
// requires a client certificate; without the trust store it refuses the
// test CA's server as the system's CAs do.
func TestRESTClientTLS(t *testing.T) {
	leader, err := serveHTTPS(t, map[string]string{
		"listeners":                               "https://127.0.0.1:0",
		"listeners.https.ssl.keystore.location":   storesDir + "/server.p12",
		"listeners.https.ssl.keystore.password":   "storepass",
		"listeners.https.ssl.truststore.location": storesDir + "/truststore.p12",
		"listeners.https.ssl.truststore.password": "trustpass",
		"listeners.https.ssl.client.auth":         "required",
	})
	if err != nil {
		t.Fatal(err)
	}
	do := func(props map[string]string) error {
		tc, err := RESTClientTLS(restWorkerConfig(t, props))
		if err != nil {
			t.Fatal(err)
		}
		c := RESTClient(tc, 10*time.Second)
		defer c.CloseIdleConnections()
		resp, err := c.Get(leader)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	follower := map[string]string{
		"listeners.https.ssl.keystore.type":       "JKS",
		"listeners.https.ssl.keystore.location":   storesDir + "/keystore.jks",
		"listeners.https.ssl.keystore.password":   "storepass",
		"listeners.https.ssl.truststore.type":     "JKS",
		"listeners.https.ssl.truststore.location": storesDir + "/truststore.jks",
		"listeners.https.ssl.truststore.password": "trustpass",
	}
	if err := do(follower); err != nil {
		t.Errorf("with the follower's stores: %v", err)
	}
	noKey := map[string]string{
		"ssl.truststore.location": storesDir + "/truststore.jks",
		"ssl.truststore.password": "trustpass",
	}
	if err := do(noKey); err == nil {
		t.Error("a client without a key store was served by a listener requiring client certificates")
	}
	noTrust := map[string]string{
		"ssl.keystore.location": storesDir + "/keystore.p12",
		"ssl.keystore.password": "storepass",
	}
	if err := do(noTrust); err == nil {
		t.Error("a client without the trust store accepted the test CA's server")
	}

	_, err = RESTClientTLS(restWorkerConfig(t, map[string]string{
		"ssl.truststore.location": storesDir + "/truststore.jks",
		"ssl.truststore.password": "wrongpass",
	}))
	if err == nil || !strings.Contains(err.Error(), "worker.properties: ssl.truststore.password:") {
		t.Errorf("wrong trust store password: %v", err)
	}
}
