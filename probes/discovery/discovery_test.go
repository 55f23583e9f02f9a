package discovery

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// acmeZone is a small product's zone: a Vercel app, GitHub Pages blog, Cloudflare-proxied
// CDN, Google Workspace mail with SendGrid for product mail, DMARC, CAA and an SRV name.
var acmeZone = []string{
	"@ NS ns1.acme.example.",
	"@ NS ns2.acme.example.",
	"@ A 192.0.2.10",
	"@ MX 1 aspmx.l.google.com.",
	`@ TXT "v=spf1 include:_spf.google.com include:sendgrid.net a:out.acme.example ~all"`,
	`@ CAA 0 iodef "mailto:security@sec.acme.example"`,
	`@ CAA 0 issue "letsencrypt.org"`,
	"www CNAME app.acme.example.",
	"app CNAME cname.vercel-dns.com.",
	"blog A 185.199.108.153",
	"cdn A 104.16.1.1",
	"out A 192.0.2.25",
	"sec MX 10 aspmx.l.google.com.",
	"sip A 192.0.2.30",
	"_sip._tls SRV 100 1 443 sip.acme.example.",
	`_dmarc TXT "v=DMARC1; p=reject; rua=mailto:d@reports.acme.example,mailto:x@dmarc.postmarkapp.com"`,
	"reports MX 10 aspmx.l.google.com.",
	"s1._domainkey CNAME s1.domainkey.u1.wl.sendgrid.net.",
	`google._domainkey TXT "v=DKIM1; k=rsa; p=MIGf"`,
	"old CNAME gone.acme.example.",
}

// otherZones stand in for the providers, so CNAME targets resolve through the resolver.
func otherZones(t testing.TB) []*testZone {
	return []*testZone{
		parseZone(t, "vercel-dns.com", false, []string{"cname A 76.76.21.21"}),
		parseZone(t, "sendgrid.net", false, []string{`s1.domainkey.u1.wl TXT "v=DKIM1; k=rsa; p=MIGf"`}),
	}
}

