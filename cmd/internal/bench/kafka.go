package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
)

// benchTopic is the topic every case reads.
const benchTopic = "bench"

// startBroker starts the embedded broker with the benchmark topic.
func startBroker(partitions int) (*kfake.Cluster, error) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(int32(partitions), benchTopic),
		kfake.AllowAutoTopicCreation())
	if err != nil {
		return nil, fmt.Errorf("starting the embedded broker: %w", err)
	}
	return c, nil
}

func saramaConfig() *sarama.Config {
	c := sarama.NewConfig()
	c.Version = sarama.V3_6_0_0
	c.ClientID = "bench"
	return c
}

// event is the benchmark's log event: about 500 bytes of JSON shaped like an
// application log line, with the time it was produced in sent_ns (always 19
// digits, so every event of a run has the same size).
func event(i int, sentNS int64) []byte {
	b := make([]byte, 0, 560)
	b = append(b, `{"host":"web-`...)
	b = appendPad(b, i%50, 2)
	b = append(b, `.eu-west-1.internal","service":"checkout","level":"INFO","logger":"com.example.checkout.PaymentController","thread":"exec-`...)
	b = appendPad(b, i%200, 3)
	b = append(b, `","message":"payment authorised for order `...)
	b = appendPad(b, i, 7)
	b = append(b, ` after 3 attempts; provider=adyen","trace_id":"4bf92f3577b34da6a3ce929d0e0e`...)
	b = appendPad(b, i%10000, 4)
	b = append(b, `","span_id":"00f067aa0ba902b7","user":{"id":`...)
	b = strconv.AppendInt(b, int64(10000+i%90000), 10) // 5 digits: no leading zero in a JSON number
	b = append(b, `,"country":"DE","plan":"premium"},"http":{"method":"POST","path":"/api/v2/orders/`...)
	b = appendPad(b, i, 7)
	b = append(b, `/pay","status":200,"duration_ms":`...)
	b = strconv.AppendInt(b, int64(100+i%900), 10)
	b = append(b, `},"tags":["payments","eu"],"sent_ns":`...)
	b = strconv.AppendInt(b, sentNS, 10)
	return append(b, '}')
}

