package distributed

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"hash"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/worker/herder"
)

// Session keys and request signing (KIP-507), used when the group runs the
// sessioned protocol (version 2): the leader writes a random key to the
// config topic and rotates it every inter.worker.key.ttl.ms; a worker
// signs the body of its internal requests (task configs sent to the
// leader) with it, and the leader checks the signature.

const defaultAlgorithm = "HmacSHA256"

// The signature headers, as the Java worker names them.
const (
	signatureHeader          = "X-Connect-Authorization"
	signatureAlgorithmHeader = "X-Connect-Request-Signature-Algorithm"
)

// macs are the Java Mac algorithms the worker supports, with the key size
// (bytes) Java's KeyGenerator uses by default.
var macs = map[string]struct {
	hash        func() hash.Hash
	defaultSize int
}{
	"HmacMD5":    {md5.New, 64},
	"HmacSHA1":   {sha1.New, 64},
	"HmacSHA224": {sha256.New224, 28},
	"HmacSHA256": {sha256.New, 32},
	"HmacSHA384": {sha512.New384, 48},
	"HmacSHA512": {sha512.New, 64},
}

// newMAC returns an HMAC for a Java algorithm name, nil if unsupported.
func newMAC(algorithm string, key []byte) hash.Hash {
	m, ok := macs[algorithm]
	if !ok {
		return nil
	}
	return hmac.New(m.hash, key)
}

// keyBytes is the size of the keys to generate: inter.worker.key.size
// (bits) or the algorithm's default.
func keyBytes(algorithm string, bits int) (int, error) {
	m, ok := macs[algorithm]
	if !ok {
		return 0, fmt.Errorf("algorithm %q is not supported (supported: %s)", algorithm, strings.Join(slices.Sorted(maps.Keys(macs)), ", "))
	}
	if bits <= 0 {
		return m.defaultSize, nil
	}
	if bits%8 != 0 {
		return 0, fmt.Errorf("inter.worker.key.size=%d: expected a multiple of 8 bits", bits)
	}
	return bits / 8, nil
}

// sign computes the signature of body with key: base64 of its HMAC.
func sign(algorithm string, key, body []byte) (string, error) {
	mac := newMAC(algorithm, key)
	if mac == nil {
		return "", fmt.Errorf("signature algorithm %q is not supported", algorithm)
	}
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// signRequest adds the signature headers to an internal request.
func signRequest(req *http.Request, algorithm string, key, body []byte) error {
	sig, err := sign(algorithm, key, body)
	if err != nil {
		return err
	}
	req.Header.Set(signatureHeader, sig)
	req.Header.Set(signatureAlgorithmHeader, algorithm)
	return nil
}

// verify checks an internal request's signature when the group signs
// requests, with the Java worker's answers: 400 when the signature is
// missing or uses an algorithm this worker does not accept, 503 before a
// session key was read, 403 when it does not match.
func verify(version int16, key *storage.SessionKey, accepted []string, sig *herder.InternalRequestSignature) error {
	if version < 2 {
		return nil
	}
	if sig == nil || sig.Algorithm == "" || len(sig.Signature) == 0 {
		return herder.BadRequestf("Internal request missing required signature")
	}
	if !slices.Contains(accepted, sig.Algorithm) {
		return herder.BadRequestf("This worker does not support the '%s' key signing algorithm used by other workers. "+
			"This worker is currently configured to use: [%s]. "+
			"Check that all workers' configuration files permit the same set of signature algorithms, "+
			"and correct any misconfigured worker and restart it.", sig.Algorithm, strings.Join(accepted, ", "))
	}
	if key == nil {
		return herder.Unavailablef("This worker is still starting up and has not been able to read a session key from the config topic yet")
	}
	mac := newMAC(sig.Algorithm, key.Key)
	if mac == nil {
		return herder.BadRequestf("Invalid signature algorithm: %s", sig.Algorithm)
	}
	mac.Write(sig.Body)
	if !hmac.Equal(mac.Sum(nil), sig.Signature) {
		return herder.Forbiddenf("Internal request contained invalid signature.")
	}
	return nil
}

// rotateSessionKey makes the leader distribute a new key when there is
// none, when it expired, or when it no longer matches the configured
// algorithm or size (Java's checkForKeyRotation).
func (h *Herder) rotateSessionKey() {
	if h.version < 2 || !h.leader {
		return
	}
	now := h.cfg.Now()
	size, _ := keyBytes(h.cfg.KeyGenerationAlgorithm, h.cfg.KeySize) // checked by New
	reason := ""
	switch {
	case h.sessionKey == nil:
		reason = "no session key has been distributed yet"
	case !now.Before(h.keyExpiration):
		reason = "the session key expired"
	case h.sessionKey.Algorithm != h.cfg.KeyGenerationAlgorithm || len(h.sessionKey.Key) != size:
		reason = "the session key's algorithm or size differs from this worker's configuration"
	default:
		return
	}
	key := storage.SessionKey{Key: make([]byte, size), Algorithm: h.cfg.KeyGenerationAlgorithm, Created: now}
	if _, err := rand.Read(key.Key); err != nil {
		h.log.Error("cannot generate a session key", "error", err)
		return
	}
	h.log.Info("distributing a new session key", "reason", reason, "algorithm", key.Algorithm)
	ctx, cancel := context.WithTimeout(h.ctx, h.cfg.WorkerSyncTimeout+h.cfg.RebalanceTimeout)
	defer cancel()
	if err := h.cfg.Configs.PutSessionKey(ctx, key); err != nil {
		h.log.Warn("cannot write a new session key; reading the config topic to its end before trying again", "error", err)
		h.canReadConfigs = false
		return
	}
	h.sessionKey = &key
	h.keyExpiration = key.Created.Add(h.cfg.KeyTTL)
}
