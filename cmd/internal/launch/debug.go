package launch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// Debug is the opt-in admin listener for profiling (-debug-listener): Go's
// /debug/pprof/ endpoints on an address of its own, never on the REST
// listeners, since profiles and the command line expose the process's
// internals. It is off unless asked for.
type Debug struct {
	srv  *http.Server
	addr net.Addr
	done chan error
}

// StartDebug binds addr and serves /debug/pprof/ on it (go tool pprof
// http://<addr>/debug/pprof/profile, .../heap, .../allocs, ...). An empty
// addr returns nil: a nil *Debug is off and its Close does nothing.
func StartDebug(addr string, log *slog.Logger) (*Debug, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("-debug-listener: cannot listen on %s: %w", addr, err)
	}
	// Our own mux: the handlers net/http/pprof's import also puts on
	// http.DefaultServeMux are never served from there.
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	d := &Debug{
		// No write timeout: a CPU profile or a trace answers after the
		// seconds it was asked to run.
		srv:  &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
		addr: ln.Addr(),
		done: make(chan error, 1),
	}
	go func() { d.done <- d.srv.Serve(ln) }()
	log.Info("debug listener serving /debug/pprof/", "address", d.addr.String())
	return d, nil
}

// Addr is the bound address (nil when off).
func (d *Debug) Addr() net.Addr {
	if d == nil {
		return nil
	}
	return d.addr
}

// Close shuts the listener down, giving requests in progress (a profile
// being taken) five seconds, and returns the server's failure if it had
// one. The worker stops it last, so its own shutdown can be profiled.
func (d *Debug) Close() error {
	if d == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := d.srv.Shutdown(ctx)
	if serr := <-d.done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("debug listener: %w", err)
	}
	return nil
}
