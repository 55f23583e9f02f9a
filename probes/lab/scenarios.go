package lab

import (
	"slices"
	"strings"
)

// Scenarios returns the built-in worlds, freshly built on every call so a
// caller may change its copy (add a fault for one test) without touching
// anyone else's.
func Scenarios() []Scenario {
	return []Scenario{healthy(), demo()}
}

// ScenarioByName returns the built-in scenario with that name.
func ScenarioByName(name string) (Scenario, bool) {
	for _, sc := range Scenarios() {
		if sc.Name == name {
			return sc, true
		}
	}
	return Scenario{}, false
}

// The product every built-in scenario describes.
const (
	acmeDomain  = "acme.example"
	acmeProduct = "Acme Community"
)

// hstsValue is the Strict-Transport-Security every healthy HTTPS answer
// carries.
const hstsValue = "max-age=31536000; includeSubDomains"

// healthy is Acme Community the week before launch with everything right:
// the baseline every fault scenario starts from.
func healthy() Scenario {
	return Scenario{
		Name: "healthy",
		Description: acmeProduct + " (acme.example) with nothing wrong: apex and www redirect to app, " +
			"app, api, admin and status serve HTTPS with valid certificates and HSTS, every plain-HTTP port " +
			"redirects to HTTPS, mail has MX, SPF (include of the mail provider), DMARC " +
			"p=quarantine with reports, and CAA allows letsencrypt.org. The app log is calm: " +
			"requests, a slow query and one recovered Go panic. No planted faults.",
		Domain: acmeDomain,
		Zones: []Zone{
			{
				Origin: acmeDomain,
				Serial: 2026112801,
				Records: []string{
					"@ 3600 IN NS ns1.acme.example.",
					"ns1 3600 IN A 127.0.0.1",
					"@ 300 IN A 127.0.0.1",
					"www 300 IN CNAME acme.example.",
					"app 300 IN A 127.0.0.1",
					"api 300 IN A 127.0.0.1",
					"admin 300 IN A 127.0.0.1",
					"status 300 IN A 127.0.0.1",
					"@ 300 IN MX 10 mx.acme.example.",
					"mx 300 IN A 127.0.0.1",
					`@ 300 IN TXT "v=spf1 include:_spf.mailprovider.example -all"`,
					`_dmarc 300 IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@acme.example"`,
					// Later: lr1._domainkey with a generated 2048-bit RSA DKIM key.
					`@ 3600 IN CAA 0 issue "letsencrypt.org"`,
				},
			},
			{
				Origin: "mailprovider.example",
				Serial: 2026010101,
				Records: []string{
					`_spf 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"`,
				},
			},
		},
		Sites: []Site{
			{
				Host:  acmeDomain,
				HTTPS: []Route{redirect("/*", "https://app.acme.example/")},
			},
			{
				Host:  "www.acme.example",
				HTTPS: []Route{redirect("/*", "https://app.acme.example/")},
			},
			{
				Host: "app.acme.example",
				HTTPS: append([]Route{
					withHeaders(htmlRoute("/", appHome), map[string]string{"Cache-Control": "public, max-age=300"}),
					withHeaders(htmlRoute("/login", appLogin), securityHeaders),
					htmlRoute("/signup", appSignup),
					jsonRoute("/healthz", 200, `{"status":"ok"}`),
				}, endpointRoutes()...),
			},
			{
				Host: "api.acme.example",
				HTTPS: []Route{
					jsonRoute("/", 200, `{"service":"acme-api","version":"1.42.0","docs":"https://app.acme.example/docs/api"}`),
					jsonRoute("/health", 200, `{"status":"ok","checks":{"db":"ok","queue":"ok"}}`),
				},
			},
			{
				Host: "admin.acme.example",
				HTTPS: []Route{
					htmlRoute("/", adminHome),
				},
			},
			{
				Host:  "status.acme.example",
				HTTPS: []Route{htmlRoute("/", statusHome)},
			},
		},
		LogLines: calmLog(),
		Users:    labUsers(),
		Env:      labEnv(),
	}
}

