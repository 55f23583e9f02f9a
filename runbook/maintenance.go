package runbook

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/probes"
)

// Maintenance is a runbook's hold on alerts: while a run is under way, `launchready
// watch` on the same state folder keeps the state of the checks it covers but sends
// nothing for them (see alert.StartMaintenance). What is still broken when the hold ends
// fires then.
type Maintenance struct {
	// Checks are check names or patterns with *, as in alert rules: "http api.*".
	Checks []string `yaml:"checks"`
	// Panes cover every check of a pane: dns, tls, email, endpoints, errors.
	Panes []string `yaml:"panes"`
	// For is the longest the hold lasts: it ends with the run, or after For if the run is
	// left behind (a lost terminal, a crash), so alerts are never silenced for good.
	// Default 1h, at most 24h.
	For time.Duration `yaml:"for"`
}

// DefaultMaintenanceFor bounds a hold whose runbook gives no for:.
const DefaultMaintenanceFor = time.Hour

// check validates the hold: something to cover, known panes, patterns that parse, a
// bounded length.
func (m *Maintenance) check(add func(path, msg, fix string)) {
	if len(m.Checks) == 0 && len(m.Panes) == 0 {
		add("maintenance", "holds nothing", "list checks: (names or patterns like \"http api.*\") or panes: (dns, tls, email, endpoints, errors)")
	}
	for i, g := range m.Checks {
		if _, err := path.Match(g, ""); err != nil || strings.TrimSpace(g) == "" {
			add(fmt.Sprintf("maintenance.checks[%d]", i), fmt.Sprintf("%q is not a check name or pattern", g), "use a check's name as `launchready check` lists it, with * for any text")
		}
	}
	for i, p := range m.Panes {
		if ps, err := probes.ParsePanes(p); err != nil || len(ps) != 1 {
			add(fmt.Sprintf("maintenance.panes[%d]", i), fmt.Sprintf("%q is not a pane", p), "use dns, tls, email, endpoints or errors")
		}
	}
	if m.For < 0 || m.For > 24*time.Hour || (m.For > 0 && m.For < time.Minute) {
		add("maintenance.for", fmt.Sprintf("%s is out of range", m.For), "use 1m to 24h; the default is 1h")
	}
}

// length is how long the hold lasts at most: For, or DefaultMaintenanceFor.
func (m *Maintenance) length() time.Duration {
	if m.For == 0 {
		return DefaultMaintenanceFor
	}
	return m.For
}

// span is the window for a run starting at from; panes are given by their canonical
// names ("certificates" becomes "tls"), as watch matches them.
func (m *Maintenance) span(rb *Runbook, runID string, op Operator, from time.Time) alert.Span {
	var panes []string
	for _, p := range m.Panes {
		if ps, err := probes.ParsePanes(p); err == nil && len(ps) == 1 {
			panes = append(panes, string(ps[0]))
		}
	}
	return alert.Span{Checks: m.Checks, Panes: panes, From: from, Until: from.Add(m.length()),
		Reason: "runbook " + rb.Name + " (run " + runID + ")", By: op.String()}
}

// holdAlerts opens the runbook's maintenance window, if it has one, and says so in the
// transcript. It returns the window's file ("" for none). A window that cannot be
// written is a note, not a reason to stop: the run matters more than quiet alerts.
func (r *run) holdAlerts(ctx context.Context) string {
	m := r.rb.Maintenance
	if m == nil {
		return ""
	}
	sp := m.span(r.rb, r.id, *r.e.o.Operator, r.e.o.Now())
	file, err := alert.StartMaintenance(r.e.o.Store.StateDir(), "runbook-"+safeName(r.rb.Name), sp)
	if err != nil {
		_ = r.emit(ctx, Event{Type: Note, Text: "alerts are NOT held for this run: " + err.Error()})
		return ""
	}
	_ = r.emit(ctx, Event{Type: Note, Text: fmt.Sprintf("alerts held for %s until %s or the end of the run, whichever comes first (maintenance window %s)",
		sp.What(), sp.Until.Format("15:04"), file)})
	r.e.o.Log.Info("runbook holds alerts", "run", r.id, "window", file, "until", sp.Until)
	return file
}

// releaseAlerts ends the hold when the run is over. A detached run is not over (its
// command may still be running): its window stays until its end time.
func (r *run) releaseAlerts(ctx context.Context, file, status string) {
	if file == "" {
		return
	}
	if status == StatusDetached {
		r.e.o.Log.Info("runbook detached: its alert hold stays until it expires", "run", r.id, "window", file)
		return
	}
	if err := alert.EndMaintenance(file); err != nil {
		r.e.o.Log.Warn("runbook alert hold not released; it expires on its own", "run", r.id, "error", err)
		return
	}
	_ = r.emit(ctx, Event{Type: Note, Text: "alerts no longer held"})
}
