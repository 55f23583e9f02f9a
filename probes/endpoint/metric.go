package endpoint

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/httpdiag"
	"github.com/launchready/launchready/probes/netx"
)

// metricCheck reads one number from the app's own JSON metrics (failed jobs, webhook
// failures in the last hour) and holds it to warn and critical thresholds: the app knows
// about failures no outside probe can see. The console's "failed jobs" and "webhook
// failures" tiles read these checks' metrics.
type metricCheck struct {
	info     probes.CheckInfo
	name     string
	req      request
	net      *netx.Net
	timeout  time.Duration
	session  *session
	path     jsonPath
	metric   string
	warn     *float64
	critical *float64
	below    bool // lower is worse
	severity probes.Severity
	impact   probes.Impact
	redact   redactor
}

// MetricDetail is a metric check's Result.Data.
type MetricDetail struct {
	URL    string   `json:"url"`
	Path   string   `json:"path"`
	Metric string   `json:"metric"`
	Value  *float64 `json:"value,omitempty"` // nil when it could not be read
	// Status is the HTTP status the value came with (0: no answer). A readiness endpoint
	// may answer 503 with its numbers in the body; the value is still read and this says
	// beside it that the answer was not 2xx.
	Status   int      `json:"status,omitempty"`
	Warn     *float64 `json:"warn,omitempty"`
	Critical *float64 `json:"critical,omitempty"`
	Below    bool     `json:"below,omitempty"`
}

func (c *metricCheck) Info() probes.CheckInfo { return c.info }

func (c *metricCheck) Run(ctx context.Context) probes.Result {
	return c.redact.result(c.run(ctx))
}

func (c *metricCheck) run(ctx context.Context) probes.Result {
	cl, extra := client(c.net, c.timeout, nil), func(*http.Request) {}
	if c.session != nil {
		var err error
		if cl, extra, err = c.session.client(ctx, c.timeout); err != nil {
			return probes.Result{Err: err.Error()}
		}
	}
	ex := do(ctx, cl, c.req, extra)
	d := MetricDetail{URL: c.req.url, Path: c.path.String(), Metric: c.metric, Warn: c.warn, Critical: c.critical, Below: c.below, Status: ex.status}
	res := probes.Result{Latency: ex.total, Data: d, Metrics: map[string]float64{"status": float64(ex.status), "latency_ms": httpdiag.Ms(ex.total), "up": 0}}
	v, why := c.read(ex)
	if why != "" {
		res.Summary = "unavailable: " + why
		res.Findings = []probes.Finding{c.finding("endpoint.metric-unavailable", probes.Medium, probes.Support,
			fmt.Sprintf("%s metric unavailable: %s", capitalize(c.name), why),
			fmt.Sprintf("Reading %s from %s: %s. Failures the app records there go unseen until it is fixed.", c.path, c.req.url, why),
			why, fmt.Sprintf("a JSON body with a number at %s", c.path),
			"Check the metrics endpoint by hand (curl it with the same session or token); if the field was renamed, update path: in the config.", ex.ev)}
		return res
	}
	d.Value = &v
	res.Data = d
	res.Metrics["up"] = 1
	res.Metrics[c.metric] = v
	res.Summary = fmt.Sprintf("%s %s%s", formatNumber(v), strings.ReplaceAll(c.metric, "_", " "), ex.notOK())
	var sev probes.Severity
	var limit float64
	var which string
	switch {
	case c.critical != nil && c.beyond(v, *c.critical):
		sev, limit, which = c.severity, *c.critical, "critical"
	case c.warn != nil && c.beyond(v, *c.warn):
		sev, limit, which = min(probes.Medium, c.severity), *c.warn, "warn"
	default:
		return res
	}
	cmp := "at or above"
	if c.below {
		cmp = "at or below"
	}
	res.Findings = []probes.Finding{c.finding("endpoint.metric-"+which, sev, c.impact,
		fmt.Sprintf("%s at %s (%s at %s)", capitalize(c.name), formatNumber(v), which, formatNumber(limit)),
		fmt.Sprintf("%s reports %s = %s%s, %s the %s threshold of %s.", c.req.url, c.path, formatNumber(v), ex.notOK(), cmp, which, formatNumber(limit)),
		fmt.Sprintf("%s = %s%s", c.path, formatNumber(v), ex.notOK()), fmt.Sprintf("%s under %s", c.path, formatNumber(limit)),
		c.fixText(), ex.ev)}
	return res
}

// beyond says whether v has crossed the threshold t, in the metric's bad direction.
func (c *metricCheck) beyond(v, t float64) bool {
	if c.below {
		return v <= t
	}
	return v >= t
}

func (c *metricCheck) fixText() string {
	switch {
	case strings.Contains(c.metric, "webhook"):
		return "Open the provider's webhook dashboard for the failed deliveries and the Errors pane for why the handler fails; once fixed, resend them from the dashboard."
	case strings.Contains(c.metric, "job"):
		return "Look at the job queue's failed jobs (the Errors pane shows their stack traces); fix the cause, then retry them from the queue's admin."
	}
	return "Find what drives the number in the app's logs (the Errors pane) and fix the cause; adjust warn:/critical: only if the thresholds are wrong."
}

