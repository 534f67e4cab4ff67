// Package logging gives the worker's components named slog loggers whose
// levels can be changed at run time, which is what /admin/loggers serves.
//
// Logger names are dotted ("connect.worker.sink"); a level set on a name
// applies to it and every name below it, and "root" is the ancestor of all,
// as in log4j. Levels use log4j's words: TRACE, DEBUG, INFO, WARN, ERROR,
// FATAL, OFF.
package logging

import (
	"context"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kafka-connect-go/connect/worker/herder"
)

// Root is the name of the root logger.
const Root = "root"

const (
	levelTrace = slog.LevelDebug - 4
	levelFatal = slog.LevelError + 4
	levelOff   = slog.Level(math.MaxInt32)
)

var levelNames = map[string]slog.Level{
	"TRACE": levelTrace, "DEBUG": slog.LevelDebug, "INFO": slog.LevelInfo,
	"WARN": slog.LevelWarn, "ERROR": slog.LevelError, "FATAL": levelFatal, "OFF": levelOff,
}

// ParseLevel reads a log4j level name in any case.
func ParseLevel(s string) (slog.Level, bool) {
	l, ok := levelNames[strings.ToUpper(strings.TrimSpace(s))]
	return l, ok
}

func levelName(l slog.Level) string {
	switch {
	case l >= levelOff:
		return "OFF"
	case l >= levelFatal:
		return "FATAL"
	case l >= slog.LevelError:
		return "ERROR"
	case l >= slog.LevelWarn:
		return "WARN"
	case l >= slog.LevelInfo:
		return "INFO"
	case l >= slog.LevelDebug:
		return "DEBUG"
	}
	return "TRACE"
}

type setLevel struct {
	level    slog.Level
	modified *int64
}

// Levels holds the logger levels and hands out loggers that obey them.
// It is safe for concurrent use.
type Levels struct {
	inner slog.Handler
	now   func() time.Time

	mu    sync.RWMutex
	set   map[string]setLevel // explicitly set levels
	known map[string]bool     // names handed out
}

// New returns Levels writing through inner with the root logger at root.
func New(inner slog.Handler, root slog.Level) *Levels {
	return &Levels{
		inner: inner,
		now:   time.Now,
		set:   map[string]setLevel{Root: {level: root}},
		known: map[string]bool{Root: true},
	}
}

// Logger returns the logger of a dotted name.
func (l *Levels) Logger(name string) *slog.Logger {
	l.mu.Lock()
	l.known[name] = true
	l.mu.Unlock()
	return slog.New(&handler{levels: l, name: name, inner: l.inner.WithAttrs([]slog.Attr{slog.String("logger", name)})})
}

// effective is the level of the nearest ancestor with a set level.
func (l *Levels) effective(name string) slog.Level {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for n := name; ; {
		if s, ok := l.set[n]; ok {
			return s.level
		}
		i := strings.LastIndexByte(n, '.')
		if i < 0 {
			return l.set[Root].level
		}
		n = n[:i]
	}
}

// Levels implements rest.Loggers: the loggers whose level was set.
func (l *Levels) Levels() map[string]herder.LoggerLevel {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make(map[string]herder.LoggerLevel, len(l.set))
	for n, s := range l.set {
		out[n] = herder.LoggerLevel{Level: levelName(s.level), LastModified: s.modified}
	}
	return out
}

// Level implements rest.Loggers.
func (l *Levels) Level(name string) (herder.LoggerLevel, bool) {
	if strings.EqualFold(name, Root) {
		name = Root
	}
	l.mu.RLock()
	s, set := l.set[name]
	known := l.known[name]
	l.mu.RUnlock()
	if set {
		return herder.LoggerLevel{Level: levelName(s.level), LastModified: s.modified}, true
	}
	if !known {
		return herder.LoggerLevel{}, false
	}
	return herder.LoggerLevel{Level: levelName(l.effective(name))}, true
}

// ValidLevel implements rest.Loggers.
func (l *Levels) ValidLevel(level string) bool {
	_, ok := ParseLevel(level)
	return ok
}

// SetLevel implements rest.Loggers: it sets namespace and clears explicit
// levels below it, so the whole subtree follows, and returns the names of
// the known loggers affected.
func (l *Levels) SetLevel(namespace, level string) []string {
	ms := l.now().UnixMilli()
	return l.setLevel(namespace, level, &ms)
}

// Configure is SetLevel for the levels set at start-up, as log4j's
// configuration sets them: they have no last_modified time, which Java
// gives only to levels changed through /admin/loggers.
func (l *Levels) Configure(namespace, level string) []string {
	return l.setLevel(namespace, level, nil)
}

func (l *Levels) setLevel(namespace, level string, modified *int64) []string {
	lv, ok := ParseLevel(level)
	if !ok {
		return nil
	}
	if strings.EqualFold(namespace, Root) {
		namespace = Root
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	under := func(n string) bool {
		return namespace == Root || n == namespace || strings.HasPrefix(n, namespace+".")
	}
	for n := range l.set {
		if n != namespace && n != Root && under(n) {
			delete(l.set, n)
		}
	}
	l.set[namespace] = setLevel{level: lv, modified: modified}
	l.known[namespace] = true
	var affected []string
	for n := range l.known {
		if under(n) {
			affected = append(affected, n)
		}
	}
	sort.Strings(affected)
	return affected
}

type handler struct {
	levels *Levels
	name   string
	inner  slog.Handler
}

func (h *handler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.levels.effective(h.name) && h.inner.Enabled(ctx, level)
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error { return h.inner.Handle(ctx, r) }

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &handler{levels: h.levels, name: h.name, inner: h.inner.WithAttrs(attrs)}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{levels: h.levels, name: h.name, inner: h.inner.WithGroup(name)}
}
