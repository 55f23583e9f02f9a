package perf

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/launchready/launchready/probes/netx"
)

// TestProtocol: HTTP/2 with HTTP/3 in Alt-Svc is noted in the detail and quiet; HTTP/1.1
// only over TLS is a low finding on a public host, saying the check offered h2, and
// nothing on an admin host. A page over plain http is HTTP/1.1 in any browser: the
// protocol line says why, and http1-only (whose fix, turning on HTTP/2, cannot help
// without TLS) is not raised.
func TestProtocol(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, role string
		h2, plain  bool
		want       string // finding IDs
		note       string // in the detail's protocol line
	}{
		{"h2 with h3 advertised", "app", true, false, "", `HTTP/2.0 · HTTP/3 advertised (Alt-Svc: h3=":443"; ma=86400)`},
		{"http/1.1 only on the app", "app", false, false, "perf.http1-only", "HTTP/1.1 · HTTP/3"},
		{"http/1.1 only on an admin host", "admin", false, false, "", "HTTP/1.1 · "},
		{"plain http on the app", "app", false, true, "", "HTTP/1.1 · plain http (browsers speak HTTP/2 only over HTTPS) · "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int64
			inner := site(true, &n)
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Alt-Svc", `h3=":443"; ma=86400`)
				inner.ServeHTTP(w, r)
			})
			scheme, nc := "https", netx.Config{}
			if tc.plain {
				scheme, nc = "http", newPlainServer(t, h)
			} else {
				nc = newServerProto(t, h, tc.h2)
			}
			text := "domain: acme.example\ncanonical_url: https://app.acme.example/\nenvironment: lab\nchecks: {timeout: 3s}\nhosts:\n" +
				"  - {name: app.acme.example, role: " + tc.role + "}\n" +
				"performance:\n  pages:\n    - {name: home, url: " + scheme + "://app.acme.example/, ttfb_budget: 5s}\n"
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
			for _, f := range res.Findings {
				if f.ID == "perf.http1-only" && !strings.Contains(f.Detail, "https://app.acme.example/ answered over HTTP/1.1, though the check's TLS handshake offered h2 (ALPN)") {
					t.Errorf("http1-only detail %q", f.Detail)
				}
			}
		})
	}
}

// newPlainServer starts a plain-http server on 127.0.0.1 and returns the netx config that
// reaches it as the test hosts on port 80.
func newPlainServer(t *testing.T, h http.Handler) netx.Config {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ct := map[string]string{}
	for _, host := range testHosts {
		ct[host+":80"] = srv.Listener.Addr().String()
	}
	return netx.Config{ConnectTo: ct}
}
