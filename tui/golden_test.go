package tui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestGoldenScreens renders every pane at 80x24 and 160x48 in three states on a frozen
// clock: loading (no result yet), healthy and failing. The golden files are the screens
// as a person reads them (escape sequences stripped); review their diff like any UI
// change, and rewrite them with: go test ./tui -run TestGoldenScreens -update
func TestGoldenScreens(t *testing.T) {
	t.Parallel()
	panes := []string{"overview", "dns", "certificates", "email", "endpoints", "errors", "runbooks"}
	for _, state := range []string{"loading", "healthy", "failing"} {
		for _, sz := range [][2]int{{80, 24}, {160, 48}} {
			for i, name := range panes {
				t.Run(fmt.Sprintf("%s/%dx%d/%s", name, sz[0], sz[1], state), func(t *testing.T) {
					t.Parallel()
					m, clk, _ := newTestModel(t, t.TempDir())
					clk.Set(frozen)
					if state != "loading" {
						playRounds(m, clk, state == "failing")
					}
					size(m, sz[0], sz[1])
					press(m, fmt.Sprint(i+1))
					screen := plain(m)
					checkFrame(t, screen, sz[0], sz[1])
					golden.RequireEqual(t, screen)
				})
			}
		}
	}
}

// TestGoldenOverlays covers what opens over a pane: the detail of the worst finding, the
// detail of a check, the launch bar on a narrow screen, and the help.
func TestGoldenOverlays(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"finding-detail": {"enter"},
		"check-detail":   {"5", "down", "enter"},
		"launch-bar":     {"b"},
		"bar-detail":     {"b", "down", "enter"},
		"help":           {"?"},
		"filter":         {"5", "/", "a", "p", "i"},
	}
	for name, keys := range cases {
		for _, sz := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s/%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				t.Parallel()
				m, clk, _ := newTestModel(t, t.TempDir())
				playRounds(m, clk, true)
				size(m, sz[0], sz[1])
				press(m, keys...)
				screen := plain(m)
				checkFrame(t, screen, sz[0], sz[1])
				golden.RequireEqual(t, screen)
			})
		}
	}
}
