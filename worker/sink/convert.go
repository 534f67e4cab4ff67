package sink

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/IBM/sarama"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/data"
	"github.com/kafka-connect-go/connect/worker/tolerance"
)

// batch is what one Put gets: the records that survived conversion and
// transformation, and per partition the offset after the last record
// consumed into it (dropped records included).
type batch struct {
	records  []*connector.SinkRecord
	offsets  map[connector.TopicPartition]int64
	consumed int
}

func (b *batch) reset() {
	b.records = nil
	b.offsets = nil
	b.consumed = 0
}

// detach returns the gathered batch and leaves b empty: the task may keep
// the slice it is given, so it is never reused.
func (b *batch) detach() *batch {
	out := &batch{records: b.records, offsets: b.offsets, consumed: b.consumed}
	b.reset()
	return out
}

// span says where the batch's records are, for the trace of a failed Put:
// "topic t partition p offsets a to b" per partition.
func (b *batch) span() string {
	type rng struct{ first, last int64 }
	var order []connector.TopicPartition
	spans := map[connector.TopicPartition]*rng{}
	for _, r := range b.records {
		tp := r.TopicPartition()
		s := spans[tp]
		if s == nil {
			s = &rng{r.KafkaOffset, r.KafkaOffset}
			spans[tp] = s
			order = append(order, tp)
		}
		s.first, s.last = min(s.first, r.KafkaOffset), max(s.last, r.KafkaOffset)
	}
	parts := make([]string, len(order))
	for i, tp := range order {
		s := spans[tp]
		parts[i] = fmt.Sprintf("topic %s partition %d offsets %d to %d", tp.Topic, tp.Partition, s.first, s.last)
	}
	if len(parts) == 0 {
		return "no records"
	}
	return strings.Join(parts, ", ")
}

// drop removes a partition's records, for a seek that makes them stale.
func (b *batch) drop(tp connector.TopicPartition) {
	b.records = slices.DeleteFunc(b.records, func(r *connector.SinkRecord) bool { return r.TopicPartition() == tp })
	delete(b.offsets, tp)
}

// convert turns one partition's messages into sink records and adds them to
// the put buffer. Records and their raw originals are allocated in one slab
// per batch: this is the per-record path, which must stay lean.
func (t *Task) convert(ctx context.Context, msgs []*sarama.ConsumerMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	b := &t.buf
	if b.offsets == nil {
		b.offsets = make(map[connector.TopicPartition]int64, 4)
	}
	if b.records == nil {
		b.records = make([]*connector.SinkRecord, 0, max(len(msgs), 64))
	}
	srs := make([]connector.SinkRecord, len(msgs))
	raws := make([]connector.RawRecord, len(msgs))
	for i, m := range msgs {
		raw := &raws[i]
		raw.Topic, raw.Partition, raw.Offset = m.Topic, m.Partition, m.Offset
		raw.Key, raw.Value = m.Key, m.Value
		if !m.Timestamp.IsZero() {
			raw.Timestamp = m.Timestamp.UnixMilli()
			raw.TimestampType = connector.CreateTime
		}
		if len(m.Headers) > 0 {
			raw.Headers = make([]connector.RawHeader, len(m.Headers))
			for j, h := range m.Headers {
				raw.Headers[j] = connector.RawHeader{Key: string(h.Key), Value: h.Value}
			}
		}
		if t.cfg.TopicUsed != nil && !t.seen[m.Topic] {
			t.seen[m.Topic] = true
			t.cfg.TopicUsed(m.Topic)
		}
		sr := &srs[i]
		keep, err := t.convertOne(ctx, raw, sr)
		if err != nil {
			return err
		}
		if keep {
			b.records = append(b.records, sr)
		}
	}
	last := msgs[len(msgs)-1]
	b.offsets[connector.TopicPartition{Topic: last.Topic, Partition: last.Partition}] = last.Offset + 1
	b.consumed += len(msgs)
	return nil
}

