package tui

import "github.com/launchready/launchready/probes"

// SharedHistory is one History read by many consoles of one engine (launchready serve's
// SSH sessions): the engine records each result into h once (its own subscriber), and
// every console gets this view of it, whose Record does nothing. Without it each session
// kept its own ring, seeded by its own queries at sign-in, and queried the store for the
// overview's figures on its own: ten viewers held ten copies and ran ten sets of the
// same queries. The figures cache is then shared too: the first session to ask after a
// result queries the store, the others read what it found. h must be safe for
// concurrent use (NewMemHistory and internal/consolehist are).
func SharedHistory(h History) History {
	if f, ok := h.(FigureSource); ok {
		return sharedFigures{sharedHistory{h}, f}
	}
	return sharedHistory{h}
}

type sharedHistory struct{ h History }

// Record is the engine's to call, on h itself; a session recording too would count each
// result once per session.
func (sharedHistory) Record(probes.Result) {}

func (s sharedHistory) Series(check, metric string, n int) []float64 {
	return s.h.Series(check, metric, n)
}

type sharedFigures struct {
	sharedHistory
	f FigureSource
}

func (s sharedFigures) Figures(checks []string) (Figures, error) { return s.f.Figures(checks) }
