package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/launchready/launchready/internal/report"
)

// binary is the real launchready, built once for the end-to-end tests: they run it as a
// user would, as a child process, against the built-in lab on loopback.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "launchready-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "launchready")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building launchready: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// launch runs the binary with a private state folder and returns stdout, stderr and the
// exit code.
func launch(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "XDG_STATE_HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running launchready: %v", err)
	}
	return out.String(), errb.String(), code
}

func TestCheckJSONAgainstTheLab(t *testing.T) {
	t.Parallel()
	out, stderr, code := launch(t, nil, "check", "--lab", "--json", "--fail-on", "critical")
	if code != exitFindings {
		t.Fatalf("exit %d, want 1 (the demo lab has critical findings); stderr:\n%s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("check --json is not JSON: %v\n%s", err, out)
	}
	if rep.Schema != report.Schema || rep.Product != "Acme Community" || rep.Domain != "acme.example" {
		t.Errorf("report header: %+v", rep)
	}
	byKey := map[string]string{}
	for _, f := range rep.Findings {
		byKey[f.ID+" "+f.Target] = f.Severity.String()
		if f.Title == "" || f.Fix == "" || f.Pane == "" || f.Impact == "" || f.Check == "" {
			t.Errorf("finding missing fields a user needs: %+v", f)
		}
	}
	want := map[string]string{
		"http.server-error https://api.acme.example/health": "critical",
		"http.unreachable https://status.acme.example/":     "high",
		"tls.expiring app.acme.example":                     "high",
		"tls.http-not-redirected http://app.acme.example/":  "high",
		"tls.mixed-active https://app.acme.example/":        "high",
		// The endpoints pane's demo faults.
		"endpoint.private-cacheable https://app.acme.example/members/feed":   "critical",
		"endpoint.admin-open-member https://app.acme.example/admin":          "critical",
		"endpoint.webhook-rejected https://app.acme.example/webhooks/stripe": "critical",
	}
	for k, sev := range want {
		if byKey[k] != sev {
			t.Errorf("want finding %q at %s; findings: %v", k, sev, byKey)
		}
	}
	if rep.State != "down" {
		t.Errorf("state %q, want down (the API answers 503)", rep.State)
	}
	uptime := 0
	for _, c := range rep.Checks {
		if c.Kind == "http" {
			uptime++
		}
	}
	if uptime != 6 || rep.Counts.Checks != len(rep.Checks) {
		t.Errorf("want 6 uptime checks (one per example host), got %d of %d", uptime, rep.Counts.Checks)
	}
	for _, c := range rep.Checks {
		if c.Status == "" || (c.Status != "error" && c.LatencyMs <= 0) {
			t.Errorf("check result without status or latency: %+v", c)
		}
	}
	// Ranked: the first finding is the worst.
	if len(rep.Findings) == 0 || rep.Findings[0].Severity.String() != "critical" {
		t.Errorf("findings not ranked: %+v", rep.Findings)
	}
}

func TestCheckHealthyLabExitsZero(t *testing.T) {
	t.Parallel()
	out, stderr, code := launch(t, nil, "check", "--lab=healthy", "--fail-on", "low")
	if code != exitOK {
		t.Fatalf("exit %d on the healthy lab, want 0\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	if !strings.Contains(out, "LAUNCH-READY") || !strings.Contains(out, "No findings") {
		t.Errorf("healthy report does not say so:\n%s", out)
	}
}

func TestCheckTextIsPlainWhenPiped(t *testing.T) {
	t.Parallel()
	for _, env := range [][]string{nil, {"NO_COLOR=1"}, {"TERM=xterm-256color"}} {
		out, _, _ := launch(t, env, "check", "--lab")
		if strings.Contains(out, "\x1b[") {
			t.Errorf("env %v: piped output has ANSI escapes:\n%q", env, out[:min(len(out), 300)])
		}
		for _, want := range []string{"Risks, by business impact", "✖ CRITICAL", "API answers 503", "fix:", "Endpoints"} {
			if !strings.Contains(out, want) {
				t.Errorf("env %v: text report lacks %q:\n%s", env, want, out)
			}
		}
	}
}

func TestExitCodesForUsageAndConfigErrors(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("domain: https://acme.example\nhostz: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"check", "--bogus"}, "unknown flag: --bogus"},
		{"bad fail-on", []string{"check", "--lab", "--fail-on", "severe"}, "--fail-on"},
		{"bad pane", []string{"check", "--lab", "--only", "dns,nope"}, `unknown pane "nope"`},
		{"bad lab", []string{"check", "--lab=nope"}, `no such scenario`},
		{"bad config", []string{"check", "--config", bad}, bad + ":2:1: hostz: unknown key"},
		{"missing config", []string{"check", "--config", "/nonexistent.yaml"}, "cannot read the config"},
		{"validate bad", []string{"validate", "--config", bad}, "unknown key"},
		{"bad resolver", []string{"check", "--lab", "--resolver", "nope"}, "nope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, stderr, code := launch(t, nil, c.args...)
			if code != exitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d (want 2), stderr %q (want %q)", code, stderr, c.want)
			}
		})
	}
}

