package runbook

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

// EndpointKind waits for one of the session's checks (launchready.yaml) to be healthy:
//
//	check:
//	  endpoint: http api.acme.example   # a check's name, as `launchready check -v` lists it
//	  times: 3                          # healthy 3 looks in a row
//
// Healthy means the check ran and found nothing high or critical; it is the same check,
// with the same probe and network, that the Endpoints pane and `launchready check` run.
var EndpointKind = ConditionKind{
	Name: "endpoint",
	Doc:  "a check from launchready.yaml is healthy (ran, nothing high or critical)",
	Build: func(spec *config.Raw, env Env) (Condition, config.Errors) {
		var name string
		if errs := spec.Decode(&name); errs != nil {
			return nil, errs
		}
		name = strings.TrimSpace(name)
		var names []string
		for _, c := range env.Checks {
			n := c.Info().Name
			if n == name {
				return &endpointCond{check: c}, nil
			}
			names = append(names, n)
		}
		return nil, config.Errors{spec.Error(spec.Path(), fmt.Sprintf("%q is not a check in launchready.yaml", name), checkNameFix(name, names))}
	},
}

func checkNameFix(name string, names []string) string {
	if len(names) == 0 {
		return "launchready.yaml defines no checks; add the host or endpoint to it first"
	}
	slices.Sort(names)
	if c := config.Closest(name, names); c != "" {
		return fmt.Sprintf("did you mean %q?", c)
	}
	for _, n := range names {
		if strings.HasSuffix(n, " "+name) || strings.Contains(n, name) && name != "" {
			return fmt.Sprintf("did you mean %q?", n)
		}
	}
	if len(names) > 12 {
		names = append(names[:12], "...")
	}
	return "use one of: " + strings.Join(names, ", ")
}

type endpointCond struct{ check probes.Check }

func (c *endpointCond) Describe() string { return c.check.Info().Name + " is healthy" }

// endpointGrace is how long past its deadline a probe may take before the look is
// abandoned, as the runner does, so a hung probe cannot hang a runbook.
const endpointGrace = 2 * time.Second

func (c *endpointCond) Poll(ctx context.Context, _ RunInfo) Observation {
	res, obs, ok := runOnce(ctx, c.check)
	if !ok {
		return obs
	}
	if res.Err != "" {
		return Observation{Err: res.Err, Summary: res.Err}
	}
	st := probes.StatusFor(res.Findings)
	sum := res.Summary
	if st == probes.StatusFail {
		for _, f := range res.Findings {
			if f.Severity >= probes.High {
				sum = f.Title + " · " + sum
				break
			}
		}
	}
	return Observation{OK: st != probes.StatusFail, Summary: strings.Trim(sum, " ·")}
}

// runOnce runs a check once under its timeout, recovering a panic and abandoning a probe
// that outlives its deadline, as the runner does, so a broken probe cannot hang a runbook.
// ok is false when the check could not run; obs then says why.
func runOnce(ctx context.Context, check probes.Check) (res probes.Result, obs Observation, ok bool) {
	info := check.Info()
	timeout := info.Timeout
	if timeout <= 0 {
		timeout = config.DefaultTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan probes.Result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- probes.Result{Err: fmt.Sprintf("the %s probe crashed (%v); this is a bug in launchready", info.Kind, p)}
			}
		}()
		done <- check.Run(cctx)
	}()
	select {
	case res = <-done:
	case <-time.After(timeout + endpointGrace):
		return res, Observation{Err: fmt.Sprintf("the %s probe did not return within %s", info.Kind, timeout)}, false
	}
	if res.Err != "" {
		return res, Observation{Err: res.Err, Summary: res.Err}, false
	}
	return res, Observation{}, true
}
