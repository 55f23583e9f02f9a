package endpoint

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/httpdiag"
	"github.com/launchready/launchready/probes/netx"
)

// Rate-limit probe bounds: it sends at most maxRateRequests, one after another, and stops
// at the first 429. It is opt-in and hourly by default: it is a small burst of failed
// sign-ins against production.
const (
	maxRateRequests     = 50
	defaultRateRequests = 20
	defaultRateInterval = time.Hour
	maxRateDuration     = 5 * time.Minute
)

// rateLimitCheck reports whether an endpoint (a login) is rate limited: without a limit,
// password guessing and credential stuffing are only a loop away.
type rateLimitCheck struct {
	info     probes.CheckInfo
	name     string
	req      request
	net      *netx.Net
	timeout  time.Duration
	max      int
	severity probes.Severity
	redact   redactor
}

// RateLimitDetail is a rate-limit check's Result.Data.
type RateLimitDetail struct {
	URL        string `json:"url"`
	Sent       int    `json:"sent"`
	Max        int    `json:"max"`
	LimitedAt  int    `json:"limited_at,omitempty"` // the request that got 429; 0 when none did
	RetryAfter string `json:"retry_after,omitempty"`
	// Statuses counts the answers by status before the limit.
	Statuses map[int]int `json:"statuses"`
}

func (c *rateLimitCheck) Info() probes.CheckInfo { return c.info }

func (c *rateLimitCheck) Run(ctx context.Context) probes.Result {
	return c.redact.result(c.run(ctx))
}

func (c *rateLimitCheck) run(ctx context.Context) probes.Result {
	d := RateLimitDetail{URL: c.req.url, Max: c.max, Statuses: map[int]int{}}
	cl := client(c.net, c.timeout, nil)
	var last *exchange
	start := time.Now()
	for d.Sent < c.max {
		if ctx.Err() != nil {
			return probes.Result{Err: fmt.Sprintf("ran out of time after %d of %d requests without a 429; raise the timeout or lower max_requests", d.Sent, c.max), Data: d}
		}
		last = do(ctx, cl, c.req, nil)
		d.Sent++
		if last.err != nil {
			return probes.Result{Err: fmt.Sprintf("request %d of the burst failed: %s", d.Sent, httpdiag.Describe(last.err)), Data: d}
		}
		if last.status == http.StatusTooManyRequests {
			d.LimitedAt, d.RetryAfter = d.Sent, last.header.Get("Retry-After")
			break
		}
		d.Statuses[last.status]++
	}
	took := time.Since(start)
	res := probes.Result{Latency: took, Data: d, Metrics: map[string]float64{"requests": float64(d.Sent), "rate_limited": b2f(d.LimitedAt > 0)}}
	if d.LimitedAt > 0 {
		res.Metrics["requests_until_429"] = float64(d.LimitedAt)
		res.Summary = fmt.Sprintf("rate limited: 429 at request %d", d.LimitedAt)
		return res
	}
	res.Summary = fmt.Sprintf("not rate limited: %d requests, no 429", d.Sent)
	res.Findings = []probes.Finding{{
		ID: "endpoint.no-rate-limit", Severity: c.severity, Impact: probes.DataExposure, Target: c.req.target(),
		Title:    fmt.Sprintf("%s is not rate limited (%d requests, no 429)", capitalize(c.name), d.Sent),
		Detail:   fmt.Sprintf("%d %s requests to %s in %s, one after another, got no 429 Too Many Requests: a script can try passwords as fast as the server answers.", d.Sent, c.req.method, c.req.url, httpdiag.Round(took)),
		Observed: fmt.Sprintf("%d requests, statuses %v, no 429", d.Sent, d.Statuses), Expected: fmt.Sprintf("429 within %d requests", c.max),
		Fix: "Limit failed sign-ins per account and per IP (e.g. 5 a minute) at the app or the edge (a Cloudflare rate-limiting rule on POST " +
			pathOf(c.req.url) + "), answering 429 with Retry-After.",
		Evidence: last.ev,
	}}
	return res
}

// rateLimitConfig is an opt-in, bounded burst against one endpoint.
type rateLimitConfig struct {
	Name        string            `yaml:"name"`
	URL         string            `yaml:"url"`
	Method      string            `yaml:"method"` // default POST
	Headers     map[string]string `yaml:"headers"`
	Body        string            `yaml:"body"`
	ContentType string            `yaml:"content_type"`
	MaxRequests int               `yaml:"max_requests"` // default 20, at most 50
	Severity    string            `yaml:"severity"`     // default medium
	Interval    time.Duration     `yaml:"interval"`     // default 1h
	Timeout     time.Duration     `yaml:"timeout"`      // per request
}

func (v *validator) rateLimitCheck(p string, rc rateLimitConfig, env probes.Env, defaults config.Checks) probes.Check {
	v.name(p, rc.Name, "rate-limit probe")
	v.url(p, rc.URL)
	v.method(p+".method", rc.Method)
	v.headers(p+".headers", rc.Headers)
	v.body(p+".body", rc.Body)
	v.timing(p, rc.Interval, rc.Timeout)
	n := rc.MaxRequests
	if n == 0 {
		n = defaultRateRequests
	}
	if n < 2 || n > maxRateRequests {
		v.add(p+".max_requests", fmt.Sprintf("%d is out of range", rc.MaxRequests), fmt.Sprintf("use 2 to %d: the probe stops at the first 429 and never sends more", maxRateRequests))
		n = min(max(n, 2), maxRateRequests)
	}
	method := rc.Method
	if method == "" {
		method = http.MethodPost
	}
	sev := probes.Medium
	if rc.Severity != "" {
		sev = v.severity(p+".severity", rc.Severity)
	}
	c := &rateLimitCheck{
		name: rc.Name, req: newRequest(method, rc.URL, rc.Headers, nil, rc.Body, rc.ContentType), net: env.Net,
		timeout: orDefault(rc.Timeout, defaults.Timeout), max: n, severity: sev, redact: env.Config.SecretValues,
	}
	c.info = probes.CheckInfo{Name: rc.Name, Kind: "rate-limit", Pane: probes.PaneEndpoints, Target: c.req.target(),
		Interval: orDefault(rc.Interval, defaultRateInterval), Timeout: min(time.Duration(n)*c.timeout, maxRateDuration)}
	return c
}
