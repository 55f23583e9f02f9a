package tui

import (
	"fmt"
	"strings"

	"github.com/launchready/launchready/internal/launchbar"
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
			bad = append(bad, launchbar.HostOf(r.Target)+" "+what)
		default:
			ok++
		}
	}
	var eps string
	switch {
	case len(b.checksIn(probes.PaneEndpoints)) == 0:
		eps = st.dim.Render("endpoints: none configured")
	case looked == 0:
		eps = st.dim.Render("endpoints not looked at yet")
	default:
		eps = "endpoints"
		if ok > 0 {
			eps += " " + st.good.Render(fmt.Sprintf("✔ %d ok", ok))
		}
		if len(bad) > 0 {
			eps += " " + st.bad.Render(fmt.Sprintf("✖ %d failing:", len(bad))) + " " + strings.Join(bad, st.dim.Render(" · "))
		}
	}
	var errs string
	if p.errorsKnown {
		switch n := len(p.newErrors); n {
		case 0:
			errs = st.good.Render("errors: ✔ no new groups")
		default:
			errs = st.bad.Render(fmt.Sprintf("errors: ✖ %s", plural(n, "new group"))) + " " + p.newErrors[n-1]
		}
	}
	head := " " + st.bold.Render("Since "+clock(s.started)+":") + " "
	if errs == "" {
		return clipLine(head+eps, w)
	}
	// The error groups keep their place; the endpoints give way.
	sep := st.dim.Render(" · ")
	room := w - widthOf(head) - widthOf(sep) - min(widthOf(errs), w/2)
	return clipLine(head+fitCell(eps, max(10, min(room, widthOf(eps))), false)+sep+errs, w)
}
