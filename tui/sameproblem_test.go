package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// TestOneRiskPerProblem: two sending domains inheriting one DMARC record both report it;
// the risk list, the header and the detail show one problem raised by both checks, and it
// keeps its age while either still reports it.
func TestOneRiskPerProblem(t *testing.T) {
	t.Parallel()
	m, clk, _ := newTestModel(t, "")
	size(m, 120, 40)
	email := func(domain string, at time.Time, withFinding bool) probes.Result {
		r := probes.Result{Check: "email " + domain, Kind: "email", Pane: probes.PaneEmail, Target: domain,
			Status: probes.StatusOK, Summary: "DMARC p=none no rua", Started: at, Latency: time.Second}
		if withFinding {
			r.Status = probes.StatusWarn
			r.Findings = []probes.Finding{{ID: "email.dmarc-no-rua", Pane: probes.PaneEmail, Check: r.Check, Target: "_dmarc.acme.example",
				Severity: probes.Medium, Impact: probes.Onboarding, Title: "DMARC has no rua: no reports, so failures go unseen",
				Evidence: []string{`_dmarc.acme.example TXT "v=DMARC1; p=none"`}}}
		}
		return r
	}
	start := frozen.Add(-10 * time.Minute)
	clk.Set(start)
	m.Update(ResultsMsg{email("acme.example", start, true), email("news.acme.example", start, true)})
	var fs []probes.Finding
	for _, f := range m.sh.board.findings() {
		if f.ID == "email.dmarc-no-rua" {
			fs = append(fs, f)
		}
	}
	if len(fs) != 1 || strings.Join(fs[0].RaisedBy, ",") != "email acme.example,email news.acme.example" {
		t.Fatalf("risk list has %d entries for the one problem: %+v", len(fs), fs)
	}
	screen := plain(m)
	// Once in the risk list, once as the launch bar's reason (with no "+1 more").
	if n := strings.Count(screen, "MEDIUM   onboarding"); n != 1 || strings.Contains(screen, "more)") {
		t.Errorf("the overview shows the problem %d times, want once:\n%s", n, screen)
	}
	if !strings.Contains(screen, "· 1 medium") {
		t.Errorf("the header counts the problem more than once:\n%s", screen)
	}
	// The news domain gets its own record; the organisational one is still wrong.
	clk.Set(frozen)
	m.Update(ResultsMsg{email("news.acme.example", frozen, false)})
	f := m.sh.board.findings()[0]
	if f.Key() != "email.dmarc-no-rua _dmarc.acme.example" || len(f.RaisedBy) != 1 {
		t.Fatalf("after news stops reporting it: %+v", f)
	}
	if age := m.sh.board.age(f); age != 10*time.Minute {
		t.Errorf("age %s, want 10m: the problem never went away", age)
	}
	m.Update(ResultsMsg{email("news.acme.example", frozen, true)})
	press(m, "g", "enter")
	if d := plain(m); !strings.Contains(d, "raised by email acme.example, email news.acme.example") {
		t.Errorf("the detail does not name both checks:\n%s", d)
	}
}
