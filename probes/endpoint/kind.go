// Package endpoint is the endpoints pane's configured checks (the endpoints: section):
// requests with conditions on status, body, JSON fields, headers and latency, with
// retries before an endpoint is called down.
//
// Check kinds (CheckInfo.Kind) and their metrics:
//
//	endpoint   status, latency_ms, dns_ms, connect_ms, tls_ms, ttfb_ms, attempts, up (1/0)
//
// Result.Data is a Detail (state up/degraded/down, attempts, latency split, every
// condition with its observed and expected value). Uptime and percentiles come from the
// history store (internal/store), keyed by check name.
//
// Findings: endpoint.unreachable, endpoint.tls-error, endpoint.status, endpoint.body,
// endpoint.json, endpoint.body-timeout (down: the check's severity and impact, default
// high, onboarding); endpoint.slow, endpoint.header (degraded: medium at most);
// endpoint.flaky (low: answered only after a retry).
package endpoint

import (
	"fmt"
	"net/http"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

// Kind registers the endpoints: section.
var Kind = probes.Kind{
	Name:    "endpoint",
	Pane:    probes.PaneEndpoints,
	Section: "endpoints",
	Doc:     "configured endpoint checks: conditions, sessions, privacy, admin, webhooks, smoke",
	Build:   build,
}

func build(env probes.Env) ([]probes.Check, error) {
	sec := env.Config.Section("endpoints")
	if sec == nil {
		return nil, nil
	}
	var cfg section
	if errs := sec.Decode(&cfg); len(errs) > 0 {
		return nil, errs
	}
	v := &validator{s: sec, names: map[string]string{}}
	defaults := env.Config.Checks
	var out []probes.Check
	for i, cc := range cfg.Checks {
		if c := v.endpointCheck(fmt.Sprintf("endpoints.checks[%d]", i), cc, env, defaults); c != nil {
			out = append(out, c)
		}
	}
	if len(v.errs) > 0 {
		return nil, v.sorted()
	}
	return out, nil
}

// orDefault is d unless it is zero.
func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (v *validator) endpointCheck(p string, cc checkConfig, env probes.Env, defaults config.Checks) *endpointCheck {
	v.name(p, cc.Name, "check")
	v.url(p, cc.URL)
	v.method(p+".method", cc.Method)
	v.headers(p+".headers", cc.Headers)
	v.body(p+".body", cc.Body)
	v.timing(p, cc.Interval, cc.Timeout)
	if cc.Retries < 0 || cc.Retries > maxRetries {
		v.add(p+".retries", fmt.Sprintf("%d is out of range", cc.Retries), fmt.Sprintf("use 0 to %d; 0 calls the endpoint down at the first failure", maxRetries))
	}
	if cc.Body != "" && (cc.Method == "" || cc.Method == http.MethodGet) {
		v.add(p+".body", "is set on a GET", "set method: POST (or PUT, PATCH) to send a body")
	}
	e := expectation{
		status:          v.statuses(p+".expect.status", cc.Expect.Status),
		bodyContains:    cc.Expect.BodyContains,
		bodyNotContains: cc.Expect.BodyNotContains,
		bodyRegex:       v.regex(p+".expect.body_regex", cc.Expect.BodyRegex),
		json:            cc.Expect.JSON,
		jsonPaths:       map[string]jsonPath{},
		headers:         cc.Expect.Headers,
		latencyUnder:    cc.Expect.LatencyUnder,
	}
	v.jsonPaths(p+".expect.json", cc.Expect.JSON)
	for k := range cc.Expect.JSON {
		e.jsonPaths[k], _ = parsePath(k)
	}
	v.headerConds(p+".expect.headers", cc.Expect.Headers)
	timeout := orDefault(cc.Timeout, defaults.Timeout)
	c := &endpointCheck{
		name:     cc.Name,
		req:      newRequest(cc.Method, cc.URL, cc.Headers, cc.SecretHeaders, cc.Body, cc.ContentType),
		net:      env.Net,
		timeout:  timeout,
		retries:  max(0, cc.Retries),
		expect:   e,
		severity: v.severity(p+".severity", cc.Severity),
		impact:   v.impact(p+".impact", cc.Impact, probes.Onboarding),
		redact:   env.Config.SecretValues,
	}
	c.info = probes.CheckInfo{
		Name: cc.Name, Kind: "endpoint", Pane: probes.PaneEndpoints, Target: c.req.target(),
		Interval: orDefault(cc.Interval, defaults.Interval),
		// Every attempt may take the whole timeout, with a pause between attempts.
		Timeout: time.Duration(1+c.retries)*timeout + time.Duration(c.retries)*retryPause,
	}
	return c
}
