package converter_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/kafka-connect-go/connect/connector/data"
)

// logEvent is a typical structured log line of about 500 bytes.
var logEvent = []byte(`{"@timestamp":"2024-05-01T12:00:00.123Z","level":"INFO","logger":"com.example.orders.OrderService",` +
	`"thread":"http-nio-8080-exec-7","message":"order 4711 accepted for customer 0815 after fraud check (score 0.12)",` +
	`"host":"app-17.prod.eu-west-1.example.com","service":"orders","env":"prod","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736",` +
	`"span_id":"00f067aa0ba902b7","duration_ms":12.5,"status":200,"bytes":1048576,"user":{"id":42,"roles":["admin","ops"]},` +
	`"tags":["checkout","eu"],"retry":false}`)

func BenchmarkJSONDecodeSchemaless(b *testing.B) {
	c := jsonConverter(b, "schemas.enable", "false")
	b.SetBytes(int64(len(logEvent)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.ToConnectData("logs", nil, logEvent); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONEncodeSchemaless(b *testing.B) {
	c := jsonConverter(b, "schemas.enable", "false")
	_, v, err := c.ToConnectData("logs", nil, logEvent)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(logEvent)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.FromConnectData("logs", nil, nil, v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStdlibDecodeUseNumber is the encoding/json baseline the reader
// replaced: a Decoder with UseNumber into interface{}.
func BenchmarkStdlibDecodeUseNumber(b *testing.B) {
	b.SetBytes(int64(len(logEvent)))
	b.ReportAllocs()
	for b.Loop() {
		d := json.NewDecoder(bytes.NewReader(logEvent))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONEnvelopeRoundTrip(b *testing.B) {
	c := jsonConverter(b)
	schema := data.StructBuilder().Name("com.example.Log").
		Field("ts", data.TimestampSchema).Field("level", data.StringSchema).Field("message", data.StringSchema).
		Field("status", data.OptionalInt32Schema).Field("tags", data.ArrayBuilder(data.StringSchema).Optional().MustBuild()).
		MustBuild()
	st := data.NewStruct(schema)
	for k, v := range map[string]any{"ts": data.TimestampFromMillis(1714564800123), "level": "INFO",
		"message": "order 4711 accepted", "status": int32(200), "tags": []any{"checkout", "eu"}} {
		if err := st.Put(k, v); err != nil {
			b.Fatal(err)
		}
	}
	doc, err := c.FromConnectData("logs", nil, schema, st)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		s, v, err := c.ToConnectData("logs", nil, doc)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.FromConnectData("logs", nil, s, v); err != nil {
			b.Fatal(err)
		}
	}
}
