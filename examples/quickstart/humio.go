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
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
	"github.com/kafka-connect-go/connect/connector/provider"
	"github.com/kafka-connect-go/connect/worker/config"
)

// The topic of the guide's connector, where the sample logs go.
const logsTopic = "logs"

// humioTarget is where the events go: the local humiotest server, or a
// real Humio named by HUMIO_URL with the ingest token in HUMIO_TOKEN.
type humioTarget struct {
	real bool
	url  string // the connection.url for a real Humio
}

// targetFromEnv reads HUMIO_URL and HUMIO_TOKEN. A URL without a path gets
// Humio's token-routed bulk endpoint, /api/v1/ingest/elastic-bulk.
func targetFromEnv() (humioTarget, error) {
	raw, token := os.Getenv("HUMIO_URL"), os.Getenv("HUMIO_TOKEN")
	switch {
	case raw == "" && token == "":
		return humioTarget{}, nil
	case raw == "" || token == "":
		return humioTarget{}, errors.New("set both HUMIO_URL and HUMIO_TOKEN to ship to a real Humio, or neither for the local endpoint")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
		return humioTarget{}, fmt.Errorf("HUMIO_URL=%q: expected http(s)://host[:port][/path], for example https://cloud.humio.com", raw)
	}
	if strings.Trim(u.Path, "/") == "" {
		u.Path = "/api/v1/ingest/elastic-bulk"
	}
	return humioTarget{real: true, url: u.String()}, nil
}

// createRequest is the connector JSON of the REST API's POST /connectors.
type createRequest struct {
	Name   string         `json:"name"`
	Config map[string]any `json:"config"`
}

