package roundtrip

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/mailauth"
	"github.com/launchready/launchready/probes/netx"
)

// labEvery is how often the round trip runs against the built-in lab when the config
// does not say: lab mail never leaves loopback, so the demo shows the round trip without
// anyone opting in, while a real config keeps it off until email.roundtrip.every is set.
const labEvery = time.Hour

// every is the round-trip check's interval: the config's, or labEvery under --lab.
func every(c *mailauth.Config, env probes.Env) time.Duration {
	if c.Roundtrip.Every == 0 && env.LabDir != "" && env.Config.Environment == config.Lab {
		return labEvery
	}
	return c.Roundtrip.Every
}

// NewTrigger makes a trigger's round trip ready from the session's checks: the request is
// the endpoint check the trigger names, run as the console runs it (its session, secret
// headers and redaction), so no second HTTP client with its own idea of the app exists.
// The inbox access (Options) is the caller's to fill.
func NewTrigger(env probes.Env, checks []probes.Check, tr mailauth.Trigger) (TriggerOptions, error) {
	i := slices.IndexFunc(checks, func(c probes.Check) bool {
		return c.Info().Name == tr.Check && c.Info().Kind == "endpoint"
	})
	if i < 0 {
		return TriggerOptions{}, fmt.Errorf("email.triggers %s names the check %q, which is not in endpoints.checks: name the check whose request makes the app send the mail", tr.Name, tr.Check)
	}
	check := checks[i]
	canonical, err := url.Parse(env.Config.CanonicalURL)
	if err != nil || canonical.Host == "" {
		return TriggerOptions{}, fmt.Errorf("canonical_url %q is not a URL: the mail's links are judged against it; set it to where members should end up, like https://app.acme.example/", env.Config.CanonicalURL)
	}
	var client *http.Client
	if env.Net != nil {
		client = env.Net.HTTPClient(netx.HTTPOptions{Timeout: 15 * time.Second})
	} else {
		client = &http.Client{Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return TriggerOptions{
		Trigger:   tr,
		Canonical: canonical,
		Fire: func(ctx context.Context) error {
			return fireResult(check, check.Run(ctx))
		},
		Open: func(ctx context.Context, link string) (int, string, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
			if err != nil {
				return 0, "", err
			}
			resp, err := client.Do(req)
			if err != nil {
				return 0, "", err
			}
			defer resp.Body.Close()
			return resp.StatusCode, resp.Header.Get("Location"), nil
		},
	}, nil
}

// fireResult says whether the app took the trigger's request: an error, a high finding or
// the target down is "not taken", and nothing is waited for then.
func fireResult(check probes.Check, res probes.Result) error {
	if res.Err != "" {
		return errors.New(res.Err)
	}
	if up, ok := res.Metrics["up"]; probes.Worst(res.Findings) >= probes.High || (ok && up == 0) {
		return fmt.Errorf("%s answered %s", check.Info().Target, res.Summary)
	}
	return nil
}

// inboxOptions is the inbox access every round trip of the session shares.
func inboxOptions(c *mailauth.Config, env probes.Env) Options {
	o := Options{
		Inboxes:  c.Inboxes,
		Password: func(in mailauth.Inbox) string { return secretValue(in.Password) },
		Wait:     c.Roundtrip.Wait, Keep: c.Roundtrip.Keep,
		Now: env.Now,
	}
	if env.Net != nil {
		o.Resolver, o.Dial, o.TLSConfig = env.Net, env.Net.DialContext, env.Net.TLSConfig
	}
	return o
}

// triggerOf is the trigger's options with its inbox: the named one, else the first.
func triggerOf(c *mailauth.Config, env probes.Env, checks []probes.Check, tr mailauth.Trigger) (TriggerOptions, error) {
	o, err := NewTrigger(env, checks, tr)
	if err != nil {
		return o, err
	}
	o.Options = inboxOptions(c, env)
	i := slices.IndexFunc(c.Inboxes, func(in mailauth.Inbox) bool { return in.Name == tr.Inbox })
	if i < 0 {
		i = 0
	}
	o.Inboxes = c.Inboxes[i : i+1]
	return o, nil
}

// ResetStepper is the smoke check: step 4 (trigger a password reset) can be made to wait
// for the reset mail too. extra is the longest the wait adds to the flow.
type ResetStepper interface {
	WrapResetStep(extra time.Duration, wrap func(run func(context.Context) probes.Result) func(context.Context) probes.Result) bool
}

// Wire joins the round trip to the checks the other kinds built, which its kind's Build
// cannot see: each email.triggers entry becomes a check of the Email pane beside the test
// message's (when the round trip runs as a check), and the smoke flow's step 4 waits for
// the reset mail when a reset trigger exists. It returns the checks with the trigger
// checks added; a config without inboxes or triggers is returned as it is.
func Wire(checks []probes.Check, env probes.Env) []probes.Check {
	c, err := mailauth.DecodeConfig(env.Config)
	if err != nil || c == nil || len(c.Inboxes) == 0 || len(c.Triggers) == 0 {
		return checks
	}
	gate := newGate() // one round trip at a time in this session: see Check.gate
	for _, ch := range checks {
		if rc, ok := ch.(*Check); ok {
			rc.gate = gate
		}
	}
	if tr, ok := c.TriggerNamed("reset"); ok {
		if o, err := triggerOf(c, env, checks, tr); err == nil {
			for _, ch := range checks {
				if s, ok := ch.(ResetStepper); ok && ch.Info().Kind == "smoke" {
					s.WrapResetStep(o.Trigger.Wait+time.Minute, func(run func(context.Context) probes.Result) func(context.Context) probes.Result {
						return func(ctx context.Context) probes.Result {
							o := o
							o.Secrets = env.Config.SecretValues()
							leave, err := gate.enter(ctx)
							if err != nil {
								// The step's request still runs; only the mail goes unchecked.
								res := run(ctx)
								if res.Err == "" {
									res.Summary += " · the mail was not looked for: " + err.Error()
								}
								return res
							}
							defer leave()
							return resetStep(ctx, o, run)
						}
					})
				}
			}
		}
	}
	if every(c, env) == 0 || !slices.ContainsFunc(checks, func(ch probes.Check) bool { return ch.Info().Kind == Kind.Name }) {
		return checks
	}
	endpoints := slices.ContainsFunc(checks, func(ch probes.Check) bool { return ch.Info().Pane == probes.PaneEndpoints })
	for _, tr := range c.Triggers {
		o, err := triggerOf(c, env, checks, tr)
		if err != nil && !endpoints {
			continue // the Endpoints pane was left out (--only email): its requests are not ours to make
		}
		info := probes.CheckInfo{Name: tr.Name + " mail", Kind: Kind.Name, Pane: probes.PaneEmail, Target: tr.Name + " → " + tr.Inbox,
			Interval: every(c, env), Timeout: tr.Wait + 2*time.Minute}
		ch := &Check{info: info, gate: gate, run: func(ctx context.Context) *Report {
			if err != nil {
				return &Report{Trigger: tr.Name, Inboxes: []Result{{Inbox: tr.Inbox, Trigger: tr.Name, Status: StatusError, Error: err.Error()}}}
			}
			o := o
			o.Secrets = env.Config.SecretValues() // resolved after Build: read at run time
			return RunTrigger(ctx, o)
		}}
		checks = append(checks, ch)
	}
	return checks
}

// resetStep is smoke step 4 with "and the mail arrived": the step's request is the
// trigger's, so the inbox is read before it and the mail after it, within the trigger's
// wait. A mail in spam or missing fails the step (the member cannot reset); an inbox
// that cannot be read leaves the step as the request made it, with a note.
func resetStep(ctx context.Context, o TriggerOptions, run func(context.Context) probes.Result) probes.Result {
	var res probes.Result
	fired := false
	o.Fire = func(ctx context.Context) error {
		res, fired = run(ctx), true
		return fireResult(stepCheck{}, res)
	}
	rep := RunTrigger(ctx, o)
	if !fired {
		res = run(ctx)
	}
	if len(rep.Inboxes) == 0 || res.Err != "" || fireResult(stepCheck{}, res) != nil {
		return res
	}
	x := rep.Inboxes[0]
	res.Metrics = maps.Clone(res.Metrics)
	if res.Metrics == nil {
		res.Metrics = map[string]float64{}
	}
	res.Findings = slices.Clone(res.Findings)
	d := "under a second"
	if x.DelaySeconds >= 1 {
		d = time.Duration(x.DelaySeconds * float64(time.Second)).Round(time.Second).String()
	}
	// The mail's part goes before the request's " · 12 ms", which the smoke report trims.
	head, tail := res.Summary, ""
	if i := strings.LastIndex(head, " · "); i >= 0 && strings.HasSuffix(head, "ms") {
		head, tail = head[:i], head[i:]
	}
	note := func(s string) { res.Summary = head + " · " + s + tail }
	fail := func(sev probes.Severity, title, fix string) {
		res.Metrics["up"] = 0
		res.Findings = append(res.Findings, probes.Finding{ID: "email.roundtrip-" + x.Status, Severity: sev, Impact: probes.Onboarding,
			Target: x.Inbox + " (" + x.Address + ")", Title: title, Fix: fix})
	}
	switch x.Status {
	case StatusInbox:
		note("the mail arrived in the inbox after " + d)
	case StatusSpam:
		note(fmt.Sprintf("the mail landed in spam (%s) after %s", x.Folder, d))
		fail(probes.High, fmt.Sprintf("The reset mail landed in spam (%s)", x.Folder),
			"members at this provider will not see their reset link: run `launchready email roundtrip --trigger reset` and read the authentication and the provider's postmaster tools")
	case StatusMissing:
		note(fmt.Sprintf("the mail did not arrive within %s", time.Duration(rep.WaitSeconds*float64(time.Second))))
		fail(probes.Critical, fmt.Sprintf("The reset mail did not arrive within %s", time.Duration(rep.WaitSeconds*float64(time.Second))),
			"look for the mail at the app's mail provider (a bounce, a suppression list): run `launchready email roundtrip --trigger reset`")
	case StatusError:
		note("the mail could not be looked for: " + x.Error)
	}
	return res
}

// stepCheck names the smoke step's request in fireResult's error.
type stepCheck struct{ probes.Check }

func (stepCheck) Info() probes.CheckInfo { return probes.CheckInfo{Target: "the password reset"} }
