package elasticsearch

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/connectortest"
	"github.com/kafka-connect-go/connect/connector/data"
	"github.com/kafka-connect-go/connect/connector/elasticsearch/humiotest"
)

// rawConvContext is a task context whose runtime offers
// connector.RawJSONConverter: it answers by the raw value.
type rawConvContext struct {
	*connectortest.SinkTaskContext
	asked []int64
}

var errToleranceNone = errors.New("Tolerance exceeded in error handler")

func (c *rawConvContext) ConvertRawJSON(_ context.Context, rec *connector.SinkRecord) (*data.Schema, any, bool, error) {
	c.asked = append(c.asked, rec.KafkaOffset)
	switch v := string(rec.Value.(connector.RawJSON)); {
	case strings.HasPrefix(v, "{lenient"): // the converter reads it after all
		return nil, map[string]any{"n": int64(rec.KafkaOffset), "read": "by the converter"}, true, nil
	case strings.HasPrefix(v, "fatal"):
		return nil, nil, false, errToleranceNone
	}
	return nil, nil, false, nil // tolerated
}

// A raw value that is not JSON goes back to the runtime's value converter
// instead of the sink's own invalid-message handling: a value the
// converter reads is sent decoded, a tolerated failure is skipped (and
// committed past) without reaching the errant record reporter or
// drop.invalid.message, and a fatal one fails Put with the runtime's error.
func TestRawJSONGoesBackToTheConverter(t *testing.T) {
	srv, url := startHumio(t, humiotest.Config{})
	p := props(url) // drop.invalid.message=false: the sink alone would fail the task
	rep := &reporter{}
	ctx := &rawConvContext{SinkTaskContext: connectortest.NewSinkTaskContext(p, tp0, tp1)}
	ctx.SetLogger(slog.New(slog.DiscardHandler))
	ctx.SetErrantRecordReporter(rep)
	task := NewTask()
	if err := task.Start(ctx, p); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = task.Stop() })
	if err := task.Open([]connector.TopicPartition{tp0, tp1}); err != nil {
		t.Fatal(err)
	}
	recs := events("logs", 0, 0, 4)
	recs[1].Value = connector.RawJSON("not json")
	recs[2].Value = connector.RawJSON("{lenient: json}")
	if err := task.Put(t.Context(), recs); err != nil {
		t.Fatalf("Put: %v", err)
	}
	waitFor(t, 10*time.Second, func() error {
		if got := preCommit(t, &taskRun{task: task})[tp0]; got != 4 {
			return errors.New("not all acknowledged")
		}
		return nil
	})
	if got := stored(t, srv); len(got) != 3 || got[0] != 0 || got[1] != 2 || got[2] != 3 {
		t.Fatalf("stored %v, want 0, 2 (decoded by the converter), 3", got)
	}
	if len(ctx.asked) != 2 || len(rep.got()) != 0 {
		t.Fatalf("asked the runtime for %v, reported %v", ctx.asked, rep.got())
	}

	fatal := events("logs", 1, 0, 2)
	fatal[0].Value = connector.RawJSON("fatal, not json")
	if err := task.Put(t.Context(), fatal); !errors.Is(err, errToleranceNone) {
		t.Fatalf("Put = %v, want the runtime's error", err)
	}
}
