package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
	"github.com/launchready/launchready/probes/subdomains"
)

// undocumentedCheck looks at the names nobody wrote into hosts: the dictionary's names
// that answer, dns.discover.names, and what discovery kept in the state folder. A
// forgotten record is where takeovers happen (a CNAME into a platform that deleted the
// app), and it is by definition the record no host check asks about. It runs on its own
// clock (dns.discover.every, hourly by default), not every sweep: the names rarely
// change, and a couple of hundred lookups a minute would be noise on the resolvers.
type undocumentedCheck struct {
	net      *netx.Net
	st       Settings
	stateDir string
	known    map[string]bool // hosts and dns.names: documented, so not asked here
	info     probes.CheckInfo
}

// UndocumentedData is the undocumented-names check's detail for the console and reports.
type UndocumentedData struct {
	Zone  string `json:"zone"`
	Asked int    `json:"asked"`
	// Answered are the names that exist, with what they resolve to (at most
	// maxUndocumentedListed; Asked counts them all).
	Answered []UndocumentedName `json:"answered,omitempty"`
	// Wildcard is what a random label under the apex answers, "" for nothing: dictionary
	// names answering the same are left out, since nobody need have created them.
	Wildcard string `json:"wildcard,omitempty"`
	// Failed are the names the resolvers could not answer for (timeouts, errors).
	Failed int `json:"failed,omitempty"`
}

// UndocumentedName is one name outside hosts: that answers.
type UndocumentedName struct {
	Name   string `json:"name"`
	Source string `json:"source"` // "dictionary", "dns.discover.names", "discovered (transfer)", ...
	Live   string `json:"live"`
}

const (
	// undocumentedConcurrency bounds the lookups in flight: gentle on the resolvers, and
	// 160 names still take a second or two.
	undocumentedConcurrency = 8
	// undocumentedTimeout is the check's whole budget: generous, since it runs hourly and
	// a slow resolver should not turn it into an error.
	undocumentedTimeout = 90 * time.Second
	// maxUndocumentedListed bounds UndocumentedData.Answered.
	maxUndocumentedListed = 100
)

func newUndocumentedCheck(env probes.Env, st Settings) *undocumentedCheck {
	c := &undocumentedCheck{net: env.Net, st: st, stateDir: env.StateDir, known: map[string]bool{},
		info: probes.CheckInfo{Name: "dns undocumented " + bare(st.Zone), Kind: "dns", Pane: probes.PaneDNS, Target: bare(st.Zone),
			Interval: st.Discover.Every, Timeout: undocumentedTimeout}}
	for _, h := range env.Config.Hosts {
		c.known[fqdn(h.Name)] = true
	}
	for _, n := range st.Names {
		c.known[n] = true
	}
	return c
}

func (c *undocumentedCheck) Info() probes.CheckInfo { return c.info }

// candidate is one name to ask and why.
type candidate struct {
	name   string // fully qualified
	source string
	was    string // the CNAME target discovery saw, bare, "" for none
}

// candidates lists the names to ask, each once, documented ones left out.
func (c *undocumentedCheck) candidates() ([]candidate, string) {
	var out []candidate
	seen := map[string]bool{}
	add := func(n, source, was string) {
		if !c.known[n] && !seen[n] && dns.IsSubDomain(c.st.Zone, n) {
			seen[n] = true
			out = append(out, candidate{name: n, source: source, was: was})
		}
	}
	for _, n := range c.st.Discover.Names {
		add(n, "dns.discover.names", "")
	}
	note := ""
	found, err := subdomains.LoadFound(c.stateDir)
	switch {
	case err == nil && fqdn(found.Domain) == c.st.Zone:
		for _, n := range found.Names {
			add(fqdn(n.Name), "discovered ("+orText(n.Source, "discovery")+")", n.CNAME)
		}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		note = err.Error()
	}
	if c.st.Discover.Dictionary {
		for _, l := range subdomains.Dictionary() {
			add(l.Label+"."+c.st.Zone, "dictionary", "")
		}
	}
	return out, note
}

// asked is one candidate's resolution.
type asked struct {
	cand candidate
	a    *chase
	live []netip.Addr
	err  error
}

