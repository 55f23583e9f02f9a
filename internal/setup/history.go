package setup

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/internal/timeline"
	"github.com/launchready/launchready/probes"
)

// History file names in the state folder. Runs against the built-in lab keep their own
// file, so a demo never mixes into the product's real uptime.
const (
	historyFile    = "history.db"
	labHistoryFile = "history-lab.db"
)

// HistoryPath is where this session's history database lives, or "" without a state
// folder.
func (s *Session) HistoryPath() string {
	if s.StateDir == "" {
		return ""
	}
	if s.Lab != nil {
		return filepath.Join(s.StateDir, labHistoryFile)
	}
	return filepath.Join(s.StateDir, historyFile)
}

// History opens the session's history store once and returns it; later calls return the
// same store. It never fails: it is the state folder's database as its writer; read-only
// when another launchready already records it (a second console); and in memory, with a
// note saying why, when the file is damaged, locked by another program or there is no
// state folder, so the checks keep running and the console keeps its figures for this
// run. The store is closed, and its queue written, when the session closes.
func (s *Session) History() *store.Store {
	if s.history != nil {
		return s.history
	}
	o := s.historyOptions()
	path := s.HistoryPath()
	var h *store.Store
	var err error
	switch {
	case path == "":
		s.Notes = append(s.Notes, "no state folder: history is kept in memory for this run only")
	default:
		h, err = store.Open(path, o)
		if errors.Is(err, store.ErrWriterBusy) {
			if h, err = store.OpenReader(path, o); err == nil {
				s.Notes = append(s.Notes, "another launchready is recording history; this one shows it read-only and does not add to it")
			}
		}
		if err != nil {
			s.Log.Error("history unavailable, keeping it in memory", "path", path, "err", err)
			s.Notes = append(s.Notes, fmt.Sprintf("%v (history is kept in memory for this run; the checks are not affected)", err))
			h = nil
		}
	}
	if h == nil {
		h = store.OpenMemory(o)
	}
	s.history = h
	s.closers = append(s.closers, h.Close)
	return h
}

func (s *Session) historyOptions() store.Options {
	return store.Options{
		Retention: time.Duration(s.Config.History.RetentionDays) * 24 * time.Hour,
		Now:       s.now,
		Log:       s.Log,
		Redact:    s.Config.SecretValues(),
		// The timeline's changes are found as results are written (only the writer
		// detects; a read-only store never calls it).
		Detect: &timeline.Detector{LatencyFactor: s.Config.History.LatencyStepFactor},
	}
}

// Record subscribes the session's history store to a runner, so every result it produces
// is stored, and returns the store for queries.
func (s *Session) Record(r *probes.Runner) *store.Store {
	h := s.History()
	r.Subscribe(h.Record)
	return h
}
