package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// runbookPane holds the Runbooks tab's place until the runbook engine exists: it says
// what will be here and how to get it, rather than showing an empty table.
type runbookPane struct{ sh *shared }

func (p *runbookPane) title() string               { return "Runbooks" }
func (p *runbookPane) update(tea.Msg) tea.Cmd      { return nil }
func (p *runbookPane) bindings() []key.Binding     { return nil }
func (p *runbookPane) selected() (selection, bool) { return selection{}, false }

func (p *runbookPane) view(w, h int) string {
	st := p.sh.st
	lines := []string{" " + st.title.Render("Runbooks"), "",
		"  " + st.dim.Render("○") + " Runbooks arrive with the runbook issue.", ""}
	for _, l := range wrap("Deploy, rollback and secret rotation will be stepped through here: commands with "+
		"live output, confirmations, masked secret inputs, checks that wait for a probe to turn green, "+
		"rollback of completed steps, and an audit transcript in the state folder.", w-4, "    ") {
		lines = append(lines, st.dim.Render(l))
	}
	return frame(lines, w, h)
}
