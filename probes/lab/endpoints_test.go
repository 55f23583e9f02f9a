package lab

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes/webhooksig"
)

// signIn posts the form login as a user and returns a client holding the session.
func signIn(t *testing.T, l *Lab, email, password string) (*http.Client, *http.Response) {
	t.Helper()
	c := labClient(t, l)
	jar, _ := cookiejar.New(nil)
	c.Jar = jar
	resp, err := c.PostForm("https://app.acme.example/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return c, resp
}

func TestSignInAndRoles(t *testing.T) {
	t.Parallel()
	l := startLab(t, builtin(t, "healthy"))
	anon := labClient(t, l)
	member, resp := signIn(t, l, LabMemberEmail, l.Env[EnvPrefix+"MEMBER_PASSWORD"])
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/members" {
		t.Fatalf("form sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	admin, _ := signIn(t, l, LabAdminEmail, l.Env[EnvPrefix+"ADMIN_PASSWORD"])

	cases := []struct {
		who    string
		c      *http.Client
		path   string
		status int
		body   string
	}{
		{"anonymous", anon, "/members/feed", 302, ""},
		{"member", member, "/members/feed", 200, "Signed in as member@acme.example"},
		{"admin", admin, "/members/feed", 200, "Signed in as admin@acme.example"},
		{"anonymous", anon, "/admin", 302, ""},
		{"member", member, "/admin", 403, "Forbidden"},
		{"admin", admin, "/admin", 200, "Acme Admin"},
	}
	for _, tc := range cases {
		resp, body := fetch(t, tc.c, "GET", "https://app.acme.example"+tc.path)
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.body) {
			t.Errorf("%s %s: %d %q, want %d containing %q", tc.who, tc.path, resp.StatusCode, body, tc.status, tc.body)
		}
		if tc.status == 200 && resp.Header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("%s %s: Cache-Control %q on a member page", tc.who, tc.path, resp.Header.Get("Cache-Control"))
		}
	}
	if resp, _ := fetch(t, anon, "GET", "https://app.acme.example/members"); resp.Header.Get("Location") != "/login?next=%2Fmembers" {
		t.Errorf("anonymous is sent to sign in: %q", resp.Header.Get("Location"))
	}
}

func TestSignInJSONAndFailures(t *testing.T) {
	t.Parallel()
	l := startLab(t, builtin(t, "healthy"))
	c := labClient(t, l)
	post := func(body string) *http.Response {
		resp, err := c.Post("https://app.acme.example/login", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := post(`{"email":"admin@acme.example","password":"` + l.Env[EnvPrefix+"ADMIN_PASSWORD"] + `"}`); resp.StatusCode != 200 || len(resp.Cookies()) != 1 || resp.Cookies()[0].Name != "acme_session" {
		t.Errorf("JSON sign-in: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	// Wrong passwords: 401 five times, then the login is rate limited for that email.
	for i := range 5 {
		if resp := post(`{"email":"probe@acme.example","password":"wrong"}`); resp.StatusCode != 401 || len(resp.Cookies()) != 0 {
			t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
		}
	}
	if resp := post(`{"email":"probe@acme.example","password":"wrong"}`); resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("sixth wrong attempt: %d, want 429 with Retry-After", resp.StatusCode)
	}
	// Another account is not locked out by the first one's failures.
	if resp := post(`{"email":"member@acme.example","password":"` + l.Env[EnvPrefix+"MEMBER_PASSWORD"] + `"}`); resp.StatusCode != 200 {
		t.Errorf("member after another account's lockout: %d", resp.StatusCode)
	}
}

func TestEndpointDemoFaults(t *testing.T) {
	t.Parallel()
	l := startLab(t, builtin(t, "demo"))
	member, _ := signIn(t, l, LabMemberEmail, l.Env[EnvPrefix+"MEMBER_PASSWORD"])
	if resp, _ := fetch(t, member, "GET", "https://app.acme.example/members/feed"); resp.Header.Get("Cache-Control") != "public, max-age=600" {
		t.Errorf("feed Cache-Control %q, want the planted public, max-age=600", resp.Header.Get("Cache-Control"))
	}
	if resp, _ := fetch(t, member, "GET", "https://app.acme.example/admin"); resp.StatusCode != 200 {
		t.Errorf("admin for a member: %d, want the planted 200", resp.StatusCode)
	}
	if resp, _ := fetch(t, labClient(t, l), "GET", "https://app.acme.example/admin"); resp.StatusCode != 302 {
		t.Errorf("admin stays closed to anonymous visitors: %d", resp.StatusCode)
	}
}

func TestScenarioEnvAndUsersAreValidated(t *testing.T) {
	t.Parallel()
	sc := builtin(t, "healthy")
	for name := range sc.Env {
		if !strings.HasPrefix(name, EnvPrefix) {
			t.Errorf("Env %q lacks the %s prefix", name, EnvPrefix)
		}
	}
	bad := sc
	bad.Env = map[string]string{"STRIPE_WEBHOOK_SECRET": "x"}
	if _, err := Start(bad, t.TempDir()); err == nil || !strings.Contains(err.Error(), EnvPrefix) {
		t.Errorf("an Env name that could shadow a real secret: %v", err)
	}
	bad = sc
	bad.Users = []User{{Email: "x@acme.example", Role: "owner"}}
	if _, err := Start(bad, t.TempDir()); err == nil {
		t.Error("a user with an unknown role started")
	}
}

func TestWebhookRoutes(t *testing.T) {
	t.Parallel()
	payload := `{"type":"invoice.paid"}`
	post := func(l *Lab, path, header, sig string) int {
		req, _ := http.NewRequest("POST", "https://app.acme.example"+path, strings.NewReader(payload))
		req.Header.Set(header, sig)
		resp, err := labClient(t, l).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	stripe := webhooksig.Signer{Scheme: webhooksig.Stripe}
	github := webhooksig.Signer{Scheme: webhooksig.GitHub}
	healthy := startLab(t, builtin(t, "healthy"))
	good := stripe.Sign([]byte(healthy.Env[EnvPrefix+"STRIPE_WEBHOOK_SECRET"]), []byte(payload), time.Now())
	bad := stripe.Sign([]byte("wrong"), []byte(payload), time.Now())
	if got := post(healthy, "/webhooks/stripe", "Stripe-Signature", good); got != 200 {
		t.Errorf("healthy stripe, good signature: %d", got)
	}
	if got := post(healthy, "/webhooks/stripe", "Stripe-Signature", bad); got != 400 {
		t.Errorf("healthy stripe, wrong signature: %d", got)
	}
	gh := github.Sign([]byte(healthy.Env[EnvPrefix+"GITHUB_WEBHOOK_SECRET"]), []byte(payload), time.Now())
	if got := post(healthy, "/webhooks/github", "X-Hub-Signature-256", gh); got != 200 {
		t.Errorf("healthy github, good signature: %d", got)
	}
	demo := startLab(t, builtin(t, "demo"))
	if got := post(demo, "/webhooks/stripe", "Stripe-Signature", good); got != 400 {
		t.Errorf("demo stripe rejects good signatures (planted): %d", got)
	}
}
