package discovery

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/dnscheck"
	"github.com/launchready/launchready/probes/netx"
	"github.com/launchready/launchready/probes/subdomains"
)

// CopiesKind looks, on the same clock as the DNS pane's undocumented-names check
// (dns.discover.every, hourly by default), for the app served under a name other than the
// canonical URL's: a staging copy left indexable, an old name, the platform's default
// domain. It sits in the DNS pane because a copy is a question of names (which names
// answer, where their CNAMEs lead) and its fix is a redirect or a deleted record, not an
// endpoint's uptime.
//
// Check "copies DOMAIN" reads the names the DNS pane knows: hosts:, dns.discover.names,
// what discovery kept in the state folder (discovered.json, written by `init` and
// `audit`) and, unless dns.discover.dictionary is false, the dictionary's names that
// answer (a wildcard's echoes left out), plus every CNAME target on their chains, where a
// platform's default domain shows. The dictionary is what lets it find a copy before
// anyone ran discovery, as the undocumented-names check does.
// Finding: dns.duplicate-copy, one per copy. Metrics: copies, names_read. Data: CopiesData.
var CopiesKind = probes.Kind{
	Name: copiesKindName,
	Pane: copiesPane,
	Doc:  "the app served under another name (staging, an old name, the platform's default domain) without a redirect, rel=canonical or noindex",
	// The dns section (dns.discover) is the DNS pane's; this kind reads it, the dns kind
	// decodes and reports its errors.
	Build: buildCopies,
}

const (
	copiesKindName = "copies"
	copiesPane     = probes.PaneDNS
)

// CopyFindingID is the copies finding's id; the audit lists these findings apart.
const CopyFindingID = "dns.duplicate-copy"

// copiesTimeout bounds one run: about 160 names resolved 8 at a time, then at most 64
// pages read 4 at a time. Generous, since it runs hourly.
const copiesTimeout = 2 * time.Minute

// copiesResolveConcurrency bounds the lookups in flight, as the undocumented-names check.
const copiesResolveConcurrency = 8

// CopiesData is the copies check's detail for the console and reports.
type CopiesData struct {
	Canonical string `json:"canonical"`
	Read      int    `json:"read"` // names that answered with addresses and were compared
	Copies    []Copy `json:"copies,omitempty"`
}

type copiesCheck struct {
	net       *netx.Net
	canonical string
	zone      string // fully qualified
	hosts     []string
	names     []string // dns.discover.names
	stateDir  string
	dict      bool
	info      probes.CheckInfo
}

func buildCopies(env probes.Env) ([]probes.Check, error) {
	cfg := env.Config
	if cfg.CanonicalURL == "" || cfg.Domain == "" {
		return nil, nil // config validation says what is missing
	}
	st, err := dnscheck.LoadSettings(cfg)
	if err != nil {
		return nil, nil // the dns kind reports the dns section's errors, once
	}
	c := &copiesCheck{net: env.Net, canonical: cfg.CanonicalURL, zone: fqdn(cfg.Domain), stateDir: env.StateDir,
		names: st.Discover.Names, dict: st.Discover.Dictionary}
	for _, h := range cfg.Hosts {
		c.hosts = append(c.hosts, h.Name)
	}
	c.info = probes.CheckInfo{Name: "copies " + bare(c.zone), Kind: copiesKindName, Pane: copiesPane, Target: bare(c.zone),
		Interval: st.Discover.Every, Timeout: copiesTimeout}
	return []probes.Check{c}, nil
}

func (c *copiesCheck) Info() probes.CheckInfo { return c.info }

// copyCandidate is a name to resolve and where it came from.
type copyCandidate struct {
	name   string // bare, lower-case
	source string
}

// candidates lists the names to resolve, each once, and a note when discovered.json could
// not be read.
func (c *copiesCheck) candidates() ([]copyCandidate, string) {
	var out []copyCandidate
	seen := map[string]bool{}
	add := func(n, source string) {
		n = bare(strings.ToLower(strings.TrimSpace(n)))
		if n != "" && !seen[n] && !strings.HasPrefix(n, "*.") {
			seen[n] = true
			out = append(out, copyCandidate{name: n, source: source})
		}
	}
	for _, h := range c.hosts {
		add(h, "hosts")
	}
	for _, n := range c.names {
		add(n, "dns.discover.names")
	}
	note := ""
	found, err := subdomains.LoadFound(c.stateDir)
	switch {
	case err == nil && fqdn(found.Domain) == c.zone:
		for _, n := range found.Names {
			add(n.Name, "discovered ("+cmp.Or(n.Source, "discovery")+")")
		}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		note = err.Error()
	}
	if c.dict {
		for _, l := range subdomains.Dictionary() {
			add(l.Label+"."+bare(c.zone), "dictionary")
		}
	}
	return out, note
}

// resolved is a candidate's address lookup: the CNAME chain after the name, and the
// addresses at its end.
type resolved struct {
	cand  copyCandidate
	chain []string // bare CNAME targets in order
	addrs []netip.Addr
}

func (r resolved) signature() string {
	end := ""
	if len(r.chain) > 0 {
		end = r.chain[len(r.chain)-1]
	}
	ips := make([]string, 0, len(r.addrs))
	for _, a := range r.addrs {
		ips = append(ips, a.String())
	}
	slices.Sort(ips)
	return end + " " + strings.Join(ips, ",")
}

