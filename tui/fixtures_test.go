package tui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

// The console's tests run on a frozen clock, so every screen is the same on every run.
var frozen = time.Date(2026, 11, 28, 14, 2, 11, 0, time.UTC)

// fakeClock is the console's clock in tests: set by the test, read by the model.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// fakeRunner records what the console asked the runner for.
type fakeRunner struct {
	mu        sync.Mutex
	triggered []string
	all       int
	known     map[string]bool
}

func (r *fakeRunner) Trigger(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.triggered = append(r.triggered, name)
	return r.known == nil || r.known[name]
}

func (r *fakeRunner) TriggerAll() { r.mu.Lock(); r.all++; r.mu.Unlock() }

// check describes one fixture check: its info, and how it reads healthy and failing.
type fixtureCheck struct {
	info     probes.CheckInfo
	summary  string
	metrics  map[string]float64
	failSum  string
	failMet  map[string]float64
	findings []probes.Finding
	err      string // failing: the check could not run
}

func ci(kind string, pane probes.Pane, name, target string) probes.CheckInfo {
	return probes.CheckInfo{Name: kind + " " + name, Kind: kind, Pane: pane, Target: target}
}

// fixture is a launch-week product across every pane, with the metric names the panes'
// probes report (BRIEF.md), so the console's columns, tiles and launch bar are exercised
// for panes whose probes live in other branches.
func fixture() []fixtureCheck {
	return []fixtureCheck{
		{info: ci("dns", probes.PaneDNS, "app.acme.example", "app.acme.example"),
			summary: "A 203.0.113.10 · TTL 5m · 2 NS agree", metrics: map[string]float64{"records": 1, "ttl_s": 300, "cname_hops": 0, "ns_agree": 1, "proxied": 1}},
		{info: ci("registration", probes.PaneDNS, "acme.example", "acme.example"),
			summary: "Example Registrar, Inc. · expires 2028-01-02 (400 days) · transfer locked", metrics: map[string]float64{"registration_days_left": 400, "transfer_lock": 1},
			failSum: "Example Registrar, Inc. · expires 2026-12-23 (25 days) · transfer locked", failMet: map[string]float64{"registration_days_left": 25, "transfer_lock": 1}},
		{info: ci("dns", probes.PaneDNS, "admin.acme.example", "admin.acme.example"),
			summary: "CNAME acme-admin.herokudns.com · TTL 5m", metrics: map[string]float64{"records": 1, "ttl_s": 300, "cname_hops": 1, "ns_agree": 1, "proxied": 0},
			failSum: "CNAME ghost-app.herokudns.com: NXDOMAIN", failMet: map[string]float64{"records": 1, "ttl_s": 300, "cname_hops": 1, "ns_agree": 1, "proxied": 0},
			findings: []probes.Finding{{ID: "dns.dangling-cname", Severity: probes.High, Impact: probes.Trust,
				Title: "CNAME to ghost-app.herokudns.com: NXDOMAIN", Detail: "admin.acme.example is a CNAME to a name that does not exist: anyone who creates ghost-app on the provider serves pages on your domain.",
				Observed: "CNAME ghost-app.herokudns.com. (NXDOMAIN)", Expected: "CNAME acme-admin.herokudns.com. (documented map)",
				Fix:      "Point admin at the live app (admin 300 IN CNAME acme-admin.herokudns.com.) or delete the record.",
				Evidence: []string{"admin.acme.example. 300 IN CNAME ghost-app.herokudns.com.", "ghost-app.herokudns.com.: NXDOMAIN from ns1.herokudns.com"}}}},
		{info: ci("dns", probes.PaneDNS, "www.acme.example", "www.acme.example"),
			summary: "CNAME acme.example · TTL 1h", metrics: map[string]float64{"records": 1, "ttl_s": 3600, "cname_hops": 1, "ns_agree": 1, "proxied": 1}},
		{info: ci("tls", probes.PaneTLS, "app.acme.example", "app.acme.example:443"),
			summary: "R11 Let's Encrypt · 84 days · TLS 1.2+", metrics: map[string]float64{"days_left": 84, "tls_min_version": 1.2, "hsts_max_age_days": 365, "http_redirect_status": 301, "chain_len": 2, "key_bits": 256},
			failSum: "R11 Let's Encrypt · expires in 5 days", failMet: map[string]float64{"days_left": 5, "tls_min_version": 1.2, "hsts_max_age_days": 0, "http_redirect_status": 200, "chain_len": 2, "key_bits": 256},
			findings: []probes.Finding{{ID: "tls.expiring", Severity: probes.High, Impact: probes.Onboarding,
				Title: "Certificate expires in 5 days (Dec 3)", Observed: "notAfter 2026-12-03T14:00:00Z", Expected: "at least 21 days left",
				Fix: "Renew now: certbot renew --cert-name app.acme.example, then reload the web server.", Evidence: []string{"CN=app.acme.example · issuer R11 · serial 04:a1:9f"}},
				{ID: "tls.http-not-redirected", Severity: probes.Medium, Impact: probes.Trust, Title: "http:// answers 200 instead of redirecting",
					Observed: "GET http://app.acme.example/ -> 200", Expected: "301 or 308 to https://app.acme.example/", Fix: "Redirect port 80 to HTTPS in the web server."}}},
		{info: ci("tls", probes.PaneTLS, "api.acme.example", "api.acme.example:443"),
			summary: "R11 Let's Encrypt · 84 days · TLS 1.3", metrics: map[string]float64{"days_left": 84, "tls_min_version": 1.3, "hsts_max_age_days": 365, "http_redirect_status": 301, "chain_len": 2, "key_bits": 256}},
		{info: ci("email", probes.PaneEmail, "acme.example", "acme.example"),
			summary: "SPF 4/10 lookups · DKIM lr1 2048 · DMARC quarantine", metrics: map[string]float64{"spf_lookups": 4, "spf_void_lookups": 0, "dkim_key_bits": 2048, "dmarc_policy": 1, "mx_count": 1},
			failSum: "SPF 12/10 lookups: permerror · DMARC p=none", failMet: map[string]float64{"spf_lookups": 12, "spf_void_lookups": 1, "dkim_key_bits": 1024, "dmarc_policy": 0, "mx_count": 1},
			findings: []probes.Finding{{ID: "email.spf-lookups", Severity: probes.High, Impact: probes.Onboarding,
				Title: "SPF needs 12 DNS lookups (limit 10): permerror", Observed: "12 lookups", Expected: "at most 10 (RFC 7208 4.6.4)",
				Fix: "Flatten include:_spf.oldprovider.example or drop senders you no longer use.", Evidence: []string{`acme.example. TXT "v=spf1 include:_spf.mailprovider.example include:_spf.oldprovider.example ~all"`}},
				{ID: "email.dmarc-none", Severity: probes.Medium, Impact: probes.Onboarding, Title: "DMARC p=none and no rua: no enforcement, no reports",
					Fix: `_dmarc 300 IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@acme.example"`}}},
		{info: ci("http", probes.PaneEndpoints, "app.acme.example", "https://app.acme.example/"),
			summary: "200 OK · 183 ms", metrics: map[string]float64{"status": 200, "latency_ms": 183, "uptime_24h": 99.98, "p95_ms_1h": 412, "uptime_7d": 99.95}},
		{info: ci("http", probes.PaneEndpoints, "api.acme.example", "https://api.acme.example/health"),
			summary: "200 OK · 41 ms", metrics: map[string]float64{"status": 200, "latency_ms": 41, "uptime_24h": 100, "p95_ms_1h": 88, "uptime_7d": 99.99},
			failSum: "503 Service Unavailable · 12 ms", failMet: map[string]float64{"status": 503, "latency_ms": 12, "uptime_24h": 99.2, "p95_ms_1h": 1900, "uptime_7d": 99.8},
			findings: []probes.Finding{{ID: "http.server-error", Severity: probes.Critical, Impact: probes.Revenue, Title: "API answers 503",
				Detail:   "GET https://api.acme.example/health answered HTTP 503 Service Unavailable: the server is up but failing every request that reaches this URL.",
				Observed: "HTTP 503 Service Unavailable", Expected: "HTTP 2xx or 3xx",
				Fix:      "Open the Errors pane for the failure behind it; if it started with the last deploy, roll back: launchready runbook run rollback",
				Evidence: []string{"GET https://api.acme.example/health -> HTTP/2.0 503 Service Unavailable · 12 ms", "content-type: application/json", "retry-after: 30"}}}},
		{info: ci("endpoint", probes.PaneEndpoints, "member feed", "https://app.acme.example/members/feed"),
			summary: "200 · private, no-store", metrics: map[string]float64{"status": 200, "latency_ms": 95},
			failSum: "200 · public, max-age=600", failMet: map[string]float64{"status": 200, "latency_ms": 97},
			findings: []probes.Finding{{ID: "endpoints.member-cacheable", Severity: probes.Critical, Impact: probes.DataExposure, Title: "Member page cacheable by CDNs (public, max-age=600)",
				Observed: "Cache-Control: public, max-age=600", Expected: "Cache-Control: private or no-store on pages marked private",
				Fix: `send "Cache-Control: private, no-store" from the feed handler, then purge the CDN cache for /members/*.`, Evidence: []string{"HTTP/2 200 · 183 ms · cf-cache-status: MISS · age: 0"}}}},
		{info: ci("endpoint", probes.PaneEndpoints, "stripe webhook", "https://api.acme.example/webhooks/stripe"),
			summary: "signed replay accepted (200)", metrics: map[string]float64{"status": 200, "latency_ms": 64, "webhook_failures": 0, "failed_jobs": 0},
			failSum: "correctly signed event rejected (400)", failMet: map[string]float64{"status": 400, "latency_ms": 61, "webhook_failures": 1, "failed_jobs": 17},
			findings: []probes.Finding{{ID: "endpoints.webhook-rejected", Severity: probes.Critical, Impact: probes.Revenue, Title: "Correctly signed events rejected (400)",
				Fix: "Check STRIPE_WEBHOOK_SECRET on the server matches the endpoint's signing secret in the Stripe dashboard."}}},
		{info: ci("http", probes.PaneEndpoints, "status.acme.example", "https://status.acme.example/"),
			summary: "200 OK · 52 ms", metrics: map[string]float64{"status": 200, "latency_ms": 52},
			err: "the http probe did not return within its 10s timeout and was abandoned"},
		{info: ci("errors", probes.PaneErrors, "app.log", "/var/log/acme/app.log"),
			summary: "0.2 errors/min · 3 groups", metrics: map[string]float64{"errors_per_min": 0.2, "groups": 3, "new_groups": 0},
			failSum: "4.1 errors/min · 7 groups, 2 new", failMet: map[string]float64{"errors_per_min": 4.1, "groups": 7, "new_groups": 2},
			findings: []probes.Finding{{ID: "errors.new-group", Severity: probes.Medium, Impact: probes.Support, Title: "New error: pq: too many connections for role \"acme\" (x14)",
				Fix: "Raise the pool limit or find the leak; the first trace is in the detail."}}},
	}
}

