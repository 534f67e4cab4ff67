package interop

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// Both kinds in one group across leader changes: a Java leader is killed
// (SIGKILL) and our worker takes over leadership and all the work; a new
// Java worker joins; then our leader is killed and the Java worker takes
// over. Each takeover must complete within session.timeout.ms +
// scheduled.rebalance.max.delay.ms. Nothing is lost; the duplicates the
// kills cause are counted.
func TestInteropLeaderChange(t *testing.T) {
	e := newEnv(t, kfake.SeedTopics(3, "mig-logs", "mig-events"))
	j1 := e.start(javaKind)
	g1 := e.start(goKind)
	proctest.WaitFor(t, 60*time.Second, func() error {
		l, err := e.leader()
		if err != nil {
			return err
		}
		if l != j1 {
			t.Fatalf("leader is %s, want %s (the first to join)", l.name, j1.name)
		}
		return nil
	})
	ld := startLoad(e, g1, j1)
	bound := sessionTimeout + maxDelay

	var figures []string
	takeover := func(dead, heir *worker) {
		t.Helper()
		// The kill comes in a settled group: the dead leader and its heir
		// both run work (a new member gets its share only in the round
		// after the revocations), and every worker's last rebalance is the
		// same generation. A member killed in the middle of a rebalance
		// is waited for up to rebalance.timeout.ms instead (seen: 16 s).
		proctest.WaitFor(t, 60*time.Second, func() error {
			owners := e.owners(heir, ld.names()...)
			for _, w := range []*worker{dead, heir} {
				if owners[w.name] == 0 {
					return fmt.Errorf("%s runs nothing yet: %v", w.name, owners)
				}
			}
			return e.settled()
		})
		before, _ := heir.lastJoin()
		at := ld.lines(ld.outEvents)
		t0 := time.Now()
		e.stop(dead, syscall.SIGKILL)
		var leaderAfter time.Duration
		proctest.WaitFor(t, 120*time.Second, func() error {
			j, ok := heir.lastJoin()
			if !ok || j.generation == before.generation || j.leaderURL != heir.url {
				return fmt.Errorf("%s has not become leader (last join %+v)", heir.name, j)
			}
			return nil
		})
		leaderAfter = time.Since(t0)
		e.waitRunning(120*time.Second, ld.work)
		moved := time.Since(t0)
		ld.waitLines(ld.outEvents, at+100)
		flowing := time.Since(t0)
		f := fmt.Sprintf("SIGKILL of leader %s: %s leader after %v, all work RUNNING on live workers after %v (bound session.timeout.ms + scheduled.rebalance.max.delay.ms = %v), 100 more events in the sink after %v",
			dead.name, heir.name, leaderAfter.Round(time.Millisecond), moved.Round(time.Millisecond), bound, flowing.Round(time.Millisecond))
		e.logf("%s", f)
		figures = append(figures, f)
		if moved > bound {
			t.Errorf("takeover by %s took %v, more than %v", heir.name, moved, bound)
		}
	}

	takeover(j1, g1)
	j2 := e.start(javaKind)
	e.waitRunning(120*time.Second, ld.work)
	takeover(g1, j2)

	topic, events, logs := ld.finish("leader change")
	for _, f := range figures {
		e.logf("FIGURES leader change: %s", f)
	}
	if topic.missing > 0 || events.missing > 0 || logs.missing > 0 {
		t.Errorf("lost records: source %d, sink-events %d, sink-logs %d", topic.missing, events.missing, logs.missing)
	}
	e.logWarnings()
	// The Java worker's log, for the record: after a SIGKILL some WARN
	// lines about the dead member are expected, so they are listed, not
	// failed on.
	if warns := javaWarnings(j2, javaIgnored); len(warns) > 0 {
		e.logf("%s logged %d warnings (listed, not failed on: a member was killed):\n%s", j2.name, len(warns), strings.Join(warns, "\n"))
	}
}
