package perf

import (
	"context"
	"fmt"
	"strings"
	"sync"
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
// load_ROLE_held (1/0), load_ROLE_age_h (hours since that run) and
// load_ROLE_before_deploy (1 when the deploy runbook succeeded after it: it tested other
// code).
//
// The run's figures (load_ROLE_p95_ms, load_ROLE_error_pct, load_ROLE_rate: what was
// sent per second) are on store.Kept, so the history keeps them; they are reported once
// per run, in the first result after the run is recorded, not every minute: the history
// then holds one point per run and a series of them reads as a series of runs. A restart
// of watch reports the last run once more (the check cannot read the history to know it
// is there already): one duplicate point per restart, with the same values.
type loadRecordCheck struct {
	info probes.CheckInfo
	path string
	now  func() time.Time
	// lastDeploy is the newest successful run of the deploy runbook (probes.Env): a load
	// run older than it tested what was served before it. Not any runbook run: a rotation,
	// or a deploy that failed or was rolled back, leaves the same code served.
	lastDeploy func() (string, time.Time)
	mu         sync.Mutex
	reported   map[string]time.Time // per role, the run whose figures went out
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
		now:  now, lastDeploy: env.LastDeploy,
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
	var deployID string
	var deployed time.Time
	if c.lastDeploy != nil {
		deployID, deployed = c.lastDeploy()
	}
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
		before := deployID != "" && f.When.Before(deployed)
		res.Metrics["load_"+role+"_before_deploy"] = b2f(before)
		c.figures(res.Metrics, role, f, age)
		when := f.When.Format("Jan 2 15:04")
		switch {
		case f.Held:
			parts = append(parts, fmt.Sprintf("%s held %.0f/s (%s)", f.Name, f.Target, when))
		default:
			parts = append(parts, fmt.Sprintf("%s did not hold %.0f/s (%s)", f.Name, f.Target, when))
		}
		if before {
			parts[len(parts)-1] += fmt.Sprintf(", before the last deploy (runbook run %s)", deployID)
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

// figures adds a run's figures to the result the first time this check sees the run, if
// it is recent enough to vouch for anything (see the type's doc for why only once).
func (c *loadRecordCheck) figures(m map[string]float64, role string, f load.FlowRecord, age time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if age > LoadFresh || !f.When.After(c.reported[role]) {
		return
	}
	if c.reported == nil {
		c.reported = map[string]time.Time{}
	}
	c.reported[role] = f.When
	p := "load_" + role + "_"
	m[p+"p95_ms"] = float64(f.P95.Microseconds()) / 1000
	m[p+"error_pct"] = f.ErrorRate * 100
	m[p+"rate"] = f.Rate
}
