package mailauth

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// Keys used in zones: a 2048-bit RSA key (the lab's lr1), the RFC 8463 ed25519 key, the
// dkimpy 1024-bit test key and a 768-bit key receivers refuse.
const (
	rsa2048    = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEApcNtLphiyyy71345Mc8i0zzkT7y5tsK941Ip0wAwp9ycq3PJ5il6SE0E/M4yw/oJBOG1qWcOGly4tGqw3cpnrUVHxOsZvrpB/33+qQwr9jSyyfOqoIPv6GdbrRH6HqZctrhxWiATy3PjaNVhDfeF5Y30lyv4oXXeLFmRWugl10lOJqFGdpV+4PNQM5zY1rrZcNQyJmjL8tuCCLEbpQmjdqeqRiij7uz8ZIBzZmEQVOgA6/ME/5/yEwRgPRqFa8+kxSLRqbsbZ8eQgzZYoT72S9md9ZNaRzF12qqi5yaLEakrwew3kzr9siCjFmAFwP/93ku5HDJjIGXqTNHcdBZVewIDAQAB"
	ed25519Key = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
	rsa1024    = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"
	rsa768     = "MHwwDQYJKoZIhvcNAQEBBQADawAwaAJhAKfHh9HWl+v28KE2ioAlVv1crc++mrOGpjdmIizVq+I44jvcoLoli5BPFtN2upNYQM3uJ3ZjQ2psXbWzZIpB5S1tHyPmjEeEAJy5fU8cXaYlDv4BNnUyK2giTmHPvLMnYQIDAQAB"
)

// dkimTXT writes a key record as a zone line, split into 255-byte strings.
func dkimTXT(owner, rec string) string {
	var parts []string
	for len(rec) > 255 {
		parts = append(parts, `"`+rec[:255]+`"`)
		rec = rec[255:]
	}
	parts = append(parts, `"`+rec+`"`)
	return owner + " 300 IN TXT " + strings.Join(parts, " ")
}

// goodZone is a domain with nothing wrong but MTA-STS (which needs HTTPS; the lab tests
// cover it): every case below edits it.
func goodZone() []string {
	return []string{
		`acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example -all"`,
		`acme.example. 300 IN TXT "google-site-verification=abc"`,
		`_spf.provider.example. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"`,
		dkimTXT("lr1._domainkey.acme.example.", "v=DKIM1; k=rsa; p="+rsa2048),
		`_dmarc.acme.example. 300 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@acme.example"`,
		"acme.example. 300 IN MX 10 mx.acme.example.",
		"mx.acme.example. 300 IN A 192.0.2.25",
		`_smtp._tls.acme.example. 300 IN TXT "v=TLSRPTv1; rua=mailto:tls@acme.example"`,
	}
}

const goodEmail = `email:
  approved_senders: [_spf.provider.example]
  sending_ips: [192.0.2.10]
  dkim_selectors: [lr1]
`

// edit returns the zone without the lines starting with any of drop, plus add.
func edit(zone []string, drop []string, add ...string) []string {
	out := slices.DeleteFunc(slices.Clone(zone), func(l string) bool {
		for _, d := range drop {
			if strings.HasPrefix(l, d) {
				return true
			}
		}
		return false
	})
	return append(out, add...)
}

// testEnv builds a probe environment for config text (the top-level keys are supplied)
// whose network asks only the given DNS server.
func testEnv(t testing.TB, emailYAML string, nc netx.Config) probes.Env {
	t.Helper()
	text := "domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts:\n  - {name: app.acme.example, role: app}\n" + emailYAML
	cfg, err := config.Parse([]byte(text), filepath.Join(t.TempDir(), "launchready.yaml"))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	if nc.DNSTimeout == 0 {
		nc.DNSTimeout = 500 * time.Millisecond
	}
	n, err := netx.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return probes.Env{Config: cfg, Net: n, Now: time.Now}
}

// sweepEmail builds the email checks and runs them once, keyed by target domain.
func sweepEmail(t testing.TB, e probes.Env) map[string]probes.Result {
	t.Helper()
	checks, err := Kind.Build(e)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]probes.Result{}
	for _, r := range probes.NewRunner(checks, probes.RunnerOptions{Timeout: 5 * time.Second}).Sweep(context.Background()) {
		out[r.Target] = r
	}
	return out
}

