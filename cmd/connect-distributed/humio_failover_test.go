package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
)

// The Humio sink, 4 tasks on two workers, loses nothing when the worker
// with the most of them is killed mid-stream: its tasks resume elsewhere
// from the offsets committed for what Humio acknowledged, so every event
// arrives (some twice).
func TestHumioSinkSurvivesAKilledWorker(t *testing.T) {
	c := newCluster(t, "", kfake.SeedTopics(4, "logs"))
	ws := c.start(2)
	srv := humiotest.New(humiotest.Config{})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	call(t, http.MethodPost, ws[0].url+"/connectors", fmt.Sprintf(`{"name":"humio-sink","config":{
		"connector.class":"io.confluent.connect.elasticsearch.ElasticsearchSinkConnector","tasks.max":"4","topics":"logs",
		"key.ignore":"true","schema.ignore":"true","type.name":"kafka-ingest","batch.size":"500","linger.ms":"5",
		"value.converter":"org.apache.kafka.connect.json.JsonConverter","value.converter.schemas.enable":"false",
		"connection.url":"%s/api/v1/dataspaces/sandbox/ingest/elasticsearch"}}`, ts.URL), http.StatusCreated, nil)
	c.waitRunning(60*time.Second, "humio-sink", 4)

	const total = 40_000
	produceEvents(t, c.broker.ListenAddrs(), "logs", 0, total/2)
	proctest.WaitFor(t, 60*time.Second, func() error {
		if n := srv.Stats().Events; n < total/4 {
			return fmt.Errorf("%d events arrived", n)
		}
		return nil
	})
	st, err := status(ws[0], "humio-sink")
	if err != nil {
		t.Fatal(err)
	}
	tasks := map[string]int{}
	for _, tk := range st.Tasks {
		tasks[tk.WorkerID]++
	}
	victim := ws[0]
	if tasks[ws[1].id] > tasks[ws[0].id] {
		victim = ws[1]
	}
	victim.proc.Signal(syscall.SIGKILL)
	victim.proc.Wait(10 * time.Second)
	t.Logf("killed %s (%d of 4 tasks) after %d events", victim.id, tasks[victim.id], srv.Stats().Events)
	produceEvents(t, c.broker.ListenAddrs(), "logs", total/2, total)
	c.waitRunning(sessionTimeout+maxDelay+30*time.Second, "humio-sink", 4, victim.id)

	proctest.WaitFor(t, 90*time.Second, func() error {
		seen := map[string]bool{}
		for _, e := range srv.Events() {
			if id, ok := e.Field("event_id"); ok {
				seen[fmt.Sprint(id)] = true
			}
		}
		for i := range total {
			if !seen[fmt.Sprintf("%06d", i)] {
				return fmt.Errorf("%d of %d events arrived; %06d is missing", len(seen), total, i)
			}
		}
		return nil
	})
	t.Logf("%d events stored for %d produced", srv.Stats().Events, total)
}

// produceEvents writes JSON events with event_id from..to-1 to topic.
func produceEvents(t *testing.T, brokers []string, topic string, from, to int) {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_6_0_0
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Partitioner = sarama.NewRoundRobinPartitioner
	p, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for start := from; start < to; start += 5000 {
		var msgs []*sarama.ProducerMessage
		for i := start; i < min(start+5000, to); i++ {
			msgs = append(msgs, &sarama.ProducerMessage{Topic: topic,
				Value: sarama.StringEncoder(fmt.Sprintf(`{"event_id":"%06d","message":"%s"}`, i, strings.Repeat("x", 100)))})
		}
		if err := p.SendMessages(msgs); err != nil {
			t.Fatal(err)
		}
	}
}
