package store

import (
	"math"
	"slices"
	"time"
)

// Day is one day of a check's history: what the handover pack's dashboard and its
// sparklines are drawn from.
type Day struct {
	Start  time.Time     `json:"start"`
	Uptime Uptime        `json:"uptime"`
	Failed int           `json:"failed"` // results that failed or could not run
	Total  int           `json:"total"`
	P95    time.Duration `json:"p95"` // of the results that were up, to the millisecond
	hist   map[int64]int // latency class (ms) -> results
}

// Days is a check's history over the n days ending at until, oldest first, with
// latencies kept as a histogram at millisecond resolution, so 7- and 30-day percentiles
// are read from the same pass (Percentile). One query per check, grouped in the
// database: a month of one-minute results is 43,200 rows, and handing each to Go costs
// more than the database's own grouping.
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
	ctx, cancel := s.ctx()
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT (ts - ?1) / ?2 AS d, CASE WHEN up = 1 THEN latency_us / 1000 ELSE -1 END AS ms,
		count(*), count(up), coalesce(sum(up), 0), sum(status >= 2)
		FROM results WHERE check_id = ?3 AND ts >= ?1 AND ts < ?4 GROUP BY d, ms`,
		since.UnixMicro(), day.Microseconds(), id, until.UnixMicro())
	if err != nil {
		return out, explain(s.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d, ms int64
		var total, upN, up, failed int
		if err := rows.Scan(&d, &ms, &total, &upN, &up, &failed); err != nil {
			return out, explain(s.path, err)
		}
		if d < 0 || d >= int64(n) {
			continue
		}
		o := &out[d]
		o.Total += total
		o.Failed += failed
		o.Uptime.Total += upN
		o.Uptime.Up += up
		if ms >= 0 {
			if o.hist == nil {
				o.hist = map[int64]int{}
			}
			o.hist[ms] += total
		}
	}
	if err := rows.Err(); err != nil {
		return out, explain(s.path, err)
	}
	for i := range out {
		out[i].P95 = Percentile(out[i:i+1], 95)
	}
	return out, nil
}

// Percentile is the nearest-rank percentile of the up results' latencies over days.
func Percentile(days []Day, p float64) time.Duration {
	merged := map[int64]int{}
	n := 0
	for _, d := range days {
		for ms, c := range d.hist {
			merged[ms] += c
			n += c
		}
	}
	if n == 0 {
		return 0
	}
	keys := make([]int64, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	rank := max(1, int(math.Ceil(p/100*float64(n))))
	seen := 0
	for _, k := range keys {
		seen += merged[k]
		if seen >= rank {
			return time.Duration(k) * time.Millisecond
		}
	}
	return time.Duration(keys[len(keys)-1]) * time.Millisecond
}
