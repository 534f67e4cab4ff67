package rest

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/kafka-connect-go/connect/worker/herder"
)

// ctx bounds a herder call by the request timeout.
func (s *Server) ctx(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
}

// pathVar returns a path variable, unescaped. Routing runs on the escaped
// path (so a name may hold "/" as %2F); variables are decoded here.
func pathVar(r *http.Request, name string) string {
	v := mux.Vars(r)[name]
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}

func connectorVar(r *http.Request) string { return pathVar(r, "connector") }

func (s *Server) taskVar(w http.ResponseWriter, r *http.Request) (herder.TaskID, bool) {
	n, err := strconv.Atoi(pathVar(r, "task"))
	if err != nil {
		s.writeErrorStatus(w, http.StatusNotFound, "HTTP 404 Not Found")
		return herder.TaskID{}, false
	}
	return herder.TaskID{Connector: connectorVar(r), Task: n}, true
}

func (s *Server) serverInfo(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	info, err := s.herder.ServerInfo(ctx)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.HealthTimeout)
	defer cancel()
	if err := s.herder.HealthCheck(ctx); err != nil {
		if !s.herder.Ready() {
			writeJSON(w, http.StatusServiceUnavailable, herder.Health{Status: "starting", Message: "Worker is still starting up."})
			return
		}
		writeJSON(w, http.StatusInternalServerError, herder.Health{Status: "unhealthy", Message: "Worker was unable to handle this request and may be unable to handle other requests."})
		return
	}
	writeJSON(w, http.StatusOK, herder.Health{Status: "healthy", Message: "Worker has completed startup and is ready to handle requests."})
}

