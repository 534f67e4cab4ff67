// Package interop holds the tests that run our connect-distributed next to
// Apache Kafka's own distributed worker (built from Kafka's sources by
// /work/shared/javaworker, found through JW_OUT) in one Connect group on one
// in-process broker: mixed groups, rolling migrations both ways and leader
// changes. They run only under `make interop`; without JW_OUT they skip.
// (The tests live under cmd/ because proctest is internal to it.)
package interop

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// The group timings of every scenario: short enough for a test, long
// enough for a JVM sharing two cores with the broker and three workers.
const (
	sessionTimeout = 6 * time.Second
	maxDelay       = 5 * time.Second
)

type kind string

const (
	javaKind kind = "java"
	goKind   kind = "go"
)

// env is one broker and the workers of one Connect group on it.
type env struct {
	t       *testing.T
	jw      string // the javaworker build (JW_OUT)
	goBin   string
	broker  *kfake.Cluster
	dir     string
	workers []*worker
	started time.Time
}

// worker is one worker process of either kind.
type worker struct {
	kind kind
	name string // java-1, go-2: for the figures and logs
	url  string // http://127.0.0.1:port
	id   string // its worker_id, 127.0.0.1:port
	proc *proctest.Process
}

// needJava skips the test unless JW_OUT names a built javaworker.
func needJava(t *testing.T) string {
	t.Helper()
	jw := os.Getenv("JW_OUT")
	if jw == "" {
		t.Skip("interop: JW_OUT is not set; run `make interop JW_OUT=<javaworker build>` or `make interop KAFKA_GITDIR=<apache/kafka git dir>`")
	}
	if _, err := os.Stat(filepath.Join(jw, "run")); err != nil {
		t.Fatalf("interop: JW_OUT=%s has no run script: %v", jw, err)
	}
	return jw
}

func newEnv(t *testing.T, opts ...kfake.Opt) *env {
	t.Helper()
	jw := needJava(t)
	// The JVM is given little memory: two of them share the machine with
	// the broker and our workers.
	t.Setenv("KAFKA_HEAP_OPTS", "-Xms64M -Xmx384M")
	return &env{t: t, jw: jw, goBin: proctest.Binary(t, "connect-distributed"), broker: proctest.Broker(t, opts...),
		dir: t.TempDir(), started: time.Now()}
}

