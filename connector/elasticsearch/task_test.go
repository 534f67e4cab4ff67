package elasticsearch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/connectortest"
	"github.com/kafka-connect-go/connect/connector/data"
	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
)

func TestConformance(t *testing.T) {
	var srv *humiotest.Server
	connectortest.SinkTask(t, connectortest.SinkTaskSuite{
		New: func() connector.SinkTask { return NewTask() },
		Config: func(t *testing.T) map[string]string {
			var url string
			srv, url = startHumio(t, humiotest.Config{})
			return props(url)
		},
		Written: func(t *testing.T) []string {
			var out []string
			for _, e := range srv.Events() {
				v, _ := e.Field("message")
				s, _ := v.(string)
				out = append(out, s)
			}
			return out
		},
	})
}

// TestSeedPipeline runs the seed's connector config (dataspace URL,
// type.name, key.ignore, warn, drop.invalid.message) against the old
// dataspaces endpoint.
func TestSeedPipeline(t *testing.T) {
	srv := humiotest.New(humiotest.Config{})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	p := seedProps(t)
	p[keyConnectionURL] = ts.URL + "/api/v1/dataspaces/sandbox/ingest/elasticsearch"
	r := startTask(t, p, nil)
	put(t, r, events("logs", 0, 0, 100))
	if got := preCommit(t, r); got[tp0] != 100 {
		t.Fatalf("offsets %v", got)
	}
	evs := srv.Events()
	if len(evs) != 100 {
		t.Fatalf("%d events", len(evs))
	}
	e := evs[0]
	if e.Repo != "sandbox" || e.Type != "kafka-ingest" || e.Index != "logs" || !strings.HasPrefix(e.ID, "logs+0+") {
		t.Errorf("event meta %+v", e)
	}
	if ts, ok := e.Field("@timestamp"); !ok || !strings.HasPrefix(ts.(string), "2024-03-01T12:34:56.") {
		t.Errorf("@timestamp %v", ts)
	}
}

func TestTokenAuth(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{Token: "ingest-token-1", TokenAuth: humiotest.TokenBearerOnly})
	r := startTask(t, props(url, KeyIngestToken, "ingest-token-1"), nil)
	put(t, r, events("logs", 0, 0, 10))
	if got := preCommit(t, r); got[tp0] != 10 {
		t.Fatalf("offsets %v", got)
	}
	if st := srv.Stats(); st.Events != 10 || st.Unauthorized != 0 {
		t.Fatalf("stats %+v", st)
	}
	if strings.Contains(r.logs.String(), "ingest-token-1") {
		t.Errorf("the token is in the log")
	}
}

func TestBasicAuth(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{Username: "shipper", Password: "pw"})
	r := startTask(t, props(url, keyUsername, "shipper", keyPassword, "pw"), nil)
	put(t, r, events("logs", 0, 0, 3))
	preCommit(t, r)
	// Humio's way: any user name, the token as the password.
	srv2, url2 := startHumio(t, humiotest.Config{Token: "tok", TokenAuth: humiotest.TokenBasicOnly})
	r2 := startTask(t, props(url2, keyUsername, "myhost", keyPassword, "tok"), nil)
	put(t, r2, events("logs", 0, 0, 3))
	preCommit(t, r2)
	// Credentials written in the URL are used too, and never printed.
	srv3, url3 := startHumio(t, humiotest.Config{Token: "tok3", TokenAuth: humiotest.TokenBasicOnly})
	r3 := startTask(t, props(strings.Replace(url3, "http://", "http://any:tok3@", 1)), nil)
	put(t, r3, events("logs", 0, 0, 3))
	preCommit(t, r3)
	for i, s := range []*humiotest.Server{srv, srv2, srv3} {
		if st := s.Stats(); st.Events != 3 || st.Unauthorized != 0 {
			t.Errorf("server %d: %+v", i, st)
		}
	}
	if strings.Contains(r3.logs.String(), "tok3") {
		t.Errorf("the URL's password is in the log")
	}
}

// TestUnauthorized: a refused credential fails the task at once, says so
// plainly and names the key, without retrying and without the secret.
func TestUnauthorized(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		srv, url := startHumio(t, humiotest.Config{})
		srv.FailNext(status, 1000)
		r := startTask(t, props(url, KeyIngestToken, "wrong-token"), nil)
		put(t, r, events("logs", 0, 0, 5))
		_, err := r.task.PreCommit(t.Context(), nil)
		want := fmt.Sprintf("Humio refused the credentials: HTTP %d %s from POST %s/_bulk; check humio.ingest.token",
			status, http.StatusText(status), url)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "wrong-token") {
			t.Fatalf("got %v\nwant it to contain %q", err, want)
		}
		if n := srv.Stats().Requests; n != 1 {
			t.Errorf("%d requests: credentials errors must not be retried", n)
		}
		if err2 := r.task.Put(t.Context(), events("logs", 0, 5, 1)); err2 == nil || err2.Error() != err.Error() {
			t.Errorf("later Put: %v", err2)
		}
	}
	// Real authentication failure from the server.
	_, url := startHumio(t, humiotest.Config{Token: "right"})
	r := startTask(t, props(url, KeyIngestToken, "wrong"), nil)
	put(t, r, events("logs", 0, 0, 1))
	if _, err := r.task.PreCommit(t.Context(), nil); err == nil || !strings.Contains(err.Error(), "HTTP 401 Unauthorized") {
		t.Fatalf("got %v", err)
	}
}

func TestGzip(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{Token: "t"})
	r := startTask(t, props(url, keyCompression, "true", KeyIngestToken, "t", keyBatchSize, "500"), nil)
	put(t, r, events("logs", 0, 0, 2000))
	if got := preCommit(t, r); got[tp0] != 2000 {
		t.Fatalf("offsets %v", got)
	}
	st := srv.Stats()
	if st.Gzipped != st.Requests || st.Requests < 4 {
		t.Fatalf("stats %+v: every request must be gzipped", st)
	}
	// ~130 bytes per item uncompressed; gzip must do far better.
	if st.BodyBytes > 2000*40 {
		t.Errorf("%d bytes sent for 2000 events: not compressed", st.BodyBytes)
	}
	if !slices.Equal(stored(t, srv), seq(0, 2000)) {
		t.Fatalf("events differ")
	}
}

