package endpoint

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

// BenchmarkSweep100Endpoints is the endpoints pane's speed target: one sweep of 100
// endpoint checks, each with status, JSON, body and latency conditions, each on a fresh
// TCP+TLS connection to its own loopback lab site (names resolved through the lab's DNS),
// at the default concurrency (16). Target: under 300 ms per sweep.
func BenchmarkSweep100Endpoints(b *testing.B) {
	sc := lab.Scenario{Name: "bench", Domain: "bench.example"}
	var records []string
	var checks strings.Builder
	for i := range 100 {
		h := fmt.Sprintf("h%d.bench.example", i)
		records = append(records, fmt.Sprintf("h%d 300 IN A 127.0.0.1", i))
		sc.Sites = append(sc.Sites, lab.Site{Host: h, HTTPS: []lab.Route{{Path: "/health", Body: `{"status":"ok","checks":{"db":"ok"}}`,
			Headers: map[string]string{"Cache-Control": "no-store"}}}})
		fmt.Fprintf(&checks, "    - {name: c%d, url: https://%s/health, expect: {status: [200], json: {status: ok, checks.db: ok}, body_contains: [db], latency_under: 2s}}\n", i, h)
	}
	sc.Zones = []lab.Zone{{Origin: "bench.example", Records: records}}
	l, err := lab.Start(sc, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	text := "domain: bench.example\ncanonical_url: https://h0.bench.example/\nenvironment: lab\nhosts:\n  - {name: h0.bench.example}\nendpoints:\n  checks:\n" + checks.String()
	cs := setup(b, text, netx.Config{Resolvers: []string{l.DNSAddr}, ConnectTo: l.ConnectTo, CAFile: l.CAFile}, nil)
	var list []probes.Check
	for _, c := range cs {
		list = append(list, c)
	}
	r := probes.NewRunner(list, probes.RunnerOptions{Concurrency: 16})
	for _, x := range r.Sweep(context.Background()) {
		if x.Status != probes.StatusOK {
			b.Fatalf("%s: %s %s %s %v", x.Check, x.Status, x.Summary, x.Err, x.Findings)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Sweep(context.Background())
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/sweep")
}
