package worker

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"

	"github.com/IBM/sarama"
)

// scramClient is the client side of SASL SCRAM (RFC 5802) for sarama, which
// leaves the implementation to its users: SCRAM-SHA-256 and -512 as Kafka
// brokers speak them.
type scramClient struct {
	newHash func() hash.Hash
	size    int

	user, pass, authz string
	nonce             string
	clientFirstBare   string
	serverSignature   []byte
	step              int
	done              bool
}

func newSCRAMSHA256() sarama.SCRAMClient {
	return &scramClient{newHash: sha256.New, size: sha256.Size}
}

func newSCRAMSHA512() sarama.SCRAMClient {
	return &scramClient{newHash: sha512.New, size: sha512.Size}
}

func (c *scramClient) Begin(user, pass, authz string) error {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	c.user, c.pass, c.authz = user, pass, authz
	c.nonce = base64.RawStdEncoding.EncodeToString(b)
	c.step, c.done = 0, false
	return nil
}

func saslName(s string) string {
	return strings.NewReplacer("=", "=3D", ",", "=2C").Replace(s)
}

func (c *scramClient) gs2Header() string {
	if c.authz == "" {
		return "n,,"
	}
	return "n,a=" + saslName(c.authz) + ","
}

func (c *scramClient) hmac(key []byte, msg string) []byte {
	m := hmac.New(c.newHash, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func (c *scramClient) Step(challenge string) (string, error) {
	c.step++
	switch c.step {
	case 1:
		c.clientFirstBare = "n=" + saslName(c.user) + ",r=" + c.nonce
		return c.gs2Header() + c.clientFirstBare, nil
	case 2:
		attrs := scramAttrs(challenge)
		nonce, salt64, iters := attrs["r"], attrs["s"], attrs["i"]
		if !strings.HasPrefix(nonce, c.nonce) || len(nonce) == len(c.nonce) {
			return "", errors.New("scram: server nonce does not extend the client nonce")
		}
		salt, err := base64.StdEncoding.DecodeString(salt64)
		if err != nil {
			return "", fmt.Errorf("scram: bad salt: %w", err)
		}
		n, err := strconv.Atoi(iters)
		if err != nil || n < 1 {
			return "", fmt.Errorf("scram: bad iteration count %q", iters)
		}
		salted, err := pbkdf2.Key(c.newHash, c.pass, salt, n, c.size)
		if err != nil {
			return "", err
		}
		clientKey := c.hmac(salted, "Client Key")
		h := c.newHash()
		h.Write(clientKey)
		storedKey := h.Sum(nil)
		withoutProof := "c=" + base64.StdEncoding.EncodeToString([]byte(c.gs2Header())) + ",r=" + nonce
		authMessage := c.clientFirstBare + "," + challenge + "," + withoutProof
		sig := c.hmac(storedKey, authMessage)
		proof := make([]byte, len(clientKey))
		for i := range proof {
			proof[i] = clientKey[i] ^ sig[i]
		}
		c.serverSignature = c.hmac(c.hmac(salted, "Server Key"), authMessage)
		return withoutProof + ",p=" + base64.StdEncoding.EncodeToString(proof), nil
	case 3:
		attrs := scramAttrs(challenge)
		if e, ok := attrs["e"]; ok {
			return "", fmt.Errorf("scram: server refused: %s", e)
		}
		v, err := base64.StdEncoding.DecodeString(attrs["v"])
		if err != nil || subtle.ConstantTimeCompare(v, c.serverSignature) != 1 {
			return "", errors.New("scram: server signature does not match")
		}
		c.done = true
		return "", nil
	}
	return "", errors.New("scram: unexpected extra step")
}

func (c *scramClient) Done() bool { return c.done }

func scramAttrs(s string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(part, "="); ok && len(k) == 1 {
			out[k] = v
		}
	}
	return out
}
