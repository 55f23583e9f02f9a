package alertcheck

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

const cfgYAML = `domain: acme.example
canonical_url: https://app.acme.example/
hosts: [{name: app.acme.example}]
alerts:
  channels:
    - name: ops-slack
      slack: {url: env:SLACK_URL}
    - name: pager
      webhook: {url: env:HOOK_URL}
  rules:
    - {owner: ops, channels: [ops-slack, pager]}
`

func build(t *testing.T, dir string) []probes.Check {
	t.Helper()
	cfg, err := config.Parse([]byte(cfgYAML), "launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)
	cs, err := Kind.Build(probes.Env{Config: cfg, StateDir: dir, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func writeHealth(t *testing.T, dir string, hs ...alert.Health) {
	t.Helper()
	b, _ := json.Marshal(alert.HealthSnapshot{Updated: time.Now(), PID: 1, Channels: hs})
	if err := os.WriteFile(filepath.Join(dir, alert.HealthFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestChannelHealth(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cs := build(t, dir)
	if len(cs) != 2 || cs[0].Info().Name != "alert ops-slack" || cs[0].Info().Target != "slack channel ops-slack" || cs[1].Info().Kind != "alert" {
		t.Fatalf("checks: %+v", cs)
	}
	// No watch has run: nothing to report, nothing wrong.
	if r := cs[0].Run(context.Background()); r.Err != "" || len(r.Findings) != 0 || !strings.Contains(r.Summary, "no deliveries recorded") {
		t.Fatalf("no health file: %+v", r)
	}
	at := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	writeHealth(t, dir,
		alert.Health{Channel: "ops-slack", Kind: "slack", Up: false, ConsecutiveFailures: 7, Failures: 9, Delivered: 3, Queued: 4,
			LastError: "hooks.slack.com answered HTTP 404: no_service", DownSince: at, LastAttempt: at.Add(time.Hour), OldestQueued: at, LastSuccess: at.Add(-time.Hour)},
		alert.Health{Channel: "pager", Kind: "webhook", Up: true, ConsecutiveFailures: 1, Failures: 1, LastError: "pager.example did not answer in time"})

	r := cs[0].Run(context.Background())
	if len(r.Findings) != 1 {
		t.Fatalf("down channel: %+v", r)
	}
	f := r.Findings[0]
	if f.ID != "alert.channel-down" || f.Severity != probes.High || !strings.Contains(f.Title, "ops-slack is down") ||
		!strings.Contains(f.Detail, "7 deliveries in a row") || !strings.Contains(f.Detail, "4 notification(s) wait") ||
		!strings.Contains(f.Fix, "launchready alert test ops-slack") || r.Metrics["up"] != 0 || r.Metrics["queued"] != 4 {
		t.Errorf("down finding: %+v metrics %v", f, r.Metrics)
	}
	if probes.StatusFor(r.Findings) != probes.StatusFail {
		t.Errorf("a down channel is not a failing check")
	}
	r = cs[1].Run(context.Background())
	if len(r.Findings) != 1 || r.Findings[0].ID != "alert.channel-failing" || r.Findings[0].Severity != probes.Medium || r.Metrics["up"] != 1 {
		t.Errorf("failing channel: %+v", r)
	}
	writeHealth(t, dir, alert.Health{Channel: "pager", Kind: "webhook", Up: true, Delivered: 5, LastSuccess: time.Date(2026, 11, 28, 2, 59, 0, 0, time.UTC)})
	r = cs[1].Run(context.Background())
	if len(r.Findings) != 0 || r.Summary != "delivering · last 1m0s ago" {
		t.Errorf("healthy channel: %+v", r)
	}
	os.WriteFile(filepath.Join(dir, alert.HealthFile), []byte("{not json"), 0o600)
	if r := cs[1].Run(context.Background()); r.Err == "" {
		t.Errorf("a damaged health file is not reported: %+v", r)
	}
}

func TestNoAlertsSectionNoChecks(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse([]byte("domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts: [{name: app.acme.example}]\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := Kind.Build(probes.Env{Config: cfg})
	if err != nil || len(cs) != 0 {
		t.Fatalf("%v %v", cs, err)
	}
}
