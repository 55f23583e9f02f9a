package loadhold

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/load"
	"github.com/launchready/launchready/probes"
)

// TestAffectedAndHold: the window holds the Endpoints and Performance checks on the hosts
// under load (and the smoke flow when a sign-in is loaded), matches a name with pattern
// characters exactly, and is gone once closed.
func TestAffectedAndHold(t *testing.T) {
	t.Parallel()
	checks := []probes.CheckInfo{
		{Name: "member feed", Kind: "endpoint", Pane: probes.PaneEndpoints, Target: "https://app.acme.example/members/feed"},
		{Name: "api [v2]", Kind: "endpoint", Pane: probes.PaneEndpoints, Target: "POST https://APP.acme.example/v2"},
		{Name: "page pricing", Kind: "perf-page", Pane: probes.PanePerformance, Target: "https://app.acme.example/pricing"},
		{Name: "smoke", Kind: "smoke", Pane: probes.PaneEndpoints, Target: "smoke flow"},
		{Name: "http api.acme.example", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://api.acme.example"},
		{Name: "tls app.acme.example", Kind: "tls", Pane: probes.PaneTLS, Target: "https://app.acme.example"},
	}
	flows := []load.Flow{{Name: "login", Role: load.RoleLogin, URL: "https://app.acme.example/login"}}
	got := Affected(checks, flows)
	want := []string{`api \[v2\]`, "member feed", "page pricing", "smoke"}
	if !slices.Equal(got, want) {
		t.Fatalf("affected %q, want %q", got, want)
	}
	if a := Affected(checks, []load.Flow{{Name: "home", URL: "https://www.acme.example/"}}); len(a) != 0 {
		t.Errorf("a homepage run on www holds %q, want nothing", a)
	}

	state := t.TempDir()
	now := time.Now()
	_, file, err := Open(state, 4242, got, now, time.Minute, "sam@ops-1")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(state, alert.MaintenanceDir, Name(4242, now)+".json"); file != want {
		t.Errorf("window at %s, want %s", file, want)
	}
	m := alert.NewMaintenance(nil, state, nil)
	for name, held := range map[string]bool{"api [v2]": true, "api v": false, "member feed": true, "http api.acme.example": false} {
		if m.Active(name, probes.PaneEndpoints, now.Add(time.Second)) != held {
			t.Errorf("%s held: want %v", name, held)
		}
	}
	if m.Active("member feed", probes.PaneEndpoints, now.Add(time.Minute+grace+time.Second)) {
		t.Error("the window outlives the planned end plus its grace")
	}
	if err := alert.EndMaintenance(file); err != nil {
		t.Fatal(err)
	}
	if alert.NewMaintenance(nil, state, nil).Active("member feed", probes.PaneEndpoints, now.Add(time.Second)) {
		t.Error("still held after the window closed")
	}
}

// TestTwoRunsEachHoldTheirOwn: two load runs on one state folder, started the same
// second by two processes, each hold their own checks; the first to end releases only
// its own, and the other's checks stay held until it ends. A run killed an hour ago left
// its file behind: it holds nothing now.
func TestTwoRunsEachHoldTheirOwn(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	now := time.Now()
	_, killed, err := Open(state, 99, []string{"page pricing"}, now.Add(-time.Hour), time.Minute, "sam@ops-1")
	if err != nil {
		t.Fatal(err)
	}
	_, first, err := Open(state, 100, []string{"member feed"}, now, time.Minute, "sam@ops-1")
	if err != nil {
		t.Fatal(err)
	}
	_, second, err := Open(state, 200, []string{"smoke"}, now, 10*time.Minute, "kim@ops-2")
	if err != nil {
		t.Fatal(err)
	}
	if len(slices.Compact([]string{killed, first, second})) != 3 {
		t.Errorf("runs share a window file: %s, %s, %s", killed, first, second)
	}
	held := func(check string) bool {
		return alert.NewMaintenance(nil, state, nil).Active(check, probes.PaneEndpoints, now.Add(time.Second))
	}
	if !held("member feed") || !held("smoke") {
		t.Errorf("while both run: member feed held %v, smoke held %v; want both", held("member feed"), held("smoke"))
	}
	if held("page pricing") {
		t.Error("the killed run's stale window still holds page pricing")
	}
	if err := alert.EndMaintenance(first); err != nil {
		t.Fatal(err)
	}
	if held("member feed") || !held("smoke") {
		t.Errorf("after the first run ended: member feed held %v (want false), smoke held %v (want true)", held("member feed"), held("smoke"))
	}
}
