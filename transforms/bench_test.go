package transforms_test

import (
	"testing"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/transforms"
)

// benchEvent is a log event as JsonConverter (schemas.enable=false) hands
// it to the transforms: about 500 bytes of JSON.
//
//	{"@timestamp":"2024-05-01T12:00:00.123Z","level":"INFO","logger":"com.example.OrderService",
//	 "thread":"http-nio-8080-exec-7","message":"order 4711 accepted for customer 42, 3 items, total 129.90 EUR",
//	 "host":"app-17.eu-west-1.internal","service":"orders","env":"production","duration_ms":12.5,"status":200,
//	 "bytes":1048576,"method":"POST","path":"/api/v2/orders","request_id":"7f9c2b1e-3d4a-4b5c-8e6f-0a1b2c3d4e5f",
//	 "user":{"id":42,"roles":["admin","ops"]},"tags":["checkout","eu"]}
func benchEvent() map[string]any {
	return map[string]any{
		"@timestamp": "2024-05-01T12:00:00.123Z", "level": "INFO", "logger": "com.example.OrderService",
		"thread": "http-nio-8080-exec-7", "message": "order 4711 accepted for customer 42, 3 items, total 129.90 EUR",
		"host": "app-17.eu-west-1.internal", "service": "orders", "env": "production", "duration_ms": 12.5,
		"status": int64(200), "bytes": int64(1048576), "method": "POST", "path": "/api/v2/orders",
		"request_id": "7f9c2b1e-3d4a-4b5c-8e6f-0a1b2c3d4e5f",
		"user":       map[string]any{"id": int64(42), "roles": []any{"admin", "ops"}},
		"tags":       []any{"checkout", "eu"},
	}
}

func benchApply(b *testing.B, class string, props map[string]string) {
	tr := newTransformB(b, class, props)
	rec := &connector.Record{Topic: "logs", Partition: 3, KafkaOffset: 1042, Timestamp: 1714564800123,
		TimestampType: connector.CreateTime, Value: benchEvent()}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := tr.Apply(rec); err != nil {
			b.Fatal(err)
		}
	}
}

func newTransformB(b *testing.B, class string, props map[string]string) connector.Transformation {
	b.Helper()
	for _, c := range transforms.Classes() {
		if c.Name == class {
			tr := c.New()
			if err := tr.Configure(props); err != nil {
				b.Fatal(err)
			}
			return tr
		}
	}
	b.Fatalf("no class %s", class)
	return nil
}

func BenchmarkInsertFieldValueStatic(b *testing.B) {
	benchApply(b, "org.apache.kafka.connect.transforms.InsertField$Value",
		map[string]string{"static.field": "cluster", "static.value": "eu-west-1"})
}

func BenchmarkReplaceFieldValueExclude(b *testing.B) {
	benchApply(b, "org.apache.kafka.connect.transforms.ReplaceField$Value",
		map[string]string{"exclude": "thread,request_id"})
}

func BenchmarkInsertFieldValueTopicTimestamp(b *testing.B) {
	benchApply(b, "org.apache.kafka.connect.transforms.InsertField$Value",
		map[string]string{"topic.field": "topic", "timestamp.field": "ts"})
}

func BenchmarkTimestampRouter(b *testing.B) {
	benchApply(b, "org.apache.kafka.connect.transforms.TimestampRouter", map[string]string{"topic.format": "${topic}-${timestamp}"})
}

func BenchmarkCastValueField(b *testing.B) {
	benchApply(b, "org.apache.kafka.connect.transforms.Cast$Value", map[string]string{"spec": "status:string"})
}
