package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	history "github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/internal/timeline"
	"github.com/launchready/launchready/runbook"
)

// TestDemoDeployTellsTheTimelineStoryInTmux is the "done means" on the real
// binary: `launchready demo`, the demo's deploy switched to v42 (which, on the lab, moves
// app.acme.example to A 127.0.0.2 and breaks its page), then rolled back. The Timeline
// pane shows the deploy started by someone, the DNS answer changing old → new and the
// app down; and "before this" on the app going down, read from what the console stored,
// ranks the DNS change and the deploy first and offers the deploy's run to roll back.
func TestDemoDeployTellsTheTimelineStoryInTmux(t *testing.T) {
	t.Parallel()
	s := newTmux(t)
	state := t.TempDir()
	s.start(80, 24, binary+" demo --interval 3s --log-every 0 --state "+state)
	s.waitFor("the console", 30*time.Second, "Acme Community", "[1 Overview]")
	s.keys("7")
	s.waitFor("the runbooks", 10*time.Second, "3 runbooks in", "deploy")
	s.keys("Enter")
	s.waitFor("the plan", 5*time.Second, "Runbook deploy · 5 steps")
	s.keys("x")
	s.waitFor("the first input", 10*time.Second, "input RELEASE")
	s.keys("Enter")
	s.waitFor("the secret input", 5*time.Second, "input DEPLOY_TOKEN (secret)")
	s.literal("story-t0ken-1234")
	s.keys("Enter")
	s.waitFor("the confirmation", 10*time.Second, "y yes, go on")
	s.keys("y")
	s.waitFor("the failure choice", 40*time.Second, "Wait for the API · failed", "b   roll back")
	s.keys("b")
	s.waitFor("the roll back", 20*time.Second, "deploy rolled back")

	s.keys("8")
	story := s.waitFor("the story on the timeline", 20*time.Second, "[8 Timeline]", "deploy started by",
		"app.acme.example: A 127.0.0.1 → A 127.0.0.2", "app.acme.example/ down")
	t.Logf("the timeline:\n%s", story)
	if strings.Index(story, "A 127.0.0.1 → A 127.0.0.2") > strings.Index(story, "deploy started by") {
		t.Errorf("the DNS change should be listed above (after) the deploy's start:\n%s", story)
	}
	s.keys("q")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := s.run("has-session", "-t", "lr"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("q did not quit:\n%s", s.capture(false))
		}
		time.Sleep(50 * time.Millisecond)
	}

	h, err := history.OpenReader(filepath.Join(labState(state), "history-lab.db"), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	src := timeline.Source{History: h, Runs: runbook.NewStore(filepath.Join(labState(state), "demo"))}
	evs, err := src.List(history.EventQuery{})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(evs, func(e history.Event) bool {
		return e.Kind == timeline.KindEndpointState && e.Check == "http app.acme.example" && strings.Contains(e.Summary, " down")
	})
	if i < 0 {
		t.Fatalf("no app-down event stored: %+v", evs)
	}
	down := evs[i]
	ranked, deploy := timeline.Before(evs, timeline.Failure{Time: down.Time, Pane: down.Pane, Check: down.Check, Target: down.Target}, 0)
	if len(ranked) < 2 {
		t.Fatalf("before this: %+v", ranked)
	}
	var top []string
	for _, r := range ranked[:min(4, len(ranked))] {
		top = append(top, r.Kind+" "+r.Summary)
	}
	// The DNS change and the deploy's steps lead, whichever the seconds between the
	// checks put first: the app's other pages failing from the start rank below them.
	lead := ranked[:min(3, len(ranked))]
	if !slices.ContainsFunc(lead, func(r timeline.Ranked) bool { return r.Kind == timeline.KindDNSAnswer }) ||
		!slices.ContainsFunc(lead, func(r timeline.Ranked) bool { return timeline.IsDeploy(r.Event) }) {
		t.Errorf("before the app went down, want the DNS change and the deploy first:\n%s", strings.Join(top, "\n"))
	}
	if deploy == nil || !strings.Contains(timeline.RunID(*deploy), "deploy") {
		t.Errorf("no deploy run offered to roll back: %+v", deploy)
	}
}
