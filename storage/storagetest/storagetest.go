// Package storagetest is the conformance suite every store implementation
// passes: the in-memory stores, the standalone offsets file and the Kafka
// topic stores. A store package's test calls the suite with a constructor:
//
//	func TestConformance(t *testing.T) {
//		storagetest.OffsetStore(t, storagetest.OffsetStoreOptions{
//			Open: func(t *testing.T) storage.OffsetStore { return memstore.NewOffsetStore() },
//		})
//	}
//
// The suites check behaviour the runtime relies on, not implementation
// details: what a write makes visible, how keys match, what a stopped store
// answers, and (for durable stores) what survives a restart.
package storagetest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/kafka-connect-go/connect/storage"
)

// OffsetStoreOptions tells the suite how to make stores.
type OffsetStoreOptions struct {
	// Open returns a new, unstarted store. For durable stores, every call
	// within one test must open the same underlying data (the same file or
	// topic), so the suite can check what survives a restart.
	Open func(t *testing.T) storage.OffsetStore
	// Durable says whether data written before Stop is there after Open.
	Durable bool
}

func start(t *testing.T, s interface{ Start(context.Context) error }) {
	t.Helper()
	if err := s.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
}

func stop(t *testing.T, s interface{ Stop(context.Context) error }) {
	t.Helper()
	if err := s.Stop(t.Context()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

// OffsetStore runs the offset store suite.
func OffsetStore(t *testing.T, o OffsetStoreOptions) {
	k1 := []byte(`["conn",{"filename":"/tmp/a.txt"}]`)
	k2 := []byte(`["conn",{"filename":"/tmp/b.txt"}]`)
	kOther := []byte(`["other",{"filename":"/tmp/a.txt"}]`)

	t.Run("empty", func(t *testing.T) {
		s := o.Open(t)
		start(t, s)
		defer stop(t, s)
		got, err := s.Get(t.Context(), [][]byte{k1})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Fatalf("Get on an empty store = %q, want nothing", got)
		}
	})

	t.Run("set then get", func(t *testing.T) {
		s := o.Open(t)
		start(t, s)
		defer stop(t, s)
		set(t, s, storage.OffsetEntry{Key: k1, Value: []byte(`{"position":30}`)},
			storage.OffsetEntry{Key: kOther, Value: []byte(`{"position":7}`)})
		set(t, s, storage.OffsetEntry{Key: k1, Value: []byte(`{"position":42}`)})
		got := get(t, s, k1, k2, kOther)
		want := map[string]string{string(k1): `{"position":42}`, string(kOther): `{"position":7}`}
		if !equalOffsets(got, want) {
			t.Fatalf("Get = %q, want %q", got, want)
		}
	})

	t.Run("keys match by JSON meaning", func(t *testing.T) {
		// A Java worker writes partition maps in HashMap order with no
		// spaces; we must find its entries whatever order we write in.
		s := o.Open(t)
		start(t, s)
		defer stop(t, s)
		javaKey := []byte(`["conn",{"table":"t","db":"x"}]`)
		goKey := []byte(`[ "conn", {"db": "x", "table": "t"} ]`)
		set(t, s, storage.OffsetEntry{Key: javaKey, Value: []byte(`{"id":1}`)})
		got := get(t, s, goKey)
		if string(got[string(goKey)]) != `{"id":1}` {
			t.Fatalf("Get by equivalent key = %q, want the stored value", got)
		}
		set(t, s, storage.OffsetEntry{Key: goKey, Value: []byte(`{"id":2}`)})
		parts, err := s.ConnectorPartitions(t.Context(), "conn")
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != 1 {
			t.Fatalf("ConnectorPartitions = %q, want one partition (a rewrite must replace, not add)", parts)
		}
		if string(get(t, s, javaKey)[string(javaKey)]) != `{"id":2}` {
			t.Fatalf("the Java key does not see the rewritten value")
		}
	})

	t.Run("tombstone deletes", func(t *testing.T) {
		s := o.Open(t)
		start(t, s)
		defer stop(t, s)
		set(t, s, storage.OffsetEntry{Key: k1, Value: []byte(`{"position":1}`)}, storage.OffsetEntry{Key: k2, Value: []byte(`{"position":2}`)})
		set(t, s, storage.OffsetEntry{Key: k1, Value: nil})
		got := get(t, s, k1, k2)
		if _, ok := got[string(k1)]; ok || len(got) != 1 {
			t.Fatalf("after a tombstone Get = %q, want only %s", got, k2)
		}
		parts, err := s.ConnectorPartitions(t.Context(), "conn")
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != 1 || !bytes.Equal(parts[0], k2) {
			t.Fatalf("ConnectorPartitions = %q, want [%s]", parts, k2)
		}
	})

	t.Run("connector partitions", func(t *testing.T) {
		s := o.Open(t)
		start(t, s)
		defer stop(t, s)
		set(t, s,
			storage.OffsetEntry{Key: k1, Value: []byte(`{"position":1}`)},
			storage.OffsetEntry{Key: k2, Value: []byte(`{"position":2}`)},
			storage.OffsetEntry{Key: kOther, Value: []byte(`{"position":3}`)},
			storage.OffsetEntry{Key: []byte(`not json`), Value: []byte(`{}`)},
			storage.OffsetEntry{Key: []byte(`["conn"]`), Value: []byte(`{}`)})
		parts, err := s.ConnectorPartitions(t.Context(), "conn")
		if err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(parts))
		for i, p := range parts {
			got[i] = string(p)
		}
		slices.Sort(got)
		want := []string{string(k1), string(k2)}
		if !slices.Equal(got, want) {
			t.Fatalf("ConnectorPartitions = %q, want %q", got, want)
		}
	})

	t.Run("concurrent writers", func(t *testing.T) {
		s := o.Open(t)
		start(t, s)
		defer stop(t, s)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Go(func() {
				key := []byte(`["conn",{"n":` + string(rune('0'+i)) + `}]`)
				errs <- s.Set(t.Context(), []storage.OffsetEntry{{Key: key, Value: []byte(`{"v":1}`)}})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		parts, err := s.ConnectorPartitions(t.Context(), "conn")
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != 8 {
			t.Fatalf("ConnectorPartitions after 8 concurrent writes = %d partitions, want 8", len(parts))
		}
	})

	t.Run("stopped store refuses", func(t *testing.T) {
		s := o.Open(t)
		start(t, s)
		stop(t, s)
		if err := s.Set(t.Context(), []storage.OffsetEntry{{Key: k1, Value: []byte(`{}`)}}); !errors.Is(err, storage.ErrClosed) {
			t.Fatalf("Set after Stop = %v, want storage.ErrClosed", err)
		}
		if _, err := s.Get(t.Context(), [][]byte{k1}); !errors.Is(err, storage.ErrClosed) {
			t.Fatalf("Get after Stop = %v, want storage.ErrClosed", err)
		}
	})

	if o.Durable {
		t.Run("survives restart", func(t *testing.T) {
			s := o.Open(t)
			start(t, s)
			set(t, s, storage.OffsetEntry{Key: k1, Value: []byte(`{"position":99}`)},
				storage.OffsetEntry{Key: k2, Value: []byte(`{"position":5}`)})
			set(t, s, storage.OffsetEntry{Key: k2, Value: nil})
			stop(t, s)

			s2 := o.Open(t)
			start(t, s2)
			defer stop(t, s2)
			got := get(t, s2, k1, k2)
			want := map[string]string{string(k1): `{"position":99}`}
			if !equalOffsets(got, want) {
				t.Fatalf("after restart Get = %q, want %q", got, want)
			}
		})
	}
}

func set(t *testing.T, s storage.OffsetStore, entries ...storage.OffsetEntry) {
	t.Helper()
	if err := s.Set(t.Context(), entries); err != nil {
		t.Fatalf("Set: %v", err)
	}
}

func get(t *testing.T, s storage.OffsetStore, keys ...[]byte) map[string][]byte {
	t.Helper()
	got, err := s.Get(t.Context(), keys)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return got
}

func equalOffsets(got map[string][]byte, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if string(got[k]) != v {
			return false
		}
	}
	return true
}
