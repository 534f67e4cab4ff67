package elasticsearch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kafka-connect-go/connect/connector"
)

// Task is the Humio sink task. The runtime calls its methods from one
// goroutine (see connector.SinkTask); the writer's senders run beside it.
type Task struct {
	log      *slog.Logger
	s        *settings
	conv     *converter
	w        *writer
	track    *tracker
	reporter connector.ErrantRecordReporter
	rawConv  connector.RawJSONConverter // nil when the runtime offers none
	failed   error                      // the first fatal error, returned from every later call
	stopped  bool
	stats    *sinkStats // set by NewTask, read by Metrics from any goroutine
}

var (
	_ connector.SinkTask        = (*Task)(nil)
	_ connector.PreCommitter    = (*Task)(nil)
	_ connector.PartitionAware  = (*Task)(nil)
	_ connector.RawJSONSink     = (*Task)(nil)
	_ connector.MetricsReporter = (*Task)(nil)
)

// NewTask returns an unstarted task.
func NewTask() *Task { return &Task{stats: &sinkStats{}} }

// Version is the connector's version.
func (t *Task) Version() string { return Version }

// AcceptsRawJSON is always true: raw JSON values are checked and copied into
// the bulk body as they are, which is what encoding the decoded value would
// produce, minus the cost.
func (t *Task) AcceptsRawJSON() bool { return true }

// Start parses the configuration and starts the senders.
func (t *Task) Start(ctx connector.SinkTaskContext, config map[string]string) error {
	s, err := parseConfig(config)
	if err != nil {
		return fmt.Errorf("humio sink: %w", err)
	}
	t.s = s
	t.log = ctx.Logger()
	if t.log == nil {
		t.log = slog.New(slog.DiscardHandler)
	}
	logIgnored(t.log, s)
	t.reporter = ctx.ErrantRecordReporter()
	t.rawConv, _ = ctx.(connector.RawJSONConverter)
	t.conv = newConverter(s)
	t.track = newTracker()
	c := newClient(s)
	c.stats = t.stats
	t.w = newWriter(s, c, t.log, t.stats)
	urls := make([]string, len(s.endpoints))
	for i, ep := range s.endpoints {
		urls[i] = ep.url.String()
	}
	t.log.Info("humio sink task started", "urls", urls, "batch.size", s.batchSize,
		"max.in.flight.requests", s.maxInFlight, "gzip", s.compression, "errant.record.reporter", t.reporter != nil)
	return nil
}

func logIgnored(log *slog.Logger, s *settings) {
	for _, ig := range s.ignored {
		log.Warn("configuration key ignored", "key", ig.key, "reason", ig.reason)
	}
}

