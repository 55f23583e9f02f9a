package initcfg

// Unknowable lists what a config written from discovery cannot know, because nothing
// outside the product shows it: `init` says so after writing, so an operator does not
// take a quiet first check for a clean bill of health. Each line names the key to fill in
// and what it catches.
func Unknowable() []string {
	return []string{
		"dns.caa_issuers: the CAs your certificates come from (a CAA record that forbids them fails the next renewal)",
		"email.approved_senders: which SPF includes you approved (every include found is listed, so none is flagged yet)",
		"registration.domains and registration.registrar: other domains you renew, and the registrar you use",
		"errors: the app's log (file or command) for the Errors pane",
		"endpoints: member-only and admin pages, metrics, password reset and webhooks, with the test users' and signing secrets as env: references (starters are commented in the file)",
		"performance.pages and performance.apis: your key pages (pricing, sign-up) and public API routes, for the tuning list",
		"hosts: the records are today's, written as the documented state, so a change already made by mistake is not drift",
	}
}
