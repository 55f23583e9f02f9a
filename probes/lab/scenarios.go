package lab

import (
	"slices"
	"strings"
	"time"
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
	sc := Scenario{
		Name: "healthy",
		Description: acmeProduct + " (acme.example) with nothing wrong: apex and www redirect to app, " +
			"app, api, admin and status serve HTTPS with valid certificates and HSTS, every plain-HTTP port " +
			"redirects to HTTPS, mail has MX, SPF (include of the mail provider), DMARC " +
			"p=quarantine with reports, a 2048-bit RSA DKIM key at lr1._domainkey, MTA-STS " +
			"(mode enforce, policy served at mta-sts.acme.example) and TLS-RPT, and CAA allows " +
			"letsencrypt.org. The app log is calm: " +
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
					// Email pane (issue 5): DKIM selector lr1, MTA-STS, TLS-RPT.
					lr1DKIMRecord,
					`_mta-sts 300 IN TXT "v=STSv1; id=20261128"`,
					"mta-sts 300 IN A 127.0.0.1",
					`_smtp._tls 300 IN TXT "v=TLSRPTv1; rua=mailto:tls-reports@acme.example"`,
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
				}, append(endpointRoutes(), perfRoutes()...)...),
			},
			{
				Host: "api.acme.example",
				HTTPS: []Route{
					jsonRoute("/", 200, `{"service":"acme-api","version":"1.42.0","docs":"https://app.acme.example/docs/api"}`),
					jsonRoute("/health", 200, `{"status":"ok","checks":{"db":"ok","queue":"ok"}}`),
					perfAPIRoutes()[0], // Performance pane: a public route cached at the edge
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
			mtaSTSSite(), // email pane (issue 5)
		},
		LogLines:      calmLog(),
		Users:         labUsers(),
		Env:           labEnv(),
		Registrations: healthyRegistrations(),
	}
	sc.newsDomain()        // a second sending domain that inherits acme.example's DMARC record
	sc.undocumentedNames() // names outside the config's hosts, healthy ones (issue 16)
	sc.testInbox()         // the mail world: submission signing with lr1, the member's test inbox (issue 18)
	sc.publicAPI()         // Performance: a public API route cached at the edge, the same for everyone
	return sc
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
		"(5) api.acme.example's A record has a TTL of 86400 (a day), over the launch maximum of an hour; " +
		"(6) the CAA record allows only pki.goog while the certificates come from letsencrypt.org (dns.caa_issuers in the " +
		"example config), so the next renewal would fail. " +
		"(7) the SPF record of acme.example adds a newsletter and a helpdesk tool whose nested includes " +
		"bring evaluation to 12 DNS lookups (limit 10: permerror), and neither is an approved sender; " +
		"(8) DMARC is p=none with no rua (no enforcement, no reports). " +
		endpointFaultsDescription + registrationFaultsDescription +
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

	// Certificates pane faults: see certificateFaults.
	sc.certificateFaults()
	// DNS pane faults (probes/dnscheck): (3) above is also drift from the documented map,
	// which has admin at A 127.0.0.1.
	// (5) A TTL of a day on a host that may move during launch.
	sc.setRecords(acmeDomain, "api", "api 86400 IN A 127.0.0.1")
	// (6) CAA naming a CA the certificates do not come from.
	sc.setRecordsOfType(acmeDomain, "@", "CAA", `@ 3600 IN CAA 0 issue "pki.goog"`)
	// (7) and (8): email faults (issue 5).
	demoEmailFaults(&sc)
	sc.Description += newsInheritsDemoFaults // news.acme.example inherits (8); see newsDomain
	// (9)-(13) Endpoints pane faults; see endpointFaults.
	sc.endpointFaults()
	sc.expiredLeafUnderYoungerCA() // Certificates: an expired leaf under a younger CA
	// Registration faults (issue 16): see registrationFaults.
	sc.registrationFaults()
	sc.brokenDNSSEC() // a DS at the registry for a key the zone does not serve
	plantCustomerWebhookFailures(&sc)
	sc.metricOn503()        // the failed-jobs metrics answer 503 with the numbers in the body
	sc.perfFaults()         // Performance: uncached, uncompressed assets, a slow page, an uncached public API
	sc.publicAPILeak()      // Performance: a cacheable public API route that names the signed-in member
	sc.loadLimits()         // launchready load: login slows past 10/s, sign-up fails past 4 at once
	sc.exposureFaults()     // secrets in the bundle, __NEXT_DATA__ and source map, /.env, an SPA fallback (before the copies, which copy the app as it is then)
	sc.undocumentedFaults() // names outside the config's hosts: dangling, copies, wildcard, open AXFR (issue 16)
	sc.mailLandsInSpam()    // the test message lands in the member inbox's Junk folder (issue 18)
	plantBadRelease(&sc)    // the deploy runbook's release moves app's A record and breaks its page (last: it keeps the app as it is)

	// Later faults go here: each a data edit in a file of its own, a line above and a
	// line in Description.
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

