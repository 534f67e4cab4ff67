package metrics

import (
	"testing"
	"time"
)

// BenchmarkSinkBatch is what a sink task records per Put batch (of up to
// max.poll.records records): it must stay far below the batch's own cost.
func BenchmarkSinkBatch(b *testing.B) {
	m := New(Config{})
	t := m.AddTask("bench", 0, true)
	b.ReportAllocs()
	for b.Loop() {
		t.SinkRead(500)
		t.SinkPut(500, time.Millisecond)
		t.SinkActive(1000)
	}
}
