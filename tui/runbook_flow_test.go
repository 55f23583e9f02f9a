package tui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/launchready/launchready/runbook"
)

// TestRunbooksListOpensPlansAndGoesBack: the list shows each runbook with its steps and
// what it does; enter opens the plan (inputs, steps, checks, the rendered description);
// esc goes back; the filter narrows the list.
func TestRunbooksListOpensPlansAndGoesBack(t *testing.T) {
	t.Parallel()
	w := newRBWorld(t)
	m := newRBModel(t, w)
	d := newDriver(t, m, 120, 40)
	d.press("7")
	list := d.untilScreen("the list", 5*time.Second, "3 runbooks in "+w.dir, "deploy", "rollback", "slow")
	for _, want := range []string{"Ships a release to the test world", "— never run", "No runs yet"} {
		if !strings.Contains(list, want) {
			t.Errorf("the list lacks %q:\n%s", want, list)
		}
	}
	if !strings.Contains(list, "› deploy") {
		t.Errorf("the first runbook should be selected:\n%s", list)
	}
	d.press("enter")
	plan := plain(m)
	for _, want := range []string{"Runbook deploy · 4 steps", "Ships a release to the test world", "• records the live release first",
		"RELEASE", "default (or ask): v42", "DEPLOY_TOKEN", "secret: typed without echo", "? Switch traffic to the new release?",
		"$ echo v41", "last line becomes $PREVIOUS", "check: http api.test is healthy 2 times in a row, every 100ms, within 1s",
		"↩ rollback: echo \"back to $PREVIOUS\""} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan lacks %q:\n%s", want, plan)
		}
	}
	if strings.Contains(plan, "**") || strings.Contains(plan, "# Deploy") {
		t.Errorf("the description is shown as Markdown source, not rendered:\n%s", plan)
	}
	d.press("esc")
	if m.rb.mode != modeList {
		t.Fatalf("esc did not go back to the list")
	}
	d.press("j", "enter")
	if !strings.Contains(plain(m), "Runbook rollback · 1 step") {
		t.Errorf("j enter should open the second runbook's plan:\n%s", plain(m))
	}
	d.press("esc", "/", "s", "l", "o", "enter")
	if s := plain(m); strings.Contains(s, "› deploy") || !strings.Contains(s, "slow") || strings.Contains(s, "Puts the previous") {
		t.Errorf("the filter \"slo\" should leave only slow:\n%s", s)
	}
}