// seedLines is examples/worker.properties (the seed's worker.properties).
func seedLines(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "..", "examples", "worker.properties"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// properties is the seed's worker.properties for a worker of kind k on
// port: the broker address and REST ports are filled in, and the group
// timings are shortened. Kafka 4.0 dropped rest.port and rest.host.name,
// so the Java worker is given listeners= as well (ours reads either).
func (e *env) properties(k kind, port int) string {
	s := seedLines(e.t)
	for _, r := range []struct{ re, with string }{
		{`(?m)^bootstrap\.servers=.*$`, "bootstrap.servers=" + strings.Join(e.broker.ListenAddrs(), ",")},
		{`(?m)^rest\.port=.*$`, fmt.Sprintf("rest.port=%d", port)},
		{`(?m)^rest\.host\.name=.*$`, "rest.host.name=127.0.0.1"},
		{`(?m)^rest\.advertised\.port=.*$`, fmt.Sprintf("rest.advertised.port=%d", port)},
		{`(?m)^rest\.advertised\.host\.name=.*$`, "rest.advertised.host.name=127.0.0.1"},
	} {
		re := regexp.MustCompile(r.re)
		if !re.MatchString(s) {
			e.t.Fatalf("examples/worker.properties has no line matching %s", r.re)
		}
		s = re.ReplaceAllString(s, r.with)
	}
	s += fmt.Sprintf(`
# interop test timings
session.timeout.ms=%d
heartbeat.interval.ms=1000
scheduled.rebalance.max.delay.ms=%d
rebalance.timeout.ms=20000
task.shutdown.graceful.timeout.ms=5000
consumer.session.timeout.ms=6000
consumer.heartbeat.interval.ms=1000
consumer.max.poll.interval.ms=20000
`, sessionTimeout.Milliseconds(), maxDelay.Milliseconds())
	if k == javaKind {
		s += fmt.Sprintf("listeners=http://127.0.0.1:%d\n", port)
	}
	return s
}

// start starts a worker of kind k and waits until it answers REST calls
// and has joined the group.
func (e *env) start(k kind) *worker {
	e.t.Helper()
	n := 1
	for _, w := range e.workers {
		if w.kind == k {
			n++
		}
	}
	port := proctest.FreePort(e.t)
	w := &worker{kind: k, name: fmt.Sprintf("%s-%d", k, n), url: fmt.Sprintf("http://127.0.0.1:%d", port), id: fmt.Sprintf("127.0.0.1:%d", port)}
	path := proctest.WriteFile(e.t, e.dir, w.name+".properties", e.properties(k, port))
	if k == javaKind {
		w.proc = proctest.Start(e.t, filepath.Join(e.jw, "run"), path)
	} else {
		w.proc = proctest.Start(e.t, e.goBin, path)
	}
	e.workers = append(e.workers, w)
	start := time.Now()
	proctest.WaitFor(e.t, 120*time.Second, func() error {
		if w.proc.Exited() {
			e.t.Fatalf("worker %s exited:\n%s", w.name, w.proc.Output())
		}
		var names []string
		if err := proctest.GetJSON(w.url+"/connectors", &names); err != nil {
			return err
		}
		if _, ok := w.lastJoin(); !ok {
			return fmt.Errorf("%s has not joined the group", w.name)
		}
		return nil
	})
	e.logf("%s started (%s, worker_id %s) and joined in %v", w.name, k, w.id, time.Since(start).Round(time.Millisecond))
	return w
}

func (e *env) logf(format string, args ...any) {
	e.t.Helper()
	e.t.Logf("[%6.1fs] "+format, append([]any{time.Since(e.started).Seconds()}, args...)...)
}

var (
	javaJoin = regexp.MustCompile(`Joined group at generation (\d+) .*leaderUrl='([^']*)'`)
	goJoin   = regexp.MustCompile(`msg="joined the group".* generation=(\d+) .*leader_url=(\S+)`)
)

// join is what a worker's log says of its last rebalance.
type join struct {
	generation string
	leaderURL  string
}

// lastJoin reads the worker's last completed rebalance from its log: the
// leader's URL travels in every assignment, and both kinds log it.
func (w *worker) lastJoin() (join, bool) {
	re := goJoin
	if w.kind == javaKind {
		re = javaJoin
	}
	m := re.FindAllStringSubmatch(w.proc.Output(), -1)
	if len(m) == 0 {
		return join{}, false
	}
	last := m[len(m)-1]
	return join{generation: last[1], leaderURL: strings.TrimSuffix(strings.Trim(last[2], `"`), "/")}, true
}

// live returns the workers still running.
func (e *env) live() []*worker {
	var out []*worker
	for _, w := range e.workers {
		if !w.proc.Exited() {
			out = append(out, w)
		}
	}
	return out
}

// leader returns the worker every live worker names as leader in its last
// rebalance, or an error while they disagree.
func (e *env) leader() (*worker, error) {
	urls := map[string]bool{}
	for _, w := range e.live() {
		j, ok := w.lastJoin()
		if !ok {
			return nil, fmt.Errorf("%s has not joined", w.name)
		}
		urls[j.leaderURL] = true
	}
	if len(urls) != 1 {
		return nil, fmt.Errorf("live workers name leaders %v", urls)
	}
	for _, w := range e.live() {
		if urls[w.url] {
			return w, nil
		}
	}
	return nil, fmt.Errorf("leader %v is not a live worker", urls)
}

// settled is nil when every live worker's last rebalance is the same
// generation under the same leader.
func (e *env) settled() error {
	var first join
	for i, w := range e.live() {
		j, ok := w.lastJoin()
		if !ok {
			return fmt.Errorf("%s has not joined", w.name)
		}
		if i == 0 {
			first = j
		} else if j != first {
			return fmt.Errorf("rebalancing: %s is at %+v, another at %+v", w.name, j, first)
		}
	}
	return nil
}

// byID returns the worker with the worker_id id.
func (e *env) byID(id string) *worker {
	for _, w := range e.workers {
		if w.id == id {
			return w
		}
	}
	return nil
}

// create posts a connector through w and expects 201 Created.
func (e *env) create(w *worker, name string, config map[string]string) {
	e.t.Helper()
	body, err := json.Marshal(map[string]any{"name": name, "config": config})
	if err != nil {
		e.t.Fatal(err)
	}
	// A rebalance in progress answers 409; the user retries.
	proctest.WaitFor(e.t, 60*time.Second, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		code, b, err := proctest.HTTP(ctx, http.MethodPost, w.url+"/connectors", string(body))
		if err != nil {
			return err
		}
		if code == http.StatusConflict {
			return fmt.Errorf("409 %s", b)
		}
		if code != http.StatusCreated {
			e.t.Fatalf("POST %s/connectors %s: %d %s", w.url, name, code, b)
		}
		return nil
	})
	e.logf("created %s through %s", name, w.name)
}

