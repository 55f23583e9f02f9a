package lab

import (
	"encoding/base64"
	"strings"
)

// exposureFaults plants what the Exposure pane must find (issue 20), on app.acme.example:
// the home page loads a bundle with a live-shaped Stripe secret key beside a publishable
// key (only the secret is a finding) and embeds __NEXT_DATA__ holding a Supabase
// service-role token; the bundle's source map carries a server module with a database
// password; /.env is served; and the app answers 200 with its index page for every other
// path, as a single-page app does (no false alarm). api.acme.example stays the healthy host.
//
// Every value is fake and built here at run time from parts, so this repository holds no
// string a secret scanner (ours, gitleaks, a host's push protection) takes for a key.
func (sc *Scenario) exposureFaults() {
	sc.Description += " Exposure: app.acme.example's bundle ships a live-shaped Stripe secret key beside its " +
		"publishable key, its home page embeds a Supabase service-role token in __NEXT_DATA__, the bundle's " +
		"source map carries server code with a database password, /.env is served, and the app answers 200 " +
		"with its index page for any path (a single-page app: not an exposure)."
	stripeSecret := "sk_" + "live_" + "51AcmeLab" + "DoNotUse7Qx2Rm9Tk4"
	stripePublic := "pk_" + "live_" + "51AcmeLab" + "Publishable3Vn8"
	serviceRole := labJWT("service_role")
	dbPassword := "Hx7" + "Lq2Vz9" + "Mw4Kp8"

	bundle := `(()=>{"use strict";const e={stripePublishable:"` + stripePublic + `"};` +
		`function t(){return fetch("/api/checkout",{method:"POST"})}` +
		`const n=window.Stripe?window.Stripe(e.stripePublishable):null;` +
		`const r="` + stripeSecret + `";` + // the leak: a server key inlined by the build
		`window.acme={checkout:t,stripe:n,r};})();` + "\n//# sourceMappingURL=app.js.map\n"
	server := "import { Pool } from 'pg'\n\nconst password = \"" + dbPassword + "\"\n" +
		"export const db = new Pool({ host: 'db.internal', user: 'acme', password })\n"
	sourceMap := `{"version":3,"file":"app.js","sources":["webpack://acme/./src/checkout.js","webpack://acme/./server/db.js"],` +
		`"sourcesContent":["export function checkout() { return fetch('/api/checkout', {method: 'POST'}) }\n",` +
		jsonString(server) + `],"names":[],"mappings":"AAAA"}`
	nextData := `<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}},"runtimeConfig":{"supabaseUrl":"https://acme.supabase.example","supabaseKey":"` +
		serviceRole + `"},"page":"/","buildId":"lab"}</script>`
	env := "NODE_ENV=production\nDATABASE_URL=postgres://acme@db.internal/acme\nSTRIPE_SECRET_KEY=" + stripeSecret + "\n"

	for i := range sc.Sites {
		if sc.Sites[i].Host != "app.acme.example" {
			continue
		}
		for j, r := range sc.Sites[i].HTTPS {
			if r.Path == "/" {
				r.Body = strings.Replace(r.Body, "</head>", `<script src="/static/app.js" defer></script>`+"\n"+nextData+"\n</head>", 1)
				sc.Sites[i].HTTPS[j] = r
			}
		}
		index := ""
		for _, r := range sc.Sites[i].HTTPS {
			if r.Path == "/" {
				index = r.Body
			}
		}
		sc.Sites[i].HTTPS = append(sc.Sites[i].HTTPS,
			Route{Path: "/static/app.js", Body: bundle, Headers: map[string]string{"Content-Type": "text/javascript"}},
			Route{Path: "/static/app.js.map", Body: sourceMap, Headers: map[string]string{"Content-Type": "application/json"}},
			Route{Path: "/.env", Body: env, Headers: map[string]string{"Content-Type": "text/plain"}},
			// The single-page app's fallback: its index page, 200, for any other path.
			Route{Path: "/*", Body: index, Headers: map[string]string{"Content-Type": "text/html; charset=utf-8"}},
		)
	}
}

// labJWT is a Supabase-shaped token with a role claim and a signature no key made.
func labJWT(role string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
		enc([]byte(`{"iss":"supabase","ref":"acmelab","role":"`+role+`","iat":1700000000,"exp":2000000000}`)) + "." +
		"AcmeLab" + "NotASignature4Qz8Wx2Rv6"
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
