package alert

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// TestMaintenanceSeesAWindowCreatedInTheSameTick: a second window file created in the same
// timestamp tick as the folder's last listing leaves the folder's mtime unchanged; the
// listing must not be trusted for it (two `load` runs starting together each open one).
func TestMaintenanceSeesAWindowCreatedInTheSameTick(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	now := time.Now()
	span := func(check string) Span {
		return Span{Checks: []string{check}, From: now.Add(-time.Minute), Until: now.Add(time.Hour), Reason: "load"}
	}
	if _, err := StartMaintenance(state, "load-1", span("api")); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(state, MaintenanceDir)
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMaintenance(nil, state, func(string, error) {})
	if !m.Active("api", probes.PaneEndpoints, now) {
		t.Fatal("the first window is not seen")
	}
	if _, err := StartMaintenance(state, "load-2", span("app")); err != nil {
		t.Fatal(err)
	}
	// The same tick: the folder's mtime as it was when it was listed.
	if err := os.Chtimes(dir, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	if !m.Active("app", probes.PaneEndpoints, now) {
		t.Error("a window created in the folder's last timestamp tick is not seen")
	}
}