// TestRunbookDeployFailsItsCheckAndRollsBack steps through a real run in the console: the
// engine runs real commands with bash, the check polls and fails, the failure choice rolls
// back, and the outcome names the transcript. A planted secret, typed into the masked
// input, never reaches a frame of the screen, the transcript, or the log view.
func TestRunbookDeployFailsItsCheckAndRollsBack(t *testing.T) {
	t.Parallel()
	w := newRBWorld(t)
	m := newRBModel(t, w)
	d := newDriver(t, m, 100, 32)
	const secret = "Pl4nted-deploy-T0ken-xyzzy"
	leaked := ""
	d.seen = func(screen string) {
		for n := 5; n <= len(secret); n++ {
			if strings.Contains(screen, secret[:n]) && leaked == "" {
				leaked = screen
			}
		}
	}
	d.press("7")
	d.untilScreen("the list", 5*time.Second, "deploy")
	d.press("enter", "x")

	dlg := d.prompted("the RELEASE input")
	if dlg.msg.input == nil || dlg.msg.input.Name != "RELEASE" {
		t.Fatalf("first question should be RELEASE, got %+v", dlg.msg)
	}
	if s := plain(m); !strings.Contains(s, "input RELEASE") || !strings.Contains(s, "v42 (default)") {
		t.Errorf("the input dialog does not show the default:\n%s", s)
	}
	d.typeText("v7")
	d.press("enter")
	dlg = d.prompted("the secret input")
	for dlg.msg.input == nil || dlg.msg.input.Name != "DEPLOY_TOKEN" {
		d.until("the next question", 5*time.Second, func() bool { return m.rb.dialog != dlg })
		dlg = m.rb.dialog
	}
	d.typeText(secret)
	screen := plain(m)
	if !strings.Contains(screen, strings.Repeat("•", len(secret))) || !strings.Contains(screen, "never shown") {
		t.Errorf("the secret input is not masked:\n%s", screen)
	}
	d.press("enter")

	dlg = d.prompted("the confirmation")
	if dlg.msg.confirm == nil {
		t.Fatalf("want the step's confirmation, got %+v", dlg.msg)
	}
	d.untilScreen("the confirmation on screen", time.Second, "Switch traffic to the new release?", "y yes, go on")
	d.press("y")

	d.untilScreen("the check failing", 20*time.Second, "check: http api.test is healthy 2 times in a row", "API answers 503", "0 of 2 in a row")
	dlg = d.prompted("the failure choice")
	if c := dlg.msg.choice; c == nil || c.Kind != runbook.ChoiceStepFailed || c.Step != 3 {
		t.Fatalf("want the failure choice for step 3, got %+v", dlg.msg)
	}
	screen = plain(m)
	for _, want := range []string{"Step 3 of 4 · Wait for the API · failed", "check did not pass 2 times in a row within 1s",
		"r   retry", "s   skip", "b   roll back", "a   abort", "✔ 1 Record the live release", "PREVIOUS=v41"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the failure screen lacks %q:\n%s", want, screen)
		}
	}
	output := outputText(m)
	for _, want := range []string{"$ echo \"token $DEPLOY_TOKEN\"", "token [redacted DEPLOY_TOKEN]", "switching from v41 to v7", "✔ exit 0"} {
		if !strings.Contains(output, want) {
			t.Errorf("the output box lacks %q:\n%s", want, output)
		}
	}
	d.press("b")
	d.until("the run's end", 20*time.Second, func() bool { return m.rb.run == nil })
	screen = plain(m)
	transcript := w.opts.Engine.Store.TranscriptPath(m.rb.step.id)
	for _, want := range []string{"deploy rolled back", "↩ rolled back: step 3 (Wait for the API) failed", "↩ 2 Switch traffic",
		"rolled back: $ echo \"back to $PREVIOUS\"", "back to v41"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the rolled-back screen lacks %q:\n%s", want, screen)
		}
	}
	if !strings.Contains(strings.ReplaceAll(screen, "\n", ""), filepath.Base(transcript)) {
		t.Errorf("the outcome does not name the transcript %s:\n%s", transcript, screen)
	}
	if m.rb.step.outcome == nil || m.rb.step.outcome.Status != runbook.StatusRolledBack {
		t.Errorf("outcome %+v, want rolled-back", m.rb.step.outcome)
	}

	// l: the transcript as `runbook log` prints it.
	d.press("l")
	d.untilScreen("the transcript", 5*time.Second, "Transcript of "+m.rb.step.id, "rolled-back")
	d.press("G")
	if s := plain(m); !strings.Contains(s, "■ run rolled-back") {
		t.Errorf("the transcript's end lacks the run's end:\n%s", s)
	}
	d.press("esc", "esc")
	list := d.untilScreen("the list with the run", 5*time.Second, "↩ rolled back", m.rb.step.id)
	if !strings.Contains(list, "1/4") && !strings.Contains(list, "2/4") {
		t.Errorf("the run's row should count its steps done:\n%s", list)
	}
	if leaked != "" {
		t.Errorf("the planted secret reached the screen:\n%s", leaked)
	}
	raw, err := os.ReadFile(transcript)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), secret) {
		t.Errorf("the planted secret is in the transcript")
	}
	var last runbook.Event
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Type != runbook.RunEnd || last.Status != runbook.StatusRolledBack {
		t.Errorf("the transcript's last event is %+v (%v), want run-end rolled-back", last, err)
	}
}

// TestSecretFromTheEnvironmentIsUsedNeverShown: a secret input whose value is in the
// operator's environment is offered without showing it, and enter uses it.
func TestSecretFromTheEnvironmentIsUsedNeverShown(t *testing.T) {
	t.Parallel()
	w := newRBWorld(t)
	const secret = "env-S3cret-never-on-screen"
	w.env["DEPLOY_TOKEN"] = secret
	w.api.healthy = true
	m := newRBModel(t, w)
	d := newDriver(t, m, 80, 24)
	d.seen = func(screen string) {
		if strings.Contains(screen, secret[:8]) {
			t.Errorf("the environment's secret reached the screen:\n%s", screen)
		}
	}
	d.press("7")
	d.untilScreen("the list", 5*time.Second, "deploy")
	d.press("enter")
	if s := plain(m); strings.Contains(s, secret[:8]) || !strings.Contains(s, "from $DEPLOY_TOKEN in the environment") {
		t.Errorf("the plan should say where the secret comes from, never what it is:\n%s", s)
	}
	d.press("x")
	d.prompted("RELEASE")
	d.press("enter")
	d.until("the secret input", 10*time.Second, func() bool {
		return m.rb.dialog != nil && m.rb.dialog.msg.input != nil && m.rb.dialog.msg.input.Name == "DEPLOY_TOKEN"
	})
	d.untilScreen("the environment's offer", time.Second, "enter: use $DEPLOY_TOKEN from the environment")
	d.press("enter")
	d.prompted("the confirmation")
	d.press("y")
	d.until("the run's end", 20*time.Second, func() bool { return m.rb.run == nil })
	if s := plain(m); !strings.Contains(s, "deploy succeeded") || !strings.Contains(outputText(m), "token [redacted DEPLOY_TOKEN]") {
		t.Errorf("the run should succeed with the secret redacted from its output:\n%s\n%s", s, outputText(m))
	}
	raw, _ := os.ReadFile(w.opts.Engine.Store.TranscriptPath(m.rb.step.id))
	if strings.Contains(string(raw), secret) || !strings.Contains(string(raw), `"source":"environment"`) {
		t.Errorf("the transcript should record the secret's source and never its value:\n%s", raw)
	}
}

