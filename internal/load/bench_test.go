package load

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"
)

// BenchmarkHoldsRate: the generator against a loopback server that answers at once, for
// 3 s with no ramp. It reports achieved/target (requests sent over the requests the plan
// asks for; the issue asks for 0.99 or more up to 2,000/s on 2 cores), the rate vegeta
// measured between the first and last request, and p95. Run with
//
//	go test -run '^$' -bench HoldsRate -benchtime 1x ./internal/load/
func BenchmarkHoldsRate(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	for _, rate := range []float64{200, 1000, 2000} {
		b.Run(fmt.Sprintf("%.0f/s", rate), func(b *testing.B) {
			for b.Loop() {
				rep := runAt(b, srv.URL, rate, 3*time.Second)
				f := rep.Flows[0]
				b.ReportMetric(float64(f.Requests)/(rate*3), "achieved/target")
				b.ReportMetric(f.Rate, "req/s")
				b.ReportMetric(float64(f.P95.Microseconds()), "p95-µs")
			}
		})
	}
}

// BenchmarkAgainstTarget is the library's half of scripts/bench-load-vegeta.sh: it runs the
// generator at LOAD_BENCH_RATE for LOAD_BENCH_SECONDS against LOAD_BENCH_URL (loopback,
// scripts/loadtarget) and reports p95, while the vegeta CLI loads the same target. Skipped
// without LOAD_BENCH_URL.
func BenchmarkAgainstTarget(b *testing.B) {
	u := os.Getenv("LOAD_BENCH_URL")
	if u == "" {
		b.Skip("LOAD_BENCH_URL not set: scripts/bench-load-vegeta.sh sets it")
	}
	rate, _ := strconv.ParseFloat(os.Getenv("LOAD_BENCH_RATE"), 64)
	secs, _ := strconv.Atoi(os.Getenv("LOAD_BENCH_SECONDS"))
	for b.Loop() {
		rep := runAt(b, u, max(rate, 1), time.Duration(max(secs, 1))*time.Second)
		f := rep.Flows[0]
		b.ReportMetric(float64(f.Requests)/(rate*float64(secs)), "achieved/target")
		b.ReportMetric(float64(f.P50.Microseconds()), "p50-µs")
		b.ReportMetric(float64(f.P95.Microseconds()), "p95-µs")
	}
}

// runAt holds rate against url for d, with keep-alive connections as vegeta's CLI uses.
func runAt(b *testing.B, url string, rate float64, d time.Duration) Report {
	b.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 512
	p := Plan{Flows: []Flow{{Name: "get", Method: http.MethodGet, URL: url}}, Rate: rate, Duration: d,
		ErrorThreshold: 0.5, StopAfter: time.Hour, Client: &http.Client{Transport: tr, Timeout: 5 * time.Second}, Allowed: func(string) bool { return true }}
	rep, err := Run(context.Background(), p, nil)
	if err != nil {
		b.Fatal(err)
	}
	return rep
}
