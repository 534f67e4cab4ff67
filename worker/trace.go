package worker

import "github.com/kafka-connect-go/connect/worker/tolerance"

// Trace is the trace of a FAILED connector or task status, as the herders
// write it: like Java's, it starts with the Java exception class
// ("org.apache.kafka.connect.errors.ConnectException: ...") and goes on
// with the error and its causes.
func Trace(err error) string { return tolerance.StackTrace(err) }
