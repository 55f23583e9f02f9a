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

// TestPersonalRoute: a Personal route answers everyone (no redirect to /login) and names
// the signed-in user only to a request with a session cookie.
func TestPersonalRoute(t *testing.T) {
	t.Parallel()
	tb := newRouteTable([]Route{{Path: "/api/hello", Body: `{"viewer":"{{user}}"}`, Personal: true}}, "", make(chan struct{}))
	tb.auth.sessions["tok"] = User{Email: "member@acme.example", Role: RoleMember}
	for _, tc := range []struct {
		name, cookie, want string
	}{
		{"anonymous", "", `{"viewer":""}`},
		{"signed in", "tok", `{"viewer":"member@acme.example"}`},
		{"stale cookie", "gone", `{"viewer":""}`},
	} {
		req := httptest.NewRequest("GET", "https://app.acme.example/api/hello", nil)
		if tc.cookie != "" {
			req.AddCookie(&http.Cookie{Name: tb.auth.cookie, Value: tc.cookie})
		}
		w := httptest.NewRecorder()
		tb.ServeHTTP(w, req)
		if w.Code != 200 || w.Body.String() != tc.want {
			t.Errorf("%s: %d %s, want 200 %s", tc.name, w.Code, w.Body, tc.want)
		}
	}
}
