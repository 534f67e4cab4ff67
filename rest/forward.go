package rest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/kafka-connect-go/connect/worker/herder"
)

// forwardOrError answers a request the local herder refused with a
// *herder.NotLeaderError by relaying it to the worker that can serve it. It
// reports whether it wrote the response; when err is another error it does
// nothing and the caller writes the error.
//
// Hops are limited as in Java: a user request (no "forward" parameter) may
// be forwarded with forward=true; a forwarded request may go once more with
// forward=false; a request with forward=false is answered 409.
func (s *Server) forwardOrError(w http.ResponseWriter, r *http.Request, body []byte, extraQuery url.Values, err error) {
	var nl *herder.NotLeaderError
	if !errors.As(err, &nl) {
		s.writeError(w, r, err)
		return
	}
	if nl.URL == "" {
		s.writeErrorStatus(w, http.StatusConflict, "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.")
		return
	}
	next := "true"
	switch r.URL.Query().Get("forward") {
	case "true":
		next = "false"
	case "false":
		s.writeErrorStatus(w, http.StatusConflict, "Cannot complete request because of a conflicting operation (e.g. worker rebalance)")
		return
	}
	q := url.Values{}
	for k, v := range extraQuery {
		q[k] = v
	}
	q.Set("forward", next)
	target := strings.TrimSuffix(nl.URL, "/") + r.URL.EscapedPath() + "?" + q.Encode()
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
	defer cancel()
	req, rerr := http.NewRequestWithContext(ctx, r.Method, target, bytes.NewReader(body))
	if rerr != nil {
		s.writeErrorStatus(w, http.StatusInternalServerError, "IO Error trying to forward REST request: "+rerr.Error())
		return
	}
	req.Header.Set("User-Agent", "kafka-connect")
	req.Header.Set("Accept", "application/json")
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	// Only the caller's credentials and the inter-worker signature travel on.
	for _, h := range []string{"Authorization", "X-Connect-Authorization", "X-Connect-Request-Signature-Algorithm"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	s.log.Debug("forwarding rest request", "method", r.Method, "path", r.URL.Path, "to", nl.URL)
	resp, ferr := s.cfg.Forwarder.Do(req)
	if ferr != nil {
		s.writeErrorStatus(w, http.StatusInternalServerError, "IO Error trying to forward REST request: "+ferr.Error())
		return
	}
	defer resp.Body.Close()
	respBody, ferr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if ferr != nil {
		s.writeErrorStatus(w, http.StatusInternalServerError, "IO Error trying to forward REST request: "+ferr.Error())
		return
	}
	if v := resp.Header.Get("Content-Type"); v != "" {
		w.Header().Set("Content-Type", v)
	}
	if v := resp.Header.Get("Location"); v != "" {
		// Java builds Location from the URI of the request it received, so
		// a forwarded create points at this worker, not the leader.
		if u, err := url.Parse(v); err == nil {
			v = baseURL(r) + u.EscapedPath()
		}
		w.Header().Set("Location", v)
	}
	if resp.StatusCode >= 400 && !isErrorBody(respBody) {
		s.writeErrorStatus(w, resp.StatusCode, fmt.Sprintf("Unexpected status code when forwarding request: %d", resp.StatusCode))
		return
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(respBody)
}

// isErrorBody reports whether an error answer is already Connect's error JSON.
func isErrorBody(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{' && bytes.Contains(b, []byte(`"error_code"`))
}
