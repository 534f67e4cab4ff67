package interop

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// One Java worker and two of ours, with the seed's worker.properties keys,
// form one group; connectors are created through a follower of each kind
// and through the leader, so both kinds of follower forward to the leader
// (the create request and the task configs); tasks spread over the three
// workers, and every worker answers the same for every REST read. It runs
// once with our worker leading and once with the Java worker leading.
func TestInteropMixedGroup(t *testing.T) {
	for _, lead := range []kind{goKind, javaKind} {
		t.Run(string(lead)+"-leader", func(t *testing.T) {
			e := newEnv(t, kfake.SeedTopics(6, "mix-logs"))
			var order []kind
			if lead == goKind {
				order = []kind{goKind, javaKind, goKind}
			} else {
				order = []kind{javaKind, goKind, goKind}
			}
			for _, k := range order {
				e.start(k)
			}
			var leader *worker
			proctest.WaitFor(t, 60*time.Second, func() error {
				l, err := e.leader()
				leader = l
				return err
			})
			if leader.kind != lead {
				t.Fatalf("leader is %s, want a %s worker", leader.name, lead)
			}
			e.logf("leader: %s", leader.name)
			var javaF, goF *worker
			for _, w := range e.workers {
				switch {
				case w == leader:
				case w.kind == javaKind && javaF == nil:
					javaF = w
				case w.kind == goKind && goF == nil:
					goF = w
				}
			}
			through := map[string]*worker{"mix-a": goF, "mix-c": leader}
			if javaF != nil {
				through["mix-b"] = javaF
			} else {
				// The Java worker leads: the second of ours is a follower too.
				through["mix-b"] = e.workers[2]
			}
			names := []string{"mix-a", "mix-b", "mix-c"}
			for _, name := range names {
				e.create(through[name], name, map[string]string{
					"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
					"tasks.max":       "3", "topics": "mix-logs", "file": filepath.Join(e.dir, name+".txt"),
				})
			}
			e.waitRunning(120*time.Second, map[string]int{"mix-a": 3, "mix-b": 3, "mix-c": 3})

			// Spread: every worker runs something.
			owners := e.owners(leader, names...)
			e.logf("connectors and tasks per worker: %v", owners)
			if len(owners) != 3 {
				t.Fatalf("work is on %d workers, want 3: %v", len(owners), owners)
			}
			// Who ran each connector: a connector on a follower had its
			// task configs forwarded to the leader, signed with the
			// session key, and its tasks run: the other kind of follower
			// must be among them.
			otherKindForwarded := false
			for _, name := range names {
				st, err := status(leader, name)
				if err != nil {
					t.Fatal(err)
				}
				on := e.byID(st.Connector.WorkerID)
				e.logf("%s: created through %s, connector on %s (leader %s)", name, through[name].name, on.name, leader.name)
				if on != leader && on.kind != leader.kind {
					otherKindForwarded = true
				}
			}
			if !otherKindForwarded {
				t.Errorf("no connector ran on a follower of the other kind than the leader: task-config forwarding across kinds not shown")
			}

			// Every REST read answers the same from any worker.
			proctest.WaitFor(t, 30*time.Second, func() error { return e.sameReads(names) })

			// Records produced reach every connector's file, whichever
			// worker runs its tasks.
			prod := startProducer(t, e.broker.ListenAddrs(), "mix-logs", "mix", 5*time.Millisecond)
			proctest.WaitFor(t, 30*time.Second, func() error {
				if n := len(prod.values()); n < 60 {
					return fmt.Errorf("%d records produced", n)
				}
				return nil
			})
			prod.halt(t)
			sent := prod.values()
			proctest.WaitFor(t, 60*time.Second, func() error {
				for _, name := range names {
					if tl := tallyFile(t, sent, filepath.Join(e.dir, name+".txt")); tl.missing > 0 {
						return fmt.Errorf("%s.txt misses %d of %d records, first %v", name, tl.missing, tl.sent, tl.firstMissing)
					}
				}
				return nil
			})
			for _, name := range names {
				tl := tallyFile(t, sent, filepath.Join(e.dir, name+".txt"))
				e.logf("FIGURES mixed %s-leader %s: produced %d, arrived %d lines, missing %d, duplicates %d", lead, name, tl.sent, tl.lines, tl.missing, tl.duplicates)
			}
			e.logWarnings()
			for _, w := range e.workers {
				if w.kind != javaKind {
					continue
				}
				if warns := javaWarnings(w, javaIgnored); len(warns) > 0 {
					t.Errorf("%s logged %d warnings:\n%s", w.name, len(warns), strings.Join(warns, "\n"))
				}
			}
		})
	}
}

// sameReads compares every REST read the Java front has (connector list,
// info, config, task configs, connector and task statuses) across the
// live workers.
func (e *env) sameReads(names []string) error {
	paths := []string{"/connectors"}
	for _, name := range names {
		paths = append(paths, "/connectors/"+name, "/connectors/"+name+"/config", "/connectors/"+name+"/tasks",
			"/connectors/"+name+"/status")
		for i := range 3 {
			paths = append(paths, fmt.Sprintf("/connectors/%s/tasks/%d/status", name, i))
		}
	}
	for _, p := range paths {
		var first any
		var firstW *worker
		for _, w := range e.live() {
			var v any
			if err := proctest.GetJSON(w.url+p, &v); err != nil {
				return fmt.Errorf("%s: %w", w.name, err)
			}
			v = normalize(v)
			if firstW == nil {
				first, firstW = v, w
				continue
			}
			if !reflect.DeepEqual(first, v) {
				return fmt.Errorf("GET %s: %s answers %v, %s answers %v", p, firstW.name, first, w.name, v)
			}
		}
	}
	return nil
}

// normalize sorts lists of strings (the connector list's order is not
// specified) and drops "trace" (null from Java, absent from ours when empty).
func normalize(v any) any {
	switch x := v.(type) {
	case []any:
		strs := true
		for i := range x {
			x[i] = normalize(x[i])
			if _, ok := x[i].(string); !ok {
				strs = false
			}
		}
		if strs {
			sort.Slice(x, func(i, j int) bool { return x[i].(string) < x[j].(string) })
		}
		return x
	case map[string]any:
		for k, val := range x {
			if k == "trace" && (val == nil || val == "") {
				delete(x, k)
				continue
			}
			x[k] = normalize(val)
		}
		return x
	}
	return v
}
