package dnscheck

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/dnsmap"
	"github.com/launchready/launchready/probes/mailauth"
	"github.com/launchready/launchready/probes/netx"
)

// TestKnownNamesIncludeSelectorsSeenInMessages: a DKIM selector `email verify` found only
// in a received message is documented and diffed like a configured one; one for another
// zone, and a damaged record file, add nothing.
func TestKnownNamesIncludeSelectorsSeenInMessages(t *testing.T) {
	cfg, err := config.Parse([]byte(mailHosts), "launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	st, err := LoadSettings(cfg)
	if err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	file := filepath.Join(state, mailauth.SelectorsFile)
	if err := os.WriteFile(file, []byte(`{"selectors": [
		{"domain": "acme.example", "selector": "s2024", "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-20T00:00:00Z", "message": "m.eml"},
		{"domain": "mail.acme.example", "selector": "Old", "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-02T00:00:00Z", "message": "n.eml"},
		{"domain": "vendor.example.net", "selector": "k1", "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-02T00:00:00Z", "message": "o.eml"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	names := KnownNames(cfg, st, state)
	for _, want := range []string{"s2024._domainkey.acme.example.", "old._domainkey.mail.acme.example."} {
		if !slices.Contains(names, want) {
			t.Errorf("KnownNames lacks %s, seen in a message: %v", want, names)
		}
	}
	if slices.Contains(names, "k1._domainkey.vendor.example.net.") {
		t.Error("a selector of another zone was added to this zone's names")
	}
	without := KnownNames(cfg, st, "")
	if len(names) != len(without)+2 {
		t.Errorf("%d names with the record, %d without: want exactly the two in-zone selectors added", len(names), len(without))
	}
	if err := os.WriteFile(file, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := KnownNames(cfg, st, state); len(got) != len(without) {
		t.Errorf("a damaged record file changed the names: %v", got)
	}
}

// sendingSubdomainConfig sends mail from the apex and from news.acme.example, bouncing
// through bounce.acme.example.
const sendingSubdomainConfig = `domain: acme.example
canonical_url: https://app.acme.example/
hosts:
  - {name: acme.example}
email:
  domains: [acme.example, news.acme.example]
  return_path_domain: bounce.acme.example
  dkim_selectors: [lr1]
`

// subdomainMail are the records of a sending subdomain, its own mail host and a selector
// seen only in a received message, and the return-path domain's SPF.
func subdomainMail(newsSPF string, withSeen bool) []string {
	recs := []string{
		"@ 3600 IN SOA ns1.acme.example. hostmaster.acme.example. 9 7200 3600 1209600 300",
		"@ 3600 IN NS ns1.acme.example.",
		"ns1 IN A 192.0.2.53",
		`@ IN TXT "v=spf1 include:_spf.provider.example -all"`,
		`_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@acme.example"`,
		`news IN TXT "` + newsSPF + `"`,
		"news IN MX 10 mx.news.acme.example.",
		"mx.news IN A 192.0.2.26",
		`lr1._domainkey.news IN TXT "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A"`,
		`_mta-sts.news IN TXT "v=STSv1; id=20261128"`,
		`_smtp._tls.news IN TXT "v=TLSRPTv1; rua=mailto:tls@acme.example"`,
		`bounce IN TXT "v=spf1 include:_spf.provider.example -all"`,
	}
	if withSeen {
		recs = append(recs, `s2024._domainkey.news IN TXT "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ"`)
	}
	return recs
}

// TestExportCoversSendingSubdomains: every name the email pane reads for a sending
// subdomain (its SPF and MX, its mail host, DKIM selectors configured and seen in
// messages, MTA-STS, TLS-RPT) and the return-path domain's SPF are in the exported map,
// and a change to any of them is drift.
func TestExportCoversSendingSubdomains(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	if err := os.WriteFile(filepath.Join(state, mailauth.SelectorsFile), []byte(`{"selectors": [
		{"domain": "news.acme.example", "selector": "s2024", "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-20T00:00:00Z", "message": "m.eml"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	read := func(zone []string) *Collected {
		ns := serveDNS(t, newZones(t, map[string][]string{"acme.example": zone}))
		e := testEnv(t, sendingSubdomainConfig, netx.Config{Resolvers: []string{ns}, ConnectTo: map[string]string{"ns1.acme.example:53": ns}})
		st, err := LoadSettings(e.Config)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Collect(t.Context(), e.Net, e.Config.Domain, KnownNames(e.Config, st, state), time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	doc := read(subdomainMail("v=spf1 include:_spf.provider.example -all", true)).Map
	var have []string
	for _, r := range doc.Records {
		have = append(have, r.Name+" "+r.Type)
	}
	for _, want := range []string{
		"news.acme.example. TXT", "news.acme.example. MX", "mx.news.acme.example. A",
		"lr1._domainkey.news.acme.example. TXT", "s2024._domainkey.news.acme.example. TXT",
		"_mta-sts.news.acme.example. TXT", "_smtp._tls.news.acme.example. TXT", "bounce.acme.example. TXT",
	} {
		if !slices.Contains(have, want) {
			t.Errorf("the exported map lacks %s:\n%s", want, strings.Join(have, "\n"))
		}
	}
	// The subdomain's SPF gains a sender and the seen key is withdrawn: dns diff says so.
	live := read(subdomainMail("v=spf1 include:_spf.provider.example include:_spf.newsletter.example -all", false)).Map
	d := dnsmap.Compare(doc, live)
	if len(d.Changed) != 1 || d.Changed[0].Name != "news.acme.example." || d.Changed[0].Type != "TXT" ||
		len(d.Removed) != 1 || d.Removed[0].Name != "s2024._domainkey.news.acme.example." || len(d.Added) != 0 {
		t.Errorf("diff: %s\n%s", d.Summary(), strings.Join(d.Lines(), "\n"))
	}
}
