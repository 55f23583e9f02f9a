package handover

import (
	"github.com/launchready/launchready/internal/handoverrec"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/runbook"
)

// ConfigHash is the digest of the config text cfg was read from: handoverrec.ConfigHash.
func ConfigHash(cfg *config.Config) string { return handoverrec.ConfigHash(cfg) }

// LastRun is the newest runbook run in the state folder (its id and start), "" when
// there is none or no state folder: what a pack must have seen to be current.
func LastRun(stateDir string) (string, time.Time) {
	if stateDir == "" {
		return "", time.Time{}
	}
	runs, _ := runbook.NewStore(stateDir).ListRuns()
	if len(runs) == 0 {
		return "", time.Time{}
	}
	return runs[0].ID, runs[0].Started
}
