package worker

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-connect-go/connect/connector/tlsstore"
)

// kafkaVersion is the protocol version sarama speaks: new enough for every
// feature the worker uses, and spoken by every broker Connect 3.x supports.
var kafkaVersion = sarama.V3_6_0_0

// clientProp is one client setting and the config key it came from, so an
// error names what the user wrote (producer.override.acks, not acks).
type clientProp struct {
	origin, value string
}

// clientProps layers client settings: later layers win, as in Java's
// Worker.producerConfigs / consumerConfigs.
type clientProps map[string]clientProp

func (p clientProps) layer(prefix string, props map[string]string) {
	for k, v := range props {
		p[k] = clientProp{origin: prefix + k, value: v}
	}
}

func (p clientProps) set(key, value string) { p[key] = clientProp{origin: key, value: value} }

// clientSettings is what the worker builds a Kafka client from.
type clientSettings struct {
	brokers        []string
	sarama         *sarama.Config
	groupID        string // consumers
	maxPollRecords int    // consumers
}

type clientKind uint8

const (
	producerClient clientKind = iota + 1
	consumerClient
	adminClient // the common keys only
)

// producerSettings builds a source task's producer: the framework defaults
// of Java's Worker.baseProducerConfigs, the worker's producer. keys, then
// the connector's producer.override. keys.
func (w *Worker) producerSettings(connector string, task int, connProps map[string]string) (*clientSettings, error) {
	return w.producerSettingsWithID("connector-producer-"+connector+"-"+strconv.Itoa(task), connProps)
}

// dlqProducerSettings builds a sink task's dead letter queue producer: a
// source producer's settings (Java's baseProducerConfigs) under the client
// id connector-dlq-producer-<connector>-<task>.
func (w *Worker) dlqProducerSettings(connector string, task int, connProps map[string]string) (*clientSettings, error) {
	return w.producerSettingsWithID("connector-dlq-producer-"+connector+"-"+strconv.Itoa(task), connProps)
}

func (w *Worker) producerSettingsWithID(clientID string, connProps map[string]string) (*clientSettings, error) {
	p := clientProps{}
	p.set("bootstrap.servers", strings.Join(w.cfg.BootstrapServers, ","))
	p.set("acks", "all")
	p.set("enable.idempotence", "false")
	p.set("max.in.flight.requests.per.connection", "1")
	p.set("retries", strconv.Itoa(math.MaxInt32)) // capped by buildClient, see maxProducerRetries
	p.set("client.id", clientID)
	p.layer("producer.", w.cfg.ProducerProps)
	if err := w.layerOverrides(p, ProducerOverridePrefix, connProps); err != nil {
		return nil, err
	}
	return buildClient(producerClient, p)
}

// consumerSettings builds a sink task's consumer (Java's
// Worker.baseConsumerConfigs): group connect-<connector>, earliest reset,
// no auto-commit; then the worker's consumer. keys and the connector's
// consumer.override. keys.
func (w *Worker) consumerSettings(connector string, task int, connProps map[string]string) (*clientSettings, error) {
	p := clientProps{}
	p.set("bootstrap.servers", strings.Join(w.cfg.BootstrapServers, ","))
	p.set("group.id", "connect-"+connector)
	p.set("client.id", "connector-consumer-"+connector+"-"+strconv.Itoa(task))
	p.set("enable.auto.commit", "false")
	p.set("auto.offset.reset", "earliest")
	p.layer("consumer.", w.cfg.ConsumerProps)
	if err := w.layerOverrides(p, ConsumerOverridePrefix, connProps); err != nil {
		return nil, err
	}
	return buildClient(consumerClient, p)
}

// dlqAdminSettings builds the admin client that creates a sink task's dead
// letter queue topic (Java's adminConfigs): client id
// connector-dlq-adminclient-, the worker's admin. keys, then the
// connector's admin.override. keys.
func (w *Worker) dlqAdminSettings(connProps map[string]string) (*clientSettings, error) {
	p := clientProps{}
	p.set("bootstrap.servers", strings.Join(w.cfg.BootstrapServers, ","))
	p.set("client.id", "connector-dlq-adminclient-")
	p.layer("admin.", w.cfg.AdminProps)
	if err := w.layerOverrides(p, AdminOverridePrefix, connProps); err != nil {
		return nil, err
	}
	return buildClient(adminClient, p)
}

