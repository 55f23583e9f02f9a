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