func fixtureInfos() []probes.CheckInfo {
	var out []probes.CheckInfo
	for _, c := range fixture() {
		out = append(out, c.info)
	}
	return out
}

// fixtureResults is one sweep at t: healthy, or failing with the fixture's faults.
func fixtureResults(t time.Time, failing bool, round int) []probes.Result {
	var out []probes.Result
	for _, c := range fixture() {
		r := probes.Result{Check: c.info.Name, Kind: c.info.Kind, Pane: c.info.Pane, Target: c.info.Target,
			Status: probes.StatusOK, Summary: c.summary, Started: t, Latency: 40 * time.Millisecond, Metrics: wobble(c.metrics, round)}
		if failing {
			if c.failSum != "" {
				r.Summary, r.Metrics = c.failSum, wobble(c.failMet, round)
			}
			if c.err != "" {
				r.Summary, r.Err, r.Metrics = "", c.err, nil
			}
			for _, f := range c.findings {
				f.Pane, f.Check, f.Target = c.info.Pane, c.info.Name, c.info.Target
				r.Findings = append(r.Findings, f)
			}
			r.Status = probes.StatusFor(r.Findings)
			if r.Err != "" {
				r.Status = probes.StatusError
			}
		}
		out = append(out, r)
	}
	return out
}

// wobble varies latencies by round, so sparklines have a shape.
func wobble(m map[string]float64, round int) map[string]float64 {
	if m == nil {
		return nil
	}
	out := make(map[string]float64, len(m))
	for k, v := range m {
		if k == "latency_ms" || k == "errors_per_min" {
			v = v * (1 + float64((round*37)%11-5)/20)
		}
		out[k] = v
	}
	return out
}

