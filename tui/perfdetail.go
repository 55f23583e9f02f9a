package tui

import (
	"fmt"
	"strings"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/perf"
)

// weekSparkWidth is a week's sparkline in a page's detail: one bar per six hours and one
// for this run.
const weekSparkWidth = 29

// weekLabelWidth fits the longest figure's label ("origin requests").
const weekLabelWidth = 15

// perfLines is a Performance page check's own part of its detail: the protocol it was
// served over (HTTP/3 as advertised in Alt-Svc), chromium's own timings (or why there
// are none: "browser checks off: chromium not found"), and its figures against their own week
// in the history, TTFB and weight drawn as sparklines, so "20% over its median" can be
// seen, not only read. Other results have none.
func perfLines(st *styles, r probes.Result, w int) []string {
	d, ok := r.Data.(perf.PageDetail)
	if !ok {
		return nil
	}
	out := []string{" " + st.bold.Render("Protocol")}
	out = append(out, wrap(d.Protocol, w-1, "   ")...)
	out = append(out, "", " "+st.bold.Render("Browser"))
	if d.Browser != nil {
		out = append(out, wrap(d.Browser.String(), w-1, "   ")...)
	} else if d.BrowserNote != "" {
		out = append(out, dimWrap(st, "  "+d.BrowserNote, w)...)
	}
	out = append(out, "", " "+st.bold.Render("Last 7 days"))
	if len(d.Week) == 0 {
		return append(append(out, dimWrap(st, "  no history yet: the week's medians and sparklines appear once this page has been checked for a while (watch keeps them)", w)...), "")
	}
	for _, t := range d.Week {
		label := fmt.Sprintf("   %-*s ", weekLabelWidth, t.Label)
		indent := strings.Repeat(" ", len(label))
		if len(t.Series) > 0 && w >= 60 {
			out = append(out, st.dim.Render(label)+st.spark.Render(sparkline(t.Series, weekSparkWidth)))
			out = append(out, wrap(t.Text, w-1, indent)...)
			continue
		}
		text := wrap(t.Text, w-1, indent)
		text[0] = st.dim.Render(label) + strings.TrimPrefix(text[0], indent)
		out = append(out, text...)
	}
	return append(out, "")
}
