package storage_test

import (
	"testing"

	"github.com/kafka-connect-go/connect/storage"
)

func TestParseOffsetKey(t *testing.T) {
	good := []struct {
		key, conn string
	}{
		{`["c",{"filename":"a"}]`, "c"},
		{` [ "name with spaces" , { } ] `, "name with spaces"},
	}
	for _, g := range good {
		conn, part, ok := storage.ParseOffsetKey([]byte(g.key))
		if !ok || conn != g.conn || part == nil {
			t.Errorf("ParseOffsetKey(%s) = %q %v %v, want %q", g.key, conn, part, ok, g.conn)
		}
	}
	// Shapes Java's OffsetUtils ignores.
	for _, bad := range []string{``, `{}`, `["c"]`, `["c",{},1]`, `[1,{}]`, `["c",null]`, `["c",[1]]`, `nope`} {
		if _, _, ok := storage.ParseOffsetKey([]byte(bad)); ok {
			t.Errorf("ParseOffsetKey(%q) accepted a malformed key", bad)
		}
	}
}

func TestCanonicalOffsetKeyKeepsNumbers(t *testing.T) {
	// Large longs must not go through float64 and collide.
	a := storage.CanonicalOffsetKey([]byte(`["c",{"id":9007199254740993}]`))
	b := storage.CanonicalOffsetKey([]byte(`["c",{"id":9007199254740992}]`))
	if a == b {
		t.Fatalf("distinct longs share a canonical key %s", a)
	}
}
