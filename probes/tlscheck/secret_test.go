package tlscheck

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSecretHeadersSentButNeverShown: a host behind basic auth gets its secret header on
// the pane's requests (so its HSTS and page can be read), and the value appears in no
// result, finding, evidence or data.
func TestSecretHeadersSentButNeverShown(t *testing.T) {
	t.Parallel()
	const planted = "Basic planted-secret-7d41"
	p := newPKI(t, frozen, caOpts{org: "Let's Encrypt"})
	got := make(chan string, 16)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Authorization")
		if r.Header.Get("Authorization") != planted {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Set-Cookie", "session=member-session-value")
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<script src="http://cdn.example/a.js"></script>`) // no HSTS: a finding whose evidence holds headers
	})
	l := startLab(t, zoneOnly("corp.example"))
	nc := labNet(l)
	nc.CAFile = p.rootFile(t)
	nc.ConnectTo["staging.corp.example:443"] = serveTLS(t, p.leaf(frozen, []string{"staging.corp.example"}, "", false), handler)
	nc.ConnectTo["staging.corp.example:80"] = serveHTTP(t, handler)
	cfg := "domain: corp.example\ncanonical_url: https://staging.corp.example/\nhosts:\n  - name: staging.corp.example\n    secret_headers: {Authorization: env:LR_STAGING_AUTH}\n"
	res := sweep(t, testEnv(t, cfg, nc, frozen, map[string]string{"LR_STAGING_AUTH": planted}), 5*time.Second)
	close(got)
	sent := 0
	for h := range got {
		if h == planted {
			sent++
		}
	}
	if sent < 3 { // the HTTPS head, port 80, the page
		t.Errorf("the secret header reached the server %d times, want every request", sent)
	}
	if ids(res["mixed-content https://staging.corp.example/"]) != "tls.mixed-active/high" || ids(res["tls staging.corp.example"]) == "" {
		t.Fatalf("the authorised requests did not see the page: %v", res)
	}
	for name, r := range res {
		data, _ := json.Marshal(r.Data)
		all := fmt.Sprintf("%+v %s", r, data)
		for _, leak := range []string{"planted-secret-7d41", "member-session-value"} {
			if strings.Contains(all, leak) {
				t.Errorf("%s: result contains %q", name, leak)
			}
		}
	}
}