// ids lists findings as id/severity, sorted, leaving out the ones in ignore.
func ids(r probes.Result, ignore ...string) []string {
	var s []string
	for _, f := range r.Findings {
		if !slices.Contains(ignore, f.ID) {
			s = append(s, f.ID+"/"+f.Severity.String())
		}
	}
	slices.Sort(s)
	return s
}

func TestGoodZoneIsClean(t *testing.T) {
	t.Parallel()
	srv := newTestDNS()
	srv.add(t, goodZone()...)
	srv.start(t)
	r := sweepEmail(t, testEnv(t, goodEmail, netx.Config{Resolvers: []string{srv.Addr}}))["acme.example"]
	if got := ids(r); !slices.Equal(got, []string{"email.mta-sts-missing/low"}) {
		t.Fatalf("findings %v (err %q), want only the MTA-STS note", got, r.Err)
	}
	for k, want := range map[string]float64{"spf_lookups": 1, "spf_void_lookups": 0, "dkim_key_bits": 2048, "dmarc_policy": 2, "mx_count": 1} {
		if got, ok := r.Metrics[k]; !ok || got != want {
			t.Errorf("metric %s = %v (present %v), want %v", k, got, ok, want)
		}
	}
	rep := r.Data.(*Report)
	if len(rep.SPF.Verdicts) != 1 || rep.SPF.Verdicts[0].Result != SPFPass {
		t.Errorf("sending IP verdicts: %+v", rep.SPF.Verdicts)
	}
	if rep.Alignment == nil || !rep.Alignment.SPFAligned || !rep.Alignment.DKIMAligned {
		t.Errorf("alignment: %+v", rep.Alignment)
	}
	if !strings.Contains(r.Summary, "SPF 1/10 lookups") || !strings.Contains(r.Summary, "DKIM lr1 rsa 2048") || !strings.Contains(r.Summary, "DMARC p=reject") {
		t.Errorf("summary %q", r.Summary)
	}
}

