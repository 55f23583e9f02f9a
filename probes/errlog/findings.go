package errlog

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/probes"
)

// result turns a snapshot into the check's Result: findings, summary, metrics, data.
func (c *Check) result(s Snapshot) probes.Result {
	var fs []probes.Finding
	down := 0
	for _, src := range s.Sources {
		if f, ok := c.sourceFinding(src); ok {
			fs = append(fs, f)
			if src.State == StateError {
				down++
			}
		}
	}
	if f, ok := c.rateFinding(s); ok {
		fs = append(fs, f)
	}
	for _, g := range s.Groups {
		if c.isNew(g, s.At) {
			fs = append(fs, c.newGroupFinding(g))
		}
	}
	if f, ok := c.secretsFinding(s); ok {
		fs = append(fs, f)
	}
	return probes.Result{
		Summary:  summary(s),
		Findings: fs,
		Metrics: map[string]float64{
			"errors_per_min":   round1(s.ErrorsPerMin),
			"groups":           float64(len(s.Groups)),
			"new_groups":       float64(s.NewGroups),
			"errors":           float64(s.Errors),
			"lines":            float64(s.Lines),
			"evicted_groups":   float64(s.EvictedGroups),
			"sources":          float64(len(s.Sources)),
			"sources_down":     float64(down),
			"unleveled_traces": float64(s.UnleveledTraces),
		},
		Data: s,
	}
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

func summary(s Snapshot) string {
	var parts []string
	for _, src := range s.Sources {
		if src.State != StateFollowing {
			parts = append(parts, src.Name+": "+src.State)
		}
	}
	parts = append(parts, fmt.Sprintf("%d error groups (%d new)", len(s.Groups), s.NewGroups),
		fmt.Sprintf("%.1f errors/min", s.ErrorsPerMin), fmt.Sprintf("%d lines read", s.Lines))
	if s.UnleveledTraces > 0 {
		parts = append(parts, plural(int(s.UnleveledTraces), "stack trace", "stack traces")+" without a level")
	}
	return strings.Join(parts, " · ")
}

func (c *Check) finding(id string, sev probes.Severity, imp probes.Impact, target, title, detail, observed, expected, fix string, ev []string) probes.Finding {
	return probes.Finding{ID: id, Severity: sev, Impact: imp, Target: target, Title: title, Detail: detail,
		Observed: observed, Expected: expected, Fix: fix, Evidence: ev}
}

// sourceFinding: a source that cannot be read means errors happen unseen.
func (c *Check) sourceFinding(src SourceStatus) (probes.Finding, bool) {
	target := src.Kind + " " + src.Target
	switch src.State {
	case StateError:
		fix := "Fix what the error says; the source is retried on its own and the pane fills as soon as it can read."
		if src.Kind == "command" {
			fix = fmt.Sprintf("Run the command by hand to see why it stops: %s; then fix its access (login, context, permissions). launchready restarts it on its own.", src.Target)
		}
		return c.finding("errors.source-down", probes.High, probes.Support, target,
			fmt.Sprintf("Cannot read the %s log: errors go unseen", src.Name),
			fmt.Sprintf("The %s source (%s) is in error: %s. Until it is fixed, the Errors pane cannot show what fails for members.", src.Name, target, src.Error),
			src.Error, "the source following its log", fix,
			[]string{fmt.Sprintf("%s · state %s since %s · %d lines read · %d restarts", src.Name, src.State, clock(src.Since), src.Lines, src.Restarts)}), true
	case StateWaiting:
		return c.finding("errors.source-waiting", probes.Medium, probes.Support, target,
			fmt.Sprintf("The %s log file is not there", src.Name),
			src.Error+". If the app logs somewhere else, errors go unseen.",
			src.Target+" does not exist", "the log file the app writes to",
			"Check the path in errors.sources against where the app writes its log (ls -l the folder); if the app has not started yet, this clears when it writes its first line.",
			[]string{fmt.Sprintf("%s · waiting since %s", src.Name, clock(src.Since))}), true
	}
	return probes.Finding{}, false
}

// rateFinding: errors arriving faster than the thresholds, over the last five minutes.
func (c *Check) rateFinding(s Snapshot) (probes.Finding, bool) {
	sev := probes.Info
	limit := c.set.rateHigh
	switch {
	case s.ErrorsPerMin >= c.set.rateCritical:
		sev, limit = probes.Critical, c.set.rateCritical
	case s.ErrorsPerMin >= c.set.rateHigh:
		sev = probes.High
	default:
		return probes.Finding{}, false
	}
	// the groups behind the rate, busiest first
	active := slices.Clone(s.Groups)
	slices.SortStableFunc(active, func(a, b Group) int { return recentCount(b) - recentCount(a) })
	imp := probes.Support
	var ev []string
	ev = append(ev, "errors per minute, last hour: "+sparkline(s.PerMinute))
	for i, g := range active {
		if i == 5 || recentCount(g) == 0 {
			break
		}
		if i == 0 {
			imp = g.Impact
		}
		ev = append(ev, fmt.Sprintf("%d× in 5 min  %s  (%s)", recentCount(g), g.Title, g.Fingerprint))
	}
	return c.finding("errors.rate", sev, imp, c.info.Target,
		fmt.Sprintf("Errors at %.1f/min (limit %g)", s.ErrorsPerMin, limit),
		fmt.Sprintf("The app logged %.1f errors a minute over the last five minutes, across %d groups; members are hitting failures right now.", s.ErrorsPerMin, len(s.Groups)),
		fmt.Sprintf("%.1f errors/min", s.ErrorsPerMin), fmt.Sprintf("under %g errors/min", c.set.rateHigh),
		"Open the busiest group below in the Errors pane; if the spike started with the last deploy, roll back: launchready runbook run rollback", ev), true
}

func recentCount(g Group) int {
	n := 0
	for _, v := range g.PerMinute[max(0, len(g.PerMinute)-5):] {
		n += v
	}
	return n
}

// newGroupFinding: an error of a kind not seen before (within new_window). A payment
// error, a crash of the process, or a group already repeating burst times is high.
func (c *Check) newGroupFinding(g Group) probes.Finding {
	sev := probes.Medium
	lv, _ := wordLevel([]byte(g.Level))
	why := ""
	switch {
	case g.Impact == probes.Revenue:
		sev, why = probes.High, " It touches payments."
	case lv.severe():
		sev, why = probes.High, fmt.Sprintf(" It was logged at %s level.", g.Level)
	case g.Count >= int64(c.set.burst):
		sev, why = probes.High, fmt.Sprintf(" It has happened %d times already.", g.Count)
	}
	times := "once"
	if g.Count > 1 {
		times = fmt.Sprintf("%d times", g.Count)
	}
	title := "New error: " + g.Title
	if g.Count > 1 {
		title += fmt.Sprintf(" (×%d)", g.Count)
	}
	when := fmt.Sprintf("first seen at %s", clock(g.FirstSeen))
	observed := fmt.Sprintf("%d× since %s", g.Count, clock(g.FirstSeen))
	if g.Backfill {
		when = fmt.Sprintf("in the log's last lines when launchready started at %s", clock(g.FirstSeen))
		observed += " (from the log's backlog)"
	}
	if g.Sample.Time != "" {
		when += fmt.Sprintf("; the latest is logged at %s", g.Sample.Time)
	}
	detail := fmt.Sprintf("%s %s logged an error launchready had not seen before, %s, %s.%s",
		strings.Join(g.Sources, ", "), verb(len(g.Sources)), times, when, why)
	if g.Sample.Error != "" && g.Sample.Error != g.Title {
		detail += " Error: " + firstLine(g.Sample.Error) + "."
	}
	return c.finding("errors.new-group", sev, g.Impact, "group "+g.Fingerprint, clip(title, 120), detail,
		observed, "no new kinds of error", groupFix(g), groupEvidence(g))
}

func verb(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}

func groupFix(g Group) string {
	find := "Open the group in the Errors pane for its stack (secrets removed)"
	if g.Sample.RequestID != "" {
		find += fmt.Sprintf("; find the whole request in the app log by its id: grep %s", g.Sample.RequestID)
	}
	switch g.Impact {
	case probes.Revenue:
		return find + ". Members may be unable to pay: check the payment provider's dashboard for failed events (Stripe: Developers → Webhooks) and resend them once fixed. If it began with the last deploy, roll back: launchready runbook run rollback"
	case probes.Onboarding:
		return find + ". New members may be failing to sign up or log in: try the flow yourself. If it began with the last deploy, roll back: launchready runbook run rollback"
	}
	return find + ". If it began with the last deploy, roll back: launchready runbook run rollback"
}

// groupEvidence: one line of facts, then the latest sample as the log wrote it, redacted.
func groupEvidence(g Group) []string {
	head := fmt.Sprintf("%s · %s · %d× · first %s · last %s · fingerprint %s",
		strings.Join(g.Sources, ", "), g.Level, g.Count, clock(g.FirstSeen), clock(g.LastSeen), g.Fingerprint)
	if g.LastHour > 0 {
		head += " · last hour " + sparkline(g.PerMinute)
	}
	var b strings.Builder
	sm := g.Sample
	if sm.Time != "" {
		b.WriteString(sm.Time + " ")
	}
	b.WriteString(strings.ToUpper(sm.Level) + " " + sm.Message)
	if sm.Error != "" && sm.Error != sm.Message {
		b.WriteString("\nerror: " + sm.Error)
	}
	if sm.RequestID != "" {
		b.WriteString("\nrequest_id: " + sm.RequestID)
	}
	for _, f := range sm.Fields {
		b.WriteString("\n" + f.Key + ": " + f.Value)
	}
	if sm.Stack != "" {
		b.WriteString("\n" + sm.Stack)
	}
	return []string{head, b.String()}
}

// secretsFinding: the app writes secrets into its log. They were redacted here, but the
// log itself (and wherever it is shipped) holds them.
func (c *Check) secretsFinding(s Snapshot) (probes.Finding, bool) {
	var kinds []string
	total := 0
	sev := probes.Medium
	for k, n := range s.Redacted {
		if k == redact.Email.String() || k == redact.Custom.String() {
			continue // personal data, redacted; common in error logs, not a leak of a credential
		}
		kinds = append(kinds, fmt.Sprintf("%d %s", n, k))
		total += n
		if k == redact.KnownSecret.String() || k == redact.Card.String() || k == redact.PrivateKey.String() {
			sev = probes.High
		}
	}
	if total == 0 {
		return probes.Finding{}, false
	}
	slices.Sort(kinds)
	return c.finding("errors.secrets-logged", sev, probes.DataExposure, c.info.Target,
		"The app writes secrets into its log",
		fmt.Sprintf("launchready removed %s from the errors it kept (%s). They are redacted here, but the log file, and anywhere it is shipped, holds them in clear.", plural(total, "secret", "secrets"), strings.Join(kinds, ", ")),
		strings.Join(kinds, ", "), "no credentials, card numbers or keys in logs",
		"Stop logging them (drop or mask the fields in the app's logger), then rotate what leaked: a key in a log is a key anyone with log access holds. A \"config-secret\" is one of launchready's own secrets.",
		[]string{"redacted by kind: " + strings.Join(kinds, ", ")}), true
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("15:04:05")
}

// sparkline draws per-minute counts as eight-level bars, as the console's tiles do.
func sparkline(xs []int) string {
	bars := []rune("▁▂▃▄▅▆▇█")
	top := 0
	for _, x := range xs {
		top = max(top, x)
	}
	out := make([]rune, len(xs))
	for i, x := range xs {
		if top == 0 {
			out[i] = bars[0]
			continue
		}
		out[i] = bars[x*(len(bars)-1)/top]
	}
	return string(out)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
