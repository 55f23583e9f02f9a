package probes

import (
	"slices"
	"testing"
)

// TestRiskListOneFindingPerProblem: two sending domains inheriting one DMARC record both
// report it; the risk list has it once, raised by both checks, with the evidence of both,
// and the results it read are left as they were.
func TestRiskListOneFindingPerProblem(t *testing.T) {
	t.Parallel()
	dmarc := func(check, ev string, sev Severity) Finding {
		return Finding{ID: "email.dmarc-no-rua", Check: check, Target: "_dmarc.acme.example", Severity: sev,
			Impact: Onboarding, Pane: PaneEmail, Evidence: []string{"_dmarc.acme.example TXT \"v=DMARC1; p=none\"", ev}}
	}
	results := []Result{
		{Check: "email acme.example", Findings: []Finding{
			dmarc("email acme.example", "seen for acme.example", Medium),
			{ID: "email.spf-too-many-lookups", Check: "email acme.example", Target: "acme.example", Severity: High, Impact: Onboarding, Pane: PaneEmail},
		}},
		{Check: "email news.acme.example", Findings: []Finding{
			dmarc("email news.acme.example", "seen for news.acme.example", High),
			// Same id, another target: another problem.
			{ID: "email.dmarc-no-rua", Check: "email news.acme.example", Target: "_dmarc.news.acme.example", Severity: Medium, Pane: PaneEmail},
		}},
	}
	before := slices.Clone(results[0].Findings[0].Evidence)
	got := RiskList(results)
	var keys []string
	for _, f := range got {
		keys = append(keys, f.Key())
	}
	// Both high and of one impact: by target, and the merged entry ranks as high.
	want := []string{"email.dmarc-no-rua _dmarc.acme.example", "email.spf-too-many-lookups acme.example", "email.dmarc-no-rua _dmarc.news.acme.example"}
	if !slices.Equal(keys, want) {
		t.Fatalf("risk list %v, want %v", keys, want)
	}
	m := got[0]
	// The worst report leads: news's is high, so it is the entry, and acme's check follows.
	if m.Severity != High || m.Check != "email news.acme.example" || !slices.Equal(m.RaisedBy, []string{"email news.acme.example", "email acme.example"}) {
		t.Errorf("merged: severity %s, check %q, raised by %v", m.Severity, m.Check, m.RaisedBy)
	}
	if len(m.Evidence) != 3 {
		t.Errorf("evidence of both, each line once: %q", m.Evidence)
	}
	for _, i := range []int{1, 2} {
		if len(got[i].RaisedBy) != 1 || got[i].RaisedBy[0] != got[i].Check {
			t.Errorf("%s: raised by %v, want its own check", got[i].Key(), got[i].RaisedBy)
		}
	}
	if !slices.Equal(results[0].Findings[0].Evidence, before) || results[1].Findings[0].RaisedBy != nil {
		t.Error("RiskList changed the results it read")
	}
	// Adding to one entry's checks never shows in another's.
	got[1].RaisedBy = append(got[1].RaisedBy, "x")
	if got[2].RaisedBy[0] != "email news.acme.example" {
		t.Error("entries share RaisedBy storage")
	}
	if RiskList(nil) == nil || len(RiskList(nil)) != 0 {
		t.Error("no results: want an empty, non-nil list (the JSON report writes [])")
	}
}
