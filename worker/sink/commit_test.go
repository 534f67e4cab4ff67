package sink

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector"
)

// stalledTask is a PreCommitter writing to a destination that stopped
// answering: while stalled, PreCommit waits until its context ends, then
// answers as a task tracking acknowledgements does, with the part that was
// acknowledged (at most ackedUpTo per partition) or, with failOnTimeout,
// with the context's error. It records the deadline of every call.
type stalledTask struct {
	*recordingTask
	mu            sync.Mutex
	stalled       bool
	ackedUpTo     int64
	failOnTimeout bool
	deadlines     []time.Duration // time left until ctx's deadline when each call began
	calls         int
	ended         []stalledCall
}

// stalledCall is how a stalled PreCommit call ended.
type stalledCall struct {
	at  time.Time
	err error // ctx.Err()
}

func (s *stalledTask) set(stalled bool, ackedUpTo int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stalled, s.ackedUpTo = stalled, ackedUpTo
}

func (s *stalledTask) PreCommit(ctx context.Context, offsets map[connector.TopicPartition]int64) (map[connector.TopicPartition]int64, error) {
	s.mu.Lock()
	s.calls++
	dl, ok := ctx.Deadline()
	left := time.Duration(-1) // no deadline
	if ok {
		left = time.Until(dl)
	}
	s.deadlines = append(s.deadlines, left)
	stalled, upTo, fail := s.stalled, s.ackedUpTo, s.failOnTimeout
	s.mu.Unlock()
	if stalled {
		<-ctx.Done()
		s.mu.Lock()
		s.ended = append(s.ended, stalledCall{at: time.Now(), err: ctx.Err()})
		s.mu.Unlock()
		if fail {
			return nil, fmt.Errorf("3 records not acknowledged: %w", ctx.Err())
		}
	}
	out := map[connector.TopicPartition]int64{}
	for tp, off := range offsets {
		out[tp] = min(off, upTo)
	}
	return out, nil
}

func (s *stalledTask) maxDeadline() (time.Duration, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	longest := time.Duration(0)
	for _, d := range s.deadlines {
		if d < 0 {
			return d, s.calls
		}
		longest = max(longest, d)
	}
	return longest, s.calls
}

func TestCommitTimeouts(t *testing.T) {
	for _, c := range []struct {
		commit, rebalance, periodic, closing time.Duration
	}{
		{5 * time.Second, 5 * time.Minute, 5 * time.Second, 145 * time.Second}, // Java's defaults
		{time.Minute, 5 * time.Minute, time.Minute, 90 * time.Second},
		{time.Minute, 8 * time.Second, 2 * time.Second, 2 * time.Second}, // capped by a short rebalance timeout
		{5 * time.Second, 0, 5 * time.Second, 25 * time.Second},          // sarama's default rebalance timeout
	} {
		p, cl := commitTimeouts(c.commit, c.rebalance)
		if p != c.periodic || cl != c.closing {
			t.Errorf("commitTimeouts(%v, %v) = %v, %v; want %v, %v", c.commit, c.rebalance, p, cl, c.periodic, c.closing)
		}
	}
}

// A periodic commit waits at most offset.flush.timeout.ms for a stalled
// task, then commits what the task acknowledged by then; a task that
// answers the deadline with an error commits nothing, and neither case
// rewinds (records are delivered once) or fails the task.
func TestPeriodicCommitDeadline(t *testing.T) {
	for _, failOnTimeout := range []bool{false, true} {
		t.Run(fmt.Sprintf("error=%v", failOnTimeout), func(t *testing.T) {
			addrs := cluster(t, 1, "stall")
			produce(t, addrs, "stall", 0, values("v", 100)...)
			st := &stalledTask{recordingTask: &recordingTask{}, stalled: true, ackedUpTo: 60, failOnTimeout: failOnTimeout}
			cfg := baseConfig(addrs, st, "stall")
			cfg.CommitTimeout = 300 * time.Millisecond
			r := start(t, cfg)
			waitFor(t, 30*time.Second, func() error {
				if n := st.count(); n != 100 {
					return fmt.Errorf("%d delivered", n)
				}
				if _, calls := st.maxDeadline(); calls < 3 {
					return fmt.Errorf("%d commits so far", calls)
				}
				return nil
			})
			want := int64(60)
			if failOnTimeout {
				want = 0
			}
			waitFor(t, 10*time.Second, func() error {
				if got := committed(t, addrs, "connect-test", "stall", 1)[0]; got != want {
					return fmt.Errorf("committed %d, want %d", got, want)
				}
				return nil
			})
			if d, _ := st.maxDeadline(); d < 0 || d > cfg.CommitTimeout {
				t.Fatalf("PreCommit got %v to answer, want at most offset.flush.timeout.ms %v", d, cfg.CommitTimeout)
			}
			// Destination back: everything is acknowledged and committed.
			st.set(false, 100)
			waitFor(t, 10*time.Second, func() error {
				if got := committed(t, addrs, "connect-test", "stall", 1)[0]; got != 100 {
					return fmt.Errorf("committed %d", got)
				}
				return nil
			})
			if err := r.stopAndWait(t); err != nil {
				t.Fatal(err)
			}
			if got := st.values(); !slices.Equal(got, values("v", 100)) {
				t.Fatalf("%d records delivered; a timed-out commit must not rewind", len(got))
			}
		})
	}
}

