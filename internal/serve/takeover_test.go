package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/launchready/launchready/runbook"
	"github.com/launchready/launchready/tui"
)

// takeoverRunbook waits for a confirmation between two commands, so a test can drop the
// operator's connection while the run is under way and known to be at step 2.
const takeoverRunbook = `name: deploy
description: Ships a release, with a question in the middle.
steps:
  - name: Record the live release
    run: echo v41
  - name: Switch traffic
    confirm: Switch traffic to the new release?
    run: echo switched
  - name: Announce
    run: echo announced
`

// sessionRunbooks is cmd/launchready's sessionRunbooks for the test harness: nil when the
// test has no runbooks.
func sessionRunbooks(base *tui.RunbookOptions, s Session) *tui.RunbookOptions {
	if base == nil {
		return nil
	}
	o := *base
	o.NoShell = true
	if !s.Operator() {
		o.Viewer = s.User
		o.Engine.Operator = nil
		return &o
	}
	host, _ := os.Hostname()
	op := runbook.Operator{User: s.User, Host: host, PID: os.Getpid(), Key: s.Fingerprint, SSH: s.Remote.String()}
	o.Engine.Operator = &op
	return &o
}

// TestOperatorTakesOverADroppedRun is the issue's "a second operator can take over if
// the first disconnects": ops-lead starts the deploy runbook over SSH and loses the
// connection at step 2's confirmation; the run is left detached (the lock let go, the
// transcript says so); on-call signs in with another operator key, the Runbooks pane
// offers the unfinished run, on-call resumes it and answers the question, and the run
// finishes, the transcript naming on-call (serve.users name and key) as the resumer, so
// the confirmation after the resume is recorded as on-call's (By and Operator).
func TestOperatorTakesOverADroppedRun(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "runbooks")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "deploy.yaml"), []byte(takeoverRunbook), 0o600); err != nil {
		t.Fatal(err)
	}
	store := runbook.NewStore(filepath.Join(root, "state"))
	rbo := &tui.RunbookOptions{Dir: dir, Engine: runbook.Options{
		Store:   store,
		Environ: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + root, "LANG=C"},
		Cwd:     root,
		Tick:    20 * time.Millisecond,
	}}
	h := startServeWith(t, "", time.Hour, rbo)
	a := openConsole(t, h, 120, 40, h.operator)
	a.keys("7")
	a.waitFor("deploy", 0)
	m := a.mark()
	a.keys("\r")
	a.waitFor("Switch traffic to the new release?", m)
	m = a.mark()
	a.keys("x")
	a.waitFor("y yes", m)

	// The connection drops: no quit, no answer.
	a.conn.Close()
	id := waitDetached(t, store)
	// The console lets go of the run as it closes; the session's end is heard after.
	heard := ""
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if heard = strings.Join(h.heardSoFar(), "\n"); strings.Contains(heard, "close ops-lead") {
			break
		}
	}
	if !strings.Contains(heard, "close ops-lead: the connection dropped") {
		t.Errorf("the dropped session was heard as:\n%s", heard)
	}

	b := openConsole(t, h, 120, 40, h.oncall)
	b.keys("7")
	b.waitFor("was left unfinished", 0)
	m = b.mark()
	b.keys("Gx")
	b.waitFor("c   continue", m)
	m = b.mark()
	b.keys("c")
	b.waitFor("y yes", m)
	b.keys("y")
	b.waitFor("deploy succeeded", m)

	evs, err := runbook.ReadTranscript(store.TranscriptPath(id))
	if err != nil {
		t.Fatal(err)
	}
	ops := gossh.FingerprintSHA256(h.operator.PublicKey())
	oncall := gossh.FingerprintSHA256(h.oncall.PublicKey())
	var started, detached, resumed, confirmed, ended bool
	for _, e := range evs {
		switch e.Type {
		case runbook.RunStart:
			started = e.Operator != nil && e.Operator.User == "ops-lead" && e.Operator.Key == ops
		case runbook.Detached:
			detached = true
		case runbook.Resumed:
			resumed = detached && e.Operator != nil && e.Operator.User == "on-call" && e.Operator.Key == oncall
		case runbook.Confirmed:
			// Typed at the prompt of the engine on-call resumed: the transcript names
			// on-call (serve.users name and key) as who confirmed the step.
			confirmed = resumed && e.Step == 2 && e.Choice == "yes" && e.By == "on-call, key "+oncall &&
				e.Operator != nil && e.Operator.User == "on-call" && e.Operator.Key == oncall
		case runbook.RunEnd:
			ended = resumed && e.Status == string(runbook.StatusSucceeded)
		}
	}
	if !started || !detached || !resumed || !confirmed || !ended {
		var b strings.Builder
		for _, e := range evs {
			fmt.Fprintf(&b, "  %s step %d status %q choice %q by %q operator %+v\n", e.Type, e.Step, e.Status, e.Choice, e.By, e.Operator)
		}
		t.Fatalf("transcript: started by ops-lead %v, detached %v, resumed by on-call %v, confirmed by on-call %v, succeeded %v:\n%s",
			started, detached, resumed, confirmed, ended, b.String())
	}
}

// waitDetached waits for the one run in store to record that its engine let go, and
// returns its id.
func waitDetached(t *testing.T, store runbook.Store) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		runs, _ := store.ListRuns()
		if len(runs) == 1 {
			evs, err := runbook.ReadTranscript(store.TranscriptPath(runs[0].ID))
			if err == nil && len(evs) > 0 && evs[len(evs)-1].Type == runbook.Detached {
				return runs[0].ID
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	runs, _ := store.ListRuns()
	t.Fatalf("the dropped operator's run never recorded detached; runs: %+v", runs)
	return ""
}
