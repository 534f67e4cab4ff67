package dockerenv

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kafka-connect-go/connect/cmd/internal/logging"
	"github.com/kafka-connect-go/connect/worker/config"
)

func TestKey(t *testing.T) {
	cases := []struct {
		variable, key string
		ok            bool
	}{
		{"CONNECT_BOOTSTRAP_SERVERS", "bootstrap.servers", true},
		{"CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR", "config.storage.replication.factor", true},
		{"CONNECT_REST_ADVERTISED_HOST_NAME", "rest.advertised.host.name", true},
		{"CONNECT_GROUP_ID", "group.id", true},
		// "__" is an underscore, "___" a dash.
		{"CONNECT_CONSUMER_SASL_LOGIN__CALLBACK", "consumer.sasl.login_callback", true},
		{"CONNECT_CONFIG_PROVIDERS_FILE___X_CLASS", "config.providers.file-x.class", true},
		{"CONNECT_A___B__C_D", "a-b_c.d", true},
		{"CONNECT_A____B", "a-_b", true}, // three first, then two
		{"CONNECT_A_____B", "a-_b", true},
		{"CONNECT_A______B", "a--b", true},
		// An underscore at either end has no neighbour on that side and stays.
		{"CONNECT__LEADING", "_leading", true},
		{"CONNECT_TRAILING_", "trailing_", true},
		{"CONNECT_X", "x", true},
		// Upper or lower case, the key is lower case.
		{"CONNECT_Value_Converter_SCHEMAS_ENABLE", "value.converter.schemas.enable", true},
		{"CONNECT_PRODUCER_COMPRESSION_TYPE", "producer.compression.type", true},
		{"CONNECT_LOG4J_ROOT_LOGLEVEL", "log4j.root.loglevel", true},
		{"CONNECT_PLUGIN_PATH", "plugin.path", true},
		// Not turned into keys.
		{"CONNECT_METRIC_REPORTERS", "", false}, // left out by the image's template
		{"CONNECT_", "", false},
		{"CONNECTOR_NAME", "", false},
		{"connect_group_id", "", false},
		{"KAFKA_HEAP_OPTS", "", false},
	}
	for _, c := range cases {
		key, ok := Key(c.variable)
		if key != c.key || ok != c.ok {
			t.Errorf("Key(%q) = %q, %v; want %q, %v", c.variable, key, ok, c.key, c.ok)
		}
	}
}

func TestPropsAndOrigins(t *testing.T) {
	e := FromEnviron([]string{
		"CONNECT_GROUP_ID=g", "CONNECT_REST_PORT=8083", "PATH=/bin", "CONNECT_METRIC_REPORTERS=x.Reporter",
		"CONNECT_PRODUCER_SASL_JAAS_CONFIG=a=b c=d", "CONNECT_GROUP_ID=g2", "NOEQUALS",
	})
	props, origins := e.Props()
	want := map[string]string{"group.id": "g2", "rest.port": "8083", "producer.sasl.jaas.config": "a=b c=d"}
	if !reflect.DeepEqual(props, want) {
		t.Errorf("props %v, want %v", props, want)
	}
	if origins["group.id"] != "environment CONNECT_GROUP_ID" || len(origins) != 3 {
		t.Errorf("origins %v", origins)
	}
}

func TestCheckNamesEachMissingVariable(t *testing.T) {
	full := Env{}
	for _, n := range Required() {
		full[n] = "x"
	}
	if err := full.Check(); err != nil {
		t.Fatalf("complete environment: %v", err)
	}
	for _, n := range Required() {
		e := full.with(n, "") // empty counts as missing, as in the image
		err := e.Check()
		if err == nil || err.Error() != n+" is required" {
			t.Errorf("without %s: %v", n, err)
		}
	}
	avro := full.with("CONNECT_VALUE_CONVERTER", "io.confluent.connect.avro.AvroConverter")
	if err := avro.Check(); err == nil || !strings.Contains(err.Error(), "CONNECT_VALUE_CONVERTER_SCHEMA_REGISTRY_URL is required") {
		t.Errorf("avro without a schema registry: %v", err)
	}
	if err := (Env{}).Check(); err == nil || strings.Count(err.Error(), "is required") != len(Required()) {
		t.Errorf("empty environment: %v", err)
	}
}