// send does method on path through w with a JSON body, retrying while a
// rebalance answers 409, and expects the status want.
func (e *env) send(w *worker, method, path string, body any, want int) {
	e.t.Helper()
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			e.t.Fatal(err)
		}
	}
	proctest.WaitFor(e.t, 60*time.Second, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		code, rb, err := proctest.HTTP(ctx, method, w.url+path, string(b))
		if err != nil {
			return err
		}
		if code == http.StatusConflict {
			return fmt.Errorf("409 %s", rb)
		}
		if code != want {
			e.t.Fatalf("%s %s%s: %d %s, want %d", method, w.url, path, code, rb, want)
		}
		return nil
	})
	e.logf("%s %s through %s", method, path, w.name)
}

// placement is a connector's status reduced to what every worker must
// agree on.
type placement struct {
	Connector string   `json:"connector"` // state@worker
	Tasks     []string `json:"tasks"`     // id:state@worker
}

func status(w *worker, name string) (proctest.Status, error) {
	var st proctest.Status
	err := proctest.GetJSON(w.url+"/connectors/"+name+"/status", &st)
	return st, err
}

func placementOf(st proctest.Status) placement {
	p := placement{Connector: st.Connector.State + "@" + st.Connector.WorkerID}
	for _, tk := range st.Tasks {
		p.Tasks = append(p.Tasks, fmt.Sprintf("%d:%s@%s", tk.ID, tk.State, tk.WorkerID))
	}
	sort.Strings(p.Tasks)
	return p
}

// running is nil when every live worker answers that connector name and
// its n tasks are RUNNING, all on live workers, and all answer the same.
func (e *env) running(name string, n int) error {
	var first *placement
	for _, w := range e.live() {
		st, err := status(w, name)
		if err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
		if err := st.Running(n); err != nil {
			return fmt.Errorf("%s says %s: %w", w.name, name, err)
		}
		ids := []string{st.Connector.WorkerID}
		for _, tk := range st.Tasks {
			ids = append(ids, tk.WorkerID)
		}
		for _, id := range ids {
			if o := e.byID(id); o == nil || o.proc.Exited() {
				return fmt.Errorf("%s says %s runs on %s, not a live worker", w.name, name, id)
			}
		}
		p := placementOf(st)
		if first == nil {
			first = &p
		} else if !samePlacement(*first, p) {
			return fmt.Errorf("%s: workers disagree: %v and %v", name, *first, p)
		}
	}
	return nil
}

func samePlacement(a, b placement) bool {
	return a.Connector == b.Connector && slices.Equal(a.Tasks, b.Tasks)
}

// inState is nil when every live worker answers that connector name is
// in state with n tasks, all in state too, and all answer the same.
func (e *env) inState(name, state string, n int) error {
	var first *placement
	for _, w := range e.live() {
		st, err := status(w, name)
		if err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
		if st.Connector.State != state || len(st.Tasks) != n {
			return fmt.Errorf("%s says %s is %s with %d tasks, want %s with %d", w.name, name, st.Connector.State, len(st.Tasks), state, n)
		}
		for _, tk := range st.Tasks {
			if tk.State != state {
				return fmt.Errorf("%s says task %s-%d is %s, want %s", w.name, name, tk.ID, tk.State, state)
			}
		}
		p := placementOf(st)
		if first == nil {
			first = &p
		} else if !samePlacement(*first, p) {
			return fmt.Errorf("%s: workers disagree: %v and %v", name, *first, p)
		}
	}
	return nil
}

// put does a PUT of path on w and expects the status want.
func (e *env) put(w *worker, path string, want int) {
	e.t.Helper()
	proctest.MustHTTP(e.t, http.MethodPut, w.url+path, "", want)
	e.logf("PUT %s through %s", path, w.name)
}

// waitRunning waits until every connector in want (name -> tasks) runs.
func (e *env) waitRunning(timeout time.Duration, want map[string]int) {
	e.t.Helper()
	proctest.WaitFor(e.t, timeout, func() error {
		for name, n := range want {
			if err := e.running(name, n); err != nil {
				return err
			}
		}
		return nil
	})
}