// demo is what `launchready demo` shows a newcomer: the healthy world with a
// handful of launch-week faults, one per pane where possible. Every fault is
// an edit of healthy's data, listed in Description.
func demo() Scenario {
	sc := healthy()
	sc.Name = "demo"
	sc.Description = acmeProduct + " (acme.example) in launch week, with faults planted: " +
		"(1) api.acme.example/health answers 503 with a JSON error (the API health check fails); " +
		"(2) status.acme.example resolves (A 127.0.0.1) but nothing listens on 443 (connection refused); " +
		"(3) admin.acme.example is a CNAME to ghost-app.herokudns.com, which does not exist " +
		"(NXDOMAIN: a dangling CNAME anyone could claim on the provider, a takeover risk). " +
		"(4) the app log adds a burst of errors: database pool exhaustion, a rejected Stripe webhook " +
		"and a Python worker traceback (with an e-mail address and a token the errors pane must redact). " +
		endpointFaultsDescription +
		"Everything else is as in healthy."

	// (1) API health failing.
	sc.setRoute("api.acme.example", Route{
		Path: "/health", Status: 503,
		Headers: map[string]string{"Strict-Transport-Security": hstsValue, "Retry-After": "30"},
		Body:    `{"status":"error","error":"database: connection refused (pool exhausted after 30s)","checks":{"db":"fail","queue":"ok"}}`,
	})

	// (2) Status page: DNS is there, the HTTPS listener is not.
	for i := range sc.Sites {
		if sc.Sites[i].Host == "status.acme.example" {
			sc.Sites[i] = Site{Host: "status.acme.example", NoHTTPS: true}
		}
	}

	// (3) Dangling CNAME: admin moved to a PaaS app that was later deleted.
	sc.setRecords(acmeDomain, "admin", "admin 300 IN CNAME ghost-app.herokudns.com.")
	sc.Sites = slices.DeleteFunc(sc.Sites, func(s Site) bool { return s.Host == "admin.acme.example" })
	sc.Zones = append(sc.Zones, Zone{
		Origin:  "herokudns.com",
		Serial:  2026090101,
		Records: []string{"brave-otter-4312 300 IN A 127.0.0.1"}, // someone else's app; no ghost-app
	})

	// (4) Errors in the log, matching (1).
	sc.LogLines = append(sc.LogLines, errorBurst()...)

	// (5-6) Endpoints pane faults; see endpointFaults.
	sc.endpointFaults()

	// Later faults go here, each a data edit plus a line in Description:
	// app certificate expiring in 5 days (CertSpec.NotAfter), SPF over 10
	// lookups, DMARC p=none without rua, a cacheable member feed, an admin
	// page open to members, rejected signed webhooks, password reset 500s,
	// errors appended to the log over time.
	return sc
}

// setRoute sets a route on a site's HTTPS listener in the scenario's data.
func (sc *Scenario) setRoute(host string, r Route) {
	for i := range sc.Sites {
		if sc.Sites[i].Host == host {
			sc.Sites[i].HTTPS = slices.DeleteFunc(slices.Clone(sc.Sites[i].HTTPS), func(o Route) bool {
				return o.Path == r.Path && o.Method == r.Method
			})
			sc.Sites[i].HTTPS = append(sc.Sites[i].HTTPS, r)
			return
		}
	}
	panic("lab: scenario " + sc.Name + " has no site " + host)
}

// setRecords replaces every record of one owner (as written, e.g. "admin")
// in one zone.
func (sc *Scenario) setRecords(origin, owner string, records ...string) {
	for i := range sc.Zones {
		if sc.Zones[i].Origin != origin {
			continue
		}
		kept := slices.DeleteFunc(slices.Clone(sc.Zones[i].Records), func(rec string) bool {
			f := strings.Fields(rec)
			return len(f) > 0 && f[0] == owner
		})
		sc.Zones[i].Records = append(kept, records...)
		return
	}
	panic("lab: scenario " + sc.Name + " has no zone " + origin)
}

// redirect is a 301 to a fixed location.
func redirect(path, location string) Route {
	return Route{Path: path, Status: 301, Location: location, Headers: map[string]string{"Strict-Transport-Security": hstsValue}}
}

// htmlRoute is a 200 HTML page.
func htmlRoute(path, body string) Route {
	return Route{Path: path, Status: 200, Body: body, Headers: map[string]string{
		"Content-Type":              "text/html; charset=utf-8",
		"Strict-Transport-Security": hstsValue,
	}}
}

// jsonRoute is a JSON answer.
func jsonRoute(path string, status int, body string) Route {
	return Route{Path: path, Status: status, Body: body, Headers: map[string]string{
		"Content-Type":              "application/json",
		"Cache-Control":             "no-store",
		"Strict-Transport-Security": hstsValue,
	}}
}

