// Package initcfg turns what discovery and a look at the sites found under a bare domain
// into a first launchready.yaml: every host with its role guessed and its live records as
// the documented state, the canonical URL, the mail set-up, and starters for what needs a
// person (sessions, webhooks, the smoke flow). `launchready init` writes it and `audit
// DOMAIN` sweeps it in memory, so both judge the same config.
//
// It is wiring (it assembles discovery, netx and the DNS pane's export), not a
// foundation: nothing under probes imports it.
package initcfg

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes/discovery"
)

// Draft is the config init is about to write, with the guesses marked so a terminal can
// ask about them and the final report can say what was not decided.
type Draft struct {
	Product     string
	Domain      string
	Canonical   string   // "" when no site answered
	Candidates  []string // more than one: the operator should choose
	Environment string
	EnvWhy      string
	Hosts       []Host
	// Left are names found that are not written as hosts, each with why.
	Left     []string
	Email    *Email
	Services []discovery.Service
	CAA      []string // issue values of the apex's CAA records
	Network  config.Network
	// MapFile is the DNS map's file name beside the config, "" for none.
	MapFile string
	Web     *Web
	Report  *discovery.Report
}

// Host is one host to write.
type Host struct {
	Name     string
	Role     string
	RoleSure bool
	RoleWhy  string
	CNAME    string
	A, AAAA  []string
	URL      string // "" for the default https://NAME/
	Expect   []int  // expect_status, nil for the default
	Notes    []string
}

// Email is the email pane's starting point: the domains that receive or send mail.
type Email struct {
	Domains   []string
	Senders   []string // SPF includes
	Selectors []string // DKIM selectors that answered
	Providers []string // recognised email services, one line each
}

// Plan decides what can be decided from discovery and the web survey. web may be nil (no
// site was looked at).
func Plan(rep *discovery.Report, web *Web) *Draft {
	if web == nil {
		web = &Web{Hosts: map[string]Served{}}
	}
	d := &Draft{Domain: rep.Domain, Report: rep, Web: web, Services: rep.Services, MapFile: "dns-map.yaml"}
	if len(web.Candidates) > 0 {
		d.Canonical = web.Candidates[0]
		if len(web.Candidates) > 1 {
			d.Candidates = slices.Clone(web.Candidates)
		}
	}
	d.Product = productName(web.Title, rep.Domain)
	canonHost := ""
	if u, err := url.Parse(d.Canonical); err == nil {
		canonHost = u.Hostname()
	}
	for _, n := range rep.Names {
		h, why := hostOf(n, rep.Domain)
		if why != "" {
			if h {
				d.Left = append(d.Left, n.Name+": "+why)
			}
			continue
		}
		sv := web.Hosts[n.Name]
		role, sure, rwhy := guessRole(n.Name, rep.Domain, canonHost, sv)
		host := Host{Name: n.Name, Role: role, RoleSure: sure, RoleWhy: rwhy}
		if len(n.CNAME) > 0 {
			host.CNAME = n.CNAME[0]
		} else {
			host.A = addrStrings(n.A)
			host.AAAA = addrStrings(n.AAAA)
		}
		if n.TargetProblem != "" {
			host.Notes = append(host.Notes, "its CNAME target does not resolve ("+n.TargetProblem+"): a takeover risk, see the audit")
		}
		if n.TargetProblem == "" {
			describeServed(&host, sv) // a dangling name's HTTPS error only repeats the note above
		}
		d.Hosts = append(d.Hosts, host)
	}
	d.Environment, d.EnvWhy = guessEnvironment(rep)
	d.Email = emailOf(rep)
	for _, n := range rep.Names {
		if n.Name != rep.Domain {
			continue
		}
		for _, r := range n.Records {
			if f := strings.Fields(r); len(f) >= 4 && f[0] == "CAA" && f[2] == "issue" {
				d.CAA = append(d.CAA, strings.Trim(f[3], `"`))
			}
		}
	}
	return d
}

// hostOf says whether a discovered name belongs in hosts: (false, "") yes; (true, why)
// no but worth a line in the config; (false, why) no and not worth mentioning.
func hostOf(n discovery.Name, apex string) (mention bool, why string) {
	if n.Name != apex && !strings.HasSuffix(n.Name, "."+apex) {
		return false, "outside the zone"
	}
	if n.Status != discovery.StatusAnswers || (len(n.CNAME) == 0 && len(n.A) == 0 && len(n.AAAA) == 0) {
		return false, "no address"
	}
	if strings.HasPrefix(n.Name, "_") || strings.Contains(n.Name, "._") {
		return false, "a policy name"
	}
	if n.Wildcard {
		return true, "answers only through the wildcard " + "*." + apex + " (never created on its own)"
	}
	if strings.HasPrefix(n.Name, "mta-sts.") {
		return true, "serves the MTA-STS policy (the email pane checks it)"
	}
	// A nameserver or mail server is not a web host whatever else named it (the dictionary
	// has mx and ns1 too): fetching it would only report a site that was never meant to be.
	if n.Name != apex {
		for _, s := range n.Sources {
			switch s.Kind {
			case discovery.FromNS, discovery.FromMX, discovery.FromSRV:
				return true, "a " + infraWord(s.Kind) + " (" + s.Detail + "), not a web host"
			}
		}
	}
	return false, ""
}

