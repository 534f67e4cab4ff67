package predicates_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/connectortest/oracle"
	"github.com/kafka-connect-go/connect/transforms/predicates"
)

// The golden tests run our predicates on the requests of
// testdata/oracle/predicates.requests.jsonl and compare with what Kafka's
// own Java classes answered (predicates.responses.jsonl); see
// testdata/README.md.

var writeRequests = flag.Bool("write-requests", false, "rewrite testdata/oracle/predicates.requests.jsonl from the case table")

var (
	requestPath  = filepath.Join("testdata", "oracle", "predicates.requests.jsonl")
	responsePath = filepath.Join("testdata", "oracle", "predicates.responses.jsonl")
)

func TestWriteRequests(t *testing.T) {
	if !*writeRequests {
		t.Skip("run with -write-requests to rewrite the request file")
	}
	if err := oracle.WriteRequests(requestPath, goldenRequests()); err != nil {
		t.Fatal(err)
	}
}

// TestGoldenRequestsUpToDate fails when the case table changed but the
// request file (and so the Java responses) was not regenerated.
func TestGoldenRequestsUpToDate(t *testing.T) {
	var buf bytes.Buffer
	for _, r := range goldenRequests() {
		b, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	got, err := os.ReadFile(requestPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Errorf("%s differs from the case table: rerun with -write-requests and regenerate the responses (testdata/README.md)", requestPath)
	}
}

// outcomeDiffs are cases whose outcome differs from Java's on purpose.
var outcomeDiffs = map[string]string{
	"TopicNameMatches:lookahead": "Go's RE2 has no look-around: we refuse the pattern, Java accepts it (TestTopicNameMatchesJavaOnlySyntax)",
}

// messageDiffs are cases where we fail as Java does, with another text.
var messageDiffs = map[string]string{
	"TopicNameMatches:invalid-star":  "the regular expression compiler's own message (Go's, not java.util.regex's)",
	"TopicNameMatches:invalid-group": "the regular expression compiler's own message (Go's, not java.util.regex's)",
}

func find(name string) (predicates.Class, bool) {
	if !strings.Contains(name, ".") {
		name = predicates.Package + name
	}
	for _, c := range predicates.Classes() {
		if c.Name == name {
			return c, true
		}
	}
	return predicates.Class{}, false
}

func TestGolden(t *testing.T) {
	pairs, err := oracle.Pairs(requestPath, responsePath)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, p := range pairs {
		req, resp := p.Request, p.Response
		counts[strings.SplitN(req.ID, ":", 2)[0]]++
		t.Run(req.ID, func(t *testing.T) {
			if reason, ok := outcomeDiffs[req.ID]; ok {
				t.Skipf("outcome differs from Java on purpose: %s", reason)
			}
			var className string
			if err := json.Unmarshal(req.Raw("class"), &className); err != nil {
				t.Fatal(err)
			}
			c, ok := find(className)
			if !ok {
				t.Fatalf("no predicate %s", className)
			}
			props, err := req.Config("config")
			if err != nil {
				t.Fatal(err)
			}
			if string(req.Raw("configOnly")) == "true" {
				want := map[string][]string{}
				if raw, ok := resp.Fields["validation"]; ok {
					if err := json.Unmarshal(raw, &want); err != nil {
						t.Fatal(err)
					}
				}
				got := map[string][]string{}
				for _, v := range c.Config().Validate(props) {
					if len(v.Errors) > 0 {
						got[v.Name] = v.Errors
					}
				}
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(want)
				if string(gj) != string(wj) {
					if reason, ok := messageDiffs[req.ID]; ok {
						t.Logf("validation differs on purpose (%s): ours %s, Java's %s", reason, gj, wj)
					} else {
						t.Errorf("validation differs:\nours %s\nJava %s", gj, wj)
					}
				}
				check(t, req.ID, c.New().Configure(props), resp)
				return
			}
			pr := c.New()
			if err := pr.Configure(props); err != nil {
				check(t, req.ID, err, resp)
				return
			}
			defer pr.Close()
			rec, err := requestRecord(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := pr.Test(rec)
			if err != nil || !resp.OK {
				check(t, req.ID, err, resp)
				return
			}
			var want bool
			if err := json.Unmarshal(resp.Fields["result"], &want); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("test gave %v, Java %v", got, want)
			}
		})
	}
	t.Logf("golden cases: %d %v", len(pairs), counts)
}

func check(t *testing.T, id string, err error, resp oracle.Response) {
	t.Helper()
	switch {
	case err == nil && resp.OK:
	case err == nil:
		t.Errorf("we succeeded; Java failed at %s: %s", resp.Error.Stage, resp.Error.Message)
	case resp.OK:
		t.Errorf("we failed: %v; Java succeeded", err)
	case messageDiffs[id] != "":
		t.Logf("message differs on purpose (%s): ours %q, Java's %q", messageDiffs[id], err, resp.Error.Message)
	case err.Error() != resp.Error.Message:
		t.Errorf("message differs:\nours %q\nJava %q", err, resp.Error.Message)
	}
}

type recordJSON struct {
	Type         string `json:"type"`
	Topic        *string
	ValueConnect *struct {
		Schema json.RawMessage `json:"schema"`
		Value  json.RawMessage `json:"value"`
	} `json:"valueConnect"`
	KeyConnect *struct {
		Schema json.RawMessage `json:"schema"`
		Value  json.RawMessage `json:"value"`
	} `json:"keyConnect"`
	Headers []struct {
		Key    string          `json:"key"`
		Schema json.RawMessage `json:"schema"`
		Value  json.RawMessage `json:"value"`
	} `json:"headers"`
}

func requestRecord(req oracle.Request) (*connector.Record, error) {
	var rj recordJSON
	if err := json.Unmarshal(req.Raw("record"), &rj); err != nil {
		return nil, err
	}
	r := &connector.Record{Topic: "topic"}
	if rj.Topic != nil {
		r.Topic = *rj.Topic
	}
	if rj.Type == "source" {
		r.KafkaOffset, r.Partition = connector.NoOffset, connector.NoPartition
	}
	if p := rj.KeyConnect; p != nil {
		s, err := oracle.DecodeSchema(p.Schema)
		if err != nil {
			return nil, err
		}
		if r.Key, err = oracle.DecodeValue(p.Value, s); err != nil {
			return nil, err
		}
		r.KeySchema = s
	}
	if p := rj.ValueConnect; p != nil {
		s, err := oracle.DecodeSchema(p.Schema)
		if err != nil {
			return nil, err
		}
		if r.Value, err = oracle.DecodeValue(p.Value, s); err != nil {
			return nil, err
		}
		r.ValueSchema = s
	}
	for _, h := range rj.Headers {
		s, err := oracle.DecodeSchema(h.Schema)
		if err != nil {
			return nil, fmt.Errorf("header %s: %w", h.Key, err)
		}
		v, err := oracle.DecodeValue(h.Value, s)
		if err != nil {
			return nil, fmt.Errorf("header %s: %w", h.Key, err)
		}
		r.Headers = append(r.Headers, connector.Header{Key: h.Key, Schema: s, Value: v})
	}
	return r, nil
}
