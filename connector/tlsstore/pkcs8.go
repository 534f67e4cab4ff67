package tlsstore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
)

// An encrypted PKCS#8 key (RFC 5208 EncryptedPrivateKeyInfo) is what
// "openssl pkcs8 -topk8" and Java write as "ENCRYPTED PRIVATE KEY", and what
// Kafka's PEM key stores decrypt with ssl.key.password. The standard library
// parses the plain key but not the encryption around it, so the PBES2 scheme
// (RFC 8018) that every current tool writes is read here. The older PBES1
// and PKCS#12 schemes (openssl -v1) are refused by name: they rest on DES,
// RC2 or MD5, and any key in them converts with one openssl command.

var (
	oidPBES2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
)

// prfs are the PBKDF2 pseudo-random functions, by OID (RFC 8018 B.1).
var prfs = []struct {
	oid  asn1.ObjectIdentifier
	hash func() hash.Hash
}{
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}, sha1.New},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}, sha256.New224},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}, sha256.New},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}, sha512.New384},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}, sha512.New},
}

// cbcCiphers are the PBES2 encryption schemes, by OID (RFC 8018 B.2): CBC
// with the IV as the scheme's parameter.
var cbcCiphers = []struct {
	oid     asn1.ObjectIdentifier
	keySize int
	block   func(key []byte) (cipher.Block, error)
}{
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}, 16, aes.NewCipher},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}, 24, aes.NewCipher},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}, 32, aes.NewCipher},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}, 24, des.NewTripleDESCipher},
}

// schemeNames name the schemes a user is likely to meet that are not read,
// so the error says more than an OID.
var schemeNames = map[string]string{
	"1.2.840.113549.1.5.1":    "PBES1 pbeWithMD2AndDES-CBC",
	"1.2.840.113549.1.5.3":    "PBES1 pbeWithMD5AndDES-CBC",
	"1.2.840.113549.1.5.4":    "PBES1 pbeWithMD2AndRC2-CBC",
	"1.2.840.113549.1.5.6":    "PBES1 pbeWithMD5AndRC2-CBC",
	"1.2.840.113549.1.5.10":   "PBES1 pbeWithSHA1AndDES-CBC",
	"1.2.840.113549.1.5.11":   "PBES1 pbeWithSHA1AndRC2-CBC",
	"1.2.840.113549.1.12.1.1": "PKCS#12 pbeWithSHAAnd128BitRC4",
	"1.2.840.113549.1.12.1.2": "PKCS#12 pbeWithSHAAnd40BitRC4",
	"1.2.840.113549.1.12.1.3": "PKCS#12 pbeWithSHAAnd3-KeyTripleDES-CBC",
	"1.2.840.113549.1.12.1.4": "PKCS#12 pbeWithSHAAnd2-KeyTripleDES-CBC",
	"1.2.840.113549.1.12.1.5": "PKCS#12 pbeWithSHAAnd128BitRC2-CBC",
	"1.2.840.113549.1.12.1.6": "PKCS#12 pbeWithSHAAnd40BitRC2-CBC",
	"1.3.6.1.4.1.11591.4.11":  "scrypt",
	"1.2.840.113549.3.2":      "RC2-CBC",
	"1.3.14.3.2.7":            "DES-CBC",
}

// algorithmName is an OID with its name when it has a known one.
func algorithmName(oid asn1.ObjectIdentifier) string {
	if name, ok := schemeNames[oid.String()]; ok {
		return fmt.Sprintf("%s (%s)", oid, name)
	}
	return oid.String()
}

// reencrypt tells how to turn a key in an unsupported scheme into one that
// is read.
const reencrypt = "re-encrypt the key with PBES2, e.g. openssl pkcs8 -topk8 -v2 aes-256-cbc"

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type encryptedPrivateKeyInfo struct {
	Algorithm     algorithmIdentifier
	EncryptedData []byte
}

type pbes2Params struct {
	KeyDerivationFunc algorithmIdentifier
	EncryptionScheme  algorithmIdentifier
}

// pbkdf2Params leaves out the salt's otherSource choice, which RFC 8018
// reserves for future use: such a key fails to parse.
type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                 `asn1:"optional"`
	PRF        algorithmIdentifier `asn1:"optional"`
}

// maxIterations bounds the PBKDF2 work a key file can ask for. Tools write a
// few thousand up to a few million iterations; a count far beyond that is a
// damaged file, not a key worth hours of CPU.
const maxIterations = 1 << 24

