// Package launch holds the start-up and shutdown wiring both commands
// share: logging, the worker runtime's settings from worker.properties, the
// REST listeners, the Kafka cluster id, and the signal-driven lifetime.
package launch

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-connect-go/connect/cmd/internal/logging"
	"github.com/kafka-connect-go/connect/connector/plugin"
	"github.com/kafka-connect-go/connect/rest"
	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/worker"
	"github.com/kafka-connect-go/connect/worker/config"
)

// Flags are the command-line options both commands take besides their
// config files.
type Flags struct {
	LogFormat string
	LogLevel  string
	// DebugListener is host:port of the opt-in profiling listener
	// (StartDebug); empty means off.
	DebugListener string
}

// Register adds the flags to fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.LogFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&f.LogLevel, "log-level", "INFO", "root log level: TRACE, DEBUG, INFO, WARN, ERROR")
	fs.StringVar(&f.DebugListener, "debug-listener", "", "host:port to serve Go's /debug/pprof/ profiles on, for profiling "+
		"(off when empty; it exposes the process's internals, so bind it to localhost)")
}

// Logging builds the named loggers of the worker writing to w.
func (f *Flags) Logging(w io.Writer) (*logging.Levels, error) {
	level, ok := logging.ParseLevel(f.LogLevel)
	if !ok {
		return nil, fmt.Errorf("-log-level %q: expected TRACE, DEBUG, INFO, WARN or ERROR", f.LogLevel)
	}
	opts := &slog.HandlerOptions{Level: slog.Level(-8)}
	var h slog.Handler
	switch strings.ToLower(f.LogFormat) {
	case "text":
		h = slog.NewTextHandler(w, opts)
	case "json":
		h = slog.NewJSONHandler(w, opts)
	default:
		return nil, fmt.Errorf("-log-format %q: expected text or json", f.LogFormat)
	}
	return logging.New(h, level), nil
}

// WorkerConfig maps worker.properties onto the Worker's settings.
func WorkerConfig(wc *config.WorkerConfig, workerID string, reg *plugin.Registry, offsets storage.OffsetStore, events worker.Events, log *slog.Logger) worker.Config {
	tr := wc.ConfigTransformer()
	return worker.Config{
		WorkerID:             workerID,
		BootstrapServers:     wc.BootstrapServers,
		ProducerProps:        clientProps(wc, "producer."),
		ConsumerProps:        clientProps(wc, "consumer."),
		AdminProps:           clientProps(wc, "admin."),
		ClientOverridePolicy: wc.ConnectorClientConfigOverridePolicy,
		OffsetFlushInterval:  wc.OffsetFlushInterval,
		OffsetFlushTimeout:   wc.OffsetFlushTimeout,
		TaskShutdownTimeout:  wc.TaskShutdownGracefulTimeout,
		KeyConverter:         wc.KeyConverter.Class,
		KeyConverterProps:    wc.KeyConverter.Config,
		ValueConverter:       wc.ValueConverter.Class,
		ValueConverterProps:  wc.ValueConverter.Config,
		HeaderConverter:      wc.HeaderConverter.Class,
		HeaderConverterProps: wc.HeaderConverter.Config,
		TopicTracking:        wc.TopicTrackingEnable,
		Resolve:              tr.Transform,
		Logger:               log,
		Registry:             reg,
		Offsets:              offsets,
		Events:               events,
	}
}

// clientProps returns the worker's settings for one kind of client: the
// security settings every client inherits (as Java passes the worker's
// un-prefixed config) under the prefixed ones.
func clientProps(wc *config.WorkerConfig, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range wc.Originals() {
		if strings.HasPrefix(k, "security.") || strings.HasPrefix(k, "sasl.") || strings.HasPrefix(k, "ssl.") {
			out[k] = v
		}
	}
	for k, v := range wc.WithPrefix(prefix) {
		out[k] = v
	}
	return out
}

// REST is the bound REST listeners and how the worker advertises itself.
type REST struct {
	Listeners  []net.Listener
	Advertised config.Advertised
	// Admin is true when /admin endpoints are served on Listeners.
	Admin bool
	// AdminListeners serve the /admin endpoints alone (admin.listeners).
	AdminListeners []net.Listener
	// MetricsListeners serve /metrics alone (metrics.listeners; https ones
	// with the REST listeners' TLS settings).
	MetricsListeners []net.Listener
}

// BindREST binds the listeners of worker.properties (port 0 picks a free
// port) and computes the advertised URL and worker id. With
// admin.listeners set, the /admin endpoints are served on those listeners
// only (admin.listeners.https.* or the top-level ssl.* for https ones);
// set to nothing, they are not served at all.
func BindREST(wc *config.WorkerConfig) (*REST, error) {
	out := &REST{Admin: wc.REST.AdminListeners == nil}
	ls, bound, err := bindListeners(wc, "listeners", wc.REST.Listeners, func() (*tls.Config, error) { return restTLS(wc) })
	if err != nil {
		return nil, err
	}
	out.Listeners = ls
	als, _, err := bindListeners(wc, "admin.listeners", wc.REST.AdminListeners, func() (*tls.Config, error) {
		return serverTLS(wc, newAdminSSL(wc))
	})
	if err != nil {
		closeAll(out.Listeners)
		return nil, err
	}
	out.AdminListeners = als
	murls, err := metricsListeners(wc)
	if err != nil {
		closeAll(out.Listeners)
		closeAll(out.AdminListeners)
		return nil, err
	}
	mls, _, err := bindListeners(wc, config.MetricsListenersConfig, murls, func() (*tls.Config, error) { return restTLS(wc) })
	if err != nil {
		closeAll(out.Listeners)
		closeAll(out.AdminListeners)
		return nil, err
	}
	out.MetricsListeners = mls
	adv, err := wc.REST.Advertise(bound)
	if err != nil {
		closeAll(out.Listeners)
		closeAll(out.AdminListeners)
		closeAll(out.MetricsListeners)
		return nil, fmt.Errorf("%s: %w", wc.File, err)
	}
	out.Advertised = adv
	return out, nil
}

