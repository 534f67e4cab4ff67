package sink

import (
	"net"
	"sync"
	"time"
)

// conns dials the consumer's broker connections and remembers them, so a
// hard stop can close them. sarama holds a broker's lock for a whole
// request, JoinGroup included, which the coordinator may keep waiting until
// every member rejoins (up to the rebalance timeout); neither the client's
// nor the group's Close can interrupt it, but closing the socket does.
type conns struct {
	dialer net.Dialer

	mu     sync.Mutex
	open   map[*trackedConn]struct{}
	closed bool
}

func newConns(timeout, keepAlive time.Duration, local net.Addr) *conns {
	return &conns{
		dialer: net.Dialer{Timeout: timeout, KeepAlive: keepAlive, LocalAddr: local},
		open:   map[*trackedConn]struct{}{},
	}
}

// Dial implements sarama's proxy.Dialer (sarama wraps TLS around it).
func (c *conns) Dial(network, addr string) (net.Conn, error) {
	conn, err := c.dialer.Dial(network, addr)
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: conn, owner: c}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		conn.Close()
		return nil, net.ErrClosed
	}
	c.open[tc] = struct{}{}
	return tc, nil
}

// closeAll closes every connection and refuses new ones.
func (c *conns) closeAll() {
	c.mu.Lock()
	c.closed = true
	open := c.open
	c.open = map[*trackedConn]struct{}{}
	c.mu.Unlock()
	for tc := range open {
		tc.Conn.Close()
	}
}

type trackedConn struct {
	net.Conn
	owner *conns
}

func (t *trackedConn) Close() error {
	t.owner.mu.Lock()
	delete(t.owner.open, t)
	t.owner.mu.Unlock()
	return t.Conn.Close()
}
