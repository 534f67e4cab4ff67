package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// seedProperties is examples/worker.properties, the seed's file, pointed at
// the test broker and a free REST port; every other line is kept.
func seedProperties(t *testing.T, brokers []string, port int) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "examples", "worker.properties"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, r := range []struct{ re, with string }{
		{`(?m)^bootstrap\.servers=.*$`, "bootstrap.servers=" + strings.Join(brokers, ",")},
		{`(?m)^rest\.port=.*$`, fmt.Sprintf("rest.port=%d", port)},
		{`(?m)^rest\.advertised\.port=.*$`, fmt.Sprintf("rest.advertised.port=%d", port)},
	} {
		re := regexp.MustCompile(r.re)
		if !re.MatchString(s) {
			t.Fatalf("examples/worker.properties has no line matching %s", r.re)
		}
		s = re.ReplaceAllString(s, r.with)
	}
	return s
}

// The seed's worker.properties starts a distributed worker: it creates the
// three internal topics compacted, serves the REST API on rest.port as
// Kafka 2.x did, and runs a connector.
func TestSeedWorkerPropertiesStartADistributedWorker(t *testing.T) {
	bin := proctest.Binary(t, "connect-distributed")
	broker := proctest.Broker(t)
	dir := t.TempDir()
	port := proctest.FreePort(t)
	path := proctest.WriteFile(t, dir, "worker.properties", seedProperties(t, broker.ListenAddrs(), port))
	p := proctest.Start(t, bin, path)
	w := &node{proc: p, url: fmt.Sprintf("http://localhost:%d", port), id: fmt.Sprintf("localhost:%d", port)}
	w.waitHealthy(t)

	root := object(t, expect(t, http.MethodGet, w.url+"/", "", 200), "version", "commit", "kafka_cluster_id")
	t.Logf("GET / answers %v", root)
	call(t, http.MethodPost, w.url+"/connectors", fmt.Sprintf(`{"name":"seed-sink","config":{
		"connector.class":"org.apache.kafka.connect.file.FileStreamSinkConnector","tasks.max":"1","topics":"seed-logs","file":%q}}`,
		filepath.Join(dir, "out.txt")), http.StatusCreated, nil)
	proctest.WaitFor(t, 60*time.Second, func() error {
		st, err := status(w, "seed-sink")
		if err != nil {
			return err
		}
		if err := st.Running(1); err != nil {
			return err
		}
		if st.Connector.WorkerID != w.id {
			return fmt.Errorf("worker_id %s, want %s (rest.advertised.host.name:rest.advertised.port)", st.Connector.WorkerID, w.id)
		}
		return nil
	})
	produce(t, broker.ListenAddrs(), "seed-logs", `{"message":"hello humio"}`)
	proctest.WaitFor(t, 30*time.Second, func() error {
		if out := outputOf(t, filepath.Join(dir, "out.txt")); !strings.Contains(out, "hello humio") {
			return fmt.Errorf("output %q", out)
		}
		return nil
	})

	// The internal topics are compacted, with the partitions configured.
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_6_0_0
	admin, err := sarama.NewClusterAdmin(broker.ListenAddrs(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	topics, err := admin.ListTopics()
	if err != nil {
		t.Fatal(err)
	}
	for name, partitions := range map[string]int32{"humio-connect-configs": 1, "humio-connect-offsets": 25, "humio-connect-statuses": 5} {
		d, ok := topics[name]
		if !ok {
			t.Fatalf("internal topic %s was not created; topics: %v", name, topics)
		}
		if d.NumPartitions != partitions {
			t.Errorf("%s has %d partitions, want %d", name, d.NumPartitions, partitions)
		}
		entries, err := admin.DescribeConfig(sarama.ConfigResource{Type: sarama.TopicResource, Name: name, ConfigNames: []string{"cleanup.policy"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Value != "compact" {
			t.Errorf("%s cleanup.policy %+v, want compact", name, entries)
		}
	}

	p.Signal(syscall.SIGTERM)
	if err := p.Wait(60 * time.Second); err != nil {
		t.Fatalf("connect-distributed did not stop cleanly: %v", err)
	}
	if !strings.Contains(p.Output(), `msg="worker stopped"`) {
		t.Fatalf("no clean stop in the log:\n%s", p.Output())
	}
}

// An existing internal topic that is not compacted is refused with an
// error naming the topic, the property and the policy found.
func TestNonCompactedInternalTopicIsRefused(t *testing.T) {
	c := newCluster(t, "")
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_6_0_0
	admin, err := sarama.NewClusterAdmin(c.broker.ListenAddrs(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	del := "delete"
	if err := admin.CreateTopic("connect-status", &sarama.TopicDetail{NumPartitions: 3, ReplicationFactor: 1,
		ConfigEntries: map[string]*string{"cleanup.policy": &del}}, false); err != nil {
		t.Fatal(err)
	}
	admin.Close()
	port := proctest.FreePort(t)
	path := proctest.WriteFile(t, c.dir, "worker.properties", c.workerProperties(port))
	p := proctest.Start(t, c.bin, path)
	err = p.Wait(60 * time.Second)
	if err == nil {
		t.Fatal("the worker started on a non-compacted status topic")
	}
	out := p.Output()
	for _, want := range []string{`topic "connect-status"`, `"status.storage.topic"`, "cleanup.policy=compact", "found cleanup.policy=delete"} {
		if !strings.Contains(out, want) {
			t.Fatalf("the error does not say %q:\n%s", want, out)
		}
	}
}

// SIGTERM stops a worker in order — its tasks flush and commit, it leaves
// the group — and the others take its work over.
func TestSIGTERMHandsTheWorkOver(t *testing.T) {
	c := newCluster(t, "")
	ws := c.start(2)
	call(t, http.MethodPost, ws[0].url+"/connectors", fmt.Sprintf(`{"name":"s","config":{
		"connector.class":"FileStreamSink","tasks.max":"2","topics":"term-in","file":%q}}`, c.file("s.txt")), http.StatusCreated, nil)
	c.waitRunning(60*time.Second, "s", 2)
	produce(t, c.broker.ListenAddrs(), "term-in", "x1", "x2", "x3")
	proctest.WaitFor(t, 30*time.Second, func() error {
		if n := strings.Count(outputOf(t, c.file("s.txt")), "\n"); n < 3 {
			return fmt.Errorf("%d lines", n)
		}
		return nil
	})
	ws[1].proc.Signal(syscall.SIGTERM)
	stopped := time.Now()
	if err := ws[1].proc.Wait(60 * time.Second); err != nil {
		t.Fatalf("worker did not stop cleanly: %v\n%s", err, ws[1].proc.Output())
	}
	t.Logf("worker stopped %v after SIGTERM", time.Since(stopped).Round(time.Millisecond))
	for _, want := range []string{`msg="left group"`, `msg="worker stopped"`} {
		if !strings.Contains(ws[1].proc.Output(), want) {
			t.Fatalf("no %s in the stopped worker's log", want)
		}
	}
	// The departed worker's work waits scheduled.rebalance.max.delay.ms in
	// case it returns, then moves.
	c.waitRunning(maxDelay+sessionTimeout+10*time.Second, "s", 2, ws[1].id)
	t.Logf("work moved %v after SIGTERM", time.Since(stopped).Round(time.Millisecond))
	produce(t, c.broker.ListenAddrs(), "term-in", "y1", "y2", "y3")
	proctest.WaitFor(t, 30*time.Second, func() error {
		miss, _, _ := missing([]string{"x1", "x2", "x3", "y1", "y2", "y3"}, outputOf(t, c.file("s.txt")))
		if len(miss) > 0 {
			return fmt.Errorf("missing %v", miss)
		}
		return nil
	})
}