const appHome = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Acme Community</title></head>
<body>
<h1>Acme Community</h1>
<p>The members' club for people who build things.</p>
<nav>
<a href="/login">Log in</a>
<a href="/signup">Join</a>
<a href="https://api.acme.example/">API</a>
</nav>
</body>
</html>
`

const appLogin = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Log in · Acme Community</title></head>
<body>
<h1>Log in</h1>
<form method="post" action="/login">
<input name="email" type="email"> <input name="password" type="password">
<button>Log in</button>
</form>
<a href="/signup">No account yet? Join</a>
</body>
</html>
`

const appSignup = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Join · Acme Community</title></head>
<body>
<h1>Join Acme Community</h1>
<form method="post" action="/signup">
<input name="email" type="email"> <button>Send me a link</button>
</form>
</body>
</html>
`

const statusHome = `<!doctype html>
<html><head><title>Acme Community status</title></head>
<body><h1>All systems operational</h1><p>App, API and email are up.</p></body></html>
`

const adminHome = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Acme Admin</title></head>
<body>
<h1>Acme Admin</h1>
<form method="post" action="/login"><input name="email" type="email"> <input name="password" type="password"> <button>Sign in</button></form>
</body>
</html>
`

// calmLog is a healthy launch-week application log: JSON lines from the web
// app and one recovered Go panic in plain text.
func calmLog() []string {
	return []string{
		`{"time":"2026-11-28T01:58:02Z","level":"INFO","msg":"server started","addr":":8080","version":"1.42.0"}`,
		`{"time":"2026-11-28T01:58:40Z","level":"INFO","msg":"request","method":"GET","path":"/","status":200,"duration_ms":12}`,
		`{"time":"2026-11-28T01:59:03Z","level":"WARN","msg":"slow query","query":"SELECT * FROM posts WHERE member_id = $1","duration_ms":1840}`,
		`2026/11/28 01:59:31 http: panic serving 10.0.3.7:51234: runtime error: invalid memory address or nil pointer dereference
goroutine 1187 [running]:
net/http.(*conn).serve.func1()
	/usr/local/go/src/net/http/server.go:1947 +0xbe
panic({0x9d5e40?, 0x10b3c60?})
	/usr/local/go/src/runtime/panic.go:785 +0x132
github.com/acme/community/internal/members.(*Handler).Feed(0xc0001a2000, {0xb5a1f0, 0xc0003be0e0}, 0xc0002f8140)
	/app/internal/members/feed.go:88 +0x1c4
net/http.HandlerFunc.ServeHTTP(...)
	/usr/local/go/src/net/http/server.go:2220 +0x29`,
		`{"time":"2026-11-28T02:00:30Z","level":"INFO","msg":"request","method":"GET","path":"/healthz","status":200,"duration_ms":1}`,
	}
}

// errorBurst is what the log of a launch going wrong adds: JSON errors, a
// Python worker traceback, and values the errors pane must redact (an e-mail
// address, a token).
func errorBurst() []string {
	return []string{
		`{"time":"2026-11-28T02:01:17Z","level":"ERROR","msg":"login failed: user lookup","email":"member@acme.example","error":"pq: too many connections for role \"acme\"","request_id":"req_7f3a91"}`,
		`{"time":"2026-11-28T02:01:19Z","level":"ERROR","msg":"health check failed","check":"db","error":"connection pool exhausted after 30s","request_id":"req_7f3a95"}`,
		`{"time":"2026-11-28T02:02:05Z","level":"ERROR","msg":"stripe webhook rejected","error":"signature mismatch","endpoint":"/webhooks/stripe","token":"lab-fake-token-4f9c2e","request_id":"req_81bc02"}`,
		`[2026-11-28 02:02:12,441] ERROR in worker: send_welcome_email failed
Traceback (most recent call last):
  File "/app/worker/tasks.py", line 57, in send_welcome_email
    smtp.send_message(msg)
  File "/usr/lib/python3.12/smtplib.py", line 986, in send_message
    return self.sendmail(from_addr, to_addrs, flatmsg, mail_options, rcpt_options)
smtplib.SMTPServerDisconnected: Connection unexpectedly closed`,
		`{"time":"2026-11-28T02:02:40Z","level":"ERROR","msg":"login failed: user lookup","email":"new.member@acme.example","error":"pq: too many connections for role \"acme\"","request_id":"req_7f3aa0"}`,
	}
}