// Put converts the records into bulk items. It waits while
// max.buffered.records are unacknowledged; after flush.timeout.ms it returns
// a retriable error without having taken any record, so the runtime
// delivers the same batch again later.
func (t *Task) Put(ctx context.Context, records []*connector.SinkRecord) error {
	if err := t.settle(ctx); err != nil {
		return err
	}
	if len(records) == 0 {
		return nil
	}
	if err := t.w.reserve(ctx, len(records)); err != nil {
		switch {
		case errors.Is(err, errBufferFull):
			return connector.Retriablef("humio sink: Humio acknowledged too little for %s to make room for %d more "+
				"records (%s=%d); the batch will be delivered again", t.s.flushTimeout, len(records), keyMaxBuffered, t.s.maxBuffered)
		case ctx.Err() != nil:
			return fmt.Errorf("humio sink: waiting for buffer room: %w", err)
		}
		// A batch failed: its outcome, drained, says how.
		if serr := t.settle(ctx); serr != nil {
			return serr
		}
		return t.fail(fmt.Errorf("humio sink: %w", err))
	}
	b := t.w.takeOpen()
	added := 0
	defer func() {
		t.w.publish(b)
		t.w.release(len(records) - added)
	}()
	for i, rec := range records {
		buf := b.room(t.w, itemRoom(rec))
		start := len(buf)
		var kind itemKind
		var err error
		buf, kind, err = t.conv.appendItem(buf, rec)
		tp := rec.TopicPartition()
		if err != nil {
			if out, handled, rerr := t.reconvert(ctx, rec, err); handled {
				if rerr != nil {
					return t.fail(fmt.Errorf("humio sink: %w (%d records of the batch not taken)", rerr, len(records)-i))
				}
				if out == nil { // tolerated by errors.tolerance=all
					t.track.add(tp, rec.KafkaOffset, nil)
					continue
				}
				rec = out
				buf, kind, err = t.conv.appendItem(buf[:start], rec)
			}
		}
		if err != nil {
			if err := t.invalid(ctx, rec, err); err != nil {
				// Records before this one stay queued; their offsets are
				// tracked, and nothing after them is committed.
				return t.fail(fmt.Errorf("humio sink: %w (%d records of the batch not taken)", err, len(records)-i))
			}
			t.track.add(tp, rec.KafkaOffset, nil)
			continue
		}
		if kind == itemSkip {
			t.track.add(tp, rec.KafkaOffset, nil)
			continue
		}
		if len(b.items) == 0 {
			b.firstAt = time.Now()
		}
		if t.s.bulkBytes > 0 && b.size+len(buf)-start > t.s.bulkBytes && len(b.items) > 0 {
			// This item would overflow bulk.size.bytes: it starts the next batch.
			rest := append([]byte(nil), buf[start:]...)
			b = t.w.seal(b)
			buf = b.room(t.w, len(rest))
			start = len(buf)
			buf = append(buf, rest...)
			b.firstAt = time.Now()
		}
		chunk, end := b.add(t.w, buf, start)
		b.items = append(b.items, newItem(chunk, end, rec, t.reporter != nil))
		t.track.add(tp, rec.KafkaOffset, b)
		added++
		if len(b.items) >= t.s.batchSize || (t.s.bulkBytes > 0 && b.size >= t.s.bulkBytes) {
			b = t.w.seal(b)
		}
	}
	return nil
}

// itemRoom is about how many bytes a record's bulk item takes, so that it
// goes to a chunk with room for it: a raw value's size and room for the
// action line, @timestamp and the Kafka coordinates; a decoded value's
// size is not known before it is written, and a chunk it does not fit in
// is left for the next.
func itemRoom(rec *connector.SinkRecord) int {
	if raw, ok := rec.Value.(connector.RawJSON); ok {
		return len(raw) + 256
	}
	return 2048
}

// reconvert hands a raw JSON value that is not valid JSON back to the
// runtime's value converter (connector.RawJSONConverter), so that it is
// handled as the Java worker handles it: a JsonConverter failure under
// errors.tolerance, logged and sent to the dead letter queue as such,
// before the connector ever sees the record. handled is false when that
// does not apply (a decoded value, another problem, a runtime without the
// hook); otherwise out is the record with the converter's value, or nil
// when the failure was tolerated, or err is the task's failure.
func (t *Task) reconvert(ctx context.Context, rec *connector.SinkRecord, cause error) (out *connector.SinkRecord, handled bool, err error) {
	var se *syntaxError
	if _, raw := rec.Value.(connector.RawJSON); !raw || t.rawConv == nil || !errors.As(cause, &se) {
		return nil, false, nil
	}
	schema, value, ok, err := t.rawConv.ConvertRawJSON(ctx, rec)
	if err != nil || !ok {
		return nil, true, err
	}
	r := *rec
	r.ValueSchema, r.Value = schema, value
	return &r, true, nil
}

// invalid handles a record that cannot become an event: it is reported to
// the errant record reporter, then dropped (drop.invalid.message=true) or
// returned as the error that fails the task.
func (t *Task) invalid(ctx context.Context, rec *connector.SinkRecord, cause error) error {
	err := describeInvalid(rec, cause)
	if t.reporter != nil {
		if rerr := t.reporter.Report(ctx, rec, err); rerr != nil {
			return rerr
		}
	}
	if t.s.dropInvalid {
		// The cause names a byte position or a type, never record content.
		t.log.Warn("dropping a record that cannot become an event", "topic", rec.Topic, "partition", rec.Partition,
			"offset", rec.KafkaOffset, "error", cause)
		return nil
	}
	return fmt.Errorf("cannot convert the record at %w (set %s=true to skip such records)", err, keyDropInvalidMessage)
}

