package main

import (
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// With connect.protocol=eager every rebalance stops all work and hands out
// the whole assignment again (Java's "default" sub-protocol); work still
// moves off a killed worker, without the scheduled delay.
func TestEagerProtocol(t *testing.T) {
	c := newCluster(t, "connect.protocol=eager")
	ws := c.start(2)
	for _, name := range []string{"e1", "e2"} {
		call(t, http.MethodPost, ws[1].url+"/connectors", fmt.Sprintf(`{"name":%q,"config":{
			"connector.class":"FileStreamSink","tasks.max":"2","topics":"eager-in","file":%q}}`, name, c.file(name+".txt")), http.StatusCreated, nil)
	}
	c.waitRunning(60*time.Second, "e1", 2)
	c.waitRunning(60*time.Second, "e2", 2)
	for _, w := range ws {
		if !strings.Contains(w.proc.Output(), "protocol=default") {
			t.Fatalf("%s did not run the default (eager) sub-protocol", w.id)
		}
	}
	victim := ws[0]
	if victim.isLeader() {
		victim = ws[1]
	}
	victim.proc.Signal(syscall.SIGKILL)
	victim.proc.Wait(10 * time.Second)
	killed := time.Now()
	c.waitRunning(sessionTimeout+15*time.Second, "e1", 2, victim.id)
	c.waitRunning(15*time.Second, "e2", 2, victim.id)
	t.Logf("eager: work moved %v after the kill", time.Since(killed).Round(time.Millisecond))
}

// With connect.protocol=compatible internal requests are not signed (the
// sessioned protocol introduced signing): the internal endpoint takes an
// unsigned request and answers on its merits.
func TestCompatibleProtocolDoesNotSign(t *testing.T) {
	c := newCluster(t, "connect.protocol=compatible")
	ws := c.start(2)
	call(t, http.MethodPost, ws[0].url+"/connectors", fmt.Sprintf(`{"name":"k","config":{
		"connector.class":"FileStreamSink","tasks.max":"2","topics":"compat-in","file":%q}}`, c.file("k.txt")), http.StatusCreated, nil)
	c.waitRunning(60*time.Second, "k", 2)
	for _, w := range ws {
		if !strings.Contains(w.proc.Output(), "protocol=compatible") {
			t.Fatalf("%s did not run the compatible sub-protocol", w.id)
		}
		expectError(t, http.MethodPost, w.url+"/connectors/unknown/tasks", `[]`, 404, "Connector unknown not found")
	}
	proctest.WaitFor(t, 10*time.Second, func() error { return c.running("k", 2) })
}
