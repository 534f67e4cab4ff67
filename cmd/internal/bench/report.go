package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// results is everything one run measured; it is written as
// docs/benchmarks.json.
type results struct {
	Date       string       `json:"date"`
	Commit     string       `json:"commit"`
	Machine    machine      `json:"machine"`
	Records    int          `json:"records"`
	EventBytes int          `json:"event_bytes"`
	Partitions int          `json:"partitions"`
	Repeat     int          `json:"runs_per_case"`
	Start      startResult  `json:"start"`
	Cases      []caseResult `json:"cases"`
}

type startResult struct {
	MS         []float64 `json:"ms"`
	MedianMS   float64   `json:"median_ms"`
	IdleRSSMiB float64   `json:"idle_rss_mib"`
}

type rawRunResult struct {
	Records       int64   `json:"records"`
	Seconds       float64 `json:"seconds"`
	RecordsPerSec float64 `json:"records_per_sec"`
	MBPerSec      float64 `json:"mb_per_sec"`
	CPUPerMillion float64 `json:"cpu_sec_per_million"`
	PeakRSSMiB    float64 `json:"peak_rss_mib"`
	// HarnessCPUPerMillion is the benchmark process's CPU (broker,
	// endpoint) per million records; OtherCores the cores other processes
	// of the machine kept busy meanwhile.
	HarnessCPUPerMillion float64 `json:"harness_cpu_sec_per_million"`
	OtherCores           float64 `json:"other_processes_cores"`
}

// pipelineResult is one run of a case: the whole topic through a fresh
// worker (and, in the first run of a case, the latency phase).
type pipelineResult struct {
	Records       int64   `json:"records"`
	Seconds       float64 `json:"seconds"`
	WallSeconds   float64 `json:"seconds_from_connector_creation"`
	RecordsPerSec float64 `json:"records_per_sec"`
	MBPerSec      float64 `json:"mb_per_sec"`
	LatencyRate   int     `json:"latency_rate,omitempty"`
	LatencyP50MS  float64 `json:"latency_p50_ms,omitempty"`
	LatencyP99MS  float64 `json:"latency_p99_ms,omitempty"`
	PeakRSSMiB    float64 `json:"peak_rss_mib"`
	CPUPerMillion float64 `json:"cpu_sec_per_million"`
	Requests      int64   `json:"bulk_requests"`
	RawJSONPath   bool    `json:"raw_json_path"`
	// Bulk responses the sink's tasks settled by "errors":false alone, and
	// those whose items they decoded one by one (from their stop logs).
	ResponsesByFlag  int64 `json:"bulk_responses_by_errors_flag"`
	ResponsesDecoded int64 `json:"bulk_responses_decoded_item_by_item"`
	// See rawRunResult.
	HarnessCPUPerMillion float64 `json:"harness_cpu_sec_per_million"`
	OtherCores           float64 `json:"other_processes_cores"`
}

// caseResult is one configuration of the worker: the runs of the bare
// consumer and of the pipeline, taken in turns, and what the report
// says of them: rates and CPU are medians, peak RSS the largest of the
// runs, latency from the first run.
type caseResult struct {
	Case       string `json:"case"`
	Tasks      int    `json:"tasks"`
	Gzip       bool   `json:"gzip"`
	Transforms bool   `json:"transforms"`

	RecordsPerSec    float64 `json:"records_per_sec"`
	MBPerSec         float64 `json:"mb_per_sec"`
	RawRecordsPerSec float64 `json:"raw_records_per_sec"`
	RatioToRaw       float64 `json:"ratio_to_raw"`
	LatencyRate      int     `json:"latency_rate"`
	LatencyP50MS     float64 `json:"latency_p50_ms"`
	LatencyP99MS     float64 `json:"latency_p99_ms"`
	PeakRSSMiB       float64 `json:"peak_rss_mib"`
	CPUPerMillion    float64 `json:"cpu_sec_per_million"`
	RawJSONPath      bool    `json:"raw_json_path"`
	ResponsesByFlag  int64   `json:"bulk_responses_by_errors_flag"`
	ResponsesDecoded int64   `json:"bulk_responses_decoded_item_by_item"`
	OtherCores       float64 `json:"other_processes_cores_max"`

	Runs    []pipelineResult `json:"runs"`
	RawRuns []rawRunResult   `json:"raw_runs"`
}

