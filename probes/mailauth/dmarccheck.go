package mailauth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/launchready/launchready/probes"
)

// DMARCReport is the DMARC part of Report.
type DMARCReport struct {
	// Name is where the record was looked for (_dmarc.<domain>).
	Name string `json:"name"`
	// PolicyDomain is where the record that applies was found: the domain itself, or its
	// organisational domain when a subdomain inherits (then sp= applies).
	PolicyDomain string `json:"policy_domain,omitempty"`
	Inherited    bool   `json:"inherited,omitempty"`
	Raw          string `json:"raw,omitempty"`
	Record       *DMARC `json:"record,omitempty"`
	// Effective is the policy receivers apply to mail From this domain.
	Effective string `json:"effective,omitempty"`
	Error     string `json:"error,omitempty"`
	// Reports lists each external report destination and whether it agreed to receive.
	Reports []ReportAuth `json:"reports,omitempty"`
}

// ReportAuth is an external rua/ruf destination and its authorisation record (RFC 7489
// 7.1: <policy domain>._report._dmarc.<destination domain>).
type ReportAuth struct {
	URI        string `json:"uri"`
	Name       string `json:"name"`
	Authorised bool   `json:"authorised"`
}

// OrgDomain is a domain's organisational domain (RFC 7489 3.2), by the public suffix
// list: mail.acme.example -> acme.example. A name that is itself a suffix is its own.
func OrgDomain(d string) string {
	d = normDomain(d)
	o, err := publicsuffix.EffectiveTLDPlusOne(d)
	if err != nil {
		return d
	}
	return o
}

// lookupDMARC finds the DMARC policy that applies to domain: its own record, or its
// organisational domain's. It returns the report with Record set, or an error that is a
// finding (no record, several, invalid), or a resolver failure.
func lookupDMARC(ctx context.Context, r Resolver, domain string) (*DMARCReport, error) {
	rep := &DMARCReport{Name: "_dmarc." + domain}
	find := func(d string) (string, error) {
		txts, err := r.LookupTXT(ctx, "_dmarc."+d)
		if err != nil {
			if notFound(err) {
				return "", ErrNoDMARC
			}
			return "", err
		}
		rec, _, err := SelectDMARC(txts)
		return rec, err
	}
	raw, err := find(domain)
	rep.PolicyDomain = domain
	if errors.Is(err, ErrNoDMARC) {
		if org := OrgDomain(domain); org != domain {
			raw, err = find(org)
			rep.PolicyDomain, rep.Inherited = org, true
		}
	}
	if err != nil {
		rep.Error = err.Error()
		return rep, err
	}
	rep.Raw = raw
	d, err := ParseDMARC(raw)
	if err != nil {
		rep.Error = err.Error()
		return rep, err
	}
	rep.Record = d
	rep.Effective = d.Policy
	if rep.Inherited {
		rep.Effective = d.SubdomainPolicy
	}
	return rep, nil
}

