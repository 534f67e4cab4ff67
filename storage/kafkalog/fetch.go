package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/cenkalti/backoff/v4"
)

const (
	fetchMaxWait          = 500 * time.Millisecond
	fetchPartitionBytes   = 1 << 20
	fetchMaxPartitionSize = 64 << 20
)

// readLoop fetches every partition from its position, hands records to the
// callback and advances the positions, until ctx ends. Broker errors are
// retried with backoff; it never gives up on its own.
func (l *Log) readLoop(ctx context.Context) {
	b := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(100*time.Millisecond),
		backoff.WithMaxInterval(5*time.Second),
		backoff.WithMaxElapsedTime(0))
	maxBytes := map[int32]int32{}
	for _, p := range l.partitions {
		maxBytes[p] = fetchPartitionBytes
	}
	failures := 0
	for ctx.Err() == nil {
		err := l.fetchOnce(ctx, maxBytes)
		if err == nil {
			b.Reset()
			failures = 0
			continue
		}
		if ctx.Err() != nil {
			return
		}
		failures++
		// The first failure is often a leader move; say more when it persists.
		level := l.logger.Debug
		if failures > 1 {
			level = l.logger.Warn
		}
		level("reading internal topic failed, retrying", "error", err, "failures", failures)
		_ = l.readClient.RefreshMetadata(l.cfg.Topic)
		select {
		case <-ctx.Done():
			return
		case <-time.After(b.NextBackOff()):
		}
	}
}

// fetchOnce sends one fetch to the leader of each partition (in parallel
// when leaders differ) and processes the answers in partition order.
func (l *Log) fetchOnce(ctx context.Context, maxBytes map[int32]int32) error {
	byLeader := map[*sarama.Broker][]int32{}
	for _, p := range l.partitions {
		leader, err := l.readClient.Leader(l.cfg.Topic, p)
		if err != nil {
			return fmt.Errorf("partition %d: find leader: %w", p, err)
		}
		byLeader[leader] = append(byLeader[leader], p)
	}
	type answer struct {
		broker *sarama.Broker
		parts  []int32
		resp   *sarama.FetchResponse
		err    error
	}
	answers := make([]answer, 0, len(byLeader))
	for broker, parts := range byLeader {
		answers = append(answers, answer{broker: broker, parts: parts})
	}
	var wg sync.WaitGroup
	for i := range answers {
		a := &answers[i]
		wg.Go(func() {
			req := l.fetchRequest(a.parts, maxBytes)
			a.resp, a.err = a.broker.Fetch(req)
		})
	}
	wg.Wait()
	var errs []error
	for _, a := range answers {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if a.err != nil {
			// The connection may be broken; reopen on the next round.
			_ = a.broker.Close()
			errs = append(errs, fmt.Errorf("fetch from broker %d: %w", a.broker.ID(), a.err))
			continue
		}
		slices.Sort(a.parts)
		for _, p := range a.parts {
			if err := l.processBlock(p, a.resp.GetBlock(l.cfg.Topic, p), maxBytes); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func (l *Log) fetchRequest(parts []int32, maxBytes map[int32]int32) *sarama.FetchRequest {
	req := &sarama.FetchRequest{
		MaxWaitTime:  int32(fetchMaxWait / time.Millisecond),
		MinBytes:     1,
		MaxBytes:     sarama.MaxResponseSize,
		Isolation:    sarama.ReadUncommitted,
		SessionID:    0,
		SessionEpoch: -1, // no fetch session
	}
	v := l.readClient.Config().Version
	switch {
	case v.IsAtLeast(sarama.V2_3_0_0):
		req.Version = 11
	case v.IsAtLeast(sarama.V2_1_0_0):
		req.Version = 10
	case v.IsAtLeast(sarama.V1_1_0_0):
		req.Version = 7
	default:
		req.Version = 5
	}
	for _, p := range parts {
		req.AddBlock(l.cfg.Topic, p, l.Position(p), maxBytes[p], -1)
	}
	return req
}

// processBlock hands the records of one partition's answer to the callback
// and moves the partition's position past everything the answer covered,
// including offsets without a record.
func (l *Log) processBlock(p int32, block *sarama.FetchResponseBlock, maxBytes map[int32]int32) error {
	if block == nil {
		return fmt.Errorf("partition %d: missing from the fetch answer", p)
	}
	next := l.Position(p)
	switch {
	case errors.Is(block.Err, sarama.ErrNoError):
	case errors.Is(block.Err, sarama.ErrOffsetOutOfRange):
		// The log start moved past us (records deleted); restart from it.
		oldest, err := l.writeClient.GetOffset(l.cfg.Topic, p, sarama.OffsetOldest)
		if err != nil {
			return fmt.Errorf("partition %d offset %d out of range, and the log start offset is unknown: %w", p, next, err)
		}
		l.logger.Warn("internal topic offset out of range, skipping to the log start", "partition", p, "offset", next, "log_start", oldest)
		l.advance(p, oldest)
		return nil
	default:
		return fmt.Errorf("partition %d offset %d: %w", p, next, block.Err)
	}
	start := next
	partial := false
	for _, rs := range block.RecordsSet {
		switch {
		case rs.RecordBatch != nil:
			batch := rs.RecordBatch
			for _, rec := range batch.Records {
				off := batch.FirstOffset + rec.OffsetDelta
				if off < next {
					continue
				}
				if !batch.Control {
					ts := batch.FirstTimestamp.Add(rec.TimestampDelta)
					if batch.LogAppendTime {
						ts = batch.MaxTimestamp
					}
					l.cfg.Consume(Record{Topic: l.cfg.Topic, Partition: p, Offset: off, Key: rec.Key, Value: rec.Value, Timestamp: ts, Replay: off < l.replayEnd[p]})
				}
				next = off + 1
			}
			if batch.PartialTrailingRecord {
				partial = true
				break
			}
			// Offsets the batch spans without records were compacted away.
			next = max(next, batch.FirstOffset+int64(batch.LastOffsetDelta)+1)
		case rs.MsgSet != nil:
			for _, mb := range rs.MsgSet.Messages {
				for _, m := range mb.Messages() {
					if m.Offset < next {
						continue
					}
					l.cfg.Consume(Record{Topic: l.cfg.Topic, Partition: p, Offset: m.Offset, Key: m.Msg.Key, Value: m.Msg.Value, Timestamp: m.Msg.Timestamp, Replay: m.Offset < l.replayEnd[p]})
					next = m.Offset + 1
				}
			}
			if rs.MsgSet.PartialTrailingMessage {
				partial = true
			}
		}
	}
	if next == start && (partial || block.Partial) {
		// A record bigger than we asked for: ask for more next time.
		if maxBytes[p] >= fetchMaxPartitionSize {
			return fmt.Errorf("partition %d offset %d: record larger than %d bytes", p, next, fetchMaxPartitionSize)
		}
		maxBytes[p] *= 2
	} else {
		maxBytes[p] = fetchPartitionBytes
	}
	l.advance(p, next)
	return nil
}