func (w *Worker) layerOverrides(p clientProps, prefix string, connProps map[string]string) error {
	overrides := map[string]string{}
	for k, v := range connProps {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			overrides[rest] = v
		}
	}
	if len(overrides) == 0 {
		return nil
	}
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	if err := overridePolicyAllows(w.cfg.ClientOverridePolicy, prefix, keys); err != nil {
		return err
	}
	p.layer(prefix, overrides)
	return nil
}

// maxProducerRetries caps retries (see applyClientKey).
const maxProducerRetries = 1000

// invalidClientIDChars are what sarama refuses in a client id.
var invalidClientIDChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// buildClient maps Java client keys onto a sarama config. Keys sarama has
// no counterpart for are ignored (as Java ignores unknown keys); a value
// that does not parse is an error naming the key it came from.
func buildClient(kind clientKind, p clientProps) (*clientSettings, error) {
	c := sarama.NewConfig()
	c.Version = kafkaVersion
	s := &clientSettings{sarama: c, maxPollRecords: 500}
	// Java's defaults where sarama's differ.
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	c.Consumer.Group.Session.Timeout = 45 * time.Second
	c.Consumer.Group.Heartbeat.Interval = 3 * time.Second
	c.Consumer.Group.Rebalance.Timeout = 5 * time.Minute
	c.Consumer.Return.Errors = true
	c.Metadata.RefreshFrequency = 5 * time.Minute
	c.Producer.Retry.Backoff = 100 * time.Millisecond
	c.Producer.Retry.BackoffFunc = func(retries, maxRetries int) time.Duration {
		return min(c.Producer.Retry.Backoff<<min(retries, 10), time.Second)
	}
	c.Producer.RequiredAcks = sarama.WaitForAll

	var tlsCfg tlsSettings
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		prop := p[k]
		if err := applyClientKey(kind, s, &tlsCfg, k, strings.TrimSpace(prop.value)); err != nil {
			return nil, fmt.Errorf("%s=%q: %w", prop.origin, prop.value, err)
		}
	}
	if c.Net.TLS.Enable {
		tc, err := tlsCfg.build(p)
		if err != nil {
			return nil, err
		}
		c.Net.TLS.Config = tc
	}
	if c.Producer.Idempotent {
		c.Net.MaxOpenRequests = 1
	}
	c.ClientID = invalidClientIDChars.ReplaceAllString(c.ClientID, "_")
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("kafka client settings: %w", err)
	}
	return s, nil
}

func parseMillis(v string) (time.Duration, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, errors.New("expected a non-negative number of milliseconds")
	}
	return time.Duration(n) * time.Millisecond, nil
}

func parseInt(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errors.New("expected an integer")
	}
	return n, nil
}

