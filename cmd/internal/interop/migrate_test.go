package interop

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// Forward migration under load: two Java workers run a FileStreamSource
// and two FileStreamSinks while lines are appended to the source file and
// records are produced; each Java worker in turn is joined by one of ours
// and then stopped with SIGTERM. At the end only ours run, both sink files
// hold every event, and the source went on from the offset the Java
// worker committed.
func TestInteropForwardMigration(t *testing.T) {
	migrate(t, javaKind, goKind)
}

// Rollback: the same from our workers back to Java workers, which read
// every record ours wrote to the config, offset and status topics without
// a warning.
func TestInteropRollback(t *testing.T) {
	migrate(t, goKind, javaKind)
}

// The same rolling replacement with Java workers only: the baseline for
// the handover times, and the proof that the Java WARN lines the other
// scenarios ignore come without any of our workers in the group.
func TestInteropBaselineJavaOnly(t *testing.T) {
	migrate(t, javaKind, javaKind)
}

func migrate(t *testing.T, from, to kind) {
	e := newEnv(t, kfake.SeedTopics(3, "mig-logs", "mig-events"))
	old := []*worker{e.start(from), e.start(from)}
	ld := startLoad(e, old[0], old[1])
	// Target states carry over: one more sink of mig-logs is paused and
	// one stopped before the migration; both must still be so after it,
	// and resume through the new kind.
	held := map[string]string{"mig-paused": filepath.Join(e.dir, "out-paused.txt"), "mig-stopped": filepath.Join(e.dir, "out-stopped.txt")}
	for name, file := range held {
		e.create(old[1], name, map[string]string{
			"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
			"tasks.max":       "1", "topics": "mig-logs", "file": file,
		})
	}
	e.waitRunning(120*time.Second, map[string]int{"mig-paused": 1, "mig-stopped": 1})
	e.put(old[0], "/connectors/mig-paused/pause", http.StatusAccepted)
	e.put(old[1], "/connectors/mig-stopped/stop", http.StatusNoContent)
	proctest.WaitFor(t, 60*time.Second, func() error {
		if err := e.inState("mig-paused", "PAUSED", 1); err != nil {
			return err
		}
		return e.inState("mig-stopped", "STOPPED", 0)
	})
	beforeFirst := len(ld.src.values())

	var handovers []string
	for i, o := range old {
		n := e.start(to)
		e.waitRunning(120*time.Second, ld.work)
		// Rolling: the new worker takes its share before the old one goes.
		proctest.WaitFor(t, 60*time.Second, func() error {
			if e.owners(n, append(ld.names(), "mig-paused", "mig-stopped")...)[n.name] == 0 {
				return fmt.Errorf("%s runs nothing yet", n.name)
			}
			return nil
		})
		e.logf("%s joined; work: %v", n.name, e.owners(n, append(ld.names(), "mig-paused", "mig-stopped")...))
		at := ld.lines(ld.outEvents)
		t0 := time.Now()
		e.stop(o, syscall.SIGTERM)
		stopped := time.Since(t0)
		e.waitRunning(120*time.Second, ld.work)
		moved := time.Since(t0)
		// And the events flow again past the handover.
		ld.waitLines(ld.outEvents, at+100)
		flowing := time.Since(t0)
		l, _ := e.leader()
		handovers = append(handovers, fmt.Sprintf("handover %d (%s stopped, %s added): exit %v, work RUNNING again %v, 100 more events in the sink %v, leader now %s",
			i+1, o.name, n.name, stopped.Round(time.Millisecond), moved.Round(time.Millisecond), flowing.Round(time.Millisecond), nameOrNone(l)))
		e.logf("%s", handovers[len(handovers)-1])
	}
	// Only the new kind runs.
	owners := e.owners(e.live()[0], ld.names()...)
	for name := range owners {
		if !strings.HasPrefix(name, string(to)+"-") {
			t.Errorf("after the migration %s still runs work: %v", name, owners)
		}
	}

	// The target states survived the migration; resumed through the new
	// kind, both connectors run again.
	proctest.WaitFor(t, 60*time.Second, func() error {
		if err := e.inState("mig-paused", "PAUSED", 1); err != nil {
			return err
		}
		return e.inState("mig-stopped", "STOPPED", 0)
	})
	e.logf("after the migration mig-paused is still PAUSED and mig-stopped STOPPED")
	nw := e.live()[0]
	e.put(nw, "/connectors/mig-paused/resume", http.StatusAccepted)
	e.put(nw, "/connectors/mig-stopped/resume", http.StatusAccepted)
	e.waitRunning(120*time.Second, map[string]int{"mig-paused": 1, "mig-stopped": 1})

	topic, te, tlg := ld.finish(fmt.Sprintf("migration %s->%s", from, to))
	name := fmt.Sprintf("%s->%s", from, to)
	// The resumed sinks catch up from the committed consumer-group
	// offsets they had before the pause or stop.
	proctest.WaitFor(t, 120*time.Second, func() error {
		for name, file := range held {
			if tl := tallyFile(t, ld.prod.values(), file); tl.missing > 0 {
				return fmt.Errorf("%s: %s misses %d of %d, first %v", name, filepath.Base(file), tl.missing, tl.sent, tl.firstMissing)
			}
		}
		return nil
	})
	for name, file := range held {
		tl := tallyFile(t, ld.prod.values(), file)
		e.logf("FIGURES migration %s->%s: %s (held over the migration, then resumed): produced %d, arrived %d lines, missing %d, duplicates %d", from, to, name, tl.sent, tl.lines, tl.missing, tl.duplicates)
		if tl.duplicates > 0 {
			t.Errorf("%s: %d duplicates", name, tl.duplicates)
		}
	}
	e.logf("FIGURES migration %s: %d source lines were appended before the first handover", name, beforeFirst)
	for _, h := range handovers {
		e.logf("FIGURES migration %s: %s", name, h)
	}
	if topic.missing > 0 {
		t.Errorf("the source lost %d lines", topic.missing)
	}
	// The source task on the new worker went on from the committed
	// offset: had it started from the beginning of the file, every line
	// appended before the first handover would be in the topic twice.
	if topic.duplicates >= beforeFirst {
		t.Errorf("the source wrote %d duplicates, at least the %d lines before the first handover: it restarted from the start of the file", topic.duplicates, beforeFirst)
	}
	// Every stop was graceful (SIGTERM): offsets were committed, so no
	// duplicates are expected.
	if topic.duplicates > 0 || te.duplicates > 0 || tlg.duplicates > 0 {
		t.Errorf("graceful stops gave duplicates: source %d, sink-events %d, sink-logs %d", topic.duplicates, te.duplicates, tlg.duplicates)
	}
	e.logWarnings()
	// Both kinds wrote the internal topics: each type of record must be
	// laid out alike whoever wrote it.
	e.checkShapes()
	for _, w := range e.workers {
		if w.kind != javaKind {
			continue
		}
		if warns := javaWarnings(w, javaIgnored); len(warns) > 0 {
			t.Errorf("%s logged %d warnings:\n%s", w.name, len(warns), strings.Join(warns, "\n"))
		}
	}
}

