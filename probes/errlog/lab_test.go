package errlog

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
)

// labCheck runs the example config's errors check against a lab scenario, as
// `launchready check --lab` does.
func labCheck(t *testing.T, scenario string) (probes.Result, *lab.Lab, *Check) {
	t.Helper()
	sc, ok := lab.ScenarioByName(scenario)
	if !ok {
		t.Fatalf("no scenario %q", scenario)
	}
	l, err := lab.Start(sc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cfg, err := config.Parse(examples.Config, examples.ConfigName)
	if err != nil {
		t.Fatal(err)
	}
	c := buildCheck(t, probes.Env{Config: cfg, LabDir: l.Dir})
	return runCheck2(t, c), l, c
}

func TestDemoLab(t *testing.T) {
	t.Parallel()
	res, l, c := labCheck(t, "demo")
	got := map[string]string{}
	for _, f := range res.Findings {
		got[f.Title] = f.Severity.String() + " " + string(f.Impact)
	}
	want := map[string]string{
		"New error: stripe webhook rejected":              "high revenue",
		"New error: login failed: user lookup (×2)":       "medium onboarding",
		"New error: health check failed":                  "medium support",
		"New error: in worker: send_welcome_email failed": "medium onboarding",
		"The app writes secrets into its log":             "medium data-exposure",
		// one error for twelve customers, five of whose ids hold no digit: one group
		"New error: payment webhook failed for customer cus_qKcNbXvTrBnMzH: signature mismatch (×12)": "high revenue",
	}
	for title, w := range want {
		if got[title] != w {
			t.Errorf("%q: %q, want %q", title, got[title], w)
		}
	}
	if len(res.Findings) != len(want) {
		t.Errorf("findings %v", got)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"lab-fake-token-4f9c2e", "member@acme.example", "new.member@acme.example"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("%q reached the result", secret)
		}
	}
	for _, kept := range []string{`[REDACTED]@acme.example`, `"token","value":"[REDACTED]"`, "smtplib.SMTPServerDisconnected", "req_81bc02"} {
		if !strings.Contains(string(out), kept) {
			t.Errorf("result lacks %q", kept)
		}
	}
	// The lab's log goes on: errors appended later arrive live.
	if err := l.AppendLog(`{"time":"2026-11-28T02:05:00Z","level":"ERROR","msg":"checkout session expired","request_id":"req_9"}`); err != nil {
		t.Fatal(err)
	}
	snap := waitGroup(t, c, "checkout session expired")
	for _, g := range snap.Groups {
		if g.Title == "checkout session expired" && (g.Backfill || g.LastHour != 1 || g.Impact != probes.Revenue) {
			t.Errorf("a live group: %+v", g)
		}
	}
	if snap.ErrorsPerMin == 0 || snap.NewGroups != 6 {
		t.Errorf("rate %v, new groups %d", snap.ErrorsPerMin, snap.NewGroups)
	}
}

func TestHealthyLab(t *testing.T) {
	t.Parallel()
	res, _, _ := labCheck(t, "healthy")
	if len(res.Findings) != 0 || res.Status == probes.StatusFail {
		t.Fatalf("healthy lab: findings %+v", res.Findings)
	}
	s := res.Data.(Snapshot)
	if s.Sources[0].State != StateFollowing || s.Lines == 0 || s.UnleveledTraces != 1 || s.Levels["warn"] != 1 {
		t.Errorf("healthy snapshot: %+v", s)
	}
}
