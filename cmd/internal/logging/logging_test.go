package logging

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestLevelsFollowTheTree(t *testing.T) {
	var buf bytes.Buffer
	lv := New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: levelTrace}), slog.LevelInfo)
	sink := lv.Logger("connect.worker.sink")
	src := lv.Logger("connect.worker.source")
	sink.Debug("hidden")
	if buf.Len() != 0 {
		t.Fatalf("debug logged at INFO: %s", buf.String())
	}
	got := lv.SetLevel("connect.worker", "debug")
	if strings.Join(got, ",") != "connect.worker,connect.worker.sink,connect.worker.source" {
		t.Fatalf("affected %v", got)
	}
	sink.Debug("shown", "k", 1)
	if !strings.Contains(buf.String(), "logger=connect.worker.sink") || !strings.Contains(buf.String(), "shown") {
		t.Fatalf("debug not logged after SetLevel: %s", buf.String())
	}
	if l, ok := lv.Level("connect.worker.source"); !ok || l.Level != "DEBUG" || l.LastModified != nil {
		t.Fatalf("effective level %+v %v", l, ok)
	}
	if l, ok := lv.Level("connect.worker"); !ok || l.LastModified == nil {
		t.Fatalf("set level %+v %v", l, ok)
	}
	if _, ok := lv.Level("nobody"); ok {
		t.Fatal("unknown logger found")
	}
	// Setting the root resets every explicit level below it.
	lv.SetLevel("ROOT", "WARN")
	buf.Reset()
	src.Info("hidden")
	if buf.Len() != 0 {
		t.Fatalf("info logged at root WARN: %s", buf.String())
	}
	if len(lv.Levels()) != 1 {
		t.Fatalf("explicit levels %v", lv.Levels())
	}
	if lv.ValidLevel("LOUD") || !lv.ValidLevel("fatal") {
		t.Fatal("ValidLevel")
	}
}

// Levels set at start-up have no last_modified, as those of Java's log4j
// configuration; a later SetLevel gives one.
func TestConfigureHasNoLastModified(t *testing.T) {
	lv := New(slog.DiscardHandler, slog.LevelInfo)
	lv.Logger("connect.rest")
	if got := lv.Configure("connect.rest", "WARN"); len(got) != 1 || got[0] != "connect.rest" {
		t.Fatalf("affected %v", got)
	}
	if l, ok := lv.Level("connect.rest"); !ok || l.Level != "WARN" || l.LastModified != nil {
		t.Fatalf("configured level %+v %v", l, ok)
	}
	lv.SetLevel("connect.rest", "DEBUG")
	if l, _ := lv.Level("connect.rest"); l.Level != "DEBUG" || l.LastModified == nil {
		t.Fatalf("level after SetLevel %+v", l)
	}
	if lv.Configure("connect.rest", "LOUD") != nil {
		t.Fatal("a bad level was accepted")
	}
}