// decryptPKCS8 decrypts a DER EncryptedPrivateKeyInfo with password and
// parses the private key inside. A wrong password is ErrKeyPassword: with
// CBC it shows as bad padding or, about once in 256 tries, as a plaintext
// that is no key.
func decryptPKCS8(der []byte, password string) (any, error) {
	var info encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) > 0 {
		return nil, errors.New("malformed encrypted private key (PKCS#8 EncryptedPrivateKeyInfo)")
	}
	if !info.Algorithm.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("encrypted private key: unsupported encryption scheme %s: %s",
			algorithmName(info.Algorithm.Algorithm), reencrypt)
	}
	var params pbes2Params
	if err := unmarshalParams(info.Algorithm.Parameters, &params); err != nil {
		return nil, fmt.Errorf("encrypted private key: malformed PBES2 parameters: %w", err)
	}
	kdf := params.KeyDerivationFunc
	if !kdf.Algorithm.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("encrypted private key: unsupported PBES2 key derivation %s (only PBKDF2 is read): %s",
			algorithmName(kdf.Algorithm), reencrypt)
	}
	var kdfParams pbkdf2Params
	if err := unmarshalParams(kdf.Parameters, &kdfParams); err != nil {
		return nil, fmt.Errorf("encrypted private key: malformed PBKDF2 parameters: %w", err)
	}
	if kdfParams.Iterations < 1 || kdfParams.Iterations > maxIterations {
		return nil, fmt.Errorf("encrypted private key: PBKDF2 iteration count %d out of range 1..%d",
			kdfParams.Iterations, maxIterations)
	}
	// The PRF is DEFAULT hmacWithSHA1, so DER leaves it out when it is SHA-1.
	prf := sha1.New
	if len(kdfParams.PRF.Algorithm) > 0 {
		prf = nil
		for _, p := range prfs {
			if p.oid.Equal(kdfParams.PRF.Algorithm) {
				prf = p.hash
			}
		}
		if prf == nil {
			return nil, fmt.Errorf("encrypted private key: unsupported PBKDF2 function %s (read: HMAC with SHA-1, SHA-224, SHA-256, SHA-384, SHA-512)",
				algorithmName(kdfParams.PRF.Algorithm))
		}
	}

	enc := params.EncryptionScheme
	i := -1
	for j, c := range cbcCiphers {
		if c.oid.Equal(enc.Algorithm) {
			i = j
		}
	}
	if i < 0 {
		return nil, fmt.Errorf("encrypted private key: unsupported cipher %s (read: AES-128/192/256-CBC, DES-EDE3-CBC): %s",
			algorithmName(enc.Algorithm), reencrypt)
	}
	c := cbcCiphers[i]
	if kdfParams.KeyLength != 0 && kdfParams.KeyLength != c.keySize {
		return nil, fmt.Errorf("encrypted private key: PBKDF2 key length %d does not fit cipher %s (%d bytes)",
			kdfParams.KeyLength, enc.Algorithm, c.keySize)
	}
	var iv []byte
	if err := unmarshalParams(enc.Parameters, &iv); err != nil {
		return nil, fmt.Errorf("encrypted private key: malformed cipher IV: %w", err)
	}

	key, err := pbkdf2.Key(prf, password, kdfParams.Salt, kdfParams.Iterations, c.keySize)
	if err != nil {
		// Only FIPS 140-only mode refuses here (short salt or password); its
		// message holds neither.
		return nil, fmt.Errorf("encrypted private key: PBKDF2: %w", err)
	}
	block, err := c.block(key)
	if err != nil {
		return nil, fmt.Errorf("encrypted private key: %w", err)
	}
	bs := block.BlockSize()
	if len(iv) != bs {
		return nil, fmt.Errorf("encrypted private key: IV of %d bytes, cipher %s needs %d", len(iv), enc.Algorithm, bs)
	}
	data := info.EncryptedData
	if len(data) == 0 || len(data)%bs != 0 {
		return nil, fmt.Errorf("encrypted private key: %d encrypted bytes, not a whole number of %d-byte blocks", len(data), bs)
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, data)
	plain, ok := unpad(plain, bs)
	if !ok {
		return nil, ErrKeyPassword
	}
	priv, err := x509.ParsePKCS8PrivateKey(plain)
	if err != nil {
		// Right padding by chance, but no key: the password is wrong. The
		// parser's error is left out: it would describe random bytes.
		return nil, ErrKeyPassword
	}
	return priv, nil
}

// unmarshalParams parses an AlgorithmIdentifier's parameters into v, which
// must take all of them.
func unmarshalParams(raw asn1.RawValue, v any) error {
	if len(raw.FullBytes) == 0 {
		return errors.New("missing")
	}
	rest, err := asn1.Unmarshal(raw.FullBytes, v)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return errors.New("trailing data")
	}
	return nil
}

// unpad removes PKCS#7 padding (RFC 8018 6.1.1 step 4), reporting whether it
// was well formed.
func unpad(b []byte, blockSize int) ([]byte, bool) {
	n := int(b[len(b)-1])
	if n == 0 || n > blockSize || n > len(b) {
		return nil, false
	}
	for _, p := range b[len(b)-n:] {
		if int(p) != n {
			return nil, false
		}
	}
	return b[:len(b)-n], true
}
