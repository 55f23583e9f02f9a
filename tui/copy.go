package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
)

// copiedMsg reports where a copied detail went.
type copiedMsg struct {
	path string
	err  error
}

// copyDetail sends the detail's plain text to the terminal's clipboard (OSC 52, which
// works over SSH in most terminals and is ignored by the rest) and, because the console
// cannot know whether the terminal obliged, also writes it to a file in the state folder
// and says where. The file write is the command's I/O, never Update's.
func copyDetail(text, stateDir, name string, now time.Time) tea.Cmd {
	save := func() tea.Msg {
		if stateDir == "" {
			return copiedMsg{err: fmt.Errorf("no state folder to save a copy in")}
		}
		dir := filepath.Join(stateDir, "copied")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return copiedMsg{err: err}
		}
		path := filepath.Join(dir, now.Format("20060102-150405")+"-"+slug(name)+".txt")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			return copiedMsg{err: err}
		}
		return copiedMsg{path: path}
	}
	return tea.Batch(tea.SetClipboard(text), save)
}

// slug makes a name safe and short for a file name.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '.'
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		return "detail"
	}
	return out
}
