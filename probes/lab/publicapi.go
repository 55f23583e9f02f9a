package lab

// The Performance pane's public API route that is cached at the edge: in healthy, the
// app's announcements are the same for everyone and cached a minute (what a public route
// should be); the demo's version adds a "viewer" field with the signed-in member's email
// while keeping Cache-Control: public, max-age=60, so a CDN may hand one member's answer
// to the next visitor. The cookie is the app host's, so the route lives on
// app.acme.example, where a signed-in browser sends it.

// announcementsPath is the route; the example config lists it under performance.apis.
const announcementsPath = "/api/announcements"

const announcementsJSON = `{"announcements":[{"id":"launch","title":"Acme Community opens to everyone on Monday"}]}`

// publicAPI adds the healthy route: identical for everyone, cached a minute at
// the edge, revalidatable.
func (sc *Scenario) publicAPI() {
	sc.setRoute("app.acme.example", withHeaders(jsonRoute(announcementsPath, 200, announcementsJSON), map[string]string{
		"Cache-Control": "public, max-age=60", "X-Cache": "HIT", "Age": "20", "ETag": `"ann-1"`,
		"Strict-Transport-Security": hstsValue,
	}))
}

// publicAPILeak plants the fault: the same cacheable route now names the signed-in
// member.
func (sc *Scenario) publicAPILeak() {
	r := withHeaders(jsonRoute(announcementsPath, 200,
		`{"announcements":[{"id":"launch","title":"Acme Community opens to everyone on Monday"}],"viewer":"{{user}}"}`),
		map[string]string{"Cache-Control": "public, max-age=60", "Strict-Transport-Security": hstsValue})
	r.Personal = true
	sc.setRoute("app.acme.example", r)
	sc.Description += " Performance: app.acme.example" + announcementsPath + " is sent Cache-Control: public, max-age=60 " +
		"but names the signed-in member (a \"viewer\" field): cacheable and different per session."
}
