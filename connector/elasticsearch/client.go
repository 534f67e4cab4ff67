package elasticsearch

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"

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
	// gzips holds the gzip writers (nil until first used) and bounds how
	// many requests are compressed at once (compress).
	gzips chan *gzip.Writer
	stats *sinkStats // nil counts nothing
}

type clientEndpoint struct {
	url  string             // printable: it never holds credentials
	auth configdef.Password // the Authorization header value, empty for none
}

func newClient(s *settings) *client {
	dialer := &net.Dialer{Timeout: s.connectTimeout, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return bodyConn{c}, nil
		},
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
		// A redirect is reported, not followed: Go would turn the POST
		// into a GET without the body.
		http: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
		transport: tr,
		gzip:      s.compression,
	}
	if s.compression {
		n := max(1, min(s.maxInFlight, runtime.GOMAXPROCS(0)))
		c.gzips = make(chan *gzip.Writer, n)
		for range n {
			c.gzips <- nil
		}
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

// response is what an endpoint answered. body lives in the caller's
// scratch buffer: valid until the next post with it.
type response struct {
	status   int
	body     []byte
	location string // Location header of a redirect
}

// trackedBody is a request body over a batch's chunks that says when the
// transport closed it: only then may the chunks be reused (a transport may
// still be reading a body after the response came back, for example after
// an early 413).
type trackedBody struct {
	bufs   [][]byte // read from bufs[i][off:] on; never modified
	i, off int
	once   sync.Once
	closed chan struct{}
}

func (t *trackedBody) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && t.i < len(t.bufs) {
		c := copy(p[n:], t.bufs[t.i][t.off:])
		n += c
		t.off += c
		if t.off == len(t.bufs[t.i]) {
			t.i, t.off = t.i+1, 0
		}
	}
	if n == 0 && t.i == len(t.bufs) {
		return 0, io.EOF
	}
	return n, nil
}

// writeTo writes what is left of the body, at most limit.N bytes, to w
// in one vectored write (writev on a TCP connection): the kernel copies
// straight from the chunks.
func (t *trackedBody) writeTo(w io.Writer, limit *io.LimitedReader) (int64, error) {
	bufs := make(net.Buffers, 0, len(t.bufs)-t.i)
	left := limit.N
	for i, off := t.i, t.off; i < len(t.bufs) && left > 0; i, off = i+1, 0 {
		b := t.bufs[i][off:]
		if int64(len(b)) > left {
			b = b[:left]
		}
		bufs = append(bufs, b)
		left -= int64(len(b))
	}
	n, err := bufs.WriteTo(w)
	limit.N -= n
	for m := n; m > 0 && t.i < len(t.bufs); {
		c := min(m, int64(len(t.bufs[t.i])-t.off))
		t.off += int(c)
		m -= c
		if t.off == len(t.bufs[t.i]) {
			t.i, t.off = t.i+1, 0
		}
	}
	return n, err
}

// bodyConn is a plain connection to Humio that takes a request body
// straight from its chunks. net/http copies a body of known length
// through a 32 KiB buffer, one write call per 32 KiB (it hands the
// connection an io.LimitedReader, which hides any faster way to read);
// this sees through that to a trackedBody. Any other reader, and every
// HTTPS connection (TLS wraps this one), goes the usual way.
type bodyConn struct{ net.Conn }

func (c bodyConn) ReadFrom(r io.Reader) (int64, error) {
	if lr, ok := r.(*io.LimitedReader); ok {
		if tb, ok := lr.R.(*trackedBody); ok {
			return tb.writeTo(c.Conn, lr)
		}
	}
	return io.Copy(c.Conn, r)
}

func (t *trackedBody) Close() error {
	t.once.Do(func() { close(t.closed) })
	return nil
}

