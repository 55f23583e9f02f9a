package httpdiag

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ShownHeaders are response headers that help diagnose and carry no member data: what
// served the answer, what it is, where it sends you, and how caches treat it.
var ShownHeaders = []string{"Server", "Content-Type", "Location", "Cache-Control", "Cf-Cache-Status", "Cf-Ray", "Age",
	"X-Cache", "Via", "Vary", "Expires", "Retry-After"}

// Evidence is the first line of a finding's evidence for one exchange ("GET URL -> HTTP/2
// 200 OK · 183 ms") and the diagnostic headers. Cookies are counted, never shown: a
// Set-Cookie value is a member's session.
func Evidence(method, url string, resp *http.Response, total time.Duration, extra ...string) []string {
	ev := []string{fmt.Sprintf("%s %s -> %s %s · %s", method, url, resp.Proto, resp.Status, Round(total))}
	for _, h := range append(ShownHeaders, extra...) {
		if v := resp.Header.Get(h); v != "" {
			ev = append(ev, strings.ToLower(h)+": "+clip(v, 200))
		}
	}
	if n := len(resp.Header.Values("Set-Cookie")); n > 0 {
		ev = append(ev, fmt.Sprintf("set-cookie: %d cookie(s), values not shown", n))
	}
	return ev
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
