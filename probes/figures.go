package probes

import "time"

// Figures is the history's kept figures over time (the store's metrics table, whose names
// the store lists), as a probe may read them: a check that judges a figure against its
// own past (a page 20% heavier than its 7-day median) asks through it instead of
// importing the store, which sits above probes. Setup wires the session's history;
// Env.Figures is nil when nothing did (tests, `validate`), and a check then judges
// without its past.
type Figures interface {
	// MetricMedian is the median of check's figure name in [since, until) and how many
	// values it is the median of (0: none).
	MetricMedian(check, name string, since, until time.Time) (median float64, n int, err error)
	// MetricSeries is the figure in [since, until) in n equal buckets, oldest first, each
	// the bucket's largest value, NaN where a bucket holds none.
	MetricSeries(check, name string, since, until time.Time, n int) ([]float64, error)
}
