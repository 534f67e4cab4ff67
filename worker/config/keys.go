package config

import (
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/provider"
)

// Worker keys common to both modes.
const (
	BootstrapServersConfig                    = "bootstrap.servers"
	ClientDNSLookupConfig                     = "client.dns.lookup"
	KeyConverterConfig                        = "key.converter"
	ValueConverterConfig                      = "value.converter"
	HeaderConverterConfig                     = "header.converter"
	TaskShutdownGracefulTimeoutConfig         = "task.shutdown.graceful.timeout.ms"
	OffsetFlushIntervalConfig                 = "offset.flush.interval.ms"
	OffsetFlushTimeoutConfig                  = "offset.flush.timeout.ms"
	PluginPathConfig                          = "plugin.path"
	PluginDiscoveryConfig                     = "plugin.discovery"
	MetricsSampleWindowConfig                 = "metrics.sample.window.ms"
	MetricsNumSamplesConfig                   = "metrics.num.samples"
	MetricsRecordingLevelConfig               = "metrics.recording.level"
	MetricReportersConfig                     = "metric.reporters"
	AutoIncludeJMXReporterConfig              = "auto.include.jmx.reporter"
	ConfigProvidersConfig                     = provider.ProvidersConfig
	ConnectorClientConfigOverridePolicyConfig = "connector.client.config.override.policy"
	TopicCreationEnableConfig                 = "topic.creation.enable"
	TopicTrackingEnableConfig                 = "topic.tracking.enable"
	TopicTrackingAllowResetConfig             = "topic.tracking.allow.reset"
)

// REST server keys.
const (
	ListenersConfig                 = "listeners"
	RESTAdvertisedHostNameConfig    = "rest.advertised.host.name"
	RESTAdvertisedPortConfig        = "rest.advertised.port"
	RESTAdvertisedListenerConfig    = "rest.advertised.listener"
	AccessControlAllowOriginConfig  = "access.control.allow.origin"
	AccessControlAllowMethodsConfig = "access.control.allow.methods"
	ResponseHTTPHeadersConfig       = "response.http.headers.config"
	SSLClientAuthConfig             = "ssl.client.auth"
	RESTExtensionClassesConfig      = "rest.extension.classes"
	AdminListenersConfig            = "admin.listeners"
	// MetricsListenersConfig is this worker's own key, not Java's (so not
	// in the ConfigDef, which matches Java's): comma-separated URLs serving
	// GET /metrics alone, besides the REST listeners. The cmd layer reads
	// it, with ParseListener for each URL.
	MetricsListenersConfig = "metrics.listeners"
	// RESTHostNameConfig and RESTPortConfig were deprecated in Kafka 1.1
	// and removed in 3.0; they are still read and mapped to listeners.
	RESTHostNameConfig = "rest.host.name"
	RESTPortConfig     = "rest.port"
)

// Client SSL keys (also the REST server's HTTPS fallback).
const (
	SSLProtocolConfig                        = "ssl.protocol"
	SSLProviderConfig                        = "ssl.provider"
	SSLCipherSuitesConfig                    = "ssl.cipher.suites"
	SSLEnabledProtocolsConfig                = "ssl.enabled.protocols"
	SSLKeystoreTypeConfig                    = "ssl.keystore.type"
	SSLKeystoreLocationConfig                = "ssl.keystore.location"
	SSLKeystorePasswordConfig                = "ssl.keystore.password"
	SSLKeyPasswordConfig                     = "ssl.key.password"
	SSLKeystoreKeyConfig                     = "ssl.keystore.key"
	SSLKeystoreCertificateChainConfig        = "ssl.keystore.certificate.chain"
	SSLTruststoreCertificatesConfig          = "ssl.truststore.certificates"
	SSLTruststoreTypeConfig                  = "ssl.truststore.type"
	SSLTruststoreLocationConfig              = "ssl.truststore.location"
	SSLTruststorePasswordConfig              = "ssl.truststore.password"
	SSLKeymanagerAlgorithmConfig             = "ssl.keymanager.algorithm"
	SSLTrustmanagerAlgorithmConfig           = "ssl.trustmanager.algorithm"
	SSLEndpointIdentificationAlgorithmConfig = "ssl.endpoint.identification.algorithm"
	SSLSecureRandomImplementationConfig      = "ssl.secure.random.implementation"
	SSLEngineFactoryClassConfig              = "ssl.engine.factory.class"
)

