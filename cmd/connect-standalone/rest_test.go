package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// TestRESTLifecycle drives a standalone worker over its REST API through a
// connector's life: create, status, pause, resume, stop, offsets, restart,
// reconfigure, delete, and the error answers a user meets on the way.
func TestRESTLifecycle(t *testing.T) {
	r := newFileRun(t)
	r.args = r.args[:1] // the worker only; connectors come over REST
	p := proctest.Start(t, r.bin, r.args...)
	proctest.WaitFor(t, 60*time.Second, func() error {
		if p.Exited() {
			t.Fatalf("connect-standalone exited:\n%s", p.Output())
		}
		return proctest.GetJSON(r.url+"/", &map[string]any{})
	})
	writeLines(t, r.in, 0, 100)

	src := fmt.Sprintf(`{"name":"src","config":{"connector.class":"FileStreamSource","tasks.max":1,"file":%q,"topic":"rest-test"}}`, r.in)
	proctest.MustHTTP(t, "POST", r.url+"/connectors", src, 201)
	proctest.MustHTTP(t, "POST", r.url+"/connectors", src, 409)
	sinkCfg := fmt.Sprintf(`{"connector.class":"FileStreamSink","tasks.max":"1","file":%q,"topics":"rest-test"}`, r.out)
	proctest.MustHTTP(t, "PUT", r.url+"/connectors/snk/config", sinkCfg, 201)
	waitRunning(t, r.url, "src", 1)
	waitRunning(t, r.url, "snk", 1)
	r.waitLines(100, 60*time.Second)

	// Reads.
	var names []string
	if err := proctest.GetJSON(r.url+"/connectors", &names); err != nil || strings.Join(names, ",") != "snk,src" {
		t.Fatalf("GET /connectors = %v %v", names, err)
	}
	var tasks []struct {
		ID     map[string]any    `json:"id"`
		Config map[string]string `json:"config"`
	}
	if err := proctest.GetJSON(r.url+"/connectors/snk/tasks", &tasks); err != nil || len(tasks) != 1 ||
		tasks[0].Config["task.class"] != "org.apache.kafka.connect.file.FileStreamSinkTask" || tasks[0].Config["topics"] != "rest-test" {
		t.Fatalf("GET tasks = %+v %v", tasks, err)
	}
	var topics map[string]map[string][]string
	proctest.WaitFor(t, 30*time.Second, func() error {
		if err := proctest.GetJSON(r.url+"/connectors/snk/topics", &topics); err != nil {
			return err
		}
		if got := topics["snk"]["topics"]; len(got) != 1 || got[0] != "rest-test" {
			return fmt.Errorf("active topics %v", topics)
		}
		return nil
	})

	// Pause and resume.
	proctest.MustHTTP(t, "PUT", r.url+"/connectors/src/pause", "", 202)
	waitState(t, r.url, "src", "PAUSED", "PAUSED")
	proctest.MustHTTP(t, "PUT", r.url+"/connectors/src/resume", "", 202)
	waitRunning(t, r.url, "src", 1)

	// Offsets may change only when STOPPED.
	body := proctest.MustHTTP(t, "DELETE", r.url+"/connectors/src/offsets", "", 400)
	if !strings.Contains(body, "STOPPED state") {
		t.Fatalf("reset offsets of a running connector: %s", body)
	}
	proctest.MustHTTP(t, "PUT", r.url+"/connectors/src/stop", "", 204)
	waitState(t, r.url, "src", "STOPPED", "")
	var offs struct {
		Offsets []struct {
			Partition map[string]any `json:"partition"`
			Offset    map[string]any `json:"offset"`
		} `json:"offsets"`
	}
	proctest.WaitFor(t, 30*time.Second, func() error {
		if err := proctest.GetJSON(r.url+"/connectors/src/offsets", &offs); err != nil {
			return err
		}
		if len(offs.Offsets) != 1 || offs.Offsets[0].Partition["filename"] != r.in {
			return fmt.Errorf("offsets %+v", offs)
		}
		return nil
	})
	// Rewind the source to the start: its 100 lines are copied again.
	alter := fmt.Sprintf(`{"offsets":[{"partition":{"filename":%q},"offset":{"position":0}}]}`, r.in)
	body = proctest.MustHTTP(t, "PATCH", r.url+"/connectors/src/offsets", alter, 200)
	if !strings.Contains(body, "altered successfully") {
		t.Fatalf("alter offsets: %s", body)
	}
	proctest.MustHTTP(t, "PUT", r.url+"/connectors/src/resume", "", 202)
	waitRunning(t, r.url, "src", 1)
	proctest.WaitFor(t, 60*time.Second, func() error {
		_, n, err := countLines(r.out)
		if err != nil {
			return err
		}
		if n < 200 {
			return fmt.Errorf("%d lines after rewinding, want 200", n)
		}
		return nil
	})

	// Sink offsets are the consumer group's.
	var sinkOffs map[string][]map[string]map[string]any
	proctest.WaitFor(t, 30*time.Second, func() error {
		if err := proctest.GetJSON(r.url+"/connectors/snk/offsets", &sinkOffs); err != nil {
			return err
		}
		for _, o := range sinkOffs["offsets"] {
			if o["partition"]["kafka_topic"] == "rest-test" {
				return nil
			}
		}
		return fmt.Errorf("sink offsets %v", sinkOffs)
	})

	// Restarts.
	proctest.MustHTTP(t, "POST", r.url+"/connectors/snk/restart", "", 204)
	body = proctest.MustHTTP(t, "POST", r.url+"/connectors/snk/restart?includeTasks=true", "", 202)
	if !strings.Contains(body, `"RESTARTING"`) {
		t.Fatalf("restart plan: %s", body)
	}
	proctest.MustHTTP(t, "POST", r.url+"/connectors/snk/tasks/0/restart", "", 204)
	proctest.MustHTTP(t, "POST", r.url+"/connectors/snk/tasks/7/restart", "", 404)
	waitRunning(t, r.url, "snk", 1)

	// A bad config is refused with every problem listed, and the running
	// connector is untouched.
	body = proctest.MustHTTP(t, "PUT", r.url+"/connectors/snk/config", `{"connector.class":"FileStreamSink","tasks.max":"zero"}`, 400)
	for _, want := range []string{"Connector configuration is invalid", "tasks.max", "Must configure one of topics or topics.regex"} {
		if !strings.Contains(body, want) {
			t.Errorf("bad config answer lacks %q: %s", want, body)
		}
	}
	waitRunning(t, r.url, "snk", 1)
	// Java answers an unknown connector.class with 500 (its plugin lookup
	// throws a plain ConnectException), as the interop tests showed.
	body = proctest.MustHTTP(t, "POST", r.url+"/connectors", `{"name":"x","config":{"connector.class":"NoSuchThing"}}`, 500)
	if !strings.Contains(body, "NoSuchThing") {
		t.Fatalf("unknown class answer: %s", body)
	}

	// Validate and plugins.
	body = proctest.MustHTTP(t, "PUT", r.url+"/connector-plugins/FileStreamSink/config/validate", `{"connector.class":"FileStreamSink","topics":"a","topics.regex":"b"}`, 200)
	var infos struct {
		ErrorCount int `json:"error_count"`
	}
	if err := json.Unmarshal([]byte(body), &infos); err != nil || infos.ErrorCount == 0 {
		t.Fatalf("validate: %s", body)
	}
	body = proctest.MustHTTP(t, "GET", r.url+"/connector-plugins", "", 200)
	if !strings.Contains(body, "io.confluent.connect.elasticsearch.ElasticsearchSinkConnector") {
		t.Fatalf("plugins: %s", body)
	}

	// A connector created PAUSED stays paused.
	paused := fmt.Sprintf(`{"name":"later","initial_state":"PAUSED","config":{"connector.class":"FileStreamSink","topics":"rest-test","file":%q}}`, filepath.Join(r.dir, "later.txt"))
	proctest.MustHTTP(t, "POST", r.url+"/connectors", paused, 201)
	waitState(t, r.url, "later", "PAUSED", "PAUSED")

	// Delete.
	proctest.MustHTTP(t, "DELETE", r.url+"/connectors/snk", "", 204)
	proctest.MustHTTP(t, "GET", r.url+"/connectors/snk", "", 404)
	proctest.MustHTTP(t, "GET", r.url+"/connectors/snk/status", "", 404)
	proctest.MustHTTP(t, "DELETE", r.url+"/connectors/snk", "", 404)
}

func waitRunning(t *testing.T, url, name string, tasks int) {
	t.Helper()
	proctest.WaitFor(t, 60*time.Second, func() error {
		var st proctest.Status
		if err := proctest.GetJSON(url+"/connectors/"+name+"/status", &st); err != nil {
			return err
		}
		return st.Running(tasks)
	})
}

// waitState waits for the connector's state and, when taskState is not
// empty, every task's; STOPPED connectors must have no tasks.
func waitState(t *testing.T, url, name, connState, taskState string) {
	t.Helper()
	proctest.WaitFor(t, 60*time.Second, func() error {
		var st proctest.Status
		if err := proctest.GetJSON(url+"/connectors/"+name+"/status", &st); err != nil {
			return err
		}
		if st.Connector.State != connState {
			return fmt.Errorf("connector %s, want %s", st.Connector.State, connState)
		}
		if taskState == "" && len(st.Tasks) != 0 {
			return fmt.Errorf("%d tasks, want none", len(st.Tasks))
		}
		for _, tk := range st.Tasks {
			if tk.State != taskState {
				return fmt.Errorf("task %d %s, want %s", tk.ID, tk.State, taskState)
			}
		}
		return nil
	})
}
