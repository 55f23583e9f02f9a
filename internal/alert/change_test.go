package alert

import (
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// TestChangesForTheTimeline: the engine tells OnChange each alert that fired, was
// silenced by a window (naming it), fired once the window let it, and resolved, in that
// order, and nothing for results that change no alert.
func TestChangesForTheTimeline(t *testing.T) {
	t.Parallel()
	cfg, red := loadAlerts(t, hookYAML, map[string]string{"HOOK_URL": "http://127.0.0.1:9/hook"})
	dir := t.TempDir()
	st, err := OpenStore(dir, red, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := newClock()
	var got []Change
	e := NewEngine(cfg, st, EngineOptions{Now: clk.Now, Maintenance: NewMaintenance(cfg, dir, nil),
		OnChange: func(c Change) { got = append(got, c) }})

	const app = "http app.acme.example"
	observe(t, e, failing(api, probes.Critical), failing(api, probes.Critical), failing(api, probes.Critical))
	clk.Add(time.Minute)
	observe(t, e, passing(api))

	p, err := StartMaintenance(dir, "runbook-deploy", Span{Panes: []string{"endpoints"}, From: clk.Now(), Until: clk.Now().Add(10 * time.Minute),
		Reason: "deploy v42", By: "runbook deploy (sam@ops-1)"})
	if err != nil {
		t.Fatal(err)
	}
	observe(t, e, failing(app, probes.Critical), failing(app, probes.Critical), failing(app, probes.Critical))
	if err := EndMaintenance(p); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Minute)
	observe(t, e, failing(app, probes.Critical), failing(app, probes.Critical))

	want := []struct {
		kind  ChangeKind
		check string
	}{{ChangeFired, api}, {ChangeResolved, api}, {ChangeSilenced, app}, {ChangeFired, app}}
	if len(got) != len(want) {
		t.Fatalf("changes: %+v, want %v", got, want)
	}
	for i, w := range want {
		if got[i].Kind != w.kind || got[i].Alert.Check != w.check {
			t.Errorf("change %d: %s %s, want %s %s", i, got[i].Kind, got[i].Alert.Check, w.kind, w.check)
		}
	}
	if w := got[2].Window; w.Reason != "deploy v42" || w.By != "runbook deploy (sam@ops-1)" {
		t.Errorf("silenced by %+v, want the deploy's window", w)
	}
	if !got[1].At.Equal(newClock().Now().Add(time.Minute)) {
		t.Errorf("resolved at %v", got[1].At)
	}
}
