package endpoint

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/httpdiag"
	"github.com/launchready/launchready/probes/netx"
)

// State is an endpoint's availability in one word, as the endpoints pane shows it.
type State string

const (
	Up       State = "up"       // answered as expected
	Degraded State = "degraded" // answered, but slow, with a wrong header, or only on a retry
	Down     State = "down"     // no answer, a wrong status, or a body that fails its conditions
)

// retryPause is the wait between attempts: long enough for a restarting process to come
// back, short enough to fit in a check's timeout.
const retryPause = 500 * time.Millisecond

// endpointCheck is one configured request and its conditions.
type endpointCheck struct {
	info     probes.CheckInfo
	name     string
	req      request
	net      *netx.Net
	timeout  time.Duration // per attempt
	retries  int
	expect   expectation
	severity probes.Severity // when down
	impact   probes.Impact
	redact   redactor
	// session, when set, is who the request is made as; private pages are also judged
	// for caching and fetched anonymously.
	session      *session
	private      bool
	memberMarker string
	security     bool // judge security headers
}

// expectation is expectConfig compiled.
type expectation struct {
	status          statusSet
	bodyContains    []string
	bodyNotContains []string
	bodyRegex       *regexp.Regexp
	json            map[string]string
	jsonPaths       map[string]jsonPath
	headers         map[string]headerCond
	latencyUnder    time.Duration
}

// Condition is one condition's outcome, for the console's detail view (Result.Data).
type Condition struct {
	Name     string `json:"name"`
	OK       bool   `json:"ok"`
	Observed string `json:"observed"`
	Expected string `json:"expected"`
	// Hard conditions make the endpoint down when they fail; soft ones degraded.
	Hard bool `json:"hard"`
}

// Detail is an endpoint check's Result.Data.
type Detail struct {
	Method     string         `json:"method"`
	URL        string         `json:"url"`
	State      State          `json:"state"`
	Status     int            `json:"status"`
	Attempts   int            `json:"attempts"`
	LastError  string         `json:"last_error,omitempty"`
	Split      httpdiag.Split `json:"split"`
	LatencyMs  float64        `json:"latency_ms"`
	Conditions []Condition    `json:"conditions"`
}

func (c *endpointCheck) Info() probes.CheckInfo { return c.info }

func (c *endpointCheck) Run(ctx context.Context) probes.Result {
	return c.redact.result(c.run(ctx))
}

func (c *endpointCheck) run(ctx context.Context) probes.Result {
	cl, extra := client(c.net, c.timeout, nil), func(*http.Request) {}
	if c.session != nil {
		var err error
		if cl, extra, err = c.session.client(ctx, c.timeout); err != nil {
			return probes.Result{Err: err.Error()}
		}
	}
	return c.evaluate(ctx, cl, extra)
}

// attempt runs the request up to 1+retries times, stopping at the first answer that is
// not down, and returns the last exchange with how many attempts it took.
func (c *endpointCheck) attempt(ctx context.Context, cl *http.Client, extra func(*http.Request)) (*exchange, []Condition, int) {
	var ex *exchange
	var conds []Condition
	n := 0
	for n < 1+c.retries {
		if n > 0 {
			t := time.NewTimer(retryPause)
			select {
			case <-ctx.Done():
				t.Stop()
				return ex, conds, n
			case <-t.C:
			}
		}
		n++
		ex = do(ctx, cl, c.req, extra)
		conds = c.conditions(ex)
		if !isDown(ex, conds) {
			break
		}
	}
	return ex, conds, n
}

func isDown(ex *exchange, conds []Condition) bool {
	if ex.err != nil || ex.readErr != nil {
		return true
	}
	for _, cd := range conds {
		if cd.Hard && !cd.OK {
			return true
		}
	}
	return false
}

