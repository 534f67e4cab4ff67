package elasticsearch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	kgzip "github.com/klauspost/compress/gzip"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
)

// Without an errant record reporter, a batch keeps where each record came
// from but not the record: holding records until Humio answers would keep
// the consumer's fetch buffers alive with them. With a reporter it keeps
// them, to hand over the ones Humio rejects.
func TestBatchesKeepRecordsOnlyForAReporter(t *testing.T) {
	for _, withReporter := range []bool{false, true} {
		_, url := startHumio(t, humiotest.Config{})
		var rep connector.ErrantRecordReporter
		if withReporter {
			rep = &reporter{}
		}
		// A long linger: the records stay in the open batch to be looked at.
		r := startTask(t, props(url, keyLingerMs, "10000"), rep)
		recs := events("logs", 0, 0, 3)
		put(t, r, recs)
		b := r.task.w.takeOpen()
		if len(b.items) != 3 {
			t.Fatalf("open batch has %d items, want 3", len(b.items))
		}
		for i, it := range b.items {
			if want := recs[i].Coordinates(); it.coordinates() != want {
				t.Errorf("item %d at %q, want %q", i, it.coordinates(), want)
			}
			if kept := it.rec != nil; kept != withReporter {
				t.Errorf("reporter %v: item %d keeps its record: %v", withReporter, i, kept)
			}
		}
		r.task.w.publish(b)
	}
}

// Without a reporter, a rejected event is still logged with where it came
// from.
func TestRejectionWithoutReporterNamesTheRecord(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	srv.RejectItems(func(e humiotest.Event) humiotest.ItemResult {
		if v, _ := e.Field("n"); int(v.(float64)) == 1 {
			return humiotest.ItemResult{Status: 400, Type: "mapper_parsing_exception", Reason: "bad field"}
		}
		return humiotest.ItemResult{}
	})
	r := startTask(t, props(url, keyBehaviorOnMalformed, "warn"), nil)
	put(t, r, events("logs", 0, 0, 3))
	if got := preCommit(t, r); got[tp0] != 3 {
		t.Fatalf("offsets %v", got)
	}
	if got := stored(t, srv); !slices.Equal(got, []int{0, 2}) {
		t.Errorf("stored %v", got)
	}
	want := `msg="humio rejected an event, skipping it" topic=logs partition=0 offset=1`
	if !strings.Contains(r.logs.String(), want) {
		t.Errorf("log lacks %q:\n%s", want, r.logs.String())
	}
}

// A successful answer with "errors":false is drained, not kept: its items
// (about a hundred bytes per event) are never looked at. Any other answer
// is read whole.
func TestReadResponseKeepsOnlyWhatIsLookedAt(t *testing.T) {
	big := string(bulkResponse(2000, false))
	withErrors := string(bulkResponse(2000, true))
	for _, c := range []struct {
		name   string
		status int
		body   string
		whole  bool
	}{
		{"errors false", 200, big, false},
		{"errors true", 200, withErrors, true},
		{"errors after the items", 200, `{"items":[` + strings.Repeat(`{"index":{"status":201}},`, 100) + `{}],"errors":false}`, true},
		{"not a bulk answer", 200, strings.Repeat("x", 2000), true},
		{"server error", 503, `{"errors":false,"items":[` + strings.Repeat(" ", 2000) + `]}`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := &countingReader{r: strings.NewReader(c.body)}
			var scratch bytes.Buffer
			if err := readResponse(&http.Response{StatusCode: c.status, Body: io.NopCloser(body)}, &scratch); err != nil {
				t.Fatal(err)
			}
			if body.n != len(c.body) {
				t.Errorf("read %d of %d bytes: the body must be drained", body.n, len(c.body))
			}
			if c.whole && scratch.String() != c.body {
				t.Errorf("kept %d bytes, want the whole %d", scratch.Len(), len(c.body))
			}
			if !c.whole && scratch.Len() > responsePrefix {
				t.Errorf("kept %d bytes, want at most %d", scratch.Len(), responsePrefix)
			}
		})
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// Put takes no more records while a sealed batch still waits for a busy
// sender: they would only be held in memory until Humio catches up. Once a
// sender takes the waiting batch, Put carries on.
func TestPutWaitsWhileABatchWaitsForASender(t *testing.T) {
	arrived := make(chan struct{}, 10)
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		arrived <- struct{}{}
		<-release
		_, _ = w.Write([]byte(`{"took":1,"errors":false,"items":[]}`))
	}))
	defer ts.Close()
	defer close(release)
	r := startTask(t, props(ts.URL, keyMaxInFlight, "1", keyBatchSize, "10", keyMaxBuffered, "1000"), nil)
	put(t, r, events("logs", 0, 0, 10)) // sealed, taken by the only sender
	<-arrived
	put(t, r, events("logs", 0, 10, 10)) // sealed, waits for the sender
	done := make(chan error, 1)
	go func() { done <- r.task.Put(t.Context(), events("logs", 0, 20, 10)) }()
	select {
	case err := <-done:
		t.Fatalf("Put returned (%v) while a sealed batch waited for the busy sender", err)
	case <-time.After(200 * time.Millisecond):
	}
	release <- struct{}{} // the first request completes; the sender takes the second batch
	<-arrived
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Put still waits after the sender took the waiting batch")
	}
	release <- struct{}{}
	<-arrived // the third batch
	release <- struct{}{}
	if got := preCommit(t, r); got[tp0] != 30 {
		t.Fatalf("offsets %v, want 30 acknowledged", got)
	}
}

