package endpoint

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/launchready/launchready/probes"
)

// This file is what other panes share with the endpoint checks, so that a sign-in is
// configured once (endpoints.sessions) and the member-privacy rule is one rule: the
// Performance pane compares a public API as two members and judges its caching with the
// same words, and `launchready load` signs in exactly as the login check does.

// Session is a named identity from endpoints.sessions, for checks outside this package.
type Session struct{ s *session }

// Sessions builds the endpoints section's sessions by name. Config errors are the
// endpoint kind's to report (it runs in the same validation); here a section that does
// not decode gives no sessions, and a session with errors is left out.
func Sessions(env probes.Env) map[string]*Session {
	out := map[string]*Session{}
	sec := env.Config.Section("endpoints")
	if sec == nil {
		return out
	}
	var cfg section
	if errs := sec.Decode(&cfg); len(errs) > 0 {
		return out
	}
	v := &validator{s: sec, names: map[string]string{}, sessions: map[string]*session{}}
	for i, sc := range cfg.Sessions {
		v.session(fmt.Sprintf("endpoints.sessions[%d]", i), sc, env, env.Config.Checks)
	}
	for name, s := range v.sessions {
		out[name] = &Session{s}
	}
	return out
}

// Name is the session's name in the config.
func (s *Session) Name() string { return s.s.name }

// Describe says how the session is obtained, for finding details.
func (s *Session) Describe() string { return s.s.describe() }

// Timeout is how long one sign-in may take.
func (s *Session) Timeout() time.Duration { return s.s.timeout }

// Client returns a client that fetches as the session (signing in first when needed) and
// the function that adds its cookies and headers given by reference.
func (s *Session) Client(ctx context.Context, timeout time.Duration) (*http.Client, func(*http.Request), error) {
	return s.s.client(ctx, timeout)
}

// LoginRequest is the session's sign-in POST with its secrets filled in (method, URL,
// headers, body); ok is false for a session without a login. The caller must never print
// the body or the headers: they hold the test user's password.
func (s *Session) LoginRequest() (method, url string, header http.Header, body []byte, ok bool) {
	if s.s.login == nil {
		return "", "", nil, nil, false
	}
	r := s.s.login.request()
	req, err := http.NewRequest(r.method, r.url, strings.NewReader(r.body))
	if err != nil {
		return "", "", nil, nil, false
	}
	req.Header = r.header.Clone()
	req.Header.Set("Content-Type", r.contentType)
	s.s.apply(req)
	return r.method, r.url, req.Header, []byte(r.body), true
}

// SharedCacheable says whether a shared cache (a CDN) may store a response with these
// headers, and by which directive: the rule the private-page check applies.
func SharedCacheable(h http.Header) (bool, string) { return parseCacheControl(h).sharedCacheable() }

// MaxAge is the response's s-maxage, else max-age, in seconds; ok is false when neither
// is readable.
func MaxAge(h http.Header) (int64, bool) {
	cc := parseCacheControl(h)
	if n, ok := cc.seconds("s-maxage"); ok {
		return n, true
	}
	return cc.seconds("max-age")
}

// CacheDirective says whether Cache-Control holds a directive (immutable, no-store).
func CacheDirective(h http.Header, d string) bool { return parseCacheControl(h).has(d) }

// CDNHit lists the headers by which a CDN says it answered from its cache.
func CDNHit(h http.Header) []string { return cdnHit(h) }

// Uncached says whether a response gives caches nothing to go on.
func Uncached(h http.Header) bool { return uncached(h) }