func TestNoEffect(t *testing.T) {
	e := Env{"KAFKA_HEAP_OPTS": "-Xmx1G", "KAFKA_JMX_PORT": "9999", "KAFKA_JMX_HOSTNAME": "h", "KAFKA_OPTS": "-javaagent:x",
		"KAFKA_BOOTSTRAP": "not ours", "CONNECT_GROUP_ID": "g", "CONNECT_METRIC_REPORTERS": "r"}
	got := e.NoEffect()
	want := []string{"CONNECT_METRIC_REPORTERS", "KAFKA_HEAP_OPTS", "KAFKA_JMX_HOSTNAME", "KAFKA_JMX_PORT", "KAFKA_OPTS"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NoEffect %v, want %v", got, want)
	}
}

// What Render writes reads back, as Java's Properties.load reads it, to
// exactly the values given.
func TestRenderReadsBack(t *testing.T) {
	props := map[string]string{
		"bootstrap.servers":            "kafka:9092",
		"sasl.jaas.config":             `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p\w";`,
		"leading.space":                "  two",
		"multi.line":                   "a\nb\r\tc",
		"hash.value":                   "#not a comment",
		"odd key=with:separators #":    "v",
		"unicode":                      "Zürich ✓",
		"empty":                        "",
		"config.providers.file.class":  "org.apache.kafka.common.config.provider.FileConfigProvider",
		"windows.path":                 `C:\data\out`,
		"value.with.equals.and.colons": "a=b:c",
	}
	b := Render(props)
	if !bytes.HasPrefix(b, []byte("# ")) || !bytes.Contains(b, []byte("\nbootstrap.servers=kafka:9092\n")) {
		t.Errorf("rendered:\n%s", b)
	}
	path := filepath.Join(t.TempDir(), "kafka-connect.properties")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := config.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, props) {
		t.Errorf("read back\n %q\nwant\n %q\nfile:\n%s", got, props, b)
	}
}

func TestWriteProperties(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kafka-connect.properties")
	wrote, err := WriteProperties(path, []byte("a=b\n"))
	if err != nil || !wrote {
		t.Fatalf("wrote %v, %v", wrote, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v: the file may hold secrets", st.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	// No folder: nothing written, no error (as outside the image).
	wrote, err = WriteProperties(filepath.Join(dir, "missing", "kafka-connect.properties"), []byte("a=b\n"))
	if err != nil || wrote {
		t.Errorf("missing folder: wrote %v, %v", wrote, err)
	}
}

// composeEnv is the environment of a typical cp-kafka-connect service.
func composeEnv() Env {
	return Env{
		"CONNECT_BOOTSTRAP_SERVERS":                 "kafka:9092",
		"CONNECT_GROUP_ID":                          "humio-connector",
		"CONNECT_CONFIG_STORAGE_TOPIC":              "humio-connect-configs",
		"CONNECT_OFFSET_STORAGE_TOPIC":              "humio-connect-offsets",
		"CONNECT_STATUS_STORAGE_TOPIC":              "humio-connect-statuses",
		"CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR": "1",
		"CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR": "1",
		"CONNECT_STATUS_STORAGE_REPLICATION_FACTOR": "1",
		"CONNECT_KEY_CONVERTER":                     "org.apache.kafka.connect.json.JsonConverter",
		"CONNECT_VALUE_CONVERTER":                   "org.apache.kafka.connect.json.JsonConverter",
		"CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE":    "false",
		"CONNECT_REST_ADVERTISED_HOST_NAME":         "connect",
		"CONNECT_LOG4J_ROOT_LOGLEVEL":               "INFO",
		"CONNECT_PLUGIN_PATH":                       "/usr/share/java",
	}
}

func TestLoadFromTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "kafka-connect.properties")
	var logs bytes.Buffer
	e := composeEnv().with("KAFKA_HEAP_OPTS", "-Xms1G")
	wc, err := Load(e, Options{RenderTo: out, Mode: config.Distributed, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer wc.Close()
	if wc.File != Origin || wc.Distributed.GroupID != "humio-connector" || wc.REST.AdvertisedHostName != "connect" ||
		wc.ValueConverter.Config["schemas.enable"] != "false" || wc.Distributed.OffsetStorage.ReplicationFactor != 1 {
		t.Errorf("config %+v %+v", wc, wc.Distributed)
	}
	// CONNECT_REST_PORT defaults to 8083 (rest.port, mapped to listeners).
	if len(wc.REST.Listeners) != 1 || wc.REST.Listeners[0].Port != 8083 {
		t.Errorf("listeners %+v", wc.REST.Listeners)
	}
	rendered, err := config.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// The file holds what the image's would, the entrypoint's own keys too.
	for k, v := range map[string]string{"group.id": "humio-connector", "rest.port": "8083", "log4j.root.loglevel": "INFO",
		"plugin.path": "/usr/share/java", "config.storage.replication.factor": "1"} {
		if rendered[k] != v {
			t.Errorf("rendered %s=%q, want %q", k, rendered[k], v)
		}
	}
	for _, want := range []string{"KAFKA_HEAP_OPTS", "plugin.path is not scanned"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log does not mention %s:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), "log4j.root.loglevel") {
		t.Errorf("the entrypoint's keys reached the worker config:\n%s", logs.String())
	}
}

func TestLoadBadValueNamesTheVariable(t *testing.T) {
	e := composeEnv().with("CONNECT_OFFSET_FLUSH_INTERVAL_MS", "abc")
	_, err := Load(e, Options{Mode: config.Distributed})
	want := `environment CONNECT_OFFSET_FLUSH_INTERVAL_MS: offset.flush.interval.ms="abc": expected a LONG`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error\n %v\nwant\n %s...", err, want)
	}
}

