package rest

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/kafka-connect-go/connect/worker/herder"
)

// Config configures the REST server. The zero value of every field is usable.
type Config struct {
	// TopicTrackingEnabled and TopicTrackingResetEnabled gate /topics and
	// /topics/reset (topic.tracking.enable, topic.tracking.allow.reset).
	// The cmd layer sets them from the worker config (Java defaults: true).
	TopicTrackingEnabled      bool
	TopicTrackingResetEnabled bool
	// AllowOrigin and AllowMethods enable CORS when AllowOrigin is not
	// blank (access.control.allow.origin / .allow.methods).
	AllowOrigin  string
	AllowMethods string
	// ResponseHeaders are response.http.headers.config rules, applied to
	// every response.
	ResponseHeaders []HeaderRule
	// AdminEnabled serves /admin/loggers on the main listeners
	// (admin.listeners unset). False hides them there (404): admin.listeners
	// set to nothing, or to listeners of their own, which ServeAdmin serves.
	AdminEnabled bool
	// RequestTimeout bounds herder calls; zero means 90 s, as in Java.
	RequestTimeout time.Duration
	// HealthTimeout bounds /health; zero means 10 s.
	HealthTimeout time.Duration
	// Loggers backs /admin/loggers; nil answers 404 there.
	Loggers Loggers
	// Forwarder sends requests to other workers; nil uses a plain http.Client.
	Forwarder *http.Client
	// Logger receives request and error logs; nil discards them.
	Logger *slog.Logger
	// Metrics serves GET /metrics (the Prometheus text format) on the
	// listeners and on ServeMetrics' own; nil answers 404 there.
	Metrics http.Handler
}

// Server is the Connect REST API over a Herder.
type Server struct {
	cfg     Config
	herder  Herder
	log     *slog.Logger
	handler http.Handler
	// adminHandler serves the admin.listeners: /admin alone.
	adminHandler http.Handler
	// metricsHandler serves the metrics listeners: /metrics alone.
	metricsHandler http.Handler

	mu      sync.Mutex
	servers []*http.Server
}

// NewServer builds the API's routes.
func NewServer(cfg Config, h Herder) *Server {
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = herder.DefaultRequestTimeout
	}
	if cfg.HealthTimeout <= 0 {
		cfg.HealthTimeout = 10 * time.Second
	}
	if cfg.Forwarder == nil {
		cfg.Forwarder = &http.Client{
			Timeout: cfg.RequestTimeout,
			// Redirects are not followed, as Java's forwarding client.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, herder: h, log: log}
	s.handler = s.withHeaders(s.routes())
	s.adminHandler = s.withHeaders(s.adminRoutes())
	mr := s.newRouter()
	s.addMetricsRoute(mr)
	s.metricsHandler = mr
	return s
}

// Handler returns the API as an http.Handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.handler }

// newRouter is a router answering unknown paths and methods as Java does.
func (s *Server) newRouter() *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.writeErrorStatus(w, http.StatusNotFound, "HTTP 404 Not Found")
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.writeErrorStatus(w, http.StatusMethodNotAllowed, "HTTP 405 Method Not Allowed")
	})
	// Connector names may contain characters that need escaping (spaces,
	// slashes); route on the escaped path and let mux unescape variables.
	r.UseEncodedPath()
	return r
}

// adminRoutes are the admin.listeners' routes: /admin alone.
func (s *Server) adminRoutes() *mux.Router {
	r := s.newRouter()
	s.addAdminRoutes(r)
	return r
}

func (s *Server) addAdminRoutes(r *mux.Router) {
	r.HandleFunc("/admin/loggers", s.listLoggers).Methods(http.MethodGet)
	r.HandleFunc("/admin/loggers/{logger}", s.getLogger).Methods(http.MethodGet)
	r.HandleFunc("/admin/loggers/{logger}", s.setLogger).Methods(http.MethodPut)
}

func (s *Server) addMetricsRoute(r *mux.Router) {
	if s.cfg.Metrics != nil {
		r.Handle("/metrics", s.cfg.Metrics).Methods(http.MethodGet)
	}
}