// TestQuitAsksWhileARunIsUnderWayAndDetaches: q while the engine waits asks first; n
// stays; y quits, and the engine records that it let go of the run. The next console
// finds the run unfinished and resumes it from the list.
func TestQuitAsksWhileARunIsUnderWayAndDetaches(t *testing.T) {
	t.Parallel()
	w := newRBWorld(t)
	m := newRBModel(t, w)
	d := newDriver(t, m, 100, 30)
	d.press("7")
	d.untilScreen("the list", 5*time.Second, "deploy")
	d.press("enter", "x")
	d.prompted("RELEASE")
	d.press("enter")
	d.until("the secret input", 10*time.Second, func() bool {
		return m.rb.dialog != nil && m.rb.dialog.msg.input != nil && m.rb.dialog.msg.input.Name == "DEPLOY_TOKEN"
	})
	d.typeText("abcdefgh")
	d.press("enter")
	d.prompted("the confirmation")
	if !strings.Contains(plain(m), "7 Runbooks ?") {
		t.Errorf("the tab should say the run waits for an answer:\n%s", plain(m))
	}
	d.press("q")
	if m.confirm == nil || !strings.Contains(plain(m), "Quit with a runbook run under way?") || !strings.Contains(plain(m), "leaves the run unfinished") {
		t.Fatalf("q with a run under way should ask first:\n%s", plain(m))
	}
	d.press("n")
	if m.confirm != nil || d.quit {
		t.Fatal("n should close the question and stay")
	}
	d.press("1", "q")
	if m.confirm == nil {
		t.Fatal("q on another pane should ask too")
	}
	d.press("y")
	d.until("the quit", 2*time.Second, func() bool { return d.quit })
	m.Close(10 * time.Second)
	id := m.rb.step.id
	evs, err := runbook.ReadTranscript(w.opts.Engine.Store.TranscriptPath(id))
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; last.Type != runbook.Detached {
		t.Fatalf("the transcript should end with detached, ends with %s", last.Type)
	}

	// The next console offers the unfinished run; x on it resumes.
	m2 := newRBModel(t, w)
	d2 := newDriver(t, m2, 100, 30)
	d2.press("7")
	d2.untilScreen("the unfinished run", 5*time.Second, "▲ run "+id+" was left unfinished", "… unfinished")
	d2.press("G", "x")
	dlg := d2.prompted("the resume question")
	if c := dlg.msg.choice; c == nil || c.Kind != runbook.ChoiceResume || c.Unfinished == nil || c.Unfinished.ID != id {
		t.Fatalf("want the resume question about %s, got %+v", id, dlg.msg)
	}
	screen := d2.untilScreen("the resumed run", time.Second, "Unfinished run", "resumed by", "✔ 1 Record the live release", "c   continue", "d   abandon")
	if !strings.Contains(screen, "Runbook deploy") {
		t.Errorf("the stepper should show the run taken up:\n%s", screen)
	}
	d2.press("d")
	d2.until("the run's end", 10*time.Second, func() bool { return m2.rb.run == nil })
	if o := m2.rb.step.outcome; o == nil || o.Status != runbook.StatusAbandoned {
		t.Errorf("outcome %+v, want abandoned", o)
	}
}

