// Package netx is the one resolver and dialer every probe uses.
//
// Probes never call net.Dial, net.LookupHost or http.DefaultClient: they go
// through a *Net, so that launchready.yaml's `network` section (resolvers,
// connect_to overrides, an extra CA) points real probes at the built-in lab,
// a staging box or loopback test servers, and so that a hostile network ends
// in an error within a timeout instead of a hang.
package netx

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// Defaults for the zero Config; named so error messages and docs agree.
const (
	DefaultDNSTimeout  = 2 * time.Second
	DefaultDialTimeout = 5 * time.Second
	DefaultResolvConf  = "/etc/resolv.conf"
	// fallbackResolver is asked when the system configuration names no
	// server, which is also what the C library does.
	fallbackResolver = "127.0.0.1:53"
)

// Config is what launchready.yaml's `network` section and --resolver give
// us. The zero value means "behave like the machine we run on".
type Config struct {
	// Resolvers are the DNS servers to ask, as "ip:port" (a bare IP means
	// port 53). Empty means the system's, read from ResolvConf.
	Resolvers []string
	// ConnectTo maps "host:port" to "addr:port" for every dial (TLS, HTTP,
	// SMTP), like curl --connect-to: the TLS server name and Host header
	// stay those of the original host, only the TCP destination changes.
	ConnectTo map[string]string
	// CAFile is a PEM file of extra trusted roots (a staging CA), added to
	// the system pool rather than replacing it.
	CAFile string
	// DNSTimeout bounds each query attempt to one server; default 2s.
	DNSTimeout time.Duration
	// DialTimeout bounds resolving and connecting together; default 5s.
	DialTimeout time.Duration
	// ResolvConf is the file read when Resolvers is empty; default
	// /etc/resolv.conf. A field so tests can point it elsewhere.
	ResolvConf string
}

// Net holds everything probes need to reach the network. It has no
// package-level state, so tests can build as many as they like, and it is
// safe for concurrent use by many probes.
type Net struct {
	resolvers []string // "ip:port", asked in order
	// custom is true when the operator named resolvers: only then does
	// DialContext resolve through them instead of the system's resolver,
	// which also honours /etc/hosts.
	custom      bool
	resolvHint  string // where to look when a resolver fails, for errors
	connectTo   map[string]string
	roots       *x509.CertPool
	chains      *chainCache
	dnsTimeout  time.Duration
	dialTimeout time.Duration
	dialer      net.Dialer

	// transports are shared by every client with the same options, so a
	// check costs a handshake, not a new transport and CA pool.
	mu         sync.Mutex
	transports map[transportKey]*http.Transport
}