// post sends one bulk body to the next endpoint, reading the answer into
// scratch. The error (a connection failure, a timeout) never contains
// credentials; url says where it went. released reports whether the
// transport is done with body, so that its memory may be reused.
func (c *client) post(ctx context.Context, body [][]byte, scratch *bytes.Buffer) (resp response, url string, released bool, err error) {
	ep := c.endpoints[int(c.next.Add(1)-1)%len(c.endpoints)]
	payload := body
	if c.gzip {
		z, err := c.compress(ctx, body)
		if err != nil {
			return resp, ep.url, true, err
		}
		payload = [][]byte{z} // body itself is never handed to the transport
	}
	size, raw := 0, 0
	for _, b := range payload {
		size += len(b)
	}
	for _, b := range body {
		raw += len(b)
	}
	start := time.Now()
	defer func() {
		c.stats.request(raw, size, time.Since(start), err != nil || resp.status < 200 || resp.status >= 300)
	}()
	tb := &trackedBody{bufs: payload, closed: make(chan struct{})}
	defer func() {
		if c.gzip {
			released = true
			return
		}
		select {
		case <-tb.closed:
			released = true
		default:
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.url, tb)
	if err != nil {
		return resp, ep.url, released, fmt.Errorf("building the request: %w", err)
	}
	req.ContentLength = int64(size)
	req.Header.Set("Content-Type", "application/x-ndjson")
	if c.gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	if !ep.auth.IsEmpty() {
		req.Header.Set("Authorization", ep.auth.Value())
	}
	hr, err := c.http.Do(req)
	if err != nil {
		return resp, ep.url, released, err
	}
	resp.status = hr.StatusCode
	resp.location = hr.Header.Get("Location")
	err = readResponse(hr, scratch)
	hr.Body.Close()
	if err != nil {
		return resp, ep.url, released, fmt.Errorf("reading the response (HTTP %d): %w", hr.StatusCode, err)
	}
	resp.body = scratch.Bytes()
	// The transport closes the request body once it is written, which is
	// before the response was read in all but odd cases: wait briefly.
	if !c.gzip {
		select {
		case <-tb.closed:
		default:
			t := time.NewTimer(100 * time.Millisecond)
			select {
			case <-tb.closed:
			case <-t.C:
			case <-ctx.Done():
			}
			t.Stop()
		}
	}
	return resp, ep.url, released, nil
}

// responsePrefix is how much of a response is read before deciding
// whether the rest is needed: Elasticsearch and Humio write "errors" right
// after "took", in the first few dozen bytes.
const responsePrefix = 512

// readResponse reads the response body into scratch — only its start when
// that is a success with "errors":false, which is all a caller looks at
// then: the items of a large batch's answer (about a hundred bytes per
// event) are drained without being kept.
func readResponse(hr *http.Response, scratch *bytes.Buffer) error {
	scratch.Reset()
	body := io.LimitReader(hr.Body, maxResponseBytes)
	if _, err := scratch.ReadFrom(io.LimitReader(body, responsePrefix)); err != nil {
		return err
	}
	if hr.StatusCode >= 200 && hr.StatusCode < 300 {
		if errs, found := bulkErrorsFlag(scratch.Bytes()); found && !errs {
			return drain(body, scratch)
		}
	}
	_, err := scratch.ReadFrom(body)
	return err
}

// drain reads the rest of r, so the connection is reused, into the spare
// room of scratch (64 KiB, kept from one response to the next), which is
// left as it was: large reads, few system calls, nothing kept.
func drain(r io.Reader, scratch *bytes.Buffer) error {
	scratch.Grow(64 << 10)
	room := scratch.AvailableBuffer()
	room = room[:cap(room)]
	for {
		if _, err := r.Read(room); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// compress gzips body. Compressing is all CPU, so no more requests are
// compressed at once than there are CPUs (or senders): more would not be
// faster.
//
// The compression is klauspost/compress's stateless deflate: each chunk
// of the body is compressed on its own, with working memory taken from a
// pool only for that, and nothing kept between requests. compress/gzip at
// BestSpeed keeps about 1.2 MB per writer (its window and hash chains),
// which with a writer per CPU in every task was the largest part of the
// worker's memory with gzip on; this is also twice as fast. Chunks are 32
// KiB of whole events, as large as deflate's window: a log event still
// shrinks about 13 times (BestSpeed: 16).
//
// The output is not reused, since it is the request body.
func (c *client) compress(ctx context.Context, body [][]byte) ([]byte, error) {
	var w *gzip.Writer
	select {
	case w = <-c.gzips:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { c.gzips <- w }()
	size := 0
	for _, b := range body {
		size += len(b)
	}
	// Room for a tenth of the body: log events compress far better than
	// that, and the buffer grows for anything that does not.
	out := bytes.NewBuffer(make([]byte, 0, size/10+64))
	if w == nil {
		w, _ = gzip.NewWriterLevel(out, gzip.StatelessCompression)
	} else {
		w.Reset(out)
	}
	for _, b := range body {
		_, _ = w.Write(b) // writes to a bytes.Buffer cannot fail
	}
	_ = w.Close()
	return out.Bytes(), nil
}

func (c *client) close() { c.transport.CloseIdleConnections() }
