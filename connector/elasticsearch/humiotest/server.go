// Package humiotest is a Humio-compatible Elasticsearch bulk endpoint for
// tests and demos: an http.Handler that parses bulk bodies strictly, checks
// credentials the way Humio takes them, stores (or counts) the events, and
// misbehaves on command: it answers a chosen status for the next N requests
// or for a while, answers slowly, rejects chosen events one by one, and
// refuses bodies above a size with 413.
//
// In a test, serve it with httptest:
//
//	srv := humiotest.New(humiotest.Config{Token: "secret"})
//	ts := httptest.NewServer(srv)
//	defer ts.Close()
//	// connection.url = ts.URL + "/api/v1/ingest/elastic-bulk"
//
// As a long-lived process (make quickstart), run ListenAndServe; the
// /_humiotest/ control endpoints then give stats and inject faults over
// HTTP (see ServeHTTP).
//
// The package imports only the standard library, so cmd/ code and tests of
// any package can use it.
package humiotest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TokenAuth says how an ingest token may be sent.
type TokenAuth uint8

const (
	// TokenAnyWay accepts "Authorization: Bearer <token>" and basic auth with
	// the token as the password and any user name, as Humio does.
	TokenAnyWay TokenAuth = iota
	// TokenBearerOnly accepts the bearer form only.
	TokenBearerOnly
	// TokenBasicOnly accepts the basic form only.
	TokenBasicOnly
)

// Config sets up a Server. The zero value accepts every request without
// credentials and stores every event.
type Config struct {
	// Token, when not empty, must come with every request (see TokenAuth).
	Token     string
	TokenAuth TokenAuth
	// Username and Password, when Username is not empty, must come as basic
	// auth (in addition to the token form, when Token is set too).
	Username, Password string
	// MaxBodyBytes, when positive, answers 413 to requests whose body
	// (after gzip decoding) is larger, as Humio Cloud does above 32 MB.
	MaxBodyBytes int
	// CountOnly counts events without storing them, for long runs.
	CountOnly bool
}

// Event is one stored event.
type Event struct {
	Repo   string          // repository or dataspace named in the path, "" for /api/v1/ingest/elastic-bulk and /_bulk
	Action string          // index or create
	Index  string          // _index of the action line
	ID     string          // _id of the action line, "" when none
	Type   string          // _type of the action line, "" when none
	Source json.RawMessage // the document as sent
}

// Field decodes one top-level field of the event.
func (e Event) Field(name string) (any, bool) {
	var m map[string]any
	if json.Unmarshal(e.Source, &m) != nil {
		return nil, false
	}
	v, ok := m[name]
	return v, ok
}

// ItemResult is the answer to one event chosen by a RejectItems function.
// A zero Status accepts the event.
type ItemResult struct {
	Status int    // for example 400, 429 or 503
	Type   string // error type, e.g. mapper_parsing_exception
	Reason string
}

// Stats counts what the server saw.
type Stats struct {
	Requests     int `json:"requests"`       // bulk requests received
	Accepted     int `json:"accepted"`       // requests answered 200
	Events       int `json:"events"`         // events stored (or counted)
	Deletes      int `json:"deletes"`        // delete actions received
	Rejected     int `json:"rejected"`       // items answered with an error
	Failed       int `json:"failed"`         // requests failed on command
	Unauthorized int `json:"unauthorized"`   // requests answered 401
	BadRequests  int `json:"bad_requests"`   // requests answered 400
	TooLarge     int `json:"too_large"`      // requests answered 413
	Gzipped      int `json:"gzipped"`        // requests with a gzip body
	BodyBytes    int `json:"body_bytes"`     // body bytes received (as sent)
	MaxBatchSize int `json:"max_batch_size"` // most items in one request
	MaxInFlight  int `json:"max_in_flight"`  // most bulk requests being served at once
}

// Server is the fake Humio. Its methods are safe for concurrent use.
type Server struct {
	cfg Config

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced when events arrive
	events     []Event
	stats      Stats
	failStatus int
	failCount  int
	failUntil  time.Time
	delay      time.Duration
	reject     func(Event) ItemResult
	maxBody    int
	inFlight   int
	// faultsChanged is closed and replaced when SetDelay or ClearFaults
	// change the delay, so requests already waiting re-read it.
	faultsChanged chan struct{}
}

// New returns a server with the given configuration.
func New(cfg Config) *Server {
	return &Server{cfg: cfg, changed: make(chan struct{}), faultsChanged: make(chan struct{}), maxBody: cfg.MaxBodyBytes}
}

// FailNext answers the next n bulk requests with status (for example 503,
// 429 or 500) before reading their bodies.
func (s *Server) FailNext(status, n int) {
	s.mu.Lock()
	s.failStatus, s.failCount, s.failUntil = status, n, time.Time{}
	s.mu.Unlock()
}

