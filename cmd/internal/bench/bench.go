package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// bench owns everything one run starts: the broker, the endpoint, the
// producer and a scratch directory.
type bench struct {
	o      options
	stdout io.Writer
	log    *slog.Logger

	dir      string
	self     string // this program, for the raw consumer child
	worker   string
	broker   *kfake.Cluster
	brokers  []string
	ep       *endpoint
	epWG     sync.WaitGroup
	epErr    error
	prod     *producer
	produced int // events in the topic
}

func newBench(o options, stdout io.Writer, log *slog.Logger) (*bench, error) {
	worker, err := absPath(o.worker)
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this program: %w", err)
	}
	dir, err := os.MkdirTemp("", "connect-bench-")
	if err != nil {
		return nil, err
	}
	return &bench{o: o, stdout: stdout, log: log, dir: dir, self: self, worker: worker}, nil
}

func (b *bench) close() error {
	var errs []error
	if b.prod != nil {
		errs = append(errs, b.prod.close())
	}
	if b.ep != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		errs = append(errs, b.ep.shutdown(ctx))
		cancel()
		b.epWG.Wait()
		errs = append(errs, b.epErr)
	}
	if b.broker != nil {
		b.broker.Close()
	}
	if b.o.keep {
		b.progress("worker configs and logs kept in %s", b.dir)
	} else {
		errs = append(errs, os.RemoveAll(b.dir))
	}
	return errors.Join(errs...)
}

// pipelineCase is one configuration of the worker under test.
type pipelineCase struct {
	key        string
	name       string
	tasks      int
	gzip       bool
	transforms bool
}

var allCases = []pipelineCase{
	{key: "1", name: "1 task", tasks: 1},
	{key: "4", name: "4 tasks", tasks: 4},
	{key: "gzip", name: "4 tasks, gzip", tasks: 4, gzip: true},
	{key: "transforms", name: "4 tasks, 2 transforms", tasks: 4, transforms: true},
}

func (b *bench) run(ctx context.Context) (*results, error) {
	res := &results{Machine: describeMachine(), Commit: buildCommit(), Date: time.Now().UTC().Format(time.RFC3339),
		Records: b.o.records, Partitions: b.o.partitions}
	var cases []pipelineCase
	for _, k := range strings.Split(b.o.cases, ",") {
		found := false
		for _, c := range allCases {
			if c.key == strings.TrimSpace(k) {
				cases = append(cases, c)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("-cases: unknown case %q (known: 1, 4, gzip, transforms)", k)
		}
	}
	b.progress("machine: %s, %d cores, %.1f GiB, load %s", res.Machine.CPU, res.Machine.Cores, res.Machine.MemoryGiB, res.Machine.LoadAvg)

	var err error
	if b.broker, err = startBroker(b.o.partitions); err != nil {
		return nil, err
	}
	b.brokers = b.broker.ListenAddrs()
	if b.ep, err = startEndpoint(); err != nil {
		return nil, err
	}
	b.epWG.Go(func() { b.epErr = b.ep.serve() })
	if b.prod, err = newProducer(b.brokers, b.o.partitions); err != nil {
		return nil, err
	}

	t0 := time.Now()
	if err := b.prod.produce(ctx, 0, b.o.records, 0); err != nil {
		return nil, fmt.Errorf("producing the benchmark events: %w", err)
	}
	b.produced = b.o.records
	res.EventBytes = len(event(0, time.Now().UnixNano()))
	b.progress("produced %d events of %d bytes in %.1fs", b.o.records, res.EventBytes, time.Since(t0).Seconds())

	if res.Start, err = b.startTimes(ctx); err != nil {
		return nil, err
	}
	b.progress("start to first REST answer: median %.1f ms; idle RSS %.1f MiB", res.Start.MedianMS, res.Start.IdleRSSMiB)

	for _, c := range cases {
		cr := caseResult{Case: c.name, Tasks: c.tasks, Gzip: c.gzip, Transforms: c.transforms}
		for run := range b.o.repeat {
			raw, err := b.rawRun(ctx)
			if err != nil {
				return nil, err
			}
			cr.RawRuns = append(cr.RawRuns, raw)
			b.progress("raw consumer: %.0f records/s, %.1f MB/s, %.2f CPU s per million (broker and harness %.2f), peak RSS %.1f MiB; other processes %.2f cores",
				raw.RecordsPerSec, raw.MBPerSec, raw.CPUPerMillion, raw.HarnessCPUPerMillion, raw.PeakRSSMiB, raw.OtherCores)
			// Latency once per case: it does not depend on the run.
			p, err := b.pipelineRun(ctx, c, run == 0)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.name, err)
			}
			cr.Runs = append(cr.Runs, p)
			latency := ""
			if p.LatencyRate > 0 {
				latency = fmt.Sprintf(", latency p50 %.1f ms p99 %.1f ms at %d/s", p.LatencyP50MS, p.LatencyP99MS, p.LatencyRate)
			}
			b.progress("%s: %.0f records/s (%.2f of this raw run), %.1f MB/s, peak RSS %.1f MiB, %.2f CPU s per million (broker and harness %.2f); other processes %.2f cores%s",
				c.name, p.RecordsPerSec, p.RecordsPerSec/raw.RecordsPerSec, p.MBPerSec, p.PeakRSSMiB, p.CPUPerMillion,
				p.HarnessCPUPerMillion, p.OtherCores, latency)
		}
		cr.summarize()
		res.Cases = append(res.Cases, cr)
	}
	res.Repeat = b.o.repeat
	return res, nil
}