// runHumio runs the guide's pipeline: broker, endpoint, connect-distributed
// from the guide's worker.properties, the guide's connector, sample logs.
func runHumio(ctx context.Context, o options, out io.Writer) error {
	// Everything read and checked before anything starts.
	target, err := targetFromEnv()
	if err != nil {
		return err
	}
	seedWorker, err := os.ReadFile(o.worker)
	if err != nil {
		return fmt.Errorf("reading the worker.properties (run from the repository root, as make quickstart does, or pass -worker): %w", err)
	}
	connJSON, err := os.ReadFile(o.connector)
	if err != nil {
		return fmt.Errorf("reading the connector JSON (run from the repository root, as make quickstart does, or pass -connector): %w", err)
	}
	var req createRequest
	if err := json.Unmarshal(connJSON, &req); err != nil {
		return fmt.Errorf("%s: %w", o.connector, err)
	}
	fileURL, _ := req.Config["connection.url"].(string)
	if req.Name == "" || fileURL == "" {
		return fmt.Errorf("%s: expected {\"name\": ..., \"config\": {\"connection.url\": ..., ...}}", o.connector)
	}
	bin, err := siblingBinary("connect-distributed")
	if err != nil {
		return err
	}

	broker, err := startBroker(o.dir, o.kafkaPort)
	if err != nil {
		return err
	}
	defer broker.Close()
	bootstrap := broker.ListenAddrs()

	// The endpoint: the local one unless a real Humio is named.
	var local *humiotest.Server
	humioErr := make(chan error, 1)
	stopHumio := func() error { return nil }
	endpoint := target.url
	changes := []string{}
	if !target.real {
		local = humiotest.New(humiotest.Config{CountOnly: true})
		addr, stop, err := serveHumio(local, o.humioPort, humioErr)
		if err != nil {
			return err
		}
		stopHumio = stop
		u, err := url.Parse(fileURL)
		if err != nil {
			return fmt.Errorf("%s: connection.url %q: %w", o.connector, fileURL, err)
		}
		u.Host = addr
		endpoint = u.String()
	} else {
		req.Config["humio.ingest.token"] = "${env:HUMIO_TOKEN}"
		changes = append(changes, `"humio.ingest.token": "${env:HUMIO_TOKEN}" (the worker resolves it; only the reference is stored)`)
	}
	if endpoint != fileURL {
		req.Config["connection.url"] = endpoint
		changes = append(changes, fmt.Sprintf("connection.url %s", endpoint))
	}
	defer func() {
		if err := stopHumio(); err != nil {
			fmt.Fprintln(out, "quickstart: stopping the Humio endpoint:", err)
		}
	}()

	// The worker: the guide's worker.properties, with the embedded
	// broker's address and, when asked, another REST port.
	restPort, err := restPortOf(o.worker, o.restPort)
	if err != nil {
		return err
	}
	restPort, err = pickPort(restPort)
	if err != nil {
		return err
	}
	workerProps := filepath.Join(o.dir, "worker.properties")
	if err := os.WriteFile(workerProps, workerCopy(o.worker, seedWorker, bootstrap, restPort, target.real), 0o644); err != nil {
		return err
	}
	wc, err := config.Load(workerProps, config.Distributed, envProviders, nil)
	if err != nil {
		return err
	}
	wc.Close()
	if len(wc.REST.Listeners) == 0 {
		return fmt.Errorf("%s: no REST listener", workerProps)
	}
	rest := wc.REST.Listeners[0].String()

	worker, err := startChild(bin, filepath.Join(o.dir, "worker.log"), workerProps)
	if err != nil {
		return err
	}
	// fail stops the worker when the start-up goes wrong; Ctrl-C during
	// the start-up is a clean stop.
	fail := func(err error) error {
		serr := worker.stop(o.stopWithin)
		if ctx.Err() != nil && !errors.Is(err, errWorkerExited) {
			if serr == nil {
				fmt.Fprintln(out, "stopped")
			}
			return serr
		}
		if serr != nil && !errors.Is(err, errWorkerExited) {
			err = errors.Join(err, serr)
		}
		return err
	}
	api := &restClient{base: rest, http: &http.Client{Timeout: 10 * time.Second}, worker: worker}
	if err := api.waitREST(ctx); err != nil {
		return fail(err)
	}
	body := connJSON
	if len(changes) > 0 {
		if body, err = json.Marshal(req); err != nil {
			return fail(err)
		}
	}
	verb, err := api.putConnector(ctx, req, body)
	if err != nil {
		return fail(fmt.Errorf("creating the connector of %s: %w", o.connector, err))
	}
	if err := api.waitRunning(ctx, req.Name); err != nil {
		return fail(err)
	}

	pctx, stopProducing := context.WithCancel(ctx)
	defer stopProducing()
	var sent atomic.Int64
	produced := make(chan error, 1)
	go func() { produced <- produceLogs(pctx, bootstrap, logsTopic, o.rate, &sent) }()

	printBanner(out, banner{
		bootstrap: strings.Join(bootstrap, ","), kafkaDir: filepath.Join(o.dir, "kafka"),
		rest: rest, workerProps: workerProps, workerLog: worker.log.Name(), seedWorker: o.worker,
		connector: req.Name, connectorFile: o.connector, verb: verb, changes: changes,
		endpoint: endpoint, local: local != nil, rate: o.rate,
	})

	var runErr error
	select {
	case <-ctx.Done():
	case <-worker.done:
		runErr = worker.exitError()
	case err := <-produced:
		produced <- err
		runErr = err
		if runErr == nil { // nothing to produce: wait for Ctrl-C
			select {
			case <-ctx.Done():
			case <-worker.done:
				runErr = worker.exitError()
			case runErr = <-humioErr:
			}
		}
	case runErr = <-humioErr:
	}

	// The order of a clean stop: no new events; the endpoint gets a moment
	// to receive the last ones; the worker flushes what it read to the
	// endpoint and commits; then the endpoint and the broker.
	stopProducing()
	if err := <-produced; err != nil && runErr == nil {
		runErr = err
	}
	if local != nil && runErr == nil {
		catchUp(local, int(sent.Load()), 5*time.Second)
	}
	if err := worker.stop(o.stopWithin); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		return runErr
	}
	if local != nil {
		st := local.Stats()
		fmt.Fprintf(out, "stopped: %d sample events produced, %d received by the Humio endpoint in %d requests\n",
			sent.Load(), st.Events, st.Accepted)
		if st.Events < int(sent.Load()) {
			fmt.Fprintln(out, "  (the rest stays in Kafka, committed offsets mark where the next start carries on)")
		}
	} else {
		fmt.Fprintf(out, "stopped: %d sample events produced\n", sent.Load())
	}
	return nil
}

// catchUp waits up to timeout for the local endpoint to have received n
// events, and no longer than a second without progress (the connector may
// be paused, or the endpoint failing on command).
func catchUp(srv *humiotest.Server, n int, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	last, lastChange := srv.Stats().Events, time.Now()
	for last < n && time.Now().Before(deadline) && time.Since(lastChange) < time.Second {
		<-tick.C
		if got := srv.Stats().Events; got != last {
			last, lastChange = got, time.Now()
		}
	}
}

var errWorkerExited = errors.New("the worker exited")

// serveHumio serves the local endpoint on port (another one when it is
// taken) until stop is called; a serving failure goes to errc.
func serveHumio(srv *humiotest.Server, port int, errc chan<- error) (addr string, stop func() error, err error) {
	port, err = pickPort(port)
	if err != nil {
		return "", nil, err
	}
	hctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- srv.ListenAndServe(hctx, net.JoinHostPort("localhost", strconv.Itoa(port)), func(a net.Addr) { ready <- a })
	}()
	select {
	case a := <-ready:
		addr = net.JoinHostPort("localhost", strconv.Itoa(a.(*net.TCPAddr).Port))
	case err := <-done:
		cancel()
		return "", nil, fmt.Errorf("the local Humio endpoint: %w", err)
	}
	// Forward an early failure; stop collects the result otherwise.
	result := make(chan error, 1)
	go func() {
		err := <-done
		if err != nil && hctx.Err() == nil {
			errc <- fmt.Errorf("the local Humio endpoint: %w", err)
		}
		result <- err
	}()
	return addr, func() error {
		cancel()
		return <-result
	}, nil
}

