package worker

import (
	"testing"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/converter"
	"github.com/kafka-connect-go/connect/transforms"
	"github.com/kafka-connect-go/connect/worker/tolerance"
)

// benchLogEvent is the ~500-byte log event of make bench.
var benchLogEvent = []byte(`{"host":"web-07.eu-west-1.internal","service":"checkout","level":"INFO",` +
	`"logger":"com.example.checkout.PaymentController","thread":"exec-017","message":"payment authorised for order ` +
	`0000007 after 3 attempts; provider=adyen","trace_id":"4bf92f3577b34da6a3ce929d0e0e0007","span_id":"00f067aa0ba902b7",` +
	`"user":{"id":10007,"country":"DE","plan":"premium"},"http":{"method":"POST","path":"/api/v2/orders/0000007/pay",` +
	`"status":200,"duration_ms":107},"tags":["payments","eu"],"sent_ns":1795631335755512437}`)

// benchChain is make bench's "2 transforms" case: a static field added
// (InsertField$Value) and one removed (ReplaceField$Value exclude).
func benchChain(b *testing.B) *chain {
	b.Helper()
	c := &chain{op: tolerance.New(tolerance.Config{})}
	for _, s := range []struct {
		alias, class string
		props        map[string]string
	}{
		{"addEnv", "org.apache.kafka.connect.transforms.InsertField$Value", map[string]string{"static.field": "env", "static.value": "production"}},
		{"dropSpan", "org.apache.kafka.connect.transforms.ReplaceField$Value", map[string]string{"exclude": "span_id"}},
	} {
		var tr connector.Transformation
		for _, cl := range transforms.Classes() {
			if cl.Name == s.class {
				tr = cl.New()
			}
		}
		if tr == nil {
			b.Fatalf("no transformation %s", s.class)
		}
		if err := tr.Configure(s.props); err != nil {
			b.Fatal(err)
		}
		c.stages = append(c.stages, stage{alias: s.alias, class: s.class, transform: tr})
	}
	b.Cleanup(func() { _ = c.close() })
	return c
}

// BenchmarkTransformChain measures the chain a sink task runs per record,
// error handling included: "chain" on an already decoded value, and
// "decode+chain" with the schemaless JsonConverter in front, which is what
// a chain costs compared with the raw JSON path (no decoding at all).
func BenchmarkTransformChain(b *testing.B) {
	conv := converter.NewJSONConverter()
	if err := conv.Configure(map[string]string{"schemas.enable": "false", "converter.type": "value"}, false); err != nil {
		b.Fatal(err)
	}
	_, value, err := conv.ToConnectData("logs", nil, benchLogEvent)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("chain", func(b *testing.B) {
		c := benchChain(b)
		b.SetBytes(int64(len(benchLogEvent)))
		b.ReportAllocs()
		for b.Loop() {
			rec := connector.Record{Topic: "logs", KafkaOffset: 1, Value: value}
			out, err := c.Transform(b.Context(), &rec, tolerance.Where{})
			if err != nil || out == nil {
				b.Fatal(out, err)
			}
		}
	})
	b.Run("decode+chain", func(b *testing.B) {
		c := benchChain(b)
		b.SetBytes(int64(len(benchLogEvent)))
		b.ReportAllocs()
		for b.Loop() {
			s, v, err := conv.ToConnectData("logs", nil, benchLogEvent)
			if err != nil {
				b.Fatal(err)
			}
			// Fresh from the converter, as the sink runtime hands it over.
			rec := connector.Record{Topic: "logs", KafkaOffset: 1, ValueSchema: s, Value: v, OwnsValue: true}
			if out, err := c.Transform(b.Context(), &rec, tolerance.Where{}); err != nil || out == nil {
				b.Fatal(out, err)
			}
		}
	})
}
