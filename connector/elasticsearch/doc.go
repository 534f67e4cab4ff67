// Package elasticsearch is the Humio sink: a connector compatible with
// Confluent's io.confluent.connect.elasticsearch.ElasticsearchSinkConnector
// that turns Kafka records into Elasticsearch bulk requests for Humio's
// (Falcon LogScale's) bulk ingest endpoint.
//
// Connector JSON written for Confluent's connector is accepted as it is:
// every key of its configuration is declared with the same type, default and
// validator. Keys that mean something for Humio are implemented; the others
// are accepted and logged as ignored, with the reason. A few keys of our own,
// all under "humio.", add what Humio needs and the Java connector lacks: an
// ingest token, a PEM CA file, a cap on retry waits, Kafka coordinates in
// events (see README.md).
//
// # How records travel
//
// Put converts each record into one bulk item (action line and document)
// straight into the open batch: values delivered as connector.RawJSON are
// checked in one pass and copied, with @timestamp spliced in, never decoded.
// A batch closes when it holds batch.size items or bulk.size.bytes bytes,
// when linger.ms passed and a sender is idle, or at a flush. Up to
// max.in.flight.requests sender goroutines post batches to
// <connection.url>/_bulk, retrying whole requests and single items with
// exponential backoff and full jitter. A response whose top level says
// "errors":false is accepted without decoding its items.
//
// # Delivery
//
// Every record is tracked per partition in arrival order. PreCommit returns
// for each partition the offset after the longest prefix of records that
// Humio acknowledged (or that were deliberately skipped), so a committed
// offset never passes a record that is still in flight. Humio is append-only,
// so a record sent again after a crash is stored twice; README.md says where
// that can happen.
//
// # Goroutines
//
// The task goroutine (the runtime's) owns the open batch and the offset
// tracker. The writer owns its senders and a linger timer goroutine; all stop
// in Task.Stop. Senders hand finished batches back through a queue that the
// task goroutine drains, so error reports and offset bookkeeping happen on
// the task goroutine only.
package elasticsearch