func TestRunFindsNamesSourcesAndServices(t *testing.T) {
	t.Parallel()
	srv := &authServer{zones: append([]*testZone{parseZone(t, "acme.example", false, acmeZone)}, otherZones(t)...)}
	addr := serve(t, srv)
	n := testNet(t, addr, time.Second, map[string]string{"ns1.acme.example:53": addr, "ns2.acme.example:53": addr})

	rep, err := Run(bounded(t, 20*time.Second), n, "ACME.example.", Options{RateLimit: NoRateLimit})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Domain != "acme.example" || !strings.Contains(rep.SOA, "SOA ns1.acme.example.") {
		t.Errorf("domain %q SOA %q", rep.Domain, rep.SOA)
	}
	if len(rep.Nameservers) != 2 || !rep.Nameservers[0].OK || !rep.Nameservers[1].OK || !strings.HasPrefix(rep.Via, "the zone's nameservers directly") {
		t.Errorf("nameservers %+v via %q", rep.Nameservers, rep.Via)
	}
	for _, tr := range rep.Transfers {
		if tr.Outcome != TransferRefused || !strings.Contains(tr.Detail, "REFUSED") {
			t.Errorf("transfer %+v, want refused with REFUSED", tr)
		}
	}
	if len(rep.Wildcards) != 0 || len(rep.Echoes) != 0 || len(rep.Failed) != 0 {
		t.Errorf("wildcards %v echoes %v failed %+v, want none", rep.Wildcards, rep.Echoes, rep.Failed)
	}

	for _, tc := range []struct {
		name string
		kind SourceKind
	}{
		{"acme.example", FromApex},
		{"www.acme.example", FromDictionary},
		{"app.acme.example", FromDictionary},
		{"app.acme.example", FromCNAME},
		{"out.acme.example", FromSPF},
		{"sec.acme.example", FromCAA},
		{"sip.acme.example", FromSRV},
		{"reports.acme.example", FromDMARC},
		{"_dmarc.acme.example", FromWellKnown},
		{"_sip._tls.acme.example", FromWellKnown},
		{"_domainkey.acme.example", FromWellKnown},
		{"s1._domainkey.acme.example", FromDKIM},
		{"ns1.acme.example", FromNS},
		{"gone.acme.example", FromCNAME},
	} {
		got, ok := findName(rep, tc.name)
		if !ok || !hasSource(got, tc.kind) {
			t.Errorf("%s: found=%t sources %v, want a %q source", tc.name, ok, got.Sources, tc.kind)
		}
	}
	app, _ := findName(rep, "app.acme.example")
	if !slices.Equal(app.CNAME, []string{"cname.vercel-dns.com"}) || len(app.A) != 1 || app.A[0].String() != "76.76.21.21" {
		t.Errorf("app: CNAME %v A %v, want the Vercel chain and its address", app.CNAME, app.A)
	}
	www, _ := findName(rep, "www.acme.example")
	if !slices.Equal(www.CNAME, []string{"app.acme.example", "cname.vercel-dns.com"}) {
		t.Errorf("www chain %v", www.CNAME)
	}
	old, _ := findName(rep, "old.acme.example")
	if !strings.Contains(old.TargetProblem, "gone.acme.example does not exist (NXDOMAIN): a dangling CNAME") {
		t.Errorf("old: target problem %q, want the dangling CNAME said", old.TargetProblem)
	}
	gone, _ := findName(rep, "gone.acme.example")
	if gone.Status != StatusNXDOMAIN {
		t.Errorf("gone (a CNAME target): status %q, want NXDOMAIN listed because a record points at it", gone.Status)
	}
	dk, _ := findName(rep, "_domainkey.acme.example")
	if dk.Status != StatusNoData {
		t.Errorf("_domainkey: status %q, want %q (an empty non-terminal)", dk.Status, StatusNoData)
	}
	if _, ok := findName(rep, "staging.acme.example"); ok {
		t.Errorf("staging does not exist and nothing points at it: it must not be listed")
	}
	if rep.Absent < 100 || rep.Tried < 150 {
		t.Errorf("tried %d, absent %d: want the whole dictionary asked and most absent", rep.Tried, rep.Absent)
	}
	var ext []string
	for _, r := range rep.External {
		for _, src := range r.Sources {
			ext = append(ext, r.Name+" <- "+src.Detail)
		}
	}
	for _, want := range []string{
		"aspmx.l.google.com <- acme.example MX aspmx.l.google.com",
		"_spf.google.com <- acme.example SPF include:_spf.google.com",
		"dmarc.postmarkapp.com <- _dmarc.acme.example DMARC rua=mailto:x@dmarc.postmarkapp.com",
		"cname.vercel-dns.com <- app.acme.example CNAME cname.vercel-dns.com",
	} {
		if !slices.Contains(ext, want) {
			t.Errorf("external references lack %q:\n%s", want, strings.Join(ext, "\n"))
		}
	}

	lines := serviceLines(rep)
	for _, want := range []string{
		"hosting: GitHub Pages (blog.acme.example A 185.199.108.153)",
		"hosting: Vercel (app.acme.example CNAME cname.vercel-dns.com)",
		"proxy: Cloudflare (cdn.acme.example A 104.16.1.1, in Cloudflare's published ranges)",
		"email: Google Workspace (acme.example MX aspmx.l.google.com; acme.example SPF include:_spf.google.com; and 3 more)",
		"email: SendGrid (acme.example SPF include:sendgrid.net; s1._domainkey.acme.example CNAME s1.domainkey.u1.wl.sendgrid.net; and 1 more)",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("services lack\n  %s\ngot:\n  %s", want, strings.Join(lines, "\n  "))
		}
	}
}

