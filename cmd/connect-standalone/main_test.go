package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

const totalLines = 100_000

// fileRun is one connect-standalone setup copying in.txt to out.txt through
// a topic, as Kafka's own quickstart does.
type fileRun struct {
	t       *testing.T
	bin     string
	dir     string
	url     string
	args    []string
	in, out string
}

func newFileRun(t *testing.T) *fileRun {
	bin := proctest.Binary(t, "connect-standalone")
	broker := proctest.Broker(t)
	dir := t.TempDir()
	port := proctest.FreePort(t)
	r := &fileRun{t: t, bin: bin, dir: dir, url: fmt.Sprintf("http://127.0.0.1:%d", port),
		in: filepath.Join(dir, "in.txt"), out: filepath.Join(dir, "out.txt")}
	worker := proctest.WriteFile(t, dir, "worker.properties", fmt.Sprintf(`
bootstrap.servers=%s
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
offset.storage.file.filename=%s
offset.flush.interval.ms=500
# A killed worker's sink consumer leaves the group after this long.
consumer.session.timeout.ms=3000
consumer.heartbeat.interval.ms=500
listeners=http://127.0.0.1:%d
`, strings.Join(broker.ListenAddrs(), ","), filepath.Join(dir, "connect.offsets"), port))
	source := proctest.WriteFile(t, dir, "source.properties", fmt.Sprintf(`
name=local-file-source
connector.class=FileStreamSource
tasks.max=1
file=%s
topic=connect-test
`, r.in))
	sink := proctest.WriteFile(t, dir, "sink.json", fmt.Sprintf(`{"name":"local-file-sink","config":{
  "connector.class":"org.apache.kafka.connect.file.FileStreamSinkConnector","tasks.max":1,
  "file":%q,"topics":"connect-test"}}`, r.out))
	r.args = []string{worker, source, sink}
	return r
}

func (r *fileRun) start() *proctest.Process {
	p := proctest.Start(r.t, r.bin, r.args...)
	proctest.WaitFor(r.t, 60*time.Second, func() error {
		if p.Exited() {
			r.t.Fatalf("connect-standalone exited:\n%s", p.Output())
		}
		for _, c := range []string{"local-file-source", "local-file-sink"} {
			var st proctest.Status
			if err := proctest.GetJSON(r.url+"/connectors/"+c+"/status", &st); err != nil {
				return err
			}
			if err := st.Running(1); err != nil {
				return fmt.Errorf("%s: %w", c, err)
			}
		}
		return nil
	})
	return p
}

func writeLines(t *testing.T, path string, from, to int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := from; i < to; i++ {
		fmt.Fprintf(w, "line-%06d\n", i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// countLines reads the output and counts each line.
func countLines(path string) (map[string]int, int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	counts := map[string]int{}
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		if l == "" {
			continue
		}
		counts[l]++
		n++
	}
	return counts, n, nil
}

// waitLines waits until the output holds at least atLeast distinct lines.
func (r *fileRun) waitLines(atLeast int, timeout time.Duration) {
	r.t.Helper()
	proctest.WaitFor(r.t, timeout, func() error {
		counts, _, err := countLines(r.out)
		if err != nil {
			return err
		}
		if len(counts) < atLeast {
			return fmt.Errorf("%d distinct lines in the output, want %d", len(counts), atLeast)
		}
		return nil
	})
}

// checkAll verifies every input line is in the output, exactly once when
// exact is set.
func (r *fileRun) checkAll(exact bool) {
	r.t.Helper()
	counts, n, err := countLines(r.out)
	if err != nil {
		r.t.Fatal(err)
	}
	missing, dup := 0, 0
	for i := 0; i < totalLines; i++ {
		c := counts[fmt.Sprintf("line-%06d", i)]
		if c == 0 {
			missing++
		}
		if c > 1 {
			dup += c - 1
		}
	}
	if missing > 0 {
		var odd []string // lines that are not input lines: torn or glued
		for l := range counts {
			if len(l) != len("line-000000") || !strings.HasPrefix(l, "line-") {
				odd = append(odd, l)
			}
		}
		r.t.Fatalf("%d of %d lines missing (%d lines in output; lines that are no input line: %q)", missing, totalLines, n, odd)
	}
	if exact && (dup > 0 || n != totalLines) {
		r.t.Fatalf("%d duplicated lines (%d lines in output), want exactly once", dup, n)
	}
	r.t.Logf("%d lines in the output, %d duplicates", n, dup)
}

// A graceful stop flushes and commits both sides, so a restart neither
// loses nor repeats a line.
func TestFileCopyExactlyOnceAcrossSIGTERM(t *testing.T) {
	r := newFileRun(t)
	writeLines(t, r.in, 0, totalLines/2)
	p := r.start()
	r.waitLines(totalLines/10, 60*time.Second)
	writeLines(t, r.in, totalLines/2, totalLines)
	p.Signal(syscall.SIGTERM)
	if err := p.Wait(60 * time.Second); err != nil {
		t.Fatalf("connect-standalone did not stop cleanly: %v\n%s", err, p.Output())
	}
	_, mid, _ := countLines(r.out)
	t.Logf("%d lines copied before SIGTERM", mid)
	r.start()
	r.waitLines(totalLines, 120*time.Second)
	r.checkAll(true)
}

// A crash may replay but never loses a line.
func TestFileCopyAtLeastOnceAcrossSIGKILL(t *testing.T) {
	r := newFileRun(t)
	writeLines(t, r.in, 0, totalLines)
	p := r.start()
	r.waitLines(totalLines/5, 60*time.Second)
	p.Signal(syscall.SIGKILL)
	p.Wait(30 * time.Second)
	r.start()
	r.waitLines(totalLines, 120*time.Second)
	r.checkAll(false)
}
