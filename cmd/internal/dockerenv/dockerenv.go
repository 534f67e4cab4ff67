// Package dockerenv configures connect-distributed from its environment the
// way the confluentinc/cp-kafka-connect image does, so that a compose file
// or manifest written for that image runs this worker unchanged.
//
// The image's entrypoint (/etc/confluent/docker/configure with the
// env_to_props rule of confluent-docker-utils) turns every CONNECT_<NAME>
// variable into a worker key: the prefix is dropped, the rest lower-cased,
// "___" becomes "-", "__" becomes "_" and a single "_" becomes ".". It
// insists on eight variables, defaults CONNECT_REST_PORT to 8083, writes
// the result to /etc/kafka-connect/kafka-connect.properties, and sets log
// levels from CONNECT_LOG4J_ROOT_LOGLEVEL and CONNECT_LOG4J_LOGGERS. This
// package does the same; the JVM's variables (heap, JMX, agents) have no
// meaning for a Go program and are only reported.
package dockerenv

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/kafka-connect-go/connect/connector/provider"
	"github.com/kafka-connect-go/connect/worker/config"
)

const (
	// Prefix starts every variable that becomes a worker key.
	Prefix = "CONNECT_"
	// DefaultPropertiesFile is where the image writes the rendered
	// properties, and where tools in it read them.
	DefaultPropertiesFile = "/etc/kafka-connect/kafka-connect.properties"
	// DefaultRESTPort is CONNECT_REST_PORT when it is unset or empty.
	DefaultRESTPort = "8083"
	// Origin is the config name of a worker configured from the
	// environment alone; errors about one key name its variable instead.
	Origin = "environment"
)

// Required returns the variables the image's configure script refuses to
// start without, in its order.
func Required() []string {
	return []string{
		"CONNECT_BOOTSTRAP_SERVERS",
		"CONNECT_GROUP_ID",
		"CONNECT_CONFIG_STORAGE_TOPIC",
		"CONNECT_OFFSET_STORAGE_TOPIC",
		"CONNECT_STATUS_STORAGE_TOPIC",
		"CONNECT_KEY_CONVERTER",
		"CONNECT_VALUE_CONVERTER",
		"CONNECT_REST_ADVERTISED_HOST_NAME",
	}
}

// excluded are the CONNECT_* variables the image's properties template
// leaves out: Confluent sets metric.reporters for its telemetry through
// CONNECT_METRIC_REPORTERS and keeps it out of the worker's file.
var excluded = map[string]bool{"CONNECT_METRIC_REPORTERS": true}

// avroConverter needs a schema registry URL in the image's configure.
const avroConverter = "io.confluent.connect.avro.AvroConverter"

// Key returns the worker key of a CONNECT_* variable, and false for any
// other variable, for the ones the image leaves out, and for CONNECT_
// alone.
func Key(variable string) (string, bool) {
	rest, ok := strings.CutPrefix(variable, Prefix)
	if !ok || rest == "" || excluded[variable] {
		return "", false
	}
	return keyOf(rest), true
}

// keyOf applies env_to_props to the part of a name after the prefix. A
// single underscore is one with a non-underscore on both sides (a leading
// or trailing one stays); runs of three, then of two, are replaced after
// that, so four underscores give "-_".
func keyOf(rest string) string {
	s := strings.ToLower(rest)
	b := []byte(s)
	for i := 1; i+1 < len(s); i++ {
		if s[i] == '_' && s[i-1] != '_' && s[i+1] != '_' {
			b[i] = '.'
		}
	}
	s = strings.ReplaceAll(string(b), "___", "-")
	return strings.ReplaceAll(s, "__", "_")
}

// entrypointKey reports keys made from variables that the image's
// entrypoint itself reads (log levels, its broker wait): they are written
// to the rendered file as the image does, but not handed to the worker's
// config, which would only call them unknown.
func entrypointKey(key string) bool {
	return strings.HasPrefix(key, "log4j.") || strings.HasPrefix(key, "cub.")
}

// Env is a process environment by name.
type Env map[string]string

// FromEnviron reads "NAME=value" entries, as os.Environ returns them; a
// later duplicate wins.
func FromEnviron(environ []string) Env {
	e := make(Env, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			e[k] = v
		}
	}
	return e
}

// Props returns the worker properties of the CONNECT_* variables and, per
// key, where it came from ("environment CONNECT_GROUP_ID"). Two variables
// that give the same key (CONNECT_A_B and CONNECT_A__B do not, but
// CONNECT_a_b and CONNECT_A_B do) are resolved by taking the one sorting
// last, so the result does not depend on map order.
func (e Env) Props() (props, origins map[string]string) {
	props, origins = map[string]string{}, map[string]string{}
	names := make([]string, 0, len(e))
	for n := range e {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if k, ok := Key(n); ok {
			props[k] = e[n]
			origins[k] = Origin + " " + n
		}
	}
	return props, origins
}

// Check returns one error per required variable that is unset or empty,
// joined, each naming it as the image's "ub ensure" does.
func (e Env) Check() error {
	var errs []error
	need := Required()
	if e["CONNECT_KEY_CONVERTER"] == avroConverter {
		need = append(need, "CONNECT_KEY_CONVERTER_SCHEMA_REGISTRY_URL")
	}
	if e["CONNECT_VALUE_CONVERTER"] == avroConverter {
		need = append(need, "CONNECT_VALUE_CONVERTER_SCHEMA_REGISTRY_URL")
	}
	for _, n := range need {
		if e[n] == "" {
			errs = append(errs, fmt.Errorf("%s is required", n))
		}
	}
	return errors.Join(errs...)
}

