package mailauth

import "github.com/launchready/launchready/internal/config"

// DNSNames are the mail names the email pane reads for every sending domain (each DKIM
// selector, _dmarc, the MTA-STS and TLS-RPT names), so `dns export` and `dns diff` keep
// them documented too. A config whose email section does not decode gives none: the
// email pane reports that error itself.
func DNSNames(cfg *config.Config) []string {
	c, err := decodeConfig(cfg)
	if err != nil {
		return nil
	}
	var out []string
	for _, d := range c.Domains {
		d = normDomain(d)
		for _, s := range c.DKIMSelectors {
			out = append(out, s+"._domainkey."+d+".")
		}
		out = append(out, "_dmarc."+d+".", "_mta-sts."+d+".", "mta-sts."+d+".", "_smtp._tls."+d+".")
	}
	return out
}
