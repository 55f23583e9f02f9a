package runbook

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/probes"
)

// TestRunHoldsAlertsWhileItRuns: a runbook with maintenance: writes the window watch
// reads before its first step, the window covers what it lists and not the rest, and it
// is gone when the run ends, with both moments in the transcript.
func TestRunHoldsAlertsWhileItRuns(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &script{})
	dir := t.TempDir()
	windows := alert.NewMaintenance(&alert.Config{}, h.state, func(p string, err error) { t.Errorf("window %s: %v", p, err) })
	rb := runbookFrom(t, dir, `name: deploy
maintenance:
  checks: ["http api.*"]
  panes: [endpoints]
  for: 20m
env:
  WINDOW: `+filepath.Join(h.state, alert.MaintenanceDir, "runbook-deploy.json")+`
steps:
  - name: Restart
    run: cat "$WINDOW"
`, Env{})
	if got, want := h.engine().Plan(rb).Holds, "http api.*, the endpoints pane for up to 20m"; got != want {
		t.Errorf("the dry run says the run holds %q, want %q", got, want)
	}
	start := time.Now()
	out := h.run(rb)
	if !out.OK() {
		t.Fatalf("run ended %s: %s", out.Status, out.Reason)
	}
	evs := h.transcript(out)
	window := outputOf(evs, 1) // steps count from 1 in events
	for _, want := range []string{`"http api.*"`, `"endpoints"`, `runbook deploy`} {
		if !strings.Contains(window, want) {
			t.Errorf("the window the step saw lacks %s:\n%s", want, window)
		}
	}
	notes := ofType(evs, Note)
	if len(notes) < 2 || !strings.Contains(notes[0].Text, "alerts held for http api.*, the endpoints pane until") ||
		!strings.Contains(notes[len(notes)-1].Text, "alerts no longer held") {
		t.Errorf("the transcript should say when alerts were held and released: %+v", notes)
	}
	if _, err := os.Stat(filepath.Join(h.state, alert.MaintenanceDir, "runbook-deploy.json")); !os.IsNotExist(err) {
		t.Errorf("the window outlived the run: %v", err)
	}
	if windows.Active("http api.acme.example", probes.PaneEndpoints, start.Add(time.Minute)) {
		t.Error("watch would still hold alerts after the run")
	}
}

// TestDetachedRunKeepsItsHoldUntilItExpires: a run whose engine stops watching (lost
// terminal) may still be running its command, so the window stays, bounded by for:.
func TestDetachedRunKeepsItsHoldUntilItExpires(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &script{})
	dir := t.TempDir()
	windows := alert.NewMaintenance(&alert.Config{}, h.state, nil)
	rb := runbookFrom(t, dir, `name: deploy
maintenance:
  panes: [endpoints]
  for: 15m
steps:
  - name: Slow
    run: sleep 2
`, Env{})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	now := time.Now()
	out, err := h.engine().Run(ctx, rb)
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != StatusDetached {
		t.Fatalf("run ended %s, want detached", out.Status)
	}
	if !windows.Active("endpoint api", probes.PaneEndpoints, now.Add(time.Minute)) {
		t.Error("a detached run's hold was released while its command may still run")
	}
	if windows.Active("dns app.acme.example", probes.PaneDNS, now.Add(time.Minute)) {
		t.Error("the hold covers a pane the runbook did not list")
	}
	if windows.Active("endpoint api", probes.PaneEndpoints, now.Add(16*time.Minute)) {
		t.Error("the hold outlived its for: 15m")
	}
	// Resuming puts the run under way again and holds alerts again; its end lets go.
	time.Sleep(2 * time.Second) // the command outlives the engine and finishes
	h.p.choices = []Decision{Continue}
	out2, err := h.engine().Resume(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !out2.OK() {
		t.Fatalf("resume ended %s: %s", out2.Status, out2.Reason)
	}
	evs := h.transcript(out2)
	var held, released bool
	for _, n := range ofType(evs, Note) {
		held = held || strings.Contains(n.Text, "alerts held for the endpoints pane")
		released = released || strings.Contains(n.Text, "alerts no longer held")
	}
	if !held || !released {
		t.Errorf("the resumed run should hold alerts again and release them at its end: held %v, released %v", held, released)
	}
	if windows.Active("endpoint api", probes.PaneEndpoints, time.Now().Add(time.Minute)) {
		t.Error("the hold outlived the resumed run")
	}
}
