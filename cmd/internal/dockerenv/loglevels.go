package dockerenv

import (
	"fmt"
	"log/slog"
	"sort"
	"strings"

	"github.com/kafka-connect-go/connect/cmd/internal/logging"
)

// The image's log4j variables.
const (
	RootLogLevelVar = "CONNECT_LOG4J_ROOT_LOGLEVEL"
	LoggersVar      = "CONNECT_LOG4J_LOGGERS"
)

// LoggerLevel is one name=LEVEL entry of CONNECT_LOG4J_LOGGERS.
type LoggerLevel struct{ Name, Level string }

// ParseLoggers splits CONNECT_LOG4J_LOGGERS as the image's template does:
// comma-separated name=LEVEL entries, blanks around them trimmed. Entries
// not of that form, which the image drops silently, are returned in bad.
func ParseLoggers(s string) (loggers []LoggerLevel, bad []string) {
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		parts := strings.Split(entry, "=")
		name, level := "", ""
		if len(parts) == 2 {
			name, level = strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
		}
		if name == "" || level == "" {
			bad = append(bad, entry)
			continue
		}
		loggers = append(loggers, LoggerLevel{Name: name, Level: level})
	}
	return loggers, bad
}

// javaLoggers maps the Java worker's logger names that compose files set
// most onto this worker's loggers (connect.worker, connect.herder, ...).
// A Java name below one of these (a class in a package) maps as its
// nearest listed ancestor does.
var javaLoggers = map[string][]string{
	"org.apache.kafka.connect":                                       {"connect"},
	"org.apache.kafka.connect.runtime":                               {"connect.worker", "connect.herder", "connect.group", "connect.rest", "connect.config"},
	"org.apache.kafka.connect.runtime.Worker":                        {"connect.worker"},
	"org.apache.kafka.connect.runtime.WorkerSinkTask":                {"connect.worker.sink"},
	"org.apache.kafka.connect.runtime.WorkerSourceTask":              {"connect.worker.source"},
	"org.apache.kafka.connect.runtime.AbstractWorkerSourceTask":      {"connect.worker.source"},
	"org.apache.kafka.connect.runtime.WorkerConfig":                  {"connect.config"},
	"org.apache.kafka.connect.runtime.rest":                          {"connect.rest"},
	"org.apache.kafka.connect.runtime.distributed":                   {"connect.herder", "connect.group"},
	"org.apache.kafka.connect.runtime.distributed.DistributedHerder": {"connect.herder"},
	"org.apache.kafka.connect.runtime.distributed.DistributedConfig": {"connect.config"},
	"org.apache.kafka.connect.runtime.distributed.WorkerCoordinator": {"connect.group"},
	"org.apache.kafka.connect.runtime.distributed.WorkerGroupMember": {"connect.group"},
	"org.apache.kafka.connect.runtime.standalone":                    {"connect.herder"},
	"org.apache.kafka.connect.storage":                               {"connect.storage"},
	"org.apache.kafka.connect.util.KafkaBasedLog":                    {"connect.storage"},
	"org.apache.kafka.common.config.provider":                        {"connect.provider"},
}

// silentJava are Java loggers with no counterpart here that the image
// sets by default; setting them is not worth a warning.
var silentJava = map[string]bool{"org.reflections": true}

// Ours returns this worker's loggers that a logger name of
// CONNECT_LOG4J_LOGGERS stands for: root and this worker's own names
// (connect, connect.rest, ...) as they are, well-known Java names mapped.
// known is false for a name that matches nothing.
func Ours(name string) (names []string, known bool) {
	switch {
	case strings.EqualFold(name, logging.Root):
		return []string{logging.Root}, true
	case name == "connect" || strings.HasPrefix(name, "connect."):
		return []string{name}, true
	case silentJava[name]:
		return nil, true
	}
	for n := name; ; {
		if ours, ok := javaLoggers[n]; ok {
			return ours, true
		}
		i := strings.LastIndexByte(n, '.')
		if i < 0 {
			return nil, false
		}
		n = n[:i]
	}
}

// ApplyLogLevels sets the levels the image's log4j variables ask for
// through set (Levels.Configure). CONNECT_LOG4J_ROOT_LOGLEVEL sets the root
// unless keepRoot (the -log-level flag was given, and wins). The loggers
// of CONNECT_LOG4J_LOGGERS are set from the least to the most specific of
// this worker's names, so a specific level holds whatever order they were
// given in. A name that matches nothing here is reported in one warning,
// not an error: compose files carry Java-only names. A level log4j does
// not know is an error naming the variable.
func ApplyLogLevels(e Env, set func(namespace, level string) []string, keepRoot bool, log *slog.Logger) error {
	if root := strings.TrimSpace(e[RootLogLevelVar]); root != "" {
		if _, ok := logging.ParseLevel(root); !ok {
			return fmt.Errorf("%s=%q: expected a log4j level: TRACE, DEBUG, INFO, WARN, ERROR, FATAL or OFF", RootLogLevelVar, root)
		}
		if keepRoot {
			log.Info("-log-level given: it wins over "+RootLogLevelVar, "variable", RootLogLevelVar)
		} else {
			set(logging.Root, root)
		}
	}
	loggers, bad := ParseLoggers(e[LoggersVar])
	if len(bad) > 0 {
		log.Warn("entries of "+LoggersVar+" that are not name=LEVEL; ignored", "entries", bad)
	}
	type target struct{ name, level string }
	var targets []target
	var unmatched []string
	for _, l := range loggers {
		if _, ok := logging.ParseLevel(l.Level); !ok {
			return fmt.Errorf("%s: %s=%q: expected a log4j level: TRACE, DEBUG, INFO, WARN, ERROR, FATAL or OFF", LoggersVar, l.Name, l.Level)
		}
		ours, known := Ours(l.Name)
		if !known {
			unmatched = append(unmatched, l.Name)
		}
		for _, n := range ours {
			targets = append(targets, target{n, l.Level})
		}
	}
	depth := func(n string) int {
		if n == logging.Root {
			return -1
		}
		return strings.Count(n, ".")
	}
	sort.SliceStable(targets, func(i, j int) bool { return depth(targets[i].name) < depth(targets[j].name) })
	for _, t := range targets {
		set(t.name, t.level)
	}
	if len(unmatched) > 0 {
		log.Warn("loggers in "+LoggersVar+" that match no logger of this worker; ignored", "loggers", unmatched)
	}
	return nil
}
