// Command connect-distributed runs a Kafka Connect worker of a cluster,
// the way Kafka's bin/connect-distributed.sh does:
//
//	connect-distributed [flags] [worker.properties]
//
// Without a worker.properties it configures itself from CONNECT_*
// environment variables, as the confluentinc/cp-kafka-connect image does
// (see package dockerenv); with one, CONNECT_* variables override the keys
// they name.
//
// Workers sharing group.id form one cluster: they keep connector configs,
// source offsets and statuses in the three compacted topics named by
// config.storage.topic, offset.storage.topic and status.storage.topic
// (created when missing), spread connectors and tasks among themselves,
// and take over the work of a worker that dies. Connectors are created and
// managed over the REST API, on any worker.
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

	"golang.org/x/sync/errgroup"

	"github.com/kafka-connect-go/connect/cmd/internal/builtin"
	"github.com/kafka-connect-go/connect/cmd/internal/dockerenv"
	"github.com/kafka-connect-go/connect/cmd/internal/launch"
	"github.com/kafka-connect-go/connect/rest"
	"github.com/kafka-connect-go/connect/storage/kafkalog"
	"github.com/kafka-connect-go/connect/storage/kafkastore"
	"github.com/kafka-connect-go/connect/worker"
	"github.com/kafka-connect-go/connect/worker/config"
	"github.com/kafka-connect-go/connect/worker/distributed"
	"github.com/kafka-connect-go/connect/worker/group"
	"github.com/kafka-connect-go/connect/worker/herder"
)

