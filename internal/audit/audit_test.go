package audit

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/report"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/discovery"
	"github.com/launchready/launchready/probes/registration"
)

func sample() *Audit {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	results := []probes.Result{
		{Check: "tls app", Kind: "tls", Pane: probes.PaneTLS, Target: "app.acme.test", Status: probes.StatusFail, Findings: []probes.Finding{
			{ID: "tls.expiring", Pane: probes.PaneTLS, Target: "app.acme.test", Severity: probes.Low, Impact: probes.Trust, Title: "low one", Fix: "renew"},
		}},
		{Check: "http", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://app.acme.test/", Status: probes.StatusFail, Findings: []probes.Finding{
			{ID: "http.x", Pane: probes.PaneEndpoints, Target: "https://app.acme.test/", Severity: probes.Critical, Impact: probes.Revenue,
				Title: `<script>alert(1)</script><img src="https://evil.test/x.png">`, Observed: "a\nb", Fix: "fix it", Evidence: []string{"</pre><a href=\"//evil.test\">"}},
		}},
		{Check: "registration acme.test", Kind: "registration", Pane: probes.PaneDNS, Target: "acme.test", Status: probes.StatusOK,
			Data: registration.Record{Domain: "acme.test", Registrar: "Reg & Co", Expires: now.Add(40 * 24 * time.Hour)}},
	}
	rep := report.New("Acme <b>", "acme.test", now, time.Second, results)
	return Build(Input{Product: "Acme <b>", Domain: "acme.test", CanonicalURL: "https://app.acme.test/", ConfigSource: "launchready.yaml", Report: rep, Now: now})
}

func TestRisksRankedAndRegistrationRead(t *testing.T) {
	t.Parallel()
	a := sample()
	if len(a.Risks) != 2 || a.Risks[0].Severity != probes.Critical {
		t.Fatalf("risks not ranked: %+v", a.Risks)
	}
	if got := a.Production.RegistrationText(); got != "Reg & Co, expires 2027-01-16 (40 days left), NO transfer lock" {
		t.Errorf("registration: %q", got)
	}
	if a.CopiesChecked || !strings.HasPrefix(a.copiesLines()[0], "not checked") {
		t.Errorf("copies must say they were not checked: %v", a.copiesLines())
	}
}

// TestHTMLEscapesOutsideText: titles and evidence come from the sites and records
// audited; none may become markup in the founder's file.
func TestHTMLEscapesOutsideText(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := sample().WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	h := b.String()
	for _, bad := range []string{"<script>", `<img src="https://evil.test`, `<a href="//evil.test">`, "Acme <b>"} {
		if strings.Contains(h, bad) {
			t.Errorf("html audit holds unescaped %q", bad)
		}
	}
	if !strings.Contains(h, "&lt;script&gt;") || !strings.Contains(h, "Reg &amp; Co") {
		t.Errorf("escaped text missing:\n%s", h)
	}
}

func TestJSONAndMarkdown(t *testing.T) {
	t.Parallel()
	a := sample()
	var j bytes.Buffer
	if err := a.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(j.Bytes(), &back); err != nil || back["schema"] != Schema {
		t.Errorf("json: %v %v", err, back["schema"])
	}
	var m bytes.Buffer
	if err := a.WriteMarkdown(&m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.String(), `\<script\>`) && !strings.Contains(m.String(), "&lt;script&gt;") {
		t.Errorf("markdown does not escape a hostile title:\n%s", m.String())
	}
}

// TestCopiesSection: the copies section lists the sweep's dns.duplicate-copy findings,
// says "none" only when the copies check ran, and says why when it could not.
func TestCopiesSection(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	copyF := probes.Finding{ID: discovery.CopyFindingID, Pane: probes.PaneDNS, Target: "staging.acme.test", Severity: probes.Medium,
		Impact: probes.Onboarding, Title: "staging.acme.test serves a copy of the app",
		Observed: `https://staging.acme.test/ answers 200 with same title ("Acme") and 100% of the HTML`}
	build := func(r probes.Result) *Audit {
		rep := report.New("Acme", "acme.test", now, time.Second, []probes.Result{r})
		return Build(Input{Product: "Acme", Domain: "acme.test", Report: rep, Now: now})
	}
	ran := probes.Result{Check: "copies acme.test", Kind: discovery.CopiesKind.Name, Pane: probes.PaneDNS, Target: "acme.test"}

	found := ran
	found.Findings, found.Status = []probes.Finding{copyF}, probes.StatusWarn
	a := build(found)
	if !a.CopiesChecked || len(a.Copies) != 1 || !strings.Contains(a.copiesLines()[0], "staging.acme.test serves a copy of the app: https://staging.acme.test/ answers 200") {
		t.Errorf("copy found: checked %v, lines %q", a.CopiesChecked, a.copiesLines())
	}
	if len(a.Risks) != 1 {
		t.Errorf("the copy must be a risk too: %+v", a.Risks)
	}

	none := ran
	none.Status = probes.StatusOK
	if a := build(none); !a.CopiesChecked || !strings.HasPrefix(a.copiesLines()[0], "none") {
		t.Errorf("no copy: checked %v, lines %q", a.CopiesChecked, a.copiesLines())
	}

	failed := ran
	failed.Status, failed.Err = probes.StatusError, "could not read the canonical page https://app.acme.test/ to compare copies with: 503"
	if a := build(failed); a.CopiesChecked || !strings.Contains(a.copiesLines()[0], "could not run: could not read the canonical page") {
		t.Errorf("copies check failed: checked %v, lines %q", a.CopiesChecked, a.copiesLines())
	}
}
