package tui

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/probes"
)

// bigBoard is a console with rows checks in every pane, a quarter of them failing with a
// finding, and twelve rounds of history each, at 200x60.
func bigBoard(b *testing.B, rows int) *Model {
	b.Helper()
	var infos []probes.CheckInfo
	for _, p := range probes.Panes {
		for i := 0; i < rows; i++ {
			infos = append(infos, probes.CheckInfo{Name: fmt.Sprintf("%s check-%03d", p, i), Kind: string(p), Pane: p,
				Target: fmt.Sprintf("https://host-%03d.acme.example/some/path", i)})
		}
	}
	clk := &fakeClock{t: frozen}
	m := New(Options{Product: "Acme Community", Checks: infos, Interval: time.Minute, Runner: &fakeRunner{}, Now: clk.Now, Tick: -1})
	metrics := map[probes.Pane]map[string]float64{}
	for _, fc := range fixture() {
		if fc.metrics != nil {
			metrics[fc.info.Pane] = fc.metrics
		}
	}
	for round := 0; round < 12; round++ {
		at := frozen.Add(time.Duration(round-12) * time.Minute)
		clk.Set(at)
		var res ResultsMsg
		for i, ci := range infos {
			r := probes.Result{Check: ci.Name, Kind: ci.Kind, Pane: ci.Pane, Target: ci.Target, Started: at,
				Latency: 30 * time.Millisecond, Status: probes.StatusOK, Summary: "200 OK · 183 ms · everything as expected",
				Metrics: wobble(metrics[ci.Pane], round+i)}
			if i%4 == 0 {
				r.Findings = []probes.Finding{{ID: string(ci.Pane) + ".planted", Pane: ci.Pane, Check: ci.Name, Target: ci.Target,
					Severity: probes.Severity(i % 5), Impact: probes.Impacts[i%5], Title: "Something planted for the benchmark is wrong here",
					Fix: "Change it.", Observed: "x", Expected: "y"}}
				r.Status = probes.StatusFor(r.Findings)
			}
			res = append(res, r)
		}
		m.Update(res)
	}
	clk.Set(frozen)
	size(m, 200, 60)
	return m
}

// countingWriter counts what the program writes to the "terminal" and says when the first
// frame has been written.
type countingWriter struct {
	mu    sync.Mutex
	n     int
	first chan struct{}
	once  sync.Once
	buf   bytes.Buffer
	want  string
}

func newCountingWriter(want string) *countingWriter {
	return &countingWriter{first: make(chan struct{}), want: want}
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n += len(p)
	if w.want != "" && w.buf.Len() < 1<<20 {
		w.buf.Write(p)
		if strings.Contains(w.buf.String(), w.want) {
			w.once.Do(func() { close(w.first) })
		}
	}
	return len(p), nil
}

func (w *countingWriter) count() int { w.mu.Lock(); defer w.mu.Unlock(); return w.n }

func startProgram(m *Model, out *countingWriter, w, h int) (*tea.Program, chan error) {
	p := tea.NewProgram(m, tea.WithInput(&bytes.Buffer{}), tea.WithOutput(out), tea.WithoutSignals(),
		tea.WithWindowSize(w, h), tea.WithColorProfile(colorprofile.TrueColor), tea.WithFPS(FPS))
	m.pace = newPacer(p, FPS) // as Run paces it
	done := make(chan error, 1)
	go func() { _, err := p.Run(); m.pace.stop(); done <- err }()
	return p, done
}

// BenchmarkIdleBytesPerMinute runs the console in a real Bubble Tea program at 160x48 in
// true colour, with a failing product on screen, and counts the bytes the renderer writes
// over sixty clock ticks (a minute of idle), each flushed as its own frame. Target: under
// 50 KB per minute, for a console left open all week over SSH.
func BenchmarkIdleBytesPerMinute(b *testing.B) {
	for b.Loop() {
		m, clk, _ := newTestModel(b, "")
		playRounds(m, clk, true)
		out := newCountingWriter("Risks, by business impact")
		p, done := startProgram(m, out, 160, 48)
		<-out.first
		time.Sleep(100 * time.Millisecond)
		start := out.count()
		for s := 1; s <= 60; s++ {
			clk.Set(frozen.Add(time.Duration(s) * time.Second))
			p.Send(TickMsg{})
			time.Sleep(time.Second/FPS + 20*time.Millisecond) // longer than a frame: each tick is flushed alone
		}
		bytesPerMin := out.count() - start
		p.Quit()
		<-done
		b.ReportMetric(float64(bytesPerMin), "B/min")
	}
}

// BenchmarkStartToFirstFrame is the time from making the console to its first frame on
// the terminal: "console" with the session already open, "demo" including starting the
// built-in lab and opening the session as `launchready demo` does. Target: under 150 ms.
func BenchmarkStartToFirstFrame(b *testing.B) {
	b.Run("console", func(b *testing.B) {
		for b.Loop() {
			start := time.Now()
			m := New(Options{Product: "Acme Community", Checks: fixtureInfos(), Tick: -1})
			out := newCountingWriter("Risks, by business impact")
			p, done := startProgram(m, out, 160, 48)
			<-out.first
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "ms/frame")
			p.Quit()
			<-done
		}
	})
	b.Run("demo", func(b *testing.B) {
		for b.Loop() {
			start := time.Now()
			s, err := setup.Open(setup.Options{Lab: "demo", StateFlag: b.TempDir(), Getenv: func(string) (string, bool) { return "", false }})
			if err != nil {
				b.Fatal(err)
			}
			infos := make([]probes.CheckInfo, len(s.Checks))
			for i, c := range s.Checks {
				infos[i] = c.Info()
			}
			m := New(Options{Config: s.Config, Checks: infos, Tick: -1})
			out := newCountingWriter("Risks, by business impact")
			p, done := startProgram(m, out, 160, 48)
			<-out.first
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "ms/frame")
			p.Quit()
			<-done
			s.Close()
		}
	})
}
