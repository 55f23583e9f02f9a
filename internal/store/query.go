package store

import (
	"database/sql"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/launchready/launchready/probes"
)

// Uptime is availability over a window: how many results counted as up, out of how many
// said anything about availability.
type Uptime struct {
	Up    int `json:"up"`
	Total int `json:"total"`
}

// Percent is Up/Total in percent; ok is false when the window holds no results.
func (u Uptime) Percent() (pct float64, ok bool) {
	if u.Total == 0 {
		return 0, false
	}
	return 100 * float64(u.Up) / float64(u.Total), true
}

// Latency is the latency distribution of the results that were up in a window (a timeout
// is not a latency; it shows in uptime). Percentiles are nearest-rank.
type Latency struct {
	N   int           `json:"n"`
	P50 time.Duration `json:"p50"`
	P95 time.Duration `json:"p95"`
	P99 time.Duration `json:"p99"`
}

// Point is one stored result, for sparklines and the history list.
type Point struct {
	Time    time.Time     `json:"time"`
	Status  probes.Status `json:"status"`
	Up      *bool         `json:"up,omitempty"` // nil when availability does not apply
	Latency time.Duration `json:"latency"`
	Summary string        `json:"summary,omitempty"`
	Err     string        `json:"error,omitempty"`
	// Findings is "id/severity" per finding, joined by ",".
	Findings string `json:"findings,omitempty"`
}

// Bucket is one slot of a sparkline: availability and p95 latency in a time slice.
type Bucket struct {
	Start  time.Time     `json:"start"`
	Uptime Uptime        `json:"uptime"`
	P95    time.Duration `json:"p95"`
}

// CheckRow is a check the store has results for.
type CheckRow struct {
	Name   string      `json:"name"`
	Kind   string      `json:"kind"`
	Pane   probes.Pane `json:"pane"`
	Target string      `json:"target"`
	Last   time.Time   `json:"last"` // newest result; zero when all were pruned
}

// Stats are the figures the endpoints pane and the overview tiles show for one check.
type Stats struct {
	Uptime24h  Uptime  `json:"uptime_24h"`
	Uptime7d   Uptime  `json:"uptime_7d"`
	Latency1h  Latency `json:"latency_1h"`
	Latency24h Latency `json:"latency_24h"`
}

// Metrics are Stats under the metric names the console reads: uptime_24h and uptime_7d
// (percent), p50_ms_1h, p95_ms_1h, p99_ms_1h, p50_ms_24h, p95_ms_24h, p99_ms_24h.
// A figure with no results behind it is left out rather than shown as 0.
func (st Stats) Metrics() map[string]float64 {
	m := map[string]float64{}
	if p, ok := st.Uptime24h.Percent(); ok {
		m["uptime_24h"] = p
	}
	if p, ok := st.Uptime7d.Percent(); ok {
		m["uptime_7d"] = p
	}
	for _, w := range []struct {
		sfx string
		l   Latency
	}{{"1h", st.Latency1h}, {"24h", st.Latency24h}} {
		if w.l.N == 0 {
			continue
		}
		m["p50_ms_"+w.sfx] = ms(w.l.P50)
		m["p95_ms_"+w.sfx] = ms(w.l.P95)
		m["p99_ms_"+w.sfx] = ms(w.l.P99)
	}
	return m
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// id looks a check up by name; ok is false when the store has never seen it.
func (s *Store) id(name string) (int64, bool, error) {
	s.idMu.Lock()
	id, ok := s.ids[name]
	s.idMu.Unlock()
	if ok {
		return id, true, nil
	}
	st, err := s.stmt(`SELECT id FROM checks WHERE name = ?`)
	if err != nil {
		return 0, false, explain(s.path, err)
	}
	ctx, cancel := s.ctx()
	defer cancel()
	err = st.QueryRowContext(ctx, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, explain(s.path, err)
	}
	s.idMu.Lock()
	s.ids[name] = id
	s.idMu.Unlock()
	return id, true, nil
}

// Uptime is the check's availability in [since, until).
func (s *Store) Uptime(check string, since, until time.Time) (Uptime, error) {
	id, ok, err := s.id(check)
	if err != nil || !ok {
		return Uptime{}, err
	}
	st, err := s.stmt(`SELECT sum(up), count(up) FROM results WHERE check_id = ? AND ts >= ? AND ts < ?`)
	if err != nil {
		return Uptime{}, explain(s.path, err)
	}
	ctx, cancel := s.ctx()
	defer cancel()
	var u Uptime
	var up sql.NullInt64
	err = st.QueryRowContext(ctx, id, since.UnixMicro(), until.UnixMicro()).Scan(&up, &u.Total)
	if err != nil {
		return Uptime{}, explain(s.path, err)
	}
	u.Up = int(up.Int64)
	return u, nil
}

// Latency is the check's p50, p95 and p99 over the results that were up in [since, until).
func (s *Store) Latency(check string, since, until time.Time) (Latency, error) {
	id, ok, err := s.id(check)
	if err != nil || !ok {
		return Latency{}, err
	}
	st, err := s.stmt(`SELECT latency_us FROM results WHERE check_id = ? AND ts >= ? AND ts < ? AND up = 1`)
	if err != nil {
		return Latency{}, explain(s.path, err)
	}
	ctx, cancel := s.ctx()
	defer cancel()
	rows, err := st.QueryContext(ctx, id, since.UnixMicro(), until.UnixMicro())
	if err != nil {
		return Latency{}, explain(s.path, err)
	}
	defer rows.Close()
	var lat []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return Latency{}, explain(s.path, err)
		}
		lat = append(lat, v)
	}
	if err := rows.Err(); err != nil {
		return Latency{}, explain(s.path, err)
	}
	return latencyOf(lat), nil
}

