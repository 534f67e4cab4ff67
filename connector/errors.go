package connector

import (
	"errors"
	"fmt"
)

// RetriableError marks a failure that may succeed if tried again: Put's batch
// is redelivered, Poll is called again, a conversion is retried under
// errors.retry.timeout.
type RetriableError struct {
	Err error
}

func (e *RetriableError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *RetriableError) Unwrap() error { return e.Err }

// Retriable wraps err as a *RetriableError.
func Retriable(err error) error {
	if err == nil {
		return nil
	}
	return &RetriableError{Err: err}
}

// Retriablef returns a *RetriableError with a formatted message.
func Retriablef(format string, args ...any) error {
	return &RetriableError{Err: fmt.Errorf(format, args...)}
}

// IsRetriable reports whether err is or wraps a *RetriableError.
func IsRetriable(err error) bool {
	var r *RetriableError
	return errors.As(err, &r)
}