// evaluate runs the request and judges it: the endpoint check's whole job, shared with
// the smoke flow. more adds findings that need the exchange (privacy, security headers).
func (c *endpointCheck) evaluate(ctx context.Context, cl *http.Client, extra func(*http.Request)) probes.Result {
	ex, conds, attempts := c.attempt(ctx, cl, extra)
	d := Detail{Method: c.req.method, URL: c.req.url, Status: ex.status, Attempts: attempts, Split: ex.split,
		LatencyMs: httpdiag.Ms(ex.total), Conditions: conds}
	res := probes.Result{Latency: ex.total, Summary: ex.summary(), Metrics: map[string]float64{
		"status": float64(ex.status), "latency_ms": httpdiag.Ms(ex.total), "attempts": float64(attempts)}}
	ex.split.Metrics(res.Metrics)

	switch {
	case ex.err != nil:
		d.State, d.LastError = Down, httpdiag.Describe(ex.err)
		res.Findings = append(res.Findings, c.unreachable(ex))
	case ex.readErr != nil:
		d.State, d.LastError = Down, httpdiag.Describe(ex.readErr)
		why := httpdiag.Describe(ex.readErr)
		res.Findings = append(res.Findings, c.finding("endpoint.body-timeout", c.severity, c.impact,
			fmt.Sprintf("%s stalls mid-response (%s)", c.title(), why),
			fmt.Sprintf("%s %s sent its headers (%s) but the body did not complete: %s.", c.req.method, c.req.url, ex.statusLine(), why),
			"the body stalls after the headers: "+why, "the whole response within "+httpdiag.Round(c.timeout),
			"Look for a handler that streams or blocks after writing headers (a slow query, a lock, an upstream call without a timeout); the Errors pane may show it.", ex.ev))
	default:
		d.State = Up
		for _, cd := range conds {
			if cd.OK {
				continue
			}
			if cd.Hard {
				d.State = Down
			} else if d.State == Up {
				d.State = Degraded
			}
			res.Findings = append(res.Findings, c.conditionFinding(ex, cd))
		}
		if d.State == Up && attempts > 1 {
			d.State = Degraded
			res.Findings = append(res.Findings, c.finding("endpoint.flaky", probes.Low, c.impact,
				fmt.Sprintf("%s answered only on attempt %d of %d", c.title(), attempts, 1+c.retries),
				fmt.Sprintf("%s %s failed %d time(s) before it answered as expected; members see those failures.", c.req.method, c.req.url, attempts-1),
				fmt.Sprintf("failed %d of %d attempts", attempts-1, attempts), "the first attempt succeeds",
				"Look for restarts, a load balancer sending traffic to an unhealthy instance, or an exhausted pool; the history shows how often it happens.", ex.ev))
		}
	}
	if ex.err == nil && ex.readErr == nil {
		if c.security {
			if f, ok := c.securityFinding(ex); ok {
				res.Findings = append(res.Findings, f)
			}
		}
		if c.private {
			res.Findings = append(res.Findings, c.privacy(ctx, ex)...)
		} else if c.session == nil {
			if f, ok := c.publicCaching(ex); ok {
				res.Findings = append(res.Findings, f)
			}
		}
	}
	if d.State == Down {
		res.Metrics["up"] = 0
	} else {
		res.Metrics["up"] = 1
	}
	if d.State != Up && d.LastError == "" {
		for _, cd := range conds {
			if !cd.OK {
				d.LastError = cd.Name + ": " + cd.Observed
				break
			}
		}
	}
	if d.State != Up && ex.err == nil {
		res.Summary = fmt.Sprintf("%s · %s", d.State, res.Summary)
	}
	res.Data = d
	res.Target = c.req.target()
	return res
}