func (c *check) checkDMARC(ctx context.Context, p *part) *DMARCReport {
	d := c.domain
	rep, err := lookupDMARC(ctx, c.net, d)
	name := "_dmarc." + d
	ev := []string{}
	if rep.Raw != "" {
		ev = append(ev, "_dmarc."+rep.PolicyDomain+" TXT "+quoteRecord(rep.Raw))
	}
	suggest := fmt.Sprintf("v=DMARC1; p=%s; rua=mailto:dmarc@%s", max2(c.cfg.MinDMARCPolicy, "quarantine"), OrgDomain(d))
	switch {
	case resolverDown(err):
		p.fatal = fmt.Errorf("could not ask DNS for %s: %w", name, err)
		return rep
	case errors.Is(err, ErrNoDMARC):
		p.add(finding("email.dmarc-missing", probes.High, probes.Onboarding, name,
			"No DMARC record: receivers apply no policy to forged mail",
			fmt.Sprintf("Neither %s nor the organisational domain publishes a DMARC record, so receivers have no policy for mail failing SPF and DKIM, and Gmail and Yahoo require one from bulk senders.", name),
			"no v=DMARC1 record", "one DMARC record with a policy and reporting",
			fmt.Sprintf("Publish a TXT record at %s: %q", name, suggest)))
		return rep
	case errors.Is(err, ErrMultipleDMARC):
		p.add(finding("email.dmarc-multiple", probes.High, probes.Onboarding, name,
			"Several DMARC records: receivers apply none",
			fmt.Sprintf("%s: %v.", name, err), "more than one v=DMARC1 record", "exactly one",
			"Keep one DMARC record at "+name+" and delete the rest.", ev...))
		return rep
	case errors.Is(err, ErrDMARCSyntax):
		p.add(finding("email.dmarc-invalid", probes.High, probes.Onboarding, name,
			"DMARC record is invalid: receivers ignore it",
			fmt.Sprintf("The DMARC record for %s cannot be used: %v.", d, err), clip(rep.Raw, 120), "a valid v=DMARC1 record",
			fmt.Sprintf("Replace it with a valid record, e.g. %q", suggest), ev...))
		return rep
	case err != nil:
		p.add(finding("email.dmarc-temperror", probes.Medium, probes.Onboarding, name,
			"DMARC lookup fails (temperror)",
			fmt.Sprintf("Asking for %s failed: %v. Receivers cannot find the policy while this lasts.", name, err),
			err.Error(), "the DMARC record", "Check the DNS servers of "+d+"."))
		return rep
	}
	rec := rep.Record
	p.metric("dmarc_policy", float64(policyRank(rep.Effective)))
	target := "_dmarc." + rep.PolicyDomain
	applies := "p=" + rec.Policy
	if rep.Inherited {
		applies = fmt.Sprintf("sp=%s (inherited from %s)", rec.SubdomainPolicy, target)
	}
	fixed := fixedDMARC(rec, c.cfg.MinDMARCPolicy, OrgDomain(d))
	switch {
	case policyRank(rep.Effective) < policyRank(c.cfg.MinDMARCPolicy):
		p.add(finding("email.dmarc-below-minimum", probes.High, probes.Onboarding, target,
			fmt.Sprintf("DMARC policy %s is weaker than the required %s", rep.Effective, c.cfg.MinDMARCPolicy),
			fmt.Sprintf("Mail From %s that fails authentication gets %s; email.min_dmarc_policy asks for at least %s.", d, applies, c.cfg.MinDMARCPolicy),
			applies, "p="+c.cfg.MinDMARCPolicy+" or stronger",
			fmt.Sprintf("Once reports show your own mail passes, publish at %s: %q", target, fixed), ev...))
	case rep.Effective == "none":
		p.add(finding("email.dmarc-policy-none", probes.Medium, probes.Onboarding, target,
			"DMARC p=none: monitoring only, no enforcement",
			fmt.Sprintf("Mail From %s that fails SPF and DKIM is still delivered (%s): anyone can send password resets and receipts that look like yours.", d, applies),
			applies, "p=quarantine or p=reject",
			fmt.Sprintf("When the aggregate reports show your providers pass, publish at %s: %q", target, fixed), ev...))
	}
	if rec.Percent < 100 && rep.Effective != "none" {
		p.add(finding("email.dmarc-partial", probes.Low, probes.Onboarding, target,
			fmt.Sprintf("DMARC policy applies to %d%% of failing mail", rec.Percent),
			fmt.Sprintf("pct=%d: RFC 7489 receivers apply %s to only %d%% of failing mail (DMARCbis dropped pct and applies it to all).", rec.Percent, rep.Effective, rec.Percent),
			fmt.Sprintf("pct=%d", rec.Percent), "no pct tag (100%)", "Remove pct= from the record when ready.", ev...))
	}
	if len(rec.RUA) == 0 {
		p.add(finding("email.dmarc-no-rua", probes.Medium, probes.Onboarding, target,
			"DMARC has no rua: no reports, so failures go unseen",
			fmt.Sprintf("The DMARC record for %s asks for no aggregate reports, so you will not learn that a provider's mail is failing, or that someone is spoofing you, until members complain.", d),
			"no rua=", "rua=mailto:<an address you read>",
			fmt.Sprintf("Add reporting: %q", fixed), ev...))
	}
	if policyRank(rec.SubdomainPolicy) < policyRank(rec.Policy) || policyRank(rec.NonexistentPolicy) < policyRank(rec.Policy) {
		weak := "sp=" + rec.SubdomainPolicy
		if policyRank(rec.NonexistentPolicy) < policyRank(rec.Policy) {
			weak += " np=" + rec.NonexistentPolicy
		}
		p.add(finding("email.dmarc-weak-subdomain-policy", probes.Low, probes.Trust, target,
			"DMARC subdomain policy is weaker than p=: "+weak,
			fmt.Sprintf("p=%s protects %s, but %s leaves subdomains (or names that do not exist, np) open: a forger sends from billing.%s instead.", rec.Policy, rep.PolicyDomain, weak, rep.PolicyDomain),
			weak, "sp and np at least as strong as p", "Remove sp= and np= (they default to p) or raise them to p's value.", ev...))
	}
	if rec.Testing {
		p.add(finding("email.dmarc-testing", probes.Low, probes.Onboarding, target,
			"DMARC is in testing mode (t=y)",
			"t=y asks DMARCbis receivers to apply one step less than the policy (quarantine becomes none).",
			"t=y", "no t= tag", "Remove t=y when reports show your mail passes.", ev...))
	}
	if rec.ADKIM == "s" || rec.ASPF == "s" {
		p.add(finding("email.dmarc-strict-alignment", probes.Info, probes.Onboarding, target,
			fmt.Sprintf("DMARC uses strict alignment (adkim=%s, aspf=%s)", rec.ADKIM, rec.ASPF),
			"Strict alignment needs the signing and bounce domains to equal the From domain exactly; a provider signing as mail."+OrgDomain(d)+" then fails DMARC.",
			fmt.Sprintf("adkim=%s aspf=%s", rec.ADKIM, rec.ASPF), "relaxed alignment unless you need strict",
			"Nothing to do if every provider signs and bounces with exactly the From domain; otherwise drop adkim=s/aspf=s.", ev...))
	}
	if len(rec.Notes) > 0 {
		var notes []string
		for _, n := range rec.Notes {
			notes = append(notes, n.Tag+": "+n.Msg)
		}
		p.add(finding("email.dmarc-notes", probes.Info, probes.Onboarding, target,
			"DMARC record: "+clip(rec.Notes[0].Msg, 70),
			"The record is valid; remarks on it: "+strings.Join(notes, "; ")+".",
			strings.Join(notes, "; "), "a record with only current tags",
			"Tidy the record: "+fixed, append(ev, notes...)...))
	}
	rep.Reports = c.checkReportAuth(ctx, rep, p, ev)
	return rep
}

