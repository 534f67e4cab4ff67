package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// endpoint is the local bulk endpoint that only counts: it reads each bulk
// body (gunzipping it when asked), counts its events, and answers as Humio
// does, with one item per event and "errors":false. It parses no JSON;
// while latency is measured it finds each event's sent_ns.
type endpoint struct {
	srv *http.Server
	ln  net.Listener
	url string

	events    atomic.Int64
	requests  atomic.Int64
	active    atomic.Int64 // requests being read now
	maxActive atomic.Int64
	firstAt   atomic.Int64 // unix ns of the first request with events since reset
	target    atomic.Int64 // events at which reachedAt is set
	reached   atomic.Int64 // unix ns when events reached target

	measuring atomic.Bool
	since     atomic.Int64 // unix ns: events produced earlier are not measured
	mu        sync.Mutex
	latencies []time.Duration
	badBodies int

	respMu sync.Mutex
	resp   map[int][]byte // answers by event count

	bufs  sync.Pool // *bytes.Buffer
	gzips sync.Pool // *gzip.Reader
}

func startEndpoint() (*endpoint, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bulk endpoint: %w", err)
	}
	e := &endpoint{ln: ln, url: "http://" + ln.Addr().String(), resp: map[int][]byte{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /", e.bulk)
	e.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return e, nil
}

// serve runs until shutdown; its error is the server's failure.
func (e *endpoint) serve() error {
	if err := e.srv.Serve(e.ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("bulk endpoint: %w", err)
	}
	return nil
}

func (e *endpoint) shutdown(ctx context.Context) error { return e.srv.Shutdown(ctx) }

// reset starts a new case: counts from zero, done when target events came.
func (e *endpoint) reset(target int64) {
	e.events.Store(0)
	e.requests.Store(0)
	e.maxActive.Store(0)
	e.firstAt.Store(0)
	e.reached.Store(0)
	e.target.Store(target)
	e.mu.Lock()
	e.latencies = e.latencies[:0]
	e.badBodies = 0
	e.mu.Unlock()
}

func (e *endpoint) bulk(w http.ResponseWriter, r *http.Request) {
	if n := e.active.Add(1); n > e.maxActive.Load() {
		e.maxActive.Store(n) // a benign race: the figure is for diagnosis
	}
	defer e.active.Add(-1)
	buf, _ := e.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		buf.Reset()
		e.bufs.Put(buf)
	}()
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, _ := e.gzips.Get().(*gzip.Reader)
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(r.Body)
		} else {
			err = zr.Reset(r.Body)
		}
		if err != nil {
			http.Error(w, "bad gzip body: "+err.Error(), http.StatusBadRequest)
			return
		}
		defer e.gzips.Put(zr)
		body = zr
	}
	if _, err := buf.ReadFrom(body); err != nil {
		http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	arrived := time.Now()
	b := buf.Bytes()
	// Each event is an action line and a document line.
	lines := bytes.Count(b, []byte{'\n'})
	if lines%2 != 0 {
		e.mu.Lock()
		e.badBodies++
		e.mu.Unlock()
		http.Error(w, "odd number of lines: not index action + document pairs", http.StatusBadRequest)
		return
	}
	n := lines / 2
	if e.measuring.Load() {
		e.recordLatencies(b, arrived)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(e.answer(n)) // a client gone away is its own problem
	if n == 0 {
		return
	}
	e.requests.Add(1)
	e.firstAt.CompareAndSwap(0, arrived.UnixNano())
	if total := e.events.Add(int64(n)); total >= e.target.Load() {
		e.reached.CompareAndSwap(0, arrived.UnixNano())
	}
}

var sentField = []byte(`"sent_ns":`)

// recordLatencies notes, for every event in body, how long ago it was
// produced.
func (e *endpoint) recordLatencies(body []byte, arrived time.Time) {
	at, since := arrived.UnixNano(), e.since.Load()
	var lat []time.Duration
	for rest := body; ; {
		i := bytes.Index(rest, sentField)
		if i < 0 {
			break
		}
		rest = rest[i+len(sentField):]
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if ns, err := strconv.ParseInt(string(rest[:j]), 10, 64); err == nil && ns >= since {
			lat = append(lat, time.Duration(at-ns))
		}
		rest = rest[j:]
	}
	e.mu.Lock()
	e.latencies = append(e.latencies, lat...)
	e.mu.Unlock()
}

// answer is Humio's response to n stored events (cached: it depends on n only).
func (e *endpoint) answer(n int) []byte {
	e.respMu.Lock()
	defer e.respMu.Unlock()
	if b, ok := e.resp[n]; ok {
		return b
	}
	b := []byte(`{"took":1,"errors":false,"items":[`)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"index":{"_index":"bench","_type":"kafka-ingest","_id":"bench+0+0","status":201,"result":"created"}}`...)
	}
	b = append(b, "]}\n"...)
	e.resp[n] = b
	return b
}

// measureSince starts measuring the latency of events produced from t on.
func (e *endpoint) measureSince(t time.Time) {
	e.mu.Lock()
	e.latencies = e.latencies[:0]
	e.mu.Unlock()
	e.since.Store(t.UnixNano())
	e.measuring.Store(true)
}

// percentiles of the latencies recorded since reset.
func (e *endpoint) percentiles(ps ...float64) []time.Duration {
	e.mu.Lock()
	l := slices.Clone(e.latencies)
	e.mu.Unlock()
	out := make([]time.Duration, len(ps))
	if len(l) == 0 {
		return out
	}
	slices.Sort(l)
	for i, p := range ps {
		k := int(p*float64(len(l))+0.5) - 1
		out[i] = l[min(max(k, 0), len(l)-1)]
	}
	return out
}

func (e *endpoint) latencyCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.latencies)
}
