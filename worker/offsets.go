package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/IBM/sarama"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/worker/source"
)

// PartitionOffset is one partition's offset as the REST API's /offsets shows
// it. For sinks the partition is {"kafka_topic","kafka_partition"} and the
// offset {"kafka_offset"}; for sources both are the connector's own maps. A
// nil Offset in an alter request resets that partition.
type PartitionOffset struct {
	Partition map[string]any
	Offset    map[string]any
}

// Keys of a sink connector's partitions and offsets in /offsets.
const (
	kafkaTopicKey     = "kafka_topic"
	kafkaPartitionKey = "kafka_partition"
	kafkaOffsetKey    = "kafka_offset"
)

// ConnectorOffsets lists a connector's committed offsets: source offsets
// from the offset store, sink offsets from its consumer group.
func (w *Worker) ConnectorOffsets(ctx context.Context, name string, config map[string]string, sink bool) ([]PartitionOffset, error) {
	if sink {
		return w.sinkOffsets(ctx, name, config)
	}
	return w.sourceOffsets(ctx, name)
}

// AlterConnectorOffsets writes the given offsets (a nil Offset resets the
// partition). The herder checks first that the connector is STOPPED.
func (w *Worker) AlterConnectorOffsets(ctx context.Context, name string, config map[string]string, sink bool, offsets []PartitionOffset) error {
	if sink {
		return w.alterSinkOffsets(ctx, name, config, offsets)
	}
	return w.alterSourceOffsets(ctx, name, offsets)
}

// ResetConnectorOffsets forgets every offset of the connector.
func (w *Worker) ResetConnectorOffsets(ctx context.Context, name string, config map[string]string, sink bool) error {
	if sink {
		s, err := w.consumerSettings(name, 0, config)
		if err != nil {
			return err
		}
		admin, err := sarama.NewClusterAdmin(s.brokers, s.sarama)
		if err != nil {
			return fmt.Errorf("connect to kafka: %w", err)
		}
		defer admin.Close()
		err = admin.DeleteConsumerGroup(s.groupID)
		if errors.Is(err, sarama.ErrGroupIDNotFound) {
			return nil
		}
		if errors.Is(err, sarama.ErrNonEmptyGroup) {
			return fmt.Errorf("failed to reset offsets of consumer group %s: it still has members; the connector's tasks may not have stopped yet: %w", s.groupID, err)
		}
		return err
	}
	offs, err := w.sourceOffsets(ctx, name)
	if err != nil {
		return err
	}
	for i := range offs {
		offs[i].Offset = nil
	}
	return w.alterSourceOffsets(ctx, name, offs)
}

func (w *Worker) sourceOffsets(ctx context.Context, name string) ([]PartitionOffset, error) {
	if w.cfg.Offsets == nil {
		return nil, errors.New("no offset store")
	}
	keys, err := w.cfg.Offsets.ConnectorPartitions(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("read offsets of connector %q: %w", name, err)
	}
	values, err := w.cfg.Offsets.Get(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("read offsets of connector %q: %w", name, err)
	}
	out := []PartitionOffset{}
	for _, k := range keys {
		v, ok := values[string(k)]
		if !ok || v == nil {
			continue
		}
		var parts []json.RawMessage
		if err := json.Unmarshal(k, &parts); err != nil || len(parts) != 2 {
			continue
		}
		partition, err := source.DecodeOffset(parts[1])
		if err != nil {
			continue
		}
		offset, err := source.DecodeOffset(v)
		if err != nil {
			return nil, fmt.Errorf("connector %q partition %s: %w", name, parts[1], err)
		}
		out = append(out, PartitionOffset{Partition: partition, Offset: offset})
	}
	return out, nil
}

// checkPrimitiveMap enforces that source partitions and offsets hold only
// string keys and primitive values, as Java's OffsetUtils does.
func checkPrimitiveMap(what string, m map[string]any) error {
	for k, v := range m {
		switch v.(type) {
		case nil, string, bool, float64, json.Number, int64, int32, int:
		default:
			return fmt.Errorf("%s values must be primitive (string, number, boolean or null), but %q is %T", what, k, v)
		}
	}
	return nil
}

func (w *Worker) alterSourceOffsets(ctx context.Context, name string, offsets []PartitionOffset) error {
	entries := make([]storage.OffsetEntry, 0, len(offsets))
	for _, o := range offsets {
		if o.Partition == nil {
			return errors.New("the partition of every offset must be a JSON object")
		}
		if err := checkPrimitiveMap("partition", o.Partition); err != nil {
			return err
		}
		if err := checkPrimitiveMap("offset", o.Offset); err != nil {
			return err
		}
		key, err := source.OffsetKey(name, o.Partition)
		if err != nil {
			return err
		}
		val, err := source.OffsetValue(o.Offset)
		if err != nil {
			return err
		}
		entries = append(entries, storage.OffsetEntry{Key: key, Value: val})
	}
	if err := w.cfg.Offsets.Set(ctx, entries); err != nil {
		return fmt.Errorf("write offsets of connector %q: %w", name, err)
	}
	return nil
}

