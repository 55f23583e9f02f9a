package endpoint

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-cache")
		switch r.URL.Path {
		case "/good":
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'") // frame protection via CSP
		case "/partial":
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "ALLOW-FROM https://x.example") // not protection
		}
		fmt.Fprint(w, "<p>page</p>")
	}))
	cs := setup(t, cfgText(`  checks:
    - {name: good, url: %[1]s/good, security_headers: true}
    - {name: partial, url: %[1]s/partial, security_headers: true}
    - {name: unchecked, url: %[1]s/partial}
`, srv.URL), srv.net, nil)
	if got := ids(run(t, cs["good"])); got != "" {
		t.Errorf("good: %q", got)
	}
	if got := ids(run(t, cs["unchecked"])); got != "" {
		t.Errorf("security headers are opt-in: %q", got)
	}
	res := run(t, cs["partial"])
	if ids(res) != "endpoint.security-headers/low" {
		t.Fatalf("partial: %q", ids(res))
	}
	f := res.Findings[0]
	if f.Title != "Partial lacks security headers: frame protection, Referrer-Policy, Content-Security-Policy" ||
		!strings.Contains(f.Fix, "X-Frame-Options: DENY") || !strings.Contains(f.Fix, "Referrer-Policy: strict-origin-when-cross-origin") {
		t.Errorf("finding: %+v", f)
	}
}
