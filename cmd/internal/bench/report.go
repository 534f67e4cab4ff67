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
	Date       string           `json:"date"`
	Commit     string           `json:"commit"`
	Machine    machine          `json:"machine"`
	Records    int              `json:"records"`
	EventBytes int              `json:"event_bytes"`
	Partitions int              `json:"partitions"`
	Start      startResult      `json:"start"`
	Raw        []rawRunResult   `json:"raw"`
	Pipelines  []pipelineResult `json:"pipelines"`
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

type pipelineResult struct {
	Case             string  `json:"case"`
	Tasks            int     `json:"tasks"`
	Gzip             bool    `json:"gzip"`
	Transforms       bool    `json:"transforms"`
	Records          int64   `json:"records"`
	Seconds          float64 `json:"seconds"`
	WallSeconds      float64 `json:"seconds_from_connector_creation"`
	RecordsPerSec    float64 `json:"records_per_sec"`
	MBPerSec         float64 `json:"mb_per_sec"`
	RawRecordsPerSec float64 `json:"raw_records_per_sec"`
	RatioToRaw       float64 `json:"ratio_to_raw"`
	LatencyRate      int     `json:"latency_rate"`
	LatencyP50MS     float64 `json:"latency_p50_ms"`
	LatencyP99MS     float64 `json:"latency_p99_ms"`
	PeakRSSMiB       float64 `json:"peak_rss_mib"`
	CPUPerMillion    float64 `json:"cpu_sec_per_million"`
	Requests         int64   `json:"bulk_requests"`
	// See rawRunResult.
	HarnessCPUPerMillion float64 `json:"harness_cpu_sec_per_million"`
	OtherCores           float64 `json:"other_processes_cores"`
	RawJSONPath          bool    `json:"raw_json_path"`
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
	for _, p := range r.Pipelines {
		if p.Gzip || p.Transforms {
			continue
		}
		want := targetRatio1
		if p.Tasks > 1 {
			want = targetRatio4
		}
		out = append(out, target{fmt.Sprintf("%s: at least %.2f of the raw consume rate", p.Case, want),
			fmt.Sprintf("%.2f", p.RatioToRaw), p.RatioToRaw >= want})
	}
	for _, p := range r.Pipelines {
		out = append(out, target{fmt.Sprintf("%s: peak RSS at most %d MiB", p.Case, targetPeakRSSMiB),
			fmt.Sprintf("%.1f MiB", p.PeakRSSMiB), p.PeakRSSMiB <= targetPeakRSSMiB})
	}
	out = append(out,
		target{fmt.Sprintf("idle RSS at most %d MiB", targetIdleRSSMiB), fmt.Sprintf("%.1f MiB", r.Start.IdleRSSMiB),
			r.Start.IdleRSSMiB <= targetIdleRSSMiB},
		target{fmt.Sprintf("start to first REST answer at most %d ms", targetStartMS), fmt.Sprintf("%.1f ms", r.Start.MedianMS),
			r.Start.MedianMS <= targetStartMS})
	for _, p := range r.Pipelines {
		if p.Transforms {
			continue
		}
		out = append(out, target{p.Case + ": values pass through undecoded (raw JSON path)", fmt.Sprint(p.RawJSONPath), p.RawJSONPath})
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
	fmt.Fprintf(&b, "%d JSON events of %d bytes in %d partitions.\n\n", r.Records, r.EventBytes, r.Partitions)
	b.WriteString("| case | records/s | MB/s | ratio to raw | latency p50 / p99 | peak RSS | CPU s per million |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	for _, p := range r.Pipelines {
		fmt.Fprintf(&b, "| %s | %.0f | %.1f | %.2f (raw %.0f/s) | %.1f / %.1f ms (at %d/s) | %.1f MiB | %.2f |\n",
			p.Case, p.RecordsPerSec, p.MBPerSec, p.RatioToRaw, p.RawRecordsPerSec, p.LatencyP50MS, p.LatencyP99MS,
			p.LatencyRate, p.PeakRSSMiB, p.CPUPerMillion)
	}
	for i, raw := range r.Raw {
		label := "raw consumer"
		if i < len(r.Pipelines) {
			label += " (before " + r.Pipelines[i].Case + ")"
		}
		fmt.Fprintf(&b, "| %s | %.0f | %.1f | 1.00 | | %.1f MiB | %.2f |\n", label, raw.RecordsPerSec, raw.MBPerSec,
			raw.PeakRSSMiB, raw.CPUPerMillion)
	}
	fmt.Fprintf(&b, "\nStart to first REST answer: median %.1f ms of %d starts (%s ms); idle RSS %.1f MiB.\n",
		r.Start.MedianMS, len(r.Start.MS), joinF(r.Start.MS, "%.1f"), r.Start.IdleRSSMiB)
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