func (w *Worker) sinkOffsets(ctx context.Context, name string, config map[string]string) ([]PartitionOffset, error) {
	s, err := w.consumerSettings(name, 0, config)
	if err != nil {
		return nil, err
	}
	admin, err := sarama.NewClusterAdmin(s.brokers, s.sarama)
	if err != nil {
		return nil, fmt.Errorf("connect to kafka: %w", err)
	}
	defer admin.Close()
	resp, err := admin.ListConsumerGroupOffsets(s.groupID, nil)
	if errors.Is(err, sarama.ErrGroupIDNotFound) {
		// A group that never committed, or whose offsets were reset, has
		// no offsets (Kafka answers so; some brokers report the group
		// unknown instead).
		return []PartitionOffset{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read offsets of consumer group %s: %w", s.groupID, err)
	}
	out := []PartitionOffset{}
	topics := make([]string, 0, len(resp.Blocks))
	for t := range resp.Blocks {
		topics = append(topics, t)
	}
	slices.Sort(topics)
	for _, t := range topics {
		parts := make([]int32, 0, len(resp.Blocks[t]))
		for p := range resp.Blocks[t] {
			parts = append(parts, p)
		}
		slices.Sort(parts)
		for _, p := range parts {
			b := resp.Blocks[t][p]
			if b.Err != sarama.ErrNoError || b.Offset < 0 {
				continue
			}
			out = append(out, PartitionOffset{
				Partition: map[string]any{kafkaTopicKey: t, kafkaPartitionKey: int64(p)},
				Offset:    map[string]any{kafkaOffsetKey: b.Offset},
			})
		}
	}
	return out, nil
}

// sinkPartition reads {"kafka_topic","kafka_partition"} as Java's
// SinkUtils does, with its messages.
func sinkPartition(m map[string]any) (string, int32, error) {
	topic, ok := m[kafkaTopicKey].(string)
	if !ok || topic == "" {
		return "", 0, errors.New("Kafka topic names must be valid strings and may not be null")
	}
	n, err := anyInt(m[kafkaPartitionKey])
	if err != nil || n < 0 || n > math.MaxInt32 {
		return "", 0, errors.New("Failed to parse the following Kafka partition value in the provided offsets: '" + fmt.Sprint(m[kafkaPartitionKey]) + "'. Partition values for sink connectors need to be integers.")
	}
	return topic, int32(n), nil
}

func anyInt(v any) (int64, error) {
	switch x := v.(type) {
	case json.Number:
		return x.Int64()
	case float64:
		if x == math.Trunc(x) {
			return int64(x), nil
		}
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case string:
		return strconv.ParseInt(x, 10, 64)
	}
	return 0, fmt.Errorf("not an integer: %v", v)
}

func (w *Worker) alterSinkOffsets(ctx context.Context, name string, config map[string]string, offsets []PartitionOffset) error {
	type change struct {
		topic     string
		partition int32
		offset    *int64
	}
	var changes []change
	for _, o := range offsets {
		if o.Partition == nil {
			return errors.New("The partition for a sink connector offset cannot be null or missing")
		}
		t, p, err := sinkPartition(o.Partition)
		if err != nil {
			return err
		}
		c := change{topic: t, partition: p}
		if o.Offset != nil {
			v, ok := o.Offset[kafkaOffsetKey]
			n, err := anyInt(v)
			if !ok || err != nil || n < 0 {
				return errors.New("Failed to parse the following Kafka offset value in the provided offsets: '" + fmt.Sprint(v) + "'. Offset values for sink connectors need to be integers.")
			}
			c.offset = &n
		}
		changes = append(changes, c)
	}
	s, err := w.consumerSettings(name, 0, config)
	if err != nil {
		return err
	}
	client, err := sarama.NewClient(s.brokers, s.sarama)
	if err != nil {
		return fmt.Errorf("connect to kafka: %w", err)
	}
	defer client.Close()
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		return fmt.Errorf("connect to kafka: %w", err)
	}
	om, err := sarama.NewOffsetManagerFromClient(s.groupID, client)
	if err != nil {
		return fmt.Errorf("consumer group %s: %w", s.groupID, err)
	}
	defer om.Close()
	for _, c := range changes {
		if c.offset == nil {
			if err := admin.DeleteConsumerGroupOffset(s.groupID, c.topic, c.partition); err != nil && !errors.Is(err, sarama.ErrGroupIDNotFound) {
				return fmt.Errorf("reset offset of %s-%d in group %s: %w", c.topic, c.partition, s.groupID, err)
			}
			continue
		}
		pom, err := om.ManagePartition(c.topic, c.partition)
		if err != nil {
			return fmt.Errorf("alter offset of %s-%d in group %s: %w", c.topic, c.partition, s.groupID, err)
		}
		pom.ResetOffset(*c.offset, "")
		pom.MarkOffset(*c.offset, "")
		defer pom.AsyncClose()
	}
	om.Commit()
	// Check what Kafka now holds: a group with live members refuses commits.
	resp, err := admin.ListConsumerGroupOffsets(s.groupID, nil)
	if err != nil {
		return fmt.Errorf("verify offsets of group %s: %w", s.groupID, err)
	}
	for _, c := range changes {
		if c.offset == nil {
			continue
		}
		b := resp.GetBlock(c.topic, c.partition)
		if b == nil || b.Offset != *c.offset {
			return fmt.Errorf("failed to alter consumer group offsets for connector %s: the group %s did not take offset %d for %s-%d; its tasks may not have stopped yet", name, s.groupID, *c.offset, c.topic, c.partition)
		}
	}
	return nil
}
