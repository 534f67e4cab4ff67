package tlsstore

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The stores under testdata are made by testdata/gen.sh with the JDK's
// keytool; these are its passwords.
const (
	trustPass = "trustpass"
	storePass = "storepass"
	keyPass   = "keypass"
)

func td(name string) string { return filepath.Join("testdata", name) }

func TestTrustedCertificates(t *testing.T) {
	for _, tc := range []struct {
		name, typ, file, password, wantCN string
	}{
		{"jks", "JKS", "truststore.jks", trustPass, "tlsstore test CA"},
		{"jks lower case", "jks", "truststore.jks", trustPass, "tlsstore test CA"},
		{"pkcs12", "PKCS12", "truststore.p12", trustPass, "tlsstore test CA"},
		{"pem", "PEM", "ca.pem", "", "tlsstore test CA"},
		{"pem ignores a password", "pem", "ca.pem", "whatever", "tlsstore test CA"},
		{"empty type reads jks", "", "truststore.jks", trustPass, "tlsstore test CA"},
		{"empty type reads pkcs12", "", "truststore.p12", trustPass, "tlsstore test CA"},
		{"empty type reads pem", "", "ca.pem", "", "tlsstore test CA"},
		// Java's keystore.type.compat: JKS and PKCS12 stand in for each other.
		{"jks type, pkcs12 file", "JKS", "truststore.p12", trustPass, "tlsstore test CA"},
		{"pkcs12 type, jks file", "PKCS12", "truststore.jks", trustPass, "tlsstore test CA"},
		// Java loads a JKS store without a password, skipping the integrity check.
		{"jks without password", "JKS", "truststore.jks", "", "tlsstore test CA"},
		// Java's trust manager trusts the own certificate of a key entry.
		{"jks key entry", "JKS", "keystore.jks", storePass, "tlsstore test client"},
		{"pkcs12 key entry", "PKCS12", "keystore.p12", storePass, "tlsstore test client"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			certs, err := Certificates(tc.typ, td(tc.file), tc.password)
			if err != nil {
				t.Fatal(err)
			}
			if len(certs) != 1 || certs[0].Subject.CommonName != tc.wantCN {
				t.Fatalf("got %d certificates %v, want one of %q", len(certs), subjects(certs), tc.wantCN)
			}
		})
	}
}

func subjects(certs []*x509.Certificate) []string {
	var s []string
	for _, c := range certs {
		s = append(s, c.Subject.CommonName)
	}
	return s
}

func TestTrustVerifiesTheServerCertificate(t *testing.T) {
	server := readPEMCert(t, td("server-chain.pem"))
	for _, file := range []string{"truststore.jks", "truststore.p12", "ca.pem"} {
		pool, err := Trust("", td(file), trustPass)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := server.Verify(x509.VerifyOptions{Roots: pool, DNSName: "localhost"}); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
	// A pool of only the client's certificate must not verify the server.
	pool, err := Trust("JKS", td("keystore.jks"), storePass)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.Verify(x509.VerifyOptions{Roots: pool, DNSName: "localhost"}); err == nil {
		t.Error("the client's certificate verified the server")
	}
}

func readPEMCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatalf("%s: no PEM block", path)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestKeys(t *testing.T) {
	for _, tc := range []struct {
		name, typ, file, storePassword, keyPassword string
	}{
		{"jks", "JKS", "keystore.jks", storePass, ""},
		{"jks, key password as store password", "JKS", "keystore.jks", storePass, storePass},
		{"jks, own key password", "JKS", "keystore-keypass.jks", storePass, keyPass},
		{"pkcs12", "pkcs12", "keystore.p12", storePass, ""},
		{"pkcs12, key password as store password", "PKCS12", "keystore.p12", storePass, storePass},
		{"pem", "PEM", "client.pem", "", ""},
		{"empty type reads jks", "", "keystore.jks", storePass, ""},
		{"empty type reads pkcs12", "", "keystore.p12", storePass, ""},
		{"empty type reads pem", "", "client.pem", "", ""},
		{"jks type, pkcs12 file", "JKS", "keystore.p12", storePass, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Key(tc.typ, td(tc.file), tc.storePassword, tc.keyPassword)
			if err != nil {
				t.Fatal(err)
			}
			checkClientKey(t, c, "tlsstore test client")
		})
	}
}