// Distributed-only keys.
const (
	GroupIDConfig                           = "group.id"
	SessionTimeoutConfig                    = "session.timeout.ms"
	RebalanceTimeoutConfig                  = "rebalance.timeout.ms"
	HeartbeatIntervalConfig                 = "heartbeat.interval.ms"
	ExactlyOnceSourceSupportConfig          = "exactly.once.source.support"
	MetadataMaxAgeConfig                    = "metadata.max.age.ms"
	ClientIDConfig                          = "client.id"
	SendBufferConfig                        = "send.buffer.bytes"
	ReceiveBufferConfig                     = "receive.buffer.bytes"
	ReconnectBackoffConfig                  = "reconnect.backoff.ms"
	ReconnectBackoffMaxConfig               = "reconnect.backoff.max.ms"
	SocketConnectionSetupTimeoutConfig      = "socket.connection.setup.timeout.ms"
	SocketConnectionSetupTimeoutMaxConfig   = "socket.connection.setup.timeout.max.ms"
	RetryBackoffConfig                      = "retry.backoff.ms"
	RetryBackoffMaxConfig                   = "retry.backoff.max.ms"
	RequestTimeoutConfig                    = "request.timeout.ms"
	ConnectionsMaxIdleConfig                = "connections.max.idle.ms"
	SecurityProtocolConfig                  = "security.protocol"
	WorkerSyncTimeoutConfig                 = "worker.sync.timeout.ms"
	WorkerUnsyncBackoffConfig               = "worker.unsync.backoff.ms"
	OffsetStorageTopicConfig                = "offset.storage.topic"
	OffsetStoragePartitionsConfig           = "offset.storage.partitions"
	OffsetStorageReplicationFactorConfig    = "offset.storage.replication.factor"
	ConfigStorageTopicConfig                = "config.storage.topic"
	ConfigStorageReplicationFactorConfig    = "config.storage.replication.factor"
	StatusStorageTopicConfig                = "status.storage.topic"
	StatusStoragePartitionsConfig           = "status.storage.partitions"
	StatusStorageReplicationFactorConfig    = "status.storage.replication.factor"
	ConnectProtocolConfig                   = "connect.protocol"
	ScheduledRebalanceMaxDelayConfig        = "scheduled.rebalance.max.delay.ms"
	InterWorkerKeyTTLConfig                 = "inter.worker.key.ttl.ms"
	InterWorkerKeyGenerationAlgorithmConfig = "inter.worker.key.generation.algorithm"
	InterWorkerKeySizeConfig                = "inter.worker.key.size"
	InterWorkerSignatureAlgorithmConfig     = "inter.worker.signature.algorithm"
	InterWorkerVerificationAlgorithmsConfig = "inter.worker.verification.algorithms"
	MetadataRecoveryStrategyConfig          = "metadata.recovery.strategy"
)

