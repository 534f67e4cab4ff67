package elasticsearch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// fullJitter is the Java connector's retry schedule as a backoff.BackOff:
// the n-th retry waits a uniformly random time in [0, base x 2^n), with the
// ceiling capped by max (humio.retry.backoff.max.ms) rather than Java's
// 24 hours. A zero base or cap retries at once.
type fullJitter struct {
	base, max time.Duration
	n         int
}

func (f *fullJitter) Reset() { f.n = 0 }

func (f *fullJitter) NextBackOff() time.Duration {
	f.n++
	ceiling := f.max
	if f.n < 40 {
		if c := f.base << f.n; c > 0 && c < ceiling {
			ceiling = c
		}
	}
	if f.base <= 0 || ceiling <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceiling)))
}

// send posts a batch until every item is stored or settled. A request
// answered 413 (too large) or 400 (something in it is unreadable) is split
// in halves, down to single events, which are then rejected as malformed:
// the good events around a bad one are never dropped or sent whole again.
// But when every event of a batch is refused alone, the fault is not in the
// events (a proxy or endpoint refusing everything): that fails the task
// rather than dropping them all. The outcome goes into b.err and
// b.rejected.
func (w *writer) send(b *batch, scratch *bytes.Buffer) {
	var alone []refusal
	work := [][]int{nil} // nil: every item of the batch
	for len(work) > 0 {
		idx := work[len(work)-1]
		work = work[:len(work)-1]
		halves, refused, err := w.sendSet(b, idx, scratch)
		if err != nil {
			b.err = err
			return
		}
		if refused != nil {
			alone = append(alone, *refused)
		}
		// Push the second half first so the first is sent first.
		for i := len(halves) - 1; i >= 0; i-- {
			work = append(work, halves[i])
		}
	}
	if len(alone) > 1 && len(alone) == len(b.items) && alone[0].status != http.StatusRequestEntityTooLarge {
		b.err = fmt.Errorf("Humio refused every one of %d events, each on its own, with %v: the fault is not in "+
			"the events (check %s and any proxy on the way)", len(alone), alone[0].cause, keyConnectionURL)
		return
	}
	for _, r := range alone {
		if err := w.reject(b, r.item, r.cause); err != nil {
			b.err = err
			return
		}
	}
}

// refusal is a single event in a request refused as a whole.
type refusal struct {
	item   int
	status int
	cause  error
}

// all returns idx, or every item index when idx is nil.
func (b *batch) all(idx []int) []int {
	if idx != nil {
		return idx
	}
	out := make([]int, len(b.items))
	for i := range out {
		out[i] = i
	}
	return out
}

