package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"

	"github.com/launchready/launchready/probes"
)

func sample() *Report {
	results := []probes.Result{
		{Check: "http app", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://app/", Status: probes.StatusOK, Summary: "200 OK", Latency: 12 * time.Millisecond},
		{Check: "http api", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://api/", Status: probes.StatusFail, Summary: "503",
			Findings: []probes.Finding{
				{ID: "http.slow", Pane: probes.PaneEndpoints, Severity: probes.Low, Impact: probes.Revenue, Title: "slow"},
				{ID: "http.server-error", Pane: probes.PaneEndpoints, Severity: probes.Critical, Impact: probes.Revenue, Title: "API answers 503", Fix: "roll back", Evidence: []string{"GET https://api/ -> 503"}},
			}},
		{Check: "dns x", Kind: "dns", Pane: probes.PaneDNS, Status: probes.StatusError, Err: "probe crashed"},
	}
	return New("Acme", "acme.example", time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC), 40*time.Millisecond, results)
}

func TestReportRanksAndCounts(t *testing.T) {
	t.Parallel()
	r := sample()
	if r.Findings[0].ID != "http.server-error" || r.Counts.Critical != 1 || r.Counts.Low != 1 || r.Counts.CheckErrors != 1 || r.Counts.Checks != 3 {
		t.Errorf("report: %+v", r)
	}
	if r.Checks[0].Pane != probes.PaneDNS {
		t.Errorf("checks not grouped in pane order: %v", r.Checks)
	}
	if r.AtOrAbove(probes.Critical) != 1 || r.AtOrAbove(probes.Low) != 2 || r.AtOrAbove(probes.Info) != 2 {
		t.Error("AtOrAbove")
	}
	if r.State != probes.StateDown {
		t.Errorf("state %s", r.State)
	}
}

// TestJSONFieldsAreStable pins the documented field names: scripts depend on them.
func TestJSONFieldsAreStable(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := sample().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "product", "domain", "state", "started", "duration_ms", "counts", "findings", "checks"} {
		if _, ok := m[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	f := m["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "pane", "check", "target", "severity", "impact", "title", "detail", "observed", "expected", "fix", "evidence"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding lacks %q", k)
		}
	}
	if f["severity"] != "critical" || f["impact"] != "revenue" {
		t.Errorf("severity and impact must be words: %v %v", f["severity"], f["impact"])
	}
	c := m["checks"].([]any)[1].(map[string]any)
	for _, k := range []string{"check", "kind", "pane", "target", "status", "summary", "latency_ms", "findings"} {
		if _, ok := c[k]; !ok {
			t.Errorf("check lacks %q", k)
		}
	}
}

func TestTextColourFollowsTheProfile(t *testing.T) {
	t.Parallel()
	var plain, colour bytes.Buffer
	if err := sample().WriteText(&colorprofile.Writer{Forward: &plain, Profile: colorprofile.NoTTY}, false, 0); err != nil {
		t.Fatal(err)
	}
	if err := sample().WriteText(&colorprofile.Writer{Forward: &colour, Profile: colorprofile.ANSI256}, false, 0); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") || !strings.Contains(colour.String(), "\x1b[") {
		t.Error("colour must appear on a colour terminal and nowhere else")
	}
	for _, want := range []string{"DOWN", "✖ CRITICAL", "API answers 503", "fix: roll back", "could not run: probe crashed", "GET https://api/ -> 503"} {
		if !strings.Contains(plain.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, plain.String())
		}
	}
}

// TestOneFindingPerProblem: two sending domains inheriting one DMARC record report the
// same finding; the report lists and counts it once, and says which checks raised it, in
// the JSON (raised_by) and in the text.
func TestOneFindingPerProblem(t *testing.T) {
	t.Parallel()
	noRUA := func(check string) probes.Finding {
		return probes.Finding{ID: "email.dmarc-no-rua", Pane: probes.PaneEmail, Check: check, Target: "_dmarc.acme.example",
			Severity: probes.Medium, Impact: probes.Onboarding, Title: "DMARC has no rua: no reports, so failures go unseen"}
	}
	results := []probes.Result{
		{Check: "email acme.example", Kind: "email", Pane: probes.PaneEmail, Status: probes.StatusWarn, Findings: []probes.Finding{noRUA("email acme.example")}},
		{Check: "email news.acme.example", Kind: "email", Pane: probes.PaneEmail, Status: probes.StatusWarn, Findings: []probes.Finding{noRUA("email news.acme.example")}},
	}
	r := New("Acme", "acme.example", time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC), time.Second, results)
	if len(r.Findings) != 1 || r.Counts.Medium != 1 || r.AtOrAbove(probes.Medium) != 1 {
		t.Fatalf("%d findings, %d medium: want the one problem once", len(r.Findings), r.Counts.Medium)
	}
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings []struct {
			RaisedBy []string `json:"raised_by"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Findings[0].RaisedBy; len(got) != 2 || got[0] != "email acme.example" || got[1] != "email news.acme.example" {
		t.Errorf("raised_by %v", got)
	}
	b.Reset()
	if err := r.WriteText(&colorprofile.Writer{Forward: &b, Profile: colorprofile.NoTTY}, false, 0); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "DMARC has no rua"); n != 2 { // the risk line and the email section
		t.Errorf("the title appears %d times, want 2 (risk list, email pane):\n%s", n, b.String())
	}
	if !strings.Contains(b.String(), "raised by email acme.example, email news.acme.example") {
		t.Errorf("text does not say which checks raised it:\n%s", b.String())
	}
}
