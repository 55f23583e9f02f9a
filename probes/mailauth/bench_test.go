package mailauth

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// benchZone is 10 sending domains, each with an SPF record whose include chain is 5 deep
// (d.example -> inc1 -> ... -> inc5), a DKIM key, DMARC with reports, MX and TLS-RPT.
func benchZone() ([]string, []string) {
	var zone, domains []string
	for i := range 10 {
		d := fmt.Sprintf("d%d.example", i)
		domains = append(domains, d)
		zone = append(zone,
			fmt.Sprintf(`%s. 300 IN TXT "v=spf1 include:inc1.%s -all"`, d, d),
			dkimTXT("lr1._domainkey."+d+".", "v=DKIM1; k=rsa; p="+rsa2048),
			fmt.Sprintf(`_dmarc.%s. 300 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@%s"`, d, d),
			fmt.Sprintf("%s. 300 IN MX 10 mx.%s.", d, d),
			fmt.Sprintf("mx.%s. 300 IN A 192.0.2.25", d),
			fmt.Sprintf(`_smtp._tls.%s. 300 IN TXT "v=TLSRPTv1; rua=mailto:tls@%s"`, d, d),
		)
		for j := 1; j <= 5; j++ {
			next := fmt.Sprintf("include:inc%d.%s", j+1, d)
			if j == 5 {
				next = "ip4:192.0.2.0/24"
			}
			zone = append(zone, fmt.Sprintf(`inc%d.%s. 300 IN TXT "v=spf1 %s -all"`, j, d, next))
		}
	}
	return zone, domains
}

// BenchmarkSweep10Domains is the pane's speed target: one sweep of 10 sending domains,
// each with 5 nested SPF includes, a configured DKIM selector, the well-known selector
// discovery, DMARC, MX, MTA-STS and TLS-RPT lookups and an SPF verdict for a sending IP,
// against a loopback DNS server, at the default concurrency. Target: under 100 ms.
func BenchmarkSweep10Domains(b *testing.B) {
	zone, domains := benchZone()
	srv := newTestDNS()
	srv.add(b, zone...)
	srv.start(b)
	e := testEnv(b, "email:\n  domains: ["+strings.Join(domains, ", ")+"]\n  dkim_selectors: [lr1]\n  sending_ips: [192.0.2.10]\n",
		netx.Config{Resolvers: []string{srv.Addr}})
	checks, err := Kind.Build(e)
	if err != nil {
		b.Fatal(err)
	}
	r := probes.NewRunner(checks, probes.RunnerOptions{Concurrency: 16})
	for _, res := range r.Sweep(context.Background()) {
		if res.Err != "" || res.Metrics["spf_lookups"] != 5 {
			b.Fatalf("%s: %s %v %v", res.Check, res.Err, ids(res), res.Metrics)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Sweep(context.Background())
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/sweep")
}
