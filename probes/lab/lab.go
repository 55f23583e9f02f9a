// Package lab stands up a small product's internet presence inside the
// process, on loopback: authoritative and recursive DNS, HTTPS sites with
// certificates from a lab CA, plain-HTTP sites and an application log file.
//
// The real probes run against it unchanged, through the project's network
// overrides (network.resolvers = Lab.DNSAddr, network.connect_to =
// Lab.ConnectTo, network.ca_file = Lab.CAFile), which is what makes pane
// tests and `launchready demo` exercise the same code as production. Worlds
// and their faults are data (Scenario); nothing listens beyond 127.0.0.1.
package lab

import (
	"crypto/tls"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// File names inside Lab.Dir.
const (
	caFileName  = "lab-ca.pem"
	logFileName = "app.log"
)

// Lab is a running scenario. Its exported fields are what a probe
// configuration needs to reach it; they are set by Start and must not be
// changed.
type Lab struct {
	// Domain is the scenario's apex, e.g. "acme.example".
	Domain string
	// DNSAddr is "127.0.0.1:port", serving UDP and TCP on the same port:
	// the resolver probes are pointed at.
	DNSAddr string
	// CAFile is the PEM of the lab's root CA, written in Dir: the extra
	// trusted root probes are given.
	CAFile string
	// ConnectTo maps "host:443" and "host:80" to "127.0.0.1:port" for every
	// site, like curl --connect-to. A closed port (Site.NoHTTPS, NoHTTP)
	// maps to a loopback port that refuses connections. It also maps every
	// nameserver named by an NS record in the lab's zones ("ns1.acme.example:53")
	// to DNSAddr, so a probe that asks a zone's authoritative servers directly
	// reaches the lab's DNS, which is authoritative for all of them.
	ConnectTo map[string]string
	// RDAPURL is the lab registry's RDAP base URL (https://RDAPHost/), "" when the
	// scenario has no Registrations: network.rdap_url under --lab.
	RDAPURL string
	// LogFile is the application log the errors pane tails.
	LogFile string
	// Dir holds the lab's files.
	Dir string
	// Env is the scenario's lab-only values for env: secret references
	// (Scenario.Env); `--lab` resolves references from it when the real
	// environment does not set them.
	Env map[string]string

	name   string
	tables map[tableKey]*routeTable
	auth   *auth
	web    []*webServer
	closed []*closedPort
	dns    *dnsServer
	mail   *mailWorld    // nil when the scenario has no Mail
	zones  *liveZones    // what dns answers from; SetRecords replaces it
	done   chan struct{} // closed by Close: delayed answers stop waiting

	logMu     sync.Mutex
	closeOnce sync.Once
	closeErr  error
}

// tableKey names one listener's routes.
type tableKey struct {
	host  string
	https bool
}

// Start stands the scenario up: it generates the CA and the sites'
// certificates, writes CAFile and LogFile into dir (created if missing), and
// starts every listener on 127.0.0.1:0. On error nothing is left running.
func Start(sc Scenario, dir string) (*Lab, error) {
	if dir == "" {
		return nil, fmt.Errorf("lab: %w", ErrNoDir)
	}
	if err := sc.validate(); err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	zones, err := parseZones(sc.Zones)
	if err != nil {
		return nil, fmt.Errorf("lab: scenario %q: %w", sc.Name, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("lab: creating the lab's directory: %w", err)
	}
	now := sc.Now
	if now.IsZero() {
		now = time.Now()
	}
	ca, err := newAuthority(now)
	if err != nil {
		return nil, fmt.Errorf("lab: generating the lab CA: %w", err)
	}

	l := &Lab{
		Domain:    canonicalHost(sc.Domain),
		CAFile:    filepath.Join(dir, caFileName),
		ConnectTo: map[string]string{},
		LogFile:   filepath.Join(dir, logFileName),
		Dir:       dir,
		name:      sc.Name,
		tables:    map[tableKey]*routeTable{},
		done:      make(chan struct{}),
		Env:       maps.Clone(sc.Env),
	}
	var routes []Route
	for _, s := range sc.Sites {
		routes = append(append(routes, s.HTTPS...), s.HTTP...)
	}
	l.auth = newAuth(sc.Users, routes)
	if err := os.WriteFile(l.CAFile, ca.rootPEM(), 0o600); err != nil {
		return nil, fmt.Errorf("lab: writing the CA file: %w", err)
	}
	if err := writeLog(l.LogFile, sc.LogLines); err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	l.zones = &liveZones{spec: slices.Clone(sc.Zones), set: zones}
	if l.dns, err = startDNS(l.zones); err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	l.DNSAddr = l.dns.addr
	for _, ns := range zones.nameservers() {
		l.ConnectTo[net.JoinHostPort(ns, "53")] = l.DNSAddr
	}
	sites := sc.Sites
	if len(sc.Registrations) > 0 {
		sites = append(slices.Clip(sites), rdapSite(sc.Registrations, now))
		l.RDAPURL = "https://" + RDAPHost + "/"
	}
	// The mail world starts before the sites, whose mailer routes submit to it.
	if err := l.startMail(ca, sc.Mail); err != nil {
		l.Close()
		return nil, fmt.Errorf("lab: scenario %q: mail: %w", sc.Name, err)
	}
	for _, s := range sites {
		if err := l.startSite(ca, s); err != nil {
			l.Close()
			return nil, fmt.Errorf("lab: scenario %q: site %s: %w", sc.Name, s.Host, err)
		}
	}
	l.watchRelease(sc.Release)
	return l, nil
}

// startSite opens the site's two ports, or reserves refusing ones.
func (l *Lab) startSite(ca *authority, s Site) error {
	host := canonicalHost(s.Host)
	if s.NoHTTPS {
		if err := l.refuse(host + ":443"); err != nil {
			return err
		}
	} else {
		cert, err := ca.leaf(host, s.Cert)
		if err != nil {
			return err
		}
		conf := &tls.Config{
			Certificates: []tls.Certificate{cert},
			MinVersion:   s.Cert.MinTLS,
			MaxVersion:   s.Cert.MaxTLS,
		}
		if err := l.serve(host, true, l.table(s.HTTPS, ""), conf); err != nil {
			return err
		}
	}
	if s.NoHTTP {
		return l.refuse(host + ":80")
	}
	upgrade := ""
	if len(s.HTTP) == 0 {
		upgrade = host
	}
	return l.serve(host, false, l.table(s.HTTP, upgrade), nil)
}

// table makes a listener's routes, sharing the lab's accounts and sessions.
func (l *Lab) table(routes []Route, upgradeTo string) *routeTable {
	t := newRouteTable(routes, upgradeTo, l.done)
	t.auth = l.auth
	if l.mail != nil {
		t.mailer = l.mail.mailer()
	}
	return t
}

func (l *Lab) serve(host string, https bool, t *routeTable, conf *tls.Config) error {
	ws, err := serveWeb(t, conf)
	if err != nil {
		return err
	}
	l.web = append(l.web, ws)
	l.tables[tableKey{host, https}] = t
	port := "80"
	if https {
		port = "443"
	}
	l.ConnectTo[net.JoinHostPort(host, port)] = ws.addr
	return nil
}

func (l *Lab) refuse(hostPort string) error {
	p, err := reserveClosedPort()
	if err != nil {
		return err
	}
	l.closed = append(l.closed, p)
	l.ConnectTo[hostPort] = p.addr
	return nil
}

// SetRoute changes a site's behaviour live: it adds r to the site's HTTPS
// (https true) or plain HTTP routes, replacing the route with the same Path
// and Method. The demo and tests use it to flip a site from healthy to
// failing and back. Safe for concurrent use with requests and other calls.
//
// The host and listener must exist in the scenario and r must be valid:
// anything else is a mistake in the calling code, and SetRoute panics
// saying which.
func (l *Lab) SetRoute(host string, https bool, r Route) {
	if err := r.validate(); err != nil {
		panic(fmt.Sprintf("lab: SetRoute(%q): %v", host, err))
	}
	t, ok := l.tables[tableKey{canonicalHost(host), https}]
	if !ok {
		panic(fmt.Sprintf("lab: SetRoute: scenario %q has no %s listener for %q (listeners: %s)",
			l.name, scheme(https), host, strings.Join(l.listeners(), ", ")))
	}
	t.set(r)
}

func (l *Lab) listeners() []string {
	var out []string
	for k := range l.tables {
		out = append(out, scheme(k.https)+"://"+k.host)
	}
	slices.Sort(out)
	return out
}

func scheme(https bool) string {
	if https {
		return "https"
	}
	return "http"
}

// Close stops every listener and the DNS server, waits for their goroutines
// and releases every port. The files in Dir are left for the caller (tests'
// t.TempDir removes them). Safe to call more than once; later calls return
// the first call's result.
func (l *Lab) Close() error {
	l.closeOnce.Do(func() {
		close(l.done)
		var errs []error
		for _, ws := range l.web {
			errs = append(errs, ws.close())
		}
		if l.dns != nil {
			errs = append(errs, l.dns.close())
		}
		if l.mail != nil {
			errs = append(errs, l.mail.close())
		}
		for _, p := range l.closed {
			errs = append(errs, p.close())
		}
		if err := errors.Join(errs...); err != nil {
			l.closeErr = fmt.Errorf("lab: closing: %w", err)
		}
	})
	return l.closeErr
}