// bindListeners binds the URLs of the key named key; https ones get the
// TLS config newTLS builds, once.
func bindListeners(wc *config.WorkerConfig, key string, urls []config.Listener, newTLS func() (*tls.Config, error)) ([]net.Listener, []net.Addr, error) {
	var tlsCfg *tls.Config
	var out []net.Listener
	var bound []net.Addr
	for _, l := range urls {
		nl, err := net.Listen("tcp", l.Addr())
		if err != nil {
			closeAll(out)
			return nil, nil, fmt.Errorf("%s: %s: cannot listen on %s: %w", wc.File, key, l, err)
		}
		bound = append(bound, nl.Addr())
		if l.Scheme == "https" {
			if tlsCfg == nil {
				if tlsCfg, err = newTLS(); err != nil {
					nl.Close()
					closeAll(out)
					return nil, nil, err
				}
			}
			nl = tls.NewListener(nl, tlsCfg)
		}
		out = append(out, nl)
	}
	return out, bound, nil
}

func closeAll(ls []net.Listener) {
	for _, l := range ls {
		l.Close()
	}
}

// RESTConfig maps worker.properties onto the REST server's settings.
func RESTConfig(wc *config.WorkerConfig, r *REST, loggers rest.Loggers, log *slog.Logger) rest.Config {
	rules := make([]rest.HeaderRule, 0, len(wc.REST.ResponseHeaders))
	for _, h := range wc.REST.ResponseHeaders {
		rules = append(rules, rest.HeaderRule{Action: h.Action, Name: h.Name, Value: h.Value})
	}
	return rest.Config{
		TopicTrackingEnabled:      wc.TopicTrackingEnable,
		TopicTrackingResetEnabled: wc.TopicTrackingAllowReset,
		AllowOrigin:               wc.REST.AccessControlAllowOrigin,
		AllowMethods:              wc.REST.AccessControlAllowMethods,
		ResponseHeaders:           rules,
		AdminEnabled:              r.Admin,
		Loggers:                   loggers,
		Logger:                    log,
	}
}

// ClusterID asks Kafka for its cluster id (GET / reports it) with the
// worker's own client settings (security.protocol, sasl.*, ssl.*),
// retrying until ctx ends so a worker started before its broker waits for
// it. Kafka refusing the credentials is not worth waiting for: Java's
// worker stops at once too.
func ClusterID(ctx context.Context, brokers []string, clients *KafkaClients) (string, error) {
	cfg := clients.Clone("connect-cluster-id")
	cfg.Net.DialTimeout = min(cfg.Net.DialTimeout, 5*time.Second)
	var last error
	for {
		id, err := clusterID(brokers, cfg)
		if err == nil {
			return id, nil
		}
		if authFailed(err) {
			return "", fmt.Errorf("kafka at %s refused the worker's credentials (sasl.jaas.config, sasl.mechanism): %w", strings.Join(brokers, ","), err)
		}
		last = err
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("cannot reach kafka at %s: %w", strings.Join(brokers, ","), last)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// authFailed reports a SASL authentication failure, which retrying cannot
// mend.
func authFailed(err error) bool {
	return errors.Is(err, sarama.ErrSASLAuthenticationFailed) || errors.Is(err, sarama.ErrIllegalSASLState) ||
		errors.Is(err, sarama.ErrUnsupportedSASLMechanism)
}

func clusterID(brokers []string, cfg *sarama.Config) (string, error) {
	var errs []error
	for _, addr := range brokers {
		b := sarama.NewBroker(addr)
		if err := b.Open(cfg); err != nil {
			errs = append(errs, err)
			continue
		}
		resp, err := b.GetMetadata(&sarama.MetadataRequest{Version: 5})
		b.Close()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if resp.ClusterID != nil {
			return *resp.ClusterID, nil
		}
		return "", nil
	}
	return "", errors.Join(errs...)
}

// Serve runs the REST server on every listener (the admin listeners with
// the /admin endpoints alone) until one fails or the server is shut down;
// errc gets the first failure (nil after a clean shutdown). The returned function waits for every Serve to return.
func Serve(srv *rest.Server, r *REST) (errc <-chan error, wait func()) {
	ls := r.Listeners
	ch := make(chan error, len(ls)+len(r.AdminListeners)+len(r.MetricsListeners))
	done := make(chan struct{})
	remaining := len(ls) + len(r.AdminListeners) + len(r.MetricsListeners)
	results := make(chan error, remaining)
	for _, l := range ls {
		go func() { results <- srv.Serve(l) }()
	}
	for _, l := range r.AdminListeners {
		go func() { results <- srv.ServeAdmin(l) }()
	}
	for _, l := range r.MetricsListeners {
		go func() { results <- srv.ServeMetrics(l) }()
	}
	go func() {
		defer close(done)
		var first error
		for range remaining {
			err := <-results
			if errors.Is(err, http.ErrServerClosed) {
				err = nil
			}
			if err != nil && first == nil {
				first = err
				ch <- err
			}
		}
		if first == nil {
			ch <- nil
		}
	}()
	return ch, func() { <-done }
}
