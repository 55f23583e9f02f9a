package httpcheck

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/httpdiag"
	"github.com/launchready/launchready/probes/netx"
)

// bodyLimit caps how much of a response we read: enough to time the whole answer for a
// page, never enough for an endless body to cost memory.
const bodyLimit = 256 << 10

// slow thresholds: past these a signup feels broken even though it works.
const (
	slowLow    = 2 * time.Second
	slowMedium = 5 * time.Second
)

type check struct {
	host    config.Host
	url     string
	client  *http.Client
	info    probes.CheckInfo
	header  http.Header
	secret  []secretHeader
	staging bool
}

func (c *check) Info() probes.CheckInfo { return c.info }

func (c *check) Run(ctx context.Context) probes.Result {
	ctx, cancel := httpdiag.Deadline(ctx, c.client)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return probes.Result{Err: fmt.Sprintf("cannot build a request for %s: %v", c.url, err)}
	}
	req.Header = c.header.Clone()
	for _, s := range c.secret {
		req.Header.Set(s.name, s.ref.Value())
	}
	var t httpdiag.Timing
	req = req.WithContext(httptrace.WithClientTrace(ctx, t.Trace()))
	t.Start()
	resp, err := c.client.Do(req)
	if err != nil {
		total := t.Stop()
		// Our own resolver failing says nothing about the product: every host would look
		// down at once. That is "could not run", not a finding against the site.
		if netx.IsResolverDown(err) {
			return probes.Result{Err: httpdiag.Unwrap(err).Error(), Latency: total}
		}
		return probes.Result{
			Summary:  "unreachable: " + httpdiag.Describe(err),
			Latency:  total,
			Findings: []probes.Finding{c.unreachable(err, total)},
			Metrics:  map[string]float64{"status": 0, "latency_ms": float64(total.Microseconds()) / 1000},
		}
	}
	_, _, readErr := netx.ReadLimited(resp.Body, bodyLimit)
	readErr = httpdiag.CutOff(ctx, readErr)
	resp.Body.Close()
	total := t.Stop()
	res := probes.Result{
		Latency: total,
		Summary: fmt.Sprintf("%d %s · %s", resp.StatusCode, http.StatusText(resp.StatusCode), roundMs(total)),
		Metrics: map[string]float64{
			"status":     float64(resp.StatusCode),
			"latency_ms": httpdiag.Ms(total),
		},
	}
	t.Split().Metrics(res.Metrics)
	ev := httpdiag.Evidence(http.MethodGet, req.URL.String(), resp, total)
	if f, ok := c.statusFinding(resp, ev); ok {
		res.Findings = append(res.Findings, f)
	}
	if readErr != nil {
		why := httpdiag.Describe(readErr)
		res.Findings = append(res.Findings, c.finding("http.body-timeout", probes.High, c.impact(),
			fmt.Sprintf("%s stalls mid-response (%s)", c.what(), why),
			fmt.Sprintf("%s sent its headers but the body did not complete: %s.", c.url, why),
			"the body stalls: "+why, "the whole response within the check timeout",
			"Look for a handler that streams or blocks after writing headers; check the app's recent errors.", ev))
	}
	// A stalled body is already the finding; "slow" would only repeat it.
	if f, ok := c.slowFinding(total, ev); ok && readErr == nil {
		res.Findings = append(res.Findings, f)
	}
	return res
}

func roundMs(d time.Duration) string { return httpdiag.Round(d) }

// impact says what a host being down costs, by what the host is for.
func (c *check) impact() probes.Impact {
	switch c.host.Role {
	case "api":
		return probes.Revenue
	case "admin", "other":
		return probes.Support
	case "status", "mail":
		return probes.Trust
	}
	return probes.Onboarding
}

// downSeverity: the app, API and front door being down is critical; the admin or status
// page being down is serious but members can still sign up. A staging outage is high at
// most: nobody but the team sees it.
func (c *check) downSeverity() probes.Severity {
	sev := probes.High
	switch c.host.Role {
	case "", "app", "api", "www", "marketing":
		sev = probes.Critical
	}
	if c.staging && sev > probes.High {
		sev = probes.High
	}
	return sev
}

