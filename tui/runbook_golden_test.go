package tui

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/runbook"
)

// The golden runbook screens use fixed paths (nothing is read from them) so every run
// draws the same screen.
const (
	goldenRunbooksDir = "/srv/acme/runbooks"
	goldenStateDir    = "/var/lib/launchready"
)

// goldenRunbooks parses the tests' runbooks as if they lived in goldenRunbooksDir and
// validates them against the console's API check.
func goldenRunbooks(t testing.TB, env runbook.Env) []*runbook.Runbook {
	t.Helper()
	var out []*runbook.Runbook
	for name, text := range testRunbooks {
		rb, err := runbook.Check([]byte(text), goldenRunbooksDir+"/"+name, env)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rb)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// newGoldenRBModel is the fixture console (frozen clock, the failing sweep played) with
// the Runbooks pane wired to fixed paths, and the list as the pane would have read it.
func newGoldenRBModel(t testing.TB) *Model {
	t.Helper()
	clk := &fakeClock{t: frozen.Add(-12 * time.Minute)}
	cfg, err := config.Parse(examples.Config, examples.ConfigName)
	if err != nil {
		t.Fatal(err)
	}
	op := testOperator
	env := runbook.Env{Checks: []probes.Check{&apiCheck{}}}
	ro := &RunbookOptions{Dir: goldenRunbooksDir, Engine: runbook.Options{
		Store: runbook.NewStore(goldenStateDir), Env: env, Operator: &op, Cwd: "/srv/acme",
		Getenv: func(string) (string, bool) { return "", false }, Environ: []string{}, Now: clk.Now,
	}}
	m := New(Options{Config: cfg, Checks: fixtureInfos(), Interval: time.Minute, Runner: &fakeRunner{},
		Now: clk.Now, Tick: -1, Kinds: []probes.Kind{{Name: "http", Pane: probes.PaneEndpoints}}, Runbooks: ro})
	playRounds(m, clk, true)
	rbs := goldenRunbooks(t, env)
	msg := rbListMsg{runbooks: rbs, plans: map[string]runbook.Plan{}}
	eng := runbook.New(ro.Engine)
	for _, rb := range rbs {
		msg.plans[rb.Name] = eng.Plan(rb)
	}
	day := time.Date(2026, 11, 27, 18, 3, 0, 0, time.UTC)
	alex := runbook.Operator{User: "alex", Host: "ops-1", SSH: "10.0.0.9 40112 10.0.0.2 22", PID: 1717}
	msg.runs = []runbook.RunSummary{
		{ID: "2026-11-28T13-40-12-deploy", Runbook: "deploy", Started: frozen.Add(-22 * time.Minute), Ended: frozen.Add(-21 * time.Minute),
			Operator: alex, Status: runbook.StatusRolledBack, Steps: 4, Done: 2, Path: goldenStateDir + "/runbooks/runs/2026-11-28T13-40-12-deploy.jsonl"},
		{ID: "2026-11-28T02-14-05-rollback", Runbook: "rollback", Started: frozen.Add(-12 * time.Hour), Ended: frozen.Add(-12 * time.Hour).Add(40 * time.Second),
			Operator: testOperator, Status: runbook.StatusSucceeded, Steps: 1, Done: 1, Path: goldenStateDir + "/runbooks/runs/2026-11-28T02-14-05-rollback.jsonl"},
		{ID: "2026-11-27T18-03-00-deploy", Runbook: "deploy", Started: day, Ended: day.Add(2 * time.Minute),
			Operator: testOperator, Status: runbook.StatusSucceeded, Steps: 4, Done: 4, Path: goldenStateDir + "/runbooks/runs/2026-11-27T18-03-00-deploy.jsonl"},
	}
	m.Update(msg)
	return m
}

// goldenRun is a deploy whose check never passes and that is rolled back, as the engine
// reports it: every event of the transcript, and the questions it asks, in order. The
// stages cut it where a golden screen is taken.
type goldenStage struct {
	name string
	msgs func(r *rbRun) []rbMsg
}

func goldenRunStages(rb *runbook.Runbook) []goldenStage {
	start := frozen.Add(-100 * time.Second)
	id := "2026-11-28T14-00-31-deploy"
	at := func(s float64) time.Time { return start.Add(time.Duration(s * float64(time.Second))) }
	exit0 := 0
	ev := func(s float64, e runbook.Event) runbook.Event {
		e.Time, e.Run = at(s), id
		return e
	}
	op := testOperator
	req := func(step int) runbook.Request {
		r := runbook.Request{Run: id, Runbook: "deploy", Step: step, Steps: 4}
		if step > 0 {
			r.StepName = rb.Steps[step-1].Title()
		}
		return r
	}
	events := func(r *rbRun, evs ...runbook.Event) []rbMsg {
		var out []rbMsg
		for _, e := range evs {
			m := rbEventMsg{run: r, ev: e}
			if e.Type == runbook.RunStart {
				m.steps = stepRows(rb)
			}
			out = append(out, m)
		}
		return out
	}
	poll := func(s float64, look, streak int) runbook.Event {
		return ev(s, runbook.Event{Type: runbook.CheckPoll, Step: 3, Poll: &runbook.Poll{Condition: "http api.test is healthy", OK: false,
			Summary: "API answers 503 · 503 Service Unavailable · 2 ms", Streak: streak, Need: 2, Look: look}})
	}
	reason := "check did not pass 2 times in a row within 1s (http api.test is healthy); last look: API answers 503 · 503 Service Unavailable · 2 ms"
	reply := make(chan runbook.Reply, 8)
	return []goldenStage{
		{"secret-input", func(r *rbRun) []rbMsg {
			out := events(r,
				ev(0, runbook.Event{Type: runbook.RunStart, Operator: &op, Runbook: &runbook.RunbookInfo{Name: "deploy", File: rb.File, Steps: 4}}),
				ev(4, runbook.Event{Type: runbook.InputSet, Name: "RELEASE", Value: "v42", Source: "default"}))
			return append(out, rbPromptMsg{run: r, reply: reply, input: &runbook.InputRequest{Request: req(0), Name: "DEPLOY_TOKEN", Prompt: "Deploy token", Secret: true}})
		}},
		{"running", func(r *rbRun) []rbMsg {
			return events(r,
				ev(9, runbook.Event{Type: runbook.InputSet, Name: "DEPLOY_TOKEN", Secret: true, Source: "prompt"}),
				ev(9.1, runbook.Event{Type: runbook.StepStart, Step: 1, StepName: "Record the live release", Attempt: 1, Text: "confirm"}),
				ev(9.1, runbook.Event{Type: runbook.CommandStart, Step: 1, Role: "run", Command: "echo v41", PID: 5150, Timeout: "30m"}),
				ev(9.2, runbook.Event{Type: runbook.Output, Step: 1, Role: "run", Text: "v41\n"}),
				ev(9.2, runbook.Event{Type: runbook.CommandEnd, Step: 1, Role: "run", Status: "ok", Exit: &exit0, DurationMS: 14}),
				ev(9.2, runbook.Event{Type: runbook.Captured, Step: 1, Name: "PREVIOUS", Value: "v41"}),
				ev(9.2, runbook.Event{Type: runbook.StepEnd, Step: 1, StepName: "Record the live release", Status: "ok"}),
				ev(9.3, runbook.Event{Type: runbook.StepStart, Step: 2, StepName: "Switch traffic", Attempt: 1, Text: "confirm"}),
				ev(21, runbook.Event{Type: runbook.Confirmed, Step: 2, Text: "Switch traffic to the new release?", Choice: "yes"}),
				ev(21, runbook.Event{Type: runbook.CommandStart, Step: 2, Role: "run", Command: rb.Steps[1].Run, PID: 5151, Timeout: "30m"}),
				ev(21.1, runbook.Event{Type: runbook.Output, Step: 2, Role: "run", Text: "token [redacted DEPLOY_TOKEN]\nswitching from v41 to v42\n"}),
				ev(21.4, runbook.Event{Type: runbook.Output, Step: 2, Role: "run", Text: "draining 3 connections\tok\n\x1b[32mhealthy\x1b[0m \r\rwaiting"}))
		}},
		{"check", func(r *rbRun) []rbMsg {
			return events(r,
				ev(25, runbook.Event{Type: runbook.CommandEnd, Step: 2, Role: "run", Status: "ok", Exit: &exit0, DurationMS: 4012}),
				ev(25, runbook.Event{Type: runbook.StepEnd, Step: 2, StepName: "Switch traffic", Status: "ok"}),
				ev(25, runbook.Event{Type: runbook.StepStart, Step: 3, StepName: "Wait for the API", Attempt: 1, Text: "confirm"}),
				ev(94.5, runbook.Event{Type: runbook.CheckStart, Step: 3, Text: rb.Steps[2].CheckSpec().Describe()}),
				poll(94.5, 1, 0), poll(94.6, 2, 0), poll(94.7, 3, 0))
		}},
		{"failure", func(r *rbRun) []rbMsg {
			out := events(r, poll(94.8, 4, 0),
				ev(94.9, runbook.Event{Type: runbook.CheckEnd, Step: 3, StepName: "Wait for the API", Status: "failed", Reason: reason}),
				ev(94.9, runbook.Event{Type: runbook.StepEnd, Step: 3, StepName: "Wait for the API", Status: "failed", Reason: reason, Text: "check"}))
			return append(out, rbPromptMsg{run: r, reply: reply, choice: &runbook.ChoiceRequest{Request: req(3), Kind: runbook.ChoiceStepFailed,
				Reason: reason, Choices: []runbook.Decision{runbook.Retry, runbook.Skip, runbook.RollBack, runbook.Abort}}})
		}},
		{"rolled-back", func(r *rbRun) []rbMsg {
			out := []rbMsg{}
			out = append(out, events(r,
				ev(97, runbook.Event{Type: runbook.Choice, Step: 3, Choice: "rollback", Choices: []string{"retry", "skip", "rollback", "abort"}, Text: "step-failed"}),
				ev(97, runbook.Event{Type: runbook.RollbackStart, Reason: "step 3 (Wait for the API) failed"}),
				ev(97, runbook.Event{Type: runbook.CommandStart, Step: 2, Role: "rollback", Command: rb.Steps[1].Rollback, PID: 5152, Timeout: "30m"}),
				ev(97.1, runbook.Event{Type: runbook.Output, Step: 2, Role: "rollback", Text: "back to v41\n"}),
				ev(97.3, runbook.Event{Type: runbook.CommandEnd, Step: 2, Role: "rollback", Status: "ok", Exit: &exit0, DurationMS: 310}),
				ev(97.3, runbook.Event{Type: runbook.RollbackSkip, Step: 1, StepName: "Record the live release", Reason: "no rollback: for this step"}),
				ev(97.3, runbook.Event{Type: runbook.RollbackEnd, Status: runbook.StatusRolledBack}),
				ev(97.4, runbook.Event{Type: runbook.RunEnd, Status: runbook.StatusRolledBack}))...)
			return append(out, rbDoneMsg{run: r, out: runbook.Outcome{Run: id, Runbook: "deploy", Status: runbook.StatusRolledBack,
				Transcript: goldenStateDir + "/runbooks/runs/" + id + ".jsonl"}})
		}},
	}
}

// TestGoldenRunbookScreens draws the Runbooks pane at 80x24 and 160x48 on a frozen
// clock: the list, a plan, and a deploy stepped through to its roll back (a secret being
// typed, a command running with output, the check being waited on, the failure choice,
// rolled back). Rewrite with: go test ./tui -run TestGoldenRunbookScreens -update
func TestGoldenRunbookScreens(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("list/%dx%d", sz[0], sz[1]), func(t *testing.T) {
			t.Parallel()
			m := newGoldenRBModel(t)
			size(m, sz[0], sz[1])
			press(m, "7")
			screen := plain(m)
			checkFrame(t, screen, sz[0], sz[1])
			golden.RequireEqual(t, screen)
		})
		t.Run(fmt.Sprintf("plan/%dx%d", sz[0], sz[1]), func(t *testing.T) {
			t.Parallel()
			m := newGoldenRBModel(t)
			size(m, sz[0], sz[1])
			press(m, "7", "enter")
			screen := plain(m)
			checkFrame(t, screen, sz[0], sz[1])
			golden.RequireEqual(t, screen)
		})
		t.Run(fmt.Sprintf("stepper/%dx%d", sz[0], sz[1]), func(t *testing.T) {
			t.Parallel()
			m := newGoldenRBModel(t)
			size(m, sz[0], sz[1])
			press(m, "7")
			rb := m.rb.data.runbooks[0]
			r := newRun()
			m.rb.run, m.rb.step, m.rb.mode = r, newStepper(), modeRun
			m.rb.step.name, m.rb.step.asked = rb.Name, rb.Name
			for _, st := range goldenRunStages(rb) {
				for _, msg := range st.msgs(r) {
					m.Update(msg)
				}
				if st.name == "secret-input" {
					press(m, "h", "u", "n", "t", "e", "r", "2", "2")
				}
				t.Run(st.name, func(t *testing.T) {
					screen := plain(m)
					checkFrame(t, screen, sz[0], sz[1])
					golden.RequireEqual(t, screen)
				})
				if m.rb.dialog != nil {
					m.rb.dialog = nil // answered
					m.rb.step.waiting = ""
				}
			}
		})
	}
}