// FailFor answers every bulk request with status for d from now.
func (s *Server) FailFor(status int, d time.Duration) {
	s.mu.Lock()
	s.failStatus, s.failCount, s.failUntil = status, 0, time.Now().Add(d)
	s.mu.Unlock()
}

// Throttle answers the next n bulk requests with 429 Too Many Requests.
func (s *Server) Throttle(n int) { s.FailNext(http.StatusTooManyRequests, n) }

// SetDelay makes every bulk request wait d before it is answered.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.faultsLocked()
	s.mu.Unlock()
}

// faultsLocked wakes requests waiting out a delay; mu must be held.
func (s *Server) faultsLocked() {
	close(s.faultsChanged)
	s.faultsChanged = make(chan struct{})
}

// SetMaxBodyBytes changes the 413 limit; 0 removes it.
func (s *Server) SetMaxBodyBytes(n int) {
	s.mu.Lock()
	s.maxBody = n
	s.mu.Unlock()
}

// RejectItems makes f choose the answer to each event of later requests;
// nil accepts them all again. f must be safe for concurrent calls.
func (s *Server) RejectItems(f func(Event) ItemResult) {
	s.mu.Lock()
	s.reject = f
	s.mu.Unlock()
}

// ClearFaults stops failing, delaying and rejecting.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.failStatus, s.failCount, s.failUntil, s.delay, s.reject = 0, 0, time.Time{}, 0, nil
	s.maxBody = s.cfg.MaxBodyBytes
	s.faultsLocked()
	s.mu.Unlock()
}

// Events returns a copy of the stored events in arrival order.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// WaitForEvents waits until at least n events were stored or counted.
func (s *Server) WaitForEvents(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		got, ch := s.stats.Events, s.changed
		s.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("humiotest: %d of %d events arrived: %w", got, n, ctx.Err())
		}
	}
}

// ListenAndServe serves on addr (":0" picks a port) until ctx ends, then
// shuts down gracefully. ready, if not nil, is called with the address once
// the server listens.
func (s *Server) ListenAndServe(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("humiotest: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr())
	}
	select {
	case err := <-served:
		return fmt.Errorf("humiotest: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	serr := srv.Shutdown(sctx)
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("humiotest: serve: %w", err)
	}
	return serr
}

// ServeHTTP answers the bulk endpoints
//
//	POST /_bulk
//	POST /api/v1/ingest/elastic-bulk[/_bulk]
//	POST /api/v1/repositories/<repo>/ingest/elasticsearch[/_bulk]
//	POST /api/v1/dataspaces/<repo>/ingest/elasticsearch[/_bulk]
//
// and the control endpoints (no credentials needed)
//
//	GET  /_humiotest/stats                       the Stats as JSON
//	POST /_humiotest/fail?status=503&count=3     FailNext
//	POST /_humiotest/fail?status=503&for=10s     FailFor
//	POST /_humiotest/delay?for=200ms             SetDelay
//	POST /_humiotest/reset                       ClearFaults
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/_humiotest/"); ok {
		s.control(w, r, rest)
		return
	}
	repo, ok := bulkPath(r.URL.Path)
	if !ok {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	s.bulk(w, r, repo)
}

// bulkPath recognises the bulk endpoints and extracts the repository.
func bulkPath(p string) (repo string, ok bool) {
	p = strings.TrimSuffix(strings.TrimSuffix(p, "/"), "/_bulk")
	switch {
	case p == "" || p == "/api/v1/ingest/elastic-bulk":
		return "", true
	case strings.HasPrefix(p, "/api/v1/repositories/") && strings.HasSuffix(p, "/ingest/elasticsearch"):
		repo = strings.TrimSuffix(strings.TrimPrefix(p, "/api/v1/repositories/"), "/ingest/elasticsearch")
	case strings.HasPrefix(p, "/api/v1/dataspaces/") && strings.HasSuffix(p, "/ingest/elasticsearch"):
		repo = strings.TrimSuffix(strings.TrimPrefix(p, "/api/v1/dataspaces/"), "/ingest/elasticsearch")
	default:
		return "", false
	}
	return repo, repo != "" && !strings.Contains(repo, "/")
}

