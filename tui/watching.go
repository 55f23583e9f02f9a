package tui

import (
	"fmt"
	"strings"
)

// Watcher is one person with a console open on the same engine (launchready serve): the
// serve.users name and role.
type Watcher struct {
	Name string
	Role string // "viewer" or "operator"
}

// watchers asks who is watching, nil when this console is nobody's but its user's.
func (m *Model) watchers() []Watcher {
	if m.opts.Watching == nil {
		return nil
	}
	return m.opts.Watching()
}

// watchingShort is the header's "3 watching"; empty on a console of its own.
func watchingShort(ws []Watcher) string {
	if len(ws) == 0 {
		return ""
	}
	return fmt.Sprintf("%d watching", len(ws))
}

// watchingLong names them, operators marked, as the help overlay lists them: "3
// watching: ops-lead (operator), founder, ci". A person with two sessions counts twice:
// each is a console open on the engine.
func watchingLong(ws []Watcher) string {
	if len(ws) == 0 {
		return ""
	}
	names := make([]string, len(ws))
	for i, w := range ws {
		names[i] = w.Name
		if w.Role == "operator" {
			names[i] += " (operator)"
		}
	}
	return fmt.Sprintf("%d watching: %s", len(ws), strings.Join(names, ", "))
}
