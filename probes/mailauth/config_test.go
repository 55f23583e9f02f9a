package mailauth

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

const top = "domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts:\n  - {name: app.acme.example, role: app}\n"

func build(t *testing.T, text string) ([]probes.Check, error) {
	t.Helper()
	cfg, err := config.Parse([]byte(top+text), filepath.Join(t.TempDir(), "launchready.yaml"))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return Kind.Build(probes.Env{Config: cfg})
}

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	checks, err := build(t, "")
	if err != nil || len(checks) != 1 {
		t.Fatalf("no email section: %v, %d checks", err, len(checks))
	}
	c := ConfigOf(checks)
	if c.FromDomain != "acme.example" || c.ReturnPathDomain != "acme.example" || c.MinDMARCPolicy != "none" || c.Interval != defaultInterval {
		t.Errorf("defaults %+v", c)
	}
	if checks[0].Info().Name != "email acme.example" || checks[0].Info().Pane != probes.PaneEmail {
		t.Errorf("info %+v", checks[0].Info())
	}
	checks, err = build(t, "email:\n  domains: [Acme.Example., news.acme.example]\n  smtp: {host: smtp.acme.example, tls: implicit, username: u@acme.example, password: env:X}\n")
	if err != nil || len(checks) != 2 {
		t.Fatalf("two domains: %v", err)
	}
	c = ConfigOf(checks)
	if c.Domains[0] != "acme.example" || c.SMTP.Port != 465 || c.SMTP.From != "launchready@acme.example" || c.SMTP.Password.Ref != "env:X" {
		t.Errorf("normalised %+v", c)
	}
}

// TestConfigErrors: every problem in the section at once, each at its line, and a literal
// password refused without being repeated.
func TestConfigErrors(t *testing.T) {
	t.Parallel()
	_, err := build(t, `email:
  domains: ["https://acme.example/"]
  sending_ips: [192.0.2.10, not-an-ip]
  dkim_selectors: [lr1._domainkey.acme.example]
  min_dmarc_policy: strict
  approved_senders: ["include:_spf.ok.example", "bad domain"]
  test_recipient: nobody
  smtp:
    host: smtp.acme.example
    tls: plain
    username: u@acme.example
`)
	ce, ok := err.(config.Errors)
	if !ok {
		t.Fatalf("error %T %v, want config.Errors", err, err)
	}
	want := map[string]int{ // path -> line in the file (the top-level keys take 4 lines)
		"email.domains[0]":          6,
		"email.sending_ips[1]":      7,
		"email.dkim_selectors[0]":   8,
		"email.min_dmarc_policy":    9,
		"email.approved_senders[1]": 10,
		"email.test_recipient":      11,
		"email.smtp.tls":            14,
		"email.smtp.password":       0,
	}
	got := map[string]int{}
	for _, e := range ce {
		got[e.Path] = e.Line
		if e.Fix == "" {
			t.Errorf("%s: no fix: %s", e.Path, e.Msg)
		}
	}
	for p, line := range want {
		l, ok := got[p]
		if !ok || (line != 0 && l != line) {
			t.Errorf("%s: line %d (present %v), want %d; all: %v", p, l, ok, line, ce)
		}
	}
	_, err = build(t, "email:\n  smtp:\n    host: smtp.acme.example\n    password: hunter2-literal\n")
	if err == nil || strings.Contains(err.Error(), "hunter2-literal") || !strings.Contains(err.Error(), "email.smtp.password") {
		t.Errorf("literal password: %v", err)
	}
	_, err = build(t, "email:\n  domainz: [acme.example]\n")
	if err == nil || !strings.Contains(err.Error(), `did you mean "domains"`) || !strings.Contains(err.Error(), ":6:") {
		t.Errorf("unknown key: %v", err)
	}
}
