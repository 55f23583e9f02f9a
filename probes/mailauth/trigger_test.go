package mailauth

import (
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
)

// TestTriggers: a trigger defaults to the first inbox and the round trip's wait; each
// problem is reported at its key with a fix.
func TestTriggers(t *testing.T) {
	t.Parallel()
	checks, err := build(t, `email:
  inboxes:
    - {name: gmail, provider: gmail, username: lr.test@gmail.com, password: env:GMAIL_APP}
    - {name: work, provider: outlook, username: lr@acme.example, password: env:W}
  roundtrip: {wait: 90s}
  triggers:
    - {name: Reset, check: password reset, subject: Reset your password, from: no-reply@acme.example}
    - {name: invite, check: invite, subject: "You're invited", inbox: work, wait: 5m}
`)
	if err != nil {
		t.Fatal(err)
	}
	c := ConfigOf(checks)
	r, ok := c.TriggerNamed("reset")
	if !ok || r.Inbox != "gmail" || r.Wait != 90*time.Second || r.Check != "password reset" {
		t.Errorf("reset: %+v %v", r, ok)
	}
	if i, _ := c.TriggerNamed("invite"); i.Inbox != "work" || i.Wait != 5*time.Minute {
		t.Errorf("invite: %+v", i)
	}
	if _, ok := c.TriggerNamed("receipt"); ok {
		t.Error("receipt is not configured")
	}

	_, err = build(t, `email:
  inboxes:
    - {name: gmail, provider: gmail, username: lr.test@gmail.com, password: env:GMAIL_APP}
  triggers:
    - name: welcome
      subject: Hi
    - name: reset
      check: reset
      subject: Reset
      from: not-an-address
      inbox: yahoo
      wait: 1h
`)
	ce, ok := err.(config.Errors)
	if !ok {
		t.Fatalf("error %T %v, want config.Errors", err, err)
	}
	want := map[string]int{ // the top-level keys take 4 lines
		"email.triggers[0].name":  9,
		"email.triggers[0].check": 9,
		"email.triggers[1].from":  14,
		"email.triggers[1].inbox": 15,
		"email.triggers[1].wait":  16,
	}
	got := map[string]int{}
	for _, e := range ce {
		got[e.Path] = e.Line
		if e.Fix == "" {
			t.Errorf("%s: no fix: %s", e.Path, e.Msg)
		}
	}
	for p, line := range want {
		if l, ok := got[p]; !ok || l != line {
			t.Errorf("%s: line %d (present %v), want %d; all: %v", p, l, ok, line, ce)
		}
	}
	if len(ce) != len(want) {
		t.Errorf("%d errors, want %d: %v", len(ce), len(want), ce)
	}
}
