package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
)

// The pipeline of README.md's "Transforms and error handling": JSON
// application logs, of which 1% are not JSON, shipped to Humio through
// InsertField$Value, ReplaceField$Value, TimestampRouter and a Filter with
// a predicate, bad records going to a dead letter queue.
const (
	smtTopic      = "applogs"
	smtEvents     = 10_000
	smtPartitions = 2
	// Every 100th event (i%100 == 37) is not JSON; every 50th (i%50 == 3)
	// carries the header debug-only and is filtered out. The two sets are
	// disjoint.
	smtBad      = smtEvents / 100
	smtFiltered = smtEvents / 50
	smtGood     = smtEvents - smtBad - smtFiltered
)

// smtTimestamp is every event's record timestamp: TimestampRouter turns
// it into the index applogs-20240102.
var smtTimestamp = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func smtIsBad(i int) bool      { return i%100 == 37 }
func smtIsFiltered(i int) bool { return i%50 == 3 }

// smtKey is a JSON string, as the seed's key converter reads keys as JSON.
func smtKey(i int) string { return `"k` + strconv.Itoa(i) + `"` }

func smtValue(i int, bad bool) string {
	if bad {
		return fmt.Sprintf("not json: event %d", i)
	}
	return fmt.Sprintf(`{"event_id":%d,"level":"info","message":"order %d placed","password":"hunter%d"}`, i, i, i)
}

// post creates the connector from its JSON and deletes it when the test
// ends.
func (r *humioRun) post(body string) {
	r.t.Helper()
	proctest.MustHTTP(r.t, http.MethodPost, r.w.url+"/connectors", body, http.StatusCreated)
	r.t.Cleanup(func() {
		proctest.MustHTTP(r.t, http.MethodDelete, r.w.url+"/connectors/"+r.name, "", http.StatusNoContent)
	})
}

// produceAppLogs writes events from..to-1 in order, event i to partition
// i%partitions (so at offset i/partitions when the topic started empty);
// bad says which are not JSON.
func produceAppLogs(t *testing.T, broker *kfake.Cluster, topic string, partitions, from, to int, bad func(int) bool) {
	t.Helper()
	c := sarama.NewConfig()
	c.Version = sarama.V3_6_0_0
	c.Producer.Return.Successes = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Partitioner = sarama.NewManualPartitioner
	c.Net.MaxOpenRequests = 1
	prod, err := sarama.NewSyncProducer(broker.ListenAddrs(), c)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	msgs := make([]*sarama.ProducerMessage, 0, to-from)
	for i := from; i < to; i++ {
		m := &sarama.ProducerMessage{Topic: topic, Partition: int32(i % partitions), Timestamp: smtTimestamp,
			Key: sarama.StringEncoder(smtKey(i)), Value: sarama.StringEncoder(smtValue(i, bad(i))),
			Headers: []sarama.RecordHeader{{Key: []byte("source"), Value: []byte("shop-" + strconv.Itoa(i%3))}}}
		if smtIsFiltered(i) {
			m.Headers = append(m.Headers, sarama.RecordHeader{Key: []byte("debug-only"), Value: []byte("yes")})
		}
		msgs = append(msgs, m)
	}
	if err := prod.SendMessages(msgs); err != nil {
		t.Fatal(err)
	}
}

