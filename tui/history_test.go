package tui

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// TestMemHistoryKeepsTheNewestPerMetric: the ring keeps the newest depth results of a
// check, oldest first; a metric a result did not report is skipped, not zero; a metric
// first seen late starts then.
func TestMemHistoryKeepsTheNewestPerMetric(t *testing.T) {
	t.Parallel()
	h := NewMemHistory(4)
	rec := func(m map[string]float64) { h.Record(probes.Result{Check: "api", Metrics: m}) }
	rec(map[string]float64{"latency_ms": 1})
	rec(map[string]float64{"latency_ms": 2, "status": 200})
	rec(map[string]float64{"status": 503})
	rec(map[string]float64{"latency_ms": 4, "status": 200})
	rec(map[string]float64{"latency_ms": 5, "status": 200, "tls_ms": 7})
	for _, c := range []struct {
		metric string
		n      int
		want   []float64
	}{
		{"latency_ms", 10, []float64{2, 4, 5}}, // 1 fell out of the ring of 4
		{"latency_ms", 2, []float64{4, 5}},
		{"status", 10, []float64{200, 503, 200, 200}},
		{"tls_ms", 10, []float64{7}},
		{"dns_ms", 10, []float64{}},
	} {
		if got := h.Series("api", c.metric, c.n); !slices.Equal(got, c.want) {
			t.Errorf("Series(api, %s, %d) = %v, want %v", c.metric, c.n, got, c.want)
		}
	}
	if got := h.Series("nobody", "latency_ms", 10); got != nil {
		t.Errorf("a check with no results has a series: %v", got)
	}
}

// BenchmarkMemHistoryFull is the in-memory history of 100 endpoint checks after a full
// ring of results each (two hours at a minute, 20 minutes at 10 s): the heap it holds
// and the cost of one Record.
func BenchmarkMemHistoryFull(b *testing.B) {
	fill := func(h History, round int) {
		for i := 0; i < 100; i++ {
			h.Record(probes.Result{Check: fmt.Sprintf("http host-%03d", i), Started: frozen.Add(time.Duration(round) * time.Minute),
				Metrics: map[string]float64{"status": 200, "latency_ms": float64(20 + round%13), "dns_ms": 0.4, "connect_ms": 0.3, "tls_ms": 6, "ttfb_ms": 19}})
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	h := NewMemHistory(0)
	for round := 0; round < DefaultHistoryDepth; round++ {
		fill(h, round)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	b.ReportAllocs()
	r := probes.Result{Check: "http host-000", Metrics: map[string]float64{"status": 200, "latency_ms": 21, "dns_ms": 0.4, "connect_ms": 0.3, "tls_ms": 6, "ttfb_ms": 19}}
	for b.Loop() {
		h.Record(r)
	}
	b.ReportMetric(held, "MB-held")
	runtime.KeepAlive(h)
}
