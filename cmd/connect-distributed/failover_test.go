package main

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// producer writes numbered records to topics until stopped and remembers
// what the broker acknowledged.
type producer struct {
	mu    sync.Mutex
	acked map[string][]string // topic -> values
	stop  chan struct{}
	done  chan error
}

func startProducer(t *testing.T, brokers []string, every time.Duration, topics map[string]string) *producer {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_6_0_0
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Return.Successes = true
	sp, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := &producer{acked: map[string][]string{}, stop: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		defer sp.Close()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-p.stop:
				p.done <- nil
				return
			case <-tick.C:
			}
			for topic, prefix := range topics {
				v := fmt.Sprintf("%s-%06d", prefix, i)
				if _, _, err := sp.SendMessage(&sarama.ProducerMessage{Topic: topic, Value: sarama.StringEncoder(v)}); err != nil {
					p.done <- fmt.Errorf("produce %s to %s: %w", v, topic, err)
					return
				}
				p.mu.Lock()
				p.acked[topic] = append(p.acked[topic], v)
				p.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() { p.halt(t) })
	return p
}

// halt stops producing; it is safe to call twice.
func (p *producer) halt(t *testing.T) {
	select {
	case <-p.stop:
		return
	default:
	}
	close(p.stop)
	if err := <-p.done; err != nil {
		t.Error(err)
	}
}

func (p *producer) values(topic string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.acked[topic]...)
}

// missing lists the values not among the lines of out.
func missing(values []string, out string) (miss []string, lines, dups int) {
	seen := map[string]int{}
	for _, l := range strings.Split(out, "\n") {
		if l != "" {
			seen[l]++
			lines++
		}
	}
	for _, v := range values {
		switch n := seen[v]; {
		case n == 0:
			miss = append(miss, v)
		case n > 1:
			dups += n - 1
		}
	}
	return miss, lines, dups
}

// Three workers run two sink connectors of four tasks each; one worker is
// killed; its connectors and tasks run again on the others within the
// session timeout plus the scheduled rebalance delay, and every record
// produced meanwhile reaches the files.
func TestKilledWorkersTasksMoveAndNoRecordIsLost(t *testing.T) {
	c := newCluster(t, "", kfake.SeedTopics(8, "logs-a", "logs-b"))
	workers := c.start(3)
	connectors := map[string]string{"sink-a": "logs-a", "sink-b": "logs-b"}
	for name, topic := range connectors {
		call(t, http.MethodPost, workers[0].url+"/connectors", fmt.Sprintf(`{"name":%q,"config":{
			"connector.class":"FileStreamSink","tasks.max":"4","topics":%q,"file":%q}}`, name, topic, c.file(name+".txt")),
			http.StatusCreated, nil)
	}
	for name := range connectors {
		c.waitRunning(60*time.Second, name, 4)
	}
	// The work is spread: every worker runs something.
	owners := map[string]int{}
	for name := range connectors {
		st, err := status(workers[1], name)
		if err != nil {
			t.Fatal(err)
		}
		owners[st.Connector.WorkerID]++
		for _, tk := range st.Tasks {
			owners[tk.WorkerID]++
		}
	}
	if len(owners) != 3 {
		t.Fatalf("work is on %d workers, want 3: %v", len(owners), owners)
	}
	t.Logf("connectors and tasks per worker: %v", owners)

	prod := startProducer(t, c.broker.ListenAddrs(), 10*time.Millisecond, map[string]string{"logs-a": "a", "logs-b": "b"})
	proctest.WaitFor(t, 30*time.Second, func() error {
		if n := strings.Count(outputOf(t, c.file("sink-a.txt")), "\n"); n < 100 {
			return fmt.Errorf("%d lines in sink-a.txt", n)
		}
		return nil
	})

	// The victim is the follower running the most: its work is held back
	// for scheduled.rebalance.max.delay.ms in case it returns (a dead
	// leader's successor has no memory of the old assignment and places
	// the work at once).
	var victim *node
	for _, w := range workers {
		if !w.isLeader() && (victim == nil || owners[w.id] > owners[victim.id]) {
			victim = w
		}
	}
	victim.proc.Signal(syscall.SIGKILL)
	killed := time.Now()
	victim.proc.Wait(10 * time.Second)
	t.Logf("killed %s (%d connectors and tasks)", victim.id, owners[victim.id])

	budget := sessionTimeout + maxDelay
	// Joining, syncing and starting the tasks take a moment on top of the
	// budget; with the race detector on 2 shared cores, a few seconds.
	const slack = 6 * time.Second
	proctest.WaitFor(t, budget+slack, func() error {
		for name := range connectors {
			if err := c.running(name, 4, victim.id); err != nil {
				return err
			}
		}
		return nil
	})
	moved := time.Since(killed)
	t.Logf("all connectors and tasks RUNNING on the other workers %v after the kill (session.timeout.ms + scheduled.rebalance.max.delay.ms = %v)", moved.Round(time.Millisecond), budget)

	// Records keep flowing after the takeover.
	before := len(prod.values("logs-a"))
	proctest.WaitFor(t, 30*time.Second, func() error {
		if n := len(prod.values("logs-a")); n < before+100 {
			return fmt.Errorf("%d records produced since the takeover", n-before)
		}
		return nil
	})
	prod.halt(t)

	for name, topic := range connectors {
		values := prod.values(topic)
		path := c.file(name + ".txt")
		proctest.WaitFor(t, 60*time.Second, func() error {
			miss, lines, _ := missing(values, outputOf(t, path))
			if len(miss) > 0 {
				return fmt.Errorf("%s: %d of %d records missing (%d lines), first %s", name, len(miss), len(values), lines, miss[0])
			}
			return nil
		})
		_, lines, dups := missing(values, outputOf(t, path))
		t.Logf("%s: all %d records delivered (%d lines, %d duplicates replayed after the kill)", name, len(values), lines, dups)
	}
}
