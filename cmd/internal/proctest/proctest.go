// Package proctest helps whole-program tests: it builds the commands,
// starts an in-process Kafka broker (kfake, real protocol over TCP), runs
// workers as child processes, and talks to them over HTTP as a user would.
package proctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

var (
	buildMu  sync.Mutex
	buildDir string
	built    = map[string]string{}
)

// repoRoot finds the module root from this file's location.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// Binary builds ./cmd/<name> once per test process (with the race detector
// when the test runs with it) and returns its path.
func Binary(t testing.TB, name string) string {
	t.Helper()
	return Build(t, "./cmd/"+name)
}

// Build builds the command in pkg (a path from the module root, such as
// ./examples/quickstart) once per test process, as Binary does, and
// returns its path. Every command lands in the same folder, so a command
// that starts its siblings (the quickstart) finds them there.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	name := filepath.Base(pkg)
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := built[name]; ok {
		return p
	}
	if buildDir == "" {
		d, err := os.MkdirTemp("", "connect-bin-")
		if err != nil {
			t.Fatal(err)
		}
		buildDir = d
	}
	out := filepath.Join(buildDir, name)
	args := []string{"build", "-o", out}
	if raceEnabled {
		args = append(args, "-race")
	}
	args = append(args, pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = repoRoot()
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", name, err, b)
	}
	built[name] = out
	return out
}

// Broker starts an in-process Kafka cluster for the test.
func Broker(t testing.TB, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	opts = append([]kfake.Opt{kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(),
		kfake.GroupMinSessionTimeout(500 * time.Millisecond)}, opts...)
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// FreePort returns a TCP port that was free a moment ago, for a child
// process to listen on. It picks from below the kernel's ephemeral range
// where it can: a port taken from that range (as listening on port 0
// gives) may be handed to some other test's outgoing connection before
// the child binds it, and the child then fails with "address already in
// use".
func FreePort(t testing.TB) int {
	t.Helper()
	if lo, hi, ok := belowEphemeral(); ok {
		for range 100 {
			port := lo + rand.IntN(hi-lo)
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
			if err == nil {
				l.Close()
				return port
			}
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// belowEphemeral returns a range of ports under Linux's ephemeral range
// (ip_local_port_range), false where there is none to read or no room.
func belowEphemeral() (lo, hi int, ok bool) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, 0, false
	}
	var first, last int
	if _, err := fmt.Sscan(string(b), &first, &last); err != nil {
		return 0, 0, false
	}
	const floor = 10000
	if first-floor < 1000 {
		return 0, 0, false
	}
	return floor, first, true
}

// WriteFile writes a file under dir and returns its path.
func WriteFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Process is a running command whose output is kept for the test log.
type Process struct {
	t    testing.TB
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
	err  error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Start runs bin with args; it is killed when the test ends.
func Start(t testing.TB, bin string, args ...string) *Process {
	t.Helper()
	p := &Process{t: t, cmd: exec.Command(bin, args...), out: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("output of %s:\n%s", filepath.Base(bin), tail(p.out.String(), 200))
		}
	})
	return p
}

func tail(s string, lines int) string {
	parts := strings.Split(s, "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// Output returns what the process printed so far.
func (p *Process) Output() string { return p.out.String() }

// Signal sends sig to the process.
func (p *Process) Signal(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %v: %v", sig, err)
	}
}

// Wait waits for the process to exit and returns its error (nil for exit 0).
func (p *Process) Wait(timeout time.Duration) error {
	p.t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.t.Fatalf("process did not exit within %v; output:\n%s", timeout, tail(p.out.String(), 100))
		return nil
	}
}

// Exited reports whether the process has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// WaitFor polls cond until it returns nil or timeout passes, then fails
// the test with cond's last error.
func WaitFor(t testing.TB, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	delay := 10 * time.Millisecond
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v: %v", timeout, err)
		}
		time.Sleep(delay)
		delay = min(delay*2, 250*time.Millisecond)
	}
}

// HTTP does a request and returns the status and body.
func HTTP(ctx context.Context, method, url, body string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// MustHTTP is HTTP that fails the test on a transport error or an
// unexpected status.
func MustHTTP(t testing.TB, method, url, body string, want int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	status, b, err := HTTP(ctx, method, url, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if status != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, url, status, want, b)
	}
	return b
}

// GetJSON fetches url and decodes a 200 answer into v.
func GetJSON(url string, v any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	status, b, err := HTTP(ctx, http.MethodGet, url, "")
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", url, status, b)
	}
	return json.Unmarshal([]byte(b), v)
}

// Status is the part of GET /connectors/{c}/status tests look at.
type Status struct {
	Connector struct {
		State    string `json:"state"`
		WorkerID string `json:"worker_id"`
		Trace    string `json:"trace"`
	} `json:"connector"`
	Tasks []struct {
		ID       int    `json:"id"`
		State    string `json:"state"`
		WorkerID string `json:"worker_id"`
		Trace    string `json:"trace"`
	} `json:"tasks"`
}

// Running reports nil when the connector and n tasks are RUNNING.
func (s Status) Running(n int) error {
	if s.Connector.State != "RUNNING" {
		return fmt.Errorf("connector %s %s", s.Connector.State, s.Connector.Trace)
	}
	if len(s.Tasks) != n {
		return fmt.Errorf("%d tasks, want %d", len(s.Tasks), n)
	}
	for _, t := range s.Tasks {
		if t.State != "RUNNING" {
			return fmt.Errorf("task %d %s %s", t.ID, t.State, t.Trace)
		}
	}
	return nil
}
