package data

// Error reports data that does not fit its schema, or a value that cannot be
// converted: the counterpart of Java's DataException. Error-handling code
// recognises it with errors.As and reports it under that Java class name.
type Error struct {
	Msg string
	Err error // the cause, if any
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted message.
func Errorf(format string, args ...any) error {
	return &Error{Msg: sprintf(format, args...)}
}
