package tui

import (
	"charm.land/bubbles/v2/key"

	"github.com/launchready/launchready/runbook"
)

// keyMap is every key the console answers to. The footer and the help overlay are
// generated from it, so a key cannot work without being documented or the other way
// round.
type keyMap struct {
	NextTab, PrevTab, GoTab       key.Binding
	Up, Down, PageUp, PageDown    key.Binding
	Top, Bottom                   key.Binding
	Open, Back, Filter            key.Binding
	Rerun, Sweep, Copy, LaunchBar key.Binding
	Help, Quit                    key.Binding
	FilterApply, FilterClear      key.Binding

	// The Runbooks pane: start a run (or resume one), read a run's transcript, stop the
	// step under way, back to the list.
	Start, OpenRunbook, Log, StopStep, Follow key.Binding
	// Dialogs: the engine's questions and the quit confirmation.
	Yes, No, Submit                                 key.Binding
	Retry, Skip, RollBack, Abort, Continue, Abandon key.Binding
	Cancel                                          key.Binding

	// The Timeline pane: cycle its pane filter; and "before this" on a failing check or
	// finding anywhere.
	TimelinePane, Before key.Binding
}

func newKeyMap() *keyMap {
	return &keyMap{
		NextTab:      key.NewBinding(key.WithKeys("tab", "right", "l"), key.WithHelp("tab", "next pane")),
		PrevTab:      key.NewBinding(key.WithKeys("shift+tab", "left", "h"), key.WithHelp("shift+tab", "previous pane")),
		GoTab:        key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9", "0"), key.WithHelp("1-9 0", "go to pane")),
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown", "ctrl+d", "space"), key.WithHelp("pgdn", "page down")),
		Top:          key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		Bottom:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
		Open:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),
		Back:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Rerun:        key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "re-run check")),
		Sweep:        key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "sweep all")),
		Copy:         key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy as text")),
		LaunchBar:    key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "risks/launch bar")),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		TimelinePane: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pane filter")),
		Before:       key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "changes before this")),
		Quit:         key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		FilterApply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		FilterClear:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Start:        key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "start / resume")),
		OpenRunbook:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "plan / transcript")),
		Log:          key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "transcript")),
		StopStep:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "stop step")),
		Follow:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "follow output")),
		Yes:          key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:           key.NewBinding(key.WithKeys("n", "N"), key.WithHelp("n", "no")),
		Submit:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "answer")),
		Retry:        key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		Skip:         key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "skip")),
		RollBack:     key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "roll back")),
		Abort:        key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "abort")),
		Continue:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "continue")),
		Abandon:      key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "abandon")),
		Cancel:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave it for later")),
	}
}

// decisionKey is the key that picks a decision in the failure and resume dialogs.
func (k *keyMap) decisionKey(d runbook.Decision) key.Binding {
	switch d {
	case runbook.Retry:
		return k.Retry
	case runbook.Skip:
		return k.Skip
	case runbook.RollBack:
		return k.RollBack
	case runbook.Abort:
		return k.Abort
	case runbook.Continue:
		return k.Continue
	case runbook.Abandon:
		return k.Abandon
	}
	return k.Cancel
}

// runHelp is the footer while a run is on screen: live, or ended.
func (k *keyMap) runHelp(live, busy bool) []key.Binding {
	move := []key.Binding{k.Up, k.Down, k.Follow}
	if !live {
		return append([]key.Binding{k.Back, k.Log}, append(move, k.NextTab, k.Help, k.Quit)...)
	}
	out := []key.Binding{}
	if busy {
		out = append(out, k.StopStep)
	}
	return append(out, append(move, k.NextTab, k.Help, k.Quit)...)
}

// planHelp is the footer of a runbook's plan, logHelp of a run's transcript.
func (k *keyMap) planHelp() []key.Binding {
	return []key.Binding{k.Start, k.Back, k.Up, k.Down, k.NextTab, k.Help, k.Quit}
}

func (k *keyMap) logHelp() []key.Binding {
	return []key.Binding{k.Back, k.Up, k.Down, k.PageDown, k.Top, k.Bottom, k.Help, k.Quit}
}

// fullHelp groups the keys for the help overlay: moving around, acting, and the rest.
func (k *keyMap) fullHelp(paneKeys []key.Binding) [][]key.Binding {
	move := []key.Binding{k.NextTab, k.PrevTab, k.GoTab, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
	act := []key.Binding{k.Open, k.Back, k.Filter, k.Rerun, k.Sweep, k.Copy, k.Before}
	rest := []key.Binding{k.Help, k.Quit}
	// A pane's footer repeats some of the console's keys; the help lists each once.
	seen := map[string]bool{}
	for _, b := range append(append(append([]key.Binding{}, move...), act...), rest...) {
		seen[b.Help().Key+" "+b.Help().Desc] = true
	}
	for _, b := range paneKeys {
		if h := b.Help().Key + " " + b.Help().Desc; !seen[h] {
			seen[h] = true
			act = append(act, b)
		}
	}
	return [][]key.Binding{move, act, rest}
}

// listHelp is the footer of a pane showing a list.
func (k *keyMap) listHelp(paneKeys []key.Binding) []key.Binding {
	out := []key.Binding{k.Open, k.Filter, k.Rerun, k.Sweep}
	out = append(out, paneKeys...)
	return append(out, k.NextTab, k.Help, k.Quit)
}

// detailHelp is the footer of the detail view.
func (k *keyMap) detailHelp() []key.Binding {
	return []key.Binding{k.Back, k.Up, k.Down, k.Copy, k.Rerun, k.Help, k.Quit}
}

// filterHelp is the footer while typing a filter.
func (k *keyMap) filterHelp() []key.Binding {
	return []key.Binding{k.FilterApply, k.FilterClear}
}