func nameOrNone(w *worker) string {
	if w == nil {
		return "(unknown)"
	}
	return w.name
}

// load is the work of the migration and leader-change scenarios: a
// FileStreamSource reading a file lines are appended to, into topic
// mig-events; a FileStreamSink of mig-events; and a FileStreamSink of
// mig-logs, which a sarama producer writes to.
type load struct {
	e                  *env
	work               map[string]int
	in                 string
	outEvents, outLogs string
	src                *ticker
	prod               *ticker
}

// startLoad creates the connectors through a and b, waits until they run
// and starts appending and producing; it returns once 100 of each reached
// the sink files.
func startLoad(e *env, a, b *worker) *load {
	t := e.t
	t.Helper()
	ld := &load{e: e, in: proctest.WriteFile(t, e.dir, "in.txt", ""),
		outEvents: filepath.Join(e.dir, "out-events.txt"), outLogs: filepath.Join(e.dir, "out-logs.txt"),
		work: map[string]int{"mig-src": 1, "mig-sink-events": 1, "mig-sink-logs": 1}}
	e.create(a, "mig-src", map[string]string{
		"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
		"tasks.max":       "1", "file": ld.in, "topic": "mig-events",
	})
	// One task per sink: FileStreamSink writes a line and its newline in
	// two writes, so two processes appending to one file could interleave.
	e.create(b, "mig-sink-events", map[string]string{
		"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
		"tasks.max":       "1", "topics": "mig-events", "file": ld.outEvents,
	})
	e.create(a, "mig-sink-logs", map[string]string{
		"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
		"tasks.max":       "1", "topics": "mig-logs", "file": ld.outLogs,
	})
	e.waitRunning(120*time.Second, ld.work)
	e.logf("work: %v", e.owners(a, ld.names()...))
	ld.src = startFileSource(t, ld.in, "ev", 10*time.Millisecond)
	ld.prod = startProducer(t, e.broker.ListenAddrs(), "mig-logs", "log", 10*time.Millisecond)
	ld.waitLines(ld.outEvents, 100)
	ld.waitLines(ld.outLogs, 100)
	return ld
}

func (ld *load) names() []string { return []string{"mig-src", "mig-sink-events", "mig-sink-logs"} }

func (ld *load) lines(path string) int {
	b, _ := os.ReadFile(path)
	return strings.Count(string(b), "\n")
}

func (ld *load) waitLines(path string, n int) {
	ld.e.t.Helper()
	proctest.WaitFor(ld.e.t, 120*time.Second, func() error {
		if got := ld.lines(path); got < n {
			return fmt.Errorf("%s has %d lines, want %d", filepath.Base(path), got, n)
		}
		return nil
	})
}

// finish stops appending and producing, waits until both sink files hold
// every value, and logs and returns the tallies of the source topic and
// the two sink files.
func (ld *load) finish(label string) (topic, events, logs tally) {
	e, t := ld.e, ld.e.t
	t.Helper()
	ld.src.halt(t)
	ld.prod.halt(t)
	ev, lg := ld.src.values(), ld.prod.values()
	proctest.WaitFor(t, 120*time.Second, func() error {
		for _, c := range []struct {
			path   string
			values []string
		}{{ld.outEvents, ev}, {ld.outLogs, lg}} {
			if tl := tallyFile(t, c.values, c.path); tl.missing > 0 {
				return fmt.Errorf("%s misses %d of %d, first %v", filepath.Base(c.path), tl.missing, tl.sent, tl.firstMissing)
			}
		}
		return nil
	})
	events, logs = tallyFile(t, ev, ld.outEvents), tallyFile(t, lg, ld.outLogs)
	topic = tallyLines(ev, topicValues(t, e.broker.ListenAddrs(), "mig-events"))
	e.logf("FIGURES %s: source lines appended %d, in topic mig-events %d (duplicates %d, missing %d)",
		label, topic.sent, topic.lines, topic.duplicates, topic.missing)
	e.logf("FIGURES %s: sink mig-sink-events: events %d, arrived %d lines, missing %d, duplicates %d", label, events.sent, events.lines, events.missing, events.duplicates)
	e.logf("FIGURES %s: sink mig-sink-logs: produced %d, arrived %d lines, missing %d, duplicates %d", label, logs.sent, logs.lines, logs.missing, logs.duplicates)
	return topic, events, logs
}
