package perf

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/load"
	"github.com/launchready/launchready/probes"
)

// LoadFresh is how long a load run vouches for the login and sign-up: a week, about the
// life of a launch week's code. An older run says "not checked", not "met".
const LoadFresh = 7 * 24 * time.Hour

// LoadCommand is what to run when no recent run is recorded.
const LoadCommand = "launchready load login signup"

// loadRecordCheck is "load record" (kind perf-load): the last `launchready load` run of
// the sign-in and sign-up flows, read from the state folder. The console cannot put the
// product under load every minute, but it can say whether the last run held, and when.
//
// Metrics: load_recorded (1/0); per role (login, signup) that has a run:
// load_ROLE_held (1/0) and load_ROLE_age_h (hours since that run).
type loadRecordCheck struct {
	info probes.CheckInfo
	path string
	now  func() time.Time
}

func newLoadRecordCheck(env probes.Env) probes.Check {
	now := env.Now
	if now == nil {
		now = time.Now
	}
	return &loadRecordCheck{
		info: probes.CheckInfo{Name: "load record", Kind: "perf-load", Pane: probes.PanePerformance, Target: LoadCommand,
			Interval: time.Minute, Timeout: 5 * time.Second},
		path: load.RecordPath(env.StateDir, env.Config.Environment == config.Lab),
		now:  now,
	}
}

func (c *loadRecordCheck) Info() probes.CheckInfo { return c.info }

func (c *loadRecordCheck) Run(context.Context) probes.Result {
	rec, ok, err := load.ReadRecord(c.path)
	if err != nil {
		return probes.Result{Err: err.Error()}
	}
	res := probes.Result{Metrics: map[string]float64{"load_recorded": 0}}
	if !ok {
		res.Summary = "no load run recorded: run `" + LoadCommand + "` against staging"
		return res
	}
	res.Metrics["load_recorded"] = 1
	var parts []string
	for _, role := range []string{load.RoleLogin, load.RoleSignup} {
		f, ok := rec.Last(role)
		if !ok {
			parts = append(parts, "no "+role+" run")
			continue
		}
		age := c.now().Sub(f.When)
		res.Metrics["load_"+role+"_held"] = b2f(f.Held)
		res.Metrics["load_"+role+"_age_h"] = age.Hours()
		when := f.When.Format("Jan 2 15:04")
		switch {
		case f.Held:
			parts = append(parts, fmt.Sprintf("%s held %.0f/s (%s)", f.Name, f.Target, when))
		default:
			parts = append(parts, fmt.Sprintf("%s did not hold %.0f/s (%s)", f.Name, f.Target, when))
		}
		if f.Held || age > LoadFresh {
			continue // an old failure is stale evidence: the summary says it, the risk list does not
		}
		res.Findings = append(res.Findings, probes.Finding{ID: "perf.load-not-held", Pane: probes.PanePerformance,
			Check: c.info.Name, Target: f.Name, Severity: probes.High, Impact: probes.Onboarding,
			Title:    fmt.Sprintf("%s flow did not hold %.0f/s under load", f.Name, f.Target),
			Detail:   "A launch-day spike at this rate turns into slow or failed " + role + "s: members who cannot get in, sign-ups lost.",
			Observed: fmt.Sprintf("%s (run of %s on %s, %s)", f.Why, when, f.Domain, f.Environment),
			Expected: fmt.Sprintf("errors within the threshold and p95 within the budget at %.0f/s", f.Target),
			Fix:      "find what gives at the knee (database pool, a synchronous e-mail, a missing index), fix it, and run `launchready load " + f.Name + "` again"})
	}
	res.Summary = "last load runs: " + strings.Join(parts, "; ")
	return res
}
