package endpoint

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestCutBodyIsSaid: a body longer than bodyLimit is read up to the cap, and every
// finding that judges its content says only the first MiB was read; the same judgement
// on a whole body says nothing of the kind.
func TestCutBodyIsSaid(t *testing.T) {
	t.Parallel()
	const note = "only the first 1 MiB of the body was read"
	pad := strings.Repeat("<p>launch week</p>\n", bodyLimit/19+1000)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		switch r.URL.Path {
		case "/big":
			fmt.Fprint(w, "<html><h1>Acme</h1>"+pad+"<p>Welcome back</p></html>")
		case "/bigjson":
			fmt.Fprintf(w, `{"padding":%q,"status":"ok"}`, pad)
		case "/small":
			fmt.Fprint(w, "<html><h1>Acme</h1></html>")
		}
	}))
	cases := []struct {
		name, yaml string
		cut        bool
	}{
		{"lacks", `{name: c, url: %s/big, expect: {body_contains: [Welcome back]}}`, true},
		{"regex", `{name: c, url: %s/big, expect: {body_regex: 'Welcome\s+back'}}`, true},
		{"json", `{name: c, url: %s/bigjson, expect: {json: {status: ok}}}`, true},
		{"lacks, whole body", `{name: c, url: %s/small, expect: {body_contains: [Welcome back]}}`, false},
		{"forbidden string found in the part read", `{name: c, url: %s/big, expect: {body_not_contains: [Acme]}}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cs := setup(t, cfgText("  checks:\n    - "+c.yaml+"\n", srv.URL), srv.net, nil)
			res := run(t, cs["c"])
			if len(res.Findings) != 1 {
				t.Fatalf("findings %q, want one (%s %s)", ids(res), res.Summary, res.Err)
			}
			f := res.Findings[0]
			for _, field := range []struct{ name, text string }{{"title", f.Title}, {"observed", f.Observed}} {
				if got := strings.Contains(field.text, note); got != c.cut {
					t.Errorf("%s %q: says the body was cut = %v, want %v", field.name, field.text, got, c.cut)
				}
			}
		})
	}
}

// TestCutLoginBodyIsSaid: a sign-in whose answer must contain a text, and whose answer
// is cut at the cap before it, says the body was cut.
func TestCutLoginBodyIsSaid(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "s1", Path: "/"})
		fmt.Fprint(w, strings.Repeat("x", bodyLimit)+"Signed in")
	}))
	cs := setup(t, cfgText(`  sessions:
    - name: member
      login:
        url: %s/login
        fields: {email: member@acme.example}
        cookie: sid
        success_contains: Signed in
`, srv.URL), srv.net, nil)
	res := run(t, cs["login member"])
	if len(res.Findings) != 1 || !strings.Contains(res.Findings[0].Observed, "only the first 1 MiB of the body was read") {
		t.Errorf("a sign-in answer cut before %q must say so: %+v", "Signed in", res.Findings)
	}
}