func (s *Server) bulk(w http.ResponseWriter, r *http.Request, repo string) {
	s.mu.Lock()
	s.stats.Requests++
	s.inFlight++
	s.stats.MaxInFlight = max(s.stats.MaxInFlight, s.inFlight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()
	if !s.authorized(r) {
		s.count(func(st *Stats) { st.Unauthorized++ })
		writeError(w, http.StatusUnauthorized, "The supplied authentication is invalid")
		return
	}
	s.mu.Lock()
	failStatus := 0
	switch {
	case s.failCount > 0:
		s.failCount--
		failStatus = s.failStatus
	case time.Now().Before(s.failUntil):
		failStatus = s.failStatus
	}
	reject, maxBody := s.reject, s.maxBody
	delay := s.delay
	if failStatus != 0 {
		s.stats.Failed++
	}
	s.mu.Unlock()

	if delay > 0 && !s.waitDelay(r.Context()) {
		return
	}
	if failStatus != 0 {
		if failStatus == http.StatusTooManyRequests || failStatus == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
		writeError(w, failStatus, "failing on command")
		return
	}

	raw, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "reading the body: "+err.Error())
		return
	}
	body := raw
	gz := false
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "":
	case "gzip":
		gz = true
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err == nil {
			body, err = io.ReadAll(zr)
		}
		if err != nil {
			s.count(func(st *Stats) { st.BadRequests++ })
			writeError(w, http.StatusBadRequest, "body is not valid gzip: "+err.Error())
			return
		}
	default:
		s.count(func(st *Stats) { st.BadRequests++ })
		writeError(w, http.StatusBadRequest, "unsupported Content-Encoding "+enc)
		return
	}
	s.count(func(st *Stats) {
		st.BodyBytes += len(raw)
		if gz {
			st.Gzipped++
		}
	})
	if maxBody > 0 && len(body) > maxBody {
		s.count(func(st *Stats) { st.TooLarge++ })
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body of %d bytes is larger than %d", len(body), maxBody))
		return
	}
	items, err := parseBulk(body, repo)
	if err != nil {
		s.count(func(st *Stats) { st.BadRequests++ })
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.answer(w, items, reject)
}

// waitDelay waits out the configured delay, counted from now, re-reading
// it when it changes. It reports false when the client went away.
func (s *Server) waitDelay(ctx context.Context) bool {
	start := time.Now()
	for {
		s.mu.Lock()
		d, changed := s.delay-time.Since(start), s.faultsChanged
		s.mu.Unlock()
		if d <= 0 {
			return true
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
			return true
		case <-changed:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return false
		}
	}
}

// authorized checks the credentials against the configuration.
func (s *Server) authorized(r *http.Request) bool {
	if s.cfg.Token == "" && s.cfg.Username == "" {
		return true
	}
	h := r.Header.Get("Authorization")
	if s.cfg.Token != "" {
		if bearer, ok := strings.CutPrefix(h, "Bearer "); ok && s.cfg.TokenAuth != TokenBasicOnly && bearer == s.cfg.Token {
			return true
		}
		if _, pw, ok := r.BasicAuth(); ok && s.cfg.TokenAuth != TokenBearerOnly && pw == s.cfg.Token {
			return true
		}
	}
	if s.cfg.Username != "" {
		if u, pw, ok := r.BasicAuth(); ok && u == s.cfg.Username && pw == s.cfg.Password {
			return true
		}
	}
	return false
}

// bulkEntry is one parsed action of a request.
type bulkEntry struct {
	ev       Event
	del      bool
	docError string // the document line is not a JSON object: a per-item 400
}

