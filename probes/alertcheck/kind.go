// Package alertcheck reports whether each alert channel delivers: one check per channel of
// the alerts: section, reading the health launchready watch keeps in the state folder
// (alert-channels.json). A Slack webhook that was revoked, an SMTP password that expired:
// either means the next outage reaches nobody, so it is a finding on the console and in
// `launchready check`, and watch alerts on it through the other channels.
//
// The kind also claims the alerts: section for config validation (`launchready
// validate` checks every alerts key with its line), so the section has one owner.
//
// Findings: alert.channel-down (high: DownAfter deliveries in a row failed),
// alert.channel-failing (medium: failing, retrying, not yet down).
// Metrics: up (1/0), queued, consecutive_failures, delivered, failures, dropped.
// Data: the channel's alert.Health.
package alertcheck

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/probes"
)

// Kind registers the channel health checks.
var Kind = probes.Kind{
	Name:    "alert",
	Pane:    probes.PaneEndpoints,
	Section: alert.SectionName,
	Doc:     "each alert channel delivers (health kept by launchready watch)",
	Build: func(env probes.Env) ([]probes.Check, error) {
		cfg, err := alert.Decode(env.Config)
		if err != nil || cfg == nil {
			return nil, err
		}
		now := env.Now
		if now == nil {
			now = time.Now
		}
		var out []probes.Check
		for _, ch := range cfg.Channels {
			out = append(out, &check{channel: ch.Name, kind: ch.Kind(), stateDir: env.StateDir, now: now,
				info: probes.CheckInfo{Name: "alert " + ch.Name, Kind: "alert", Pane: probes.PaneEndpoints, Target: ch.Kind() + " channel " + ch.Name}})
		}
		return out, nil
	},
}

type check struct {
	info     probes.CheckInfo
	channel  string
	kind     string
	stateDir string
	now      func() time.Time
}

func (c *check) Info() probes.CheckInfo { return c.info }

func (c *check) Run(ctx context.Context) probes.Result {
	if c.stateDir == "" {
		return probes.Result{Err: "no state folder, so no delivery health to read; pass --state DIR"}
	}
	hs, err := alert.ReadHealth(c.stateDir)
	if errors.Is(err, os.ErrNotExist) {
		return probes.Result{Summary: "no deliveries recorded (launchready watch records them)"}
	}
	if err != nil {
		return probes.Result{Err: err.Error()}
	}
	for _, h := range hs.Channels {
		if h.Channel == c.channel {
			return c.judge(h)
		}
	}
	return probes.Result{Summary: "no deliveries recorded yet"}
}

func (c *check) judge(h alert.Health) probes.Result {
	up := 0.0
	if h.Up {
		up = 1
	}
	res := probes.Result{
		Data: h,
		Metrics: map[string]float64{"up": up, "queued": float64(h.Queued), "consecutive_failures": float64(h.ConsecutiveFailures),
			"delivered": float64(h.Delivered), "failures": float64(h.Failures), "dropped": float64(h.Dropped)},
	}
	switch {
	case h.LastSuccess.IsZero() && h.ConsecutiveFailures == 0:
		res.Summary = "no deliveries yet"
	case h.ConsecutiveFailures == 0:
		res.Summary = fmt.Sprintf("delivering · last %s ago", c.now().Sub(h.LastSuccess).Round(time.Second))
	default:
		res.Summary = fmt.Sprintf("%d failed in a row · %d waiting", h.ConsecutiveFailures, h.Queued)
	}
	if h.ConsecutiveFailures == 0 {
		return res
	}
	ev := []string{fmt.Sprintf("last attempt %s: %s", stamp(h.LastAttempt), h.LastError)}
	if !h.LastSuccess.IsZero() {
		ev = append(ev, "last delivered "+stamp(h.LastSuccess))
	}
	if h.Queued > 0 {
		ev = append(ev, fmt.Sprintf("%d notification(s) waiting since %s", h.Queued, stamp(h.OldestQueued)))
	}
	f := probes.Finding{
		ID: "alert.channel-failing", Severity: probes.Medium, Impact: probes.Support,
		Title:    fmt.Sprintf("Alert channel %s is failing; retrying", c.channel),
		Detail:   fmt.Sprintf("%d deliveries to the %s channel %s failed in a row; watch retries with backoff. Last error: %s.", h.ConsecutiveFailures, c.kind, c.channel, h.LastError),
		Observed: h.LastError, Expected: "the channel accepts deliveries",
		Fix:      fmt.Sprintf("Run `launchready alert test %s` for the exact error, then fix the channel's URL or credentials (a secret reference in alerts.channels) or the box's route to it. Queued alerts go out once it works.", c.channel),
		Evidence: ev,
	}
	if !h.Up {
		f.ID, f.Severity = "alert.channel-down", probes.High
		f.Title = fmt.Sprintf("Alert channel %s is down: alerts through it reach nobody", c.channel)
		f.Detail = fmt.Sprintf("The %s channel %s has failed %d deliveries in a row since %s; %d notification(s) wait. Last error: %s.",
			c.kind, c.channel, h.ConsecutiveFailures, stamp(h.DownSince), h.Queued, h.LastError)
	}
	res.Findings = []probes.Finding{f}
	return res
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}