// retryable marks a failure worth another attempt.
type retryable struct{ err error }

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// sendSet posts the items idx with retries. It returns halves to send
// separately when the request was refused as too large or unreadable, and
// the refusal when that request held a single event.
func (w *writer) sendSet(b *batch, idx []int, scratch *bytes.Buffer) (halves [][]int, refused *refusal, err error) {
	pending := idx
	attempts := 0
	bo := backoff.WithContext(backoff.WithMaxRetries(&fullJitter{base: w.s.retryBackoff, max: w.s.retryBackoffMax},
		uint64(w.s.maxRetries)), w.ctx)
	op := func() error {
		attempts++
		resp, url, released, err := w.client.post(w.ctx, b.body(pending), scratch)
		if !released {
			b.pinned = true
		}
		if err != nil {
			if w.ctx.Err() != nil {
				return backoff.Permanent(errStopped)
			}
			return &retryable{fmt.Errorf("POST %s: %w", url, err)}
		}
		st := resp.status
		switch {
		case st >= 200 && st < 300:
			retry, err := w.settleItems(b, pending, resp.body)
			if err != nil {
				return backoff.Permanent(err)
			}
			if len(retry) > 0 {
				n := len(b.all(pending))
				pending = retry
				return &retryable{fmt.Errorf("POST %s: %d of %d events were answered with a retryable status (429/5xx)", url, len(retry), n)}
			}
			return nil
		case st >= 300 && st < 400:
			return backoff.Permanent(fmt.Errorf("Humio answered HTTP %d %s to POST %s, redirecting to %q: "+
				"set %s to the URL Humio redirects to", st, http.StatusText(st), url, resp.location, keyConnectionURL))
		case st == http.StatusUnauthorized || st == http.StatusForbidden:
			return backoff.Permanent(w.credentialsError(url, st, resp.body))
		case st == http.StatusNotFound || st == http.StatusMethodNotAllowed:
			return backoff.Permanent(fmt.Errorf("Humio answered HTTP %d %s to POST %s: check %s (the endpoint is "+
				"/api/v1/ingest/elastic-bulk, /api/v1/repositories/<repo>/ingest/elasticsearch or "+
				"/api/v1/dataspaces/<repo>/ingest/elasticsearch; /_bulk is appended): %s",
				st, http.StatusText(st), url, keyConnectionURL, snippet(resp.body)))
		case st == http.StatusRequestTimeout || st == http.StatusTooManyRequests || st >= 500:
			return &retryable{fmt.Errorf("POST %s: HTTP %d %s: %s", url, st, http.StatusText(st), snippet(resp.body))}
		}
		// 413 and the other 4xx: something in the request is refused.
		all := b.all(pending)
		cause := fmt.Errorf("HTTP %d %s: %s", st, http.StatusText(st), snippet(resp.body))
		if len(all) == 1 {
			refused = &refusal{item: all[0], status: st, cause: cause}
			return nil
		}
		w.log.Debug("request refused, splitting it", "url", url, "status", st, "events", len(all))
		mid := len(all) / 2
		halves = [][]int{all[:mid], all[mid:]}
		return nil
	}
	notify := func(err error, wait time.Duration) {
		if w.stats != nil {
			w.stats.retries.Add(1)
		}
		w.log.Warn("bulk request failed, retrying", "error", err, "attempt", attempts, "wait", wait.Round(time.Millisecond))
	}
	err = backoff.RetryNotify(op, bo, notify)
	switch {
	case err == nil:
		return halves, refused, nil
	case errors.Is(err, errStopped) || w.ctx.Err() != nil:
		return nil, nil, errStopped
	case errors.As(err, new(*retryable)):
		first := &b.items[b.all(pending)[0]]
		return nil, nil, fmt.Errorf("giving up on %d events (the first from %s) after %d attempts (%s=%d): %w",
			len(b.all(pending)), first.coordinates(), attempts, keyMaxRetries, w.s.maxRetries, err)
	}
	return nil, nil, err
}

// credentialsError says plainly that Humio refused the credentials and
// which keys hold them, without ever showing them.
func (w *writer) credentialsError(url string, status int, body []byte) error {
	var which string
	switch {
	case !w.s.token.IsEmpty():
		which = "check " + KeyIngestToken
	case w.s.username != "":
		which = "check " + keyUsername + " and " + keyPassword
	default:
		which = "no credentials are configured: set " + KeyIngestToken + " (or " + keyUsername + "/" + keyPassword + ")"
	}
	return fmt.Errorf("Humio refused the credentials: HTTP %d %s from POST %s; %s: %s",
		status, http.StatusText(status), url, which, snippet(body))
}

// reject settles item i as an event Humio refused, following
// behavior.on.malformed.documents; with fail it returns the fatal error.
func (w *writer) reject(b *batch, i int, cause error) error {
	it := &b.items[i]
	err := fmt.Errorf("Humio rejected the event from %s: %w", it.coordinates(), cause)
	b.rejected = append(b.rejected, rejection{rec: it.rec, err: err})
	if w.stats != nil {
		w.stats.rejected.Add(1)
	}
	switch w.s.onMalformed {
	case malformedFail:
		return fmt.Errorf("%w (%s=fail)", err, keyBehaviorOnMalformed)
	case malformedWarn:
		w.log.Warn("humio rejected an event, skipping it", "topic", it.topic, "partition", it.partition,
			"offset", it.offset, "error", cause)
	default:
		w.log.Debug("humio rejected an event, skipping it", "topic", it.topic, "partition", it.partition,
			"offset", it.offset, "error", cause)
	}
	return nil
}

