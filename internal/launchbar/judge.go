package launchbar

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/perf"
	"github.com/launchready/launchready/runbook"
)

func inPane(p probes.Pane) func(probes.Result, *input) bool {
	return func(r probes.Result, _ *input) bool { return r.Pane == p }
}

func paneAtLeast(p probes.Pane, sev probes.Severity) func(probes.Finding, *input) bool {
	return func(f probes.Finding, _ *input) bool { return f.Pane == p && f.Severity >= sev }
}

func idHas(words ...string) func(probes.Finding, *input) bool {
	return func(f probes.Finding, _ *input) bool {
		for _, w := range words {
			if strings.Contains(f.ID, w) {
				return true
			}
		}
		return false
	}
}

func nameHas(words ...string) func(probes.Result, *input) bool {
	return func(r probes.Result, _ *input) bool {
		s := strings.ToLower(r.Check + " " + r.Kind)
		for _, w := range words {
			if strings.Contains(s, w) {
				return true
			}
		}
		return false
	}
}

func hasMetric(names ...string) func(probes.Result, *input) bool {
	return func(r probes.Result, _ *input) bool {
		for _, n := range names {
			if _, ok := r.Metrics[n]; ok {
				return true
			}
		}
		return false
	}
}

func either(a, b func(probes.Result, *input) bool) func(probes.Result, *input) bool {
	return func(r probes.Result, sh *input) bool { return a(r, sh) || b(r, sh) }
}

// coreRoles are the names that must agree with each other: app, api, admin, www.
var coreRoles = []string{"app", "api", "admin", "www"}

func coreHost(target string, sh *input) bool {
	h, ok := sh.Hosts[target]
	if !ok {
		h = HostOf(target)
		sh.Hosts[target] = h
	}
	return slices.Contains(coreRoles, sh.HostRoles[h])
}

// rules is the roadmap's minimum bar, in its order.
var rules = []rule{
	{name: "Domain points to the right environment", reads: "the DNS pane's findings",
		unchecked: "needs the DNS pane's checks", covers: inPane(probes.PaneDNS), breaks: paneAtLeast(probes.PaneDNS, probes.Medium)},
	{name: "SSL on every public route", reads: "Certificates findings; uptime checks' TLS errors and refused HTTPS ports",
		unchecked: "needs HTTPS routes in the config",
		covers: either(inPane(probes.PaneTLS), func(r probes.Result, _ *input) bool {
			return r.Kind == "http" && strings.HasPrefix(r.Target, "https://")
		}),
		breaks: func(f probes.Finding, sh *input) bool {
			return paneAtLeast(probes.PaneTLS, probes.High)(f, sh) || f.ID == "http.tls-error" ||
				(f.ID == "http.unreachable" && strings.HasPrefix(f.Target, "https://"))
		}},
	{name: "Redirects intentional and tested", reads: "http→https and canonical-host redirect checks (Certificates pane)",
		unchecked: "needs the Certificates pane's redirect checks",
		covers:    hasMetric("http_redirect_status"), breaks: idHas("redirect")},
	{name: "app, api, admin and www consistent", reads: "every high or critical finding on the hosts with those roles",
		unchecked: "no host in the config has the role app, api, admin or www",
		covers:    func(r probes.Result, sh *input) bool { return coreHost(r.Target, sh) },
		breaks: func(f probes.Finding, sh *input) bool {
			return f.Severity >= probes.High && coreHost(f.Target, sh)
		}},
	{name: "Edge protection in front", reads: "Cloudflare or an equivalent proxy in front of the public hosts, from the DNS pane's proxied metric (addresses in the proxy's ranges) and proxy findings",
		judge: judgeEdge},
	{name: "DNS documented, no drift", reads: "the DNS map in launchready.yaml against the DNS pane's findings",
		unchecked: "the map is in launchready.yaml; drift needs the DNS pane", covers: inPane(probes.PaneDNS), breaks: paneAtLeast(probes.PaneDNS, probes.Medium)},
	{name: "SPF, DKIM and DMARC set", reads: "the Email pane's findings (medium and above)",
		unchecked: "needs the Email pane's checks", covers: inPane(probes.PaneEmail), breaks: paneAtLeast(probes.PaneEmail, probes.Medium)},
	{name: "Deployment repeatable", reads: "a deploy runbook in the runbooks folder and how its last finished run went (the Runbooks pane)",
		judge: judgeDeploy},
	{name: "Secrets separated from code", reads: "the last `launchready secrets scan` of the app's repository (clean, and of the current HEAD) and the Exposure pane's bundle and exposed-file checks",
		judge: judgeSecrets},
	{name: "Uptime monitoring running", reads: "endpoints results arriving in this console",
		judge: judgeUptime},
	{name: "Handover checklist written", reads: "the Endpoints pane's handover pack check: the state folder's record of the last `launchready handover` against the config and the runbook runs",
		judge: judgeHandover},
	{name: "Login and signup tested", membership: true,
		reads: "the last `launchready load` runs of the login and sign-up flows (state folder), and login, signup and smoke findings",
		judge: judgeLoginSignup},
	{name: "Webhooks verified end to end", membership: true, reads: "webhook replay checks (webhook_failures) and webhook findings",
		unchecked: "needs the Endpoints pane's signed webhook replays",
		covers:    either(hasMetric("webhook_failures"), nameHas("webhook")), breaks: idHas("webhook")},
	{name: "Caching safe for member data", membership: true, reads: "member-only page checks and cache findings",
		unchecked: "needs the Endpoints pane's member-page cache checks",
		covers:    nameHas("cache", "member"), breaks: idHas("cache")},
	{name: "Admin protected by authorisation", membership: true, reads: "admin authorisation checks and their findings",
		unchecked: "needs the Endpoints pane's admin authorisation check",
		covers: func(r probes.Result, sh *input) bool {
			// The uptime GET of the admin host proves nothing about who may open it.
			return r.Pane == probes.PaneEndpoints && r.Kind != "http" && nameHas("admin", "authz")(r, sh)
		}, breaks: idHas("admin", "authz")},
	{name: "Error logging connected", membership: true, reads: "the Errors pane reading the app's logs",
		judge: judgeErrors},
}