// conditions judges an exchange against the expectation. Nothing is judged when there
// was no complete answer.
func (c *endpointCheck) conditions(ex *exchange) []Condition {
	if ex.err != nil || ex.readErr != nil {
		return nil
	}
	e := c.expect
	var out []Condition
	out = append(out, Condition{Name: "status", Hard: true, OK: e.status.has(ex.status),
		Observed: fmt.Sprint(ex.status), Expected: e.status.String()})
	// Conditions that judge the content of a body cut at bodyLimit say so in Observed: a
	// marker missing from the first MiB may be further down. A forbidden string found in
	// the part read is found, so "does not contain" needs no note.
	body, cut := string(ex.body), ex.cutNote()
	for _, s := range e.bodyContains {
		out = append(out, Condition{Name: "body contains", Hard: true, OK: strings.Contains(body, s),
			Observed: bodyExcerpt(ex.body, ex.truncated) + cut, Expected: fmt.Sprintf("contains %q", s)})
	}
	for _, s := range e.bodyNotContains {
		out = append(out, Condition{Name: "body does not contain", Hard: true, OK: !strings.Contains(body, s),
			Observed: fmt.Sprintf("contains %q", s), Expected: fmt.Sprintf("no %q", s)})
	}
	if e.bodyRegex != nil {
		out = append(out, Condition{Name: "body matches", Hard: true, OK: e.bodyRegex.Match(ex.body),
			Observed: bodyExcerpt(ex.body, ex.truncated) + cut, Expected: "matches " + e.bodyRegex.String()})
	}
	if len(e.json) > 0 {
		out = append(out, c.jsonConditions(ex)...)
	}
	if c.memberMarker != "" {
		out = append(out, Condition{Name: "member content", Hard: true, OK: strings.Contains(body, c.memberMarker),
			Observed: bodyExcerpt(ex.body, ex.truncated) + cut, Expected: fmt.Sprintf("contains the member marker %q", c.memberMarker)})
	}
	for name, hc := range e.headers {
		out = append(out, headerCondition(ex.header, name, hc))
	}
	if e.latencyUnder > 0 {
		out = append(out, Condition{Name: "latency", OK: ex.total < e.latencyUnder,
			Observed: httpdiag.Round(ex.total), Expected: "under " + httpdiag.Round(e.latencyUnder)})
	}
	return out
}

func (c *endpointCheck) jsonConditions(ex *exchange) []Condition {
	var out []Condition
	doc, err := decodeJSON(ex.body)
	for path, want := range c.expect.json {
		cd := Condition{Name: "json " + path, Hard: true, Expected: fmt.Sprintf("%s = %s", path, want)}
		switch {
		case err != nil:
			cd.Observed = "the body is not JSON: " + clip(err.Error(), 100) + ex.cutNote()
		default:
			v, ok := c.expect.jsonPaths[path].lookup(doc)
			switch {
			case !ok:
				cd.Observed = path + " is missing"
			default:
				got := scalarText(v)
				cd.Observed = fmt.Sprintf("%s = %s", path, got)
				cd.OK = got == want
			}
		}
		out = append(out, cd)
	}
	return out
}

func headerCondition(h http.Header, name string, hc headerCond) Condition {
	vals := h.Values(name)
	got := strings.Join(vals, ", ")
	cd := Condition{Name: "header " + name, Observed: name + ": " + got}
	if len(vals) == 0 {
		cd.Observed = name + " absent"
	}
	switch {
	case hc.Absent:
		cd.Expected, cd.OK = name+" absent", len(vals) == 0
	case hc.Equals != "":
		cd.Expected, cd.OK = name+": "+hc.Equals, len(vals) > 0 && got == hc.Equals
	default:
		cd.Expected, cd.OK = fmt.Sprintf("%s containing %q", name, hc.Contains), strings.Contains(got, hc.Contains)
	}
	return cd
}

