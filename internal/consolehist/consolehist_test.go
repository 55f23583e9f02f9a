package consolehist

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/tui"
)

// frozen is the tests' clock: the overview's windows end here.
var frozen = time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)

func clock() time.Time { return frozen }

var checks = []probes.CheckInfo{
	{Name: "home", Kind: "endpoint", Pane: probes.PaneEndpoints, Target: "https://acme.example/"},
	{Name: "api", Kind: "endpoint", Pane: probes.PaneEndpoints, Target: "https://api.acme.example/health"},
}

// result is an endpoint check's result as the runner hands it over.
func result(check string, at time.Time, up bool, lat time.Duration) probes.Result {
	r := probes.Result{Check: check, Kind: "endpoint", Pane: probes.PaneEndpoints, Target: check, Started: at, Latency: lat,
		Status: probes.StatusOK, Summary: "200 in " + lat.String(),
		Metrics: map[string]float64{"up": 1, "latency_ms": float64(lat.Milliseconds())}}
	if !up {
		r.Status, r.Summary, r.Metrics["up"] = probes.StatusFail, "503", 0
		r.Findings = []probes.Finding{{ID: "endpoint.down", Severity: probes.Critical, Impact: probes.Revenue, Title: "api answers 503", Check: check, Target: check}}
	}
	return r
}

// filled writes a day of known results into a database in a temp dir and returns its
// path: home is up every 10 minutes at 80 ms; api is up except 3 of its 144 results
// (97.92% over 24h), and over the last hour its latencies are 100..600 ms, so its
// nearest-rank p95 is 600 ms.
// openFilled opens the store filled() wrote; the test's cleanup closes it.
func openFilled(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filled(t), store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func filled(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "history.db")
	st, err := store.Open(path, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	var rs []probes.Result
	for i := 1; i <= 144; i++ {
		at := frozen.Add(-time.Duration(i) * 10 * time.Minute)
		rs = append(rs, result("home", at, true, 80*time.Millisecond))
		lat := 200 * time.Millisecond
		if i <= 6 { // the last hour: 600, 500, ... 100 ms going back
			lat = time.Duration(7-i) * 100 * time.Millisecond
		}
		rs = append(rs, result("api", at, i != 30 && i != 31 && i != 100, lat))
	}
	if err := st.Write(rs...); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// console is a console on history h, sized w x h, with the live results fed in and the
// figures query answered, as the program would.
func console(t *testing.T, h tui.History, w, ht int, live ...probes.Result) *tui.Model {
	t.Helper()
	m := tui.New(tui.Options{Product: "Acme", Checks: checks, History: h, Now: clock, Tick: -1})
	m.Update(tea.WindowSizeMsg{Width: w, Height: ht})
	feed(t, m, m.Init())
	_, cmd := m.Update(tui.ResultsMsg(live))
	feed(t, m, cmd)
	return m
}

// feed runs a command and its batch, handing the figures answer back to Update. Other
// messages (the spinner's tick, the background colour query) are not the subject here.
func feed(t *testing.T, m *tui.Model, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(2 * time.Second):
		return // a timer; not ours
	}
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			feed(t, m, c)
		}
	default:
		if fmt.Sprintf("%T", msg) == "tui.figuresMsg" {
			_, next := m.Update(msg)
			feed(t, m, next)
		}
	}
}

func plain(m *tui.Model) string { return ansi.Strip(m.View().Content) }

