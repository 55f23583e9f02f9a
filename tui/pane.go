package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/probes"
)

// pane is one tab of the console. It is deliberately small: the root routes keys it does
// not handle itself, and the pane's own messages, to update; asks view for exactly
// width x height cells; lists the pane's own keys for the footer and help; and asks what
// is selected when the operator presses enter or r.
type pane interface {
	title() string
	update(msg tea.Msg) tea.Cmd
	view(width, height int) string
	bindings() []key.Binding
	selected() (selection, bool)
}

// selection is what enter opens and r re-runs: a finding, a check, or a launch bar item.
type selection struct {
	check   string // the check r re-runs; "" when the selection has none
	finding *probes.Finding
	item    *barItem
}

// filterMsg sets a pane's filter; the root keeps the text box, the pane applies it.
type filterMsg struct{ text string }

// shared is what every pane reads. The root model owns it and is its only writer.
type shared struct {
	board *board
	st    *styles
	keys  *keyMap
	// spin is the spinner's current frame, shown by checks in flight. Views read it
	// through spinFrame, which notes that the screen shows it (spinShown), so the
	// spinner's ticks redraw only a screen that has a spinner on it.
	spin      string
	spinShown bool
	// dueShown notes that the screen shows which checks are in flight (running): only
	// then does a check falling due redraw it. Views ask through running.
	dueShown bool
	// kinds says which panes have a probe kind in this build, so an empty pane can say
	// whether it is unconfigured or not built yet.
	kinds map[probes.Pane]bool
	// hostRoles maps host names to their role in the config (app, api, admin, www...).
	hostRoles map[string]string
	// hosts remembers each target's host name: parsing a URL per result per frame adds up.
	hosts map[string]string
	// secretRefs counts the secret references in the config, for the launch bar.
	secretRefs int
	// runbooks is what the Runbooks pane last read (the runbooks and their last runs),
	// for the launch bar; nil before the first read or without the engine. The pane
	// writes it, inside the root's Update.
	runbooks *rbSummary
	// dark says whether the terminal's background is dark, for the rendered Markdown.
	dark bool
}

// keyFirst is a pane that sees keys before the console's own: the Runbooks pane, whose
// dialogs and screens use enter, esc and letters the console otherwise takes.
type keyFirst interface {
	keyFirst(msg tea.KeyPressMsg) (tea.Cmd, bool)
}

// activator is a pane with something to do when it comes on screen.
type activator interface {
	activate() tea.Cmd
}

// footerKeyer is a pane whose current screen has its own keys for the footer.
type footerKeyer interface {
	footerKeys() ([]key.Binding, bool)
}

// spinFrame is the spinner's current frame, for a view that shows it.
func (s *shared) spinFrame() string {
	s.spinShown = true
	return s.spin
}

// running says whether a check is in flight, for a view that shows it.
func (s *shared) running(c probes.CheckInfo) bool {
	s.dueShown = true
	return s.board.running(c)
}

// runningLabel is the state cell of a check in flight.
func (s *shared) runningLabel() string {
	return s.st.dim.Render(s.spinFrame() + " " + runningWord)
}
