package elasticsearch

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

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
