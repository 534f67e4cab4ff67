package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/provider"
)

// logRecorder collects a logger's records as JSON objects.
type logRecorder struct{ buf bytes.Buffer }

func (r *logRecorder) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(&r.buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (r *logRecorder) records(t *testing.T, level string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(r.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["level"] == level {
			out = append(out, m)
		}
	}
	return out
}

// warningsByKey maps each warned key (or key list) to its message.
func (r *logRecorder) warningsByKey(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range r.records(t, "WARN") {
		k := fmt.Sprint(m["key"])
		if keys, ok := m["keys"]; ok {
			k = fmt.Sprint(keys)
		}
		if _, dup := out[k]; dup {
			t.Errorf("key %s warned twice", k)
		}
		out[k] = m["msg"].(string)
	}
	return out
}

const seedPath = "../../examples/worker.properties"

func TestSeedExampleLoadsInDistributedMode(t *testing.T) {
	var rec logRecorder
	cfg, err := Load(seedPath, Distributed, nil, rec.logger())
	if err != nil {
		t.Fatalf("the seed example does not load: %v", err)
	}
	defer cfg.Close()
	for _, m := range rec.records(t, "WARN") {
		t.Logf("warning: %v", m)
	}
	warnings := rec.warningsByKey(t)
	want := map[string]string{
		"[internal.key.converter internal.key.converter.schemas.enable internal.value.converter internal.value.converter.schemas.enable]": "internal converter keys were removed in Kafka 3.0",
		"rest.host.name": "deprecated worker config key (removed in Kafka 3.0)",
		"rest.port":      "deprecated worker config key (removed in Kafka 3.0)",
		"plugin.path":    "plugin.path is not scanned",
	}
	if len(warnings) != len(want) {
		t.Errorf("%d warnings, want %d: %v", len(warnings), len(want), warnings)
	}
	for k, prefix := range want {
		if !strings.HasPrefix(warnings[k], prefix) {
			t.Errorf("warning for %s = %q, want it to start with %q", k, warnings[k], prefix)
		}
	}

	d := cfg.Distributed
	if d == nil || cfg.Standalone != nil {
		t.Fatal("distributed settings missing")
	}
	schemaless := map[string]string{"schemas.enable": "false"}
	checks := []struct {
		name      string
		got, want any
	}{
		{"bootstrap.servers", cfg.BootstrapServers, []string{"localhost:9092"}},
		{"offset.flush.interval.ms", cfg.OffsetFlushInterval, time.Second},
		{"offset.flush.timeout.ms default", cfg.OffsetFlushTimeout, 5 * time.Second},
		{"listeners from rest.host.name and rest.port", cfg.REST.Listeners, []Listener{{Scheme: "http", Host: "localhost", Port: 10082}}},
		{"rest.advertised.host.name", cfg.REST.AdvertisedHostName, "localhost"},
		{"rest.advertised.port", cfg.REST.AdvertisedPort, 10082},
		{"admin listeners default", cfg.REST.AdminListeners, []Listener(nil)},
		{"key.converter", cfg.KeyConverter, Converter{Class: "org.apache.kafka.connect.json.JsonConverter", Config: schemaless}},
		{"value.converter", cfg.ValueConverter, Converter{Class: "org.apache.kafka.connect.json.JsonConverter", Config: schemaless}},
		{"header.converter default", cfg.HeaderConverter, Converter{Class: DefaultHeaderConverter, Config: map[string]string{}}},
		{"plugin.path", cfg.PluginPath, []string{"/usr/share/java"}},
		{"group.id", d.GroupID, "humio-connector"},
		{"config topic", d.ConfigStorage, TopicSettings{Name: "humio-connect-configs", Partitions: 1, ReplicationFactor: 1, Configs: map[string]string{}}},
		{"offset topic", d.OffsetStorage, TopicSettings{Name: "humio-connect-offsets", Partitions: 25, ReplicationFactor: 1, Configs: map[string]string{}}},
		{"status topic", d.StatusStorage, TopicSettings{Name: "humio-connect-statuses", Partitions: 5, ReplicationFactor: 1, Configs: map[string]string{}}},
		{"connect.protocol", d.ConnectProtocol, "sessioned"},
		{"session.timeout.ms", d.SessionTimeout, 10 * time.Second},
		{"rebalance.timeout.ms", d.RebalanceTimeout, time.Minute},
		{"heartbeat.interval.ms", d.HeartbeatInterval, 3 * time.Second},
		{"scheduled.rebalance.max.delay.ms", d.ScheduledRebalanceMaxDelay, 5 * time.Minute},
		{"exactly.once.source.support", d.ExactlyOnceSourceSupport, "disabled"},
		{"inter.worker.signature.algorithm", d.InterWorkerSignatureAlgorithm, "HmacSHA256"},
		{"security.protocol", d.SecurityProtocol, "PLAINTEXT"},
		{"request.timeout.ms", d.RequestTimeout, 40 * time.Second},
		{"metric.reporters", cfg.MetricReporters, []string{"org.apache.kafka.common.metrics.JmxReporter"}},
		{"config.providers", cfg.ConfigProviders, []string{}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	adv, err := cfg.REST.Advertise(nil)
	if err != nil {
		t.Fatal(err)
	}
	if adv != (Advertised{URL: "http://localhost:10082/", WorkerID: "localhost:10082"}) {
		t.Errorf("advertised %+v", adv)
	}
	if got := cfg.WithPrefix("internal.value.converter."); !reflect.DeepEqual(got, schemaless) {
		t.Errorf("removed keys are still in the originals: %v", got)
	}
}

func TestSeedExampleInStandaloneMode(t *testing.T) {
	var rec logRecorder
	_, err := Load(seedPath, Standalone, nil, rec.logger())
	var ke *KeyError
	if !errors.As(err, &ke) || ke.Key != OffsetStorageFileFilenameConfig || !ke.Missing {
		t.Fatalf("error %v, want offset.storage.file.filename missing", err)
	}
	want := seedPath + `: offset.storage.file.filename: missing, expected a string; the key is required (Missing required configuration "offset.storage.file.filename" which has no default value.)`
	if err.Error() != want {
		t.Errorf("error\n %s\nwant\n %s", err, want)
	}
}

// minimal is the smallest valid distributed config.
const minimal = `key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
group.id=connect-cluster
config.storage.topic=connect-configs
offset.storage.topic=connect-offsets
status.storage.topic=connect-status
`

func writeProps(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "worker.properties")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBadValueNamesFileKeyAndValue(t *testing.T) {
	path := writeProps(t, minimal+"offset.flush.interval.ms=abc\n")
	_, err := Load(path, Distributed, nil, nil)
	want := path + `: offset.flush.interval.ms="abc": expected a LONG (Invalid value abc for configuration offset.flush.interval.ms: Not a number of type LONG)`
	if err == nil || err.Error() != want {
		t.Fatalf("error\n %v\nwant\n %s", err, want)
	}
	var ke *KeyError
	if !errors.As(err, &ke) || ke.Key != "offset.flush.interval.ms" || ke.Value != "abc" || ke.File != path {
		t.Errorf("KeyError %+v", ke)
	}
}

func TestBadValues(t *testing.T) {
	cases := []struct {
		name  string
		mode  Mode
		props string // replaces minimal when it starts with "!"
		key   string
		msg   string // Kafka's message, in full
	}{
		{"bad boolean", Distributed, "topic.creation.enable=yes", "topic.creation.enable",
			"Invalid value yes for configuration topic.creation.enable: Expected value to be either true or false"},
		{"bad boolean with blanks", Distributed, "topic.tracking.enable = tru", "topic.tracking.enable",
			"Invalid value tru for configuration topic.tracking.enable: Expected value to be either true or false"},
		{"bad int", Distributed, "session.timeout.ms=10s", "session.timeout.ms",
			"Invalid value 10s for configuration session.timeout.ms: Not a number of type INT"},
		{"int overflow", Distributed, "rebalance.timeout.ms=3000000000", "rebalance.timeout.ms",
			"Invalid value 3000000000 for configuration rebalance.timeout.ms: Not a number of type INT"},
		{"bad short", Distributed, "config.storage.replication.factor=three", "config.storage.replication.factor",
			"Invalid value three for configuration config.storage.replication.factor: Not a number of type SHORT"},
		{"listener without scheme", Distributed, "listeners=localhost:8083", "listeners",
			"Invalid value localhost:8083 for configuration listeners: Listener doesn't have the right format (protocol://hostname:port)."},
		{"listener with ftp", Distributed, "listeners=http://:8083,ftp://host:21", "listeners",
			`Invalid value ftp://host:21 for configuration listeners: Listener protocol must be either "http" or "https".`},
		{"listener with a path", Distributed, "listeners=http://host:8083/connect", "listeners",
			"Invalid value http://host:8083/connect for configuration listeners: Listener doesn't have the right format (protocol://hostname:port)."},
		{"listener port too big", Distributed, "listeners=http://[::1]:99999", "listeners",
			"Invalid value http://[::1]:99999 for configuration listeners: Listener port must be between 0 and 65535."},
		{"listener negative port", Distributed, "listeners=http://host:-1", "listeners",
			"Invalid value http://host:-1 for configuration listeners: Listener port must be between 0 and 65535."},
		{"no listener", Distributed, "listeners=", "listeners",
			"Invalid value for listeners, at least one URL is expected, ex: http://localhost:8080,https://localhost:8443."},
		{"empty listener", Distributed, "listeners=http://a:1,", "listeners",
			"Empty URL found when parsing listeners list."},
		{"bad admin listener", Standalone, "!key.converter=a\nvalue.converter=b\noffset.storage.file.filename=/tmp/o\nadmin.listeners=http:/x:1", "admin.listeners",
			"Invalid value http:/x:1 for configuration admin.listeners: Listener doesn't have the right format (protocol://hostname:port)."},
		{"partitions zero", Distributed, "offset.storage.partitions=0", "offset.storage.partitions",
			"Invalid value 0 for configuration offset.storage.partitions: Number of partitions must be positive, or -1 to use the broker's default"},
		{"partitions negative", Distributed, "status.storage.partitions=-5", "status.storage.partitions",
			"Invalid value -5 for configuration status.storage.partitions: Number of partitions must be positive, or -1 to use the broker's default"},
		{"replication factor zero", Distributed, "status.storage.replication.factor=0", "status.storage.replication.factor",
			"Invalid value 0 for configuration status.storage.replication.factor: Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default"},
		{"metrics samples zero", Distributed, "metrics.num.samples=0", "metrics.num.samples",
			"Invalid value 0 for configuration metrics.num.samples: Value must be at least 1"},
		{"negative sample window", Standalone, "!key.converter=a\nvalue.converter=b\noffset.storage.file.filename=/tmp/o\nmetrics.sample.window.ms=-1", "metrics.sample.window.ms",
			"Invalid value -1 for configuration metrics.sample.window.ms: Value must be at least 0"},
		{"negative retry backoff", Distributed, "retry.backoff.ms=-100", "retry.backoff.ms",
			"Invalid value -100 for configuration retry.backoff.ms: Value must be at least 0"},
		{"negative rebalance delay", Distributed, "scheduled.rebalance.max.delay.ms=-1", "scheduled.rebalance.max.delay.ms",
			"Invalid value -1 for configuration scheduled.rebalance.max.delay.ms: Value must be at least 0"},
		{"send buffer below -1", Distributed, "send.buffer.bytes=-2", "send.buffer.bytes",
			"Invalid value -2 for configuration send.buffer.bytes: Value must be at least -1"},
		{"connect protocol", Distributed, "connect.protocol=cooperative", "connect.protocol",
			"Invalid value cooperative for configuration connect.protocol: Invalid Connect protocol compatibility"},
		{"exactly once", Distributed, "exactly.once.source.support=maybe", "exactly.once.source.support",
			"Invalid value maybe for configuration exactly.once.source.support: String must be one of (case insensitive): DISABLED, ENABLED, PREPARING"},
		{"security protocol", Distributed, "security.protocol=TLS", "security.protocol",
			"Invalid value TLS for configuration security.protocol: String must be one of (case insensitive): SASL_SSL, PLAINTEXT, SSL, SASL_PLAINTEXT"},
		{"client auth is case-sensitive", Distributed, "ssl.client.auth=REQUIRED", "ssl.client.auth",
			"Invalid value REQUIRED for configuration ssl.client.auth: String must be one of: required, requested, none"},
		{"dns lookup", Distributed, "client.dns.lookup=default", "client.dns.lookup",
			"Invalid value default for configuration client.dns.lookup: String must be one of: use_all_dns_ips, resolve_canonical_bootstrap_servers_only"},
		{"header rule", Distributed, "response.http.headers.config=set X-Frame-Options", "response.http.headers.config",
			"Invalid format of header name and header value pair 'X-Frame-Options'. Expected: '[header name]:[header value]'"},
		{"header action", Distributed, "response.http.headers.config=put X-A:b", "response.http.headers.config",
			"Invalid header config action: 'put'. Expected one of [set, add, setDate, addDate]"},
		{"advertised listener", Distributed, "rest.advertised.listener=ftp", "rest.advertised.listener",
			"Invalid value ftp for configuration rest.advertised.listener: String must be one of (case insensitive): HTTPS, HTTP"},
		{"advertised port", Distributed, "rest.advertised.port=70000", "rest.advertised.port",
			"Invalid value 70000 for configuration rest.advertised.port: Value must be no more than 65535"},
		{"legacy rest.port", Distributed, "rest.port=eighty", "rest.port",
			"Invalid value eighty for configuration rest.port: Not a number of type INT"},
		{"window factor", Distributed, "sasl.login.refresh.window.factor=2", "sasl.login.refresh.window.factor",
			"Invalid value 2.0 for configuration sasl.login.refresh.window.factor: Value must be no more than 1.0"},
		{"signature not verified", Distributed, "inter.worker.signature.algorithm=HmacSHA512", "inter.worker.signature.algorithm",
			"Invalid value HmacSHA512 for configuration inter.worker.signature.algorithm: Signature algorithm must be present in inter.worker.verification.algorithms list"},
		{"key too short", Distributed, "inter.worker.key.size=32", "inter.worker.key.size",
			"Unable to create key generator with algorithm HmacSHA256 and key size 32: Key length must be at least 40 bits"},
		{"unknown algorithm", Distributed, "inter.worker.verification.algorithms=HmacSHA256,SHA256withRSA", "inter.worker.verification.algorithms",
			"Invalid value SHA256withRSA for configuration inter.worker.verification.algorithms: the algorithm is not supported by this worker; the supported algorithms are: " +
				"[HmacMD5, HmacSHA1, HmacSHA224, HmacSHA256, HmacSHA384, HmacSHA512, HmacSHA512/224, HmacSHA512/256, HmacSHA3-224, HmacSHA3-256, HmacSHA3-384, HmacSHA3-512]"},
		{"missing group.id", Distributed, "!key.converter=a\nvalue.converter=b\nconfig.storage.topic=c\noffset.storage.topic=o\nstatus.storage.topic=s", "group.id",
			`Missing required configuration "group.id" which has no default value.`},
		{"missing config topic", Distributed, "!key.converter=a\nvalue.converter=b\ngroup.id=g\noffset.storage.topic=o\nstatus.storage.topic=s", "config.storage.topic",
			`Missing required configuration "config.storage.topic" which has no default value.`},
		{"missing offset topic", Distributed, "!key.converter=a\nvalue.converter=b\ngroup.id=g\nconfig.storage.topic=c\nstatus.storage.topic=s", "offset.storage.topic",
			`Missing required configuration "offset.storage.topic" which has no default value.`},
		{"missing status topic", Distributed, "!key.converter=a\nvalue.converter=b\ngroup.id=g\nconfig.storage.topic=c\noffset.storage.topic=o", "status.storage.topic",
			`Missing required configuration "status.storage.topic" which has no default value.`},
		{"missing key converter", Standalone, "!value.converter=b\noffset.storage.file.filename=/tmp/o", "key.converter",
			`Missing required configuration "key.converter" which has no default value.`},
		{"missing value converter", Distributed, "!key.converter=a\ngroup.id=g\nconfig.storage.topic=c\noffset.storage.topic=o\nstatus.storage.topic=s", "value.converter",
			`Missing required configuration "value.converter" which has no default value.`},
		{"missing offsets file", Standalone, "!key.converter=a\nvalue.converter=b", "offset.storage.file.filename",
			`Missing required configuration "offset.storage.file.filename" which has no default value.`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			content := minimal + c.props + "\n"
			if strings.HasPrefix(c.props, "!") {
				content = c.props[1:] + "\n"
			}
			path := writeProps(t, content)
			_, err := Load(path, c.mode, nil, nil)
			if err == nil {
				t.Fatal("loaded")
			}
			var ke *KeyError
			if !errors.As(err, &ke) {
				t.Fatalf("%v is not a *KeyError", err)
			}
			if ke.Key != c.key || ke.Err.Error() != c.msg {
				t.Errorf("got %s: %v\nwant %s: %s", ke.Key, ke.Err, c.key, c.msg)
			}
			if !strings.HasPrefix(err.Error(), path+": "+c.key) || !strings.Contains(err.Error(), "expected ") ||
				!strings.HasSuffix(err.Error(), "("+c.msg+")") {
				t.Errorf("message %q does not name file, key, expectation and cause", err)
			}
			if !ke.Missing && !strings.Contains(err.Error(), fmt.Sprintf("%q", ke.Value)) {
				t.Errorf("message %q does not quote the value %q", err, ke.Value)
			}
		})
	}
}

func TestAllBadKeysAreListed(t *testing.T) {
	path := writeProps(t, "value.converter=x\noffset.flush.interval.ms=abc\ntopic.creation.enable=maybe\nlisteners=tcp://x:1\n")
	_, err := Load(path, Distributed, nil, nil)
	if err == nil {
		t.Fatal("loaded")
	}
	var keys []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ke *KeyError
		if !errors.As(e, &ke) {
			t.Fatalf("%v is not a *KeyError", e)
		}
		keys = append(keys, ke.Key)
	}
	want := []string{"key.converter", "offset.flush.interval.ms", "topic.creation.enable", "listeners",
		"group.id", "offset.storage.topic", "config.storage.topic", "status.storage.topic"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("bad keys %v, want %v", keys, want)
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != len(want) {
		t.Errorf("%d lines in the error:\n%s", len(lines), err)
	}
}

func TestPasswordsAreHiddenInErrors(t *testing.T) {
	e := &KeyError{File: "w.properties", Key: "ssl.key.password", Value: "hunter2", Expected: "a password", Err: errors.New("x"), secret: true}
	if strings.Contains(e.Error(), "hunter2") || !strings.Contains(e.Error(), "ssl.key.password=[hidden]") {
		t.Errorf("password error %q", e)
	}
}

func TestUnknownAndKnownKeys(t *testing.T) {
	var rec logRecorder
	path := writeProps(t, minimal+`
offset.flush.intervall.ms=1000
totally.unknown=1
producer.acks=all
consumer.max.poll.records=100
admin.request.timeout.ms=1000
key.converter.schemas.enable=false
value.converter.replace.null.with.default=false
header.converter.schemas.enable=false
listeners.https.ssl.keystore.location=/k
admin.listeners.https.ssl.keystore.location=/k
offset.storage.segment.bytes=1048576
config.storage.min.insync.replicas=2
status.storage.cleanup.policy=delete
config.storage.partitions=3
metrics.context.region=eu
acks=all
compression.type=lz4
sasl.mechanism=PLAIN
offset.storage.file.filename=/tmp/offsets
auto.include.jmx.reporter=false
metrics.listeners=http://0.0.0.0:1234
`)
	cfg, err := Load(path, Distributed, nil, rec.logger())
	if err != nil {
		t.Fatal(err)
	}
	got := rec.warningsByKey(t)
	want := map[string]string{
		"offset.flush.intervall.ms":     "unknown worker config key; ignored",
		"totally.unknown":               "unknown worker config key; ignored",
		"status.storage.cleanup.policy": "worker config key ignored: internal topics are always compacted",
		"config.storage.partitions":     "worker config key ignored: the config topic always has one partition",
		"offset.storage.file.filename":  "worker config key is only used in standalone mode; ignored",
		"auto.include.jmx.reporter":     "deprecated worker config key (removed in Kafka 4.0) has no effect",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings\n %v\nwant\n %v", got, want)
	}
	for _, m := range rec.records(t, "WARN") {
		if m["key"] == "offset.flush.intervall.ms" && m["did_you_mean"] != "offset.flush.interval.ms" {
			t.Errorf("no suggestion for a typo: %v", m)
		}
	}
	d := cfg.Distributed
	if want := map[string]string{"segment.bytes": "1048576"}; !reflect.DeepEqual(d.OffsetStorage.Configs, want) {
		t.Errorf("offset topic configs %v, want %v", d.OffsetStorage.Configs, want)
	}
	if want := map[string]string{"min.insync.replicas": "2"}; !reflect.DeepEqual(d.ConfigStorage.Configs, want) {
		t.Errorf("config topic configs %v", d.ConfigStorage.Configs)
	}
	if len(d.StatusStorage.Configs) != 0 || d.ConfigStorage.Partitions != 1 {
		t.Errorf("status configs %v, config partitions %d", d.StatusStorage.Configs, d.ConfigStorage.Partitions)
	}
	if got := cfg.WithPrefix("producer."); !reflect.DeepEqual(got, map[string]string{"acks": "all"}) {
		t.Errorf("producer settings %v", got)
	}
	if got := cfg.ValueConverter.Config; !reflect.DeepEqual(got, map[string]string{"replace.null.with.default": "false"}) {
		t.Errorf("value converter settings %v", got)
	}
	if got := cfg.REST.HTTPS; !reflect.DeepEqual(got, map[string]string{"ssl.keystore.location": "/k"}) {
		t.Errorf("HTTPS settings %v", got)
	}
	if got := cfg.REST.AdminHTTPS; !reflect.DeepEqual(got, map[string]string{"ssl.keystore.location": "/k"}) {
		t.Errorf("admin HTTPS settings %v", got)
	}
	if cfg.Originals()["acks"] != "all" || d.SASLMechanism != "PLAIN" {
		t.Error("client settings lost")
	}
}

func TestStandaloneWarnsAboutDistributedKeys(t *testing.T) {
	var rec logRecorder
	path := writeProps(t, "key.converter=a\nvalue.converter=b\noffset.storage.file.filename=/tmp/o\n"+
		"group.id=g\nconfig.storage.topic=c\nconnect.protocol=eager\noffset.storage.replication.factor=1\n"+
		"security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nclient.id=w\n")
	cfg, err := Load(path, Standalone, nil, rec.logger())
	if err != nil {
		t.Fatal(err)
	}
	got := rec.warningsByKey(t)
	for _, k := range []string{"group.id", "config.storage.topic", "connect.protocol", "offset.storage.replication.factor"} {
		if got[k] != "worker config key is only used in distributed mode; ignored" {
			t.Errorf("%s: warning %q", k, got[k])
		}
	}
	if len(got) != 4 {
		t.Errorf("warnings %v: client settings are passed on in standalone mode and must not be warned", got)
	}
	if cfg.Standalone.OffsetStorageFileFilename != "/tmp/o" || cfg.Distributed != nil {
		t.Errorf("standalone settings %+v", cfg.Standalone)
	}
}

func TestDuplicateKeyLastWins(t *testing.T) {
	path := writeProps(t, minimal+"offset.flush.interval.ms=abc\noffset.flush.interval.ms=2000\n")
	cfg, err := Load(path, Distributed, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.OffsetFlushInterval != 2*time.Second {
		t.Errorf("interval %v", cfg.OffsetFlushInterval)
	}
}

func TestFileSyntaxIsJavas(t *testing.T) {
	// ISO-8859-1 bytes, \u escapes, ':' and blank separators, continuation
	// lines and ${} left alone.
	content := []byte(minimal + "client.id=caf\xe9\nrest.advertised.host.name:h\\u00f6st\nbootstrap.servers = a:9092, \\\n    b:9092\n" +
		"access.control.allow.origin ${not.expanded}\n")
	path := filepath.Join(t.TempDir(), "w.properties")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, Distributed, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][2]any{
		"client.id":                   {cfg.Distributed.ClientID, "café"},
		"rest.advertised.host.name":   {cfg.REST.AdvertisedHostName, "höst"},
		"bootstrap.servers":           {cfg.BootstrapServers, []string{"a:9092", "b:9092"}},
		"access.control.allow.origin": {cfg.REST.AccessControlAllowOrigin, "${not.expanded}"},
	}
	for k, c := range checks {
		if !reflect.DeepEqual(c[0], c[1]) {
			t.Errorf("%s = %#v, want %#v", k, c[0], c[1])
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "nope.properties"), Distributed, nil, nil); err == nil || !strings.Contains(err.Error(), "nope.properties") {
		t.Errorf("missing file: %v", err)
	}
}

func TestRESTHostAndPortMapping(t *testing.T) {
	cases := []struct {
		name  string
		props string
		want  []Listener
		warn  string
	}{
		{"neither", "", []Listener{{"http", "", 8083}}, ""},
		{"port only", "rest.port=9000", []Listener{{"http", "", 9000}}, "deprecated worker config key (removed in Kafka 3.0)"},
		{"host only", "rest.host.name=10.0.0.5", []Listener{{"http", "10.0.0.5", 8083}}, "deprecated worker config key (removed in Kafka 3.0)"},
		{"ipv6 host", "rest.host.name=::1\nrest.port=9001", []Listener{{"http", "::1", 9001}}, "deprecated worker config key (removed in Kafka 3.0)"},
		{"listeners win", "rest.port=9000\nlisteners=HTTPS://h:8443", []Listener{{"https", "h", 8443}}, "deprecated worker config key ignored because listeners is set"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rec logRecorder
			cfg, err := Load(writeProps(t, minimal+c.props+"\n"), Distributed, nil, rec.logger())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cfg.REST.Listeners, c.want) {
				t.Errorf("listeners %v, want %v", cfg.REST.Listeners, c.want)
			}
			w := rec.warningsByKey(t)
			if c.warn == "" && len(w) != 0 || c.warn != "" && !strings.HasPrefix(w["rest.port"]+w["rest.host.name"], c.warn) {
				t.Errorf("warnings %v, want %q", w, c.warn)
			}
		})
	}
	_, err := Load(writeProps(t, minimal+"rest.port=x\n"), Distributed, nil, nil)
	if err == nil || strings.Count(err.Error(), "\n") != 0 || !strings.Contains(err.Error(), `rest.port="x"`) {
		t.Errorf("bad rest.port must give one error naming rest.port: %v", err)
	}
}

