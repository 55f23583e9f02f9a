package dnscheck

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// acmeZone is acme.example as its primary serves it, with the nameservers given.
func acmeZone(serial string, ns []string, extra ...string) []string {
	lines := []string{"@ 3600 IN SOA ns1.acme.example. hostmaster.acme.example. " + serial + " 7200 3600 1209600 300"}
	for _, n := range ns {
		lines = append(lines, "@ 3600 IN NS "+n+".acme.example.")
	}
	return append(lines,
		"@ IN A 192.0.2.10",
		"www IN CNAME acme.example.",
		"api 86400 IN A 192.0.2.30",
		"status 86400 IN A 192.0.2.40",
	) // the caller adds app, CAA and the rest
}

const zoneHosts = `domain: acme.example
canonical_url: https://app.acme.example/
hosts:
  - {name: acme.example, role: marketing}
  - {name: www.acme.example, role: www}
  - {name: app.acme.example, role: app}
  - {name: api.acme.example, role: api}
  - {name: status.acme.example, role: status}
dns:
  stable: [status.acme.example]
  caa_issuers: [letsencrypt.org]
`

// Five nameservers that disagree every way they can: another serial and another answer
// for app (ns2), silence (ns3), REFUSED (ns4), an answer without authority (ns5).
func TestDisagreeingNameservers(t *testing.T) {
	t.Parallel()
	nsNames := []string{"ns1", "ns2", "ns3", "ns4", "ns5"}
	primary := newZones(t, map[string][]string{"acme.example": append(acmeZone("2026112805", nsNames),
		"app IN A 192.0.2.20", `@ 3600 IN CAA 0 issue "pki.goog"`, "* IN A 192.0.2.250")})
	stale := newZones(t, map[string][]string{"acme.example": append(acmeZone("2026112801", nsNames),
		"app IN A 192.0.2.21", `@ 3600 IN CAA 0 issue "pki.goog"`, "* IN A 192.0.2.250")})
	notAuth := newZones(t, map[string][]string{"acme.example": append(acmeZone("2026112805", nsNames), "app IN A 192.0.2.20")})
	notAuth.noAA = true
	ns1 := serveDNS(t, primary)
	connect := map[string]string{
		"ns1.acme.example:53": ns1,
		"ns2.acme.example:53": serveDNS(t, stale),
		"ns3.acme.example:53": rawUDP(t, func([]byte) []byte { return nil }),
		"ns4.acme.example:53": serveDNS(t, rcodeServer(dns.RcodeRefused)),
		"ns5.acme.example:53": serveDNS(t, notAuth),
	}
	e := testEnv(t, zoneHosts, netx.Config{Resolvers: []string{ns1}, ConnectTo: connect, DNSTimeout: 300 * time.Millisecond})
	start := time.Now()
	r := sweep(t, e, 3*time.Second)["dns zone acme.example"]
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("a sweep with a silent nameserver took %s", took)
	}
	if r.Err != "" {
		t.Fatalf("could not run: %s", r.Err)
	}
	want := []string{
		"dns.lame-nameserver/high", "dns.lame-nameserver/high", "dns.lame-nameserver/high",
		"dns.serial-mismatch/medium", "dns.ns-answer-mismatch/high", "dns.ttl-too-long/low",
		"dns.caa-mismatch/high", "dns.wildcard/low",
	}
	if got := ids(r); got != strings.Join(want, ",") {
		t.Errorf("findings\n%s\nwant\n%s", got, strings.Join(want, ","))
	}
	for _, f := range r.Findings {
		complete(t, f)
	}
	reasons := ""
	for _, f := range r.Findings {
		if f.ID == "dns.lame-nameserver" {
			reasons += f.Title + "\n"
		}
	}
	for _, w := range []string{"ns3.acme.example is lame: it did not answer within", "ns4.acme.example is lame: it answered REFUSED", "ns5.acme.example is lame: it answered without authority"} {
		if !strings.Contains(reasons, w) {
			t.Errorf("lame reasons lack %q:\n%s", w, reasons)
		}
	}
	serial := finding1(t, r, "dns.serial-mismatch")
	if !strings.Contains(serial.Observed, "ns1.acme.example 2026112805, ns2.acme.example 2026112801") {
		t.Errorf("serials: %q", serial.Observed)
	}
	mismatch := finding1(t, r, "dns.ns-answer-mismatch")
	if mismatch.Target != "app.acme.example" || !strings.Contains(mismatch.Detail, "192.0.2.20") || !strings.Contains(mismatch.Detail, "192.0.2.21") || mismatch.Impact != probes.Onboarding {
		t.Errorf("answer mismatch: %+v", mismatch)
	}
	ttl := finding1(t, r, "dns.ttl-too-long")
	if ttl.Target != "api.acme.example" || !strings.Contains(ttl.Title, "24h") || !strings.Contains(ttl.Fix, "api.acme.example. 300 IN A 192.0.2.30") {
		t.Errorf("ttl (status is stable and must not be flagged): %+v", ttl)
	}
	caa := finding1(t, r, "dns.caa-mismatch")
	if !strings.Contains(caa.Title, "does not allow letsencrypt.org") || !strings.Contains(caa.Fix, `acme.example. 3600 IN CAA 0 issue "letsencrypt.org"`) {
		t.Errorf("caa: %+v", caa)
	}
	if r.Metrics["ns_agree"] != 0 || r.Metrics["ns_count"] != 5 || r.Metrics["serial"] != 2026112805 || r.Metrics["caa"] != 1 || r.Metrics["dnssec"] != 0 {
		t.Errorf("metrics %v", r.Metrics)
	}
	d := r.Data.(*ZoneData)
	if len(d.Nameservers) != 5 || !d.Nameservers[0].OK || d.Nameservers[2].OK || d.Nameservers[2].Addr == "" || !d.Wildcard || d.DNSSEC != "unsigned" {
		t.Errorf("data %+v", d)
	}
}

