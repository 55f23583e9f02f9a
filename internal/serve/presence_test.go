package serve

import (
	"slices"
	"testing"
	"time"
)

// TestWatching: the header counts the consoles open on the engine and the help overlay
// names them, operators marked; one leaving is counted out, and the timeline hook hears
// both the opening and the closing.
func TestWatching(t *testing.T) {
	h := startServe(t, "")
	a := openConsole(t, h, 120, 40, h.operator)
	a.waitFor("1 watching", 0)
	b := openConsole(t, h, 120, 40, h.viewer)
	b.waitFor("2 watching", 0)
	m := a.mark()
	a.keys("?")
	a.waitFor("2 watching: ops-lead (operator), founder", m)
	b.keys("q")
	select {
	case <-b.done:
	case <-time.After(10 * time.Second):
		t.Fatal("q did not end the viewer's session")
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && len(h.heardSoFar()) < 3 {
		time.Sleep(10 * time.Millisecond)
	}
	m = a.mark()
	a.keys("?") // closes the overlay
	a.keys("?")
	a.waitFor("1 watching: ops-lead (operator)", m)
	want := []string{"open ops-lead", "open founder", "close founder: closed by the user"}
	if got := h.heardSoFar(); !slices.Equal(got, want) {
		t.Errorf("the session hook heard %q, want %q", got, want)
	}
}

// TestWatchingNarrow: at 80 columns the count stays in the header.
func TestWatchingNarrow(t *testing.T) {
	h := startServe(t, "")
	a := openConsole(t, h, 80, 24, h.viewer)
	a.waitFor("1 watching", 0)
}
