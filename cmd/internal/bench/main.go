// Command bench is `make bench`: it measures the worker on this machine
// and writes docs/benchmarks.json, the results section of
// docs/benchmarks.md and docs/benchmarks.png.
//
// In one run it starts an embedded Kafka broker (kfake, in this process),
// produces the benchmark events into a 4-partition topic, and then, with
// the broker's log warm:
//
//   - starts connect-standalone a few times to time the first REST answer
//     and read its idle RSS;
//   - for each pipeline case, first runs a bare sarama consumer (this
//     program again, as a child process) over the topic: the raw limit
//     the case is compared with; then starts a worker, creates the Humio
//     sink connector pointing at a local bulk endpoint that only counts
//     (in this process), and times the whole topic through it, reading
//     the worker's CPU time and peak RSS from /proc; then produces events
//     at a steady rate and measures their latency from produce to arrival.
//
// The broker, the producer and the endpoint run in this process, so they
// share the machine's cores with the consumer being measured, the same way
// for the raw consumer and for the worker.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	worker       string
	records      int
	partitions   int
	out          string
	profile      string
	profileCase  string
	profileSecs  int
	cases        string
	startRuns    int
	repeat       int
	latencyRate  int
	latencyTime  time.Duration
	rawConsumeOf string // child mode: the brokers to read from
	produceTo    string
	keep         bool
	extra        string // more connector config, k=v,k=v
	workerEnv    string // more environment for the worker, k=v,k=v
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.worker, "worker", "bin/connect-standalone", "the connect-standalone binary to measure")
	fs.IntVar(&o.records, "records", 1_000_000, "events in the benchmark topic")
	fs.IntVar(&o.partitions, "partitions", 4, "partitions of the benchmark topic")
	fs.StringVar(&o.out, "out", "docs", "directory of benchmarks.json, benchmarks.md and benchmarks.png; empty writes nothing")
	fs.StringVar(&o.profile, "profile", "", "directory to write the worker's CPU, allocation and heap profiles of one case to (-profile-case; the worker runs with -debug-listener; figures of a profiled run are not written)")
	fs.StringVar(&o.profileCase, "profile-case", "4", "the case -profile profiles")
	fs.IntVar(&o.profileSecs, "profile-seconds", 0, "length of the CPU profile (default: about the time 400k records/s would take)")
	fs.StringVar(&o.cases, "cases", "1,4,gzip,transforms", "pipeline cases to run: 1, 4, gzip, transforms")
	fs.IntVar(&o.startRuns, "start-runs", 5, "worker starts to time")
	fs.IntVar(&o.repeat, "runs", 3, "runs of each case (each after a run of the bare consumer); medians are reported")
	fs.IntVar(&o.latencyRate, "latency-rate", 20_000, "events per second produced while latency is measured")
	fs.DurationVar(&o.latencyTime, "latency-time", 3*time.Second, "how long latency is measured")
	fs.BoolVar(&o.keep, "keep", false, "keep the scratch directory (worker configs and logs) and print where it is")
	fs.StringVar(&o.extra, "connector-config", "", "more connector settings for every case, as key=value,key=value (for experiments; results are not written with it)")
	fs.StringVar(&o.workerEnv, "worker-env", "", "more environment variables for the worker, as KEY=value,KEY=value (for experiments such as GOGC; results are not written with it)")
	fs.StringVar(&o.produceTo, "produce-to", "", "only produce the benchmark events to the topic bench (with -partitions partitions) of these brokers, comma-separated, and exit: to measure another worker on the same events")
	fs.StringVar(&o.rawConsumeOf, "raw-consume", "", "internal: run as the bare consumer child of these brokers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.rawConsumeOf != "" {
		return rawConsume(ctx, strings.Split(o.rawConsumeOf, ","), int64(o.records), stdout)
	}
	if o.produceTo != "" {
		p, err := newProducer(strings.Split(o.produceTo, ","), o.partitions)
		if err != nil {
			return err
		}
		start := time.Now()
		err = p.produce(ctx, 0, o.records, 0)
		if cerr := p.close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "produced %d events of %d bytes to %s in %.1fs\n", o.records, len(event(0, time.Now().UnixNano())), o.produceTo, time.Since(start).Seconds())
		return nil
	}
	if o.profile != "" || o.extra != "" || o.workerEnv != "" {
		o.out = ""
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	b, err := newBench(o, stdout, log)
	if err != nil {
		return err
	}
	res, err := b.run(ctx)
	if cerr := b.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, res.markdownTable())
	fmt.Fprint(stdout, res.targetsText())
	if o.out == "" {
		return nil
	}
	return res.write(o.out)
}

// buildCommit is the commit this program was built from, with "-dirty"
// when the checkout had changes.
func buildCommit() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		// Built with -buildvcs=false: ask git about the checkout.
		out, err := exec.Command("git", "rev-parse", "HEAD").Output()
		if err != nil {
			return "unknown"
		}
		rev = strings.TrimSpace(string(out))
		// docs/ is where the results go: a change there is no change to
		// what was measured.
		if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs").Output(); err == nil && len(st) > 0 {
			dirty = "-dirty"
		}
	}
	return rev[:min(12, len(rev))] + dirty
}

// progress prints a line of what the benchmark is doing.
func (b *bench) progress(format string, args ...any) {
	fmt.Fprintf(b.stdout, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// median of durations (of floats, via medianF).
func medianD(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianF(fs []float64) float64 {
	if len(fs) == 0 {
		return 0
	}
	s := slices.Clone(fs)
	slices.Sort(s)
	return s[len(s)/2]
}

func absPath(p string) (string, error) {
	a, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(a); err != nil {
		return "", fmt.Errorf("%s: %w (make bench builds it)", p, err)
	}
	return a, nil
}

var errTimeout = errors.New("timed out")
