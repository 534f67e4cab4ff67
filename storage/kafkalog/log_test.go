package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
)

func newCluster(t *testing.T, opts ...kfake.Opt) []string {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

func testSarama() *sarama.Config {
	c := sarama.NewConfig()
	c.Version = sarama.V2_8_0_0
	c.Metadata.Retry.Backoff = 20 * time.Millisecond
	return c
}

// collector records what the log hands to its callback.
type collector struct {
	mu   sync.Mutex
	recs []Record
}

func (c *collector) consume(r Record) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recs = append(c.recs, r)
}

func (c *collector) snapshot() []Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Record(nil), c.recs...)
}

func startLog(t *testing.T, brokers []string, topic string, partitions int32, col *collector) *Log {
	t.Helper()
	l, err := New(Config{
		Brokers: brokers, Sarama: testSarama(), Topic: topic, Partitions: partitions, ReplicationFactor: 1,
		TopicConfigs: map[string]string{"min.insync.replicas": "1"},
		Consume:      col.consume, Logger: slog.New(slog.NewTextHandler(t.Output(), nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return l
}

func admin(t *testing.T, brokers []string) sarama.ClusterAdmin {
	t.Helper()
	a, err := sarama.NewClusterAdmin(brokers, testSarama())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

func topicPolicy(t *testing.T, a sarama.ClusterAdmin, topic string) string {
	t.Helper()
	entries, err := a.DescribeConfig(sarama.ConfigResource{Type: sarama.TopicResource, Name: topic})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name == "cleanup.policy" {
			return e.Value
		}
	}
	t.Fatalf("topic %s: no cleanup.policy", topic)
	return ""
}

func TestCreatesCompactedTopicWritesAndTails(t *testing.T) {
	brokers := newCluster(t)
	col := &collector{}
	l := startLog(t, brokers, "connect-status", 3, col)

	a := admin(t, brokers)
	if p := topicPolicy(t, a, "connect-status"); p != "compact" {
		t.Errorf("cleanup.policy=%q", p)
	}
	if l.Partitions() != 3 {
		t.Errorf("partitions %d", l.Partitions())
	}
	ctx := t.Context()
	for i := range 20 {
		if err := l.Send(ctx, fmt.Appendf(nil, "key-%d", i%5), fmt.Appendf(nil, "v%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Send(ctx, []byte("key-0"), nil); err != nil {
		t.Fatal(err)
	}
	if err := l.ReadToEnd(ctx); err != nil {
		t.Fatal(err)
	}
	recs := col.snapshot()
	if len(recs) != 21 {
		t.Fatalf("read %d records, want 21", len(recs))
	}
	// Per key (so per partition) the values come in write order.
	last := map[string]int{}
	for _, r := range recs {
		k := string(r.Key)
		if r.Value == nil {
			if k != "key-0" {
				t.Errorf("unexpected tombstone for %s", k)
			}
			continue
		}
		var n int
		fmt.Sscanf(string(r.Value), "v%d", &n)
		if prev, ok := last[k]; ok && n <= prev {
			t.Errorf("key %s: v%d after v%d", k, n, prev)
		}
		last[k] = n
		if want := murmur2Partition([]byte(k), 3); r.Partition != want {
			t.Errorf("key %s in partition %d, Java's default partitioner picks %d", k, r.Partition, want)
		}
	}
}

func TestReplaysFromBeginningBeforeStartReturns(t *testing.T) {
	brokers := newCluster(t)
	first := startLog(t, brokers, "connect-configs", 1, &collector{})
	for i := range 50 {
		if err := first.Send(t.Context(), fmt.Appendf(nil, "k%d", i), []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	col := &collector{}
	replayed := startLog(t, brokers, "connect-configs", 1, col)
	recs := col.snapshot()
	if len(recs) != 50 {
		t.Fatalf("second log saw %d records at start, want 50", len(recs))
	}
	for i, r := range recs {
		if r.Offset != int64(i) || string(r.Key) != fmt.Sprintf("k%d", i) || !r.Replay {
			t.Fatalf("record %d: offset %d key %s replay %v", i, r.Offset, r.Key, r.Replay)
		}
	}
	// The first log tails what the second writes.
	second := startLog(t, brokers, "connect-configs", 1, &collector{})
	if err := second.Send(t.Context(), []byte("late"), []byte("y")); err != nil {
		t.Fatal(err)
	}
	if err := first.ReadToEnd(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := first.Position(0); got != 51 {
		t.Errorf("first log position %d, want 51", got)
	}
	// To the log started before it, the late record is news.
	if err := replayed.ReadToEnd(t.Context()); err != nil {
		t.Fatal(err)
	}
	recs = col.snapshot()
	if last := recs[len(recs)-1]; string(last.Key) != "late" || last.Replay {
		t.Errorf("last record %s replay %v, want late and not replay", last.Key, last.Replay)
	}
}

func TestRefusesTopicNotCompacted(t *testing.T) {
	brokers := newCluster(t)
	a := admin(t, brokers)
	for _, policy := range []string{"delete", "compact,delete"} {
		topic := "t-" + strings.ReplaceAll(policy, ",", "-")
		if err := a.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1,
			ConfigEntries: map[string]*string{"cleanup.policy": &policy}}, false); err != nil {
			t.Fatal(err)
		}
		l, err := New(Config{Brokers: brokers, Sarama: testSarama(), Topic: topic, Partitions: 1, ReplicationFactor: 1,
			WorkerProperty: "offset.storage.topic", Purpose: "source connector offsets", Consume: func(Record) {}})
		if err != nil {
			t.Fatal(err)
		}
		err = l.Start(t.Context())
		if !errors.Is(err, ErrNotCompacted) {
			t.Fatalf("policy %s: Start returned %v, want ErrNotCompacted", policy, err)
		}
		for _, want := range []string{topic, "offset.storage.topic", "cleanup.policy=" + policy} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %q", err, want)
			}
		}
	}
}

func TestConfigTopicMustHaveOnePartition(t *testing.T) {
	brokers := newCluster(t)
	a := admin(t, brokers)
	compact := "compact"
	if err := a.CreateTopic("cfg", &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1,
		ConfigEntries: map[string]*string{"cleanup.policy": &compact}}, false); err != nil {
		t.Fatal(err)
	}
	l, err := New(Config{Brokers: brokers, Sarama: testSarama(), Topic: "cfg", Partitions: 1, ReplicationFactor: 1,
		SinglePartition: true, WorkerProperty: "config.storage.topic", Purpose: "connector configurations", Consume: func(Record) {}})
	if err != nil {
		t.Fatal(err)
	}
	err = l.Start(t.Context())
	if err == nil || !strings.Contains(err.Error(), "single partition") || !strings.Contains(err.Error(), "found 2 partitions") {
		t.Fatalf("Start: %v", err)
	}
}

func TestBrokerDefaultPartitions(t *testing.T) {
	brokers := newCluster(t, kfake.DefaultNumPartitions(4))
	l, err := New(Config{Brokers: brokers, Sarama: testSarama(), Topic: "dflt", Partitions: -1, ReplicationFactor: -1, Consume: func(Record) {}})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer l.Stop(context.Background())
	if l.Partitions() != 4 {
		t.Errorf("partitions %d, want the broker default 4", l.Partitions())
	}
}

// Transaction markers take offsets but are no records: reading to the end
// must not wait for them.
func TestReadToEndPastTransactionMarkers(t *testing.T) {
	brokers := newCluster(t)
	col := &collector{}
	l := startLog(t, brokers, "offsets", 1, col)

	pc := testSarama()
	pc.Producer.Idempotent = true
	pc.Producer.RequiredAcks = sarama.WaitForAll
	pc.Net.MaxOpenRequests = 1
	pc.Producer.Return.Successes = true
	pc.Producer.Transaction.ID = "connect-cluster-test"
	p, err := sarama.NewSyncProducer(brokers, pc)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.BeginTxn(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.SendMessage(&sarama.ProducerMessage{Topic: "offsets", Key: sarama.StringEncoder("k"), Value: sarama.StringEncoder("v")}); err != nil {
		t.Fatal(err)
	}
	if err := p.CommitTxn(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := l.ReadToEnd(ctx); err != nil {
		t.Fatal(err)
	}
	recs := col.snapshot()
	if len(recs) != 1 || string(recs[0].Key) != "k" {
		t.Fatalf("records %+v", recs)
	}
	if l.Position(0) != 2 {
		t.Errorf("position %d, want 2 (record + commit marker)", l.Position(0))
	}
}

func TestStopEndsSendsAndReads(t *testing.T) {
	brokers := newCluster(t)
	l, err := New(Config{Brokers: brokers, Sarama: testSarama(), Topic: "s", Partitions: 1, ReplicationFactor: 1, Consume: func(Record) {}})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := l.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := l.Send(t.Context(), []byte("k"), []byte("v")); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Stop: %v", err)
	}
	if err := l.ReadToEnd(t.Context()); !errors.Is(err, ErrClosed) {
		t.Errorf("ReadToEnd after Stop: %v", err)
	}
	if err := l.Stop(ctx); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no topic":     {Brokers: []string{"x:1"}, Partitions: 1, ReplicationFactor: 1, Consume: func(Record) {}},
		"no brokers":   {Topic: "t", Partitions: 1, ReplicationFactor: 1, Consume: func(Record) {}},
		"no callback":  {Brokers: []string{"x:1"}, Topic: "t", Partitions: 1, ReplicationFactor: 1},
		"zero parts":   {Brokers: []string{"x:1"}, Topic: "t", Partitions: 0, ReplicationFactor: 1, Consume: func(Record) {}},
		"bad replicas": {Brokers: []string{"x:1"}, Topic: "t", Partitions: 1, ReplicationFactor: -2, Consume: func(Record) {}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// murmur2Partition is Kafka's default partitioner for keyed records,
// written from Utils.murmur2 and toPositive independently of sarama's.
func murmur2Partition(key []byte, partitions int32) int32 {
	const m, r = 0x5bd1e995, 24
	n := len(key)
	h := uint32(0x9747b28c) ^ uint32(n)
	for i := 0; i+4 <= n; i += 4 {
		k := uint32(key[i]) | uint32(key[i+1])<<8 | uint32(key[i+2])<<16 | uint32(key[i+3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := key[n&^3:]
	switch len(tail) {
	case 3:
		h ^= uint32(tail[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(tail[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(tail[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h&0x7fffffff) % partitions
}

// Vectors computed with Kafka's own Utils.murmur2 and toPositive (Kafka
// commit 1eb7644, JDK 17): the hash and the partition out of 25, 5 and 3,
// pinning both the formula above and sarama's murmur2 partitioner.
func TestMurmur2Vectors(t *testing.T) {
	for _, v := range []struct {
		key         string
		hash        int32
		p25, p5, p3 int32
	}{
		{"", 275646681, 6, 1, 0},
		{"a", -1563381124, 24, 4, 1},
		{"abc", 479470107, 7, 2, 0},
		{"abcd", -1323649548, 0, 0, 2},
		{"21", -973932308, 15, 0, 0},
		{"foobar", -790332482, 16, 1, 0},
		{"key-3", -1839136101, 22, 2, 2},
		{`["file-source",{"filename":"/tmp/test.txt"}]`, 856794446, 21, 1, 2},
		{`["humio",{"topic":"logs","partition":3}]`, -1536901171, 2, 2, 1},
		{"status-connector-humio", 1986720520, 20, 0, 1},
		{"status-task-humio-0", 1283159261, 11, 1, 2},
		{"été-中", 1927318953, 3, 3, 0},
	} {
		for n, want := range map[int32]int32{25: v.p25, 5: v.p5, 3: v.p3} {
			if got := murmur2Partition([]byte(v.key), n); got != want {
				t.Errorf("%q of %d: formula says %d, Java %d", v.key, n, got, want)
			}
			sp := sarama.NewMurmur2Partitioner("t")
			got, err := sp.Partition(&sarama.ProducerMessage{Key: sarama.StringEncoder(v.key)}, n)
			if err != nil || got != want {
				t.Errorf("%q of %d: sarama says %d (%v), Java %d", v.key, n, got, err, want)
			}
		}
	}
}

// Partitions led by different brokers are fetched in parallel, each from
// its leader.
func TestSeveralBrokers(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(3))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	brokers := c.ListenAddrs()
	col := &collector{}
	l := startLog(t, brokers, "spread", 6, col)
	for i := range 60 {
		if err := l.Send(t.Context(), fmt.Appendf(nil, "k%d", i), []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.ReadToEnd(t.Context()); err != nil {
		t.Fatal(err)
	}
	recs := col.snapshot()
	parts := map[int32]int{}
	for _, r := range recs {
		parts[r.Partition]++
	}
	if len(recs) != 60 || len(parts) < 4 {
		t.Fatalf("read %d records over partitions %v", len(recs), parts)
	}
	// A second log replays all of it at start.
	col2 := &collector{}
	startLog(t, brokers, "spread", 6, col2)
	if n := len(col2.snapshot()); n != 60 {
		t.Fatalf("replayed %d records, want 60", n)
	}
}
