package store

import (
	"database/sql"
	"errors"
	"math"
	"time"
)

// Day is one day of a check's history: what the handover pack's dashboard and its
// sparklines are drawn from.
type Day struct {
	Start  time.Time `json:"start"`
	Uptime Uptime    `json:"uptime"`
	Failed int       `json:"failed"` // results that failed or could not run
	Total  int       `json:"total"`
}

// Days is a check's history over the n days ending at until, oldest first. Each day is
// one range of the results table's (check, time) key, summed without a sort: a month of
// one-minute results is 43,200 rows a check, and grouping them by an expression would
// sort them all first.
func (s *Store) Days(check string, until time.Time, n int) ([]Day, error) {
	if n <= 0 {
		return nil, nil
	}
	const day = 24 * time.Hour
	since := until.Add(-time.Duration(n) * day)
	out := make([]Day, n)
	for i := range out {
		out[i].Start = since.Add(time.Duration(i) * day)
	}
	id, ok, err := s.id(check)
	if err != nil || !ok {
		return out, err
	}
	st, err := s.stmt(`SELECT count(*), count(up), coalesce(sum(up), 0), coalesce(sum(status >= 2), 0)
		FROM results WHERE check_id = ? AND ts >= ? AND ts < ?`)
	if err != nil {
		return out, explain(s.path, err)
	}
	ctx, cancel := s.ctx()
	defer cancel()
	for i := range out {
		o := &out[i]
		from, to := o.Start.UnixMicro(), o.Start.Add(day).UnixMicro()
		if err := st.QueryRowContext(ctx, id, from, to).Scan(&o.Total, &o.Uptime.Total, &o.Uptime.Up, &o.Failed); err != nil {
			return out, explain(s.path, err)
		}
	}
	return out, nil
}

// P95 is the nearest-rank p95 latency of the check's results that were up in [since,
// until), given how many there were (up, from Days): exactly what Latency says, without
// reading every row out or sorting them all. Asking for the row at rank n-k from the top
// lets the database keep only the k+1 slowest while it scans: 5% of the window.
func (s *Store) P95(check string, since, until time.Time, up int) (time.Duration, error) {
	if up <= 0 {
		return 0, nil
	}
	id, ok, err := s.id(check)
	if err != nil || !ok {
		return 0, err
	}
	st, err := s.stmt(`SELECT latency_us FROM results WHERE check_id = ? AND ts >= ? AND ts < ? AND up = 1
		ORDER BY latency_us DESC LIMIT 1 OFFSET ?`)
	if err != nil {
		return 0, explain(s.path, err)
	}
	ctx, cancel := s.ctx()
	defer cancel()
	rank := max(1, int(math.Ceil(0.95*float64(up))))
	var us int64
	err = st.QueryRowContext(ctx, id, since.UnixMicro(), until.UnixMicro(), up-rank).Scan(&us)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, explain(s.path, err)
	}
	return time.Duration(us) * time.Microsecond, nil
}
