package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// workerProc is one connect-standalone child process.
type workerProc struct {
	cmd     *exec.Cmd
	url     string
	logPath string
	started time.Time
	done    chan struct{}
	err     error
	client  *http.Client
}

// workerProperties is the seed's worker.properties for a standalone worker
// on the embedded broker: schemaless JSON, offsets flushed every second.
func workerProperties(brokers []string, dir string, port int) string {
	return fmt.Sprintf(`bootstrap.servers=%s
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
offset.flush.interval.ms=1000
offset.storage.file.filename=%s
listeners=http://127.0.0.1:%d
`, strings.Join(brokers, ","), filepath.Join(dir, "connect.offsets"), port)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startWorker writes a worker.properties into a new directory under dir
// and starts bin on it, with env added to the environment; extra are more
// command-line flags.
func startWorker(bin, dir string, env, brokers []string, extra ...string) (*workerProc, error) {
	wdir, err := os.MkdirTemp(dir, "worker-")
	if err != nil {
		return nil, fmt.Errorf("worker directory: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	props := filepath.Join(wdir, "worker.properties")
	if err := os.WriteFile(props, []byte(workerProperties(brokers, wdir, port)), 0o644); err != nil {
		return nil, fmt.Errorf("writing %s: %w", props, err)
	}
	logPath := filepath.Join(wdir, "worker.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("worker log: %w", err)
	}
	args := append(append([]string{}, extra...), props)
	w := &workerProc{
		cmd: exec.Command(bin, args...), url: fmt.Sprintf("http://127.0.0.1:%d", port), logPath: logPath,
		done: make(chan struct{}),
		// A fresh connection per poll while waiting for the first answer,
		// so the start time counts the worker accepting one.
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}},
	}
	w.cmd.Stdout, w.cmd.Stderr = logFile, logFile
	if len(env) > 0 {
		w.cmd.Env = append(os.Environ(), env...)
	}
	w.started = time.Now()
	if err := w.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() {
		w.err = w.cmd.Wait()
		logFile.Close()
		close(w.done)
	}()
	return w, nil
}

func (w *workerProc) pid() int { return w.cmd.Process.Pid }

// waitREST polls GET / every millisecond until it answers 200 and returns
// the time from the process start to that answer.
func (w *workerProc) waitREST(ctx context.Context, timeout time.Duration) (time.Duration, error) {
	deadline := time.Now().Add(timeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.url+"/", nil)
		resp, err := w.client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(w.started), nil
			}
			err = fmt.Errorf("GET /: HTTP %d", resp.StatusCode)
		}
		select {
		case <-w.done:
			return 0, fmt.Errorf("worker exited before answering REST (%v); log %s:\n%s", w.err, w.logPath, w.logTail())
		default:
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("worker did not answer REST within %v: %w", timeout, err)
		}
		t := time.NewTimer(time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return 0, ctx.Err()
		case <-t.C:
		}
	}
}

// createConnector POSTs a connector and checks the 201.
func (w *workerProc) createConnector(ctx context.Context, name string, config map[string]string) error {
	body, err := json.Marshal(map[string]any{"name": name, "config": config})
	if err != nil {
		return err
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, w.url+"/connectors", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("creating connector %s: %w", name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("creating connector %s: HTTP %d %s", name, resp.StatusCode, b)
	}
	return nil
}

// status returns the connector's tasks' states, for diagnosing a stall.
func (w *workerProc) status(ctx context.Context, name string) string {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.url+"/connectors/"+name+"/status", nil)
	resp, err := w.client.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// stop asks the worker to stop (SIGTERM) and kills it after grace.
func (w *workerProc) stop(grace time.Duration) error {
	select {
	case <-w.done:
		return w.exitErr()
	default:
	}
	if err := w.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("stopping the worker: %w", err)
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-w.done:
		return w.exitErr()
	case <-t.C:
		_ = w.cmd.Process.Kill()
		<-w.done
		return fmt.Errorf("the worker did not stop within %v after SIGTERM; killed", grace)
	}
}

func (w *workerProc) exitErr() error {
	if w.err != nil {
		return fmt.Errorf("worker exited: %w; log %s:\n%s", w.err, w.logPath, w.logTail())
	}
	return nil
}

// exited reports whether the process is gone.
func (w *workerProc) exited() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

func (w *workerProc) logTail() string {
	b, err := os.ReadFile(w.logPath)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}

// logContains reports whether the worker logged s.
func (w *workerProc) logContains(s string) bool {
	b, err := os.ReadFile(w.logPath)
	return err == nil && bytes.Contains(b, []byte(s))
}

// fetch GETs url into path (a profile from the debug listener).
func fetch(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("GET %s: HTTP %d %s", url, resp.StatusCode, b)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("GET %s: %w", url, err)
	}
	return f.Close()
}

var errStalled = errors.New("stalled")