func judge(rule rule, sh *input, res []probes.Result, fs []probes.Finding) Item {
	covered := 0
	for _, r := range res {
		if r.Err == "" && rule.covers(r, sh) {
			covered++
		}
	}
	var broken []probes.Finding
	for _, f := range fs {
		if rule.breaks(f, sh) {
			broken = append(broken, f)
		}
	}
	switch {
	case len(broken) > 0:
		w := broken[0]
		why := fmt.Sprintf("%s: %s", ShortTarget(w.Target), w.Title)
		if len(broken) > 1 {
			why += fmt.Sprintf(" (+%d more)", len(broken)-1)
		}
		return Item{State: NotMet, Why: why, Findings: broken}
	case covered == 0:
		return Item{State: Unchecked, Why: rule.unchecked}
	}
	return Item{State: Met, Why: plural(covered, "check") + ", nothing wrong"}
}

// judgeEdge is met only when a public host really sits behind the proxy: no finding is
// not the same as protection, since a config that never asked for a proxy has none.
func judgeEdge(sh *input) Item {
	var broken []probes.Finding
	for _, f := range sh.Findings {
		if idHas("proxied", "proxy", "edge")(f, sh) {
			broken = append(broken, f)
		}
	}
	if len(broken) > 0 {
		return Item{State: NotMet, Why: fmt.Sprintf("%s: %s", ShortTarget(broken[0].Target), broken[0].Title), Findings: broken}
	}
	seen, behind := 0, []string{}
	for _, r := range sh.Results {
		v, ok := r.Metrics["proxied"]
		if !ok || r.Err != "" {
			continue
		}
		seen++
		if v == 1 {
			behind = append(behind, ShortTarget(r.Target))
		}
	}
	switch {
	case seen == 0:
		return Item{State: Unchecked, Why: "needs the DNS pane (proxied)"}
	case len(behind) == 0:
		return Item{State: NotMet, Why: fmt.Sprintf("none of %s resolves into Cloudflare's ranges: nothing filters attacks or floods before the origin", plural(seen, "host"))}
	}
	return Item{State: Met, Why: fmt.Sprintf("%d of %d hosts behind Cloudflare: %s", len(behind), seen, strings.Join(behind, ", "))}
}

func judgeUptime(sh *input) Item {
	b := sh
	// The handover pack check sits in the Endpoints pane but watches nothing.
	var eps []probes.CheckInfo
	for _, c := range b.checksIn(probes.PaneEndpoints) {
		if c.Kind != "handover" {
			eps = append(eps, c)
		}
	}
	if len(eps) == 0 {
		return Item{State: NotMet, Why: "no uptime checks: add hosts to launchready.yaml"}
	}
	ran := 0
	for _, c := range eps {
		if _, ok := b.result(c.Name); ok {
			ran++
		}
	}
	if ran == 0 {
		return Item{State: Unchecked, Why: "waiting for the first results"}
	}
	return Item{State: Met, Why: fmt.Sprintf("%s, every %s, last %s", plural(len(eps), "endpoint"), durText(b.every(eps[0])), clock(b.LastSweep))}
}