// checkClientKey checks the leaf, the chain and that the key is the leaf's.
func checkClientKey(t *testing.T, c tls.Certificate, wantCN string) {
	t.Helper()
	if len(c.Certificate) != 2 {
		t.Fatalf("chain of %d certificates, want 2 (client, CA)", len(c.Certificate))
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if leaf.Subject.CommonName != wantCN {
		t.Fatalf("leaf %q, want %q", leaf.Subject.CommonName, wantCN)
	}
	if !belongsTo(c.PrivateKey, leaf) {
		t.Fatal("the private key is not the leaf's")
	}
	ca, err := x509.ParseCertificate(c.Certificate[1])
	if err != nil {
		t.Fatal(err)
	}
	if ca.Subject.CommonName != "tlsstore test CA" {
		t.Fatalf("second certificate %q, want the CA", ca.Subject.CommonName)
	}
}

func TestSeveralKeyEntries(t *testing.T) {
	keys, err := Keys("JKS", td("keystore-two.jks"), storePass, "")
	if err != nil {
		t.Fatal(err)
	}
	var cns []string
	for _, k := range keys {
		cns = append(cns, k.Leaf.Subject.CommonName)
	}
	if strings.Join(cns, ",") != "tlsstore test client,tlsstore test client2" {
		t.Fatalf("keys %v", cns)
	}
	if _, err := Key("JKS", td("keystore-two.jks"), storePass, ""); err == nil ||
		!strings.Contains(err.Error(), "2 private key entries") {
		t.Fatalf("Key of a store with two keys: %v", err)
	}
}

func TestBadStores(t *testing.T) {
	encrypted := filepath.Join(t.TempDir(), "encrypted.pem")
	chain, err := os.ReadFile(td("client-chain.pem"))
	if err != nil {
		t.Fatal(err)
	}
	block := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{0x30, 0x00}})
	if err := os.WriteFile(encrypted, append(block, chain...), 0o600); err != nil {
		t.Fatal(err)
	}
	const wrong = "wrong-secret"
	for _, tc := range []struct {
		name string
		load func() error
		is   error  // wanted sentinel, or nil
		want string // wanted text
	}{
		{"jks trust, wrong password", trust("JKS", td("truststore.jks"), wrong), ErrStorePassword, "truststore.jks"},
		{"pkcs12 trust, wrong password", trust("PKCS12", td("truststore.p12"), wrong), ErrStorePassword, "truststore.p12"},
		{"pkcs12 trust, no password", trust("PKCS12", td("truststore.p12"), ""), ErrStorePassword, "truststore.p12"},
		{"jks key, wrong store password", keys("JKS", td("keystore.jks"), wrong, ""), ErrStorePassword, "keystore.jks"},
		{"pkcs12 key, wrong store password", keys("PKCS12", td("keystore.p12"), wrong, ""), ErrStorePassword, "keystore.p12"},
		{"jks key, wrong key password", keys("JKS", td("keystore.jks"), storePass, wrong), ErrKeyPassword, `entry "client"`},
		{"jks key, own key password missing", keys("JKS", td("keystore-keypass.jks"), storePass, ""), ErrKeyPassword, "keystore-keypass.jks"},
		{"pkcs12 key, other key password", keys("PKCS12", td("keystore.p12"), storePass, wrong), ErrKeyPassword, "keystore.p12"},
		{"jks key, no store password", keys("JKS", td("keystore.jks"), "", ""), ErrPasswordRequired, "keystore.jks"},
		{"unknown trust type", trust("JCEKS", td("truststore.jks"), trustPass), ErrUnknownType, `"JCEKS"`},
		{"unknown key type", keys("BKS", td("keystore.jks"), storePass, ""), ErrUnknownType, "JKS, PKCS12, PEM"},
		{"missing trust store", trust("JKS", td("nope.jks"), trustPass), fs.ErrNotExist, "nope.jks"},
		{"missing key store", keys("PKCS12", td("nope.p12"), storePass, ""), fs.ErrNotExist, "nope.p12"},
		{"jks trust store as key store", keys("JKS", td("truststore.jks"), trustPass, ""), nil, "no private key entry"},
		{"pkcs12 trust store as key store", keys("PKCS12", td("truststore.p12"), trustPass, ""), nil, "no private key entry"},
		{"pem certificates as key store", keys("PEM", td("ca.pem"), "", ""), nil, "PEM private key"},
		{"encrypted pem key, no password", keys("PEM", encrypted, "", ""), ErrKeyPasswordRequired, "encrypted.pem"},
		{"malformed encrypted pem key", keys("PEM", encrypted, "", keyPass), nil, "malformed encrypted private key"},
		{"pem file declared jks", trust("JKS", td("ca.pem"), trustPass), nil, "type JKS, but the file is PEM"},
		{"pem file declared pkcs12", keys("pkcs12", td("client.pem"), storePass, ""), nil, "type PKCS12, but the file is PEM"},
		{"neither jks nor pkcs12", trust("PKCS12", td("gen.sh"), trustPass), nil, "not a readable PKCS12 trust store"},
		{"jks file declared pem", trust("PEM", td("truststore.jks"), ""), nil, "no certificate in the store"},
		{"pem without certificates", trust("PEM", td("client-key.pem"), ""), nil, "no certificate in the store"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.load()
			if err == nil {
				t.Fatal("loaded")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %q", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			for _, secret := range []string{wrong, storePass, trustPass} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows a password", err)
				}
			}
		})
	}
}

