package elasticsearch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// errStopped is the outcome of batches cut short by Stop. It does not fail
// the task: their records were not committed and are sent again.
var errStopped = errors.New("humio sink stopped before the request completed")

// errBufferFull is returned by reserve when max.buffered.records stayed
// reached for flush.timeout.ms.
var errBufferFull = errors.New("buffer full")

// writer queues closed batches and runs the senders that post them.
//
// The task goroutine fills the open batch without holding the lock and
// publishes it between Put calls, so a sender that is idle when linger.ms
// runs out can take it. Senders hand finished batches back on the done
// queue. Every change of state closes and replaces the changed channel,
// which wakes whoever waits for one (a sender for work, Put for buffer
// room, a flush for completion) under their own timers and contexts.
type writer struct {
	s      *settings
	client *client
	log    *slog.Logger

	ctx    context.Context // the senders' lifetime, cancelled by stop
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	changed  chan struct{}
	open     *batch // the open batch while published between puts
	ready    []*batch
	buffered int // records reserved and not completed (open, ready, in flight)
	done     []*batch
	fatal    error

	// Task goroutine only: chunks and items slices of settled batches, kept
	// for reuse, so that a steady stream allocates (and zeroes) no new
	// buffers.
	chunks    [][]byte
	items     [][]item
	newChunks int // chunks allocated so far, for tests

	// Bulk responses settled by their "errors" flag alone, and those whose
	// items had to be decoded one by one: logged when the task stops, and
	// read there by make bench, which checks the second stays 0 while
	// Humio reports no errors.
	responsesByFlag, responsesDecoded atomic.Int64
	stats                             *sinkStats // nil counts nothing
}

func newWriter(s *settings, c *client, log *slog.Logger, stats *sinkStats) *writer {
	ctx, cancel := context.WithCancel(context.Background())
	w := &writer{s: s, client: c, log: log, ctx: ctx, cancel: cancel, changed: make(chan struct{}), stats: stats}
	for range s.maxInFlight {
		w.wg.Go(w.sender)
	}
	return w
}

// broadcast wakes every waiter; mu must be held.
func (w *writer) broadcast() {
	close(w.changed)
	w.changed = make(chan struct{})
}

// wait releases mu until the state changes, ctx ends or timer fires (nil:
// no timer); mu is held again on return. Neither result set means ctx
// ended.
func (w *writer) wait(ctx context.Context, timer <-chan time.Time) (changed, timedOut bool) {
	ch := w.changed
	w.mu.Unlock()
	defer w.mu.Lock()
	select {
	case <-ch:
		return true, false
	case <-timer:
		return false, true
	case <-ctx.Done():
		return false, false
	}
}

// minFreeChunks is the least number of chunks a task keeps for reuse;
// recycle keeps up to one and a half times the chunks of the batch it
// takes back, so that the open batch fills from the chunks of the ones
// before it without allocating, whether batches are full (2000 events of
// 500 bytes: 38 chunks) or sent part full by linger.ms — and a task whose
// batches are small keeps little.
const minFreeChunks = 8

// maxFreeItems bounds the items slices kept for reuse.
const maxFreeItems = 4

// chunk returns an empty chunk with room for n bytes: a pooled one, or an
// exact buffer for an item larger than a chunk. Task goroutine only.
func (w *writer) chunk(n int) []byte {
	if n > chunkSize {
		return make([]byte, 0, n)
	}
	if k := len(w.chunks); k > 0 {
		c := w.chunks[k-1]
		w.chunks[k-1] = nil
		w.chunks = w.chunks[:k-1]
		return c
	}
	w.newChunks++
	return make([]byte, 0, chunkSize)
}

// putChunk keeps c for reuse, unless it is not a pooled size. Task
// goroutine only.
func (w *writer) putChunk(c []byte) {
	if cap(c) == chunkSize {
		w.chunks = append(w.chunks, c[:0])
	}
}

// recycle takes back a settled batch's chunks and items, unless the
// transport may still read them. Task goroutine only.
func (w *writer) recycle(b *batch) {
	if b.pinned {
		return
	}
	limit := max(minFreeChunks, len(b.chunks)+len(b.chunks)/2)
	for _, c := range b.chunks {
		if len(w.chunks) >= limit {
			break
		}
		w.putChunk(c)
	}
	if len(w.items) < maxFreeItems {
		clear(b.items) // drop the records
		w.items = append(w.items, b.items[:0])
	}
}

// newBatch returns an empty batch, with a recycled items slice when there
// is one. Task goroutine only.
func (w *writer) newBatch() *batch {
	if k := len(w.items); k > 0 {
		items := w.items[k-1]
		w.items[k-1] = nil
		w.items = w.items[:k-1]
		return &batch{items: items}
	}
	return &batch{items: make([]item, 0, min(w.s.batchSize, 512))}
}

