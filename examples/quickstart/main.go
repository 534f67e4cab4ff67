// Command quickstart runs Kafka Connect's quickstart on a machine with
// nothing but Go: it starts an embedded Kafka broker (data kept under
// -dir), a connect-standalone worker, and a pipeline you can watch and
// drive with curl. `make quickstart` builds and runs it.
//
// The file pipeline is Kafka's own quickstart: lines appended to
// <dir>/input.txt travel through the topic connect-test into
// <dir>/output.txt.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

type options struct {
	dir        string
	kafkaPort  int
	restPort   int
	sampleRate int
}

func run(ctx context.Context) error {
	var o options
	flag.StringVar(&o.dir, "dir", "quickstart-data", "folder for the broker's data and the pipeline's files")
	flag.IntVar(&o.kafkaPort, "kafka-port", 9092, "port of the embedded Kafka broker (0 picks a free one)")
	flag.IntVar(&o.restPort, "rest-port", 8083, "port of the worker's REST API")
	flag.IntVar(&o.sampleRate, "lines-per-second", 1, "sample lines appended to the input file per second (0 for none)")
	flag.Parse()

	dir, err := filepath.Abs(o.dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "kafka"), 0o755); err != nil {
		return err
	}
	broker, err := startBroker(dir, o.kafkaPort)
	if err != nil {
		return err
	}
	defer broker.Close()
	bootstrap := broker.ListenAddrs()[0]

	bin, err := siblingBinary("connect-standalone")
	if err != nil {
		return err
	}
	input, output := filepath.Join(dir, "input.txt"), filepath.Join(dir, "output.txt")
	for _, f := range []string{input, output} {
		fh, err := os.OpenFile(f, os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		fh.Close()
	}
	files := map[string]string{
		"worker.properties": fmt.Sprintf(`# The worker of the quickstart: Kafka's connect-standalone.properties,
# pointed at the embedded broker.
bootstrap.servers=%s
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
value.converter.schemas.enable=true
offset.storage.file.filename=%s
offset.flush.interval.ms=1000
listeners=http://localhost:%d
`, bootstrap, filepath.Join(dir, "connect.offsets"), o.restPort),
		"file-source.properties": fmt.Sprintf("name=local-file-source\nconnector.class=FileStreamSource\ntasks.max=1\nfile=%s\ntopic=connect-test\n", input),
		"file-sink.properties":   fmt.Sprintf("name=local-file-sink\nconnector.class=FileStreamSink\ntasks.max=1\nfile=%s\ntopics=connect-test\n", output),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}

	worker := exec.Command(bin, filepath.Join(dir, "worker.properties"),
		filepath.Join(dir, "file-source.properties"), filepath.Join(dir, "file-sink.properties"))
	logFile, err := os.Create(filepath.Join(dir, "worker.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	worker.Stdout, worker.Stderr = logFile, logFile
	if err := worker.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- worker.Wait() }()

	rest := "http://localhost:" + strconv.Itoa(o.restPort)
	fmt.Printf(`
Kafka Connect quickstart
  embedded Kafka broker   %s   (data in %s)
  connect-standalone      %s   (log in %s)

Lines appended to the input file arrive in the output file through the topic connect-test:
  echo "hello, connect" >> %s
  tail -f %s

Ask the worker what runs:
  curl -s %s/connectors?expand=status
  curl -s %s/connectors/local-file-sink/status
  curl -s %s/connector-plugins
  curl -s -X PUT %s/connectors/local-file-source/pause
  curl -s -X PUT %s/connectors/local-file-source/resume

Ctrl-C stops the worker (it flushes and commits first) and the broker.
`, bootstrap, filepath.Join(dir, "kafka"), rest, logFile.Name(), input, output, rest, rest, rest, rest, rest)

	samples := make(chan struct{})
	go appendSamples(ctx, input, o.sampleRate, samples)
	var runErr error
	select {
	case <-ctx.Done():
	case err := <-exited:
		runErr = fmt.Errorf("connect-standalone exited (%v); see %s", err, logFile.Name())
	}
	<-samples
	if runErr == nil {
		worker.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(60 * time.Second):
			worker.Process.Kill()
			<-exited
		}
		fmt.Println("stopped")
	}
	return runErr
}

// startBroker starts the embedded broker, keeping its data under dir.
func startBroker(dir string, port int) (*kfake.Cluster, error) {
	if port != 0 {
		// Fall back to a free port when the usual one is taken.
		if l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port))); err != nil {
			port = 0
		} else {
			l.Close()
		}
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port), kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(1), kfake.DataDir(filepath.Join(dir, "kafka")))
	if err != nil {
		return nil, fmt.Errorf("starting the embedded Kafka broker: %w", err)
	}
	return c, nil
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

// appendSamples appends a numbered line to the input file every so often
// until ctx ends, then closes done.
func appendSamples(ctx context.Context, path string, perSecond int, done chan<- struct{}) {
	defer close(done)
	if perSecond <= 0 {
		return
	}
	t := time.NewTicker(time.Second / time.Duration(perSecond))
	defer t.Stop()
	for i := 1; ; i++ {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := appendLine(path, fmt.Sprintf("sample line %d at %s", i, now.Format(time.RFC3339))); err != nil {
				fmt.Fprintln(os.Stderr, "quickstart: appending a sample line:", err)
				return
			}
		}
	}
}

func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString(line + "\n")
	return errors.Join(w.Flush(), f.Close())
}
