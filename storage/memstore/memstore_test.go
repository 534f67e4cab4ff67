package memstore_test

import (
	"testing"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/memstore"
	"github.com/kafka-connect-go/connect/storage/storagetest"
)

func TestOffsetStoreConformance(t *testing.T) {
	storagetest.OffsetStore(t, storagetest.OffsetStoreOptions{
		Open: func(t *testing.T) storage.OffsetStore { return memstore.NewOffsetStore() },
	})
}

func TestConfigStoreConformance(t *testing.T) {
	storagetest.ConfigStore(t, func(t *testing.T) storage.ConfigStore { return memstore.NewConfigStore() })
}

func TestStatusStoreConformance(t *testing.T) {
	storagetest.StatusStore(t, func(t *testing.T) storage.StatusStore { return memstore.NewStatusStore() })
}

func TestParseOffsetKey(t *testing.T) {
	good := []struct {
		key, conn string
	}{
		{`["c",{"filename":"a"}]`, "c"},
		{` [ "name with spaces" , { } ] `, "name with spaces"},
	}
	for _, g := range good {
		conn, part, ok := memstore.ParseOffsetKey([]byte(g.key))
		if !ok || conn != g.conn || part == nil {
			t.Errorf("ParseOffsetKey(%s) = %q %v %v, want %q", g.key, conn, part, ok, g.conn)
		}
	}
	// Shapes Java's OffsetUtils ignores.
	for _, bad := range []string{``, `{}`, `["c"]`, `["c",{},1]`, `[1,{}]`, `["c",null]`, `["c",[1]]`, `nope`} {
		if _, _, ok := memstore.ParseOffsetKey([]byte(bad)); ok {
			t.Errorf("ParseOffsetKey(%q) accepted a malformed key", bad)
		}
	}
}

func TestCanonicalOffsetKeyKeepsNumbers(t *testing.T) {
	// Large longs must not go through float64 and collide.
	a := memstore.CanonicalOffsetKey([]byte(`["c",{"id":9007199254740993}]`))
	b := memstore.CanonicalOffsetKey([]byte(`["c",{"id":9007199254740992}]`))
	if a == b {
		t.Fatalf("distinct longs share a canonical key %s", a)
	}
}
