package elasticsearch

import (
	"strconv"
	"time"

	"github.com/kafka-connect-go/connect/connector"
)

// batch is one bulk request body in the making: items appended one after
// another, each an action line and, for index actions, a document line.
//
// Ownership moves: the task goroutine fills a batch, the writer queues it, a
// sender posts it and fills in the outcome, and the task goroutine reads the
// outcome after taking it back from the writer's done queue (under the
// writer's mutex, which orders the accesses).
type batch struct {
	buf     []byte
	items   []item
	firstAt time.Time // when the first item was added, for linger.ms

	// Set by the sender.
	rejected []rejection // items Humio refused that were skipped (ignore/warn)
	err      error       // fatal: the task must fail
	pinned   bool        // the transport may still read buf: never reuse it

	// acked is set by the task goroutine once the batch came back without a
	// fatal error and its rejections were reported; the buffer and items are
	// dropped then, so the tracker's reference keeps only this flag alive.
	// Only the task goroutine reads or writes it.
	acked bool
}

// item is one record's bytes in batch.buf, from the previous item's end (or
// 0) to end, and where the record came from, for logs and errors. The
// record itself is kept only when the task has an errant record reporter,
// which is handed the records Humio rejects: otherwise a batch would keep
// every record it holds alive until Humio answered, and with them the
// consumer's fetch buffers their values point into — several times the
// memory of the bulk body.
type item struct {
	end       int
	offset    int64
	partition int32
	topic     string
	rec       *connector.SinkRecord // nil without a reporter
}

func newItem(end int, rec *connector.SinkRecord, keep bool) item {
	it := item{end: end, offset: rec.KafkaOffset, partition: rec.Partition, topic: rec.Topic}
	if keep {
		it.rec = rec
	}
	return it
}

// coordinates renders the record's place as connector.Record.Coordinates does.
func (it *item) coordinates() string {
	return "topic " + it.topic + " partition " + strconv.Itoa(int(it.partition)) + " offset " + strconv.FormatInt(it.offset, 10)
}

// rejection is an event Humio refused, with why; rec is nil without a
// reporter to hand it to.
type rejection struct {
	rec *connector.SinkRecord
	err error
}

func (b *batch) start(i int) int {
	if i == 0 {
		return 0
	}
	return b.items[i-1].end
}

// itemBytes returns the bytes of item i.
func (b *batch) itemBytes(i int) []byte { return b.buf[b.start(i):b.items[i].end] }

// body returns the request body for the items idx (nil: all of them): the
// batch's own buffer when idx is all of them, a new buffer otherwise.
func (b *batch) body(idx []int) []byte {
	if idx == nil || len(idx) == len(b.items) {
		return b.buf
	}
	n := 0
	for _, i := range idx {
		n += b.items[i].end - b.start(i)
	}
	out := make([]byte, 0, n)
	for _, i := range idx {
		out = append(out, b.itemBytes(i)...)
	}
	return out
}

// tracker follows, per partition and in arrival order, which records are
// settled (acknowledged by Humio or deliberately skipped), so that the
// offset committed never passes a record still in flight. Only the task
// goroutine uses it.
type tracker struct {
	parts map[connector.TopicPartition]*partTrack
}

// partTrack is one partition's queue of pending segments: consecutive
// records that share a batch (or were settled at once, b nil) collapse into
// one segment ending at offset end (exclusive).
type partTrack struct {
	segs      []segment
	head      int
	committed int64 // next offset to consume; -1 when nothing is settled yet
}

type segment struct {
	b   *batch
	end int64
}

func newTracker() *tracker { return &tracker{parts: map[connector.TopicPartition]*partTrack{}} }

func (t *tracker) part(tp connector.TopicPartition) *partTrack {
	p := t.parts[tp]
	if p == nil {
		p = &partTrack{committed: -1}
		t.parts[tp] = p
	}
	return p
}

// add records that the record at off went into b (nil: settled already).
func (t *tracker) add(tp connector.TopicPartition, off int64, b *batch) {
	p := t.part(tp)
	if p.head == len(p.segs) && b == nil {
		p.committed = max(p.committed, off+1)
		return
	}
	if n := len(p.segs); n > p.head && p.segs[n-1].b == b {
		p.segs[n-1].end = off + 1
		return
	}
	p.segs = append(p.segs, segment{b: b, end: off + 1})
}

// advance moves every partition over its settled prefix.
func (t *tracker) advance() {
	for _, p := range t.parts {
		for p.head < len(p.segs) {
			s := p.segs[p.head]
			if s.b != nil && !s.b.acked {
				break
			}
			p.committed = max(p.committed, s.end)
			p.segs[p.head] = segment{}
			p.head++
		}
		if p.head == len(p.segs) {
			p.segs, p.head = p.segs[:0], 0
		} else if p.head > 64 && p.head > len(p.segs)/2 {
			p.segs = append(p.segs[:0], p.segs[p.head:]...)
			p.head = 0
		}
	}
}

// offsets returns, per partition with progress, the offset that may be
// committed: the one after the last record of the settled prefix.
func (t *tracker) offsets() map[connector.TopicPartition]int64 {
	t.advance()
	out := make(map[connector.TopicPartition]int64, len(t.parts))
	for tp, p := range t.parts {
		if p.committed >= 0 {
			out[tp] = p.committed
		}
	}
	return out
}

// open starts tracking newly assigned partitions. A partition already
// tracked keeps its state: dropping it could let a later offset pass
// records still in flight.
func (t *tracker) open(tps []connector.TopicPartition) {
	for _, tp := range tps {
		t.part(tp)
	}
}

// close forgets partitions: their records still in flight complete, but
// another task now owns their offsets.
func (t *tracker) close(tps []connector.TopicPartition) {
	for _, tp := range tps {
		delete(t.parts, tp)
	}
}
