// Package handoverrec is the handover pack's freshness record (handover.json): what the
// pack was made from, and whether it is still current. It is a foundation package (config
// and the embedded example only) so that the launch bar's handover check in probes/ can
// read the record without importing the pack's builder, which stands on runbook and the
// rest of the app's wiring.
package handoverrec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
)

// File names of the record: in the pack's folder, and its copy in the state folder, which
// is how the launch bar's handover check finds the pack wherever -o put it.
const (
	RecordFile  = "handover.json"
	StateRecord = "handover.json"
)

// Freshness is what the pack was made from, for `handover --check` and the launch bar.
type Freshness struct {
	Schema     string    `json:"schema"`
	ConfigFile string    `json:"config_file"`
	ConfigHash string    `json:"config_hash"`
	Swept      time.Time `json:"swept"`
	Generated  time.Time `json:"generated"`
	// LastRun is the newest runbook run the pack saw (its id), and when it started.
	LastRun   string    `json:"last_run,omitempty"`
	LastRunAt time.Time `json:"last_run_at,omitzero"`
	Unowned   []string  `json:"unowned"`
	Dir       string    `json:"dir"`
}

// Hash is the config file's digest, as the pack records it.
func Hash(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

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

// ReadRecord reads a freshness record (a pack's handover.json, or the state folder's copy).
func ReadRecord(path string) (Freshness, error) {
	var f Freshness
	b, err := os.ReadFile(path)
	if err != nil {
		return f, err
	}
	if len(b) > 1<<20 {
		return f, fmt.Errorf("%s is %d bytes, far more than a handover record holds", path, len(b))
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("%s is not a handover record (%v); write the pack again with launchready handover -o DIR", path, err)
	}
	return f, nil
}

// Stale says why a pack is out of date against the config's current hash and the newest
// runbook run, "" when it is current. Unowned systems are said separately (Unowned).
func (f Freshness) Stale(configHash string, lastRun string, lastRunAt time.Time) string {
	switch {
	case f.ConfigHash != configHash:
		return "the config changed after the pack was written (" + short(f.ConfigHash) + " then, " + short(configHash) + " now)"
	case lastRun != "" && lastRun != f.LastRun && lastRunAt.After(f.LastRunAt):
		return fmt.Sprintf("runbook run %s (%s) happened after the pack was written", lastRun, stamp(lastRunAt))
	}
	return ""
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func short(h string) string {
	switch {
	case len(h) > 12:
		return h[:12]
	case h == "":
		return "-"
	}
	return h
}
