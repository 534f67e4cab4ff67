// Package quickstarttest holds the whole-program tests of
// examples/quickstart: the program is built (with the race detector when
// the tests run with it) next to the workers it starts, run as `make
// quickstart` runs it, watched over HTTP and stopped with SIGINT, as a user
// stops it with Ctrl-C. (The tests live under cmd/ because proctest is
// internal to it.)
package quickstarttest

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
)

// quickstart builds the quickstart and the workers it starts, and runs it
// in dir with args.
func quickstart(t *testing.T, dir string, args ...string) *proctest.Process {
	t.Helper()
	proctest.Binary(t, "connect-distributed")
	proctest.Binary(t, "connect-standalone")
	bin := proctest.Build(t, "./examples/quickstart")
	root := filepath.Join("..", "..", "..")
	args = append([]string{"-dir", dir, "-kafka-port", "0",
		"-worker", filepath.Join(root, "examples", "worker.properties"),
		"-connector", filepath.Join(root, "examples", "humio-sink.json")}, args...)
	return proctest.Start(t, bin, args...)
}

// waitBanner waits until the quickstart printed its banner (it is up).
func waitBanner(t *testing.T, p *proctest.Process) string {
	t.Helper()
	proctest.WaitFor(t, 120*time.Second, func() error {
		if p.Exited() {
			t.Fatalf("the quickstart exited:\n%s", p.Output())
		}
		if !strings.Contains(p.Output(), "Ctrl-C stops") {
			return fmt.Errorf("no banner yet")
		}
		return nil
	})
	return p.Output()
}

// interrupt stops the quickstart as Ctrl-C does and checks it exits
// cleanly, returning its output.
func interrupt(t *testing.T, p *proctest.Process) string {
	t.Helper()
	began := time.Now()
	p.Signal(syscall.SIGINT)
	if err := p.Wait(90 * time.Second); err != nil {
		t.Fatalf("the quickstart did not exit cleanly after SIGINT: %v\n%s", err, p.Output())
	}
	t.Logf("stopped %v after SIGINT", time.Since(began).Round(time.Millisecond))
	return p.Output()
}

type stats struct {
	Events   int `json:"events"`
	Requests int `json:"requests"`
}

var stoppedLine = regexp.MustCompile(`stopped: (\d+) sample events produced, (\d+) received by the Humio endpoint`)

// The default pipeline: the seed's worker.properties on connect-distributed,
// the seed's connector, sample logs arriving at the local endpoint; the
// curl commands of the banner work; Ctrl-C stops everything; a second run
// on the same data carries on.
func TestQuickstartHumio(t *testing.T) {
	t.Setenv("HUMIO_URL", "")
	t.Setenv("HUMIO_TOKEN", "")
	dir := t.TempDir()
	restPort, humioPort := proctest.FreePort(t), proctest.FreePort(t)
	rest := fmt.Sprintf("http://localhost:%d", restPort)
	humio := fmt.Sprintf("http://localhost:%d", humioPort)
	for run := 1; run <= 2; run++ {
		began := time.Now()
		p := quickstart(t, dir, "-rest-port", strconv.Itoa(restPort), "-humio-port", strconv.Itoa(humioPort), "-events-per-second", "200")
		banner := waitBanner(t, p)
		t.Logf("run %d up in %v", run, time.Since(began).Round(time.Millisecond))
		verb := "created"
		if run == 2 {
			verb = "kept" // the connector is in the config topic kept under -dir, unchanged
		}
		for _, want := range []string{
			"connector              humio-sink, " + verb + " from ",
			"curl -s " + rest + "/connectors/humio-sink/status",
			"curl -s " + humio + "/_humiotest/stats",
			"curl -s -X PUT " + rest + "/connectors/humio-sink/pause",
			"curl -s -X PUT " + rest + "/connectors/humio-sink/resume",
			humio + "/api/v1/dataspaces/sandbox/ingest/elasticsearch",
		} {
			if !strings.Contains(banner, want) {
				t.Fatalf("the banner lacks %q:\n%s", want, banner)
			}
		}
		// What the banner says to curl, curled.
		var st proctest.Status
		if err := proctest.GetJSON(rest+"/connectors/humio-sink/status", &st); err != nil {
			t.Fatal(err)
		}
		if err := st.Running(1); err != nil {
			t.Fatal(err)
		}
		proctest.WaitFor(t, 60*time.Second, func() error {
			var s stats
			if err := proctest.GetJSON(humio+"/_humiotest/stats", &s); err != nil {
				return err
			}
			if s.Events < 500 {
				return fmt.Errorf("%d events arrived", s.Events)
			}
			return nil
		})
		proctest.MustHTTP(t, http.MethodPut, rest+"/connectors/humio-sink/pause", "", http.StatusAccepted)
		proctest.MustHTTP(t, http.MethodPut, rest+"/connectors/humio-sink/resume", "", http.StatusAccepted)

		out := interrupt(t, p)
		m := stoppedLine.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no final counts in the output:\n%s", out)
		}
		// A clean stop loses nothing and repeats nothing: the first run
		// ships all it produced, and leaves nothing for the second.
		produced, received := atoi(t, m[1]), atoi(t, m[2])
		if received != produced || produced == 0 {
			t.Fatalf("%d events produced, %d received", produced, received)
		}
		t.Logf("run %d: %d events produced, %d received", run, produced, received)
		log, err := os.ReadFile(filepath.Join(dir, "worker.log"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(log), `msg="worker stopped"`) {
			t.Fatalf("the worker did not stop gracefully; its log ends:\n%s", tail(string(log), 20))
		}
	}
}