// smtConnector is the example connector of README.md's "Transforms and
// error handling", pointed at host, with keys replaced by extra.
func smtConnector(t *testing.T, name, host string, extra map[string]any) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(readme), "\n## Transforms and error handling\n")
	if !ok {
		t.Fatal(`README.md has no section "Transforms and error handling"`)
	}
	_, block, ok := strings.Cut(sec, "```json\n")
	block, _, ok2 := strings.Cut(block, "\n```")
	if !ok || !ok2 {
		t.Fatal("no JSON example in README.md's Transforms and error handling")
	}
	var req struct {
		Name   string         `json:"name"`
		Config map[string]any `json:"config"`
	}
	if err := json.Unmarshal([]byte(block), &req); err != nil {
		t.Fatalf("README.md's example: %v", err)
	}
	if req.Name != "humio-applogs" || req.Config["topics"] != smtTopic {
		t.Fatalf("README.md's example is %q on %v; the test expects humio-applogs on %s", req.Name, req.Config["topics"], smtTopic)
	}
	url, _ := req.Config["connection.url"].(string)
	if !strings.Contains(url, exampleHost) {
		t.Fatalf("README.md's example does not point at %s", exampleHost)
	}
	req.Name = name
	req.Config["connection.url"] = strings.Replace(url, exampleHost, host, 1)
	for k, v := range extra {
		req.Config[k] = v
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// readAll reads n records of partition 0 of topic.
func readAll(t *testing.T, broker *kfake.Cluster, topic string, n int) []*sarama.ConsumerMessage {
	t.Helper()
	c := sarama.NewConfig()
	c.Version = sarama.V3_6_0_0
	cons, err := sarama.NewConsumer(broker.ListenAddrs(), c)
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	pc, err := cons.ConsumePartition(topic, 0, sarama.OffsetOldest)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var out []*sarama.ConsumerMessage
	deadline := time.After(60 * time.Second)
	for len(out) < n {
		select {
		case m := <-pc.Messages():
			out = append(out, m)
		case <-deadline:
			t.Fatalf("read %d records of %s, want %d", len(out), topic, n)
		}
	}
	return out
}

// groupOffsets returns the committed offsets of a sink connector's group.
func groupOffsets(t *testing.T, broker *kfake.Cluster, connector, topic string, partitions int32) map[int32]int64 {
	t.Helper()
	c := sarama.NewConfig()
	c.Version = sarama.V3_6_0_0
	admin, err := sarama.NewClusterAdmin(broker.ListenAddrs(), c)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ps := make([]int32, partitions)
	for p := range ps {
		ps[p] = int32(p)
	}
	resp, err := admin.ListConsumerGroupOffsets("connect-"+connector, map[string][]int32{topic: ps})
	if errors.Is(err, sarama.ErrGroupIDNotFound) {
		return map[int32]int64{} // nothing committed yet
	}
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	for _, p := range ps {
		if b := resp.GetBlock(topic, p); b != nil && b.Offset >= 0 {
			out[p] = b.Offset
		}
	}
	return out
}

func headerMap(m *sarama.ConsumerMessage) (map[string]string, []string) {
	hs := map[string]string{}
	var keys []string
	for _, h := range m.Headers {
		hs[string(h.Key)] = string(h.Value)
		keys = append(keys, string(h.Key))
	}
	return hs, keys
}

// checkDLQRecord checks that m is a consumed bad record of topic with the
// context headers of a JSON conversion failure, and returns its event
// number: partitions*offset + partition.
func checkDLQRecord(t *testing.T, m *sarama.ConsumerMessage, connector, topic string, partitions int, bad func(int) bool) int {
	t.Helper()
	hs, keys := headerMap(m)
	p, _ := strconv.Atoi(hs["__connect.errors.partition"])
	o, _ := strconv.Atoi(hs["__connect.errors.offset"])
	i := partitions*o + p
	wantKeys := []string{"source", "__connect.errors.topic", "__connect.errors.partition", "__connect.errors.offset",
		"__connect.errors.connector.name", "__connect.errors.task.id", "__connect.errors.stage", "__connect.errors.class.name",
		"__connect.errors.exception.class.name", "__connect.errors.exception.message", "__connect.errors.exception.stacktrace"}
	if strings.Join(keys, ",") != strings.Join(wantKeys, ",") {
		t.Fatalf("dead letter queue record headers %v, want %v", keys, wantKeys)
	}
	for k, want := range map[string]string{
		"source":                                "shop-" + strconv.Itoa(i%3),
		"__connect.errors.topic":                topic,
		"__connect.errors.connector.name":       connector,
		"__connect.errors.task.id":              "0",
		"__connect.errors.stage":                "VALUE_CONVERTER",
		"__connect.errors.class.name":           "org.apache.kafka.connect.json.JsonConverter",
		"__connect.errors.exception.class.name": "org.apache.kafka.connect.errors.DataException",
		"__connect.errors.exception.message":    "Converting byte[] to Kafka Connect data failed due to serialization error: ",
	} {
		if hs[k] != want {
			t.Fatalf("dead letter queue record of event %d: %s=%q, want %q", i, k, hs[k], want)
		}
	}
	const msg = "org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data failed due to serialization error: "
	if st := hs["__connect.errors.exception.stacktrace"]; !strings.HasPrefix(st, msg) || len(st) == len(msg) {
		t.Fatalf("stack trace header %q lacks the parser's cause", st)
	}
	if !bad(i) || string(m.Value) != smtValue(i, true) || string(m.Key) != smtKey(i) || !m.Timestamp.Equal(smtTimestamp) {
		t.Fatalf("dead letter queue record %q key %q at %v names event %d (partition %d offset %d), which is not that bad record",
			m.Value, m.Key, m.Timestamp, i, p, o)
	}
	return i
}

// TestTransformsAndDeadLetterQueue runs the README's example end to end:
// real binaries, Kafka over TCP, a Humio endpoint, connectors POSTed as
// JSON, each fed 10,000 JSON events of which 1% are not JSON. With
// errors.tolerance=all every good event arrives transformed and every bad
// one is in the dead letter queue with its context headers; with
// errors.tolerance=none the task fails naming the bad record and nothing
// from it on is committed.
func TestTransformsAndDeadLetterQueue(t *testing.T) {
	broker := proctest.Broker(t, kfake.SeedTopics(smtPartitions, smtTopic), kfake.SeedTopics(1, smtTopic+"-none"))
	began := time.Now()
	produceAppLogs(t, broker, smtTopic, smtPartitions, 0, smtEvents, smtIsBad)
	w := startHumioWorker(t, broker)
	t.Logf("produced %d events and started the worker in %v", smtEvents, time.Since(began).Round(time.Millisecond))

	t.Run("tolerance all", func(t *testing.T) {
		began := time.Now()
		r := newHumioRun(t, w, "humio-applogs", humiotest.Config{})
		r.post(smtConnector(t, r.name, r.host, nil)) // the README's example as it is
		r.waitEvents(smtGood, 60*time.Second)
		ids := map[int]int{}
		for _, e := range r.srv.Events() {
			var doc map[string]any
			if err := json.Unmarshal(e.Source, &doc); err != nil {
				t.Fatalf("event %s: %v", e.Source, err)
			}
			id, ok := doc["event_id"].(float64)
			if !ok {
				t.Fatalf("event without event_id: %s", e.Source)
			}
			i := int(id)
			if e.Index != "applogs-20240102" || doc["pipeline"] != "kafka-connect-go" || doc["password"] != nil ||
				doc["level"] != "info" || doc["message"] != fmt.Sprintf("order %d placed", i) ||
				doc["@timestamp"] != "2024-01-02T03:04:05.000Z" || len(doc) != 5 {
				t.Fatalf("event %d not transformed as configured: index %q, %s", i, e.Index, e.Source)
			}
			if smtIsBad(i) || smtIsFiltered(i) {
				t.Fatalf("event %d should not have arrived: %s", i, e.Source)
			}
			ids[i]++
		}
		if len(ids) != smtGood {
			t.Fatalf("%d distinct good events arrived, want %d", len(ids), smtGood)
		}
		// The README shows event 7 before and after.
		readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range r.srv.Events() {
			if v, _ := e.Field("event_id"); v == 7.0 {
				for _, quoted := range []string{"`" + smtValue(7, false) + "`", "`" + string(e.Source) + "`"} {
					if !strings.Contains(string(readme), quoted) {
						t.Errorf("README.md does not quote %s", quoted)
					}
				}
			}
		}
		seen := map[int]bool{}
		for _, m := range readAll(t, broker, "applogs-dlq", smtBad) {
			seen[checkDLQRecord(t, m, r.name, smtTopic, smtPartitions, smtIsBad)] = true
		}
		if len(seen) != smtBad {
			t.Fatalf("%d distinct bad events in the dead letter queue, want %d", len(seen), smtBad)
		}
		proctest.WaitFor(t, 30*time.Second, func() error {
			got := groupOffsets(t, broker, r.name, smtTopic, smtPartitions)
			if got[0] != smtEvents/2 || got[1] != smtEvents/2 {
				return fmt.Errorf("committed %v, want %d on both partitions", got, smtEvents/2)
			}
			return nil
		})
		t.Logf("%d events transformed and stored, %d filtered, %d in the dead letter queue, all committed, in %v",
			len(ids), smtFiltered, len(seen), time.Since(began).Round(time.Millisecond))
	})

	// Without transformations the sink reads JSON values itself (raw JSON
	// delivery) and hands values that are not JSON back to the worker's
	// converter: the outcome is Java's, whatever drop.invalid.message says.
	t.Run("tolerance all without transforms", func(t *testing.T) {
		r := newHumioRun(t, w, "humio-raw", humiotest.Config{})
		r.create(map[string]any{"topics": smtTopic, "drop.invalid.message": false, // examples/humio-sink.json
			"errors.tolerance": "all", "errors.deadletterqueue.topic.name": "applogs-dlq-raw",
			"errors.deadletterqueue.topic.replication.factor": 1, "errors.deadletterqueue.context.headers.enable": true})
		r.waitEvents(smtEvents-smtBad, 60*time.Second)
		seen := map[int]bool{}
		for _, m := range readAll(t, broker, "applogs-dlq-raw", smtBad) {
			seen[checkDLQRecord(t, m, r.name, smtTopic, smtPartitions, smtIsBad)] = true
		}
		if len(seen) != smtBad {
			t.Fatalf("%d distinct bad events in the dead letter queue, want %d", len(seen), smtBad)
		}
		proctest.WaitFor(t, 30*time.Second, func() error {
			got := groupOffsets(t, broker, r.name, smtTopic, smtPartitions)
			if got[0] != smtEvents/2 || got[1] != smtEvents/2 {
				return fmt.Errorf("committed %v, want %d on both partitions", got, smtEvents/2)
			}
			return nil
		})
		if !strings.Contains(w.proc.Output(), `msg="delivering record values as raw JSON" logger=connect.worker connector=humio-raw`) {
			t.Fatal("the connector did not take the raw JSON path")
		}
	})

	// One partition: the first half of the events is good and is committed
	// before the second half, with 2% bad events, arrives; the task must
	// fail at the first of them and commit nothing from it on.
	t.Run("tolerance none", func(t *testing.T) {
		const topic, half = smtTopic + "-none", smtEvents / 2
		bad := func(i int) bool { return i >= half && i%50 == 37 }
		firstBad := half + 37
		began := time.Now()
		produceAppLogs(t, broker, topic, 1, 0, half, bad)
		r := newHumioRun(t, w, "humio-smt-none", humiotest.Config{})
		r.post(smtConnector(t, r.name, r.host, map[string]any{"topics": topic,
			"errors.deadletterqueue.topic.name": "applogs-dlq-none", "errors.tolerance": "none"}))
		proctest.WaitFor(t, 60*time.Second, func() error {
			if trace := r.failed(); trace != "" {
				t.Fatalf("task failed on good events: %s", trace)
			}
			if got := groupOffsets(t, broker, r.name, topic, 1)[0]; got != half {
				return fmt.Errorf("committed %d, want %d", got, half)
			}
			return nil
		})
		produceAppLogs(t, broker, topic, 1, half, smtEvents, bad)

		var trace string
		proctest.WaitFor(t, 60*time.Second, func() error {
			if trace = r.failed(); trace == "" {
				return fmt.Errorf("task not failed yet")
			}
			return nil
		})
		if !strings.HasPrefix(trace, "org.apache.kafka.connect.errors.ConnectException: ") {
			t.Errorf("trace does not start with Java's exception class: %s", trace)
		}
		want := fmt.Sprintf("topic %s partition 0 offset %d", topic, firstBad)
		for _, want := range []string{"Tolerance exceeded in error handler", "VALUE_CONVERTER", "org.apache.kafka.connect.json.JsonConverter",
			want, "Converting byte[] to Kafka Connect data failed due to serialization error: invalid JSON"} {
			if !strings.Contains(trace, want) {
				t.Errorf("trace lacks %q: %s", want, trace)
			}
		}
		// The failing record was written to the queue before the task failed.
		if i := checkDLQRecord(t, readAll(t, broker, "applogs-dlq-none", 1)[0], r.name, topic, 1, bad); i != firstBad {
			t.Fatalf("dead letter queue holds event %d, want %d", i, firstBad)
		}
		got := groupOffsets(t, broker, r.name, topic, 1)[0]
		if got < half || got > int64(firstBad) {
			t.Fatalf("committed %d, want between %d and the failed record's offset %d", got, half, firstBad)
		}
		t.Logf("task failed at offset %d; committed %d; in %v", firstBad, got, time.Since(began).Round(time.Millisecond))
	})

	// Java's message for a type that is not a concrete transformation,
	// when creating.
	t.Run("abstract class", func(t *testing.T) {
		cfg := smtConnector(t, "bad-type", "localhost:1", map[string]any{
			"transforms.addPipeline.type": "org.apache.kafka.connect.transforms.InsertField"})
		body := proctest.MustHTTP(t, http.MethodPost, w.url+"/connectors", cfg, http.StatusBadRequest)
		want := "This class is abstract and cannot be created. Did you mean org.apache.kafka.connect.transforms.InsertField$Key, " +
			"org.apache.kafka.connect.transforms.InsertField$Value?"
		if !strings.Contains(body, want) {
			t.Fatalf("answer %s lacks %q", body, want)
		}
	})
}
