package elasticsearch

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/kafka-connect-go/connect/connector/configdef"
)

// buildTLS makes the client TLS configuration from humio.ssl.* and, when
// elastic.security.protocol is SSL, the elastic.https.ssl.* keys. Go reads
// PEM only, so JKS and PKCS12 stores are refused with a hint to convert
// them. It returns nil when nothing differs from Go's defaults. TLS settings
// with plain http URLs are harmless: they are simply not used.
func buildTLS(v *configdef.Values) (*tls.Config, map[string][]string) {
	p := map[string][]string{}
	fail := func(key, format string, args ...any) {
		p[key] = append(p[key], fmt.Sprintf(format, args...))
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	custom := false

	var roots *x509.CertPool
	addCAs := func(key string, pemData []byte, from string) {
		if roots == nil {
			roots = x509.NewCertPool()
		}
		if !roots.AppendCertsFromPEM(pemData) {
			fail(key, "%s holds no PEM certificate (only PEM is supported: convert a JKS or PKCS12 trust store "+
				"with keytool -exportcert -rfc or openssl pkcs12 -nokeys)", from)
		}
	}
	if path := v.String(KeyCALocation); path != "" {
		if b, err := os.ReadFile(path); err != nil {
			fail(KeyCALocation, "cannot read the CA file: %v", err)
		} else {
			addCAs(KeyCALocation, b, "file "+path)
		}
	}
	if v.Bool(KeyInsecure) {
		tc.InsecureSkipVerify = true
		custom = true
	}

	if strings.EqualFold(v.String(keySecurityProtocol), "ssl") {
		ssl := func(k string) string { return sslPrefix + k }
		if path := v.String(ssl(sslTruststoreLocation)); path != "" {
			if b, err := os.ReadFile(path); err != nil {
				fail(ssl(sslTruststoreLocation), "cannot read the trust store: %v", err)
			} else {
				addCAs(ssl(sslTruststoreLocation), b, "file "+path)
			}
		}
		if inline := v.Password(ssl(sslTruststoreCerts)); !inline.IsEmpty() {
			addCAs(ssl(sslTruststoreCerts), []byte(inline.Value()), "the value")
		}
		if cert, ok := clientCertificate(v, fail); ok {
			tc.Certificates = []tls.Certificate{cert}
			custom = true
		}
		if minV, maxV, ok := tlsVersions(v, fail); ok {
			tc.MinVersion, tc.MaxVersion = minV, maxV
			custom = true
		}
		if suites := v.List(ssl(sslCipherSuites)); len(suites) > 0 {
			ids, err := cipherSuiteIDs(suites)
			if err != nil {
				fail(ssl(sslCipherSuites), "%v", err)
			}
			tc.CipherSuites = ids
			custom = true
		}
		if v.IsSet(ssl(sslEndpointIdentAlg)) && v.String(ssl(sslEndpointIdentAlg)) == "" && !tc.InsecureSkipVerify {
			// Verify the chain but not the host name: Go has no switch for
			// that alone, so verification is done here instead.
			tc.InsecureSkipVerify = true
			tc.VerifyConnection = verifyChainOnly(func() *x509.CertPool { return tc.RootCAs })
		}
	}
	if roots != nil {
		tc.RootCAs = roots
		custom = true
	}
	if !custom {
		return nil, p
	}
	return tc, p
}

// clientCertificate loads a PEM client certificate for mutual TLS from a key
// store file or the inline key and chain.
func clientCertificate(v *configdef.Values, fail func(string, string, ...any)) (tls.Certificate, bool) {
	ssl := func(k string) string { return sslPrefix + k }
	if v.Get(ssl(sslKeyPassword)) != nil {
		fail(ssl(sslKeyPassword), "encrypted private keys are not supported: decrypt the key (openssl pkcs8 -nocrypt) "+
			"and keep the file private")
		return tls.Certificate{}, false
	}
	if path := v.String(ssl(sslKeystoreLocation)); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			fail(ssl(sslKeystoreLocation), "cannot read the key store: %v", err)
			return tls.Certificate{}, false
		}
		cert, err := tls.X509KeyPair(b, b)
		if err != nil {
			fail(ssl(sslKeystoreLocation), "file %s is not a PEM file with a private key and its certificate "+
				"(only PEM is supported: convert JKS/PKCS12 with openssl pkcs12 -nodes): %v", path, err)
			return tls.Certificate{}, false
		}
		return cert, true
	}
	key, chain := v.Password(ssl(sslKeystoreKey)), v.Password(ssl(sslKeystoreCertChain))
	if key.IsEmpty() && chain.IsEmpty() {
		return tls.Certificate{}, false
	}
	if key.IsEmpty() || chain.IsEmpty() {
		fail(ssl(sslKeystoreKey), "'%s' and '%s' must be set together", ssl(sslKeystoreKey), ssl(sslKeystoreCertChain))
		return tls.Certificate{}, false
	}
	cert, err := tls.X509KeyPair([]byte(chain.Value()), []byte(key.Value()))
	if err != nil {
		// The parser's message never holds key material.
		fail(ssl(sslKeystoreKey), "the PEM key and certificate chain do not load: %v", err)
		return tls.Certificate{}, false
	}
	return cert, true
}

