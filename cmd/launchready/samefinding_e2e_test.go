package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The demo's news.acme.example has no DMARC record and inherits acme.example's (p=none, no
// rua): both email checks report the same two findings at _dmarc.acme.example.
var inheritedDMARC = []string{"email.dmarc-no-rua", "email.dmarc-policy-none"}

// TestCheckListsAnInheritedDMARCFindingOnce: check against the demo lists and counts each
// inherited DMARC finding once, raised by both email checks, in JSON and in text.
func TestCheckListsAnInheritedDMARCFindingOnce(t *testing.T) {
	t.Parallel()
	out, stderr, _ := launch(t, nil, "check", "--lab", "--only", "email", "--json")
	var rep struct {
		Findings []struct {
			ID       string   `json:"id"`
			Target   string   `json:"target"`
			RaisedBy []string `json:"raised_by"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s%s", err, out, stderr)
	}
	for _, id := range inheritedDMARC {
		n := 0
		for _, f := range rep.Findings {
			if f.ID != id {
				continue
			}
			n++
			if f.Target != "_dmarc.acme.example" || strings.Join(f.RaisedBy, ", ") != "email acme.example, email news.acme.example" {
				t.Errorf("%s at %s raised by %v, want both email checks", id, f.Target, f.RaisedBy)
			}
		}
		if n != 1 {
			t.Errorf("%s is listed %d times, want once", id, n)
		}
	}
	text, _, _ := launch(t, nil, "check", "--lab", "--only", "email")
	for _, title := range []string{"DMARC has no rua: no reports", "DMARC p=none: monitoring only"} {
		// Once in the risk list, once in the email pane's findings.
		if n := strings.Count(text, title); n != 2 {
			t.Errorf("%q appears %d times, want 2:\n%s", title, n, text)
		}
	}
	if n := strings.Count(text, "raised by email acme.example, email news.acme.example"); n != 2 {
		t.Errorf("the text names both checks for %d findings, want 2:\n%s", n, text)
	}
}

// TestDemoConsoleShowsAnInheritedDMARCFindingOnce: in `launchready demo` the risk list has
// one row for the inherited DMARC finding, and its detail names both checks.
func TestDemoConsoleShowsAnInheritedDMARCFindingOnce(t *testing.T) {
	t.Parallel()
	s := newTmux(t)
	s.start(120, 40, binary+" demo --interval 3s --log-every 0 --state "+t.TempDir())
	s.waitFor("the first frame", 30*time.Second, "Launch Ready", "Risks, by business impact")
	s.keys("/", "DMARC has no rua", "Enter")
	s.waitFor("the filtered risk list", 45*time.Second, "_dmarc.acme.example")
	s.keys("Enter")
	// The detail follows the risk list, so it names both checks once both have reported.
	s.waitFor("the detail naming both checks", 45*time.Second, "raised by email acme.example, email news.acme.example")
	s.keys("Escape")
	screen := s.waitFor("the filtered risk list again", 5*time.Second, "_dmarc.acme.example")
	if n := strings.Count(screen, "MEDIUM   onboarding"); n != 1 {
		t.Errorf("the risk list has %d rows for the one problem:\n%s", n, screen)
	}
	s.keys("q")
}
