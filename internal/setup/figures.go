package setup

import (
	"time"

	"github.com/launchready/launchready/probes"
)

// figures is probes.Figures over the session's history store, looked up when a check
// asks rather than when the checks are built: the command opens the store (Record) after
// Open and before any check runs. A command that keeps no history has none, and its
// checks judge without their past (a zero median of no values), never opening a store
// behind the command's back.
type figures struct{ s *Session }

var _ probes.Figures = figures{}

func (f figures) MetricMedian(check, name string, since, until time.Time) (float64, int, error) {
	if f.s.history == nil {
		return 0, 0, nil
	}
	return f.s.history.MetricMedian(check, name, since, until)
}

func (f figures) MetricSeries(check, name string, since, until time.Time, n int) ([]float64, error) {
	if f.s.history == nil {
		return nil, nil
	}
	return f.s.history.MetricSeries(check, name, since, until, n)
}