// New checks cfg and builds a Net. Every problem in cfg is reported, not
// just the first, each saying what is wrong, with which value, and what to
// do, because the operator reading it may be half asleep.
func New(cfg Config) (*Net, error) {
	n := &Net{
		dnsTimeout:  cfg.DNSTimeout,
		dialTimeout: cfg.DialTimeout,
		connectTo:   map[string]string{},
		transports:  map[transportKey]*http.Transport{},
	}
	var errs []error
	if n.dnsTimeout == 0 {
		n.dnsTimeout = DefaultDNSTimeout
	} else if n.dnsTimeout < 0 {
		errs = append(errs, fmt.Errorf("network: DNS timeout %s is negative: leave it unset for the default of %s", cfg.DNSTimeout, DefaultDNSTimeout))
	}
	if n.dialTimeout == 0 {
		n.dialTimeout = DefaultDialTimeout
	} else if n.dialTimeout < 0 {
		errs = append(errs, fmt.Errorf("network: dial timeout %s is negative: leave it unset for the default of %s", cfg.DialTimeout, DefaultDialTimeout))
	}
	// KeepAlive -1: a probe's connection lives for one check, seconds at most, so TCP
	// keep-alive probes would never be sent; turning it off saves four setsockopt calls per
	// connection (a tenth of an HTTPS check's syscalls). Nothing on the wire changes.
	n.dialer = net.Dialer{Timeout: n.dialTimeout, KeepAlive: -1}

	if len(cfg.Resolvers) > 0 {
		n.custom = true
		n.resolvHint = "Check network.resolvers or --resolver"
		for _, r := range cfg.Resolvers {
			addr, err := parseResolver(r)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			n.resolvers = append(n.resolvers, addr)
		}
	} else {
		path := cfg.ResolvConf
		if path == "" {
			path = DefaultResolvConf
		}
		n.resolvers = systemResolvers(path)
		n.resolvHint = fmt.Sprintf("These come from %s; set network.resolvers or --resolver to ask another server", path)
	}

	keys := make([]string, 0, len(cfg.ConnectTo))
	for k := range cfg.ConnectTo {
		keys = append(keys, k)
	}
	slices.Sort(keys) // report problems in a stable order
	for _, k := range keys {
		v := cfg.ConnectTo[k]
		from, err := parseHostPort(k)
		if err != nil {
			errs = append(errs, fmt.Errorf("network.connect_to key %q: %v: write it as host:port, e.g. \"app.acme.example:443\"", k, err))
			continue
		}
		if _, err := parseHostPort(v); err != nil {
			errs = append(errs, fmt.Errorf("network.connect_to %q -> %q: %v: write the target as addr:port, e.g. \"127.0.0.1:8443\"", k, v, err))
			continue
		}
		n.connectTo[from] = v
	}

	roots, err := loadRoots(cfg.CAFile)
	if err != nil {
		errs = append(errs, err)
	}
	n.roots = roots
	n.chains = newChainCache(roots, time.Now)

	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return n, nil
}

// Resolvers returns the DNS servers this Net asks, in order, so a screen can
// say which resolver an answer came from and where that list came from.
func (n *Net) Resolvers() []string { return slices.Clone(n.resolvers) }

// parseResolver accepts "ip:port" or a bare IP. A resolver must be an IP:
// finding it by name would need the very DNS it is meant to provide.
func parseResolver(s string) (string, error) {
	if ip, err := netip.ParseAddr(s); err == nil {
		return net.JoinHostPort(ip.String(), "53"), nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", fmt.Errorf("network.resolvers entry %q is not ip:port (%v): write it like \"127.0.0.1:5353\" or \"[::1]:53\"", s, err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return "", fmt.Errorf("network.resolvers entry %q names a host, not an IP address: give the server's IP (e.g. \"127.0.0.1:5353\"), since finding it by name would need DNS", s)
	}
	if _, err := parsePort(port); err != nil {
		return "", fmt.Errorf("network.resolvers entry %q: %v: DNS servers usually listen on port 53", s, err)
	}
	return net.JoinHostPort(ip.String(), port), nil
}

// parseHostPort checks a "host:port" and returns it normalised (lower-case
// host, no trailing dot) so connect_to matches however a probe spells it.
func parseHostPort(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", fmt.Errorf("not host:port (%v)", err)
	}
	if host == "" {
		return "", errors.New("the host is empty")
	}
	if _, err := parsePort(port); err != nil {
		return "", err
	}
	return net.JoinHostPort(normHost(host), port), nil
}

func parsePort(p string) (int, error) {
	v, err := strconv.Atoi(p)
	if err != nil || v < 1 || v > 65535 {
		return 0, fmt.Errorf("port %q is not a number from 1 to 65535", p)
	}
	return v, nil
}

func normHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

// systemResolvers reads the servers from a resolv.conf. An unreadable or
// empty file means 127.0.0.1:53, which is what the C library assumes too;
// the error message of a failed query then says where the list came from.
func systemResolvers(path string) []string {
	cc, err := dns.ClientConfigFromFile(path)
	if err != nil || len(cc.Servers) == 0 {
		return []string{fallbackResolver}
	}
	out := make([]string, 0, len(cc.Servers))
	for _, s := range cc.Servers {
		out = append(out, net.JoinHostPort(s, cc.Port))
	}
	return out
}
