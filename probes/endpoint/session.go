package endpoint

import (
	"context"
	"encoding/json"

	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/httpdiag"
	"github.com/launchready/launchready/probes/netx"
)

// Session defaults: a sign-in is reused for ten minutes (a member's session outlives
// that), and after a failed sign-in the next attempt waits half a minute, so checks that
// share a broken session do not hammer the login (and trip its rate limit).
const (
	defaultRefresh = 10 * time.Minute
	failedBackoff  = 30 * time.Second
)

// session is a named identity checks fetch as: cookies from a configured sign-in, kept
// per session, and/or cookies and headers given by reference. Checks that share a
// session share its sign-in.
type session struct {
	name    string
	login   *login
	cookies []secretHeader // cookie name -> reference
	secret  []secretHeader
	refresh time.Duration
	net     *netx.Net
	timeout time.Duration
	now     func() time.Time

	sem chan struct{} // one sign-in at a time
	mu  sync.Mutex
	jar http.CookieJar
	at  time.Time // when jar was signed in
	// last is the latest sign-in attempt, failed or not.
	last   loginOutcome
	lastAt time.Time
}

// login is how a session signs in: a form or JSON POST of fields, some of them secrets.
type login struct {
	url      string
	json     bool
	fields   map[string]string
	secrets  map[string]*config.Secret
	header   http.Header
	expect   statusSet
	cookie   string // the cookie that proves a sign-in; "" for any
	contains string
}

// loginOutcome is one sign-in attempt.
type loginOutcome struct {
	OK        bool     `json:"ok"`
	Status    int      `json:"status"`
	LatencyMs float64  `json:"latency_ms"`
	Reason    string   `json:"reason,omitempty"` // why it failed, in a few words
	Cookies   []string `json:"cookies,omitempty"`
	ex        *exchange
}

func (s *session) apply(req *http.Request) {
	for _, c := range s.cookies {
		req.AddCookie(&http.Cookie{Name: c.name, Value: c.ref.Value()})
	}
	for _, h := range s.secret {
		req.Header.Set(h.name, h.ref.Value())
	}
}

// describe says how the session is obtained, for finding details.
func (s *session) describe() string {
	if s.login != nil {
		return fmt.Sprintf("session %q (signed in via POST %s)", s.name, s.login.url)
	}
	return fmt.Sprintf("session %q (credentials by reference)", s.name)
}

// client returns an HTTP client that fetches as the session, signing in first when the
// last sign-in is older than refresh, and the function that adds the session's cookies
// and headers given by reference. An error means the session could not sign in.
func (s *session) client(ctx context.Context, timeout time.Duration) (*http.Client, func(*http.Request), error) {
	if s.login != nil {
		if err := s.ensure(ctx); err != nil {
			return nil, nil, err
		}
	}
	s.mu.Lock()
	jar := s.jar
	s.mu.Unlock()
	if jar == nil { // a session by reference keeps what the server sets, too
		jar = newJar()
		s.mu.Lock()
		if s.jar == nil {
			s.jar = jar
		}
		jar = s.jar
		s.mu.Unlock()
	}
	return client(s.net, timeout, jar), s.apply, nil
}

func newJar() http.CookieJar {
	j, _ := cookiejar.New(nil) // never fails without options
	return j
}

// ensure signs in unless a recent sign-in can be reused.
func (s *session) ensure(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("waiting for session %q to sign in: %w", s.name, ctx.Err())
	}
	defer func() { <-s.sem }()
	now := s.now()
	s.mu.Lock()
	fresh := s.jar != nil && !s.at.IsZero() && now.Sub(s.at) < s.refresh
	backoff := !s.lastAt.IsZero() && !s.last.OK && now.Sub(s.lastAt) < failedBackoff
	last := s.last
	s.mu.Unlock()
	if fresh {
		return nil
	}
	if !backoff {
		last = s.attempt(ctx)
	}
	if !last.OK {
		return fmt.Errorf("needs session %q, which cannot sign in: %s (the check \"login %s\" has the detail)", s.name, last.Reason, s.name)
	}
	return nil
}

// signIn signs in afresh (the login check and the smoke flow), whatever the last sign-in.
func (s *session) signIn(ctx context.Context) loginOutcome {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return loginOutcome{Reason: "timed out waiting for another sign-in of this session"}
	}
	defer func() { <-s.sem }()
	return s.attempt(ctx)
}

// attempt posts the sign-in with a fresh cookie jar and, when it works, makes that jar
// the session's. Call with sem held.
func (s *session) attempt(ctx context.Context) loginOutcome {
	lg := s.login
	jar := newJar()
	ex := do(ctx, client(s.net, s.timeout, jar), lg.request(), s.apply)
	out := judgeLogin(lg, ex, jar)
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last, s.lastAt = out, now
	if out.OK {
		s.jar, s.at = jar, now
	}
	return out
}