// checkReportAuth looks up the authorisation of every external report destination.
func (c *check) checkReportAuth(ctx context.Context, rep *DMARCReport, p *part, ev []string) []ReportAuth {
	var out []ReportAuth
	policyOrg := OrgDomain(rep.PolicyDomain)
	for _, u := range append(append([]string{}, rep.Record.RUA...), rep.Record.RUF...) {
		scheme, addr, _ := strings.Cut(u, ":")
		if !strings.EqualFold(scheme, "mailto") {
			continue
		}
		a, err := mail.ParseAddress(strings.TrimPrefix(addr, "//"))
		if err != nil {
			continue
		}
		_, dest, _ := strings.Cut(a.Address, "@")
		dest = normDomain(dest)
		if dest == "" || OrgDomain(dest) == policyOrg {
			continue
		}
		ra := ReportAuth{URI: u, Name: rep.PolicyDomain + "._report._dmarc." + dest}
		txts, err := c.net.LookupTXT(ctx, ra.Name)
		if err == nil {
			for _, t := range txts {
				if strings.HasPrefix(strings.ToLower(strings.ReplaceAll(t, " ", "")), "v=dmarc1") {
					ra.Authorised = true
				}
			}
		}
		out = append(out, ra)
		if !ra.Authorised && (err == nil || notFound(err)) {
			p.add(finding("email.dmarc-report-unauthorised", probes.Medium, probes.Support, "_dmarc."+rep.PolicyDomain,
				"DMARC reports to "+dest+" will not be sent: no authorisation record",
				fmt.Sprintf("The record sends reports to %s, outside %s. Receivers only send them if %s publishes %s (RFC 7489 7.1); it does not, so these reports are dropped.", u, policyOrg, dest, ra.Name),
				"no TXT at "+ra.Name, "TXT \"v=DMARC1\" at "+ra.Name,
				fmt.Sprintf("Ask the report service to publish %s TXT \"v=DMARC1\" (most do it when you add the domain in their dashboard), or send reports to an address at %s.", ra.Name, policyOrg), ev...))
		}
	}
	return out
}

// fixedDMARC is the record with the launch bar's minimum: a policy at least min (and at
// least quarantine when min is none, since that is where the advice leads) and reporting.
func fixedDMARC(r *DMARC, min, org string) string {
	pol := max2(r.Policy, max2(min, "quarantine"))
	parts := []string{"v=DMARC1", "p=" + pol}
	rua := r.RUA
	if len(rua) == 0 {
		rua = []string{"mailto:dmarc@" + org}
	}
	parts = append(parts, "rua="+strings.Join(rua, ","))
	if len(r.RUF) > 0 {
		parts = append(parts, "ruf="+strings.Join(r.RUF, ","))
	}
	if r.ADKIM == "s" {
		parts = append(parts, "adkim=s")
	}
	if r.ASPF == "s" {
		parts = append(parts, "aspf=s")
	}
	return strings.Join(parts, "; ")
}

// max2 is the stronger of two policies.
func max2(a, b string) string {
	if policyRank(a) >= policyRank(b) && a != "" {
		return a
	}
	return b
}
