package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/internal/timeline"
)

// fakeTimeline is a timeline source of fixed events: the fixture's incident, a deploy,
// then a DNS change, then the API down and a new error, newest first.
type fakeTimeline struct{ evs []store.Event }

func (f *fakeTimeline) List(q store.EventQuery) ([]store.Event, error) {
	var out []store.Event
	for _, e := range f.evs {
		if !e.Time.Before(q.Since) {
			out = append(out, e)
		}
	}
	return out, nil
}

func incidentTimeline() *fakeTimeline {
	at := func(d time.Duration) time.Time { return frozen.Add(-d) }
	return &fakeTimeline{evs: []store.Event{
		{Time: at(6*time.Minute + 30*time.Second), Kind: timeline.KindNewErrorGroup, Pane: "errors", Check: "errors app", Target: "app.log", Summary: "new error: upstream connect error or disconnect/reset before headers"},
		{Time: at(7*time.Minute + 11*time.Second), Kind: timeline.KindEndpointState, Pane: "endpoints", Check: "http api.acme.example", Target: "https://api.acme.example/health", Summary: "https://api.acme.example/health down (was up): 503 Service Unavailable"},
		{Time: at(8 * time.Minute), Kind: timeline.KindDNSAnswer, Pane: "dns", Check: "dns api.acme.example", Target: "api.acme.example", Summary: "api.acme.example: A 203.0.113.10 → A 203.0.113.99"},
		{Time: at(9*time.Minute + 20*time.Second), Kind: timeline.KindRunEnd, Pane: "runbooks", Target: "deploy", Summary: "deploy succeeded", Link: "run:r1#9", Who: "ops-lead"},
		{Time: at(9*time.Minute + 40*time.Second), Kind: timeline.KindRunStep, Pane: "runbooks", Target: "deploy", Summary: "deploy step 3 “Switch traffic to the release”: ok", Link: "run:r1#7", Who: "ops-lead"},
		{Time: at(10 * time.Minute), Kind: timeline.KindRunStart, Pane: "runbooks", Target: "deploy", Summary: "deploy started by ops-lead", Link: "run:r1#1", Who: "ops-lead"},
		{Time: at(40 * time.Minute), Kind: timeline.KindSessionStart, Pane: "session", Summary: "console started by ops-lead", Who: "ops-lead"},
	}}
}

// timelineModel is the failing fixture console with the incident's timeline.
func timelineModel(t *testing.T) *Model {
	m, clk, _ := newTestModel(t, t.TempDir())
	m.tl.src = incidentTimeline()
	m.opts.Timeline = m.tl.src
	playRounds(m, clk, true)
	return m
}

// run feeds a command's message back, as Bubble Tea would, for reads with no delay.
func run(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if msg, ok := cmd().(timelineMsg); ok {
		m.Update(msg)
	}
}

func TestTimelinePane(t *testing.T) {
	m := timelineModel(t)
	size(m, 120, 30)
	run(m, press(m, "8"))
	screen := plain(m)
	for _, want := range []string{"Timeline", "last change 6 min ago: new error: upstream connect error", "deploy started by ops-lead", "runbooks"} {
		if !strings.Contains(screen, want) {
			t.Errorf("timeline screen lacks %q:\n%s", want, screen)
		}
	}
	// Newest first.
	if strings.Index(screen, "new error:") > strings.Index(screen, "deploy started") {
		t.Errorf("not newest first:\n%s", screen)
	}
	// p cycles the pane filter: dns only.
	press(m, "p")
	if got := m.tl.shown(); len(got) != 1 || got[0].Kind != timeline.KindDNSAnswer {
		t.Errorf("pane filter dns shows %v", got)
	}
	for range len(timelinePanes) - 1 {
		press(m, "p")
	}
	// / filters by text.
	press(m, "/", "o", "p", "s", "-", "l", "e", "a", "d", "enter")
	if got := m.tl.shown(); len(got) != 4 {
		t.Errorf("filter ops-lead shows %d events, want the run's 3 and the console start", len(got))
	}
	press(m, "esc")
	// enter on an event opens its check: the jump from a change to what it changed.
	press(m, "down", "down", "enter")
	if m.detail == nil || !strings.Contains(plain(m), "dns api.acme.example") {
		t.Errorf("enter on the DNS change did not open its check:\n%s", plain(m))
	}
}

// TestBeforeThis is t on the failing API check: the Timeline pane opens on the changes
// in the 30 minutes before, the same-host DNS change first, then the deploy's events, and
// offers the deploy's rollback.
func TestBeforeThis(t *testing.T) {
	m := timelineModel(t)
	size(m, 120, 30)
	run(m, press(m, "5")) // Endpoints
	for i := 0; i < 10; i++ {
		if sel, _ := m.panes[m.active].selected(); sel.check == "http api.acme.example" {
			break
		}
		press(m, "down")
	}
	run(m, press(m, "t"))
	if m.panes[m.active] != pane(m.tl) || m.tl.before == nil {
		t.Fatalf("t did not open before this; flash %q", m.flash)
	}
	screen := plain(m)
	if !strings.Contains(screen, "Before http api.acme.example failed at") || !strings.Contains(screen, "roll it back") {
		t.Errorf("before-this screen:\n%s", screen)
	}
	got := m.tl.shown()
	if len(got) == 0 || got[0].Kind != timeline.KindDNSAnswer {
		t.Fatalf("ranked first: %+v", got)
	}
	press(m, "esc")
	if m.tl.before != nil {
		t.Error("esc did not return to the stream")
	}
	// On a healthy check t says what it is for.
	run(m, press(m, "2"))
	press(m, "down")
	press(m, "down")
	if sel, _ := m.panes[m.active].selected(); sel.finding == nil {
		if _, failing := failureOf(m.sh.board, sel); !failing {
			press(m, "t")
			if !strings.Contains(m.flash, "select a failing check") && m.panes[m.active] != pane(m.tl) {
				t.Errorf("t on a healthy check: flash %q", m.flash)
			}
		}
	}
}

func TestGoldenTimeline(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"stream":      {"8"},
		"pane-filter": {"8", "p", "p", "p", "p"},
		"before-this": {"t"},
	}
	for name, keys := range cases {
		for _, sz := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s/%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				t.Parallel()
				m := timelineModel(t)
				size(m, sz[0], sz[1])
				for _, k := range keys {
					run(m, press(m, k))
				}
				screen := plain(m)
				checkFrame(t, screen, sz[0], sz[1])
				golden.RequireEqual(t, screen)
			})
		}
	}
}