// parseBulk parses an NDJSON bulk body strictly: every line ends in '\n';
// an action line is an object with exactly one of index, create or delete,
// whose metadata holds only known fields; index and create are followed by
// a document line. A broken action line fails the whole request, as in
// Elasticsearch; a document that is not a JSON object fails its item only.
func parseBulk(body []byte, repo string) ([]bulkEntry, error) {
	if len(body) == 0 {
		return nil, errors.New("request body is required")
	}
	if body[len(body)-1] != '\n' {
		return nil, errors.New("The bulk request must be terminated by a newline [\\n]")
	}
	var out []bulkEntry
	line := 0
	next := func() []byte {
		i := bytes.IndexByte(body, '\n')
		l := body[:i]
		body = body[i+1:]
		line++
		return l
	}
	for len(body) > 0 {
		action := next()
		var head map[string]json.RawMessage
		if err := json.Unmarshal(action, &head); err != nil {
			return nil, fmt.Errorf("line %d: action line is not a JSON object: %v", line, err)
		}
		if len(head) != 1 {
			return nil, fmt.Errorf("line %d: action line must have exactly one action, it has %d", line, len(head))
		}
		var e bulkEntry
		var metaRaw json.RawMessage
		for k, v := range head {
			e.ev.Action, metaRaw = k, v
		}
		switch e.ev.Action {
		case "index", "create":
		case "delete":
			e.del = true
		default:
			return nil, fmt.Errorf("line %d: action [%s] is not supported (Humio takes index, create and delete)", line, e.ev.Action)
		}
		dec := json.NewDecoder(bytes.NewReader(metaRaw))
		dec.DisallowUnknownFields()
		var meta struct {
			Index       *string `json:"_index"`
			ID          *string `json:"_id"`
			Type        *string `json:"_type"`
			Version     *int64  `json:"version"`
			VersionType *string `json:"version_type"`
			Routing     *string `json:"routing"`
			Pipeline    *string `json:"pipeline"`
		}
		if err := dec.Decode(&meta); err != nil {
			return nil, fmt.Errorf("line %d: action metadata: %v", line, err)
		}
		if meta.Index != nil {
			e.ev.Index = *meta.Index
		}
		if meta.ID != nil {
			e.ev.ID = *meta.ID
		}
		if meta.Type != nil {
			e.ev.Type = *meta.Type
		}
		e.ev.Repo = repo
		if !e.del {
			if len(body) == 0 {
				return nil, fmt.Errorf("line %d: %s action without a document line", line, e.ev.Action)
			}
			doc := next()
			if !json.Valid(doc) {
				e.docError = fmt.Sprintf("failed to parse the document on line %d: not valid JSON", line)
			} else if d := bytes.TrimSpace(doc); len(d) == 0 || d[0] != '{' {
				e.docError = fmt.Sprintf("the document on line %d is not a JSON object", line)
			} else {
				e.ev.Source = append(json.RawMessage(nil), doc...)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// answer settles each item, stores the accepted events and writes an
// Elasticsearch-style response.
func (s *Server) answer(w http.ResponseWriter, items []bulkEntry, reject func(Event) ItemResult) {
	type itemError struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	}
	type itemBody struct {
		Index  string     `json:"_index,omitempty"`
		ID     string     `json:"_id,omitempty"`
		Status int        `json:"status"`
		Result string     `json:"result,omitempty"`
		Error  *itemError `json:"error,omitempty"`
	}
	results := make([]map[string]itemBody, len(items))
	var stored []Event
	deletes, rejected := 0, 0
	for i, it := range items {
		ib := itemBody{Index: it.ev.Index, ID: it.ev.ID, Status: http.StatusCreated, Result: "created"}
		var res ItemResult
		switch {
		case it.docError != "":
			res = ItemResult{Status: http.StatusBadRequest, Type: "mapper_parsing_exception", Reason: it.docError}
		case reject != nil:
			res = reject(it.ev)
		}
		switch {
		case res.Status != 0:
			ib.Status, ib.Result = res.Status, ""
			ib.Error = &itemError{Type: res.Type, Reason: res.Reason}
			rejected++
		case it.del:
			ib.Status, ib.Result = http.StatusOK, "deleted"
			deletes++
		default:
			stored = append(stored, it.ev)
		}
		results[i] = map[string]itemBody{it.ev.Action: ib}
	}
	s.mu.Lock()
	s.stats.Accepted++
	s.stats.Events += len(stored)
	s.stats.Deletes += deletes
	s.stats.Rejected += rejected
	s.stats.MaxBatchSize = max(s.stats.MaxBatchSize, len(items))
	if !s.cfg.CountOnly {
		s.events = append(s.events, stored...)
	}
	if len(stored) > 0 {
		close(s.changed)
		s.changed = make(chan struct{})
	}
	s.mu.Unlock()

	resp := struct {
		Took   int                   `json:"took"`
		Errors bool                  `json:"errors"`
		Items  []map[string]itemBody `json:"items"`
	}{Took: 1, Errors: rejected > 0, Items: results}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp) // a client gone away is not our error
}

func (s *Server) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}

func (s *Server) control(w http.ResponseWriter, r *http.Request, what string) {
	q := r.URL.Query()
	switch {
	case what == "stats" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.Stats())
		return
	case what == "reset" && r.Method == http.MethodPost:
		s.ClearFaults()
	case what == "delay" && r.Method == http.MethodPost:
		d, err := time.ParseDuration(q.Get("for"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "delay: for="+q.Get("for")+": "+err.Error())
			return
		}
		s.SetDelay(d)
	case what == "fail" && r.Method == http.MethodPost:
		status, err := strconv.Atoi(q.Get("status"))
		if err != nil || status < 100 || status > 599 {
			writeError(w, http.StatusBadRequest, "fail: status="+q.Get("status")+" is not an HTTP status")
			return
		}
		if f := q.Get("for"); f != "" {
			d, err := time.ParseDuration(f)
			if err != nil {
				writeError(w, http.StatusBadRequest, "fail: for="+f+": "+err.Error())
				return
			}
			s.FailFor(status, d)
		} else {
			n, err := strconv.Atoi(q.Get("count"))
			if err != nil || n < 0 {
				writeError(w, http.StatusBadRequest, "fail: count="+q.Get("count")+" is not a count")
				return
			}
			s.FailNext(status, n)
		}
	default:
		writeError(w, http.StatusNotFound, "no such control endpoint: "+r.Method+" /_humiotest/"+what)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": msg, "status": status})
}
