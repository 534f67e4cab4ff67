// Package tlsstore reads the key and trust stores of Java's SSL settings —
// JKS, PKCS12, PEM — into Go TLS values, so that the ssl.truststore.* and
// ssl.keystore.* keys of an existing worker.properties or connector config
// work unchanged.
//
// It follows what Java does with the same files:
//   - A trust store trusts its trusted certificate entries and, for each
//     private key entry, the first certificate of its chain (Java's trust
//     manager does the same).
//   - A key store yields every private key entry; Java's SunX509 key manager
//     (Kafka's default) then picks one per handshake by key type and by the
//     CAs the server accepts, which is what crypto/tls does with several
//     tls.Config.Certificates.
//   - JKS and PKCS12 files load whichever of the two the type names, as
//     Java's keystore.type.compat does; an empty type also accepts PEM, which
//     is what this project read before it knew the other formats.
//   - A JKS trust store read with an empty password is loaded without its
//     integrity check; a key store needs its password (Kafka refuses one
//     without).
//   - The key password (Kafka's ssl.key.password) of a JKS or PKCS12 store
//     defaults to the store password.
//   - A PEM key may be an encrypted PKCS#8 key (ENCRYPTED PRIVATE KEY); the
//     key password decrypts it and nothing else does, as Kafka allows no
//     store password with PEM. As in Kafka, an encrypted key needs the key
//     password and a key password needs an encrypted key.
//
// Errors name the file and what is wrong, never a password. The sentinel
// errors tell a caller which setting to blame.
package tlsstore

import (
	"bytes"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
)

// The store types, spelled as Java's ssl.*.type settings spell them. Types
// are matched without regard to case.
const (
	JKS    = "JKS"
	PKCS12 = "PKCS12"
	PEM    = "PEM"
)

var (
	// ErrUnknownType: the type is none of JKS, PKCS12 and PEM.
	ErrUnknownType = errors.New("unknown store type (supported: JKS, PKCS12, PEM)")
	// ErrStorePassword: the store's integrity check or decryption fails with
	// the store password. Java says the same thing: the password is wrong
	// or the file was altered.
	ErrStorePassword = errors.New("wrong store password, or the store was altered")
	// ErrPasswordRequired: a JKS or PKCS12 key store was given no password.
	ErrPasswordRequired = errors.New("a JKS or PKCS12 key store needs its store password")
	// ErrKeyPassword: a private key does not decrypt with the key password.
	ErrKeyPassword = errors.New("the private key does not decrypt with the key password")
	// ErrKeyPasswordRequired: a PEM private key is encrypted and no key
	// password was given.
	ErrKeyPasswordRequired = errors.New("the PEM private key is encrypted: it needs the key password (ssl.key.password)")
	// ErrKeyNotEncrypted: a key password was given for a PEM private key
	// that is not encrypted. Kafka refuses this too, so a config that loads
	// here loads there.
	ErrKeyNotEncrypted = errors.New("a key password is set, but the PEM private key is not encrypted: remove the key password")
)

// jksMagic opens every JKS file.
const jksMagic = "\xfe\xed\xfe\xed"

// format says how to read data declared as typ: JKS and PKCS12 stand in for
// each other as in Java; an empty type is sniffed, PEM included.
func format(typ string, data []byte) (string, error) {
	switch t := strings.ToUpper(strings.TrimSpace(typ)); t {
	case PEM:
		return PEM, nil
	case JKS, PKCS12, "":
		if bytes.HasPrefix(data, []byte(jksMagic)) {
			return JKS, nil
		}
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN ")) {
			if t == "" {
				return PEM, nil
			}
			return "", fmt.Errorf("type %s, but the file is PEM: set the type to PEM", t)
		}
		return PKCS12, nil
	default:
		return "", fmt.Errorf("type %q: %w", typ, ErrUnknownType)
	}
}

// CheckType reports ErrUnknownType for a type this package cannot read, so
// a caller can reject it before any file is opened.
func CheckType(typ string) error {
	_, err := format(typ, nil)
	return err
}

// Certificates returns the certificates the trust store at location makes
// trusted, read as typ (JKS, PKCS12, PEM; empty: from the content). An empty
// password reads a JKS store without checking its integrity.
func Certificates(typ, location, password string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(location)
	if err != nil {
		return nil, fmt.Errorf("trust store: %w", err)
	}
	f, err := format(typ, data)
	if err != nil {
		return nil, fmt.Errorf("trust store %s: %w", location, err)
	}
	var certs []*x509.Certificate
	switch f {
	case JKS:
		certs, err = jksTrusted(data, password)
	case PKCS12:
		certs, err = pkcs12Trusted(data, password)
	case PEM:
		certs, err = PEMCertificates(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%s trust store %s: %w", f, location, err)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s trust store %s: no certificate in the store", f, location)
	}
	return certs, nil
}