// TestAtLeastOnceUnder503 keeps Humio answering 503 for a while in the
// middle of a run. Every offset PreCommit ever returns must cover only
// stored events, and in the end every event is stored.
func TestAtLeastOnceUnder503(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	r := startTask(t, props(url, keyBatchSize, "100", keyMaxBuffered, "2000", keyMaxInFlight, "4",
		keyMaxRetries, "1000"), nil)
	const perPart = 3000
	check := func(got map[connector.TopicPartition]int64) {
		have := map[int]bool{}
		for _, n := range stored(t, srv) {
			have[n] = true
		}
		for tp, off := range got {
			first := 0 // offsets are the events' n
			if tp == tp1 {
				first = 100000
			}
			for n := first; n < int(off); n++ {
				if !have[n] {
					t.Fatalf("%s committed up to %d but event %d is not stored", tp, off, n)
				}
			}
		}
	}
	for i := 0; i < perPart; i += 100 {
		if i == 1000 {
			srv.FailFor(http.StatusServiceUnavailable, 700*time.Millisecond)
		}
		put(t, r, append(events("logs", 0, i, 100), events("logs", 1, 100000+i, 100)...))
		if i%500 == 0 {
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			got, err := r.task.PreCommit(ctx, nil)
			cancel()
			if err != nil {
				t.Fatalf("PreCommit: %v", err)
			}
			check(got)
		}
	}
	got := preCommit(t, r)
	check(got)
	if got[tp0] != perPart || got[tp1] != 100000+perPart {
		t.Fatalf("final offsets %v", got)
	}
	want := append(seq(0, perPart), seq(100000, 100000+perPart)...)
	if !slices.Equal(stored(t, srv), want) {
		t.Fatalf("stored events differ from those produced")
	}
	if st := srv.Stats(); st.Failed == 0 {
		t.Fatalf("the outage never happened: %+v", st)
	}
	if !strings.Contains(r.logs.String(), "bulk request failed, retrying") {
		t.Errorf("retries not logged")
	}
}

// TestMalformedItems rejects every tenth event as malformed and checks each
// behavior.on.malformed.documents: good events are never lost.
func TestMalformedItems(t *testing.T) {
	bad := func(e humiotest.Event) humiotest.ItemResult {
		if v, _ := e.Field("n"); int(v.(float64))%10 == 3 {
			return humiotest.ItemResult{Status: 400, Type: "mapper_parsing_exception", Reason: "failed to parse field [n]"}
		}
		return humiotest.ItemResult{}
	}
	var good []int
	for n := range 50 {
		if n%10 != 3 {
			good = append(good, n)
		}
	}
	for _, behavior := range []string{"ignore", "warn", "fail"} {
		t.Run(behavior, func(t *testing.T) {
			srv, url := startHumio(t, humiotest.Config{})
			srv.RejectItems(bad)
			rep := &reporter{}
			// With fail, one request holds every event: the task fails at
			// the first refused event, and batches not sent yet stay unsent.
			size := map[bool]string{true: "50", false: "25"}[behavior == "fail"]
			r := startTask(t, props(url, keyBehaviorOnMalformed, behavior, keyBatchSize, size), rep)
			put(t, r, events("logs", 0, 0, 50))
			got, err := r.task.PreCommit(t.Context(), nil)
			reports := rep.got()
			slices.Sort(reports)
			want := "3: Humio rejected the event from topic logs partition 0 offset 3: HTTP 400: mapper_parsing_exception: failed to parse field [n]"
			if !slices.Contains(reports, want) {
				t.Errorf("reports %q lack %q", reports, want)
			}
			warned := strings.Contains(r.logs.String(), `level=WARN msg="humio rejected an event, skipping it"`)
			if behavior == "fail" {
				if err == nil || !strings.Contains(err.Error(), "Humio rejected the event from topic logs partition 0 offset ") ||
					!strings.Contains(err.Error(), "behavior.on.malformed.documents=fail") {
					t.Fatalf("got %v, %v", got, err)
				}
				// The good events of the failing request are stored all the
				// same; nothing is committed, so a restart sends them again.
				if !slices.Equal(stored(t, srv), good) {
					t.Errorf("stored %v, want every good event", stored(t, srv))
				}
				return
			}
			if err != nil || got[tp0] != 50 {
				t.Fatalf("got %v, %v", got, err)
			}
			if !slices.Equal(stored(t, srv), good) {
				t.Errorf("stored %v, want every good event", stored(t, srv))
			}
			if len(reports) != 5 {
				t.Errorf("reports %q", reports)
			}
			if warned != (behavior == "warn") {
				t.Errorf("warned=%v with %s", warned, behavior)
			}
		})
	}
}

