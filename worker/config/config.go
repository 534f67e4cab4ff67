package config

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/magiconair/properties"

	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/provider"
)

// Mode is how the worker runs: alone with an offsets file, or in a cluster
// that keeps its state in Kafka topics.
type Mode int

// The worker modes.
const (
	Standalone Mode = iota + 1
	Distributed
)

func (m Mode) String() string {
	switch m {
	case Standalone:
		return "standalone"
	case Distributed:
		return "distributed"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// WorkerConfig is a parsed worker.properties. Durations come from the *.ms
// keys; lists are nil when the key defaults to null and empty when set to
// "". Every declared key is also in Values, and every key given, declared
// or not, in Originals.
type WorkerConfig struct {
	// File is where the config came from (the name given to Parse).
	File string
	Mode Mode

	// BootstrapServers: bootstrap.servers.
	BootstrapServers []string
	// ClientDNSLookup: client.dns.lookup.
	ClientDNSLookup string

	// KeyConverter, ValueConverter and HeaderConverter are key.converter,
	// value.converter and header.converter with their key.converter.* (etc.)
	// settings. Connectors may override them.
	KeyConverter    Converter
	ValueConverter  Converter
	HeaderConverter Converter

	// TaskShutdownGracefulTimeout: task.shutdown.graceful.timeout.ms, for
	// all tasks together.
	TaskShutdownGracefulTimeout time.Duration
	// OffsetFlushInterval: offset.flush.interval.ms, between offset commits.
	// Java does not forbid zero or negative values; the runtime must not
	// hand them to a ticker.
	OffsetFlushInterval time.Duration
	// OffsetFlushTimeout: offset.flush.timeout.ms.
	OffsetFlushTimeout time.Duration

	// PluginPath: plugin.path (nil when unset). Plugins here are built in;
	// the setting is only reported.
	PluginPath []string
	// PluginDiscovery: plugin.discovery, as given.
	PluginDiscovery string

	// MetricsSampleWindow: metrics.sample.window.ms.
	MetricsSampleWindow time.Duration
	// MetricsNumSamples: metrics.num.samples.
	MetricsNumSamples int
	// MetricsRecordingLevel: metrics.recording.level, INFO or DEBUG.
	MetricsRecordingLevel string
	// MetricReporters: metric.reporters.
	MetricReporters []string

	// ConfigProviders: config.providers, the names resolved in this file
	// and, through ConfigTransformer, in connector configs.
	ConfigProviders []string
	// ConnectorClientConfigOverridePolicy: All, None, Principal or a class.
	ConnectorClientConfigOverridePolicy string

	// TopicCreationEnable: topic.creation.enable.
	TopicCreationEnable bool
	// TopicTrackingEnable: topic.tracking.enable.
	TopicTrackingEnable bool
	// TopicTrackingAllowReset: topic.tracking.allow.reset.
	TopicTrackingAllowReset bool

	// SSL holds the ssl.* client settings, also the HTTPS fallback of REST.
	SSL SSL
	// REST holds the REST server settings.
	REST REST

	// Distributed holds the distributed-mode settings; nil in standalone mode.
	Distributed *DistributedSettings
	// Standalone holds the standalone-mode settings; nil in distributed mode.
	Standalone *StandaloneSettings

	values      *configdef.Values
	originals   map[string]string // resolved
	transformer *provider.Transformer
}

// Converter is a converter class and its settings (the keys under
// "<key>." with the prefix removed). The runtime adds converter.type.
type Converter struct {
	Class  string
	Config map[string]string
}

// SSL holds the ssl.* keys.
type SSL struct {
	Protocol                        string
	Provider                        string
	CipherSuites                    []string
	EnabledProtocols                []string
	KeystoreType                    string
	KeystoreLocation                string
	KeystorePassword                configdef.Password
	KeyPassword                     configdef.Password
	KeystoreKey                     configdef.Password
	KeystoreCertificateChain        configdef.Password
	TruststoreCertificates          configdef.Password
	TruststoreType                  string
	TruststoreLocation              string
	TruststorePassword              configdef.Password
	KeymanagerAlgorithm             string
	TrustmanagerAlgorithm           string
	EndpointIdentificationAlgorithm string
	SecureRandomImplementation      string
	EngineFactoryClass              string
}

// REST holds the REST server keys.
type REST struct {
	// Listeners: listeners, or the mapping of rest.host.name and rest.port
	// when listeners is not set.
	Listeners []Listener
	// AdminListeners: nil when admin.listeners is unset (admin endpoints on
	// Listeners); empty, not nil, when set to "" (admin endpoints off).
	AdminListeners []Listener
	// AdvertisedHostName: rest.advertised.host.name ("" when unset).
	AdvertisedHostName string
	// AdvertisedPort: rest.advertised.port (0 when unset).
	AdvertisedPort int
	// AdvertisedListener: rest.advertised.listener, "http" or "https"
	// ("" when unset).
	AdvertisedListener string
	// AccessControlAllowOrigin: access.control.allow.origin; blank
	// installs no CORS handling.
	AccessControlAllowOrigin string
	// AccessControlAllowMethods: access.control.allow.methods.
	AccessControlAllowMethods string
	// ResponseHeaders: response.http.headers.config, parsed.
	ResponseHeaders []HeaderRule
	// SSLClientAuth: ssl.client.auth, none, requested or required.
	SSLClientAuth string
	// ExtensionClasses: rest.extension.classes.
	ExtensionClasses []string
	// HTTPS holds listeners.https.* (prefix removed): SSL settings of the
	// HTTPS listeners. When empty, SSL applies.
	HTTPS map[string]string
	// AdminHTTPS holds admin.listeners.https.* (prefix removed).
	AdminHTTPS map[string]string
}

// DistributedSettings holds the keys only distributed mode reads.
type DistributedSettings struct {
	GroupID           string
	SessionTimeout    time.Duration
	RebalanceTimeout  time.Duration
	HeartbeatInterval time.Duration
	// ExactlyOnceSourceSupport: disabled, preparing or enabled (lower case).
	ExactlyOnceSourceSupport string
	// ConnectProtocol: eager, compatible or sessioned (lower case).
	ConnectProtocol            string
	ScheduledRebalanceMaxDelay time.Duration
	WorkerSyncTimeout          time.Duration
	WorkerUnsyncBackoff        time.Duration

	// ConfigStorage, OffsetStorage and StatusStorage describe the three
	// internal topics. The config topic always has one partition.
	ConfigStorage TopicSettings
	OffsetStorage TopicSettings
	StatusStorage TopicSettings

	InterWorkerKeyGenerationAlgorithm string
	// InterWorkerKeySize: bits; 0 when unset (the algorithm's default).
	InterWorkerKeySize                int
	InterWorkerKeyTTL                 time.Duration
	InterWorkerSignatureAlgorithm     string
	InterWorkerVerificationAlgorithms []string

	// The worker's own Kafka clients.
	ClientID                        string
	MetadataMaxAge                  time.Duration
	SendBufferBytes                 int
	ReceiveBufferBytes              int
	ReconnectBackoff                time.Duration
	ReconnectBackoffMax             time.Duration
	RetryBackoff                    time.Duration
	RetryBackoffMax                 time.Duration
	RequestTimeout                  time.Duration
	ConnectionsMaxIdle              time.Duration
	SocketConnectionSetupTimeout    time.Duration
	SocketConnectionSetupTimeoutMax time.Duration
	// SecurityProtocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (upper case).
	SecurityProtocol string
	// MetadataRecoveryStrategy: none or rebootstrap (lower case).
	MetadataRecoveryStrategy string
	// SASLMechanism and SASLJAASConfig are the SASL settings the worker's
	// clients need most; the other sasl.* keys are in Values.
	SASLMechanism  string
	SASLJAASConfig configdef.Password
}

// TopicSettings describes one internal topic.
type TopicSettings struct {
	Name string
	// Partitions: -1 for the broker default.
	Partitions int
	// ReplicationFactor: -1 for the broker default.
	ReplicationFactor int
	// Configs holds the other "<prefix>.*" keys, passed as topic configs
	// when the worker creates the topic (cleanup.policy excluded: these
	// topics are always compacted).
	Configs map[string]string
}

// StandaloneSettings holds the keys only standalone mode reads.
type StandaloneSettings struct {
	// OffsetStorageFileFilename: offset.storage.file.filename.
	OffsetStorageFileFilename string
}

// Values returns every declared key, parsed (defaults included).
func (c *WorkerConfig) Values() *configdef.Values { return c.values }

// Originals returns a copy of every key given, with config provider
// references resolved, except config.providers itself (as Java's
// WorkerConfig.originals). Clients of the worker are built from it.
func (c *WorkerConfig) Originals() map[string]string {
	out := make(map[string]string, len(c.originals))
	for k, v := range c.originals {
		if k != ConfigProvidersConfig {
			out[k] = v
		}
	}
	return out
}

// WithPrefix returns the keys given under prefix, prefix removed, resolved:
// WithPrefix("producer.") for the source tasks' producers, and so on.
func (c *WorkerConfig) WithPrefix(prefix string) map[string]string {
	return configdef.WithPrefix(c.originals, prefix)
}

// ConfigTransformer resolves ${provider:[path:]key} references in connector
// configs with the providers this file configured. It stays usable until
// Close.
func (c *WorkerConfig) ConfigTransformer() *provider.Transformer { return c.transformer }

// Close closes the config providers.
func (c *WorkerConfig) Close() error {
	if c.transformer == nil {
		return nil
	}
	return c.transformer.Close()
}

// KeyError is one bad key of a worker config. Load and Parse join one per
// bad key.
type KeyError struct {
	// File is where the key came from: the name given to Parse, or the
	// key's origin given to ParseFrom.
	File string
	Key  string
	// Value is the value given, after config provider resolution; empty
	// when Missing. Its Error hides it for PASSWORD keys.
	Value    string
	Missing  bool
	Expected string
	// Err carries Kafka's message for the problem.
	Err    error
	secret bool
}

func (e *KeyError) Error() string {
	switch {
	case e.Missing:
		return fmt.Sprintf("%s: %s: missing, expected %s (%v)", e.File, e.Key, e.Expected, e.Err)
	case e.secret:
		return fmt.Sprintf("%s: %s=[hidden]: expected %s (%v)", e.File, e.Key, e.Expected, e.Err)
	}
	return fmt.Sprintf("%s: %s=%q: expected %s (%v)", e.File, e.Key, e.Value, e.Expected, e.Err)
}

func (e *KeyError) Unwrap() error { return e.Err }

// Load reads a worker.properties file as Java's Properties.load does
// (ISO-8859-1 with \uXXXX escapes, last duplicate wins, no ${} expansion)
// and parses it for mode; see Parse. Warnings go to logger (nil discards).
func Load(path string, mode Mode, providers provider.Factory, logger *slog.Logger) (*WorkerConfig, error) {
	props, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, props, mode, providers, logger)
}

// ReadFile reads a worker.properties file into a map as Load does, without
// parsing it, for callers that combine it with properties from elsewhere
// (see ParseFrom).
func ReadFile(path string) (map[string]string, error) {
	l := properties.Loader{Encoding: properties.ISO_8859_1, DisableExpansion: true}
	p, err := l.LoadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) { // names the file already
			return nil, fmt.Errorf("reading worker config: %w", err)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p.Map(), nil
}

// Parse builds a WorkerConfig from properties; name (usually the file's
// path) prefixes every message. It builds the config providers of
// config.providers with providers (which may be nil when none are listed),
// resolves references, and parses every declared key of mode. All bad keys
// are reported, each as a *KeyError, joined. Unknown keys and removed ones
// are logged, one warning each, and do not fail.
func Parse(name string, props map[string]string, mode Mode, providers provider.Factory, logger *slog.Logger) (*WorkerConfig, error) {
	return ParseFrom(name, props, nil, mode, providers, logger)
}

// ParseFrom is Parse for properties gathered from several places (the
// environment of a container, a file): origins names, per key, where that
// key came from, such as "environment CONNECT_GROUP_ID", and a bad key's
// *KeyError carries that in File instead of name. Keys without an origin,
// and every other message, use name.
func ParseFrom(name string, props, origins map[string]string, mode Mode, providers provider.Factory, logger *slog.Logger) (*WorkerConfig, error) {
	if mode != Standalone && mode != Distributed {
		return nil, fmt.Errorf("%s: unknown worker mode %v", name, mode)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("file", name)
	raw := make(map[string]string, len(props))
	for k, v := range props {
		raw[k] = v
	}

	tr, err := provider.FromConfig(raw, providers, logger)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	resolved, err := tr.Transform(raw)
	if err != nil {
		_ = tr.Close() // the resolution error is the one to report
		return nil, fmt.Errorf("%s: resolving config provider references: %w", name, err)
	}
	mapped := applyRESTMapping(resolved, logger)

	def := Definition(mode)
	if errs := check(name, def, resolved, mapped); len(errs) > 0 {
		_ = tr.Close() // the config errors are the ones to report
		for _, e := range errs {
			if ke, ok := e.(*KeyError); ok && origins[ke.Key] != "" {
				ke.File = origins[ke.Key]
			}
		}
		return nil, errors.Join(errs...)
	}
	values, err := def.Parse(resolved)
	if err != nil { // check found nothing, so this cannot happen; keep it safe
		_ = tr.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cfg := &WorkerConfig{File: name, Mode: mode, values: values, originals: resolved, transformer: tr}
	fill(cfg)
	warn(cfg, def, raw, logger)
	return cfg, nil
}

// applyRESTMapping maps the Kafka 2.x keys rest.host.name and rest.port to
// listeners when listeners is not set, as Kafka 2.x did, and reports
// whether it did.
func applyRESTMapping(props map[string]string, logger *slog.Logger) bool {
	host, hasHost := props[RESTHostNameConfig]
	port, hasPort := props[RESTPortConfig]
	if !hasHost && !hasPort {
		return false
	}
	if _, set := props[ListenersConfig]; set {
		for _, k := range []string{RESTHostNameConfig, RESTPortConfig} {
			if _, ok := props[k]; ok {
				logger.Warn("deprecated worker config key ignored because listeners is set; it was removed in Kafka 3.0", "key", k)
			}
		}
		return false
	}
	host = strings.TrimSpace(host)
	port = strings.TrimSpace(port)
	if !hasPort || port == "" {
		port = fmt.Sprint(defaultRESTPort)
	}
	// A bad rest.port is reported by its own declaration; the mapped
	// listener then carries the same text and is not reported again.
	listener := "http://" + hostForURL(strings.Trim(host, "[]")) + ":" + port
	props[ListenersConfig] = listener
	for _, k := range []string{RESTHostNameConfig, RESTPortConfig} {
		if _, ok := props[k]; ok {
			logger.Warn("deprecated worker config key (removed in Kafka 3.0): use listeners; mapped as Kafka 2.x did",
				"key", k, "listeners", listener)
		}
	}
	return true
}

func hostForURL(h string) string {
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

// check validates every declared key and the rules between keys, and
// returns one *KeyError per bad key, in declaration order. mapped says
// listeners was made from rest.host.name and rest.port: a bad rest.port is
// then reported once, under its own name.
func check(name string, def *configdef.ConfigDef, props map[string]string, mapped bool) []error {
	var errs []error
	vals := def.Validate(props)
	badPort := false
	for _, v := range vals {
		badPort = badPort || v.Name == RESTPortConfig && len(v.Errors) > 0
	}
	for _, v := range vals {
		if len(v.Errors) == 0 || v.Name == ListenersConfig && mapped && badPort {
			continue
		}
		k := def.Key(v.Name)
		raw, given := props[v.Name]
		errs = append(errs, &KeyError{
			File: name, Key: v.Name, Value: raw, Missing: !given,
			Expected: expected(k, given), Err: errors.New(v.Errors[0]),
			secret: k.Type == configdef.TypePassword,
		})
	}
	if len(errs) > 0 {
		return errs
	}
	return crossChecks(name, def, props)
}

// crossChecks are Java's checks that involve two keys.
func crossChecks(name string, def *configdef.ConfigDef, props map[string]string) []error {
	if def.Key(InterWorkerSignatureAlgorithmConfig) == nil {
		return nil
	}
	v, err := def.Parse(props)
	if err != nil {
		return nil
	}
	var errs []error
	if size, set := v.Get(InterWorkerKeySizeConfig).(int32); set && size < 40 {
		alg := v.String(InterWorkerKeyGenerationAlgorithmConfig)
		errs = append(errs, &KeyError{
			File: name, Key: InterWorkerKeySizeConfig, Value: props[InterWorkerKeySizeConfig],
			Expected: "a key size of at least 40 bits",
			Err:      configdef.Errorf("Unable to create key generator with algorithm %s and key size %d: Key length must be at least 40 bits", alg, size),
		})
	}
	sig := v.String(InterWorkerSignatureAlgorithmConfig)
	found := false
	for _, a := range v.List(InterWorkerVerificationAlgorithmsConfig) {
		found = found || a == sig
	}
	if !found {
		errs = append(errs, &KeyError{
			File: name, Key: InterWorkerSignatureAlgorithmConfig, Value: sig,
			Expected: "one of " + InterWorkerVerificationAlgorithmsConfig,
			Err: configdef.Invalid(InterWorkerSignatureAlgorithmConfig, sig,
				"Signature algorithm must be present in "+InterWorkerVerificationAlgorithmsConfig+" list"),
		})
	}
	return errs
}

// expectations word what some keys take better than their validators'
// descriptions do.
var expectations = map[string]string{
	ListenersConfig:           "comma-separated http://host:port or https://host:port URLs",
	AdminListenersConfig:      "comma-separated http://host:port or https://host:port URLs, or nothing",
	ResponseHTTPHeadersConfig: "comma-separated rules '[set|add|setDate|addDate] [header name]:[header value]'",
}

// expected says in words what a key takes.
func expected(k *configdef.Key, given bool) string {
	if s, ok := expectations[k.Name]; ok {
		return s
	}
	var s string
	switch k.Type {
	case configdef.TypeBoolean:
		s = "a BOOLEAN (true or false)"
	case configdef.TypeInt:
		s = "an INT"
	case configdef.TypeShort:
		s = "a SHORT"
	case configdef.TypeLong:
		s = "a LONG"
	case configdef.TypeDouble:
		s = "a DOUBLE"
	case configdef.TypeList:
		s = "a comma-separated list"
	case configdef.TypeClass:
		s = "a class name"
	case configdef.TypePassword:
		s = "a password"
	default:
		s = "a string"
	}
	if d, ok := k.Validator.(interface{ String() string }); ok && d.String() != "" {
		s += ", " + d.String()
	}
	if !given && k.Required() {
		s += "; the key is required"
	}
	return s
}

// millis converts a *.ms value, saturating instead of overflowing.
func millis(ms int64) time.Duration {
	if ms > math.MaxInt64/int64(time.Millisecond) {
		return time.Duration(math.MaxInt64)
	}
	if ms < math.MinInt64/int64(time.Millisecond) {
		return time.Duration(math.MinInt64)
	}
	return time.Duration(ms) * time.Millisecond
}

func listeners(list []string) []Listener {
	if list == nil {
		return nil
	}
	out := make([]Listener, 0, len(list))
	for _, s := range list {
		l, err := ParseListener(s)
		if err == nil { // validated by listenersValidator
			out = append(out, l)
		}
	}
	return out
}

// fill copies the parsed values into the struct's fields.
func fill(c *WorkerConfig) {
	v := c.values
	c.BootstrapServers = v.List(BootstrapServersConfig)
	c.ClientDNSLookup = v.String(ClientDNSLookupConfig)
	c.KeyConverter = Converter{Class: v.String(KeyConverterConfig), Config: c.WithPrefix(KeyConverterConfig + ".")}
	c.ValueConverter = Converter{Class: v.String(ValueConverterConfig), Config: c.WithPrefix(ValueConverterConfig + ".")}
	c.HeaderConverter = Converter{Class: v.String(HeaderConverterConfig), Config: c.WithPrefix(HeaderConverterConfig + ".")}
	c.TaskShutdownGracefulTimeout = millis(v.Long(TaskShutdownGracefulTimeoutConfig))
	c.OffsetFlushInterval = millis(v.Long(OffsetFlushIntervalConfig))
	c.OffsetFlushTimeout = millis(v.Long(OffsetFlushTimeoutConfig))
	c.PluginPath = v.List(PluginPathConfig)
	c.PluginDiscovery = v.String(PluginDiscoveryConfig)
	c.MetricsSampleWindow = millis(v.Long(MetricsSampleWindowConfig))
	c.MetricsNumSamples = int(v.Int(MetricsNumSamplesConfig))
	c.MetricsRecordingLevel = v.String(MetricsRecordingLevelConfig)
	c.MetricReporters = v.List(MetricReportersConfig)
	c.ConfigProviders = v.List(ConfigProvidersConfig)
	c.ConnectorClientConfigOverridePolicy = v.String(ConnectorClientConfigOverridePolicyConfig)
	c.TopicCreationEnable = v.Bool(TopicCreationEnableConfig)
	c.TopicTrackingEnable = v.Bool(TopicTrackingEnableConfig)
	c.TopicTrackingAllowReset = v.Bool(TopicTrackingAllowResetConfig)

	c.SSL = SSL{
		Protocol:                        v.String(SSLProtocolConfig),
		Provider:                        v.String(SSLProviderConfig),
		CipherSuites:                    v.List(SSLCipherSuitesConfig),
		EnabledProtocols:                v.List(SSLEnabledProtocolsConfig),
		KeystoreType:                    v.String(SSLKeystoreTypeConfig),
		KeystoreLocation:                v.String(SSLKeystoreLocationConfig),
		KeystorePassword:                v.Password(SSLKeystorePasswordConfig),
		KeyPassword:                     v.Password(SSLKeyPasswordConfig),
		KeystoreKey:                     v.Password(SSLKeystoreKeyConfig),
		KeystoreCertificateChain:        v.Password(SSLKeystoreCertificateChainConfig),
		TruststoreCertificates:          v.Password(SSLTruststoreCertificatesConfig),
		TruststoreType:                  v.String(SSLTruststoreTypeConfig),
		TruststoreLocation:              v.String(SSLTruststoreLocationConfig),
		TruststorePassword:              v.Password(SSLTruststorePasswordConfig),
		KeymanagerAlgorithm:             v.String(SSLKeymanagerAlgorithmConfig),
		TrustmanagerAlgorithm:           v.String(SSLTrustmanagerAlgorithmConfig),
		EndpointIdentificationAlgorithm: v.String(SSLEndpointIdentificationAlgorithmConfig),
		SecureRandomImplementation:      v.String(SSLSecureRandomImplementationConfig),
		EngineFactoryClass:              v.String(SSLEngineFactoryClassConfig),
	}

	headers, _ := ParseHeaderRules(v.String(ResponseHTTPHeadersConfig)) // validated
	c.REST = REST{
		Listeners:                 listeners(v.List(ListenersConfig)),
		AdminListeners:            listeners(v.List(AdminListenersConfig)),
		AdvertisedHostName:        v.String(RESTAdvertisedHostNameConfig),
		AdvertisedPort:            int(v.Int(RESTAdvertisedPortConfig)),
		AdvertisedListener:        strings.ToLower(v.String(RESTAdvertisedListenerConfig)),
		AccessControlAllowOrigin:  v.String(AccessControlAllowOriginConfig),
		AccessControlAllowMethods: v.String(AccessControlAllowMethodsConfig),
		ResponseHeaders:           headers,
		SSLClientAuth:             v.String(SSLClientAuthConfig),
		ExtensionClasses:          v.List(RESTExtensionClassesConfig),
		HTTPS:                     c.WithPrefix("listeners.https."),
		AdminHTTPS:                c.WithPrefix("admin.listeners.https."),
	}

	switch c.Mode {
	case Standalone:
		c.Standalone = &StandaloneSettings{OffsetStorageFileFilename: v.String(OffsetStorageFileFilenameConfig)}
	case Distributed:
		c.Distributed = &DistributedSettings{
			GroupID:                           v.String(GroupIDConfig),
			SessionTimeout:                    millis(int64(v.Int(SessionTimeoutConfig))),
			RebalanceTimeout:                  millis(int64(v.Int(RebalanceTimeoutConfig))),
			HeartbeatInterval:                 millis(int64(v.Int(HeartbeatIntervalConfig))),
			ExactlyOnceSourceSupport:          strings.ToLower(v.String(ExactlyOnceSourceSupportConfig)),
			ConnectProtocol:                   strings.ToLower(v.String(ConnectProtocolConfig)),
			ScheduledRebalanceMaxDelay:        millis(int64(v.Int(ScheduledRebalanceMaxDelayConfig))),
			WorkerSyncTimeout:                 millis(int64(v.Int(WorkerSyncTimeoutConfig))),
			WorkerUnsyncBackoff:               millis(int64(v.Int(WorkerUnsyncBackoffConfig))),
			ConfigStorage:                     c.topic(ConfigStorageTopicConfig, "", ConfigStorageReplicationFactorConfig),
			OffsetStorage:                     c.topic(OffsetStorageTopicConfig, OffsetStoragePartitionsConfig, OffsetStorageReplicationFactorConfig),
			StatusStorage:                     c.topic(StatusStorageTopicConfig, StatusStoragePartitionsConfig, StatusStorageReplicationFactorConfig),
			InterWorkerKeyGenerationAlgorithm: v.String(InterWorkerKeyGenerationAlgorithmConfig),
			InterWorkerKeySize:                int(v.Int(InterWorkerKeySizeConfig)),
			InterWorkerKeyTTL:                 millis(int64(v.Int(InterWorkerKeyTTLConfig))),
			InterWorkerSignatureAlgorithm:     v.String(InterWorkerSignatureAlgorithmConfig),
			InterWorkerVerificationAlgorithms: v.List(InterWorkerVerificationAlgorithmsConfig),
			ClientID:                          v.String(ClientIDConfig),
			MetadataMaxAge:                    millis(v.Long(MetadataMaxAgeConfig)),
			SendBufferBytes:                   int(v.Int(SendBufferConfig)),
			ReceiveBufferBytes:                int(v.Int(ReceiveBufferConfig)),
			ReconnectBackoff:                  millis(v.Long(ReconnectBackoffConfig)),
			ReconnectBackoffMax:               millis(v.Long(ReconnectBackoffMaxConfig)),
			RetryBackoff:                      millis(v.Long(RetryBackoffConfig)),
			RetryBackoffMax:                   millis(v.Long(RetryBackoffMaxConfig)),
			RequestTimeout:                    millis(int64(v.Int(RequestTimeoutConfig))),
			ConnectionsMaxIdle:                millis(v.Long(ConnectionsMaxIdleConfig)),
			SocketConnectionSetupTimeout:      millis(v.Long(SocketConnectionSetupTimeoutConfig)),
			SocketConnectionSetupTimeoutMax:   millis(v.Long(SocketConnectionSetupTimeoutMaxConfig)),
			SecurityProtocol:                  strings.ToUpper(v.String(SecurityProtocolConfig)),
			MetadataRecoveryStrategy:          strings.ToLower(v.String(MetadataRecoveryStrategyConfig)),
			SASLMechanism:                     v.String(SASLMechanismConfig),
			SASLJAASConfig:                    v.Password(SASLJAASConfig),
		}
	}
}

// topic describes an internal topic from its keys; partitionsKey is "" for
// the config topic, which always has one partition.
func (c *WorkerConfig) topic(topicKey, partitionsKey, rfKey string) TopicSettings {
	prefix := strings.TrimSuffix(topicKey, "topic")
	t := TopicSettings{
		Name:              c.values.String(topicKey),
		Partitions:        1,
		ReplicationFactor: int(c.values.Short(rfKey)),
		Configs:           c.WithPrefix(prefix),
	}
	if partitionsKey != "" {
		t.Partitions = int(c.values.Int(partitionsKey))
	}
	for _, k := range []string{"topic", "partitions", "replication.factor", "cleanup.policy", "file.filename"} {
		delete(t.Configs, k)
	}
	return t
}

// sortedKeys returns the keys of m in order, so warnings come out stably.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