// sizedEvents returns records {"n":i,"pad":"xxx..."} of about size bytes.
func sizedEvents(first int, sizes ...int) []*connector.SinkRecord {
	recs := events("logs", 0, first, len(sizes))
	for i, size := range sizes {
		n := first + i
		recs[i].Value = connector.RawJSON(fmt.Sprintf(`{"n":%d,"pad":"%s"}`, n, strings.Repeat("x", max(0, size-20))))
	}
	return recs
}

// Bodies are lists of chunks: events of every size, some larger than a
// chunk, arrive whole and in order, also when a request refused as too
// large is split and its halves are rebuilt from the chunks, and gzipped.
func TestChunkedBodies(t *testing.T) {
	sizes := []int{100, 10_000, 20_000, 30_000, chunkSize + 5000, 500, 3 * chunkSize, 40, 31_000, 31_000, 31_000, 7}
	for _, c := range []struct {
		name string
		kv   []string
		max  int
	}{
		{"plain", nil, 0},
		{"gzip", []string{keyCompression, "true"}, 0},
		{"split by 413", nil, 4 * chunkSize},
		{"split by bulk.size.bytes", []string{keyBulkSizeBytes, "70000"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, url := startHumio(t, humiotest.Config{MaxBodyBytes: c.max})
			r := startTask(t, props(url, append([]string{keyBatchSize, "100"}, c.kv...)...), nil)
			put(t, r, sizedEvents(0, sizes...))
			put(t, r, sizedEvents(len(sizes), sizes...))
			if got := preCommit(t, r); got[tp0] != int64(2*len(sizes)) {
				t.Fatalf("offsets %v", got)
			}
			evs := srv.Events()
			if len(evs) != 2*len(sizes) {
				t.Fatalf("stored %d events, want %d", len(evs), 2*len(sizes))
			}
			seen := map[int]bool{}
			for _, e := range evs {
				v, _ := e.Field("n")
				n := int(v.(float64))
				pad, _ := e.Field("pad")
				if want := max(0, sizes[n%len(sizes)]-20); len(pad.(string)) != want {
					t.Errorf("event %d: pad of %d bytes, want %d", n, len(pad.(string)), want)
				}
				seen[n] = true
			}
			if len(seen) != 2*len(sizes) {
				t.Errorf("events stored twice: %d distinct of %d", len(seen), len(evs))
			}
			if c.max > 0 && srv.Stats().TooLarge == 0 {
				t.Error("no request was refused as too large: the split was not exercised")
			}
		})
	}
}

// A steady stream reuses the same chunks: after the first batches, Put
// allocates nothing for bodies.
func TestChunksAreReused(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte(`{"took":1,"errors":false,"items":[]}`))
	}))
	defer ts.Close()
	r := startTask(t, props(ts.URL, keyBatchSize, "200"), nil)
	recs := sizedEvents(0, slices.Repeat([]int{500}, 200)...)
	for i := range 5 { // warm up the pool
		for j, rec := range recs {
			rec.KafkaOffset = int64(i*len(recs) + j)
		}
		put(t, r, recs)
		preCommit(t, r)
	}
	off := int64(5 * len(recs))
	allocated := r.task.w.newChunks
	for range 20 {
		for _, rec := range recs {
			rec.KafkaOffset = off
			off++
		}
		put(t, r, recs)
		preCommit(t, r)
	}
	if n := r.task.w.newChunks - allocated; n > 0 {
		t.Errorf("%d chunks allocated for 20 more batches of %d events, after %d for the first 5", n, len(recs), allocated)
	}
	if n := len(r.task.w.chunks); n == 0 || n > max(minFreeChunks, 2*len(recs)*700/chunkSize) {
		t.Errorf("%d chunks kept for reuse", n)
	}
}