func TestAgreeingNameservers(t *testing.T) {
	t.Parallel()
	records := append(acmeZone("7", []string{"ns1", "ns2"}), "app IN A 192.0.2.20", `@ 3600 IN CAA 0 issue "letsencrypt.org"`)
	ns1, ns2 := serveDNS(t, newZones(t, map[string][]string{"acme.example": records})), serveDNS(t, newZones(t, map[string][]string{"acme.example": records}))
	e := testEnv(t, strings.Replace(zoneHosts, "stable: [status.acme.example]", "stable: [status.acme.example, api.acme.example]", 1),
		netx.Config{Resolvers: []string{ns1}, ConnectTo: map[string]string{"ns1.acme.example:53": ns1, "ns2.acme.example:53": ns2}})
	r := sweep(t, e, 3*time.Second)["dns zone acme.example"]
	if ids(r) != "" || r.Err != "" || r.Metrics["ns_agree"] != 1 || r.Metrics["records"] < 5 {
		t.Errorf("findings %q err %q metrics %v", ids(r), r.Err, r.Metrics)
	}
	if r.Summary != "2 nameservers agree · serial 7 · CAA letsencrypt.org · DNSSEC unsigned" {
		t.Errorf("summary %q", r.Summary)
	}
}

func TestZoneFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		records []string
		domain  string
		want    string
	}{
		{"no CAA", []string{"app IN A 192.0.2.20"}, "acme.example", "dns.caa-missing/low"},
		{"CAA for wildcards only allows any CA for names", []string{"app IN A 192.0.2.20", `@ IN CAA 0 issuewild "pki.goog"`}, "acme.example", ""},
		{"CAA forbidding every CA", []string{"app IN A 192.0.2.20", `@ IN CAA 0 issue ";"`}, "acme.example", "dns.caa-mismatch/high"},
		{"apex CNAME", []string{"app IN A 192.0.2.20", `@ IN CAA 0 issue "letsencrypt.org"`, "@ IN CNAME elsewhere.example."}, "acme.example", "dns.apex-cname/high"},
		{"a domain below its zone's apex", []string{"app IN A 192.0.2.20", `@ IN CAA 0 issue "letsencrypt.org"`, "shop IN A 192.0.2.9"}, "shop.acme.example", ""},
		{"no such domain", []string{"app IN A 192.0.2.20"}, "nope.acme.example", "dns.zone-missing/critical"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ns1 := serveDNS(t, newZones(t, map[string][]string{"acme.example": append(acmeZone("1", []string{"ns1"}), c.records...)}))
			cfg := strings.Replace(zoneHosts, "domain: acme.example", "domain: "+c.domain, 1)
			cfg = strings.Replace(cfg, "stable: [status.acme.example]", "stable: [status.acme.example, api.acme.example]", 1)
			e := testEnv(t, cfg, netx.Config{Resolvers: []string{ns1}, ConnectTo: map[string]string{"ns1.acme.example:53": ns1}})
			var r probes.Result
			for _, res := range sweep(t, e, 3*time.Second) {
				if strings.HasPrefix(res.Check, "dns zone ") {
					r = res
				}
			}
			if got := ids(r); got != c.want || r.Err != "" {
				t.Errorf("findings %q, want %q (error %q, summary %q)", got, c.want, r.Err, r.Summary)
			}
			for _, f := range r.Findings {
				complete(t, f)
			}
			if c.domain == "shop.acme.example" && (r.Data.(*ZoneData).Zone != "acme.example" || r.Target != "shop.acme.example") {
				t.Errorf("climbed to %q", r.Data.(*ZoneData).Zone)
			}
		})
	}
}

