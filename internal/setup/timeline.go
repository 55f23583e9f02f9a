package setup

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"

	"github.com/launchready/launchready/internal/alert"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/internal/timeline"
	"github.com/launchready/launchready/runbook"
)

// Timeline is where the session's timeline is read from: its history database's events
// and the runbook transcripts of its state folder (the demo keeps its runs apart in
// STATE/demo, so runbooksState says which folder).
func (s *Session) Timeline(runbooksState string) timeline.Source {
	src := timeline.Source{History: s.History()}
	if runbooksState != "" {
		src.Runs = runbook.NewStore(runbooksState)
	}
	return src
}

// MarkStart records that what (a console, watch) started, by whom, and whether the config
// changed since the last start (its hash, kept in the start event's link), and arranges
// for the stop to be recorded when the session closes. Only the history's writer records;
// a second, read-only console is not a change. Failures are logged: the timeline is
// never a reason not to start.
func (s *Session) MarkStart(what string) {
	h := s.History()
	if h.ReadOnly() {
		return
	}
	who := runbook.CurrentOperator(nil).User
	now := s.now()
	hash := s.configHash()
	evs := []store.Event{{Time: now, Kind: timeline.KindSessionStart, Pane: timeline.PaneSession,
		Summary: what + " started by " + who, Link: "config:" + hash, Who: who}}
	if prev, err := h.Events(store.EventQuery{Panes: []string{timeline.PaneSession}, Limit: 50}); err == nil {
		for _, e := range prev {
			old, ok := strings.CutPrefix(e.Link, "config:")
			if e.Kind != timeline.KindSessionStart || !ok {
				continue
			}
			if old != hash && old != "" && hash != "" {
				evs = append(evs, store.Event{Time: now, Kind: timeline.KindConfigChanged, Pane: timeline.PaneSession,
					Target: s.Config.File, Summary: "config changed since the last start (" + old + " → " + hash + ")",
					Link: "config:" + hash, Who: who})
			}
			break
		}
	}
	if err := h.AddEvents(evs...); err != nil {
		s.Log.Warn("timeline: start not recorded", "err", err)
		return
	}
	s.closers = append(s.closers, func() error {
		if err := h.AddEvents(store.Event{Time: s.now(), Kind: timeline.KindSessionStop, Pane: timeline.PaneSession,
			Summary: what + " stopped", Who: who}); err != nil {
			s.Log.Warn("timeline: stop not recorded", "err", err)
		}
		return nil
	})
}

// configHash is the first 12 hex digits of the config's SHA-256 ("" when it cannot be
// read): enough to tell two versions apart in a one-line event.
func (s *Session) configHash() string {
	b, err := os.ReadFile(s.Config.File)
	if err != nil || s.Config.File == "" {
		if s.Lab == nil {
			return ""
		}
		b = examples.Config
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:12]
}

// RecordAlertChange stores an alert's edge (fired, silenced by a window, resolved) in the
// history's events, where the timeline and "before this" read it. A read-only history (a
// console holds it) records nothing: the alert journal still has the alert. Failures are
// logged, never returned: the timeline is never a reason not to alert.
func (s *Session) RecordAlertChange(c alert.Change) {
	err := s.History().AddEvents(timeline.AlertEvent(c))
	if err != nil && !errors.Is(err, store.ErrReadOnly) {
		s.Log.Warn("timeline: alert change not recorded", "alert", c.Alert.String(), "err", err)
	}
}
