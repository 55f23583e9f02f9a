package registration

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
)

// BootstrapTaken is when iana-rdap-dns.json was copied from IANA's RDAP bootstrap file for
// domain names (RFC 9224). IANA adds and moves registries' RDAP services every few weeks;
// refresh it by hand before a launch:
//
//	curl -s https://data.iana.org/rdap/dns.json > probes/registration/iana-rdap-dns.json
//
// then update this date and run go test ./probes/registration. The copy is shipped, not
// downloaded at run time, for the same reason the Cloudflare ranges are: a sweep must never
// depend on a third party's site being up. A TLD missing from it (many ccTLDs publish no
// RDAP service) is said plainly, and network.rdap_url points the check at any server.
//
// This copy's services list is IANA's as republished on 2026-05-24 (taken from the
// services array the freewhois npm package 1.2.6 ships, which its update script copies
// verbatim from data.iana.org/rdap/dns.json): 605 services, 1,175 TLDs.
const BootstrapTaken = "2026-05-24"

//go:embed iana-rdap-dns.json
var bootstrapJSON []byte

// bootstrap maps a TLD ("com", "xn--p1ai") to its registry's RDAP base URL.
type bootstrap map[string]string

// shippedBootstrap is parsed once, on first use, into an immutable map.
var shippedBootstrap = sync.OnceValues(func() (bootstrap, error) { return parseBootstrap(bootstrapJSON) })

// parseBootstrap reads an RFC 9224 bootstrap file. Each service lists TLDs and base URLs;
// an https URL is preferred over an http one, as the RFC asks.
func parseBootstrap(b []byte) (bootstrap, error) {
	var f struct {
		Services [][][]string `json:"services"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("the RDAP bootstrap file is not valid JSON: %w", err)
	}
	out := bootstrap{}
	for i, s := range f.Services {
		if len(s) != 2 || len(s[0]) == 0 || len(s[1]) == 0 {
			return nil, fmt.Errorf("the RDAP bootstrap file's service %d is not [[tlds], [urls]]", i)
		}
		base := ""
		for _, u := range s[1] {
			if _, err := url.Parse(u); err != nil {
				continue
			}
			if base == "" || strings.HasPrefix(u, "https://") && !strings.HasPrefix(base, "https://") {
				base = u
			}
		}
		if base == "" {
			return nil, fmt.Errorf("the RDAP bootstrap file's service %d has no usable URL", i)
		}
		for _, tld := range s[0] {
			out[strings.ToLower(tld)] = base
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the RDAP bootstrap file lists no service")
	}
	return out, nil
}

// server returns the RDAP base URL for a registered domain's TLD, "" when the bootstrap
// knows none.
func (b bootstrap) server(domain string) string {
	tld := domain
	if i := strings.LastIndexByte(domain, '.'); i >= 0 {
		tld = domain[i+1:]
	}
	return b[strings.ToLower(tld)]
}
