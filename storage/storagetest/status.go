package storagetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/storage"
)

// StatusStore runs the status store suite. open returns a new, unstarted,
// empty store.
func StatusStore(t *testing.T, open func(t *testing.T) storage.StatusStore) {
	running := storage.Status{State: storage.StateRunning, WorkerID: "w1:8083", Generation: 3}

	t.Run("put and read", func(t *testing.T) {
		s := open(t)
		start(t, s)
		defer stop(t, s)
		ctx := t.Context()
		if err := s.PutConnector(ctx, "c", running); err != nil {
			t.Fatal(err)
		}
		failed := storage.Status{State: storage.StateFailed, Trace: "boom", WorkerID: "w1:8083", Generation: 3}
		if err := s.PutTask(ctx, storage.TaskID{Connector: "c", Task: 1}, failed); err != nil {
			t.Fatal(err)
		}
		if err := s.PutTask(ctx, storage.TaskID{Connector: "c", Task: 0}, running); err != nil {
			t.Fatal(err)
		}
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { _, ok := s.Task(storage.TaskID{Connector: "c", Task: 0}); return ok })
		if got, ok := s.Connector("c"); !ok || got != running {
			t.Fatalf("Connector = %+v %v, want %+v", got, ok, running)
		}
		if got, _ := s.Task(storage.TaskID{Connector: "c", Task: 1}); got != failed {
			t.Fatalf("Task 1 = %+v, want %+v", got, failed)
		}
		tasks := s.Tasks("c")
		if len(tasks) != 2 || tasks[0] != running || tasks[1] != failed {
			t.Fatalf("Tasks = %+v", tasks)
		}
		if got := s.Connectors(); !slices.Equal(got, []string{"c"}) {
			t.Fatalf("Connectors = %v", got)
		}
	})

	t.Run("destroyed deletes", func(t *testing.T) {
		s := open(t)
		start(t, s)
		defer stop(t, s)
		ctx := t.Context()
		id := storage.TaskID{Connector: "c", Task: 0}
		if err := s.PutConnector(ctx, "c", running); err != nil {
			t.Fatal(err)
		}
		if err := s.PutTask(ctx, id, running); err != nil {
			t.Fatal(err)
		}
		if err := s.PutConnector(ctx, "c", storage.Status{State: storage.StateDestroyed, WorkerID: "w1:8083", Generation: 3}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutTask(ctx, id, storage.Status{State: storage.StateDestroyed, WorkerID: "w1:8083", Generation: 3}); err != nil {
			t.Fatal(err)
		}
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { _, ok := s.Connector("c"); return !ok })
		waitFor(t, func() bool { _, ok := s.Task(id); return !ok })
	})

	t.Run("safe writes keep a newer generation", func(t *testing.T) {
		s := open(t)
		start(t, s)
		defer stop(t, s)
		ctx := t.Context()
		newer := storage.Status{State: storage.StateRunning, WorkerID: "w2:8083", Generation: 5}
		if err := s.PutConnector(ctx, "c", newer); err != nil {
			t.Fatal(err)
		}
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { _, ok := s.Connector("c"); return ok })
		old := storage.Status{State: storage.StateUnassigned, WorkerID: "w1:8083", Generation: 4}
		if err := s.PutConnectorSafe(ctx, "c", old); err != nil {
			t.Fatal(err)
		}
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Connector("c"); got != newer {
			t.Fatalf("a stale safe write replaced %+v with %+v", newer, got)
		}
		mine := storage.Status{State: storage.StateFailed, Trace: "x", WorkerID: "w2:8083", Generation: 5}
		if err := s.PutConnectorSafe(ctx, "c", mine); err != nil {
			t.Fatal(err)
		}
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { got, _ := s.Connector("c"); return got == mine })
	})

	t.Run("topics", func(t *testing.T) {
		s := open(t)
		start(t, s)
		defer stop(t, s)
		ctx := t.Context()
		now := time.UnixMilli(time.Now().UnixMilli())
		for _, topic := range []string{"b", "a"} {
			if err := s.PutTopic(ctx, storage.TopicStatus{Topic: topic, Connector: "c", Task: 0, Discover: now}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return len(s.Topics("c")) == 2 })
		got := s.Topics("c")
		if got[0].Topic != "a" || got[1].Topic != "b" || !got[0].Discover.Equal(now) {
			t.Fatalf("Topics = %+v", got)
		}
		if err := s.DeleteTopic(ctx, "c", "a"); err != nil {
			t.Fatal(err)
		}
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return len(s.Topics("c")) == 1 })
	})

	t.Run("stopped store refuses writes", func(t *testing.T) {
		s := open(t)
		start(t, s)
		stop(t, s)
		if err := s.PutConnector(t.Context(), "c", running); !errors.Is(err, storage.ErrClosed) {
			t.Fatalf("PutConnector after Stop = %v, want storage.ErrClosed", err)
		}
	})
}
