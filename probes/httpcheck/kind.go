// Package httpcheck fetches each public host's URL and reports whether members can reach
// it: status, latency and its parts. It is the uptime probe the roadmap asks for
// ("homepage, login page, API health endpoint ... every minute"); the endpoints pane
// deepens it with conditions, sessions and history.
package httpcheck

import (
	"net/http"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// Kind registers the probe. Metrics: status (HTTP status, 0 when none), latency_ms,
// dns_ms, connect_ms, tls_ms, ttfb_ms.
var Kind = probes.Kind{
	Name: "http",
	Pane: probes.PaneEndpoints,
	Doc:  "GET each host's url: reachable, expected status, latency",
	Build: func(env probes.Env) ([]probes.Check, error) {
		cfg := env.Config
		// One client for all hosts: the transport is shared, but keep-alives are off so
		// every check opens a fresh TCP+TLS connection, as a member's first visit does.
		client := env.Net.HTTPClient(netx.HTTPOptions{Timeout: cfg.Checks.Timeout})
		var out []probes.Check
		for _, h := range cfg.Hosts {
			out = append(out, newCheck(h, client, cfg))
		}
		return out, nil
	},
}

func newCheck(h config.Host, client *http.Client, cfg *config.Config) *check {
	c := &check{
		host:   h,
		url:    h.HostURL(),
		client: client,
		info: probes.CheckInfo{
			Name:   "http " + h.Name,
			Kind:   "http",
			Pane:   probes.PaneEndpoints,
			Target: h.HostURL(),
		},
		header: http.Header{"User-Agent": {"launchready (uptime check; +https://github.com/launchready/launchready)"}},
		// Production and lab members see every role; a staging outage bothers no member.
		staging: cfg.Environment == config.Staging,
	}
	for k, v := range h.Headers {
		c.header.Set(k, v)
	}
	for k, s := range h.SecretHeaders {
		c.secret = append(c.secret, secretHeader{k, s})
	}
	return c
}

type secretHeader struct {
	name string
	ref  *config.Secret
}
