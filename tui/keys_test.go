package tui

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/probes"
)

func TestTabsAndNumbersSwitchPanes(t *testing.T) {
	t.Parallel()
	m, clk, _ := newTestModel(t, "")
	playRounds(m, clk, true)
	size(m, 120, 40)
	steps := []struct {
		key  string
		want string
	}{
		{"tab", "DNS"}, {"tab", "Certificates"}, {"shift+tab", "DNS"}, {"shift+tab", "Overview"},
		{"shift+tab", "Timeline"}, {"tab", "Overview"}, {"5", "Endpoints"}, {"7", "Runbooks"}, {"8", "Timeline"}, {"1", "Overview"},
		{"l", "DNS"}, {"h", "Overview"},
	}
	for _, s := range steps {
		press(m, s.key)
		if got := m.panes[m.active].title(); got != s.want {
			t.Fatalf("after %s: pane %q, want %q", s.key, got, s.want)
		}
		if !strings.Contains(plain(m), "["+itoa(m.active+1)+" "+s.want) {
			t.Errorf("after %s: the tab bar does not mark %s active:\n%s", s.key, s.want, plain(m))
		}
	}
}

func TestRiskListMovesAndOpensTheSelectedFinding(t *testing.T) {
	t.Parallel()
	m, clk, _ := newTestModel(t, "")
	playRounds(m, clk, true)
	size(m, 120, 40)
	ranked := m.sh.board.findings()
	if ranked[0].ID != "endpoints.member-cacheable" {
		t.Fatalf("the worst risk should be the data exposure, ranked first; got %s", ranked[0].ID)
	}
	press(m, "j", "j", "k", "down")
	sel, ok := m.panes[0].selected()
	if !ok || sel.finding == nil || sel.finding.Key() != ranked[2].Key() {
		t.Fatalf("after j j k down the third risk should be selected; got %+v", sel)
	}
	press(m, "enter")
	if m.detail == nil {
		t.Fatal("enter did not open the detail")
	}
	screen := plain(m)
	for _, want := range []string{ranked[2].Title, "CRITICAL", "Fix:"} {
		if !strings.Contains(screen, want) {
			t.Errorf("detail lacks %q:\n%s", want, screen)
		}
	}
	press(m, "esc")
	if m.detail != nil {
		t.Fatal("esc did not close the detail")
	}
	press(m, "G")
	sel, _ = m.panes[0].selected()
	if sel.finding != nil || sel.check != "http status.acme.example" {
		t.Errorf("G should select the last row, the check that could not run; got %+v", sel)
	}
	press(m, "g")
	sel, _ = m.panes[0].selected()
	if sel.finding == nil || sel.finding.Key() != ranked[0].Key() {
		t.Errorf("g should select the first risk; got %+v", sel)
	}
}

// TestSelectionFollowsItsRowOnceChosen: the cursor sticks to the row the operator chose
// even when a new result ranks another finding above it; before they choose, it stays on
// the worst risk.
func TestSelectionFollowsItsRowOnceChosen(t *testing.T) {
	t.Parallel()
	m, clk, _ := newTestModel(t, "")
	size(m, 120, 40)
	res := fixtureResults(frozen, true, 0)
	var late []probes.Result
	for _, r := range res {
		if r.Pane == probes.PaneEndpoints {
			late = append(late, r)
			continue
		}
		m.Update(ResultsMsg{r})
	}
	clk.Set(frozen)
	sel, _ := m.panes[0].selected()
	if sel.finding == nil || sel.finding.ID != "tls.expiring" {
		t.Fatalf("top risk before endpoints report: %+v", sel)
	}
	press(m, "j")
	chosen, _ := m.panes[0].selected()
	m.Update(ResultsMsg(late))
	now, _ := m.panes[0].selected()
	if now.finding == nil || now.finding.Key() != chosen.finding.Key() {
		t.Errorf("selection moved from %s to %v when new risks arrived", chosen.finding.ID, now.finding)
	}
}

