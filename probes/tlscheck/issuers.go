package tlscheck

import (
	"cmp"
	"crypto/x509"
	"slices"
	"strings"
)

// knownIssuers maps words in an issuing CA's organisation or common name to the domains
// that CA looks for in CAA "issue" records (each CA documents its own; several accept
// more than one). Matching is by name because certificates carry no CAA domain.
// tls.ca_domains adds to and overrides this table.
var knownIssuers = []struct {
	match   string
	domains []string
}{
	{"let's encrypt", []string{"letsencrypt.org"}},
	{"google trust services", []string{"pki.goog"}},
	// ZeroSSL issues through Sectigo and documents sectigo.com for CAA.
	{"zerossl", []string{"sectigo.com"}},
	{"sectigo", []string{"sectigo.com", "comodoca.com", "comodo.com", "usertrust.com", "trust-provider.com"}},
	{"comodo", []string{"sectigo.com", "comodoca.com", "comodo.com", "usertrust.com"}},
	{"usertrust", []string{"sectigo.com", "usertrust.com"}},
	{"digicert", []string{"digicert.com", "symantec.com", "thawte.com", "geotrust.com", "rapidssl.com", "digitalcertvalidation.com"}},
	{"geotrust", []string{"digicert.com", "geotrust.com"}},
	{"rapidssl", []string{"digicert.com", "rapidssl.com"}},
	{"thawte", []string{"digicert.com", "thawte.com"}},
	{"amazon", []string{"amazon.com", "amazontrust.com", "awstrust.com", "amazonaws.com"}},
	{"globalsign", []string{"globalsign.com"}},
	{"buypass", []string{"buypass.com", "buypass.no"}},
	{"ssl.com", []string{"ssl.com"}},
	{"entrust", []string{"entrust.net", "affirmtrust.com"}},
}

// issuerDomains returns the CAA domains of the CA that issued leaf, config entries first;
// nil when the issuer is not recognised.
func issuerDomains(leaf *x509.Certificate, custom map[string][]string) []string {
	names := slices.Clone(leaf.Issuer.Organization)
	names = append(names, leaf.Issuer.CommonName)
	for i := range names {
		names[i] = strings.ToLower(names[i])
	}
	matches := func(word string) bool {
		word = strings.ToLower(strings.TrimSpace(word))
		return word != "" && slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, word) })
	}
	// Longest configured key first, so "Acme Internal CA" beats "Acme".
	keys := make([]string, 0, len(custom))
	for k := range custom {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	for _, k := range keys {
		if matches(k) {
			return lower(custom[k])
		}
	}
	for _, k := range knownIssuers {
		if matches(k.match) {
			return k.domains
		}
	}
	return nil
}

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(strings.TrimSuffix(s, "."))
	}
	return out
}
