package probes

import (
	"strings"
	"testing"
)

type noteData struct{ Note string }

func (d noteData) MapText(f func(string) string) any { d.Note = f(d.Note); return d }

// TestMapTextReachesEveryTextAndCopies: every free text field and a TextMapper's Data are
// mapped, the check's name is not, and the caller's findings and evidence stay as they
// were (other subscribers share them).
func TestMapTextReachesEveryTextAndCopies(t *testing.T) {
	const s = "SECRET"
	in := Result{Check: "http " + s, Summary: s, Err: s, Target: s, Data: noteData{s},
		Findings: []Finding{{Target: s, Title: s, Detail: s, Observed: s, Expected: s, Fix: s, Evidence: []string{s, "ok"}}}}
	out := in.MapText(func(x string) string { return strings.ReplaceAll(x, s, "x") })
	f := out.Findings[0]
	for name, v := range map[string]string{"summary": out.Summary, "err": out.Err, "target": out.Target,
		"finding target": f.Target, "title": f.Title, "detail": f.Detail, "observed": f.Observed,
		"expected": f.Expected, "fix": f.Fix, "evidence": f.Evidence[0], "data": out.Data.(noteData).Note} {
		if v != "x" {
			t.Errorf("%s = %q, want it mapped", name, v)
		}
	}
	if out.Check != in.Check || f.Evidence[1] != "ok" {
		t.Errorf("check name or other evidence changed: %q %q", out.Check, f.Evidence[1])
	}
	if in.Findings[0].Detail != s || in.Findings[0].Evidence[0] != s {
		t.Error("MapText changed the caller's findings in place")
	}
}