// TestFindings covers every finding the pane can raise from DNS alone, each case one edit
// of a good zone.
func TestFindings(t *testing.T) {
	t.Parallel()
	spfAt := "acme.example. 300 IN TXT \"v=spf1"
	nested := []string{ // 12 lookups: 3 includes at the top, each with nested includes and a/mx terms
		`acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example include:a.example include:b.example mx -all"`,
		`a.example. 300 IN TXT "v=spf1 include:a1.example include:a2.example -all"`,
		`a1.example. 300 IN TXT "v=spf1 a:h1.a.example a:h2.a.example a:h3.a.example -all"`,
		`a2.example. 300 IN TXT "v=spf1 ip4:198.51.100.0/24 -all"`,
		`b.example. 300 IN TXT "v=spf1 include:b1.example mx:b.example a:smtp.b.example -all"`,
		`b1.example. 300 IN TXT "v=spf1 ip4:203.0.113.0/24 -all"`,
		"h1.a.example. 300 IN A 198.51.100.1", "h2.a.example. 300 IN A 198.51.100.2", "h3.a.example. 300 IN A 198.51.100.3",
		"b.example. 300 IN MX 10 mail.b.example.", "mail.b.example. 300 IN A 203.0.113.25", "smtp.b.example. 300 IN A 203.0.113.26",
	}
	cases := []struct {
		name  string
		zone  []string
		email string
		want  []string
	}{
		{"spf missing", edit(goodZone(), []string{spfAt}), goodEmail,
			[]string{"email.spf-missing/high"}},
		{"spf twice", edit(goodZone(), nil, `acme.example. 300 IN TXT "v=spf1 -all"`), goodEmail,
			[]string{"email.spf-multiple/high"}},
		{"spf syntax", edit(goodZone(), []string{spfAt}, `acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example ip4:192.0.2.300 -all"`), goodEmail,
			[]string{"email.spf-syntax/high"}},
		{"spf +all", edit(goodZone(), []string{spfAt}, `acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example +all"`), goodEmail,
			[]string{"email.spf-pass-all/high"}},
		{"spf ?all", edit(goodZone(), []string{spfAt}, `acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example ?all"`), goodEmail,
			[]string{"email.spf-neutral-all/medium"}},
		{"spf no all", edit(goodZone(), []string{spfAt}, `acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example"`), goodEmail,
			[]string{"email.spf-no-all/medium"}},
		{"spf ptr", edit(goodZone(), []string{spfAt}, `acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example ptr -all"`), goodEmail,
			[]string{"email.spf-ptr/low"}},
		{"spf 12 lookups", edit(goodZone(), []string{spfAt}, nested...), goodEmail,
			[]string{"email.spf-too-many-lookups/high", "email.spf-unapproved-include/medium", "email.spf-unapproved-include/medium"}},
		{"spf 10 lookups", edit(goodZone(), []string{spfAt}, append(slices.DeleteFunc(slices.Clone(nested), func(l string) bool {
			return strings.HasPrefix(l, "acme.example.") || strings.HasPrefix(l, "b.example. 300 IN TXT")
		}),
			`acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example include:a.example include:b.example -all"`,
			`b.example. 300 IN TXT "v=spf1 include:b1.example mx:b.example -all"`)...),
			"email:\n  dkim_selectors: [lr1]\n",
			[]string{"email.spf-lookups-near-limit/low"}},
		{"spf void lookups", edit(goodZone(), []string{spfAt}, `acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example a:gone1.acme.example a:gone2.acme.example mx:gone3.acme.example -all"`), goodEmail,
			[]string{"email.spf-void-lookups/high"}},
		{"spf include without record", edit(goodZone(), []string{spfAt}, `acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example include:nospf.acme.example -all"`, "nospf.acme.example. 300 IN A 192.0.2.1"),
			"email:\n  dkim_selectors: [lr1]\n",
			[]string{"email.spf-include-broken/high"}},
		{"spf include servfail", edit(goodZone(), []string{spfAt}, `acme.example. 300 IN TXT "v=spf1 include:servfail.provider.example include:_spf.provider.example -all"`),
			"email:\n  dkim_selectors: [lr1]\n",
			[]string{"email.spf-temperror/medium"}},
		{"approved sender missing", goodZone(), "email:\n  approved_senders: [_spf.provider.example, _spf.crm.example]\n  dkim_selectors: [lr1]\n",
			[]string{"email.spf-approved-missing/high"}},
		{"sending IP not authorised", goodZone(), "email:\n  sending_ips: [192.0.2.10, 198.51.100.7]\n  dkim_selectors: [lr1]\n",
			[]string{"email.spf-ip-not-authorised/high"}},
		{"spf strings run together", edit(goodZone(), []string{spfAt}, `acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example" "ip4:192.0.2.0/24 -all"`), goodEmail,
			[]string{"email.spf-split-joins-terms/high", "email.spf-syntax/high"}},
		{"spf long record split inside a term", edit(goodZone(), []string{spfAt}, `acme.example. 300 IN TXT "v=spf1 include:_spf.provider.exa" "mple -all"`), goodEmail,
			nil},
		// exactly 255 bytes, ending in a whole term but no all: what a provider's cut leaves
		{"spf cut at 255", edit(goodZone(), []string{spfAt}, `acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example `+strings.Repeat("ip4:192.0.2.1 ", 7)+strings.Repeat("ip4:192.0.2.10 ", 7)+"ip4:192.0.2.100"+`"`), goodEmail,
			[]string{"email.spf-no-all/medium", "email.spf-truncated/medium"}},
		{"spf answer over 512 bytes", edit(goodZone(), []string{spfAt}, `acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example `+strings.Repeat("ip4:192.0.2.1 ", 20)+`" "`+strings.Repeat("ip4:192.0.2.2 ", 15)+`-all"`), goodEmail,
			[]string{"email.spf-too-long/low"}},

		{"dkim selector missing", edit(goodZone(), []string{"lr1._domainkey"}), goodEmail,
			[]string{"email.dkim-missing/high"}},
		{"dkim revoked", edit(goodZone(), []string{"lr1._domainkey"}, `lr1._domainkey.acme.example. 300 IN TXT "v=DKIM1; k=rsa; p="`), goodEmail,
			[]string{"email.dkim-revoked/high"}},
		{"dkim 1024", edit(goodZone(), []string{"lr1._domainkey"}, dkimTXT("lr1._domainkey.acme.example.", "v=DKIM1; k=rsa; p="+rsa1024)), goodEmail,
			[]string{"email.dkim-weak-key/medium"}},
		{"dkim 768", edit(goodZone(), []string{"lr1._domainkey"}, dkimTXT("lr1._domainkey.acme.example.", "v=DKIM1; p="+rsa768)), goodEmail,
			[]string{"email.dkim-weak-key/high"}},
		{"dkim ed25519 testing", edit(goodZone(), []string{"lr1._domainkey"}, dkimTXT("lr1._domainkey.acme.example.", "v=DKIM1; k=ed25519; t=y; p="+ed25519Key)), goodEmail,
			[]string{"email.dkim-testing/low"}},
		{"dkim not for email, sha1 only", edit(goodZone(), []string{"lr1._domainkey"}, dkimTXT("lr1._domainkey.acme.example.", "v=DKIM1; h=sha1; s=tlsrpt; p="+rsa2048)), goodEmail,
			[]string{"email.dkim-hash/high", "email.dkim-not-for-email/high"}},
		{"dkim cut when pasted", edit(goodZone(), []string{"lr1._domainkey"}, dkimTXT("lr1._domainkey.acme.example.", "v=DKIM1; k=rsa; p="+rsa2048[:200])), goodEmail,
			[]string{"email.dkim-invalid/high"}},
		{"dkim two records", edit(goodZone(), nil, `lr1._domainkey.acme.example. 300 IN TXT "v=DKIM1; k=ed25519; p=`+ed25519Key+`"`), goodEmail,
			[]string{"email.dkim-invalid/high"}},
		{"dkim well-known selector found", edit(goodZone(), nil, dkimTXT("google._domainkey.acme.example.", "v=DKIM1; k=rsa; p="+rsa2048)), goodEmail,
			[]string{"email.dkim-selector-found/info"}},
		{"dkim none at all", edit(goodZone(), []string{"lr1._domainkey"}), "email:\n  sending_ips: [192.0.2.10]\n",
			[]string{"email.dkim-none/medium"}},

		{"dmarc missing", edit(goodZone(), []string{"_dmarc"}), goodEmail, []string{"email.dmarc-missing/high"}},
		{"dmarc twice", edit(goodZone(), nil, `_dmarc.acme.example. 300 IN TXT "v=DMARC1; p=none"`), goodEmail, []string{"email.dmarc-multiple/high"}},
		{"dmarc invalid", edit(goodZone(), []string{"_dmarc"}, `_dmarc.acme.example. 300 IN TXT "v=DMARC1; p=block"`), goodEmail, []string{"email.dmarc-invalid/high"}},
		{"dmarc none without rua", edit(goodZone(), []string{"_dmarc"}, `_dmarc.acme.example. 300 IN TXT "v=DMARC1; p=none"`), goodEmail,
			[]string{"email.dmarc-no-rua/medium", "email.dmarc-policy-none/medium"}},
		{"dmarc below minimum", edit(goodZone(), []string{"_dmarc"}, `_dmarc.acme.example. 300 IN TXT "v=DMARC1; p=quarantine; rua=mailto:d@acme.example"`),
			goodEmail + "  min_dmarc_policy: reject\n", []string{"email.dmarc-below-minimum/high"}},
		{"dmarc partial, testing, weak sp, strict, pct note", edit(goodZone(), []string{"_dmarc"}, `_dmarc.acme.example. 300 IN TXT "v=DMARC1; p=reject; sp=none; pct=50; t=y; adkim=s; rua=mailto:d@acme.example"`), goodEmail,
			[]string{"email.dmarc-notes/info", "email.dmarc-partial/low", "email.dmarc-strict-alignment/info", "email.dmarc-testing/low", "email.dmarc-weak-subdomain-policy/low"}},
		{"dmarc external reports unauthorised", edit(goodZone(), []string{"_dmarc"}, `_dmarc.acme.example. 300 IN TXT "v=DMARC1; p=reject; rua=mailto:d@acme.example,mailto:x@reports.example"`), goodEmail,
			[]string{"email.dmarc-report-unauthorised/medium"}},
		{"dmarc external reports authorised", edit(goodZone(), []string{"_dmarc"}, `_dmarc.acme.example. 300 IN TXT "v=DMARC1; p=reject; rua=mailto:x@reports.example"`,
			`acme.example._report._dmarc.reports.example. 300 IN TXT "v=DMARC1"`), goodEmail, nil},

		{"mx missing", edit(goodZone(), []string{"acme.example. 300 IN MX"}), goodEmail, []string{"email.mx-missing/medium"}},
		{"null mx on a sending domain", edit(goodZone(), []string{"acme.example. 300 IN MX"}, "acme.example. 300 IN MX 0 ."), goodEmail, []string{"email.mx-null/high"}},
		{"mx does not resolve", edit(goodZone(), []string{"acme.example. 300 IN MX"}, "acme.example. 300 IN MX 10 gone.acme.example."), goodEmail, []string{"email.mx-unresolvable/high"}},
		{"mx is a cname", edit(goodZone(), []string{"acme.example. 300 IN MX"}, "acme.example. 300 IN MX 10 alias.acme.example.", "alias.acme.example. 300 IN CNAME mx.acme.example."), goodEmail, []string{"email.mx-cname/medium"}},
		{"mx address literal", edit(goodZone(), []string{"acme.example. 300 IN MX"}, "acme.example. 300 IN MX 10 192.0.2.25."), goodEmail, []string{"email.mx-address-literal/medium"}},

		{"return path on the provider's domain", goodZone(), goodEmail + "  return_path_domain: bounces.provider.example\n",
			[]string{"email.spf-unaligned/medium"}},
		{"provider set up on another domain", edit(goodZone(), nil,
			`mail.other.example. 300 IN TXT "v=spf1 include:_spf.provider.example -all"`,
			dkimTXT("lr1._domainkey.mail.other.example.", "v=DKIM1; p="+rsa2048),
			`_dmarc.mail.other.example. 300 IN TXT "v=DMARC1; p=reject; rua=mailto:d@acme.example"`,
			"mail.other.example. 300 IN MX 10 mx.acme.example."),
			"email:\n  domains: [mail.other.example]\n  from_domain: acme.example\n  return_path_domain: mail.other.example\n  dkim_selectors: [lr1]\n",
			[]string{"email.dkim-unaligned/high", "email.dmarc-report-unauthorised/medium", "email.spf-unaligned/high", "email.tlsrpt-missing/low"}},
		{"tlsrpt missing", edit(goodZone(), []string{"_smtp._tls"}), goodEmail, []string{"email.tlsrpt-missing/low"}},
		{"tlsrpt invalid", edit(goodZone(), []string{"_smtp._tls"}, `_smtp._tls.acme.example. 300 IN TXT "v=TLSRPTv1; rua=ftp://x"`), goodEmail, []string{"email.tlsrpt-invalid/low"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestDNS()
			srv.add(t, c.zone...)
			srv.servfail["servfail.provider.example."] = true
			srv.start(t)
			res := sweepEmail(t, testEnv(t, c.email, netx.Config{Resolvers: []string{srv.Addr}}))
			var all []probes.Finding
			var got []string
			for _, r := range res {
				if r.Err != "" {
					t.Fatalf("%s: could not run: %s", r.Check, r.Err)
				}
				got = append(got, ids(r, "email.mta-sts-missing")...)
				all = append(all, r.Findings...)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("findings %v, want %v", got, c.want)
				for _, f := range all {
					t.Logf("  %s %s: %s", f.ID, f.Severity, f.Detail)
				}
			}
			for _, f := range all {
				if f.Title == "" || f.Fix == "" || f.Detail == "" || f.Target == "" || f.Impact == "" {
					t.Errorf("%s lacks what an operator needs: %+v", f.ID, f)
				}
			}
		})
	}
}

