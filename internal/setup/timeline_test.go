package setup

import (
	"testing"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/internal/timeline"
)

// TestAlertChangesReachTheTimeline: what watch and serve hand the engine as OnChange stores
// the alert's edge in the history's events, where `launchready timeline` reads it.
func TestAlertChangesReachTheTimeline(t *testing.T) {
	t.Parallel()
	s := session(t, t.TempDir())
	at := time.Now().Add(-time.Minute).Truncate(time.Microsecond)
	s.RecordAlertChange(alert.Change{Kind: alert.ChangeFired, At: at,
		Alert: alert.Alert{Check: "http app.acme.example", Target: "https://app.acme.example/", Title: "API answers 503"}})
	evs, err := s.Timeline("").List(store.EventQuery{Panes: []string{timeline.PaneAlerts}})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Kind != timeline.KindAlertFired || !evs[0].Time.Equal(at) ||
		evs[0].Summary != "alert fired: API answers 503 (http app.acme.example)" {
		t.Fatalf("timeline after an alert fired: %+v", evs)
	}
}

// TestLatencyStepFactorReachesTheDetector: history.latency_step_factor (default 2) is what
// the history's detector measures latency steps by.
func TestLatencyStepFactorReachesTheDetector(t *testing.T) {
	t.Parallel()
	s := session(t, t.TempDir())
	d, ok := s.historyOptions().Detect.(*timeline.Detector)
	if !ok || d.LatencyFactor != 2 {
		t.Fatalf("detector %+v, want the config's default factor 2", s.historyOptions().Detect)
	}
	s.Config.History.LatencyStepFactor = 1.5
	if d := s.historyOptions().Detect.(*timeline.Detector); d.LatencyFactor != 1.5 {
		t.Errorf("detector factor %g, want the config's 1.5", d.LatencyFactor)
	}
}
