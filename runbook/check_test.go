package runbook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
)

func TestEndpointCheckTurnsGreenAfterAWhile(t *testing.T) {
	t.Parallel()
	env, l := labEnv(t, "healthy")
	l.SetRoute("api.acme.example", true, lab.Route{Path: "/health", Status: 503, Body: `{"status":"starting"}`})
	h := newHarness(t, &script{})
	rb := runbookFrom(t, t.TempDir(), `steps:
  - name: Restart the API
    run: echo restarted
  - name: Wait for API health
    check:
      endpoint: http api.acme.example
      times: 2
      every: 200ms
      within: 20s
`, env)
	h.opts.Env = env
	// The API comes back a second after the restart.
	e := h.engine()
	var flipped atomic.Bool
	e.o.Observe = func(ev Event) {
		h.events = append(h.events, ev)
		if ev.Type == CheckPoll && !flipped.Load() {
			flipped.Store(true)
			time.AfterFunc(time.Second, func() {
				l.SetRoute("api.acme.example", true, lab.Route{Path: "/health", Status: 200, Body: `{"status":"ok"}`})
			})
		}
	}
	out, err := e.Run(context.Background(), rb)
	if err != nil {
		t.Fatal(err)
	}
	evs := h.transcript(out)
	if out.Status != StatusSucceeded {
		t.Fatalf("status %s", out.Status)
	}
	polls := ofType(evs, CheckPoll)
	if len(polls) < 3 {
		t.Fatalf("want failing looks then two passing ones, got %d looks", len(polls))
	}
	first, n := polls[0].Poll, len(polls)
	if first.OK || !strings.Contains(first.Summary, "503") || first.Need != 2 || first.Condition != "http api.acme.example is healthy" {
		t.Errorf("first look %+v", first)
	}
	if !polls[n-1].Poll.OK || polls[n-1].Poll.Streak != 2 || !polls[n-2].Poll.OK || polls[n-2].Poll.Streak != 1 {
		t.Errorf("last looks %+v %+v", polls[n-2].Poll, polls[n-1].Poll)
	}
	if cs := last(evs, CheckStart); cs.Text != "http api.acme.example is healthy 2 times in a row, every 200ms, within 20s" {
		t.Errorf("check-start %q", cs.Text)
	}
	if ce := last(evs, CheckEnd); ce.Status != StepOK {
		t.Errorf("check-end %+v", ce)
	}
}

func TestEndpointCheckThatNeverTurnsGreenFailsTheStep(t *testing.T) {
	t.Parallel()
	env, _ := labEnv(t, "demo") // the demo's API health answers 503
	h := newHarness(t, &script{choices: []Decision{RollBack}})
	h.opts.Env = env
	rb := runbookFrom(t, t.TempDir(), `steps:
  - name: Deploy
    run: echo deployed
    rollback: echo rolled back
  - name: Wait for API health
    check: {endpoint: http api.acme.example, every: 200ms, within: 2s, times: 3}
`, env)
	start := time.Now()
	out := h.run(rb)
	evs := h.transcript(out)
	if out.Status != StatusRolledBack {
		t.Fatalf("status %s", out.Status)
	}
	if time.Since(start) > 15*time.Second {
		t.Errorf("a 2s check took %s", time.Since(start))
	}
	ce := last(evs, CheckEnd)
	if ce.Status != StepFailed || !strings.Contains(ce.Reason, "did not pass 3 times in a row within 2s") {
		t.Errorf("check-end %+v", ce)
	}
	saw503 := false
	for _, p := range ofType(evs, CheckPoll) {
		if p.Poll.OK {
			t.Errorf("a look passed: %+v", p.Poll)
		}
		saw503 = saw503 || strings.Contains(p.Poll.Summary, "503")
	}
	if !saw503 {
		t.Error("no look saw the API's 503")
	}
	if got := outputOf(evs, 1); got != "deployed\nrolled back\n" {
		t.Errorf("output %q: the deploy step's rollback must run", got)
	}
}

func TestDNSCondition(t *testing.T) {
	t.Parallel()
	env, _ := labEnv(t, "healthy")
	for _, c := range []struct {
		spec string
		ok   bool
		sum  string
	}{
		{`{name: app.acme.example, equals: [127.0.0.1]}`, true, "A app.acme.example = 127.0.0.1"},
		{`{name: App.Acme.Example., type: a, equals: [127.0.0.1]}`, true, "A app.acme.example = 127.0.0.1"},
		{`{name: app.acme.example, equals: [203.0.113.10]}`, false, "A app.acme.example = 127.0.0.1 (want 203.0.113.10)"},
		{`{name: www.acme.example, type: CNAME, equals: [acme.example.]}`, true, "CNAME www.acme.example = acme.example"},
		{`{name: acme.example, type: MX, equals: ["10 mx.acme.example"]}`, true, "MX acme.example = 10 mx.acme.example"},
		{`{name: acme.example, type: TXT, equals: ["v=spf1 include:_spf.mailprovider.example -all"]}`, true, ""},
		{`{name: nope.acme.example, equals: [127.0.0.1]}`, false, "NXDOMAIN"},
	} {
		cond := buildCond(t, env, "dns: "+c.spec)
		obs := cond.Poll(context.Background(), RunInfo{})
		if obs.OK != c.ok || !strings.Contains(obs.Summary, c.sum) {
			t.Errorf("%s: %+v, want ok=%v and %q", c.spec, obs, c.ok, c.sum)
		}
	}
}

