package tui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/runbook"
)

// TestTimelineEnterOpensRun: enter on a runbook run's event in the Timeline pane brings
// the Runbooks pane on screen with that run's transcript, at the event's line (the
// link run:ID#SEQ), and esc goes back to the Runbooks pane's list.
func TestTimelineEnterOpensRun(t *testing.T) {
	w := newRBWorld(t)
	rs := w.opts.Engine.Store
	path := rs.TranscriptPath("r1")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	at := frozen.Add(-10 * time.Minute)
	evs := []runbook.Event{{Time: at, Type: runbook.RunStart, Runbook: &runbook.RunbookInfo{Name: "deploy", Steps: 8},
		Operator: &runbook.Operator{User: "ops-lead", Host: "ops-1"}}}
	for i := 1; i <= 8; i++ {
		name := []string{"", "Build the release", "Upload it", "Switch traffic to the release", "Warm the caches",
			"Purge the CDN", "Tell the team", "Watch the errors", "Close the window"}[i]
		evs = append(evs, runbook.Event{Time: at.Add(time.Duration(i) * 10 * time.Second), Type: runbook.StepStart, Step: i, StepName: name},
			runbook.Event{Time: at.Add(time.Duration(i)*10*time.Second + 5*time.Second), Type: runbook.StepEnd, Step: i, Status: "ok"})
	}
	evs = append(evs, runbook.Event{Time: at.Add(2 * time.Minute), Type: runbook.RunEnd, Status: "succeeded"})
	var b strings.Builder
	for i := range evs {
		evs[i].Seq, evs[i].Run = i+1, "r1"
		line, err := json.Marshal(evs[i])
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	src := incidentTimeline()
	m := New(Options{Product: "Test", Tick: -1, Runbooks: w.opts, Timeline: src, Now: func() time.Time { return frozen }})
	t.Cleanup(func() { m.Close(10 * time.Second) })
	size(m, 100, 16)
	m.switchTo(slices.Index(m.panes, pane(m.tl)))
	m.Update(m.tl.load(0)())
	// The stream, newest first: new error, down, DNS, run end, step 3 (run:r1#7).
	press(m, "down", "down", "down", "down")
	if e := m.tl.shown()[m.tl.cursor]; e.Link != "run:r1#7" {
		t.Fatalf("cursor on %+v, want the step event", e)
	}
	cmd := press(m, "enter")
	if m.detail != nil {
		t.Fatalf("enter on a runbook event opened a check's detail")
	}
	drain(m, cmd, 2)
	if m.panes[m.active] != pane(m.rb) || m.rb.mode != modeLog || m.rb.logView == nil || m.rb.logView.id != "r1" {
		t.Fatalf("enter did not open run r1's transcript in the Runbooks pane (active %s, mode %d)", m.panes[m.active].title(), m.rb.mode)
	}
	// Event 7 is step 3's end: the transcript opens with it on its first line, the
	// run's start scrolled away.
	lines := strings.Split(plain(m), "\n")
	if screen := strings.Join(lines, "\n"); !strings.Contains(lines[3], "✔ 3") || strings.Contains(screen, "Build the release") {
		t.Errorf("the transcript did not open at step 3:\n%s", screen)
	}
	press(m, "esc")
	if m.rb.mode != modeList {
		t.Errorf("esc from the transcript went to mode %d, want the list", m.rb.mode)
	}
}

// drain runs cmd's messages through Update, and theirs, depth levels deep, as Bubble Tea
// would (without waiting for ticks: the pane's refresh is not part of the flow).
func drain(m *Model, cmd tea.Cmd, depth int) {
	if cmd == nil || depth == 0 {
		return
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			drain(m, c, depth)
		}
		return
	}
	_, next := m.Update(msg)
	drain(m, next, depth-1)
}
