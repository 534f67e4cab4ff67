package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The events must be valid JSON of one size, or the sink drops them and
// the run measures nothing.
func TestEventIsValidJSONOfFixedSize(t *testing.T) {
	size := len(event(0, time.Now().UnixNano()))
	for _, i := range []int{0, 1, 9, 10, 99, 100, 999, 99_999, 100_000, 999_999, 1_234_567} {
		e := event(i, time.Now().UnixNano())
		if !json.Valid(e) {
			t.Fatalf("event %d is not valid JSON: %s", i, e)
		}
		if len(e) != size {
			t.Errorf("event %d has %d bytes, event 0 %d", i, len(e), size)
		}
	}
	if size < 480 || size > 520 {
		t.Errorf("events have %d bytes, want about 500", size)
	}
}

func TestEndpointCountsEventsAndLatencies(t *testing.T) {
	e, err := startEndpoint()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(e.srv.Handler)
	defer ts.Close()
	e.reset(3)
	sent := time.Now().Add(-5 * time.Millisecond)
	e.measureSince(sent.Add(-time.Millisecond))
	var body bytes.Buffer
	for i := range 3 {
		body.WriteString(`{"index":{"_index":"bench"}}` + "\n")
		body.Write(event(i, sent.UnixNano()))
		body.WriteByte('\n')
	}
	resp, err := http.Post(ts.URL+"/_bulk", "application/x-ndjson", &body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var answer struct {
		Errors bool             `json:"errors"`
		Items  []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(b, &answer); err != nil || answer.Errors || len(answer.Items) != 3 {
		t.Fatalf("answer %s: %v", b, err)
	}
	if got := e.events.Load(); got != 3 {
		t.Errorf("counted %d events, want 3", got)
	}
	if e.reached.Load() == 0 {
		t.Error("target of 3 events not noted as reached")
	}
	p := e.percentiles(0.5)
	if e.latencyCount() != 3 || p[0] < 5*time.Millisecond || p[0] > time.Minute {
		t.Errorf("%d latencies, p50 %v; want 3 of at least 5ms", e.latencyCount(), p[0])
	}

	// A body that is not action+document pairs is refused, not counted.
	resp, err = http.Post(ts.URL+"/_bulk", "application/x-ndjson", strings.NewReader("{}\n"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || e.events.Load() != 3 {
		t.Errorf("odd body: status %d, events %d", resp.StatusCode, e.events.Load())
	}
}

func TestWriteKeepsTextAroundTheGeneratedSection(t *testing.T) {
	dir := t.TempDir()
	md := "# Benchmarks\n\nintro\n\n" + beginMarker + "\nold\n" + endMarker + "\n\n## Notes\n\nkept\n"
	if err := os.WriteFile(filepath.Join(dir, "benchmarks.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	c := caseResult{Case: "4 tasks", Tasks: 4,
		Runs: []pipelineResult{
			{RecordsPerSec: 80, PeakRSSMiB: 30, RawJSONPath: true, LatencyRate: 10, LatencyP50MS: 1, LatencyP99MS: 2, ResponsesByFlag: 5},
			{RecordsPerSec: 70, PeakRSSMiB: 33, RawJSONPath: true, ResponsesByFlag: 6, ResponsesDecoded: 1},
			{RecordsPerSec: 90, PeakRSSMiB: 31, RawJSONPath: true, ResponsesByFlag: 7}},
		RawRuns: []rawRunResult{{RecordsPerSec: 100}, {RecordsPerSec: 120}, {RecordsPerSec: 90}}}
	c.summarize()
	if c.RecordsPerSec != 80 || c.RawRecordsPerSec != 100 || c.RatioToRaw != 0.8 || c.PeakRSSMiB != 33 || c.LatencyP99MS != 2 {
		t.Fatalf("summary %+v", c)
	}
	r := &results{Records: 10, Repeat: 3, Start: startResult{MS: []float64{5}, MedianMS: 5, IdleRSSMiB: 10},
		Cases: []caseResult{c}}
	if err := r.write(dir); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "benchmarks.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	for _, want := range []string{"intro", "## Notes\n\nkept", "| 4 tasks | 80 |", "holds — 4 tasks: at least 0.75 of the raw consume rate: 0.800", "peak RSS at most 64 MiB: 33.0 MiB",
		"**missed** — 4 tasks: \"errors\":false responses settled without decoding their items: 18 of 19"} {
		if !strings.Contains(s, want) {
			t.Errorf("benchmarks.md lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "\nold\n") {
		t.Errorf("the old generated section was kept:\n%s", s)
	}
	if _, err := os.Stat(filepath.Join(dir, "benchmarks.png")); err != nil {
		t.Error(err)
	}
}

// The counts come from the stop lines of every task in the worker's log.
func TestResponseCountsSumTheTasksStopLines(t *testing.T) {
	log := `time=t level=INFO msg="humio sink task started" connector=humio-sink task=0
time=t level=INFO msg="humio sink task stopped" connector=humio-sink task=0 bulk_responses_by_errors_flag=120 bulk_responses_decoded_item_by_item=0
time=t level=INFO msg="humio sink task stopped" connector=humio-sink task=1 bulk_responses_by_errors_flag=80 bulk_responses_decoded_item_by_item=2
`
	if byFlag, decoded := responseCounts([]byte(log)); byFlag != 200 || decoded != 2 {
		t.Errorf("got %d by the flag, %d decoded; want 200 and 2", byFlag, decoded)
	}
	if byFlag, decoded := responseCounts([]byte("no such line\n")); byFlag != 0 || decoded != 0 {
		t.Errorf("got %d, %d from a log without stop lines", byFlag, decoded)
	}
}