func judgeErrors(sh *input) Item {
	b := sh
	cs := b.checksIn(probes.PaneErrors)
	if len(cs) == 0 {
		return Item{State: Unchecked, Why: "needs the Errors pane's log tailing"}
	}
	reading := 0
	for _, c := range cs {
		r, ok := b.result(c.Name)
		if !ok {
			continue
		}
		if r.Err != "" {
			return Item{State: NotMet, Why: "cannot read the app's logs: " + r.Err}
		}
		reading++
	}
	if reading == 0 {
		return Item{State: Unchecked, Why: "waiting for the first results"}
	}
	return Item{State: Met, Why: plural(reading, "log source") + " read"}
}

// judgeDeploy: deployment is repeatable when a deploy runbook exists and its last
// finished run succeeded.
func judgeDeploy(sh *input) Item {
	rs := sh.Runbooks
	if rs != nil && rs.Off != "" {
		return Item{State: Unchecked, Why: rs.Off}
	}
	if rs == nil || !rs.Loaded {
		return Item{State: Unchecked, Why: "the Runbooks pane has not read the runbooks folder yet"}
	}
	name := runbook.DeployName(rs.Names)
	if name == "" {
		return Item{State: NotMet, Why: "no deploy runbook: `launchready runbook init` writes one to adapt"}
	}
	last, ok := rs.Last[name]
	switch {
	case !ok:
		return Item{State: Unchecked, Why: "runbook " + name + " exists and has not run to an end yet"}
	case last.Status == runbook.StatusSucceeded:
		return Item{State: Met, Why: fmt.Sprintf("runbook %s last succeeded %s by %s", name, last.Started.Format("Jan 2 15:04"), last.Operator)}
	}
	return Item{State: NotMet, Why: fmt.Sprintf("runbook %s's last run %s (%s, %s): launchready runbook log %s", name, runWord(last.Status), last.ID, last.Started.Format("Jan 2 15:04"), last.ID)}
}

// judgeSecrets is met when the repository's last scan is clean and of its current HEAD, and
// what the site ships and serves holds no secret: a clean scan of old code, or clean code
// with a key in the bundle, is not separation.
func judgeSecrets(sh *input) Item {
	var broken []probes.Finding
	for _, f := range sh.Findings {
		if f.Pane == probes.PaneExposure && f.Severity >= probes.Medium {
			broken = append(broken, f)
		}
	}
	if len(broken) > 0 {
		w := broken[0]
		why := fmt.Sprintf("%s: %s", ShortTarget(w.Target), w.Title)
		if len(broken) > 1 {
			why += fmt.Sprintf(" (+%d more)", len(broken)-1)
		}
		return Item{State: NotMet, Why: why, Findings: broken}
	}
	var repo *probes.Result
	live := 0
	for _, r := range sh.Results {
		if r.Pane != probes.PaneExposure || r.Err != "" {
			continue
		}
		if r.Kind == "repo-secrets" {
			r := r
			repo = &r
			continue
		}
		live++
	}
	own := "launchready's config holds no secrets"
	if sh.SecretRefs > 0 {
		own = fmt.Sprintf("launchready's config holds %d, by reference only", sh.SecretRefs)
	}
	switch {
	case repo == nil || repo.Metrics["repo_scan_recorded"] == 0:
		return Item{State: Unchecked, Why: "the app's code is not scanned: run `launchready secrets scan` in its repository; " + own}
	case repo.Metrics["repo_scan_current"] == 0:
		return Item{State: Unchecked, Why: "the repository moved since its last scan: run `launchready secrets scan` again"}
	case live == 0:
		return Item{State: Unchecked, Why: "repository clean; waiting for the Exposure pane's bundle and exposed-file checks"}
	}
	return Item{State: Met, Why: fmt.Sprintf("repository clean at its HEAD, %s of bundles and public files clean; %s", plural(live, "check"), own)}
}