// SASL client keys (declared in distributed mode, as in Java; in
// standalone mode they reach the clients through Originals).
const (
	SASLKerberosServiceNameConfig                    = "sasl.kerberos.service.name"
	SASLKerberosKinitCmdConfig                       = "sasl.kerberos.kinit.cmd"
	SASLKerberosTicketRenewWindowFactorConfig        = "sasl.kerberos.ticket.renew.window.factor"
	SASLKerberosTicketRenewJitterConfig              = "sasl.kerberos.ticket.renew.jitter"
	SASLKerberosMinTimeBeforeReloginConfig           = "sasl.kerberos.min.time.before.relogin"
	SASLLoginRefreshWindowFactorConfig               = "sasl.login.refresh.window.factor"
	SASLLoginRefreshWindowJitterConfig               = "sasl.login.refresh.window.jitter"
	SASLLoginRefreshMinPeriodSecondsConfig           = "sasl.login.refresh.min.period.seconds"
	SASLLoginRefreshBufferSecondsConfig              = "sasl.login.refresh.buffer.seconds"
	SASLMechanismConfig                              = "sasl.mechanism"
	SASLJAASConfig                                   = "sasl.jaas.config"
	SASLClientCallbackHandlerClassConfig             = "sasl.client.callback.handler.class"
	SASLLoginCallbackHandlerClassConfig              = "sasl.login.callback.handler.class"
	SASLLoginClassConfig                             = "sasl.login.class"
	SASLLoginConnectTimeoutConfig                    = "sasl.login.connect.timeout.ms"
	SASLLoginReadTimeoutConfig                       = "sasl.login.read.timeout.ms"
	SASLLoginRetryBackoffMaxConfig                   = "sasl.login.retry.backoff.max.ms"
	SASLLoginRetryBackoffConfig                      = "sasl.login.retry.backoff.ms"
	SASLOAuthBearerScopeClaimNameConfig              = "sasl.oauthbearer.scope.claim.name"
	SASLOAuthBearerSubClaimNameConfig                = "sasl.oauthbearer.sub.claim.name"
	SASLOAuthBearerTokenEndpointURLConfig            = "sasl.oauthbearer.token.endpoint.url"
	SASLOAuthBearerJWKSEndpointURLConfig             = "sasl.oauthbearer.jwks.endpoint.url"
	SASLOAuthBearerJWKSEndpointRefreshConfig         = "sasl.oauthbearer.jwks.endpoint.refresh.ms"
	SASLOAuthBearerJWKSEndpointRetryBackoffMaxConfig = "sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms"
	SASLOAuthBearerJWKSEndpointRetryBackoffConfig    = "sasl.oauthbearer.jwks.endpoint.retry.backoff.ms"
	SASLOAuthBearerClockSkewSecondsConfig            = "sasl.oauthbearer.clock.skew.seconds"
	SASLOAuthBearerExpectedAudienceConfig            = "sasl.oauthbearer.expected.audience"
	SASLOAuthBearerExpectedIssuerConfig              = "sasl.oauthbearer.expected.issuer"
	SASLOAuthBearerHeaderURLEncodeConfig             = "sasl.oauthbearer.header.urlencode"
)

// Standalone-only key.
const OffsetStorageFileFilenameConfig = "offset.storage.file.filename"

// Defaults referred to outside the declarations.
const (
	DefaultHeaderConverter = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
	DefaultListener        = "http://:8083"
	defaultRESTPort        = 8083
)

// Groups, for documentation.
const (
	groupCommon      = "Common"
	groupREST        = "REST"
	groupSSL         = "SSL"
	groupSASL        = "SASL"
	groupDistributed = "Distributed"
	groupClient      = "Kafka client"
	groupStandalone  = "Standalone"
)

type keyList []configdef.Key

func (l *keyList) add(group string, keys ...configdef.Key) {
	for _, k := range keys {
		k.Group = group
		*l = append(*l, k)
	}
}

// key is a shorthand for a declaration.
func key(name string, t configdef.Type, def any, imp configdef.Importance, doc string, v ...configdef.Validator) configdef.Key {
	k := configdef.Key{Name: name, Type: t, Default: def, Importance: imp, Doc: doc}
	switch len(v) {
	case 0:
	case 1:
		k.Validator = v[0]
	default:
		k.Validator = configdef.All(v...)
	}
	return k
}