var _ rest.Herder = (*distributed.Herder)(nil)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "connect-distributed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("connect-distributed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var flags launch.Flags
	flags.Register(fs)
	renderTo := fs.String("env-properties", dockerenv.DefaultPropertiesFile,
		"without a worker.properties: where to write the properties made from the CONNECT_* environment "+
			"(only where its folder exists; empty: nowhere)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: connect-distributed [flags] [worker.properties]")
		fmt.Fprintln(stderr, "without worker.properties, the CONNECT_* environment configures the worker as in cp-kafka-connect")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return errors.New("expected at most one argument: the worker.properties file")
	}
	levels, err := flags.Logging(stderr)
	if err != nil {
		return err
	}
	env := dockerenv.FromEnviron(os.Environ())
	levelFlag := false
	fs.Visit(func(f *flag.Flag) { levelFlag = levelFlag || f.Name == "log-level" })
	if err := dockerenv.ApplyLogLevels(env, levels.Configure, levelFlag, levels.Logger("connect.config")); err != nil {
		return err
	}
	log := levels.Logger("connect")
	dbg, err := launch.StartDebug(flags.DebugListener, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, dbg.Close()) }()

	reg := builtin.Registry(levels.Logger("connect.provider"))
	wc, err := dockerenv.Load(env, dockerenv.Options{File: fs.Arg(0), RenderTo: *renderTo, Mode: config.Distributed,
		Providers: builtin.ProviderFactory(reg), Logger: levels.Logger("connect.config")})
	if err != nil {
		return err
	}
	defer wc.Close()
	d := wc.Distributed
	compat, err := group.ParseCompatibility(d.ConnectProtocol)
	if err != nil {
		return fmt.Errorf("%s: %w", wc.File, err)
	}
	if d.ExactlyOnceSourceSupport == "enabled" {
		return fmt.Errorf("%s: exactly.once.source.support=enabled is not supported by this worker; use disabled or preparing", wc.File)
	}

	// Requests to the leader (forwarded REST calls, task configs) go to its
	// advertised URL, https when its listeners are: they trust what the
	// HTTPS listeners' settings trust, as in Java.
	clientTLS, err := launch.RESTClientTLS(wc)
	if err != nil {
		return err
	}
	toLeader := launch.RESTClient(clientTLS, herder.DefaultRequestTimeout)
	restL, err := launch.BindREST(wc)
	if err != nil {
		return err
	}
	adv := restL.Advertised
	log.Info("worker starting", "mode", "distributed", "group_id", d.GroupID, "worker_id", adv.WorkerID, "url", adv.URL)

	startCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	clients, err := launch.InternalClients(wc)
	if err != nil {
		return err
	}
	clusterID, err := launch.ClusterID(startCtx, wc.BootstrapServers, clients)
	if err != nil {
		return err
	}
	topicLog := func(t config.TopicSettings, suffix string) kafkalog.Config {
		c := clients.Clone(d.GroupID + "-" + suffix)
		return kafkalog.Config{
			Brokers: wc.BootstrapServers, Sarama: c, Topic: t.Name,
			Partitions: int32(t.Partitions), ReplicationFactor: int16(t.ReplicationFactor), TopicConfigs: t.Configs,
			Logger: levels.Logger("connect.storage"),
		}
	}
	offsets, err := kafkastore.NewOffsetStore(topicLog(d.OffsetStorage, "offsets"))
	if err != nil {
		return err
	}
	statuses, err := kafkastore.NewStatusStore(topicLog(d.StatusStorage, "statuses"))
	if err != nil {
		return err
	}
	configs, err := kafkastore.NewConfigStore(topicLog(d.ConfigStorage, "configs"))
	if err != nil {
		return err
	}
	m, metricsHandler, err := launch.Metrics(wc, adv.WorkerID)
	if err != nil {
		return err
	}
	groupClient := launch.OwnMetricRegistry(clients.Clone("connect-" + adv.WorkerID))
	m.AddClient(groupClient.ClientID, launch.ClientStats(groupClient))
	member, err := group.NewMember(group.MemberConfig{
		Brokers: wc.BootstrapServers, Sarama: groupClient,
		GroupID: d.GroupID, URL: adv.URL, Compatibility: compat,
		SessionTimeout: d.SessionTimeout, RebalanceTimeout: d.RebalanceTimeout, HeartbeatInterval: d.HeartbeatInterval,
		MaxDelay: d.ScheduledRebalanceMaxDelay, Config: distributed.ClusterView(configs),
		Logger: levels.Logger("connect.group"),
	})
	if err != nil {
		return fmt.Errorf("%s: %w", wc.File, err)
	}
	h, err := distributed.New(distributed.Config{
		WorkerID: adv.WorkerID, URL: adv.URL, GroupID: d.GroupID,
		Version: builtin.KafkaVersion, Commit: launch.Commit(), ClusterID: clusterID,
		Registry: reg, Configs: configs, Statuses: statuses, Member: member, Rebalance: m.Rebalance(groupClient.ClientID),
		WorkerSyncTimeout: d.WorkerSyncTimeout, WorkerUnsyncBackoff: d.WorkerUnsyncBackoff,
		ScheduledRebalanceMaxDelay: d.ScheduledRebalanceMaxDelay, RebalanceTimeout: d.RebalanceTimeout,
		TaskShutdownTimeout:    wc.TaskShutdownGracefulTimeout,
		KeyGenerationAlgorithm: d.InterWorkerKeyGenerationAlgorithm, KeySize: d.InterWorkerKeySize, KeyTTL: d.InterWorkerKeyTTL,
		SignatureAlgorithm: d.InterWorkerSignatureAlgorithm, VerificationAlgorithms: d.InterWorkerVerificationAlgorithms,
		SetLoggerLevel: levels.SetLevel, TopicTracking: wc.TopicTrackingEnable,
		HTTPClient: toLeader,
		Logger:     levels.Logger("connect.herder"),
	})
	if err != nil {
		return fmt.Errorf("%s: %w", wc.File, err)
	}

	// The three topics are read to their ends before the worker joins the
	// group, in parallel; each is created (compacted) when missing.
	stores := []store{offsets, statuses, configs}
	var g errgroup.Group
	for _, s := range stores {
		g.Go(func() error { return s.Start(startCtx) })
	}
	if err := g.Wait(); err != nil {
		stopStores(stores, log)
		return fmt.Errorf("%s: internal topics: %w", wc.File, err)
	}

	wcfg := launch.WorkerConfig(wc, adv.WorkerID, reg, offsets, h, levels.Logger("connect.worker"))
	wcfg.Metrics = m
	w, err := worker.New(wcfg)
	if err != nil {
		stopStores(stores, log)
		return err
	}
	if err := h.Start(startCtx, w, w); err != nil {
		stopStores(stores, log)
		return fmt.Errorf("joining group %q: %w", d.GroupID, err)
	}
	cancel()

	restCfg := launch.RESTConfig(wc, restL, levels, levels.Logger("connect.rest"))
	restCfg.Forwarder = toLeader
	restCfg.Metrics = metricsHandler
	srv := rest.NewServer(restCfg, h)
	serveErr, waitServe := launch.Serve(srv, restL)
	log.Info("worker started", "url", adv.URL)

	var runErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-serveErr:
		runErr = fmt.Errorf("rest server: %w", err)
	}
	return errors.Join(runErr, shutdown(srv, waitServe, h, stores, wc.TaskShutdownGracefulTimeout, log))
}

// shutdown stops the worker in order: the REST API first (no new work);
// then the herder, which stops every task and connector (they flush and
// commit), writes their last statuses and leaves the group, so the others
// rebalance at once; then the stores.
func shutdown(srv *rest.Server, waitServe func(), h *distributed.Herder, stores []store, grace time.Duration, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace+30*time.Second)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("rest server: %w", err))
	}
	waitServe()
	if err := h.Stop(ctx); err != nil {
		errs = append(errs, fmt.Errorf("herder: %w", err))
	}
	errs = append(errs, stopStores(stores, log))
	if err := errors.Join(errs...); err != nil {
		return err
	}
	log.Info("worker stopped")
	return nil
}

// store is one of the three internal topic stores.
type store interface {
	Start(context.Context) error
	Stop(context.Context) error
}

func stopStores(stores []store, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var g errgroup.Group
	for _, s := range stores {
		g.Go(func() error { return s.Stop(ctx) })
	}
	err := g.Wait()
	if err != nil {
		log.Warn("stopping the internal topic stores", "error", err)
	}
	return err
}