func trust(typ, location, password string) func() error {
	return func() error { _, err := Certificates(typ, location, password); return err }
}

func keys(typ, location, storePassword, keyPassword string) func() error {
	return func() error { _, err := Keys(typ, location, storePassword, keyPassword); return err }
}

// TestHandshake runs mutual TLS with a JKS trust store and a PKCS12 key
// store on the client, and the other way around.
func TestHandshake(t *testing.T) {
	serverCert, err := Key("PEM", td("server.pem"), "", "")
	if err != nil {
		t.Fatal(err)
	}
	clientCAs, err := Trust("PEM", td("ca.pem"), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ trustFile, keyFile string }{
		{"truststore.jks", "keystore.p12"},
		{"truststore.p12", "keystore.jks"},
	} {
		t.Run(tc.trustFile+" "+tc.keyFile, func(t *testing.T) {
			roots, err := Trust("", td(tc.trustFile), trustPass)
			if err != nil {
				t.Fatal(err)
			}
			keys, err := Keys("", td(tc.keyFile), storePass, "")
			if err != nil {
				t.Fatal(err)
			}
			ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{serverCert},
				ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCAs})
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			type result struct {
				conn *tls.Conn
				err  error
			}
			done := make(chan result, 1)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					done <- result{err: err}
					return
				}
				server := c.(*tls.Conn)
				server.SetDeadline(time.Now().Add(10 * time.Second))
				done <- result{server, server.Handshake()}
			}()
			dialer := &net.Dialer{Timeout: 10 * time.Second}
			client, err := tls.DialWithDialer(dialer, "tcp", ln.Addr().String(),
				&tls.Config{RootCAs: roots, Certificates: keys, ServerName: "localhost"})
			if err != nil {
				t.Fatalf("client: %v", err)
			}
			defer client.Close()
			r := <-done
			if r.err != nil {
				t.Fatalf("server: %v", r.err)
			}
			server := r.conn
			defer server.Close()
			peer := server.ConnectionState().PeerCertificates
			if len(peer) == 0 || peer[0].Subject.CommonName != "tlsstore test client" {
				t.Fatalf("server saw client certificates %v", subjects(peer))
			}
		})
	}
}

// SkipHostnameCheck accepts a server whose certificate does not name the
// host dialled, and still refuses one its roots do not vouch for.
func TestSkipHostnameCheck(t *testing.T) {
	serverCert, err := Key("PEM", td("server.pem"), "", "")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{serverCert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.SetDeadline(time.Now().Add(10 * time.Second))
			_ = c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	ca, err := Trust("PEM", td("ca.pem"), "")
	if err != nil {
		t.Fatal(err)
	}
	dial := func(cfg *tls.Config) error {
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", ln.Addr().String(), cfg)
		if err == nil {
			c.Close()
		}
		return err
	}
	// The certificate names 127.0.0.1 and localhost, not this name.
	strict := &tls.Config{RootCAs: ca, ServerName: "kafka.example.com"}
	if err := dial(strict); err == nil {
		t.Fatal("a name the certificate does not hold was accepted without SkipHostnameCheck")
	}
	relaxed := &tls.Config{ServerName: "kafka.example.com"}
	SkipHostnameCheck(relaxed)
	relaxed.RootCAs = ca // set afterwards, as the sink does
	if err := dial(relaxed); err != nil {
		t.Fatalf("chain-only verification refused the server: %v", err)
	}
	stranger := &tls.Config{ServerName: "kafka.example.com", RootCAs: x509.NewCertPool()}
	SkipHostnameCheck(stranger)
	if err := dial(stranger); err == nil {
		t.Fatal("a server no root vouches for was accepted")
	}
}