func (c *check) unreachable(err error, total time.Duration) probes.Finding {
	why := httpdiag.Describe(err)
	title := c.what() + " unreachable: " + why
	fix := fmt.Sprintf("Check that the service for %s is running and listening, and that DNS for %s points at it; then try: curl -sv %s",
		c.host.Name, c.host.Name, c.url)
	id := "http.unreachable"
	if httpdiag.IsTLSError(err) {
		id = "http.tls-error"
		title = c.what() + " HTTPS fails: " + why
		fix = fmt.Sprintf("Members see a certificate warning or nothing at all. Renew or reissue the certificate for %s so it covers the name and chains to a trusted root; the Certificates pane has the detail.", c.host.Name)
	}
	return c.finding(id, c.downSeverity(), c.impact(), title,
		fmt.Sprintf("GET %s failed after %s: %v.", c.url, roundMs(total), httpdiag.Unwrap(err)),
		why, c.expectText(), fix, []string{fmt.Sprintf("GET %s -> no response after %s", c.url, roundMs(total))})
}

func (c *check) expectText() string {
	if len(c.host.ExpectStatus) > 0 {
		return fmt.Sprintf("HTTP %s", joinInts(c.host.ExpectStatus))
	}
	return "HTTP 2xx or 3xx"
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, " or ")
}

func (c *check) statusFinding(resp *http.Response, ev []string) (probes.Finding, bool) {
	code := resp.StatusCode
	ok := code >= 200 && code < 400
	if len(c.host.ExpectStatus) > 0 {
		ok = slices.Contains(c.host.ExpectStatus, code)
	}
	if ok {
		return probes.Finding{}, false
	}
	observed := fmt.Sprintf("HTTP %d %s", code, http.StatusText(code))
	switch {
	case code >= 500:
		return c.finding("http.server-error", c.downSeverity(), c.impact(),
			fmt.Sprintf("%s answers %d", c.what(), code),
			fmt.Sprintf("GET %s answered %s: the server is up but failing every request that reaches this URL.", c.url, observed),
			observed, c.expectText(),
			"Open the Errors pane for the failure behind it; if it started with the last deploy, roll back: launchready runbook run rollback", ev), true
	case code >= 400:
		return c.finding("http.client-error", probes.High, c.impact(),
			fmt.Sprintf("%s answers %d", c.what(), code),
			fmt.Sprintf("GET %s answered %s; members following a link here get an error page.", c.url, observed),
			observed, c.expectText(),
			fmt.Sprintf("Check the route exists and needs no login for an anonymous GET, or set hosts[].url / expect_status for %s to what it should answer.", c.host.Name), ev), true
	default:
		return c.finding("http.unexpected-status", probes.Medium, c.impact(),
			fmt.Sprintf("%s answers %d, expected %s", c.what(), code, joinInts(c.host.ExpectStatus)),
			fmt.Sprintf("GET %s answered %s where the config expects %s.", c.url, observed, c.expectText()),
			observed, c.expectText(),
			fmt.Sprintf("If the change was intended, update expect_status for %s in the config; if not, check redirects and routing for it.", c.host.Name), ev), true
	}
}

func (c *check) slowFinding(total time.Duration, ev []string) (probes.Finding, bool) {
	sev := probes.Info
	switch {
	case total >= slowMedium:
		sev = probes.Medium
	case total >= slowLow:
		sev = probes.Low
	default:
		return probes.Finding{}, false
	}
	return c.finding("http.slow", sev, c.impact(),
		fmt.Sprintf("%s took %s to answer", c.what(), roundMs(total)),
		fmt.Sprintf("GET %s took %s end to end (fresh connection, as a first visit).", c.url, roundMs(total)),
		roundMs(total), "under "+roundMs(slowLow),
		"Look at the latency split (DNS, connect, TLS, first byte) in the evidence: a slow first byte is the app or database; slow TLS or connect is the network or edge.", ev), true
}

// what names the host by its role, the way a founder would say it.
func (c *check) what() string {
	switch c.host.Role {
	case "app":
		return "App"
	case "api":
		return "API"
	case "admin":
		return "Admin"
	case "status":
		return "Status page"
	case "www", "marketing":
		return "Site"
	}
	return c.host.Name
}

func (c *check) finding(id string, sev probes.Severity, imp probes.Impact, title, detail, observed, expected, fix string, ev []string) probes.Finding {
	return probes.Finding{
		ID: id, Severity: sev, Impact: imp, Target: c.url,
		Title: title, Detail: detail, Observed: observed, Expected: expected, Fix: fix, Evidence: ev,
	}
}