// settle takes back the batches the senders finished: events Humio refused
// are reported, the batches are marked acknowledged for the tracker, and a
// fatal error from any of them fails the task.
func (t *Task) settle(ctx context.Context) error {
	if t.failed != nil {
		return t.failed
	}
	for _, b := range t.w.drain() {
		if t.reporter != nil {
			for _, r := range b.rejected { // r.rec is set: items keep their records when there is a reporter
				if err := t.reporter.Report(ctx, r.rec, r.err); err != nil {
					return t.fail(fmt.Errorf("humio sink: reporting a rejected event: %w", err))
				}
			}
		}
		if b.err != nil {
			if errors.Is(b.err, errStopped) {
				continue
			}
			return t.fail(fmt.Errorf("humio sink: %w", b.err))
		}
		b.acked = true
		t.w.recycle(b)
		b.chunks, b.items, b.rejected = nil, nil, nil
	}
	t.track.advance()
	return nil
}

func (t *Task) fail(err error) error {
	if t.failed == nil {
		t.failed = err
	}
	return t.failed
}

// Flush waits until every record handed to Put is acknowledged (at most
// flush.timeout.ms); a runtime that commits after Flush then commits only
// delivered records.
func (t *Task) Flush(ctx context.Context, _ map[connector.TopicPartition]int64) error {
	if err := t.settle(ctx); err != nil {
		return err
	}
	if err := t.w.flush(ctx, t.s.flushTimeout); err != nil {
		if ferr := t.settle(ctx); ferr != nil {
			return ferr
		}
		return fmt.Errorf("humio sink: flush: %w", err)
	}
	return t.settle(ctx)
}

// PreCommit sends what lingers and gives the requests in flight up to
// flush.timeout.ms (and ctx) to complete, so that an offset commit before a
// rebalance or shutdown covers everything sent; then it returns, per
// partition, the offset after the last record acknowledged without a gap.
// With flush.synchronously it commits the runtime's offsets, and only once
// everything was acknowledged.
func (t *Task) PreCommit(ctx context.Context, offsets map[connector.TopicPartition]int64) (map[connector.TopicPartition]int64, error) {
	if err := t.settle(ctx); err != nil {
		return nil, err
	}
	ferr := t.w.flush(ctx, t.s.flushTimeout)
	if err := t.settle(ctx); err != nil {
		return nil, err
	}
	if t.s.flushSync {
		if ferr != nil {
			t.log.Warn("offsets not committed: records are still unacknowledged", "error", ferr)
			return nil, nil
		}
		return offsets, nil
	}
	if ferr != nil {
		t.log.Info("committing acknowledged offsets only", "reason", ferr)
	}
	return t.track.offsets(), nil
}

// Open starts tracking newly assigned partitions.
func (t *Task) Open(partitions []connector.TopicPartition) error {
	t.track.open(partitions)
	return nil
}

// Close forgets revoked partitions. The runtime committed their offsets
// (after PreCommit waited for their records) before calling Close.
func (t *Task) Close(partitions []connector.TopicPartition) error {
	t.track.close(partitions)
	return nil
}

// Stop cancels the requests in flight and drops what lingers, without
// waiting. The runtime's last offset commit came before Stop (on a
// graceful stop its PreCommit already waited for Humio, within the
// runtime's deadline): records not acknowledged by then were not
// committed and are sent again after a restart, so delivering them now
// could only store them twice — and waiting for a Humio that does not
// answer would hold the worker's shutdown.
func (t *Task) Stop() error {
	if t.w == nil || t.stopped {
		return nil
	}
	t.stopped = true
	if n := t.w.pending(); n > 0 && t.failed == nil {
		t.log.Info("stopping with records not acknowledged by Humio; they were not committed and are sent again after a restart",
			"records", n)
	}
	t.w.stop()
	t.log.Info("humio sink task stopped", "bulk_responses_by_errors_flag", t.w.responsesByFlag.Load(),
		"bulk_responses_decoded_item_by_item", t.w.responsesDecoded.Load())
	return nil
}