// setRecordsOfType replaces one owner's records of one type (the fields of the
// record as written: owner first, type somewhere after) in one zone.
func (sc *Scenario) setRecordsOfType(origin, owner, rrtype string, records ...string) {
	for i := range sc.Zones {
		if sc.Zones[i].Origin != origin {
			continue
		}
		kept := slices.DeleteFunc(slices.Clone(sc.Zones[i].Records), func(rec string) bool {
			f := strings.Fields(rec)
			return len(f) > 0 && f[0] == owner && slices.Contains(f[1:min(len(f), 4)], rrtype)
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

// --- Certificates pane (issue 4) ---------------------------------------------------

// certificateFaults plants the Certificates pane's demo faults, on the app as the
// console mockups show it: an expiring certificate, port 80 serving the page instead of
// redirecting, no HSTS, and mixed content on the canonical page. Healthy keeps none of
// them.
func (sc *Scenario) certificateFaults() {
	sc.Description += " Certificates: app.acme.example's certificate expires in 5 days; " +
		"http://app.acme.example answers 200 with the home page instead of redirecting to https; " +
		"the app's home page sends no HSTS header and loads a chat script and a hero image over http (mixed content)."
	for i := range sc.Sites {
		if sc.Sites[i].Host != "app.acme.example" {
			continue
		}
		// Half a day past 5 days, so the pane reads "5 days" through a demo's first hours.
		sc.Sites[i].Cert.NotAfter = 5*24*time.Hour + 12*time.Hour
		sc.Sites[i].HTTP = []Route{{Path: "/*", Status: 200, Body: appHomeMixed,
			Headers: map[string]string{"Content-Type": "text/html; charset=utf-8"}}}
	}
	// The home page keeps the app's security and caching headers: only HSTS is missing.
	sc.setRoute("app.acme.example", withHeaders(Route{Path: "/", Status: 200, Body: appHomeMixed,
		Headers: map[string]string{"Content-Type": "text/html; charset=utf-8"}}, securityHeaders))
}

// appHomeMixed is the app's home page with two http:// resources: a chat widget's
// script (blocked by browsers: the widget silently disappears) and a hero image.
const appHomeMixed = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Acme Community</title>
<script src="http://widgets.chatvendor.example/v2/chat.js" async></script>
</head>
<body>
<h1>Acme Community</h1>
<img src="http://images.acme.example/hero.jpg" alt="Members at the spring meetup">
<p>The members' club for people who build things.</p>
<nav>
<a href="/login">Log in</a>
<a href="/signup">Join</a>
<a href="https://api.acme.example/">API</a>
</nav>
</body>
</html>
`

// ---- Email pane (issue 5) -------------------------------------------------------------

// lr1DKIMRecord is the DKIM key of selector lr1: the public half of a fixed 2048-bit RSA
// test key whose private half (lr1DKIMKey, mailworld.go) the lab's mail world signs with,
// a public test value like the lab users' passwords. A key this long does not fit one
// 255-byte string, so it is split, as DNS providers do.
const lr1DKIMRecord = `lr1._domainkey 300 IN TXT "v=DKIM1; k=rsa; ` +
	`p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4OMDHMaTMFnoCrUtboQgcjVSZE5NAcV/mOIbMbbMilEWksq2Z8VlXlwtS/uS83YxgiO74Sv7h5sOq7kF0zpODmD2LyVAraDkN/oR9b9ebMUbDuSd79ZLElo+b8tW8gVzqZLeyMikHbFfIkHyRqai2uB7fdd/r0dwiZf5HCYRibsn+Bf2g4N6vpqJep" ` +
	`"TjDosLbpy+cHGoP6RU/EWgwEjf8BIbtpS4+ymo2C6bte7mzyKJ02H5lQG1KruOC1q4sfvydVvW5uXW7UlwFGTM9SdaTlqM+6rV3pn49lGdzag6aQaTCuR/2mZkZBaLgN+c11Qbe123n41CfaqXOEjDkYjTLQIDAQAB"`

// mtaSTSPolicy is acme.example's MTA-STS policy: enforce TLS to its one MX.
const mtaSTSPolicy = "version: STSv1\nmode: enforce\nmx: mx.acme.example\nmax_age: 604800\n"

// mtaSTSSite serves the MTA-STS policy file, as a sending MTA fetches it.
func mtaSTSSite() Site {
	return Site{
		Host: "mta-sts.acme.example",
		HTTPS: []Route{{Path: "/.well-known/mta-sts.txt", Status: 200, Body: mtaSTSPolicy,
			Headers: map[string]string{"Content-Type": "text/plain", "Strict-Transport-Security": hstsValue}}},
	}
}

// demoEmailFaults plants the demo's email faults: (5) an SPF record whose nested includes
// (a newsletter and a helpdesk tool added by other teams) need 12 DNS lookups, and (6)
// DMARC at p=none with no reporting address.
func demoEmailFaults(sc *Scenario) {
	sc.setTXT(acmeDomain, "@", "v=spf1", `@ 300 IN TXT "v=spf1 include:_spf.mailprovider.example include:_spf.newsletter.example include:_spf.helpdesk.example mx -all"`)
	sc.setTXT(acmeDomain, "_dmarc", "v=DMARC1", `_dmarc 300 IN TXT "v=DMARC1; p=none"`)
	sc.Zones = append(sc.Zones,
		Zone{
			Origin: "newsletter.example",
			Serial: 2026102001,
			Records: []string{
				// 1 (the include) + 2 + 3 + 1 = 6 lookups
				`_spf 300 IN TXT "v=spf1 include:_spf1.newsletter.example include:_spf2.newsletter.example -all"`,
				`_spf1 300 IN TXT "v=spf1 a:out1.newsletter.example a:out2.newsletter.example a:out3.newsletter.example -all"`,
				`_spf2 300 IN TXT "v=spf1 ip4:198.51.100.0/24 -all"`,
				"out1 300 IN A 198.51.100.1",
				"out2 300 IN A 198.51.100.2",
				"out3 300 IN A 198.51.100.3",
			},
		},
		Zone{
			Origin: "helpdesk.example",
			Serial: 2026102001,
			Records: []string{
				// 1 (the include) + 1 + 1 + 1 = 4 lookups
				`_spf 300 IN TXT "v=spf1 include:_netblocks.helpdesk.example mx:helpdesk.example a:smtp.helpdesk.example -all"`,
				`_netblocks 300 IN TXT "v=spf1 ip4:203.0.113.0/24 -all"`,
				"@ 300 IN MX 10 mail.helpdesk.example.",
				"mail 300 IN A 203.0.113.25",
				"smtp 300 IN A 203.0.113.26",
			},
		},
	)
}

// setTXT replaces the TXT record of one owner in one zone whose text starts with prefix
// (the SPF or DMARC record), leaving the owner's other records alone.
func (sc *Scenario) setTXT(origin, owner, prefix, record string) {
	for i := range sc.Zones {
		if sc.Zones[i].Origin != origin {
			continue
		}
		sc.Zones[i].Records = slices.DeleteFunc(slices.Clone(sc.Zones[i].Records), func(rec string) bool {
			f := strings.Fields(rec)
			return len(f) > 0 && f[0] == owner && strings.Contains(rec, " TXT ") && strings.Contains(rec, `"`+prefix)
		})
		sc.Zones[i].Records = append(sc.Zones[i].Records, record)
		return
	}
	panic("lab: scenario " + sc.Name + " has no zone " + origin)
}
