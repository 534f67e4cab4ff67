package elasticsearch

import (
	"strconv"
	"time"

	"github.com/kafka-connect-go/connect/connector"
)

// chunkSize is the unit of bulk body memory: a body is a list of chunks,
// each holding whole items, taken from the task's pool (writer.chunk) and
// given back when the batch settles. So a body holds about as much memory
// as its bytes, whatever the size of other batches, and a steady stream
// cycles the same chunks without allocating, growing or zeroing buffers —
// where one contiguous buffer per batch would have to be sized for a full
// batch, or grow by copying. 32 KiB is the largest size the Go allocator
// serves from its per-size pools.
const chunkSize = 32 << 10

// batch is one bulk request body in the making: items appended one after
// another, each an action line and, for index actions, a document line.
//
// Ownership moves: the task goroutine fills a batch, the writer queues it, a
// sender posts it and fills in the outcome, and the task goroutine reads the
// outcome after taking it back from the writer's done queue (under the
// writer's mutex, which orders the accesses).
type batch struct {
	chunks  [][]byte // the body; items never straddle two chunks
	size    int      // bytes in chunks
	items   []item
	firstAt time.Time // when the first item was added, for linger.ms

	// Set by the sender.
	rejected []rejection // items Humio refused that were skipped (ignore/warn)
	err      error       // fatal: the task must fail
	pinned   bool        // the transport may still read the chunks: never reuse them

	// acked is set by the task goroutine once the batch came back without a
	// fatal error and its rejections were reported; the chunks and items are
	// dropped then, so the tracker's reference keeps only this flag alive.
	// Only the task goroutine reads or writes it.
	acked bool
}

// item is one record's bytes in chunk chunk of its batch, from the
// previous item's end in that chunk (or 0) to end, and where the record
// came from, for logs and errors. The record itself is kept only when the
// task has an errant record reporter, which is handed the records Humio
// rejects: otherwise a batch would keep every record it holds alive until
// Humio answered, and with them the consumer's fetch buffers their values
// point into — several times the memory of the bulk body.
type item struct {
	chunk, end int32
	partition  int32
	offset     int64
	topic      string
	rec        *connector.SinkRecord // nil without a reporter
}

func newItem(chunk, end int, rec *connector.SinkRecord, keep bool) item {
	it := item{chunk: int32(chunk), end: int32(end), offset: rec.KafkaOffset, partition: rec.Partition, topic: rec.Topic}
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

// itemBytes returns the bytes of item i.
func (b *batch) itemBytes(i int) []byte {
	it := b.items[i]
	start := int32(0)
	if i > 0 && b.items[i-1].chunk == it.chunk {
		start = b.items[i-1].end
	}
	return b.chunks[it.chunk][start:it.end]
}

// room returns the chunk to append an item of about n bytes to: the last
// one, or a new one from w when the last has less room than that.
func (b *batch) room(w *writer, n int) []byte {
	if k := len(b.chunks); k > 0 && cap(b.chunks[k-1])-len(b.chunks[k-1]) >= n {
		return b.chunks[k-1]
	}
	b.chunks = append(b.chunks, w.chunk(n))
	return b.chunks[len(b.chunks)-1]
}

// add keeps the item that appending to the chunk room returned made into
// buf, from byte start on: when the item did not fit, the append moved
// everything to a larger array, and the item alone goes to a chunk of its
// own. It returns the item's place.
func (b *batch) add(w *writer, buf []byte, start int) (chunk, end int) {
	k := len(b.chunks) - 1
	last := b.chunks[k]
	b.size += len(buf) - start
	if cap(buf) == cap(last) { // appended in place
		b.chunks[k] = buf
		return k, len(buf)
	}
	if start == 0 {
		w.putChunk(last)
		b.chunks[k] = buf // an item larger than a chunk, alone
		return k, len(buf)
	}
	c := append(w.chunk(len(buf)-start), buf[start:]...)
	b.chunks = append(b.chunks, c)
	return k + 1, len(c)
}

// body returns the request body for the items idx (nil: all of them): the
// batch's own chunks when idx is all of them, a new buffer otherwise.
func (b *batch) body(idx []int) [][]byte {
	if idx == nil || len(idx) == len(b.items) {
		return b.chunks
	}
	n := 0
	for _, i := range idx {
		n += len(b.itemBytes(i))
	}
	out := make([]byte, 0, n)
	for _, i := range idx {
		out = append(out, b.itemBytes(i)...)
	}
	return [][]byte{out}
}

// tracker follows, per partition and in arrival order, which records are
// settled (acknowledged by Humio or deliberately skipped), so that the
// offset committed never passes a record still in flight. Only the task
// goroutine uses it.
type tracker struct {
	parts map[connector.TopicPartition]*partTrack
	// The partition of the last add: a put holds runs of records of one
	// partition, so most records skip the map.
	lastTP   connector.TopicPartition
	lastPart *partTrack
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
	p := t.lastPart
	if p == nil || tp != t.lastTP {
		p = t.part(tp)
		t.lastTP, t.lastPart = tp, p
	}
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
	t.lastTP, t.lastPart = connector.TopicPartition{}, nil
}