// convertOne fills sr from raw: headers, key, value, then the
// transformations. keep is false when the record was dropped.
func (t *Task) convertOne(ctx context.Context, raw *connector.RawRecord, sr *connector.SinkRecord) (keep bool, err error) {
	sr.Original = raw
	sr.Topic, sr.Partition, sr.KafkaOffset = raw.Topic, raw.Partition, raw.Offset
	sr.Timestamp, sr.TimestampType = raw.Timestamp, raw.TimestampType

	// Headers first, so converters that read headers see them converted.
	var hdrs connector.Headers
	if len(raw.Headers) > 0 {
		hdrs = make(connector.Headers, len(raw.Headers))
		hc := t.cfg.HeaderConverter
		for j, h := range raw.Headers {
			s, v, err := hc.ToConnectHeader(raw.Topic, h.Key, h.Value)
			if err != nil {
				s, v, err = t.retryHeader(ctx, raw, h, err)
				if err != nil {
					return dropOrFail(err)
				}
			}
			hdrs[j] = connector.Header{Key: h.Key, Schema: s, Value: v}
		}
		sr.Headers = hdrs
	}

	s, v, err := t.cfg.KeyConverter.ToConnectData(raw.Topic, hdrs, raw.Key)
	if err != nil {
		s, v, err = t.retryData(ctx, tolerance.StageKeyConverter, t.cfg.KeyConverterClass, t.cfg.KeyConverter, raw, hdrs, raw.Key, err)
		if err != nil {
			return dropOrFail(err)
		}
	}
	sr.KeySchema, sr.Key = s, v

	if t.cfg.RawJSONValues {
		sr.OwnsValue = false
		if raw.Value != nil {
			sr.Value = connector.RawJSON(raw.Value)
		}
	} else {
		s, v, err = t.cfg.ValueConverter.ToConnectData(raw.Topic, hdrs, raw.Value)
		if err != nil {
			s, v, err = t.retryData(ctx, tolerance.StageValueConverter, t.cfg.ValueConverterClass, t.cfg.ValueConverter, raw, hdrs, raw.Value, err)
			if err != nil {
				return dropOrFail(err)
			}
		}
		// A converter makes a new value for every record: the record owns
		// it, and transformations change it in place instead of copying.
		sr.ValueSchema, sr.Value, sr.OwnsValue = s, v, true
	}

	if t.cfg.Transforms != nil {
		out, err := t.cfg.Transforms.Transform(ctx, &sr.Record, tolerance.Where{Consumed: raw})
		if err != nil {
			return dropOrFail(err)
		}
		if out == nil {
			return false, nil
		}
		if out != &sr.Record {
			sr.Record = *out
		}
	}
	return true, nil
}

// dropOrFail turns a tolerated failure into a drop and passes anything else on.
func dropOrFail(err error) (bool, error) {
	if errors.Is(err, tolerance.ErrSkipped) {
		return false, nil
	}
	return false, err
}

// retryData is the slow path of a failed key or value conversion, kept out
// of convertOne so the happy path allocates no closure.
func (t *Task) retryData(ctx context.Context, stage tolerance.Stage, class string, conv connector.Converter,
	raw *connector.RawRecord, hdrs connector.Headers, b []byte, first error) (*data.Schema, any, error) {
	var s *data.Schema
	var v any
	err := t.cfg.Tolerance.Recover(ctx, tolerance.Where{Stage: stage, Class: class, Consumed: raw}, first, func() error {
		var err error
		s, v, err = conv.ToConnectData(raw.Topic, hdrs, b)
		return err
	})
	return s, v, err
}

func (t *Task) retryHeader(ctx context.Context, raw *connector.RawRecord, h connector.RawHeader, first error) (*data.Schema, any, error) {
	var s *data.Schema
	var v any
	w := tolerance.Where{Stage: tolerance.StageHeaderConverter, Class: t.cfg.HeaderConverterClass, Consumed: raw}
	err := t.cfg.Tolerance.Recover(ctx, w, first, func() error {
		var err error
		s, v, err = t.cfg.HeaderConverter.ToConnectHeader(raw.Topic, h.Key, h.Value)
		return err
	})
	return s, v, err
}

func sortTPs(tps []connector.TopicPartition) {
	slices.SortFunc(tps, func(a, b connector.TopicPartition) int {
		if c := strings.Compare(a.Topic, b.Topic); c != 0 {
			return c
		}
		return int(a.Partition - b.Partition)
	})
}

func tpStrings(tps []connector.TopicPartition) []string {
	out := make([]string, len(tps))
	for i, tp := range tps {
		out[i] = tp.String()
	}
	return out
}
