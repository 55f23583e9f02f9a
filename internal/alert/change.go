package alert

import "time"

// ChangeKind names an alert's edge as the incident timeline lists it.
type ChangeKind string

// An alert fires (people are told, or would be but for a twin), is silenced (it fired
// inside a maintenance window, so nobody is told yet), or resolves.
const (
	ChangeFired    ChangeKind = "fired"
	ChangeSilenced ChangeKind = "silenced"
	ChangeResolved ChangeKind = "resolved"
)

// Change is one edge of an alert: what the timeline records so "what changed at 02:10?"
// includes "the api alert fired" and "it was silenced by the deploy's window". The
// engine hands changes to EngineOptions.OnChange once they are journaled; it does not
// store them itself, because the timeline lives in the history database, which the alert
// package does not know.
type Change struct {
	Kind  ChangeKind
	At    time.Time
	Alert Alert
	// Window is the maintenance window that silenced it (zero otherwise).
	Window Span
}