func (c *undocumentedCheck) Run(ctx context.Context) probes.Result {
	cands, note := c.candidates()
	data := UndocumentedData{Zone: bare(c.st.Zone), Asked: len(cands)}
	if w, err := follow(ctx, c.net, wildcardProbe+"."+c.st.Zone, dns.TypeA); err == nil && w.how == resolved {
		data.Wildcard = liveText(w, addrs(w.rrs))
	}
	results := make([]asked, len(cands))
	sem := make(chan struct{}, undocumentedConcurrency)
	var wg sync.WaitGroup
	for i, cand := range cands {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			results[i].err = ctx.Err()
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i] = c.ask(ctx, cand)
		})
	}
	wg.Wait()

	res := probes.Result{Data: &data}
	var firstErr error
	for _, r := range results {
		switch {
		case r.err != nil:
			data.Failed++
			if firstErr == nil {
				firstErr = r.err
			}
			continue
		case r.a.how == nxdomain && len(r.a.hops) == 0, r.a.how == nodata && len(r.a.hops) == 0 && len(r.live) == 0:
			continue // does not exist, or holds no address names (TXT, MX only)
		}
		live := liveText(r.a, r.live)
		if r.cand.source == "dictionary" && data.Wildcard != "" && live == data.Wildcard {
			continue // the apex wildcard's echo
		}
		if len(data.Answered) < maxUndocumentedListed {
			data.Answered = append(data.Answered, UndocumentedName{Name: bare(r.cand.name), Source: r.cand.source, Live: live})
		}
		res.Findings = append(res.Findings, c.judge(r)...)
	}
	if data.Failed == len(cands) && len(cands) > 0 {
		return probes.Result{Err: fmt.Sprintf("none of the %d undocumented names under %s could be asked; the first: %v", len(cands), bare(c.st.Zone), firstErr)}
	}
	res.Metrics = map[string]float64{"asked": float64(data.Asked), "answered": float64(len(data.Answered)), "failed": float64(data.Failed)}
	res.Summary = c.summary(data, res.Findings, note)
	return res
}

// ask resolves one name as hostCheck does: the A chain, and AAAA at its end.
func (c *undocumentedCheck) ask(ctx context.Context, cand candidate) asked {
	a, err := follow(ctx, c.net, cand.name, dns.TypeA)
	if err != nil {
		return asked{cand: cand, err: err}
	}
	r := asked{cand: cand, a: a, live: addrs(a.rrs)}
	if a.how == resolved || a.how == nodata {
		if aaaa, err := follow(ctx, c.net, a.end, dns.TypeAAAA); err == nil && aaaa.how == resolved {
			r.live = append(r.live, addrs(aaaa.rrs)...)
			a.ev = append(a.ev, aaaa.ev...)
		}
	}
	if a.how != resolved {
		r.live = r.live[:0]
	}
	return r
}

// judge applies the host check's dangling and private-address findings to a name outside
// hosts:, saying so: the same record is as dangerous whether or not anyone documented it.
func (c *undocumentedCheck) judge(r asked) []probes.Finding {
	hc := &hostCheck{net: c.net, host: config.Host{Name: bare(r.cand.name), Role: "other"}, name: r.cand.name, st: c.st}
	var fs []probes.Finding
	if (r.a.how == nxdomain || r.a.how == nodata) && len(r.a.hops) > 0 && len(r.live) == 0 {
		fs = append(fs, hc.dangling(r.a, nil, r.a.ev))
	}
	if len(r.live) > 0 {
		if f, ok := hc.private(r.live, r.a.ev); ok {
			fs = append(fs, f)
		}
	}
	for i := range fs {
		f := &fs[i]
		f.Title += " (not in hosts:)"
		how := "found by " + r.cand.source
		if r.cand.was != "" {
			how += fmt.Sprintf(", a CNAME to %s when discovered", r.cand.was)
		}
		f.Detail = fmt.Sprintf("%s is not in hosts: in launchready.yaml (%s), so no other check looks at it. ", bare(r.cand.name), how) + f.Detail
		f.Fix += " If the name is still wanted, add it to hosts: so every sweep checks it."
	}
	return fs
}

func (c *undocumentedCheck) summary(d UndocumentedData, fs []probes.Finding, note string) string {
	if w := probes.Worst(fs); len(fs) > 0 && w >= probes.High {
		for _, f := range fs {
			if f.Severity == w {
				return f.Title
			}
		}
	}
	var names []string
	for _, n := range d.Answered {
		names = append(names, n.Name)
	}
	s := fmt.Sprintf("%s outside hosts: of %d asked", plural(len(d.Answered), "name"), d.Asked)
	if len(names) > 0 {
		s += ": " + clip(strings.Join(names, ", "), 120)
	}
	if d.Failed > 0 {
		s += fmt.Sprintf(" · %d not answered", d.Failed)
	}
	if note != "" {
		s += " · " + note
	}
	return s
}
