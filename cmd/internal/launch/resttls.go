package launch

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kafka-connect-go/connect/connector/tlsstore"
	"github.com/kafka-connect-go/connect/worker/config"
)

// restSSL is the SSL settings of the REST server and of the client a
// worker uses to reach the others (forwarded requests, task configs sent to
// the leader). As in Java, the listeners.https.* keys replace the
// top-level ssl.* ones as a whole when any of them is given: the two sets
// are never mixed.
type restSSL struct {
	file   string
	prefix string // "listeners.https." or "": how the user wrote the keys
	props  map[string]string
}

func newRESTSSL(wc *config.WorkerConfig) restSSL {
	if len(wc.REST.HTTPS) > 0 {
		return restSSL{file: wc.File, prefix: "listeners.https.", props: wc.REST.HTTPS}
	}
	return restSSL{file: wc.File, props: wc.Originals()}
}

// newAdminSSL is the SSL settings of the https admin.listeners: the
// admin.listeners.https.* keys, or the top-level ssl.* ones when none is
// given (not listeners.https.*), as Java reads them.
func newAdminSSL(wc *config.WorkerConfig) restSSL {
	if len(wc.REST.AdminHTTPS) > 0 {
		return restSSL{file: wc.File, prefix: "admin.listeners.https.", props: wc.REST.AdminHTTPS}
	}
	return restSSL{file: wc.File, props: wc.Originals()}
}

// get returns the value of key, trimmed as Java trims config values
// (passwords included); an empty value counts as unset.
func (s restSSL) get(key string) (string, bool) {
	v := strings.TrimSpace(s.props[key])
	return v, v != ""
}

// errorf wraps err with the file and the key as the user wrote it.
func (s restSSL) errorf(key string, err error) error {
	return fmt.Errorf("%s: %s%s: %w", s.file, s.prefix, key, err)
}

// storeType returns the value of a ssl.*.type key after checking it names
// a type tlsstore reads.
func (s restSSL) storeType(key string) (string, error) {
	typ, _ := s.get(key)
	if err := tlsstore.CheckType(typ); err != nil {
		return "", s.errorf(key, err)
	}
	return typ, nil
}

// keys reads the key store: the inline PEM ssl.keystore.key and
// ssl.keystore.certificate.chain, or the file at ssl.keystore.location. It
// returns nil when neither is given.
func (s restSSL) keys() ([]tls.Certificate, error) {
	typ, err := s.storeType("ssl.keystore.type")
	if err != nil {
		return nil, err
	}
	keyPW, _ := s.get("ssl.key.password")
	// keyPasswordErr: the error is about ssl.key.password.
	keyPasswordErr := func(err error) bool {
		return errors.Is(err, tlsstore.ErrKeyPassword) || errors.Is(err, tlsstore.ErrKeyPasswordRequired) ||
			errors.Is(err, tlsstore.ErrKeyNotEncrypted)
	}
	chain, hasChain := s.get("ssl.keystore.certificate.chain")
	key, hasKey := s.get("ssl.keystore.key")
	if hasChain || hasKey {
		inline := "ssl.keystore.key"
		if !hasKey {
			inline = "ssl.keystore.certificate.chain"
		}
		if typ != "" && !strings.EqualFold(typ, tlsstore.PEM) {
			return nil, s.errorf(inline, fmt.Errorf("needs %sssl.keystore.type=PEM, not %q", s.prefix, typ))
		}
		if !hasChain || !hasKey {
			return nil, s.errorf(inline, errors.New("needs both ssl.keystore.key and ssl.keystore.certificate.chain"))
		}
		cert, err := tlsstore.PEMKey([]byte(chain), []byte(key), keyPW)
		if keyPasswordErr(err) {
			return nil, s.errorf("ssl.key.password", err)
		}
		if err != nil {
			return nil, s.errorf(inline, err)
		}
		return []tls.Certificate{cert}, nil
	}
	loc, ok := s.get("ssl.keystore.location")
	if !ok {
		return nil, nil
	}
	storePW, _ := s.get("ssl.keystore.password")
	// Several key entries: the handshake picks one per peer, as Java's
	// key manager does.
	certs, err := tlsstore.Keys(typ, loc, storePW, keyPW)
	switch {
	case errors.Is(err, tlsstore.ErrStorePassword), errors.Is(err, tlsstore.ErrPasswordRequired):
		return nil, s.errorf("ssl.keystore.password", err)
	case keyPasswordErr(err):
		return nil, s.errorf("ssl.key.password", err)
	case err != nil:
		return nil, s.errorf("ssl.keystore.location", err)
	}
	return certs, nil
}

