package connectortest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/data"
)

// SinkRecords returns records of topic and partition with string values,
// at consecutive offsets from first, as the runtime would deliver them.
func SinkRecords(topic string, partition int32, first int64, values ...string) []*connector.SinkRecord {
	out := make([]*connector.SinkRecord, len(values))
	ts := time.Now().UnixMilli()
	for i, v := range values {
		off := first + int64(i)
		out[i] = &connector.SinkRecord{
			Record: connector.Record{
				Topic: topic, Partition: partition, KafkaOffset: off,
				ValueSchema: data.StringSchema, Value: v,
				Timestamp: ts, TimestampType: connector.CreateTime,
			},
			Original: &connector.RawRecord{Topic: topic, Partition: partition, Offset: off, Value: []byte(v), Timestamp: ts, TimestampType: connector.CreateTime},
		}
	}
	return out
}

// SinkTaskSuite describes a sink task to the conformance suite.
type SinkTaskSuite struct {
	// New returns a fresh, unstarted task.
	New func() connector.SinkTask
	// Config returns a task config for one test; tests do not share
	// destinations, so each call should point somewhere new (a new file, a
	// new index).
	Config func(t *testing.T) map[string]string
	// Written returns the string values the destination holds for the
	// config most recently returned by Config, in the order written, as a
	// reader of that system would see them now.
	Written func(t *testing.T) []string
}

// SinkTask runs the conformance suite.
func SinkTask(t *testing.T, s SinkTaskSuite) {
	tp0 := connector.TopicPartition{Topic: "conformance", Partition: 0}
	tp1 := connector.TopicPartition{Topic: "conformance", Partition: 1}

	startTask := func(t *testing.T) (connector.SinkTask, *SinkTaskContext) {
		t.Helper()
		cfg := s.Config(t)
		task := s.New()
		ctx := NewSinkTaskContext(cfg, tp0, tp1)
		if err := task.Start(ctx, cfg); err != nil {
			t.Fatalf("Start: %v", err)
		}
		if pa, ok := task.(connector.PartitionAware); ok {
			if err := pa.Open([]connector.TopicPartition{tp0, tp1}); err != nil {
				t.Fatalf("Open: %v", err)
			}
		}
		return task, ctx
	}
	stopTask := func(t *testing.T, task connector.SinkTask) {
		t.Helper()
		if pa, ok := task.(connector.PartitionAware); ok {
			if err := pa.Close([]connector.TopicPartition{tp0, tp1}); err != nil {
				t.Fatalf("Close: %v", err)
			}
		}
		if err := task.Stop(); err != nil {
			t.Fatalf("Stop: %v", err)
		}
	}

	t.Run("start and stop", func(t *testing.T) {
		task, _ := startTask(t)
		if v := task.Version(); v == "" {
			t.Errorf("Version is empty")
		}
		stopTask(t, task)
	})

	t.Run("put then flush", func(t *testing.T) {
		task, _ := startTask(t)
		defer stopTask(t, task)
		recs := append(SinkRecords(tp0.Topic, 0, 10, "a", "b", "c"), SinkRecords(tp1.Topic, 1, 0, "x")...)
		if err := task.Put(t.Context(), recs); err != nil {
			t.Fatalf("Put: %v", err)
		}
		if err := task.Put(t.Context(), nil); err != nil {
			t.Fatalf("Put of an empty batch: %v", err)
		}
		offsets := map[connector.TopicPartition]int64{tp0: 13, tp1: 1}
		committable := offsets
		if pc, ok := task.(connector.PreCommitter); ok {
			got, err := pc.PreCommit(t.Context(), offsets)
			if err != nil {
				t.Fatalf("PreCommit: %v", err)
			}
			committable = got
		} else if err := task.Flush(t.Context(), offsets); err != nil {
			t.Fatalf("Flush: %v", err)
		}
		written := s.Written(t)
		// Everything acknowledged must be in the destination.
		for tp, next := range committable {
			want := map[connector.TopicPartition][]string{tp0: {"a", "b", "c"}, tp1: {"x"}}[tp]
			first := map[connector.TopicPartition]int64{tp0: 10, tp1: 0}[tp]
			for i := first; i < next && int(i-first) < len(want); i++ {
				if v := want[i-first]; !slices.Contains(written, v) {
					t.Errorf("offset %d of %s acknowledged but %q is not in the destination %q", i, tp, v, written)
				}
			}
		}
		if _, ok := task.(connector.PreCommitter); !ok {
			if want := []string{"a", "b", "c", "x"}; !slices.Equal(written, want) {
				t.Errorf("after Flush the destination holds %q, want %q", written, want)
			}
		}
	})

	t.Run("precommit returns only acknowledged offsets", func(t *testing.T) {
		task, _ := startTask(t)
		defer stopTask(t, task)
		pc, ok := task.(connector.PreCommitter)
		if !ok {
			t.Skip("task does not implement PreCommitter; the runtime commits what Flush made durable")
		}
		recs := SinkRecords(tp0.Topic, 0, 100, "p", "q")
		if err := task.Put(t.Context(), recs); err != nil {
			t.Fatalf("Put: %v", err)
		}
		offered := map[connector.TopicPartition]int64{tp0: 102}
		got, err := pc.PreCommit(t.Context(), offered)
		if err != nil {
			t.Fatalf("PreCommit: %v", err)
		}
		for tp, off := range got {
			limit, ok := offered[tp]
			if !ok {
				t.Errorf("PreCommit returned %s, a partition it was not offered", tp)
				continue
			}
			if off > limit {
				t.Errorf("PreCommit returned %s offset %d beyond the delivered %d", tp, off, limit)
			}
		}
		written := s.Written(t)
		if off, ok := got[tp0]; ok {
			for i := int64(100); i < off; i++ {
				if v := []string{"p", "q"}[i-100]; !slices.Contains(written, v) {
					t.Errorf("offset %d acknowledged but %q is not in the destination", i, v)
				}
			}
		}
	})

	t.Run("stop is idempotent", func(t *testing.T) {
		task, _ := startTask(t)
		if err := task.Put(t.Context(), SinkRecords(tp0.Topic, 0, 0, "z")); err != nil {
			t.Fatalf("Put: %v", err)
		}
		stopTask(t, task)
		if err := task.Stop(); err != nil {
			t.Fatalf("second Stop: %v", err)
		}
	})

	t.Run("many records", func(t *testing.T) {
		task, _ := startTask(t)
		defer stopTask(t, task)
		var want []string
		for batch := range 10 {
			vals := make([]string, 100)
			for i := range vals {
				vals[i] = fmt.Sprintf("line-%d-%d", batch, i)
			}
			want = append(want, vals...)
			if err := task.Put(t.Context(), SinkRecords(tp0.Topic, 0, int64(batch*100), vals...)); err != nil {
				t.Fatalf("Put: %v", err)
			}
		}
		if err := task.Flush(t.Context(), map[connector.TopicPartition]int64{tp0: 1000}); err != nil {
			t.Fatalf("Flush: %v", err)
		}
		if _, ok := task.(connector.PreCommitter); ok {
			return // asynchronous writers may still be writing
		}
		if got := s.Written(t); !slices.Equal(got, want) {
			t.Fatalf("destination holds %d values, want the 1000 written in order", len(got))
		}
	})
}
