package endpoint

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/httpdiag"
)

// The smoke flow is the roadmap's post-deploy test, in its order: each step is one of the
// section's own checks (or a session's sign-in), run in sequence. It stops at the first
// hard failure, since what follows depends on it, and says which step. A hard failure is
// a step that could not run or whose target is down (the page, the sign-in, the reset,
// the webhook delivery did not work); for the admin step, whose point is authorisation,
// any high or critical finding. Other findings (a cacheable member page, a slow answer)
// make the step a warning: their own checks rank them.

// Step statuses.
const (
	StepPass    = "pass"
	StepWarn    = "warn"    // ran, with low or medium findings
	StepFail    = "fail"    // a hard failure: the flow stopped here
	StepNotRun  = "not run" // after a failure
	StepSkipped = "skipped" // not configured
)

// smokeStepNames are the six steps, as the roadmap says them.
var smokeStepNames = [...]string{
	"Load the homepage",
	"Sign in as the test user",
	"Open the member area",
	"Trigger a password reset",
	"Replay a webhook",
	"Admin page only for admins",
}

// SmokeStep is one step's outcome.
type SmokeStep struct {
	N         int     `json:"n"`
	Name      string  `json:"name"`
	Check     string  `json:"check,omitempty"` // the check it ran
	Target    string  `json:"target,omitempty"`
	Status    string  `json:"status"`
	LatencyMs float64 `json:"latency_ms"`
	Summary   string  `json:"summary,omitempty"`
	// Reason is why the step failed or warned: its worst finding's title, or why it could
	// not run.
	Reason string `json:"reason,omitempty"`
}

// SmokeReport is the smoke check's Result.Data, and what `launchready smoke` prints.
type SmokeReport struct {
	Steps []SmokeStep `json:"steps"`
	// FailedStep is the step the flow stopped at (1-6), 0 when it passed.
	FailedStep int `json:"failed_step"`
	// Cause is the finding that stopped the flow, if any.
	Cause *probes.Finding `json:"cause,omitempty"`
}

// Passed says whether every configured step passed (warnings allowed).
func (r SmokeReport) Passed() bool { return r.FailedStep == 0 }

type smokeStep struct {
	check probes.Check // nil: skipped
	run   func(ctx context.Context) probes.Result
	// authz marks the admin step: its findings, not availability, decide.
	authz bool
}

type smokeCheck struct {
	info   probes.CheckInfo
	steps  [len(smokeStepNames)]smokeStep
	redact redactor
}

func (c *smokeCheck) Info() probes.CheckInfo { return c.info }

// WrapResetStep lets the email round trip make step 4 "trigger a password reset and the
// mail arrived" (roundtrip.Wire): wrap gets the step's request and returns the step with
// the wait for the mail; extra is the most the wait adds to the flow's timeout. False
// when the flow has no reset step. Called once, before the check runs.
func (c *smokeCheck) WrapResetStep(extra time.Duration, wrap func(run func(context.Context) probes.Result) func(context.Context) probes.Result) bool {
	if c.steps[3].run == nil {
		return false
	}
	c.steps[3].run = wrap(c.steps[3].run)
	c.info.Timeout += extra
	return true
}

func (c *smokeCheck) Run(ctx context.Context) probes.Result {
	return c.redact.result(c.run(ctx))
}