// newTestModel is a console on a frozen clock with a fake runner and no ticking.
func newTestModel(t testing.TB, stateDir string) (*Model, *fakeClock, *fakeRunner) {
	t.Helper()
	clk := &fakeClock{t: frozen.Add(-12 * time.Minute)}
	run := &fakeRunner{}
	cfg, err := config.Parse(examples.Config, examples.ConfigName)
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{Config: cfg, Checks: fixtureInfos(), Interval: time.Minute, Runner: run,
		Now: clk.Now, Tick: -1, StateDir: stateDir, LogPath: "/state/launchready.log",
		Kinds: []probes.Kind{{Name: "http", Pane: probes.PaneEndpoints}}})
	return m, clk, run
}

// playRounds plays rounds of sweeps a minute apart ending at the frozen time, so findings have
// ages and checks have history.
func playRounds(m *Model, clk *fakeClock, failing bool) {
	const rounds = 12
	for i := 0; i < rounds; i++ {
		at := frozen.Add(-time.Duration(rounds-1-i)*time.Minute - 11*time.Second)
		clk.Set(at)
		// The faults started seven minutes ago.
		m.Update(ResultsMsg(fixtureResults(at, failing && i >= rounds-8, i)))
	}
	clk.Set(frozen)
	m.Update(TickMsg{})
}

func size(m *Model, w, h int) { m.Update(tea.WindowSizeMsg{Width: w, Height: h}) }

func press(m *Model, keys ...string) tea.Cmd {
	var last tea.Cmd
	for _, k := range keys {
		_, last = m.Update(keyMsg(k))
	}
	return last
}

// keyMsg makes the key press Bubble Tea would deliver for a key's name.
func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)
	if len(r) != 1 {
		panic("keyMsg: unknown key " + k)
	}
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// plain is the screen as a person reads it: no escape sequences.
func plain(m *Model) string { return ansi.Strip(m.View().Content) }

// checkFrame fails when the screen is not exactly w x h cells at most.
func checkFrame(t *testing.T, screen string, w, h int) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	if len(lines) != h {
		t.Errorf("screen has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i+1, n, w, l)
		}
	}
}

// runCmd runs a command and the commands it batches, returning their messages. Commands
// that would wait on a timer are not run.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runCmd(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}
