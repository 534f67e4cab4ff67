package metrics

import (
	"math"
	"time"
)

// sample is one time slice of a Window: what was recorded from start on.
type sample struct {
	start int64 // unix millis
	count int64
	sum   float64
	max   float64
}

func (s *sample) reset(now int64) {
	*s = sample{start: now, max: math.Inf(-1)}
}

// Window keeps the last few time slices of a recorded value, as Kafka's
// SampledStat does (metrics.num.samples slices of metrics.sample.window.ms
// each): a value lands in the current slice, a slice is complete once its
// window has passed, and slices older than all windows together are
// forgotten when measured. One Window answers Kafka's Rate, Avg and Max
// over the same records, so a sensor with several stats needs one.
// It also keeps the cumulative sum and count (CumulativeSum,
// CumulativeCount). A Window is not safe for concurrent use; its owner
// (a task's group) holds a lock.
type Window struct {
	samples  []sample
	current  int
	windowMs int64
	total    float64
	events   int64
}

func newWindow(samples int, window time.Duration) Window {
	if samples < 1 {
		samples = 1
	}
	return Window{samples: make([]sample, 0, samples), windowMs: max(window.Milliseconds(), 1)}
}

// Record adds a value observed at now (unix millis).
func (w *Window) Record(v float64, now int64) {
	w.total += v
	w.events++
	s := w.currentSample(now)
	if now-s.start >= w.windowMs {
		s = w.advance(now)
	}
	s.sum += v
	s.count++
	s.max = max(s.max, v)
}

func (w *Window) currentSample(now int64) *sample {
	if len(w.samples) == 0 {
		w.samples = append(w.samples, sample{})
		w.samples[0].reset(now)
		w.current = 0
	}
	return &w.samples[w.current]
}

func (w *Window) advance(now int64) *sample {
	w.current = (w.current + 1) % cap(w.samples)
	if w.current >= len(w.samples) {
		w.samples = append(w.samples, sample{})
	}
	s := &w.samples[w.current]
	s.reset(now)
	return s
}

// purge forgets slices that ended before every window still counts.
func (w *Window) purge(now int64) {
	expire := int64(cap(w.samples)) * w.windowMs
	for i := range w.samples {
		if now-w.samples[i].start >= expire {
			w.samples[i].reset(now)
		}
	}
}

// Avg is the mean of the values in the window, NaN when there are none.
func (w *Window) Avg(now int64) float64 {
	w.purge(now)
	var sum float64
	var n int64
	for _, s := range w.samples {
		sum += s.sum
		n += s.count
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// Max is the largest value in the window, NaN when there are none.
func (w *Window) Max(now int64) float64 {
	w.purge(now)
	m, n := math.Inf(-1), int64(0)
	for _, s := range w.samples {
		if s.count > 0 {
			m = max(m, s.max)
			n += s.count
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return m
}

// Rate is the sum of the values in the window per second. As Kafka's Rate,
// the elapsed time is measured from the oldest slice's start but counts at
// least all windows but one, so that a rate does not spike while the
// first slice is young.
func (w *Window) Rate(now int64) float64 {
	w.purge(now)
	var sum float64
	for _, s := range w.samples {
		sum += s.sum
	}
	oldest := w.currentSample(now).start
	for _, s := range w.samples {
		oldest = min(oldest, s.start)
	}
	elapsed := now - oldest
	full := elapsed / w.windowMs
	if minFull := int64(cap(w.samples) - 1); full < minFull {
		elapsed += (minFull - full) * w.windowMs
	}
	return sum / (float64(max(elapsed, 1)) / 1000)
}

// Total is the cumulative sum of everything recorded.
func (w *Window) Total() float64 { return w.total }

// Count is how many values were recorded.
func (w *Window) Count() int64 { return w.events }

// Frequency is the share of recorded values equal to one in the window
// (Kafka's Frequencies over boolean values: 1 success, 0 failure); zero
// when nothing was recorded.
func (w *Window) Frequency(now int64) float64 {
	w.purge(now)
	var sum float64
	var n int64
	for _, s := range w.samples {
		sum += s.sum
		n += s.count
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// State is a task's or connector's state as the metrics name it.
type State string

// The states, lower-case as Connect's status metrics show them.
const (
	StateUnassigned State = "unassigned"
	StateRunning    State = "running"
	StatePaused     State = "paused"
	StateStopped    State = "stopped"
	StateFailed     State = "failed"
	StateDestroyed  State = "destroyed"
	StateRestarting State = "restarting"
)

// stateTracker accumulates the time spent in each state since the first
// one, for Connect's running-ratio and pause-ratio (cumulative, not
// windowed, as Java's StateTracker).
type stateTracker struct {
	state State
	since int64
	spent map[State]int64
}

func (t *stateTracker) change(s State, now int64) {
	if t.state == "" {
		t.state, t.since, t.spent = s, now, map[State]int64{}
		return
	}
	if s == t.state {
		return
	}
	t.spent[t.state] += now - t.since
	t.state, t.since = s, now
}

func (t *stateTracker) ratio(s State, now int64) float64 {
	if t.state == "" {
		return 0
	}
	var total, in int64
	for st, d := range t.spent {
		total += d
		if st == s {
			in += d
		}
	}
	cur := now - t.since
	total += cur
	if t.state == s {
		in += cur
	}
	if total <= 0 {
		if t.state == s {
			return 1
		}
		return 0
	}
	return float64(in) / float64(total)
}
