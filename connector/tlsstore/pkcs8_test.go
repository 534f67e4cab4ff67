package tlsstore

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"hash"
	"os"
	"strings"
	"testing"
)

// The encrypted variants of client-key.pem that testdata/gen.sh makes with
// openssl pkcs8 -topk8, all with the password keyPass.
var encryptedKeys = []struct{ file, scheme string }{
	{"client-key-aes256.pem", "PBKDF2 HMAC-SHA256, AES-256-CBC"},
	{"client-key-aes128.pem", "PBKDF2 default PRF (SHA-1, left out), AES-128-CBC"},
	{"client-key-aes192.pem", "PBKDF2 HMAC-SHA512, AES-192-CBC"},
	{"client-key-des3.pem", "PBKDF2 HMAC-SHA256, DES-EDE3-CBC"},
}

func readTD(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(td(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// clientPublicKey is the public half of the unencrypted client-key.pem.
func clientPublicKey(t *testing.T) crypto.PublicKey {
	t.Helper()
	block, _ := pem.Decode(readTD(t, "client-key.pem"))
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatal("client-key.pem: no PRIVATE KEY block")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return key.(crypto.Signer).Public()
}

func samePublicKey(t *testing.T, key any, want crypto.PublicKey) {
	t.Helper()
	signer, ok := key.(crypto.Signer)
	if !ok {
		t.Fatalf("key of type %T is no crypto.Signer", key)
	}
	if !signer.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(want) {
		t.Fatal("the decrypted key is not client-key.pem's")
	}
}

func TestEncryptedPEMKey(t *testing.T) {
	want := clientPublicKey(t)
	chain := readTD(t, "client-chain.pem")
	for _, k := range encryptedKeys {
		t.Run(k.file, func(t *testing.T) {
			c, err := PEMKey(chain, readTD(t, k.file), keyPass)
			if err != nil {
				t.Fatalf("%s: %v", k.scheme, err)
			}
			samePublicKey(t, c.PrivateKey, want)
			checkClientKey(t, c, "tlsstore test client")
			if c.Leaf == nil || c.Leaf.Subject.CommonName != "tlsstore test client" {
				t.Fatalf("leaf %v", c.Leaf)
			}
		})
	}
}

func TestEncryptedPEMKeyStore(t *testing.T) {
	want := clientPublicKey(t)
	for _, tc := range []struct{ name, typ, storePassword string }{
		{"pem", "PEM", ""},
		{"empty type", "", ""},
		// Kafka allows no store password with PEM; one given here is not
		// used, so it neither helps nor hurts.
		{"store password ignored", "pem", "wrong-secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys, err := Keys(tc.typ, td("client-encrypted.pem"), tc.storePassword, keyPass)
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != 1 {
				t.Fatalf("%d keys, want 1", len(keys))
			}
			samePublicKey(t, keys[0].PrivateKey, want)
			checkClientKey(t, keys[0], "tlsstore test client")
		})
	}
}

func TestEncryptedPEMKeyErrors(t *testing.T) {
	const wrong = "wrong-secret"
	chain := readTD(t, "client-chain.pem")
	pemKey := func(file, password string) func() error {
		return func() error { _, err := PEMKey(chain, readTD(t, file), password); return err }
	}
	legacy := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00112233445566778899AABBCCDDEEFF"},
		Bytes:   bytes.Repeat([]byte{0x42}, 64)})
	type errCase struct {
		name string
		load func() error
		is   error
		want string
	}
	cases := []errCase{
		{"no password", pemKey("client-key-aes256.pem", ""), ErrKeyPasswordRequired, "ssl.key.password"},
		{"store password is not the key password", keys("PEM", td("client-encrypted.pem"), keyPass, ""),
			ErrKeyPasswordRequired, "client-encrypted.pem"},
		{"key store, wrong password", keys("PEM", td("client-encrypted.pem"), "", wrong), ErrKeyPassword, "client-encrypted.pem"},
		{"pbes1", pemKey("client-key-pbes1.pem", keyPass), nil, "unsupported encryption scheme 1.2.840.113549.1.12.1.3 (PKCS#12 pbeWithSHAAnd3-KeyTripleDES-CBC)"},
		{"password for an unencrypted key", pemKey("client-key.pem", keyPass), ErrKeyNotEncrypted, "not encrypted"},
		{"key store, password for an unencrypted key", keys("PEM", td("client.pem"), "", keyPass), ErrKeyNotEncrypted, "client.pem"},
		{"legacy openssl encryption", func() error { _, err := PEMKey(chain, legacy, keyPass); return err }, nil, "legacy Proc-Type"},
		{"chain of another key", func() error {
			_, err := PEMKey(readTD(t, "client2-chain.pem"), readTD(t, "client-key-aes256.pem"), keyPass)
			return err
		}, nil, "does not match the private key"},
		{"no chain", func() error { _, err := PEMKey(nil, readTD(t, "client-key-aes256.pem"), keyPass); return err },
			nil, "no certificate"},
	}
	for _, k := range encryptedKeys {
		for _, pw := range []string{wrong, keyPass + "x", "k"} {
			cases = append(cases, errCase{"wrong password " + pw + ", " + k.file, pemKey(k.file, pw), ErrKeyPassword, "key password"})
		}
	}
	for _, tc := range cases {
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
			for _, secret := range []string{wrong, keyPass} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows a password", err)
				}
			}
		})
	}
}

