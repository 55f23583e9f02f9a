package perf

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestAPICheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, cacheControl string
		perSession         bool
		want, summary      string
	}{
		{"same for everyone, cached", "public, max-age=60", false, "", "cached: public, max-age=60"},
		{"same for everyone, uncached", "", false, "perf.api-uncached", "the same for everyone, not cached"},
		{"no-store counts as uncached", "no-store", false, "perf.api-uncached", "the same for everyone, not cached"},
		{"per session and cacheable leaks", "public, max-age=60", true, "perf.api-cacheable-per-session", "cacheable and differs per session"},
		{"per session and private is right", "private, no-store", true, "", "per session, not cacheable (right)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			nc := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				viewer := "anonymous"
				if c, err := r.Cookie("sid"); err == nil && tc.perSession {
					viewer = c.Value
				}
				if tc.cacheControl != "" {
					w.Header().Set("Cache-Control", tc.cacheControl)
				}
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"plans":["basic","pro"],"viewer":%q}`, viewer)
			}))
			cs := checks(t, cfgText(`endpoints:
  sessions:
    - {name: ann, cookies: {sid: env:ANN_SID}}
    - {name: bob, cookies: {sid: env:BOB_SID}}
performance:
  apis:
    - {name: plans, url: https://api.acme.example/v1/plans, sessions: [ann, bob]}
`), nc, map[string]string{"ANN_SID": "s-ann-1", "BOB_SID": "s-bob-2"})
			res := run(t, cs["api plans"])
			if res.Err != "" {
				t.Fatalf("err: %s", res.Err)
			}
			if got := ids(res); got != tc.want {
				t.Fatalf("findings %q, want %q", got, tc.want)
			}
			if res.Summary != tc.summary {
				t.Errorf("summary %q, want %q", res.Summary, tc.summary)
			}
			for _, f := range res.Findings {
				if strings.Contains(strings.Join(append(f.Evidence, f.Detail, f.Title, f.Observed), " "), "s-ann-1") {
					t.Errorf("a session value leaked into finding %s", f.ID)
				}
				if f.ID == "perf.api-cacheable-per-session" && !strings.Contains(f.Title, "viewer") {
					t.Errorf("title %q does not name the differing field", f.Title)
				}
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, section, want string }{
		{"host not in config", "  pages:\n    - {url: https://elsewhere.example/}\n", "elsewhere.example is not one of the config's hosts"},
		{"unknown session", "  apis:\n    - {url: https://api.acme.example/x, sessions: [nobody]}\n", `"nobody" is not a session`},
		{"rate over ceiling", "  load: {max_rate: 5000}\n", "5000 is out of range"},
		{"signup without domain", "  load:\n    flows:\n      - {name: signup, url: https://app.acme.example/signup, body: 'email={{email}}'}\n", "signup_domain: is missing"},
		{"flow to another host", "  load:\n    flows:\n      - {name: x, url: https://victim.example/}\n", "victim.example is not one of the config's hosts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := testEnv(t, cfgText("performance:\n%s", tc.section), newServerless())
			_, err := Kind.Build(e)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to say %q", err, tc.want)
			}
		})
	}
}