func (c *smokeCheck) run(ctx context.Context) probes.Result {
	var rep SmokeReport
	var total time.Duration
	var stop *probes.Result
	for i, st := range c.steps {
		s := SmokeStep{N: i + 1, Name: smokeStepNames[i], Status: StepSkipped}
		switch {
		case st.run == nil:
		case stop != nil:
			s.Status = StepNotRun
			s.Check, s.Target = st.check.Info().Name, st.check.Info().Target
		default:
			info := st.check.Info()
			s.Check, s.Target = info.Name, info.Target
			start := time.Now()
			res := st.run(ctx)
			took := res.Latency
			if took == 0 {
				took = time.Since(start)
			}
			total += took
			s.LatencyMs, s.Summary = httpdiag.Ms(took), res.Summary
			s.Status, s.Reason = stepStatus(res, st.authz)
			if s.Status == StepFail {
				res := res
				stop = &res
				rep.FailedStep = s.N
			}
		}
		rep.Steps = append(rep.Steps, s)
	}
	out := probes.Result{Latency: total, Data: &rep, Metrics: map[string]float64{
		"latency_ms": httpdiag.Ms(total), "failed_step": float64(rep.FailedStep), "up": b2f(rep.FailedStep == 0)}}
	passed, ran := 0, 0
	for _, s := range rep.Steps {
		if s.Status == StepPass || s.Status == StepWarn {
			passed++
		}
		if s.Status != StepSkipped {
			ran++
		}
	}
	out.Metrics["steps_passed"], out.Metrics["steps_total"] = float64(passed), float64(ran)
	if stop == nil {
		out.Summary = fmt.Sprintf("passed: %d of %d steps · %s", passed, ran, httpdiag.Round(total))
		return out
	}
	failed := rep.Steps[rep.FailedStep-1]
	out.Summary = fmt.Sprintf("fails at step %d (%s): %s", failed.N, strings.ToLower(failed.Name), failed.Reason)
	f := c.finding(rep, failed, *stop)
	rep.Cause = &f
	out.Findings = []probes.Finding{f}
	return out
}

// stepStatus reads a step's result (see the package comment on hard failures).
func stepStatus(res probes.Result, authz bool) (status, reason string) {
	if res.Err != "" {
		return StepFail, "could not run: " + res.Err
	}
	worst := probes.Worst(res.Findings)
	for _, f := range res.Findings {
		if f.Severity == worst {
			reason = f.Title
			break
		}
	}
	up, hasUp := res.Metrics["up"]
	switch {
	case hasUp && up == 0, authz && worst >= probes.High, !hasUp && worst >= probes.High:
		if reason == "" {
			reason = res.Summary
		}
		return StepFail, reason
	case len(res.Findings) > 0 && worst >= probes.Low:
		return StepWarn, reason
	}
	return StepPass, ""
}

// finding is the smoke check's one finding: which step stopped the flow, as bad as what
// stopped it.
func (c *smokeCheck) finding(rep SmokeReport, failed SmokeStep, res probes.Result) probes.Finding {
	sev, imp := probes.High, probes.Onboarding
	var cause probes.Finding
	for _, f := range res.Findings {
		if f.Title == failed.Reason {
			cause = f
			sev, imp = f.Severity, f.Impact
			break
		}
	}
	var ev []string
	for _, s := range rep.Steps {
		ev = append(ev, stepLine(s))
	}
	ev = append(ev, cause.Evidence...)
	fix := cause.Fix
	if fix == "" {
		fix = "Fix what the step's check reports, then run the flow again: launchready smoke"
	} else {
		fix = strings.TrimRight(fix, ". ") + ". Then run the flow again: launchready smoke"
	}
	return probes.Finding{
		ID: "endpoint.smoke-failed", Severity: sev, Impact: imp, Target: "smoke: " + strings.ToLower(failed.Name),
		Title:    fmt.Sprintf("Smoke test fails at step %d of %d (%s): %s", failed.N, len(rep.Steps), strings.ToLower(failed.Name), failed.Reason),
		Detail:   fmt.Sprintf("The post-deploy smoke flow stopped at step %d, %q (check %q); the steps after it did not run.", failed.N, failed.Name, failed.Check),
		Observed: failed.Reason, Expected: "every step passes", Fix: fix, Evidence: ev,
	}
}

// stepLine is one step as a line of evidence: "✔ 1 Load the homepage · 12 ms · 200 OK".
func stepLine(s SmokeStep) string {
	icon := map[string]string{StepPass: "✔", StepWarn: "▲", StepFail: "✖", StepNotRun: "○", StepSkipped: "-"}[s.Status]
	line := fmt.Sprintf("%s %d %s", icon, s.N, s.Name)
	switch s.Status {
	case StepNotRun, StepSkipped:
		return line + " · " + s.Status
	}
	line += fmt.Sprintf(" · %.0f ms", s.LatencyMs)
	if s.Reason != "" {
		return line + " · " + s.Reason
	}
	return line + " · " + trimLatency(s.Summary)
}

