package setup

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/launchbar"
	"github.com/launchready/launchready/internal/load"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/runbook"
)

// TestLoadRunAgainstTheLastDeploy: the launch bar's "Login and signup tested", judged from
// the load record check a real session builds on a state folder. A load run stays good
// evidence after a rotation and after a deploy that failed or was rolled back (the same
// code is served); only a deploy that succeeded after it makes it not met. The deploy is
// the runbook the bar's "Deployment repeatable" item calls the deploy.
func TestLoadRunAgainstTheLastDeploy(t *testing.T) {
	t.Parallel()
	loadAt := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	for _, tc := range []struct {
		name  string
		runs  map[string]string // runbook name → how its run (after the load run) ended
		state launchbar.State
		why   string
	}{
		{"no runbook run", nil, launchbar.Met, "login held 20/s"},
		{"a rotation after the load run", map[string]string{"rotate-secret": runbook.StatusSucceeded}, launchbar.Met, "login held 20/s"},
		{"a deploy after the load run", map[string]string{"deploy": runbook.StatusSucceeded}, launchbar.NotMet, "login load-tested before the last deploy"},
		{"a failed deploy after the load run", map[string]string{"deploy": runbook.StatusAborted}, launchbar.Met, "login held 20/s"},
		{"a rolled-back deploy after the load run", map[string]string{"deploy": runbook.StatusRolledBack}, launchbar.Met, "login held 20/s"},
		// "deploy" is the deploy, as for the bar's deploy item: a canary run is not it.
		{"a canary run beside the deploy", map[string]string{"deploy-canary": runbook.StatusSucceeded}, launchbar.Met, "login held 20/s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			state := t.TempDir()
			dir := t.TempDir()
			for _, name := range []string{"deploy", "deploy-canary", "rotate-secret"} {
				rb := "name: " + name + "\nsteps:\n  - name: Ship\n    run: \"true\"\n"
				writeFile(t, filepath.Join(dir, "runbooks", name+".yaml"), rb)
			}
			cfg := filepath.Join(dir, "launchready.yaml")
			writeFile(t, cfg, "domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts:\n  - {name: app.acme.example}\n"+
				"performance:\n  load:\n    flows:\n      - {name: login, url: https://app.acme.example/login}\n      - {name: signup, url: https://app.acme.example/signup}\n")
			rep := load.Report{Started: loadAt, Flows: []load.FlowReport{
				{Name: "login", Role: load.RoleLogin, Target: 20, Held: true},
				{Name: "signup", Role: load.RoleSignup, Target: 20, Held: true}}}
			if err := load.SaveRun(load.RecordPath(state, false), "acme.example", "staging", rep); err != nil {
				t.Fatal(err)
			}
			i := 0
			for name, status := range tc.runs {
				i++
				writeRun(t, state, name, loadAt.Add(time.Duration(i)*time.Hour/2), status)
			}
			s, err := Open(Options{ConfigFlag: cfg, StateFlag: state, Only: []probes.Pane{probes.PanePerformance},
				Getenv: func(string) (string, bool) { return "", false }})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			res := s.Runner(time.Now).Sweep(t.Context())
			var checks []probes.CheckInfo
			for _, c := range s.Checks {
				checks = append(checks, c.Info())
			}
			for _, it := range launchbar.Evaluate(launchbar.Input{Checks: checks, Results: res, Findings: probes.RiskList(res)}) {
				if it.Name != "Login and signup tested" {
					continue
				}
				if it.State != tc.state || !strings.Contains(it.Why, tc.why) {
					t.Errorf("Login and signup tested: state %d, %q; want %d, %q", it.State, it.Why, tc.state, tc.why)
				}
				return
			}
			t.Fatal("no Login and signup tested item")
		})
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeRun writes a finished run's transcript to the state folder's runbook store, as the
// engine leaves it: a run start and a run end.
func writeRun(t *testing.T, state, name string, at time.Time, status string) {
	t.Helper()
	id := at.UTC().Format("2006-01-02T15-04-05") + "-" + name
	var b strings.Builder
	for i, e := range []runbook.Event{
		{Type: runbook.RunStart, Time: at, Run: id, Runbook: &runbook.RunbookInfo{Name: name, Steps: 1}},
		{Type: runbook.RunEnd, Time: at.Add(time.Minute), Run: id, Status: status},
	} {
		e.Seq = i + 1
		line, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	writeFile(t, runbook.NewStore(state).TranscriptPath(id), b.String())
}
