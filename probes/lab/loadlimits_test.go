package lab

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRouteLoadWindow: the rate is counted over the last second, so exactly the
// arrivals past DegradeAbove in any one second are over, and a quiet second saves no
// credit for later.
func TestRouteLoadWindow(t *testing.T) {
	t.Parallel()
	var l routeLoad
	t0 := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	for i := range 10 { // 10 in 0.9s: at the limit, not over it
		if l.arrive(t0.Add(time.Duration(i)*100*time.Millisecond), 10) {
			t.Fatalf("arrival %d of 10 within a second counted as over 10/s", i+1)
		}
	}
	if !l.arrive(t0.Add(950*time.Millisecond), 10) {
		t.Error("the 11th arrival within a second is not over 10/s")
	}
	// A steady 9/s, long after: never over.
	later := t0.Add(time.Minute)
	for i := range 30 {
		if l.arrive(later.Add(time.Duration(i)*time.Second/9), 10) {
			t.Fatalf("arrival %d at a steady 9/s counted as over 10/s", i+1)
		}
	}
	// A steady 12/s: over from the 11th arrival on.
	later = later.Add(time.Minute)
	for i := range 30 {
		if over := l.arrive(later.Add(time.Duration(i)*time.Second/12), 10); over != (i >= 10) {
			t.Fatalf("arrival %d at a steady 12/s: over=%v", i+1, over)
		}
	}
}

// TestDemoLoginDegradesPastItsRate: the demo's POST /login answers as usual up to
// loginDegradesAbove sign-ins a second and slowly past it; healthy's never slows.
func TestDemoLoginDegradesPastItsRate(t *testing.T) {
	t.Parallel()
	demo := builtin(t, "demo")
	login, ok := demo.route("app.acme.example", "POST", "/login")
	if !ok || login.DegradeAbove != loginDegradesAbove || login.Login == nil {
		t.Fatalf("demo POST /login = %+v; want a sign-in degrading above %d/s", login, loginDegradesAbove)
	}
	if h, _ := builtin(t, "healthy").route("app.acme.example", "POST", "/login"); h.DegradeAbove != 0 || h.FailAbove != 0 {
		t.Errorf("healthy POST /login is limited (%+v): healthy must stay unlimited", h)
	}
	// The demo's route with a shorter slowdown, so the test takes well under a second.
	const slowBy = 400 * time.Millisecond
	login.DegradeBy = slowBy
	l := startLab(t, demo)
	l.SetRoute("app.acme.example", true, login)
	c := labClient(t, l)
	post := func() time.Duration {
		start := time.Now()
		resp, err := c.Post("https://app.acme.example/login", "application/x-www-form-urlencoded",
			strings.NewReader("email=load%40acme.example&password=wrong"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return time.Since(start)
	}
	post() // the connection, so the sign-ins below are timed alone
	time.Sleep(time.Second)
	for i := range loginDegradesAbove {
		if d := post(); d >= slowBy {
			t.Fatalf("sign-in %d of %d within a second took %v: slowed under the rate", i+1, loginDegradesAbove, d)
		}
	}
	if d := post(); d < slowBy {
		t.Errorf("sign-in %d within a second took %v; want at least %v more past %d/s", loginDegradesAbove+1, d, slowBy, loginDegradesAbove)
	}
}

// TestDemoSignupFailsPastItsConcurrency: the demo's POST /signup answers 503 while
// signupFailsAbove sign-ups are in progress, and 200 again once they are done.
func TestDemoSignupFailsPastItsConcurrency(t *testing.T) {
	t.Parallel()
	demo := builtin(t, "demo")
	signup, ok := demo.route("app.acme.example", "POST", "/signup")
	if !ok || signup.FailAbove != signupFailsAbove || signup.Delay != signupTakes {
		t.Fatalf("demo POST /signup = %+v; want %v per sign-up, failing above %d at once", signup, signupTakes, signupFailsAbove)
	}
	if _, limited := builtin(t, "healthy").route("app.acme.example", "POST", "/signup"); limited {
		t.Error("healthy has a limited POST /signup: healthy must stay unlimited")
	}
	l := startLab(t, demo)
	c := labClient(t, l)
	post := func() int {
		resp, err := c.Post("https://app.acme.example/signup", "application/x-www-form-urlencoded", strings.NewReader("email=a%40signup-test.acme.example"))
		if err != nil {
			t.Error(err)
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	post() // the connection
	table := l.tables[tableKey{"app.acme.example", true}]
	load := table.loadOf(signup)
	var wg sync.WaitGroup
	codes := make(chan int, signupFailsAbove)
	for range signupFailsAbove {
		wg.Go(func() { codes <- post() })
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		load.mu.Lock()
		n := load.inFlight
		load.mu.Unlock()
		if n == signupFailsAbove {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sign-ups in progress after 5s; want %d", n, signupFailsAbove)
		}
	}
	if code := post(); code != http.StatusServiceUnavailable {
		t.Errorf("sign-up %d while %d are in progress: %d; want 503", signupFailsAbove+1, signupFailsAbove, code)
	}
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != http.StatusOK {
			t.Errorf("one of the first %d sign-ups: %d; want 200", signupFailsAbove, code)
		}
	}
	if code := post(); code != http.StatusOK {
		t.Errorf("a sign-up once the others are done: %d; want 200", code)
	}
}
