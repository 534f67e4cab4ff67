package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/data"
	"github.com/kafka-connect-go/connect/worker/tolerance"
)

// taskContext is the connector.SinkTaskContext of a Task. Its methods may be
// called from the task goroutine (inside Put, Flush, Open...) or from the
// task's own goroutines; requests take effect when the current call returns.
type taskContext struct{ t *Task }

var _ connector.SinkTaskContext = (*taskContext)(nil)

func (c *taskContext) Config() map[string]string { return maps.Clone(c.t.cfg.TaskConfig) }

func (c *taskContext) Assignment() []connector.TopicPartition {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	return append([]connector.TopicPartition(nil), c.t.assignment...)
}

func (c *taskContext) ResetOffsets(offsets map[connector.TopicPartition]int64) {
	c.t.mu.Lock()
	maps.Copy(c.t.resets, offsets)
	c.t.mu.Unlock()
	c.t.poke()
}

func (c *taskContext) Timeout(d time.Duration) {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	c.t.retryTimeout = d
}

func (c *taskContext) Pause(partitions ...connector.TopicPartition) {
	c.t.pause.setTask(c.assignedOnly("pause", partitions), true)
}

func (c *taskContext) Resume(partitions ...connector.TopicPartition) {
	c.t.pause.setTask(c.assignedOnly("resume", partitions), false)
	c.t.poke() // release what was held back
}

// assignedOnly filters out partitions the task does not own (Java refuses
// them with an exception; a log line serves the same purpose here).
func (c *taskContext) assignedOnly(op string, tps []connector.TopicPartition) []connector.TopicPartition {
	c.t.mu.Lock()
	owned := map[connector.TopicPartition]bool{}
	for _, tp := range c.t.assignment {
		owned[tp] = true
	}
	c.t.mu.Unlock()
	out := tps[:0:0]
	for _, tp := range tps {
		if owned[tp] {
			out = append(out, tp)
		} else {
			c.t.log.Warn("sink tasks may only "+op+" partitions assigned to them", "partition", tp.String())
		}
	}
	return out
}

func (c *taskContext) RequestCommit() {
	c.t.mu.Lock()
	c.t.commitRequested = true
	c.t.mu.Unlock()
	c.t.poke()
}

func (c *taskContext) ErrantRecordReporter() connector.ErrantRecordReporter {
	if !c.t.cfg.ErrantRecordReporting {
		return nil
	}
	return errantReporter{t: c.t}
}

func (c *taskContext) Logger() *slog.Logger { return c.t.log }

var _ connector.RawJSONConverter = (*taskContext)(nil)

// ConvertRawJSON converts the consumed value of a record delivered as raw
// JSON with the value converter, through the error handling a conversion
// failure gets on the ordinary path (see connector.RawJSONConverter).
func (c *taskContext) ConvertRawJSON(ctx context.Context, rec *connector.SinkRecord) (*data.Schema, any, bool, error) {
	t := c.t
	raw := rec.Original
	if raw == nil {
		return nil, nil, false, fmt.Errorf("%s: the record was not delivered by the runtime (no consumed original)", rec.Coordinates())
	}
	s, v, err := t.cfg.ValueConverter.ToConnectData(raw.Topic, rec.Headers, raw.Value)
	if err != nil {
		s, v, err = t.retryData(ctx, tolerance.StageValueConverter, t.cfg.ValueConverterClass, t.cfg.ValueConverter, raw, rec.Headers, raw.Value, err)
	}
	switch {
	case err == nil:
		return s, v, true, nil
	case errors.Is(err, tolerance.ErrSkipped):
		return nil, nil, false, nil
	}
	var te *tolerance.Error
	if errors.As(err, &te) {
		// As a report: the task fails even if it swallows the error.
		t.mu.Lock()
		if t.reportErr == nil {
			t.reportErr = err
		}
		t.mu.Unlock()
		t.poke()
	}
	return nil, nil, false, err
}

// errantReporter reports records the task could not write through the
// task's error handling: the error log (errors.log.enable) and the dead
// letter queue, stage TASK_PUT, class SinkTask. The dead letter queue write
// completes asynchronously; the task loop waits for the writes of a
// partition before committing its offsets (see Task.commit).
type errantReporter struct{ t *Task }

func (r errantReporter) Report(ctx context.Context, rec *connector.SinkRecord, err error) error {
	w := tolerance.Where{Stage: tolerance.StageTaskPut, Class: tolerance.SinkTaskClass, Consumed: rec.Original}
	if rec.Original == nil {
		w.Consumed = r.t.serialize(rec)
	}
	ferr := r.t.cfg.Tolerance.Failed(ctx, w, err)
	var te *tolerance.Error
	if errors.As(ferr, &te) {
		// Remember it: a task that swallows the error still fails after Put.
		r.t.mu.Lock()
		if r.t.reportErr == nil {
			r.t.reportErr = ferr
		}
		r.t.mu.Unlock()
		r.t.poke()
		return ferr
	}
	return nil
}

// serialize turns a record the task built itself (one without the consumed
// original) back into bytes with the task's converters, as Java's
// WorkerErrantRecordReporter does, so the dead letter queue gets something
// readable. What cannot be converted is left null and logged.
func (t *Task) serialize(rec *connector.SinkRecord) *connector.RawRecord {
	raw := &connector.RawRecord{Topic: rec.Topic, Partition: rec.Partition, Offset: rec.KafkaOffset,
		Timestamp: rec.Timestamp, TimestampType: rec.TimestampType}
	var err error
	if raw.Key, err = t.cfg.KeyConverter.FromConnectData(rec.Topic, rec.Headers, rec.KeySchema, rec.Key); err != nil {
		t.log.Warn("cannot serialize the key of a reported record for the dead letter queue", "topic", rec.Topic,
			"partition", rec.Partition, "offset", rec.KafkaOffset, "error", err)
	}
	if v, ok := rec.Value.(connector.RawJSON); ok {
		raw.Value = v
	} else if raw.Value, err = t.cfg.ValueConverter.FromConnectData(rec.Topic, rec.Headers, rec.ValueSchema, rec.Value); err != nil {
		t.log.Warn("cannot serialize the value of a reported record for the dead letter queue", "topic", rec.Topic,
			"partition", rec.Partition, "offset", rec.KafkaOffset, "error", err)
	}
	for _, h := range rec.Headers {
		b, err := t.cfg.HeaderConverter.FromConnectHeader(rec.Topic, h.Key, h.Schema, h.Value)
		if err != nil {
			t.log.Warn("cannot serialize a header of a reported record for the dead letter queue", "topic", rec.Topic,
				"partition", rec.Partition, "offset", rec.KafkaOffset, "header", h.Key, "error", err)
		}
		raw.Headers = append(raw.Headers, connector.RawHeader{Key: h.Key, Value: b})
	}
	return raw
}