func TestListeners(t *testing.T) {
	cases := []struct {
		in   string
		want Listener
		addr string
	}{
		{"http://:8083", Listener{"http", "", 8083}, ":8083"},
		{"HTTPS://myhost:8443", Listener{"https", "myhost", 8443}, "myhost:8443"},
		{"http://[::1]:0", Listener{"http", "::1", 0}, "[::1]:0"},
		{"http://[fe80::1%eth0]:8083", Listener{"http", "fe80::1%eth0", 8083}, "[fe80::1%eth0]:8083"},
		{"http://0.0.0.0:8083", Listener{"http", "0.0.0.0", 8083}, "0.0.0.0:8083"},
	}
	for _, c := range cases {
		l, err := ParseListener(c.in)
		if err != nil || l != c.want || l.Addr() != c.addr {
			t.Errorf("ParseListener(%q) = %+v (%s), %v; want %+v (%s)", c.in, l, l.Addr(), err, c.want, c.addr)
		}
	}
	cfg, err := Parse("w", props(minimal+"listeners=http://a:1, https://[::1]:2\nadmin.listeners=\n"), Distributed, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Listener{{"http", "a", 1}, {"https", "::1", 2}}; !reflect.DeepEqual(cfg.REST.Listeners, want) {
		t.Errorf("listeners %v", cfg.REST.Listeners)
	}
	if cfg.REST.AdminListeners == nil || len(cfg.REST.AdminListeners) != 0 {
		t.Errorf("admin.listeners= must disable admin endpoints (empty, not nil): %#v", cfg.REST.AdminListeners)
	}
}

// props parses properties text for Parse.
func props(s string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

func TestAdvertise(t *testing.T) {
	tcp := func(s string) net.Addr {
		a, err := net.ResolveTCPAddr("tcp", s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	local := func() (string, error) { return "10.1.2.3", nil }
	cases := []struct {
		name  string
		rest  REST
		bound []net.Addr
		url   string
		id    string
	}{
		{"default listener", REST{Listeners: []Listener{{"http", "", 8083}}}, nil, "http://10.1.2.3:8083/", "10.1.2.3:8083"},
		{"listener host", REST{Listeners: []Listener{{"http", "connect-1", 8083}}}, nil, "http://connect-1:8083/", "connect-1:8083"},
		{"advertised host and port", REST{Listeners: []Listener{{"http", "", 8083}}, AdvertisedHostName: "public", AdvertisedPort: 443},
			nil, "http://public:443/", "public:443"},
		{"port 0 uses the bound port", REST{Listeners: []Listener{{"http", "127.0.0.1", 0}}}, []net.Addr{tcp("127.0.0.1:40123")},
			"http://127.0.0.1:40123/", "127.0.0.1:40123"},
		{"http preferred over https", REST{Listeners: []Listener{{"https", "s", 8443}, {"http", "p", 8083}}}, nil, "http://p:8083/", "p:8083"},
		{"https only", REST{Listeners: []Listener{{"https", "s", 8443}}}, nil, "https://s:8443/", "s:8443"},
		{"advertised listener https", REST{Listeners: []Listener{{"http", "p", 8083}, {"https", "s", 0}}, AdvertisedListener: "https"},
			[]net.Addr{tcp("0.0.0.0:8083"), tcp("0.0.0.0:55555")}, "https://s:55555/", "s:55555"},
		{"advertised scheme without such listener", REST{Listeners: []Listener{{"http", "p", 8083}}, AdvertisedListener: "https"},
			nil, "https://p:8083/", "p:8083"},
		{"ipv6", REST{Listeners: []Listener{{"http", "::1", 8083}}}, nil, "http://[::1]:8083/", "[::1]:8083"},
		{"seed", REST{Listeners: []Listener{{"http", "localhost", 10082}}, AdvertisedHostName: "localhost", AdvertisedPort: 10082},
			nil, "http://localhost:10082/", "localhost:10082"},
	}
	for _, c := range cases {
		got, err := c.rest.advertise(c.bound, local)
		if err != nil || got.URL != c.url || got.WorkerID != c.id {
			t.Errorf("%s: %+v, %v; want %s %s", c.name, got, err, c.url, c.id)
		}
	}
	if _, err := (REST{Listeners: []Listener{{"http", "h", 0}}}).advertise(nil, local); err == nil {
		t.Error("port 0 without a bound address must fail")
	}
	if _, err := (REST{Listeners: []Listener{{"http", "", 1}}}).advertise(nil, func() (string, error) { return "", errors.New("no name") }); err == nil {
		t.Error("lookup failure must fail")
	}
	// The real lookup gives something usable on this machine.
	got, err := (REST{Listeners: []Listener{{"http", "", 8083}}}).Advertise(nil)
	if err != nil || !strings.HasSuffix(got.WorkerID, ":8083") || len(got.WorkerID) <= len(":8083") {
		t.Errorf("Advertise with the machine's address: %+v, %v", got, err)
	}
}

// A real listener on port 0: the advertised port is the one it bound.
func TestAdvertiseBoundListener(t *testing.T) {
	cfg, err := Parse("w", props(minimal+"listeners=http://127.0.0.1:0"), Distributed, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", cfg.REST.Listeners[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	adv, err := cfg.REST.Advertise([]net.Addr{ln.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://" + ln.Addr().String() + "/"; adv.URL != want {
		t.Errorf("URL %s, want %s", adv.URL, want)
	}
}

func TestHeaderRules(t *testing.T) {
	rules, err := ParseHeaderRules(`set X-Frame-Options:DENY, "add Cache-Control: no-cache, no-store", setDate Expires:31540000000,addDate Last-Modified:0`)
	if err != nil {
		t.Fatal(err)
	}
	want := []HeaderRule{
		{"set", "X-Frame-Options", "DENY"},
		{"add", "Cache-Control", "no-cache, no-store"},
		{"setDate", "Expires", "31540000000"},
		{"addDate", "Last-Modified", "0"},
	}
	if !reflect.DeepEqual(rules, want) {
		t.Errorf("rules %v, want %v", rules, want)
	}
	for in, msg := range map[string]string{
		"set":                   "Invalid format of header config 'set'. Expected: '[action] [header name]:[header value]'",
		"set A:b,":              "",
		"set A:b,,set C:d":      "Invalid format of header config ''. Expected: '[action] [header name]:[header value]'",
		"set A:b:c":             "Invalid format of header name and header value pair 'A:b:c'. Expected: '[header name]:[header value]'",
		"set A:":                "Invalid format of header name and header value pair 'A:'. Expected: '[header name]:[header value]'",
		`set "A B":c`:           "Invalid header name '\"A B\"'. The '[header name]' cannot contain whitespace",
		"set :c":                "Invalid header name ''. The '[header name]' cannot contain whitespace",
		"SET x-a:1":             "",
		"   ":                   "",
		"\"set X:a\\\"b\" junk": "",
	} {
		_, err := ParseHeaderRules(in)
		if msg == "" && err != nil || msg != "" && (err == nil || err.Error() != msg) {
			t.Errorf("ParseHeaderRules(%q) = %v, want %q", in, err, msg)
		}
	}
}

func TestConfigProviders(t *testing.T) {
	dir := t.TempDir()
	secrets := filepath.Join(dir, "secrets.properties")
	if err := os.WriteFile(secrets, []byte("jaas=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";\ninterval=2500\nbad=soon\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	factory := func(class string) (connector.ConfigProvider, error) {
		switch class {
		case provider.FileClass, "FileConfigProvider":
			return provider.NewFile(nil), nil
		case provider.EnvVarClass:
			return provider.NewEnvVarFrom(map[string]string{"GROUP": "from-env"}, nil), nil
		}
		return nil, fmt.Errorf("no config provider class %s", class)
	}
	base := minimal + "config.providers=file,env\n" +
		"config.providers.file.class=FileConfigProvider\n" +
		"config.providers.file.param.allowed.paths=" + dir + "\n" +
		"config.providers.env.class=" + provider.EnvVarClass + "\n"

	cfg, err := Load(writeProps(t, base+
		"sasl.jaas.config=${file:"+secrets+":jaas}\n"+
		"offset.flush.interval.ms=${file:"+secrets+":interval}\n"+
		"client.id=${env:GROUP}\n"+
		"access.control.allow.origin=${vault:secret/x:y}\n"), Distributed, factory, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.Close()
	if got := cfg.Distributed.SASLJAASConfig.Value(); !strings.Contains(got, `password="p"`) {
		t.Errorf("jaas %q", got)
	}
	if cfg.OffsetFlushInterval != 2500*time.Millisecond || cfg.Distributed.ClientID != "from-env" {
		t.Errorf("resolved %v %q", cfg.OffsetFlushInterval, cfg.Distributed.ClientID)
	}
	if cfg.REST.AccessControlAllowOrigin != "${vault:secret/x:y}" {
		t.Errorf("unknown provider reference changed: %q", cfg.REST.AccessControlAllowOrigin)
	}
	if _, ok := cfg.Originals()[ConfigProvidersConfig]; ok {
		t.Error("Originals holds config.providers")
	}
	if !reflect.DeepEqual(cfg.ConfigProviders, []string{"file", "env"}) {
		t.Errorf("config.providers %v", cfg.ConfigProviders)
	}
	// The worker resolves connector configs with the same providers.
	conn, err := cfg.ConfigTransformer().Transform(map[string]string{"connection.password": "${file:" + secrets + ":interval}", "topics": "logs"})
	if err != nil || conn["connection.password"] != "2500" || conn["topics"] != "logs" {
		t.Errorf("connector config %v, %v", conn, err)
	}

	_, err = Load(writeProps(t, base+"offset.flush.interval.ms=${file:"+secrets+":bad}\n"), Distributed, factory, nil)
	if err == nil || !strings.Contains(err.Error(), `offset.flush.interval.ms="soon": expected a LONG`) {
		t.Errorf("bad resolved value: %v", err)
	}
	_, err = Load(writeProps(t, minimal+"config.providers=vault\nconfig.providers.vault.class=com.example.VaultConfigProvider\n"), Distributed, factory, nil)
	if err == nil || !strings.Contains(err.Error(), `config.providers.vault.class="com.example.VaultConfigProvider": no config provider class`) {
		t.Errorf("unknown provider class: %v", err)
	}
	_, err = Load(writeProps(t, base+"client.id=${file:/etc/passwd:root}\n"), Distributed, factory, nil)
	if err != nil {
		t.Errorf("a path outside allowed.paths resolves to nothing, not an error: %v", err)
	}
	_, err = Load(writeProps(t, minimal+"config.providers=env\nconfig.providers.env.class="+provider.EnvVarClass+"\nclient.id=${env:/x:GROUP}\n"), Distributed, factory, nil)
	if err == nil || !strings.Contains(err.Error(), "resolving config provider references") || !strings.Contains(err.Error(), "Path is not supported for EnvVarConfigProvider") {
		t.Errorf("provider error: %v", err)
	}
}

func TestPluginPathWithVariablesIsWarned(t *testing.T) {
	var rec logRecorder
	factory := func(string) (connector.ConfigProvider, error) {
		return provider.NewEnvVarFrom(map[string]string{"P": "/opt/plugins"}, nil), nil
	}
	cfg, err := Load(writeProps(t, minimal+"config.providers=env\nconfig.providers.env.class=x\nplugin.path=${env:P}\n"), Distributed, factory, rec.logger())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range rec.records(t, "WARN") {
		found = found || strings.HasPrefix(m["msg"].(string), "variables cannot be used in plugin.path")
	}
	if !found || !reflect.DeepEqual(cfg.PluginPath, []string{"/opt/plugins"}) {
		t.Errorf("plugin.path %v, warned %v", cfg.PluginPath, found)
	}
}

func TestHugeDurationsSaturate(t *testing.T) {
	cfg, err := Parse("w", props(minimal+"offset.flush.timeout.ms=9223372036854775807\ntask.shutdown.graceful.timeout.ms=-9223372036854775808"), Distributed, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.OffsetFlushTimeout <= 0 || cfg.TaskShutdownGracefulTimeout >= 0 {
		t.Errorf("durations overflowed: %v %v", cfg.OffsetFlushTimeout, cfg.TaskShutdownGracefulTimeout)
	}
}

func TestNewMAC(t *testing.T) {
	// RFC 4231 test case 2.
	m, ok := NewMAC("hmacsha256", []byte("Jefe"))
	if !ok {
		t.Fatal("HmacSHA256 unknown")
	}
	m.Write([]byte("what do ya want for nothing?"))
	if got := fmt.Sprintf("%x", m.Sum(nil)); got != "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" {
		t.Errorf("HMAC %s", got)
	}
	if _, ok := NewMAC("SHA256withRSA", nil); ok {
		t.Error("a signature algorithm passed as a MAC")
	}
}

func TestParseRejectsUnknownMode(t *testing.T) {
	if _, err := Parse("w", props(minimal), Mode(7), nil, nil); err == nil {
		t.Error("mode 7 accepted")
	}
}

// Keys gathered from the environment name the variable they came from;
// the others still name the file.
func TestParseFromNamesEachKeysOrigin(t *testing.T) {
	props, err := ReadFile(writeProps(t, minimal))
	if err != nil {
		t.Fatal(err)
	}
	props["offset.flush.interval.ms"] = "abc"
	props["task.shutdown.graceful.timeout.ms"] = "soon"
	origins := map[string]string{"offset.flush.interval.ms": "environment CONNECT_OFFSET_FLUSH_INTERVAL_MS"}
	_, err = ParseFrom("worker.properties", props, origins, Distributed, nil, nil)
	if err == nil {
		t.Fatal("bad values accepted")
	}
	for _, want := range []string{
		`environment CONNECT_OFFSET_FLUSH_INTERVAL_MS: offset.flush.interval.ms="abc": expected a LONG (Invalid value abc for configuration offset.flush.interval.ms: Not a number of type LONG)`,
		`worker.properties: task.shutdown.graceful.timeout.ms="soon": expected a LONG`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error\n %v\ndoes not say\n %s", err, want)
		}
	}
	delete(props, "task.shutdown.graceful.timeout.ms")
	props["offset.flush.interval.ms"] = "2500"
	cfg, err := ParseFrom("environment", props, origins, Distributed, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.OffsetFlushInterval != 2500*time.Millisecond || cfg.File != "environment" {
		t.Errorf("offset flush interval %v, file %q", cfg.OffsetFlushInterval, cfg.File)
	}
}
