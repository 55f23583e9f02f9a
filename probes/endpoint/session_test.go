package endpoint

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

func TestSessionsSignIn(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"form", "json"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, nil)
			cs := setup(t, a.config(format), a.net, secrets)
			res := run(t, cs["login member"])
			if res.Status != probes.StatusOK || res.Metrics["up"] != 1 || !strings.HasPrefix(res.Summary, "signed in") {
				t.Fatalf("login: %s %q %v", res.Status, res.Summary, res.Findings)
			}
			if out := res.Data.(loginOutcome); len(out.Cookies) != 1 || out.Cookies[0] != "sid" {
				t.Errorf("cookies: %v", out.Cookies)
			}
			// A check that needs the session reuses the sign-in.
			before := a.logins.Load()
			feed := run(t, cs["member feed"])
			if feed.Status != probes.StatusOK {
				t.Errorf("member feed: %s %q %v %s", feed.Status, feed.Summary, feed.Findings, feed.Err)
			}
			if a.logins.Load() != before {
				t.Errorf("the feed signed in again (%d sign-ins); a recent sign-in is reused", a.logins.Load()-before)
			}
		})
	}
}

func TestLoginThatFails(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		fault  func(*app)
		reason string
	}{
		{"credentials refused", func(a *app) { a.loginRefuses = true }, "401 Unauthorized: the test user's credentials were refused"},
		{"no cookie", func(a *app) { a.loginNoCookie = true }, "did not set the sid cookie"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, c.fault)
			cs := setup(t, a.config("form"), a.net, secrets)
			res := run(t, cs["login member"])
			if ids(res) != "endpoint.login-failed/high" {
				t.Fatalf("findings %q", ids(res))
			}
			f := res.Findings[0]
			if f.Impact != probes.Onboarding || !strings.Contains(f.Observed, c.reason) || !strings.HasPrefix(f.Title, "Test user cannot sign in") || res.Metrics["up"] != 0 {
				t.Errorf("finding: %+v", f)
			}
			// Checks needing the session cannot run, and say why, without signing in again
			// right away (a broken login must not be hammered).
			n := a.logins.Load()
			feed := run(t, cs["member feed"])
			if feed.Status != probes.StatusError || !strings.Contains(feed.Err, `session "member"`) || !strings.Contains(feed.Err, "login member") {
				t.Errorf("feed with a broken session: %s %q", feed.Status, feed.Err)
			}
			if a.logins.Load() != n {
				t.Errorf("signed in again %d times within the back-off", a.logins.Load()-n)
			}
			all := fmt.Sprintf("%+v %+v", res, feed)
			if strings.Contains(all, testMemberPassword) {
				t.Error("the password leaked into a result")
			}
		})
	}
}

func TestSessionByReference(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	a.sessions["tok-from-env"] = "member"
	cs := setup(t, cfgText(`  sessions:
    - name: member
      cookies: {sid: env:LR_COOKIE}
  checks:
    - {name: feed, url: %s/members/feed, session: member, private: true, member_marker: Signed in as}
`, a.URL), a.net, map[string]string{"LR_COOKIE": "tok-from-env"})
	if _, ok := cs["login member"]; ok {
		t.Error("a session by reference has no sign-in check")
	}
	res := run(t, cs["feed"])
	if res.Status != probes.StatusOK {
		t.Errorf("feed with a cookie by reference: %s %q %v %s", res.Status, res.Summary, res.Findings, res.Err)
	}
	if strings.Contains(fmt.Sprintf("%+v", res), "tok-from-env") {
		t.Error("the cookie value leaked")
	}
}

func TestSessionRefresh(t *testing.T) {
	t.Parallel()
	a := newApp(t, nil)
	now := time.Now()
	cs := setup(t, a.config("form"), a.net, secrets)
	feed := cs["member feed"].(*endpointCheck)
	feed.session.now = func() time.Time { return now }
	run(t, feed)
	run(t, feed)
	if a.logins.Load() != 1 {
		t.Fatalf("%d sign-ins for two runs within the refresh", a.logins.Load())
	}
	now = now.Add(defaultRefresh + time.Second)
	run(t, feed)
	if a.logins.Load() != 2 {
		t.Errorf("%d sign-ins: an old sign-in is renewed", a.logins.Load())
	}
	// Concurrent checks sharing a session sign in once.
	now = now.Add(defaultRefresh + time.Second)
	checks := []probes.Check{feed, cs["admin page"]}
	probes.NewRunner(checks, probes.RunnerOptions{}).Sweep(context.Background())
	if got := a.logins.Load(); got != 4 { // the member once, the admin once
		t.Errorf("%d sign-ins after a concurrent sweep, want 4", got)
	}
}
