//go:build unix

package tui

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkConsoleCPUPerResult is the console's own share of the "0.8 ms CPU per check"
// budget: a real Bubble Tea program at 160x48 in true colour, fed through the same feed
// the runner publishes to, in sweeps of 100 endpoint results (100 checks landing
// together, as they do every interval), each sweep drawn and flushed. It reports the
// process's CPU time per result: Update, View, the renderer's diff and the write. The
// probes' own cost is httpcheck's BenchmarkSweep100HTTPS.
func BenchmarkConsoleCPUPerResult(b *testing.B) {
	const checks = 100
	var infos []probes.CheckInfo
	for i := 0; i < checks; i++ {
		infos = append(infos, probes.CheckInfo{Name: fmt.Sprintf("http host-%03d", i), Kind: "http", Pane: probes.PaneEndpoints,
			Target: fmt.Sprintf("https://host-%03d.acme.example/", i), Interval: 10 * time.Second})
	}
	clk := &fakeClock{t: frozen}
	m := New(Options{Product: "Acme Community", Checks: infos, Interval: 10 * time.Second, Now: clk.Now, Tick: -1})
	out := newCountingWriter("Risks, by business impact")
	p, done := startProgram(m, out, 160, 48)
	<-out.first
	stop := make(chan struct{})
	f := newFeed(p.Send, stop)
	go f.run()
	const sweeps = 20
	var cpu time.Duration
	for b.Loop() {
		before := cpuTime()
		for s := 0; s < sweeps; s++ {
			at := frozen.Add(time.Duration(s) * 10 * time.Second)
			clk.Set(at)
			for i, ci := range infos {
				r := probes.Result{Check: ci.Name, Kind: "http", Pane: ci.Pane, Target: ci.Target, Started: at,
					Latency: time.Duration(20+i%13) * time.Millisecond, Status: probes.StatusOK, Summary: "200 OK · 24 ms",
					Metrics: map[string]float64{"status": 200, "latency_ms": float64(20 + (i*s)%13), "dns_ms": 0.4, "connect_ms": 0.3, "tls_ms": 6, "ttfb_ms": 19}}
				if (i+s)%17 == 0 {
					r.Status, r.Summary = probes.StatusFail, "503 Service Unavailable · 12 ms"
					r.Findings = []probes.Finding{{ID: "http.server-error", Pane: ci.Pane, Check: ci.Name, Target: ci.Target,
						Severity: probes.Critical, Impact: probes.Revenue, Title: "answers 503"}}
				}
				f.add(r)
			}
			time.Sleep(feedWindow + time.Second/FPS + 20*time.Millisecond) // the feed's window and a frame: each sweep is drawn
		}
		cpu += cpuTime() - before
	}
	close(stop)
	p.Quit()
	<-done
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*sweeps*checks), "µs-CPU/result")
}

// BenchmarkIdleCPU is what an open console costs doing nothing but keep its clock: a real
// Bubble Tea program at 160x48 in true colour, a failing product on screen, the clock
// ticking every second on its own, checks in flight (the header says "checking…") and no
// result arriving, for two seconds. It reports the process's CPU per second: mostly the
// renderer's wake-ups (FPS) and the clock's frame. On 100 checks every 10 s, every
// 1 ms/s here is 0.1 ms per check.
func BenchmarkIdleCPU(b *testing.B) {
	const window = 2 * time.Second
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		m, clk, _ := newTestModel(b, "")
		playRounds(m, clk, true)
		clk.Set(frozen.Add(2 * time.Minute)) // every check past due: in flight
		m.opts.Tick = time.Second
		out := newCountingWriter("Risks, by business impact")
		p, done := startProgram(m, out, 160, 48)
		<-out.first
		// The clock runs as a real one does, so each tick's frame has a new second to draw.
		stop := make(chan struct{})
		go func() {
			start := time.Now()
			for {
				select {
				case <-stop:
					return
				case <-time.After(250 * time.Millisecond):
					clk.Set(frozen.Add(2*time.Minute + time.Since(start)))
				}
			}
		}()
		b.StartTimer()
		before := cpuTime()
		time.Sleep(window)
		cpu += cpuTime() - before
		b.StopTimer()
		close(stop)
		p.Quit()
		<-done
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/(float64(b.N)*window.Seconds()), "cpu-ms/s")
}

// BenchmarkView is the cost of drawing a screen after a change (a result landing), for the
// overview and each pane, 200x60 with 200 rows per pane. Target: under 2 ms.
func BenchmarkView(b *testing.B) {
	m := bigBoard(b, 200)
	for i, name := range []string{"overview", "dns", "certificates", "email", "endpoints", "errors"} {
		b.Run(name, func(b *testing.B) {
			press(m, itoa(i+1))
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				m.sh.board.version++ // as a new result does: everything derived from the
				m.rev++              // results is recomputed and the body drawn again
				_ = m.View()
			}
			// CPU time as well as wall time: on a shared machine the wall clock counts the
			// time other processes hold the cores.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}