// A body goes to the connection straight from its chunks, from wherever
// reading it stopped and no further than the transport's limit.
func TestBodyConnWritesChunksDirectly(t *testing.T) {
	chunks := [][]byte{[]byte("hello "), []byte("chunked "), {}, []byte("world"), []byte("!")}
	whole := "hello chunked world!"
	for _, c := range []struct{ read, limit int }{{0, len(whole)}, {3, len(whole)}, {6, len(whole)}, {0, 10}, {8, 11}, {0, 0}} {
		tb := &trackedBody{bufs: chunks, closed: make(chan struct{})}
		if c.read > 0 {
			p := make([]byte, c.read)
			if n, err := io.ReadFull(tb, p); err != nil || n != c.read {
				t.Fatal(n, err)
			}
		}
		var out bytes.Buffer
		lr := &io.LimitedReader{R: tb, N: int64(c.limit - c.read)}
		n, err := bodyConn{&bufferConn{out: &out}}.ReadFrom(lr)
		want := whole[c.read:c.limit]
		if err != nil || out.String() != want || n != int64(len(want)) || lr.N != 0 {
			t.Errorf("read %d, limit %d: wrote %q (%d, %v), left %d; want %q", c.read, c.limit, out.String(), n, err, lr.N, want)
		}
		// What follows the limit is still there to read.
		rest, _ := io.ReadAll(tb)
		if string(rest) != whole[c.limit:] {
			t.Errorf("read %d, limit %d: %q left, want %q", c.read, c.limit, rest, whole[c.limit:])
		}
	}
}

// bufferConn is a net.Conn that writes to a buffer.
type bufferConn struct {
	net.Conn
	out *bytes.Buffer
}

func (c *bufferConn) Write(p []byte) (int, error) { return c.out.Write(p) }

// No more requests are gzipped at once than there are CPUs: more at once
// would not be faster. A request waiting for its turn gives up when its
// context ends. What the stateless writer makes, compress/gzip reads.
func TestGzipWritersAreBounded(t *testing.T) {
	s := mustSettingsT(t, keyCompression, "true", keyMaxInFlight, "50", keyBatchSize, "10")
	c := newClient(s)
	defer c.close()
	if want := min(50, runtime.GOMAXPROCS(0)); cap(c.gzips) != want {
		t.Fatalf("%d gzip writers, want %d", cap(c.gzips), want)
	}
	body := [][]byte{[]byte(`{"index":{}}` + "\n"), []byte(`{"a":1}` + "\n")}
	z, err := c.compress(t.Context(), body)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); string(got) != string(body[0])+string(body[1]) {
		t.Errorf("gunzipped %q", got)
	}
	var held []*kgzip.Writer
	for range cap(c.gzips) {
		held = append(held, <-c.gzips)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.compress(ctx, body); !errors.Is(err, context.Canceled) {
		t.Errorf("compress with every writer busy and the context ended: %v", err)
	}
	for _, w := range held {
		c.gzips <- w
	}
}

func mustSettingsT(t *testing.T, kv ...string) *settings {
	t.Helper()
	props := map[string]string{keyConnectionURL: "http://localhost:9"}
	for i := 0; i+1 < len(kv); i += 2 {
		props[kv[i]] = kv[i+1]
	}
	s, err := parseConfig(props)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The tracker remembers the partition of the last record; closing a
// partition forgets that too, so records after a reopen are tracked anew.
func TestTrackerAfterCloseAndReopen(t *testing.T) {
	tr := newTracker()
	tr.open([]connector.TopicPartition{tp0})
	tr.add(tp0, 5, nil) // settled at once
	if got := tr.offsets(); got[tp0] != 6 {
		t.Fatalf("offsets %v", got)
	}
	tr.close([]connector.TopicPartition{tp0})
	tr.open([]connector.TopicPartition{tp0})
	b := &batch{}
	tr.add(tp0, 2, b) // from an earlier offset, after the rebalance
	if got, ok := tr.offsets()[tp0]; ok {
		t.Fatalf("offset %d for a reopened partition whose only record is in flight", got)
	}
	b.acked = true
	if got := tr.offsets(); got[tp0] != 3 {
		t.Fatalf("offsets %v, want 3", got)
	}
}