func TestRerunAndSweepGoThroughTheRunner(t *testing.T) {
	t.Parallel()
	m, clk, run := newTestModel(t, "")
	playRounds(m, clk, true)
	size(m, 120, 40)
	cmd := press(m, "r")
	if len(run.triggered) != 0 {
		t.Fatal("the runner was called inside Update; it must be called from the returned command")
	}
	for _, msg := range runCmd(cmd) {
		m.Update(msg)
	}
	if !slices.Equal(run.triggered, []string{"endpoint member feed"}) {
		t.Fatalf("r on the top risk triggered %v, want the member feed check", run.triggered)
	}
	ci := m.sh.board.checks[m.sh.board.index["endpoint member feed"]]
	if !m.sh.board.running(ci) || !strings.Contains(plain(m), "re-running endpoint member feed") {
		t.Errorf("after r the check should show as running and the footer say so:\n%s", plain(m))
	}
	// Its result lands: no longer running.
	for _, r := range fixtureResults(frozen, true, 12) {
		if r.Check == "endpoint member feed" {
			m.Update(ResultsMsg{r})
		}
	}
	if m.sh.board.running(ci) {
		t.Error("the check still shows running after its result landed")
	}
	if !strings.Contains(plain(m), "re-ran endpoint member feed at 14:02:11: ✖ fail") {
		t.Errorf("the footer does not say the re-run landed:\n%s", plain(m))
	}
	for _, msg := range runCmd(press(m, "R")) {
		m.Update(msg)
	}
	if run.all != 1 {
		t.Errorf("R called TriggerAll %d times, want 1", run.all)
	}
	if !strings.Contains(plain(m), fmt.Sprintf("sweeping all %d checks", len(fixture()))) {
		t.Errorf("R does not say what it did:\n%s", plain(m))
	}
	// A name the runner does not know is reported, not silently dropped.
	run.known = map[string]bool{}
	press(m, "5")
	for _, msg := range runCmd(press(m, "r")) {
		m.Update(msg)
	}
	if !strings.Contains(plain(m), "the runner has no check named") {
		t.Errorf("an unknown check is not reported:\n%s", plain(m))
	}
}

func TestRerunWithoutARunnerSaysSo(t *testing.T) {
	t.Parallel()
	m := New(Options{Checks: fixtureInfos(), Now: func() time.Time { return frozen }, Tick: -1})
	size(m, 100, 30)
	if cmd := press(m, "r"); cmd != nil {
		t.Error("r without a runner returned a command")
	}
	if !strings.Contains(plain(m), "re-running needs the live runner") {
		t.Errorf("footer does not explain:\n%s", plain(m))
	}
}

func TestFilterNarrowsThenClears(t *testing.T) {
	t.Parallel()
	m, clk, _ := newTestModel(t, "")
	playRounds(m, clk, true)
	size(m, 120, 40)
	press(m, "/", "c", "r", "i", "t")
	if !m.filtering {
		t.Fatal("/ did not open the filter")
	}
	// While typing, q and r are letters, not commands.
	rows := m.panes[0].(*overview).riskRows()
	if len(rows) != 3 {
		t.Fatalf("filter \"crit\" kept %d risks, want the 3 criticals", len(rows))
	}
	press(m, "enter")
	if m.filtering || m.filters[0] != "crit" {
		t.Fatalf("enter should keep the filter and close the box: filtering=%v filter=%q", m.filtering, m.filters[0])
	}
	press(m, "5")
	if n := len(m.panes[4].(*checkPane).rows()); n != 5 {
		t.Errorf("the filter leaked into the Endpoints pane: %d rows", n)
	}
	press(m, "1", "esc")
	if m.filters[0] != "" || len(m.panes[0].(*overview).riskRows()) != 10 {
		t.Errorf("esc did not clear the filter: %q", m.filters[0])
	}
	press(m, "/", "q", "z", "z")
	if !strings.Contains(plain(m), `nothing matches the filter "qzz"`) {
		t.Errorf("an empty filter result is not explained:\n%s", plain(m))
	}
	press(m, "esc")
	if m.filtering || m.filters[0] != "" {
		t.Error("esc in the filter box should clear and close it")
	}
}

func TestHelpIsGeneratedFromTheKeyMap(t *testing.T) {
	t.Parallel()
	m, clk, _ := newTestModel(t, "")
	playRounds(m, clk, false)
	size(m, 100, 40)
	press(m, "?")
	screen := plain(m)
	k := m.sh.keys
	for _, b := range k.fullHelp(m.panes[0].bindings())[0] {
		if !strings.Contains(screen, b.Help().Desc) {
			t.Errorf("help lacks %q:\n%s", b.Help().Desc, screen)
		}
	}
	press(m, "j")
	if m.helpOpen {
		t.Error("a key did not close the help")
	}
}

func TestQuitAndCtrlC(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"q", "ctrl+c"} {
		m, _, _ := newTestModel(t, "")
		size(m, 80, 24)
		cmd := press(m, k)
		if cmd == nil {
			t.Fatalf("%s returned no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s does not quit", k)
		}
	}
}

func TestCopyWritesPlainTextToTheStateDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m, clk, _ := newTestModel(t, dir)
	playRounds(m, clk, true)
	size(m, 100, 30)
	press(m, "j", "enter")
	msgs := runCmd(press(m, "c"))
	var saved copiedMsg
	clip := false
	for _, msg := range msgs {
		if v, ok := msg.(copiedMsg); ok {
			saved = v
		} else if strings.Contains(fmt.Sprint(msg), "API answers 503") {
			clip = true // tea.SetClipboard's message: the renderer writes it as OSC 52
		}
	}
	if saved.err != nil || saved.path == "" {
		t.Fatalf("copy did not save: %+v", saved)
	}
	if !clip {
		t.Error("copy sent nothing to the clipboard (OSC 52)")
	}
	m.Update(saved)
	if !strings.Contains(plain(m), filepath.Base(saved.path)) {
		t.Errorf("footer does not say where the copy went:\n%s", plain(m))
	}
	b, err := os.ReadFile(saved.path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if strings.Contains(text, "\x1b") {
		t.Error("the copy has escape sequences; it must be plain text")
	}
	for _, want := range []string{"API answers 503", "observed  HTTP 503 Service Unavailable", "Fix: Open the Errors pane", "Evidence", "retry-after: 30"} {
		if !strings.Contains(text, want) {
			t.Errorf("copy lacks %q:\n%s", want, text)
		}
	}
	if fi, _ := os.Stat(saved.path); fi.Mode().Perm() != 0o600 {
		t.Errorf("copy is mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestDetailScrollsAndFollowsItsCheck(t *testing.T) {
	t.Parallel()
	m, clk, _ := newTestModel(t, "")
	playRounds(m, clk, true)
	size(m, 80, 16)
	press(m, "j", "enter")
	top := plain(m)
	press(m, "pgdown")
	if plain(m) == top {
		t.Error("pgdown did not scroll a detail taller than the screen")
	}
	press(m, "g")
	// The API recovers: the detail says the finding is resolved.
	clk.Set(frozen.Add(time.Minute))
	m.Update(ResultsMsg(fixtureResults(frozen.Add(time.Minute), false, 13)))
	if !strings.Contains(plain(m), "resolved: the check ran at 14:03:11") {
		t.Errorf("detail does not say the finding was resolved:\n%s", plain(m))
	}
}

func TestMouseWheelMovesTheList(t *testing.T) {
	t.Parallel()
	m, clk, _ := newTestModel(t, "")
	playRounds(m, clk, true)
	size(m, 120, 40)
	m.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if c := m.panes[0].(*overview).risks.cursor; c != 3 {
		t.Errorf("wheel down moved to row %d, want 3", c)
	}
}

func TestLaunchBarToggleAndUncheckedItemsSaySo(t *testing.T) {
	t.Parallel()
	m, clk, _ := newTestModel(t, "")
	playRounds(m, clk, true)
	size(m, 80, 24)
	press(m, "b")
	screen := plain(m)
	for _, want := range []string{"Launch bar", "○ Deployment repeatable", "no runbook engine in this console", "✖ Caching safe for member data"} {
		if !strings.Contains(screen, want) {
			t.Errorf("launch bar lacks %q:\n%s", want, screen)
		}
	}
	press(m, "b")
	if !strings.Contains(plain(m), "Risks, by business impact") {
		t.Error("b did not go back to the risks")
	}
}

// TestPanesWithoutChecksSaySo: a pane with no probe kind in this build, and one whose kind
// exists but has nothing configured, each explain themselves.
func TestPanesWithoutChecksSaySo(t *testing.T) {
	t.Parallel()
	m := New(Options{Product: "Acme", Checks: []probes.CheckInfo{{Name: "http a", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://a.example/"}},
		Now: func() time.Time { return frozen }, Tick: -1, Kinds: []probes.Kind{{Name: "http", Pane: probes.PaneEndpoints}, {Name: "dns", Pane: probes.PaneDNS}}})
	size(m, 100, 30)
	press(m, "2")
	if s := plain(m); !strings.Contains(s, "No checks configured for this pane yet.") || !strings.Contains(s, "see the dns section") {
		t.Errorf("DNS pane (kind built, nothing configured):\n%s", s)
	}
	press(m, "4")
	if s := plain(m); !strings.Contains(s, "No checks configured for this pane yet.") || !strings.Contains(s, "has no Email probes yet") {
		t.Errorf("Email pane (no kind in this build):\n%s", s)
	}
}

func TestResizeKeepsEveryScreenInItsFrame(t *testing.T) {
	t.Parallel()
	m, clk, _ := newTestModel(t, "")
	playRounds(m, clk, true)
	for _, sz := range [][2]int{{80, 24}, {200, 60}, {61, 17}, {132, 43}, {160, 30}, {80, 24}} {
		size(m, sz[0], sz[1])
		for i := range m.panes {
			press(m, itoa(i+1))
			checkFrame(t, plain(m), sz[0], sz[1])
		}
		press(m, "1", "enter")
		checkFrame(t, plain(m), sz[0], sz[1])
		press(m, "esc")
	}
	size(m, 40, 10)
	if !strings.Contains(plain(m), "needs at least 60x16") {
		t.Errorf("a tiny terminal is not told:\n%s", plain(m))
	}
}

// TestIdleTickRedrawsOnlyTheHeader: a clock tick within the minute changes no cell at all
// (the renderer then sends nothing) and does not recompute the body; the tick that crosses
// the minute advances the clock (and the risk list's ages, drawn in minutes).
func TestIdleTickRedrawsOnlyTheHeader(t *testing.T) {
	t.Parallel()
	m, clk, _ := newTestModel(t, "")
	playRounds(m, clk, true)
	size(m, 160, 48)
	before := plain(m)
	body := m.cache.body
	next := frozen.Truncate(time.Minute).Add(time.Minute)
	for at := frozen.Add(time.Second); at.Before(next); at = at.Add(time.Second) {
		clk.Set(at)
		m.Update(TickMsg{})
		if now := plain(m); now != before {
			t.Fatalf("a tick at %s, within the minute, changed the screen:\n%s", at.Format("15:04:05"), now)
		}
		if m.cache.body != body || m.cache.rev != m.rev {
			t.Fatal("the body was recomputed on a tick within the minute")
		}
	}
	clk.Set(next)
	m.Update(TickMsg{})
	after := strings.Split(plain(m), "\n")
	if first := strings.Split(before, "\n")[0]; first == after[0] || !strings.Contains(after[0], next.Format("15:04")) {
		t.Errorf("the clock did not advance to %s at the minute:\n%q\n%q", next.Format("15:04"), first, after[0])
	}
}

// TestSecretsNeverReachTheScreenOrACopy plants a resolved secret in a result (a probe's
// mistake) and proves the console redacts it everywhere it shows or copies text.
func TestSecretsNeverReachTheScreenOrACopy(t *testing.T) {
	t.Parallel()
	const planted = "lr-planted/secret+3c1d9a="
	encoded := url.QueryEscape(planted) // as a server echoes it back in a redirect or error
	dir := t.TempDir()
	m := New(Options{Product: "Acme", Checks: fixtureInfos(), Now: func() time.Time { return frozen }, Tick: -1, StateDir: dir,
		Redact: []string{planted}})
	size(m, 160, 48)
	res := fixtureResults(frozen, true, 0)
	api := -1
	for i := range res {
		if res[i].Check == "http api.acme.example" {
			api = i
			res[i].Summary += " Authorization: Bearer " + planted
			res[i].Findings[0].Evidence = append(res[i].Findings[0].Evidence, "authorization: Bearer "+planted)
			res[i].Findings[0].Detail += " (token " + planted + ", echoed as /login?next=" + encoded + ")"
		}
	}
	m.Update(ResultsMsg(res))
	var all strings.Builder
	for i := range m.panes {
		press(m, itoa(i+1))
		all.WriteString(m.View().Content)
	}
	press(m, "1", "j", "enter")
	all.WriteString(m.View().Content)
	for _, msg := range runCmd(press(m, "c")) {
		if c, ok := msg.(copiedMsg); ok && c.path != "" {
			b, _ := os.ReadFile(c.path)
			all.Write(b)
		} else {
			all.WriteString(fmt.Sprint(msg))
		}
	}
	if strings.Contains(all.String(), planted) || strings.Contains(all.String(), encoded) {
		t.Fatal("the planted secret (or its URL-encoded form) reached the screen or a copy")
	}
	if !strings.Contains(all.String(), redacted) {
		t.Error("the secret was not replaced with " + redacted + "; was it shown at all?")
	}
	// The original result, shared with other subscribers, is untouched.
	if !strings.Contains(res[api].Findings[0].Detail, planted) {
		t.Error("redaction changed the caller's result in place")
	}
}
