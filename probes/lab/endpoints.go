package lab

import (
	"fmt"
	"maps"

	"github.com/launchready/launchready/probes/webhooksig"
)

// The endpoints pane's part of the built-in product: a sign-in that sets a session
// cookie, a member area with private caching, an admin area for admins only, and the
// faults the demo plants in them. Kept in its own file so the pane's scenario data
// reads in one place.

// Lab-only test accounts and values. They are public (this file is), which is the point:
// `--lab` can resolve the example config's env: references to them with nothing exported.
// Real configs never see them: setup only offers Scenario.Env under --lab.
const (
	LabMemberEmail = "member@acme.example"
	LabAdminEmail  = "admin@acme.example"

	labMemberPassword = "lab-member-password-not-a-secret"
	labAdminPassword  = "lab-admin-password-not-a-secret"
	labStripeSecret   = "whsec_lab_public_test_value_not_a_secret"
	labGitHubSecret   = "lab-github-webhook-public-test-value"
)

func labUsers() []User {
	return []User{
		{Email: LabMemberEmail, Password: labMemberPassword, Role: RoleMember},
		{Email: LabAdminEmail, Password: labAdminPassword, Role: RoleAdmin},
	}
}

func labEnv() map[string]string {
	return map[string]string{
		EnvPrefix + "MEMBER_PASSWORD":       labMemberPassword,
		EnvPrefix + "ADMIN_PASSWORD":        labAdminPassword,
		EnvPrefix + "STRIPE_WEBHOOK_SECRET": labStripeSecret,
		EnvPrefix + "GITHUB_WEBHOOK_SECRET": labGitHubSecret,
	}
}

// securityHeaders are what a well-set-up page sends: no MIME sniffing, no framing, a
// referrer policy and a content security policy.
var securityHeaders = map[string]string{
	"X-Content-Type-Options":  "nosniff",
	"X-Frame-Options":         "DENY",
	"Referrer-Policy":         "strict-origin-when-cross-origin",
	"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
	"Cache-Control":           "no-cache",
}

// privateNoStore is how member pages must be cached: by nobody.
const privateNoStore = "private, no-store"

// endpointRoutes are the app's routes behind sign-in, in the healthy world.
func endpointRoutes() []Route {
	return []Route{
		{Path: "/login", Method: "POST", Login: &Login{MaxFailures: 5}},
		withHeaders(htmlRoute("/members", membersHome), map[string]string{"Cache-Control": privateNoStore}).auth(RoleMember),
		withHeaders(htmlRoute("/members/feed", membersFeed), map[string]string{"Cache-Control": privateNoStore}).auth(RoleMember),
		withHeaders(htmlRoute("/admin", adminArea), map[string]string{"Cache-Control": privateNoStore}).auth(RoleAdmin),
		stripeWebhook(false),
		passwordReset(202, `{"status":"sent","message":"If the address has an account, a reset link is on its way."}`),
		appMetrics(0, 0),
		{Path: "/webhooks/github", Method: "POST", Body: `{"ok":true}`, Webhook: &Webhook{Scheme: webhooksig.GitHub, Secret: labGitHubSecret}},
	}
}

// appMetrics is the app's own JSON metrics, for admins: what its job queue and webhook
// handler know about their failures.
func appMetrics(failedJobs, webhookFailures int) Route {
	return jsonRoute("/internal/metrics", 200, fmt.Sprintf(
		`{"failed_jobs":%d,"webhook_failures_1h":%d,"queue":{"depth":3,"workers":4},"version":"1.42.0"}`, failedJobs, webhookFailures)).auth(RoleAdmin)
}

// passwordReset is the "forgot password" endpoint.
func passwordReset(status int, body string) Route {
	r := jsonRoute("/forgot-password", status, body)
	r.Method = "POST"
	return r
}

// stripeWebhook is the payment provider's endpoint; rejectValid plants the demo fault.
func stripeWebhook(rejectValid bool) Route {
	return Route{Path: "/webhooks/stripe", Method: "POST", Body: `{"received":true}`,
		Webhook: &Webhook{Scheme: webhooksig.Stripe, Secret: labStripeSecret, RejectValid: rejectValid}}
}

// endpointFaultsDescription lists endpointFaults for Scenario.Description.
const endpointFaultsDescription = "(9) app.acme.example/members/feed is served with Cache-Control: public, max-age=600, " +
	"so a CDN may hand one member's feed to the next visitor; " +
	"(10) app.acme.example/admin opens for any signed-in member, not only admins; " +
	"(11) app.acme.example/webhooks/stripe answers 400 to correctly signed events (the app holds another signing secret than Stripe); " +
	"(12) POST app.acme.example/forgot-password mails the reset link, but the member's provider files it in spam (Junk), " +
	"so the smoke flow stops at step 4 (the mail did not reach the inbox); " +
	"(13) the app's /internal/metrics reports 17 failed jobs and 23 webhook failures in the last hour. "

// endpointFaults plants the endpoints pane's demo faults, each a data edit.
func (sc *Scenario) endpointFaults() {
	// (5) The member feed is cacheable by shared caches.
	sc.setRoute("app.acme.example", withHeaders(htmlRoute("/members/feed", membersFeed),
		map[string]string{"Cache-Control": "public, max-age=600"}).auth(RoleMember))
	// (6) The admin area checks "signed in", not "is an admin".
	sc.setRoute("app.acme.example", withHeaders(htmlRoute("/admin", adminArea),
		map[string]string{"Cache-Control": privateNoStore}).auth(RoleMember))
	// (7) Stripe's correctly signed events are refused.
	sc.setRoute("app.acme.example", stripeWebhook(true))
	// (8) Password reset: the app mails the link (resetMailSent, as in healthy) and the
	// provider files it in spam (mailLandsInSpam).
	// (9) The jobs and webhooks behind those failures, as the app counts them.
	sc.setRoute("app.acme.example", appMetrics(17, 23))
}

// withHeaders returns r with extra headers (on a copy of its map).
func withHeaders(r Route, h map[string]string) Route {
	r.Headers = maps.Clone(r.Headers)
	if r.Headers == nil {
		r.Headers = map[string]string{}
	}
	maps.Copy(r.Headers, h)
	return r
}

// auth returns r restricted to a role.
func (r Route) auth(role string) Route {
	r.Auth = role
	return r
}

const membersHome = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Members · Acme Community</title></head>
<body>
<h1>Welcome back</h1>
<p class="account">Signed in as {{user}}</p>
<a href="/members/feed">Your feed</a>
</body>
</html>
`

const membersFeed = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Your feed · Acme Community</title></head>
<body>
<h1>Your feed</h1>
<p class="account">Signed in as {{user}}</p>
<ul><li>Your draft "Launch checklist" was saved</li><li>Invoice #1042 is paid</li></ul>
</body>
</html>
`

const adminArea = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Admin · Acme Community</title></head>
<body>
<h1>Acme Admin</h1>
<p>Signed in as {{user}}</p>
<table id="members"><tr><td>member@acme.example</td><td>paid</td></tr></table>
</body>
</html>
`
