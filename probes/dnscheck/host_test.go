package dnscheck

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// faultyZones is acme.example with one fault per host, and the provider zones its
// CNAMEs point into.
func faultyZones(t testing.TB) *zoneServer {
	t.Helper()
	acme := []string{
		"@ 3600 IN SOA ns1.acme.example. hostmaster.acme.example. 5 7200 3600 1209600 300",
		"@ 3600 IN NS ns1.acme.example.",
		"ns1 IN A 192.0.2.53",
		"@ IN A 192.0.2.10",
		"www IN CNAME acme.example.",
		"app IN A 192.0.2.20",
		"app IN AAAA 2001:db8::20",
		"api IN A 192.0.2.30",
		"admin IN CNAME ghost-app.herokudns.com.",
		"docs IN CNAME docs.paas.example.",
		"intranet IN A 10.0.0.5",
		"cdn IN A 104.16.1.1",
		"edge IN A 192.0.2.40",
		"mixed IN A 104.16.1.1",
		"mixed IN A 192.0.2.41",
		"oops IN A 172.64.1.1",
		"v6 IN CNAME v6.paas.example.",
		"loop-a IN CNAME loop-b.acme.example.",
		"loop-b IN CNAME loop-a.acme.example.",
		"status IN CNAME status.paas.example.",
	}
	for i := range 12 {
		acme = append(acme, fmt.Sprintf("c%d IN CNAME c%d.acme.example.", i, i+1))
	}
	acme = append(acme, "c12 IN A 192.0.2.99")
	return newZones(t, map[string][]string{
		"acme.example":  acme,
		"paas.example":  {`docs IN TXT "parked"`, "v6 IN AAAA 2001:db8::6", "status IN A 192.0.2.77"},
		"herokudns.com": {"someone-else IN A 192.0.2.200"},
	})
}

const faultyHosts = `domain: acme.example
canonical_url: https://app.acme.example/
environment: production
hosts:
  - {name: acme.example, role: marketing, a: [192.0.2.10]}
  - {name: www.acme.example, role: www, cname: acme.example}
  - {name: app.acme.example, role: app, a: [192.0.2.20], aaaa: ["2001:db8::20"]}
  - {name: api.acme.example, role: api, a: [192.0.2.31]}
  - {name: admin.acme.example, role: admin, a: [192.0.2.50]}
  - {name: docs.acme.example, role: other, cname: docs.paas.example}
  - {name: gone.acme.example, role: app}
  - {name: intranet.acme.example, role: other}
  - {name: cdn.acme.example, role: app, proxied: true, a: [192.0.2.60]}
  - {name: edge.acme.example, role: app, proxied: true}
  - {name: mixed.acme.example, role: app, proxied: true}
  - {name: oops.acme.example, role: api, proxied: false}
  - {name: v6.acme.example, role: other, cname: v6.paas.example}
  - {name: loop-a.acme.example, role: other}
  - {name: c0.acme.example, role: other}
  - {name: status.acme.example, role: status, cname: statuspage.example}
`

