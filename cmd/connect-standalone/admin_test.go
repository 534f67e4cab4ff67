package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafka-connect-go/connect/cmd/internal/proctest"
)

// admin.listeners, as in Java: set, the /admin endpoints move to those
// listeners and leave the main ones; set to nothing, they are not served.
func TestAdminListeners(t *testing.T) {
	broker := proctest.Broker(t)
	bin := proctest.Binary(t, "connect-standalone")
	for _, c := range []struct {
		name  string
		admin bool // a listener of its own, else admin.listeners= (nothing)
	}{{"own listener", true}, {"disabled", false}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			port, adminPort := proctest.FreePort(t), proctest.FreePort(t)
			adminLine := "admin.listeners="
			if c.admin {
				adminLine = fmt.Sprintf("admin.listeners=http://127.0.0.1:%d", adminPort)
			}
			props := proctest.WriteFile(t, dir, "worker.properties", fmt.Sprintf(`bootstrap.servers=%s
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=%s
listeners=http://127.0.0.1:%d
%s
`, strings.Join(broker.ListenAddrs(), ","), filepath.Join(dir, "connect.offsets"), port, adminLine))
			p := proctest.Start(t, bin, props)
			main := fmt.Sprintf("http://127.0.0.1:%d", port)
			admin := fmt.Sprintf("http://127.0.0.1:%d", adminPort)
			proctest.WaitFor(t, 60*time.Second, func() error {
				if p.Exited() {
					t.Fatalf("connect-standalone exited:\n%s", p.Output())
				}
				var info map[string]any
				return proctest.GetJSON(main+"/", &info)
			})
			proctest.MustHTTP(t, http.MethodGet, main+"/admin/loggers", "", http.StatusNotFound)
			proctest.MustHTTP(t, http.MethodGet, main+"/connectors", "", http.StatusOK)
			if !c.admin {
				return
			}
			if body := proctest.MustHTTP(t, http.MethodGet, admin+"/admin/loggers", "", http.StatusOK); !strings.Contains(body, `"root"`) {
				t.Fatalf("loggers: %s", body)
			}
			proctest.MustHTTP(t, http.MethodPut, admin+"/admin/loggers/connect.rest", `{"level":"DEBUG"}`, http.StatusOK)
			if body := proctest.MustHTTP(t, http.MethodGet, admin+"/admin/loggers/connect.rest", "", http.StatusOK); !strings.Contains(body, "DEBUG") {
				t.Fatalf("connect.rest after the change: %s", body)
			}
			proctest.MustHTTP(t, http.MethodGet, admin+"/connectors", "", http.StatusNotFound)
		})
	}
}
