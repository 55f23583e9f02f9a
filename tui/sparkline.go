package tui

import "strings"

var sparkBars = []rune("▁▂▃▄▅▆▇█")

// sparkline draws the newest w values as bars scaled from zero (or the minimum, when a
// value is negative) to the maximum, so a bar's height says how big a value is, not only
// how it compares with its neighbours: 17 failed jobs in a row is a wall, not a flat
// calm line.
func sparkline(vals []float64, w int) string {
	if w <= 0 || len(vals) == 0 {
		return ""
	}
	if len(vals) > w {
		vals = vals[len(vals)-w:]
	}
	lo, hi := min(0, vals[0]), vals[0]
	for _, v := range vals {
		lo, hi = min(lo, v), max(hi, v)
	}
	var b strings.Builder
	b.Grow(len(vals) * 3)
	for _, v := range vals {
		i := 0
		if hi > lo {
			i = int((v - lo) / (hi - lo) * float64(len(sparkBars)-1))
		}
		b.WriteRune(sparkBars[max(0, min(i, len(sparkBars)-1))])
	}
	return b.String()
}
