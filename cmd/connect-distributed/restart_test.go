package main

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// The whole cluster stops (SIGTERM) and a new one starts on the same
// internal topics: the connectors come back from the config topic, the
// source carries on from the position in the offsets topic and the sink
// from its group's committed offsets, so every line arrives exactly once.
func TestClusterRestartCarriesOn(t *testing.T) {
	c := newCluster(t, "")
	ws := c.start(2)
	in, out := c.file("in.txt"), c.file("out.txt")
	appendLines := func(from, to int) {
		f, err := os.OpenFile(in, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		for i := from; i < to; i++ {
			fmt.Fprintf(f, "line-%05d\n", i)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	waitLines := func(n int) {
		proctest.WaitFor(t, 60*time.Second, func() error {
			if got := strings.Count(outputOf(t, out), "\n"); got < n {
				return fmt.Errorf("%d of %d lines", got, n)
			}
			return nil
		})
	}
	appendLines(0, 1000)
	call(t, http.MethodPost, ws[0].url+"/connectors", fmt.Sprintf(`{"name":"src","config":{
		"connector.class":"FileStreamSource","tasks.max":"1","topic":"restart","file":%q}}`, in), http.StatusCreated, nil)
	call(t, http.MethodPost, ws[1].url+"/connectors", fmt.Sprintf(`{"name":"dst","config":{
		"connector.class":"FileStreamSink","tasks.max":"2","topics":"restart","file":%q}}`, out), http.StatusCreated, nil)
	waitLines(1000)

	for _, w := range ws {
		w.proc.Signal(syscall.SIGTERM)
	}
	for _, w := range ws {
		if err := w.proc.Wait(60 * time.Second); err != nil {
			t.Fatalf("worker %s did not stop cleanly: %v\n%s", w.id, err, w.proc.Output())
		}
	}
	appendLines(1000, 2000)
	c.start(2)
	c.waitRunning(60*time.Second, "src", 1, ws[0].id, ws[1].id)
	c.waitRunning(60*time.Second, "dst", 2, ws[0].id, ws[1].id)
	waitLines(2000)

	counts := map[string]int{}
	for _, l := range strings.Split(outputOf(t, out), "\n") {
		if l != "" {
			counts[l]++
		}
	}
	for i := range 2000 {
		if n := counts[fmt.Sprintf("line-%05d", i)]; n != 1 {
			t.Fatalf("line %d arrived %d times (%d distinct lines)", i, n, len(counts))
		}
	}
	if len(counts) != 2000 {
		t.Fatalf("%d distinct lines, want 2000", len(counts))
	}
}