// Every nameserver failing is critical, and ends within the timeout.
func TestAllNameserversLame(t *testing.T) {
	t.Parallel()
	resolver := serveDNS(t, newZones(t, map[string][]string{"acme.example": append(acmeZone("1", []string{"ns1", "ns2", "ns3", "ns4"}), "app IN A 192.0.2.20")}))
	wrongID := rawUDP(t, func(p []byte) []byte {
		q := new(dns.Msg)
		if q.Unpack(p) != nil {
			return nil
		}
		m := new(dns.Msg)
		m.SetReply(q)
		m.Authoritative = true
		m.Id ^= 0x5555
		b, _ := m.Pack()
		return b
	})
	e := testEnv(t, zoneHosts, netx.Config{Resolvers: []string{resolver}, DNSTimeout: 200 * time.Millisecond, ConnectTo: map[string]string{
		"ns1.acme.example:53": rawUDP(t, func([]byte) []byte { return nil }),
		"ns2.acme.example:53": rawUDP(t, func(p []byte) []byte { return []byte("garbage, not DNS") }),
		"ns3.acme.example:53": wrongID,
		"ns4.acme.example:53": serveDNS(t, rcodeServer(dns.RcodeServerFailure)),
	}})
	r := sweep(t, e, 2*time.Second)["dns zone acme.example"]
	if got := ids(r); got != "dns.lame-nameserver/critical" {
		t.Fatalf("findings %q (error %q)", got, r.Err)
	}
	f := r.Findings[0]
	for _, w := range []string{"ns1.acme.example did not answer within", "ns2.acme.example answered with a packet that is not valid DNS",
		"ns3.acme.example answered with the wrong message id", "ns4.acme.example answered SERVFAIL for its own zone"} {
		if !strings.Contains(f.Detail, w) {
			t.Errorf("detail lacks %q:\n%s", w, f.Detail)
		}
	}
	complete(t, f)
}

// TestBrokenDNSSEC: a DS at the registry that no key of the zone matches is critical
// (validating resolvers SERVFAIL every name); a DS whose key the zone serves is not, nor
// is an unsigned zone (the healthy twin above).
func TestBrokenDNSSEC(t *testing.T) {
	t.Parallel()
	key := &dns.DNSKEY{Hdr: dns.RR_Header{Name: "acme.example.", Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 3600},
		Flags: 257, Protocol: 3, Algorithm: dns.ECDSAP256SHA256}
	if _, err := key.Generate(256); err != nil {
		t.Fatal(err)
	}
	other := *key
	other.Hdr.Name = "acme.example."
	if _, err := other.Generate(256); err != nil {
		t.Fatal(err)
	}
	ds := key.ToDS(dns.SHA256)
	base := append(acmeZone("7", []string{"ns1", "ns2"}), "app IN A 192.0.2.20", `@ 3600 IN CAA 0 issue "letsencrypt.org"`)
	cases := []struct {
		name    string
		records []string
		want    string
	}{
		{"DS and no key", []string{ds.String()}, "dns.dnssec-broken/critical"},
		{"DS for a key the zone no longer serves", []string{ds.String(), other.String()}, "dns.dnssec-broken/critical"},
		{"DS and its key", []string{ds.String(), key.String()}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			records := append(slices.Clone(base), tc.records...)
			ns1, ns2 := serveDNS(t, newZones(t, map[string][]string{"acme.example": records})), serveDNS(t, newZones(t, map[string][]string{"acme.example": records}))
			e := testEnv(t, strings.Replace(zoneHosts, "stable: [status.acme.example]", "stable: [status.acme.example, api.acme.example]", 1),
				netx.Config{Resolvers: []string{ns1}, ConnectTo: map[string]string{"ns1.acme.example:53": ns1, "ns2.acme.example:53": ns2}})
			r := sweep(t, e, 3*time.Second)["dns zone acme.example"]
			if got := ids(r); got != tc.want || r.Metrics["dnssec"] != 1 {
				t.Fatalf("findings %q (want %q), dnssec metric %v, err %q", got, tc.want, r.Metrics["dnssec"], r.Err)
			}
			if tc.want != "" {
				f := finding1(t, r, "dns.dnssec-broken")
				complete(t, f)
				if !strings.Contains(f.Observed, fmt.Sprintf("key tag %d", ds.KeyTag)) || !strings.Contains(f.Fix, "remove the DS") {
					t.Errorf("finding %+v", f)
				}
			}
		})
	}
}
