package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/runbook"
)

// literal types text into the console as it is (no key names).
func (s *tmuxSession) literal(text string) {
	s.t.Helper()
	if out, err := s.run("send-keys", "-t", "lr", "-l", text); err != nil {
		s.t.Fatalf("tmux send-keys -l: %v: %s", err, out)
	}
	time.Sleep(150 * time.Millisecond)
}

// TestDemoDeployFailsItsHealthCheckAndIsRolledBackInTmux drives the real binary in tmux
// at 80x24: `launchready demo`, the Runbooks pane, the demo's deploy opened and started,
// its inputs answered (the secret typed, masked, never on screen), the switch confirmed,
// the health check waited on while the lab's API answers 503, the failure choice, the roll
// back, the outcome with its transcript, and the transcript read back. Every state is read
// with capture-pane.
func TestDemoDeployFailsItsHealthCheckAndIsRolledBackInTmux(t *testing.T) {
	t.Parallel()
	s := newTmux(t)
	state := t.TempDir()
	s.start(80, 24, binary+" demo --interval 3s --log-every 0 --state "+state)
	// Eight panes do not fit by name in 80 columns: the bar numbers the others.
	s.waitFor("the console", 30*time.Second, "Acme Community", "[1 Overview]")

	s.keys("7")
	s.waitFor("the runbooks", 10*time.Second, "3 runbooks in", "deploy", "rollback", "rotate-secret", "— never run")
	s.keys("Enter")
	s.waitFor("the plan", 5*time.Second, "Runbook deploy · 5 steps", "Deploy (demo)", "Inputs", "RELEASE")
	s.keys("x")
	s.waitFor("the first input", 10*time.Second, "input RELEASE", "v42 (default)", "○ 1 Record the live release")
	s.keys("Enter")
	s.waitFor("the secret input", 5*time.Second, "input DEPLOY_TOKEN (secret)", "never shown")
	const secret = "tmux-Planted-t0ken"
	s.literal(secret)
	masked := s.waitFor("the masked secret", 5*time.Second, strings.Repeat("•", len(secret)))
	if strings.Contains(masked, secret[:6]) {
		t.Fatalf("the secret is on the screen as it is typed:\n%s", masked)
	}
	s.keys("Enter")
	s.waitFor("the confirmation", 10*time.Second, "Switch traffic to the release · confirm", "Switch the lab's app to the new release?", "y yes, go on")
	s.keys("y")
	waiting := s.waitFor("the check being waited on", 20*time.Second, "check", "of 3 in a row", "API answers 503", "deadline")
	if !strings.Contains(waiting, "authenticating with token [redacted DEPLOY_TOKEN]") && !strings.Contains(waiting, "✔ 3 Switch traffic to the release") {
		t.Errorf("the screen while the check waits should show the switch done:\n%s", waiting)
	}
	t.Logf("waiting on the check:\n%s", waiting)
	failed := s.waitFor("the failure choice", 30*time.Second, "Wait for the API · failed", "r   retry", "b   roll back", "a   abort")
	if !strings.Contains(failed, "✖ 4 Wait for the API") {
		t.Errorf("the failed step should be marked:\n%s", failed)
	}
	s.keys("b")
	done := s.waitFor("the roll back", 20*time.Second, "deploy rolled back", "↩ 3 Switch traffic to the release", "rolled back: step 4 (Wait for the API) failed", "transcript",
		"errors: ✔ no new groups")
	t.Logf("rolled back:\n%s", done)
	for _, screen := range []string{waiting, failed, done} {
		if strings.Contains(screen, secret[:6]) {
			t.Fatalf("the secret reached the screen:\n%s", screen)
		}
	}

	runs, _ := filepath.Glob(filepath.Join(labState(state), "demo", "runbooks", "runs", "*.jsonl"))
	if len(runs) != 1 {
		t.Fatalf("want one transcript under STATE/demo, found %v", runs)
	}
	if !strings.Contains(strings.ReplaceAll(done, "\n", ""), filepath.Base(runs[0])) {
		t.Errorf("the outcome does not name the transcript %s:\n%s", runs[0], done)
	}
	raw, _ := os.ReadFile(runs[0])
	if strings.Contains(string(raw), secret) {
		t.Error("the secret is in the transcript")
	}
	evs, err := runbook.ReadTranscript(runs[0])
	if err != nil || evs[len(evs)-1].Type != runbook.RunEnd || evs[len(evs)-1].Status != runbook.StatusRolledBack {
		t.Fatalf("the transcript should end with run-end rolled-back (%v): %+v", err, evs[len(evs)-1])
	}

	s.keys("l")
	s.waitFor("the transcript", 5*time.Second, "Transcript of", "Record the live release", "RELEASE \"v42\" from default")
	s.keys("G")
	s.waitFor("the transcript's end", 5*time.Second, "■ run rolled-back")
	s.keys("Escape", "Escape")
	s.waitFor("the list with the run", 5*time.Second, "↩ rolled back", "3/5")
	// The demo's story on the timeline: the run, its rollback and the session's start,
	// newest first, with the errors first seen in the log.
	s.keys("8")
	story := s.waitFor("the timeline", 10*time.Second, "[8 Timeline]", "last change", "deploy rolled-back", "deploy rolling back", "deploy started by")
	if strings.Index(story, "deploy rolled-back") > strings.Index(story, "deploy started by") {
		t.Errorf("the timeline is not newest first:\n%s", story)
	}
	s.keys("q")
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := s.run("has-session", "-t", "lr"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("q did not quit once the run had ended:\n%s", s.capture(false))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRunbooksPaneWithoutColourInTmux: with NO_COLOR at 160x48, the runbooks list, a plan
// and the stepper carry no colour at all; ctrl+c at an input and q at a yes/no question
// ask before quitting, and quitting leaves the run detached in its transcript.
func TestRunbooksPaneWithoutColourInTmux(t *testing.T) {
	t.Parallel()
	s := newTmux(t)
	state := t.TempDir()
	s.start(160, 48, "env NO_COLOR=1 "+binary+" demo --log-every 0 --state "+state)
	s.waitFor("the console", 30*time.Second, "Launch Ready", "7 Runbooks")
	s.keys("7")
	s.waitFor("the runbooks", 10*time.Second, "3 runbooks in", "— never run")
	s.keys("Enter")
	plan := s.waitFor("the plan", 5*time.Second, "Runbook deploy · 5 steps", "check: http api.acme.example is healthy 3 times in a row, every 2s, within 12s")
	if colourSGR.MatchString(s.capture(true)) {
		t.Errorf("NO_COLOR: the plan has colour: %q", colourSGR.FindString(s.capture(true)))
	}
	if !strings.Contains(plan, "↩ rollback:") {
		t.Errorf("the plan should show the switch's rollback:\n%s", plan)
	}
	s.keys("x")
	s.waitFor("the first input", 10*time.Second, "input RELEASE")
	if colourSGR.MatchString(s.capture(true)) {
		t.Errorf("NO_COLOR: the stepper has colour: %q", colourSGR.FindString(s.capture(true)))
	}
	// While an input is typed every key is text; ctrl+c asks about quitting.
	s.keys("C-c")
	s.waitFor("the quit question after ctrl+c", 5*time.Second, "Quit with a runbook run under way?", "y quit and leave the run unfinished")
	s.keys("n")
	s.waitFor("the question again", 5*time.Second, "input RELEASE")
	s.keys("Enter")
	s.waitFor("the secret input", 5*time.Second, "input DEPLOY_TOKEN (secret)")
	s.literal("q-is-text-here")
	s.keys("Enter")
	s.waitFor("the confirmation", 10*time.Second, "y yes, go on")
	// At a yes/no question the console's keys work: look at another pane, then q.
	s.keys("Tab")
	s.waitFor("the timeline, the run waiting", 5*time.Second, "[8 Timeline]", "7 Runbooks ?", "deploy started by")
	s.keys("q")
	s.waitFor("the quit question", 5*time.Second, "Quit with a runbook run under way?")
	s.keys("y")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := s.run("has-session", "-t", "lr"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("y did not quit:\n%s", s.capture(false))
		}
		time.Sleep(50 * time.Millisecond)
	}
	runs, _ := filepath.Glob(filepath.Join(labState(state), "demo", "runbooks", "runs", "*.jsonl"))
	if len(runs) != 1 {
		t.Fatalf("want one transcript, found %v", runs)
	}
	evs, err := runbook.ReadTranscript(runs[0])
	if err != nil || evs[len(evs)-1].Type != runbook.Detached {
		t.Errorf("quitting should leave the run detached for a resume (%v); last event %+v", err, evs[len(evs)-1])
	}
	raw, _ := os.ReadFile(runs[0])
	if strings.Contains(string(raw), "q-is-text-here") {
		t.Error("the secret typed is in the transcript")
	}
}