// Trust returns a pool of the certificates Certificates finds.
func Trust(typ, location, password string) (*x509.CertPool, error) {
	certs, err := Certificates(typ, location, password)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// Keys returns the private key entries of the key store at location, each
// with its certificate chain (leaf first), read as typ (JKS, PKCS12, PEM;
// empty: from the content). For JKS and PKCS12, keyPassword defaults to
// storePassword. A PEM file holds one private key and its chain; keyPassword
// decrypts the key if it is encrypted, and storePassword is not used.
func Keys(typ, location, storePassword, keyPassword string) ([]tls.Certificate, error) {
	data, err := os.ReadFile(location)
	if err != nil {
		return nil, fmt.Errorf("key store: %w", err)
	}
	f, err := format(typ, data)
	if err != nil {
		return nil, fmt.Errorf("key store %s: %w", location, err)
	}
	if f != PEM && storePassword == "" {
		return nil, fmt.Errorf("%s key store %s: %w", f, location, ErrPasswordRequired)
	}
	if keyPassword == "" && f != PEM {
		keyPassword = storePassword
	}
	var keys []tls.Certificate
	switch f {
	case JKS:
		keys, err = jksKeys(data, storePassword, keyPassword)
	case PKCS12:
		keys, err = pkcs12Keys(data, storePassword, keyPassword)
	case PEM:
		var c tls.Certificate
		c, err = PEMKey(data, data, keyPassword)
		keys = []tls.Certificate{c}
	}
	if err != nil {
		return nil, fmt.Errorf("%s key store %s: %w", f, location, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s key store %s: no private key entry in the store", f, location)
	}
	return keys, nil
}

// Key returns the one private key entry of a key store; a store with more
// than one is an error (use Keys to let the handshake choose, as Java does).
func Key(typ, location, storePassword, keyPassword string) (tls.Certificate, error) {
	keys, err := Keys(typ, location, storePassword, keyPassword)
	if err != nil {
		return tls.Certificate{}, err
	}
	if len(keys) > 1 {
		return tls.Certificate{}, fmt.Errorf("key store %s: %d private key entries, expected one", location, len(keys))
	}
	return keys[0], nil
}

// PEMKey loads a private key and its certificate chain from PEM, as given
// inline (ssl.keystore.key and ssl.keystore.certificate.chain) or both in
// one file. An encrypted PKCS#8 key (ENCRYPTED PRIVATE KEY) is decrypted
// with keyPassword; see ErrKeyPassword, ErrKeyPasswordRequired and
// ErrKeyNotEncrypted for what is refused.
func PEMKey(chain, key []byte, keyPassword string) (tls.Certificate, error) {
	var encrypted *pem.Block
	plain := false
	for rest := key; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if !strings.HasSuffix(block.Type, "PRIVATE KEY") {
			continue
		}
		if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
			// OpenSSL's legacy encryption: Kafka does not read it either.
			return tls.Certificate{}, fmt.Errorf("PEM %s encrypted with OpenSSL's legacy Proc-Type header is not supported: "+
				"convert it to PKCS#8 (openssl pkcs8 -topk8 -v2 aes-256-cbc)", block.Type)
		}
		if block.Type == "ENCRYPTED PRIVATE KEY" {
			encrypted = block
			break
		}
		plain = true
		break
	}
	if encrypted == nil {
		if plain && keyPassword != "" {
			return tls.Certificate{}, ErrKeyNotEncrypted
		}
		c, err := tls.X509KeyPair(chain, key)
		if err != nil {
			// The parser's messages never hold key material.
			return tls.Certificate{}, fmt.Errorf("PEM private key and certificate chain: %w", err)
		}
		return c, nil
	}
	if keyPassword == "" {
		return tls.Certificate{}, ErrKeyPasswordRequired
	}
	priv, err := decryptPKCS8(encrypted.Bytes, keyPassword)
	if err != nil {
		return tls.Certificate{}, err
	}
	certs, err := PEMCertificates(chain)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("PEM certificate chain: %w", err)
	}
	c, err := leafFirst(priv, certs)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("PEM private key and certificate chain: %w", err)
	}
	return c, nil
}

// leafFirst builds a tls.Certificate from a key and its chain, checking that
// the first certificate belongs to the key.
func leafFirst(key any, chain []*x509.Certificate) (tls.Certificate, error) {
	if len(chain) == 0 {
		return tls.Certificate{}, errors.New("the private key has no certificate")
	}
	if _, ok := key.(crypto.Signer); !ok {
		return tls.Certificate{}, fmt.Errorf("unsupported private key type %T", key)
	}
	if !belongsTo(key, chain[0]) {
		return tls.Certificate{}, fmt.Errorf("the first certificate of the chain (%s) does not match the private key",
			chain[0].Subject)
	}
	c := tls.Certificate{PrivateKey: key, Leaf: chain[0]}
	for _, cert := range chain {
		c.Certificate = append(c.Certificate, cert.Raw)
	}
	return c, nil
}

// PEMCertificates parses every CERTIFICATE block of data, as given inline
// (ssl.truststore.certificates) or in a PEM file. No block is no error.
func PEMCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return certs, nil
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(certs)+1, err)
		}
		certs = append(certs, c)
	}
}

// belongsTo reports whether cert holds the public half of key.
func belongsTo(key any, cert *x509.Certificate) bool {
	signer, ok := key.(crypto.Signer)
	if !ok {
		return false
	}
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(cert.PublicKey)
}

// SkipHostnameCheck makes tc verify the server's certificate chain against
// tc.RootCAs (the system's when nil) without matching the host name, as
// Java does with an empty ssl.endpoint.identification.algorithm. Go has no
// switch for that alone, so tc verifies the chain itself; RootCAs is read
// at each handshake, so it may be set after this call.
func SkipHostnameCheck(tc *tls.Config) {
	tc.InsecureSkipVerify = true
	tc.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("tls: the server sent no certificate")
		}
		opts := x509.VerifyOptions{Roots: tc.RootCAs, Intermediates: x509.NewCertPool()}
		for _, c := range cs.PeerCertificates[1:] {
			opts.Intermediates.AddCert(c)
		}
		_, err := cs.PeerCertificates[0].Verify(opts)
		return err
	}
}
