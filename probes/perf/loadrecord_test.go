package perf

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/load"
	"github.com/launchready/launchready/probes"
)

// TestLoadRecordCheck: the last load runs read from the state folder: nothing recorded
// names the command; a recent run that did not hold is a finding naming the flow and what
// failed; an old one is only in the summary and its age.
func TestLoadRecordCheck(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	c := &loadRecordCheck{info: probes.CheckInfo{Name: "load record", Kind: "perf-load"}, path: filepath.Join(t.TempDir(), load.RecordFile),
		now: func() time.Time { return now }}

	res := c.Run(context.Background())
	if res.Err != "" || res.Metrics["load_recorded"] != 0 || !strings.Contains(res.Summary, LoadCommand) {
		t.Fatalf("nothing recorded: %+v", res)
	}

	run := func(at time.Time, signupHeld bool) {
		t.Helper()
		rep := load.Report{Started: at, Flows: []load.FlowReport{
			{Name: "login", Role: load.RoleLogin, Target: 20, Held: true},
			{Name: "signup", Role: load.RoleSignup, Target: 20, Held: signupHeld},
		}}
		if !signupHeld {
			rep.Flows[1].Why = "errors 23.5% over the 5% threshold, failing at 4s (18/s)"
		}
		if err := load.SaveRun(c.path, "acme.example", "staging", rep); err != nil {
			t.Fatal(err)
		}
	}
	run(now.Add(-2*time.Hour), false)
	res = c.Run(context.Background())
	if res.Metrics["load_login_held"] != 1 || res.Metrics["load_signup_held"] != 0 || res.Metrics["load_signup_age_h"] != 2 {
		t.Errorf("metrics %v", res.Metrics)
	}
	if len(res.Findings) != 1 || res.Findings[0].ID != "perf.load-not-held" || res.Findings[0].Target != "signup" ||
		!strings.Contains(res.Findings[0].Observed, "failing at 4s (18/s)") {
		t.Fatalf("findings %+v; want signup not held, saying why", res.Findings)
	}

	run(now.Add(-8*24*time.Hour), false)
	res = c.Run(context.Background())
	if len(res.Findings) != 0 || res.Metrics["load_signup_age_h"] != 8*24 || !strings.Contains(res.Summary, "signup did not hold 20/s") {
		t.Errorf("an 8-day-old run: %+v; want no finding, its age and the summary", res)
	}

	run(now.Add(-time.Hour), true)
	res = c.Run(context.Background())
	if len(res.Findings) != 0 || res.Metrics["load_signup_held"] != 1 || !strings.Contains(res.Summary, "login held 20/s") {
		t.Errorf("both held: %+v", res)
	}
}
