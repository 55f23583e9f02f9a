package tui

import (
	"fmt"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/runbook"
)

// BenchmarkStepperOutputLine is the cost of one line of a command's output arriving while
// the stepper is on screen at 200x60 with a full output box (5,000 lines kept): the event
// handled and the frame drawn. A deploy printing a build log calls it for every chunk.
func BenchmarkStepperOutputLine(b *testing.B) {
	m := bigBoard(b, 20)
	rb := goldenRunbooks(b, runbook.Env{Checks: []probes.Check{&apiCheck{}}})[1] // rollback: one step
	r := newRun()
	m.rb.o = &RunbookOptions{Dir: goldenRunbooksDir, Engine: runbook.Options{Store: runbook.NewStore(goldenStateDir)}}
	m.rb.run, m.rb.step, m.rb.mode = r, newStepper(), modeRun
	m.active = len(m.panes) - 1
	m.Update(rbEventMsg{run: r, steps: stepRows(rb), ev: runbook.Event{Type: runbook.RunStart, Run: "2026-11-28T14-00-00-rollback", Time: frozen,
		Runbook: &runbook.RunbookInfo{Name: rb.Name, Steps: 1}}})
	m.Update(rbEventMsg{run: r, ev: runbook.Event{Type: runbook.StepStart, Step: 1, Time: frozen, Attempt: 1}})
	m.Update(rbEventMsg{run: r, ev: runbook.Event{Type: runbook.CommandStart, Step: 1, Role: "run", Command: "make build", Time: frozen}})
	for i := 0; i < maxOutLines; i++ {
		m.Update(rbEventMsg{run: r, ev: runbook.Event{Type: runbook.Output, Step: 1, Role: "run", Text: fmt.Sprintf("compiling package %05d of the application: ok\n", i)}})
	}
	_ = m.View()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(rbEventMsg{run: r, ev: runbook.Event{Type: runbook.Output, Step: 1, Role: "run", Time: frozen.Add(time.Second),
			Text: fmt.Sprintf("linking %d\n", i)}})
		_ = m.View()
	}
}
