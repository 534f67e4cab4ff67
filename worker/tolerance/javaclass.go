package tolerance

import (
	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
	"github.com/kafka-connect-go/connect/connector/data"
)

// The Java exception classes our errors are reported as.
const (
	ConnectException   = "org.apache.kafka.connect.errors.ConnectException"
	DataException      = "org.apache.kafka.connect.errors.DataException"
	RetriableException = "org.apache.kafka.connect.errors.RetriableException"
	ConfigException    = "org.apache.kafka.common.config.ConfigException"
)

// JavaExceptionClass names the Java exception class a Java worker would
// report for err, where users see class names: the
// __connect.errors.exception.class.name header of dead letter queue
// records and the error log. Tools that route dead letter queue records or
// alert on log lines match these names, so every error maps to one of
// Kafka's own exception classes:
//
//	*data.Error              org.apache.kafka.connect.errors.DataException
//	*connector.RetriableError org.apache.kafka.connect.errors.RetriableException
//	*configdef.Error         org.apache.kafka.common.config.ConfigException
//	anything else            org.apache.kafka.connect.errors.ConnectException
//
// Java reports the class of the exception that was thrown, which is the
// outermost one; here the outermost error of a known type in err's chain
// counts (wrapping with fmt.Errorf adds context, not a class). This is the
// one place the mapping lives.
func JavaExceptionClass(err error) string {
	if c := knownClass(err); c != "" {
		return c
	}
	return ConnectException
}

// knownClass walks err's tree depth first, outermost first, and returns the
// class of the first error of a known type, or "".
func knownClass(err error) string {
	if err == nil {
		return ""
	}
	switch err.(type) {
	case *data.Error:
		return DataException
	case *connector.RetriableError:
		return RetriableException
	case *configdef.Error:
		return ConfigException
	case *Error:
		// "Tolerance exceeded in error handler" is a ConnectException
		// whatever it wraps.
		return ConnectException
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return knownClass(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if c := knownClass(e); c != "" {
				return c
			}
		}
	}
	return ""
}

// StackTrace is what the __connect.errors.exception.stacktrace header and
// the trace of a FAILED status hold: Java prints "<class>: <message>" and
// the stack, then each cause; we have no stack, so the class and the
// error's text with every hidden cause (ChainText) stand in for it.
// Scripts that look for Java's exception class in a status find it.
func StackTrace(err error) string {
	return JavaExceptionClass(err) + ": " + ChainText(err)
}
