package kafkastore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-connect-go/connect/storage/kafkalog"
)

func newCluster(t *testing.T) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

var topicSeq atomic.Int64

func uniqueTopic(prefix string) string { return fmt.Sprintf("%s-%d", prefix, topicSeq.Add(1)) }

func testSarama() *sarama.Config {
	c := sarama.NewConfig()
	c.Version = sarama.V2_8_0_0
	c.Metadata.Retry.Backoff = 20 * time.Millisecond
	return c
}

// logBuffer is a slog handler target safe for concurrent writes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func logCfg(brokers []string, topic string, partitions int32, logger *slog.Logger) kafkalog.Config {
	return kafkalog.Config{Brokers: brokers, Sarama: testSarama(), Topic: topic, Partitions: partitions, ReplicationFactor: 1, Logger: logger}
}

// rawTopic reads and writes a topic's records as bytes, the way a Java
// worker's records appear to us and ours to it.
type rawTopic struct {
	log  *kafkalog.Log
	mu   sync.Mutex
	recs []kafkalog.Record
}

func openRaw(t *testing.T, brokers []string, topic string, partitions int32) *rawTopic {
	t.Helper()
	r := &rawTopic{}
	cfg := logCfg(brokers, topic, partitions, nil)
	cfg.Consume = func(rec kafkalog.Record) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.recs = append(r.recs, rec)
	}
	l, err := kafkalog.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Stop(context.Background()) })
	r.log = l
	return r
}

func (r *rawTopic) write(t *testing.T, key string, value *string) {
	t.Helper()
	var v []byte
	if value != nil {
		v = []byte(*value)
	}
	if err := r.log.Send(t.Context(), []byte(key), v); err != nil {
		t.Fatal(err)
	}
}

// records reads to the end and returns every record so far.
func (r *rawTopic) records(t *testing.T) []kafkalog.Record {
	t.Helper()
	if err := r.log.ReadToEnd(t.Context()); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]kafkalog.Record(nil), r.recs...)
}

// lastValue returns the value of the last record with key.
func (r *rawTopic) lastValue(t *testing.T, key string) (value []byte, found bool) {
	t.Helper()
	for _, rec := range r.records(t) {
		if string(rec.Key) == key {
			value, found = rec.Value, true
		}
	}
	return value, found
}

func str(s string) *string { return &s }

// sameJSON compares two JSON texts structurally (Java writes map keys in
// HashMap order).
func sameJSON(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("not JSON: %s", got)
		return false
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %s", want)
	}
	return reflect.DeepEqual(g, w)
}

// waitFor polls cond until it holds or the deadline passes, reporting the
// last complaint.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// hasLogLine reports whether one line of a text-handler log has every
// part, each as a whole field.
func hasLogLine(out string, parts ...string) bool {
lines:
	for _, line := range strings.Split(out, "\n") {
		line += " "
		for _, p := range parts {
			if !strings.Contains(line, p) {
				continue lines
			}
			if strings.Contains(p, "=") && !strings.Contains(line, " "+p+" ") && !strings.Contains(line, " "+p+"\"") && !strings.HasPrefix(line, p+" ") {
				continue lines
			}
		}
		return true
	}
	return false
}
