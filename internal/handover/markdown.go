package handover

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/launchready/launchready/internal/doctext"
)

// WriteMarkdown writes the pack as Markdown for the repository (README.md).
func (p *Pack) WriteMarkdown(w io.Writer) error {
	b := bufio.NewWriter(w)
	l := func(format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	md, cell, spans := doctext.MD, doctext.Cell, doctext.MDSpans
	table := func(head []string, rows [][]string) {
		if len(rows) == 0 {
			l("None.")
			l("")
			return
		}
		l("| %s |", strings.Join(head, " | "))
		l("|%s", strings.Repeat(" --- |", len(head)))
		for _, r := range rows {
			for i := range r {
				if c, ok := strings.CutPrefix(r[i], rawCell); ok {
					r[i] = c
				} else {
					r[i] = cell(r[i])
				}
			}
			l("| %s |", strings.Join(r, " | "))
		}
		l("")
	}
	l("# Launch handover: %s (%s)", md(p.Product), md(p.Domain))
	l("")
	l("Generated %s from one sweep at %s. State at the sweep: **%s**. Config %s (sha256 %s).", stamp(p.Generated), stamp(p.Fresh.Swept),
		strings.ToUpper(string(p.State)), md(p.Fresh.ConfigFile), short(p.Fresh.ConfigHash))
	l("Re-check it is current with `launchready handover --check`.")
	l("")
	l("## Where production lives")
	l("")
	rows := [][]string{}
	for _, f := range p.Production {
		rows = append(rows, []string{f[0], f[1]})
	}
	table([]string{"", ""}, rows)
	l("## Who owns what")
	l("")
	rows = nil
	for _, s := range p.Systems {
		prov := s.Provider
		if s.From != "" {
			prov += " (" + s.From + ")"
		}
		owner := s.Owner
		if s.Unowned {
			owner = "NOT DOCUMENTED"
		}
		rows = append(rows, []string{s.Label, orDash(prov), owner, orDash(s.Access), orDash(s.Support), orDash(s.URL)})
	}
	table([]string{"System", "Provider", "Owner", "How access is granted", "Support", "Account"}, rows)
	l("## DNS map")
	l("")
	rows = nil
	for _, d := range p.DNS {
		rows = append(rows, []string{d.Name, d.Role, d.Documented, d.Live, d.Drift})
	}
	table([]string{"Name", "Role", "Documented", "Live", "Drift"}, rows)
	l("## Certificates")
	l("")
	rows = nil
	for _, c := range p.Certs {
		days := "-"
		if c.Known {
			days = fmt.Sprint(c.DaysLeft)
		}
		rows = append(rows, []string{c.Name, orDash(c.Issuer), orDash(c.Expires), days, c.State, c.Renewal, c.CAA})
	}
	table([]string{"Name", "Issuer", "Expires", "Days left", "State", "Renewal", "CAA"}, rows)
	l("## Email authentication")
	l("")
	rows = nil
	for _, e := range p.Email {
		rows = append(rows, []string{e.Item, e.Status, e.Result})
	}
	table([]string{"Check or finding", "Status", "Result"}, rows)
	for _, t := range p.EmailTests {
		l("- %s", spans(t))
	}
	l("")
	if p.RoundTrip != "" {
		l("The last email round trip, inbox by inbox:")
		l("")
		b.WriteString(p.RoundTrip)
		l("")
	}
	l("## Monitors")
	l("")
	rows = nil
	for _, m := range p.Monitors {
		rows = append(rows, []string{m.Check, m.Pane, m.Proves, m.Every, m.Last})
	}
	table([]string{"Check", "Pane", "What it proves", "Every", "Last result"}, rows)
	l("## Alert routing guide")
	l("")
	rows = nil
	for _, r := range p.Routes {
		rows = append(rows, []string{r.Rule, r.Matches, r.Owner, r.Channels})
	}
	table([]string{"Rule", "Matches", "Owner", "Channels"}, rows)
	rows = nil
	for _, c := range p.Channels {
		rows = append(rows, []string{c.Name, c.Kind, c.Tested, c.Health})
	}
	l("Channels:")
	l("")
	table([]string{"Channel", "Kind", "Last alert test", "Health (watch)"}, rows)
	l("What reaches nobody (high and critical problems of this sweep no rule routes):")
	l("")
	if len(p.Unrouted) == 0 {
		l("- nothing")
	}
	for _, u := range p.Unrouted {
		l("- %s", md(u))
	}
	l("")
	l("## Dashboard, 7 and 30 days")
	l("")
	rows = nil
	for _, d := range p.Dashboard {
		rows = append(rows, []string{d.Check, d.Uptime7, d.Uptime30, d.ErrorRate7, d.ErrorRate30, d.P95Latency7, d.P95Latency30})
	}
	if len(rows) == 0 {
		l("No history recorded yet: keep `launchready watch` running.")
		l("")
	} else {
		if s := p.ShortHistory(); s != "" {
			l("%s", spans(s))
			l("")
		}
		m := p.Month()
		table([]string{"Check", "Uptime 7 d", "Uptime " + m, "Error rate 7 d", "Error rate " + m, "p95 7 d", "p95 " + m}, rows)
		p.writeFigures(l, table)
	}
	l("## Runbooks")
	l("")
	rows = nil
	for _, r := range p.Runbooks {
		rows = append(rows, []string{r.Name, r.Steps, fmt.Sprint(r.Checks), fmt.Sprint(r.Rollbacks), r.LastRun, r.Outcome, r.By})
	}
	table([]string{"Runbook", "Steps", "Checks", "Rollbacks", "Last run", "Outcome", "Who"}, rows)
	l("## Secrets rotation plan")
	l("")
	l("References only: the values live where the reference says, never in this pack.")
	l("")
	rows = nil
	for _, s := range p.Secrets {
		what := s.For
		if s.Path != "" {
			what = rawCell + cell(s.For) + " " + strings.TrimPrefix(codeCell(s.Path), rawCell)
		}
		rows = append(rows, []string{codeCell(s.Ref), what, s.Runbook, s.LastRotated, orDash(s.Flag)})
	}
	table([]string{"Secret", "What it is for", "Rotation runbook", "Last rotated", "Flag"}, rows)
	l("## Backups")
	l("")
	rows = nil
	for _, bk := range p.Backups {
		rows = append(rows, []string{bk.What, bk.Where, bk.Every, bk.Restored})
	}
	table([]string{"What", "Where", "How often", "Restore last verified"}, rows)
	l("## Open risks, by business impact")
	l("")
	if len(p.Risks) == 0 {
		l("None.")
	}
	for i, r := range p.Risks {
		l("%d. **%s** · %s: %s (`%s`). Next: %s", i+1, r.Severity, md(r.Impact), md(doctext.OneLine(r.Title)), doctext.Code(r.Where), spans(r.Next))
	}
	l("")
	l("## Known limitations")
	l("")
	for _, s := range p.Limitations {
		l("- %s", spans(s))
	}
	l("")
	l("## Verification steps")
	l("")
	table([]string{"Run", "Good looks like"}, verifyRows(p.Verify))
	return b.Flush()
}

func verifyRows(vs []VerifyStep) [][]string {
	var out [][]string
	for _, v := range vs {
		out = append(out, []string{v.Command, v.Good})
	}
	return out
}

// rawCell marks a table cell already written as Markdown (a code span).
const rawCell = "\x00"

// codeCell is a code span for a table cell: a secret reference reads as typed
// (env:STRIPE_SECRET), not with every underscore escaped.
func codeCell(s string) string {
	return rawCell + "`" + strings.ReplaceAll(doctext.Code(doctext.OneLine(s)), "|", `\|`) + "`"
}

// writeFigures is the dashboard's second table: failed jobs and webhook failures of the
// checks that report them, or a plain sentence when none does.
func (p *Pack) writeFigures(l func(string, ...any), table func([]string, [][]string)) {
	l("Failed jobs and webhook failures (the latest value and the worst of each window):")
	l("")
	var rows [][]string
	for _, d := range p.Dashboard {
		if d.Figures() {
			rows = append(rows, []string{d.Check, d.FailedJobs.Week, d.FailedJobs.Month, d.WebhookFailures.Week, d.WebhookFailures.Month})
		}
	}
	if len(rows) == 0 {
		l("No data: no check reports `failed_jobs` or `webhook_failures`. A metric check on the app's readiness endpoint does (`endpoints.metrics` in launchready.yaml, `metric: failed_jobs`).")
		l("")
		return
	}
	m := p.Month()
	table([]string{"Check", "Failed jobs 7 d", "Failed jobs " + m, "Webhook failures 7 d", "Webhook failures " + m}, rows)
}