// TestRunHostileServers: one name REFUSED everywhere, one SERVFAIL, one silent on one
// server only (the other answers), one silent on both. Each gets its status; the rest
// of discovery goes on and ends within a few timeouts, not one per name.
func TestRunHostileServers(t *testing.T) {
	t.Parallel()
	zone := func() []*testZone {
		return []*testZone{parseZone(t, "acme.example", false, []string{
			"@ NS ns1.acme.example.", "@ NS ns2.acme.example.", "@ A 192.0.2.1",
			"app A 192.0.2.2", "beta A 192.0.2.3", "staging A 192.0.2.4", "dev A 192.0.2.5", "old A 192.0.2.6",
		})}
	}
	bad := func(names ...string) map[string]bool {
		m := map[string]bool{}
		for _, n := range names {
			m[n+".acme.example."] = true
		}
		return m
	}
	ns1 := serve(t, &authServer{zones: zone(), refuse: bad("staging"), servfail: bad("dev"), silent: bad("beta", "old")})
	ns2 := serve(t, &authServer{zones: zone(), refuse: bad("staging"), servfail: bad("dev"), silent: bad("old")})
	n := testNet(t, ns1, 200*time.Millisecond, map[string]string{"ns1.acme.example:53": ns1, "ns2.acme.example:53": ns2})

	start := time.Now()
	rep, err := Run(bounded(t, 20*time.Second), n, "acme.example", Options{RateLimit: NoRateLimit})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s: a silent name must cost a timeout or two, not stall the run", took)
	}
	for _, tc := range []struct {
		name    string
		status  Status
		failed  bool
		problem string
	}{
		{"app.acme.example", StatusAnswers, false, ""},
		{"beta.acme.example", StatusAnswers, false, ""},
		{"staging.acme.example", StatusRefused, true, "answered REFUSED"},
		{"dev.acme.example", StatusServfail, true, "answered SERVFAIL"},
		{"old.acme.example", StatusTimeout, true, "no answer within 200ms"},
	} {
		got, ok := findName(rep, tc.name)
		inFailed := slices.ContainsFunc(rep.Failed, func(n Name) bool { return n.Name == tc.name })
		if !ok || got.Status != tc.status || inFailed != tc.failed || !strings.Contains(got.Problem, tc.problem) {
			t.Errorf("%s: found=%t status %q failed=%t problem %q; want %q failed=%t problem containing %q", tc.name, ok, got.Status, inFailed, got.Problem, tc.status, tc.failed, tc.problem)
		}
	}
	old, _ := findName(rep, "old.acme.example")
	if !strings.Contains(old.Problem, "ns1.acme.example: ") || !strings.Contains(old.Problem, "ns2.acme.example: ") {
		t.Errorf("old: problem %q, want each server's answer", old.Problem)
	}
}

func TestRunWildcard(t *testing.T) {
	t.Parallel()
	srv := &authServer{zones: []*testZone{parseZone(t, "acme.example", false, []string{
		"@ NS ns1.acme.example.",
		"@ MX 10 mail.acme.example.", // exists only through the wildcard
		"* A 192.0.2.99",
		"www A 192.0.2.99", // created, but indistinguishable from the wildcard
		"app A 192.0.2.10",
		"dev A 192.0.2.20",
		"*.dev CNAME previews.acme.example.",
		"previews A 192.0.2.21",
	})}}
	addr := serve(t, srv)
	n := testNet(t, addr, time.Second, map[string]string{"ns1.acme.example:53": addr})
	rep, err := Run(bounded(t, 20*time.Second), n, "acme.example", Options{RateLimit: NoRateLimit})
	if err != nil {
		t.Fatal(err)
	}
	want := []Wildcard{{"*.acme.example", "A 192.0.2.99"}, {"*.dev.acme.example", "CNAME previews.acme.example"}}
	if !slices.Equal(rep.Wildcards, want) {
		t.Errorf("wildcards %v, want %v", rep.Wildcards, want)
	}
	for _, echo := range []string{"staging.acme.example", "www.acme.example", "_dmarc.acme.example", "google._domainkey.acme.example"} {
		if !slices.Contains(rep.Echoes, echo) {
			t.Errorf("%s answers only as the wildcard does: want it among the echoes", echo)
		}
		if _, ok := findName(rep, echo); ok {
			t.Errorf("%s is a wildcard echo: it must not be listed as found", echo)
		}
	}
	for _, real := range []string{"app.acme.example", "dev.acme.example"} {
		if got, ok := findName(rep, real); !ok || got.Wildcard {
			t.Errorf("%s: found=%t wildcard=%t, want it listed as a real name", real, ok, got.Wildcard)
		}
	}
	mail, ok := findName(rep, "mail.acme.example")
	if !ok || !mail.Wildcard || !hasSource(mail, FromMX) {
		t.Errorf("mail: found=%t %+v; want it kept (the MX points at it) and marked as answering through the wildcard", ok, mail)
	}
}

