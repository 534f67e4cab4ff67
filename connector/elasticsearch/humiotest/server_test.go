package humiotest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
)

type reply struct {
	status int
	body   string
}

func post(t *testing.T, url, body string, hdr ...string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, string(b)}
}

func serve(t *testing.T, cfg humiotest.Config) (*humiotest.Server, string) {
	t.Helper()
	srv := humiotest.New(cfg)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

const twoEvents = `{"index":{"_index":"logs","_id":"a"}}` + "\n" + `{"n":1}` + "\n" +
	`{"create":{"_index":"logs","_type":"t"}}` + "\n" + `{"n":2}` + "\n"

func TestPathsAndRepos(t *testing.T) {
	srv, base := serve(t, humiotest.Config{})
	for path, repo := range map[string]string{
		"/_bulk": "", "/api/v1/ingest/elastic-bulk": "", "/api/v1/ingest/elastic-bulk/_bulk": "",
		"/api/v1/repositories/web/ingest/elasticsearch/_bulk": "web",
		"/api/v1/dataspaces/old/ingest/elasticsearch/_bulk":   "old",
	} {
		if r := post(t, base+path, twoEvents); r.status != 200 || !strings.Contains(r.body, `"errors":false`) {
			t.Fatalf("%s: %+v", path, r)
		}
		evs := srv.Events()
		if e := evs[len(evs)-1]; e.Repo != repo || e.Action != "create" || e.Type != "t" {
			t.Errorf("%s: event %+v", path, e)
		}
	}
	if r := post(t, base+"/api/v1/ingest/hec", twoEvents); r.status != 404 {
		t.Errorf("unknown path: %+v", r)
	}
	resp, err := http.Get(base + "/_bulk")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("GET: %d", resp.StatusCode)
	}
	if e := srv.Events()[0]; e.Index != "logs" || e.ID != "a" || string(e.Source) != `{"n":1}` {
		t.Errorf("event %+v", e)
	}
}