// trimLatency drops the " · 12 ms" a check's summary ends with, when the line already
// shows the latency.
func trimLatency(s string) string {
	i := strings.LastIndex(s, " · ")
	if i < 0 {
		return s
	}
	tail := s[i+len(" · "):]
	if (strings.HasSuffix(tail, " ms") || strings.HasSuffix(tail, " s")) && strings.IndexFunc(tail[:1], unicode.IsDigit) == 0 {
		return s[:i]
	}
	return s
}

// smokeConfig names the checks that make up the flow's steps.
type smokeConfig struct {
	Homepage      string        `yaml:"homepage"`       // an endpoint check
	Session       string        `yaml:"session"`        // a session with a login (the test user)
	MemberArea    string        `yaml:"member_area"`    // an endpoint check fetched as a member
	PasswordReset string        `yaml:"password_reset"` // an endpoint check that triggers a reset
	Webhook       string        `yaml:"webhook"`        // a webhook
	Admin         string        `yaml:"admin"`          // an admin check
	Interval      time.Duration `yaml:"interval"`
	Timeout       time.Duration `yaml:"timeout"`
}

// defaultSmokeInterval is long: the flow signs in, triggers a password reset e-mail and
// replays a webhook, which is fine after a deploy and too much every minute.
const defaultSmokeInterval = 15 * time.Minute

// smokeCheck builds the flow from the checks built so far (by name).
func (v *validator) smokeCheck(p string, sc smokeConfig, built map[string]probes.Check, logins map[string]*loginCheck, env probes.Env, defaults config.Checks) probes.Check {
	c := &smokeCheck{redact: env.Config.SecretValues}
	ref := func(i int, key, name, kind string) {
		if name == "" {
			return
		}
		ch, ok := built[name]
		if !ok || ch.Info().Kind != kind {
			list := map[string]string{"endpoint": "checks", "webhook": "webhooks", "admin": "admin"}[kind]
			v.add(p+"."+key, fmt.Sprintf("%q is not in endpoints.%s", name, list), fmt.Sprintf("name one of endpoints.%s", list))
			return
		}
		c.steps[i] = smokeStep{check: ch, run: runner(ch)}
	}
	if sc.Homepage == "" {
		v.add(p, "has no homepage", "add homepage: with the name of the endpoint check that loads the home page")
	}
	ref(0, "homepage", sc.Homepage, "endpoint")
	if sc.Session != "" {
		if lc, ok := logins[sc.Session]; ok {
			c.steps[1] = smokeStep{check: lc, run: func(ctx context.Context) probes.Result { return lc.result(lc.s.signIn(ctx)) }}
		} else {
			v.add(p+".session", fmt.Sprintf("%q is not a session with a login", sc.Session), "name a session from endpoints.sessions that has login:")
		}
	}
	ref(2, "member_area", sc.MemberArea, "endpoint")
	ref(3, "password_reset", sc.PasswordReset, "endpoint")
	ref(4, "webhook", sc.Webhook, "webhook")
	ref(5, "admin", sc.Admin, "admin")
	c.steps[5].authz = true
	var timeout time.Duration
	for _, st := range c.steps {
		if st.check != nil {
			timeout += st.check.Info().Timeout
		}
	}
	c.info = probes.CheckInfo{Name: "smoke", Kind: "smoke", Pane: probes.PaneEndpoints, Target: "smoke flow",
		Interval: orDefault(sc.Interval, defaultSmokeInterval), Timeout: orDefault(sc.Timeout, timeout)}
	v.timing(p, sc.Interval, sc.Timeout)
	if v.names["smoke"] != "" {
		v.add(p, fmt.Sprintf("the smoke check's name clashes with %s", v.names["smoke"]), "rename that check")
	}
	return c
}

// runner runs a check's unredacted body (the smoke check redacts once, at the end).
func runner(ch probes.Check) func(context.Context) probes.Result {
	switch c := ch.(type) {
	case *endpointCheck:
		return c.run
	case *webhookCheck:
		return c.run
	case *adminCheck:
		return c.run
	}
	return ch.Run
}
