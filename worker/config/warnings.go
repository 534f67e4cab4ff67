package config

import (
	"log/slog"
	"strings"

	"github.com/kafka-connect-go/connect/connector/configdef"
)

// knownPrefixes are families of keys the worker hands on (to clients,
// converters, providers, the HTTPS listeners, internal topics, metrics) and
// does not declare one by one.
var knownPrefixes = []string{
	"producer.", "consumer.", "admin.",
	KeyConverterConfig + ".", ValueConverterConfig + ".", HeaderConverterConfig + ".",
	"config.providers.",
	"listeners.https.", "admin.listeners.https.",
	"config.storage.", "offset.storage.", "status.storage.",
	"metrics.context.",
}

// storagePrefixes are the distributed worker's internal topic families.
var storagePrefixes = []string{"config.storage.", "offset.storage.", "status.storage."}

// clientKeys are Kafka client settings a worker.properties may hold
// unprefixed: the distributed worker's internal-topic clients and the
// admin clients of both modes receive them. Those the distributed worker
// declares itself are here too, since standalone mode passes them on as
// well.
var clientKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range strings.Fields(`
		acks allow.auto.create.topics auto.commit.interval.ms auto.offset.reset batch.size
		bootstrap.controllers buffer.memory check.crcs client.rack compression.gzip.level
		compression.lz4.level compression.type compression.zstd.level default.api.timeout.ms
		delivery.timeout.ms enable.auto.commit enable.idempotence enable.metrics.push
		exclude.internal.topics fetch.max.bytes fetch.max.wait.ms fetch.min.bytes
		group.instance.id group.protocol group.remote.assignor interceptor.classes isolation.level
		key.deserializer key.serializer linger.ms max.block.ms max.in.flight.requests.per.connection
		max.partition.fetch.bytes max.poll.interval.ms max.poll.records max.request.size
		metadata.max.idle.ms partition.assignment.strategy partitioner.adaptive.partitioning.enable
		partitioner.availability.timeout.ms partitioner.class partitioner.ignore.keys retries
		transaction.timeout.ms transactional.id value.deserializer value.serializer
		security.providers metrics.jmx.exclude metrics.jmx.include
		client.id metadata.max.age.ms send.buffer.bytes receive.buffer.bytes reconnect.backoff.ms
		reconnect.backoff.max.ms retry.backoff.ms retry.backoff.max.ms request.timeout.ms
		connections.max.idle.ms socket.connection.setup.timeout.ms socket.connection.setup.timeout.max.ms
		security.protocol metadata.recovery.strategy`) {
		m[k] = true
	}
	for _, k := range saslKeys() {
		m[k.Name] = true
	}
	return m
}()

func hasAnyPrefix(k string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

func isInternalConverter(k string) bool {
	for _, base := range []string{"internal.key.converter", "internal.value.converter"} {
		if k == base || strings.HasPrefix(k, base+".") {
			return true
		}
	}
	return false
}

// warn logs, once each, the keys that are unknown, removed, deprecated,
// ignored in this mode, or that do not do what a user may think.
func warn(c *WorkerConfig, def *configdef.ConfigDef, raw map[string]string, logger *slog.Logger) {
	other := Definition(Distributed)
	if c.Mode == Distributed {
		other = Definition(Standalone)
	}
	var internal []string
	for _, k := range sortedKeys(raw) {
		switch {
		case isInternalConverter(k):
			internal = append(internal, k)
		case k == RESTHostNameConfig || k == RESTPortConfig:
			// reported when mapped
		case k == MetricsListenersConfig:
			// this worker's own key
		case def.Key(k) != nil:
		case c.Mode == Distributed && k == OffsetStorageFileFilenameConfig:
			logger.Warn("worker config key is only used in standalone mode; ignored", "key", k)
		case c.Mode == Standalone && (other.Key(k) != nil && !clientKeys[k] || hasAnyPrefix(k, storagePrefixes)):
			logger.Warn("worker config key is only used in distributed mode; ignored", "key", k)
		case c.Mode == Distributed && k == "config.storage.partitions":
			logger.Warn("worker config key ignored: the config topic always has one partition", "key", k)
		case c.Mode == Distributed && hasAnyPrefix(k, storagePrefixes) && strings.HasSuffix(k, ".cleanup.policy"):
			logger.Warn("worker config key ignored: internal topics are always compacted", "key", k)
		case hasAnyPrefix(k, knownPrefixes) || clientKeys[k]:
		default:
			if near := closest(k, def.Names()); near != "" {
				logger.Warn("unknown worker config key; ignored", "key", k, "did_you_mean", near)
			} else {
				logger.Warn("unknown worker config key; ignored", "key", k)
			}
		}
	}
	if len(internal) > 0 {
		logger.Warn("internal converter keys were removed in Kafka 3.0 and have no effect; "+
			"internal topics always use the JsonConverter with schemas.enable=false", "keys", internal)
	}
	if _, ok := raw[AutoIncludeJMXReporterConfig]; ok {
		logger.Warn("deprecated worker config key (removed in Kafka 4.0) has no effect", "key", AutoIncludeJMXReporterConfig)
	}
	if p, ok := raw[PluginPathConfig]; ok {
		if c.originals[PluginPathConfig] != p {
			logger.Warn("variables cannot be used in plugin.path: plugin scanning uses the raw value", "key", PluginPathConfig)
		}
		logger.Warn("plugin.path is not scanned: this worker's plugins are built in, Java plugins there are not loaded",
			"key", PluginPathConfig, "plugin_path", c.PluginPath)
	}
}

// closest returns the declared name within two edits of k, if one is.
func closest(k string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := editDistance(k, n, bestD); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, or max when it is
// at least max.
func editDistance(a, b string, max int) int {
	if d := len(a) - len(b); d >= max || -d >= max {
		return max
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= max {
			return max
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], max)
}