// A revocation while the destination does not answer: the closing commit
// is bounded (a fraction of the rebalance timeout), so the member rejoins
// in time and keeps partitions, instead of being dropped from the group
// while its task goroutine waits. What it acknowledged is committed; what
// it did not is read again by the new owner. A shutdown while stalled is
// bounded the same way.
func TestRevocationCommitIsBounded(t *testing.T) {
	const parts, perPart, acked = 4, 50, 20
	addrs := cluster(t, parts, "rv")
	for p := int32(0); p < parts; p++ {
		produce(t, addrs, "rv", p, values(fmt.Sprintf("p%d-", p), perPart)...)
	}
	const rebalance = 4 * time.Second
	configure := func(cfg Config) Config {
		cfg.Client.Consumer.Group.Rebalance.Timeout = rebalance
		cfg.CommitTimeout = 200 * time.Millisecond
		return cfg
	}
	periodic, closing := commitTimeouts(200*time.Millisecond, rebalance)

	t1 := &stalledTask{recordingTask: &recordingTask{}, stalled: true, ackedUpTo: acked}
	r1 := start(t, configure(baseConfig(addrs, t1, "rv")))
	waitFor(t, 30*time.Second, func() error {
		if n := t1.count(); n != parts*perPart {
			return fmt.Errorf("%d delivered to task 1", n)
		}
		got := committed(t, addrs, "connect-test", "rv", parts)
		for p := int32(0); p < parts; p++ {
			if got[p] != acked {
				return fmt.Errorf("committed %v", got)
			}
		}
		return nil
	})

	t2 := &recordingTask{}
	cfg2 := configure(baseConfig(addrs, t2, "rv"))
	cfg2.TaskID = 1
	cfg2.Client.ClientID = "connector-consumer-test-1"
	began := time.Now()
	r2 := start(t, cfg2)
	// Both members end up with partitions: task 1 answered the revocation
	// in time and rejoined.
	waitFor(t, 20*time.Second, func() error {
		if n1, n2 := owns(t1.recordingTask), owns(t2); n1 == 0 || n2 == 0 || n1+n2 != parts {
			return fmt.Errorf("task 1 owns %d partitions, task 2 %d", n1, n2)
		}
		return nil
	})
	t.Logf("rebalance with a stalled task took %v (rebalance timeout %v, closing commit bound %v)",
		time.Since(began).Round(time.Millisecond), rebalance, closing)
	if d, _ := t1.maxDeadline(); d < 0 || d > max(periodic, closing) {
		t.Fatalf("PreCommit got %v to answer, want at most %v", d, closing)
	}
	// The new owner reads again from the acknowledged offset: nothing the
	// stalled task had not acknowledged is skipped.
	var firsts map[int32]int64
	waitFor(t, 10*time.Second, func() error {
		firsts = firstOffsets(t2)
		if owned := owns(t2); len(firsts) < owned {
			return fmt.Errorf("task 2 received records of %d of its %d partitions", len(firsts), owned)
		}
		return nil
	})
	for p, off := range firsts {
		if off != acked {
			t.Fatalf("task 2 started partition %d at offset %d, want %d (the acknowledged offset)", p, off, acked)
		}
	}

	// Shutdown while stalled: bounded too, and the acknowledged part is
	// committed.
	stopBegan := time.Now()
	if err := r1.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(stopBegan); took > closing+3*time.Second {
		t.Fatalf("stopping a stalled task took %v, want about the closing bound %v", took, closing)
	}
	if err := r2.stopAndWait(t); err != nil {
		t.Fatal(err)
	}
	got := committed(t, addrs, "connect-test", "rv", parts)
	for p := int32(0); p < parts; p++ {
		if got[p] < acked {
			t.Fatalf("committed %v went back below the acknowledged %d", got, acked)
		}
	}
}

