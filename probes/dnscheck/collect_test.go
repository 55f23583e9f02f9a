package dnscheck

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/dnsmap"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

// txtStrings splits s into quoted character-strings of at most 255 bytes, as a zone file
// must write a long TXT record.
func txtStrings(s string) string {
	var parts []string
	for len(s) > 255 {
		parts = append(parts, `"`+s[:255]+`"`)
		s = s[255:]
	}
	return strings.Join(append(parts, `"`+s+`"`), " ")
}

// mailZone has every type a map holds, a DKIM key split over two strings, a 20 KB TXT
// that only fits over TCP, in-zone MX and NS targets, and an MX target elsewhere.
func mailZone(t testing.TB) *zoneServer {
	t.Helper()
	return newZones(t, map[string][]string{"acme.example": {
		"@ 3600 IN SOA ns1.acme.example. hostmaster.acme.example. 9 7200 3600 1209600 300",
		"@ 3600 IN NS ns1.acme.example.",
		"@ 3600 IN NS ns.dns-host.example.",
		"ns1 IN A 192.0.2.53",
		"@ IN A 192.0.2.10",
		"@ IN MX 10 mx.acme.example.",
		"@ IN MX 20 backup-mx.provider.example.",
		`@ IN TXT "v=spf1 include:_spf.provider.example -all"`,
		`@ IN CAA 0 issue "letsencrypt.org"`,
		"mx IN A 192.0.2.25",
		"www IN CNAME acme.example.",
		"app IN A 192.0.2.20",
		`_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@acme.example"`,
		"lr1._domainkey IN TXT " + txtStrings("v=DKIM1; k=rsa; p="+strings.Repeat("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", 12)),
		"big IN TXT " + txtStrings(strings.Repeat("0123456789abcdef", 1250)),
		"_sip._tcp IN SRV 10 5 5060 sip.acme.example.",
		"_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tls@acme.example\"",
	}})
}

const mailHosts = `domain: acme.example
canonical_url: https://app.acme.example/
hosts:
  - {name: app.acme.example}
  - {name: elsewhere.example.net}
dns:
  names: [lr1._domainkey.acme.example, big.acme.example, _sip._tcp.acme.example]
`

