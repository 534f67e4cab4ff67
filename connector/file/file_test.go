package file

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/connectortest"
)

func TestSinkConformance(t *testing.T) {
	var path string
	connectortest.SinkTask(t, connectortest.SinkTaskSuite{
		New: func() connector.SinkTask { return NewSinkTask() },
		Config: func(t *testing.T) map[string]string {
			path = filepath.Join(t.TempDir(), "sink.txt")
			return map[string]string{FileConfig: path}
		},
		Written: func(t *testing.T) []string { return readLines(t, path) },
	})
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSinkAppendsAndFormatsValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	if err := os.WriteFile(path, []byte("existing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	task := NewSinkTask()
	if err := task.Start(connectortest.NewSinkTaskContext(nil), map[string]string{FileConfig: path}); err != nil {
		t.Fatal(err)
	}
	recs := connectortest.SinkRecords("t", 0, 0, "plain")
	more := connectortest.SinkRecords("t", 0, 1, "", "", "", "", "", "")
	more[0].Value = nil
	more[1].Value = int64(42)
	more[2].Value = map[string]any{"b": 2.5, "a": true}
	more[3].Value = []any{int32(1), "x"}
	more[4].Value = connector.RawJSON(`{"raw":1}`)
	more[5].Value = 1e10
	if err := task.Put(t.Context(), append(recs, more...)); err != nil {
		t.Fatal(err)
	}
	if err := task.Stop(); err != nil {
		t.Fatal(err)
	}
	got := readLines(t, path)
	want := []string{"existing", "plain", "null", "42", "{a=true, b=2.5}", "[1, x]", `{"raw":1}`, "1.0E10"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("file holds %q, want %q", got, want)
	}
}

// A file left ending in the middle of a line (a worker killed while
// writing) gets a new line before the records replayed after the restart,
// so the first of them is not glued onto the torn one; a complete file,
// an empty one and a new one get nothing added.
func TestSinkStartsAfterATornLine(t *testing.T) {
	for _, c := range []struct{ before, want string }{
		{"line-1\nline-2\nlin", "line-1\nline-2\nlin\nline-2\n"},
		{"line-1\n", "line-1\nline-2\n"},
		{"", "line-2\n"},
	} {
		path := filepath.Join(t.TempDir(), "out.txt")
		if err := os.WriteFile(path, []byte(c.before), 0o644); err != nil {
			t.Fatal(err)
		}
		task := NewSinkTask()
		if err := task.Start(connectortest.NewSinkTaskContext(nil), map[string]string{FileConfig: path}); err != nil {
			t.Fatal(err)
		}
		if err := task.Put(t.Context(), connectortest.SinkRecords("t", 0, 0, "line-2")); err != nil {
			t.Fatal(err)
		}
		if err := task.Stop(); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != c.want {
			t.Errorf("after %q: file holds %q, want %q", c.before, got, c.want)
		}
	}
	path := filepath.Join(t.TempDir(), "new.txt")
	task := NewSinkTask()
	if err := task.Start(connectortest.NewSinkTaskContext(nil), map[string]string{FileConfig: path}); err != nil {
		t.Fatal(err)
	}
	if err := task.Stop(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); len(got) != 0 {
		t.Errorf("a new file holds %q", got)
	}
}

func TestSinkStartFailsOnUncreatableFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-dir", "out.txt")
	err := NewSinkTask().Start(connectortest.NewSinkTaskContext(nil), map[string]string{FileConfig: path})
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Start = %v, want an error naming %s", err, path)
	}
}

// A full device makes the flush fail; the error must reach the runtime so
// the offsets are not committed.
func TestSinkReportsWriteErrors(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	task := NewSinkTask()
	if err := task.Start(connectortest.NewSinkTaskContext(nil), map[string]string{FileConfig: "/dev/full"}); err != nil {
		t.Fatal(err)
	}
	if err := task.Put(t.Context(), connectortest.SinkRecords("t", 0, 0, "x")); err != nil {
		t.Fatal(err) // buffered
	}
	if err := task.Flush(t.Context(), nil); err == nil {
		t.Fatal("Flush to a full device returned no error")
	}
	_ = task.Stop()
}

func startSource(t *testing.T, path string, extra map[string]string, offsets *connectortest.SourceTaskContext) *SourceTask {
	t.Helper()
	cfg := map[string]string{FileConfig: path, TopicConfig: "lines"}
	for k, v := range extra {
		cfg[k] = v
	}
	ctx := offsets
	if ctx == nil {
		ctx = connectortest.NewSourceTaskContext(cfg)
	}
	task := NewSourceTask()
	if err := task.Start(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = task.Stop() })
	return task
}

