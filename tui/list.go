package tui

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// listState is the cursor of a list whose rows change under it as results arrive. It
// remembers the selected row's key, so a row that moves (a finding ranked higher after a
// sweep) stays selected instead of the cursor landing on its neighbour.
type listState struct {
	cursor, offset int
	key            string
	page           int // rows visible at the last render, for page up and down
	// pinned is set once the operator moves: until then the cursor stays on the top row,
	// the worst risk, however the rows arrive.
	pinned bool
}

// sync finds the remembered key among the rows' keys and clamps the cursor.
func (l *listState) sync(keys []string) {
	if i := slices.Index(keys, l.key); i >= 0 && l.key != "" && l.pinned {
		l.cursor = i
	}
	l.cursor = max(0, min(l.cursor, len(keys)-1))
	if len(keys) > 0 {
		l.key = keys[l.cursor]
	} else {
		l.key = ""
	}
}

// handleKey moves the cursor for the movement keys; it reports whether it used the key.
func (l *listState) handleKey(msg tea.KeyPressMsg, k *keyMap, keys []string) bool {
	l.sync(keys)
	page := max(1, l.page-1)
	switch {
	case key.Matches(msg, k.Up):
		l.cursor--
	case key.Matches(msg, k.Down):
		l.cursor++
	case key.Matches(msg, k.PageUp):
		l.cursor -= page
	case key.Matches(msg, k.PageDown):
		l.cursor += page
	case key.Matches(msg, k.Top):
		l.cursor = 0
	case key.Matches(msg, k.Bottom):
		l.cursor = len(keys) - 1
	default:
		return false
	}
	l.key, l.pinned = "", true
	l.sync(keys)
	return true
}

// wheel moves the cursor by a mouse wheel's notch.
func (l *listState) wheel(msg tea.MouseWheelMsg, keys []string) {
	l.sync(keys)
	switch msg.Button {
	case tea.MouseWheelUp:
		l.cursor -= 3
	case tea.MouseWheelDown:
		l.cursor += 3
	}
	l.key, l.pinned = "", true
	l.sync(keys)
}

// window returns the rows [from, to) to show in h lines, scrolling just enough to keep
// the cursor in view.
func (l *listState) window(n, h int) (from, to int) {
	l.page = h
	if h <= 0 || n == 0 {
		return 0, 0
	}
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+h {
		l.offset = l.cursor - h + 1
	}
	l.offset = max(0, min(l.offset, n-h))
	return l.offset, min(n, l.offset+h)
}