func infraWord(k discovery.SourceKind) string {
	switch k {
	case discovery.FromNS:
		return "nameserver"
	case discovery.FromMX:
		return "mail server"
	}
	return "service host"
}

// describeServed sets the URL and expected statuses from what the host answered: its
// live behaviour is the documented state, as its records are.
func describeServed(h *Host, sv Served) {
	switch {
	case sv.Err != "":
		h.Notes = append(h.Notes, "HTTPS did not answer: "+sv.Err)
	case sv.Health != "":
		h.URL = sv.Health
		h.Notes = append(h.Notes, "an API: its health path is checked")
	case sv.Status >= 300 && sv.Status < 400:
		h.Expect = []int{sv.Status}
		h.Notes = append(h.Notes, fmt.Sprintf("redirects (%d) to %s", sv.Status, sv.Redirect))
	case sv.Status == 401 || sv.Status == 403:
		h.Expect = []int{sv.Status}
		h.Notes = append(h.Notes, fmt.Sprintf("answers %d to a visitor who is not signed in", sv.Status))
	case sv.Status >= 500:
		h.Notes = append(h.Notes, fmt.Sprintf("answered %d when init looked", sv.Status))
	}
}

// guessEnvironment: a domain whose every address is loopback is a lab on this machine,
// one whose addresses are private a staging network; anything public is production.
func guessEnvironment(rep *discovery.Report) (string, string) {
	var all []netip.Addr
	for _, n := range rep.Names {
		if n.Name == rep.Domain || strings.HasSuffix(n.Name, "."+rep.Domain) {
			all = append(all, n.A...)
			all = append(all, n.AAAA...)
		}
	}
	if len(all) == 0 {
		return config.Production, "no addresses seen; production assumed"
	}
	loop, private := true, true
	for _, a := range all {
		loop = loop && a.IsLoopback()
		private = private && (a.IsPrivate() || a.IsLoopback())
	}
	switch {
	case loop:
		return config.Lab, "every address is loopback (a lab on this machine)"
	case private:
		return config.Staging, "every address is private (a staging network)"
	}
	return config.Production, "public addresses"
}

// emailOf reads the mail set-up: MX or SPF at the apex make it a mail domain.
func emailOf(rep *discovery.Report) *Email {
	e := &Email{}
	for _, n := range rep.Names {
		switch {
		case n.Name == rep.Domain:
			spf := ""
			for _, t := range n.TXT {
				if strings.HasPrefix(strings.ToLower(t), "v=spf1") {
					spf = t
				}
			}
			if len(n.MX) == 0 && spf == "" {
				continue
			}
			e.Domains = append(e.Domains, rep.Domain)
			for _, tok := range strings.Fields(spf) {
				if inc, ok := strings.CutPrefix(strings.ToLower(tok), "include:"); ok && !slices.Contains(e.Senders, inc) {
					e.Senders = append(e.Senders, inc)
				}
				if inc, ok := strings.CutPrefix(strings.ToLower(tok), "+include:"); ok && !slices.Contains(e.Senders, inc) {
					e.Senders = append(e.Senders, inc)
				}
			}
		case strings.HasSuffix(n.Name, "._domainkey."+rep.Domain) && n.Status == discovery.StatusAnswers && len(n.TXT) > 0:
			sel := strings.TrimSuffix(n.Name, "._domainkey."+rep.Domain)
			if !strings.Contains(sel, ".") && !slices.Contains(e.Selectors, sel) {
				e.Selectors = append(e.Selectors, sel)
			}
		}
	}
	for _, s := range rep.Services {
		if s.Kind == "email" {
			e.Providers = append(e.Providers, s.String())
		}
	}
	if len(e.Domains) == 0 {
		return nil
	}
	return e
}

// productName is the canonical page's title up to its first separator, or the domain's
// first label capitalised.
func productName(title, domain string) string {
	for _, sep := range []string{" · ", " | ", " - ", " — ", " – "} {
		if i := strings.LastIndex(title, sep); i > 0 {
			title = title[i+len(sep):]
		}
	}
	title = strings.TrimSpace(title)
	if title != "" && len(title) <= 80 {
		return title
	}
	l := strings.SplitN(domain, ".", 2)[0]
	if l == "" {
		return domain
	}
	return strings.ToUpper(l[:1]) + l[1:]
}

func addrStrings(as []netip.Addr) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.String())
	}
	return out
}

// Undecided lists what init guessed rather than knew, for the operator to review.
func (d *Draft) Undecided() []string {
	var out []string
	if d.Canonical == "" {
		out = append(out, "the canonical URL: neither https://"+d.Domain+"/ nor https://www."+d.Domain+"/ answered; canonical_url is commented out")
	} else if len(d.Candidates) > 1 {
		out = append(out, fmt.Sprintf("the canonical URL: the apex and www end on different sites (%s); %s was taken", strings.Join(d.Candidates, ", "), d.Canonical))
	}
	for _, h := range d.Hosts {
		if !h.RoleSure {
			out = append(out, fmt.Sprintf("the role of %s: %s guessed (%s)", h.Name, h.Role, h.RoleWhy))
		}
	}
	return out
}

// WebHosts are the discovered names that become hosts: the ones whose sites are looked at.
func WebHosts(rep *discovery.Report) []string {
	var out []string
	for _, n := range rep.Names {
		if _, why := hostOf(n, rep.Domain); why == "" {
			out = append(out, n.Name)
		}
	}
	return out
}