// bodyExcerpt shows the start of a body in a finding: printable, one line, short.
func bodyExcerpt(b []byte, truncated bool) string {
	const n = 160
	s := string(b)
	if len(s) > n {
		s = s[:n]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		truncated = true
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return '?'
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if truncated {
		s += "…"
	}
	if s == "" {
		return "an empty body"
	}
	return fmt.Sprintf("%q", s)
}

func (c *endpointCheck) unreachable(ex *exchange) probes.Finding {
	why := httpdiag.Describe(ex.err)
	id, title := "endpoint.unreachable", fmt.Sprintf("%s unreachable: %s", c.title(), why)
	fix := fmt.Sprintf("Check that the service behind %s is running and that DNS and the load balancer route to it; then try: curl -sv -X %s %s", c.req.url, c.req.method, c.req.url)
	if httpdiag.IsTLSError(ex.err) {
		id, title = "endpoint.tls-error", fmt.Sprintf("%s HTTPS fails: %s", c.title(), why)
		fix = "Renew or reissue the certificate so it covers the name and chains to a trusted root; the Certificates pane has the detail."
	}
	return c.finding(id, c.severity, c.impact, title,
		fmt.Sprintf("%s %s failed after %s: %v.", c.req.method, c.req.url, httpdiag.Round(ex.total), httpdiag.Unwrap(ex.err)),
		why, "an answer with status "+c.expect.status.String(), fix, ex.ev)
}

// conditionFinding turns a failed condition into a finding: hard conditions cost what the
// check says being down costs; soft ones are medium.
func (c *endpointCheck) conditionFinding(ex *exchange, cd Condition) probes.Finding {
	sev := c.severity
	if !cd.Hard {
		sev = min(sev, probes.Medium)
	}
	where := fmt.Sprintf("%s %s answered %s", c.req.method, c.req.url, ex.statusLine())
	switch {
	case cd.Name == "status":
		id := "endpoint.status"
		fix := fmt.Sprintf("Check the route and its handler; if the change was intended, set expect.status for %q to what it should answer.", c.name)
		if ex.status >= 500 {
			fix = "Open the Errors pane for the failure behind it; if it started with the last deploy, roll back: launchready runbook run rollback"
		}
		return c.finding(id, sev, c.impact, fmt.Sprintf("%s answers %d", c.title(), ex.status),
			where+fmt.Sprintf(" where %s was expected.", cd.Expected),
			"HTTP "+ex.statusLine(), "HTTP "+cd.Expected, fix, ex.ev)
	case cd.Name == "latency":
		return c.finding("endpoint.slow", sev, c.impact, fmt.Sprintf("%s took %s (bound %s)", c.title(), cd.Observed, strings.TrimPrefix(cd.Expected, "under ")),
			where+" in "+cd.Observed+fmt.Sprintf(" (DNS %.0f ms, connect %.0f ms, TLS %.0f ms, first byte %.0f ms).", ex.split.DNS, ex.split.Connect, ex.split.TLS, ex.split.TTFB),
			cd.Observed, cd.Expected,
			"A slow first byte is the app or its database: look at slow queries and the Errors pane. Slow connect or TLS is the network or the edge.", ex.ev)
	case strings.HasPrefix(cd.Name, "header "):
		return c.finding("endpoint.header", sev, c.impact, fmt.Sprintf("%s: %s", c.title(), cd.Observed),
			where+"; the header condition does not hold.", cd.Observed, cd.Expected,
			"Set the header in the handler or at the proxy/CDN; if the condition is outdated, change expect.headers in the config.", ex.ev)
	case strings.HasPrefix(cd.Name, "json "):
		return c.finding("endpoint.json", sev, c.impact, fmt.Sprintf("%s: %s (expected %s)", c.title(), cd.Observed, strings.TrimPrefix(cd.Expected, strings.TrimPrefix(cd.Name, "json ")+" = ")),
			where+fmt.Sprintf(" but %s where %s was expected.", cd.Observed, cd.Expected), cd.Observed, cd.Expected,
			"The endpoint reports its own failure: follow the failing part (database, queue, upstream) in the Errors pane.", append(ex.ev, "body: "+bodyExcerpt(ex.body, ex.truncated)))
	}
	var title string
	switch cd.Name {
	case "body contains":
		title = fmt.Sprintf("%s lacks %s%s", c.title(), strings.TrimPrefix(cd.Expected, "contains "), ex.cutNote())
	case "body does not contain":
		title = fmt.Sprintf("%s %s", c.title(), cd.Observed)
	case "member content":
		title = fmt.Sprintf("%s lacks the member marker %q: the session is not signed in%s", c.title(), c.memberMarker, ex.cutNote())
	default:
		title = fmt.Sprintf("%s does not match %s%s", c.title(), strings.TrimPrefix(cd.Expected, "matches "), ex.cutNote())
	}
	return c.finding("endpoint.body", sev, c.impact, title,
		where+fmt.Sprintf(" but its body fails the condition: expected %s%s.", cd.Expected, ex.cutNote()), cd.Observed, cd.Expected,
		"Open the page and compare: an error page served with 200, a maintenance page or a wrong deploy are the usual causes.", ex.ev)
}

// title is the check's name as a title starts: "Password reset".
func (c *endpointCheck) title() string { return capitalize(c.name) }

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func (c *endpointCheck) finding(id string, sev probes.Severity, imp probes.Impact, title, detail, observed, expected, fix string, ev []string) probes.Finding {
	return probes.Finding{ID: id, Severity: sev, Impact: imp, Target: c.req.target(), Title: title, Detail: detail,
		Observed: observed, Expected: expected, Fix: fix, Evidence: ev}
}
