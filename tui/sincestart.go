package tui

import (
	"fmt"
	"strings"

	"github.com/launchready/launchready/probes"
)

// sinceLine is the product as seen since the shown run started: the endpoints checks
// that have looked since then (the failing ones named), and the error groups first seen
// since then when the errors seam is wired. After a deploy it says whether the deploy
// broke something the run's own checks did not look at.
func (p *runbookPane) sinceLine(w int) string {
	st, b := p.sh.st, p.sh.board
	s := p.step
	if s == nil || s.started.IsZero() {
		return ""
	}
	var ok, looked int
	var bad []string
	for _, c := range b.checksIn(probes.PaneEndpoints) {
		r, has := b.result(c.Name)
		if !has || r.Started.Before(s.started) {
			continue
		}
		looked++
		switch r.Status {
		case probes.StatusFail, probes.StatusError:
			what := r.Summary
			if len(r.Findings) > 0 {
				what = r.Findings[0].Title
			}
			if r.Err != "" {
				what = "could not run"
			}
			bad = append(bad, st.bad.Render("✖ "+hostOf(r.Target))+" "+what)
		default:
			ok++
		}
	}
	parts := []string{}
	switch {
	case len(b.checksIn(probes.PaneEndpoints)) == 0:
		parts = append(parts, st.dim.Render("endpoints: none configured"))
	case looked == 0:
		parts = append(parts, st.dim.Render("endpoints not looked at yet"))
	default:
		e := "endpoints"
		if len(bad) > 0 {
			e += " " + strings.Join(bad, " · ")
		}
		if ok > 0 {
			e += " " + st.good.Render(fmt.Sprintf("✔ %d ok", ok))
		}
		parts = append(parts, e)
	}
	if p.errorsKnown {
		switch n := len(p.newErrors); n {
		case 0:
			parts = append(parts, st.good.Render("errors: ✔ no new groups"))
		default:
			parts = append(parts, st.bad.Render(fmt.Sprintf("errors: ✖ %s", plural(n, "new group")))+" "+p.newErrors[n-1])
		}
	}
	return clipLine(" "+st.bold.Render("Since "+clock(s.started)+":")+" "+strings.Join(parts, st.dim.Render(" · ")), w)
}