// TestTilesReadTheStore: with a store holding a day of results, the overview's Uptime
// 24h tile is api's 97.92% over the last 24h and the p95 tile is api's 600 ms over the
// last hour, both labelled by their window; golden screens at 80x24 and 160x48 (rewrite
// with go test ./internal/consolehist -run TestTilesReadTheStore -update).
func TestTilesReadTheStore(t *testing.T) {
	t.Parallel()
	path := filled(t)
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			st, err := store.Open(path, store.Options{Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			h := New(st, checks, clock)
			if _, ok := h.(tui.FigureSource); !ok {
				t.Fatal("a store on disk should feed the tiles")
			}
			// The sparkline starts from what the store kept before this console.
			if s := h.Series("api", "latency_ms", 6); len(s) != 6 || s[5] != 600 || s[0] != 100 {
				t.Errorf("api's seeded latencies = %v, want 100..600", s)
			}
			m := console(t, h, sz[0], sz[1], result("home", frozen, true, 80*time.Millisecond), result("api", frozen, true, 300*time.Millisecond))
			screen := plain(m)
			for _, want := range []string{"api: 97.92% 24h", "600 ms last 1h"} {
				if sz[0] >= 160 && !strings.Contains(screen, want) {
					t.Errorf("the screen lacks %q:\n%s", want, screen)
				}
			}
			if strings.Contains(screen, "since 14:30") {
				t.Errorf("with a store on disk the tiles must not fall back to since-start figures:\n%s", screen)
			}
			golden.RequireEqual(t, screen)
		})
	}
}

// TestFiguresOverTheWindows checks the numbers behind the tiles: the worst uptime and the
// slowest p95 over the endpoint checks, and that the result written a moment ago (the
// writer's queue) is counted.
func TestFiguresOverTheWindows(t *testing.T) {
	t.Parallel()
	st := openFilled(t)
	h := New(st, checks, clock).(*History)
	f, err := h.Figures([]string{"home", "api"})
	if err != nil {
		t.Fatal(err)
	}
	if !f.HasUptime || fmt.Sprintf("%.2f", f.Uptime24h) != "97.92" || !f.HasP95 || f.P95ms != 600 || f.P95Check != "api" {
		t.Errorf("figures = %+v, want api's 97.92%% and 600 ms", f)
	}
	// A result reaches both of the runner's subscribers: the store (queued, not yet
	// written) and the console's history, which marks home's figures for reading again.
	slow := result("home", frozen, true, 900*time.Millisecond)
	st.Record(slow)
	h.Record(slow)
	if f, _ = h.Figures([]string{"home"}); f.P95ms != 900 {
		t.Errorf("home's p95 after a slow result = %v, want 900 (the queue flushed first)", f.P95ms)
	}
	if f, _ = h.Figures([]string{"nobody"}); f.HasUptime || f.HasP95 {
		t.Errorf("a check the store never saw has figures: %+v", f)
	}
}

