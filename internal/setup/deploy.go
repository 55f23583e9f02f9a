package setup

import (
	"time"

	"github.com/launchready/launchready/runbook"
)

// lastDeploy is the newest successful run of the deploy runbook (probes.Env.LastDeploy):
// the runbook the launch bar's "Deployment repeatable" item calls the deploy
// (runbook.DeployName over the runbooks folder), and of its runs the newest that
// succeeded. "" when there is no deploy runbook or it never succeeded. The folder and the
// transcripts are read on each call, as handover.LastRun reads them: a deploy made from
// another terminal counts from the next check on.
func lastDeploy(runbooksDir, stateDir string) (string, time.Time) {
	name := runbook.DeployName(runbook.Names(runbooksDir))
	if name == "" {
		return "", time.Time{}
	}
	runs, _ := runbook.NewStore(stateDir).ListRuns()
	r, ok := runbook.LastSucceeded(runs, name)
	if !ok {
		return "", time.Time{}
	}
	return r.ID, r.Started
}
