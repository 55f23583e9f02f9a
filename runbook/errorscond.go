package runbook

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/errlog"
)

// newGroups is what the errors pane's check offers: the error groups first seen since a
// time. A deploy that starts a new kind of error is the clearest sign to roll back.
type newGroups interface {
	probes.Check
	NewGroupsSince(t time.Time) []errlog.Group
}

// ErrorsKind is `check: {no_new_errors: true}`: no error group first seen since this run
// started. The errors check must be following the logs before the run starts, or errors
// already in the backlog would look new: Engine.Run and Resume prime it.
var ErrorsKind = ConditionKind{
	Name: "no_new_errors",
	Doc:  "no new error group in the app's logs since this run started (the errors pane)",
	Build: func(spec *config.Raw, env Env) (Condition, config.Errors) {
		var on bool
		if errs := spec.Decode(&on); errs != nil {
			return nil, errs
		}
		if !on {
			return nil, config.Errors{spec.Error(spec.Path(), "is false, so the check would test nothing", "write no_new_errors: true, or remove the check")}
		}
		for _, c := range env.Checks {
			if g, ok := c.(newGroups); ok {
				return &errorsCond{check: g}, nil
			}
		}
		return nil, config.Errors{spec.Error(spec.Path(), "launchready.yaml has no errors: section, so there are no logs to watch",
			"add an errors: section with the app's log file or log command (see examples/launchready.yaml)")}
	},
}

type errorsCond struct{ check newGroups }

func (c *errorsCond) Describe() string { return "no new error groups since the run started" }

func (c *errorsCond) Poll(ctx context.Context, run RunInfo) Observation {
	// A run reads its sources' new lines into the groups.
	if _, obs, ok := runOnce(ctx, c.check); !ok {
		return obs
	}
	fresh := c.check.NewGroupsSince(run.Started)
	if len(fresh) == 0 {
		return Observation{OK: true, Summary: "no new error groups since " + run.Started.Format("15:04:05")}
	}
	titles := make([]string, 0, 3)
	for _, g := range fresh[:min(3, len(fresh))] {
		titles = append(titles, fmt.Sprintf("%s (×%d)", g.Title, g.Count))
	}
	more := ""
	if len(fresh) > 3 {
		more = fmt.Sprintf(" and %d more", len(fresh)-3)
	}
	return Observation{Summary: fmt.Sprintf("%d new error group(s) since %s: %s%s", len(fresh), run.Started.Format("15:04:05"), strings.Join(titles, "; "), more)}
}

// primeErrors starts the errors check's sources (by running it once) before a run, so
// what the logs already hold counts as old. Engine.Run and Resume call it, so every
// driver (the CLI, the console) gets it.
func primeErrors(ctx context.Context, checks []probes.Check) {
	for _, c := range checks {
		if g, ok := c.(newGroups); ok {
			runOnce(ctx, g)
		}
	}
}

// SmokeKind is `check: {smoke: true}`: the post-deploy smoke flow (endpoints.smoke in
// launchready.yaml) passes, every step of it, as `launchready smoke` would say.
var SmokeKind = ConditionKind{
	Name: "smoke",
	Doc:  "the smoke flow (endpoints.smoke) passes, as `launchready smoke` would say",
	Build: func(spec *config.Raw, env Env) (Condition, config.Errors) {
		var on bool
		if errs := spec.Decode(&on); errs != nil {
			return nil, errs
		}
		if !on {
			return nil, config.Errors{spec.Error(spec.Path(), "is false, so the check would test nothing", "write smoke: true, or remove the check")}
		}
		for _, c := range env.Checks {
			if c.Info().Kind == "smoke" {
				return &smokeCond{endpointCond{check: c}}, nil
			}
		}
		return nil, config.Errors{spec.Error(spec.Path(), "launchready.yaml has no endpoints.smoke flow",
			"add endpoints.smoke naming the homepage, session, member area, password reset, webhook and admin checks")}
	},
}

type smokeCond struct{ endpointCond }

func (c *smokeCond) Describe() string { return "the smoke flow passes" }
