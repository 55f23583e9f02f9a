package dnscheck

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// hostCheck resolves one configured host as members' resolvers do and holds it against
// the documented map (the host's cname, a, aaaa and proxied).
type hostCheck struct {
	net  *netx.Net
	host config.Host
	name string // fully qualified
	st   Settings
	info probes.CheckInfo
}

// HostData is a host check's detail for the console and reports.
type HostData struct {
	Name       string   `json:"name"`
	Chain      []Hop    `json:"chain,omitempty"`
	Addresses  []string `json:"addresses,omitempty"`
	TTL        uint32   `json:"ttl"`
	Cloudflare bool     `json:"cloudflare"` // every address is in Cloudflare's ranges
	Documented string   `json:"documented,omitempty"`
	Live       string   `json:"live"`
	Resolver   string   `json:"resolver"`
}

func newHostCheck(n *netx.Net, h config.Host, st Settings) *hostCheck {
	name := fqdn(h.Name)
	return &hostCheck{
		net: n, host: h, name: name, st: st,
		info: probes.CheckInfo{Name: "dns " + bare(name), Kind: "dns", Pane: probes.PaneDNS, Target: bare(name)},
	}
}

func (c *hostCheck) Info() probes.CheckInfo { return c.info }

func (c *hostCheck) Run(ctx context.Context) probes.Result {
	a, err := follow(ctx, c.net, c.name, dns.TypeA)
	if err != nil {
		return probes.Result{Err: "could not resolve " + bare(c.name) + ": " + err.Error()}
	}
	var aaaa *chase
	if a.how == resolved || a.how == nodata {
		// The chain is the same for AAAA; ask at its end.
		if aaaa, err = follow(ctx, c.net, a.end, dns.TypeAAAA); err != nil {
			return probes.Result{Err: "could not resolve " + bare(c.name) + " AAAA: " + err.Error()}
		}
	}
	ev := slices.Clone(a.ev)
	var live []netip.Addr
	live = append(live, addrs(a.rrs)...)
	if aaaa != nil {
		ev = append(ev, aaaa.ev...)
		if aaaa.how == resolved {
			live = append(live, addrs(aaaa.rrs)...)
		}
	}
	cf := len(live) > 0 && allCloudflare(live)
	data := HostData{Name: bare(c.name), Chain: a.hops, TTL: a.ttl, Cloudflare: cf, Documented: c.documented(),
		Live: liveText(a, live), Resolver: a.server}
	for _, ip := range live {
		data.Addresses = append(data.Addresses, ip.String())
	}
	res := probes.Result{
		Data: data,
		Metrics: map[string]float64{
			"records":    float64(len(live)),
			"ttl_s":      float64(a.ttl),
			"cname_hops": float64(len(a.hops)),
			"proxied":    b2f(cf),
		},
	}
	for _, ch := range []*chase{a, aaaa} {
		if ch != nil && ch.how == badRcode && ch.rcode == dns.RcodeRefused {
			return probes.Result{Err: fmt.Sprintf("resolver %s refused to answer %s %s (REFUSED): it does not resolve for us; check network.resolvers or --resolver",
				ch.server, bare(ch.end), dns.TypeToString[ch.qtype])}
		}
	}

	switch {
	case a.how == badRcode:
		res.Findings = append(res.Findings, c.servfail(a, ev, c.down()))
	case a.how == loop || a.how == tooLong:
		res.Findings = append(res.Findings, c.brokenChain(a, ev))
	case a.how == nxdomain || (a.how == nodata && len(live) == 0):
		if len(a.hops) > 0 {
			res.Findings = append(res.Findings, c.dangling(a, aaaa, ev))
		} else {
			res.Findings = append(res.Findings, c.unresolvable(a, ev))
		}
	}
	if aaaa != nil && aaaa.how == badRcode && a.how == resolved {
		res.Findings = append(res.Findings, c.servfail(aaaa, ev, probes.Medium))
	}
	// Drift needs something live to compare: a chain (even a dangling one) or addresses.
	if (len(a.hops) > 0 || len(live) > 0) && a.how != loop && a.how != tooLong && a.how != badRcode {
		if f, ok := c.drift(a, live, cf, ev); ok {
			res.Findings = append(res.Findings, f)
		}
	}
	if len(live) > 0 {
		if f, ok := c.private(live, ev); ok {
			res.Findings = append(res.Findings, f)
		}
		if f, ok := c.proxied(live, ev); ok {
			res.Findings = append(res.Findings, f)
		}
	}
	res.Summary = c.summary(a, live, cf, res.Findings)
	return res
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func allCloudflare(ips []netip.Addr) bool {
	for _, ip := range ips {
		if !isCloudflare(ip) {
			return false
		}
	}
	return true
}

func (c *hostCheck) down() probes.Severity { return downSeverity(c.host.Role, c.st) }

// documented is the host's entry in the map, as a record would read.
func (c *hostCheck) documented() string {
	h := c.host
	if h.CNAME != "" {
		return "CNAME " + bare(fqdn(h.CNAME))
	}
	var parts []string
	if len(h.A) > 0 {
		parts = append(parts, "A "+strings.Join(h.A, ", "))
	}
	if len(h.AAAA) > 0 {
		parts = append(parts, "AAAA "+strings.Join(h.AAAA, ", "))
	}
	return strings.Join(parts, "; ")
}

// liveText is what the name resolves to, in the map's terms.
func liveText(a *chase, live []netip.Addr) string {
	var parts []string
	if len(a.hops) > 0 {
		parts = append(parts, "CNAME "+bare(a.hops[0].Target))
		for _, h := range a.hops[1:] {
			parts = append(parts, "-> "+bare(h.Target))
		}
	}
	switch {
	case len(live) > 0:
		var v4, v6 []string
		for _, ip := range live {
			if ip.Is4() {
				v4 = append(v4, ip.String())
			} else {
				v6 = append(v6, ip.String())
			}
		}
		if len(parts) > 0 {
			parts = append(parts, "->")
		}
		var as []string
		if len(v4) > 0 {
			as = append(as, "A "+strings.Join(v4, ", "))
		}
		if len(v6) > 0 {
			as = append(as, "AAAA "+strings.Join(v6, ", "))
		}
		parts = append(parts, strings.Join(as, "; "))
	case a.how == nxdomain:
		parts = append(parts, "(NXDOMAIN)")
	case a.how == nodata:
		parts = append(parts, "(no A or AAAA records)")
	case a.how == badRcode:
		parts = append(parts, "("+dns.RcodeToString[a.rcode]+")")
	case a.how == loop:
		parts = append(parts, "(loop)")
	case a.how == tooLong:
		parts = append(parts, "(chain too long)")
	}
	return strings.Join(parts, " ")
}

func (c *hostCheck) summary(a *chase, live []netip.Addr, cf bool, fs []probes.Finding) string {
	if w := probes.Worst(fs); len(fs) > 0 && w >= probes.High {
		for _, f := range fs {
			if f.Severity == w {
				return f.Title
			}
		}
	}
	s := liveText(a, live)
	if len(live) > 0 {
		s += fmt.Sprintf(" · TTL %d", a.ttl)
	}
	if cf {
		s += " · Cloudflare"
	}
	return s
}

func (c *hostCheck) servfail(ch *chase, ev []string, sev probes.Severity) probes.Finding {
	rc := dns.RcodeToString[ch.rcode]
	q := bare(ch.end) + " " + dns.TypeToString[ch.qtype]
	return finding("dns.servfail", sev, roleImpact(c.host.Role), bare(c.name),
		fmt.Sprintf("%s lookups fail: %s answers %s", what(c.host.Role, c.name), q, rc),
		fmt.Sprintf("The resolver %s answered %s for %s. Members' resolvers most likely fail the same way: the zone's nameservers are down or not answering for it, or its DNSSEC is broken.", ch.server, rc, q),
		rc, "NOERROR with records",
		fmt.Sprintf("Check the zone's nameservers (the zone row of this pane says which answer) and DNSSEC: dig +dnssec %s; if a DS record is published at the registrar for a zone that is no longer signed, remove it.", q), ev)
}

func (c *hostCheck) brokenChain(a *chase, ev []string) probes.Finding {
	chain := chainText(a)
	word := "a CNAME loop"
	if a.how == tooLong {
		word = fmt.Sprintf("more than %d CNAMEs in a row", netx.MaxCNAMEHops)
	}
	return finding("dns.cname-loop", c.down(), roleImpact(c.host.Role), bare(c.name),
		fmt.Sprintf("%s does not resolve: %s", bare(c.name), word),
		fmt.Sprintf("Following the CNAMEs from %s gives %s: %s. Resolvers give up, so members get an error.", bare(c.name), word, chain),
		chain, "a CNAME chain that ends at addresses within a few hops",
		fmt.Sprintf("Point %s straight at its target (one CNAME, or A/AAAA records) at your DNS provider.", bare(c.name)), ev)
}

func chainText(a *chase) string {
	parts := []string{bare(a.name)}
	for _, h := range a.hops {
		parts = append(parts, bare(h.Target))
	}
	return strings.Join(parts, " -> ")
}

func (c *hostCheck) unresolvable(a *chase, ev []string) probes.Finding {
	why := "does not exist (NXDOMAIN)"
	if a.how == nodata {
		why = "has no A or AAAA records"
	}
	fix := fmt.Sprintf("Create the record at your DNS provider, e.g. `%s 300 IN A <address>`, or remove %s from hosts in launchready.yaml if it is gone for good.", c.name, bare(c.name))
	if d := c.documented(); d != "" {
		fix = fmt.Sprintf("Create the documented record at your DNS provider: %s.", c.recordText())
	}
	return finding("dns.unresolvable", c.down(), roleImpact(c.host.Role), bare(c.name),
		fmt.Sprintf("%s does not resolve: %s %s", what(c.host.Role, c.name), bare(c.name), why),
		fmt.Sprintf("The resolver %s says %s %s, so nobody can reach it by name.", a.server, bare(c.name), why),
		liveText(a, nil), orText(c.documented(), "A or AAAA records"), fix, ev)
}

func orText(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// recordText is the documented map as zone-file lines, for fixes.
func (c *hostCheck) recordText() string {
	h := c.host
	if h.CNAME != "" {
		return fmt.Sprintf("`%s 300 IN CNAME %s`", c.name, fqdn(h.CNAME))
	}
	var lines []string
	for _, a := range h.A {
		lines = append(lines, fmt.Sprintf("`%s 300 IN A %s`", c.name, a))
	}
	for _, a := range h.AAAA {
		lines = append(lines, fmt.Sprintf("`%s 300 IN AAAA %s`", c.name, a))
	}
	return strings.Join(lines, " and ")
}

func (c *hostCheck) dangling(a, aaaa *chase, ev []string) probes.Finding {
	last := a.hops[len(a.hops)-1]
	why := "does not exist (NXDOMAIN)"
	if a.how == nodata {
		why = "has no addresses"
	}
	first := a.hops[0]
	fix := fmt.Sprintf("Delete the CNAME `%s %d IN CNAME %s` at your DNS provider now (or point it at a live target you control); then update hosts in launchready.yaml.", first.Name, first.TTL, first.Target)
	detail := fmt.Sprintf("%s is a CNAME to %s, which %s. Whoever registers that name at its provider serves pages, and can read cookies set for the parent domain, on %s: a subdomain takeover.",
		bare(c.name), bare(last.Target), why, bare(c.name))
	if p, ok := providerFor(last.Target); ok {
		detail += fmt.Sprintf(" %s is a %s name: anyone with a %s account can claim it.", bare(last.Target), p.name, p.name)
		fix = fmt.Sprintf("Delete the CNAME `%s %d IN CNAME %s` at your DNS provider now. If the service is still wanted, claim the name back on %s before anyone else does: %s.", first.Name, first.TTL, first.Target, p.name, p.reclaimText(c.name))
	}
	return finding("dns.dangling-cname", probes.Critical, probes.DataExposure, bare(c.name),
		fmt.Sprintf("Dangling CNAME: %s -> %s (%s)", bare(c.name), bare(last.Target), strings.ToUpper(string(a.how))),
		detail, liveText(a, nil), "a CNAME target that exists and is yours", fix, ev)
}

// drift holds the live answer against the documented map.
func (c *hostCheck) drift(a *chase, live []netip.Addr, cf bool, ev []string) (probes.Finding, bool) {
	h := c.host
	doc := c.documented()
	if doc == "" {
		return probes.Finding{}, false
	}
	switch {
	case h.CNAME != "":
		if len(a.hops) > 0 && a.hops[0].Target == fqdn(h.CNAME) {
			return probes.Finding{}, false
		}
	default:
		if h.Proxied != nil && *h.Proxied && cf {
			// Behind Cloudflare the answers are its edge; the origin in a: cannot be seen.
			return probes.Finding{}, false
		}
		if sameAddrs(live, h.A, true) && sameAddrs(live, h.AAAA, false) {
			return probes.Finding{}, false
		}
	}
	obs := liveText(a, live)
	return finding("dns.drift", probes.High, roleImpact(h.Role), bare(c.name),
		fmt.Sprintf("%s points elsewhere than the map: %s, documented %s", bare(c.name), obs, doc),
		fmt.Sprintf("The documented DNS map (hosts in launchready.yaml) says %s should be %s; the resolver %s says %s. Members may be reaching the wrong environment, or the map is out of date.",
			bare(c.name), doc, a.server, obs),
		obs, doc,
		fmt.Sprintf("If the map is right, set %s at your DNS provider (and remove the other records at that name). If the live records are the intended ones, update %s in hosts in launchready.yaml and export the map again (launchready dns export -o FILE).",
			c.recordText(), bare(c.name)), ev), true
}

// sameAddrs compares the live addresses of one family with the documented ones.
func sameAddrs(live []netip.Addr, doc []string, v4 bool) bool {
	var got, want []netip.Addr
	for _, ip := range live {
		if ip.Is4() == v4 {
			got = append(got, ip)
		}
	}
	for _, s := range doc {
		if ip, err := netip.ParseAddr(s); err == nil {
			want = append(want, ip.Unmap())
		}
	}
	slices.SortFunc(want, netip.Addr.Compare)
	return slices.Equal(got, slices.Compact(want))
}

// private flags a public name resolving to an address members cannot reach, in
// production only: staging and the lab live on such addresses by design.
func (c *hostCheck) private(live []netip.Addr, ev []string) (probes.Finding, bool) {
	if !c.st.Production {
		return probes.Finding{}, false
	}
	var bad []string
	for _, ip := range live {
		if notPublic(ip) {
			bad = append(bad, ip.String())
		}
	}
	if len(bad) == 0 {
		return probes.Finding{}, false
	}
	return finding("dns.private-address", probes.High, roleImpact(c.host.Role), bare(c.name),
		fmt.Sprintf("%s resolves to a private address (%s)", bare(c.name), strings.Join(bad, ", ")),
		fmt.Sprintf("%s resolves to %s, which members on the internet cannot reach (private, loopback or link-local). The config says this is production.", bare(c.name), strings.Join(bad, ", ")),
		strings.Join(bad, ", "), "public addresses",
		fmt.Sprintf("Point %s at its public address (or at the load balancer's name) at your DNS provider. If this config is for staging, set environment: staging.", bare(c.name)), ev), true
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

func notPublic(ip netip.Addr) bool {
	return ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() ||
		ip.IsMulticast() || cgnat.Contains(ip)
}

// proxied compares the live addresses with the config's intent (proxied: true/false).
func (c *hostCheck) proxied(live []netip.Addr, ev []string) (probes.Finding, bool) {
	if c.host.Proxied == nil {
		return probes.Finding{}, false
	}
	var in, out []string
	for _, ip := range live {
		if isCloudflare(ip) {
			in = append(in, ip.String())
		} else {
			out = append(out, ip.String())
		}
	}
	ev = append(slices.Clone(ev), fmt.Sprintf("Cloudflare ranges as published on %s: %d of %d addresses inside", CloudflareRangesTaken, len(in), len(live)))
	name := bare(c.name)
	switch {
	case *c.host.Proxied && len(in) == 0:
		return finding("dns.not-proxied", probes.High, probes.Trust, name,
			fmt.Sprintf("%s is not behind Cloudflare's proxy (proxied: true in the config)", name),
			fmt.Sprintf("%s resolves to %s, outside Cloudflare's ranges: traffic goes straight to the origin, without the edge's caching, WAF or DDoS protection, and the origin's address is public.", name, strings.Join(out, ", ")),
			"not proxied: "+strings.Join(out, ", "), "Cloudflare addresses (proxied)",
			fmt.Sprintf("Turn the proxy on (orange cloud) for %s in Cloudflare's DNS settings; if going direct is intended, set proxied: false for it in launchready.yaml.", name), ev), true
	case *c.host.Proxied && len(out) > 0:
		return finding("dns.partly-proxied", probes.High, probes.Trust, name,
			fmt.Sprintf("%s is only partly behind Cloudflare: %s bypasses it", name, strings.Join(out, ", ")),
			fmt.Sprintf("%s resolves to Cloudflare (%s) and also to %s, so some members reach the origin directly.", name, strings.Join(in, ", "), strings.Join(out, ", ")),
			strings.Join(out, ", ")+" outside Cloudflare", "only Cloudflare addresses",
			fmt.Sprintf("Remove the records for %s at %s, or proxy them (orange cloud) in Cloudflare's DNS settings.", name, strings.Join(out, ", ")), ev), true
	case !*c.host.Proxied && len(in) > 0:
		return finding("dns.unexpectedly-proxied", probes.Medium, probes.Support, name,
			fmt.Sprintf("%s is behind Cloudflare's proxy, but the config says proxied: false", name),
			fmt.Sprintf("%s resolves to Cloudflare addresses (%s). Proxying changes caching, timeouts and who may connect (API clients and webhooks can meet challenge pages).", name, strings.Join(in, ", ")),
			"proxied: "+strings.Join(in, ", "), "the origin's own addresses (not proxied)",
			fmt.Sprintf("If the proxy is intended, set proxied: true for %s in launchready.yaml; if not, turn it off (grey cloud) in Cloudflare's DNS settings.", name), ev), true
	}
	return probes.Finding{}, false
}
