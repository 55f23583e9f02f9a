package endpoint

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/launchready/launchready/probes/webhooksig"
)

// app is a small membership product on a loopback TLS server, with its faults as fields,
// so each test plants exactly the fault it is about.
type app struct {
	*server
	mu       sync.Mutex
	sessions map[string]string // cookie value -> role
	logins   atomic.Int64

	// Faults.
	loginRefuses   bool              // every sign-in answers 401
	loginNoCookie  bool              // sign-in answers 303 but sets no cookie
	feedHeaders    map[string]string // extra headers on the member feed
	feedAnonymous  bool              // the feed answers anonymous requests with member content
	adminForMember bool              // /admin opens for members
	adminForAll    bool              // /admin opens for anyone
	adminBroken    bool              // /admin answers 500 even for admins
	homeDown       bool              // / answers 503
	resetFails     bool              // /forgot-password answers 500
}

const (
	testMemberPassword = "planted-member-password-1234"
	testAdminPassword  = "planted-admin-password-5678"
)

// secrets are the env the app's test configs reference.
var secrets = map[string]string{"LR_MEMBER_PASSWORD": testMemberPassword, "LR_ADMIN_PASSWORD": testAdminPassword, "LR_HOOK_SECRET": plantedWebhookSecret}

func newApp(t *testing.T, configure func(*app)) *app {
	a := &app{sessions: map[string]string{}}
	if configure != nil {
		configure(a)
	}
	a.server = newServer(t, http.HandlerFunc(a.serve))
	return a
}

func (a *app) role(r *http.Request) string {
	c, err := r.Cookie("sid")
	if err != nil {
		return ""
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.sessions[c.Value]
}

func (a *app) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/":
		if a.homeDown {
			w.WriteHeader(503)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=60")
		fmt.Fprint(w, "<h1>Acme</h1>")
	case "/forgot-password":
		if a.resetFails {
			w.WriteHeader(500)
			return
		}
		w.WriteHeader(202)
	case "/hooks":
		body, _ := io.ReadAll(r.Body)
		s := webhooksig.Signer{Scheme: webhooksig.Stripe}
		if s.Verify([]byte(plantedWebhookSecret), body, r.Header.Get(s.HeaderName()), time.Now(), 0) != nil {
			w.WriteHeader(400)
			return
		}
		fmt.Fprint(w, `{"received":true}`)
	case "/login":
		a.logins.Add(1)
		var email, password string
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			var v map[string]string
			b, _ := io.ReadAll(r.Body)
			json.Unmarshal(b, &v)
			email, password = v["email"], v["password"]
		} else {
			r.ParseForm()
			email, password = r.PostForm.Get("email"), r.PostForm.Get("password")
		}
		role := ""
		switch {
		case email == "member@acme.example" && password == testMemberPassword:
			role = "member"
		case email == "admin@acme.example" && password == testAdminPassword:
			role = "admin"
		}
		if role == "" || a.loginRefuses {
			w.WriteHeader(401)
			fmt.Fprint(w, "invalid credentials")
			return
		}
		if !a.loginNoCookie {
			tok := fmt.Sprintf("tok-%s-%d", role, a.logins.Load())
			a.mu.Lock()
			a.sessions[tok] = role
			a.mu.Unlock()
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: tok, Path: "/", Secure: true, HttpOnly: true})
		}
		w.Header().Set("Location", "/members")
		w.WriteHeader(303)
	case "/members/feed":
		role := a.role(r)
		if role == "" && !a.feedAnonymous {
			w.Header().Set("Location", "/login?next="+url.QueryEscape(r.URL.Path))
			w.WriteHeader(302)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Cache-Control", "private, no-store")
		for k, v := range a.feedHeaders {
			w.Header().Set(k, v)
		}
		fmt.Fprint(w, "<h1>Your feed</h1><p>Signed in as member@acme.example</p>")
	case "/admin":
		role := a.role(r)
		switch {
		case a.adminBroken:
			w.WriteHeader(500)
		case role == "admin" || a.adminForAll || (role == "member" && a.adminForMember):
			fmt.Fprint(w, "<h1>Acme Admin</h1>")
		case role == "member":
			w.WriteHeader(403)
			fmt.Fprint(w, "forbidden")
		default:
			w.Header().Set("Location", "/login")
			w.WriteHeader(302)
		}
	default:
		http.NotFound(w, r)
	}
}

// config is the app's endpoints section: a member and an admin session, the private
// feed, and the admin page.
func (a *app) config(format string) string {
	return cfgText(`  sessions:
    - name: member
      login:
        url: %[1]s/login
        format: %[2]s
        fields: {email: member@acme.example}
        secret_fields: {password: env:LR_MEMBER_PASSWORD}
        cookie: sid
    - name: admin
      login:
        url: %[1]s/login
        format: %[2]s
        fields: {email: admin@acme.example}
        secret_fields: {password: env:LR_ADMIN_PASSWORD}
  checks:
    - name: member feed
      url: %[1]s/members/feed
      session: member
      private: true
      member_marker: Signed in as member@acme.example
  admin:
    - name: admin page
      url: %[1]s/admin
      members: [member]
      admin: admin
      marker: Acme Admin
`, a.URL, format)
}

// smokeConfig is config plus the rest of the flow: a homepage, a reset, a webhook, smoke.
func (a *app) smokeConfig() string {
	c := a.config("form")
	c = strings.Replace(c, "  admin:\n", fmt.Sprintf(`    - {name: home, url: %[1]s/}
    - {name: reset, url: %[1]s/forgot-password, method: POST, body: '{"email":"member@acme.example"}'}
  webhooks:
    - {name: hook, url: %[1]s/hooks, scheme: stripe, secret: env:LR_HOOK_SECRET, payload: '{"type":"invoice.paid"}'}
  admin:
`, a.URL), 1)
	return c + `  smoke: {homepage: home, session: member, member_area: member feed, password_reset: reset, webhook: hook, admin: admin page}
`
}