// bulkItem is one entry of a bulk response's items, under its action name.
type bulkItem struct {
	Status int             `json:"status"`
	Error  json.RawMessage `json:"error"`
}

// settleItems reads a 2xx bulk response for the items idx. The fast path
// reads only the top-level "errors" flag; items are decoded only when it is
// true. It returns the items to retry (429/5xx, or not answered at all).
func (w *writer) settleItems(b *batch, idx []int, body []byte) (retry []int, err error) {
	if errs, found := bulkErrorsFlag(body); !found || !errs {
		w.responsesByFlag.Add(1)
		return nil, nil // success is judged by the HTTP status
	}
	w.responsesDecoded.Add(1)
	all := b.all(idx)
	var resp struct {
		Items []map[string]bulkItem `json:"items"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		w.log.Warn("unreadable bulk response with errors, retrying its events", "error", err, "events", len(all))
		return all, nil
	}
	for j, i := range all {
		if j >= len(resp.Items) {
			retry = append(retry, i)
			continue
		}
		var op string
		var it bulkItem
		for k, v := range resp.Items[j] {
			op, it = k, v
		}
		switch st := it.Status; {
		case st >= 200 && st < 300, st == http.StatusConflict, st == http.StatusNotFound && op == "delete":
			// Stored; a conflict means the id exists already; nothing to delete is fine.
		case st == http.StatusTooManyRequests || st >= 500:
			retry = append(retry, i)
		case st == http.StatusUnauthorized || st == http.StatusForbidden:
			return nil, fmt.Errorf("Humio refused the event from %s: HTTP %d: %s", b.items[i].coordinates(), st, itemReason(it))
		case st == http.StatusBadRequest || st == http.StatusRequestEntityTooLarge || malformedType(it.Error):
			if err := w.reject(b, i, fmt.Errorf("HTTP %d: %s", st, itemReason(it))); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("Humio could not store the event from %s: HTTP %d: %s", b.items[i].coordinates(), st, itemReason(it))
		}
	}
	return retry, nil
}

// malformedTypes are the error types Elasticsearch uses for a document it
// cannot take, as the Java connector lists them.
var malformedTypes = []string{
	"strict_dynamic_mapping_exception", "mapper_parsing_exception", "illegal_argument_exception",
	"action_request_validation_exception", "document_parsing_exception",
}

func malformedType(raw json.RawMessage) bool {
	s := string(raw)
	for _, t := range malformedTypes {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}

// itemReason renders an item's error as "type: reason".
func itemReason(it bulkItem) string {
	if len(it.Error) == 0 {
		return "no reason given"
	}
	var e struct {
		Type     string `json:"type"`
		Reason   string `json:"reason"`
		CausedBy *struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"caused_by"`
	}
	if err := json.Unmarshal(it.Error, &e); err != nil {
		var s string
		if json.Unmarshal(it.Error, &s) == nil {
			return truncate(s)
		}
		return snippet(it.Error)
	}
	out := e.Type + ": " + e.Reason
	if e.CausedBy != nil {
		out += " (caused by " + e.CausedBy.Type + ": " + e.CausedBy.Reason + ")"
	}
	return truncate(out)
}

// snippet is the start of a response body for an error message.
func snippet(body []byte) string {
	s := strings.TrimSpace(string(body))
	if s == "" {
		return "(empty body)"
	}
	return truncate(s)
}

func truncate(s string) string {
	const max = 512
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