// trust reads the trust store: the inline PEM ssl.truststore.certificates
// or the file at ssl.truststore.location. It returns nil when neither is
// given, which crypto/tls takes for the system's CAs, as Java falls back on
// the JVM's default trust store.
func (s restSSL) trust() (*x509.CertPool, error) {
	typ, err := s.storeType("ssl.truststore.type")
	if err != nil {
		return nil, err
	}
	if certs, ok := s.get("ssl.truststore.certificates"); ok {
		if typ != "" && !strings.EqualFold(typ, tlsstore.PEM) {
			return nil, s.errorf("ssl.truststore.certificates", fmt.Errorf("needs %sssl.truststore.type=PEM, not %q", s.prefix, typ))
		}
		parsed, err := tlsstore.PEMCertificates([]byte(certs))
		if err != nil {
			return nil, s.errorf("ssl.truststore.certificates", err)
		}
		if len(parsed) == 0 {
			return nil, s.errorf("ssl.truststore.certificates", errors.New("no PEM certificate found"))
		}
		pool := x509.NewCertPool()
		for _, c := range parsed {
			pool.AddCert(c)
		}
		return pool, nil
	}
	loc, ok := s.get("ssl.truststore.location")
	if !ok {
		return nil, nil
	}
	pw, _ := s.get("ssl.truststore.password")
	pool, err := tlsstore.Trust(typ, loc, pw)
	if errors.Is(err, tlsstore.ErrStorePassword) {
		return nil, s.errorf("ssl.truststore.password", err)
	}
	if err != nil {
		return nil, s.errorf("ssl.truststore.location", err)
	}
	return pool, nil
}

// clientAuth is ssl.client.auth of the HTTPS listeners. A
// listeners.https.ssl.client.auth wins; without one the top-level
// ssl.client.auth applies even next to other listeners.https.* keys (Java
// would fall back on none there: this errs on the side of asking for
// the certificates the user asked for).
func (s restSSL) clientAuth(wc *config.WorkerConfig) (tls.ClientAuthType, error) {
	v, ok := s.get("ssl.client.auth")
	if !ok || s.prefix == "" {
		v = wc.REST.SSLClientAuth
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "none":
		return tls.NoClientCert, nil
	case "requested":
		return tls.VerifyClientCertIfGiven, nil
	case "required":
		return tls.RequireAndVerifyClientCert, nil
	default:
		return 0, s.errorf("ssl.client.auth", fmt.Errorf("%q: expected none, requested or required", v))
	}
}

// restTLS builds the HTTPS listeners' TLS config from listeners.https.*
// or, when none is given, the ssl.* keys: the server's key store (JKS,
// PKCS12 or PEM, or the inline PEM ssl.keystore.key and
// ssl.keystore.certificate.chain) and, when ssl.client.auth asks for client
// certificates, the trust store that verifies them.
func restTLS(wc *config.WorkerConfig) (*tls.Config, error) {
	return serverTLS(wc, newRESTSSL(wc))
}

// serverTLS is an https listener's TLS config from the settings s.
func serverTLS(wc *config.WorkerConfig, s restSSL) (*tls.Config, error) {
	certs, err := s.keys()
	if err != nil {
		return nil, err
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s: an https listener needs a key store: %sssl.keystore.location (JKS, PKCS12 or PEM) "+
			"or %sssl.keystore.key and %sssl.keystore.certificate.chain", wc.File, s.prefix, s.prefix, s.prefix)
	}
	cfg := &tls.Config{Certificates: certs, MinVersion: tls.VersionTLS12}
	auth, err := s.clientAuth(wc)
	if err != nil {
		return nil, err
	}
	if auth != tls.NoClientCert {
		pool, err := s.trust()
		if err != nil {
			return nil, err
		}
		cfg.ClientAuth, cfg.ClientCAs = auth, pool
	}
	return cfg, nil
}

// RESTClientTLS builds the TLS config of the client that reaches other
// workers' REST APIs (requests forwarded to the leader, task configs sent
// to it) from the same keys as the HTTPS listeners, as Java's REST client
// does: the trust store verifies the other worker (none given: the
// system's CAs), the key store, if any, answers a listener that asks for
// a client certificate. An empty ssl.endpoint.identification.algorithm
// verifies the chain without the host name.
func RESTClientTLS(wc *config.WorkerConfig) (*tls.Config, error) {
	s := newRESTSSL(wc)
	certs, err := s.keys()
	if err != nil {
		return nil, err
	}
	roots, err := s.trust()
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{Certificates: certs, RootCAs: roots, MinVersion: tls.VersionTLS12}
	if alg, set := s.props["ssl.endpoint.identification.algorithm"]; set && strings.TrimSpace(alg) == "" {
		tlsstore.SkipHostnameCheck(cfg)
	}
	return cfg, nil
}

// RESTClient returns an HTTP client for requests to other workers, over
// TLS with tc for https URLs, giving up after timeout. Redirects are not
// followed, as Java's REST client does not follow them.
func RESTClient(tc *tls.Config, timeout time.Duration) *http.Client {
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment}
	if d, ok := http.DefaultTransport.(*http.Transport); ok {
		// The default's dial, idle and handshake timeouts.
		tr = d.Clone()
	}
	tr.TLSClientConfig = tc
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
