package filestore

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/storagetest"
)

func TestConformance(t *testing.T) {
	paths := map[string]string{} // one file per subtest, reopened within it
	storagetest.OffsetStore(t, storagetest.OffsetStoreOptions{
		Open: func(t *testing.T) storage.OffsetStore {
			p, ok := paths[t.Name()]
			if !ok {
				p = filepath.Join(t.TempDir(), "connect.offsets")
				paths[t.Name()] = p
			}
			return New(p)
		},
		Durable: true,
	})
}

// The testdata files were written by Java 17's ObjectOutputStream (a HashMap
// of byte arrays, as FileOffsetBackingStore writes); java-many.ser has a null
// value and one array used as both key and value (a back-reference).
func TestReadJavaFiles(t *testing.T) {
	cases := []struct {
		file string
		want map[string]string // key -> value ("<nil>" for null)
	}{
		{"java-empty.ser", map[string]string{}},
		{"java-one.ser", map[string]string{`["file-source",{"filename":"/tmp/test.txt"}]`: `{"position":30}`}},
		{"java-many.ser", map[string]string{
			`["c1",{"filename":"a.txt"}]`:   `{"position":100}`,
			`["c2",{"db":"x","table":"t"}]`: "<nil>",
			`["c3",{"k":1}]`:                `["c3",{"k":1}]`,
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			entries, err := decodeOffsets(b)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, e := range entries {
				v := "<nil>"
				if e.Value != nil {
					v = string(e.Value)
				}
				got[string(e.Key)] = v
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d entries %q, want %q", len(got), got, c.want)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("entry %s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// Writing what Java wrote yields Java's bytes exactly, for the maps whose
// entry order does not depend on identity hash codes.
func TestWriteMatchesJava(t *testing.T) {
	for _, c := range []struct {
		file    string
		entries []storage.OffsetEntry
	}{
		{"java-empty.ser", nil},
		{"java-one.ser", []storage.OffsetEntry{{Key: []byte(`["file-source",{"filename":"/tmp/test.txt"}]`), Value: []byte(`{"position":30}`)}}},
	} {
		want, err := os.ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		if got := encodeOffsets(c.entries); !bytes.Equal(got, want) {
			t.Errorf("%s: encoded\n%x\nwant\n%x", c.file, got, want)
		}
	}
}

func TestRoundTripManyEntries(t *testing.T) {
	var entries []storage.OffsetEntry
	for i := range 40 { // past two HashMap resizes
		k := []byte(`["c",{"n":` + strings.Repeat("1", i+1) + `}]`)
		var v []byte
		if i%7 != 0 {
			v = []byte(`{"position":` + strings.Repeat("2", i+1) + `}`)
		}
		entries = append(entries, storage.OffsetEntry{Key: k, Value: v})
	}
	got, err := decodeOffsets(encodeOffsets(entries))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(entries) {
		t.Fatalf("round trip: %d entries, want %d", len(got), len(entries))
	}
	byKey := map[string][]byte{}
	for _, e := range got {
		byKey[string(e.Key)] = e.Value
	}
	for _, e := range entries {
		if v, ok := byKey[string(e.Key)]; !ok || !bytes.Equal(v, e.Value) || (v == nil) != (e.Value == nil) {
			t.Errorf("entry %s = %q, want %q", e.Key, v, e.Value)
		}
	}
}

func TestBadFiles(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "java-one.ser"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"not java":    []byte("position=30\n"),
		"truncated":   good[:len(good)-10],
		"wrong class": bytes.Replace(good, []byte("java.util.HashMap"), []byte("java.util.TreeMap"), 1),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.offsets")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			err := New(path).Start(t.Context())
			if err == nil {
				t.Fatal("Start accepted a corrupt offsets file")
			}
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
		})
	}
}

func TestMissingAndEmptyFilesStartEmpty(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "missing"), empty} {
		s := New(p)
		if err := s.Start(t.Context()); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		got, err := s.Get(t.Context(), [][]byte{[]byte(`["c",{}]`)})
		if err != nil || len(got) != 0 {
			t.Fatalf("%s: Get = %v %v", p, got, err)
		}
	}
}

func TestSetLeavesNoTempFiles(t *testing.T) {
	dir := t.TempDir()
	s := New(filepath.Join(dir, "o"))
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := s.Set(t.Context(), []storage.OffsetEntry{{Key: []byte(`["c",{}]`), Value: []byte{byte('0' + i)}}}); err != nil {
			t.Fatal(err)
		}
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 {
		t.Fatalf("directory holds %d files, want only the offsets file", len(ents))
	}
}
