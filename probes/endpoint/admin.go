package endpoint

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/httpdiag"
	"github.com/launchready/launchready/probes/netx"
)

// adminCheck fetches an admin URL anonymously, as each member session and as the admin
// session: only the admin may get it. A 200 for anyone else is a member (or anyone) able
// to read or change what only staff should.
type adminCheck struct {
	info    probes.CheckInfo
	name    string
	req     request
	net     *netx.Net
	timeout time.Duration
	members []*session
	admin   *session
	marker  string
	redact  redactor
}

// View is one identity's fetch of an admin URL (AdminDetail.Views).
type View struct {
	As        string  `json:"as"` // "anonymous" or a session name
	Role      string  `json:"role"`
	Status    int     `json:"status"`
	Opened    bool    `json:"opened"` // got the admin page
	LatencyMs float64 `json:"latency_ms"`
	Error     string  `json:"error,omitempty"`
}

// AdminDetail is an admin check's Result.Data.
type AdminDetail struct {
	URL   string `json:"url"`
	Views []View `json:"views"`
}

func (c *adminCheck) Info() probes.CheckInfo { return c.info }

// opened says whether an answer is the admin page: a 2xx, holding the marker when one is
// configured (some apps answer 200 with a "not allowed" page).
func (c *adminCheck) opened(ex *exchange) bool {
	return ex.err == nil && ex.readErr == nil && ex.status >= 200 && ex.status < 300 &&
		(c.marker == "" || bytes.Contains(ex.body, []byte(c.marker)))
}

func (c *adminCheck) Run(ctx context.Context) probes.Result {
	return c.redact.result(c.run(ctx))
}

func (c *adminCheck) run(ctx context.Context) probes.Result {
	d := AdminDetail{URL: c.req.url}
	var findings []probes.Finding
	view := func(as, role string, ex *exchange) View {
		v := View{As: as, Role: role, Status: ex.status, Opened: c.opened(ex), LatencyMs: httpdiag.Ms(ex.total)}
		if ex.err != nil {
			v.Error = httpdiag.Describe(ex.err)
		}
		d.Views = append(d.Views, v)
		return v
	}

	anon := do(ctx, client(c.net, c.timeout, nil), c.req, nil)
	if v := view("anonymous", "anonymous", anon); v.Opened {
		findings = append(findings, c.finding("endpoint.admin-open-anonymous", probes.Critical, probes.DataExposure,
			fmt.Sprintf("Admin page opens without signing in (%d)", anon.status),
			fmt.Sprintf("%s %s answered %s to a request with no session at all: anyone with the link reaches the admin area.", c.req.method, c.req.url, anon.statusLine()),
			fmt.Sprintf("anonymous: HTTP %d, the admin page", anon.status), "anonymous: a redirect to sign in, 401, 403 or 404",
			"Put the admin routes behind an authentication check that runs before any handler (middleware on the whole /admin tree), deploy, and re-run: launchready check --only endpoints",
			anon.ev))
	}
	for _, m := range c.members {
		cl, extra, err := m.client(ctx, c.timeout)
		if err != nil {
			return probes.Result{Err: err.Error(), Data: d}
		}
		ex := do(ctx, cl, c.req, extra)
		if v := view(m.name, "member", ex); v.Opened {
			findings = append(findings, c.finding("endpoint.admin-open-member", probes.Critical, probes.DataExposure,
				"Admin page opens for a member session",
				fmt.Sprintf("Fetched as %s, a member without admin rights, %s %s answered %s with the admin page.", m.describe(), c.req.method, c.req.url, ex.statusLine()),
				fmt.Sprintf("as %s: HTTP %d, the admin page", m.name, ex.status), fmt.Sprintf("as %s: 403 or 404 (or a redirect away)", m.name),
				"Check the role, not just \"signed in\": the admin handlers (or their middleware) must require an admin role. Deploy, then re-run: launchready check --only endpoints",
				ex.ev))
		}
	}
	var adminEx *exchange
	if c.admin != nil {
		cl, extra, err := c.admin.client(ctx, c.timeout)
		if err != nil {
			return probes.Result{Err: err.Error(), Data: d}
		}
		adminEx = do(ctx, cl, c.req, extra)
		if v := view(c.admin.name, "admin", adminEx); !v.Opened {
			observed := adminEx.summary()
			if adminEx.err == nil && c.marker != "" && adminEx.status >= 200 && adminEx.status < 300 {
				observed += fmt.Sprintf(", without %q", c.marker) + adminEx.cutNote()
			}
			findings = append(findings, c.finding("endpoint.admin-unavailable", probes.High, probes.Support,
				fmt.Sprintf("Admin page does not open for an admin (%s)", strings.SplitN(observed, " ·", 2)[0]),
				fmt.Sprintf("Fetched as %s, %s %s did not give the admin page.", c.admin.describe(), c.req.method, c.req.url),
				"as "+c.admin.name+": "+observed, "as "+c.admin.name+": HTTP 2xx with the admin page",
				"Sign in as the admin by hand: if it works there, the admin session's credentials are stale; if not, check the admin route and the role of the admin user.",
				adminEx.ev))
		}
	}
	res := probes.Result{Findings: findings, Data: d, Metrics: map[string]float64{}}
	res.Summary = c.summary(d)
	if adminEx != nil {
		res.Latency = adminEx.total
		res.Metrics["status"] = float64(adminEx.status)
		res.Metrics["latency_ms"] = httpdiag.Ms(adminEx.total)
		res.Metrics["up"] = b2f(c.opened(adminEx))
	}
	return res
}

// summary is "anonymous 302 · member 403 · admin 200".
func (c *adminCheck) summary(d AdminDetail) string {
	parts := make([]string, len(d.Views))
	for i, v := range d.Views {
		mark := ""
		if v.Opened && v.Role != "admin" {
			mark = " (opens!)"
		}
		st := fmt.Sprint(v.Status)
		if v.Error != "" {
			st = v.Error
		}
		parts[i] = v.As + " " + st + mark
	}
	return strings.Join(parts, " · ")
}

func (c *adminCheck) finding(id string, sev probes.Severity, imp probes.Impact, title, detail, observed, expected, fix string, ev []string) probes.Finding {
	return probes.Finding{ID: id, Severity: sev, Impact: imp, Target: c.req.target(), Title: title, Detail: detail,
		Observed: observed, Expected: expected, Fix: fix, Evidence: ev}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