// summarize fills the report's figures from the runs.
func (c *caseResult) summarize() {
	var rate, mb, cpu, raw []float64
	c.RawJSONPath = len(c.Runs) > 0
	c.PeakRSSMiB, c.OtherCores = 0, 0
	c.ResponsesByFlag, c.ResponsesDecoded = 0, 0
	for _, r := range c.Runs {
		rate = append(rate, r.RecordsPerSec)
		mb = append(mb, r.MBPerSec)
		cpu = append(cpu, r.CPUPerMillion)
		c.PeakRSSMiB = max(c.PeakRSSMiB, r.PeakRSSMiB)
		c.OtherCores = max(c.OtherCores, r.OtherCores)
		c.RawJSONPath = c.RawJSONPath && r.RawJSONPath
		c.ResponsesByFlag += r.ResponsesByFlag
		c.ResponsesDecoded += r.ResponsesDecoded
		if r.LatencyRate > 0 && c.LatencyRate == 0 {
			c.LatencyRate, c.LatencyP50MS, c.LatencyP99MS = r.LatencyRate, r.LatencyP50MS, r.LatencyP99MS
		}
	}
	for _, r := range c.RawRuns {
		raw = append(raw, r.RecordsPerSec)
		c.OtherCores = max(c.OtherCores, r.OtherCores)
	}
	c.RecordsPerSec, c.MBPerSec, c.CPUPerMillion = medianF(rate), medianF(mb), medianF(cpu)
	c.RawRecordsPerSec = medianF(raw)
	if c.RawRecordsPerSec > 0 {
		c.RatioToRaw = c.RecordsPerSec / c.RawRecordsPerSec
	}
}

// rawRuns is every run of the bare consumer.
func (r *results) rawRuns() []rawRunResult {
	var out []rawRunResult
	for _, c := range r.Cases {
		out = append(out, c.RawRuns...)
	}
	return out
}

// rawSummary is the median rate, MB/s and CPU of all bare consumer runs
// and their largest peak RSS.
func (r *results) rawSummary() (rate, mb, cpu, peak float64) {
	var rates, mbs, cpus []float64
	for _, raw := range r.rawRuns() {
		rates = append(rates, raw.RecordsPerSec)
		mbs = append(mbs, raw.MBPerSec)
		cpus = append(cpus, raw.CPUPerMillion)
		peak = max(peak, raw.PeakRSSMiB)
	}
	return medianF(rates), medianF(mbs), medianF(cpus), peak
}

// Targets of issue 6.
const (
	targetRatio4     = 0.75
	targetRatio1     = 0.6
	targetPeakRSSMiB = 64
	targetIdleRSSMiB = 20
	targetStartMS    = 100
)

type target struct {
	what  string
	value string
	holds bool
}

func (r *results) targets() []target {
	var out []target
	for _, p := range r.Cases {
		if p.Gzip || p.Transforms {
			continue
		}
		want := targetRatio1
		if p.Tasks > 1 {
			want = targetRatio4
		}
		// Three decimals: 0.749 must not read as 0.75.
		out = append(out, target{fmt.Sprintf("%s: at least %.2f of the raw consume rate", p.Case, want),
			fmt.Sprintf("%.3f", p.RatioToRaw), p.RatioToRaw >= want})
	}
	for _, p := range r.Cases {
		out = append(out, target{fmt.Sprintf("%s: peak RSS at most %d MiB", p.Case, targetPeakRSSMiB),
			fmt.Sprintf("%.1f MiB", p.PeakRSSMiB), p.PeakRSSMiB <= targetPeakRSSMiB})
	}
	out = append(out,
		target{fmt.Sprintf("idle RSS at most %d MiB", targetIdleRSSMiB), fmt.Sprintf("%.1f MiB", r.Start.IdleRSSMiB),
			r.Start.IdleRSSMiB <= targetIdleRSSMiB},
		target{fmt.Sprintf("start to first REST answer at most %d ms", targetStartMS), fmt.Sprintf("%.1f ms", r.Start.MedianMS),
			r.Start.MedianMS <= targetStartMS})
	for _, p := range r.Cases {
		if p.Transforms {
			continue
		}
		out = append(out, target{p.Case + ": values pass through undecoded (raw JSON path)", fmt.Sprint(p.RawJSONPath), p.RawJSONPath})
	}
	// The endpoint answers "errors":false with every item: no response
	// should have had its items decoded.
	for _, p := range r.Cases {
		out = append(out, target{p.Case + ": \"errors\":false responses settled without decoding their items",
			fmt.Sprintf("%d of %d", p.ResponsesByFlag, p.ResponsesByFlag+p.ResponsesDecoded),
			p.ResponsesByFlag > 0 && p.ResponsesDecoded == 0})
	}
	return out
}