// owners counts connectors and tasks per worker name, as w reports them.
func (e *env) owners(w *worker, names ...string) map[string]int {
	e.t.Helper()
	out := map[string]int{}
	for _, name := range names {
		st, err := status(w, name)
		if err != nil {
			e.t.Fatal(err)
		}
		out[e.nameOf(st.Connector.WorkerID)]++
		for _, tk := range st.Tasks {
			out[e.nameOf(tk.WorkerID)]++
		}
	}
	return out
}

func (e *env) nameOf(id string) string {
	if w := e.byID(id); w != nil {
		return w.name
	}
	return id
}

// stop sends sig to w and waits for it to exit.
func (e *env) stop(w *worker, sig syscall.Signal) {
	e.t.Helper()
	w.proc.Signal(sig)
	err := w.proc.Wait(60 * time.Second)
	e.logf("%s stopped with %v (exit: %v)", w.name, sig, err)
}

// javaWarnings returns the WARN and ERROR lines of a Java worker's log
// except those matched by ignore.
func javaWarnings(w *worker, ignore []*regexp.Regexp) []string {
	var out []string
	for _, l := range strings.Split(w.proc.Output(), "\n") {
		if !strings.Contains(l, "] WARN ") && !strings.Contains(l, "] ERROR ") {
			continue
		}
		skip := false
		for _, re := range ignore {
			if re.MatchString(l) {
				skip = true
				break
			}
		}
		if !skip {
			out = append(out, l)
		}
	}
	return out
}

// ticker writes a numbered value ("<prefix>-000001", ...) on every tick
// until halted, and remembers the values written: a file source's lines
// or a producer's acknowledged records.
type ticker struct {
	mu      sync.Mutex
	written []string
	stop    chan struct{}
	done    chan error
}

// startTicker runs write on every tick; release runs when it stops.
func startTicker(t *testing.T, prefix string, every time.Duration, write func(v string) error, release func()) *ticker {
	t.Helper()
	k := &ticker{stop: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		defer release()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for i := 1; ; i++ {
			select {
			case <-k.stop:
				k.done <- nil
				return
			case <-tick.C:
			}
			v := fmt.Sprintf("%s-%06d", prefix, i)
			if err := write(v); err != nil {
				k.done <- err
				return
			}
			k.mu.Lock()
			k.written = append(k.written, v)
			k.mu.Unlock()
		}
	}()
	t.Cleanup(func() { k.halt(t) })
	return k
}

// startFileSource appends numbered lines to a file, each in one write:
// the input of a FileStreamSource.
func startFileSource(t *testing.T, path, prefix string, every time.Duration) *ticker {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	return startTicker(t, prefix, every, func(v string) error {
		if _, err := f.WriteString(v + "\n"); err != nil {
			return fmt.Errorf("append %s to %s: %w", v, path, err)
		}
		return nil
	}, func() { f.Close() })
}

// startProducer produces numbered JSON strings to a topic with sarama;
// its values are those the broker acknowledged.
func startProducer(t *testing.T, brokers []string, topic, prefix string, every time.Duration) *ticker {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_6_0_0
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Return.Successes = true
	sp, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return startTicker(t, prefix, every, func(v string) error {
		// A JSON string: the seed's converters are schemaless JSON.
		if _, _, err := sp.SendMessage(&sarama.ProducerMessage{Topic: topic, Value: sarama.StringEncoder(`"` + v + `"`)}); err != nil {
			return fmt.Errorf("produce %s to %s: %w", v, topic, err)
		}
		return nil
	}, func() { sp.Close() })
}

// halt stops the ticker; it is safe to call twice.
func (k *ticker) halt(t *testing.T) {
	select {
	case <-k.stop:
		return
	default:
	}
	close(k.stop)
	if err := <-k.done; err != nil {
		t.Error(err)
	}
}

func (k *ticker) values() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.written...)
}

// tally compares the values sent with the lines of a sink file.
type tally struct {
	sent, lines, missing, duplicates int
	firstMissing                     []string
}

func tallyFile(t *testing.T, values []string, path string) tally {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return tallyLines(values, strings.Split(string(b), "\n"))
}

func tallyLines(values, lines []string) tally {
	seen := map[string]int{}
	var tl tally
	for _, l := range lines {
		if l != "" {
			seen[l]++
			tl.lines++
		}
	}
	tl.sent = len(values)
	for _, v := range values {
		switch n := seen[v]; {
		case n == 0:
			tl.missing++
			if len(tl.firstMissing) < 5 {
				tl.firstMissing = append(tl.firstMissing, v)
			}
		case n > 1:
			tl.duplicates += n - 1
		}
	}
	return tl
}