// TestFiguresReadOnlyWhatChanged: a check with no new result keeps the figures last read
// for a minute (the store is not asked again), and is read again after that, so a result
// the console never saw (another process's, on a read-only console) still counts.
func TestFiguresReadOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	st := openFilled(t)
	now := frozen
	h := New(st, checks, func() time.Time { return now }).(*History)
	if f, _ := h.Figures([]string{"home"}); f.P95ms != 80 {
		t.Fatalf("home's p95 = %v, want 80", f.P95ms)
	}
	if err := st.Write(result("home", frozen, true, 900*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if f, _ := h.Figures([]string{"home"}); f.P95ms != 80 {
		t.Errorf("home's p95 without a new result of its own = %v, want the 80 read before", f.P95ms)
	}
	now = frozen.Add(figuresMaxAge)
	if f, _ := h.Figures([]string{"home"}); f.P95ms != 900 {
		t.Errorf("home's p95 a minute on = %v, want 900 (read again)", f.P95ms)
	}
}

// TestMemoryStoreKeepsSinceStart: a store in memory holds only this run, so the tiles
// keep the console's own since-start figures and say so.
func TestMemoryStoreKeepsSinceStart(t *testing.T) {
	t.Parallel()
	st := store.OpenMemory(store.Options{Now: clock})
	defer st.Close()
	h := New(st, checks, clock)
	if _, ok := h.(tui.FigureSource); ok {
		t.Fatal("an in-memory store should not pass its minutes off as a day")
	}
	m := console(t, h, 160, 48, result("home", frozen, true, 80*time.Millisecond), result("api", frozen, false, 0))
	screen := plain(m)
	if !strings.Contains(screen, "50.00% since 14:30") {
		t.Errorf("the uptime tile should be the since-start share:\n%s", screen)
	}
}

// TestReadOnlyStoreIsNeverWritten: a second console's history reads the writer's figures
// and adds nothing, even when results arrive on its screen.
func TestReadOnlyStoreIsNeverWritten(t *testing.T) {
	t.Parallel()
	path := filled(t)
	w, err := store.Open(path, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r, err := store.OpenReader(path, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h := New(r, checks, clock)
	h.Record(result("api", frozen, false, 0))
	console(t, h, 80, 24, result("api", frozen, false, 0))
	if pts, _ := w.Recent("api", 1); len(pts) != 1 || !pts[0].Time.Before(frozen) {
		t.Errorf("the reader's console wrote a result: %+v", pts)
	}
	f, err := h.(*History).Figures([]string{"api"})
	if err != nil || fmt.Sprintf("%.2f", f.Uptime24h) != "97.92" {
		t.Errorf("reader figures = %+v, %v; want the writer's 97.92%%", f, err)
	}
}

// TestFiguresReadAtOnceOnlyWhenUpOrDownChanges: a healthy result like the one before
// waits for the minute's refresh; a check going down, or coming back, is read at once.
func TestFiguresReadAtOnceOnlyWhenUpOrDownChanges(t *testing.T) {
	t.Parallel()
	st := openFilled(t)
	h := New(st, checks, clock).(*History)
	h.Record(result("home", frozen, true, 80*time.Millisecond))
	before, _ := h.Figures([]string{"home"})
	if before.P95ms != 80 {
		t.Fatalf("home's p95 = %v, want 80", before.P95ms)
	}
	slow := result("home", frozen.Add(-2*time.Second), true, 900*time.Millisecond)
	if err := st.Write(slow); err != nil {
		t.Fatal(err)
	}
	h.Record(slow)
	if f, _ := h.Figures([]string{"home"}); f.P95ms != 80 {
		t.Errorf("after a healthy result like the last, p95 = %v: read at once, want the minute's refresh (80)", f.P95ms)
	}
	down := result("home", frozen.Add(-time.Second), false, 0)
	if err := st.Write(down); err != nil {
		t.Fatal(err)
	}
	h.Record(down)
	f, _ := h.Figures([]string{"home"})
	if f.P95ms != 900 {
		t.Errorf("after the check went down, p95 = %v: want it read at once (900)", f.P95ms)
	}
	if !f.HasUptime || f.Uptime24h >= before.Uptime24h {
		t.Errorf("after the check went down, uptime = %v (was %v): want it lower at once", f.Uptime24h, before.Uptime24h)
	}
}

// TestPerformanceSparklineStartsFromTheWeek: a page check's time to first byte, kept only
// in the metrics table, is in the console's sparkline from the start.
func TestPerformanceSparklineStartsFromTheWeek(t *testing.T) {
	t.Parallel()
	st, err := store.Open(filepath.Join(t.TempDir(), "history.db"), store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	page := probes.CheckInfo{Name: "page pricing", Kind: "perf-page", Pane: probes.PanePerformance, Target: "https://acme.example/pricing"}
	var rs []probes.Result
	for i, v := range []float64{300, 320, 310, 900} {
		rs = append(rs, probes.Result{Check: page.Name, Kind: page.Kind, Pane: page.Pane, Target: page.Target, Status: probes.StatusOK,
			Started: frozen.Add(time.Duration(i-4) * 6 * time.Hour), Metrics: map[string]float64{"ttfb_ms": v, "page_kb": 58}})
	}
	if err := st.Write(rs...); err != nil {
		t.Fatal(err)
	}
	h := New(st, []probes.CheckInfo{page}, clock)
	if got := h.Series(page.Name, "ttfb_ms", 12); fmt.Sprint(got) != "[300 320 310 900]" {
		t.Errorf("seeded TTFB %v, want the week's four runs in order", got)
	}
}
