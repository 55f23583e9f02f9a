package endpoint

import (
	"strings"
	"testing"

	"github.com/launchready/launchready/probes"
)

func TestAdminAuthorisation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		fault   func(*app)
		want    string
		summary string
	}{
		{"admins only", nil, "", "anonymous 302 · member 403 · admin 200"},
		{"open to members", func(a *app) { a.adminForMember = true }, "endpoint.admin-open-member/critical", "anonymous 302 · member 200 (opens!) · admin 200"},
		{"open to anyone", func(a *app) { a.adminForAll = true }, "endpoint.admin-open-anonymous/critical,endpoint.admin-open-member/critical", ""},
		{"broken for admins", func(a *app) { a.adminBroken = true }, "endpoint.admin-unavailable/high", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, c.fault)
			cs := setup(t, a.config("json"), a.net, secrets)
			res := run(t, cs["admin page"])
			if got := ids(res); got != c.want {
				t.Fatalf("findings %q, want %q (%s, err %q)", got, c.want, res.Summary, res.Err)
			}
			if c.summary != "" && res.Summary != c.summary {
				t.Errorf("summary %q, want %q", res.Summary, c.summary)
			}
			d := res.Data.(AdminDetail)
			if len(d.Views) != 3 {
				t.Errorf("views: %+v", d.Views)
			}
			for _, f := range res.Findings {
				if f.ID == "endpoint.admin-open-member" && (f.Title != "Admin page opens for a member session" || f.Impact != probes.DataExposure || !strings.Contains(f.Fix, "role")) {
					t.Errorf("finding: %+v", f)
				}
			}
		})
	}
}
