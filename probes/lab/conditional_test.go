package lab

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestNotModified: the lab answers a conditional request as a web server does, so the
// healthy world's assets pass the Performance pane's revalidation check.
func TestNotModified(t *testing.T) {
	t.Parallel()
	etag := http.Header{"Etag": {`"abc"`}}
	lm := http.Header{"Last-Modified": {"Mon, 07 Dec 2026 10:00:00 GMT"}}
	for _, tc := range []struct {
		name   string
		method string
		hdr    map[string]string
		resp   http.Header
		want   bool
	}{
		{"matching etag", "GET", map[string]string{"If-None-Match": `"abc"`}, etag, true},
		{"weak match", "GET", map[string]string{"If-None-Match": `W/"zzz", W/"abc"`}, etag, true},
		{"star", "HEAD", map[string]string{"If-None-Match": "*"}, etag, true},
		{"other etag", "GET", map[string]string{"If-None-Match": `"old"`}, etag, false},
		{"no validator", "GET", map[string]string{"If-None-Match": `"abc"`}, http.Header{}, false},
		{"post", "POST", map[string]string{"If-None-Match": `"abc"`}, etag, false},
		{"same date", "GET", map[string]string{"If-Modified-Since": "Mon, 07 Dec 2026 10:00:00 GMT"}, lm, true},
		{"unconditional", "GET", nil, etag, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, "https://app.acme.example/static/a.js", nil)
			for k, v := range tc.hdr {
				req.Header.Set(k, v)
			}
			if got := notModified(req, tc.resp); got != tc.want {
				t.Errorf("notModified = %v, want %v", got, tc.want)
			}
		})
	}
}