// TestCtrlCStopsTheRunningCommand: ctrl+c while a command runs stops it (its process
// group) and the failure choice follows; abort ends the run.
func TestCtrlCStopsTheRunningCommand(t *testing.T) {
	t.Parallel()
	w := newRBWorld(t)
	m := newRBModel(t, w)
	d := newDriver(t, m, 100, 30)
	d.press("7")
	d.untilScreen("the list", 5*time.Second, "slow")
	d.press("G")
	for !strings.HasPrefix(m.rb.list.key, "rb:slow") {
		d.press("k")
	}
	d.press("enter", "x")
	d.untilScreen("the command running", 10*time.Second, "$ echo started; sleep 30; echo never", "started")
	d.until("the engine busy", 5*time.Second, func() bool { return m.rb.busy() })
	start := time.Now()
	d.press("ctrl+c")
	if d.quit {
		t.Fatal("ctrl+c while a command runs must stop the step, not quit")
	}
	dlg := d.prompted("the failure choice")
	if time.Since(start) > 10*time.Second {
		t.Errorf("stopping took %s", time.Since(start))
	}
	if c := dlg.msg.choice; c == nil || !strings.Contains(c.Reason, "stopped by the operator") {
		t.Fatalf("want the failure choice after a stop, got %+v", dlg.msg)
	}
	d.press("a")
	d.until("the run's end", 10*time.Second, func() bool { return m.rb.run == nil })
	if s := plain(m); !strings.Contains(s, "slow aborted") || strings.Contains(s, "never") && !strings.Contains(s, "echo never") {
		t.Errorf("want the aborted run, without the command's last line:\n%s", s)
	}
	// With no run under way, ctrl+c quits again.
	d.press("ctrl+c")
	d.until("the quit", 2*time.Second, func() bool { return d.quit })
}