const (
	high   = configdef.High
	medium = configdef.Medium
	low    = configdef.Low

	tBool   = configdef.TypeBoolean
	tString = configdef.TypeString
	tInt    = configdef.TypeInt
	tShort  = configdef.TypeShort
	tLong   = configdef.TypeLong
	tDouble = configdef.TypeDouble
	tList   = configdef.TypeList
	tClass  = configdef.TypeClass
	tPass   = configdef.TypePassword
)

var required = configdef.NoDefault

// commonKeys are the keys of both modes, in Java's order.
func commonKeys() keyList {
	var l keyList
	l.add(groupCommon,
		key(BootstrapServersConfig, tList, "localhost:9092", high,
			"Kafka brokers (host:port, comma-separated) to bootstrap from; the worker's and the connectors' clients use them."),
		key(ClientDNSLookupConfig, tString, "use_all_dns_ips", medium,
			"How clients resolve broker host names: use_all_dns_ips or resolve_canonical_bootstrap_servers_only.",
			configdef.OneOf("use_all_dns_ips", "resolve_canonical_bootstrap_servers_only")),
		key(KeyConverterConfig, tClass, required, high,
			"Converter class for record keys, unless a connector sets its own; settings go under key.converter.*."),
		key(ValueConverterConfig, tClass, required, high,
			"Converter class for record values, unless a connector sets its own; settings go under value.converter.*."),
		key(TaskShutdownGracefulTimeoutConfig, tLong, int64(5000), low,
			"Milliseconds to wait, in total, for tasks to stop gracefully."),
		key(OffsetFlushIntervalConfig, tLong, int64(60000), low,
			"Milliseconds between offset commits of tasks."),
		key(OffsetFlushTimeoutConfig, tLong, int64(5000), low,
			"Milliseconds to wait for records to flush and offsets to commit before giving up until the next commit."),
		key(PluginPathConfig, tList, nil, low,
			"Directories of Java plugins. This worker's plugins are built in, so it only reports the setting."),
		key(PluginDiscoveryConfig, tString, "hybrid_warn", low,
			"How Java workers discover plugins: only_scan, hybrid_warn, hybrid_fail or service_load. Accepted for compatibility.",
			configdef.OneOfFold("only_scan", "hybrid_warn", "hybrid_fail", "service_load")),
		key(MetricsSampleWindowConfig, tLong, int64(30000), low,
			"Milliseconds a metrics sample covers.", configdef.AtLeast(0)),
		key(MetricsNumSamplesConfig, tInt, 2, low,
			"Number of metrics samples kept.", configdef.AtLeast(1)),
		key(MetricsRecordingLevelConfig, tString, "INFO", low,
			"Metrics recording level: INFO or DEBUG.", configdef.OneOf("INFO", "DEBUG")),
		key(MetricReportersConfig, tList, "org.apache.kafka.common.metrics.JmxReporter", low,
			"Metrics reporter classes."),
		key(HeaderConverterConfig, tClass, DefaultHeaderConverter, low,
			"HeaderConverter class for record headers, unless a connector sets its own; settings go under header.converter.*."),
		key(ConfigProvidersConfig, tList, "", low,
			"Names of config providers; each needs config.providers.<name>.class and may take config.providers.<name>.param.*."),
		key(ConnectorClientConfigOverridePolicyConfig, tString, "All", medium,
			"Which client settings connectors may override with producer.override.*, consumer.override.* and admin.override.*: All, None or Principal (or a class name)."),
		key(TopicCreationEnableConfig, tBool, true, low,
			"Whether source connectors with topic.creation.* settings may create their topics."),
	)
	l.add(groupSSL, sslKeys()...)
	l.add(groupCommon,
		key(TopicTrackingEnableConfig, tBool, true, low, "Whether the worker tracks the topics each connector uses."),
		key(TopicTrackingAllowResetConfig, tBool, true, low, "Whether users may reset a connector's tracked topics over REST."),
	)
	l.add(groupREST, restKeys()...)
	// Kafka 3.9 only (deprecated, removed in 4.0); known so it is not
	// reported as unknown.
	l.add(groupCommon, key(AutoIncludeJMXReporterConfig, tBool, true, low,
		"Kafka 3.9: whether JmxReporter is added to metric.reporters. Removed in Kafka 4.0; ignored here."))
	return l
}

