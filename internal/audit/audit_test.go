package audit

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/report"
	"github.com/launchready/launchready/probes"
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