func TestSourceReadsLinesWithPositions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	// \n, \r\n and a lone \r end lines; the last line has no end yet.
	if err := os.WriteFile(path, []byte("one\ntwo\r\nthree\rfour\nfive"), 0o644); err != nil {
		t.Fatal(err)
	}
	task := startSource(t, path, nil, nil)
	recs, err := task.Poll(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var positions []int64
	for _, r := range recs {
		got = append(got, r.Value.(string))
		positions = append(positions, r.SourceOffset[PositionField].(int64))
		if r.Topic != "lines" || r.SourcePartition[FilenameField] != path || r.ValueSchema == nil {
			t.Fatalf("record %+v", r)
		}
	}
	if strings.Join(got, ",") != "one,two,three,four" {
		t.Fatalf("lines %q", got)
	}
	if want := []int64{4, 9, 15, 20}; !equalInts(positions, want) {
		t.Fatalf("positions %v, want %v", positions, want)
	}
	// The rest of the last line arrives.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(" and more\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	recs, err = task.Poll(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Value != "five and more" || recs[0].SourceOffset[PositionField] != int64(34) {
		t.Fatalf("after append: %+v", recs)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSourceResumesFromCommittedPosition(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(path, []byte("a\nbb\nccc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := map[string]string{FileConfig: path, TopicConfig: "lines"}
	ctx := connectortest.NewSourceTaskContext(cfg)
	ctx.Offsets().SetOffset(map[string]any{FilenameField: path}, map[string]any{PositionField: int64(5)})
	task := startSource(t, path, nil, ctx)
	recs, err := task.Poll(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Value != "ccc" || recs[0].SourceOffset[PositionField] != int64(9) {
		t.Fatalf("resumed records %+v", recs)
	}
}

func TestSourceRejectsBadCommittedOffset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(path, []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := map[string]string{FileConfig: path, TopicConfig: "lines"}
	ctx := connectortest.NewSourceTaskContext(cfg)
	ctx.Offsets().SetOffset(map[string]any{FilenameField: path}, map[string]any{PositionField: "five"})
	task := startSource(t, path, nil, ctx)
	if _, err := task.Poll(t.Context()); err == nil || !strings.Contains(err.Error(), "position") {
		t.Fatalf("Poll = %v, want an error about the position", err)
	}
}

func TestSourceBatchSizeAndLongLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	long := strings.Repeat("x", 5000) // longer than the initial buffer
	content := long + "\n" + strings.Repeat("y\n", 10)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	task := startSource(t, path, map[string]string{BatchSizeConfig: "4"}, nil)
	var all []string
	for len(all) < 11 {
		recs, err := task.Poll(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) > 4 {
			t.Fatalf("poll returned %d records, batch.size is 4", len(recs))
		}
		for _, r := range recs {
			all = append(all, r.Value.(string))
		}
	}
	if all[0] != long || all[10] != "y" {
		t.Fatalf("unexpected lines")
	}
}

func TestSourceWaitsForFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "later.txt")
	task := startSource(t, path, nil, nil)
	start := time.Now()
	recs, err := task.Poll(t.Context())
	if err != nil || len(recs) != 0 {
		t.Fatalf("Poll before the file exists = %v %v", recs, err)
	}
	if time.Since(start) < 500*time.Millisecond {
		t.Fatalf("Poll returned at once instead of waiting for the file")
	}
	if err := os.WriteFile(path, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	recs, err = task.Poll(t.Context())
	if err != nil || len(recs) != 1 || recs[0].Value != "hello" {
		t.Fatalf("Poll after creation = %v %v", recs, err)
	}
}

func TestSourceStopWakesPoll(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	task := startSource(t, path, nil, nil)
	if _, err := task.Poll(t.Context()); err != nil { // opens the file, waits once
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = task.Poll(t.Context())
	}()
	if err := task.Stop(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Poll did not return after Stop")
	}
}

func TestConnectorsTaskConfigs(t *testing.T) {
	src := NewSourceConnector()
	cctx := connectortest.NewConnectorContext()
	if err := src.Start(cctx, map[string]string{FileConfig: "/x", TopicConfig: "t"}); err != nil {
		t.Fatal(err)
	}
	cfgs, _ := src.TaskConfigs(5)
	if len(cfgs) != 1 || cfgs[0][FileConfig] != "/x" {
		t.Fatalf("source task configs %v, want one", cfgs)
	}
	if err := src.Start(cctx, map[string]string{FileConfig: "/x"}); err == nil || !strings.Contains(err.Error(), TopicConfig) {
		t.Fatalf("source without topic: %v", err)
	}
	sink := NewSinkConnector()
	if err := sink.Start(cctx, map[string]string{FileConfig: "/y"}); err != nil {
		t.Fatal(err)
	}
	cfgs, _ = sink.TaskConfigs(3)
	if len(cfgs) != 3 {
		t.Fatalf("sink task configs %v, want 3", cfgs)
	}
	if src.TaskClass() != SourceTaskClass || sink.TaskClass() != SinkTaskClass {
		t.Fatal("task classes")
	}
}
