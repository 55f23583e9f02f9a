package discovery

import (
	"cmp"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes/dnscheck"
	"github.com/launchready/launchready/probes/mailauth"
)

// kindOrder is the order services are listed in: who runs the DNS, where the names are
// hosted, what proxies them, who handles mail.
var kindOrder = []string{"dns", "hosting", "proxy", "email"}

// recognise names the services a report's records show, each with the records that show
// it: the DNS provider from the NS names, hosting from CNAME targets and address ranges,
// Cloudflare's proxy from its published ranges (dnscheck's list, the one the DNS pane
// uses), email services from MX hosts, SPF includes, DKIM CNAMEs and selectors.
func recognise(rep *Report) []Service {
	var out []Service
	add := func(kind, name, evidence string) {
		i := slices.IndexFunc(out, func(s Service) bool { return s.Kind == kind && s.Name == name })
		if i < 0 {
			out = append(out, Service{Kind: kind, Name: name})
			i = len(out) - 1
		}
		if !slices.Contains(out[i].Evidence, evidence) {
			out[i].Evidence = append(out[i].Evidence, evidence)
		}
	}

	for _, ns := range rep.Nameservers {
		if r, ok := recogniseName("ns", ns.Name); ok {
			add(r.kind, r.service, rep.Domain+" NS "+ns.Name)
		}
	}
	for _, n := range rep.Names {
		if n.Wildcard {
			continue // says nothing about what was set up on purpose
		}
		// One piece of evidence per name and service is enough: a CNAME to the service
		// says more than the address it ends at.
		seen := map[string]bool{}
		owner := n.Name
		for _, t := range n.CNAME {
			if r, ok := recogniseName("cname", t); ok {
				seen[r.service] = true
				add(r.kind, r.service, owner+" CNAME "+t)
			}
			owner = t
		}
		for _, ip := range slices.Concat(n.A, n.AAAA) {
			typ := "A"
			if ip.Is6() {
				typ = "AAAA"
			}
			if r, ok := recogniseAddr(ip); ok && !seen[r.service] {
				seen[r.service] = true
				add(r.kind, r.service, n.Name+" "+typ+" "+ip.String())
			}
			if dnscheck.IsCloudflare(ip) && !seen["cloudflare proxy"] {
				seen["cloudflare proxy"] = true
				add("proxy", "Cloudflare", n.Name+" "+typ+" "+ip.String()+", in Cloudflare's published ranges")
			}
		}
		for _, mx := range n.MX {
			if r, ok := recogniseName("mx", mx); ok {
				add(r.kind, r.service, n.Name+" MX "+mx)
			}
		}
		for _, txt := range n.TXT {
			if !mailauth.IsSPF(txt) {
				continue
			}
			for _, p := range spfPointers(txt) {
				if p.types[0] != dns.TypeTXT {
					continue // a: and mx: name the domain's own hosts
				}
				if r, ok := recogniseName("spf", p.domain); ok {
					add(r.kind, r.service, n.Name+" SPF "+p.term)
				}
			}
		}
		if sel, ok := selectorOf(n.Name, rep.Domain); ok && n.Status == StatusAnswers {
			for _, r := range selectors() {
				if r.pattern == sel && r.service != generic {
					add(r.kind, r.service, n.Name+" has a DKIM key")
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Service) int {
		return cmp.Or(cmp.Compare(slices.Index(kindOrder, a.Kind), slices.Index(kindOrder, b.Kind)), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// selectorOf returns the selector of a DKIM key name directly under the domain's
// _domainkey ("s1._domainkey.acme.example" -> "s1").
func selectorOf(name, domain string) (string, bool) {
	sel, ok := strings.CutSuffix(name, "._domainkey."+domain)
	if !ok || sel == "" || strings.Contains(sel, ".") {
		return "", false
	}
	return sel, true
}
