package tui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/kinds"
)

// TestConsoleEndToEndAgainstTheLab runs the whole console in a Bubble Tea program: the
// built-in lab's demo scenario on loopback, the real probes under the real runner, results
// through the feed into the program, keys typed in. It waits for the lab's planted faults
// to appear, opens the worst one and reads its detail back from the program's output.
func TestConsoleEndToEndAgainstTheLab(t *testing.T) {
	t.Parallel()
	s, err := setup.Open(setup.Options{Lab: "demo", StateFlag: t.TempDir(), Getenv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runner := s.Runner(time.Now)
	infos := make([]probes.CheckInfo, len(s.Checks))
	for i, c := range s.Checks {
		infos[i] = c.Info()
	}
	m := New(Options{Config: s.Config, Checks: infos, Interval: s.Config.Checks.Interval, Runner: runner,
		StateDir: s.StateDir, Kinds: kinds.Registry().Kinds(), Mode: "demo lab"})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := newFeed(tm.Send, ctx.Done())
	runner.Subscribe(f.add)
	// The renderer writes only changed cells, so a count that is updated in place never
	// appears whole in the output: know from the runner when every check has reported.
	var mu sync.Mutex
	var once sync.Once
	reported, all := map[string]bool{}, make(chan struct{})
	runner.Subscribe(func(r probes.Result) {
		mu.Lock()
		defer mu.Unlock()
		if reported[r.Check] = true; len(reported) == len(infos) {
			once.Do(func() { close(all) })
		}
	})
	go f.run()
	go runner.Run(ctx)

	var out bytes.Buffer
	waitFor := func(what string, cond func(screen string) bool) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			out.Write(b)
			return cond(ansi.Strip(out.String()))
		}, teatest.WithDuration(45*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	waitFor("the lab's faults", func(s string) bool {
		return strings.Contains(s, "DOWN") && strings.Contains(s, "Dangling CNAME") && strings.Contains(s, "API answers 503")
	})
	select {
	case <-all:
	case <-time.After(45 * time.Second):
		t.Fatal("not every check reported within 45s")
	}
	time.Sleep(300 * time.Millisecond) // the feed batches for up to 40 ms
	// With every result in, the Endpoints pane, drawn whole on switching, counts them all
	// and none is still waiting.
	endpoints := 0
	for _, c := range infos {
		if c.Pane == probes.PaneEndpoints {
			endpoints++
		}
	}
	out.Reset()
	tm.Send(tea.KeyPressMsg{Code: '5', Text: "5"})
	waitFor("every check's result", func(s string) bool {
		return strings.Contains(s, fmt.Sprintf("%d checks · ✖ ", endpoints)) && !strings.Contains(s, "waiting")
	})
	tm.Send(tea.KeyPressMsg{Code: '1', Text: "1"})
	out.Reset()
	// Other panes' faults may rank above it: find the API's finding with the filter.
	tm.Send(tea.KeyPressMsg{Code: '/', Text: "/"})
	for _, r := range "API answers" {
		tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor("the detail", func(s string) bool {
		return strings.Contains(s, "observed") && strings.Contains(s, "HTTP 503 Service Unavailable") && strings.Contains(s, "Fix:")
	})
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if final.detail == nil || final.detail.sel.finding == nil || final.detail.sel.finding.ID != "http.server-error" {
		t.Errorf("the detail open at the end is not the API's 503: %+v", final.detail)
	}
	if n := len(final.sh.board.results()); n != len(infos) {
		t.Errorf("the console holds %d results, want one per check (%d)", n, len(infos))
	}
	if st := final.sh.board.state(); st != probes.StateDown {
		t.Errorf("state %s, want down (the API answers 503)", st)
	}
}
