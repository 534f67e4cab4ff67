package tlsstore

import (
	"bytes"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"unicode/utf16"

	"github.com/pavlo-v-chernykh/keystore-go/v4"
)

// jksWhitener is mixed into a JKS store's integrity digest after the
// password, as Sun's JavaKeyStore does.
const jksWhitener = "Mighty Aphrodite"

// jksDigest is the SHA-1 a JKS file ends with: over the password as Java
// chars (UTF-16BE), the whitener and everything before the digest.
func jksDigest(password string, body []byte) []byte {
	h := sha1.New()
	for _, u := range utf16.Encode([]rune(password)) {
		h.Write([]byte{byte(u >> 8), byte(u)})
	}
	h.Write([]byte(jksWhitener))
	h.Write(body)
	return h.Sum(nil)
}

// jksLoad checks a JKS store's integrity with password and parses it. An
// empty password skips the check, as Java's KeyStore.load(in, null) does.
//
// The check is made here rather than in the library for two reasons: the
// library cannot skip it, and it turns each byte of a password into one
// Java char, which is wrong beyond Latin-1. Once checked, the library is
// given the digest of an empty password so its own check passes.
func jksLoad(data []byte, password string) (keystore.KeyStore, error) {
	ks := keystore.New(keystore.WithOrderedAliases(), keystore.WithCaseExactAliases())
	if len(data) < len(jksMagic)+sha1.Size {
		return ks, errors.New("the file is too short for a JKS store")
	}
	body, digest := data[:len(data)-sha1.Size], data[len(data)-sha1.Size:]
	if password != "" && !bytes.Equal(jksDigest(password, body), digest) {
		return ks, ErrStorePassword
	}
	patched := append(body[:len(body):len(body)], jksDigest("", body)...)
	if err := ks.Load(bytes.NewReader(patched), nil); err != nil {
		return ks, fmt.Errorf("not a readable JKS store: %w", err)
	}
	return ks, nil
}

// jksCertificate parses one certificate of a JKS entry.
func jksCertificate(alias string, c keystore.Certificate) (*x509.Certificate, error) {
	if c.Type != "X.509" {
		return nil, fmt.Errorf("entry %q: certificate type %q is not X.509", alias, c.Type)
	}
	cert, err := x509.ParseCertificate(c.Content)
	if err != nil {
		return nil, fmt.Errorf("entry %q: %w", alias, err)
	}
	return cert, nil
}

// jksTrusted returns the trusted certificate entries and the first
// certificate of each private key entry's chain, as Java's trust manager
// does.
func jksTrusted(data []byte, password string) ([]*x509.Certificate, error) {
	ks, err := jksLoad(data, password)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	for _, alias := range ks.Aliases() {
		var c keystore.Certificate
		switch {
		case ks.IsTrustedCertificateEntry(alias):
			e, err := ks.GetTrustedCertificateEntry(alias)
			if err != nil {
				return nil, fmt.Errorf("entry %q: %w", alias, err)
			}
			c = e.Certificate
		case ks.IsPrivateKeyEntry(alias):
			chain, err := ks.GetPrivateKeyEntryCertificateChain(alias)
			if err != nil {
				return nil, fmt.Errorf("entry %q: %w", alias, err)
			}
			if len(chain) == 0 {
				continue
			}
			c = chain[0]
		default:
			continue
		}
		cert, err := jksCertificate(alias, c)
		if err != nil {
			return nil, err
		}
		certs = append(certs, cert)
	}
	return certs, nil
}

// jksKeys returns every private key entry with its chain. Like Java's
// SunX509 key manager, every key must open with the one key password.
func jksKeys(data []byte, storePassword, keyPassword string) ([]tls.Certificate, error) {
	ks, err := jksLoad(data, storePassword)
	if err != nil {
		return nil, err
	}
	pw, ok := latin1(keyPassword)
	if !ok {
		return nil, errors.New("the key password has characters beyond Latin-1, which the JKS reader cannot use")
	}
	var keys []tls.Certificate
	for _, alias := range ks.Aliases() {
		if !ks.IsPrivateKeyEntry(alias) {
			continue
		}
		e, err := ks.GetPrivateKeyEntry(alias, pw)
		if err != nil {
			return nil, fmt.Errorf("entry %q: %w (%w)", alias, ErrKeyPassword, err)
		}
		key, err := x509.ParsePKCS8PrivateKey(e.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("entry %q: private key: %w", alias, err)
		}
		var chain []*x509.Certificate
		for _, c := range e.CertificateChain {
			cert, err := jksCertificate(alias, c)
			if err != nil {
				return nil, err
			}
			chain = append(chain, cert)
		}
		c, err := leafFirst(key, chain)
		if err != nil {
			return nil, fmt.Errorf("entry %q: %w", alias, err)
		}
		keys = append(keys, c)
	}
	return keys, nil
}

// latin1 turns a password into the one-byte-per-char form the JKS library
// expects; ok is false when a char does not fit.
func latin1(s string) ([]byte, bool) {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			return nil, false
		}
		b = append(b, byte(r))
	}
	return b, true
}
