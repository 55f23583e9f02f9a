package dnscheck

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

// BenchmarkSweep100Hosts is one full DNS pane sweep of 100 documented hosts (every
// fifth a CNAME) against the lab's DNS on loopback: 100 host checks through the resolver
// plus the zone check asking the nameserver directly for each host's A and AAAA, CAA,
// apex CNAME, wildcard and DNSSEC, at the runner's default concurrency. Target: under
// 200 ms per sweep.
func BenchmarkSweep100Hosts(b *testing.B) {
	records := []string{"@ 3600 IN NS ns1.bench.example.", "ns1 IN A 127.0.0.1", `@ 3600 IN CAA 0 issue "letsencrypt.org"`, "@ 300 IN A 127.0.0.1"}
	var hosts strings.Builder
	for i := range 100 {
		if i%5 == 0 {
			records = append(records, fmt.Sprintf("h%d 300 IN CNAME bench.example.", i))
			fmt.Fprintf(&hosts, "  - {name: h%d.bench.example, role: app, cname: bench.example}\n", i)
			continue
		}
		records = append(records, fmt.Sprintf("h%d 300 IN A 127.0.0.%d", i, 1+i%200))
		fmt.Fprintf(&hosts, "  - {name: h%d.bench.example, role: app, a: [127.0.0.%d]}\n", i, 1+i%200)
	}
	l, err := lab.Start(lab.Scenario{Name: "bench", Domain: "bench.example", Zones: []lab.Zone{{Origin: "bench.example", Records: records}}}, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	cfg, err := config.Parse([]byte("domain: bench.example\ncanonical_url: https://bench.example/\nenvironment: lab\nhosts:\n"+hosts.String()), "bench.yaml")
	if err != nil {
		b.Fatal(err)
	}
	n, err := netx.New(netx.Config{Resolvers: []string{l.DNSAddr}, ConnectTo: l.ConnectTo})
	if err != nil {
		b.Fatal(err)
	}
	checks, err := Kind.Build(probes.Env{Config: cfg, Net: n, Now: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	runner := probes.NewRunner(checks, probes.RunnerOptions{Timeout: 10 * time.Second})
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range runner.Sweep(b.Context()) {
			if r.Err != "" || len(r.Findings) > 0 {
				b.Fatalf("%s: %q %s", r.Check, r.Err, ids(r))
			}
		}
	}
}
