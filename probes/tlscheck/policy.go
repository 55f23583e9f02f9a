package tlscheck

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// policy is what every check of the pane shares: the network, the clock, the thresholds
// and what the config says about each host. Built once per config, read-only after.
type policy struct {
	net     *netx.Net
	client  *http.Client // redirects off, any certificate (we verify ourselves), fresh connections
	now     func() time.Time
	set     *settings
	apex    string
	staging bool
	hosts   map[string]config.Host
}

// userAgent says who is asking, so an operator reading access logs knows.
const userAgent = "launchready (certificate check; +https://github.com/launchready/launchready)"

// role is what a host is for, by name; pages and redirects on hosts not in the config
// count as the app's.
func (p *policy) role(host string) string {
	if h, ok := p.hosts[strings.ToLower(host)]; ok && h.Role != "" {
		return h.Role
	}
	return "app"
}

// header builds the request headers for a host: its configured headers and secret
// headers (a staging site behind basic auth), resolved at request time. Secret values
// go to the server and nowhere else: no evidence line repeats a request header.
func (p *policy) header(host string) http.Header {
	hd := http.Header{"User-Agent": {userAgent}}
	h, ok := p.hosts[strings.ToLower(host)]
	if !ok {
		return hd
	}
	for k, v := range h.Headers {
		hd.Set(k, v)
	}
	for k, s := range h.SecretHeaders {
		hd.Set(k, s.Value())
	}
	return hd
}

// down is the severity of a fault that stops members using a host: critical for the
// app, the API and the front door, high for admin and status pages; high at most on
// staging, where no member is affected.
func (p *policy) down(role string) probes.Severity {
	sev := probes.High
	switch role {
	case "", "app", "api", "www", "marketing":
		sev = probes.Critical
	}
	return p.cap(sev)
}

// cap keeps staging findings at high or below.
func (p *policy) cap(sev probes.Severity) probes.Severity {
	if p.staging && sev > probes.High {
		return probes.High
	}
	return sev
}

// impact is what a host's fault costs, by what the host is for (the same reading as the
// Endpoints pane, so one host's findings rank together).
func impact(role string) probes.Impact {
	switch role {
	case "api":
		return probes.Revenue
	case "admin", "other":
		return probes.Support
	case "status", "mail":
		return probes.Trust
	}
	return probes.Onboarding
}

// canonicalHost is the host of canonical_url.
func (p *policy) canonicalHost() string {
	if p.set.canonical == nil {
		return ""
	}
	return strings.ToLower(p.set.canonical.Hostname())
}

// finding is a Finding with the common fields filled; the runner fills pane and check.
func finding(id string, sev probes.Severity, imp probes.Impact, target, title, detail, observed, expected, fix string, ev []string) probes.Finding {
	return probes.Finding{ID: id, Severity: sev, Impact: imp, Target: target, Title: title, Detail: detail,
		Observed: observed, Expected: expected, Fix: fix, Evidence: ev}
}

// hostOf is a URL's host name, lower-cased, without port.
func hostOf(u *url.URL) string { return strings.ToLower(u.Hostname()) }