func sslKeys() []configdef.Key {
	return []configdef.Key{
		key(SSLProtocolConfig, tString, "TLSv1.3", medium, "TLS protocol used to build the TLS context."),
		key(SSLProviderConfig, tString, nil, medium, "Security provider name (Java); ignored here."),
		key(SSLCipherSuitesConfig, tList, nil, low, "Enabled cipher suites; all supported ones when unset."),
		key(SSLEnabledProtocolsConfig, tList, "TLSv1.2,TLSv1.3", medium, "Enabled TLS protocol versions."),
		key(SSLKeystoreTypeConfig, tString, "JKS", medium, "Key store format: JKS, PKCS12 or PEM."),
		key(SSLKeystoreLocationConfig, tString, nil, high, "Key store file."),
		key(SSLKeystorePasswordConfig, tPass, nil, high, "Key store password."),
		key(SSLKeyPasswordConfig, tPass, nil, high, "Password of the private key in the key store."),
		key(SSLKeystoreKeyConfig, tPass, nil, high, "Private key in PEM, for ssl.keystore.type=PEM."),
		key(SSLKeystoreCertificateChainConfig, tPass, nil, high, "Certificate chain in PEM, for ssl.keystore.type=PEM."),
		key(SSLTruststoreCertificatesConfig, tPass, nil, high, "Trusted certificates in PEM, for ssl.truststore.type=PEM."),
		key(SSLTruststoreTypeConfig, tString, "JKS", medium, "Trust store format: JKS, PKCS12 or PEM."),
		key(SSLTruststoreLocationConfig, tString, nil, high, "Trust store file."),
		key(SSLTruststorePasswordConfig, tPass, nil, high, "Trust store password."),
		key(SSLKeymanagerAlgorithmConfig, tString, "SunX509", low, "Key manager algorithm (Java); ignored here."),
		key(SSLTrustmanagerAlgorithmConfig, tString, "PKIX", low, "Trust manager algorithm (Java); ignored here."),
		key(SSLEndpointIdentificationAlgorithmConfig, tString, "https", low, "https checks the server's host name against its certificate; empty turns the check off."),
		key(SSLSecureRandomImplementationConfig, tString, nil, low, "Secure random implementation (Java); ignored here."),
		key(SSLEngineFactoryClassConfig, tClass, nil, low, "Custom SSL engine factory class (Java); not supported here."),
	}
}

func restKeys() []configdef.Key {
	return []configdef.Key{
		key(ListenersConfig, tList, DefaultListener, low,
			"Comma-separated URLs the REST API listens on: http:// or https://, a host (empty for all interfaces, IPv6 in brackets) and a port (0 for any).",
			listenersValidator{name: ListenersConfig, required: true}),
		key(RESTAdvertisedHostNameConfig, tString, nil, low, "Host name given to other workers to reach this one."),
		key(RESTAdvertisedPortConfig, tInt, nil, low, "Port given to other workers to reach this one.",
			optional{configdef.Between(1, 65535)}),
		key(RESTAdvertisedListenerConfig, tString, nil, low, "Scheme given to other workers to reach this one: http or https.",
			optional{configdef.OneOfFold("http", "https")}),
		key(AccessControlAllowOriginConfig, tString, "", low,
			"Value of the Access-Control-Allow-Origin header of REST responses; empty allows no cross-origin requests."),
		key(AccessControlAllowMethodsConfig, tString, "", low,
			"Value of the Access-Control-Allow-Methods header for cross-origin requests (default GET, POST, HEAD)."),
		key(ResponseHTTPHeadersConfig, tString, "", low,
			"Rules for REST response headers, comma-separated, each '[action] [header name]:[header value]' with action set, add, setDate or addDate.",
			headerRulesValidator{}),
		key(SSLClientAuthConfig, tString, "none", low,
			"Whether HTTPS listeners require client certificates: required, requested or none.",
			configdef.OneOf("required", "requested", "none")),
		key(RESTExtensionClassesConfig, tList, "", low, "REST extension classes (Java); not supported here."),
		key(AdminListenersConfig, tList, nil, low,
			"URLs for the admin endpoints (/admin/loggers). Unset: on the regular listeners; empty: disabled.",
			listenersValidator{name: AdminListenersConfig}),
		// Kafka 2.x keys, removed in 3.0; read and mapped to listeners.
		key(RESTHostNameConfig, tString, nil, low, "Deprecated: use listeners. Host of the REST listener when listeners is not set."),
		key(RESTPortConfig, tInt, defaultRESTPort, low, "Deprecated: use listeners. Port of the REST listener when listeners is not set.",
			configdef.Between(0, 65535)),
	}
}