// TestInvalidRecords: a value that is not JSON fails the task, or with
// drop.invalid.message is reported and skipped; the records around it are
// written either way.
func TestInvalidRecords(t *testing.T) {
	recs := events("logs", 0, 0, 5)
	recs[2].Value = connector.RawJSON(`this is not json`)
	t.Run("fail", func(t *testing.T) {
		srv, url := startHumio(t, humiotest.Config{})
		rep := &reporter{}
		r := startTask(t, props(url), rep)
		err := r.task.Put(t.Context(), recs)
		want := "cannot convert the record at topic logs partition 0 offset 2: invalid JSON at byte 0: invalid literal, expected true (set drop.invalid.message=true to skip such records)"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v\nwant %s", err, want)
		}
		if _, err := r.task.PreCommit(t.Context(), nil); err == nil {
			t.Errorf("PreCommit after a failed Put succeeded")
		}
		// The records before the bad one were sent, nothing after it.
		waitFor(t, 5*time.Second, func() error {
			if got := stored(t, srv); !slices.Equal(got, []int{0, 1}) {
				return fmt.Errorf("stored %v", got)
			}
			return nil
		})
		if len(rep.got()) != 1 {
			t.Errorf("reports %v", rep.got())
		}
	})
	t.Run("drop", func(t *testing.T) {
		srv, url := startHumio(t, humiotest.Config{})
		rep := &reporter{}
		r := startTask(t, props(url, keyDropInvalidMessage, "true"), rep)
		put(t, r, recs)
		if got := preCommit(t, r); got[tp0] != 5 {
			t.Fatalf("offsets %v", got)
		}
		if got := stored(t, srv); !slices.Equal(got, []int{0, 1, 3, 4}) {
			t.Fatalf("stored %v", got)
		}
		if got := rep.got(); len(got) != 1 || !strings.HasPrefix(got[0], "2: topic logs partition 0 offset 2: invalid JSON") {
			t.Errorf("reports %v", got)
		}
		if !strings.Contains(r.logs.String(), `msg="dropping a record that cannot become an event" topic=logs partition=0 offset=2`) {
			t.Errorf("drop not logged")
		}
	})
	t.Run("reporter with tolerance none", func(t *testing.T) {
		_, url := startHumio(t, humiotest.Config{})
		rep := &reporter{fail: errors.New("Tolerance exceeded in error handler")}
		r := startTask(t, props(url, keyDropInvalidMessage, "true"), rep)
		if err := r.task.Put(t.Context(), recs); err == nil || !strings.Contains(err.Error(), "Tolerance exceeded") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestNullValues(t *testing.T) {
	recs := events("logs", 0, 0, 4)
	recs[1].Value, recs[1].Key = nil, "user-7"
	for _, c := range []struct {
		behavior string
		drop     bool
		stored   []int
		deletes  int
		err      string
	}{
		{"ignore", false, []int{0, 2, 3}, 0, ""},
		{"delete", false, []int{0, 2, 3}, 1, ""},
		{"fail", false, nil, 0, "topic logs partition 0 offset 1: the record has a null value"},
		{"fail", true, []int{0, 2, 3}, 0, ""},
	} {
		t.Run(fmt.Sprintf("%s drop=%v", c.behavior, c.drop), func(t *testing.T) {
			srv, url := startHumio(t, humiotest.Config{})
			rep := &reporter{}
			r := startTask(t, props(url, keyBehaviorOnNull, c.behavior, keyDropInvalidMessage, fmt.Sprint(c.drop)), rep)
			err := r.task.Put(t.Context(), recs)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := preCommit(t, r); got[tp0] != 4 {
				t.Fatalf("offsets %v", got)
			}
			if got := stored(t, srv); !slices.Equal(got, c.stored) || srv.Stats().Deletes != c.deletes {
				t.Fatalf("stored %v, %+v", got, srv.Stats())
			}
			if wantReports := map[bool]int{true: 1, false: 0}[c.drop]; len(rep.got()) != wantReports {
				t.Errorf("reports %v", rep.got())
			}
		})
	}
}

// Test413SplitsBatches: a request refused as too large is split and its
// halves sent; an event too large alone is handled as malformed.
func Test413SplitsBatches(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{MaxBodyBytes: 600})
	rep := &reporter{}
	r := startTask(t, props(url, keyBatchSize, "40", keyBehaviorOnMalformed, "warn"), rep)
	recs := events("logs", 0, 0, 40)
	recs[17].Value = connector.RawJSON(`{"n":17,"pad":"` + strings.Repeat("x", 700) + `"}`)
	put(t, r, recs)
	if got := preCommit(t, r); got[tp0] != 40 {
		t.Fatalf("offsets %v", got)
	}
	var want []int
	for n := range 40 {
		if n != 17 {
			want = append(want, n)
		}
	}
	if got := stored(t, srv); !slices.Equal(got, want) {
		t.Fatalf("stored %v", got)
	}
	if st := srv.Stats(); st.TooLarge == 0 || st.Events != 39 {
		t.Fatalf("stats %+v", st)
	}
	if got := rep.got(); len(got) != 1 || !strings.Contains(got[0], "offset 17: HTTP 413 Request Entity Too Large") {
		t.Errorf("reports %v", got)
	}
}

// TestItemRetries: items answered 429 or 503 are sent again, alone; the
// items stored meanwhile are not sent twice.
func TestItemRetries(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	var mu sync.Mutex
	seen := map[int]int{}
	srv.RejectItems(func(e humiotest.Event) humiotest.ItemResult {
		v, _ := e.Field("n")
		n := int(v.(float64))
		mu.Lock()
		defer mu.Unlock()
		seen[n]++
		switch {
		case n%7 == 0 && seen[n] < 3:
			return humiotest.ItemResult{Status: 429, Type: "es_rejected_execution_exception", Reason: "queue full"}
		case n%5 == 0 && seen[n] < 2:
			return humiotest.ItemResult{Status: 503, Type: "unavailable_shards_exception", Reason: "later"}
		}
		return humiotest.ItemResult{}
	})
	r := startTask(t, props(url), nil)
	put(t, r, events("logs", 0, 0, 100))
	if got := preCommit(t, r); got[tp0] != 100 {
		t.Fatalf("offsets %v", got)
	}
	if got := stored(t, srv); !slices.Equal(got, seq(0, 100)) {
		t.Fatalf("stored %v (duplicates or losses)", got)
	}
}

func TestRetriesExhausted(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	srv.FailFor(http.StatusServiceUnavailable, time.Hour)
	r := startTask(t, props(url, keyMaxRetries, "2"), nil)
	put(t, r, events("logs", 0, 0, 5))
	_, err := r.task.PreCommit(t.Context(), nil)
	want := "giving up on 5 events (the first from topic logs partition 0 offset 0) after 3 attempts (max.retries=2): POST " +
		url + "/_bulk: HTTP 503 Service Unavailable"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	if n := srv.Stats().Requests; n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// TestBatchingKeys: batch.size bounds items per request, linger.ms holds a
// partial batch until a flush, bulk.size.bytes bounds request bodies, and
// max.in.flight.requests bounds concurrent requests.
func TestBatchingKeys(t *testing.T) {
	t.Run("batch.size and linger.ms", func(t *testing.T) {
		srv, url := startHumio(t, humiotest.Config{})
		r := startTask(t, props(url, keyBatchSize, "10", keyLingerMs, "600000", keyFlushTimeoutMs, "600000"), nil)
		put(t, r, events("logs", 0, 0, 25))
		if err := srv.WaitForEvents(t.Context(), 20); err != nil {
			t.Fatal(err)
		}
		// The last 5 linger: nothing sends them before a flush.
		if got := r.task.Put(t.Context(), nil); got != nil || srv.Stats().Events != 20 {
			t.Fatalf("partial batch sent before linger.ms: %+v", srv.Stats())
		}
		if got := preCommit(t, r); got[tp0] != 25 || srv.Stats().MaxBatchSize != 10 {
			t.Fatalf("offsets %v stats %+v", got, srv.Stats())
		}
	})
	t.Run("short linger sends partial batches", func(t *testing.T) {
		srv, url := startHumio(t, humiotest.Config{})
		r := startTask(t, props(url, keyLingerMs, "5"), nil)
		put(t, r, events("logs", 0, 0, 3))
		if err := srv.WaitForEvents(t.Context(), 3); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("bulk.size.bytes", func(t *testing.T) {
		srv, url := startHumio(t, humiotest.Config{MaxBodyBytes: 1000})
		r := startTask(t, props(url, keyBulkSizeBytes, "1000"), nil)
		put(t, r, events("logs", 0, 0, 100))
		if got := preCommit(t, r); got[tp0] != 100 {
			t.Fatalf("offsets %v", got)
		}
		if st := srv.Stats(); st.TooLarge != 0 || st.Requests < 10 || st.Events != 100 {
			t.Fatalf("stats %+v", st)
		}
	})
	t.Run("max.in.flight.requests", func(t *testing.T) {
		srv, url := startHumio(t, humiotest.Config{})
		srv.SetDelay(30 * time.Millisecond)
		r := startTask(t, props(url, keyBatchSize, "5", keyMaxInFlight, "3", keyMaxBuffered, "1000"), nil)
		put(t, r, events("logs", 0, 0, 100))
		preCommit(t, r)
		if st := srv.Stats(); st.MaxInFlight != 3 {
			t.Fatalf("stats %+v", st)
		}
	})
}

// TestBackpressure: with max.buffered.records unacknowledged, Put waits for
// room and, after flush.timeout.ms, asks for redelivery without taking
// anything; once Humio recovers, the same batch goes through.
func TestBackpressure(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	srv.FailFor(http.StatusServiceUnavailable, time.Hour)
	r := startTask(t, props(url, keyBatchSize, "5", keyMaxInFlight, "2", keyMaxBuffered, "10", keyFlushTimeoutMs, "1000",
		keyMaxRetries, "100000"), nil)
	put(t, r, events("logs", 0, 0, 10))
	start := time.Now()
	err := r.task.Put(t.Context(), events("logs", 0, 10, 5))
	if !connector.IsRetriable(err) || !strings.Contains(err.Error(), "max.buffered.records=10") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("Put waited %s, want flush.timeout.ms", d)
	}
	srv.ClearFaults()
	put(t, r, events("logs", 0, 10, 5)) // the redelivered batch
	if got := preCommit(t, r); got[tp0] != 15 {
		t.Fatalf("offsets %v", got)
	}
	if got := stored(t, srv); !slices.Equal(got, seq(0, 15)) {
		t.Fatalf("stored %v", got)
	}
}

// TestPreCommitNeverPassesUnacknowledged: while requests are in flight,
// PreCommit (cut short by its context) returns only acknowledged offsets.
func TestPreCommitNeverPassesUnacknowledged(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	r := startTask(t, props(url, keyBatchSize, "10"), nil)
	put(t, r, events("logs", 0, 0, 10))
	if got := preCommit(t, r); got[tp0] != 10 {
		t.Fatalf("offsets %v", got)
	}
	srv.SetDelay(time.Hour)
	defer srv.SetDelay(0) // before the cleanups stop the task
	put(t, r, events("logs", 0, 10, 10))
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	got, err := r.task.PreCommit(ctx, nil)
	cancel()
	if err != nil || got[tp0] != 10 {
		t.Fatalf("while in flight: %v, %v", got, err)
	}
	srv.SetDelay(0)
	// The delayed request completes when its client gives up; the retry
	// goes through.
	r2 := startTask(t, props(url, keyBatchSize, "10", keyReadTimeoutMs, "200"), nil)
	srv.SetDelay(time.Hour)
	defer srv.SetDelay(0) // before the cleanups stop the task
	put(t, r2, events("logs", 1, 0, 10))
	time.AfterFunc(300*time.Millisecond, func() { srv.SetDelay(0) })
	if got := preCommit(t, r2); got[tp1] != 10 {
		t.Fatalf("after recovery: %v", got)
	}
}

// TestPreCommitDuringOutage: the runtime bounds each commit
// (offset.flush.timeout.ms, or a share of the rebalance timeout when
// partitions are revoked). While Humio answers 503, PreCommit must answer
// that deadline promptly with the offsets Humio acknowledged, without an
// error and without failing the task, and carry on once Humio is back.
func TestPreCommitDuringOutage(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	r := startTask(t, props(url, keyBatchSize, "10", keyMaxRetries, "1000"), nil)
	put(t, r, events("logs", 0, 0, 10))
	if got := preCommit(t, r); got[tp0] != 10 {
		t.Fatalf("offsets %v", got)
	}
	srv.FailFor(http.StatusServiceUnavailable, time.Hour)
	put(t, r, events("logs", 0, 10, 10))
	put(t, r, events("logs", 1, 0, 5))
	for range 2 {
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		began := time.Now()
		got, err := r.task.PreCommit(ctx, nil)
		cancel()
		_, has1 := got[tp1]
		if took := time.Since(began); err != nil || got[tp0] != 10 || has1 || took > 2*time.Second {
			t.Fatalf("during the outage: %v, %v after %v; want logs-0 at 10, nothing of logs-1, within the deadline", got, err, took)
		}
	}
	if srv.Stats().Failed == 0 {
		t.Fatal("the outage never happened")
	}
	srv.ClearFaults()
	if got := preCommit(t, r); got[tp0] != 20 || got[tp1] != 5 {
		t.Fatalf("after the outage: %v", got)
	}
	if got := stored(t, srv); len(got) != 25 {
		t.Fatalf("stored %d events, want 25 (each once)", len(got))
	}
}

func TestFlushSynchronously(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	r := startTask(t, props(url, keyFlushSynchronously, "true"), nil)
	put(t, r, events("logs", 0, 0, 10))
	offered := map[connector.TopicPartition]int64{tp0: 10, {Topic: "renamed", Partition: 0}: 3}
	got, err := r.task.PreCommit(t.Context(), offered)
	if err != nil || len(got) != 2 || got[tp0] != 10 || srv.Stats().Events != 10 {
		t.Fatalf("got %v, %v, %+v", got, err, srv.Stats())
	}
	srv.SetDelay(time.Hour)
	defer srv.SetDelay(0) // before the cleanups stop the task
	put(t, r, events("logs", 0, 10, 1))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if got, err := r.task.PreCommit(ctx, offered); err != nil || got != nil {
		t.Fatalf("with a record in flight: %v, %v (want no commit)", got, err)
	}
}

func TestFlushWaitsForEverything(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	r := startTask(t, props(url, keyLingerMs, "600000", keyFlushTimeoutMs, "600000"), nil)
	put(t, r, events("logs", 0, 0, 7))
	if err := r.task.Flush(t.Context(), nil); err != nil || srv.Stats().Events != 7 {
		t.Fatalf("Flush: %v, %+v", err, srv.Stats())
	}
	srv.SetDelay(time.Hour)
	defer srv.SetDelay(0) // before the cleanups stop the task
	put(t, r, events("logs", 0, 7, 1))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := r.task.Flush(ctx, nil); err == nil || !strings.Contains(err.Error(), "1 records not acknowledged by Humio") {
		t.Fatalf("Flush with a record in flight: %v", err)
	}
}

func TestCloseForgetsPartitions(t *testing.T) {
	_, url := startHumio(t, humiotest.Config{})
	r := startTask(t, props(url), nil)
	put(t, r, append(events("logs", 0, 0, 5), events("logs", 1, 0, 5)...))
	if err := r.task.Close([]connector.TopicPartition{tp1}); err != nil {
		t.Fatal(err)
	}
	if got := preCommit(t, r); len(got) != 1 || got[tp0] != 5 {
		t.Fatalf("offsets %v", got)
	}
}

// TestRenamedTopic: a transformation renamed the topic; the index follows
// the new name, offsets the consumed partition.
func TestRenamedTopic(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	r := startTask(t, props(url), nil)
	recs := events("logs", 0, 0, 3)
	for _, rec := range recs {
		rec.Original = &connector.RawRecord{Topic: "logs", Partition: 0, Offset: rec.KafkaOffset}
		rec.Topic = "Renamed"
	}
	put(t, r, recs)
	if got := preCommit(t, r); got[tp0] != 3 {
		t.Fatalf("offsets %v", got)
	}
	if e := srv.Events()[0]; e.Index != "renamed" || e.ID != "Renamed+0+0" {
		t.Fatalf("event %+v", e)
	}
}

// TestStopDoesNotWait: the runtime commits (after PreCommit waited for
// Humio) before it calls Stop, so Stop has nothing to wait for: with Humio
// hanging it returns at once, and what PreCommit committed before it is
// stored.
func TestStopDoesNotWait(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	r := startTask(t, props(url, keyLingerMs, "600000", keyFlushTimeoutMs, "600000"), nil)
	put(t, r, events("logs", 0, 0, 4))
	if got := preCommit(t, r); got[tp0] != 4 || srv.Stats().Events != 4 {
		t.Fatalf("PreCommit: %v, stats %+v", got, srv.Stats())
	}
	srv.SetDelay(time.Hour)
	defer srv.SetDelay(0)
	put(t, r, events("logs", 0, 4, 3)) // lingering
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	if got, err := r.task.PreCommit(ctx, nil); err != nil || got[tp0] != 4 {
		t.Fatalf("PreCommit with Humio hanging: %v, %v", got, err)
	}
	cancel()
	began := time.Now()
	if err := r.task.Stop(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Fatalf("Stop took %v with Humio hanging", took)
	}
	if err := r.task.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if !strings.Contains(r.logs.String(), "stopping with records not acknowledged by Humio") {
		t.Errorf("the records left behind are not logged:\n%s", r.logs.String())
	}
}

func TestActionLineKeys(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	r := startTask(t, props(url, keyUseAutogeneratedIDs, "true", keyTypeName, "doc", keyTopicIndexMap, "logs:applogs"), nil)
	put(t, r, events("logs", 0, 0, 1))
	preCommit(t, r)
	if e := srv.Events()[0]; e.ID != "" || e.Type != "doc" || e.Index != "applogs" {
		t.Fatalf("event %+v", e)
	}
	// Key as id.
	srv2, url2 := startHumio(t, humiotest.Config{})
	r2 := startTask(t, props(url2, keyKeyIgnore, "false"), nil)
	recs := events("logs", 0, 0, 1)
	recs[0].Key, recs[0].KeySchema = int64(123), data.Int64Schema
	put(t, r2, recs)
	preCommit(t, r2)
	if e := srv2.Events()[0]; e.ID != "123" {
		t.Fatalf("event %+v", e)
	}
}

// TestDecodedValues: a Struct with its schema goes through the Java
// connector's conversion, not the raw path.
func TestDecodedValues(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	r := startTask(t, props(url, KeyKafkaCoordinates, "true"), nil)
	sch := data.StructBuilder().Field("n", data.Int32Schema).Field("price", data.DecimalSchema(1)).MustBuild()
	v := data.NewStruct(sch)
	_ = v.Put("n", int32(5))
	_ = v.Put("price", data.NewDecimal(25, 1))
	rec := events("logs", 0, 0, 1)[0]
	rec.Value, rec.ValueSchema = v, sch
	put(t, r, []*connector.SinkRecord{rec})
	preCommit(t, r)
	got := string(srv.Events()[0].Source)
	if want := `{"@timestamp":"2024-03-01T12:34:56.789Z","kafka":{"topic":"logs","partition":0,"offset":0},"n":5,"price":2.5}`; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestMultipleURLs: requests spread over the URLs, and a dead one is failed
// over.
func TestMultipleURLs(t *testing.T) {
	a, urlA := startHumio(t, humiotest.Config{})
	b, urlB := startHumio(t, humiotest.Config{})
	r := startTask(t, props(urlA+","+urlB, keyBatchSize, "10"), nil)
	put(t, r, events("logs", 0, 0, 100))
	preCommit(t, r)
	if a.Stats().Requests == 0 || b.Stats().Requests == 0 || a.Stats().Events+b.Stats().Events != 100 {
		t.Fatalf("a %+v b %+v", a.Stats(), b.Stats())
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	c, urlC := startHumio(t, humiotest.Config{})
	r2 := startTask(t, props(deadURL+","+urlC, keyBatchSize, "10"), nil)
	put(t, r2, events("logs", 0, 0, 100))
	if got := preCommit(t, r2); got[tp0] != 100 || !slices.Equal(stored(t, c), seq(0, 100)) {
		t.Fatalf("offsets %v, stored %d", got, len(stored(t, c)))
	}
}

// writeCA writes the test server's certificate as a PEM file.
func writeCA(t *testing.T, ts *httptest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestHTTPS(t *testing.T) {
	srv := humiotest.New(humiotest.Config{Token: "tls-token"})
	ts := httptest.NewTLSServer(srv)
	defer ts.Close()
	ca := writeCA(t, ts)
	url := ts.URL + "/api/v1/ingest/elastic-bulk"
	localhost := strings.Replace(url, "127.0.0.1", "localhost", 1)
	ok := []struct {
		name string
		p    map[string]string
	}{
		{"humio.ssl.ca.location", props(url, KeyCALocation, ca)},
		{"truststore PEM", props(url, keySecurityProtocol, "SSL", sslPrefix+sslTruststoreLocation, ca, sslPrefix+sslTruststoreType, "PEM")},
		{"no host name check", props(localhost, keySecurityProtocol, "SSL", sslPrefix+sslTruststoreLocation, ca,
			sslPrefix+sslEndpointIdentAlg, "")},
		{"insecure", props(localhost, KeyInsecure, "true")},
		{"TLS 1.3 only", props(url, KeyCALocation, ca, keySecurityProtocol, "SSL", sslPrefix+sslEnabledProtocols, "TLSv1.3")},
	}
	for _, c := range ok {
		c.p[KeyIngestToken] = "tls-token"
		r := startTask(t, c.p, nil)
		put(t, r, events("logs", 0, 0, 1))
		if got, err := r.task.PreCommit(t.Context(), nil); err != nil || got[tp0] != 1 {
			t.Errorf("%s: %v %v", c.name, got, err)
		}
	}
	bad := []struct {
		name, want string
		p          map[string]string
	}{
		{"unknown CA", "certificate signed by unknown authority", props(url)},
		{"host name mismatch", "certificate is valid for", props(localhost, KeyCALocation, ca)},
	}
	for _, c := range bad {
		c.p[keyMaxRetries] = "0"
		r := startTask(t, c.p, nil)
		put(t, r, events("logs", 0, 0, 1))
		if _, err := r.task.PreCommit(t.Context(), nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

// TestMutualTLS writes to a server that requires a client certificate
// signed by the test CA, with the Java key and trust stores made by
// connector/tlsstore/testdata/gen.sh.
func TestMutualTLS(t *testing.T) {
	srv := humiotest.New(humiotest.Config{Token: "mtls-token"})
	ts := httptest.NewUnstartedServer(srv)
	serverCert, err := tls.LoadX509KeyPair(storeFile("server-chain.pem"), storeFile("server-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(storeFile("ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	clientCAs := x509.NewCertPool()
	if !clientCAs.AppendCertsFromPEM(caPEM) {
		t.Fatal("ca.pem holds no certificate")
	}
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCAs}
	ts.StartTLS()
	defer ts.Close()
	url := ts.URL + "/api/v1/ingest/elastic-bulk"
	ssl := func(kv ...string) map[string]string {
		p := props(url, KeyIngestToken, "mtls-token", keySecurityProtocol, "SSL")
		for i := 0; i < len(kv); i += 2 {
			p[sslPrefix+kv[i]] = kv[i+1]
		}
		return p
	}
	jksTrust := []string{sslTruststoreType, "JKS", sslTruststoreLocation, storeFile("truststore.jks"),
		sslTruststorePassword, "trustpass"}
	ok := []struct {
		name string
		p    map[string]string
	}{
		{"JKS trust store, PKCS12 key store", ssl(append(jksTrust, sslKeystoreType, "PKCS12",
			sslKeystoreLocation, storeFile("keystore.p12"), sslKeystorePassword, "storepass")...)},
		{"PKCS12 trust store, JKS key store with a key password", ssl(sslTruststoreType, "PKCS12",
			sslTruststoreLocation, storeFile("truststore.p12"), sslTruststorePassword, "trustpass",
			sslKeystoreType, "JKS", sslKeystoreLocation, storeFile("keystore-keypass.jks"),
			sslKeystorePassword, "storepass", sslKeyPassword, "keypass")},
		{"types not set, JKS trust store without password", ssl(sslTruststoreLocation, storeFile("truststore.jks"),
			sslKeystoreLocation, storeFile("keystore.jks"), sslKeystorePassword, "storepass")},
		{"two key entries", ssl(append(jksTrust, sslKeystoreLocation, storeFile("keystore-two.jks"),
			sslKeystorePassword, "storepass")...)},
		{"PEM files", ssl(sslTruststoreType, "PEM", sslTruststoreLocation, storeFile("ca.pem"),
			sslKeystoreType, "PEM", sslKeystoreLocation, storeFile("client.pem"))},
		{"PEM files, encrypted key", ssl(sslTruststoreType, "PEM", sslTruststoreLocation, storeFile("ca.pem"),
			sslKeystoreType, "PEM", sslKeystoreLocation, storeFile("client-encrypted.pem"), sslKeyPassword, "keypass")},
		{"inline PEM, encrypted key", ssl(append(jksTrust, sslKeystoreType, "PEM",
			sslKeystoreKey, readStoreFile(t, "client-key-aes256.pem"),
			sslKeystoreCertChain, readStoreFile(t, "client-chain.pem"), sslKeyPassword, "keypass")...)},
	}
	var want []int
	for i, c := range ok {
		want = append(want, i)
		r := startTask(t, c.p, nil)
		put(t, r, events("logs", 0, i, 1))
		if got, err := r.task.PreCommit(t.Context(), nil); err != nil || got[tp0] != int64(i+1) {
			t.Errorf("%s: %v %v", c.name, got, err)
		}
	}
	if got := stored(t, srv); !slices.Equal(got, want) {
		t.Errorf("stored %v, want events %v", got, want)
	}

	// Without a client certificate the server ends the handshake. TLS 1.2
	// makes the client see the server's alert: with 1.3 the client may
	// be writing its request when the server hangs up.
	p := ssl(append(jksTrust, sslEnabledProtocols, "TLSv1.2")...)
	p[keyMaxRetries] = "0"
	r := startTask(t, p, nil)
	put(t, r, events("logs", 0, 9, 1))
	if _, err := r.task.PreCommit(t.Context(), nil); err == nil || !strings.Contains(err.Error(), "remote error: tls:") {
		t.Errorf("no client certificate: got %v", err)
	}

	// A wrong trust store password is a config error on its key.
	p = ssl(append(jksTrust, sslKeystoreLocation, storeFile("keystore.p12"), sslKeystorePassword, "storepass")...)
	p[sslPrefix+sslTruststorePassword] = "wrong-secret"
	problems := New().ValidateConfig(p)
	got := problems[sslPrefix+sslTruststorePassword]
	if len(got) != 1 || !strings.Contains(got[0], "wrong store password") || strings.Contains(got[0], "wrong-secret") {
		t.Errorf("problems %v", problems)
	}
	if err := NewTask().Start(connectortest.NewSinkTaskContext(p, tp0), p); err == nil ||
		!strings.Contains(err.Error(), sslPrefix+sslTruststorePassword) {
		t.Errorf("Start with a wrong trust store password: %v", err)
	}

	// Encrypted PEM keys: ssl.key.password is blamed when it is wrong,
	// missing, or set for a key that is not encrypted.
	inline := func(keyFile string, kv ...string) map[string]string {
		return ssl(append(append(jksTrust, sslKeystoreKey, readStoreFile(t, keyFile),
			sslKeystoreCertChain, readStoreFile(t, "client-chain.pem")), kv...)...)
	}
	for _, tc := range []struct {
		name, key, want string
		p               map[string]string
	}{
		{"wrong key password, PEM file", sslKeyPassword, "does not decrypt with the key password",
			ssl(append(jksTrust, sslKeystoreLocation, storeFile("client-encrypted.pem"), sslKeyPassword, "wrong-secret")...)},
		{"no key password, PEM file", sslKeyPassword, "needs the key password",
			ssl(append(jksTrust, sslKeystoreLocation, storeFile("client-encrypted.pem"))...)},
		{"wrong key password, inline PEM", sslKeyPassword, "does not decrypt with the key password",
			inline("client-key-des3.pem", sslKeyPassword, "wrong-secret")},
		{"no key password, inline PEM", sslKeyPassword, "needs the key password", inline("client-key-aes128.pem")},
		{"key password for an unencrypted key", sslKeyPassword, "not encrypted",
			inline("client-key.pem", sslKeyPassword, "wrong-secret")},
		{"PBES1 key", sslKeystoreKey, "unsupported encryption scheme 1.2.840.113549.1.12.1.3",
			inline("client-key-pbes1.pem", sslKeyPassword, "keypass")},
	} {
		problems := New().ValidateConfig(tc.p)
		got := problems[sslPrefix+tc.key]
		if len(got) != 1 || !strings.Contains(got[0], tc.want) || strings.Contains(got[0], "wrong-secret") ||
			strings.Contains(got[0], "keypass") {
			t.Errorf("%s: problems %v, want one on %s saying %q", tc.name, problems, sslPrefix+tc.key, tc.want)
		}
		if err := NewTask().Start(connectortest.NewSinkTaskContext(tc.p, tp0), tc.p); err == nil ||
			!strings.Contains(err.Error(), sslPrefix+tc.key) {
			t.Errorf("%s: Start: %v", tc.name, err)
		}
	}
}

func readStoreFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(storeFile(name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestProxy sends requests through an HTTP proxy that wants credentials.
func TestProxy(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	var mu sync.Mutex
	proxied := 0
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Proxy-Authorization") != basicAuth("pu", "ppw").Value() || !r.URL.IsAbs() {
			http.Error(w, "proxy auth", http.StatusProxyAuthRequired)
			return
		}
		mu.Lock()
		proxied++
		mu.Unlock()
		out, _ := http.NewRequestWithContext(r.Context(), r.Method, r.URL.String(), r.Body)
		out.Header = r.Header.Clone()
		out.Header.Del("Proxy-Authorization")
		resp, err := http.DefaultTransport.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			w.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}))
	defer proxy.Close()
	host, port, _ := strings.Cut(strings.TrimPrefix(proxy.URL, "http://"), ":")
	r := startTask(t, props(url, keyProxyHost, host, keyProxyPort, port, keyProxyUsername, "pu", keyProxyPassword, "ppw"), nil)
	put(t, r, events("logs", 0, 0, 20))
	if got := preCommit(t, r); got[tp0] != 20 || srv.Stats().Events != 20 {
		t.Fatalf("offsets %v, %+v", got, srv.Stats())
	}
	mu.Lock()
	defer mu.Unlock()
	if proxied == 0 {
		t.Fatalf("no request went through the proxy")
	}
	if strings.Contains(r.logs.String(), "ppw") {
		t.Errorf("the proxy password is in the log")
	}
}

func TestReadTimeoutIsRetried(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	srv.SetDelay(time.Hour)
	defer srv.SetDelay(0) // before the cleanups stop the task
	r := startTask(t, props(url, keyReadTimeoutMs, "50", keyMaxRetries, "2"), nil)
	put(t, r, events("logs", 0, 0, 1))
	_, err := r.task.PreCommit(t.Context(), nil)
	if err == nil || !strings.Contains(err.Error(), "after 3 attempts (max.retries=2)") ||
		!strings.Contains(err.Error(), "timeout awaiting response headers") {
		t.Fatalf("got %v", err)
	}
}

// TestTransportSettings shows where the connection keys end up.
func TestTransportSettings(t *testing.T) {
	s := mustSettings(t, keyConnectionTimeoutMs, "1500", keyReadTimeoutMs, "2500", keyMaxIdleTimeMs, "30000",
		keyMaxInFlight, "7", keyMaxBuffered, "14000", keyProxyHost, "proxy.local", keyProxyPort, "3128")
	tr := newClient(s).transport
	if tr.ResponseHeaderTimeout != 2500*time.Millisecond || tr.TLSHandshakeTimeout != 1500*time.Millisecond ||
		tr.IdleConnTimeout != 30*time.Second || tr.MaxIdleConnsPerHost != 8 || tr.Proxy == nil {
		t.Fatalf("transport %+v", tr)
	}
	req, _ := http.NewRequest("POST", "http://humio/_bulk", nil)
	if u, err := tr.Proxy(req); err != nil || u.String() != "http://proxy.local:3128" {
		t.Fatalf("proxy %v %v", u, err)
	}
	if tr := newClient(mustSettings(t, keyMaxIdleTimeMs, "-1")).transport; tr.IdleConnTimeout != 0 || tr.Proxy != nil {
		t.Fatalf("defaults %+v", tr)
	}
}

// TestBackoffSchedule: retry n waits a random time below
// retry.backoff.ms x 2^n, never above humio.retry.backoff.max.ms.
func TestBackoffSchedule(t *testing.T) {
	f := &fullJitter{base: 100 * time.Millisecond, max: 10 * time.Second}
	for round := 0; round < 200; round++ {
		f.Reset()
		for n := 1; n <= 1000; n++ {
			d := f.NextBackOff()
			ceiling := min(10*time.Second, 100*time.Millisecond<<min(n, 20))
			if d < 0 || d >= ceiling {
				t.Fatalf("retry %d waited %s, want below %s", n, d, ceiling)
			}
		}
	}
	// Late retries are spread over the whole capped range, not stuck low.
	var maxSeen time.Duration
	for range 1000 {
		maxSeen = max(maxSeen, f.NextBackOff())
	}
	if maxSeen < 9*time.Second {
		t.Errorf("late waits reach only %s", maxSeen)
	}
	for _, z := range []*fullJitter{{base: 0, max: time.Second}, {base: time.Second, max: 0}} {
		if d := z.NextBackOff(); d != 0 {
			t.Errorf("%+v waits %s, want 0", z, d)
		}
	}
}

// TestRedirectIsReported: a redirect (http to https, say) fails the task
// with the URL to use instead of silently turning into a GET.
func TestRedirectIsReported(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://humio.example"+r.URL.Path, http.StatusMovedPermanently)
	}))
	defer ts.Close()
	r := startTask(t, props(ts.URL+"/api/v1/ingest/elastic-bulk"), nil)
	put(t, r, events("logs", 0, 0, 1))
	_, err := r.task.PreCommit(t.Context(), nil)
	if err == nil || !strings.Contains(err.Error(), `HTTP 301 Moved Permanently to POST `+ts.URL+
		`/api/v1/ingest/elastic-bulk/_bulk, redirecting to "https://humio.example/api/v1/ingest/elastic-bulk/_bulk"`) {
		t.Fatalf("got %v", err)
	}
}

// TestEndpointNotFound: a wrong path is reported with the forms that work.
func TestEndpointNotFound(t *testing.T) {
	_, url := startHumio(t, humiotest.Config{})
	r := startTask(t, props(strings.Replace(url, "elastic-bulk", "elastic", 1)), nil)
	put(t, r, events("logs", 0, 0, 1))
	_, err := r.task.PreCommit(t.Context(), nil)
	if err == nil || !strings.Contains(err.Error(), "HTTP 404 Not Found") || !strings.Contains(err.Error(), "check connection.url") {
		t.Fatalf("got %v", err)
	}
}

// TestSystemic400FailsInsteadOfDropping: when every event is refused even
// alone, the fault is not in the events; dropping them all under
// behavior.on.malformed.documents=warn would lose the stream.
func TestSystemic400FailsInsteadOfDropping(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"unsupported media type for this route"}`, http.StatusBadRequest)
	}))
	defer ts.Close()
	rep := &reporter{}
	r := startTask(t, props(ts.URL, keyBehaviorOnMalformed, "warn"), rep)
	put(t, r, events("logs", 0, 0, 8))
	got, err := r.task.PreCommit(t.Context(), nil)
	if err == nil || !strings.Contains(err.Error(), "Humio refused every one of 8 events, each on its own, with HTTP 400 Bad Request") {
		t.Fatalf("got %v, %v", got, err)
	}
	if len(rep.got()) != 0 {
		t.Errorf("reported as malformed: %v", rep.got())
	}
}

// TestStopLogsHowResponsesWereRead: the stop log counts the bulk responses
// settled by "errors":false alone and those decoded item by item; make
// bench checks the second stays 0 while Humio reports no errors.
func TestStopLogsHowResponsesWereRead(t *testing.T) {
	for _, rejecting := range []bool{false, true} {
		t.Run(fmt.Sprintf("rejecting=%v", rejecting), func(t *testing.T) {
			srv, url := startHumio(t, humiotest.Config{})
			if rejecting {
				srv.RejectItems(func(e humiotest.Event) humiotest.ItemResult {
					if v, _ := e.Field("n"); v.(float64) == 3 {
						return humiotest.ItemResult{Status: 400, Type: "mapper_parsing_exception", Reason: "bad n"}
					}
					return humiotest.ItemResult{}
				})
			}
			r := startTask(t, props(url, keyBatchSize, "10", keyBehaviorOnMalformed, "ignore"), nil)
			put(t, r, events("logs", 0, 0, 30))
			if _, err := r.task.PreCommit(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
			if err := r.task.Stop(); err != nil {
				t.Fatal(err)
			}
			// 30 events in batches of at most 10: 3 requests or more.
			logs := r.logs.String()
			m := regexp.MustCompile(`bulk_responses_by_errors_flag=(\d+) bulk_responses_decoded_item_by_item=(\d+)`).FindStringSubmatch(logs)
			if m == nil {
				t.Fatalf("no counts in the stop log:\n%s", logs)
			}
			byFlag, _ := strconv.Atoi(m[1])
			decoded, _ := strconv.Atoi(m[2])
			wantDecoded := map[bool]int{false: 0, true: 1}[rejecting] // only the request with event 3
			if byFlag < 3-wantDecoded || decoded != wantDecoded {
				t.Errorf("by errors flag %d, decoded %d; want at least %d and %d", byFlag, decoded, 3-wantDecoded, wantDecoded)
			}
		})
	}
}