func collect(t *testing.T, e probes.Env, extra ...string) *Collected {
	t.Helper()
	st, err := LoadSettings(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Collect(t.Context(), e.Net, e.Config.Domain, append(KnownNames(e.Config, st, ""), extra...), time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestCollect(t *testing.T) {
	t.Parallel()
	ns1 := serveDNS(t, mailZone(t))
	e := testEnv(t, mailHosts, netx.Config{Resolvers: []string{ns1}, ConnectTo: map[string]string{"ns1.acme.example:53": ns1, "ns.dns-host.example:53": ns1}})
	got := collect(t, e)
	var lines []string
	for _, r := range got.Map.Records {
		lines = append(lines, r.Name+" "+r.Type)
	}
	want := []string{
		"acme.example. SOA", "acme.example. NS", "acme.example. NS", "acme.example. A", "acme.example. MX", "acme.example. MX", "acme.example. TXT", "acme.example. CAA",
		"_dmarc.acme.example. TXT", "lr1._domainkey.acme.example. TXT", "_sip._tcp.acme.example. SRV", "_smtp._tls.acme.example. TXT",
		"app.acme.example. A", "big.acme.example. TXT", "mx.acme.example. A", "ns1.acme.example. A", "www.acme.example. CNAME",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("collected\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if strings.Join(got.Skipped, ",") != "elsewhere.example.net" {
		t.Errorf("skipped %v", got.Skipped)
	}
	if got.Server.Name != "ns.dns-host.example" && got.Server.Name != "ns1.acme.example" || !strings.Contains(got.Map.Source, "asked directly") {
		t.Errorf("server %+v source %q", got.Server, got.Map.Source)
	}
	for _, r := range got.Map.Records {
		switch r.Name {
		case "big.acme.example.":
			if len(r.Data) < 20000 || strings.Count(r.Data, `" "`) != 78 {
				t.Errorf("the 20 KB TXT came back as %d bytes in %d strings", len(r.Data), strings.Count(r.Data, `" "`)+1)
			}
		case "lr1._domainkey.acme.example.":
			if strings.Count(r.Data, `" "`) != 1 {
				t.Errorf("DKIM key over 255 bytes should be two strings: %s", r.Data)
			}
		}
	}

	// Export, then diff with no change: no drift, in both formats.
	for _, f := range []dnsmap.Format{dnsmap.FormatYAML, dnsmap.FormatZone} {
		var buf bytes.Buffer
		if err := got.Map.Write(&buf, f); err != nil {
			t.Fatal(err)
		}
		doc, err := dnsmap.Load(buf.Bytes(), "dns-map")
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		again := collect(t, e, doc.Names()...)
		if d := dnsmap.Compare(doc, again.Map); d.Drift() {
			t.Errorf("%s: export then diff drifts: %v", f, d.Lines())
		}
	}
}

// A server failing partway through an export is an error, never a map with holes (which
// a diff would show as records removed).
func TestCollectFailsRatherThanGuess(t *testing.T) {
	t.Parallel()
	good := mailZone(t)
	flaky := serveDNS(t, handlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		if strings.HasPrefix(r.Question[0].Name, "_dmarc.") {
			m := new(dns.Msg)
			m.SetRcode(r, dns.RcodeServerFailure)
			_ = w.WriteMsg(m)
			return
		}
		good.ServeDNS(w, r)
	}))
	e := testEnv(t, mailHosts, netx.Config{Resolvers: []string{flaky}, DNSTimeout: 200 * time.Millisecond,
		ConnectTo: map[string]string{"ns1.acme.example:53": flaky, "ns.dns-host.example:53": rawUDP(t, func([]byte) []byte { return nil })}})
	st, _ := LoadSettings(e.Config)
	start := time.Now()
	_, err := Collect(t.Context(), e.Net, "acme.example", KnownNames(e.Config, st, ""), time.Now())
	if err == nil || !strings.Contains(err.Error(), "SERVFAIL for _dmarc.acme.example") {
		t.Errorf("error %v, want one naming the failing name", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %s with a silent nameserver and a 200ms DNS timeout", took)
	}
	// Every nameserver lame: an error saying why.
	e2 := testEnv(t, mailHosts, netx.Config{Resolvers: []string{flaky}, DNSTimeout: 100 * time.Millisecond,
		ConnectTo: map[string]string{"ns1.acme.example:53": serveDNS(t, rcodeServer(dns.RcodeRefused)), "ns.dns-host.example:53": rawUDP(t, func([]byte) []byte { return nil })}})
	if _, err := Collect(t.Context(), e2.Net, "acme.example", nil, time.Now()); err == nil || !strings.Contains(err.Error(), "no nameserver of acme.example answers") {
		t.Errorf("all lame: %v", err)
	}
	// A server that truncates the 20 KB TXT over UDP and does not speak TCP: the
	// export fails saying so, rather than writing a map without the record.
	udpOnly := serveUDPOnly(t, good)
	e3 := testEnv(t, mailHosts, netx.Config{Resolvers: []string{udpOnly}, DNSTimeout: 200 * time.Millisecond,
		ConnectTo: map[string]string{"ns1.acme.example:53": udpOnly, "ns.dns-host.example:53": udpOnly}})
	if _, err := Collect(t.Context(), e3.Net, "acme.example", []string{"big.acme.example"}, time.Now()); err == nil ||
		!strings.Contains(err.Error(), "reading big.acme.example TXT: the UDP answer was truncated, so we asked again over TCP") {
		t.Errorf("truncated without TCP: %v", err)
	}
	// A cancelled context ends it at once.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Collect(ctx, e.Net, "acme.example", nil, time.Now()); err == nil {
		t.Error("Collect with a cancelled context succeeded")
	}
}

// The map check against the lab: exported from healthy, no drift; the demo's faults are
// drift; no file yet is a finding that says how to write one.
func TestMapCheckAgainstTheLab(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	healthy, demo := startLab(t, "healthy"), startLab(t, "demo")
	cfg := labConfig(t, "dns:\n  map_file: dns-map.yaml\n")

	he := testEnv(t, cfg, labNet(healthy))
	he.Config.File = filepath.Join(dir, "launchready.yaml")
	res := sweep(t, he, 5*time.Second)
	if got := ids(res["dns map"]); got != "dns.map-missing/low" {
		t.Fatalf("no map yet: %q (%s)", got, res["dns map"].Err)
	}
	if f := res["dns map"].Findings[0]; !strings.Contains(f.Fix, "launchready dns export -o "+filepath.Join(dir, "dns-map.yaml")) {
		t.Errorf("fix %q", f.Fix)
	}

	st, _ := LoadSettings(he.Config)
	got, err := Collect(t.Context(), he.Net, "acme.example", KnownNames(he.Config, st, ""), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := got.Map.WriteYAML(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dns-map.yaml"), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := sweep(t, he, 5*time.Second)["dns map"]; ids(r) != "" || r.Err != "" || r.Metrics["drift"] != 0 || r.Metrics["records"] != 17 {
		t.Errorf("healthy against its own export: %q %q %v", ids(r), r.Err, r.Metrics)
	}

	de := testEnv(t, cfg, labNet(demo))
	de.Config.File = he.Config.File
	r := sweep(t, de, 5*time.Second)["dns map"]
	if ids(r) != "dns.map-drift/medium" {
		t.Fatalf("demo against the healthy map: %q (%s)", ids(r), r.Err)
	}
	f := r.Findings[0]
	ev := strings.Join(f.Evidence, "\n")
	for _, w := range []string{
		`~ acme.example. CAA: 3600 0 issue "letsencrypt.org" -> 3600 0 issue "pki.goog"`,
		"- admin.acme.example. 300 IN A 127.0.0.1",
		"+ admin.acme.example. 300 IN CNAME ghost-app.herokudns.com.",
		"~ api.acme.example. A: 300 127.0.0.1 -> 86400 127.0.0.1",
	} {
		if !strings.Contains(ev, w) {
			t.Errorf("drift evidence lacks %q:\n%s", w, ev)
		}
	}
	// 4 changed: CAA and api's TTL (DNS faults), the apex SPF and _dmarc (email faults).
	if r.Metrics["drift"] != 6 || f.Title != "Live DNS differs from the documented map: 1 added, 1 removed, 4 changed" {
		t.Errorf("metrics %v title %q", r.Metrics, f.Title)
	}
	complete(t, f)

	// A broken map file is the check failing to run, with the file's own error.
	if err := os.WriteFile(filepath.Join(dir, "dns-map.yaml"), []byte("schema: nope\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := sweep(t, he, 5*time.Second)["dns map"]; !strings.Contains(r.Err, "dns-map.yaml:1:9: schema: expected launchready.dnsmap/v1") {
		t.Errorf("broken map: %q", r.Err)
	}
}

func startLab(t testing.TB, name string) *lab.Lab {
	t.Helper()
	sc, ok := lab.ScenarioByName(name)
	if !ok {
		t.Fatalf("no scenario %q", name)
	}
	l, err := lab.Start(sc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func labNet(l *lab.Lab) netx.Config {
	return netx.Config{Resolvers: []string{l.DNSAddr}, ConnectTo: l.ConnectTo, CAFile: l.CAFile}
}

// labConfig is the example config's hosts, with the given dns section.
func labConfig(t testing.TB, dnsSection string) string {
	t.Helper()
	return `domain: acme.example
canonical_url: https://app.acme.example/
environment: lab
hosts:
  - {name: acme.example, role: marketing, a: [127.0.0.1], proxied: false}
  - {name: www.acme.example, role: www, cname: acme.example}
  - {name: app.acme.example, role: app, a: [127.0.0.1]}
  - {name: api.acme.example, role: api, a: [127.0.0.1]}
  - {name: admin.acme.example, role: admin, a: [127.0.0.1]}
  - {name: status.acme.example, role: status, a: [127.0.0.1]}
` + dnsSection
}

// serveUDPOnly runs h over UDP alone on 127.0.0.1, as a server with TCP blocked.
func serveUDPOnly(t testing.TB, h dns.Handler) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: h}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return pc.LocalAddr().String()
}