func appendPad(b []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// producer writes benchmark events to the topic, spread evenly over its
// partitions. Two goroutines it owns count the broker's acknowledgements
// until close.
type producer struct {
	p          sarama.AsyncProducer
	partitions int
	sent       int64 // events handed to sarama; produce's goroutine only
	acked      atomic.Int64
	errs       atomic.Int64
	firstErr   atomic.Pointer[error]
	wg         sync.WaitGroup
}

func newProducer(brokers []string, partitions int) (*producer, error) {
	c := saramaConfig()
	c.Producer.Partitioner = sarama.NewManualPartitioner
	c.Producer.RequiredAcks = sarama.WaitForLocal
	c.Producer.Return.Successes = true
	c.Producer.Return.Errors = true
	c.Producer.MaxMessageBytes = 1 << 20
	c.ChannelBufferSize = 4096
	ap, err := sarama.NewAsyncProducer(brokers, c)
	if err != nil {
		return nil, fmt.Errorf("producer: %w", err)
	}
	p := &producer{p: ap, partitions: partitions}
	// Both channels close when the producer does.
	p.wg.Go(func() {
		for range ap.Successes() {
			p.acked.Add(1)
		}
	})
	p.wg.Go(func() {
		for err := range ap.Errors() {
			e := error(err)
			p.firstErr.CompareAndSwap(nil, &e)
			p.errs.Add(1)
			p.acked.Add(1)
		}
	})
	return p, nil
}

// produce sends n events numbered from first and waits until the broker
// acknowledged them all. pace, when positive, is the rate in events per
// second (the latency phase); zero sends as fast as the broker takes them.
func (p *producer) produce(ctx context.Context, first, n int, pace int) error {
	start := time.Now()
	for i := range n {
		if pace > 0 {
			due := start.Add(time.Duration(i) * time.Second / time.Duration(pace))
			if d := time.Until(due); d > 0 {
				t := time.NewTimer(d)
				select {
				case <-ctx.Done():
					t.Stop()
					return ctx.Err()
				case <-t.C:
				}
			}
		}
		msg := &sarama.ProducerMessage{Topic: benchTopic, Partition: int32(p.sent % int64(p.partitions))}
		now := time.Now()
		msg.Timestamp = now
		msg.Value = sarama.ByteEncoder(event(first+i, now.UnixNano()))
		select {
		case p.p.Input() <- msg:
			p.sent++
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for p.acked.Load() < p.sent {
		t := time.NewTimer(time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	if ep := p.firstErr.Load(); ep != nil {
		return fmt.Errorf("%d events not produced: %w", p.errs.Load(), *ep)
	}
	return nil
}

func (p *producer) close() error {
	err := p.p.Close()
	p.wg.Wait()
	return err
}

// rawResult is what the bare consumer child reports on stdout.
type rawResult struct {
	Records  int64         `json:"records"`
	Bytes    int64         `json:"bytes"`
	FirstNS  int64         `json:"first_ns"`
	LastNS   int64         `json:"last_ns"`
	CPU      time.Duration `json:"cpu_ns"`
	PeakRSS  int64         `json:"peak_rss"`
	Elapsed  time.Duration `json:"elapsed_ns"`
	Problems string        `json:"problems,omitempty"`
}

// rawConsume is the bare consumer, run as a child process so that it is
// measured the way the worker is: a sarama consumer (defaults, as the
// worker's) reads every partition of the topic from the start until n
// records arrived, touching nothing but their sizes.
func rawConsume(ctx context.Context, brokers []string, n int64, out io.Writer) error {
	c := saramaConfig()
	consumer, err := sarama.NewConsumer(brokers, c)
	if err != nil {
		return fmt.Errorf("raw consumer: %w", err)
	}
	defer consumer.Close()
	parts, err := consumer.Partitions(benchTopic)
	if err != nil {
		return fmt.Errorf("raw consumer: partitions of %s: %w", benchTopic, err)
	}
	var count, size, first atomic.Int64
	var last atomic.Int64
	done := make(chan struct{})
	var closeOnce sync.Once
	var wg sync.WaitGroup
	var pcs []sarama.PartitionConsumer
	for _, p := range parts {
		pc, err := consumer.ConsumePartition(benchTopic, p, sarama.OffsetOldest)
		if err != nil {
			return fmt.Errorf("raw consumer: partition %d: %w", p, err)
		}
		pcs = append(pcs, pc)
		wg.Go(func() {
			var local, localBytes int64
			flush := func() {
				size.Add(localBytes)
				if count.Add(local) >= n {
					last.Store(time.Now().UnixNano())
					closeOnce.Do(func() { close(done) })
				}
				local, localBytes = 0, 0
			}
			for {
				select {
				case m, ok := <-pc.Messages():
					if !ok {
						return
					}
					first.CompareAndSwap(0, time.Now().UnixNano())
					local++
					localBytes += int64(len(m.Value))
					// Publish in steps, not per message: the counter is
					// shared by four goroutines.
					if local == 256 || len(pc.Messages()) == 0 {
						flush()
					}
				case <-done:
					return
				}
			}
		})
	}
	var errs []error
	select {
	case <-done:
	case <-ctx.Done():
		errs = append(errs, ctx.Err())
	}
	for _, pc := range pcs {
		pc.AsyncClose()
	}
	wg.Wait()
	s, err := sampleProc(selfPID())
	if err != nil {
		return err
	}
	res := rawResult{Records: count.Load(), Bytes: size.Load(), FirstNS: first.Load(), LastNS: last.Load(),
		CPU: s.cpu, PeakRSS: s.hwm, Elapsed: time.Duration(last.Load() - first.Load())}
	if len(errs) > 0 {
		res.Problems = errors.Join(errs...).Error()
	}
	return json.NewEncoder(out).Encode(res)
}