// TestAnotherOperatorHoldsTheLock: the list says who holds the lock, and starting a run
// says the same instead of running anything.
func TestAnotherOperatorHoldsTheLock(t *testing.T) {
	t.Parallel()
	w := newRBWorld(t)
	other := runbook.Holder{Operator: runbook.Operator{User: "alex", Host: "ops-2", PID: 777}, Since: time.Now().Add(-3 * time.Minute), Run: "2026-11-28T02-14-05-rollback", Runbook: "rollback"}
	lockDir := w.opts.Engine.Store.Dir
	if err := os.MkdirAll(lockDir, 0o700); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(other)
	if err := os.WriteFile(filepath.Join(lockDir, "lock"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	m := newRBModel(t, w)
	d := newDriver(t, m, 120, 30)
	d.press("7")
	d.untilScreen("the holder", 5*time.Second, "▲ running now: rollback", "by alex@ops-2 (pid 777)")
	d.press("enter", "x")
	d.until("the refusal", 10*time.Second, func() bool { return m.rb.run == nil && m.rb.step != nil && m.rb.step.err != nil })
	if s := plain(m); !strings.Contains(s, "the run did not start") || !strings.Contains(s, "runbook rollback is already running") {
		t.Errorf("starting under another's lock should say who holds it:\n%s", s)
	}
	if runs, _ := w.opts.Engine.Store.ListRuns(); len(runs) != 0 {
		t.Errorf("nothing should have run: %+v", runs)
	}
}

// outputText is everything the output box holds, scrolled into view or not.
func outputText(m *Model) string {
	var out []string
	for _, l := range m.rb.step.out {
		out = append(out, l.text)
	}
	return strings.Join(out, "\n")
}

// TestOutputBoxFollowsUntilScrolledUp: new output shows at the bottom; scrolling up keeps
// the lines on show where they are while more arrives, and G follows again.
func TestOutputBoxFollowsUntilScrolledUp(t *testing.T) {
	t.Parallel()
	m := newGoldenRBModel(t)
	size(m, 80, 24)
	press(m, "7")
	r := newRun()
	m.rb.run, m.rb.step, m.rb.mode = r, newStepper(), modeRun
	rb := m.rb.data.runbooks[0]
	out := func(text string) {
		m.Update(rbEventMsg{run: r, ev: runbook.Event{Type: runbook.Output, Step: 1, Role: "run", Text: text}})
	}
	m.Update(rbEventMsg{run: r, steps: stepRows(rb), ev: runbook.Event{Type: runbook.RunStart, Run: "x", Time: frozen, Runbook: &runbook.RunbookInfo{Name: "deploy", Steps: 4}}})
	for i := 1; i <= 40; i++ {
		out(fmt.Sprintf("line %02d\n", i))
	}
	if s := plain(m); !strings.Contains(s, "line 40") || strings.Contains(s, "line 20") {
		t.Fatalf("the box should follow the newest line:\n%s", s)
	}
	out("par")
	out("tial line\n")
	if !strings.Contains(plain(m), "partial line") {
		t.Errorf("a line written in two chunks should read as one:\n%s", plain(m))
	}
	press(m, "k", "k", "k")
	out("line 42\n")
	s := plain(m)
	if strings.Contains(s, "line 42") || !strings.Contains(s, "line 37") || !strings.Contains(s, "lines below · G follows") {
		t.Errorf("scrolled up, new output should not move the box:\n%s", s)
	}
	press(m, "G")
	if s := plain(m); !strings.Contains(s, "line 42") || strings.Contains(s, "below") {
		t.Errorf("G should follow the output again:\n%s", s)
	}
	press(m, "g")
	if s := plain(m); !strings.Contains(s, "line 01") {
		t.Errorf("g should show the first line:\n%s", s)
	}
}

// TestSinceStartLineReadsTheBoardAndTheErrorsSeam: the stepper's last line counts the
// endpoints checks that looked since the run started (failing ones named) and, through
// ErrorGroupsSince, the error groups new since then.
func TestSinceStartLineReadsTheBoardAndTheErrorsSeam(t *testing.T) {
	t.Parallel()
	m := newGoldenRBModel(t)
	var asked time.Time
	m.rb.errorsSince = func(since time.Time) ([]string, bool) {
		asked = since
		return []string{"KeyError: 'plan' in billing/webhooks.py", "pq: too many connections"}, true
	}
	size(m, 160, 48)
	press(m, "7")
	r := newRun()
	m.rb.run, m.rb.step, m.rb.mode = r, newStepper(), modeRun
	started := frozen.Add(-30 * time.Second)
	m.Update(rbEventMsg{run: r, ev: runbook.Event{Type: runbook.RunStart, Run: "x", Time: started, Runbook: &runbook.RunbookInfo{Name: "deploy"}}})
	line := ansi.Strip(m.rb.sinceLine(160))
	if !strings.Contains(line, "Since 14:01:41:") || !strings.Contains(line, "endpoints ✔ 1 ok ✖ 4 failing: api.acme.example API answers 503") {
		t.Errorf("since line %q should name the failing API", line)
	}
	_, cmd := m.Update(TickMsg{})
	for _, msg := range runCmd(cmd) {
		if _, ok := msg.(rbErrorsMsg); ok {
			m.Update(msg)
		}
	}
	if !asked.Equal(started) {
		t.Fatalf("the errors seam was asked for groups since %s, want the run's start %s", asked, started)
	}
	if line := ansi.Strip(m.rb.sinceLine(160)); !strings.Contains(line, "errors: ✖ 2 new groups pq: too many connections") || !strings.Contains(line, "endpoints ✔ 1 ok ✖ 4 failing") {
		t.Errorf("since line %q should count the new error groups", line)
	}
	// Before any endpoints result since the start, it says so rather than showing old ones.
	m.Update(rbEventMsg{run: r, ev: runbook.Event{Type: runbook.RunStart, Run: "y", Time: frozen.Add(time.Second), Runbook: &runbook.RunbookInfo{Name: "deploy"}},
		steps: []stepRow{}})
	if line := ansi.Strip(m.rb.sinceLine(160)); !strings.Contains(line, "endpoints not looked at yet") {
		t.Errorf("since line %q should say no endpoint looked since the start", line)
	}
}

// TestLaunchBarJudgesDeploymentFromTheDeployRunbook: the launch bar's "Deployment
// repeatable" reads the deploy runbook's last finished run.
func TestLaunchBarJudgesDeploymentFromTheDeployRunbook(t *testing.T) {
	t.Parallel()
	m := newGoldenRBModel(t) // deploy's last run was rolled back
	item := func() barItem {
		for _, it := range launchBar(m.sh) {
			if it.name == "Deployment repeatable" {
				return it
			}
		}
		t.Fatal("no deployment item")
		return barItem{}
	}
	if it := item(); it.state != barNotMet || !strings.Contains(it.why, "rolled back") || !strings.Contains(it.why, "2026-11-28T13-40-12-deploy") {
		t.Errorf("after a rolled-back deploy: %+v", it)
	}
	msg := m.rb.data
	msg.runs = msg.runs[1:] // the last deploy now is yesterday's success
	m.Update(msg)
	if it := item(); it.state != barMet || !strings.Contains(it.why, "succeeded") {
		t.Errorf("after a successful deploy: %+v", it)
	}
	msg.runs = nil
	m.Update(msg)
	if it := item(); it.state != barUnchecked || !strings.Contains(it.why, "has not run") {
		t.Errorf("with a deploy runbook never run: %+v", it)
	}
	msg.runbooks = msg.runbooks[1:]
	m.Update(msg)
	if it := item(); it.state != barNotMet || !strings.Contains(it.why, "runbook init") {
		t.Errorf("with no deploy runbook: %+v", it)
	}
}
