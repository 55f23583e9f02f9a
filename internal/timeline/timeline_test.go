package timeline

import (
	"slices"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes/errlog"
	"github.com/launchready/launchready/runbook"
)

// TestIncidentStory is the story: a deploy, then a DNS change, then the endpoint
// failing and the errors spiking, in that order. The stream lists them newest first, and
// "before this" on the endpoint failure ranks the same-host DNS change first, the deploy
// next, and offers the deploy's run to roll back.
func TestIncidentStory(t *testing.T) {
	st := openStore(t)
	rs := runbook.NewStore(t.TempDir())
	// Baselines, ten minutes before: nothing to report.
	var baseline []store.Event
	for i := range 4 {
		at := t0.Add(-10*time.Minute + time.Duration(i)*30*time.Second)
		must(t, st.Write(dnsResult(at, "A 203.0.113.10"), endpointResult(at, true, 40*time.Millisecond), errorsResult(at, 0.4)))
	}
	baseline, err := st.Events(store.EventQuery{})
	must(t, err)
	if len(baseline) != 0 {
		t.Fatalf("healthy baselines recorded changes: %+v", baseline)
	}
	deployRun(t, rs, t0)
	must(t, st.Write(dnsResult(t0.Add(time.Minute), "A 203.0.113.99")))
	must(t, st.Write(endpointResult(t0.Add(2*time.Minute), false, 3*time.Millisecond)))
	grp := errlog.Group{Fingerprint: "f1", Title: "upstream connect error", FirstSeen: t0.Add(2*time.Minute + 30*time.Second)}
	must(t, st.Write(errorsResult(t0.Add(3*time.Minute), 42, grp)))

	src := Source{History: st, Runs: rs}
	evs, err := src.List(store.EventQuery{Since: t0.Add(-time.Hour)})
	must(t, err)
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
	}
	want := []string{KindErrorSpike, KindNewErrorGroup, KindEndpointState, KindDNSAnswer,
		KindRunEnd, KindRunStep, KindRunStep, KindRunStart}
	if !slices.Equal(kinds, want) {
		t.Fatalf("stream kinds, newest first:\n got %v\nwant %v", kinds, want)
	}
	if got := evs[3].Summary; got != "app.acme.example: A 203.0.113.10 → A 203.0.113.99" {
		t.Errorf("DNS change says %q", got)
	}
	if got := evs[7]; got.Who != "ops-lead" || got.Summary != "deploy started by ops-lead" || got.Link != "run:20261128-021000-deploy#1" {
		t.Errorf("run start = %+v", got)
	}
	if got := evs[5].Summary; got != "deploy step 2 “Switch traffic”: ok" {
		t.Errorf("step summary = %q", got)
	}

	// Only the endpoints pane.
	only, err := src.List(store.EventQuery{Panes: []string{"endpoints"}})
	must(t, err)
	if len(only) != 1 || only[0].Kind != KindEndpointState {
		t.Errorf("--pane endpoints listed %+v", only)
	}

	ranked, deploy := Before(evs, Failure{Time: t0.Add(2 * time.Minute), Pane: "endpoints",
		Check: "endpoint api health", Target: "https://app.acme.example/health"}, 0)
	var order []string
	for _, r := range ranked {
		order = append(order, r.Kind)
	}
	// What was seen up to SeenLate after the failure comes last: the error group 30 s
	// after, the spike a minute after.
	wantOrder := []string{KindDNSAnswer, KindRunEnd, KindRunStep, KindRunStep, KindRunStart, KindNewErrorGroup, KindErrorSpike}
	if !slices.Equal(order, wantOrder) {
		t.Fatalf("before this ranked %v, want %v (the failure itself excluded)", order, wantOrder)
	}
	if !slices.Contains(ranked[5].Why, "seen just after") {
		t.Errorf("the error group after the failure says %v", ranked[5].Why)
	}
	// A check's state when the session started is not a change: below the deploy. The
	// flag says so, whatever the summary's words.
	base := store.Event{Time: t0.Add(90 * time.Second), Kind: KindEndpointState, Check: "http app.acme.example",
		Target: "https://app.acme.example/admin", Pane: "endpoints", Summary: "https://app.acme.example/admin degraded", Baseline: true}
	ranked, _ = Before(append(slices.Clone(evs), base), Failure{Time: t0.Add(2 * time.Minute), Pane: "endpoints",
		Check: "endpoint api health", Target: "https://app.acme.example/health"}, 0)
	if ranked[len(ranked)-1].Summary != base.Summary {
		t.Errorf("a baseline on the same host should rank last, ranked %v", ranked)
	}
	if !slices.Equal(ranked[0].Why, []string{"same host"}) {
		t.Errorf("DNS change's why = %v", ranked[0].Why)
	}
	if deploy == nil || RunID(*deploy) != "20261128-021000-deploy" {
		t.Errorf("deploy to roll back = %+v", deploy)
	}
	// Failing errors pane: the same-pane group first seen outranks a farther deploy.
	ranked, _ = Before(evs, Failure{Time: t0.Add(2*time.Minute + 50*time.Second), Pane: "errors", Check: "errors app", Target: "app.log"}, 0)
	if ranked[0].Kind != KindNewErrorGroup {
		t.Errorf("errors failure ranked %s first", ranked[0].Kind)
	}
	// Nothing before the window.
	if r, d := Before(evs, Failure{Time: t0.Add(-20 * time.Minute)}, 0); len(r) != 0 || d != nil {
		t.Errorf("an empty window ranked %v", r)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