func (c *copiesCheck) Run(ctx context.Context) probes.Result {
	res := probes.Result{Target: bare(c.zone)}
	cands, note := c.candidates()
	wild := ""
	if w, ok := addressChain(ctx, c.net, "lr-copies-"+randomLabel()+"."+bare(c.zone)); ok {
		wild = w.signature()
	}
	got := make([]resolved, len(cands))
	ok := make([]bool, len(cands))
	sem := make(chan struct{}, copiesResolveConcurrency)
	var wg sync.WaitGroup
	for i, cand := range cands {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			got[i], ok[i] = addressChain(ctx, c.net, cand.name)
			got[i].cand = cand
		})
	}
	wg.Wait()

	// Names to read, and how each was reached: the name itself, then its CNAME targets.
	var read []string
	how := map[string]string{}
	add := func(n, why string) {
		if _, dup := how[n]; !dup {
			how[n] = why
			read = append(read, n)
		}
	}
	for i, r := range got {
		if !ok[i] || (r.cand.source == "dictionary" && wild != "" && r.signature() == wild) {
			continue // absent, or only a wildcard's echo nobody created
		}
		add(r.cand.name, r.cand.source)
		for j, t := range r.chain {
			add(t, fmt.Sprintf("CNAME target of %s (%s)", strings.Join(append([]string{r.cand.name}, r.chain[:j]...), " -> "), r.cand.source))
		}
	}
	copies, err := Copies(ctx, c.net, c.canonical, read)
	if err != nil {
		res.Err = err.Error()
		return res
	}
	data := CopiesData{Canonical: c.canonical, Read: len(read), Copies: copies}
	res.Data = data
	res.Metrics = map[string]float64{"copies": float64(len(copies)), "names_read": float64(len(read))}
	for _, cp := range copies {
		res.Findings = append(res.Findings, copyFinding(c.info.Name, c.canonical, cp, how[cp.Host]))
	}
	if len(copies) == 0 {
		res.Summary = fmt.Sprintf("no copy of the app among %d names that answer", len(read))
	} else {
		hosts := make([]string, 0, len(copies))
		for _, cp := range copies {
			hosts = append(hosts, cp.Host)
		}
		res.Summary = fmt.Sprintf("%d copies of the app: %s", len(copies), strings.Join(hosts, ", "))
	}
	if note != "" {
		res.Summary += " (" + note + ")"
	}
	return res
}

// copyFinding says what a copy costs and how to end it.
func copyFinding(check, canonical string, cp Copy, how string) probes.Finding {
	evidence := []string{
		fmt.Sprintf("%s: title %q, %.0f%% of the canonical page's HTML", cp.URL, cp.Title, 100*cp.Similarity),
		"found through: " + how,
	}
	if cp.SameFavicon {
		evidence = append(evidence, "favicon: byte for byte the canonical site's")
	}
	return probes.Finding{
		ID: CopyFindingID, Pane: copiesPane, Check: check, Target: cp.Host,
		Severity: probes.Medium, Impact: probes.Onboarding,
		Title: cp.Host + " serves a copy of the app",
		Detail: fmt.Sprintf("%s serves the app (%s) without redirecting to %s, without a rel=canonical link to it and without noindex: "+
			"members who follow old links land on the wrong copy; sessions and cookies split between the two, and search engines index both.",
			cp.Host, cp.Why, canonical),
		Observed: fmt.Sprintf("%s answers 200 with %s", cp.URL, cp.Why),
		Expected: fmt.Sprintf("a 301 from %s to %s, or, for a deliberate copy, noindex or a rel=canonical link to %s", cp.Host, canonical, canonical),
		Fix: fmt.Sprintf("If %s is an old name or the platform's default domain, redirect it with a 301 to %s (on the platform: "+
			"redirect the default domain to the primary one). If it is a deliberate staging copy, send X-Robots-Tag: noindex "+
			"(or <link rel=\"canonical\" href=\"%s\">) and put it behind a login. If nobody uses it, delete its DNS record and the deployment.",
			cp.Host, canonical, canonical),
		Evidence: evidence,
	}
}

// addressChain resolves name's A (then AAAA) records through the resolvers, following
// CNAMEs, and says whether it has addresses. The chain is kept: a platform's default
// domain shows only as a CNAME target.
func addressChain(ctx context.Context, n *netx.Net, name string) (resolved, bool) {
	var r resolved
	for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
		r.chain = r.chain[:0]
		cur := fqdn(name)
		for range netx.MaxCNAMEHops + 1 {
			a, err := n.Query(ctx, cur, qt)
			if err != nil || a.Msg.Rcode != dns.RcodeSuccess && a.Msg.Rcode != dns.RcodeNameError {
				break
			}
			next := ""
			for _, rr := range a.Msg.Answer {
				switch v := rr.(type) {
				case *dns.A:
					if ip, ok := netip.AddrFromSlice(v.A); ok {
						r.addrs = append(r.addrs, ip.Unmap())
					}
				case *dns.AAAA:
					if ip, ok := netip.AddrFromSlice(v.AAAA); ok {
						r.addrs = append(r.addrs, ip)
					}
				case *dns.CNAME:
					t := strings.ToLower(v.Target)
					if slices.Contains(r.chain, bare(t)) || t == fqdn(name) {
						break
					}
					r.chain = append(r.chain, bare(t))
					next = t
				}
			}
			if len(r.addrs) > 0 || next == "" {
				break
			}
			cur = next // the answer stopped at a CNAME: ask its target
		}
		if len(r.addrs) > 0 {
			return r, true
		}
	}
	return r, false
}
