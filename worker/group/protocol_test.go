package group

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

// unhex joins hex fragments written field by field.
func unhex(t *testing.T, parts ...string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(strings.Join(parts, ""), " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The worked example of compat-essentials / connect-runtime §4.3: sessioned
// metadata of a fresh worker at config offset 5 with no assignment.
func TestMetadataHandWritten(t *testing.T) {
	url := "687474703a2f2f77313a383038332f" // "http://w1:8083/"
	m := MemberMetadata{URL: "http://w1:8083/", ConfigOffset: 5}
	for _, tc := range []struct {
		version int16
		want    []byte
	}{
		{2, unhex(t, "0002", "000f", url, "0000000000000005", "ffffffff")},
		{1, unhex(t, "0001", "000f", url, "0000000000000005", "ffffffff")},
		{0, unhex(t, "0000", "000f", url, "0000000000000005")},
	} {
		got, err := EncodeMetadata(tc.version, m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, tc.want) {
			t.Errorf("v%d: got %x, want %x", tc.version, got, tc.want)
		}
		back, err := DecodeMetadata(got)
		if err != nil {
			t.Fatal(err)
		}
		if back.Version != tc.version || back.URL != m.URL || back.ConfigOffset != 5 || back.Allocation != nil {
			t.Errorf("v%d: decoded %+v", tc.version, back)
		}
	}
	ps, err := Sessioned.JoinProtocols(m)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "sessioned,compatible,default" {
		t.Errorf("protocols %v", names)
	}
}

// A v2 assignment giving connector c and task c-0, revoking nothing, no
// delay: Java writes the revoked array empty, not null.
func TestAssignmentHandWritten(t *testing.T) {
	a := Assignment{Leader: "L1", LeaderURL: "http://l/", ConfigOffset: 9,
		Connectors: []string{"c"}, Tasks: []TaskID{{"c", 0}}}
	want := unhex(t,
		"0002",                       // version
		"0000",                       // error
		"0002 4c31",                  // leader "L1"
		"0009 687474703a2f2f6c2f",    // leader url "http://l/"
		"0000000000000009",           // config offset
		"00000001",                   // one connector group
		"0001 63",                    // "c"
		"00000002 ffffffff 00000000", // tasks [-1, 0]
		"00000000",                   // revoked: empty array
		"00000000",                   // delay
	)
	got, err := EncodeAssignment(2, a)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("got  %x\nwant %x", got, want)
	}
	back, err := DecodeAssignment(want)
	if err != nil {
		t.Fatal(err)
	}
	if back.Version != 2 || back.Leader != "L1" || back.LeaderURL != "http://l/" || back.ConfigOffset != 9 ||
		len(back.Connectors) != 1 || back.Connectors[0] != "c" || len(back.Tasks) != 1 || back.Tasks[0] != (TaskID{"c", 0}) ||
		len(back.RevokedConnectors)+len(back.RevokedTasks) != 0 || back.Delay != 0 {
		t.Errorf("decoded %+v", back)
	}
	// v0: the same without revoked and delay.
	got0, err := EncodeAssignment(0, a)
	if err != nil {
		t.Fatal(err)
	}
	if want0 := append([]byte{0, 0}, want[2:len(want)-8]...); !bytes.Equal(got0, want0) {
		t.Errorf("v0 got %x, want %x", got0, want0)
	}
}

// A v1 reader tolerates missing trailing fields (how a v0 assignment is
// read); the delay keeps millisecond precision.
func TestAssignmentTolerance(t *testing.T) {
	head := "0001 0000 0001 4c 0001 75 0000000000000003"
	a, err := DecodeAssignment(unhex(t, head))
	if err != nil {
		t.Fatal(err)
	}
	if a.Leader != "L" || a.LeaderURL != "u" || a.ConfigOffset != 3 || a.Connectors != nil || a.Delay != 0 {
		t.Errorf("decoded %+v", a)
	}
	a, err = DecodeAssignment(unhex(t, head, "ffffffff ffffffff 000003e8"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Delay != time.Second || a.Connectors != nil || a.RevokedConnectors != nil {
		t.Errorf("decoded %+v", a)
	}
	if _, err := DecodeAssignmentEager(unhex(t, head)); !errors.Is(err, errShort) {
		t.Errorf("eager decoder read a v0 assignment without its array: %v", err)
	}
	if _, err := DecodeAssignment(unhex(t, "ffff 0000")); err == nil || !strings.Contains(err.Error(), "version -1") {
		t.Errorf("negative version: %v", err)
	}
}

func TestParseCompatibility(t *testing.T) {
	for in, want := range map[string]Compatibility{"eager": Eager, "COMPATIBLE": Compatible, " Sessioned": Sessioned} {
		got, err := ParseCompatibility(in)
		if err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	if _, err := ParseCompatibility("cooperative"); err == nil || !strings.Contains(err.Error(), `"cooperative"`) {
		t.Errorf("bad value: %v", err)
	}
}

func TestJavaHashSetOrder(t *testing.T) {
	// Java: new HashSet<>(List.of("c1","c2","a0","zz")) iterates zz, c1, c2, a0.
	got := javaHashSetOrder([]string{"c1", "c2", "a0", "zz", "c1"})
	if strings.Join(got, ",") != "zz,c1,c2,a0" {
		t.Errorf("got %v", got)
	}
	if h := javaStringHash("hello"); h != 99162322 {
		t.Errorf("hash(hello) = %d", h)
	}
}
