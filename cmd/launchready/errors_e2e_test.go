package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/launchready/launchready/internal/report"
)

// TestErrorsPaneAgainstTheLab runs `check --lab --only errors` as a user would: the
// example config's errors source (lab:app.log) follows the lab's app log, the demo's
// error groups are reported, and the e-mail addresses and token the demo log holds reach
// neither the output nor the tool's log. The webhook failure the demo repeats for twelve
// customers, some with ids without a digit, is one group.
func TestErrorsPaneAgainstTheLab(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	out, stderr, code := launch(t, nil, "check", "--lab", "--only", "errors", "--json", "--state", state)
	if code != exitFindings {
		t.Fatalf("exit %d, want 1 (the demo has a high error group)\n%s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.ID+" "+f.Title] = f.Severity.String()
	}
	for k, sev := range map[string]string{
		"errors.new-group New error: stripe webhook rejected":              "high",
		"errors.new-group New error: login failed: user lookup (×2)":       "medium",
		"errors.new-group New error: in worker: send_welcome_email failed": "medium",
		"errors.new-group New error: health check failed":                  "medium",
		"errors.secrets-logged The app writes secrets into its log":        "medium",
		// one error for twelve customers, five of whose ids hold no digit: one group
		"errors.new-group New error: payment webhook failed for customer cus_qKcNbXvTrBnMzH: signature mismatch (×12)": "high",
	} {
		if got[k] != sev {
			t.Errorf("want %q at %s; got %v", k, sev, got)
		}
	}
	if len(rep.Checks) != 1 || rep.Checks[0].Check != "errors" || rep.Checks[0].Metrics["groups"] != 5 {
		t.Errorf("checks %+v", rep.Checks)
	}
	text, _, _ := launch(t, nil, "check", "--lab", "--only", "errors", "--state", state)
	for _, want := range []string{"New error: stripe webhook rejected", "email: [REDACTED]@acme.example", "token: [REDACTED]", "smtplib.SMTPServerDisconnected"} {
		if !strings.Contains(text, want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}
	logs, _ := os.ReadFile(filepath.Join(state, "launchready.log"))
	all := out + stderr + text + string(logs)
	for _, secret := range []string{"lab-fake-token-4f9c2e", "member@acme.example", "new.member@acme.example"} {
		if strings.Contains(all, secret) {
			t.Errorf("%q leaked into the output or the tool's log", secret)
		}
	}
}

func TestErrorsPaneHealthyLab(t *testing.T) {
	t.Parallel()
	out, stderr, code := launch(t, nil, "check", "--lab=healthy", "--only", "errors", "--fail-on", "low")
	if code != exitOK || !strings.Contains(out, "No findings") || !strings.Contains(out, "0 error groups") {
		t.Errorf("healthy lab: exit %d\n%s\n%s", code, out, stderr)
	}
}