// TestSubdomainInheritsPolicy: a sending subdomain without its own DMARC record gets the
// organisational domain's sp=, which is what the pane must judge.
func TestSubdomainInheritsPolicy(t *testing.T) {
	t.Parallel()
	srv := newTestDNS()
	srv.add(t, edit(goodZone(), []string{"_dmarc"},
		`_dmarc.acme.example. 300 IN TXT "v=DMARC1; p=reject; sp=none; rua=mailto:d@acme.example"`,
		`news.acme.example. 300 IN TXT "v=spf1 include:_spf.provider.example -all"`,
		dkimTXT("lr1._domainkey.news.acme.example.", "v=DKIM1; p="+rsa2048),
		"news.acme.example. 300 IN MX 10 mx.acme.example.",
		`_smtp._tls.news.acme.example. 300 IN TXT "v=TLSRPTv1; rua=mailto:tls@acme.example"`)...)
	srv.start(t)
	res := sweepEmail(t, testEnv(t, "email:\n  domains: [acme.example, news.acme.example]\n  dkim_selectors: [lr1]\n", netx.Config{Resolvers: []string{srv.Addr}}))
	news := res["news.acme.example"]
	if got := ids(news, "email.mta-sts-missing"); !slices.Equal(got, []string{"email.dmarc-policy-none/medium", "email.dmarc-weak-subdomain-policy/low"}) {
		t.Errorf("news findings %v", got)
	}
	rep := news.Data.(*Report)
	if !rep.DMARC.Inherited || rep.DMARC.PolicyDomain != "acme.example" || rep.DMARC.Effective != "none" || news.Metrics["dmarc_policy"] != 0 {
		t.Errorf("inherited policy: %+v metrics %v", rep.DMARC, news.Metrics)
	}
	if rep.Alignment != nil {
		t.Error("alignment belongs on the From domain's check only")
	}
	if res["acme.example"].Data.(*Report).Alignment == nil {
		t.Error("the From domain's check has no alignment")
	}
}

