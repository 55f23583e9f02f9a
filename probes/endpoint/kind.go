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
	"maps"
	"net/http"
	"slices"
	"strings"
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
	v := &validator{s: sec, names: map[string]string{}, sessions: map[string]*session{}}
	defaults := env.Config.Checks
	var out []probes.Check
	logins := map[string]*loginCheck{}
	for i, sc := range cfg.Sessions {
		if c := v.session(fmt.Sprintf("endpoints.sessions[%d]", i), sc, env, defaults); c != nil {
			out = append(out, c)
			logins[sc.Name] = c
		}
	}
	for i, cc := range cfg.Checks {
		if c := v.endpointCheck(fmt.Sprintf("endpoints.checks[%d]", i), cc, env, defaults); c != nil {
			out = append(out, c)
		}
	}
	for i, ac := range cfg.Admin {
		out = append(out, v.adminCheck(fmt.Sprintf("endpoints.admin[%d]", i), ac, env, defaults))
	}
	for i, wc := range cfg.Webhooks {
		out = append(out, v.webhookCheck(fmt.Sprintf("endpoints.webhooks[%d]", i), wc, env, defaults))
	}
	for i, mc := range cfg.Metrics {
		out = append(out, v.metricCheck(fmt.Sprintf("endpoints.metrics[%d]", i), mc, env, defaults))
	}
	for i, rc := range cfg.RateLimits {
		out = append(out, v.rateLimitCheck(fmt.Sprintf("endpoints.rate_limits[%d]", i), rc, env, defaults))
	}
	if cfg.Smoke != nil {
		built := map[string]probes.Check{}
		for _, c := range out {
			built[c.Info().Name] = c
		}
		out = append(out, v.smokeCheck("endpoints.smoke", *cfg.Smoke, built, logins, env, defaults))
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
		session:  v.sessionRef(p+".session", cc.Session),
		private:  cc.Private,
		security: cc.SecurityHeaders,

		memberMarker: cc.MemberMarker,
	}
	if cc.Private && cc.Session == "" {
		v.add(p+".private", "is set without a session", "a private page is judged as a member sees it: add session: with a name from endpoints.sessions")
	}
	if cc.MemberMarker != "" && !cc.Private {
		v.add(p+".member_marker", "is set on a page not marked private", "add private: true, or remove member_marker")
	}
	c.info = probes.CheckInfo{
		Name: cc.Name, Kind: "endpoint", Pane: probes.PaneEndpoints, Target: c.req.target(),
		Interval: orDefault(cc.Interval, defaults.Interval),
		// Every attempt may take the whole timeout, with a pause between attempts; a
		// session may sign in first, and a private page is fetched again anonymously.
		Timeout: time.Duration(1+c.retries)*timeout + time.Duration(c.retries)*retryPause,
	}
	if c.session != nil {
		c.info.Timeout += c.session.timeout
	}
	if c.private {
		c.info.Timeout += timeout
	}
	return c
}

// sessionRef resolves a session name; sessions are declared before the checks that use them.
func (v *validator) sessionRef(path, name string) *session {
	if name == "" {
		return nil
	}
	s, ok := v.sessions[name]
	if !ok {
		v.add(path, fmt.Sprintf("%q is not a session", name), "name one of endpoints.sessions ("+v.sessionNames()+")")
	}
	return s
}

func (v *validator) sessionNames() string {
	names := slices.Sorted(maps.Keys(v.sessions))
	if len(names) == 0 {
		return "none defined yet"
	}
	return strings.Join(names, ", ")
}