// judgeLoginSignup is met only by a recent load run in which both the login and the
// sign-up held (probes/perf's "load record"): a smoke test signs in once, which says
// nothing of a launch-day spike. Login, signup and smoke findings, and a recent run that
// did not hold, make it not met.
func judgeLoginSignup(sh *input) Item {
	var broken []probes.Finding
	for _, f := range sh.Findings {
		if f.ID == "perf.load-not-held" || idHas("login", "signup", "smoke")(f, sh) {
			broken = append(broken, f)
		}
	}
	if len(broken) > 0 {
		w := broken[0]
		why := fmt.Sprintf("%s: %s", ShortTarget(w.Target), w.Title)
		if len(broken) > 1 {
			why += fmt.Sprintf(" (+%d more)", len(broken)-1)
		}
		return Item{State: NotMet, Why: why, Findings: broken}
	}
	run := "run `" + perf.LoadCommand + "`"
	var rec *probes.Result
	for _, r := range sh.Results {
		if r.Kind == "perf-load" {
			r := r
			rec = &r
		}
	}
	switch {
	case rec == nil:
		return Item{State: Unchecked, Why: "needs performance.load flows and a load run: " + run}
	case rec.Err != "":
		return Item{State: Unchecked, Why: "cannot read the last load run: " + rec.Err}
	case rec.Metrics["load_recorded"] == 0:
		return Item{State: Unchecked, Why: "no load run recorded: " + run + " against staging"}
	}
	fresh := perf.LoadFresh.Hours()
	for _, role := range []string{"login", "signup"} {
		held, ok := rec.Metrics["load_"+role+"_held"]
		age := rec.Metrics["load_"+role+"_age_h"]
		switch {
		case !ok:
			return Item{State: Unchecked, Why: "no load run of the " + role + " flow: " + run}
		case age > fresh:
			return Item{State: Unchecked, Why: fmt.Sprintf("the last %s load run is %.0f days old: %s again", role, age/24, run)}
		case rec.Metrics["load_"+role+"_before_deploy"] == 1:
			// A run before the last deploy tested code that is no longer served.
			return Item{State: NotMet, Why: role + " load-tested before the last deploy: " + run + " again"}
		case held == 0:
			return Item{State: NotMet, Why: "the last load run: " + role + " did not hold its rate"}
		}
	}
	return Item{State: Met, Why: strings.TrimPrefix(rec.Summary, "last load runs: ")}
}

// writeHandover is the command that writes the pack, as the launch bar says it.
const writeHandover = "`launchready handover -o handover/`"

// judgeHandover is the roadmap's "a handover checklist tells you what breaks first": met
// when a pack is written, not older than the config or the last runbook run, and names an
// owner for every system. A pack nobody could act on (a system with no owner) or one that
// describes last week's product is not a handover.
func judgeHandover(sh *input) Item {
	b := sh
	var r *probes.Result
	for _, res := range b.Results {
		if res.Kind == "handover" {
			res := res
			r = &res
			break
		}
	}
	if r == nil {
		for _, c := range b.Checks {
			if c.Kind == "handover" {
				return Item{State: Unchecked, Why: "waiting for the first results"}
			}
		}
		return Item{State: Unchecked, Why: "needs a state folder, where " + writeHandover + " records the pack"}
	}
	switch {
	case r.Err != "":
		return Item{State: NotMet, Why: "cannot read the handover record: " + r.Err}
	case r.Metrics["handover_pack"] == 0:
		return Item{State: Unchecked, Why: "no handover pack yet: run " + writeHandover}
	}
	var broken []probes.Finding
	var whys []string
	for _, f := range r.Findings {
		if f.Severity < probes.Medium {
			continue
		}
		broken = append(broken, f)
		if f.ID == "handover.stale" {
			whys = append(whys, "pack out of date: "+f.Observed)
		} else {
			whys = append(whys, f.Title)
		}
	}
	if len(broken) > 0 {
		return Item{State: NotMet, Why: strings.Join(whys, "; "), Findings: broken}
	}
	return Item{State: Met, Why: r.Summary}
}

// HostOf is the host name of a target URL or a bare host (the console's detail and
// "since start" lines use it too).
func HostOf(target string) string {
	if strings.Contains(target, "://") {
		if u, err := url.Parse(target); err == nil {
			return u.Hostname()
		}
	}
	if h, _, err := net.SplitHostPort(target); err == nil {
		return h
	}
	return strings.TrimSuffix(target, ".")
}

// ShortTarget drops a URL's scheme and trailing slash for the narrow launch bar and the
// console's risk list.
func ShortTarget(t string) string {
	t = strings.TrimPrefix(strings.TrimPrefix(t, "https://"), "http://")
	return strings.TrimSuffix(t, "/")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// durText prints an interval the way people say it: "15s", "1m", "1h30m".
func durText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("15:04:05")
}

func runWord(status string) string {
	switch status {
	case runbook.StatusRolledBack:
		return "rolled back"
	case runbook.StatusRollbackFailed:
		return "rollback failed"
	}
	return status
}