// restPortOf returns the port the worker.properties gives the REST API
// (rest.port; 8083 when unset), or override when not 0.
func restPortOf(path string, override int) (int, error) {
	if override != 0 {
		return override, nil
	}
	wc, err := config.Load(path, config.Distributed, envProviders, nil)
	if err != nil {
		return 0, err
	}
	wc.Close()
	if len(wc.REST.Listeners) == 0 {
		return 8083, nil
	}
	return wc.REST.Listeners[0].Port, nil
}

// workerCopy is the guide's worker.properties with the quickstart's
// changes appended: the last value of a key wins, as in Java.
func workerCopy(seedPath string, seed []byte, bootstrap []string, restPort int, envToken bool) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Written by the quickstart: %s as it is, then the quickstart's changes.\n\n", seedPath)
	b.Write(seed)
	fmt.Fprintf(&b, "\n# The quickstart's changes (the last value of a key wins).\n# The embedded broker:\nbootstrap.servers=%s\n", strings.Join(bootstrap, ","))
	fmt.Fprintf(&b, "rest.port=%d\nrest.advertised.port=%d\n", restPort, restPort)
	if envToken {
		b.WriteString("# The connector reads the ingest token from the environment: ${env:HUMIO_TOKEN}.\n" +
			"config.providers=env\nconfig.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider\n")
	}
	return b.Bytes()
}

// envProviders builds the one config provider the worker copy may name,
// so that it can be checked before the worker starts.
func envProviders(class string) (connector.ConfigProvider, error) {
	switch class {
	case "org.apache.kafka.common.config.provider.EnvVarConfigProvider", "EnvVarConfigProvider":
		return provider.NewEnvVar(nil), nil
	}
	return nil, fmt.Errorf("config provider %s: the quickstart checks env providers only", class)
}

// restClient talks to the worker's REST API, as a user's curl would.
type restClient struct {
	base   string // http://host:port
	http   *http.Client
	worker *child
}

func (c *restClient) call(ctx context.Context, method, path string, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b)), err
}

// poll calls try every half second until it reports done, ctx ends, the
// worker exits or timeout passes; the timeout error carries try's last
// error.
func (c *restClient) poll(ctx context.Context, timeout time.Duration, what string, try func() (bool, error)) error {
	worker := c.worker
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		done, err := try()
		if done {
			return err
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-worker.done:
			return fmt.Errorf("%w: %w", errWorkerExited, worker.exitError())
		case <-deadline.C:
			return fmt.Errorf("%s: not done within %v (last: %v); see %s", what, timeout, last, worker.log.Name())
		case <-tick.C:
		}
	}
}

// waitREST waits until the worker answers on its REST API.
func (c *restClient) waitREST(ctx context.Context) error {
	return c.poll(ctx, 90*time.Second, "waiting for the worker's REST API", func() (bool, error) {
		status, body, err := c.call(ctx, http.MethodGet, "/", nil)
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("GET / answered %d %s", status, body)
		}
		return err == nil, err
	})
}

// putConnector creates the connector by POSTing body, as a user would, or
// updates its config when it exists already with another one (a restart
// keeps the data), or keeps it as it is.
// Conflicts while the worker joins its group are retried.
func (c *restClient) putConnector(ctx context.Context, req createRequest, body []byte) (string, error) {
	verb := ""
	err := c.poll(ctx, 60*time.Second, "creating the connector", func() (bool, error) {
		status, answer, err := c.call(ctx, http.MethodGet, "/connectors/"+req.Name, nil)
		if err != nil {
			return false, err
		}
		switch status {
		case http.StatusNotFound:
			verb = "created"
			status, answer, err = c.call(ctx, http.MethodPost, "/connectors", body)
		case http.StatusOK:
			var existing struct {
				Config map[string]string `json:"config"`
			}
			if err := json.Unmarshal([]byte(answer), &existing); err != nil {
				return true, fmt.Errorf("GET /connectors/%s: %w", req.Name, err)
			}
			if sameConfig(existing.Config, req.Name, req.Config) {
				// Writing the same config again would restart the
				// connector (as in Java), and its status would read
				// RUNNING from before the restart for a moment.
				verb = "kept"
				return true, nil
			}
			verb = "updated"
			cfg, merr := json.Marshal(req.Config)
			if merr != nil {
				return true, merr
			}
			status, answer, err = c.call(ctx, http.MethodPut, "/connectors/"+req.Name+"/config", cfg)
		}
		switch {
		case err != nil:
			return false, err
		case status == http.StatusOK || status == http.StatusCreated:
			return true, nil
		case status == http.StatusBadRequest:
			return true, fmt.Errorf("the worker refused it: %s", answer)
		}
		return false, fmt.Errorf("answered %d %s", status, answer)
	})
	return verb, err
}

