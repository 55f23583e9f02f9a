package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

// TestNumberKeysAndTabBarForManyPanes: keys 1-9 go to the first nine panes and 0 to the
// tenth; when the named tab bar does not fit, the panes not on screen show their numbers
// only, and the one on screen keeps its name.
func TestNumberKeysAndTabBarForManyPanes(t *testing.T) {
	for r, want := range map[rune]int{'1': 0, '7': 6, '9': 8, '0': 9} {
		if got := tabIndex(r); got != want {
			t.Errorf("key %c goes to pane %d, want %d", r, got, want)
		}
	}
	m, _, _ := newTestModel(t, t.TempDir())
	size(m, 60, 24)
	press(m, "5")
	bar := strings.Split(plain(m), "\n")[1]
	if !strings.Contains(bar, "[5 Endpoints]") || !strings.Contains(bar, " 1 ") || strings.Contains(bar, "DNS") {
		t.Errorf("narrow tab bar: %q", bar)
	}
	press(m, "0") // no tenth pane here: nothing happens
	if bar2 := strings.Split(plain(m), "\n")[1]; bar2 != bar {
		t.Errorf("0 moved with 7 panes: %q", bar2)
	}
}

// TestRowsOfOneTargetNameTheirCheck: when several checks of a pane look at one target, the
// rows say which check each is instead of repeating the target.
func TestRowsOfOneTargetNameTheirCheck(t *testing.T) {
	m, _, _ := newTestModel(t, t.TempDir())
	size(m, 160, 48)
	press(m, "2")
	if screen := plain(m); strings.Contains(screen, "registration acme.example") || !strings.Contains(screen, " acme.example ") {
		t.Fatalf("a target shown once was replaced by its check's name:\n%s", screen)
	}
	cfg, err := config.Parse(examples.Config, examples.ConfigName)
	if err != nil {
		t.Fatal(err)
	}
	infos := append(fixtureInfos(), ci("copies", probes.PaneDNS, "acme.example", "acme.example"))
	m2 := New(Options{Config: cfg, Checks: infos, Interval: time.Minute, Runner: &fakeRunner{}, Now: func() time.Time { return frozen }, Tick: -1,
		StateDir: t.TempDir(), Kinds: []probes.Kind{{Name: "http", Pane: probes.PaneEndpoints}}})
	size(m2, 160, 48)
	press(m2, "2")
	screen := plain(m2)
	if !strings.Contains(screen, "registration acme.example") || !strings.Contains(screen, "copies acme.example") {
		t.Errorf("two checks at acme.example do not say which they are:\n%s", screen)
	}
}
