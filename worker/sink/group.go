package sink

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/cenkalti/backoff/v4"

	"github.com/kafka-connect-go/connect/connector"
)

var errStopping = errors.New("sink task is stopping")

// handler is the sarama.ConsumerGroupHandler: it forwards everything to the
// task goroutine.
type handler struct{ t *Task }

func (h handler) Setup(sess sarama.ConsumerGroupSession) error {
	return h.t.send(event{kind: evAssigned, sess: sess, done: make(chan error, 1)})
}

func (h handler) Cleanup(sess sarama.ConsumerGroupSession) error {
	return h.t.send(event{kind: evRevoked, sess: sess, done: make(chan error, 1)})
}

// send hands a rebalance event to the task goroutine and waits for it to be
// handled, unless the task goroutine no longer serves events.
func (t *Task) send(ev event) error {
	select {
	case t.events <- ev:
	case <-t.quit:
		return errStopping
	}
	select {
	case err := <-ev.done:
		return err
	case <-t.quit:
		return errStopping
	}
}

// ConsumeClaim batches what one partition delivers: it blocks for the first
// message, then takes whatever else is already there, up to
// max.poll.records, and sends the batch to the task goroutine.
func (h handler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	t := h.t
	tp := connector.TopicPartition{Topic: claim.Topic(), Partition: claim.Partition()}
	t.pause.claimStarted(tp, claim.InitialOffset())
	defer t.pause.claimEnded(tp)
	msgs := claim.Messages()
	done := sess.Context().Done()
	limit := t.cfg.MaxPollRecords
	for {
		var first *sarama.ConsumerMessage
		select {
		case m, ok := <-msgs:
			if !ok {
				return nil
			}
			first = m
		case <-done:
			return nil
		}
		batch := make([]*sarama.ConsumerMessage, 1, min(limit, 64))
		batch[0] = first
		closed := false
	more:
		for len(batch) < limit {
			select {
			case m, ok := <-msgs:
				if !ok {
					closed = true
					break more
				}
				batch = append(batch, m)
			default:
				break more
			}
		}
		select {
		case t.events <- event{kind: evBatch, tp: tp, msgs: batch}:
		case <-done:
			return nil
		case <-t.quit:
			return nil
		}
		if closed {
			return nil
		}
	}
}

// consumeLoop runs consumer group sessions one after another until ctx ends.
func (t *Task) consumeLoop(ctx context.Context, client sarama.Client, group sarama.ConsumerGroup) {
	h := handler{t: t}
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval = 100 * time.Millisecond
	bo.MaxInterval = 10 * time.Second
	bo.MaxElapsedTime = 0
	for ctx.Err() == nil {
		topics, err := t.subscription(client)
		if err == nil && len(topics) == 0 {
			err = errors.New("no topic matches topics.regex " + t.cfg.TopicsRegex.String())
		}
		if err == nil {
			sessCtx, cancel := context.WithCancel(ctx)
			t.mu.Lock()
			t.sessionCancel = cancel
			t.mu.Unlock()
			var wg sync.WaitGroup
			if t.cfg.TopicsRegex != nil {
				wg.Go(func() { t.watchTopics(sessCtx, cancel, client, topics) })
			}
			err = group.Consume(sessCtx, topics, h)
			cancel()
			wg.Wait()
			t.mu.Lock()
			t.sessionCancel = nil
			t.mu.Unlock()
			if err == nil {
				bo.Reset()
				continue
			}
		}
		if errors.Is(err, sarama.ErrClosedConsumerGroup) || ctx.Err() != nil {
			return
		}
		d := bo.NextBackOff()
		t.log.Warn("consumer group session failed, retrying", "in", d, "error", err)
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
		case <-timer.C:
		}
		timer.Stop()
	}
}

// subscription returns the topics to consume: the configured list, or the
// existing topics topics.regex matches in full (as Java's Pattern.matches),
// internal topics excluded.
func (t *Task) subscription(client sarama.Client) ([]string, error) {
	if t.cfg.TopicsRegex == nil {
		return t.cfg.Topics, nil
	}
	if err := client.RefreshMetadata(); err != nil {
		return nil, err
	}
	all, err := client.Topics()
	if err != nil {
		return nil, err
	}
	full := anchored(t.cfg.TopicsRegex)
	var out []string
	for _, topic := range all {
		if strings.HasPrefix(topic, "__") {
			continue
		}
		if full.MatchString(topic) {
			out = append(out, topic)
		}
	}
	slices.Sort(out)
	return out, nil
}

