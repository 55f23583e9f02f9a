package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/tui"
)

// TestSecondConsoleIsReadOnly: two consoles on one state folder give one writer and one
// reader; the reader's header says plainly that it only reads and who records, at 160
// columns in full and at 80 as the word "read-only"; the writer's header says nothing of
// the kind. Both record through Session.Record into the lab's own database.
func TestSecondConsoleIsReadOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	open := func() (*setup.Session, tui.Options) {
		s, err := setup.Open(setup.Options{Lab: "demo", StateFlag: dir, Getenv: func(string) (string, bool) { return "", false }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s, consoleOptions(s, s.Runner(time.Now), consoleOpts{mode: "demo lab"}, time.Now)
	}
	first, firstOpts := open()
	second, secondOpts := open()

	if first.History().ReadOnly() || first.History().Path() != first.HistoryPath() || !strings.HasSuffix(first.HistoryPath(), "history-lab.db") {
		t.Fatalf("the first console should write the lab's database: %s", first.History().Where())
	}
	if !second.History().ReadOnly() {
		t.Fatalf("the second console should only read: %s", second.History().Where())
	}
	if firstOpts.ReadOnly != "" {
		t.Errorf("the writer's header note = %q, want none", firstOpts.ReadOnly)
	}
	host, _ := os.Hostname()
	want := fmt.Sprintf("history recorded by pid %d on %s since %s", os.Getpid(), host, time.Now().Format("15:04"))
	if secondOpts.ReadOnly != want && secondOpts.ReadOnly != strings.Replace(want, time.Now().Format("15:04"), time.Now().Add(-time.Minute).Format("15:04"), 1) {
		t.Errorf("the reader's header note = %q, want %q", secondOpts.ReadOnly, want)
	}

	headers := func(o tui.Options, w int) string {
		m := tui.New(o)
		m.Update(tea.WindowSizeMsg{Width: w, Height: 24 * w / 80})
		return strings.SplitN(ansi.Strip(m.View().Content), "\n", 2)[0]
	}
	if h := headers(secondOpts, 160); !strings.Contains(h, "read-only · "+secondOpts.ReadOnly) {
		t.Errorf("160 columns: the reader's header lacks the full note:\n%s", h)
	}
	if h := headers(secondOpts, 80); !strings.Contains(h, "read-only") {
		t.Errorf("80 columns: the reader's header lacks read-only:\n%s", h)
	}
	for _, w := range []int{80, 160} {
		if h := headers(firstOpts, w); strings.Contains(h, "read-only") {
			t.Errorf("%d columns: the writer's header says read-only:\n%s", w, h)
		}
	}
}