// javaIgnored are the Java worker's WARN lines that are not about reading
// what our workers wrote; each is explained where it is matched.
var javaIgnored = []*regexp.Regexp{
	// The javaworker build finds plugins through ServiceLoader manifests
	// only (its PATCH 4); nothing to do with what we write.
	regexp.MustCompile(`consider reconfiguring plugin\.discovery=service_load`),
	// The seed's internal.*.converter keys, removed in Kafka 3.0: Java
	// warns about the worker.properties file, as ours does.
	regexp.MustCompile(`configured with one or more internal converter properties`),
	// A rebalance's assignment names a config offset the worker has not
	// read yet: the Java herder logs this at WARN in every all-Java group
	// too whenever another worker wrote the config topic just before.
	regexp.MustCompile(`Catching up to assignment's config offset`),
	// On SIGTERM the Java worker's group client gives up waiting for a
	// request to the coordinator (the broker) while closing; the Java-only
	// baseline (TestInteropBaselineJavaOnly) logs it the same way, with
	// none of our workers in the group.
	regexp.MustCompile(`Close timed out with \d+ pending requests to coordinator`),
	// tasks.max lowered: the Java herder stops the connector's local
	// tasks as soon as it reads the new task configs
	// (stopReconfiguredTasks), and the next rebalance revokes the task
	// that no longer exists, which it then no longer runs. The same with
	// Java workers only (TestInteropMixedGroup/java-only).
	regexp.MustCompile(`Ignoring (await )?stop request for (unowned|non-present) task`),
	// The mixed-group test's own create with an unknown connector class:
	// a 500, which Connect logs at ERROR (the javaworker front as
	// "Uncaught error serving", Jersey's mapper as "Uncaught exception in
	// REST call"); ours logs its 500s at ERROR too.
	regexp.MustCompile(`ERROR Uncaught error serving POST /connectors `),
	// The mixed-group test's own failing sink (its file's folder does not
	// exist); ours logs its failed tasks at ERROR too.
	regexp.MustCompile(`ERROR WorkerSinkTask\{id=mix-fail-\d+\} Task threw an uncaught and unrecoverable exception`),
}

// record is one record of a topic, as read back.
type record struct {
	partition int32
	offset    int64
	key       []byte
	value     []byte // nil for a tombstone
}

// topicRecords reads every record of topic from the start.
func topicRecords(t *testing.T, brokers []string, topic string) []record {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_6_0_0
	client, err := sarama.NewClient(brokers, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	parts, err := client.Partitions(topic)
	if err != nil {
		t.Fatalf("partitions of %s: %v", topic, err)
	}
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		t.Fatal(err)
	}
	defer consumer.Close()
	var out []record
	for _, p := range parts {
		end, err := client.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			t.Fatal(err)
		}
		if end == 0 {
			continue
		}
		pc, err := consumer.ConsumePartition(topic, p, sarama.OffsetOldest)
		if err != nil {
			t.Fatal(err)
		}
		timeout := time.After(30 * time.Second)
		for done := false; !done; {
			select {
			case m := <-pc.Messages():
				out = append(out, record{partition: p, offset: m.Offset, key: m.Key, value: m.Value})
				done = m.Offset+1 >= end
			case <-timeout:
				t.Fatalf("reading %s/%d: timed out before offset %d", topic, p, end)
			}
		}
		pc.Close()
	}
	return out
}

// topicValues reads every record value of topic from the start, JSON
// strings decoded.
func topicValues(t *testing.T, brokers []string, topic string) []string {
	t.Helper()
	var out []string
	for _, r := range topicRecords(t, brokers, topic) {
		var s string
		if err := json.Unmarshal(r.value, &s); err != nil {
			s = string(r.value)
		}
		out = append(out, s)
	}
	return out
}

// recordType names the kind of an internal-topic record by its key:
// connector, task, commit, target-state, session-key, status-connector,
// status-task, status-topic, or offset.
func recordType(topic string, key []byte) string {
	k := string(key)
	if strings.HasSuffix(topic, "offsets") {
		return "offset"
	}
	for _, p := range []string{"status-connector-", "status-task-", "status-topic-", "target-state-", "restart-connector-", "connector-", "task-", "commit-"} {
		if strings.HasPrefix(k, p) {
			return strings.TrimSuffix(p, "-")
		}
	}
	return k
}

