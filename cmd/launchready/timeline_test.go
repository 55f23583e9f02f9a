package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	history "github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/internal/timeline"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/dnscheck"
	"github.com/launchready/launchready/runbook"
)

// timelineState is a state folder with a deploy 20 minutes ago, a DNS change 19 minutes
// ago and the API down 18 minutes ago, as watch and a console would leave it.
func timelineState(t *testing.T) string {
	dir := t.TempDir()
	now := time.Now().Truncate(time.Second)
	h, err := history.Open(filepath.Join(dir, "history.db"), history.Options{Detect: timeline.NewDetector()})
	if err != nil {
		t.Fatal(err)
	}
	dnsAt := func(at time.Time, live string) probes.Result {
		return probes.Result{Check: "dns app.acme.example", Pane: probes.PaneDNS, Target: "app.acme.example", Status: probes.StatusOK,
			Started: at, Data: dnscheck.HostData{Name: "app.acme.example", Live: live}}
	}
	api := probes.Result{Check: "endpoint api", Pane: probes.PaneEndpoints, Target: "https://app.acme.example/health",
		Status: probes.StatusFail, Summary: "503 Service Unavailable", Started: now.Add(-18 * time.Minute), Metrics: map[string]float64{"up": 0}}
	old := dnsAt(now.Add(-5*time.Hour), "A 203.0.113.10")
	if err := h.Write(old, dnsAt(now.Add(-19*time.Minute), "A 203.0.113.99"), api); err != nil {
		t.Fatal(err)
	}
	h.Close()
	rs := runbook.NewStore(dir)
	os.MkdirAll(rs.RunsDir(), 0o700)
	line := func(e runbook.Event) string { b, _ := json.Marshal(e); return string(b) + "\n" }
	os.WriteFile(rs.TranscriptPath("r1"), []byte(
		line(runbook.Event{Seq: 1, Time: now.Add(-20 * time.Minute), Type: runbook.RunStart, Runbook: &runbook.RunbookInfo{Name: "deploy"}, Operator: &runbook.Operator{User: "ops-lead"}})+
			line(runbook.Event{Seq: 2, Time: now.Add(-20*time.Minute + 30*time.Second), Type: runbook.RunEnd, Status: "succeeded"})), 0o600)
	return dir
}

func TestTimelineCommand(t *testing.T) {
	dir := timelineState(t)
	out, stderr, code := launch(t, nil, "timeline", "--state", dir, "--json")
	if code != 0 {
		t.Fatalf("timeline --json exit %d: %s", code, stderr)
	}
	var got timelineOut
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	var kinds []string
	for _, e := range got.Events {
		kinds = append(kinds, e.Kind)
	}
	want := "endpoints.state dns.answer runbooks.run-end runbooks.run-start"
	if got.Schema != "launchready.timeline/v1" || strings.Join(kinds, " ") != want {
		t.Errorf("schema %q, kinds %v, want %s", got.Schema, kinds, want)
	}

	out, _, code = launch(t, nil, "timeline", "--state", dir, "--pane", "dns,runbooks", "--since", "30m")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "dns        app.acme.example: A 203.0.113.10 → A 203.0.113.99") ||
		!strings.Contains(lines[2], "runbooks   deploy started by ops-lead") {
		t.Errorf("text:\n%s", out)
	}
	// A window before any of it.
	out, _, _ = launch(t, nil, "timeline", "--state", dir, "--since", "2h", "--until", "1h")
	if strings.TrimSpace(out) != "no changes in this window" {
		t.Errorf("empty window printed %q", out)
	}
	_, stderr, code = launch(t, nil, "timeline", "--state", dir, "--since", "yesterday")
	if code != 2 || !strings.Contains(stderr, "neither a duration") {
		t.Errorf("bad --since: exit %d, %s", code, stderr)
	}
	_, stderr, code = launch(t, nil, "timeline", "--state", dir, "--pane", "nope")
	if code != 2 || !strings.Contains(stderr, "unknown pane \"nope\"") {
		t.Errorf("bad --pane: exit %d, %s", code, stderr)
	}
}