// sameConfig reports whether the worker's config of a connector (strings,
// with the name the worker adds) is want, whose values the JSON file may
// give as numbers or booleans.
func sameConfig(have map[string]string, name string, want map[string]any) bool {
	n := len(want)
	if _, ok := want["name"]; !ok {
		if have["name"] != name {
			return false
		}
		n++
	}
	if len(have) != n {
		return false
	}
	for k, v := range want {
		s, ok := v.(string)
		if !ok {
			b, err := json.Marshal(v)
			if err != nil {
				return false
			}
			s = string(b)
		}
		if have[k] != s {
			return false
		}
	}
	return true
}

// waitRunning waits until the connector and its tasks run; a failed task
// ends the wait with its trace.
func (c *restClient) waitRunning(ctx context.Context, name string) error {
	return c.poll(ctx, 60*time.Second, "waiting for the connector to run", func() (bool, error) {
		status, body, err := c.call(ctx, http.MethodGet, "/connectors/"+name+"/status", nil)
		if err != nil {
			return false, err
		}
		if status != http.StatusOK {
			return false, fmt.Errorf("status answered %d %s", status, body)
		}
		var st struct {
			Connector struct{ State, Trace string }
			Tasks     []struct {
				ID    int
				State string
				Trace string
			}
		}
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			return false, err
		}
		if st.Connector.State == "FAILED" {
			return true, fmt.Errorf("connector %s failed: %s", name, st.Connector.Trace)
		}
		if st.Connector.State != "RUNNING" || len(st.Tasks) == 0 {
			return false, fmt.Errorf("connector %s %s with %d tasks", name, st.Connector.State, len(st.Tasks))
		}
		for _, t := range st.Tasks {
			if t.State == "FAILED" {
				return true, fmt.Errorf("connector %s task %d failed: %s", name, t.ID, t.Trace)
			}
			if t.State != "RUNNING" {
				return false, fmt.Errorf("task %d %s", t.ID, t.State)
			}
		}
		return true, nil
	})
}

type banner struct {
	bootstrap, kafkaDir                      string
	rest, workerProps, workerLog, seedWorker string
	connector, connectorFile, verb           string
	changes                                  []string
	endpoint                                 string
	local                                    bool
	rate                                     int
}

func printBanner(out io.Writer, b banner) {
	w := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	u, _ := url.Parse(b.endpoint)
	base := u.Scheme + "://" + u.Host
	w("")
	w("Humio quickstart: application logs from Kafka to Humio through the Elasticsearch sink")
	w("  embedded Kafka broker  %s  (data in %s)", b.bootstrap, b.kafkaDir)
	w("  connect-distributed    %s  (%s, from %s; log in %s)", b.rest, b.workerProps, b.seedWorker, b.workerLog)
	w("  connector              %s, %s from %s", b.connector, b.verb, b.connectorFile)
	for _, c := range b.changes {
		w("                         with %s", c)
	}
	if b.local {
		w("  Humio endpoint         %s  (a local Humio-compatible test server)", b.endpoint)
	} else {
		w("  Humio                  %s  (ingest token from HUMIO_TOKEN)", b.endpoint)
	}
	w("  sample logs            %d JSON events per second to the topic %s", b.rate, logsTopic)
	w("")
	w("Watch it:")
	w("  curl -s %s/connectors/%s/status", b.rest, b.connector)
	if b.local {
		w("  curl -s %s/_humiotest/stats                      # events received so far", base)
	} else {
		w("  search the repository of the ingest token in Humio, e.g. service=checkout level=error")
	}
	w("Pause and resume the connector (events wait in Kafka meanwhile, nothing is lost):")
	w("  curl -s -X PUT %s/connectors/%s/pause", b.rest, b.connector)
	w("  curl -s -X PUT %s/connectors/%s/resume", b.rest, b.connector)
	if b.local {
		w("Make the endpoint answer 503 for 10 s; the sink retries, then catches up:")
		w("  curl -s -X POST '%s/_humiotest/fail?status=503&for=10s'", base)
	}
	w("More: curl -s %s/connectors?expand=status   (the REST API is Kafka Connect's)", b.rest)
	w("")
	w("Ctrl-C stops it all: the producer, then the worker (it sends what it read and commits), then the endpoint and the broker.")
}
