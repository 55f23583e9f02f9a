package mailauth

import (
	"fmt"
	"strings"

	"github.com/launchready/launchready/probes"
)

// AlignmentReport says whether DMARC can pass for the From domain: SPF must pass for an
// aligned envelope domain, or DKIM for an aligned signing domain (RFC 7489 3.1).
type AlignmentReport struct {
	FromDomain       string   `json:"from_domain"`
	ReturnPathDomain string   `json:"return_path_domain"`
	SPFAligned       bool     `json:"spf_aligned"`
	DKIMDomains      []string `json:"dkim_domains"`
	DKIMAligned      bool     `json:"dkim_aligned"`
	ADKIM            string   `json:"adkim"`
	ASPF             string   `json:"aspf"`
}

// Aligned applies DMARC identifier alignment: strict means the same name, relaxed the
// same organisational domain.
func Aligned(a, b, mode string) bool {
	a, b = normDomain(a), normDomain(b)
	if mode == "s" {
		return a == b
	}
	return OrgDomain(a) == OrgDomain(b)
}

// checkAlignment compares the configured From domain with the envelope (SPF) domain and
// the domains the DKIM selectors are published under, using the From domain's DMARC
// alignment modes (relaxed when it has none).
func (c *check) checkAlignment(rep *Report, p *part) *AlignmentReport {
	from := c.cfg.FromDomain
	a := &AlignmentReport{FromDomain: from, ReturnPathDomain: c.cfg.ReturnPathDomain, ADKIM: "r", ASPF: "r"}
	if rep.DMARC != nil && rep.DMARC.Record != nil && c.domain == from {
		a.ADKIM, a.ASPF = rep.DMARC.Record.ADKIM, rep.DMARC.Record.ASPF
	}
	a.SPFAligned = Aligned(a.ReturnPathDomain, from, a.ASPF)
	for _, d := range c.cfg.Domains {
		a.DKIMDomains = append(a.DKIMDomains, d)
		if Aligned(d, from, a.ADKIM) {
			a.DKIMAligned = true
		}
	}
	mode := func(m string) string {
		if m == "s" {
			return "strict"
		}
		return "relaxed"
	}
	if !a.SPFAligned {
		sev := probes.Medium
		if !a.DKIMAligned {
			sev = probes.High
		}
		p.add(finding("email.spf-unaligned", sev, probes.Onboarding, from,
			fmt.Sprintf("SPF is checked for %s, not aligned with From %s", a.ReturnPathDomain, from),
			fmt.Sprintf("Mail From %s is sent with envelope sender (Return-Path) at %s, so even when SPF passes, DMARC (%s alignment) does not count it: only an aligned DKIM signature can make DMARC pass.", from, a.ReturnPathDomain, mode(a.ASPF)),
			"return path "+a.ReturnPathDomain, "a return path at "+from+" or a subdomain of it",
			fmt.Sprintf("Set up a custom return-path (bounce) domain at the provider, such as bounces.%s, and set email.return_path_domain to it.", OrgDomain(from))))
	}
	if !a.DKIMAligned {
		sev := probes.Medium
		if !a.SPFAligned {
			sev = probes.High
		}
		p.add(finding("email.dkim-unaligned", sev, probes.Onboarding, from,
			fmt.Sprintf("DKIM keys are under %s, not aligned with From %s", strings.Join(a.DKIMDomains, ", "), from),
			fmt.Sprintf("Signatures made with the keys of %s do not count for DMARC on mail From %s (%s alignment), so a provider set up on another domain cannot make DMARC pass.", strings.Join(a.DKIMDomains, ", "), from, mode(a.ADKIM)),
			"signing domain "+strings.Join(a.DKIMDomains, ", "), "a signing domain at "+from+" or a subdomain of it",
			fmt.Sprintf("Set up DKIM for %s at the provider (they give you a selector record to publish), and add %s to email.domains.", from, from)))
	}
	return a
}
