package tui

import (
	"strings"
	"testing"
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
