// Command connect-standalone runs a Kafka Connect worker on its own, the
// way Kafka's bin/connect-standalone.sh does:
//
//	connect-standalone [flags] worker.properties [connector.properties|connector.json ...]
//
// Connector configs given on the command line are created at start-up;
// more can be created over the REST API (they live only as long as the
// process, as in Java). Source offsets are kept in
// offset.storage.file.filename, in the Java worker's file format.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kafka-connect-go/connect/cmd/internal/builtin"
	"github.com/kafka-connect-go/connect/cmd/internal/launch"
	"github.com/kafka-connect-go/connect/rest"
	"github.com/kafka-connect-go/connect/storage/filestore"
	"github.com/kafka-connect-go/connect/storage/memstore"
	"github.com/kafka-connect-go/connect/worker"
	"github.com/kafka-connect-go/connect/worker/config"
	"github.com/kafka-connect-go/connect/worker/herder"
	"github.com/kafka-connect-go/connect/worker/standalone"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "connect-standalone:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("connect-standalone", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var flags launch.Flags
	flags.Register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: connect-standalone [flags] worker.properties [connector.properties|connector.json ...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return errors.New("no worker.properties given")
	}
	levels, err := flags.Logging(stderr)
	if err != nil {
		return err
	}
	log := levels.Logger("connect")
	dbg, err := launch.StartDebug(flags.DebugListener, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, dbg.Close()) }()

	reg := builtin.Registry(levels.Logger("connect.provider"))
	wc, err := config.Load(fs.Arg(0), config.Standalone, builtin.ProviderFactory(reg), levels.Logger("connect.config"))
	if err != nil {
		return err
	}
	defer wc.Close()
	// Read the connector files before starting anything, so a typo fails
	// fast and names its file.
	var requests []herder.CreateRequest
	for _, path := range fs.Args()[1:] {
		req, err := readConnectorFile(path)
		if err != nil {
			return err
		}
		requests = append(requests, req)
	}

	restL, err := launch.BindREST(wc)
	if err != nil {
		return err
	}
	log.Info("worker starting", "mode", "standalone", "worker_id", restL.Advertised.WorkerID, "url", restL.Advertised.URL)

	clients, err := launch.InternalClients(wc)
	if err != nil {
		return err
	}
	startCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	clusterID, err := launch.ClusterID(startCtx, wc.BootstrapServers, clients)
	cancel()
	if err != nil {
		return err
	}

	offsets := filestore.New(wc.Standalone.OffsetStorageFileFilename)
	if err := offsets.Start(ctx); err != nil {
		return fmt.Errorf("offset.storage.file.filename: %w", err)
	}
	configs, statuses := memstore.NewConfigStore(), memstore.NewStatusStore()
	if err := configs.Start(ctx); err != nil {
		return err
	}
	if err := statuses.Start(ctx); err != nil {
		return err
	}

	h := standalone.New(standalone.Config{
		WorkerID: restL.Advertised.WorkerID, Version: builtin.KafkaVersion, Commit: launch.Commit(),
		ClusterID: clusterID, Registry: reg, Configs: configs, Statuses: statuses,
		SetLoggerLevel: levels.SetLevel, TopicTracking: wc.TopicTrackingEnable,
		Logger: levels.Logger("connect.herder"),
	})
	m, metricsHandler, err := launch.Metrics(wc, restL.Advertised.WorkerID)
	if err != nil {
		return err
	}
	wcfg := launch.WorkerConfig(wc, restL.Advertised.WorkerID, reg, offsets, h, levels.Logger("connect.worker"))
	wcfg.Metrics = m
	w, err := worker.New(wcfg)
	if err != nil {
		return err
	}
	h.SetOffsets(w)
	h.Start(w)

	restCfg := launch.RESTConfig(wc, restL, levels, levels.Logger("connect.rest"))
	restCfg.Metrics = metricsHandler
	srv := rest.NewServer(restCfg, h)
	serveErr, waitServe := launch.Serve(srv, restL)

	var startErr error
	for _, req := range requests {
		if _, _, err := h.PutConnectorConfig(ctx, req.Name, req.Config, req.InitialState, false); err != nil {
			startErr = fmt.Errorf("connector %q: %w", req.Name, err)
			break
		}
		log.Info("connector created", "connector", req.Name)
	}

	if startErr == nil {
		log.Info("worker started", "listeners", restL.Advertised.URL)
		select {
		case <-ctx.Done():
			log.Info("shutting down")
		case err := <-serveErr:
			startErr = fmt.Errorf("rest server: %w", err)
		}
	}
	return errors.Join(startErr, shutdown(srv, waitServe, h, offsets, wc.TaskShutdownGracefulTimeout, log))
}

// shutdown stops the worker in order: the REST API first (no new work),
// then every task and connector (flushing and committing), then the stores.
func shutdown(srv *rest.Server, waitServe func(), h *standalone.Herder, offsets *filestore.OffsetStore, grace time.Duration, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace+30*time.Second)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("rest server: %w", err))
	}
	waitServe()
	if err := h.Stop(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stopping connectors: %w", err))
	}
	if err := offsets.Stop(ctx); err != nil {
		errs = append(errs, fmt.Errorf("offsets file: %w", err))
	}
	if len(errs) == 0 {
		log.Info("worker stopped")
	}
	return errors.Join(errs...)
}
