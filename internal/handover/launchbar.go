package handover

import (
	"github.com/launchready/launchready/internal/launchbar"
	"github.com/launchready/launchready/runbook"
)

// launchBar judges the roadmap's launch bar from the pack's sweep by the console's own
// rules (internal/launchbar) and returns the items nobody could check, with why: the
// known limitations a new owner must not mistake for "met". The handover item is left
// out: the pack being written is what it judges. ok is false when the sweep's results
// were not given (the bar cannot be judged at all).
func launchBar(in Input) (unchecked []launchbar.Item, ok bool) {
	if in.Results == nil {
		return nil, false
	}
	roles := map[string]string{}
	for _, h := range in.Config.Hosts {
		roles[h.Name] = h.Role
	}
	bar := launchbar.Input{Checks: in.Checks, Results: in.Results, Findings: in.Report.Findings,
		Interval: in.Config.Checks.Interval, LastSweep: in.Report.Started, HostRoles: roles,
		SecretRefs: len(in.Config.SecretRefs()), Runbooks: runbooksForBar(in)}
	for _, it := range launchbar.Evaluate(bar) {
		if it.State == launchbar.Unchecked && it.Name != launchbar.Handover {
			unchecked = append(unchecked, it)
		}
	}
	return unchecked, true
}

// runbooksForBar is the runbooks folder as the console's Runbooks pane summarises it: the
// last finished run of each runbook (runs are newest first).
func runbooksForBar(in Input) *launchbar.Runbooks {
	if in.RunbooksErr != "" {
		return &launchbar.Runbooks{Off: "the runbooks could not be read: " + in.RunbooksErr}
	}
	rs := &launchbar.Runbooks{Loaded: true, Last: map[string]runbook.RunSummary{}}
	for _, rb := range in.Runbooks {
		rs.Names = append(rs.Names, rb.Name)
	}
	for _, r := range in.Runs {
		if _, seen := rs.Last[r.Runbook]; !seen && r.Status != runbook.StatusUnfinished {
			rs.Last[r.Runbook] = r
		}
	}
	return rs
}
