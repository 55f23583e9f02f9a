package probes

import (
	"slices"
	"testing"
)

func TestRankBySeverityThenImpact(t *testing.T) {
	t.Parallel()
	fs := []Finding{
		{ID: "a", Severity: High, Impact: Trust},
		{ID: "b", Severity: Critical, Impact: Revenue},
		{ID: "c", Severity: Low, Impact: Revenue},
		{ID: "d", Severity: Critical, Impact: DataExposure},
		{ID: "e", Severity: High, Impact: Onboarding},
		{ID: "f", Severity: High, Impact: DataExposure},
		{ID: "g", Severity: High, Impact: Revenue},
		{ID: "h", Severity: Critical, Impact: Support},
	}
	SortFindings(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.ID)
	}
	// Data exposure leads among criticals; otherwise revenue > onboarding > data exposure
	// > support > trust within a severity.
	want := []string{"d", "b", "h", "g", "e", "f", "a", "c"}
	if !slices.Equal(got, want) {
		t.Errorf("rank order %v, want %v", got, want)
	}
}

func TestParseSeverityAndPanes(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"critical", "HIGH", " medium ", "low", "info"} {
		if _, err := ParseSeverity(s); err != nil {
			t.Errorf("ParseSeverity(%q): %v", s, err)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity accepted severe")
	}
	ps, err := ParsePanes("dns, certs,endpoints")
	if err != nil || !slices.Equal(ps, []Pane{PaneDNS, PaneTLS, PaneEndpoints}) {
		t.Errorf("ParsePanes = %v, %v", ps, err)
	}
	if _, err := ParsePanes("dns,bogus"); err == nil {
		t.Error("ParsePanes accepted bogus")
	}
}

func TestStatusAndOverall(t *testing.T) {
	t.Parallel()
	if StatusFor(nil) != StatusOK || StatusFor([]Finding{{Severity: Medium}}) != StatusWarn ||
		StatusFor([]Finding{{Severity: Info}}) != StatusOK || StatusFor([]Finding{{Severity: Low}, {Severity: High}}) != StatusFail {
		t.Error("StatusFor")
	}
	cases := []struct {
		res  []Result
		want State
	}{
		{nil, StateUnknown},
		{[]Result{{Status: StatusOK}}, StateReady},
		{[]Result{{Status: StatusError}}, StateAtRisk},
		{[]Result{{Findings: []Finding{{Severity: High}}}}, StateAtRisk},
		{[]Result{{Findings: []Finding{{ID: "http.unreachable", Severity: Critical}}}}, StateDown},
	}
	for _, c := range cases {
		if got := Overall(c.res); got != c.want {
			t.Errorf("Overall(%v) = %s, want %s", c.res, got, c.want)
		}
	}
}

// TestSeverityIcon: the marks every output shows beside a severity, so none rests on
// colour alone.
func TestSeverityIcon(t *testing.T) {
	want := map[Severity]string{Critical: "✖", High: "▲", Medium: "·", Low: "·", Info: "i", Severity(9): "?"}
	for s, icon := range want {
		if got := s.Icon(); got != icon {
			t.Errorf("%v.Icon() = %q, want %q", s, got, icon)
		}
	}
}
