package perf

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// TestProtocol: HTTP/2 with HTTP/3 in Alt-Svc is noted in the detail and quiet; HTTP/1.1
// only is a low finding on a public host and nothing on an admin host.
func TestProtocol(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, role string
		h2         bool
		want       string // finding IDs
		note       string // in the detail's protocol line
	}{
		{"h2 with h3 advertised", "app", true, "", `HTTP/2.0 · HTTP/3 advertised (Alt-Svc: h3=":443"; ma=86400)`},
		{"http/1.1 only on the app", "app", false, "perf.http1-only", "HTTP/1.1 · "},
		{"http/1.1 only on an admin host", "admin", false, "", "HTTP/1.1 · "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int64
			inner := site(true, &n)
			nc := newServerProto(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Alt-Svc", `h3=":443"; ma=86400`)
				inner.ServeHTTP(w, r)
			}), tc.h2)
			text := "domain: acme.example\ncanonical_url: https://app.acme.example/\nenvironment: lab\nchecks: {timeout: 3s}\nhosts:\n" +
				"  - {name: app.acme.example, role: " + tc.role + "}\n" +
				"performance:\n  pages:\n    - {name: home, url: https://app.acme.example/, ttfb_budget: 5s}\n"
			res := run(t, checks(t, text, nc, nil)["page home"])
			if res.Err != "" {
				t.Fatal(res.Err)
			}
			if got := ids(res); got != tc.want {
				t.Errorf("findings %q, want %q", got, tc.want)
			}
			if d := res.Data.(PageDetail); !strings.Contains(d.Protocol, tc.note) {
				t.Errorf("protocol line %q lacks %q", d.Protocol, tc.note)
			}
		})
	}
}
