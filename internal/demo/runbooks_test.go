package demo

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/runbook"
)

// answers is a prompter for the demo's deploy: the default release, a token, yes, and
// roll back when a step fails.
type answers struct{ token string }

func (a answers) Confirm(context.Context, runbook.ConfirmRequest) (runbook.Reply, error) {
	return runbook.Reply{Yes: true}, nil
}

func (a answers) Input(_ context.Context, r runbook.InputRequest) (runbook.Reply, error) {
	if r.Secret {
		return runbook.Reply{Value: a.token}, nil
	}
	return runbook.Reply{}, nil
}

func (a answers) Choose(_ context.Context, r runbook.ChoiceRequest) (runbook.Reply, error) {
	return runbook.Reply{Choice: runbook.RollBack}, nil
}

// TestDemoDeployFailsOnTheDemoLabAndSucceedsOnTheHealthyOne runs the demo's deploy with the
// real engine against the real lab: in the demo scenario the API answers 503, the check
// never passes and the deploy is rolled back; in the healthy one it succeeds. The other
// demo runbooks load and validate against the demo's config.
func TestDemoDeployFailsOnTheDemoLabAndSucceedsOnTheHealthyOne(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		scenario, want string
	}{{"demo", runbook.StatusRolledBack}, {"healthy", runbook.StatusSucceeded}} {
		t.Run(c.scenario, func(t *testing.T) {
			t.Parallel()
			s, err := setup.Open(setup.Options{Lab: c.scenario, StateFlag: t.TempDir(), Getenv: func(string) (string, bool) { return "", false }})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			dir := t.TempDir()
			if err := WriteRunbooks(dir); err != nil {
				t.Fatal(err)
			}
			env := runbook.Env{Checks: s.Checks, Net: s.Net, Now: time.Now}
			rbs, err := runbook.LoadDir(dir, env)
			if err != nil {
				t.Fatalf("the demo's runbooks do not load against the demo's config: %v", err)
			}
			var names []string
			for _, rb := range rbs {
				names = append(names, rb.Name)
			}
			if strings.Join(names, " ") != "deploy rollback rotate-secret" {
				t.Fatalf("demo runbooks %v", names)
			}
			deploy, _ := runbook.Find(rbs, "deploy")
			const token = "demo-T0ken-planted"
			var events []runbook.Event
			e := runbook.New(runbook.Options{Store: runbook.NewStore(s.StateDir), Env: env, Prompter: answers{token: token},
				Getenv: func(string) (string, bool) { return "", false }, Environ: []string{"PATH=" + os.Getenv("PATH")},
				Observe: func(ev runbook.Event) { events = append(events, ev) }})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			out, err := e.Run(ctx, deploy)
			if err != nil {
				t.Fatal(err)
			}
			if out.Status != c.want {
				t.Fatalf("the demo deploy on the %s lab ended %s, want %s", c.scenario, out.Status, c.want)
			}
			raw, _ := os.ReadFile(out.Transcript)
			if strings.Contains(string(raw), token) || !strings.Contains(string(raw), "[redacted DEPLOY_TOKEN]") {
				t.Errorf("the token must be redacted from the transcript, and the deploy prints it to prove it")
			}
			polls := 0
			for _, ev := range events {
				if ev.Type == runbook.CheckPoll && ev.Poll != nil {
					polls++
					if c.scenario == "demo" && (ev.Poll.OK || !strings.Contains(ev.Poll.Summary, "503")) {
						t.Errorf("on the demo lab every look at the API should see its 503: %+v", ev.Poll)
					}
				}
			}
			if polls < 3 {
				t.Errorf("the check looked %d times, want at least 3", polls)
			}
		})
	}
}
