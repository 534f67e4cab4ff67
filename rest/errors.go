package rest

import (
	"context"
	"errors"
	"net/http"

	"github.com/kafka-connect-go/connect/worker/herder"
)

// errorBody is Connect's error entity.
type errorBody struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// statusError carries an HTTP status decided by the REST layer itself
// (a bad body, a forwarded error).
type statusError struct {
	status int
	msg    string
}

func (e *statusError) Error() string { return e.msg }

func badRequest(msg string) error { return &statusError{http.StatusBadRequest, msg} }

// statusOf maps an error to the HTTP status the Java worker answers with.
func statusOf(err error) int {
	var se *statusError
	switch {
	case errors.As(err, &se):
		return se.status
	case errors.Is(err, herder.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, herder.ErrAlreadyExists), errors.Is(err, herder.ErrConflict),
		errors.Is(err, herder.ErrRebalanceInProgress):
		return http.StatusConflict
	case errors.Is(err, herder.ErrBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, herder.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, herder.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// writeError is the one place errors become HTTP answers.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	msg := err.Error()
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		msg = "Request timed out"
	case errors.Is(err, context.Canceled):
		msg = "Request interrupted"
	}
	if status >= 500 {
		s.log.Error("rest request failed", "method", r.Method, "path", r.URL.Path, "status", status, "error", err)
	}
	s.writeErrorStatus(w, status, msg)
}

func (s *Server) writeErrorStatus(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{ErrorCode: status, Message: msg})
}