func TestHostFaults(t *testing.T) {
	t.Parallel()
	dnsAddr := serveDNS(t, faultyZones(t))
	res := sweep(t, testEnv(t, faultyHosts, netx.Config{Resolvers: []string{dnsAddr}, ConnectTo: map[string]string{"ns1.acme.example:53": dnsAddr}}), 3*time.Second)
	want := map[string]string{
		"dns acme.example":          "",
		"dns www.acme.example":      "",
		"dns app.acme.example":      "",
		"dns api.acme.example":      "dns.drift/high",
		"dns admin.acme.example":    "dns.dangling-cname/critical,dns.drift/high",
		"dns docs.acme.example":     "dns.dangling-cname/critical",
		"dns gone.acme.example":     "dns.unresolvable/critical",
		"dns intranet.acme.example": "dns.private-address/high",
		"dns cdn.acme.example":      "",
		"dns edge.acme.example":     "dns.not-proxied/high",
		"dns mixed.acme.example":    "dns.partly-proxied/high",
		"dns oops.acme.example":     "dns.unexpectedly-proxied/medium",
		"dns v6.acme.example":       "",
		"dns loop-a.acme.example":   "dns.cname-loop/high",
		"dns c0.acme.example":       "dns.cname-loop/high",
		"dns status.acme.example":   "dns.drift/high",
	}
	for check, w := range want {
		r, ok := res[check]
		if !ok {
			t.Errorf("no check %q", check)
			continue
		}
		if r.Err != "" {
			t.Errorf("%s: could not run: %s", check, r.Err)
		}
		if got := ids(r); got != w {
			t.Errorf("%s: findings %q, want %q (summary %q)", check, got, w, r.Summary)
		}
		for _, f := range r.Findings {
			complete(t, f)
		}
	}

	admin := finding1(t, res["dns admin.acme.example"], "dns.dangling-cname")
	if admin.Impact != probes.DataExposure || !strings.Contains(admin.Detail, "Heroku") || !strings.Contains(admin.Fix, "heroku domains:add admin.acme.example") ||
		!strings.Contains(admin.Fix, "admin.acme.example. 300 IN CNAME ghost-app.herokudns.com.") ||
		!strings.Contains(strings.Join(admin.Evidence, "\n"), "NXDOMAIN") {
		t.Errorf("dangling finding does not say which provider and record: %+v", admin)
	}
	drift := finding1(t, res["dns admin.acme.example"], "dns.drift")
	if drift.Expected != "A 192.0.2.50" || !strings.Contains(drift.Observed, "CNAME ghost-app.herokudns.com") {
		t.Errorf("drift observed %q expected %q", drift.Observed, drift.Expected)
	}
	if f := finding1(t, res["dns docs.acme.example"], "dns.dangling-cname"); !strings.Contains(f.Title, "NODATA") {
		t.Errorf("a CNAME to a name without addresses dangles too: %q", f.Title)
	}
	if f := finding1(t, res["dns api.acme.example"], "dns.drift"); f.Impact != probes.Revenue || !strings.Contains(f.Fix, "`api.acme.example. 300 IN A 192.0.2.31`") {
		t.Errorf("api drift: impact %s fix %q", f.Impact, f.Fix)
	}
	if f := finding1(t, res["dns c0.acme.example"], "dns.cname-loop"); !strings.Contains(f.Title, "more than 10 CNAMEs") {
		t.Errorf("long chain: %q", f.Title)
	}

	// Metrics and data the console reads.
	www := res["dns www.acme.example"]
	if www.Metrics["cname_hops"] != 1 || www.Metrics["records"] != 1 || www.Metrics["ttl_s"] != 300 || www.Metrics["proxied"] != 0 {
		t.Errorf("www metrics %v", www.Metrics)
	}
	if d := www.Data.(HostData); d.Live != "CNAME acme.example -> A 192.0.2.10" || d.Documented != "CNAME acme.example" || len(d.Chain) != 1 {
		t.Errorf("www data %+v", d)
	}
	if cdn := res["dns cdn.acme.example"]; cdn.Metrics["proxied"] != 1 || !strings.Contains(cdn.Summary, "Cloudflare") {
		t.Errorf("cdn: %v %q", cdn.Metrics, cdn.Summary)
	}
	if app := res["dns app.acme.example"]; app.Metrics["records"] != 2 || app.Status != probes.StatusOK {
		t.Errorf("app: %v %s", app.Metrics, app.Status)
	}
}

// The same faults in the lab or staging: private addresses are how those worlds work.
func TestPrivateAddressesOnlyInProduction(t *testing.T) {
	t.Parallel()
	dnsAddr := serveDNS(t, faultyZones(t))
	for _, env := range []string{"staging", "lab"} {
		cfg := strings.Replace(faultyHosts, "environment: production", "environment: "+env, 1)
		res := sweep(t, testEnv(t, cfg, netx.Config{Resolvers: []string{dnsAddr}, ConnectTo: map[string]string{"ns1.acme.example:53": dnsAddr}}), 3*time.Second)
		if got := ids(res["dns intranet.acme.example"]); got != "" {
			t.Errorf("%s: intranet findings %q, want none", env, got)
		}
		if got := ids(res["dns gone.acme.example"]); env == "staging" && got != "dns.unresolvable/high" {
			t.Errorf("staging caps severity at high, got %q", got)
		}
	}
}

