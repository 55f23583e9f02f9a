package tlscheck

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
)

// BenchmarkSweep50TLS is the pane's speed target: one full sweep of 50 HTTPS hosts on
// loopback lab sites (each: a full handshake with the HTTPS GET, the TLS 1.0/1.1 probe,
// a TLS 1.2 handshake, the port-80 request, the CAA climb, chain verification) plus the
// canonical page's mixed-content scan, at the default concurrency (16). Target: under
// 250 ms per sweep. cpu-ms/sweep is the process's CPU time per sweep (client and lab
// servers together), which a loaded machine does not inflate as it does wall time;
// allocs/host counts every allocation in the process during the sweep (the in-process
// lab servers' included) divided by 50.
func BenchmarkSweep50TLS(b *testing.B) {
	const n = 50
	sc := lab.Scenario{Name: "bench", Domain: "bench.example"}
	zone := lab.Zone{Origin: "bench.example", Records: []string{`@ 3600 IN CAA 0 issue "letsencrypt.org"`}}
	var hosts strings.Builder
	for i := range n {
		h := fmt.Sprintf("h%d.bench.example", i)
		zone.Records = append(zone.Records, fmt.Sprintf("h%d 300 IN A 127.0.0.1", i))
		sc.Sites = append(sc.Sites, lab.Site{Host: h, HTTPS: page("max-age=31536000; includeSubDomains")})
		fmt.Fprintf(&hosts, "  - {name: %s, role: app}\n", h)
	}
	sc.Zones = []lab.Zone{zone}
	l, err := lab.Start(sc, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	cfg := "domain: bench.example\ncanonical_url: https://h0.bench.example/\nenvironment: lab\nhosts:\n" + hosts.String() +
		"tls:\n  ca_domains: {\"Launch Ready Lab\": [letsencrypt.org]}\n"
	e := testEnv(b, cfg, labNet(l), frozen, nil)
	e.Now = time.Now // the lab's certificates are valid from its start, in real time
	checks, err := Kind.Build(e)
	if err != nil {
		b.Fatal(err)
	}
	if len(checks) != n+1 {
		b.Fatalf("%d checks, want %d", len(checks), n+1)
	}
	r := probes.NewRunner(checks, probes.RunnerOptions{Concurrency: 16})
	for _, x := range r.Sweep(context.Background()) {
		if x.Status != probes.StatusOK || len(x.Findings) > 0 {
			b.Fatalf("%s: %s %s %s %v", x.Check, x.Status, x.Summary, x.Err, x.Findings)
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu := cpuTime()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Sweep(context.Background())
	}
	b.StopTimer()
	cpu = cpuTime() - cpu
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/sweep")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/sweep")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/n, "allocs/host")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/n/1024, "KiB/host")
}
