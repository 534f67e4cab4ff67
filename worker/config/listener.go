package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// Listener is one entry of listeners or admin.listeners.
type Listener struct {
	// Scheme is "http" or "https" (lower case whatever the config said).
	Scheme string
	// Host is the interface to bind: "" for all of them. An IPv6 address
	// is kept without brackets.
	Host string
	// Port is the TCP port; 0 binds a free port when the server starts.
	Port int
}

// listenerPattern is the format Java's RestServer accepts: any scheme text,
// "://", an optional "[", host characters (IPv6 colons included), an
// optional "]", ":" and a port.
var listenerPattern = regexp.MustCompile(`^(.*)://\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$`)

// ParseListener parses a listener URL. Its errors carry Java's texts.
func ParseListener(s string) (Listener, error) {
	m := listenerPattern.FindStringSubmatch(s)
	if m == nil {
		return Listener{}, errors.New("Listener doesn't have the right format (protocol://hostname:port).")
	}
	scheme := strings.ToLower(m[1])
	if scheme != "http" && scheme != "https" {
		return Listener{}, errors.New(`Listener protocol must be either "http" or "https".`)
	}
	port, err := strconv.Atoi(m[3])
	if err != nil || port < 0 || port > 65535 {
		// Java leaves this to Jetty, which fails when it binds.
		return Listener{}, errors.New("Listener port must be between 0 and 65535.")
	}
	return Listener{Scheme: scheme, Host: m[2], Port: port}, nil
}

// Addr is the address to give net.Listen ("[::1]:8083", ":8083").
func (l Listener) Addr() string { return net.JoinHostPort(l.Host, strconv.Itoa(l.Port)) }

// String renders the listener as a URL ("http://[::1]:8083").
func (l Listener) String() string { return l.Scheme + "://" + l.Addr() }

// Advertised is how other workers and clients reach this worker.
type Advertised struct {
	// URL ends with "/", as Java's does: "http://connect-1:8083/".
	URL string
	// WorkerID is host:port without scheme ("connect-1:8083"), the
	// worker_id of statuses and the member's identity in the group.
	WorkerID string
}

// Advertise computes the advertised URL and worker id as Kafka does.
// bound holds the address each of r.Listeners actually bound, in order;
// it is needed only when a listener asked for port 0 (pass nil
// otherwise).
//
// The scheme is rest.advertised.listener, else http if any listener is
// http, else https. The listener used is the first one with that scheme.
// The host is rest.advertised.host.name, else that listener's host, else
// the first listener's, else (all interfaces) this machine's address, as
// Java's InetAddress.getLocalHost does. The port is rest.advertised.port,
// else the listener's configured port, else the port it bound.
func (r REST) Advertise(bound []net.Addr) (Advertised, error) {
	return r.advertise(bound, localHostAddress)
}

func (r REST) advertise(bound []net.Addr, localHost func() (string, error)) (Advertised, error) {
	if len(r.Listeners) == 0 {
		return Advertised{}, errors.New("no listeners to advertise")
	}
	scheme := r.AdvertisedListener
	if scheme == "" {
		scheme = "http"
		if !r.hasScheme("http") && r.hasScheme("https") {
			scheme = "https"
		}
	}
	idx := 0 // Jetty's server URI comes from the first listener
	found := false
	for i, l := range r.Listeners {
		if l.Scheme == scheme {
			idx, found = i, true
			break
		}
	}
	l := r.Listeners[idx]

	host := r.AdvertisedHostName
	if host == "" {
		host = l.Host
	}
	if host == "" {
		host = r.Listeners[0].Host
	}
	if host == "" {
		h, err := localHost()
		if err != nil {
			return Advertised{}, fmt.Errorf("advertising the REST URL: the listener binds all interfaces and rest.advertised.host.name is not set: %w", err)
		}
		host = h
	}

	port := r.AdvertisedPort
	if port == 0 && found && l.Port > 0 {
		port = l.Port
	}
	if port == 0 {
		if idx < len(bound) && bound[idx] != nil {
			p, err := portOf(bound[idx])
			if err != nil {
				return Advertised{}, fmt.Errorf("advertising the REST URL: listener %s bound %s: %w", l, bound[idx], err)
			}
			port = p
		} else if l.Port > 0 {
			port = l.Port
		}
	}
	if port == 0 {
		return Advertised{}, fmt.Errorf("advertising the REST URL: listener %s asks for any port and its bound address was not given", l)
	}
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		host = "[" + host + "]"
	}
	id := host + ":" + strconv.Itoa(port)
	return Advertised{URL: scheme + "://" + id + "/", WorkerID: id}, nil
}

func (r REST) hasScheme(s string) bool {
	for _, l := range r.Listeners {
		if l.Scheme == s {
			return true
		}
	}
	return false
}

func portOf(a net.Addr) (int, error) {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.Port, nil
	}
	_, p, err := net.SplitHostPort(a.String())
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(p)
}

// localHostAddress is Java's InetAddress.getLocalHost().getHostAddress():
// the address this machine's host name resolves to (IPv4 preferred), or
// the host name itself when it does not resolve.
func localHostAddress() (string, error) {
	name, err := os.Hostname()
	if err != nil {
		return "", err
	}
	addrs, err := net.LookupHost(name)
	if err != nil || len(addrs) == 0 {
		return name, nil
	}
	for _, a := range addrs {
		if ip := net.ParseIP(a); ip != nil && ip.To4() != nil {
			return a, nil
		}
	}
	return addrs[0], nil
}
