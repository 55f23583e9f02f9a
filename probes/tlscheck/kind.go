package tlscheck

import (
	"net/url"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// Kind registers the Certificates and HTTPS pane. Its checks:
//
//   - "tls NAME" for every host in hosts: (but role mail and tls.skip) and
//     "tls NAME:PORT" for every tls.targets entry;
//   - "redirect URL" for apex -> canonical, www -> canonical and tls.redirects;
//   - "mixed-content URL" for canonical_url and tls.pages.
var Kind = probes.Kind{
	Name:    "tls",
	Pane:    probes.PaneTLS,
	Section: "tls",
	Doc:     "certificates (expiry, name, chain, key, CAA), TLS versions, http->https, HSTS, redirect map, mixed content",
	Build:   build,
}

func build(env probes.Env) ([]probes.Check, error) {
	cfg := env.Config
	set, err := decode(cfg)
	if err != nil {
		return nil, err
	}
	now := env.Now
	if now == nil {
		now = time.Now
	}
	p := &policy{
		net: env.Net,
		now: now,
		set: set,
		// Any certificate: the handshake must complete for us to inspect a broken chain.
		// Fresh connections, as a member's first visit.
		client:  env.Net.HTTPClient(netx.HTTPOptions{Timeout: set.Timeout, InsecureSkipVerify: true}),
		apex:    cfg.Domain,
		staging: cfg.Environment == config.Staging,
		hosts:   map[string]config.Host{},
	}
	for _, h := range cfg.Hosts {
		p.hosts[h.Name] = h
	}
	var out []probes.Check
	info := func(name, target string) probes.CheckInfo {
		return probes.CheckInfo{Name: name, Kind: "tls", Pane: probes.PaneTLS, Target: target, Interval: set.Interval, Timeout: set.Timeout}
	}
	for _, h := range cfg.Hosts {
		if h.Role == "mail" || set.skip[h.Name] {
			continue
		}
		u := "https://" + h.Name + "/"
		if hu, err := url.Parse(h.HostURL()); err == nil && hu.Scheme == "https" && strings.EqualFold(hu.Hostname(), h.Name) && hu.Port() == "" {
			u = hu.String()
		}
		out = append(out, &hostCheck{p: p, host: h.Name, port: "443", role: h.Role, web: true, url: u, target: h.Name,
			info: info("tls "+h.Name, h.Name)})
	}
	for _, t := range set.targets {
		name := t.host + ":" + t.port
		out = append(out, &hostCheck{p: p, host: t.host, port: t.port, role: p.role(t.host), target: name,
			info: info("tls "+name, name)})
	}
	for _, r := range set.redirects {
		out = append(out, &redirectCheck{p: p, rule: r, info: info("redirect "+r.from.String(), r.from.String())})
	}
	for _, pg := range set.pages {
		u, _ := url.Parse(pg) // decode checked it
		out = append(out, &pageCheck{p: p, url: u, info: info("mixed-content "+pg, pg)})
	}
	return out, nil
}
