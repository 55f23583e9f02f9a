package discovery

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

// BenchmarkDiscovery200Names is one discovery of the lab's healthy zone with a
// dictionary of 200 labels (the built-in ones, then bench-NNN labels to make 200, a
// tenth of which exist), the well-known names and DKIM selectors on top, with the rate
// limit off, through the lab's DNS on loopback. Target: under 1 s per run. It reports
// names asked per second.
func BenchmarkDiscovery200Names(b *testing.B) {
	sc, ok := lab.ScenarioByName("healthy")
	if !ok {
		b.Fatal("no healthy scenario")
	}
	labels := Dictionary()
	zone := &sc.Zones[0]
	zone.Records = append([]string(nil), zone.Records...)
	for i := 0; len(labels) < 200; i++ {
		l := fmt.Sprintf("bench-%03d", i)
		labels = append(labels, Label{Label: l, Type: dns.TypeA, Reason: "benchmark"})
		if i%10 == 0 {
			zone.Records = append(zone.Records, l+" 300 IN A 127.0.0.1")
		}
	}
	l, err := lab.Start(sc, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	n, err := netx.New(netx.Config{Resolvers: []string{l.DNSAddr}, ConnectTo: l.ConnectTo})
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{RateLimit: NoRateLimit, Labels: labels}
	var tried int
	start := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Run(context.Background(), n, l.Domain, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Failed) > 0 {
			b.Fatalf("%d names failed against the lab: %+v", len(rep.Failed), rep.Failed[0])
		}
		tried += rep.Tried
	}
	b.ReportMetric(float64(tried)/time.Since(start).Seconds(), "names/s")
	b.ReportMetric(float64(tried)/float64(b.N), "names/op")
}
