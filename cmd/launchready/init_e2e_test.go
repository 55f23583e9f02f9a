package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/launchready/launchready/internal/audit"
	"github.com/launchready/launchready/internal/report"

	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/subdomains"
)

// startLab starts a built-in lab scenario for a test and returns the network flags that
// point a command at it, as an operator pointing init at staging would.
func startLab(t *testing.T, name string) (*lab.Lab, []string) {
	t.Helper()
	sc, ok := lab.ScenarioByName(name)
	if !ok {
		t.Fatalf("no lab scenario %q", name)
	}
	l, err := lab.Start(sc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	flags := []string{"--resolver", l.DNSAddr, "--ca-file", l.CAFile, "--dns-rate", "-1"}
	if l.RDAPURL != "" {
		flags = append(flags, "--rdap-url", l.RDAPURL)
	}
	keys := make([]string, 0, len(l.ConnectTo))
	for k := range l.ConnectTo {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		flags = append(flags, "--connect-to", k+"="+l.ConnectTo[k])
	}
	return l, flags
}

// cannotKnow are the demo's planted faults a config written from discovery cannot find,
// each with why: the fact that makes them a fault lives only in the operator's head or
// behind a sign-in, not in DNS or on a public page. init prints these (initcfg.Unknowable).
// Keyed by finding id, or by "id target" for one target.
var cannotKnow = map[string]string{
	"dns.caa-mismatch":                                 "needs dns.caa_issuers: which CA the certificates come from",
	"tls.caa-mismatch":                                 "needs dns.caa_issuers",
	"dns.drift admin.acme.example":                     "init documents the live records: the map the example config holds (admin at A 127.0.0.1) is the operator's",
	"email.spf-unapproved-include":                     "needs email.approved_senders: init lists every include found, it cannot tell which you approved",
	"registration.no-transfer-lock acme-links.example": "needs registration.domains: another domain the operator renews",
	"endpoint.admin-open-member":                       "needs the admin page's path and a member and an admin session (endpoints.admin)",
	"endpoint.private-cacheable":                       "needs the member-only page's path and a member session",
	"endpoint.metric-critical":                         "needs the app's internal metrics URL and an admin session",
	"email.roundtrip-spam":                             "needs email.inboxes: a test inbox init cannot make, with its IMAP password",
	"endpoint.smoke-failed":                            "needs the smoke flow, which names the checks above",
	"errors.new-group":                                 "needs the errors section: where the app's log is",
	"errors.secrets-logged":                            "needs the errors section",
	"perf.ttfb":                                        "needs performance.pages: which pages are key (the demo's slow one is /pricing)",
	"perf.uncompressed":                                "needs performance.pages",
	"perf.assets-uncacheable":                          "needs performance.pages",
	"perf.assets-not-immutable":                        "needs performance.pages",
	"perf.api-uncached":                                "needs performance.apis: which public API routes are the same for everyone",
	"perf.no-validators":                               "needs performance.pages",
	"perf.api-cacheable-per-session":                   "needs performance.apis and two sessions to compare the answer as",
}

// TestInitOnTheDemoLabThenCheckFindsThePlantedFaults is the end-to-end promise:
// init against the demo lab with --yes writes a config that validates and keeps the names
// it found in the state folder; a check of that config, with only the lab's secret
// reference added to init's webhook starter, finds every planted fault the example config
// finds in the demo, except those listed in cannotKnow (which init says it cannot know).
func TestInitOnTheDemoLabThenCheckFindsThePlantedFaults(t *testing.T) {
	t.Parallel()
	l, flags := startLab(t, "demo")
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	cfgPath := filepath.Join(dir, "launchready.yaml")
	out, stderr, code := launch(t, nil, append([]string{"init", "acme.example", "--yes", "-o", cfgPath, "--state", state}, flags...)...)
	if code != exitOK {
		t.Fatalf("init: exit %d\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{"canonical URL: https://app.acme.example/", "hosting: Heroku (admin.acme.example CNAME ghost-app.herokudns.com)",
		"Wrote " + cfgPath + " and " + filepath.Join(dir, "dns-map.yaml"), "Next: review", "launchready audit",
		"zone transfer allowed", // (U5): a discovery fact, not a check's
		"Kept ", " discovered names in " + filepath.Join(state, "discovered.json"),
		"Not discoverable from outside", "dns.caa_issuers", "email.approved_senders", "registration.domains", "errors: the app's log", "performance.pages"} {
		if !strings.Contains(out, want) {
			t.Errorf("init output lacks %q:\n%s", want, out)
		}
	}
	found, err := subdomains.LoadFound(state)
	if err != nil || found.Domain != "acme.example" || !slices.ContainsFunc(found.Names, func(n subdomains.Name) bool { return n.Name == "old.acme.example" }) {
		t.Errorf("init did not keep what it found in %s: %+v %v", state, found, err)
	}
	body, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(body)
	for _, want := range []string{
		"canonical_url: https://app.acme.example/",
		"  - name: admin.acme.example\n    role: admin", "cname: ghost-app.herokudns.com",
		"url: https://api.acme.example/health", "map_file: dns-map.yaml",
		"#   hosting: Heroku (admin.acme.example CNAME ghost-app.herokudns.com)",
		"approved_senders: [\"_spf.mailprovider.example\"", "#       url: https://app.acme.example/login",
		"#   mx.acme.example: a mail server", "environment: lab",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("written config lacks %q:\n%s", want, cfg)
		}
	}
	if strings.Contains(cfg, "- name: ns1.acme.example") || strings.Contains(cfg, "- name: mx.acme.example") {
		t.Errorf("a nameserver or mail server was written as a web host:\n%s", cfg)
	}
	if out, stderr, code := launch(t, nil, "validate", "--config", cfgPath); code != exitOK {
		t.Fatalf("the written config does not validate: exit %d\n%s\n%s", code, out, stderr)
	}

	// What an operator does next, and nothing more: uncomment the webhook starter and point
	// its secret at the lab's signing secret (a reference; the value is in the environment).
	edited, ok := uncommentWebhooks(cfg)
	if !ok {
		t.Fatalf("init wrote no webhook starter to uncomment:\n%s", cfg)
	}
	edited = strings.Replace(edited, "secret: env:STRIPE_WEBHOOK_SECRET", "secret: env:"+lab.EnvPrefix+"STRIPE_WEBHOOK_SECRET", 1)
	if err := os.WriteFile(cfgPath, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	secretEnv := []string{lab.EnvPrefix + "STRIPE_WEBHOOK_SECRET=" + l.Env[lab.EnvPrefix+"STRIPE_WEBHOOK_SECRET"]}
	if out, stderr, code := launch(t, secretEnv, "validate", "--config", cfgPath); code != exitOK {
		t.Fatalf("the config with the webhook starter uncommented does not validate: exit %d\n%s\n%s", code, out, stderr)
	}
	got := checkKeys(t, secretEnv, "check", "--config", cfgPath, "--state", state, "--json", "--fail-on", "none")
	// The planted faults, as the example config (written by hand for the demo) finds them.
	planted := checkKeys(t, nil, "check", "--lab=demo", "--json", "--fail-on", "none")
	for k := range planted {
		id, target, _ := strings.Cut(k, " ")
		if got[k] {
			continue
		}
		if why, ok := cannotKnow[k]; ok {
			t.Logf("not found, as expected: %s (%s)", k, why)
			continue
		}
		if why, ok := cannotKnow[id]; ok {
			t.Logf("not found, as expected: %s (%s)", k, why)
			continue
		}
		t.Errorf("check of the init-written config misses the planted fault %s (target %s)", id, target)
	}
	for k, why := range cannotKnow {
		if got[k] {
			t.Errorf("%s is listed as unknowable (%s) but was found: take it off the list", k, why)
		}
	}
	for _, must := range []string{"endpoint.webhook-rejected https://app.acme.example/webhooks/stripe", "dns.duplicate-copy members.acme.example",
		"dns.duplicate-copy acme-community.herokuapp.example", "dns.duplicate-copy staging.acme.example", "dns.dangling-cname old.acme.example"} {
		if !got[must] {
			t.Errorf("check of the init-written config misses %s", must)
		}
	}
	for k := range got {
		if strings.HasPrefix(k, "dns.drift") || strings.HasPrefix(k, "dns.map") {
			t.Errorf("the map init wrote beside the config already drifts: %s", k)
		}
	}
}

// checkKeys runs a check with --json and returns its findings as "id target".
func checkKeys(t *testing.T, env []string, args ...string) map[string]bool {
	t.Helper()
	out, stderr, code := launch(t, env, args...)
	if code != exitOK {
		t.Fatalf("%v: exit %d\n%s", args, code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v --json: %v", args, err)
	}
	got := map[string]bool{}
	for _, f := range rep.Findings {
		got[f.ID+" "+f.Target] = true
	}
	return got
}

// uncommentWebhooks turns init's commented webhooks starter into YAML, as an operator
// would: the lines from "  # webhooks:" up to the next comment at that depth.
func uncommentWebhooks(cfg string) (string, bool) {
	lines := strings.Split(cfg, "\n")
	in, done := false, false
	for i, ln := range lines {
		switch {
		case ln == "  # webhooks:":
			in = true
			lines[i] = "  webhooks:"
		case in && strings.HasPrefix(ln, "  #   "):
			lines[i] = "  " + strings.TrimPrefix(ln, "  # ")
		case in:
			in, done = false, true
		}
	}
	return strings.Join(lines, "\n"), done
}

// TestInitNeverOverwritesWithoutForce: a second init fails with exit 2 and leaves the
// file alone; --force replaces it. Run with stdin not a terminal and no --yes, it must
// not wait for an answer (the test would time out).
func TestInitNeverOverwritesWithoutForce(t *testing.T) {
	t.Parallel()
	_, flags := startLab(t, "healthy")
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "launchready.yaml")
	if err := os.WriteFile(cfgPath, []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := launch(t, nil, append([]string{"init", "acme.example", "-o", cfgPath}, flags...)...)
	if code != exitUsage || !strings.Contains(stderr, "already exists") || !strings.Contains(stderr, "--force") {
		t.Fatalf("init over an existing file: exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(cfgPath); string(b) != "# mine\n" {
		t.Fatalf("init touched the existing file: %q", b)
	}
	// The map beside it is protected too.
	os.Remove(cfgPath)
	os.WriteFile(filepath.Join(dir, "dns-map.yaml"), []byte("# my map\n"), 0o644)
	if _, stderr, code := launch(t, nil, append([]string{"init", "acme.example", "-o", cfgPath}, flags...)...); code != exitUsage || !strings.Contains(stderr, "dns-map.yaml already exists") {
		t.Fatalf("init over an existing map: exit %d, stderr %q", code, stderr)
	}
	out, stderr, code := launch(t, nil, append([]string{"init", "acme.example", "-o", cfgPath, "--force"}, flags...)...)
	if code != exitOK {
		t.Fatalf("init --force: exit %d\n%s\n%s", code, out, stderr)
	}
	if !strings.Contains(out, "Not decided (best guess taken") && !strings.Contains(out, "Wrote") {
		t.Errorf("non-terminal init did not say it took guesses:\n%s", out)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "dns-map.yaml")); !strings.Contains(string(b), "acme.example") {
		t.Errorf("--force did not replace the map: %q", b)
	}
	if _, stderr, code := launch(t, nil, "validate", "--config", cfgPath); code != exitOK {
		t.Errorf("healthy init config does not validate: %s", stderr)
	}
}

func TestInitUsageErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"init"}, "takes one argument"},
		{[]string{"init", "acme.example", "--connect-to", "nope"}, "HOST:PORT=ADDR:PORT"},
		{[]string{"init", "https://acme.example/", "--resolver", "127.0.0.1:1", "-o", "/nonexistent-dir/x.yaml"}, "not a domain"},
		{[]string{"audit", "--format", "pdf", "acme.example"}, "use text, md, html or json"},
	} {
		_, stderr, code := launch(t, nil, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q (want 2 and %q)", c.args, code, stderr, c.want)
		}
	}
}

