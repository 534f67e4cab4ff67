// Command quickstart runs the pipeline of Humio's "Kafka connect" guide on
// a machine with nothing but Go: an embedded Kafka broker (data kept under
// -dir), a connect-distributed worker started from the guide's
// worker.properties (examples/worker.properties), the guide's connector
// (examples/humio-sink.json) created over the REST API, sample application
// logs produced to the topic logs, and a local Humio-compatible endpoint
// receiving them — or a real Humio when HUMIO_URL and HUMIO_TOKEN are set.
// `make quickstart` builds and runs it; Ctrl-C stops it cleanly.
//
// With -file it runs Kafka's own file quickstart instead, on a
// connect-standalone worker: lines appended to <dir>/input.txt travel
// through the topic connect-test into <dir>/output.txt.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

type options struct {
	dir        string
	kafkaPort  int
	restPort   int
	humioPort  int
	rate       int
	file       bool
	worker     string
	connector  string
	stopWithin time.Duration
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.StringVar(&o.dir, "dir", "quickstart-data", "folder for the broker's data, the worker's config and log")
	fs.IntVar(&o.kafkaPort, "kafka-port", 9092, "port of the embedded Kafka broker (0 picks a free one)")
	fs.IntVar(&o.restPort, "rest-port", 0, "port of the worker's REST API (0: rest.port of the worker.properties; 8083 with -file)")
	fs.IntVar(&o.humioPort, "humio-port", 8080, "port of the local Humio-compatible endpoint (0 picks a free one)")
	fs.IntVar(&o.rate, "events-per-second", 10, "sample log events produced per second (lines appended with -file; 0 for none)")
	fs.BoolVar(&o.file, "file", false, "run Kafka's file quickstart (FileStreamSource -> connect-test -> FileStreamSink) instead")
	fs.StringVar(&o.worker, "worker", filepath.Join("examples", "worker.properties"), "the worker.properties to start from")
	fs.StringVar(&o.connector, "connector", filepath.Join("examples", "humio-sink.json"), "the connector JSON to create")
	fs.DurationVar(&o.stopWithin, "stop-timeout", 60*time.Second, "how long the worker may take to stop before it is killed")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: quickstart [flags]  (run from the repository root; make quickstart does)")
		fmt.Fprintln(fs.Output(), "With HUMIO_URL and HUMIO_TOKEN set, the events go to that Humio instead of the local endpoint.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h: the flags were printed
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	dir, err := filepath.Abs(o.dir)
	if err != nil {
		return err
	}
	o.dir = dir
	if err := os.MkdirAll(filepath.Join(dir, "kafka"), 0o755); err != nil {
		return err
	}
	if o.file {
		return runFile(ctx, o, out)
	}
	return runHumio(ctx, o, out)
}

// startBroker starts the embedded broker, keeping its data under dir, on
// port or, when that one is taken, on a free one.
func startBroker(dir string, port int) (*kfake.Cluster, error) {
	port, _ = freePortOr(port)
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port), kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(1), kfake.DataDir(filepath.Join(dir, "kafka")))
	if err != nil {
		return nil, fmt.Errorf("starting the embedded Kafka broker: %w", err)
	}
	return c, nil
}

// freePortOr returns port when it is free on localhost (or 0), else 0 so
// that the listener picks one; taken reports the second case.
func freePortOr(port int) (_ int, taken bool) {
	if port == 0 {
		return 0, false
	}
	l, err := net.Listen("tcp", net.JoinHostPort("localhost", strconv.Itoa(port)))
	if err != nil {
		return 0, true
	}
	l.Close()
	return port, false
}

// pickPort returns port when it is free, else a free port.
func pickPort(port int) (int, error) {
	if p, _ := freePortOr(port); p != 0 {
		return p, nil
	}
	l, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// siblingBinary finds a command built next to this one (make build puts
// every command in bin/).
func siblingBinary(name string) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	p := filepath.Join(filepath.Dir(self), name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s not found next to the quickstart (%v); run `make quickstart`", name, err)
	}
	return p, nil
}

// child is a worker process the quickstart runs, its output going to a
// log file. A goroutine waits for it; done closes when it exited.
type child struct {
	name string
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
	err  error // Wait's result, set before done closes
}

func startChild(bin, logPath string, args ...string) (*child, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	c := &child{name: filepath.Base(bin), cmd: exec.Command(bin, args...), log: logFile, done: make(chan struct{})}
	c.cmd.Stdout, c.cmd.Stderr = logFile, logFile
	// Its own process group: Ctrl-C reaches the quickstart only, which
	// stops the producer first and then the worker.
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() {
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// exitError describes an unexpected exit, with the end of the log.
func (c *child) exitError() error {
	return fmt.Errorf("%s exited (%v); the end of %s:\n%s", c.name, c.err, c.log.Name(), logTail(c.log.Name(), 15))
}

// stop asks the process to stop gracefully (SIGTERM: the worker flushes
// and commits) and kills it after grace.
func (c *child) stop(grace time.Duration) error {
	defer c.log.Close()
	select {
	case <-c.done:
		return c.exitError()
	default:
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stopping %s: %w", c.name, err)
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-c.done:
		if c.err != nil {
			return fmt.Errorf("%s did not stop cleanly (%v); see %s", c.name, c.err, c.log.Name())
		}
		return nil
	case <-t.C:
		c.cmd.Process.Kill()
		<-c.done
		return fmt.Errorf("%s did not stop within %v and was killed; see %s", c.name, grace, c.log.Name())
	}
}

// logTail returns the last n lines of a file.
func logTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
