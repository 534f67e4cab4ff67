package transforms

import (
	"strconv"
	"strings"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const timestampRouterDoc = "Renames the record's topic from its topic and its timestamp, e.g. to route records to one " +
	"index per day. Mostly useful for sink connectors, which name tables or indexes after topics."

func timestampRouterConfigDef() *configdef.ConfigDef {
	return configdef.New().
		Define(configdef.Key{Name: "topic.format", Type: configdef.TypeString, Default: "${topic}-${timestamp}",
			Importance: configdef.High,
			Doc:        "The new topic; ${topic} stands for the record's topic and ${timestamp} for its formatted timestamp."}).
		Define(configdef.Key{Name: "timestamp.format", Type: configdef.TypeString, Default: "yyyyMMdd",
			Importance: configdef.High,
			Doc:        "How ${timestamp} is formatted, in UTC: a java.text.SimpleDateFormat pattern."})
}

// TimestampRouter is Kafka's TimestampRouter.
type TimestampRouter struct {
	topicFormat string
	format      *javaDateFormat
	// Patterns without a time of day give the same text for a whole UTC
	// day, so the last day's text is kept.
	perDay  bool
	lastDay int64
	lastTS  string
}

// NewTimestampRouter returns an unconfigured TimestampRouter.
func NewTimestampRouter() *TimestampRouter { return &TimestampRouter{} }

// Configure reads topic.format and timestamp.format. Unlike Kafka, which
// reads the pattern only when the first record arrives and then fails on
// every record, a bad pattern fails here.
func (t *TimestampRouter) Configure(props map[string]string) error {
	v, err := parseConfig(timestampRouterConfigDef(), props)
	if err != nil {
		return err
	}
	t.topicFormat = v.String("topic.format")
	pattern := v.String("timestamp.format")
	if t.format, err = newJavaDateFormat(pattern, time.Now()); err != nil {
		return configdef.Invalid("timestamp.format", pattern, err.Error())
	}
	t.perDay = true
	for _, it := range t.format.items {
		if it.letter != 0 && strings.ContainsRune("HkKhamsS", it.letter) {
			t.perDay = false
		}
	}
	t.lastTS = ""
	return nil
}

// Apply renames the topic; a record without a timestamp fails.
func (t *TimestampRouter) Apply(r *connector.Record) (*connector.Record, error) {
	if !r.HasTimestamp() {
		return nil, data.Errorf("Timestamp missing on record: %s", recordString(r))
	}
	var ts string
	if day := floorDiv(r.Timestamp, msPerDay); t.perDay && t.lastTS != "" && day == t.lastDay {
		ts = t.lastTS
	} else {
		ts = t.format.format(r.Timestamp)
		t.lastDay, t.lastTS = day, ts
	}
	out := *r
	out.Topic = strings.ReplaceAll(strings.ReplaceAll(t.topicFormat, "${topic}", r.Topic), "${timestamp}", ts)
	return &out, nil
}

// Close does nothing.
func (t *TimestampRouter) Close() error { return nil }

// recordString renders a record as Java's SinkRecord.toString does, for
// error messages. A source record lacks the source partition and offset,
// which transforms do not see, so only its ConnectRecord part is shown.
func recordString(r *connector.Record) string {
	var b strings.Builder
	if r.IsSink() {
		b.WriteString("SinkRecord{kafkaOffset=")
		b.WriteString(strconv.FormatInt(r.KafkaOffset, 10))
		b.WriteString(", timestampType=")
		b.WriteString(r.TimestampType.String())
		b.WriteString(", originalTopic=")
		b.WriteString(r.Topic)
		b.WriteString(", originalKafkaPartition=")
		b.WriteString(strconv.Itoa(int(r.Partition)))
		b.WriteString(", originalKafkaOffset=")
		b.WriteString(strconv.FormatInt(r.KafkaOffset, 10))
		b.WriteString("} ")
	}
	b.WriteString("ConnectRecord{topic='")
	b.WriteString(r.Topic)
	b.WriteString("', kafkaPartition=")
	if r.Partition == connector.NoPartition {
		b.WriteString("null")
	} else {
		b.WriteString(strconv.Itoa(int(r.Partition)))
	}
	b.WriteString(", key=")
	b.WriteString(data.JavaString(r.Key))
	b.WriteString(", keySchema=")
	b.WriteString(r.KeySchema.String())
	b.WriteString(", value=")
	b.WriteString(data.JavaString(r.Value))
	b.WriteString(", valueSchema=")
	b.WriteString(r.ValueSchema.String())
	b.WriteString(", timestamp=")
	if r.HasTimestamp() {
		b.WriteString(strconv.FormatInt(r.Timestamp, 10))
	} else {
		b.WriteString("null")
	}
	b.WriteString(", headers=ConnectHeaders(headers=")
	if len(r.Headers) > 0 {
		b.WriteByte('[')
		for i, h := range r.Headers {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("ConnectHeader(key=" + h.Key + ", value=" + data.JavaString(h.Value) + ", schema=" + h.Schema.String() + ")")
		}
		b.WriteByte(']')
	}
	b.WriteString(")}")
	return b.String()
}
