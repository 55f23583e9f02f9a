package endpoint

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// limiter answers 401 to sign-in attempts and 429 from attempt limit+1 (0: never).
func limiter(t *testing.T, limit int64) (*server, *atomic.Int64) {
	var n atomic.Int64
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if k := n.Add(1); limit > 0 && k > limit {
			w.Header().Set("Retry-After", "60")
			w.WriteHeader(429)
			return
		}
		w.WriteHeader(401)
	}))
	return srv, &n
}

func TestRateLimitProbe(t *testing.T) {
	t.Parallel()
	t.Run("limited", func(t *testing.T) {
		t.Parallel()
		srv, n := limiter(t, 5)
		cs := setup(t, cfgText("  rate_limits:\n    - {name: login, url: %s/login, body: 'email=probe%%40acme.example&password=wrong', max_requests: 30}\n", srv.URL), srv.net, nil)
		res := run(t, cs["login"])
		d := res.Data.(RateLimitDetail)
		if ids(res) != "" || d.LimitedAt != 6 || d.RetryAfter != "60" || res.Metrics["requests_until_429"] != 6 {
			t.Errorf("%q %+v %v", ids(res), d, res.Metrics)
		}
		if got := n.Load(); got != 6 {
			t.Errorf("the probe sent %d requests; it must stop at the first 429 (the 6th)", got)
		}
	})
	t.Run("not limited", func(t *testing.T) {
		t.Parallel()
		srv, n := limiter(t, 0)
		cs := setup(t, cfgText("  rate_limits:\n    - {name: login, url: %s/login, body: 'email=probe%%40acme.example&password=wrong', max_requests: 50, timeout: 10s}\n", srv.URL), srv.net, nil)
		res := run(t, cs["login"])
		if ids(res) != "endpoint.no-rate-limit/medium" || !strings.HasPrefix(res.Findings[0].Title, "Login is not rate limited (50 requests") {
			t.Fatalf("%q %v (err %q)", ids(res), res.Findings, res.Err)
		}
		if got := n.Load(); got != 50 {
			t.Errorf("sent %d requests, the bound is 50", got)
		}
		if res.Metrics["rate_limited"] != 0 {
			t.Errorf("metrics %v", res.Metrics)
		}
	})
	t.Run("the bound is enforced", func(t *testing.T) {
		t.Parallel()
		msg := buildErr(t, cfgText("  rate_limits:\n    - {name: login, url: https://app.acme.example/login, max_requests: 500}\n"))
		if !strings.Contains(msg, "max_requests: 500 is out of range; use 2 to 50") {
			t.Errorf("%s", msg)
		}
	})
	t.Run("a hanging server ends in an error, not a hang", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
		cs := setup(t, cfgText("  rate_limits:\n    - {name: login, url: %s/login, timeout: 300ms, max_requests: 10}\n", srv.URL), srv.net, nil)
		start := time.Now()
		res := run(t, cs["login"])
		if res.Err == "" || time.Since(start) > 3*time.Second {
			t.Errorf("err %q after %s", res.Err, time.Since(start))
		}
	})
}