// TestResolverDownIsAnError: when DNS cannot be asked at all, the check could not run; it
// must not blame the product with findings, and it must end within its timeout.
func TestResolverDownIsAnError(t *testing.T) {
	t.Parallel()
	dead := deadUDP(t) // a socket that reads queries and never answers
	start := time.Now()
	e := testEnv(t, goodEmail, netx.Config{Resolvers: []string{dead}, DNSTimeout: 200 * time.Millisecond})
	r := sweepEmail(t, e)["acme.example"]
	if r.Status != probes.StatusError || r.Err == "" || len(r.Findings) != 0 {
		t.Errorf("status %s err %q findings %v: want an error and no findings", r.Status, r.Err, ids(r))
	}
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("took %s", took)
	}
}

// deadUDP is a UDP socket on loopback that swallows queries.
func deadUDP(t testing.TB) string {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	return pc.LocalAddr().String()
}

// TestHostileSPFTreeIsBounded: records that include each other, or fan out without end,
// end in a finding within the walk's cap instead of a hang.
func TestHostileSPFTreeIsBounded(t *testing.T) {
	t.Parallel()
	srv := newTestDNS()
	var zone []string
	// Each level includes two names of the next, 100 levels deep: 2^100 records to walk.
	for i := 1; i <= 100; i++ {
		for _, side := range []string{"a", "b"} {
			zone = append(zone, fmt.Sprintf(`fan%d%s.example. 300 IN TXT "v=spf1 include:fan%da.example include:fan%db.example -all"`, i, side, i+1, i+1))
		}
	}
	zone = append(zone, `acme.example. 300 IN TXT "v=spf1 include:fan1a.example include:loop1.example -all"`,
		`loop1.example. 300 IN TXT "v=spf1 include:loop2.example -all"`,
		`loop2.example. 300 IN TXT "v=spf1 include:loop1.example -all"`)
	srv.add(t, zone...)
	srv.start(t)
	w := WalkSPF(context.Background(), srv.net(t), "acme.example", SPFWalkOptions{})
	if w.Result != SPFPermError || !w.Incomplete || w.Lookups != walkCap {
		t.Errorf("fan-out: result %s incomplete %v lookups %d, want permerror after %d", w.Result, w.Incomplete, w.Lookups, walkCap)
	}
	srv.mu.Lock()
	q := srv.queries
	srv.mu.Unlock()
	if q > walkCap+5 {
		t.Errorf("the walk asked %d queries; the cap is %d lookups", q, walkCap)
	}
	l := WalkSPF(context.Background(), srv.net(t), "loop1.example", SPFWalkOptions{})
	if l.Result != SPFPermError || !strings.Contains(l.Reason, "loop") {
		t.Errorf("loop: %s %q", l.Result, l.Reason)
	}
}
