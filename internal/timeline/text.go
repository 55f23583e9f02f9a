package timeline

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/store"
)

// WriteText prints the stream as `launchready timeline` does: one change a line, newest
// first, the time, the pane and the summary, with who made it when someone did. Times are
// in loc; the date is added when the events span more than one day.
func WriteText(w io.Writer, evs []store.Event, loc *time.Location) {
	if len(evs) == 0 {
		fmt.Fprintln(w, "no changes in this window")
		return
	}
	layout := "15:04:05"
	first, last := evs[len(evs)-1].Time.In(loc), evs[0].Time.In(loc)
	if first.YearDay() != last.YearDay() || first.Year() != last.Year() {
		layout = "2 Jan 15:04:05"
	}
	for _, e := range evs {
		line := fmt.Sprintf("%s  %-9s  %s", e.Time.In(loc).Format(layout), e.Pane, e.Summary)
		if e.Who != "" && !strings.Contains(e.Summary, e.Who) {
			line += " (by " + e.Who + ")"
		}
		fmt.Fprintln(w, line)
	}
}