// TestStrictParsing: a broken request is refused whole, a document that is
// not a JSON object only fails its item.
func TestStrictParsing(t *testing.T) {
	srv, base := serve(t, humiotest.Config{})
	url := base + "/_bulk"
	bad := map[string]string{
		"no final newline":     `{"index":{}}` + "\n" + `{"n":1}`,
		"action not JSON":      `{"index":` + "\n" + `{"n":1}` + "\n",
		"two actions":          `{"index":{},"create":{}}` + "\n" + `{"n":1}` + "\n",
		"update":               `{"update":{"_id":"1"}}` + "\n" + `{"doc":{}}` + "\n",
		"unknown metadata":     `{"index":{"_idx":"x"}}` + "\n" + `{"n":1}` + "\n",
		"index without doc":    `{"index":{}}` + "\n",
		"empty body":           ``,
		"empty action line":    "\n" + `{"n":1}` + "\n",
		"unsupported encoding": twoEvents,
	}
	for name, body := range bad {
		var hdr []string
		if name == "unsupported encoding" {
			hdr = []string{"Content-Encoding", "br"}
		}
		if r := post(t, url, body, hdr...); r.status != 400 {
			t.Errorf("%s: %+v", name, r)
		}
	}
	if st := srv.Stats(); st.Events != 0 || st.BadRequests != len(bad) {
		t.Errorf("stats %+v", st)
	}
	body := `{"index":{}}` + "\n" + `{"n":1}` + "\n" + `{"index":{}}` + "\n" + `not json` + "\n" +
		`{"index":{}}` + "\n" + `"a string"` + "\n" + `{"delete":{"_id":"x"}}` + "\n"
	r := post(t, url, body)
	var resp struct {
		Errors bool
		Items  []map[string]struct {
			Status int
			Error  struct{ Type string }
		}
	}
	if err := json.Unmarshal([]byte(r.body), &resp); err != nil || r.status != 200 || !resp.Errors || len(resp.Items) != 4 {
		t.Fatalf("%+v %v", r, err)
	}
	for i, want := range []int{201, 400, 400, 200} {
		for _, it := range resp.Items[i] {
			if it.Status != want || (want == 400 && it.Error.Type != "mapper_parsing_exception") {
				t.Errorf("item %d: %+v", i, it)
			}
		}
	}
	if st := srv.Stats(); st.Events != 1 || st.Deletes != 1 || st.Rejected != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestAuth(t *testing.T) {
	basic := func(u, p string) string {
		r, _ := http.NewRequest("GET", "/", nil)
		r.SetBasicAuth(u, p)
		return r.Header.Get("Authorization")
	}
	cases := []struct {
		cfg  humiotest.Config
		auth string
		ok   bool
	}{
		{humiotest.Config{Token: "t"}, "Bearer t", true},
		{humiotest.Config{Token: "t"}, basic("anyone", "t"), true},
		{humiotest.Config{Token: "t"}, "Bearer x", false},
		{humiotest.Config{Token: "t"}, "", false},
		{humiotest.Config{Token: "t", TokenAuth: humiotest.TokenBearerOnly}, basic("u", "t"), false},
		{humiotest.Config{Token: "t", TokenAuth: humiotest.TokenBasicOnly}, "Bearer t", false},
		{humiotest.Config{Username: "u", Password: "p"}, basic("u", "p"), true},
		{humiotest.Config{Username: "u", Password: "p"}, basic("u", "x"), false},
		{humiotest.Config{}, "", true},
	}
	for i, c := range cases {
		srv, base := serve(t, c.cfg)
		var hdr []string
		if c.auth != "" {
			hdr = []string{"Authorization", c.auth}
		}
		r := post(t, base+"/_bulk", twoEvents, hdr...)
		if (r.status == 200) != c.ok || (!c.ok && r.status != 401) {
			t.Errorf("case %d: %+v", i, r)
		}
		if strings.Contains(r.body, "Bearer") || strings.Contains(r.body, `"t"`) {
			t.Errorf("case %d: the answer echoes credentials: %s", i, r.body)
		}
		if !c.ok && srv.Stats().Unauthorized != 1 {
			t.Errorf("case %d: stats %+v", i, srv.Stats())
		}
	}
}

func TestGzipBodies(t *testing.T) {
	srv, base := serve(t, humiotest.Config{})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(twoEvents))
	zw.Close()
	if r := post(t, base+"/_bulk", buf.String(), "Content-Encoding", "gzip"); r.status != 200 {
		t.Fatalf("%+v", r)
	}
	if r := post(t, base+"/_bulk", twoEvents, "Content-Encoding", "gzip"); r.status != 400 || !strings.Contains(r.body, "not valid gzip") {
		t.Fatalf("%+v", r)
	}
	if st := srv.Stats(); st.Events != 2 || st.Gzipped != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestFaults(t *testing.T) {
	srv, base := serve(t, humiotest.Config{})
	url := base + "/_bulk"
	srv.FailNext(503, 2)
	for i, want := range []int{503, 503, 200} {
		if r := post(t, url, twoEvents); r.status != want {
			t.Errorf("request %d: %+v", i, r)
		}
	}
	srv.Throttle(1)
	if r := post(t, url, twoEvents); r.status != 429 {
		t.Errorf("throttle: %+v", r)
	}
	srv.FailFor(500, time.Hour)
	if r := post(t, url, twoEvents); r.status != 500 {
		t.Errorf("fail for: %+v", r)
	}
	srv.ClearFaults()
	srv.SetMaxBodyBytes(10)
	if r := post(t, url, twoEvents); r.status != 413 {
		t.Errorf("max body: %+v", r)
	}
	srv.SetMaxBodyBytes(0)
	srv.RejectItems(func(e humiotest.Event) humiotest.ItemResult {
		if e.ID == "a" {
			return humiotest.ItemResult{Status: 429, Type: "es_rejected_execution_exception", Reason: "busy"}
		}
		return humiotest.ItemResult{}
	})
	if r := post(t, url, twoEvents); r.status != 200 || !strings.Contains(r.body, `"status":429`) || !strings.Contains(r.body, `"errors":true`) {
		t.Errorf("reject: %+v", r)
	}
	srv.ClearFaults()
	srv.SetDelay(time.Hour)
	defer srv.SetDelay(0) // lets the server close if the test fails
	done := make(chan reply, 1)
	go func() { done <- post(t, url, twoEvents) }()
	waitFor(t, func() bool { return srv.Stats().Requests == 8 })
	select {
	case r := <-done:
		t.Fatalf("answered during the delay: %+v", r)
	default:
	}
	srv.SetDelay(0) // wakes the waiting request
	if r := <-done; r.status != 200 {
		t.Errorf("after the delay: %+v", r)
	}
	if st := srv.Stats(); st.Failed != 4 || st.TooLarge != 1 || st.Events != 5 || st.Rejected != 1 {
		t.Errorf("stats %+v", st)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestControlEndpoints(t *testing.T) {
	srv, base := serve(t, humiotest.Config{Token: "t"})
	ctl := func(method, path string) int {
		req, _ := http.NewRequest(method, base+"/_humiotest/"+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := ctl("POST", "fail?status=503&count=1"); c != 204 {
		t.Fatalf("fail: %d", c)
	}
	if r := post(t, base+"/_bulk", twoEvents, "Authorization", "Bearer t"); r.status != 503 {
		t.Errorf("%+v", r)
	}
	for path, want := range map[string]int{"fail?status=503&for=1h": 204, "reset": 204, "delay?for=0s": 204,
		"fail?status=abc&count=1": 400, "delay?for=soon": 400, "nope": 404} {
		if c := ctl("POST", path); c != want {
			t.Errorf("%s: %d, want %d", path, c, want)
		}
	}
	resp, err := http.Get(base + "/_humiotest/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st humiotest.Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || st.Failed != 1 || st.Requests != 1 {
		t.Errorf("stats %+v %v (server says %+v)", st, err, srv.Stats())
	}
}

func TestListenAndServe(t *testing.T) {
	srv := humiotest.New(humiotest.Config{CountOnly: true})
	ctx, cancel := context.WithCancel(t.Context())
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx, "127.0.0.1:0", func(a net.Addr) { addrs <- a }) }()
	addr := <-addrs
	if r := post(t, "http://"+addr.String()+"/_bulk", twoEvents); r.status != 200 {
		t.Fatalf("%+v", r)
	}
	wctx, wcancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer wcancel()
	if err := srv.WaitForEvents(wctx, 2); err != nil {
		t.Fatal(err)
	}
	if len(srv.Events()) != 0 {
		t.Errorf("CountOnly stored events")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("ListenAndServe: %v", err)
	}
	short, scancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer scancel()
	if err := srv.WaitForEvents(short, 3); err == nil || !strings.Contains(err.Error(), "2 of 3 events arrived") {
		t.Errorf("WaitForEvents: %v", err)
	}
}