// shapeOf is the layout of a JSON document: its object keys in the order
// written and the types of its values, so two writers' records of one type
// compare equal only if they are laid out alike. A connector's or task's
// "properties" are reduced to {…}: their keys are the user's.
func shapeOf(b []byte) string {
	if b == nil {
		return "tombstone"
	}
	var sb strings.Builder
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	skip := 0
	prevKey := ""
	inObj := []bool{}
	expectKey := func() bool { return len(inObj) > 0 && inObj[len(inObj)-1] }
	isKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if skip > 0 || prevKey == "properties" {
					skip++
					if skip == 1 {
						sb.WriteString("{…}")
					}
				} else {
					sb.WriteRune(rune(d))
				}
				inObj = append(inObj, d == '{')
			case '}', ']':
				inObj = inObj[:len(inObj)-1]
				if skip > 0 {
					skip--
				} else {
					sb.WriteRune(rune(d))
				}
			}
			prevKey = ""
			isKey = expectKey()
			continue
		}
		if skip > 0 {
			continue
		}
		if isKey {
			fmt.Fprintf(&sb, "%q:", tok)
			prevKey, _ = tok.(string)
			isKey = false
			continue
		}
		if prevKey == "trace" {
			// A status's trace is null, or the failure's text.
			sb.WriteString("s|null,")
			prevKey = ""
			isKey = expectKey()
			continue
		}
		switch tok.(type) {
		case string:
			sb.WriteString("s,")
		case json.Number:
			sb.WriteString("n,")
		case bool:
			sb.WriteString("b,")
		case nil:
			sb.WriteString("null,")
		}
		prevKey = ""
		isKey = expectKey()
	}
	return sb.String()
}

// shapes groups the records of the three internal topics by type and
// layout: type -> shape -> one example (key and value).
func (e *env) shapes() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, topic := range []string{"humio-connect-configs", "humio-connect-offsets", "humio-connect-statuses"} {
		for _, r := range topicRecords(e.t, e.broker.ListenAddrs(), topic) {
			typ := recordType(topic, r.key)
			sh := shapeOf(r.value)
			if typ == "offset" {
				sh = "key " + shapeOf(r.key) + " value " + sh
			}
			if out[typ] == nil {
				out[typ] = map[string]string{}
			}
			if _, ok := out[typ][sh]; !ok {
				out[typ][sh] = fmt.Sprintf("%s/%d@%d %s %s", topic, r.partition, r.offset, r.key, r.value)
			}
		}
	}
	return out
}

// checkShapes logs the layouts of the internal topics' records and fails
// when one type of record was written in two layouts (tombstones aside).
func (e *env) checkShapes() {
	e.t.Helper()
	all := e.shapes()
	types := make([]string, 0, len(all))
	for typ := range all {
		types = append(types, typ)
	}
	sort.Strings(types)
	for _, typ := range types {
		var layouts []string
		for sh, ex := range all[typ] {
			e.logf("record layout %s: %s (e.g. %s)", typ, sh, ex)
			if sh != "tombstone" {
				layouts = append(layouts, sh)
			}
		}
		if len(layouts) > 1 {
			e.t.Errorf("%s records were written in %d layouts: %v", typ, len(layouts), layouts)
		}
	}
}

// goWarnings returns the WARN and ERROR lines of one of our workers' logs
// except the start-up notes on the seed's worker.properties (Kafka 2.x
// keys, plugin.path), which concern the file, not the group.
func goWarnings(w *worker) []string {
	var out []string
	for _, l := range strings.Split(w.proc.Output(), "\n") {
		if (strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR")) && !strings.Contains(l, "logger=connect.config") {
			out = append(out, l)
		}
	}
	return out
}

// logWarnings lists every worker's remaining WARN and ERROR lines in the
// test log (Java's through javaIgnored).
func (e *env) logWarnings() {
	e.t.Helper()
	for _, w := range e.workers {
		warns := goWarnings(w)
		if w.kind == javaKind {
			warns = javaWarnings(w, javaIgnored)
		}
		if w.kind == javaKind {
			// What was ignored, so a baseline run shows the same lines.
			all := javaWarnings(w, nil)
			counts := map[string]int{}
			for _, l := range all {
				for _, re := range javaIgnored {
					if re.MatchString(l) {
						counts[re.String()]++
					}
				}
			}
			e.logf("%s: %d WARN/ERROR lines, and %d known ones ignored: %v", w.name, len(warns), len(all)-len(warns), counts)
		} else {
			e.logf("%s: %d WARN/ERROR lines", w.name, len(warns))
		}
		for _, l := range warns {
			e.logf("  %s: %s", w.name, l)
		}
	}
}
