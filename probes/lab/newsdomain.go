package lab

import "strings"

// newsHost is acme.example's second sending domain: the newsletter's.
const newsHost = "news." + acmeDomain

// newsDomain adds news.acme.example, the newsletter's sending domain (the example config
// lists it in email.domains): its own SPF, MX, DKIM key, MTA-STS and TLS-RPT, and no
// _dmarc record of its own, so receivers apply acme.example's policy to it as the
// organisational domain's (RFC 7489 6.6.3), as most sending subdomains do in practice.
// In healthy that policy is right. In demo its faults (p=none, no rua) are one problem
// that both email checks report, which the risk list must show once.
func (sc *Scenario) newsDomain() {
	sc.Description += " news.acme.example sends the newsletter, with its own SPF, MX, DKIM key (lr1), MTA-STS " +
		"and TLS-RPT, and no DMARC record of its own: it inherits acme.example's."
	for i := range sc.Zones {
		if sc.Zones[i].Origin != acmeDomain {
			continue
		}
		sc.Zones[i].Records = append(sc.Zones[i].Records,
			`news 300 IN TXT "v=spf1 include:_spf.mailprovider.example -all"`,
			"news 300 IN MX 10 mx.acme.example.",
			strings.Replace(lr1DKIMRecord, "lr1._domainkey ", "lr1._domainkey.news ", 1),
			`_mta-sts.news 300 IN TXT "v=STSv1; id=20261128"`,
			"mta-sts.news 300 IN A 127.0.0.1",
			`_smtp._tls.news 300 IN TXT "v=TLSRPTv1; rua=mailto:tls-reports@acme.example"`,
		)
	}
	sts := mtaSTSSite()
	sts.Host = "mta-sts." + newsHost
	sc.Sites = append(sc.Sites, sts)
}

// newsInheritsDemoFaults is the demo's line for what news.acme.example inherits.
const newsInheritsDemoFaults = " news.acme.example has no DMARC record of its own, so it inherits (8): " +
	"both email checks report p=none and the missing rua at _dmarc.acme.example, and the risk list shows each once, naming both checks."
