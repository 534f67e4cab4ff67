package elasticsearch

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/tlsstore"
)

// buildTLS makes the client TLS configuration from humio.ssl.* and, when
// elastic.security.protocol is SSL, the elastic.https.ssl.* keys. Key and
// trust stores are read by connector/tlsstore: JKS, PKCS12 or PEM, as the
// Java connector reads them. It returns nil when nothing differs from Go's
// defaults. TLS settings with plain http URLs are harmless: they are simply
// not used.
func buildTLS(v *configdef.Values) (*tls.Config, map[string][]string) {
	p := map[string][]string{}
	fail := func(key, format string, args ...any) {
		p[key] = append(p[key], fmt.Sprintf(format, args...))
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	custom := false

	var roots *x509.CertPool
	addCAs := func(certs []*x509.Certificate) {
		if roots == nil {
			roots = x509.NewCertPool()
		}
		for _, c := range certs {
			roots.AddCert(c)
		}
	}
	if path := v.String(KeyCALocation); path != "" {
		// No type or password key goes with it: a PEM file, or a JKS
		// trust store read without its integrity check.
		if certs, err := tlsstore.Certificates("", path, ""); err != nil {
			fail(KeyCALocation, "%v", err)
		} else {
			addCAs(certs)
		}
	}
	if v.Bool(KeyInsecure) {
		tc.InsecureSkipVerify = true
		custom = true
	}

	if strings.EqualFold(v.String(keySecurityProtocol), "ssl") {
		ssl := func(k string) string { return sslPrefix + k }
		trustType, typeOK := storeType(v, ssl(sslTruststoreType), fail)
		if path := v.String(ssl(sslTruststoreLocation)); path != "" && typeOK {
			certs, err := tlsstore.Certificates(trustType, path, v.Password(ssl(sslTruststorePassword)).Value())
			switch {
			case errors.Is(err, tlsstore.ErrStorePassword):
				fail(ssl(sslTruststorePassword), "%v", err)
			case err != nil:
				fail(ssl(sslTruststoreLocation), "%v", err)
			default:
				addCAs(certs)
			}
		}
		if inline := v.Password(ssl(sslTruststoreCerts)); !inline.IsEmpty() {
			certs, err := tlsstore.PEMCertificates([]byte(inline.Value()))
			switch {
			case !isPEM(trustType):
				fail(ssl(sslTruststoreCerts), "needs %s=PEM, not %q", ssl(sslTruststoreType), trustType)
			case err != nil:
				fail(ssl(sslTruststoreCerts), "%v", err)
			case len(certs) == 0:
				fail(ssl(sslTruststoreCerts), "the value holds no PEM certificate")
			default:
				addCAs(certs)
			}
		}
		if certs, ok := clientCertificates(v, fail); ok {
			tc.Certificates = certs
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
			tlsstore.SkipHostnameCheck(tc)
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

// storeType returns the store type set under key, or "" when it is not set:
// the ConfigDef's default is Java's JKS, but a file given without a type is
// read by its content, so the PEM files this sink took before still load.
func storeType(v *configdef.Values, key string, fail func(string, string, ...any)) (string, bool) {
	if !v.IsSet(key) {
		return "", true
	}
	typ := v.String(key)
	if err := tlsstore.CheckType(typ); err != nil {
		fail(key, "%v", err)
		return "", false
	}
	return typ, true
}

// isPEM reports whether a store type allows inline PEM values: PEM, or no
// type set.
func isPEM(typ string) bool { return typ == "" || strings.EqualFold(typ, tlsstore.PEM) }

// clientCertificates loads the client's key and certificate chain for
// mutual TLS from a key store file or the inline PEM key and chain. A store
// with several private key entries yields them all: the handshake picks the
// one the server accepts, as Java's key manager does.
func clientCertificates(v *configdef.Values, fail func(string, string, ...any)) ([]tls.Certificate, bool) {
	ssl := func(k string) string { return sslPrefix + k }
	typ, typeOK := storeType(v, ssl(sslKeystoreType), fail)
	if !typeOK {
		return nil, false
	}
	if path := v.String(ssl(sslKeystoreLocation)); path != "" {
		certs, err := tlsstore.Keys(typ, path, v.Password(ssl(sslKeystorePassword)).Value(),
			v.Password(ssl(sslKeyPassword)).Value())
		switch {
		case errors.Is(err, tlsstore.ErrStorePassword), errors.Is(err, tlsstore.ErrPasswordRequired):
			fail(ssl(sslKeystorePassword), "%v", err)
		case isKeyPasswordErr(err):
			fail(ssl(sslKeyPassword), "%v", err)
		case err != nil:
			fail(ssl(sslKeystoreLocation), "%v", err)
		default:
			return certs, true
		}
		return nil, false
	}
	key, chain := v.Password(ssl(sslKeystoreKey)), v.Password(ssl(sslKeystoreCertChain))
	if key.IsEmpty() && chain.IsEmpty() {
		return nil, false
	}
	if !isPEM(typ) {
		fail(ssl(sslKeystoreKey), "needs %s=PEM, not %q", ssl(sslKeystoreType), typ)
		return nil, false
	}
	if key.IsEmpty() || chain.IsEmpty() {
		fail(ssl(sslKeystoreKey), "'%s' and '%s' must be set together", ssl(sslKeystoreKey), ssl(sslKeystoreCertChain))
		return nil, false
	}
	cert, err := tlsstore.PEMKey([]byte(chain.Value()), []byte(key.Value()), v.Password(ssl(sslKeyPassword)).Value())
	switch {
	case isKeyPasswordErr(err):
		fail(ssl(sslKeyPassword), "%v", err)
		return nil, false
	case err != nil:
		// The parser's messages never hold key material.
		fail(ssl(sslKeystoreKey), "%v", err)
		return nil, false
	}
	return []tls.Certificate{cert}, true
}

// isKeyPasswordErr reports an error about ssl.key.password, which also
// decrypts an encrypted PEM key (Kafka's PEM key stores).
func isKeyPasswordErr(err error) bool {
	return errors.Is(err, tlsstore.ErrKeyPassword) || errors.Is(err, tlsstore.ErrKeyPasswordRequired) ||
		errors.Is(err, tlsstore.ErrKeyNotEncrypted)
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
