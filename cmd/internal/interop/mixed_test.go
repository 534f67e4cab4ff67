package interop

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
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
	for _, c := range []struct {
		name  string
		order []kind
	}{
		{"go-leader", []kind{goKind, javaKind, goKind}},
		{"java-leader", []kind{javaKind, goKind, goKind}},
		// The baseline: what Java workers alone answer and log.
		{"java-only", []kind{javaKind, javaKind, javaKind}},
	} {
		lead, order := c.order[0], c.order
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, kfake.SeedTopics(6, "mix-logs"))
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
			// mix-a and mix-b through the two followers (one of each kind
			// when both kinds follow), mix-c through the leader.
			var followers []*worker
			for _, w := range e.workers {
				if w != leader {
					followers = append(followers, w)
				}
			}
			through := map[string]*worker{"mix-a": followers[0], "mix-b": followers[1], "mix-c": leader}
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
			if !otherKindForwarded && c.name != "java-only" {
				t.Errorf("no connector ran on a follower of the other kind than the leader: task-config forwarding across kinds not shown")
			}

			// Every REST read answers the same from any worker.
			proctest.WaitFor(t, 30*time.Second, func() error { return e.sameReads(names) })

			// Failed tasks: a sink whose file cannot be created fails its
			// three tasks on all three workers; every worker reports each
			// FAILED task with the trace its owner wrote, whichever kind.
			e.create(leader, "mix-fail", map[string]string{
				"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
				"tasks.max":       "3", "topics": "mix-logs", "file": filepath.Join(e.dir, "no-such-dir", "out.txt"),
			})
			proctest.WaitFor(t, 60*time.Second, func() error {
				for _, w := range e.live() {
					st, err := status(w, "mix-fail")
					if err != nil {
						return err
					}
					if len(st.Tasks) != 3 {
						return fmt.Errorf("%s: %d tasks", w.name, len(st.Tasks))
					}
					for _, tk := range st.Tasks {
						if tk.State != "FAILED" || tk.Trace == "" {
							return fmt.Errorf("%s says mix-fail-%d is %s (trace %q)", w.name, tk.ID, tk.State, tk.Trace)
						}
					}
				}
				return e.sameReads([]string{"mix-fail"})
			})
			st, _ := status(leader, "mix-fail")
			for _, tk := range st.Tasks {
				first, _, _ := strings.Cut(tk.Trace, "\n")
				e.logf("mix-fail-%d FAILED on %s: %.160s", tk.ID, e.nameOf(tk.WorkerID), first)
			}

			// Invalid connector configs are refused alike by every
			// worker, whoever leads, and create nothing.
			// (An unknown class is a 500 in Java: its plugin lookup throws
			// a plain ConnectException.)
			for _, bad := range []struct {
				name, why string
				config    map[string]string
				want      int
			}{
				{"bad-no-topics", "a sink without topics", map[string]string{
					"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "tasks.max": "1"}, http.StatusBadRequest},
				{"bad-class", "an unknown connector class", map[string]string{
					"connector.class": "com.example.NoSuchConnector", "tasks.max": "1", "topics": "mix-logs"}, http.StatusInternalServerError},
			} {
				codes := map[string]int{}
				for _, w := range e.workers {
					b, _ := json.Marshal(map[string]any{"name": bad.name, "config": bad.config})
					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					code, body, err := proctest.HTTP(ctx, http.MethodPost, w.url+"/connectors", string(b))
					cancel()
					if err != nil {
						t.Fatal(err)
					}
					codes[w.name] = code
					e.logf("%s: POST %s through %s: %d %.200s", bad.why, bad.name, w.name, code, body)
				}
				for name, code := range codes {
					if code != bad.want {
						t.Errorf("%s: %s answered %d, want %d (all: %v)", bad.why, name, code, bad.want, codes)
					}
				}
			}
			proctest.WaitFor(t, 30*time.Second, func() error { return e.sameReads(names) })

			// A restart of connectors and tasks through one of our
			// followers: our leader writes restart-connector records to
			// the config topic, and the Java worker restarts the tasks it
			// runs. (Only with our leader: the javaworker's HTTP front
			// ignores includeTasks, so a Java leader would get the
			// connector-only form.)
			if c.name == "go-leader" {
				var javaTasks []string
				for _, name := range names {
					st, err := status(leader, name)
					if err != nil {
						t.Fatal(err)
					}
					for _, tk := range st.Tasks {
						if w := e.byID(tk.WorkerID); w.kind == javaKind {
							javaTasks = append(javaTasks, fmt.Sprintf("%s-%d", name, tk.ID))
						}
					}
					e.send(followers[1], http.MethodPost, "/connectors/"+name+"/restart?includeTasks=true", nil, http.StatusAccepted)
				}
				if len(javaTasks) == 0 {
					t.Fatalf("no task runs on the Java worker")
				}
				jw := followers[0]
				proctest.WaitFor(t, 60*time.Second, func() error {
					for _, id := range javaTasks {
						if !strings.Contains(jw.proc.Output(), "Task '"+id+"' restart successful") {
							return fmt.Errorf("%s has not restarted %s", jw.name, id)
						}
					}
					return nil
				})
				e.waitRunning(120*time.Second, map[string]int{"mix-a": 3, "mix-b": 3, "mix-c": 3})
				e.logf("restart requests written by our leader restarted %s on %s", javaTasks, jw.name)
			}

			// Config updates and a delete, each through another worker:
			// both kinds of follower forward them to the leader, and every
			// worker then runs and answers the new task counts.
			sizes := map[string]int{"mix-a": 2, "mix-b": 4, "mix-c": 1}
			for i, name := range names {
				e.send(e.workers[i], http.MethodPut, "/connectors/"+name+"/config", map[string]string{
					"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
					"tasks.max":       fmt.Sprint(sizes[name]), "topics": "mix-logs", "file": filepath.Join(e.dir, name+".txt"),
				}, http.StatusOK)
			}
			e.waitRunning(120*time.Second, sizes)
			proctest.WaitFor(t, 30*time.Second, func() error { return e.sameReads(names) })
			// workers[1] is a follower of the other kind than the leader.
			e.send(e.workers[1], http.MethodDelete, "/connectors/mix-c", nil, http.StatusNoContent)
			names = names[:2]
			proctest.WaitFor(t, 60*time.Second, func() error {
				for _, w := range e.live() {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					code, b, err := proctest.HTTP(ctx, http.MethodGet, w.url+"/connectors/mix-c/status", "")
					cancel()
					if err != nil {
						return err
					}
					if code != http.StatusNotFound {
						return fmt.Errorf("%s still answers %d %s for mix-c", w.name, code, b)
					}
				}
				return e.sameReads(names)
			})
			e.logf("mix-c deleted through %s; every worker answers 404", e.workers[1].name)

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
				e.logf("FIGURES mixed %s %s: produced %d, arrived %d lines, missing %d, duplicates %d", c.name, name, tl.sent, tl.lines, tl.missing, tl.duplicates)
			}
			e.checkShapes()
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
		for i := range 5 {
			paths = append(paths, fmt.Sprintf("/connectors/%s/tasks/%d/status", name, i))
		}
	}
	for _, p := range paths {
		var first any
		var firstW *worker
		for _, w := range e.live() {
			// The status code counts too: a task beyond tasks.max is a
			// 404 everywhere.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			code, body, err := proctest.HTTP(ctx, http.MethodGet, w.url+p, "")
			cancel()
			if err != nil {
				return fmt.Errorf("%s: %w", w.name, err)
			}
			var v any
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				return fmt.Errorf("GET %s%s: %d %q: %w", w.url, p, code, body, err)
			}
			if code != http.StatusOK {
				// Messages differ in wording; the code is what must match.
				v = nil
			}
			v = []any{float64(code), normalize(v)}
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
