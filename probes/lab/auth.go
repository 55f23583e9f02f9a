package lab

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Roles a lab user may have. An admin is also a member.
const (
	RoleMember = "member"
	RoleAdmin  = "admin"
)

// EnvPrefix starts every Scenario.Env name, so a lab value can never be mistaken for, or
// shadow, a real secret's variable.
const EnvPrefix = "LAUNCHREADY_LAB_"

// User is an account the lab's sign-in routes accept. Passwords here are public test
// values, published with the scenario; never a real secret.
type User struct {
	Email    string
	Password string
	Role     string // RoleMember or RoleAdmin
}

// Login makes a route the sign-in endpoint. It reads email and password from a form or a
// JSON body, checks them against Scenario.Users and answers with a session cookie: a form
// gets 303 to Location (default /members), JSON gets 200 {"ok":true}. Wrong credentials
// get 401; after MaxFailures wrong attempts for one email within Window, 429 with
// Retry-After, which is what a rate-limited login looks like.
type Login struct {
	// Cookie is the session cookie's name; default "acme_session".
	Cookie string
	// MaxFailures wrong attempts per email within Window before 429; 0 means no limit.
	MaxFailures int
	// Window is the rate limit's window; default one minute.
	Window time.Duration
}

func (lg *Login) cookie() string {
	if lg == nil || lg.Cookie == "" {
		return "acme_session"
	}
	return lg.Cookie
}

// auth is the lab's accounts and live sessions, shared by every site (one sign-in for
// the product, as with a cookie on the app's host).
type auth struct {
	mu       sync.Mutex
	users    map[string]User
	sessions map[string]User // token -> user
	failures map[string][]time.Time
	cookie   string // the session cookie name every Auth route reads
}

func newAuth(users []User, routes []Route) *auth {
	a := &auth{users: map[string]User{}, sessions: map[string]User{}, failures: map[string][]time.Time{}, cookie: (*Login)(nil).cookie()}
	for _, u := range users {
		a.users[strings.ToLower(u.Email)] = u
	}
	for _, r := range routes {
		if r.Login != nil {
			a.cookie = r.Login.cookie()
		}
	}
	return a
}

// user returns the signed-in user of a request, if any.
func (a *auth) user(req *http.Request) (User, bool) {
	c, err := req.Cookie(a.cookie)
	if err != nil {
		return User{}, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	u, ok := a.sessions[c.Value]
	return u, ok
}

// allows says whether u may open a route that needs role.
func allows(u User, role string) bool {
	return role == RoleMember || u.Role == RoleAdmin || u.Role == role
}

// deny answers a request to an Auth route that may not see it: anonymous requests are
// sent to /login (302), signed-in users without the role get 403. It returns the user
// and true when it answered.
func (a *auth) deny(w http.ResponseWriter, req *http.Request, r Route) (User, bool) {
	u, ok := a.user(req)
	switch {
	case !ok:
		w.Header().Set("Location", "/login?next="+url.QueryEscape(req.URL.Path))
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusFound)
		return User{}, true
	case !allows(u, r.Auth):
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "403 Forbidden: your account cannot open this page\n")
		return u, true
	}
	return u, false
}

// login serves a sign-in route.
func (a *auth) login(w http.ResponseWriter, req *http.Request, r Route) {
	email, password, isJSON := credentials(req)
	lg := r.Login
	key := strings.ToLower(email)
	now := time.Now()
	window := lg.Window
	if window <= 0 {
		window = time.Minute
	}
	a.mu.Lock()
	recent := a.failures[key][:0]
	for _, t := range a.failures[key] {
		if now.Sub(t) < window {
			recent = append(recent, t)
		}
	}
	a.failures[key] = recent
	limited := lg.MaxFailures > 0 && len(recent) >= lg.MaxFailures
	u, known := a.users[key]
	good := known && password != "" && u.Password == password
	if !good && !limited {
		a.failures[key] = append(a.failures[key], now)
	}
	a.mu.Unlock()

	w.Header().Set("Cache-Control", "no-store")
	switch {
	case limited:
		w.Header().Set("Retry-After", fmt.Sprint(int(window.Seconds())))
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, "too many attempts; try again later\n")
		return
	case !good:
		if isJSON {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":"invalid email or password"}`)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, "<p>Invalid email or password.</p>\n")
		return
	}
	token := newToken()
	a.mu.Lock()
	a.sessions[token] = u
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: lg.cookie(), Value: token, Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	if isJSON {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = fmt.Fprintf(w, `{"ok":true,"role":%q}`, u.Role)
		return
	}
	loc := r.Location
	if loc == "" {
		loc = "/members"
	}
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusSeeOther)
}

// credentials reads email and password from a JSON or form body (at most 64 KiB).
func credentials(req *http.Request) (email, password string, isJSON bool) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 64<<10))
	if strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		var v struct{ Email, Password string }
		_ = json.Unmarshal(body, &v)
		return v.Email, v.Password, true
	}
	f, _ := url.ParseQuery(string(body))
	return f.Get("email"), f.Get("password"), false
}

func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
