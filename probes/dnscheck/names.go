package dnscheck

import (
	"slices"
	"strings"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes/mailauth"
)

// usualNames are the labels a membership product's zone usually has, read by export and
// diff even when the config does not list them, so a record someone added there shows.
var usualNames = []string{"", "www", "app", "api", "admin", "mail", "status", "_dmarc", "_mta-sts", "mta-sts", "_smtp._tls"}

// KnownNames are the names `dns export` and `dns diff` read: the apex and the usual
// names under the config's domain, every host, dns.names (DKIM selectors and the like),
// the email pane's names for every sending domain in email.domains (the domain itself
// for SPF and MX, its DKIM selectors, _dmarc, _mta-sts, mta-sts, _smtp._tls) and the
// return-path domain, and the DKIM selectors `email verify` recorded in stateDir ("" for
// none). MX and NS targets inside the zone are added when the names are read. Fully
// qualified, each once.
func KnownNames(cfg *config.Config, st Settings, stateDir string) []string {
	var out []string
	add := func(n string) {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	for _, l := range usualNames {
		if l == "" {
			add(st.Zone)
		} else {
			add(l + "." + st.Zone)
		}
	}
	for _, h := range cfg.Hosts {
		add(fqdn(h.Name))
	}
	for _, n := range st.Names {
		add(n)
	}
	// The email pane's names, per sending domain (email.domains).
	for _, n := range mailauth.DNSNames(cfg) {
		add(fqdn(n))
	}
	// Selectors seen only in received messages, inside this zone.
	for _, n := range mailauth.SeenDNSNames(stateDir) {
		if n = fqdn(n); n == st.Zone || strings.HasSuffix(n, "."+st.Zone) {
			add(n)
		}
	}
	return out
}
