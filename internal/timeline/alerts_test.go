package timeline

import (
	"testing"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/store"
)

// TestAlertEvents: an alert's edges read as one line each, a silenced one naming its
// window; "before this" ranks another check's alert on the same host and leaves out the
// failing check's own alert (it is the failure, not a cause).
func TestAlertEvents(t *testing.T) {
	t.Parallel()
	a := alert.Alert{Check: "endpoint api health", Target: "https://app.acme.example/health", Title: "API answers 503"}
	fired := AlertEvent(alert.Change{Kind: alert.ChangeFired, At: t0, Alert: a})
	if fired.Summary != "alert fired: API answers 503 (endpoint api health)" || fired.Kind != KindAlertFired || fired.Pane != PaneAlerts {
		t.Errorf("fired = %+v", fired)
	}
	sil := AlertEvent(alert.Change{Kind: alert.ChangeSilenced, At: t0, Alert: a,
		Window: alert.Span{Reason: "deploy v42", By: "runbook deploy (sam@ops-1)"}})
	if want := "alert silenced by maintenance: API answers 503 (endpoint api health); window: deploy v42, opened by runbook deploy (sam@ops-1)"; sil.Summary != want {
		t.Errorf("silenced says %q\nwant %q", sil.Summary, want)
	}
	if r := AlertEvent(alert.Change{Kind: alert.ChangeResolved, At: t0, Alert: a}); r.Kind != KindAlertResolved {
		t.Errorf("resolved = %+v", r)
	}

	other := alert.Alert{Check: "tls app.acme.example", Target: "app.acme.example:443", Title: "certificate expired"}
	evs := []store.Event{
		AlertEvent(alert.Change{Kind: alert.ChangeFired, At: t0.Add(-time.Minute), Alert: other}),
		AlertEvent(alert.Change{Kind: alert.ChangeFired, At: t0.Add(-30 * time.Second), Alert: a}),
	}
	ranked, _ := Before(evs, Failure{Time: t0, Pane: "endpoints", Check: a.Check, Target: a.Target}, 0)
	if len(ranked) != 1 || ranked[0].Check != other.Check || ranked[0].Why[0] != "same host" {
		t.Fatalf("before this ranked %+v, want only the other check's alert, same host", ranked)
	}
}