func (r *results) targetsText() string {
	var b strings.Builder
	b.WriteString("\nTargets:\n")
	for _, t := range r.targets() {
		mark := "holds"
		if !t.holds {
			mark = "MISSED"
		}
		fmt.Fprintf(&b, "  %-6s %s: %s\n", mark, t.what, t.value)
	}
	return b.String()
}

// markdownTable is the results section of docs/benchmarks.md.
func (r *results) markdownTable() string {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "Measured %s on %s (%d cores, %.1f GiB, Linux %s, %s; load average %s at the start), commit %s.\n",
		r.Date, m.CPU, m.Cores, m.MemoryGiB, m.Kernel, m.Go, m.LoadAvg, r.Commit)
	fmt.Fprintf(&b, "%d JSON events of %d bytes in %d partitions; each case run %d times, in turns with the bare consumer: "+
		"rates and CPU are medians, peak RSS the largest of the runs.\n\n", r.Records, r.EventBytes, r.Partitions, r.Repeat)
	b.WriteString("| case | records/s | MB/s | ratio to raw | latency p50 / p99 | peak RSS | CPU s per million |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	for _, p := range r.Cases {
		fmt.Fprintf(&b, "| %s | %.0f | %.1f | %.2f (raw %.0f/s) | %.1f / %.1f ms (at %d/s) | %.1f MiB | %.2f |\n",
			p.Case, p.RecordsPerSec, p.MBPerSec, p.RatioToRaw, p.RawRecordsPerSec, p.LatencyP50MS, p.LatencyP99MS,
			p.LatencyRate, p.PeakRSSMiB, p.CPUPerMillion)
	}
	if raws := r.rawRuns(); len(raws) > 0 {
		rate, mb, cpu, peak := r.rawSummary()
		fmt.Fprintf(&b, "| raw consumer (all %d runs) | %.0f | %.1f | 1.00 | | %.1f MiB | %.2f |\n", len(raws), rate, mb, peak, cpu)
	}
	fmt.Fprintf(&b, "\nStart to first REST answer: median %.1f ms of %d starts (%s ms); idle RSS %.1f MiB.\n",
		r.Start.MedianMS, len(r.Start.MS), joinF(r.Start.MS, "%.1f"), r.Start.IdleRSSMiB)
	b.WriteString("\nEvery run (records/s; other processes' load in cores):\n\n")
	for _, p := range r.Cases {
		var runs, raws []string
		for _, run := range p.Runs {
			runs = append(runs, fmt.Sprintf("%.0f (%.2f)", run.RecordsPerSec, run.OtherCores))
		}
		for _, raw := range p.RawRuns {
			raws = append(raws, fmt.Sprintf("%.0f (%.2f)", raw.RecordsPerSec, raw.OtherCores))
		}
		fmt.Fprintf(&b, "- %s: %s; raw consumer %s\n", p.Case, strings.Join(runs, ", "), strings.Join(raws, ", "))
	}
	return b.String()
}

func joinF(fs []float64, format string) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = fmt.Sprintf(format, f)
	}
	return strings.Join(s, ", ")
}

const (
	beginMarker = "<!-- make bench: begin (generated; edits between the markers are overwritten) -->"
	endMarker   = "<!-- make bench: end -->"
)

// write puts benchmarks.json and benchmarks.png in dir and replaces the
// generated section of benchmarks.md, keeping the text around it.
func (r *results) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "benchmarks.json"), append(j, '\n'), 0o644); err != nil {
		return err
	}
	png, err := r.chart()
	if err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "benchmarks.png"), png, 0o644); err != nil {
		return err
	}
	mdPath := filepath.Join(dir, "benchmarks.md")
	md, err := os.ReadFile(mdPath)
	if os.IsNotExist(err) {
		md = []byte("# Benchmarks\n\n" + beginMarker + "\n" + endMarker + "\n")
	} else if err != nil {
		return err
	}
	section := beginMarker + "\n" + r.markdownTable() + "\nTargets (issue 6):\n\n"
	for _, t := range r.targets() {
		mark := "holds"
		if !t.holds {
			mark = "**missed**"
		}
		section += fmt.Sprintf("- %s — %s: %s\n", mark, t.what, t.value)
	}
	section += "\n![throughput and memory](benchmarks.png)\n" + endMarker
	i := bytes.Index(md, []byte(beginMarker))
	k := bytes.Index(md, []byte(endMarker))
	if i < 0 || k < i {
		return fmt.Errorf("%s: the markers of the generated section are missing or out of order", mdPath)
	}
	out := append(append(append([]byte{}, md[:i]...), section...), md[k+len(endMarker):]...)
	return os.WriteFile(mdPath, out, 0o644)
}
