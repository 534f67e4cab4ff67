package transforms

import (
	"strings"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

const insertFieldDoc = "Adds fields holding the record's topic, partition, offset or timestamp, or a fixed value, " +
	"to the key or value. Use InsertField$Key or InsertField$Value."

const (
	insertTopicField     = "topic.field"
	insertPartitionField = "partition.field"
	insertOffsetField    = "offset.field"
	insertTimestampField = "timestamp.field"
	insertStaticField    = "static.field"
	insertStaticValue    = "static.value"
)

const optionalityDoc = " End the name with ! to make the field required, or with ? to make it optional (the default)."

func insertFieldConfigDef() *configdef.ConfigDef {
	d := configdef.New()
	for _, k := range []struct{ name, doc string }{
		{insertTopicField, "Name of the field for the record's topic." + optionalityDoc},
		{insertPartitionField, "Name of the field for the record's Kafka partition." + optionalityDoc},
		{insertOffsetField, "Name of the field for the record's Kafka offset; sink connectors only." + optionalityDoc},
		{insertTimestampField, "Name of the field for the record's timestamp." + optionalityDoc},
		{insertStaticField, "Name of the field for the fixed value of static.value." + optionalityDoc},
		{insertStaticValue, "The fixed value put in static.field."},
	} {
		d.Define(configdef.Key{Name: k.name, Type: configdef.TypeString, Default: nil,
			Importance: configdef.Medium, Doc: k.doc})
	}
	return defineReplaceNull(d)
}

// insertion is one field to insert: its name and whether it is optional.
type insertion struct {
	name     string
	optional bool
	set      bool
}

func parseInsertion(v *configdef.Values, key string) insertion {
	s, ok := optString(v, key)
	if !ok {
		return insertion{}
	}
	switch {
	case strings.HasSuffix(s, "?"):
		return insertion{name: s[:len(s)-1], optional: true, set: true}
	case strings.HasSuffix(s, "!"):
		return insertion{name: s[:len(s)-1], set: true}
	}
	return insertion{name: s, optional: true, set: true}
}

// InsertField is Kafka's InsertField$Key / InsertField$Value.
type InsertField struct {
	side                                 Side
	topic, partition, offset, ts, static insertion
	staticValue                          any // the string, boxed once
	withDefault                          bool
	cache                                schemaCache
	lastTopic                            string
	lastTopicBoxed                       any
}

// NewInsertField returns an unconfigured InsertField for one side.
func NewInsertField(side Side) *InsertField { return &InsertField{side: side} }

// Configure reads the field names, static.value and replace.null.with.default.
func (t *InsertField) Configure(props map[string]string) error {
	v, err := parseConfig(insertFieldConfigDef(), props)
	if err != nil {
		return err
	}
	t.topic = parseInsertion(v, insertTopicField)
	t.partition = parseInsertion(v, insertPartitionField)
	t.offset = parseInsertion(v, insertOffsetField)
	t.ts = parseInsertion(v, insertTimestampField)
	t.static = parseInsertion(v, insertStaticField)
	t.withDefault = v.Bool(replaceNullKey)
	if !t.topic.set && !t.partition.set && !t.offset.set && !t.ts.set && !t.static.set {
		return configdef.Errorf("No field insertion configured")
	}
	t.staticValue = nil
	if s, ok := optString(v, insertStaticValue); ok {
		t.staticValue = s
	} else if t.static.set {
		// Kafka prints its internal field object here; the name is clearer.
		return configdef.Invalid(insertStaticValue, nil, "No value specified for static field: "+t.static.name)
	}
	t.cache = schemaCache{}
	t.lastTopic, t.lastTopicBoxed = "", nil
	return nil
}

// topicValue boxes the topic, reusing the last box: most records of a task
// share a topic, and this saves an allocation per record.
func (t *InsertField) topicValue(topic string) any {
	if t.lastTopicBoxed == nil || t.lastTopic != topic {
		t.lastTopic, t.lastTopicBoxed = topic, topic
	}
	return t.lastTopicBoxed
}

// Apply adds the fields; a null key or value is left alone.
func (t *InsertField) Apply(r *connector.Record) (*connector.Record, error) {
	value := t.side.value(r)
	if value == nil {
		return r, nil
	}
	schema := t.side.schema(r)
	if schema == nil {
		return t.applySchemaless(r, value)
	}
	return t.applyWithSchema(r, value)
}

func (t *InsertField) applySchemaless(r *connector.Record, value any) (*connector.Record, error) {
	if err := requireMap(value, "field insertion"); err != nil {
		return nil, err
	}
	if t.offset.set {
		if err := requireSinkRecord(r, "field insertion"); err != nil {
			return nil, err
		}
	}
	out := t.side.changeable(r, value, 5)
	if t.topic.set {
		mapPut(out, t.topic.name, t.topicValue(r.Topic))
	}
	if t.partition.set && r.Partition != connector.NoPartition {
		mapPut(out, t.partition.name, r.Partition)
	}
	if t.offset.set {
		mapPut(out, t.offset.name, r.KafkaOffset)
	}
	if t.ts.set && r.HasTimestamp() {
		mapPut(out, t.ts.name, r.Timestamp)
	}
	if t.static.set && t.staticValue != nil {
		mapPut(out, t.static.name, t.staticValue)
	}
	return t.side.withMap(r, out), nil
}

func (t *InsertField) applyWithSchema(r *connector.Record, value any) (*connector.Record, error) {
	st, err := requireStruct(value, "field insertion")
	if err != nil {
		return nil, err
	}
	updated := t.cache.get(st.Schema())
	if updated == nil {
		if updated, err = t.updatedSchema(st.Schema()); err != nil {
			return nil, err
		}
		t.cache.put(st.Schema(), updated)
	}
	out := data.NewStruct(updated)
	fields := updated.Fields()
	for i, f := range st.Schema().Fields() {
		if err := out.PutField(fields[i], fieldValue(st, f, t.withDefault)); err != nil {
			return nil, err
		}
	}
	if t.topic.set {
		if err := out.Put(t.topic.name, r.Topic); err != nil {
			return nil, err
		}
	}
	if t.partition.set && r.Partition != connector.NoPartition {
		if err := out.Put(t.partition.name, r.Partition); err != nil {
			return nil, err
		}
	}
	if t.offset.set {
		if err := requireSinkRecord(r, "field insertion"); err != nil {
			return nil, err
		}
		if err := out.Put(t.offset.name, r.KafkaOffset); err != nil {
			return nil, err
		}
	}
	if t.ts.set && r.HasTimestamp() {
		if err := out.Put(t.ts.name, time.UnixMilli(r.Timestamp).UTC()); err != nil {
			return nil, err
		}
	}
	if t.static.set && t.staticValue != nil {
		if err := out.Put(t.static.name, t.staticValue); err != nil {
			return nil, err
		}
	}
	return t.side.with(r, updated, out), nil
}

func (t *InsertField) updatedSchema(s *data.Schema) (*data.Schema, error) {
	b := copyBasics(s, data.StructBuilder())
	for _, f := range s.Fields() {
		b.Field(f.Name(), f.Schema())
	}
	add := func(in insertion, typ data.Type) {
		if in.set {
			b.Field(in.name, data.PrimitiveSchema(typ, in.optional))
		}
	}
	add(t.topic, data.TypeString)
	add(t.partition, data.TypeInt32)
	add(t.offset, data.TypeInt64)
	if t.ts.set {
		ts := data.TimestampSchema
		if t.ts.optional {
			ts = data.TimestampBuilder().Optional().MustBuild()
		}
		b.Field(t.ts.name, ts)
	}
	add(t.static, data.TypeString)
	return b.Build()
}

// Close does nothing.
func (t *InsertField) Close() error { return nil }