// latencyOf sorts lat (microseconds) in place and takes nearest-rank percentiles.
func latencyOf(lat []int64) Latency {
	if len(lat) == 0 {
		return Latency{}
	}
	slices.Sort(lat)
	return Latency{N: len(lat), P50: pct(lat, 50), P95: pct(lat, 95), P99: pct(lat, 99)}
}

// pct is the nearest-rank percentile of sorted microsecond values.
func pct(sorted []int64, p float64) time.Duration {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	i = max(0, min(i, len(sorted)-1))
	return time.Duration(sorted[i]) * time.Microsecond
}

// Stats are the check's figures over the standard windows, ending now.
func (s *Store) Stats(check string) (Stats, error) {
	now := s.opt.Now()
	var st Stats
	var err error
	if st.Uptime24h, err = s.Uptime(check, now.Add(-24*time.Hour), now.Add(time.Microsecond)); err != nil {
		return st, err
	}
	if st.Uptime7d, err = s.Uptime(check, now.Add(-7*24*time.Hour), now.Add(time.Microsecond)); err != nil {
		return st, err
	}
	if st.Latency1h, err = s.Latency(check, now.Add(-time.Hour), now.Add(time.Microsecond)); err != nil {
		return st, err
	}
	st.Latency24h, err = s.Latency(check, now.Add(-24*time.Hour), now.Add(time.Microsecond))
	return st, err
}

// Recent returns the check's newest n results, oldest first (the order a sparkline draws).
func (s *Store) Recent(check string, n int) ([]Point, error) {
	id, ok, err := s.id(check)
	if err != nil || !ok || n <= 0 {
		return nil, err
	}
	ctx, cancel := s.ctx()
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT ts, status, up, latency_us, summary, error, findings FROM results
		WHERE check_id = ? ORDER BY ts DESC LIMIT ?`, id, n)
	if err != nil {
		return nil, explain(s.path, err)
	}
	defer rows.Close()
	var out []Point
	for rows.Next() {
		var (
			ts, lat             int64
			st                  int
			up                  sql.NullInt64
			sum, errText, finds sql.NullString
		)
		if err := rows.Scan(&ts, &st, &up, &lat, &sum, &errText, &finds); err != nil {
			return nil, explain(s.path, err)
		}
		p := Point{Time: time.UnixMicro(ts), Latency: time.Duration(lat) * time.Microsecond,
			Summary: sum.String, Err: errText.String, Findings: finds.String, Status: probes.StatusUnknown}
		if st >= 0 && st < len(statusNames) {
			p.Status = statusNames[st]
		}
		if up.Valid {
			b := up.Int64 == 1
			p.Up = &b
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, explain(s.path, err)
	}
	slices.Reverse(out)
	return out, nil
}

// Series cuts [since, until) into n equal buckets and gives each one's uptime and p95
// latency: the sparklines of the overview tiles and the endpoints pane.
func (s *Store) Series(check string, since, until time.Time, n int) ([]Bucket, error) {
	if n <= 0 || !until.After(since) {
		return nil, nil
	}
	out := make([]Bucket, n)
	width := until.Sub(since) / time.Duration(n)
	if width <= 0 {
		width = 1
	}
	for i := range out {
		out[i].Start = since.Add(time.Duration(i) * width)
	}
	id, ok, err := s.id(check)
	if err != nil || !ok {
		return out, err
	}
	ctx, cancel := s.ctx()
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT ts, up, latency_us FROM results WHERE check_id = ? AND ts >= ? AND ts < ?`,
		id, since.UnixMicro(), until.UnixMicro())
	if err != nil {
		return out, explain(s.path, err)
	}
	defer rows.Close()
	lats := make([][]int64, n)
	for rows.Next() {
		var ts, lat int64
		var up sql.NullInt64
		if err := rows.Scan(&ts, &up, &lat); err != nil {
			return out, explain(s.path, err)
		}
		i := int(time.UnixMicro(ts).Sub(since) / width)
		if i < 0 || i >= n {
			continue
		}
		if up.Valid {
			out[i].Uptime.Total++
			if up.Int64 == 1 {
				out[i].Uptime.Up++
				lats[i] = append(lats[i], lat)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return out, explain(s.path, err)
	}
	for i := range out {
		out[i].P95 = latencyOf(lats[i]).P95
	}
	return out, nil
}

// Checks lists the checks the store holds results for, by name.
func (s *Store) Checks() ([]CheckRow, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT c.name, c.kind, c.pane, c.target,
		(SELECT max(ts) FROM results r WHERE r.check_id = c.id) FROM checks c ORDER BY c.name`)
	if err != nil {
		return nil, explain(s.path, err)
	}
	defer rows.Close()
	var out []CheckRow
	for rows.Next() {
		var c CheckRow
		var pane string
		var last sql.NullInt64
		if err := rows.Scan(&c.Name, &c.Kind, &pane, &c.Target, &last); err != nil {
			return nil, explain(s.path, err)
		}
		c.Pane = probes.Pane(pane)
		if last.Valid {
			c.Last = time.UnixMicro(last.Int64)
		}
		out = append(out, c)
	}
	return out, explain(s.path, rows.Err())
}
