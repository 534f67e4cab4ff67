package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// The timings of the test clusters: small, so a dead worker's work moves
// within seconds (Java's defaults are 10 s sessions and a 5 minute delay).
const (
	sessionTimeout = 2 * time.Second
	maxDelay       = 2 * time.Second
)

// cluster is a set of connect-distributed processes sharing one group on
// one in-process broker.
type cluster struct {
	t       *testing.T
	bin     string
	broker  *kfake.Cluster
	dir     string
	extra   string // more worker.properties lines
	workers []*node
	// scheme of the workers' listeners: "" or "http", or "https" (extra
	// then holds the key store, and client trusts its CA).
	scheme string
	client *http.Client
}

// node is one worker process and where to reach it.
type node struct {
	proc *proctest.Process
	url  string // http://127.0.0.1:port, no trailing slash
	id   string // worker_id: 127.0.0.1:port
	path string // its worker.properties
	// client reaches url; nil: http.DefaultClient.
	client *http.Client
}

func newCluster(t *testing.T, extra string, brokerOpts ...kfake.Opt) *cluster {
	t.Helper()
	return &cluster{t: t, bin: proctest.Binary(t, "connect-distributed"), broker: proctest.Broker(t, brokerOpts...), dir: t.TempDir(), extra: extra}
}

// workerProperties is a distributed worker.properties for the test broker.
func (c *cluster) workerProperties(port int) string {
	return fmt.Sprintf(`bootstrap.servers=%s
group.id=connect-test
config.storage.topic=connect-configs
offset.storage.topic=connect-offsets
status.storage.topic=connect-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
offset.storage.partitions=5
status.storage.replication.factor=1
status.storage.partitions=3
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.flush.interval.ms=300
task.shutdown.graceful.timeout.ms=3000
session.timeout.ms=%d
heartbeat.interval.ms=300
rebalance.timeout.ms=10000
scheduled.rebalance.max.delay.ms=%d
worker.sync.timeout.ms=3000
# A killed worker's sink consumers leave their groups this fast.
consumer.session.timeout.ms=2000
consumer.heartbeat.interval.ms=300
# A sink group rebalance waits at most this long for members that died
# in the middle of it.
consumer.max.poll.interval.ms=8000
listeners=%s://127.0.0.1:%d
%s
`, strings.Join(c.broker.ListenAddrs(), ","), sessionTimeout.Milliseconds(), maxDelay.Milliseconds(), c.listenScheme(), port, c.extra)
}

func (c *cluster) listenScheme() string {
	if c.scheme == "" {
		return "http"
	}
	return c.scheme
}

// start starts n more workers and waits until each answers /health.
func (c *cluster) start(n int) []*node {
	c.t.Helper()
	var started []*node
	for range n {
		port := proctest.FreePort(c.t)
		path := proctest.WriteFile(c.t, c.dir, fmt.Sprintf("worker-%d.properties", len(c.workers)), c.workerProperties(port))
		w := &node{url: fmt.Sprintf("%s://127.0.0.1:%d", c.listenScheme(), port), id: fmt.Sprintf("127.0.0.1:%d", port), path: path, client: c.client}
		w.proc = proctest.Start(c.t, c.bin, "-log-level", "DEBUG", path)
		c.workers = append(c.workers, w)
		started = append(started, w)
	}
	for _, w := range started {
		w.waitHealthy(c.t)
	}
	return started
}

func (w *node) waitHealthy(t *testing.T) {
	t.Helper()
	proctest.WaitFor(t, 60*time.Second, func() error {
		if w.proc.Exited() {
			t.Fatalf("worker %s exited:\n%s", w.id, w.proc.Output())
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		status, body, err := w.get(ctx, "/health")
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return fmt.Errorf("health %d %s", status, body)
		}
		return nil
	})
}

// get does a GET of path on the worker.
func (w *node) get(ctx context.Context, path string) (int, string, error) {
	if w.client == nil {
		return proctest.HTTP(ctx, http.MethodGet, w.url+path, "")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.url+path, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// isLeader reports whether the worker's last rebalance made it the leader
// (from its log: the REST API does not tell).
func (w *node) isLeader() bool {
	out := w.proc.Output()
	i := strings.LastIndex(out, `msg="joined the group"`)
	if i < 0 {
		return false
	}
	line := out[i:]
	if j := strings.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	return strings.Contains(line, " leader=true ")
}

// live returns the workers still running.
func (c *cluster) live() []*node {
	var out []*node
	for _, w := range c.workers {
		if !w.proc.Exited() {
			out = append(out, w)
		}
	}
	return out
}

// status reads a connector's status from a worker.
func status(w *node, name string) (proctest.Status, error) {
	var st proctest.Status
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	code, b, err := w.get(ctx, "/connectors/"+name+"/status")
	if err != nil {
		return st, err
	}
	if code != http.StatusOK {
		return st, fmt.Errorf("GET %s/connectors/%s/status: %d %s", w.url, name, code, b)
	}
	return st, json.Unmarshal([]byte(b), &st)
}

// waitRunning waits until the connector and n tasks are RUNNING, none on
// a worker in dead, as every live worker sees it.
func (c *cluster) waitRunning(timeout time.Duration, name string, n int, dead ...string) {
	c.t.Helper()
	proctest.WaitFor(c.t, timeout, func() error { return c.running(name, n, dead...) })
}

func (c *cluster) running(name string, n int, dead ...string) error {
	for _, w := range c.live() {
		st, err := status(w, name)
		if err != nil {
			return err
		}
		if err := st.Running(n); err != nil {
			return fmt.Errorf("%s as %s sees it: %w", name, w.id, err)
		}
		for _, d := range dead {
			if st.Connector.WorkerID == d {
				return fmt.Errorf("%s: connector still on dead worker %s", name, d)
			}
			for _, tk := range st.Tasks {
				if tk.WorkerID == d {
					return fmt.Errorf("%s: task %d still on dead worker %s", name, tk.ID, d)
				}
			}
		}
	}
	return nil
}

// call does a request and decodes a JSON answer (when v is not nil),
// failing the test unless the status is want.
func call(t *testing.T, method, url, body string, want int, v any) string {
	t.Helper()
	b := proctest.MustHTTP(t, method, url, body, want)
	if v != nil {
		if err := json.Unmarshal([]byte(b), v); err != nil {
			t.Fatalf("%s %s: decoding %q: %v", method, url, b, err)
		}
	}
	return b
}

// outputOf reads a file, "" when it does not exist yet.
func outputOf(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

func (c *cluster) file(name string) string { return filepath.Join(c.dir, name) }
