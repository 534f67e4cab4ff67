package group

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"
)

// The oracle files hold requests run through Kafka's own ConnectProtocol and
// IncrementalCooperativeConnectProtocol classes and their answers (see
// testdata/README.md). Every encode answer must equal our bytes, every
// decode answer our decoding, and every Java decode error must be an error
// here too.

type oracleTask struct {
	Connector string `json:"connector"`
	Task      int32  `json:"task"`
}

type oracleAssignment struct {
	Version           *int16       `json:"version"`
	Error             int16        `json:"error"`
	Leader            *string      `json:"leader"`
	LeaderURL         *string      `json:"leaderUrl"`
	ConfigOffset      int64        `json:"configOffset"`
	Connectors        []string     `json:"connectors"`
	Tasks             []oracleTask `json:"tasks"`
	RevokedConnectors []string     `json:"revokedConnectors"`
	RevokedTasks      []oracleTask `json:"revokedTasks"`
	Delay             *int32       `json:"delay"`
}

type oracleRequest struct {
	ID           string            `json:"id"`
	Op           string            `json:"op"`
	Version      int16             `json:"version"`
	Protocol     string            `json:"protocol"`
	URL          string            `json:"url"`
	ConfigOffset int64             `json:"configOffset"`
	Allocation   *oracleAssignment `json:"allocation"`
	Hex          string            `json:"hex"`
	Decoder      string            `json:"decoder"`
	oracleAssignment
}

type oracleResponse struct {
	ID        string `json:"id"`
	OK        bool   `json:"ok"`
	Hex       string `json:"hex"`
	Protocols []struct {
		Name string `json:"name"`
		Hex  string `json:"hex"`
	} `json:"protocols"`
	HeaderVersion *int16            `json:"headerVersion"`
	URL           string            `json:"url"`
	ConfigOffset  int64             `json:"configOffset"`
	Allocation    *oracleAssignment `json:"allocation"`
	Assignment    *oracleAssignment `json:"assignment"`
	Error         *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s line %d: %v", path, line, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func (o *oracleAssignment) toAssignment() Assignment {
	a := Assignment{Error: o.Error, ConfigOffset: o.ConfigOffset, Connectors: o.Connectors, RevokedConnectors: o.RevokedConnectors}
	if o.Leader != nil {
		a.Leader = *o.Leader
	}
	if o.LeaderURL != nil {
		a.LeaderURL = *o.LeaderURL
	}
	for _, t := range o.Tasks {
		a.Tasks = append(a.Tasks, TaskID(t))
	}
	for _, t := range o.RevokedTasks {
		a.RevokedTasks = append(a.RevokedTasks, TaskID(t))
	}
	if o.Delay != nil {
		a.Delay = time.Duration(*o.Delay) * time.Millisecond
	}
	return a
}

// sameAssignment compares a decoded assignment with Java's, lists in order.
func sameAssignment(t *testing.T, id string, got Assignment, want *oracleAssignment, withVersion bool) {
	t.Helper()
	w := want.toAssignment()
	if withVersion && want.Version != nil && got.Version != *want.Version {
		t.Errorf("%s: version %d, Java %d", id, got.Version, *want.Version)
	}
	if got.Error != w.Error || got.Leader != w.Leader || got.LeaderURL != w.LeaderURL || got.ConfigOffset != w.ConfigOffset || got.Delay != w.Delay {
		t.Errorf("%s: header %+v, Java %+v", id, got, w)
	}
	if !slices.Equal(got.Connectors, w.Connectors) || !slices.Equal(got.Tasks, w.Tasks) ||
		!slices.Equal(got.RevokedConnectors, w.RevokedConnectors) || !slices.Equal(got.RevokedTasks, w.RevokedTasks) {
		t.Errorf("%s: decoded %+v, Java %+v", id, got, w)
	}
}

