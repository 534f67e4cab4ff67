package tlsstore

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"

	"software.sslmate.com/src/go-pkcs12"
)

// pkcs12Trusted returns the certificates a PKCS12 trust store marks as
// trusted (Java's trusted-certificate attribute). A store holding a private
// key instead trusts that key's own certificate, as Java's trust manager
// does with key entries.
func pkcs12Trusted(data []byte, password string) ([]*x509.Certificate, error) {
	certs, err := pkcs12.DecodeTrustStore(data, password)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return nil, ErrStorePassword
	}
	if err == nil {
		return certs, nil
	}
	if c, keyErr := pkcs12Key(data, password); keyErr == nil {
		return []*x509.Certificate{c.Leaf}, nil
	}
	return nil, fmt.Errorf("not a readable PKCS12 trust store: %w", err)
}

// pkcs12Keys returns the private key of a PKCS12 key store and its chain.
func pkcs12Keys(data []byte, storePassword, keyPassword string) ([]tls.Certificate, error) {
	if keyPassword != storePassword {
		// The library opens the key with the store password. keytool makes
		// PKCS12 stores with one password, and Java fails as well when the
		// key password differs from the key's.
		return nil, fmt.Errorf("%w: a PKCS12 store here must protect its key with the store password", ErrKeyPassword)
	}
	c, err := pkcs12Key(data, storePassword)
	if err == nil {
		return []tls.Certificate{c}, nil
	}
	if errors.Is(err, ErrStorePassword) {
		return nil, err
	}
	if certs, trustErr := pkcs12.DecodeTrustStore(data, storePassword); trustErr == nil {
		return nil, fmt.Errorf("no private key entry in the store (it holds %d trusted certificates)", len(certs))
	}
	return nil, err
}

// pkcs12Key decodes the one private key of a PKCS12 file and puts the
// certificate that belongs to it first: the library returns the
// certificates in file order.
func pkcs12Key(data []byte, password string) (tls.Certificate, error) {
	key, first, rest, err := pkcs12.DecodeChain(data, password)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return tls.Certificate{}, ErrStorePassword
	}
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("not a readable PKCS12 key store: %w", err)
	}
	chain := append([]*x509.Certificate{first}, rest...)
	if i := slices.IndexFunc(chain, func(c *x509.Certificate) bool { return belongsTo(key, c) }); i > 0 {
		chain[0], chain[i] = chain[i], chain[0]
	}
	return leafFirst(key, chain)
}
