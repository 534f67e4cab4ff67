package sink

import (
	"log/slog"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/worker/tolerance"
)

// BenchmarkConvert measures the per-record path of the task goroutine:
// raw message -> header/key/value conversion -> SinkRecord, with the test
// string converter (a real converter adds its own decoding cost).
func BenchmarkConvert(b *testing.B) {
	for _, raw := range []bool{false, true} {
		name := "decoded"
		if raw {
			name = "rawjson"
		}
		b.Run(name, func(b *testing.B) {
			task, err := New(Config{
				Connector: "bench", Task: &recordingTask{}, Client: sarama.NewConfig(), Topics: []string{"t"},
				KeyConverter: stringConverter{}, ValueConverter: stringConverter{}, HeaderConverter: headerConverter{},
				Tolerance: tolerance.New(tolerance.Config{}), RawJSONValues: raw, Logger: slog.New(slog.DiscardHandler),
			})
			if err != nil {
				b.Fatal(err)
			}
			msgs := make([]*sarama.ConsumerMessage, 500)
			now := time.Now()
			for i := range msgs {
				msgs[i] = &sarama.ConsumerMessage{Topic: "t", Partition: 0, Offset: int64(i), Timestamp: now,
					Key: []byte("key"), Value: []byte(`{"message":"a log line of ordinary length, about a hundred bytes or so","n":1}`)}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i += len(msgs) {
				task.buf.reset()
				if err := task.convert(b.Context(), msgs); err != nil {
					b.Fatal(err)
				}
				_ = task.buf.detach()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

var _ connector.SinkTask = (*recordingTask)(nil)