// Every hostile resolver ends in a finding or an error, within the timeout.
func TestHostileResolvers(t *testing.T) {
	t.Parallel()
	const dnsTimeout = 300 * time.Millisecond
	wrongID := rawUDP(t, func(p []byte) []byte {
		q := new(dns.Msg)
		if q.Unpack(p) != nil {
			return nil
		}
		m := new(dns.Msg)
		m.SetReply(q)
		m.Id++
		m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: q.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: []byte{192, 0, 2, 66}}}
		b, _ := m.Pack()
		return b
	})
	garbage := rawUDP(t, func(p []byte) []byte {
		if len(p) < 2 {
			return nil
		}
		return append([]byte{p[0], p[1], 0x81, 0x80, 0, 1, 0, 1}, []byte("\x03app\x04acme\x07exam")...) // id right, then cut off
	})
	silent := rawUDP(t, func([]byte) []byte { return nil })
	endless := serveDNS(t, handlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		name := r.Question[0].Name
		m.Answer = []dns.RR{&dns.CNAME{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 60}, Target: "x." + name}}
		_ = w.WriteMsg(m)
	}))
	// A resolver that returns a thousand CNAMEs in one answer (a loop, over TCP).
	flood := serveDNS(t, handlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		name := r.Question[0].Name
		for i := range 1000 {
			from, to := fmt.Sprintf("f%d.%s", i, name), fmt.Sprintf("f%d.%s", i+1, name)
			if i == 0 {
				from = name
			}
			m.Answer = append(m.Answer, &dns.CNAME{Hdr: dns.RR_Header{Name: from, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 60}, Target: to})
		}
		if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
			m.Truncate(dns.MinMsgSize)
		}
		_ = w.WriteMsg(m)
	}))
	cases := []struct {
		name, resolver string
		finding, err   string
	}{
		{"SERVFAIL", serveDNS(t, rcodeServer(dns.RcodeServerFailure)), "dns.servfail/critical", ""},
		{"REFUSED", serveDNS(t, rcodeServer(dns.RcodeRefused)), "", "REFUSED"},
		{"wrong id", wrongID, "", "wrong message id"},
		{"malformed", garbage, "", "not valid DNS"},
		{"silence", silent, "", "did not answer"},
		{"endless CNAME chain", endless, "dns.cname-loop/critical", ""},
		{"a thousand CNAMEs in one answer", flood, "dns.cname-loop/critical", ""},
	}
	const cfg = "domain: acme.example\ncanonical_url: https://app.acme.example/\nenvironment: production\nhosts:\n  - {name: app.acme.example, role: app, a: [192.0.2.20]}\n"
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := testEnv(t, cfg, netx.Config{Resolvers: []string{c.resolver}, DNSTimeout: dnsTimeout})
			checks, err := Kind.Build(e)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			r := probes.NewRunner(checks[:1], probes.RunnerOptions{Timeout: 2 * time.Second}).Sweep(t.Context())[0]
			if took := time.Since(start); took > 1500*time.Millisecond {
				t.Errorf("took %s, want well within the 2s check timeout", took)
			}
			if got := ids(r); got != c.finding {
				t.Errorf("findings %q, want %q (error %q)", got, c.finding, r.Err)
			}
			if c.err != "" && !strings.Contains(r.Err, c.err) {
				t.Errorf("error %q, want one saying %q", r.Err, c.err)
			}
			if c.err == "" && r.Err != "" {
				t.Errorf("want a finding, got the error %q", r.Err)
			}
		})
	}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	base := "domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts:\n  - {name: app.acme.example}\n"
	e := testEnv(t, base+"dns:\n  launch_max_ttl: 5m\n  stable: [APP.acme.example.]\n  names: [lr1._domainkey.acme.example]\n  map_file: maps/dns.yaml\n  caa_issuers: [LetsEncrypt.org]\n", netx.Config{Resolvers: []string{"127.0.0.1:9"}})
	st, err := LoadSettings(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	if st.LaunchMaxTTL != 5*time.Minute || st.Stable[0] != "app.acme.example." || st.Names[0] != "lr1._domainkey.acme.example." ||
		!strings.HasSuffix(st.MapFile, "/maps/dns.yaml") || st.CAAIssuers[0] != "letsencrypt.org" || st.Zone != "acme.example." || !st.Production {
		t.Errorf("settings %+v", st)
	}
	checks, err := Kind.Build(e)
	if err != nil || len(checks) != 4 || checks[2].Info().Name != "dns map" || checks[3].Info().Name != "dns undocumented acme.example" {
		t.Errorf("build: %d checks, %v", len(checks), err)
	}
	// Defaults without a section: the zone check and one check per host, no map check.
	d := testEnv(t, base, netx.Config{Resolvers: []string{"127.0.0.1:9"}})
	if st, err := LoadSettings(d.Config); err != nil || st.LaunchMaxTTL != time.Hour || st.MapFile != "" {
		t.Errorf("defaults %+v %v", st, err)
	}

	for _, c := range []struct{ section, want string }{
		{"dns:\n  launch_max_tll: 1h\n", `launch_max_tll: unknown key`},
		{"dns:\n  launch_max_ttl: soon\n", `"soon" is not a duration`},
		{"dns:\n  launch_max_ttl: 500ms\n", "launchready.yaml:6:19: dns.launch_max_ttl: 500ms is under a second"},
		{"dns:\n  stable: [api.acme.example]\n", "launchready.yaml:6:12: dns.stable[0]: api.acme.example is not one of the hosts"},
		{"dns:\n  names: [\"https://x.acme.example\"]\n", `dns.names[0]: "https://x.acme.example" is not a DNS name`},
		{"dns:\n  caa_issuers: [\"letsencrypt.org; accounturi=x\"]\n", `is not a CA's CAA domain`},
	} {
		e := testEnv(t, base+c.section, netx.Config{Resolvers: []string{"127.0.0.1:9"}})
		_, err := Kind.Build(e)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.section, err, c.want)
		}
	}
}