// encryptPKCS8 is the writing side of decryptPKCS8, for the schemes and the
// damaged files that openssl does not make. prf nil leaves the PRF out.
type encryption struct {
	prf        asn1.ObjectIdentifier
	hash       func() hash.Hash
	cipher     asn1.ObjectIdentifier
	keySize    int
	block      func([]byte) (cipher.Block, error)
	iterations int
	keyLength  int // written as is; 0 leaves it out
	ivSize     int // 0: the block size
	cut        int // bytes cut off the ciphertext
}

func encryptPKCS8(t *testing.T, plain []byte, password string, e encryption) []byte {
	t.Helper()
	salt := []byte("saltsalt")
	key, err := pbkdf2.Key(e.hash, password, salt, e.iterations, e.keySize)
	if err != nil {
		t.Fatal(err)
	}
	block, err := e.block(key)
	if err != nil {
		t.Fatal(err)
	}
	bs := block.BlockSize()
	n := bs - len(plain)%bs
	padded := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(n)}, n)...)
	iv := bytes.Repeat([]byte{7}, bs)
	data := make([]byte, len(padded))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(data, padded)
	if e.ivSize != 0 {
		iv = iv[:e.ivSize]
	}
	kdf := pbkdf2Params{Salt: salt, Iterations: e.iterations, KeyLength: e.keyLength}
	if e.prf != nil {
		kdf.PRF = algorithmIdentifier{Algorithm: e.prf, Parameters: asn1.NullRawValue}
	}
	raw := func(v any) asn1.RawValue {
		b, err := asn1.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return asn1.RawValue{FullBytes: b}
	}
	der, err := asn1.Marshal(encryptedPrivateKeyInfo{
		Algorithm: algorithmIdentifier{Algorithm: oidPBES2, Parameters: raw(pbes2Params{
			KeyDerivationFunc: algorithmIdentifier{Algorithm: oidPBKDF2, Parameters: raw(kdf)},
			EncryptionScheme:  algorithmIdentifier{Algorithm: e.cipher, Parameters: raw(iv)},
		})},
		EncryptedData: data[:len(data)-e.cut],
	})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestDecryptPKCS8Schemes(t *testing.T) {
	block, _ := pem.Decode(readTD(t, "client2-key.pem"))
	if block == nil {
		t.Fatal("client2-key.pem: no PEM block")
	}
	want, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	oid := func(last ...int) asn1.ObjectIdentifier {
		return append(asn1.ObjectIdentifier{1, 2, 840, 113549}, last...)
	}
	aesOID := func(n int) asn1.ObjectIdentifier { return asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, n} }
	aes128 := encryption{cipher: aesOID(2), keySize: 16, block: aes.NewCipher, iterations: 1000}
	with := func(e encryption, f func(*encryption)) encryption { f(&e); return e }
	for _, tc := range []struct {
		name string
		e    encryption
		is   error
		want string // error text; empty: decrypts
	}{
		{"sha1 written out", with(aes128, func(e *encryption) { e.prf, e.hash = oid(2, 7), sha1.New }), nil, ""},
		{"sha1 left out", with(aes128, func(e *encryption) { e.hash = sha1.New }), nil, ""},
		{"sha224", with(aes128, func(e *encryption) { e.prf, e.hash = oid(2, 8), sha256.New224 }), nil, ""},
		{"sha256", with(aes128, func(e *encryption) { e.prf, e.hash = oid(2, 9), sha256.New }), nil, ""},
		{"sha384", with(aes128, func(e *encryption) { e.prf, e.hash = oid(2, 10), sha512.New384 }), nil, ""},
		{"sha512", with(aes128, func(e *encryption) { e.prf, e.hash = oid(2, 11), sha512.New }), nil, ""},
		{"aes256 with its key length", encryption{prf: oid(2, 9), hash: sha256.New, cipher: aesOID(42), keySize: 32,
			block: aes.NewCipher, iterations: 1, keyLength: 32}, nil, ""},
		{"des3", encryption{hash: sha1.New, cipher: oid(3, 7), keySize: 24, block: des.NewTripleDESCipher, iterations: 10}, nil, ""},
		{"hmac with sha512/256", with(aes128, func(e *encryption) { e.prf, e.hash = oid(2, 13), sha512.New512_256 }),
			nil, "unsupported PBKDF2 function 1.2.840.113549.2.13"},
		{"aes-128-gcm", with(aes128, func(e *encryption) { e.hash, e.cipher = sha1.New, aesOID(6) }),
			nil, "unsupported cipher 2.16.840.1.101.3.4.1.6"},
		{"key length of another cipher", with(aes128, func(e *encryption) { e.hash, e.keyLength = sha1.New, 32 }),
			nil, "PBKDF2 key length 32"},
		{"short iv", with(aes128, func(e *encryption) { e.hash, e.ivSize = sha1.New, 8 }), nil, "IV of 8 bytes"},
		{"cut ciphertext", with(aes128, func(e *encryption) { e.hash, e.cut = sha1.New, 3 }), nil, "not a whole number"},
		{"no iterations", with(aes128, func(e *encryption) { e.hash, e.iterations = sha1.New, 0 }), nil, "iteration count 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			iter := tc.e.iterations
			if iter == 0 {
				tc.e.iterations = 1 // to encrypt; the file says 0
			}
			der := encryptPKCS8(t, block.Bytes, keyPass, tc.e)
			if iter == 0 {
				der = encryptPKCS8Iterations(t, der, 0)
			}
			got, err := decryptPKCS8(der, keyPass)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				samePublicKey(t, got, want.(crypto.Signer).Public())
				if _, err := decryptPKCS8(der, "wrong-secret"); !errors.Is(err, ErrKeyPassword) {
					t.Fatalf("wrong password: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// encryptPKCS8Iterations rewrites the iteration count of a PBES2 key.
func encryptPKCS8Iterations(t *testing.T, der []byte, n int) []byte {
	t.Helper()
	var info encryptedPrivateKeyInfo
	var p pbes2Params
	var kdf pbkdf2Params
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		t.Fatal(err)
	}
	if _, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &p); err != nil {
		t.Fatal(err)
	}
	if _, err := asn1.Unmarshal(p.KeyDerivationFunc.Parameters.FullBytes, &kdf); err != nil {
		t.Fatal(err)
	}
	kdf.Iterations = n
	b, err := asn1.Marshal(kdf)
	if err != nil {
		t.Fatal(err)
	}
	p.KeyDerivationFunc.Parameters = asn1.RawValue{FullBytes: b}
	if b, err = asn1.Marshal(p); err != nil {
		t.Fatal(err)
	}
	info.Algorithm.Parameters = asn1.RawValue{FullBytes: b}
	if der, err = asn1.Marshal(info); err != nil {
		t.Fatal(err)
	}
	return der
}

func TestDecryptPKCS8Malformed(t *testing.T) {
	for _, tc := range []struct {
		name string
		der  []byte
		want string
	}{
		{"empty", nil, "malformed encrypted private key"},
		{"plain key", func() []byte { b, _ := pem.Decode(readTD(t, "client2-key.pem")); return b.Bytes }(), "malformed"},
		{"trailing data", append(mustMarshal(t, encryptedPrivateKeyInfo{
			Algorithm: algorithmIdentifier{Algorithm: oidPBES2}, EncryptedData: []byte{1}}), 0), "malformed"},
		{"pbes2 without parameters", mustMarshal(t, encryptedPrivateKeyInfo{
			Algorithm: algorithmIdentifier{Algorithm: oidPBES2}, EncryptedData: []byte{1}}), "malformed PBES2 parameters"},
		{"scrypt", mustMarshal(t, encryptedPrivateKeyInfo{
			Algorithm: algorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: mustMarshal(t, pbes2Params{
				KeyDerivationFunc: algorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}},
				EncryptionScheme:  algorithmIdentifier{Algorithm: asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}},
			})}}, EncryptedData: []byte{1}}), "key derivation 1.3.6.1.4.1.11591.4.11 (scrypt)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decryptPKCS8(tc.der, keyPass)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
			if errors.Is(err, ErrKeyPassword) {
				t.Fatalf("a malformed key blames the password: %v", err)
			}
		})
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUnpad(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want []byte
		ok   bool
	}{
		{[]byte{1, 2, 3, 1}, []byte{1, 2, 3}, true},
		{[]byte{4, 4, 4, 4}, []byte{}, true},
		{[]byte{1, 2, 2, 2}, []byte{1, 2}, true},
		{[]byte{1, 2, 3, 0}, nil, false},
		{[]byte{1, 2, 3, 5}, nil, false},
		{[]byte{1, 3, 2, 2}, []byte{1, 3}, true},
		{[]byte{1, 2, 3, 3}, nil, false},
	} {
		got, ok := unpad(bytes.Clone(tc.in), 4)
		if ok != tc.ok || !bytes.Equal(got, tc.want) {
			t.Errorf("unpad(%v) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