// TestRunbookScreensKeepTheirFrame: at the smallest usable size and at odd ones, every
// Runbooks screen is exactly the terminal's size, resized at every stage.
func TestRunbookScreensKeepTheirFrame(t *testing.T) {
	t.Parallel()
	sizes := [][2]int{{60, 16}, {61, 17}, {100, 30}, {200, 60}, {80, 24}}
	m := newGoldenRBModel(t)
	check := func(what string) {
		t.Helper()
		for _, sz := range sizes {
			size(m, sz[0], sz[1])
			checkFrame(t, plain(m), sz[0], sz[1])
			if t.Failed() {
				t.Fatalf("%s at %dx%d:\n%s", what, sz[0], sz[1], plain(m))
			}
		}
	}
	press(m, "7")
	check("the list")
	press(m, "enter")
	check("the plan")
	press(m, "esc")
	rb := m.rb.data.runbooks[0]
	r := newRun()
	m.rb.run, m.rb.step, m.rb.mode = r, newStepper(), modeRun
	for _, st := range goldenRunStages(rb) {
		for _, msg := range st.msgs(r) {
			m.Update(msg)
		}
		check(st.name)
		m.rb.dialog = nil
	}
	m.rb.run = newRun() // another run under way
	press(m, "q")
	if m.confirm == nil {
		t.Fatal("q with a run under way should ask")
	}
	check("the quit question")
}
