package alert

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/launchready/launchready/internal/atomicfile"
)

// TestsFile records the last `launchready alert test` of each channel in the state folder:
// a channel nobody has tested is a channel nobody knows reaches anyone, and the handover
// pack says when each was last proven.
const TestsFile = "alert-tests.json"

// TestResult is one channel's last test.
type TestResult struct {
	Channel string    `json:"channel"`
	Kind    string    `json:"kind"`
	Time    time.Time `json:"time"`
	OK      bool      `json:"ok"`
	Error   string    `json:"error,omitempty"` // redacted by the caller
}

// ReadTests returns the last test of each channel, by name; empty when none was recorded.
func ReadTests(stateDir string) (map[string]TestResult, error) {
	out := map[string]TestResult{}
	b, err := os.ReadFile(filepath.Join(stateDir, TestsFile))
	switch {
	case os.IsNotExist(err):
		return out, nil
	case err != nil:
		return out, fmt.Errorf("cannot read the alert test record: %v", err)
	case len(b) > 1<<20:
		return out, fmt.Errorf("%s is %d bytes, far more than it ever holds; move it aside", TestsFile, len(b))
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return map[string]TestResult{}, fmt.Errorf("%s is not valid JSON (%v); move it aside, the next alert test writes a new one", TestsFile, err)
	}
	return out, nil
}

// SaveTests merges results into the record, atomically.
func SaveTests(stateDir string, results ...TestResult) error {
	all, _ := ReadTests(stateDir)
	for _, r := range results {
		all[r.Channel] = r
	}
	b, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(stateDir, TestsFile), 0o600, append(b, '\n'))
}
