package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// runFile is Kafka's file quickstart on a connect-standalone worker: lines
// appended to <dir>/input.txt travel through the topic connect-test into
// <dir>/output.txt.
func runFile(ctx context.Context, o options, out io.Writer) error {
	broker, err := startBroker(o.dir, o.kafkaPort)
	if err != nil {
		return err
	}
	defer broker.Close()
	bootstrap := broker.ListenAddrs()[0]

	bin, err := siblingBinary("connect-standalone")
	if err != nil {
		return err
	}
	restPort := o.restPort
	if restPort == 0 {
		restPort = 8083
	}
	input, output := filepath.Join(o.dir, "input.txt"), filepath.Join(o.dir, "output.txt")
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
`, bootstrap, filepath.Join(o.dir, "connect.offsets"), restPort),
		"file-source.properties": fmt.Sprintf("name=local-file-source\nconnector.class=FileStreamSource\ntasks.max=1\nfile=%s\ntopic=connect-test\n", input),
		"file-sink.properties":   fmt.Sprintf("name=local-file-sink\nconnector.class=FileStreamSink\ntasks.max=1\nfile=%s\ntopics=connect-test\n", output),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(o.dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}

	worker, err := startChild(bin, filepath.Join(o.dir, "worker.log"), filepath.Join(o.dir, "worker.properties"),
		filepath.Join(o.dir, "file-source.properties"), filepath.Join(o.dir, "file-sink.properties"))
	if err != nil {
		return err
	}

	rest := "http://localhost:" + strconv.Itoa(restPort)
	fmt.Fprintf(out, `
Kafka Connect quickstart (Kafka's file pipeline)
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
`, bootstrap, filepath.Join(o.dir, "kafka"), rest, worker.log.Name(), input, output, rest, rest, rest, rest, rest)

	sctx, stopSamples := context.WithCancel(ctx)
	samples := make(chan error, 1)
	go func() { samples <- appendSamples(sctx, input, o.rate) }()
	var runErr error
	select {
	case <-ctx.Done():
	case <-worker.done:
		runErr = worker.exitError()
	case runErr = <-samples:
		samples <- runErr
	}
	stopSamples()
	if err := <-samples; err != nil && runErr == nil {
		runErr = err
	}
	if err := worker.stop(o.stopWithin); err != nil && runErr == nil {
		runErr = err
	}
	if runErr == nil {
		fmt.Fprintln(out, "stopped")
	}
	return runErr
}

// appendSamples appends a numbered line to the input file every so often
// until ctx ends.
func appendSamples(ctx context.Context, path string, perSecond int) error {
	if perSecond <= 0 {
		return nil
	}
	t := time.NewTicker(time.Second / time.Duration(perSecond))
	defer t.Stop()
	for i := 1; ; i++ {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			if err := appendLine(path, fmt.Sprintf("sample line %d at %s", i, now.Format(time.RFC3339))); err != nil {
				return fmt.Errorf("appending a sample line to %s: %w", path, err)
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