// Ctrl-C while the endpoint is down (as in a Humio outage) still stops
// everything cleanly, within the worker's graceful shutdown time.
func TestQuickstartStopsDuringOutage(t *testing.T) {
	t.Setenv("HUMIO_URL", "")
	t.Setenv("HUMIO_TOKEN", "")
	humio := fmt.Sprintf("http://localhost:%d", proctest.FreePort(t))
	port := strings.TrimPrefix(humio, "http://localhost:")
	p := quickstart(t, t.TempDir(), "-rest-port", strconv.Itoa(proctest.FreePort(t)), "-humio-port", port, "-events-per-second", "200")
	waitBanner(t, p)
	proctest.WaitFor(t, 60*time.Second, func() error {
		var s stats
		if err := proctest.GetJSON(humio+"/_humiotest/stats", &s); err != nil {
			return err
		}
		if s.Events < 200 {
			return fmt.Errorf("%d events arrived", s.Events)
		}
		return nil
	})
	proctest.MustHTTP(t, http.MethodPost, humio+"/_humiotest/fail?status=503&for=10m", "", http.StatusNoContent)
	// Let the outage fill the pipeline: requests in flight, retrying.
	proctest.WaitFor(t, 30*time.Second, func() error {
		var s struct {
			Failed int `json:"failed"`
		}
		if err := proctest.GetJSON(humio+"/_humiotest/stats", &s); err != nil {
			return err
		}
		if s.Failed < 3 {
			return fmt.Errorf("%d requests failed", s.Failed)
		}
		return nil
	})
	began := time.Now()
	out := interrupt(t, p)
	if took := time.Since(began); took > 30*time.Second {
		t.Fatalf("stopping during the outage took %v", took)
	}
	if !strings.Contains(out, "the rest stays in Kafka") {
		t.Fatalf("the output does not say what was left in Kafka:\n%s", out)
	}
}

// HUMIO_URL and HUMIO_TOKEN send the events to a real Humio (here a test
// server that insists on the token as a bearer token).
func TestQuickstartRealHumio(t *testing.T) {
	srv := humiotest.New(humiotest.Config{Token: "quickstart-token", TokenAuth: humiotest.TokenBearerOnly})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	t.Setenv("HUMIO_URL", ts.URL)
	t.Setenv("HUMIO_TOKEN", "quickstart-token")
	p := quickstart(t, t.TempDir(), "-rest-port", strconv.Itoa(proctest.FreePort(t)), "-events-per-second", "200")
	banner := waitBanner(t, p)
	if !strings.Contains(banner, ts.URL+"/api/v1/ingest/elastic-bulk  (ingest token from HUMIO_TOKEN)") {
		t.Fatalf("the banner does not name the Humio endpoint:\n%s", banner)
	}
	if strings.Contains(banner, "quickstart-token") {
		t.Fatalf("the banner shows the token:\n%s", banner)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if err := srv.WaitForEvents(ctx, 300); err != nil {
		t.Fatal(err)
	}
	interrupt(t, p)
	st := srv.Stats()
	if st.Unauthorized != 0 {
		t.Fatalf("%d requests without the token", st.Unauthorized)
	}
	if e := srv.Events()[0]; e.Repo != "" || !strings.Contains(string(e.Source), `"service":`) {
		t.Fatalf("event %+v is not a sample log", e)
	}
}

// -file keeps Kafka's own quickstart.
func TestQuickstartFile(t *testing.T) {
	dir := t.TempDir()
	p := quickstart(t, dir, "-file", "-rest-port", strconv.Itoa(proctest.FreePort(t)), "-events-per-second", "20")
	waitBanner(t, p)
	in, err := os.OpenFile(filepath.Join(dir, "input.txt"), os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.WriteString("hello, connect\n"); err != nil {
		t.Fatal(err)
	}
	if err := in.Close(); err != nil {
		t.Fatal(err)
	}
	proctest.WaitFor(t, 60*time.Second, func() error {
		f, err := os.Open(filepath.Join(dir, "output.txt"))
		if err != nil {
			return err
		}
		defer f.Close()
		samples := 0
		hello := false
		for sc := bufio.NewScanner(f); sc.Scan(); {
			hello = hello || sc.Text() == "hello, connect"
			if strings.HasPrefix(sc.Text(), "sample line ") {
				samples++
			}
		}
		if !hello || samples < 10 {
			return fmt.Errorf("output has hello: %v, %d sample lines", hello, samples)
		}
		return nil
	})
	if out := interrupt(t, p); !strings.Contains(out, "\nstopped\n") {
		t.Fatalf("no clean stop in the output:\n%s", out)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