// request is the sign-in POST, secrets filled in: the login check and `launchready load`
// send the very same request, so a load run signs in exactly as the check does.
func (lg *login) request() request {
	r := request{method: http.MethodPost, url: lg.url, header: lg.header.Clone()}
	vals := map[string]string{}
	for k, v := range lg.fields {
		vals[k] = v
	}
	for k, ref := range lg.secrets {
		vals[k] = ref.Value()
	}
	if lg.json {
		b, _ := json.Marshal(vals) // a map of strings always marshals
		r.body, r.contentType = string(b), "application/json"
		r.header.Set("Accept", "application/json")
	} else {
		form := url.Values{}
		for k, v := range vals {
			form.Set(k, v)
		}
		r.body, r.contentType = form.Encode(), "application/x-www-form-urlencoded"
	}
	return r
}

// judgeLogin decides whether a sign-in worked, and if not says why in a few words.
func judgeLogin(lg *login, ex *exchange, jar http.CookieJar) loginOutcome {
	out := loginOutcome{Status: ex.status, LatencyMs: httpdiag.Ms(ex.total), ex: ex}
	if ex.err != nil {
		out.Reason = "unreachable: " + httpdiag.Describe(ex.err)
		return out
	}
	if ex.readErr != nil {
		out.Reason = "the answer stalls: " + httpdiag.Describe(ex.readErr)
		return out
	}
	u, _ := url.Parse(lg.url)
	for _, c := range jar.Cookies(u) {
		out.Cookies = append(out.Cookies, c.Name)
	}
	slices.Sort(out.Cookies)
	switch {
	case !lg.expect.has(ex.status):
		out.Reason = fmt.Sprintf("answered %s", ex.statusLine())
		if ex.status == http.StatusUnauthorized || ex.status == http.StatusForbidden || ex.status == http.StatusUnprocessableEntity {
			out.Reason += ": the test user's credentials were refused"
		}
		if ex.status == http.StatusTooManyRequests {
			out.Reason += ": the login is rate limiting this client"
		}
	case ex.status >= 300 && ex.status < 400 && sameLoginPage(u, ex.header.Get("Location")):
		out.Reason = fmt.Sprintf("answered %d back to the sign-in page: the credentials were refused", ex.status)
	case lg.cookie != "" && !slices.Contains(out.Cookies, lg.cookie):
		out.Reason = fmt.Sprintf("answered %d but did not set the %s cookie", ex.status, lg.cookie)
	case len(out.Cookies) == 0:
		out.Reason = fmt.Sprintf("answered %d but set no cookie, so there is no session", ex.status)
	case lg.contains != "" && !strings.Contains(string(ex.body), lg.contains):
		out.Reason = fmt.Sprintf("answered %d without %q", ex.status, lg.contains) + ex.cutNote()
	default:
		out.OK = true
	}
	return out
}

// sameLoginPage says whether a redirect goes back to the sign-in URL (a failed form login).
func sameLoginPage(login *url.URL, location string) bool {
	if location == "" || login == nil {
		return false
	}
	to, err := login.Parse(location)
	return err == nil && to.Host == login.Host && strings.TrimSuffix(to.Path, "/") == strings.TrimSuffix(login.Path, "/")
}

// loginCheck signs a session in on every run: "login and signup tested". A failed sign-in
// is itself a finding; checks that need the session then say they could not run.
type loginCheck struct {
	info     probes.CheckInfo
	s        *session
	severity probes.Severity
	redact   redactor
}

func (c *loginCheck) Info() probes.CheckInfo { return c.info }

func (c *loginCheck) Run(ctx context.Context) probes.Result {
	out := c.s.signIn(ctx)
	return c.redact.result(c.result(out))
}

func (c *loginCheck) result(out loginOutcome) probes.Result {
	lg := c.s.login
	res := probes.Result{Latency: time.Duration(out.LatencyMs * float64(time.Millisecond)), Data: out,
		Metrics: map[string]float64{"status": float64(out.Status), "latency_ms": out.LatencyMs, "up": 1}}
	if out.ex != nil {
		out.ex.split.Metrics(res.Metrics)
	}
	if out.OK {
		res.Summary = fmt.Sprintf("signed in · %d · %s", out.Status, httpdiag.Round(res.Latency))
		return res
	}
	res.Metrics["up"] = 0
	res.Summary = "sign-in fails: " + out.Reason
	var ev []string
	if out.ex != nil {
		ev = out.ex.ev
	}
	res.Findings = []probes.Finding{{
		ID: "endpoint.login-failed", Severity: c.severity, Impact: probes.Onboarding, Target: "POST " + lg.url,
		Title:    fmt.Sprintf("Test user cannot sign in (%s)", short(out)),
		Detail:   fmt.Sprintf("Signing in as %s with POST %s %s. If the test user cannot sign in, members likely cannot either.", c.s.describe(), lg.url, out.Reason),
		Observed: out.Reason,
		Expected: fmt.Sprintf("HTTP %s and a session cookie%s", lg.expect.String(), cookieNote(lg.cookie)),
		Fix: "Sign in by hand with the test user's credentials. If that works, the stored credentials are stale: update the variable " +
			"the config's secret_fields reference. If it fails, check the auth service, its database and the Errors pane.",
		Evidence: ev,
	}}
	return res
}

func short(out loginOutcome) string {
	if out.Status == 0 {
		return strings.SplitN(out.Reason, ":", 2)[0]
	}
	return fmt.Sprint(out.Status)
}

func cookieNote(name string) string {
	if name == "" {
		return ""
	}
	return " (" + name + ")"
}