// read finds the number in a metrics answer, or says why it cannot. The status does not
// decide: a readiness endpoint answering 503 {"status":"degraded","failed_jobs":17} still
// holds the number, and it is the number the check is for. The status only names the
// answer when the number is not in it, and a body cut at the read cap is said to be cut.
func (c *metricCheck) read(ex *exchange) (float64, string) {
	switch {
	case ex.err != nil:
		return 0, httpdiag.Describe(ex.err)
	case ex.readErr != nil:
		return 0, "the answer stalls: " + httpdiag.Describe(ex.readErr)
	}
	answered := ""
	if !ex.ok() {
		answered = "it answered " + ex.statusLine() + " and "
	}
	doc, err := decodeJSON(ex.body)
	if err != nil {
		return 0, answered + "the body is not JSON" + ex.cutNote()
	}
	raw, ok := c.path.lookup(doc)
	if !ok {
		return 0, answered + c.path.String() + " is not in the body" + ex.cutNote()
	}
	v, ok := number(raw)
	if !ok {
		return 0, fmt.Sprintf("%s%s is %s, not a number", answered, c.path, clip(scalarText(raw), 40))
	}
	return v, ""
}

var metricName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// reservedMetrics are the metric check's own metrics.
var reservedMetrics = map[string]bool{"status": true, "latency_ms": true, "up": true}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func (c *metricCheck) finding(id string, sev probes.Severity, imp probes.Impact, title, detail, observed, expected, fix string, ev []string) probes.Finding {
	return probes.Finding{ID: id, Severity: sev, Impact: imp, Target: c.req.url + "#" + c.path.String(), Title: title, Detail: detail,
		Observed: observed, Expected: expected, Fix: fix, Evidence: ev}
}

// metricConfig is one number in the app's JSON metrics.
type metricConfig struct {
	Name          string                    `yaml:"name"`
	URL           string                    `yaml:"url"`
	Session       string                    `yaml:"session"`
	Headers       map[string]string         `yaml:"headers"`
	SecretHeaders map[string]*config.Secret `yaml:"secret_headers"`
	Path          string                    `yaml:"path"`
	// Metric is the name the value is published under (Result.Metrics); the console's
	// tiles read failed_jobs and webhook_failures. Default: path with dots as _.
	Metric   string        `yaml:"metric"`
	Warn     *float64      `yaml:"warn"`
	Critical *float64      `yaml:"critical"`
	Below    bool          `yaml:"below"`
	Severity string        `yaml:"severity"` // at the critical threshold; default high
	Impact   string        `yaml:"impact"`   // default support
	Interval time.Duration `yaml:"interval"`
	Timeout  time.Duration `yaml:"timeout"`
}

func (v *validator) metricCheck(p string, mc metricConfig, env probes.Env, defaults config.Checks) probes.Check {
	v.name(p, mc.Name, "metric")
	v.url(p, mc.URL)
	v.headers(p+".headers", mc.Headers)
	v.timing(p, mc.Interval, mc.Timeout)
	path, err := parsePath(mc.Path)
	if mc.Path == "" {
		v.add(p, "has no path", "add path: with where the number is in the JSON, e.g. path: failed_jobs or path: jobs.failed")
	} else if err != nil {
		v.add(p+".path", err.Error(), "write a dotted path with list indexes, e.g. jobs.failed or queues.0.failed")
	}
	if mc.Warn == nil && mc.Critical == nil {
		v.add(p, "has no threshold", "add warn: and/or critical: (the value at which it becomes a finding)")
	}
	if mc.Warn != nil && mc.Critical != nil && ((!mc.Below && *mc.Warn > *mc.Critical) || (mc.Below && *mc.Warn < *mc.Critical)) {
		v.add(p+".warn", fmt.Sprintf("%s is past critical (%s)", formatNumber(*mc.Warn), formatNumber(*mc.Critical)), "warn comes before critical; with below: true, lower is worse")
	}
	name := mc.Metric
	if name == "" {
		name = strings.ReplaceAll(mc.Path, ".", "_")
	}
	if !metricName.MatchString(name) || reservedMetrics[name] {
		v.add(p+".metric", fmt.Sprintf("%q cannot name a metric", name), "use lower_snake_case that is not status, latency_ms or up; the console's tiles read failed_jobs and webhook_failures")
	}
	c := &metricCheck{
		name: mc.Name, req: newRequest(http.MethodGet, mc.URL, mc.Headers, mc.SecretHeaders, "", ""), net: env.Net,
		timeout: orDefault(mc.Timeout, defaults.Timeout), session: v.sessionRef(p+".session", mc.Session),
		path: path, metric: name, warn: mc.Warn, critical: mc.Critical, below: mc.Below,
		severity: v.severity(p+".severity", mc.Severity), impact: v.impact(p+".impact", mc.Impact, probes.Support),
		redact: env.Config.SecretValues,
	}
	c.req.header.Set("Accept", "application/json")
	timeout := c.timeout
	if c.session != nil {
		timeout += c.session.timeout
	}
	c.info = probes.CheckInfo{Name: mc.Name, Kind: "metric", Pane: probes.PaneEndpoints, Target: c.req.url,
		Interval: orDefault(mc.Interval, defaults.Interval), Timeout: timeout}
	return c
}
