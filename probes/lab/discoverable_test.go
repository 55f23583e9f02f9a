package lab

import (
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// TestZoneTransfer: demo's product zone is handed out whole over TCP (SOA first and last,
// the undocumented names in it); healthy's refuses, as do UDP, a name below an apex, and
// the platform zones.
func TestZoneTransfer(t *testing.T) {
	t.Parallel()
	healthy := startLab(t, builtin(t, "healthy"))
	demo := startLab(t, builtin(t, "demo"))

	r := ask(t, demo, "tcp", acmeDomain, dns.TypeAXFR, 0)
	if r.Rcode != dns.RcodeSuccess || len(r.Answer) < 3 {
		t.Fatalf("demo AXFR over TCP: %s with %d records, want the zone", dns.RcodeToString[r.Rcode], len(r.Answer))
	}
	first, last := r.Answer[0], r.Answer[len(r.Answer)-1]
	if first.Header().Rrtype != dns.TypeSOA || last.Header().Rrtype != dns.TypeSOA {
		t.Errorf("transfer starts with %s and ends with %s, want SOA at both ends", dns.TypeToString[first.Header().Rrtype], dns.TypeToString[last.Header().Rrtype])
	}
	got := strings.Join(rrStrings(r.Answer), "\n")
	for _, want := range []string{"old.acme.example. CNAME acme-old.netlify.app.", "*.preview.acme.example. A 127.0.0.1", "members.acme.example. CNAME acme-community.herokuapp.example."} {
		if !strings.Contains(got, want) {
			t.Errorf("transfer lacks %q:\n%s", want, got)
		}
	}

	for _, c := range []struct {
		name, network, zone string
		l                   *Lab
	}{
		{"healthy refuses", "tcp", acmeDomain, healthy},
		{"over UDP", "udp", acmeDomain, demo},
		{"not an apex", "tcp", "app.acme.example", demo},
		{"a platform zone", "tcp", netlifyZone, demo},
		{"no such zone", "tcp", "nowhere.example", demo},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := ask(t, c.l, c.network, c.zone, dns.TypeAXFR, 0)
			if r.Rcode != dns.RcodeRefused || len(r.Answer) > 0 {
				t.Errorf("%s AXFR over %s: %s with %d records, want REFUSED and none", c.zone, c.network, dns.RcodeToString[r.Rcode], len(r.Answer))
			}
		})
	}
}

// TestUndocumentedNames: what the demo plants outside the config resolves as described
// (the dangling CNAME ends in NXDOMAIN, the wildcard answers any label), and the copies
// serve the app's page; healthy's staging copy is marked noindex.
func TestUndocumentedNames(t *testing.T) {
	t.Parallel()
	healthy := startLab(t, builtin(t, "healthy"))
	demo := startLab(t, builtin(t, "demo"))
	if r := ask(t, demo, "udp", "old.acme.example", dns.TypeA, 0); r.Rcode != dns.RcodeNameError || len(r.Answer) != 1 {
		t.Errorf("old.acme.example A: %s %v, want the CNAME then NXDOMAIN", dns.RcodeToString[r.Rcode], rrStrings(r.Answer))
	}
	if r := ask(t, demo, "udp", "pr-1234.preview.acme.example", dns.TypeA, 0); r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
		t.Errorf("a label under the wildcard: %s %v, want an address", dns.RcodeToString[r.Rcode], rrStrings(r.Answer))
	}
	if r := ask(t, healthy, "udp", "old.acme.example", dns.TypeA, 0); r.Rcode != dns.RcodeNameError || len(r.Answer) != 0 {
		t.Errorf("healthy old.acme.example: %s %v, want NXDOMAIN", dns.RcodeToString[r.Rcode], rrStrings(r.Answer))
	}

	hc := labClient(t, healthy)
	resp, body := fetch(t, hc, "GET", "https://staging.acme.example/")
	if resp.StatusCode != 200 || resp.Header.Get("X-Robots-Tag") != "noindex" || !strings.Contains(body, `content="noindex`) {
		t.Errorf("healthy staging: %d, X-Robots-Tag %q, want 200 with noindex in header and meta", resp.StatusCode, resp.Header.Get("X-Robots-Tag"))
	}
	dc := labClient(t, demo)
	_, app := fetch(t, dc, "GET", "https://app.acme.example/")
	for _, h := range []string{"staging.acme.example", "members.acme.example", platformDefault} {
		resp, body := fetch(t, dc, "GET", "https://"+h+"/")
		if resp.StatusCode != 200 || body != app || resp.Header.Get("X-Robots-Tag") != "" {
			t.Errorf("demo %s: %d, same page %v, X-Robots-Tag %q; want the app's page, no noindex", h, resp.StatusCode, body == app, resp.Header.Get("X-Robots-Tag"))
		}
	}
	sc := builtin(t, "demo")
	if !slices.ContainsFunc(sc.Zones, func(z Zone) bool { return z.Origin == acmeDomain && z.AllowTransfer }) {
		t.Error("demo's acme.example zone should allow transfer")
	}
}
