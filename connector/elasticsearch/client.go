package elasticsearch

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kafka-connect-go/connect/connector/configdef"
)

// maxResponseBytes bounds how much of a response is read: a bulk response
// has one small item per event, so even 100,000 events fit.
const maxResponseBytes = 64 << 20

// client posts bulk bodies to the configured endpoints in turn, so requests
// spread over them and a retry goes to the next one.
type client struct {
	endpoints []clientEndpoint
	http      *http.Client
	transport *http.Transport
	gzip      bool
	next      atomic.Uint64
	gzipPool  sync.Pool // *gzip.Writer
}

type clientEndpoint struct {
	url  string             // printable: it never holds credentials
	auth configdef.Password // the Authorization header value, empty for none
}

func newClient(s *settings) *client {
	dialer := &net.Dialer{Timeout: s.connectTimeout, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		DialContext:           dialer.DialContext,
		TLSClientConfig:       s.tls,
		TLSHandshakeTimeout:   s.connectTimeout,
		ResponseHeaderTimeout: s.readTimeout,
		IdleConnTimeout:       s.idleTimeout,
		MaxIdleConnsPerHost:   s.maxInFlight + 1,
		ExpectContinueTimeout: time.Second,
		// Responses are small; asking for gzip would only cost CPU.
		DisableCompression: true,
	}
	if s.proxy != nil {
		tr.Proxy = http.ProxyURL(s.proxy)
	}
	c := &client{
		http:      &http.Client{Transport: tr},
		transport: tr,
		gzip:      s.compression,
	}
	for _, ep := range s.endpoints {
		ce := clientEndpoint{url: ep.url.String()}
		switch {
		case !s.token.IsEmpty():
			ce.auth = configdef.NewPassword("Bearer " + s.token.Value())
		case s.username != "" || !s.password.IsEmpty():
			ce.auth = basicAuth(s.username, s.password.Value())
		case ep.user != nil:
			pw, _ := ep.user.Password()
			ce.auth = basicAuth(ep.user.Username(), pw)
		}
		c.endpoints = append(c.endpoints, ce)
	}
	return c
}

func basicAuth(user, password string) configdef.Password {
	return configdef.NewPassword("Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password)))
}

// response is what an endpoint answered.
type response struct {
	status int
	body   []byte
}

// post sends one bulk body to the next endpoint. The error (a connection
// failure, a timeout) never contains credentials; url says where it went.
func (c *client) post(ctx context.Context, body []byte) (resp response, url string, err error) {
	ep := c.endpoints[int(c.next.Add(1)-1)%len(c.endpoints)]
	var reader io.Reader = bytes.NewReader(body)
	size := int64(len(body))
	if c.gzip {
		z := c.compress(body)
		reader, size = bytes.NewReader(z), int64(len(z))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.url, reader)
	if err != nil {
		return resp, ep.url, fmt.Errorf("building the request: %w", err)
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/x-ndjson")
	if c.gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	if !ep.auth.IsEmpty() {
		req.Header.Set("Authorization", ep.auth.Value())
	}
	hr, err := c.http.Do(req)
	if err != nil {
		return resp, ep.url, err
	}
	defer hr.Body.Close()
	resp.status = hr.StatusCode
	resp.body, err = io.ReadAll(io.LimitReader(hr.Body, maxResponseBytes))
	if err != nil {
		return resp, ep.url, fmt.Errorf("reading the response (HTTP %d): %w", hr.StatusCode, err)
	}
	return resp, ep.url, nil
}

// compress gzips body at BestSpeed: the cheapest level still shrinks log
// data several times. Writers are pooled (each holds about 1 MB of state);
// the output is not, since the transport may still read a request body
// after the response came back.
func (c *client) compress(body []byte) []byte {
	out := bytes.NewBuffer(make([]byte, 0, len(body)/4+64))
	w, _ := c.gzipPool.Get().(*gzip.Writer)
	if w == nil {
		w, _ = gzip.NewWriterLevel(out, gzip.BestSpeed)
	} else {
		w.Reset(out)
	}
	_, _ = w.Write(body) // writes to a bytes.Buffer cannot fail
	_ = w.Close()
	c.gzipPool.Put(w)
	return out.Bytes()
}

func (c *client) close() { c.transport.CloseIdleConnections() }
