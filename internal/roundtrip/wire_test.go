package roundtrip

import (
	"context"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

type stubCheck struct{ info probes.CheckInfo }

func (s *stubCheck) Info() probes.CheckInfo            { return s.info }
func (s *stubCheck) Run(context.Context) probes.Result { return probes.Result{} }

type stubSmoke struct {
	stubCheck
	extra   time.Duration
	wrapped bool
}

func (s *stubSmoke) WrapResetStep(extra time.Duration, wrap func(func(context.Context) probes.Result) func(context.Context) probes.Result) bool {
	s.extra, s.wrapped = extra, wrap(s.Run) != nil
	return true
}

// TestWire: under --lab the round trip runs hourly without email.roundtrip.every, each
// trigger becomes an Email pane check beside the test message's, the smoke flow's reset
// step is wrapped, and every round trip of the session shares one gate. Without --lab the
// same config builds no round-trip check (a real config opts in), though the smoke flow's
// reset step still waits for the mail.
func TestWire(t *testing.T) {
	t.Parallel()
	const text = `domain: acme.example
canonical_url: https://app.acme.example/
environment: lab
hosts: [{name: app.acme.example}]
email:
  smtp: {host: smtp.acme.example, username: lr@acme.example, password: env:LR_SMTP}
  inboxes:
    - {name: member, host: imap.acme.example, username: member@acme.example, password: env:LR_IMAP}
  triggers:
    - {name: reset, check: password reset, subject: Reset your password}
`
	for _, lab := range []bool{true, false} {
		cfg, err := config.Parse([]byte(text), "lr.yaml")
		if err != nil {
			t.Fatal(err)
		}
		env := probes.Env{Config: cfg}
		if lab {
			env.LabDir = t.TempDir()
		}
		built, err := Kind.Build(env)
		if err != nil {
			t.Fatal(err)
		}
		smoke := &stubSmoke{stubCheck: stubCheck{probes.CheckInfo{Name: "smoke", Kind: "smoke"}}}
		reset := &stubCheck{probes.CheckInfo{Name: "password reset", Kind: "endpoint"}}
		checks := Wire(append(built, smoke, reset), env)
		if !smoke.wrapped || smoke.extra < time.Minute {
			t.Errorf("lab %v: the smoke flow's reset step was not wrapped (extra %s)", lab, smoke.extra)
		}
		var names []string
		var gates []*Check
		for _, c := range checks {
			if rc, ok := c.(*Check); ok {
				names = append(names, c.Info().Name)
				gates = append(gates, rc)
				if c.Info().Interval != time.Hour || c.Info().Pane != probes.PaneEmail {
					t.Errorf("%s: every %s in %s", c.Info().Name, c.Info().Interval, c.Info().Pane)
				}
			}
		}
		want := 0
		if lab {
			want = 2
		}
		if len(gates) != want {
			t.Fatalf("lab %v: round-trip checks %v, want %d", lab, names, want)
		}
		if lab && (names[0] != "email round trip" || names[1] != "reset mail" || gates[0].gate == nil || gates[0].gate != gates[1].gate) {
			t.Errorf("checks %v, gates %p %p", names, gates[0].gate, gates[1].gate)
		}
	}
}