func TestRunTransfers(t *testing.T) {
	t.Parallel()
	t.Run("open zone: names from the transfer", func(t *testing.T) {
		t.Parallel()
		srv := &authServer{zones: []*testZone{parseZone(t, "acme.example", true, []string{
			"@ NS ns1.acme.example.", "@ A 192.0.2.1", "hidden-backoffice A 192.0.2.7", `txtonly TXT "hello"`,
		})}}
		addr := serve(t, srv)
		n := testNet(t, addr, time.Second, map[string]string{"ns1.acme.example:53": addr})
		rep, err := Run(bounded(t, 20*time.Second), n, "acme.example", Options{RateLimit: NoRateLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Transfers) != 1 || rep.Transfers[0].Outcome != TransferComplete || rep.Transfers[0].Records != 5 {
			t.Fatalf("transfers %+v, want one complete of 5 records", rep.Transfers)
		}
		if !strings.Contains(rep.Transfers[0].Detail, "open to anyone") {
			t.Errorf("detail %q should say the zone is open", rep.Transfers[0].Detail)
		}
		for _, name := range []string{"hidden-backoffice.acme.example", "txtonly.acme.example"} {
			if got, ok := findName(rep, name); !ok || !hasSource(got, FromTransfer) || got.Status != StatusAnswers {
				t.Errorf("%s: found=%t %+v, want it found through the transfer", name, ok, got)
			}
		}
	})
	t.Run("10,000 records: cut, and the names bounded", func(t *testing.T) {
		t.Parallel()
		lines := []string{"@ NS ns1.acme.example."}
		for i := range 15000 {
			lines = append(lines, fmt.Sprintf("h%05d A 192.0.2.%d", i, i%250+1))
		}
		srv := &authServer{zones: []*testZone{parseZone(t, "acme.example", true, lines)}}
		addr := serve(t, srv)
		n := testNet(t, addr, time.Second, map[string]string{"ns1.acme.example:53": addr})
		rep, err := Run(bounded(t, 30*time.Second), n, "acme.example", Options{RateLimit: NoRateLimit, Labels: []Label{}, MaxNames: 300})
		if err != nil {
			t.Fatal(err)
		}
		tr := rep.Transfers[0]
		if tr.Outcome != TransferCut || tr.Records != 10000 || !strings.Contains(tr.Detail, "cut at 10000 records") {
			t.Errorf("transfer %+v, want cut at 10000", tr)
		}
		if rep.Tried > 300 || rep.NamesCut == 0 {
			t.Errorf("tried %d, cut %d: want at most MaxNames asked and the rest counted", rep.Tried, rep.NamesCut)
		}
		if got, ok := findName(rep, "h00000.acme.example"); !ok || !hasSource(got, FromTransfer) {
			t.Errorf("h00000: found=%t %+v", ok, got)
		}
	})
	t.Run("refused by closing the connection", func(t *testing.T) {
		t.Parallel()
		srv := &authServer{zones: []*testZone{parseZone(t, "acme.example", false, []string{"@ NS ns1.acme.example."})}}
		addr := serve(t, srv)
		// ns2's TCP port closes at once, as some servers refuse; its UDP is the zone's.
		closer := closingTCP(t)
		n := testNet(t, addr, 500*time.Millisecond, map[string]string{"ns1.acme.example:53": closer})
		rep, err := Run(bounded(t, 20*time.Second), n, "acme.example", Options{RateLimit: NoRateLimit, Labels: []Label{}})
		if err != nil {
			t.Fatal(err)
		}
		tr := rep.Transfers[0]
		if tr.Outcome != TransferRefused || !strings.Contains(tr.Detail, "closed the connection without answering") {
			t.Errorf("transfer %+v, want refused by closing", tr)
		}
		if !strings.HasPrefix(rep.Via, "the resolvers") || rep.Nameservers[0].OK {
			t.Errorf("via %q, nameservers %+v: ns1 does not answer over UDP, so names go through the resolvers", rep.Via, rep.Nameservers)
		}
	})
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	srv := &authServer{zones: []*testZone{parseZone(t, "acme.example", false, []string{"@ NS ns1.acme.example.", "app A 192.0.2.1"})}}
	addr := serve(t, srv)
	n := testNet(t, addr, 300*time.Millisecond, nil)
	for _, tc := range []struct{ domain, want string }{
		{"", "discovery needs a domain"},
		{"https://acme.example/", "is not a domain name: give just the apex"},
		{"localhost", "is not a domain name"},
		{"nope.acme.example", "nope.acme.example does not exist (NXDOMAIN"},
		{"app.acme.example", "app.acme.example is not a zone apex: it lives in the zone acme.example"},
		{"other.example", "could not find the nameservers of other.example: " + addr + " answered REFUSED"},
	} {
		_, err := Run(bounded(t, 10*time.Second), n, tc.domain, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Run(%q): %v, want an error containing %q", tc.domain, err, tc.want)
		}
	}
	dead := testNet(t, deadUDP(t), 200*time.Millisecond, nil)
	_, err := Run(bounded(t, 10*time.Second), dead, "acme.example", Options{})
	if err == nil || !strings.Contains(err.Error(), "could not find the nameservers of acme.example") {
		t.Errorf("resolver down: %v", err)
	}
}

// TestRunRateLimit: the questions to one nameserver are spaced at the rate asked.
func TestRunRateLimit(t *testing.T) {
	t.Parallel()
	srv := &authServer{zones: []*testZone{parseZone(t, "acme.example", false, []string{"@ NS ns1.acme.example.", "app A 192.0.2.1"})}}
	addr := serve(t, srv)
	n := testNet(t, addr, time.Second, map[string]string{"ns1.acme.example:53": addr})
	const rate = 200
	labels := Dictionary()[:10]
	rep, err := Run(bounded(t, 20*time.Second), n, "acme.example", Options{RateLimit: rate, Labels: labels})
	if err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	times := slices.Clone(srv.times)
	srv.mu.Unlock()
	if len(times) < 40 {
		t.Fatalf("only %d direct questions; the test needs more to measure", len(times))
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	span := times[len(times)-1].Sub(times[0])
	if min := time.Duration(len(times)-1) * time.Second / rate; span < min*9/10 {
		t.Errorf("%d questions in %s: faster than %d a second (want at least %s)", len(times), span, rate, min)
	}
	if rep.Queries < len(times) {
		t.Errorf("report counts %d queries, the server saw %d direct ones", rep.Queries, len(times))
	}
}

// TestDefaultRateLimit: the zero Options are polite.
func TestDefaultRateLimit(t *testing.T) {
	if got := (Options{}).withDefaults(); got.RateLimit != DefaultRateLimit || got.Concurrency != DefaultConcurrency || len(got.Labels) == 0 {
		t.Errorf("zero Options became %+v", got)
	}
	if newPacer(NoRateLimit) != nil {
		t.Error("NoRateLimit must turn pacing off")
	}
}

func TestZoneOrder(t *testing.T) {
	r := &run{zone: "acme.example."}
	names := []string{"www.acme.example.", "api.app.acme.example.", "acme.example.", "app.acme.example.", "_dmarc.acme.example."}
	slices.SortFunc(names, r.zoneOrder)
	want := []string{"acme.example.", "_dmarc.acme.example.", "app.acme.example.", "api.app.acme.example.", "www.acme.example."}
	if !slices.Equal(names, want) {
		t.Errorf("got %v, want %v", names, want)
	}
}