func distributedKeys() keyList {
	var l keyList
	l.add(groupDistributed,
		key(GroupIDConfig, tString, required, high, "Name of the Connect cluster this worker joins."),
		key(SessionTimeoutConfig, tInt, 10000, high, "Milliseconds without heartbeats after which the group drops a worker."),
		key(RebalanceTimeoutConfig, tInt, 60000, high, "Milliseconds each worker has to rejoin during a rebalance."),
		key(HeartbeatIntervalConfig, tInt, 3000, high, "Milliseconds between heartbeats to the group coordinator."),
		key(ExactlyOnceSourceSupportConfig, tString, "disabled", high,
			"Exactly-once support for source connectors: disabled, preparing or enabled.",
			configdef.OneOfFold("disabled", "preparing", "enabled")),
	)
	l.add(groupClient,
		key(MetadataMaxAgeConfig, tLong, int64(300000), low, "Milliseconds after which cluster metadata is refreshed.", configdef.AtLeast(0)),
		key(ClientIDConfig, tString, "", low, "Client id of the worker's own Kafka clients."),
		key(SendBufferConfig, tInt, 131072, medium, "TCP send buffer size; -1 for the OS default.", configdef.AtLeast(-1)),
		key(ReceiveBufferConfig, tInt, 32768, medium, "TCP receive buffer size; -1 for the OS default.", configdef.AtLeast(-1)),
		key(ReconnectBackoffConfig, tLong, int64(50), low, "Milliseconds before reconnecting to a broker.", configdef.AtLeast(0)),
		key(ReconnectBackoffMaxConfig, tLong, int64(1000), low, "Upper bound of the reconnect back-off.", configdef.AtLeast(0)),
		key(SocketConnectionSetupTimeoutConfig, tLong, int64(10000), low, "Milliseconds to wait for a connection to a broker.", configdef.AtLeast(0)),
		key(SocketConnectionSetupTimeoutMaxConfig, tLong, int64(30000), low, "Upper bound of the connection setup timeout.", configdef.AtLeast(0)),
		key(RetryBackoffConfig, tLong, int64(100), low, "Milliseconds before retrying a failed request.", configdef.AtLeast(0)),
		key(RetryBackoffMaxConfig, tLong, int64(1000), low, "Upper bound of the retry back-off.", configdef.AtLeast(0)),
		key(RequestTimeoutConfig, tInt, 40000, medium, "Milliseconds to wait for a broker's response.", configdef.AtLeast(0)),
		key(ConnectionsMaxIdleConfig, tLong, int64(540000), medium, "Milliseconds after which idle broker connections close."),
		key(SecurityProtocolConfig, tString, "PLAINTEXT", medium,
			"Protocol to reach brokers: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.",
			configdef.OneOfFold("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")),
	)
	l.add(groupSASL, saslKeys()...)
	l.add(groupDistributed,
		key(WorkerSyncTimeoutConfig, tInt, 3000, medium, "Milliseconds to wait to catch up with the config topic before giving up leadership work."),
		key(WorkerUnsyncBackoffConfig, tInt, 300000, medium, "Milliseconds to wait before rejoining after failing to catch up."),
		key(OffsetStorageTopicConfig, tString, required, high, "Compacted topic holding source connector offsets."),
		key(OffsetStoragePartitionsConfig, tInt, 25, low, "Partitions of the offsets topic when the worker creates it; -1 for the broker default.", partitionsValidator{}),
		key(OffsetStorageReplicationFactorConfig, tShort, int16(3), low, "Replication factor of the offsets topic when the worker creates it; -1 for the broker default.", replicationFactorValidator{}),
		key(ConfigStorageTopicConfig, tString, required, high, "Compacted, single-partition topic holding connector and task configs."),
		key(ConfigStorageReplicationFactorConfig, tShort, int16(3), low, "Replication factor of the config topic when the worker creates it; -1 for the broker default.", replicationFactorValidator{}),
		key(StatusStorageTopicConfig, tString, required, high, "Compacted topic holding connector and task statuses."),
		key(StatusStoragePartitionsConfig, tInt, 5, low, "Partitions of the status topic when the worker creates it; -1 for the broker default.", partitionsValidator{}),
		key(StatusStorageReplicationFactorConfig, tShort, int16(3), low, "Replication factor of the status topic when the worker creates it; -1 for the broker default.", replicationFactorValidator{}),
		key(ConnectProtocolConfig, tString, "sessioned", low, "Group protocol compatibility: eager, compatible or sessioned.", connectProtocolValidator{}),
		key(ScheduledRebalanceMaxDelayConfig, tInt, 300000, low,
			"Milliseconds the leader waits for a departed worker to return before reassigning its work.", configdef.Between(0, 2147483647)),
		key(InterWorkerKeyTTLConfig, tInt, 3600000, low, "Milliseconds between rotations of the key that signs requests between workers.", configdef.Between(0, 2147483647)),
		key(InterWorkerKeyGenerationAlgorithmConfig, tString, "HmacSHA256", low, "Algorithm of the key that signs requests between workers.", algorithmValidator{}),
		key(InterWorkerKeySizeConfig, tInt, nil, low, "Size in bits of that key; the algorithm's default when unset."),
		key(InterWorkerSignatureAlgorithmConfig, tString, "HmacSHA256", low, "MAC algorithm that signs requests between workers.", algorithmValidator{}),
		key(InterWorkerVerificationAlgorithmsConfig, tList, "HmacSHA256", low, "MAC algorithms accepted on requests from other workers.", algorithmListValidator{}),
		key(MetadataRecoveryStrategyConfig, tString, "none", low, "What clients do when all known brokers are gone: none or rebootstrap.",
			configdef.OneOfFold("none", "rebootstrap")),
	)
	return l
}

