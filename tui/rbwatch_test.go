package tui

import (
	"strings"
	"testing"
	"time"
)

// TestViewerFollowsARunAndStartsNothing: a viewer's Runbooks pane lists the runbooks and
// shows their plans, follows another console's run as it goes (its output included), and
// refuses to start, resume or stop anything, saying only an operator may.
func TestViewerFollowsARunAndStartsNothing(t *testing.T) {
	t.Parallel()
	w := newRBWorld(t)
	op := newRBModel(t, w)
	do := newDriver(t, op, 100, 30)
	do.press("7")
	do.untilScreen("the list", 5*time.Second, "slow")
	do.press("G")
	for !strings.HasPrefix(op.rb.list.key, "rb:slow") {
		do.press("k")
	}
	do.press("enter", "x")
	do.untilScreen("the command running", 10*time.Second, "$ echo started; sleep 30; echo never", "started")
	do.until("the engine busy", 5*time.Second, func() bool { return op.rb.busy() })

	vo := *w.opts
	vo.Viewer, vo.NoShell, vo.Engine.Operator = "founder", true, nil
	vm := New(Options{Product: "Test", Tick: -1, Runbooks: &vo, Viewer: "founder"})
	t.Cleanup(func() { vm.Close(time.Second) })
	dv := newDriver(t, vm, 100, 30)
	dv.press("7")
	dv.untilScreen("the list with the run under way", 5*time.Second, "deploy", "▲ running now: slow", "enter on its row follows it")
	if s := plain(vm); strings.Contains(s, "x start") || strings.Contains(s, "No runbooks here") {
		t.Errorf("a viewer's list should show the runbooks and offer no x:\n%s", s)
	}

	// A plan shows; x on it is refused.
	dv.press("g", "enter")
	dv.untilScreen("the plan", 2*time.Second, "Record the live release")
	dv.press("x")
	if s := plain(vm); !strings.Contains(s, "founder is signed in as a viewer: only an operator may start a runbook") {
		t.Errorf("x on a plan should be refused, saying why:\n%s", s)
	}
	if vm.rb.run != nil {
		t.Fatal("a viewer's x started a run")
	}
	dv.press("esc")

	// Enter on the run under way follows it, output and all.
	dv.untilScreen("the list again", 2*time.Second, "▲ running now: slow")
	dv.press("G", "enter")
	dv.untilScreen("the followed run", 5*time.Second, "Wait a long time", "$ echo started; sleep 30; echo never")
	dv.press("ctrl+c")
	if dv.quit {
		t.Fatal("ctrl+c on a followed run quit the viewer's console")
	}
	if s := plain(vm); !strings.Contains(s, "only sam's console answers or stops this run") {
		t.Errorf("ctrl+c on a followed run should say whose it is:\n%s", s)
	}
	dv.press("x")
	if vm.rb.run != nil {
		t.Fatal("x on a followed run started something")
	}

	// The operator stops the step and aborts; the viewer sees it end.
	do.press("ctrl+c")
	do.prompted("the failure choice")
	do.press("a")
	do.until("the run's end", 10*time.Second, func() bool { return op.rb.run == nil })
	dv.untilScreen("the followed run's end", 10*time.Second, "aborted")
	if !vm.rb.step.live() && vm.rb.following() {
		t.Error("the followed run ended but the pane still follows it")
	}
}

// TestOffPaneOverSSHSendsNobodyToAShell: a console served over SSH with runbooks off
// does not tell its user to run runbooks "from the shell": they have none on the box.
func TestOffPaneOverSSHSendsNobodyToAShell(t *testing.T) {
	m := New(Options{Product: "Test", Tick: -1, Runbooks: &RunbookOptions{Off: "no runbooks folder", NoShell: true}})
	d := newDriver(t, m, 100, 30)
	d.press("7")
	if s := plain(m); strings.Contains(s, "from the shell") || !strings.Contains(s, "no runbooks folder") {
		t.Errorf("want the reason without the shell advice:\n%s", s)
	}
}
