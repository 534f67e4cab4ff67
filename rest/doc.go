// Package rest serves the Kafka Connect REST API on gorilla/mux: the same
// paths, JSON bodies and status codes as the Java worker, so users' curl
// commands and tooling work unchanged.
//
// Each route and method has its own handler; every handler calls the Herder
// interface declared here (implemented by worker/standalone and
// worker/distributed) and turns errors into Connect's error body
// {"error_code":<status>,"message":"..."} in exactly one function, writeError.
// When a herder answers *herder.NotLeaderError the request is forwarded to
// the worker that can serve it, as the Java worker does (at most two hops,
// steered by the hidden "forward" query parameter).
package rest