// firstOffsets returns the offset of the first record a task received
// from each partition.
func firstOffsets(rt *recordingTask) map[int32]int64 {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	out := map[int32]int64{}
	for _, rec := range rt.records {
		if _, ok := out[rec.Partition]; !ok {
			out[rec.Partition] = rec.KafkaOffset
		}
	}
	return out
}

// A periodic commit in progress gives way when the task is asked to stop,
// so the closing commit that follows gets its whole bound instead of what
// the periodic one left of task.shutdown.graceful.timeout.ms.
func TestPeriodicCommitGivesWayToStop(t *testing.T) {
	addrs := cluster(t, 1, "giveway")
	produce(t, addrs, "giveway", 0, values("v", 10)...)
	st := &stalledTask{recordingTask: &recordingTask{}, stalled: true, ackedUpTo: 4}
	cfg := baseConfig(addrs, st, "giveway")
	cfg.CommitTimeout = 30 * time.Second
	cfg.Client.Consumer.Group.Rebalance.Timeout = 10 * time.Minute
	r := start(t, cfg)
	waitFor(t, 30*time.Second, func() error {
		if n := st.count(); n != 10 {
			return fmt.Errorf("%d delivered", n)
		}
		if _, calls := st.maxDeadline(); calls == 0 {
			return fmt.Errorf("no commit in progress yet")
		}
		return nil
	})
	stopAt := time.Now()
	r.task.Stop()
	waitFor(t, 10*time.Second, func() error {
		st.mu.Lock()
		defer st.mu.Unlock()
		if len(st.ended) == 0 || st.calls < 2 {
			return fmt.Errorf("%d calls, %d ended", st.calls, len(st.ended))
		}
		return nil
	})
	st.mu.Lock()
	first := st.ended[0]
	closingLeft := st.deadlines[1]
	st.mu.Unlock()
	if took := first.at.Sub(stopAt); took > 2*time.Second || !errors.Is(first.err, context.Canceled) {
		t.Fatalf("the periodic commit ended %v after Stop with %v; want at once, cancelled", took, first.err)
	}
	if _, closing := commitTimeouts(cfg.CommitTimeout, 10*time.Minute); closingLeft < closing-5*time.Second {
		t.Fatalf("the closing commit got %v, want about %v", closingLeft, closing)
	}
	// The hard stop ends the closing commit; the acknowledged part is
	// committed.
	r.stop()
	select {
	case err := <-r.done:
		r.done <- err
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the hard stop")
	}
	if got := committed(t, addrs, "connect-test", "giveway", 1)[0]; got != 4 {
		t.Fatalf("committed %d, want the acknowledged 4", got)
	}
}

// stalledPutTask is a sink whose destination stopped answering: while
// stalled, Put waits for buffer room until its context ends.
// stalledPutTask's Put waits, as a sink whose destination does not answer
// waits for buffer room, until the destination is back (release) or its
// context ends.
type stalledPutTask struct {
	*recordingTask
	back        chan struct{} // closed when the destination is back
	waiting     atomic.Bool
	interrupted atomic.Int32
}

func newStalledPutTask() *stalledPutTask {
	return &stalledPutTask{recordingTask: &recordingTask{}, back: make(chan struct{})}
}

// release brings the destination back: waiting Puts go through.
func (s *stalledPutTask) release() { close(s.back) }

func (s *stalledPutTask) Put(ctx context.Context, recs []*connector.SinkRecord) error {
	if len(recs) > 0 {
		s.waiting.Store(true)
		select {
		case <-s.back:
			s.waiting.Store(false)
		case <-ctx.Done():
			s.waiting.Store(false)
			s.interrupted.Add(1)
			return fmt.Errorf("waiting for buffer room: %w", ctx.Err())
		}
	}
	return s.recordingTask.Put(ctx, recs)
}