func anchored(re *regexp.Regexp) *regexp.Regexp {
	s := re.String()
	if strings.HasPrefix(s, "^(?:") && strings.HasSuffix(s, ")$") {
		return re
	}
	return regexp.MustCompile("^(?:" + s + ")$")
}

// watchTopics ends the session when the topics matching topics.regex change,
// so the next session subscribes to the new set.
func (t *Task) watchTopics(ctx context.Context, cancel context.CancelFunc, client sarama.Client, current []string) {
	every := t.cfg.Client.Metadata.RefreshFrequency
	if every <= 0 || every > 5*time.Minute {
		every = 5 * time.Minute
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		topics, err := t.subscription(client)
		if err != nil {
			t.log.Warn("refreshing topics for topics.regex", "error", err)
			continue
		}
		if !slices.Equal(topics, current) {
			t.log.Info("topics matching topics.regex changed, rejoining", "topics", topics)
			cancel()
			return
		}
	}
}

// pauseState decides which partitions are paused and keeps sarama's view
// in step. Claim goroutines register their partition when they start (a
// new partition consumer starts paused if sarama paused the partition in
// an earlier session and never resumed it), the task goroutine and the
// task context change what is wanted; every change re-applies the
// difference.
type pauseState struct {
	mu         sync.Mutex
	group      sarama.ConsumerGroup
	target     bool // the connector is paused
	redelivery bool // waiting to redeliver a batch
	task       map[connector.TopicPartition]bool
	claimed    map[connector.TopicPartition]bool
	applied    map[connector.TopicPartition]bool
	initial    map[connector.TopicPartition]int64
}

func (p *pauseState) init(paused bool) {
	p.target = paused
	p.task = map[connector.TopicPartition]bool{}
	p.claimed = map[connector.TopicPartition]bool{}
	p.applied = map[connector.TopicPartition]bool{}
	p.initial = map[connector.TopicPartition]int64{}
}

func (p *pauseState) setGroup(g sarama.ConsumerGroup) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.group = g
	p.applyLocked()
}

func (p *pauseState) setTarget(paused bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.target = paused
	p.applyLocked()
}

func (p *pauseState) targetPaused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.target
}

func (p *pauseState) setRedelivery(paused bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.redelivery = paused
	p.applyLocked()
}

func (p *pauseState) setTask(tps []connector.TopicPartition, paused bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, tp := range tps {
		if paused {
			p.task[tp] = true
		} else {
			delete(p.task, tp)
		}
	}
	p.applyLocked()
}

func (p *pauseState) paused(tp connector.TopicPartition) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.wantLocked(tp)
}

func (p *pauseState) wantLocked(tp connector.TopicPartition) bool {
	return p.target || p.redelivery || p.task[tp]
}

func (p *pauseState) claimStarted(tp connector.TopicPartition, initial int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.claimed[tp] = true
	p.initial[tp] = initial
	p.applyLocked()
}

// claimEnded forgets the claim, not what was applied to its partition:
// sarama keeps a partition's pause after its session ends and pauses the
// partition consumer of the next session that claims it, so applied goes
// on mirroring sarama's state, and the next claim is resumed when it
// should not be paused.
func (p *pauseState) claimEnded(tp connector.TopicPartition) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.claimed, tp)
	delete(p.initial, tp)
}

func (p *pauseState) initialOffset(tp connector.TopicPartition) (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	off, ok := p.initial[tp]
	return off, ok
}

func (p *pauseState) applyLocked() {
	if p.group == nil {
		return
	}
	var pause, resume map[string][]int32
	for tp := range p.claimed {
		want := p.wantLocked(tp)
		if want == p.applied[tp] {
			continue
		}
		p.applied[tp] = want
		if want {
			if pause == nil {
				pause = map[string][]int32{}
			}
			pause[tp.Topic] = append(pause[tp.Topic], tp.Partition)
		} else {
			if resume == nil {
				resume = map[string][]int32{}
			}
			resume[tp.Topic] = append(resume[tp.Topic], tp.Partition)
		}
	}
	if pause != nil {
		p.group.Pause(pause)
	}
	if resume != nil {
		p.group.Resume(resume)
	}
}

// retryBackoff paces redeliveries of a batch after retriable errors when
// the task set no timeout of its own.
type retryBackoff struct{ b *backoff.ExponentialBackOff }

func newRetryBackoff() *retryBackoff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 250 * time.Millisecond
	b.MaxInterval = 10 * time.Second
	b.MaxElapsedTime = 0
	return &retryBackoff{b: b}
}

func (r *retryBackoff) next() time.Duration { return r.b.NextBackOff() }
func (r *retryBackoff) reset()              { r.b.Reset() }
