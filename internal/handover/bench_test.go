package handover

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/audit"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/owners"
	"github.com/launchready/launchready/internal/report"
	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
)

// BenchmarkBuild30Days is the pack's target: 100 checks with 30 days of one-minute
// history (4,320,000 results), built under 2 s. One check in five is a metric check that
// also reports failed_jobs and webhook_failures every minute (another 1,728,000 rows of
// the metrics table, which the dashboard's second table reads). The history is filled
// once, through the store's batch Write, before the timer starts (about a minute); run it
// with go test ./internal/handover -run XXX -bench Build30Days -benchtime 3x.
func BenchmarkBuild30Days(b *testing.B) {
	end := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	st, err := store.Open(filepath.Join(b.TempDir(), "history.db"), store.Options{Now: func() time.Time { return end }, Retention: 31 * 24 * time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const checks, minutes, metricEvery = 100, 30 * 24 * 60, 5
	infos := make([]probes.CheckInfo, checks)
	for c := range infos {
		infos[c] = probes.CheckInfo{Name: fmt.Sprintf("http c%02d", c), Kind: "http", Pane: probes.PaneEndpoints, Target: fmt.Sprintf("https://acme.example/%d", c)}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	batch := make([]probes.Result, 0, 20_000)
	for m := range minutes {
		at := end.Add(-time.Duration(minutes-m) * time.Minute)
		for c, ci := range infos {
			r := probes.Result{Check: ci.Name, Kind: ci.Kind, Pane: ci.Pane, Target: ci.Target, Started: at,
				Latency: time.Duration(20+rng.ExpFloat64()*25) * time.Millisecond, Status: probes.StatusOK, Metrics: map[string]float64{"up": 1}}
			if rng.IntN(200) == 0 {
				r.Status, r.Metrics["up"] = probes.StatusFail, 0
			}
			if c%metricEvery == 0 {
				r.Metrics["failed_jobs"] = float64(rng.IntN(4))
				r.Metrics["webhook_failures"] = float64(rng.IntN(2))
			}
			batch = append(batch, r)
		}
		if len(batch) >= cap(batch)-checks {
			if err := st.Write(batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := st.Write(batch...); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Parse([]byte("product: Acme\ndomain: acme.example\ncanonical_url: https://acme.example/\nhosts:\n  - {name: acme.example, a: [192.0.2.1]}\nhistory: {retention_days: 31}\n"), "launchready.yaml")
	if err != nil {
		b.Fatal(err)
	}
	own, _ := owners.Decode(cfg)
	var results []probes.Result
	for _, ci := range infos {
		results = append(results, probes.Result{Check: ci.Name, Kind: ci.Kind, Pane: ci.Pane, Target: ci.Target, Status: probes.StatusOK})
	}
	rep := report.New("Acme", "acme.example", end, time.Second, results)
	in := Input{Config: cfg, Owners: own, Checks: infos, Report: rep, History: st, Now: end,
		Audit: audit.Build(audit.Input{Product: "Acme", Domain: "acme.example", Report: rep, Now: end})}
	// pack is the target; figures is the dashboard's failed jobs and webhook failures
	// alone (the metrics table's share of the pack); cpu-s/op is what each costs whatever
	// else the shared machine runs.
	b.Run("pack", func(b *testing.B) {
		cpu := cpuTime()
		for b.Loop() {
			p, err := Build(in)
			if err != nil || len(p.Dashboard) != checks {
				b.Fatalf("%v, %d rows", err, len(p.Dashboard))
			}
			if d := p.Dashboard[0]; d.FailedJobs.Spark == "" || d.WebhookFailures.Month == noData || p.Dashboard[1].Figures() {
				b.Fatalf("the metric checks' figures: %+v, %+v", d, p.Dashboard[1])
			}
		}
		b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	})
	b.Run("figures", func(b *testing.B) {
		cpu := cpuTime()
		for b.Loop() {
			for _, ci := range infos {
				for _, name := range []string{"failed_jobs", "webhook_failures"} {
					if _, err := figure(st, ci.Name, name, end.Add(time.Microsecond), nil); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	})
}
