package tolerance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/kafka-connect-go/connect/connector"
)

// The schedule of spec §4.3's unit-test trace: timeout 6 s, cap 60 s.
func TestScheduleDoublesThenClampsToDeadline(t *testing.T) {
	now := time.Unix(0, 0)
	s := newSchedule(6*time.Second, 60*time.Second, func() time.Time { return now })
	var got []time.Duration
	for {
		d := s.NextBackOff()
		if d == backoff.Stop {
			break
		}
		got = append(got, d)
		now = now.Add(d)
	}
	want := []time.Duration{300 * time.Millisecond, 600 * time.Millisecond, 1200 * time.Millisecond, 2400 * time.Millisecond, 1500 * time.Millisecond}
	if len(got) != len(want) {
		t.Fatalf("delays %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays %v, want %v", got, want)
		}
	}
}

func TestScheduleJittersBelowCap(t *testing.T) {
	s := newSchedule(-1, time.Second, time.Now)
	if d := s.NextBackOff(); d != 300*time.Millisecond {
		t.Fatalf("first delay %v", d)
	}
	if d := s.NextBackOff(); d != 600*time.Millisecond {
		t.Fatalf("second delay %v", d)
	}
	for i := range 100 { // includes shifts that overflow
		if d := s.NextBackOff(); d < 0 || d >= time.Second {
			t.Fatalf("delay %d = %v, want in [0, 1s)", i+3, d)
		}
	}
}

func consumed() *connector.RawRecord {
	return &connector.RawRecord{Topic: "logs", Partition: 3, Offset: 1042, Timestamp: 1700000000000, TimestampType: connector.CreateTime}
}

func TestNoneFailsWithCoordinates(t *testing.T) {
	o := New(Config{Connector: "humio", Task: 2})
	calls := 0
	err := o.Execute(t.Context(), Where{Stage: StageValueConverter, Class: "org.apache.kafka.connect.json.JsonConverter", Consumed: consumed()},
		func() error { calls++; return errors.New("bad json") })
	var te *Error
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *Error", err)
	}
	msg := err.Error()
	for _, want := range []string{"Tolerance exceeded in error handler", `connector "humio" task 2`, "VALUE_CONVERTER", "JsonConverter", "topic logs partition 3 offset 1042", "bad json"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if calls != 1 {
		t.Errorf("non-retriable error ran %d times", calls)
	}
	if s := o.Stats(); s.RecordFailures != 1 || s.RecordErrors != 1 || s.RecordsSkipped != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestAllSkipsAndLogs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	o := New(Config{Connector: "job", TolerateAll: true, LogErrors: true, LogMessages: true, Logger: log})
	err := o.Execute(t.Context(), Where{Stage: StageKeyConverter, Class: "org.apache.kafka.connect.json.JsonConverter", Consumed: &connector.RawRecord{Topic: "test-topic", Partition: 5, Offset: 100}},
		func() error { return errors.New("nope") })
	if !errors.Is(err, ErrSkipped) {
		t.Fatalf("err = %v, want ErrSkipped", err)
	}
	want := "Error encountered in task job-0. Executing stage 'KEY_CONVERTER' with class 'org.apache.kafka.connect.json.JsonConverter', where consumed record is {topic='test-topic', partition=5, offset=100}."
	if !strings.Contains(buf.String(), want) {
		t.Fatalf("log %q lacks %q", buf.String(), want)
	}
	if s := o.Stats(); s.RecordsSkipped != 1 || s.ErrorsLogged != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestLogIncludesTimestampWhenKnown(t *testing.T) {
	var buf bytes.Buffer
	o := New(Config{Connector: "job", TolerateAll: true, LogErrors: true, LogMessages: true, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	_ = o.Failed(t.Context(), Where{Stage: StageTaskPut, Class: SinkTaskClass, Consumed: consumed()}, errors.New("x"))
	if !strings.Contains(buf.String(), "offset=1042, timestamp=1700000000000, timestampType=CreateTime}") {
		t.Fatalf("log %q lacks the timestamp", buf.String())
	}
}

func TestNoLogWithoutLogEnable(t *testing.T) {
	var buf bytes.Buffer
	o := New(Config{Connector: "job", TolerateAll: true, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	_ = o.Execute(t.Context(), Where{Stage: StageTransformation}, func() error { return errors.New("x") })
	if buf.Len() != 0 {
		t.Fatalf("logged %q with errors.log.enable=false", buf.String())
	}
}

func TestUntolerableStage(t *testing.T) {
	o := New(Config{Connector: "c", TolerateAll: true})
	err := o.Execute(t.Context(), Where{Stage: StageTaskPoll}, func() error { return errors.New("broken") })
	var te *Error
	if !errors.As(err, &te) || !te.Unhandled || !strings.HasPrefix(err.Error(), "Unhandled exception in error handler") {
		t.Fatalf("err = %v, want an unhandled *Error", err)
	}
}

func TestRetriableSucceedsAfterRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := New(Config{Connector: "c", RetryTimeout: time.Minute, MaxRetryDelay: time.Minute})
		calls := 0
		start := time.Now()
		err := o.Execute(t.Context(), Where{Stage: StageTransformation}, func() error {
			calls++
			if calls < 3 {
				return connector.Retriablef("busy")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if calls != 3 {
			t.Fatalf("calls = %d", calls)
		}
		if waited := time.Since(start); waited != 900*time.Millisecond {
			t.Fatalf("waited %v, want 300ms+600ms", waited)
		}
		if s := o.Stats(); s.Retries != 2 || s.RecordFailures != 2 {
			t.Fatalf("stats %+v", s)
		}
	})
}

// KAFKA-18073: exhausting retries under errors.tolerance=none fails the task
// (the Java snapshot of the spec silently dropped the record).
func TestRetriesExhaustedFailUnderNone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := New(Config{Connector: "c", RetryTimeout: 6 * time.Second, MaxRetryDelay: time.Minute})
		calls := 0
		start := time.Now()
		err := o.Execute(t.Context(), Where{Stage: StageValueConverter, Consumed: consumed()}, func() error {
			calls++
			return connector.Retriablef("still busy")
		})
		var te *Error
		if !errors.As(err, &te) {
			t.Fatalf("err = %v, want *Error", err)
		}
		if calls != 6 {
			t.Fatalf("calls = %d, want 6", calls)
		}
		if waited := time.Since(start); waited != 6*time.Second {
			t.Fatalf("gave up after %v, want 6s", waited)
		}
	})
}

func TestRetryStopsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		o := New(Config{Connector: "c", RetryTimeout: -1, MaxRetryDelay: time.Minute})
		var wg sync.WaitGroup
		var err error
		wg.Go(func() {
			err = o.Execute(ctx, Where{Stage: StageValueConverter}, func() error { return connector.Retriablef("down") })
		})
		time.Sleep(10 * time.Second) // fake time: several retries happen
		cancel()
		wg.Wait()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		var te *Error
		if errors.As(err, &te) || errors.Is(err, ErrSkipped) {
			t.Fatalf("a stop must neither fail nor skip the record: %v", err)
		}
	})
}

