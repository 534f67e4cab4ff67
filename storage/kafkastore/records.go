// Package kafkastore keeps the distributed worker's connector configs,
// source offsets and statuses in Kafka's compacted internal topics, with
// the record keys and JSON values the Java worker uses, so a Go worker can
// take over a Java worker's topics (and the other way round).
//
// Each store is one kafkalog.Log. Values are written as Java's internal
// JsonConverter writes them with schemas disabled: compact JSON, struct
// fields in schema order, map keys here in sorted order (Java's are in
// HashMap order; readers compare structurally). Records a store cannot make
// sense of are skipped with a warning naming topic, partition and offset,
// as Java skips them.
package kafkastore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/kafka-connect-go/connect/storage/kafkalog"
)

// The config topic's record keys (Java's KafkaConfigBackingStore).
const (
	connectorPrefix   = "connector-"
	taskPrefix        = "task-"
	commitPrefix      = "commit-"
	targetStatePrefix = "target-state-"
	restartPrefix     = "restart-connector-"
	taskCountPrefix   = "tasks-fencing-"
	sessionKeyKey     = "session-key"
	loggerPrefix      = "logger-cluster-"
)

// The status topic's record keys (Java's KafkaStatusBackingStore).
const (
	connectorStatusPrefix = "status-connector-"
	taskStatusPrefix      = "status-task-"
	topicStatusPrefix     = "status-topic-"
	topicStatusSeparator  = ":connector-"
)

// marshal writes v as Java's JsonConverter would: compact, no HTML
// escaping (Jackson writes <, > and & as they are).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// parseObject reads a record value as a schemaless JSON object, numbers
// kept as json.Number. A JSON null reads as a tombstone (nil map, ok), as
// Java's converter turns it into a null value.
func parseObject(value []byte) (obj map[string]any, isNull bool, err error) {
	if value == nil {
		return nil, true, nil
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(value))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, false, fmt.Errorf("value is not JSON: %w", err)
	}
	if d.More() {
		return nil, false, fmt.Errorf("value has data after its JSON")
	}
	if v == nil {
		return nil, true, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, false, fmt.Errorf("value is a JSON %s, not an object", jsonKind(v))
	}
	return obj, false, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// stringMap reads a JSON object of strings (a properties map). Null values
// are dropped: a Go config map cannot hold them.
func stringMap(v any, field string) (map[string]string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("field %q should be an object but is %s", field, jsonKind(v))
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		switch s := e.(type) {
		case string:
			out[k] = s
		case nil:
		default:
			return nil, fmt.Errorf("field %q key %q should be a string but is %s", field, k, jsonKind(e))
		}
	}
	return out, nil
}

// integer reads a JSON integer that must fit in 32 bits (Java's Integer or
// Long narrowed to int).
func integer(v any, field string) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("field %q should be an integer but is %s", field, jsonKind(v))
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("field %q should be an integer but is %s", field, n)
	}
	return i, nil
}

// javaSplitDash splits as Java's String.split("-") does: trailing empty
// parts are dropped.
func javaSplitDash(s string) []string {
	parts := strings.Split(s, "-")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// parseTaskKey reads "<prefix-words>-<connector>-<n>" where the prefix has
// skip dash-separated words; the connector may contain dashes.
func parseTaskKey(key string, skip int) (string, int, bool) {
	parts := javaSplitDash(key)
	if len(parts) < skip+2 {
		return "", 0, false
	}
	n, err := strconv.ParseInt(parts[len(parts)-1], 10, 32)
	if err != nil {
		return "", 0, false
	}
	return strings.Join(parts[skip:len(parts)-1], "-"), int(n), true
}

// skipRecord logs a record a store cannot use.
func skipRecord(logger *slog.Logger, r kafkalog.Record, reason string, err error) {
	args := []any{"topic", r.Topic, "partition", r.Partition, "offset", r.Offset, "key", string(r.Key)}
	if err != nil {
		args = append(args, "error", err)
	}
	logger.Warn("skipping internal topic record: "+reason, args...)
}
