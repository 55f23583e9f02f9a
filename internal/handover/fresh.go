package handover

import (
	"os"
	"time"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/runbook"
)

// ConfigHash is the digest of the config text cfg was read from (the embedded example
// under --lab without --config), "" when that text cannot be read. `handover` records it,
// and `handover --check` and the launch bar's handover check compare against it: one
// function, so the three can never disagree on whether the config changed.
func ConfigHash(cfg *config.Config) string {
	if b, err := os.ReadFile(cfg.File); err == nil {
		return Hash(b)
	}
	if cfg.File == examples.ConfigName {
		return Hash(examples.Config)
	}
	return ""
}

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
