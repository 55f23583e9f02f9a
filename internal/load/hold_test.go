package load

import (
	"slices"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/alert"
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
	flows := []Flow{{Name: "login", Role: RoleLogin, URL: "https://app.acme.example/login"}}
	got := Affected(checks, flows)
	want := []string{`api \[v2\]`, "member feed", "page pricing", "smoke"}
	if !slices.Equal(got, want) {
		t.Fatalf("affected %q, want %q", got, want)
	}
	if a := Affected(checks, []Flow{{Name: "home", URL: "https://www.acme.example/"}}); len(a) != 0 {
		t.Errorf("a homepage run on www holds %q, want nothing", a)
	}

	state := t.TempDir()
	now := time.Now()
	_, file, err := OpenHold(state, got, now, time.Minute, "sam@ops-1")
	if err != nil {
		t.Fatal(err)
	}
	m := alert.NewMaintenance(nil, state, nil)
	for name, held := range map[string]bool{"api [v2]": true, "api v": false, "member feed": true, "http api.acme.example": false} {
		if m.Active(name, probes.PaneEndpoints, now.Add(time.Second)) != held {
			t.Errorf("%s held: want %v", name, held)
		}
	}
	if m.Active("member feed", probes.PaneEndpoints, now.Add(time.Minute+holdGrace+time.Second)) {
		t.Error("the window outlives the planned end plus its grace")
	}
	if err := alert.EndMaintenance(file); err != nil {
		t.Fatal(err)
	}
	if alert.NewMaintenance(nil, state, nil).Active("member feed", probes.PaneEndpoints, now.Add(time.Second)) {
		t.Error("still held after the window closed")
	}
}