type recordingReporter struct{ got []*Failure }

func (r *recordingReporter) Report(ctx context.Context, f *Failure) error {
	r.got = append(r.got, f)
	return nil
}

func TestReportersSeeFailuresEvenWhenFatal(t *testing.T) {
	r := &recordingReporter{}
	o := New(Config{Connector: "c", Reporters: []Reporter{r}})
	_ = o.Execute(t.Context(), Where{Stage: StageHeaderConverter, Class: "X", Consumed: consumed()}, func() error { return errors.New("bad header") })
	if len(r.got) != 1 || r.got[0].Stage != StageHeaderConverter || r.got[0].Consumed.Offset != 1042 {
		t.Fatalf("reports %+v", r.got)
	}
}

type javaWorded struct{ cause error }

func (e javaWorded) Error() string {
	return "Converting byte[] to Kafka Connect data failed due to serialization error: "
}
func (e javaWorded) Unwrap() error { return e.cause }

func TestChainTextShowsHiddenCauses(t *testing.T) {
	err := javaWorded{cause: errors.New("invalid JSON at byte 1: unexpected n")}
	if got := ChainText(err); got != "Converting byte[] to Kafka Connect data failed due to serialization error: invalid JSON at byte 1: unexpected n" {
		t.Fatalf("ChainText = %q", got)
	}
	wrapped := fmt.Errorf("put: %w", errors.New("disk full"))
	if got := ChainText(wrapped); got != "put: disk full" {
		t.Fatalf("ChainText of a %%w chain = %q", got)
	}
	if got := ChainText(&Error{Connector: "c", Stage: StageValueConverter, Err: err}); !strings.HasSuffix(got, "unexpected n") {
		t.Fatalf("tolerance error text %q", got)
	}
}
