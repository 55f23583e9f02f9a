package perf

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/endpoint"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

// sweepExample runs the example config's performance section against a lab scenario, as
// `launchready check --lab --only performance` does.
func sweepExample(t *testing.T, scenario string) map[string]probes.Result {
	t.Helper()
	sc, ok := lab.ScenarioByName(scenario)
	if !ok {
		t.Fatalf("no scenario %q", scenario)
	}
	l, err := lab.Start(sc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cfg, err := config.Parse(examples.Config, filepath.Join(t.TempDir(), "launchready.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := netx.New(netx.Config{Resolvers: []string{l.DNSAddr}, ConnectTo: l.ConnectTo, CAFile: l.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	env := probes.Env{Config: cfg, Net: n, Now: time.Now}
	checks, err := Kind.Build(env)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := endpoint.Kind.Build(env); err != nil { // decodes the sessions' secrets too, as setup does
		t.Fatal(err)
	}
	if errs := cfg.Resolve(func(k string) (string, bool) { v, ok := l.Env[k]; return v, ok }); len(errs) > 0 {
		t.Fatalf("the example's secrets must all be lab values: %v", errs)
	}
	out := map[string]probes.Result{}
	for _, r := range probes.NewRunner(checks, probes.RunnerOptions{Timeout: 10 * time.Second}).Sweep(context.Background()) {
		out[r.Check] = r
	}
	return out
}

func TestExampleAgainstTheLab(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		scenario string
		want     map[string]string
	}{
		{"healthy", map[string]string{"page pricing": "", "page about": "", "api plans": "", "api announcements": ""}},
		{"demo", map[string]string{
			"page pricing": "perf.ttfb,perf.assets-uncacheable,perf.uncompressed,perf.no-validators",
			"page about":   "", // the healthy twin
			"api plans":    "perf.api-uncached",
			// public, max-age=60 and a "viewer" naming the signed-in member
			"api announcements": "perf.api-cacheable-per-session",
		}},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			res := sweepExample(t, tc.scenario)
			if len(res) != len(tc.want) {
				t.Errorf("%d checks, want %d", len(res), len(tc.want))
			}
			for name, want := range tc.want {
				r := res[name]
				if r.Err != "" || ids(r) != want {
					t.Errorf("%s: findings %q (err %q), want %q", name, ids(r), r.Err, want)
				}
			}
			if tc.scenario == "demo" {
				var data []any
				for _, r := range res {
					data = append(data, r.Data)
				}
				leak := res["api announcements"].Findings[0]
				if leak.Severity != probes.Critical || !strings.Contains(leak.Title, "fields viewer") {
					t.Errorf("leak finding %s %q: want critical, naming the viewer field", leak.Severity, leak.Title)
				}
				if text := fmt.Sprint(leak); strings.Contains(text, "member@acme.example") || strings.Contains(text, "admin@acme.example") {
					t.Errorf("the finding repeats a member's data: %s", text)
				}
				list := TuningList(data...)
				if len(list) != 6 || !list[0].First || !strings.HasPrefix(list[0].Finding, "perf.api-cacheable-per-session ") ||
					list[1].Finding != "perf.ttfb https://app.acme.example/pricing" {
					t.Errorf("tuning list %+v: want 6 items, the critical leak first (whatever its speed effect), then the slow page", list)
				}
			}
		})
	}
}
