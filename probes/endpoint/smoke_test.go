package endpoint

import (
	"strings"
	"testing"
)

func TestSmokeFlow(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		fault    func(*app)
		failed   int
		statuses string
		finding  string
	}{
		{"passes", nil, 0, "pass pass pass pass pass pass", ""},
		{"homepage down", func(a *app) { a.homeDown = true }, 1, "fail not-run not-run not-run not-run not-run", "endpoint.smoke-failed/high"},
		{"login fails", func(a *app) { a.loginRefuses = true }, 2, "pass fail not-run not-run not-run not-run", "endpoint.smoke-failed/high"},
		{"password reset 500s", func(a *app) { a.resetFails = true }, 4, "pass pass pass fail not-run not-run", "endpoint.smoke-failed/high"},
		// A privacy finding is the member feed check's to rank; the flow goes on.
		{"member page cacheable", func(a *app) { a.feedHeaders = map[string]string{"Cache-Control": "public, max-age=600"} }, 0, "pass pass warn pass pass pass", ""},
		{"admin open to members", func(a *app) { a.adminForMember = true }, 6, "pass pass pass pass pass fail", "endpoint.smoke-failed/critical"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, c.fault)
			cs := setup(t, a.smokeConfig(), a.net, secrets)
			res := run(t, cs["smoke"])
			rep := res.Data.(*SmokeReport)
			var st []string
			for _, s := range rep.Steps {
				st = append(st, strings.ReplaceAll(s.Status, " ", "-"))
			}
			if got := strings.Join(st, " "); got != c.statuses || rep.FailedStep != c.failed {
				t.Fatalf("steps %q (failed at %d), want %q (at %d)\n%+v", got, rep.FailedStep, c.statuses, c.failed, rep.Steps)
			}
			if got := ids(res); got != c.finding {
				t.Errorf("findings %q, want %q", got, c.finding)
			}
			if c.failed > 0 {
				f := res.Findings[0]
				step := rep.Steps[c.failed-1]
				if !strings.Contains(f.Title, "step "+string(rune('0'+c.failed))+" of 6") || !strings.Contains(f.Title, step.Reason) || step.Reason == "" {
					t.Errorf("the finding says which step and why: %q (step %+v)", f.Title, step)
				}
				if rep.Cause == nil || res.Metrics["failed_step"] != float64(c.failed) || res.Metrics["up"] != 0 {
					t.Errorf("cause %v, metrics %v", rep.Cause, res.Metrics)
				}
				if strings.Contains(f.Title, testMemberPassword) {
					t.Error("password leaked")
				}
			}
			for _, s := range rep.Steps {
				if (s.Status == StepPass || s.Status == StepFail) && s.LatencyMs <= 0 {
					t.Errorf("step %d ran without a latency: %+v", s.N, s)
				}
			}
		})
	}
}

func TestSmokeConfigErrors(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	text := a.config("form") + "  smoke: {session: nobody, member_area: admin page, webhook: member feed}\n"
	cfgErr := buildErr(t, text)
	for _, want := range []string{"endpoints.smoke: has no homepage", `endpoints.smoke.session: "nobody" is not a session with a login`,
		`endpoints.smoke.member_area: "admin page" is not in endpoints.checks`, `endpoints.smoke.webhook: "member feed" is not in endpoints.webhooks`} {
		if !strings.Contains(cfgErr, want) {
			t.Errorf("errors lack %q:\n%s", want, cfgErr)
		}
	}
}