// externalAsset finds src= and href= pointing off the page (an asset the file would need
// the network for).
var externalAsset = regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`)

// TestAuditFormats sweeps a written config once per format: sections present, risks
// ranked, HTML self-contained, JSON with its schema id, exit codes as check.
func TestAuditFormats(t *testing.T) {
	t.Parallel()
	_, flags := startLab(t, "demo")
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "launchready.yaml")
	if _, stderr, code := launch(t, nil, append([]string{"init", "acme.example", "--yes", "-o", cfgPath}, flags...)...); code != exitOK {
		t.Fatalf("init: %s", stderr)
	}
	args := []string{"audit", "--config", cfgPath, "--dns-rate", "-1"}
	sections := []string{"Where production lives", "Copies of the app", "Discovery", "Risks, by business impact"}

	text, stderr, code := launch(t, nil, args...)
	if code != exitFindings {
		t.Fatalf("audit text: exit %d (want 1: the demo has high findings)\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "discovered names in ") {
		t.Errorf("audit did not keep the names it discovered for the DNS pane:\n%s", stderr)
	}
	for _, want := range append(sections, "Canonical URL", "https://app.acme.example/", "Heroku", "Example Registrar, Inc., expires",
		"observed:", "expected:", "fix:", "evidence:",
		"members.acme.example serves a copy of the app: https://members.acme.example/ answers 200 with same title",
		"acme-community.herokuapp.example serves a copy of the app") {
		if !strings.Contains(text, want) {
			t.Errorf("text audit lacks %q:\n%s", want, text)
		}
	}
	if i, j := strings.Index(text, "CRITICAL"), strings.Index(text, "· LOW"); i < 0 || j < 0 || i > j {
		t.Errorf("risks not ranked (critical before low):\n%s", text)
	}

	mdPath := filepath.Join(dir, "audit.md")
	if _, stderr, code := launch(t, nil, append(args, "--format", "md", "-o", mdPath, "--fail-on", "none")...); code != exitOK {
		t.Fatalf("audit md --fail-on none: exit %d\n%s", code, stderr)
	}
	md, _ := os.ReadFile(mdPath)
	for _, want := range []string{"# Launch audit: Acme Community", "## Where production lives", "## Copies of the app", "## Risks, by business impact", "- **Fix:**", "| Canonical URL |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("markdown audit lacks %q:\n%s", want, md)
		}
	}

	html, _, _ := launch(t, nil, append(args, "--format", "html")...)
	for _, want := range append(sections, "<!doctype html>", "<style>", "@media print", `class="risk sev-critical"`) {
		if !strings.Contains(html, want) {
			t.Errorf("html audit lacks %q", want)
		}
	}
	if m := externalAsset.FindString(html); m != "" {
		t.Errorf("html audit refers to an external asset: %q", m)
	}
	if strings.Contains(strings.ToLower(html), "<script") || strings.Contains(html, "<link") {
		t.Errorf("html audit has a script or a linked asset")
	}

	js, _, _ := launch(t, nil, append(args, "--format", "json")...)
	var a audit.Audit
	if err := json.Unmarshal([]byte(js), &a); err != nil {
		t.Fatalf("json audit: %v\n%s", err, js)
	}
	if a.Schema != "launchready.audit/v1" || a.Domain != "acme.example" || a.Production.CanonicalURL != "https://app.acme.example/" || a.Discovery == nil {
		t.Errorf("json audit header: %+v", a)
	}
	if a.Production.Registration == nil || a.Production.DaysLeft == nil || *a.Production.DaysLeft > 7 {
		t.Errorf("json audit: registration not read: %+v", a.Production)
	}
	for i := 1; i < len(a.Risks); i++ {
		if a.Risks[i-1].Severity < a.Risks[i].Severity {
			t.Fatalf("json risks not ranked at %d: %v then %v", i, a.Risks[i-1].Severity, a.Risks[i].Severity)
		}
	}
}

// TestAuditWithoutConfig audits a bare domain: no file anywhere, the config init would
// write is built in memory and swept.
func TestAuditWithoutConfig(t *testing.T) {
	t.Parallel()
	_, flags := startLab(t, "demo")
	cmdArgs := append([]string{"audit", "acme.example", "--format", "json", "--fail-on", "critical"}, flags...)
	cmd := launchIn(t, t.TempDir(), cmdArgs...)
	if cmd.code != exitFindings {
		t.Fatalf("audit DOMAIN: exit %d\n%s", cmd.code, cmd.stderr)
	}
	var a audit.Audit
	if err := json.Unmarshal([]byte(cmd.stdout), &a); err != nil {
		t.Fatalf("json: %v", err)
	}
	if !strings.HasPrefix(a.ConfigSource, "discovery") {
		t.Errorf("config source %q, want discovery", a.ConfigSource)
	}
	found := false
	for _, f := range a.Risks {
		found = found || (f.ID == "dns.dangling-cname" && f.Target == "admin.acme.example")
	}
	if !found {
		t.Errorf("audit without config misses the dangling CNAME: %+v", a.Risks)
	}
	// No domain and no config: a usage error that says what to run.
	res := launchIn(t, t.TempDir(), "audit")
	if res.code != exitUsage || !strings.Contains(res.stderr, "launchready audit acme.com") {
		t.Errorf("audit with nothing: exit %d, %q", res.code, res.stderr)
	}
}

type ran struct {
	stdout, stderr string
	code           int
}

// launchIn runs the binary in a folder of its own (no launchready.yaml there), with its
// own config home, so "no config" really is none.
func launchIn(t *testing.T, dir string, args ...string) ran {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + t.TempDir(), "XDG_CONFIG_HOME=" + t.TempDir(), "XDG_STATE_HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running launchready: %v", err)
	}
	return ran{out.String(), errb.String(), code}
}
