package launch

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestDebugListenerServesPprofUntilClosed(t *testing.T) {
	d, err := StartDebug("127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + d.Addr().String()
	for path, want := range map[string]string{
		"/debug/pprof/":                  "goroutine",
		"/debug/pprof/heap?debug=1":      "heap profile",
		"/debug/pprof/goroutine?debug=1": "goroutine profile",
	} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
			t.Errorf("GET %s: %d, body without %q: %.200s", path, resp.StatusCode, want, b)
		}
	}
	// Nothing else is served there: the REST API is not on this listener.
	resp, err := http.Get(base + "/connectors")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /connectors on the debug listener: %d, want 404", resp.StatusCode)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/debug/pprof/"); err == nil {
		t.Error("the debug listener still answers after Close")
	}
}

func TestDebugListenerIsOffByDefault(t *testing.T) {
	d, err := StartDebug("", slog.New(slog.DiscardHandler))
	if err != nil || d != nil {
		t.Fatalf("StartDebug(\"\") = %v, %v; want nil, nil", d, err)
	}
	if d.Addr() != nil || d.Close() != nil {
		t.Error("a nil Debug must have no address and close without error")
	}
}

func TestDebugListenerBadAddress(t *testing.T) {
	_, err := StartDebug("127.0.0.1:notaport", slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "-debug-listener") || !strings.Contains(err.Error(), "notaport") {
		t.Fatalf("error %v; want one naming -debug-listener and the address", err)
	}
}