func TestValidateExample(t *testing.T) {
	t.Parallel()
	out, stderr, code := launch(t, nil, "validate", "--config", "../../examples/launchready.yaml")
	if code != exitOK || !regexp.MustCompile(`is valid: 6 hosts, \d+ checks`).MatchString(out) {
		t.Errorf("validate example: exit %d\n%s\n%s", code, out, stderr)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out, _, code := launch(t, nil, "--version")
	if code != 0 || !strings.HasPrefix(out, "launchready version ") {
		t.Errorf("--version: %d %q", code, out)
	}
}

// TestSecretsNeverLeak plants a secret in the environment, references it from the config,
// and proves it reaches neither the output, the JSON report nor the tool's own log.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	const planted = "lr-planted-secret-9f8e7d6c"
	dir := t.TempDir()
	example, err := os.ReadFile("../../examples/launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(example), "    # secret_headers:\n    #   Authorization: env:STATUS_BASIC_AUTH",
		"    secret_headers:\n      Authorization: env:STATUS_BASIC_AUTH", 1)
	if cfg == string(example) {
		t.Fatal("example config no longer has the commented secret_headers this test enables")
	}
	path := filepath.Join(dir, "launchready.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	env := []string{"STATUS_BASIC_AUTH=" + planted}
	var all strings.Builder
	for _, args := range [][]string{
		{"check", "--lab", "--config", path, "--state", state},
		{"check", "--lab", "--config", path, "--state", state, "--json", "-v"},
		{"validate", "--config", path, "--state", state},
	} {
		out, stderr, _ := launch(t, env, args...)
		all.WriteString(out + stderr)
	}
	logs, _ := os.ReadFile(filepath.Join(labState(state), "launchready.log"))
	if len(logs) == 0 {
		t.Error("the tool's log was not written to the lab's state folder")
	}
	all.Write(logs)
	validateLog, _ := os.ReadFile(filepath.Join(state, "launchready.log"))
	all.Write(validateLog)
	if strings.Contains(all.String(), planted) {
		t.Fatalf("the planted secret leaked into output or logs")
	}
	// And without the variable, the run stops at start with a clear error.
	_, stderr, code := launch(t, nil, "check", "--lab", "--config", path, "--state", state)
	if code != exitUsage || !strings.Contains(stderr, "environment variable STATUS_BASIC_AUTH is not set") {
		t.Errorf("missing secret: exit %d, %q", code, stderr)
	}
}

// TestDeadResolverFailsTheGate: with the resolver down, the lab host that needs DNS cannot
// be checked; that is reported as "could not run" (not as the site being down) and fails
// the CI gate, within the timeout.
func TestDeadResolverFailsTheGate(t *testing.T) {
	t.Parallel()
	out, stderr, code := launch(t, nil, "check", "--lab", "--resolver", "127.0.0.1:9", "--json", "--fail-on", "critical")
	if code != exitFindings || !strings.Contains(stderr, "could not run") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Checks {
		if c.Check == "http admin.acme.example" && (c.Status != "error" || !strings.Contains(c.Error, "127.0.0.1:9")) {
			t.Errorf("admin check: %+v", c)
		}
	}
	for _, f := range rep.Findings {
		if strings.Contains(f.Target, "admin.acme.example") {
			t.Errorf("a dead resolver must not produce a finding against the site: %+v", f)
		}
	}
}
