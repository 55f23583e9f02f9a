package perf

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

// HTTP/2 multiplexes a page's assets over one connection; over HTTP/1.1 a browser opens
// six per host and queues the rest, which a page of forty assets feels on every first
// visit. HTTP/3 (advertised in Alt-Svc; a browser switches on a later request) is noted,
// not required: it is an edge feature to turn on, not a fault. A page answered over plain
// http is HTTP/1.1 in every browser (browsers speak HTTP/2 only over TLS): turning HTTP/2
// on would change nothing, and a key page without HTTPS is a different problem, the
// Certificates pane's and the launch bar's "SSL on every public route". The protocol line
// says so; no http1-only finding is raised for it.

// protocolNote is the page detail's protocol line: "HTTP/2.0 · HTTP/3 advertised (Alt-Svc:
// h3=":443"; ma=86400)".
func protocolNote(d PageDetail) string {
	s := d.Proto
	if d.plain {
		s += " · plain http (browsers speak HTTP/2 only over HTTPS)"
	}
	switch {
	case d.HTTP3:
		s += " · HTTP/3 advertised (Alt-Svc: " + d.AltSvc + ")"
	case d.AltSvc != "":
		s += " · Alt-Svc: " + d.AltSvc + " (no HTTP/3)"
	default:
		s += " · no HTTP/3 advertised"
	}
	return s
}

// http1Only is the low finding for a page served over HTTP/1.x over TLS on a host members
// and visitors reach (any role but admin: an admin console's few users do not feel it).
func (c *pageCheck) http1Only(d *PageDetail) []tuned {
	if !strings.HasPrefix(d.Proto, "HTTP/1") || d.plain {
		return nil
	}
	u, err := url.Parse(c.url)
	if err != nil || hostRole(c.cfg, u.Hostname()) == "admin" {
		return nil
	}
	p95 := 0.0
	if n := len(d.Assets); n > 6 {
		// The seventh asset on waits for one of six connections: a round of the slowest.
		p95 = maxTTFB(d.Assets)
	}
	return []tuned{{c.finding("perf.http1-only", probes.Low, probes.Onboarding,
		fmt.Sprintf("%s is served over %s only", u.Hostname(), d.Proto),
		fmt.Sprintf("%s answered over %s, though the check's TLS handshake offered h2 (ALPN): a browser fetches at most six of the page's %d assets at once and queues the rest.", c.url, d.Proto, len(d.Assets)),
		d.Proto, "HTTP/2 (and HTTP/3 advertised with Alt-Svc)",
		"Turn on HTTP/2 at the edge or the web server (Cloudflare: on by default when proxied; nginx: listen 443 ssl; http2 on;), and HTTP/3 where the CDN offers it.",
		nil), TuningItem{P95SavedMs: p95, Effect: effect("", 0, p95) + " on a first visit (fewer queued requests)"}}}
}

func hostRole(c *config.Config, host string) string {
	for _, h := range c.Hosts {
		if strings.EqualFold(h.Name, host) {
			return strings.ToLower(h.Role)
		}
	}
	return ""
}