func TestLoadMissingVariable(t *testing.T) {
	e := composeEnv()
	delete(e, "CONNECT_GROUP_ID")
	_, err := Load(e, Options{Mode: config.Distributed, RenderTo: filepath.Join(t.TempDir(), "p")})
	if err == nil || !strings.Contains(err.Error(), "CONNECT_GROUP_ID is required") {
		t.Fatalf("error %v", err)
	}
}

// With a file, the file is read and each CONNECT_* variable overrides the
// key it names; nothing is required and nothing is rendered.
func TestEnvironmentOverridesTheFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "worker.properties")
	err := os.WriteFile(file, []byte(`bootstrap.servers=file:9092
group.id=from-file
config.storage.topic=c
offset.storage.topic=o
status.storage.topic=s
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
offset.flush.interval.ms=1000
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	e := Env{"CONNECT_GROUP_ID": "from-env", "CONNECT_REST_ADVERTISED_HOST_NAME": "me"}
	out := filepath.Join(dir, "kafka-connect.properties")
	wc, err := Load(e, Options{File: file, RenderTo: out, Mode: config.Distributed, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer wc.Close()
	if wc.Distributed.GroupID != "from-env" || wc.REST.AdvertisedHostName != "me" || wc.BootstrapServers[0] != "file:9092" ||
		wc.OffsetFlushInterval.Milliseconds() != 1000 || wc.File != file {
		t.Errorf("group %q, advertised %q, bootstrap %v, flush %v, file %q", wc.Distributed.GroupID, wc.REST.AdvertisedHostName,
			wc.BootstrapServers, wc.OffsetFlushInterval, wc.File)
	}
	if !strings.Contains(logs.String(), "variable=CONNECT_GROUP_ID") {
		t.Errorf("the override is not logged:\n%s", logs.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("rendered a file in file mode: %v", err)
	}
	// A bad value from the environment still names its variable.
	_, err = Load(e.with("CONNECT_OFFSET_FLUSH_INTERVAL_MS", "soon"), Options{File: file, Mode: config.Distributed})
	if err == nil || !strings.HasPrefix(err.Error(), `environment CONNECT_OFFSET_FLUSH_INTERVAL_MS: offset.flush.interval.ms="soon"`) {
		t.Errorf("error %v", err)
	}
}

func TestParseLoggers(t *testing.T) {
	cases := []struct {
		in   string
		want []LoggerLevel
		bad  []string
	}{
		{"", nil, nil},
		{"org.reflections=ERROR", []LoggerLevel{{"org.reflections", "ERROR"}}, nil},
		{" a=DEBUG , b.c=trace,,", []LoggerLevel{{"a", "DEBUG"}, {"b.c", "trace"}}, nil},
		{"a=DEBUG,justaname,x=y=z,=INFO,b=", []LoggerLevel{{"a", "DEBUG"}}, []string{"justaname", "x=y=z", "=INFO", "b="}},
	}
	for _, c := range cases {
		got, bad := ParseLoggers(c.in)
		if !reflect.DeepEqual(got, c.want) || !reflect.DeepEqual(bad, c.bad) {
			t.Errorf("ParseLoggers(%q) = %v, %v; want %v, %v", c.in, got, bad, c.want, c.bad)
		}
	}
}

func TestOurs(t *testing.T) {
	cases := []struct {
		name  string
		ours  []string
		known bool
	}{
		{"root", []string{"root"}, true},
		{"ROOT", []string{"root"}, true},
		{"connect.rest", []string{"connect.rest"}, true},
		{"connect", []string{"connect"}, true},
		{"org.apache.kafka.connect", []string{"connect"}, true},
		{"org.apache.kafka.connect.runtime.rest", []string{"connect.rest"}, true},
		{"org.apache.kafka.connect.runtime.rest.RestServer", []string{"connect.rest"}, true},
		{"org.apache.kafka.connect.runtime.WorkerSinkTask", []string{"connect.worker.sink"}, true},
		{"org.apache.kafka.connect.runtime.Worker", []string{"connect.worker"}, true},
		{"org.apache.kafka.connect.runtime.distributed", []string{"connect.herder", "connect.group"}, true},
		{"org.apache.kafka.connect.storage.KafkaOffsetBackingStore", []string{"connect.storage"}, true},
		{"org.apache.kafka.connect.json", []string{"connect"}, true},
		{"org.reflections", nil, true},
		{"org.apache.zookeeper", nil, false},
		{"org.apache.kafka.clients", nil, false},
		{"connector", nil, false},
		{"org.apache.kafka.connectx", nil, false},
	}
	for _, c := range cases {
		ours, known := Ours(c.name)
		if !reflect.DeepEqual(ours, c.ours) || known != c.known {
			t.Errorf("Ours(%q) = %v, %v; want %v, %v", c.name, ours, known, c.ours, c.known)
		}
	}
}

func TestApplyLogLevels(t *testing.T) {
	cases := []struct {
		name     string
		env      Env
		keepRoot bool
		want     map[string]string // effective levels
		warn     string
		err      string
	}{
		{name: "nothing set", env: Env{}, want: map[string]string{"root": "INFO", "connect.rest": "INFO"}},
		{name: "root", env: Env{RootLogLevelVar: "warn"}, want: map[string]string{"root": "WARN", "connect.worker": "WARN"}},
		{name: "root kept for the flag", env: Env{RootLogLevelVar: "ERROR"}, keepRoot: true, want: map[string]string{"root": "INFO"}},
		{name: "java and own names, specific wins whatever the order",
			env: Env{LoggersVar: "org.apache.kafka.connect.runtime.rest=DEBUG,org.apache.kafka.connect=WARN,connect.worker.sink=TRACE"},
			want: map[string]string{"root": "INFO", "connect.rest": "DEBUG", "connect.herder": "WARN", "connect.worker": "WARN",
				"connect.worker.sink": "TRACE", "connect.worker.source": "WARN"}},
		{name: "unknown names warn",
			env:  Env{LoggersVar: "org.apache.zookeeper=ERROR,org.I0Itec.zkclient=ERROR,org.reflections=ERROR,connect.rest=ERROR"},
			want: map[string]string{"connect.rest": "ERROR", "connect.worker": "INFO"}, warn: "org.apache.zookeeper org.I0Itec.zkclient"},
		{name: "malformed entries warn", env: Env{LoggersVar: "connect.rest:DEBUG"}, want: map[string]string{"connect.rest": "INFO"}, warn: "not name=LEVEL"},
		{name: "bad root level", env: Env{RootLogLevelVar: "LOUD"}, err: `CONNECT_LOG4J_ROOT_LOGLEVEL="LOUD": expected a log4j level`},
		{name: "bad logger level", env: Env{LoggersVar: "connect.rest=WARNING"}, err: `CONNECT_LOG4J_LOGGERS: connect.rest="WARNING": expected a log4j level`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lv := logging.New(slog.DiscardHandler, slog.LevelInfo)
			for _, n := range []string{"connect.rest", "connect.worker", "connect.worker.sink", "connect.worker.source", "connect.herder"} {
				lv.Logger(n)
			}
			var logs bytes.Buffer
			err := ApplyLogLevels(c.env, lv.Configure, c.keepRoot, slog.New(slog.NewTextHandler(&logs, nil)))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for n, want := range c.want {
				if l, _ := lv.Level(n); l.Level != want {
					t.Errorf("%s at %s, want %s", n, l.Level, want)
				}
			}
			if c.warn != "" && !strings.Contains(logs.String(), c.warn) {
				t.Errorf("log does not say %q:\n%s", c.warn, logs.String())
			}
			if c.warn == "" && strings.Contains(logs.String(), "level=WARN") {
				t.Errorf("unexpected warning:\n%s", logs.String())
			}
		})
	}
}
