package config

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"hash"
	"strings"

	"github.com/kafka-connect-go/connect/connector/configdef"
)

// optional lets null (an unset key without default) pass and checks any
// other value with v.
type optional struct{ v configdef.Validator }

func (o optional) Validate(name string, v any) error {
	if v == nil {
		return nil
	}
	return o.v.Validate(name, v)
}

func (o optional) String() string {
	if s, ok := o.v.(interface{ String() string }); ok {
		return s.String()
	}
	return ""
}

// listenersValidator checks listeners and admin.listeners: Java's list
// checks (RestServerConfig) and, at load time rather than when the server
// starts, the URL format Java's RestServer enforces.
type listenersValidator struct {
	name     string
	required bool // listeners needs an entry; an empty admin.listeners disables
}

func (l listenersValidator) Validate(name string, v any) error {
	if v == nil {
		if l.required {
			return configdef.Errorf("Invalid value type for %s (expected list of URLs , ex: http://localhost:8080,https://localhost:8443).", l.name)
		}
		return nil
	}
	list, _ := v.([]string)
	if len(list) == 0 {
		if l.required {
			return configdef.Errorf("Invalid value for %s, at least one URL is expected, ex: http://localhost:8080,https://localhost:8443.", l.name)
		}
		return nil
	}
	for _, item := range list {
		if strings.TrimSpace(item) == "" {
			return configdef.Errorf("Empty URL found when parsing %s list.", l.name)
		}
	}
	for _, item := range list {
		if _, err := ParseListener(item); err != nil {
			return configdef.Invalid(name, item, err.Error())
		}
	}
	return nil
}

func (listenersValidator) String() string {
	return "List of comma-separated URLs, ex: http://localhost:8080,https://localhost:8443."
}

// headerRulesValidator checks response.http.headers.config.
type headerRulesValidator struct{}

func (headerRulesValidator) Validate(name string, v any) error {
	s, _ := v.(string)
	_, err := ParseHeaderRules(s)
	return err
}

func (headerRulesValidator) String() string {
	return "Comma-separated header rules, where each header rule is of the form '[action] [header name]:[header value]' " +
		"and optionally surrounded by double quotes if any part of a header rule contains a comma"
}

// partitionsValidator is Kafka's rule for topic partition counts.
type partitionsValidator struct{}

func (partitionsValidator) Validate(name string, v any) error {
	if n, ok := v.(int32); ok && n != -1 && n < 1 {
		return configdef.Invalid(name, v, "Number of partitions must be positive, or -1 to use the broker's default")
	}
	return nil
}

func (partitionsValidator) String() string {
	return "Positive number, or -1 to use the broker's default"
}

// replicationFactorValidator is Kafka's rule for replication factors.
type replicationFactorValidator struct{}

func (replicationFactorValidator) Validate(name string, v any) error {
	if n, ok := v.(int16); ok && n != -1 && n < 1 {
		return configdef.Invalid(name, v, "Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default")
	}
	return nil
}

func (replicationFactorValidator) String() string {
	return "Positive number not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default"
}

// connectProtocols are connect.protocol's values, oldest first.
var connectProtocols = []string{"eager", "compatible", "sessioned"}

type connectProtocolValidator struct{}

func (connectProtocolValidator) Validate(name string, v any) error {
	s, _ := v.(string)
	for _, p := range connectProtocols {
		if v != nil && strings.EqualFold(p, s) {
			return nil
		}
	}
	return configdef.Invalid(name, v, "Invalid Connect protocol compatibility")
}

func (connectProtocolValidator) String() string {
	return "[" + strings.Join(connectProtocols, ", ") + "]"
}

// macs are the MAC algorithms this worker can sign and verify requests
// between workers with, under their Java (JCA) names.
var macs = []struct {
	name string
	hash func() hash.Hash
}{
	{"HmacMD5", md5.New},
	{"HmacSHA1", sha1.New},
	{"HmacSHA224", sha256.New224},
	{"HmacSHA256", sha256.New},
	{"HmacSHA384", sha512.New384},
	{"HmacSHA512", sha512.New},
	{"HmacSHA512/224", sha512.New512_224},
	{"HmacSHA512/256", sha512.New512_256},
	{"HmacSHA3-224", func() hash.Hash { return sha3.New224() }},
	{"HmacSHA3-256", func() hash.Hash { return sha3.New256() }},
	{"HmacSHA3-384", func() hash.Hash { return sha3.New384() }},
	{"HmacSHA3-512", func() hash.Hash { return sha3.New512() }},
}

// NewMAC returns an HMAC of the named algorithm (a Java name such as
// HmacSHA256, matched ignoring case as the JVM does) keyed with key, for
// signing and verifying requests between workers.
func NewMAC(algorithm string, key []byte) (hash.Hash, bool) {
	for _, m := range macs {
		if strings.EqualFold(m.name, algorithm) {
			return hmac.New(m.hash, key), true
		}
	}
	return nil, false
}

func macNames() string {
	names := make([]string, len(macs))
	for i, m := range macs {
		names[i] = m.name
	}
	return "[" + strings.Join(names, ", ") + "]"
}

// algorithmValidator accepts a MAC algorithm this worker supports. Java
// asks the JVM; its message lists the JVM's algorithms, ours lists ours.
type algorithmValidator struct{}

func (algorithmValidator) Validate(name string, v any) error {
	s, _ := v.(string)
	if _, ok := NewMAC(s, nil); !ok || v == nil {
		return configdef.Invalid(name, v, "the algorithm is not supported by this worker; the supported algorithms are: "+macNames())
	}
	return nil
}

func (algorithmValidator) String() string { return "Any MAC algorithm supported by the worker" }

type algorithmListValidator struct{}

func (algorithmListValidator) Validate(name string, v any) error {
	list, _ := v.([]string)
	if len(list) == 0 {
		return configdef.Invalid(name, list, "At least one signature verification algorithm must be provided")
	}
	for _, a := range list {
		if err := (algorithmValidator{}).Validate(name, a); err != nil {
			return err
		}
	}
	return nil
}

func (algorithmListValidator) String() string {
	return "A list of one or more MAC algorithms, each supported by the worker"
}