func saslKeys() []configdef.Key {
	return []configdef.Key{
		key(SASLKerberosServiceNameConfig, tString, nil, medium, "Kerberos principal name of the brokers."),
		key(SASLKerberosKinitCmdConfig, tString, "/usr/bin/kinit", low, "Kerberos kinit command."),
		key(SASLKerberosTicketRenewWindowFactorConfig, tDouble, 0.8, low, "Share of a ticket's lifetime after which it is renewed."),
		key(SASLKerberosTicketRenewJitterConfig, tDouble, 0.05, low, "Random jitter added to the renewal time."),
		key(SASLKerberosMinTimeBeforeReloginConfig, tLong, int64(60000), low, "Milliseconds between refresh attempts."),
		key(SASLLoginRefreshWindowFactorConfig, tDouble, 0.8, low, "Share of a credential's lifetime after which it is refreshed.", configdef.BetweenDouble(0.5, 1.0)),
		key(SASLLoginRefreshWindowJitterConfig, tDouble, 0.05, low, "Random jitter added to the refresh time.", configdef.BetweenDouble(0.0, 0.25)),
		key(SASLLoginRefreshMinPeriodSecondsConfig, tShort, int16(60), low, "Minimum seconds between credential refreshes.", configdef.Between(0, 900)),
		key(SASLLoginRefreshBufferSecondsConfig, tShort, int16(300), low, "Seconds before expiry a credential is refreshed.", configdef.Between(0, 3600)),
		key(SASLMechanismConfig, tString, "GSSAPI", medium, "SASL mechanism: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or GSSAPI."),
		key(SASLJAASConfig, tPass, nil, medium, "JAAS login settings, e.g. the PLAIN or SCRAM user name and password."),
		key(SASLClientCallbackHandlerClassConfig, tClass, nil, medium, "SASL client callback handler class (Java)."),
		key(SASLLoginCallbackHandlerClassConfig, tClass, nil, medium, "SASL login callback handler class (Java)."),
		key(SASLLoginClassConfig, tClass, nil, medium, "SASL login class (Java)."),
		key(SASLLoginConnectTimeoutConfig, tInt, nil, low, "Milliseconds to connect to an OAuth token endpoint."),
		key(SASLLoginReadTimeoutConfig, tInt, nil, low, "Milliseconds to read from an OAuth token endpoint."),
		key(SASLLoginRetryBackoffMaxConfig, tLong, int64(10000), low, "Upper bound of the OAuth login retry back-off."),
		key(SASLLoginRetryBackoffConfig, tLong, int64(100), low, "Milliseconds before retrying an OAuth login."),
		key(SASLOAuthBearerScopeClaimNameConfig, tString, "scope", low, "JWT claim holding the scope."),
		key(SASLOAuthBearerSubClaimNameConfig, tString, "sub", low, "JWT claim holding the subject."),
		key(SASLOAuthBearerTokenEndpointURLConfig, tString, nil, medium, "OAuth token endpoint URL."),
		key(SASLOAuthBearerJWKSEndpointURLConfig, tString, nil, medium, "OAuth JWKS endpoint URL."),
		key(SASLOAuthBearerJWKSEndpointRefreshConfig, tLong, int64(3600000), low, "Milliseconds between JWKS refreshes."),
		key(SASLOAuthBearerJWKSEndpointRetryBackoffMaxConfig, tLong, int64(10000), low, "Upper bound of the JWKS retry back-off."),
		key(SASLOAuthBearerJWKSEndpointRetryBackoffConfig, tLong, int64(100), low, "Milliseconds before retrying a JWKS request."),
		key(SASLOAuthBearerClockSkewSecondsConfig, tInt, 30, low, "Seconds of clock skew allowed between client and OAuth provider."),
		key(SASLOAuthBearerExpectedAudienceConfig, tList, nil, low, "Audiences a JWT must name one of."),
		key(SASLOAuthBearerExpectedIssuerConfig, tString, nil, low, "Issuer a JWT must name."),
		key(SASLOAuthBearerHeaderURLEncodeConfig, tBool, false, low, "Whether the OAuth client URL-encodes client id and secret in the authorization header."),
	}
}

func standaloneKeys() keyList {
	var l keyList
	l.add(groupStandalone,
		key(OffsetStorageFileFilenameConfig, tString, required, high, "File holding source connector offsets."))
	return l
}

// Definition returns the declaration of every worker key of the mode. It is
// built anew on each call; callers that keep it may share it read-only.
func Definition(mode Mode) *configdef.ConfigDef {
	d := configdef.New()
	keys := commonKeys()
	switch mode {
	case Distributed:
		keys = append(keys, distributedKeys()...)
	case Standalone:
		keys = append(keys, standaloneKeys()...)
	}
	for _, k := range keys {
		d.Define(k)
	}
	return d
}
