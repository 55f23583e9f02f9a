package handover

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/audit"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/owners"
	"github.com/launchready/launchready/internal/report"
	"github.com/launchready/launchready/internal/roundtrip"
	"github.com/launchready/launchready/probes/mailauth"
)

// TestEmailChecklistShowsTheLastVerifyAndRoundTrip: the state folder's last email verify
// is a line of the checklist (verdict, when, the From domain and the results), and the
// last round trip is its inbox-by-inbox table in the Markdown; with neither, the pack says
// they were never run.
func TestEmailChecklistShowsTheLastVerifyAndRoundTrip(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	cfg, err := config.Parse([]byte("product: Acme\ndomain: acme.example\ncanonical_url: https://acme.example/\nhosts:\n  - {name: acme.example, a: [192.0.2.1]}\n"), "launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	own, _ := owners.Decode(cfg)
	rep := report.New("Acme", "acme.example", now, time.Second, nil)
	build := func(state string) string {
		p, err := Build(Input{Config: cfg, Owners: own, Report: rep, StateDir: state, Now: now,
			Audit: audit.Build(audit.Input{Product: "Acme", Domain: "acme.example", Report: rep, Now: now})})
		if err != nil {
			t.Fatal(err)
		}
		var md bytes.Buffer
		if err := p.WriteMarkdown(&md); err != nil {
			t.Fatal(err)
		}
		return md.String()
	}
	empty := build(t.TempDir())
	if !strings.Contains(empty, "- email verify: never run") || !strings.Contains(empty, "- round trip: never run") || strings.Contains(empty, "| Inbox | Mail |") {
		t.Errorf("nothing recorded:\n%s", empty)
	}

	state := t.TempDir()
	v := &mailauth.MessageVerdict{FromDomain: "acme.example", DMARC: mailauth.DMARCVerdict{Result: "fail", Disposition: "reject"},
		DKIM: []mailauth.SignatureVerdict{{Domain: "acme.example", Selector: "lr1", Result: "fail", Aligned: true}}}
	if err := mailauth.RecordVerify(state, now.Add(-2*time.Hour), v); err != nil {
		t.Fatal(err)
	}
	rt := &roundtrip.Report{Started: now.Add(-time.Hour), Inboxes: []roundtrip.Result{{Inbox: "gmail", Status: roundtrip.StatusSpam, Folder: "[Gmail]/Spam"}}}
	if err := roundtrip.Save(state, rt); err != nil {
		t.Fatal(err)
	}
	md := build(state)
	for _, want := range []string{
		"- email verify: FAILED 2026-12-07 10:00 UTC: DMARC fail (policy reject) for acme.example · DKIM fail d=acme.example s=lr1 aligned · SPF not evaluated (no sending IP)",
		"The last email round trip, inbox by inbox:\n\n| Inbox | Mail | When | Folder |",
		"| gmail | test message | 2026-12-07 11:00 UTC | **spam** ([Gmail]/Spam) |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "keeps no record") {
		t.Errorf("the pack still says email verify keeps no record")
	}
}
