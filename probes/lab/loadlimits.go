package lab

import (
	"fmt"
	"time"
)

// What `launchready load` finds in the demo: a login that slows past a known rate and a
// sign-up that fails past a known concurrency. Healthy keeps both unlimited, so a load run
// against it holds.
const (
	// loginDegradesAbove is the sign-ins a second past which every sign-in waits
	// DefaultDegradeBy more (the knee a load run should report).
	loginDegradesAbove = 10
	// signupTakes is how long a sign-up takes (it sends its welcome e-mail inline), and
	// signupFailsAbove how many may be in progress before the next gets 503: together,
	// sign-ups start failing past signupFailsAbove/signupTakes a second (16/s).
	signupTakes      = 250 * time.Millisecond
	signupFailsAbove = 4
)

// loadLimits plants the demo's limits under load on app.acme.example: POST /login slows
// past loginDegradesAbove a second, POST /signup answers 503 past signupFailsAbove at once.
func (sc *Scenario) loadLimits() {
	login, ok := sc.route("app.acme.example", "POST", "/login")
	if !ok {
		panic("lab: scenario " + sc.Name + " has no POST /login on app.acme.example")
	}
	login.DegradeAbove = loginDegradesAbove
	sc.setRoute("app.acme.example", login)
	sc.setRoute("app.acme.example", Route{Path: "/signup", Method: "POST", Status: 200, Delay: signupTakes,
		FailAbove: signupFailsAbove, Body: `{"status":"check your inbox"}`,
		Headers: map[string]string{"Cache-Control": "no-store", "Strict-Transport-Security": hstsValue}})
	sc.Description += fmt.Sprintf(" Load (launchready load): POST app.acme.example/login takes %s longer past %d sign-ins a second; "+
		"POST /signup takes %s and answers 503 while %d sign-ups are already in progress (from about %.0f a second).",
		DefaultDegradeBy, loginDegradesAbove, signupTakes, signupFailsAbove, signupFailsAbove/signupTakes.Seconds())
}

// route returns a site's HTTPS route with exactly that Method and Path.
func (sc Scenario) route(host, method, path string) (Route, bool) {
	for _, s := range sc.Sites {
		if s.Host != host {
			continue
		}
		for _, r := range s.HTTPS {
			if r.Method == method && r.Path == path {
				return r, true
			}
		}
	}
	return Route{}, false
}