// NoEffect returns, sorted, the variables set that configure the JVM or
// log4j's layout in the image and mean nothing to this worker.
func (e Env) NoEffect() []string {
	exact := map[string]bool{
		"KAFKA_HEAP_OPTS": true, "KAFKA_OPTS": true, "KAFKA_JVM_PERFORMANCE_OPTS": true,
		"KAFKA_GC_LOG_OPTS": true, "KAFKA_LOG4J_OPTS": true, "KAFKA_DEBUG": true, "JMX_PORT": true,
		"CONNECT_LOG4J_APPENDER_STDOUT_LAYOUT_CONVERSIONPATTERN": true,
		"CONNECT_METRIC_REPORTERS":                               true,
	}
	var out []string
	for n := range e {
		if exact[n] || strings.HasPrefix(n, "KAFKA_JMX_") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Options says how Load configures the worker.
type Options struct {
	// File is the worker.properties given on the command line; empty when
	// none was, and the environment alone configures the worker.
	File string
	// RenderTo is where the properties made from the environment are
	// written when File is empty (DefaultPropertiesFile in the image); the
	// file is written only where its folder exists. Empty writes nothing.
	RenderTo  string
	Mode      config.Mode
	Providers provider.Factory
	// Logger gets the warnings of the config; nil discards them.
	Logger *slog.Logger
}

// Load builds the worker config. Without a file it is made from the
// CONNECT_* variables alone: the required ones must be set, and the
// rendered properties are written to RenderTo. With a file, the file is
// read and every CONNECT_* variable set overrides the key it names, so a
// container can change one setting of a mounted file; the required
// variables are then not checked. Errors about a key from the environment
// name its variable.
func Load(e Env, o Options) (*config.WorkerConfig, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if n := e.NoEffect(); len(n) > 0 {
		log.Info("environment variables with no effect on this worker: they set up the JVM or log4j's layout of the cp-kafka-connect image",
			"variables", n)
	}
	if o.File == "" {
		if err := e.Check(); err != nil {
			return nil, fmt.Errorf("no worker.properties given, so the worker is configured from CONNECT_* variables as cp-kafka-connect is: %w", err)
		}
		if e["CONNECT_REST_PORT"] == "" {
			e = e.with("CONNECT_REST_PORT", DefaultRESTPort)
		}
	}
	props, origins := e.Props()
	if o.File == "" && o.RenderTo != "" {
		switch wrote, err := WriteProperties(o.RenderTo, Render(props)); {
		case err != nil:
			log.Warn("could not write the properties rendered from the environment", "error", err)
		case wrote:
			log.Info("wrote the properties rendered from the environment", "path", o.RenderTo)
		default:
			log.Debug("not writing the rendered properties: the folder does not exist", "path", o.RenderTo)
		}
	}
	for k := range props {
		if entrypointKey(k) {
			delete(props, k)
			delete(origins, k)
		}
	}
	if o.File == "" {
		return config.ParseFrom(Origin, props, origins, o.Mode, o.Providers, o.Logger)
	}
	merged, err := config.ReadFile(o.File)
	if err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(props)) {
		if old, ok := merged[k]; ok && old != props[k] {
			log.Info("environment variable overrides a key of the worker config file", "key", k, "variable", strings.TrimPrefix(origins[k], Origin+" "), "file", o.File)
		}
		merged[k] = props[k]
	}
	return config.ParseFrom(o.File, merged, origins, o.Mode, o.Providers, o.Logger)
}

// with returns a copy of e with name set.
func (e Env) with(name, value string) Env {
	c := make(Env, len(e)+1)
	for k, v := range e {
		c[k] = v
	}
	c[name] = value
	return c
}

// Render returns props as a properties file, keys sorted as the image's
// template renders them. Unlike the template, it escapes what
// Properties.load would otherwise read differently (backslashes, line
// breaks, separators in keys, characters beyond ASCII), so reading the
// file back gives exactly these values.
func Render(props map[string]string) []byte {
	var b strings.Builder
	b.WriteString("# Rendered from the CONNECT_* environment by connect-distributed, as cp-kafka-connect does.\n")
	for _, k := range slices.Sorted(maps.Keys(props)) {
		b.WriteString(escape(k, true))
		b.WriteByte('=')
		b.WriteString(escape(props[k], false))
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// escape writes s for a properties file: in a key, separators and
// whitespace are escaped; in a value, leading whitespace is.
func escape(s string, key bool) string {
	var b strings.Builder
	leading := true
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == ' ' && (key || leading):
			b.WriteString(`\ `)
		case key && strings.ContainsRune("=:#!", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff { // UTF-16 surrogate pair, as Java reads \u escapes
				r -= 0x10000
				fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
		leading = leading && r == ' '
	}
	return b.String()
}

// WriteProperties writes data to path when path's folder exists, through
// a temporary file renamed into place so a reader never sees half of it.
// The file holds whatever secrets the environment did, so only its owner
// may read it. It reports whether it wrote.
func WriteProperties(path string, data []byte) (bool, error) {
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return false, nil
	}
	f, err := os.CreateTemp(dir, ".kafka-connect-*.properties")
	if err != nil {
		return false, fmt.Errorf("%s: %w", dir, err)
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if _, err := f.Write(data); err != nil {
		f.Close()
		return false, fmt.Errorf("%s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return false, fmt.Errorf("%s: %w", f.Name(), err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return false, err
	}
	return true, nil
}
