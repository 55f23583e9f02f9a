package handover

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/store"
)

// Figure is one figure a check reports (failed jobs, webhook failures) over 7 and 30
// days: the latest value and the worst, "no data" where the check reports it but the
// history holds none, "-" where the check does not report it at all.
type Figure struct {
	// Reported: the check reported the figure in the sweep or the history holds it.
	// A check that never does shows no column for it, not a "no data".
	Reported    bool
	Week, Month string
	// Spark is each day's worst over 30 days, as an SVG polyline's points ("" without data).
	Spark string
}

// noData is what a window with no value of a figure says: a blank would read as zero.
const noData = "no data"

// figure reads one kept figure of check: the newest value of the 30 days first, so a
// check that never reports it costs one seek, then each day's worst.
func figure(h *store.Store, check, name string, now time.Time, sweep map[string]float64) (Figure, error) {
	_, inSweep := sweep[name]
	f := Figure{Reported: inSweep, Week: "-", Month: "-"}
	if inSweep {
		// Reported now but not recorded: say so, a blank would read as zero.
		f.Week, f.Month = noData, noData
	}
	monthStart := now.Add(-30 * 24 * time.Hour)
	v, at, ok, err := h.MetricLatest(check, name, monthStart, now)
	if err != nil || !ok {
		return f, err
	}
	days, err := h.MetricDays(check, name, now, 30)
	if err != nil {
		return f, err
	}
	f.Reported, f.Week = true, noData
	week := days[23:]
	if !at.Before(week[0].Start) {
		f.Week = fmt.Sprintf("latest %s · worst %s", num(v), num(worst(week)))
	}
	f.Month = fmt.Sprintf("latest %s · worst %s", num(v), num(worst(days)))
	f.Spark = sparkWorst(days)
	return f, nil
}

func worst(days []store.MetricDay) float64 {
	w := 0.0
	for _, d := range days {
		if d.Count > 0 && d.Max > w {
			w = d.Max
		}
	}
	return w
}

// num prints a count as a count (17, not 17.000000) and anything else briefly.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// sparkWorst is the points of each day's worst over the days, on a scale from 0 to the
// month's worst; days without a value are left out, so a gap shows as a straight join.
func sparkWorst(days []store.MetricDay) string {
	top := worst(days)
	step := float64(sparkW) / float64(max(1, len(days)-1))
	var b strings.Builder
	for i, d := range days {
		if d.Count == 0 {
			continue
		}
		y := float64(sparkH - sparkPad)
		if top > 0 {
			y -= d.Max / top * (sparkH - 2*sparkPad)
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.1f,%.1f", float64(i)*step, y)
	}
	return visible(b.String())
}

// Month is the 30-day columns' label: it says when the history keeps less than 30 days
// (14 by default), so a "30 d" worst is not read as a month's.
func (p *Pack) Month() string {
	if p.Keeps > 0 && p.Keeps < 30 {
		return fmt.Sprintf("30 d (history keeps %d d)", p.Keeps)
	}
	return "30 d"
}

// ShortHistory is the plain sentence under the dashboard's heading when the history keeps
// less than 30 days; "" when it keeps a month or more.
func (p *Pack) ShortHistory() string {
	if p.Keeps <= 0 || p.Keeps >= 30 {
		return ""
	}
	return fmt.Sprintf("The history keeps %d days (`history.retention_days`), so every 30-day figure covers at most the last %d days.", p.Keeps, p.Keeps)
}

// HasFigures says whether any check reports failed jobs or webhook failures.
func (p *Pack) HasFigures() bool {
	for _, d := range p.Dashboard {
		if d.Figures() {
			return true
		}
	}
	return false
}