var tlsVersionNames = map[string]uint16{
	"TLSv1": tls.VersionTLS10, "TLSv1.1": tls.VersionTLS11, "TLSv1.2": tls.VersionTLS12, "TLSv1.3": tls.VersionTLS13,
}

// tlsVersions maps ssl.enabled.protocols (and an explicit ssl.protocol that
// caps it) to Go's version range.
func tlsVersions(v *configdef.Values, fail func(string, string, ...any)) (uint16, uint16, bool) {
	key := sslPrefix + sslEnabledProtocols
	if !v.IsSet(key) && !v.IsSet(sslPrefix+sslProtocol) {
		return 0, 0, false
	}
	var minV, maxV uint16
	for _, name := range v.List(key) {
		ver, ok := tlsVersionNames[name]
		if !ok {
			fail(key, "unsupported protocol %q (allowed: TLSv1.2, TLSv1.3, and the discouraged TLSv1, TLSv1.1)", name)
			return 0, 0, false
		}
		if minV == 0 || ver < minV {
			minV = ver
		}
		if ver > maxV {
			maxV = ver
		}
	}
	if v.IsSet(sslPrefix + sslProtocol) {
		ver, ok := tlsVersionNames[v.String(sslPrefix+sslProtocol)]
		if !ok {
			fail(sslPrefix+sslProtocol, "unsupported protocol %q", v.String(sslPrefix+sslProtocol))
			return 0, 0, false
		}
		if maxV == 0 || ver < maxV {
			maxV = ver
		}
	}
	if minV == 0 {
		minV = tls.VersionTLS12
	}
	return minV, maxV, true
}

func cipherSuiteIDs(names []string) ([]uint16, error) {
	known := map[string]uint16{}
	for _, cs := range tls.CipherSuites() {
		known[cs.Name] = cs.ID
	}
	for _, cs := range tls.InsecureCipherSuites() {
		known[cs.Name] = cs.ID
	}
	var ids []uint16
	for _, n := range names {
		id, ok := known[n]
		if !ok {
			return nil, fmt.Errorf("unknown cipher suite %q (use IANA names such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)", n)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// verifyChainOnly checks the server's chain against the roots (the system's
// when nil) without matching the host name.
func verifyChainOnly(roots func() *x509.CertPool) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("tls: server sent no certificate")
		}
		opts := x509.VerifyOptions{Roots: roots(), Intermediates: x509.NewCertPool()}
		for _, c := range cs.PeerCertificates[1:] {
			opts.Intermediates.AddCert(c)
		}
		_, err := cs.PeerCertificates[0].Verify(opts)
		return err
	}
}
