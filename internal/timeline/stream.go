package timeline

import (
	"slices"
	"time"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/runbook"
)

// Source is where the stream is read from: the history database's events and the
// runbook transcripts. Either may be missing (no history yet, no state folder for runs).
type Source struct {
	History *store.Store
	// Runs is the runbook store; a zero Dir reads no runs.
	Runs runbook.Store
}

// List is the stream for q: every change in the window, newest first. The console, the
// timeline command and "before this" all read it, so they cannot disagree.
func (s Source) List(q store.EventQuery) ([]store.Event, error) {
	var out []store.Event
	if s.History != nil {
		evs, err := s.History.Events(store.EventQuery{Since: q.Since, Until: q.Until, Panes: q.Panes})
		if err != nil {
			return nil, err
		}
		out = evs
	}
	if s.Runs.Dir != "" && wants(q.Panes, PaneRunbooks) {
		evs, err := RunEvents(s.Runs, q.Since)
		if err != nil {
			return out, err
		}
		for _, e := range evs {
			if inWindow(e.Time, q.Since, q.Until) {
				out = append(out, e)
			}
		}
	}
	Sort(out)
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// Sort orders events newest first; events at the same moment keep their order.
func Sort(evs []store.Event) {
	slices.SortStableFunc(evs, func(a, b store.Event) int { return b.Time.Compare(a.Time) })
}

func wants(panes []string, p string) bool {
	return len(panes) == 0 || slices.Contains(panes, p)
}

func inWindow(t, since, until time.Time) bool {
	return (since.IsZero() || !t.Before(since)) && (until.IsZero() || t.Before(until))
}