func (s *Server) routes() *mux.Router {
	r := s.newRouter()

	r.HandleFunc("/", s.serverInfo).Methods(http.MethodGet)
	r.HandleFunc("/health", s.health).Methods(http.MethodGet)

	r.HandleFunc("/connectors", s.listConnectors).Methods(http.MethodGet)
	r.HandleFunc("/connectors", s.createConnector).Methods(http.MethodPost)
	c := r.PathPrefix("/connectors/{connector}").Subrouter()
	c.HandleFunc("", s.getConnector).Methods(http.MethodGet)
	c.HandleFunc("", s.deleteConnector).Methods(http.MethodDelete)
	c.HandleFunc("/config", s.getConnectorConfig).Methods(http.MethodGet)
	c.HandleFunc("/config", s.putConnectorConfig).Methods(http.MethodPut)
	c.HandleFunc("/config", s.patchConnectorConfig).Methods(http.MethodPatch)
	c.HandleFunc("/status", s.getConnectorStatus).Methods(http.MethodGet)
	c.HandleFunc("/tasks", s.getTaskConfigs).Methods(http.MethodGet)
	c.HandleFunc("/tasks", s.putTaskConfigs).Methods(http.MethodPost)
	c.HandleFunc("/tasks-config", s.getTasksConfig).Methods(http.MethodGet)
	c.HandleFunc("/tasks/{task}/status", s.getTaskStatus).Methods(http.MethodGet)
	c.HandleFunc("/tasks/{task}/restart", s.restartTask).Methods(http.MethodPost)
	c.HandleFunc("/restart", s.restartConnector).Methods(http.MethodPost)
	c.HandleFunc("/pause", s.pauseConnector).Methods(http.MethodPut)
	c.HandleFunc("/resume", s.resumeConnector).Methods(http.MethodPut)
	c.HandleFunc("/stop", s.stopConnector).Methods(http.MethodPut)
	c.HandleFunc("/fence", s.fenceZombies).Methods(http.MethodPut)
	c.HandleFunc("/topics", s.getActiveTopics).Methods(http.MethodGet)
	c.HandleFunc("/topics/reset", s.resetActiveTopics).Methods(http.MethodPut)
	c.HandleFunc("/offsets", s.getOffsets).Methods(http.MethodGet)
	c.HandleFunc("/offsets", s.alterOffsets).Methods(http.MethodPatch)
	c.HandleFunc("/offsets", s.resetOffsets).Methods(http.MethodDelete)

	r.HandleFunc("/connector-plugins", s.listPlugins).Methods(http.MethodGet)
	r.HandleFunc("/connector-plugins/{plugin}/config", s.pluginConfig).Methods(http.MethodGet)
	r.HandleFunc("/connector-plugins/{plugin}/config/validate", s.validateConfig).Methods(http.MethodPut)

	if s.cfg.AdminEnabled {
		s.addAdminRoutes(r)
	}
	s.addMetricsRoute(r)
	if s.cfg.AllowOrigin != "" {
		// Preflight requests for any path.
		r.Methods(http.MethodOptions).HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusOK)
		})
	}
	return r
}

// withHeaders applies CORS and the configured response header rules.
func (s *Server) withHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.AllowOrigin != "" {
			if origin := r.Header.Get("Origin"); origin != "" && originAllowed(s.cfg.AllowOrigin, origin) {
				w.Header().Set("Access-Control-Allow-Origin", origin)
				methods := s.cfg.AllowMethods
				if methods == "" {
					methods = "GET,POST,HEAD"
				}
				w.Header().Set("Access-Control-Allow-Methods", methods)
				w.Header().Set("Access-Control-Allow-Headers", "X-Requested-With,Content-Type,Accept,Origin")
				w.Header().Add("Vary", "Origin")
			}
		}
		for _, rule := range s.cfg.ResponseHeaders {
			rule.apply(w.Header())
		}
		next.ServeHTTP(w, r)
	})
}

func originAllowed(allowed, origin string) bool {
	for _, a := range strings.Split(allowed, ",") {
		a = strings.TrimSpace(a)
		if a == "*" || strings.EqualFold(a, origin) {
			return true
		}
	}
	return false
}

// HeaderRule is one response.http.headers.config rule: "<action> <Name>:<value>".
type HeaderRule struct {
	Action string // set, add, setDate, addDate
	Name   string
	Value  string
}

func (h HeaderRule) apply(hdr http.Header) {
	switch strings.ToLower(h.Action) {
	case "set":
		hdr.Set(h.Name, h.Value)
	case "add":
		hdr.Add(h.Name, h.Value)
	case "setdate":
		hdr.Set(h.Name, time.Now().UTC().Format(http.TimeFormat))
	case "adddate":
		hdr.Add(h.Name, time.Now().UTC().Format(http.TimeFormat))
	}
}

// Serve serves the API on l until Shutdown; it returns http.ErrServerClosed
// after a clean shutdown.
func (s *Server) Serve(l net.Listener) error { return s.serve(l, s.handler) }

// ServeAdmin serves the /admin endpoints alone on l (admin.listeners)
// until Shutdown.
func (s *Server) ServeAdmin(l net.Listener) error { return s.serve(l, s.adminHandler) }

// ServeMetrics serves GET /metrics alone on l (metrics.listeners) until
// Shutdown.
func (s *Server) ServeMetrics(l net.Listener) error { return s.serve(l, s.metricsHandler) }

func (s *Server) serve(l net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second}
	s.mu.Lock()
	s.servers = append(s.servers, srv)
	s.mu.Unlock()
	return srv.Serve(l)
}

// Shutdown stops every Serve, letting in-flight requests finish within ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	servers := s.servers
	s.mu.Unlock()
	var errs []error
	for _, srv := range servers {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