func (v *validator) session(p string, sc sessionConfig, env probes.Env, defaults config.Checks) *loginCheck {
	switch {
	case strings.TrimSpace(sc.Name) == "":
		v.add(p, "has no name", "add name: with the identity it stands for, e.g. name: member")
		return nil
	case v.sessions[sc.Name] != nil:
		v.add(p+".name", fmt.Sprintf("session %q is defined twice", sc.Name), "give each session its own name")
		return nil
	}
	if sc.Login == nil && len(sc.Cookies) == 0 && len(sc.SecretHeaders) == 0 {
		v.add(p, "has no way to sign in", "add login: (a form or JSON POST with the test user's credentials), or cookies:/secret_headers: by reference")
	}
	v.timing(p, sc.Interval, sc.Timeout)
	s := &session{
		name:    sc.Name,
		refresh: orDefault(sc.Refresh, defaultRefresh),
		net:     env.Net,
		timeout: orDefault(sc.Timeout, defaults.Timeout),
		now:     env.Now,
		sem:     make(chan struct{}, 1),
	}
	if s.now == nil {
		s.now = time.Now
	}
	for k, ref := range sc.Cookies {
		s.cookies = append(s.cookies, secretHeader{k, ref})
	}
	for k, ref := range sc.SecretHeaders {
		s.secret = append(s.secret, secretHeader{k, ref})
	}
	v.sessions[sc.Name] = s
	if sc.Login == nil {
		return nil
	}
	lc := sc.Login
	lp := p + ".login"
	v.url(lp, lc.URL)
	v.headers(lp+".headers", lc.Headers)
	if lc.Format != "" && lc.Format != "form" && lc.Format != "json" {
		v.add(lp+".format", fmt.Sprintf("%q is not a sign-in format", lc.Format), "use form (an HTML form POST, the default) or json")
	}
	for k := range lc.Fields {
		if lk := strings.ToLower(k); strings.Contains(lk, "password") || strings.Contains(lk, "secret") || strings.Contains(lk, "token") {
			v.add(fmt.Sprintf("%s.fields[%q]", lp, k), "looks like a credential in plain text", "move it to secret_fields: with a reference, e.g. "+k+": env:TEST_USER_PASSWORD")
		}
	}
	if len(lc.Fields)+len(lc.SecretFields) == 0 {
		v.add(lp, "posts no fields", "add fields: (e.g. email) and secret_fields: (e.g. password: env:TEST_USER_PASSWORD)")
	}
	s.login = &login{
		url: lc.URL, json: lc.Format == "json", fields: lc.Fields, secrets: lc.SecretFields,
		header: http.Header{"User-Agent": {userAgent}}, expect: v.statuses(lp+".expect_status", lc.ExpectStatus),
		cookie: lc.Cookie, contains: lc.SuccessContains,
	}
	for k, val := range lc.Headers {
		s.login.header.Set(k, val)
	}
	name := "login " + sc.Name
	if v.names[name] != "" {
		v.add(p+".name", fmt.Sprintf("the sign-in check %q clashes with %s", name, v.names[name]), "rename the session or that check")
	}
	v.names[name] = p
	return &loginCheck{
		s: s, severity: v.severity(p+".severity", sc.Severity), redact: env.Config.SecretValues,
		info: probes.CheckInfo{Name: name, Kind: "login", Pane: probes.PaneEndpoints, Target: "POST " + lc.URL,
			Interval: orDefault(sc.Interval, defaults.Interval), Timeout: s.timeout},
	}
}

func (v *validator) adminCheck(p string, ac adminConfig, env probes.Env, defaults config.Checks) probes.Check {
	v.name(p, ac.Name, "admin URL")
	v.url(p, ac.URL)
	v.method(p+".method", ac.Method)
	v.headers(p+".headers", ac.Headers)
	v.timing(p, ac.Interval, ac.Timeout)
	c := &adminCheck{
		name: ac.Name, req: newRequest(ac.Method, ac.URL, ac.Headers, nil, "", ""), net: env.Net,
		timeout: orDefault(ac.Timeout, defaults.Timeout), marker: ac.Marker, redact: env.Config.SecretValues,
	}
	for i, m := range ac.Members {
		if s := v.sessionRef(fmt.Sprintf("%s.members[%d]", p, i), m); s != nil {
			c.members = append(c.members, s)
		}
	}
	c.admin = v.sessionRef(p+".admin", ac.Admin)
	if ac.Admin == "" {
		v.add(p, "has no admin session", "add admin: with the session of an admin user, so the check can tell the page works for admins")
	}
	// Each identity may sign in, then fetch once.
	n := 1 + len(c.members)
	if c.admin != nil {
		n++
	}
	c.info = probes.CheckInfo{Name: ac.Name, Kind: "admin", Pane: probes.PaneEndpoints, Target: c.req.target(),
		Interval: orDefault(ac.Interval, defaults.Interval), Timeout: time.Duration(2*n) * c.timeout}
	return c
}
