package store

import (
	"database/sql"
	"errors"
	"time"
)

// MetricDay is one day of a kept figure of one check: what the handover pack's dashboard
// reads for "worst this week" and draws as a sparkline.
type MetricDay struct {
	Start time.Time `json:"start"`
	Count int       `json:"count"` // values recorded that day; 0 when none (Max is then 0)
	Max   float64   `json:"max"`
}

// MetricDays is a kept figure of check over the n days ending at until, oldest first,
// each day's count and largest value. Like Days, each day is one range of the metrics
// table's (check, name, time) key, aggregated inside the database: a month of
// one-minute values is 43,200 rows a figure, and reading them out (as MetricSeries does)
// costs ten times more than counting them where they lie.
func (s *Store) MetricDays(check, name string, until time.Time, n int) ([]MetricDay, error) {
	if n <= 0 {
		return nil, nil
	}
	const day = 24 * time.Hour
	since := until.Add(-time.Duration(n) * day)
	out := make([]MetricDay, n)
	for i := range out {
		out[i].Start = since.Add(time.Duration(i) * day)
	}
	id, ok, err := s.id(check)
	if err != nil || !ok {
		return out, err
	}
	st, err := s.metricStmt(`SELECT count(*), coalesce(max(value), 0)
		FROM metrics WHERE check_id = ? AND name = ? AND ts >= ? AND ts < ?`)
	if st == nil || err != nil {
		return out, err
	}
	ctx, cancel := s.ctx()
	defer cancel()
	for i := range out {
		o := &out[i]
		from, to := o.Start.UnixMicro(), o.Start.Add(day).UnixMicro()
		if err := st.QueryRowContext(ctx, id, name, from, to).Scan(&o.Count, &o.Max); err != nil {
			return out, explain(s.path, err)
		}
	}
	return out, nil
}

// MetricLatest is the newest value of a kept figure of check in [since, until) and when
// it was recorded; ok is false when there is none. It reads one row from the end of the
// key's range, so asking of a check that never reports the figure costs one seek: the
// dashboard asks it of every check to learn which report it at all.
func (s *Store) MetricLatest(check, name string, since, until time.Time) (v float64, at time.Time, ok bool, err error) {
	id, found, err := s.id(check)
	if err != nil || !found {
		return 0, time.Time{}, false, err
	}
	st, err := s.metricStmt(`SELECT ts, value FROM metrics WHERE check_id = ? AND name = ? AND ts >= ? AND ts < ?
		ORDER BY ts DESC LIMIT 1`)
	if st == nil || err != nil {
		return 0, time.Time{}, false, err
	}
	ctx, cancel := s.ctx()
	defer cancel()
	var ts int64
	err = st.QueryRowContext(ctx, id, name, since.UnixMicro(), until.UnixMicro()).Scan(&ts, &v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, false, nil
	}
	if err != nil {
		return 0, time.Time{}, false, explain(s.path, err)
	}
	return v, time.UnixMicro(ts), true, nil
}