// reserve waits until n more records fit under max.buffered.records (an
// empty buffer takes any n, so a Put larger than the limit still moves)
// and no sealed batch is still waiting for a sender, then counts them. It
// gives up after flush.timeout.ms with errBufferFull.
//
// A sealed batch waits only while every sender is busy; one waiting is
// enough for the next sender that frees up to find work. Taking more
// records then would not send anything sooner, only hold their memory (a
// request body per batch, in every task) until Humio catches up, while
// the records can as well wait in Kafka.
func (w *writer) reserve(ctx context.Context, n int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var timer *time.Timer
	for w.fatal == nil && (len(w.ready) > 0 || (w.buffered > 0 && w.buffered+n > w.s.maxBuffered)) {
		if timer == nil {
			// Waiting anyway: send what lingers now.
			w.sealOpenLocked()
			timer = time.NewTimer(w.s.flushTimeout)
			defer timer.Stop()
		}
		changed, timedOut := w.wait(ctx, timer.C)
		switch {
		case timedOut:
			return errBufferFull
		case !changed:
			return ctx.Err()
		}
	}
	if w.fatal != nil {
		return w.fatal
	}
	w.buffered += n
	return nil
}

// release gives back reserved room for records that were not added.
func (w *writer) release(n int) {
	if n == 0 {
		return
	}
	w.mu.Lock()
	w.buffered -= n
	w.broadcast()
	w.mu.Unlock()
}

// takeOpen returns the batch Put appends to: the published one if no sender
// took it meanwhile, else a new one.
func (w *writer) takeOpen() *batch {
	w.mu.Lock()
	b := w.open
	w.open = nil
	w.mu.Unlock()
	if b == nil {
		b = w.newBatch()
	}
	return b
}

// publish hands the open batch over between puts.
func (w *writer) publish(b *batch) {
	w.mu.Lock()
	w.open = b
	if len(b.items) > 0 {
		w.broadcast() // idle senders start their linger timers
	}
	w.mu.Unlock()
}

// seal queues a batch for sending and returns a new one.
func (w *writer) seal(b *batch) *batch {
	w.mu.Lock()
	w.ready = append(w.ready, b)
	w.broadcast()
	w.mu.Unlock()
	return w.newBatch()
}

func (w *writer) sealOpenLocked() {
	if b := w.open; b != nil && len(b.items) > 0 {
		w.open = nil
		w.ready = append(w.ready, b)
		w.broadcast()
	}
}

// flush sends the open batch and waits until every record counted so far
// completed, a batch failed fatally, ctx ended or timeout passed.
func (w *writer) flush(ctx context.Context, timeout time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sealOpenLocked()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for w.buffered > 0 && w.fatal == nil {
		changed, timedOut := w.wait(ctx, timer.C)
		switch {
		case timedOut:
			return fmt.Errorf("%d records not acknowledged by Humio within %s (%s)", w.buffered, timeout, keyFlushTimeoutMs)
		case !changed:
			return fmt.Errorf("%d records not acknowledged by Humio: %w", w.buffered, ctx.Err())
		}
	}
	return w.fatal
}

// drain takes the batches senders finished since the last call.
func (w *writer) drain() []*batch {
	w.mu.Lock()
	d := w.done
	w.done = nil
	w.mu.Unlock()
	return d
}

// pending is the number of records counted and not completed (lingering,
// queued or in flight).
func (w *writer) pending() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buffered
}

// failure is the first fatal error, if any.
func (w *writer) failure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fatal
}

// stop cancels what is still in flight and waits for the senders.
func (w *writer) stop() {
	w.cancel()
	w.mu.Lock()
	w.broadcast()
	w.mu.Unlock()
	w.wg.Wait()
	w.client.close()
}

// sender posts batches until the writer stops or fails.
func (w *writer) sender() {
	scratch := new(bytes.Buffer) // responses, read one at a time
	for {
		b := w.next()
		if b == nil {
			return
		}
		w.send(b, scratch)
		w.complete(b)
	}
}

// next waits for a batch to send: a queued one, or the published open batch
// once it has lingered for linger.ms. Records that arrive while every sender
// is busy keep joining the open batch (up to batch.size) instead of queueing
// as small batches.
func (w *writer) next() *batch {
	w.mu.Lock()
	defer w.mu.Unlock()
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if w.fatal != nil || w.ctx.Err() != nil {
			return nil
		}
		if len(w.ready) > 0 {
			b := w.ready[0]
			w.ready[0] = nil
			w.ready = w.ready[1:]
			w.broadcast() // a Put may wait for the queue to empty (reserve)
			return b
		}
		var lingerC <-chan time.Time
		if b := w.open; b != nil && len(b.items) > 0 {
			d := w.s.linger - time.Since(b.firstAt)
			if d <= 0 {
				w.open = nil
				return b
			}
			if timer == nil {
				timer = time.NewTimer(d)
			} else {
				timer.Reset(d)
			}
			lingerC = timer.C
		}
		w.wait(w.ctx, lingerC)
	}
}

// complete hands a sent batch back to the task goroutine.
func (w *writer) complete(b *batch) {
	w.mu.Lock()
	w.buffered -= len(b.items)
	w.done = append(w.done, b)
	if b.err != nil && w.fatal == nil && !errors.Is(b.err, errStopped) {
		w.fatal = b.err
	}
	w.broadcast()
	w.mu.Unlock()
}