func TestGoldenAgainstJavaOracle(t *testing.T) {
	reqs := readJSONL[oracleRequest](t, "testdata/oracle-requests.jsonl")
	resps := readJSONL[oracleResponse](t, "testdata/oracle-responses.jsonl")
	if len(reqs) != len(resps) || len(reqs) < 100 {
		t.Fatalf("%d requests, %d responses", len(reqs), len(resps))
	}
	counts := map[string]int{}
	for i, req := range reqs {
		resp := resps[i]
		if resp.ID != req.ID {
			t.Fatalf("line %d: request %s answered by %s", i+1, req.ID, resp.ID)
		}
		counts[req.Op]++
		switch req.Op {
		case "protocol.encodeMetadata":
			m := MemberMetadata{URL: req.URL, ConfigOffset: req.ConfigOffset}
			if req.Allocation != nil {
				a := req.Allocation.toAssignment()
				m.Allocation = &a
			}
			b, err := EncodeMetadata(req.Version, m)
			if err != nil {
				t.Errorf("%s: %v", req.ID, err)
				continue
			}
			if got := hex.EncodeToString(b); got != resp.Hex {
				t.Errorf("%s:\n got %s\nJava %s", req.ID, got, resp.Hex)
			}
		case "protocol.metadataRequest":
			c, err := ParseCompatibility(req.Protocol)
			if err != nil {
				t.Fatal(err)
			}
			m := MemberMetadata{URL: req.URL, ConfigOffset: req.ConfigOffset}
			if req.Allocation != nil {
				a := req.Allocation.toAssignment()
				m.Allocation = &a
			}
			ps, err := c.JoinProtocols(m)
			if err != nil {
				t.Errorf("%s: %v", req.ID, err)
				continue
			}
			if len(ps) != len(resp.Protocols) {
				t.Errorf("%s: %d protocols, Java %d", req.ID, len(ps), len(resp.Protocols))
				continue
			}
			for j, p := range ps {
				if p.Name != resp.Protocols[j].Name || hex.EncodeToString(p.Metadata) != resp.Protocols[j].Hex {
					t.Errorf("%s protocol %d: got %s %x, Java %s %s", req.ID, j, p.Name, p.Metadata, resp.Protocols[j].Name, resp.Protocols[j].Hex)
				}
			}
		case "protocol.encodeAssignment":
			a := req.toAssignment()
			a.ConfigOffset = req.ConfigOffset // the request's field shadows the embedded one
			b, err := EncodeAssignment(req.Version, a)
			if err != nil {
				t.Errorf("%s: %v", req.ID, err)
				continue
			}
			if got := hex.EncodeToString(b); got != resp.Hex {
				t.Errorf("%s:\n got %s\nJava %s", req.ID, got, resp.Hex)
			}
		case "protocol.decodeMetadata":
			in, err := hex.DecodeString(req.Hex)
			if err != nil {
				t.Fatal(err)
			}
			var m MemberMetadata
			if req.Decoder == "eager" {
				m, err = DecodeMetadataEager(in)
			} else {
				m, err = DecodeMetadata(in)
			}
			if !resp.OK {
				if err == nil {
					t.Errorf("%s: decoded %+v, Java failed: %s", req.ID, m, resp.Error.Message)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v (Java decoded it)", req.ID, err)
				continue
			}
			if m.URL != resp.URL || m.ConfigOffset != resp.ConfigOffset || m.Version != *resp.HeaderVersion {
				t.Errorf("%s: got %+v, Java %+v", req.ID, m, resp)
			}
			if req.Decoder == "eager" {
				continue
			}
			// Java substitutes an empty assignment (null leader) for none.
			if m.Allocation == nil {
				if resp.Allocation.Leader != nil || len(resp.Allocation.Connectors)+len(resp.Allocation.Tasks) > 0 {
					t.Errorf("%s: no allocation, Java read %+v", req.ID, resp.Allocation)
				}
				continue
			}
			sameAssignment(t, req.ID, *m.Allocation, resp.Allocation, true)
		case "protocol.decodeAssignment":
			in, err := hex.DecodeString(req.Hex)
			if err != nil {
				t.Fatal(err)
			}
			var a Assignment
			if req.Decoder == "eager" {
				a, err = DecodeAssignmentEager(in)
			} else {
				a, err = DecodeAssignment(in)
			}
			if !resp.OK {
				if err == nil {
					t.Errorf("%s: decoded %+v, Java failed: %s", req.ID, a, resp.Error.Message)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v (Java decoded it)", req.ID, err)
				continue
			}
			sameAssignment(t, req.ID, a, resp.Assignment, req.Decoder != "eager")
		default:
			t.Fatalf("%s: unknown op %s", req.ID, req.Op)
		}
	}
	t.Logf("golden cases by op: %v", counts)
}

// TestDecodeJavaBytesReencodes checks that every assignment and metadata
// Java encoded decodes and re-encodes to the very same bytes.
func TestDecodeJavaBytesReencodes(t *testing.T) {
	reqs := readJSONL[oracleRequest](t, "testdata/oracle-requests.jsonl")
	resps := readJSONL[oracleResponse](t, "testdata/oracle-responses.jsonl")
	n := 0
	for i, req := range reqs {
		resp := resps[i]
		if !resp.OK || resp.Hex == "" {
			continue
		}
		in, _ := hex.DecodeString(resp.Hex)
		var out []byte
		var err error
		switch req.Op {
		case "protocol.encodeAssignment":
			dec := DecodeAssignment
			if req.Version == 0 {
				dec = DecodeAssignmentEager
			}
			var a Assignment
			if a, err = dec(in); err == nil {
				out, err = EncodeAssignment(req.Version, a)
			}
		case "protocol.encodeMetadata":
			var m MemberMetadata
			if m, err = DecodeMetadata(in); err == nil {
				out, err = EncodeMetadata(req.Version, m)
			}
		default:
			continue
		}
		n++
		if err != nil {
			t.Errorf("%s: %v", req.ID, err)
		} else if hex.EncodeToString(out) != resp.Hex {
			t.Errorf("%s: re-encoded\n%x\nJava\n%s", req.ID, out, resp.Hex)
		}
	}
	if n < 20 {
		t.Fatalf("only %d round trips", n)
	}
}
