package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/launchready/launchready/internal/report"
	"github.com/launchready/launchready/probes/lab"
)

// TestLabSecretsNeverLeak runs the example against the lab, whose sessions sign in with
// the lab's test passwords, and proves those values reach neither the report, the
// tool's log nor the history database: they are secrets as far as the tool knows.
func TestLabSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	sc, _ := lab.ScenarioByName("demo")
	if len(sc.Env) == 0 {
		t.Fatal("the demo scenario has no lab secrets to test with")
	}
	state := t.TempDir()
	var all strings.Builder
	for _, args := range [][]string{
		{"check", "--lab", "--state", state, "-v"},
		{"check", "--lab", "--state", state, "--json"},
	} {
		out, stderr, code := launch(t, nil, args...)
		if code == exitUsage {
			t.Fatalf("%v: exit 2: %s", args, stderr)
		}
		all.WriteString(out + stderr)
	}
	for _, f := range []string{"launchready.log", "history-lab.db", "history-lab.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(state, f))
		all.Write(b)
	}
	if _, err := os.Stat(filepath.Join(state, "history.db")); err == nil {
		t.Error("a lab run wrote the product's history.db; it must use history-lab.db")
	}
	for name, v := range sc.Env {
		if strings.Contains(all.String(), v) {
			t.Errorf("the value of %s leaked into output, log or history", name)
		}
	}
}

func TestSmokeCommand(t *testing.T) {
	t.Parallel()
	out, stderr, code := launch(t, nil, "smoke", "--lab")
	if code != exitFindings || !strings.Contains(out, "✖ FAILED at step 4 of 6 (trigger a password reset): The reset mail landed in spam (Junk)") ||
		!strings.Contains(out, "○ 5  Replay a webhook") || !strings.Contains(out, "fix:") {
		t.Errorf("smoke on the demo lab: exit %d\n%s\n%s", code, out, stderr)
	}
	out, stderr, code = launch(t, nil, "smoke", "--lab=healthy", "--json")
	var run report.Smoke
	if err := json.Unmarshal([]byte(out), &run); err != nil {
		t.Fatalf("smoke --json: %v\n%s", err, out)
	}
	if code != exitOK || !run.Passed || run.Schema != report.SmokeSchema || len(run.Steps) != 6 || run.FailedStep != 0 {
		t.Errorf("smoke on the healthy lab: exit %d %+v\n%s", code, run, stderr)
	}
	for _, s := range run.Steps {
		if s.Status != "pass" || s.LatencyMs <= 0 || s.Check == "" {
			t.Errorf("step: %+v", s)
		}
	}
	// Step 4 waited for the reset mail (email.triggers has reset) and says where it landed.
	if len(run.Steps) == 6 && !strings.Contains(run.Steps[3].Summary, "the mail arrived in the inbox after") {
		t.Errorf("step 4 does not say the reset mail arrived: %+v", run.Steps[3])
	}
	// A config without a smoke flow is a usage error that says what to add.
	cfg := filepath.Join(t.TempDir(), "launchready.yaml")
	if err := os.WriteFile(cfg, []byte("domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts: [{name: app.acme.example}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = launch(t, nil, "smoke", "--config", cfg)
	if code != exitUsage || !strings.Contains(stderr, "has no smoke flow: add endpoints.smoke") {
		t.Errorf("no smoke flow: exit %d %q", code, stderr)
	}
}
