package alert

import (
	"log/slog"
	"os"
)

// State is the alert journal as of its last complete record: what `launchready alert
// status` shows while watch runs.
type State struct {
	Alerts []Alert
	// Queued counts undelivered notifications per channel.
	Queued map[string]int
}

// ReadState replays the alert journal in dir without opening it for writing (OpenStore
// compacts it, which only its owner, watch, may do). A journal watch is appending to
// reads up to its last complete record; a missing one is an empty state.
func ReadState(dir string) (State, error) {
	s := newStore(dir, nil, slog.New(slog.DiscardHandler))
	if _, err := os.Stat(dir); err != nil {
		return State{}, err
	}
	if err := s.replay(); err != nil {
		return State{}, err
	}
	st := State{Alerts: s.Alerts(), Queued: map[string]int{}}
	for ch, q := range s.queue {
		if len(q) > 0 {
			st.Queued[ch] = len(q)
		}
	}
	return st, nil
}
