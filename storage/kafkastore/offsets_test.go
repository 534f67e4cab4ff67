package kafkastore

import (
	"testing"

	"github.com/kafka-connect-go/connect/storage"
)

// A Java worker's offsets: key ["<connector>",{partition}] (OffsetUtils,
// partition map in HashMap order), value the offset map, in the partition
// murmur2 picks. The Go store must find them by meaning, write back under
// the same key bytes into the same partition, and write tombstones.
func TestOffsetStoreJavaCompatibility(t *testing.T) {
	brokers := newCluster(t)
	raw := openRaw(t, brokers, "connect-offsets", 25)
	javaKey := `["file-source",{"filename":"/tmp/test.txt"}]`
	javaKey2 := `["jdbc",{"table":"orders","schema":"public"}]`
	raw.write(t, javaKey, str(`{"position":30}`))
	raw.write(t, javaKey2, str(`{"incrementing":1042}`))

	s, err := NewOffsetStore(logCfg(brokers, "connect-offsets", 25, nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(t.Context())

	goKey := `[ "file-source", { "filename": "/tmp/test.txt" } ]`
	goKey2 := `["jdbc",{"schema":"public","table":"orders"}]`
	got, err := s.Get(t.Context(), [][]byte{[]byte(goKey), []byte(goKey2), []byte(`["file-source",{"filename":"/other"}]`)})
	if err != nil {
		t.Fatal(err)
	}
	if string(got[goKey]) != `{"position":30}` || string(got[goKey2]) != `{"incrementing":1042}` || len(got) != 2 {
		t.Fatalf("Get = %q", got)
	}

	if err := s.Set(t.Context(), []storage.OffsetEntry{
		{Key: []byte(goKey), Value: []byte(`{"position":99}`)},
		{Key: []byte(goKey2), Value: nil},
		{Key: []byte(`["humio",{"topic":"logs","partition":3}]`), Value: []byte(`{"offset":7}`)},
	}); err != nil {
		t.Fatal(err)
	}
	recs := raw.records(t)
	if len(recs) != 5 {
		t.Fatalf("%d records", len(recs))
	}
	// Java's Utils.murmur2 vectors (see kafkalog): partition out of 25.
	want := []struct {
		key, value string
		partition  int32
	}{
		{javaKey, `{"position":99}`, 21},
		{javaKey2, "<tombstone>", -1},
		{`["humio",{"topic":"logs","partition":3}]`, `{"offset":7}`, 2},
	}
	// Records of different partitions arrive in no global order: match by key.
	byKey := map[string][]int{}
	for i, r := range recs {
		byKey[string(r.Key)] = append(byKey[string(r.Key)], i)
	}
	for _, w := range want {
		idx := byKey[w.key]
		if len(idx) == 0 {
			t.Errorf("nothing written under %s", w.key)
			continue
		}
		r := recs[idx[len(idx)-1]]
		v := string(r.Value)
		if r.Value == nil {
			v = "<tombstone>"
		}
		if v != w.value || (w.partition >= 0 && r.Partition != w.partition) {
			t.Errorf("%s = %s in partition %d; want %s in partition %d", r.Key, v, r.Partition, w.value, w.partition)
		}
		// A rewrite goes to the partition of the record it replaces.
		if first := recs[idx[0]]; first.Partition != r.Partition {
			t.Errorf("%s rewritten to partition %d, first written to %d", w.key, r.Partition, first.Partition)
		}
	}
	if len(byKey) != 3 {
		t.Errorf("keys written: %v (a rewrite must reuse the stored key bytes)", byKey)
	}
	parts, err := s.ConnectorPartitions(t.Context(), "jdbc")
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 0 {
		t.Errorf("jdbc partitions after tombstone: %q", parts)
	}
}
