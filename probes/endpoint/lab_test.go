package endpoint

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

// sweepExample runs the example config's endpoints section against a lab scenario, as
// `launchready check --lab` does, and returns the results by check name.
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
	checks, err := Kind.Build(probes.Env{Config: cfg, Net: n, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	if errs := cfg.Resolve(func(k string) (string, bool) { v, ok := l.Env[k]; return v, ok }); len(errs) > 0 {
		t.Fatalf("the example's secrets must all be lab values: %v", errs)
	}
	out := map[string]probes.Result{}
	for _, r := range probes.NewRunner(checks, probes.RunnerOptions{Timeout: 5 * time.Second}).Sweep(context.Background()) {
		out[r.Check] = r
	}
	return out
}

func TestExampleAgainstHealthyLab(t *testing.T) {
	t.Parallel()
	for name, r := range sweepExample(t, "healthy") {
		if r.Status != probes.StatusOK || len(r.Findings) > 0 {
			t.Errorf("%s on the healthy lab: %s %q %v %s", name, r.Status, r.Summary, ids(r), r.Err)
		}
	}
}

func TestExampleAgainstDemoLab(t *testing.T) {
	t.Parallel()
	res := sweepExample(t, "demo")
	want := map[string]string{
		"login member": "",
		"login admin":  "",
		"homepage":     "",
		"login page":   "",
		"member feed":  "endpoint.private-cacheable/critical",
		"admin page":   "endpoint.admin-open-member/critical",

		"stripe webhook": "endpoint.webhook-rejected/critical",
		"github webhook": "",
		"password reset": "", // it mails the link; the mail lands in spam, which the email round trip sees

		"failed jobs":      "endpoint.metric-critical/high",
		"webhook failures": "endpoint.metric-critical/high",
		"login rate limit": "",
		"smoke":            "endpoint.smoke-failed/critical", // at the webhook (unwired: see below)
	}
	for name, w := range want {
		r, ok := res[name]
		if !ok {
			t.Errorf("no check %q in the example", name)
			continue
		}
		if got := ids(r); got != w {
			t.Errorf("%s: %q, want %q (%s %s)", name, got, w, r.Summary, r.Err)
		}
	}
	// Without the email round trip wired in (roundtrip.Wire, which makes step 4 wait for the
	// reset mail and fail on spam) the flow gets past the reset to the rejected webhook.
	if rep := res["smoke"].Data.(*SmokeReport); rep.FailedStep != 5 {
		t.Errorf("the demo's smoke flow, unwired, stops at the webhook, step 5: %+v", rep.Steps)
	}
	if f := res["stripe webhook"].Findings; len(f) == 1 && f[0].Title != "Correctly signed events rejected (400)" {
		t.Errorf("the mockup's title: %q", f[0].Title)
	}
	if len(res) != len(want) {
		t.Errorf("the example has %d endpoint checks, this test knows %d: add the new ones", len(res), len(want))
	}
}

// TestDemoMetricOn503: the demo's metrics endpoint answers 503 with the numbers in its
// JSON body; the example's metric checks read them, as `launchready demo` shows, and say
// the status beside them instead of "metric unavailable".
func TestDemoMetricOn503(t *testing.T) {
	t.Parallel()
	res := sweepExample(t, "demo")
	for name, want := range map[string]struct {
		metric, summary string
		value           float64
	}{
		"failed jobs":      {"failed_jobs", "17 failed jobs (HTTP 503)", 17},
		"webhook failures": {"webhook_failures", "23 webhook failures (HTTP 503)", 23},
	} {
		r := res[name]
		d, ok := r.Data.(MetricDetail)
		if !ok || d.Value == nil || *d.Value != want.value || d.Status != 503 {
			t.Errorf("%s: %+v (%s %s): the number in the 503's body must be read", name, r.Data, r.Summary, r.Err)
			continue
		}
		if r.Summary != want.summary || r.Metrics[want.metric] != want.value || r.Metrics["status"] != 503 {
			t.Errorf("%s: summary %q, metrics %v; want %q", name, r.Summary, r.Metrics, want.summary)
		}
		if len(r.Findings) != 1 || !strings.Contains(r.Findings[0].Observed, "(HTTP 503)") {
			t.Errorf("%s: the finding must say the number came with a 503: %+v", name, r.Findings)
		}
	}
}