// startTimes starts the worker (no connectors) a few times, times the
// first REST answer and reads its RSS after a second of idling.
func (b *bench) startTimes(ctx context.Context) (startResult, error) {
	var out startResult
	var rss []float64
	for range b.o.startRuns {
		w, err := startWorker(b.worker, b.dir, b.env(), b.brokers)
		if err != nil {
			return out, err
		}
		d, err := w.waitREST(ctx, 30*time.Second)
		if err != nil {
			_ = w.stop(10 * time.Second)
			return out, err
		}
		out.MS = append(out.MS, ms(d))
		// Idle: the worker has nothing to do; its RSS after a second.
		t := time.NewTimer(time.Second)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		s, err := sampleProc(w.pid())
		if err == nil {
			rss = append(rss, mib(s.rss))
		}
		if serr := w.stop(10 * time.Second); serr != nil && err == nil {
			err = serr
		}
		if err != nil {
			return out, err
		}
	}
	out.MedianMS = medianF(out.MS)
	out.IdleRSSMiB = medianF(rss)
	return out, nil
}

// rawRun runs the bare consumer child over the topic.
func (b *bench) rawRun(ctx context.Context) (rawRunResult, error) {
	cmd := exec.CommandContext(ctx, b.self, "-raw-consume", strings.Join(b.brokers, ","), "-records", strconv.Itoa(b.o.records))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	meter := startCPUMeter()
	out, err := cmd.Output()
	if err != nil {
		return rawRunResult{}, fmt.Errorf("raw consumer: %w: %s", err, stderr.String())
	}
	var r rawResult
	if err := json.Unmarshal(out, &r); err != nil {
		return rawRunResult{}, fmt.Errorf("raw consumer output %q: %w", out, err)
	}
	if r.Problems != "" {
		return rawRunResult{}, fmt.Errorf("raw consumer: %s", r.Problems)
	}
	self, others := meter.stop(r.CPU)
	secs := r.Elapsed.Seconds()
	millions := float64(r.Records) / 1e6
	return rawRunResult{
		Records: r.Records, Seconds: secs, RecordsPerSec: float64(r.Records) / secs,
		MBPerSec: float64(r.Bytes) / secs / 1e6, CPUPerMillion: r.CPU.Seconds() / millions,
		PeakRSSMiB: mib(r.PeakRSS), HarnessCPUPerMillion: self.Seconds() / millions, OtherCores: others,
	}, nil
}

