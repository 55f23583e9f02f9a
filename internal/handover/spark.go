package handover

import (
	"fmt"
	"strings"

	"github.com/launchready/launchready/internal/store"
)

// Sparkline geometry: a polyline in a 120x24 box, one point a day, drawn by us (no
// charting library, no script): the HTML stays one small file that prints.
const (
	sparkW, sparkH = 120, 24
	sparkPad       = 2
)

// spark is the points of daily uptime over the days, "" when no day has data. The scale
// starts just under the worst day (at most 99%), so a 99.9% week is not a flat line at
// the top and a bad day stands out.
func spark(days []store.Day) string {
	floor := 99.0
	any := false
	for _, d := range days {
		if pct, ok := d.Uptime.Percent(); ok {
			any = true
			floor = min(floor, pct)
		}
	}
	if !any {
		return ""
	}
	floor = max(0, floor-1)
	step := float64(sparkW) / float64(max(1, len(days)-1))
	var b strings.Builder
	for i, d := range days {
		pct, ok := d.Uptime.Percent()
		if !ok {
			continue
		}
		y := sparkPad + (100-pct)/(100-floor)*(sparkH-2*sparkPad)
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.1f,%.1f", float64(i)*step, y)
	}
	return visible(b.String())
}

// visible gives a one-point polyline a second point 3 px on: a browser draws nothing for
// a single point, and a history of one day (a fresh install, the lab) would show no line.
func visible(points string) string {
	if points == "" || strings.Contains(points, " ") {
		return points
	}
	var x, y float64
	if _, err := fmt.Sscanf(points, "%g,%g", &x, &y); err != nil {
		return points
	}
	if x+3 > sparkW {
		return fmt.Sprintf("%.1f,%.1f %s", x-3, y, points)
	}
	return fmt.Sprintf("%s %.1f,%.1f", points, x+3, y)
}
