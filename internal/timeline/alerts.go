package timeline

import (
	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/store"
)

// Alert event kinds: an alert fired, was silenced by a maintenance window, or resolved.
const (
	KindAlertFired    = "alerts.fired"
	KindAlertSilenced = "alerts.silenced"
	KindAlertResolved = "alerts.resolved"
)

// PaneAlerts is the pane of alert events: the alert engine's, not the check's, so the pane
// filter can show what people were told apart from what the checks saw.
const PaneAlerts = "alerts"

// AlertEvent is the timeline's line for an alert's edge: "alert fired: API answers 503
// (http api.acme.example)", or silenced naming the window and who opened it.
func AlertEvent(c alert.Change) store.Event {
	a := c.Alert
	e := store.Event{Time: c.At, Pane: PaneAlerts, Check: a.Check, Target: a.Target, Link: "check:" + a.Check}
	what := a.Title + " (" + a.Check + ")"
	switch c.Kind {
	case alert.ChangeFired:
		e.Kind, e.Summary = KindAlertFired, "alert fired: "+what
	case alert.ChangeResolved:
		e.Kind, e.Summary = KindAlertResolved, "alert resolved: "+what
	default:
		e.Kind, e.Summary = KindAlertSilenced, "alert silenced by maintenance: "+what
		if c.Window.Reason != "" {
			e.Summary += "; window: " + c.Window.Reason
		}
		if c.Window.By != "" {
			e.Summary += ", opened by " + c.Window.By
		}
	}
	return e
}

// isAlert says whether an event is an alert's edge.
func isAlert(e store.Event) bool { return e.Pane == PaneAlerts }