// A Put waiting on a stalled destination gives way to a rebalance: the
// member answers the revocation in time and keeps partitions, and the
// interrupted batch is read again (by the new owner or by itself), so
// nothing is lost.
func TestStalledPutGivesWayToRebalance(t *testing.T) {
	const parts, perPart = 4, 50
	addrs := cluster(t, parts, "sp")
	var want []string
	for p := int32(0); p < parts; p++ {
		vals := values(fmt.Sprintf("p%d-", p), perPart)
		produce(t, addrs, "sp", p, vals...)
		want = append(want, vals...)
	}
	configure := func(cfg Config) Config {
		cfg.Client.Consumer.Group.Rebalance.Timeout = 4 * time.Second
		return cfg
	}
	t1 := newStalledPutTask()
	start(t, configure(baseConfig(addrs, t1, "sp")))
	waitFor(t, 30*time.Second, func() error {
		if !t1.waiting.Load() {
			return fmt.Errorf("task 1 is not waiting in Put yet")
		}
		return nil
	})
	t2 := &recordingTask{}
	cfg2 := configure(baseConfig(addrs, t2, "sp"))
	cfg2.TaskID = 1
	cfg2.Client.ClientID = "connector-consumer-test-1"
	start(t, cfg2)
	waitFor(t, 20*time.Second, func() error {
		if n1, n2 := owns(t1.recordingTask), owns(t2); n1 == 0 || n2 == 0 || n1+n2 != parts {
			return fmt.Errorf("task 1 owns %d partitions, task 2 %d", n1, n2)
		}
		return nil
	})
	if t1.interrupted.Load() == 0 {
		t.Fatal("the stalled Put was never interrupted")
	}
	// The destination is back: a Put waiting since the rebalance (task 1
	// kept partitions) goes through, as does everything after it.
	t1.release()
	waitDelivered(t, want, t1.recordingTask, t2)
}

// A partition paused while a batch waits for redelivery, and kept through
// a rebalance, is consumed again in the new session. Sarama remembers a
// pause across sessions and pauses the new session's partition consumer
// at once; the runtime must lift it (a stall found by
// TestStalledPutGivesWayToRebalance under load: the kept partitions were
// never read again).
func TestRedeliveryPauseDoesNotOutliveARebalance(t *testing.T) {
	const parts, perPart = 4, 20
	addrs := cluster(t, parts, "rp")
	var want []string
	for p := int32(0); p < parts; p++ {
		vals := values(fmt.Sprintf("p%d-", p), perPart)
		produce(t, addrs, "rp", p, vals...)
		want = append(want, vals...)
	}
	configure := func(cfg Config) Config {
		cfg.Client.Consumer.Group.Rebalance.Timeout = 4 * time.Second
		return cfg
	}
	var failed atomic.Bool
	t1 := &recordingTask{}
	t1.failOnPut = func(n int, recs []*connector.SinkRecord) error {
		if len(recs) > 0 && failed.CompareAndSwap(false, true) {
			// Long enough for the rebalance to come first.
			t1.ctx.Timeout(5 * time.Second)
			return connector.Retriablef("destination busy")
		}
		return nil
	}
	start(t, configure(baseConfig(addrs, t1, "rp")))
	waitFor(t, 30*time.Second, func() error {
		if !failed.Load() {
			return fmt.Errorf("no put failed yet")
		}
		return nil
	})
	t2 := &recordingTask{}
	cfg2 := configure(baseConfig(addrs, t2, "rp"))
	cfg2.TaskID = 1
	cfg2.Client.ClientID = "connector-consumer-test-1"
	start(t, cfg2)
	waitDelivered(t, want, t1, t2)
}

// owns is how many partitions the task holds now: those of its last Open,
// unless they were closed since.
func owns(rt *recordingTask) int {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if len(rt.opened) == 0 || len(rt.closed) >= len(rt.opened) {
		return 0
	}
	return len(rt.opened[len(rt.opened)-1])
}

// waitDelivered waits until every value of want was put to one of tasks.
func waitDelivered(t *testing.T, want []string, tasks ...*recordingTask) {
	t.Helper()
	waitFor(t, 30*time.Second, func() error {
		got := map[string]bool{}
		for _, rt := range tasks {
			for _, v := range rt.values() {
				got[v] = true
			}
		}
		for _, v := range want {
			if !got[v] {
				return fmt.Errorf("%d of %d records delivered; %s is missing", len(got), len(want), v)
			}
		}
		return nil
	})
}
