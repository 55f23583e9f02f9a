package tui

import "charm.land/bubbles/v2/key"

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
}

func newKeyMap() *keyMap {
	return &keyMap{
		NextTab:     key.NewBinding(key.WithKeys("tab", "right", "l"), key.WithHelp("tab", "next pane")),
		PrevTab:     key.NewBinding(key.WithKeys("shift+tab", "left", "h"), key.WithHelp("shift+tab", "previous pane")),
		GoTab:       key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7"), key.WithHelp("1-7", "go to pane")),
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+d", "space"), key.WithHelp("pgdn", "page down")),
		Top:         key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		Bottom:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Rerun:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "re-run check")),
		Sweep:       key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "sweep all")),
		Copy:        key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy as text")),
		LaunchBar:   key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "risks/launch bar")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		FilterApply: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		FilterClear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
}

// fullHelp groups the keys for the help overlay: moving around, acting, and the rest.
func (k *keyMap) fullHelp(paneKeys []key.Binding) [][]key.Binding {
	act := []key.Binding{k.Open, k.Back, k.Filter, k.Rerun, k.Sweep, k.Copy}
	act = append(act, paneKeys...)
	return [][]key.Binding{
		{k.NextTab, k.PrevTab, k.GoTab, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		act,
		{k.Help, k.Quit},
	}
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
