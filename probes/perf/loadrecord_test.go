package perf

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/load"
	"github.com/launchready/launchready/internal/store"
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

// TestLoadRecordAgainstTheLastDeploy: a run that held is stale once the deploy (LastDeploy)
// ran after it: the metric says so and the summary names the run; a run after the deploy
// is not.
func TestLoadRecordAgainstTheLastDeploy(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	deployed := now.Add(-3 * time.Hour)
	c := &loadRecordCheck{info: probes.CheckInfo{Name: "load record", Kind: "perf-load"}, path: filepath.Join(t.TempDir(), load.RecordFile),
		now: func() time.Time { return now }, reported: map[string]time.Time{},
		lastDeploy: func() (string, time.Time) { return "2026-12-01T06-00-00-deploy", deployed }}
	for _, tc := range []struct {
		name   string
		at     time.Time
		before float64
	}{{"before the deploy", deployed.Add(-time.Minute), 1}, {"after the deploy", deployed.Add(time.Minute), 0}} {
		rep := load.Report{Started: tc.at, Flows: []load.FlowReport{{Name: "login", Role: load.RoleLogin, Target: 20, Held: true}}}
		if err := load.SaveRun(c.path, "acme.example", "staging", rep); err != nil {
			t.Fatal(err)
		}
		res := c.Run(context.Background())
		m, ok := res.Metrics["load_login_before_deploy"]
		if !ok || m != tc.before {
			t.Errorf("%s: load_login_before_deploy %v (set %v), want %v", tc.name, m, ok, tc.before)
		}
		if said := strings.Contains(res.Summary, "before the last deploy (runbook run 2026-12-01T06-00-00-deploy)"); said != (tc.before == 1) {
			t.Errorf("%s: summary %q", tc.name, res.Summary)
		}
	}
}

// TestLoadFiguresReachTheHistory: a newly recorded run's figures per role go into the
// check's result once and the history (store.Kept) keeps them; the next minute's result
// does not repeat them, so the history holds one point per run.
func TestLoadFiguresReachTheHistory(t *testing.T) {
	t.Parallel()
	now := time.Now()
	c := &loadRecordCheck{info: probes.CheckInfo{Name: "load record", Kind: "perf-load", Pane: probes.PanePerformance},
		path: filepath.Join(t.TempDir(), load.RecordFile), now: func() time.Time { return now }, reported: map[string]time.Time{}}
	st, err := store.Open(filepath.Join(t.TempDir(), "history.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sweep := func(at time.Time) probes.Result {
		res := c.Run(context.Background())
		res.Check, res.Kind, res.Pane, res.Started = c.info.Name, c.info.Kind, c.info.Pane, at
		if err := st.Write(res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	rep := load.Report{Started: now.Add(-10 * time.Minute), Flows: []load.FlowReport{
		{Name: "login", Role: load.RoleLogin, Target: 20, Rate: 19.8, Held: true, P95: 82500 * time.Microsecond, ErrorRate: 0.002},
		{Name: "signup", Role: load.RoleSignup, Target: 20, Rate: 20, Held: false, P95: 900 * time.Millisecond, ErrorRate: 0.25},
	}}
	if err := load.SaveRun(c.path, "acme.example", "staging", rep); err != nil {
		t.Fatal(err)
	}
	first := sweep(now.Add(-3 * time.Minute))
	if first.Metrics["load_login_p95_ms"] != 82.5 || first.Metrics["load_signup_error_pct"] != 25 || first.Metrics["load_login_rate"] != 19.8 {
		t.Fatalf("first result after the run: %v", first.Metrics)
	}
	if again := sweep(now.Add(-2 * time.Minute)); again.Metrics["load_login_p95_ms"] != 0 {
		t.Errorf("the same run's figures reported again: %v", again.Metrics)
	}
	for name, want := range map[string]float64{"load_login_p95_ms": 82.5, "load_login_error_pct": 0.2, "load_signup_p95_ms": 900, "load_signup_rate": 20} {
		w, err := st.Metric("load record", name, now.Add(-time.Hour), now)
		if err != nil || w.Count != 1 || w.Latest < want-1e-9 || w.Latest > want+1e-9 {
			t.Errorf("history of %s: %+v, %v; want one point of %g", name, w, err, want)
		}
	}
	// A later run is a new point.
	rep.Started = now.Add(-time.Minute)
	rep.Flows[0].P95 = 95 * time.Millisecond
	if err := load.SaveRun(c.path, "acme.example", "staging", rep); err != nil {
		t.Fatal(err)
	}
	sweep(now.Add(-30 * time.Second))
	if w, _ := st.Metric("load record", "load_login_p95_ms", now.Add(-time.Hour), now); w.Count != 2 || w.Latest != 95 {
		t.Errorf("after a second run: %+v, want two points, the latest 95", w)
	}
}
