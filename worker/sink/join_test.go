package sink

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// stuckHandler never leaves ConsumeClaim on its own, so its member cannot
// rejoin a rebalance until the test lets it go.
type stuckHandler struct {
	claimed chan struct{}
	release chan struct{}
}

func (h *stuckHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *stuckHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h *stuckHandler) ConsumeClaim(sarama.ConsumerGroupSession, sarama.ConsumerGroupClaim) error {
	select {
	case h.claimed <- struct{}{}:
	default:
	}
	<-h.release
	return nil
}

// A task whose consumer is stuck joining its group (the broker holds the
// JoinGroup until every member rejoins, here until the rebalance timeout)
// still ends promptly on a hard stop: sarama's JoinGroup cannot be
// cancelled, so the task closes its client's connections.
func TestHardStopDuringGroupJoin(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "join"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	addrs := c.ListenAddrs()
	// Count the group's JoinGroup requests: the other member's come first,
	// the task's next.
	var joins atomic.Int32
	c.ControlKey(int16(kmsg.JoinGroup), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		joins.Add(1)
		return nil, nil, false
	})
	// Another member of the connector's group that holds its partition and
	// will not rejoin: the task's join waits for it.
	other := saramaConfig("other")
	other.Consumer.Group.Rebalance.Timeout = 30 * time.Second
	group, err := sarama.NewConsumerGroup(addrs, "connect-test", other)
	if err != nil {
		t.Fatal(err)
	}
	h := &stuckHandler{claimed: make(chan struct{}, 1), release: make(chan struct{})}
	consumed := make(chan struct{})
	gctx, gcancel := context.WithCancel(context.Background())
	go func() {
		defer close(consumed)
		for gctx.Err() == nil {
			if err := group.Consume(gctx, []string{"join"}, h); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		gcancel()
		close(h.release)
		<-consumed
		group.Close()
	})
	select {
	case <-h.claimed:
	case <-time.After(30 * time.Second):
		t.Fatal("the other member never got its partition")
	}
	settled := joins.Load()

	cfg := baseConfig(addrs, &recordingTask{}, "join")
	cfg.Client.Consumer.Group.Rebalance.Timeout = 30 * time.Second
	task, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- task.Run(ctx) }()
	// Let the task reach its JoinGroup, which the broker now holds.
	waitFor(t, 10*time.Second, func() error {
		if joins.Load() == settled {
			return errors.New("the task has not sent its JoinGroup yet")
		}
		return nil
	})
	task.Stop()
	cancel()
	start := time.Now()
	select {
	case <-done:
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("Run took %v to end after a hard stop", d)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not end within 20 s of a hard stop; the join holds it")
	}
}
