package rest

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
)

var metricsBody = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	io.WriteString(w, "kafka_connect_test 1\n")
})

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestMetricsOnTheRESTListeners(t *testing.T) {
	srv := newTestServer(t, newFake(), Config{Metrics: metricsBody})
	if code, body := get(t, srv.URL+"/metrics"); code != http.StatusOK || body != "kafka_connect_test 1\n" {
		t.Fatalf("GET /metrics: %d %q", code, body)
	}
	// Without a metrics handler there is no /metrics.
	plain := newTestServer(t, newFake(), Config{})
	if code, _ := get(t, plain.URL+"/metrics"); code != http.StatusNotFound {
		t.Fatalf("GET /metrics without metrics: %d, want 404", code)
	}
}

func TestServeMetricsServesMetricsAlone(t *testing.T) {
	s := NewServer(Config{Metrics: metricsBody}, newFake())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.ServeMetrics(l) }()
	url := "http://" + l.Addr().String()
	if code, body := get(t, url+"/metrics"); code != http.StatusOK || body != "kafka_connect_test 1\n" {
		t.Errorf("GET /metrics: %d %q", code, body)
	}
	if code, _ := get(t, url+"/connectors"); code != http.StatusNotFound {
		t.Errorf("GET /connectors on the metrics listener: %d, want 404", code)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("ServeMetrics returned %v", err)
	}
}
