package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// TestLaunchBarLoginSignupItem: "Login and signup tested" is met only by a recent load run
// in which both flows held; a run that did not hold, or a login/smoke finding, makes it not
// met, naming what failed; no run, a run of one flow or an old run leave it not checked,
// naming the command. A smoke check alone never meets it, nor a run older than the last
// deploy (a runbook run): it tested code no longer served.
func TestLaunchBarLoginSignupItem(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }
	infos := []probes.CheckInfo{
		{Name: "load record", Kind: "perf-load", Pane: probes.PanePerformance},
		{Name: "smoke", Kind: "smoke", Pane: probes.PaneEndpoints},
	}
	item := func(rs ...probes.Result) barItem {
		b := newBoard(infos, time.Minute, now, NewMemHistory(8), nil)
		for _, r := range rs {
			r.Started = now()
			b.apply(r)
		}
		sh := &shared{board: b, hosts: map[string]string{}}
		for _, it := range launchBar(sh) {
			if it.name == "Login and signup tested" {
				return it
			}
		}
		t.Fatal("no login and signup item")
		return barItem{}
	}
	rec := func(summary string, metrics map[string]float64, fs ...probes.Finding) probes.Result {
		return probes.Result{Check: "load record", Kind: "perf-load", Pane: probes.PanePerformance, Summary: summary, Metrics: metrics, Findings: fs}
	}
	smoke := probes.Result{Check: "smoke", Kind: "smoke", Pane: probes.PaneEndpoints, Summary: "6 steps passed"}
	held := rec("last load runs: login held 20/s (Dec 1 07:00); signup held 20/s (Dec 1 07:00)",
		map[string]float64{"load_recorded": 1, "load_login_held": 1, "load_login_age_h": 2, "load_signup_held": 1, "load_signup_age_h": 2})
	old := rec("", map[string]float64{"load_recorded": 1, "load_login_held": 1, "load_login_age_h": 200, "load_signup_held": 1, "load_signup_age_h": 2})
	beforeDeploy := rec("", map[string]float64{"load_recorded": 1, "load_login_held": 1, "load_login_age_h": 2, "load_login_before_deploy": 1,
		"load_signup_held": 1, "load_signup_age_h": 2, "load_signup_before_deploy": 1})
	afterDeploy := held
	afterDeploy.Metrics = map[string]float64{"load_recorded": 1, "load_login_held": 1, "load_login_age_h": 2, "load_login_before_deploy": 0,
		"load_signup_held": 1, "load_signup_age_h": 2, "load_signup_before_deploy": 0}
	loginOnly := rec("", map[string]float64{"load_recorded": 1, "load_login_held": 1, "load_login_age_h": 2})
	failed := rec("", map[string]float64{"load_recorded": 1, "load_login_held": 1, "load_login_age_h": 2, "load_signup_held": 0, "load_signup_age_h": 2},
		probes.Finding{ID: "perf.load-not-held", Pane: probes.PanePerformance, Severity: probes.High, Target: "signup",
			Title: "signup flow did not hold 20/s under load"})
	smokeFailed := smoke
	smokeFailed.Findings = []probes.Finding{{ID: "smoke.step-failed", Pane: probes.PaneEndpoints, Severity: probes.High,
		Target: "https://app.acme.example/login", Title: "Smoke flow stopped at step 2: sign-in"}}

	for _, tc := range []struct {
		name  string
		rs    []probes.Result
		state barState
		why   string
	}{
		{"nothing ran", nil, barUnchecked, "launchready load login signup"},
		{"a smoke test alone", []probes.Result{smoke}, barUnchecked, "launchready load login signup"},
		{"no run recorded", []probes.Result{smoke, rec("", map[string]float64{"load_recorded": 0})}, barUnchecked, "no load run recorded: run `launchready load login signup`"},
		{"login only", []probes.Result{smoke, loginOnly}, barUnchecked, "no load run of the signup flow"},
		{"a run 8 days old", []probes.Result{smoke, old}, barUnchecked, "the last login load run is 8 days old"},
		{"signup did not hold", []probes.Result{smoke, failed}, barNotMet, "signup: signup flow did not hold 20/s under load"},
		{"held, smoke failing", []probes.Result{smokeFailed, held}, barNotMet, "Smoke flow stopped at step 2"},
		{"held", []probes.Result{smoke, held}, barMet, "login held 20/s (Dec 1 07:00); signup held 20/s"},
		{"held, before the last deploy", []probes.Result{smoke, beforeDeploy}, barNotMet, "login load-tested before the last deploy: run `launchready load login signup` again"},
		{"held, after the last deploy", []probes.Result{smoke, afterDeploy}, barMet, "login held 20/s"},
	} {
		it := item(tc.rs...)
		if it.state != tc.state || !strings.Contains(it.why, tc.why) {
			t.Errorf("%s: %s %q; want %s with %q", tc.name, barWord[it.state], it.why, barWord[tc.state], tc.why)
		}
	}
}