func TestCertificateCondition(t *testing.T) {
	t.Parallel()
	env, _ := labEnv(t, "healthy") // lab certificates have 89 days left
	for _, c := range []struct {
		spec string
		ok   bool
		sum  string
	}{
		{`{host: app.acme.example, min_days: 30}`, true, "app.acme.example: 89 days left"},
		{`{host: app.acme.example}`, true, "days left"},
		{`{host: app.acme.example, min_days: 100}`, false, "want more than 100"},
	} {
		cond := buildCond(t, env, "certificate: "+c.spec)
		obs := cond.Poll(context.Background(), RunInfo{})
		if obs.OK != c.ok || !strings.Contains(obs.Summary, c.sum) {
			t.Errorf("%s: %+v, want ok=%v and %q", c.spec, obs, c.ok, c.sum)
		}
	}
	// A certificate the network does not trust never passes, whatever its days.
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Listener.Close()
	srv.Listener = listen(t)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	env2 := env
	n := netFor(t, map[string]string{"untrusted.acme.example:443": srv.Listener.Addr().String()})
	env2.Net = n
	obs := buildCond(t, env2, "certificate: {host: untrusted.acme.example, min_days: 0}").Poll(context.Background(), RunInfo{})
	if obs.OK || !strings.Contains(obs.Summary, "TLS handshake failed") {
		t.Errorf("untrusted certificate: %+v", obs)
	}
}

func TestEndpointConditionWithHTTPTest(t *testing.T) {
	t.Parallel()
	var up atomic.Bool
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	}))
	srv.Listener.Close()
	srv.Listener = listen(t)
	srv.Start()
	t.Cleanup(srv.Close)
	cfgText := "domain: acme.example\ncanonical_url: https://app.acme.example/\nenvironment: lab\nhosts:\n  - name: api.acme.example\n    url: http://api.acme.example/health\n"
	cfg, err := config.Parse([]byte(cfgText), "lr.yaml")
	if err != nil {
		t.Fatal(err)
	}
	n := netFor(t, map[string]string{"api.acme.example:80": srv.Listener.Addr().String()})
	checks, err := httpKindChecks(cfg, n)
	if err != nil {
		t.Fatal(err)
	}
	env := Env{Checks: checks, Net: n, Now: time.Now}
	cond := buildCond(t, env, "endpoint: http api.acme.example")
	if obs := cond.Poll(context.Background(), RunInfo{}); obs.OK || !strings.Contains(obs.Summary, "503") {
		t.Errorf("down: %+v", obs)
	}
	up.Store(true)
	if obs := cond.Poll(context.Background(), RunInfo{}); !obs.OK {
		t.Errorf("up: %+v", obs)
	}
}

// A probe that hangs or panics ends the look with an error, not the runbook.
func TestEndpointConditionSurvivesBadProbes(t *testing.T) {
	t.Parallel()
	for name, run := range map[string]func(ctx context.Context) probes.Result{
		"panics": func(context.Context) probes.Result { panic("boom") },
		"errors": func(context.Context) probes.Result { return probes.Result{Err: "could not run"} },
	} {
		c := &endpointCond{check: fakeCheck{name: "fake", run: run}}
		obs := c.Poll(context.Background(), RunInfo{})
		if obs.OK || obs.Err == "" {
			t.Errorf("%s: %+v", name, obs)
		}
	}
}

type fakeCheck struct {
	name string
	run  func(ctx context.Context) probes.Result
}

func (f fakeCheck) Info() probes.CheckInfo {
	return probes.CheckInfo{Name: f.name, Kind: "fake", Timeout: time.Second}
}
func (f fakeCheck) Run(ctx context.Context) probes.Result { return f.run(ctx) }

// A condition kind from another package plugs in through Env.Kinds, and sees the run.
func TestConditionKindsPlugIn(t *testing.T) {
	t.Parallel()
	var seen RunInfo
	kind := ConditionKind{Name: "errors", Doc: "no new error groups", Build: func(spec *config.Raw, env Env) (Condition, config.Errors) {
		var v struct {
			NewGroups int `yaml:"new_groups"`
		}
		if errs := spec.Decode(&v); errs != nil {
			return nil, errs
		}
		return condFunc(func(_ context.Context, r RunInfo) Observation {
			seen = r
			return Observation{OK: true, Summary: "0 new groups"}
		}), nil
	}}
	env := Env{Kinds: append(DefaultKinds(), kind)}
	h := newHarness(t, &script{})
	h.opts.Env = env
	rb := runbookFrom(t, t.TempDir(), "steps:\n  - check: {errors: {new_groups: 0}, within: 1s, every: 100ms}\n", env)
	out := h.run(rb)
	if out.Status != StatusSucceeded || seen.ID != out.Run || seen.Runbook != "test" || seen.Started.IsZero() {
		t.Errorf("outcome %+v, run info %+v", out, seen)
	}
	// Without the kind, the same runbook is refused at validation.
	bad := runbookErr(t, "steps:\n  - check: {errors: {new_groups: 0}}\n", Env{})
	if !strings.Contains(bad, "steps[0].check.errors: unknown key; known keys here: certificate, dns, endpoint, every, no_new_errors, smoke, times, within") {
		t.Errorf("unknown kind: %s", bad)
	}
}

type condFunc func(context.Context, RunInfo) Observation

func (f condFunc) Describe() string                                { return "custom" }
func (f condFunc) Poll(ctx context.Context, r RunInfo) Observation { return f(ctx, r) }