// connectorConfig is the Humio page's connector config pointed at the
// local endpoint, with the case's variations.
func (b *bench) connectorConfig(c pipelineCase) map[string]string {
	cfg := map[string]string{
		"connector.class":                 "io.confluent.connect.elasticsearch.ElasticsearchSinkConnector",
		"tasks.max":                       strconv.Itoa(c.tasks),
		"topics":                          benchTopic,
		"key.ignore":                      "true",
		"schema.ignore":                   "true",
		"behavior.on.malformed.documents": "warn",
		"drop.invalid.message":            "true",
		"connection.url":                  b.ep.url + "/api/v1/ingest/elastic-bulk",
		"type.name":                       "kafka-ingest",
		"max.retries":                     "1000",
	}
	if c.gzip {
		cfg["connection.compression"] = "true"
	}
	for _, kv := range strings.Split(b.o.extra, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			cfg[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	if c.transforms {
		cfg["transforms"] = "addEnv,dropSpan"
		cfg["transforms.addEnv.type"] = "org.apache.kafka.connect.transforms.InsertField$Value"
		cfg["transforms.addEnv.static.field"] = "env"
		cfg["transforms.addEnv.static.value"] = "production"
		cfg["transforms.dropSpan.type"] = "org.apache.kafka.connect.transforms.ReplaceField$Value"
		cfg["transforms.dropSpan.exclude"] = "span_id"
	}
	return cfg
}

// pipelineRun measures one case: the benchmark's events through a fresh
// worker, then, when asked, latency at a steady rate.
func (b *bench) pipelineRun(ctx context.Context, c pipelineCase, latency bool) (pipelineResult, error) {
	var out pipelineResult
	var extra []string
	var debugAddr string
	profiling := b.o.profile != "" && c.key == b.o.profileCase
	if profiling {
		port, err := freePort()
		if err != nil {
			return out, err
		}
		debugAddr = fmt.Sprintf("127.0.0.1:%d", port)
		extra = append(extra, "-debug-listener", debugAddr)
	}
	w, err := startWorker(b.worker, b.dir, b.env(), b.brokers, extra...)
	if err != nil {
		return out, err
	}
	defer func() { _ = w.stop(30 * time.Second) }()
	if _, err := w.waitREST(ctx, 30*time.Second); err != nil {
		return out, err
	}
	// The first records events of the topic (the latency phases added
	// more at its end).
	target := int64(b.o.records)
	b.ep.reset(target)
	before, err := sampleProc(w.pid())
	if err != nil {
		return out, err
	}
	name := fmt.Sprintf("bench-%s-%d", strings.ReplaceAll(c.key, ",", "-"), time.Now().UnixNano())
	posted := time.Now()
	meter := startCPUMeter()
	if err := w.createConnector(ctx, name, b.connectorConfig(c)); err != nil {
		return out, err
	}
	var profWG sync.WaitGroup
	var profErr error
	if profiling {
		// This process too (broker, endpoint): where the harness's CPU goes.
		f, err := os.Create(filepath.Join(b.o.profile, "harness-cpu.pprof"))
		if err != nil {
			return out, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return out, err
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
		profWG.Go(func() {
			// About the time the run takes.
			secs := b.o.profileSecs
			if secs <= 0 {
				secs = max(1, b.produced/400_000)
			}
			profErr = fetch(ctx, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", debugAddr, secs), filepath.Join(b.o.profile, "cpu.pprof"))
		})
	}
	var timeline []string
	lastT := time.Now()
	heapsTaken := 0
	if err := b.waitFor(ctx, w, name, 5*time.Minute, func() bool {
		if profiling && heapsTaken < 3 && b.ep.events.Load() >= target*int64(heapsTaken+1)/4 {
			// The heap at a quarter, half and three quarters of the run,
			// and the runtime's memory statistics in text.
			heapsTaken++
			n := heapsTaken
			profWG.Go(func() {
				for _, p := range []struct{ query, file string }{{"", "heap%d.pprof"}, {"?debug=1", "heap%d.txt"}} {
					path := filepath.Join(b.o.profile, fmt.Sprintf(p.file, n))
					if err := fetch(ctx, "http://"+debugAddr+"/debug/pprof/heap"+p.query, path); err != nil {
						b.log.Warn("heap profile", "error", err)
					}
				}
			})
		}
		if os.Getenv("BENCH_TIMELINE") != "" && time.Since(lastT) >= 100*time.Millisecond {
			lastT = time.Now()
			timeline = append(timeline, fmt.Sprintf("%.1f:%d", time.Since(posted).Seconds(), b.ep.events.Load()/1000))
		}
		return b.ep.reached.Load() != 0
	}); err != nil {
		return out, fmt.Errorf("waiting for %d events (got %d): %w", target, b.ep.events.Load(), err)
	}
	after, err := sampleProc(w.pid())
	if err != nil {
		return out, err
	}
	first, last := b.ep.firstAt.Load(), b.ep.reached.Load()
	secs := time.Duration(last - first).Seconds()
	n := b.ep.events.Load()
	out.Records = n
	out.Seconds = secs
	out.WallSeconds = time.Unix(0, last).Sub(posted).Seconds()
	out.RecordsPerSec = float64(n) / secs
	out.MBPerSec = out.RecordsPerSec * float64(len(event(0, 0))) / 1e6
	out.PeakRSSMiB = mib(after.hwm)
	out.CPUPerMillion = (after.cpu - before.cpu).Seconds() / (float64(n) / 1e6)
	self, others := meter.stop(after.cpu - before.cpu)
	out.HarnessCPUPerMillion, out.OtherCores = self.Seconds()/(float64(n)/1e6), others
	out.Requests = b.ep.requests.Load()
	if len(timeline) > 0 {
		b.progress("timeline (s:thousand events): %s; %d requests, at most %d at once", strings.Join(timeline, " "), out.Requests, b.ep.maxActive.Load())
	}
	out.RawJSONPath = w.logContains("delivering record values as raw JSON")
	profWG.Wait()
	if profErr != nil {
		return out, profErr
	}
	if profiling {
		if err := fetch(ctx, "http://"+debugAddr+"/debug/pprof/allocs", filepath.Join(b.o.profile, "allocs.pprof")); err != nil {
			return out, err
		}
		b.progress("profiles written to %s", b.o.profile)
	}

	if !latency {
		return out, b.stopWorker(w, &out)
	}
	// Latency: a steady stream well below the case's capacity, once the
	// worker read everything already in the topic.
	if err := b.waitFor(ctx, w, name, time.Minute, func() bool { return b.ep.events.Load() >= int64(b.produced) }); err != nil {
		return out, fmt.Errorf("waiting for the rest of the topic (%d events, got %d): %w", b.produced, b.ep.events.Load(), err)
	}
	rate := min(b.o.latencyRate, int(out.RecordsPerSec/2))
	count := int(float64(rate) * b.o.latencyTime.Seconds())
	b.ep.measureSince(time.Now())
	if err := b.prod.produce(ctx, b.produced, count, rate); err != nil {
		return out, fmt.Errorf("latency phase: %w", err)
	}
	b.produced += count
	if err := b.waitFor(ctx, w, name, time.Minute, func() bool { return b.ep.latencyCount() >= count }); err != nil {
		return out, fmt.Errorf("latency phase: waiting for %d events (got %d): %w", count, b.ep.latencyCount(), err)
	}
	b.ep.measuring.Store(false)
	p := b.ep.percentiles(0.5, 0.99)
	out.LatencyRate = rate
	out.LatencyP50MS, out.LatencyP99MS = ms(p[0]), ms(p[1])
	return out, b.stopWorker(w, &out)
}

// stopWorker stops the worker and reads from its tasks' stop logs how
// they settled the bulk responses.
func (b *bench) stopWorker(w *workerProc, out *pipelineResult) error {
	if err := w.stop(30 * time.Second); err != nil {
		return err
	}
	log, err := os.ReadFile(w.logPath)
	if err != nil {
		return err
	}
	out.ResponsesByFlag, out.ResponsesDecoded = responseCounts(log)
	return nil
}

// responseCounts sums the counts the Humio sink's tasks log when they stop.
func responseCounts(log []byte) (byFlag, decoded int64) {
	for _, m := range responseCountsLine.FindAllSubmatch(log, -1) {
		f, _ := strconv.ParseInt(string(m[1]), 10, 64)
		d, _ := strconv.ParseInt(string(m[2]), 10, 64)
		byFlag, decoded = byFlag+f, decoded+d
	}
	return byFlag, decoded
}

var responseCountsLine = regexp.MustCompile(`bulk_responses_by_errors_flag=(\d+) bulk_responses_decoded_item_by_item=(\d+)`)

// waitFor polls cond until it holds, the worker exits or timeout passes.
func (b *bench) waitFor(ctx context.Context, w *workerProc, connector string, timeout time.Duration, cond func() bool) error {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if w.exited() {
			return fmt.Errorf("the worker exited: %w", w.exitErr())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w after %v; connector status %s; worker log:\n%s", errTimeout, timeout,
				w.status(ctx, connector), w.logTail())
		}
		t := time.NewTimer(2 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// env is the extra environment of the worker (-worker-env).
func (b *bench) env() []string {
	var out []string
	for _, kv := range strings.Split(b.o.workerEnv, ",") {
		if kv = strings.TrimSpace(kv); kv != "" {
			out = append(out, kv)
		}
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mib(n int64) float64        { return float64(n) / (1 << 20) }