func (s *Server) listConnectors(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	names, err := s.herder.Connectors(ctx)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sort.Strings(names)
	expand, ok := r.URL.Query()["expand"]
	if !ok {
		writeJSON(w, http.StatusOK, nonNil(names))
		return
	}
	var wantStatus, wantInfo bool
	for _, e := range expand {
		for _, x := range strings.Split(e, ",") {
			switch x {
			case "status":
				wantStatus = true
			case "info":
				wantInfo = true
			default:
				s.log.Info("ignoring unknown expansion type", "expand", x)
			}
		}
	}
	out := make(map[string]map[string]any, len(names))
	for _, name := range names {
		entry, err := s.expandConnector(ctx, name, wantStatus, wantInfo)
		switch {
		case errors.Is(err, herder.ErrNotFound):
			// Removed while we looked it up: left out, as in Java.
			continue
		case err != nil:
			s.writeError(w, r, err)
			return
		}
		out[name] = entry
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) expandConnector(ctx context.Context, name string, wantStatus, wantInfo bool) (map[string]any, error) {
	entry := map[string]any{}
	if wantStatus {
		st, err := s.herder.ConnectorStatus(ctx, name)
		if err != nil {
			return nil, err
		}
		st.Tasks = nonNil(st.Tasks)
		entry["status"] = st
	}
	if wantInfo {
		info, err := s.herder.ConnectorInfo(ctx, name)
		if err != nil {
			return nil, err
		}
		entry["info"] = info
	}
	return entry, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type createRequest struct {
	Name         *string   `json:"name"`
	Config       configMap `json:"config"`
	InitialState *string   `json:"initial_state"`
}

// parseInitialState maps RUNNING/PAUSED/STOPPED (any case) to a target state.
func parseInitialState(s *string) (herder.TargetState, error) {
	if s == nil {
		return "", nil
	}
	switch strings.ToUpper(strings.TrimSpace(*s)) {
	case "RUNNING":
		return herder.TargetStarted, nil
	case "PAUSED":
		return herder.TargetPaused, nil
	case "STOPPED":
		return herder.TargetStopped, nil
	}
	return "", badRequest(fmt.Sprintf("initial_state %q is not valid: expected RUNNING, PAUSED or STOPPED", *s))
}

// checkName enforces that a config's name matches the connector's and adds it
// when missing, as Java's checkAndPutConnectorConfigName.
func checkName(name string, cfg configMap) error {
	if included, ok := cfg["name"]; ok && included != nil {
		if *included != name {
			return badRequest(fmt.Sprintf("Connector name configuration (%s) doesn't match connector name in the URL (%s)", *included, name))
		}
		return nil
	}
	n := name
	cfg["name"] = &n
	return nil
}

// strictConfig refuses null values with the validation message Java gives.
func (s *Server) strictConfig(ctx context.Context, cfg configMap) (map[string]string, error) {
	out, nulls := cfg.strict()
	if len(nulls) == 0 {
		return out, nil
	}
	infos, err := s.herder.ValidateConnectorConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return nil, herder.InvalidConfigError(infos)
}

func locationOf(r *http.Request, name string) string {
	return baseURL(r) + "/connectors/" + url.PathEscape(name)
}

// baseURL is scheme://host of the request as this worker received it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) createConnector(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req createRequest
	if err := decodeJSON(body, &req); err != nil {
		s.writeError(w, r, unwrapConfigError(err))
		return
	}
	name := ""
	if req.Name != nil {
		name = strings.TrimSpace(*req.Name)
	}
	if req.Config == nil {
		s.writeError(w, r, badRequest(`Request body must have a "config" object holding the connector's configuration`))
		return
	}
	if err := checkName(name, req.Config); err != nil {
		s.writeError(w, r, err)
		return
	}
	target, err := parseInitialState(req.InitialState)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	cfg, err := s.strictConfig(ctx, req.Config)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	_, info, err := s.herder.PutConnectorConfig(ctx, name, cfg, target, false)
	if err != nil {
		s.forwardOrError(w, r, body, nil, err)
		return
	}
	w.Header().Set("Location", locationOf(r, name))
	writeJSON(w, http.StatusCreated, info)
}

func (s *Server) getConnector(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	info, err := s.herder.ConnectorInfo(ctx, connectorVar(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

func (s *Server) deleteConnector(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	if err := s.herder.DeleteConnector(ctx, connectorVar(r)); err != nil {
		s.forwardOrError(w, r, nil, nil, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getConnectorConfig(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	cfg, err := s.herder.ConnectorConfig(ctx, connectorVar(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cfg)
}

func (s *Server) putConnectorConfig(w http.ResponseWriter, r *http.Request) {
	name := connectorVar(r)
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cfgMap, err := decodeConfig(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := checkName(name, cfgMap); err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	cfg, err := s.strictConfig(ctx, cfgMap)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	created, info, err := s.herder.PutConnectorConfig(ctx, name, cfg, "", true)
	if err != nil {
		s.forwardOrError(w, r, body, nil, err)
		return
	}
	status := http.StatusOK
	if created {
		w.Header().Set("Location", locationOf(r, name))
		status = http.StatusCreated
	}
	writeJSON(w, status, info)
}

func (s *Server) patchConnectorConfig(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	patch, err := decodeConfig(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	info, err := s.herder.PatchConnectorConfig(ctx, connectorVar(r), patch)
	if err != nil {
		s.forwardOrError(w, r, body, nil, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

func (s *Server) getConnectorStatus(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	st, err := s.herder.ConnectorStatus(ctx, connectorVar(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st.Tasks = nonNil(st.Tasks)
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) getTaskConfigs(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	tasks, err := s.herder.TaskConfigs(ctx, connectorVar(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(tasks))
}

// getTasksConfig serves the deprecated /tasks-config, keyed "<connector>-<n>".
func (s *Server) getTasksConfig(w http.ResponseWriter, r *http.Request) {
	s.log.Warn("the 'GET /connectors/{connector}/tasks-config' endpoint is deprecated; use 'GET /connectors/{connector}/tasks'")
	ctx, cancel := s.ctx(r)
	defer cancel()
	tasks, err := s.herder.TaskConfigs(ctx, connectorVar(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make(map[string]map[string]string, len(tasks))
	for _, t := range tasks {
		out[t.ID.String()] = t.Config
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) putTaskConfigs(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var configs []map[string]string
	if err := decodeJSON(body, &configs); err != nil {
		s.writeError(w, r, err)
		return
	}
	sig, err := signatureOf(r, body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	if err := s.herder.PutTaskConfigs(ctx, connectorVar(r), configs, sig); err != nil {
		s.forwardOrError(w, r, body, nil, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) fenceZombies(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sig, err := signatureOf(r, body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	if err := s.herder.FenceZombieSourceTasks(ctx, connectorVar(r), sig); err != nil {
		s.forwardOrError(w, r, body, nil, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// signatureOf reads the inter-worker signature headers; nil when absent.
func signatureOf(r *http.Request, body []byte) (*herder.InternalRequestSignature, error) {
	sig := r.Header.Get("X-Connect-Authorization")
	alg := r.Header.Get("X-Connect-Request-Signature-Algorithm")
	if sig == "" && alg == "" {
		return nil, nil
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return nil, badRequest("Internal request signature is not valid base64: " + err.Error())
	}
	return &herder.InternalRequestSignature{Algorithm: alg, Signature: raw, Body: body}, nil
}

func (s *Server) getTaskStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := s.taskVar(w, r)
	if !ok {
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	st, err := s.herder.TaskStatus(ctx, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) restartTask(w http.ResponseWriter, r *http.Request) {
	id, ok := s.taskVar(w, r)
	if !ok {
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	if err := s.herder.RestartTask(ctx, id); err != nil {
		s.forwardOrError(w, r, nil, nil, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// boolParam reads a boolean query parameter as JAX-RS does: absent means
// false; anything but "true" (any case) is false.
func boolParam(r *http.Request, name string) bool {
	return strings.EqualFold(r.URL.Query().Get(name), "true")
}

func (s *Server) restartConnector(w http.ResponseWriter, r *http.Request) {
	name := connectorVar(r)
	includeTasks, onlyFailed := boolParam(r, "includeTasks"), boolParam(r, "onlyFailed")
	ctx, cancel := s.ctx(r)
	defer cancel()
	if !includeTasks && !onlyFailed {
		// The legacy form restarts only the connector instance.
		if err := s.herder.RestartConnector(ctx, name); err != nil {
			s.forwardOrError(w, r, nil, nil, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	plan, err := s.herder.RestartConnectorAndTasks(ctx, name, onlyFailed, includeTasks)
	if err != nil {
		q := url.Values{"includeTasks": {strconv.FormatBool(includeTasks)}, "onlyFailed": {strconv.FormatBool(onlyFailed)}}
		s.forwardOrError(w, r, nil, q, err)
		return
	}
	plan.Tasks = nonNil(plan.Tasks)
	writeJSON(w, http.StatusAccepted, plan)
}

func (s *Server) pauseConnector(w http.ResponseWriter, r *http.Request) {
	s.targetState(w, r, s.herder.PauseConnector, http.StatusAccepted)
}

func (s *Server) resumeConnector(w http.ResponseWriter, r *http.Request) {
	s.targetState(w, r, s.herder.ResumeConnector, http.StatusAccepted)
}

func (s *Server) stopConnector(w http.ResponseWriter, r *http.Request) {
	s.targetState(w, r, s.herder.StopConnector, http.StatusNoContent)
}

func (s *Server) targetState(w http.ResponseWriter, r *http.Request, op func(context.Context, string) error, status int) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	if err := op(ctx, connectorVar(r)); err != nil {
		s.forwardOrError(w, r, nil, nil, err)
		return
	}
	w.WriteHeader(status)
}

type activeTopics struct {
	Topics []string `json:"topics"`
}

func (s *Server) getActiveTopics(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.TopicTrackingEnabled {
		s.writeErrorStatus(w, http.StatusForbidden, "Topic tracking is disabled.")
		return
	}
	name := connectorVar(r)
	ctx, cancel := s.ctx(r)
	defer cancel()
	topics, err := s.herder.ConnectorActiveTopics(ctx, name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sort.Strings(topics)
	writeJSON(w, http.StatusOK, map[string]activeTopics{name: {Topics: nonNil(topics)}})
}

func (s *Server) resetActiveTopics(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.TopicTrackingEnabled {
		s.writeErrorStatus(w, http.StatusForbidden, "Topic tracking is disabled.")
		return
	}
	if !s.cfg.TopicTrackingResetEnabled {
		s.writeErrorStatus(w, http.StatusForbidden, "Topic tracking reset is disabled.")
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	if err := s.herder.ResetConnectorActiveTopics(ctx, connectorVar(r)); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (s *Server) getOffsets(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	offs, err := s.herder.ConnectorOffsets(ctx, connectorVar(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	offs.Offsets = nonNil(offs.Offsets)
	writeJSON(w, http.StatusOK, offs)
}

type message struct {
	Message string `json:"message"`
}

func (s *Server) alterOffsets(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var offs herder.ConnectorOffsets
	if err := decodeJSON(body, &offs); err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(offs.Offsets) == 0 {
		s.writeError(w, r, badRequest("Partitions / offsets need to be provided for an alter offsets request"))
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	msg, err := s.herder.AlterConnectorOffsets(ctx, connectorVar(r), offs)
	if err != nil {
		s.forwardOrError(w, r, body, nil, err)
		return
	}
	writeJSON(w, http.StatusOK, message{msg})
}

func (s *Server) resetOffsets(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	msg, err := s.herder.ResetConnectorOffsets(ctx, connectorVar(r))
	if err != nil {
		s.forwardOrError(w, r, nil, nil, err)
		return
	}
	writeJSON(w, http.StatusOK, message{msg})
}

func (s *Server) listPlugins(w http.ResponseWriter, r *http.Request) {
	connectorsOnly := true
	if v := r.URL.Query().Get("connectorsOnly"); v != "" {
		connectorsOnly = !strings.EqualFold(v, "false")
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	plugins, err := s.herder.ConnectorPlugins(ctx, connectorsOnly)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(plugins))
}

func (s *Server) pluginConfig(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	keys, err := s.herder.ConnectorPluginConfig(ctx, pathVar(r, "plugin"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(keys))
}

// pruneConnector strips a trailing "Connector" the way Java normalizes
// plugin names before comparing them.
func pruneConnector(name string) string {
	if strings.HasSuffix(name, "Connector") && len(name) > len("Connector") {
		return strings.TrimSuffix(name, "Connector")
	}
	return name
}

func (s *Server) validateConfig(w http.ResponseWriter, r *http.Request) {
	plugin := pathVar(r, "plugin")
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cfg, err := decodeConfig(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if class := cfg["connector.class"]; class != nil && !strings.HasSuffix(pruneConnector(*class), pruneConnector(plugin)) {
		s.writeError(w, r, badRequest(fmt.Sprintf("Included connector type %s does not match request type %s", *class, plugin)))
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	infos, err := s.herder.ValidateConnectorConfig(ctx, cfg)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, infos)
}

func (s *Server) listLoggers(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Loggers == nil {
		s.writeErrorStatus(w, http.StatusNotFound, "HTTP 404 Not Found")
		return
	}
	writeJSON(w, http.StatusOK, s.cfg.Loggers.Levels())
}

func (s *Server) getLogger(w http.ResponseWriter, r *http.Request) {
	name := pathVar(r, "logger")
	if s.cfg.Loggers == nil {
		s.writeErrorStatus(w, http.StatusNotFound, "Logger "+name+" not found.")
		return
	}
	lvl, ok := s.cfg.Loggers.Level(name)
	if !ok {
		s.writeErrorStatus(w, http.StatusNotFound, "Logger "+name+" not found.")
		return
	}
	writeJSON(w, http.StatusOK, lvl)
}

func (s *Server) setLogger(w http.ResponseWriter, r *http.Request) {
	name := pathVar(r, "logger")
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	levels, err := decodeConfig(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	lv := levels["level"]
	if lv == nil {
		s.writeError(w, r, badRequest("Desired 'level' parameter was not specified in request."))
		return
	}
	if s.cfg.Loggers == nil || !s.cfg.Loggers.ValidLevel(*lv) {
		// Java answers an unknown level with 404, a quirk tools rely on.
		s.writeErrorStatus(w, http.StatusNotFound, "invalid log level '"+*lv+"'.")
		return
	}
	level := strings.ToUpper(*lv)
	scope := r.URL.Query().Get("scope")
	if strings.EqualFold(scope, "cluster") {
		ctx, cancel := s.ctx(r)
		defer cancel()
		if err := s.herder.SetClusterLoggerLevel(ctx, name, level); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if scope != "" && !strings.EqualFold(scope, "worker") {
		s.log.Warn("invalid logging scope; using worker", "scope", scope)
	}
	writeJSON(w, http.StatusOK, nonNil(s.cfg.Loggers.SetLevel(name, level)))
}
