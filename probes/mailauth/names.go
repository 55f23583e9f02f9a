package mailauth

import (
	"slices"

	"github.com/launchready/launchready/internal/config"
)

// DNSNames are the names the email pane reads for every sending domain: the domain
// itself (its SPF TXT and MX), each DKIM selector, _dmarc, the MTA-STS and TLS-RPT
// names; and the return-path domain, whose SPF receivers check for bounces. `dns export`
// and `dns diff` read them, so a sending subdomain (news.acme.example) is documented as
// fully as the apex. A config whose email section does not decode gives none: the email
// pane reports that error itself.
func DNSNames(cfg *config.Config) []string {
	c, err := decodeConfig(cfg)
	if err != nil {
		return nil
	}
	var out []string
	for _, d := range c.Domains {
		d = normDomain(d)
		out = append(out, d+".")
		for _, s := range c.DKIMSelectors {
			out = append(out, s+"._domainkey."+d+".")
		}
		out = append(out, "_dmarc."+d+".", "_mta-sts."+d+".", "mta-sts."+d+".", "_smtp._tls."+d+".")
	}
	if rp := normDomain(c.ReturnPathDomain) + "."; rp != "." && !slices.Contains(out, rp) {
		out = append(out, rp)
	}
	return out
}

// SeenDNSNames are the DKIM names of the selectors `email verify` recorded in stateDir
// (SelectorsFile): a selector found only in a received message belongs to the zone as
// much as a configured one, so `dns export` documents it and `dns diff` and the DNS map
// check watch it. A missing or unreadable file gives none (the email pane reports it).
func SeenDNSNames(stateDir string) []string {
	seen, err := ReadSelectors(stateDir)
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range seen {
		out = append(out, s.Selector+"._domainkey."+normDomain(s.Domain)+".")
	}
	return out
}
