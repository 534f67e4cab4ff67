package launch

import (
	"strings"
	"testing"
)

func TestMetricsListeners(t *testing.T) {
	wc := restWorkerConfig(t, map[string]string{"metrics.listeners": " http://127.0.0.1:0 , ,https://[::1]:1234"})
	ls, err := metricsListeners(wc)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 || ls[0].String() != "http://127.0.0.1:0" || ls[1].String() != "https://[::1]:1234" {
		t.Fatalf("metrics.listeners parsed as %v", ls)
	}
	if ls, err := metricsListeners(restWorkerConfig(t, nil)); err != nil || len(ls) != 0 {
		t.Fatalf("unset metrics.listeners: %v, %v; want none", ls, err)
	}
	_, err = metricsListeners(restWorkerConfig(t, map[string]string{"metrics.listeners": "http://127.0.0.1:1234,ftp://x:1"}))
	if err == nil || !strings.Contains(err.Error(), `worker.properties: metrics.listeners: "ftp://x:1": Listener protocol must be either "http" or "https".`) {
		t.Fatalf("bad metrics.listeners: %v", err)
	}
}

// BindREST binds metrics.listeners; the REST server serves /metrics alone
// there.
func TestBindRESTMetricsListeners(t *testing.T) {
	r, err := BindREST(restWorkerConfig(t, map[string]string{"metrics.listeners": "http://127.0.0.1:0"}))
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(r.Listeners)
	defer closeAll(r.MetricsListeners)
	if len(r.MetricsListeners) != 1 {
		t.Fatalf("%d metrics listeners bound, want 1", len(r.MetricsListeners))
	}
}
