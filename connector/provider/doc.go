// Package provider implements Kafka's config providers and the resolution of
// ${provider:[path:]key} references that uses them.
//
// A worker.properties file names providers with config.providers and
// config.providers.<name>.class, and connector configs (and the worker file
// itself) then refer to secrets kept elsewhere:
//
//	config.providers=file,env
//	config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
//	config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
//	connection.password=${file:/etc/kafka/secrets.properties:humio.token}
//	sasl.jaas.config=${env:JAAS_CONFIG}
//
// Three providers are here, under Kafka's class names: File (a properties
// file), Directory (one file per key, as Kubernetes mounts secrets) and
// EnvVar (the environment). Each has a ConfigDef function for the plugin
// registry. Transformer replaces references exactly as Java's
// ConfigTransformer does, and FromConfig builds the providers a worker
// config names through a caller-supplied factory, so this package needs no
// plugin registry (the built-in registry registers these providers).
package provider