func applyClientKey(kind clientKind, s *clientSettings, tc *tlsSettings, key, v string) error {
	c := s.sarama
	var err error
	switch key {
	// --- common ---
	case "bootstrap.servers":
		s.brokers = nil
		for _, b := range strings.Split(v, ",") {
			if b = strings.TrimSpace(b); b != "" {
				s.brokers = append(s.brokers, b)
			}
		}
		if len(s.brokers) == 0 {
			return errors.New("expected a list of host:port")
		}
	case "client.id":
		c.ClientID = v
	case "security.protocol":
		switch strings.ToUpper(v) {
		case "PLAINTEXT":
		case "SSL":
			c.Net.TLS.Enable = true
		case "SASL_PLAINTEXT":
			c.Net.SASL.Enable = true
		case "SASL_SSL":
			c.Net.SASL.Enable = true
			c.Net.TLS.Enable = true
		default:
			return errors.New("expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
		}
	case "sasl.mechanism":
		switch strings.ToUpper(v) {
		case "PLAIN":
			c.Net.SASL.Mechanism = sarama.SASLTypePlaintext
		case "SCRAM-SHA-256":
			c.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA256
			c.Net.SASL.SCRAMClientGeneratorFunc = newSCRAMSHA256
		case "SCRAM-SHA-512":
			c.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA512
			c.Net.SASL.SCRAMClientGeneratorFunc = newSCRAMSHA512
		default:
			return errors.New("expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (other mechanisms are not supported)")
		}
	case "sasl.jaas.config":
		user, pass, err := parseJAAS(v)
		if err != nil {
			return err
		}
		c.Net.SASL.User, c.Net.SASL.Password = user, pass
	case "request.timeout.ms":
		var d time.Duration
		if d, err = parseMillis(v); err == nil {
			c.Net.ReadTimeout, c.Net.WriteTimeout = d, d
		}
	case "socket.connection.setup.timeout.ms":
		c.Net.DialTimeout, err = parseMillis(v)
	case "metadata.max.age.ms":
		c.Metadata.RefreshFrequency, err = parseMillis(v)
	case "retry.backoff.ms":
		var d time.Duration
		if d, err = parseMillis(v); err == nil {
			c.Metadata.Retry.Backoff, c.Producer.Retry.Backoff, c.Consumer.Retry.Backoff = d, d, d
		}
	case "client.rack":
		c.RackID = v
	case "ssl.truststore.type", "ssl.truststore.location", "ssl.truststore.certificates",
		"ssl.keystore.type", "ssl.keystore.location", "ssl.keystore.certificate.chain", "ssl.keystore.key",
		"ssl.key.password", "ssl.keystore.password", "ssl.truststore.password":
		// gathered by tlsSettings.build
	case "ssl.endpoint.identification.algorithm":
		tc.skipHostname = v == ""
	}
	if err != nil {
		return err
	}

	switch kind {
	case producerClient:
		switch key {
		case "acks":
			switch v {
			case "all", "-1":
				c.Producer.RequiredAcks = sarama.WaitForAll
			case "1":
				c.Producer.RequiredAcks = sarama.WaitForLocal
			case "0":
				c.Producer.RequiredAcks = sarama.NoResponse
			default:
				return errors.New("expected all, -1, 0 or 1")
			}
		case "compression.type":
			switch strings.ToLower(v) {
			case "none":
				c.Producer.Compression = sarama.CompressionNone
			case "gzip":
				c.Producer.Compression = sarama.CompressionGZIP
			case "snappy":
				c.Producer.Compression = sarama.CompressionSnappy
			case "lz4":
				c.Producer.Compression = sarama.CompressionLZ4
			case "zstd":
				c.Producer.Compression = sarama.CompressionZSTD
			default:
				return errors.New("expected none, gzip, snappy, lz4 or zstd")
			}
		case "linger.ms":
			c.Producer.Flush.Frequency, err = parseMillis(v)
		case "batch.size":
			c.Producer.Flush.Bytes, err = parseInt(v)
		case "max.request.size":
			c.Producer.MaxMessageBytes, err = parseInt(v)
		case "retries":
			// Java's "retry until delivery.timeout.ms" (Connect sets both to
			// Integer.MAX_VALUE); sarama keeps per-retry state for every
			// partition, so the count is capped (with backoff up to a
			// second, that is still about a quarter of an hour).
			c.Producer.Retry.Max, err = parseInt(v)
			c.Producer.Retry.Max = min(c.Producer.Retry.Max, maxProducerRetries)
		case "max.in.flight.requests.per.connection":
			c.Net.MaxOpenRequests, err = parseInt(v)
		case "enable.idempotence":
			c.Producer.Idempotent, err = strconv.ParseBool(v)
			if err != nil {
				err = errors.New("expected true or false")
			}
		}
	case consumerClient:
		switch key {
		case "group.id":
			s.groupID = v
		case "group.instance.id":
			c.Consumer.Group.InstanceId = v
		case "auto.offset.reset":
			switch v {
			case "earliest":
				c.Consumer.Offsets.Initial = sarama.OffsetOldest
			case "latest":
				c.Consumer.Offsets.Initial = sarama.OffsetNewest
			case "none":
				// sarama has no "fail when there is no committed offset";
				// earliest is the safe reading for a sink.
				c.Consumer.Offsets.Initial = sarama.OffsetOldest
			default:
				return errors.New("expected earliest, latest or none")
			}
		case "max.poll.records":
			s.maxPollRecords, err = parseInt(v)
			if err == nil && s.maxPollRecords < 1 {
				err = errors.New("expected at least 1")
			}
		case "max.poll.interval.ms":
			c.Consumer.Group.Rebalance.Timeout, err = parseMillis(v)
		case "session.timeout.ms":
			c.Consumer.Group.Session.Timeout, err = parseMillis(v)
		case "heartbeat.interval.ms":
			c.Consumer.Group.Heartbeat.Interval, err = parseMillis(v)
		case "fetch.min.bytes":
			var n int
			if n, err = parseInt(v); err == nil {
				c.Consumer.Fetch.Min = int32(n)
			}
		case "fetch.max.bytes":
			var n int
			if n, err = parseInt(v); err == nil {
				c.Consumer.Fetch.Max = int32(n)
			}
		case "max.partition.fetch.bytes":
			var n int
			if n, err = parseInt(v); err == nil {
				c.Consumer.Fetch.Default = int32(n)
			}
		case "fetch.max.wait.ms":
			c.Consumer.MaxWaitTime, err = parseMillis(v)
		case "isolation.level":
			switch v {
			case "read_uncommitted":
				c.Consumer.IsolationLevel = sarama.ReadUncommitted
			case "read_committed":
				c.Consumer.IsolationLevel = sarama.ReadCommitted
			default:
				return errors.New("expected read_uncommitted or read_committed")
			}
		case "partition.assignment.strategy":
			// Only eager strategies: the sink loop flushes and commits
			// everything when a session ends, which cooperative
			// rebalancing does not do. Java's default list starts with
			// the range assignor, which is what a Java sink group uses.
			var strategies []sarama.BalanceStrategy
			for _, name := range strings.Split(v, ",") {
				n := strings.TrimSpace(name)
				switch n[strings.LastIndex(n, ".")+1:] {
				case "RangeAssignor":
					strategies = append(strategies, sarama.NewBalanceStrategyRange())
				case "RoundRobinAssignor":
					strategies = append(strategies, sarama.NewBalanceStrategyRoundRobin())
				case "StickyAssignor":
					strategies = append(strategies, sarama.NewBalanceStrategySticky())
				case "CooperativeStickyAssignor":
				default:
					return fmt.Errorf("unknown assignor %q", strings.TrimSpace(name))
				}
			}
			if len(strategies) > 0 {
				c.Consumer.Group.Rebalance.GroupStrategies = strategies
			}
		}
	}
	return err
}

// jaasOption matches key="value" pairs of a JAAS login module line.
var jaasOption = regexp.MustCompile(`(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"`)

// parseJAAS reads the username and password of a PlainLoginModule or
// ScramLoginModule line.
func parseJAAS(v string) (user, pass string, err error) {
	for _, m := range jaasOption.FindAllStringSubmatch(v, -1) {
		val := strings.ReplaceAll(strings.ReplaceAll(m[2], `\"`, `"`), `\\`, `\`)
		switch m[1] {
		case "username":
			user = val
		case "password":
			pass = val
		}
	}
	if user == "" {
		return "", "", errors.New(`expected a login module line with username="..." and password="..."`)
	}
	return user, pass, nil
}

// tlsSettings gathers the ssl.* keys. The stores are read by
// connector/tlsstore: JKS, PKCS12 and PEM, as Java reads them.
type tlsSettings struct {
	skipHostname bool
}

func (t *tlsSettings) build(p clientProps) (*tls.Config, error) {
	// Java trims every config value, passwords included.
	get := func(k string) (clientProp, bool) {
		v, ok := p[k]
		v.value = strings.TrimSpace(v.value)
		return v, ok && v.value != ""
	}
	// name is the key k as the user would write it next to anchor, for
	// errors about a key that is not set (a missing password).
	name := func(anchor clientProp, anchorKey, k string) string {
		if v, ok := p[k]; ok {
			return v.origin
		}
		return strings.TrimSuffix(anchor.origin, anchorKey) + k
	}
	storeType := func(k string) (clientProp, error) {
		typ, ok := get(k)
		if !ok {
			return clientProp{}, nil
		}
		if err := tlsstore.CheckType(typ.value); err != nil {
			return clientProp{}, fmt.Errorf("%s: %w", typ.origin, err)
		}
		return typ, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}

	trustType, err := storeType("ssl.truststore.type")
	if err != nil {
		return nil, err
	}
	if v, ok := get("ssl.truststore.certificates"); ok {
		if trustType.value != "" && !strings.EqualFold(trustType.value, tlsstore.PEM) {
			return nil, fmt.Errorf("%s needs %s=PEM, not %q", v.origin, trustType.origin, trustType.value)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(v.value)) {
			return nil, fmt.Errorf("%s: no PEM certificate found", v.origin)
		}
		tc.RootCAs = pool
	} else if loc, ok := get("ssl.truststore.location"); ok {
		pw, _ := get("ssl.truststore.password")
		pool, err := tlsstore.Trust(trustType.value, loc.value, pw.value)
		if errors.Is(err, tlsstore.ErrStorePassword) {
			return nil, fmt.Errorf("%s: %w", name(loc, "ssl.truststore.location", "ssl.truststore.password"), err)
		}
		if err != nil {
			return nil, fmt.Errorf("%s=%q: %w", loc.origin, loc.value, err)
		}
		tc.RootCAs = pool
	}

	keyType, err := storeType("ssl.keystore.type")
	if err != nil {
		return nil, err
	}
	// isKeyPasswordErr: the error is about ssl.key.password, which also
	// decrypts an encrypted PEM key (Kafka's PEM key stores).
	isKeyPasswordErr := func(err error) bool {
		return errors.Is(err, tlsstore.ErrKeyPassword) || errors.Is(err, tlsstore.ErrKeyPasswordRequired) ||
			errors.Is(err, tlsstore.ErrKeyNotEncrypted)
	}
	keyPW, _ := get("ssl.key.password")
	chain, hasChain := get("ssl.keystore.certificate.chain")
	key, hasKey := get("ssl.keystore.key")
	if hasChain || hasKey {
		inline, inlineKey := key, "ssl.keystore.key"
		if !hasKey {
			inline, inlineKey = chain, "ssl.keystore.certificate.chain"
		}
		if keyType.value != "" && !strings.EqualFold(keyType.value, tlsstore.PEM) {
			return nil, fmt.Errorf("%s needs %s=PEM, not %q", inline.origin, keyType.origin, keyType.value)
		}
		cert, err := tlsstore.PEMKey([]byte(chain.value), []byte(key.value), keyPW.value)
		if isKeyPasswordErr(err) {
			return nil, fmt.Errorf("%s: %w", name(inline, inlineKey, "ssl.key.password"), err)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", inline.origin, err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	if loc, ok := get("ssl.keystore.location"); ok {
		storePW, _ := get("ssl.keystore.password")
		certs, err := tlsstore.Keys(keyType.value, loc.value, storePW.value, keyPW.value)
		switch {
		case errors.Is(err, tlsstore.ErrStorePassword), errors.Is(err, tlsstore.ErrPasswordRequired):
			return nil, fmt.Errorf("%s: %w", name(loc, "ssl.keystore.location", "ssl.keystore.password"), err)
		case isKeyPasswordErr(err):
			return nil, fmt.Errorf("%s: %w", name(loc, "ssl.keystore.location", "ssl.key.password"), err)
		case err != nil:
			return nil, fmt.Errorf("%s=%q: %w", loc.origin, loc.value, err)
		}
		// Several key entries: the handshake picks the one the broker
		// accepts, as Java's key manager does.
		tc.Certificates = certs
	}
	if t.skipHostname {
		tlsstore.SkipHostnameCheck(tc)
	}
	return tc, nil
}
