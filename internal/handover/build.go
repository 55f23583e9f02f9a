package handover

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/doctext"
	"github.com/launchready/launchready/internal/mailsend"
	"github.com/launchready/launchready/internal/owners"
	"github.com/launchready/launchready/internal/roundtrip"
	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/dnscheck"
	"github.com/launchready/launchready/probes/mailauth"
	"github.com/launchready/launchready/probes/tlscheck"
	"github.com/launchready/launchready/runbook"
)

// Build assembles the pack. Its error means the history could not be read; everything
// else missing is said in the pack.
func Build(in Input) (*Pack, error) {
	now := in.Now.UTC().Truncate(time.Second)
	p := &Pack{Product: in.Config.Product, Domain: in.Config.Domain, Generated: now, State: in.Report.State,
		Production: in.Audit.Facts()}
	p.Fresh = Freshness{Schema: Schema, ConfigFile: in.Config.File, ConfigHash: in.ConfigHash,
		Swept: in.Report.Started.UTC().Truncate(time.Second), Generated: now, Unowned: []string{}}
	if len(in.Runs) > 0 {
		p.Fresh.LastRun, p.Fresh.LastRunAt = in.Runs[0].ID, in.Runs[0].Started.UTC()
	}
	p.systems(in)
	p.dnsMap(in)
	p.certificates(in)
	p.email(in)
	p.monitors(in)
	p.routing(in)
	// The history's windows end at the moment itself, not the printed second: the sweep
	// just recorded lands inside them.
	if err := p.dashboard(in, in.Now.Add(time.Microsecond)); err != nil {
		return nil, err
	}
	p.runbooks(in)
	p.secrets(in, now)
	p.backups(in)
	p.risks(in)
	p.limitations(in)
	p.verify(in)
	return p, nil
}

// systems is "who owns what": the config's owners, with what discovery and the checks
// recognised filling the provider where the config is silent, and saying so.
func (p *Pack) systems(in Input) {
	prod := in.Audit.Production
	seen := map[string]string{
		"dns": strings.Join(prod.DNS, "; "), "hosting": strings.Join(prod.Hosting, "; "),
		"email": strings.Join(prod.Email, "; "), "edge": strings.Join(prod.Edge, "; "),
	}
	if prod.Registration != nil && prod.Registration.Registrar != "" {
		seen["registrar"] = prod.Registration.Registrar + " (registration record)"
	}
	for _, s := range owners.Systems {
		row := SystemRow{Label: s.Label}
		o := in.Owners.Get(s.Key)
		if o != nil {
			row.Provider, row.Owner, row.Access, row.Support, row.URL = o.Provider, o.Owner, o.Access, o.Support, o.URL
		}
		if row.Provider == "" && seen[s.Key] != "" {
			row.Provider, row.From = seen[s.Key], "recognised, not in owners:"
		}
		if row.Owner == "" {
			row.Unowned = true
			p.Fresh.Unowned = append(p.Fresh.Unowned, s.Key)
		}
		p.Systems = append(p.Systems, row)
	}
}

func (p *Pack) dnsMap(in Input) {
	for _, c := range in.Report.Checks {
		d, ok := c.Data.(dnscheck.HostData)
		if !ok || c.Kind != "dns" {
			continue
		}
		role := ""
		for _, h := range in.Config.Hosts {
			if strings.EqualFold(h.Name, d.Name) {
				role = h.Role
			}
		}
		drift := "none"
		if c.Findings > 0 {
			drift = fmt.Sprintf("%s: see open risks", doctext.Plural(c.Findings, "finding"))
		}
		if c.Error != "" {
			drift = "could not resolve: " + c.Error
		}
		p.DNS = append(p.DNS, DNSRow{Name: d.Name, Role: orDash(role), Documented: orDash(d.Documented), Live: orDash(d.Live), Drift: drift})
	}
	slices.SortFunc(p.DNS, func(a, b DNSRow) int { return cmp.Compare(a.Name, b.Name) })
}

func (p *Pack) certificates(in Input) {
	for _, c := range in.Report.Checks {
		h, ok := c.Data.(*tlscheck.Host)
		if !ok || h == nil {
			continue
		}
		row := CertRow{Name: h.Host, State: h.State, Renewal: "not known: ask the hosting owner how certificates renew", CAA: "not checked"}
		if h.Reason != "" {
			row.State += " (" + h.Reason + ")"
		}
		if cert := h.Certificate; cert != nil {
			row.Known, row.Issuer, row.DaysLeft = true, cert.Issuer, cert.DaysLeft
			row.Expires = cert.NotAfter.UTC().Format(time.DateOnly)
			if strings.Contains(cert.Issuer, "Let's Encrypt") || strings.Contains(cert.IssuerOrg, "Let's Encrypt") {
				row.Renewal = "ACME (Let's Encrypt): automatic, every 60 days, if the host's client runs"
			}
		}
		if h.CAA != nil {
			row.CAA = h.CAA.Verdict
			if h.CAA.Name != "" {
				row.CAA += " (at " + h.CAA.Name + ")"
			}
		}
		p.Certs = append(p.Certs, row)
	}
	slices.SortFunc(p.Certs, func(a, b CertRow) int { return cmp.Compare(a.Name, b.Name) })
}

func (p *Pack) email(in Input) {
	for _, c := range in.Report.Checks {
		if c.Pane != probes.PaneEmail {
			continue
		}
		res := c.Summary
		if c.Error != "" {
			res = "could not run: " + c.Error
		}
		p.Email = append(p.Email, EmailRow{Item: c.Check, Status: string(c.Status), Result: res})
	}
	for _, f := range in.Report.Findings {
		if f.Pane == probes.PaneEmail {
			p.Email = append(p.Email, EmailRow{Item: "  " + f.ID, Status: f.Severity.String(), Result: f.Title})
		}
	}
	if in.StateDir == "" {
		p.EmailTests = append(p.EmailTests, "email verify, send-test and round trip: no state folder, no record")
		return
	}
	switch v, err := mailauth.LastVerify(in.StateDir); {
	case err != nil:
		p.EmailTests = append(p.EmailTests, "email verify: "+err.Error())
	case v == nil:
		p.EmailTests = append(p.EmailTests, "email verify: never run; run it on a message received after each deploy (see verification steps)")
	default:
		verdict := "passed"
		if !v.Pass {
			verdict = "FAILED"
		}
		p.EmailTests = append(p.EmailTests, fmt.Sprintf("email verify: %s %s: %s", verdict, v.Time.UTC().Format("2006-01-02 15:04 UTC"), v))
	}
	switch a, err := mailsend.Last(in.StateDir); {
	case err != nil:
		p.EmailTests = append(p.EmailTests, "send-test: "+err.Error())
	case a == nil:
		p.EmailTests = append(p.EmailTests, "send-test: never run")
	default:
		line := fmt.Sprintf("send-test: %s %s to %s", a.State, a.Started.UTC().Format("2006-01-02 15:04 UTC"), a.To)
		if a.Error != "" {
			line += ": " + a.Error
		}
		p.EmailTests = append(p.EmailTests, line)
	}
	switch r, err := roundtrip.Last(in.StateDir); {
	case err != nil:
		p.EmailTests = append(p.EmailTests, "round trip: "+err.Error())
	case r == nil:
		p.EmailTests = append(p.EmailTests, "round trip: never run")
	default:
		var md strings.Builder
		if err := roundtrip.WriteMarkdown(&md, r); err == nil {
			p.RoundTrip = md.String()
		}
		for _, ib := range r.Inboxes {
			verdict := "ok"
			if !ib.OK() {
				verdict = "NOT ok"
			}
			p.EmailTests = append(p.EmailTests, fmt.Sprintf("round trip %s: %s (%s, DMARC pass %v) %s", ib.Inbox, ib.Status, verdict, ib.DMARCPass, r.Started.UTC().Format("2006-01-02 15:04 UTC")))
		}
	}
}

func (p *Pack) monitors(in Input) {
	last := map[string]string{}
	for _, c := range in.Report.Checks {
		s := string(c.Status)
		if c.Findings > 0 {
			s += ", " + doctext.Plural(c.Findings, "finding")
		}
		if c.Error != "" {
			s = "could not run"
		}
		last[c.Check] = s
	}
	every := in.Config.Checks.Interval
	for _, c := range in.Checks {
		e := c.Interval
		if e == 0 {
			e = every
		}
		p.Monitors = append(p.Monitors, MonitorRow{Check: c.Name, Pane: string(c.Pane), Proves: orDash(in.Docs[c.Kind]), Every: e.String(), Last: orWord(last[c.Name], "not run")})
	}
}

func (p *Pack) routing(in Input) {
	a := in.Alerts
	if a == nil {
		p.Unrouted = append(p.Unrouted, "Everything: the config has no alerts: section, so nobody is told of any failure. Add channels and rules (examples/launchready.yaml documents them) and run launchready watch.")
		return
	}
	for _, r := range a.Rules {
		var m []string
		if len(r.Panes) > 0 {
			m = append(m, "panes "+strings.Join(r.Panes, ", "))
		}
		if len(r.Checks) > 0 {
			m = append(m, "checks "+strings.Join(r.Checks, ", "))
		}
		if len(r.Findings) > 0 {
			m = append(m, "findings "+strings.Join(r.Findings, ", "))
		}
		m = append(m, r.SeverityFloor().String()+" and above")
		p.Routes = append(p.Routes, RouteRow{Rule: r.Name, Matches: strings.Join(m, "; "), Owner: r.Owner, Channels: strings.Join(r.Channels, ", ")})
	}
	tests := map[string]alert.TestResult{}
	health := map[string]alert.Health{}
	if in.StateDir != "" {
		tests, _ = alert.ReadTests(in.StateDir)
		if hs, err := alert.ReadHealth(in.StateDir); err == nil {
			for _, h := range hs.Channels {
				health[h.Channel] = h
			}
		}
	}
	for _, ch := range a.Channels {
		row := ChannelRow{Name: ch.Name, Kind: ch.Kind(), Tested: "never tested: run launchready alert test " + ch.Name, Health: "no delivery yet"}
		if t, ok := tests[ch.Name]; ok {
			row.Tested = "delivered " + t.Time.UTC().Format("2006-01-02 15:04 UTC")
			if !t.OK {
				row.Tested = "FAILED " + t.Time.UTC().Format("2006-01-02 15:04 UTC") + ": " + t.Error
			}
		}
		if h, ok := health[ch.Name]; ok {
			row.Health = "up"
			if !h.Up {
				row.Health = "DOWN: " + h.LastError
			}
		}
		p.Channels = append(p.Channels, row)
	}
	for _, f := range in.Report.Findings {
		if _, chans := a.Route(&f); len(chans) == 0 && f.Severity >= probes.High {
			p.Unrouted = append(p.Unrouted, fmt.Sprintf("%s %s: %s (%s)", strings.ToUpper(f.Severity.String()), f.Target, f.Title, f.ID))
		}
	}
}

// dashboard reads each check's 30 days from the history. Checks are read four at a time
// (the store's connection limit): each is a few range scans, and a month of one-minute
// results for 100 checks is 4.3 million rows.
func (p *Pack) dashboard(in Input, now time.Time) error {
	if in.History == nil {
		return nil
	}
	p.Keeps = in.Config.History.RetentionDays
	sweep := map[string]map[string]float64{}
	for _, c := range in.Report.Checks {
		sweep[c.Check] = c.Metrics
	}
	rows := make([]*DashRow, len(in.Checks))
	errs := make([]error, len(in.Checks))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, c := range in.Checks {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			rows[i], errs[i] = dashRow(in.History, c.Name, now, sweep[c.Name])
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, r := range rows {
		if r != nil {
			p.Dashboard = append(p.Dashboard, *r)
		}
	}
	return nil
}

// dashRow is one check's figures; nil when the history holds nothing of it. sweep is the
// check's metrics in the pack's sweep: a figure it reports there but the history lacks is
// "no data", not left out.
func dashRow(h *store.Store, check string, now time.Time, sweep map[string]float64) (*DashRow, error) {
	days, err := h.Days(check, now, 30)
	if err != nil {
		return nil, err
	}
	week := days[23:]
	u7, _, _ := sum(week)
	u30, _, n30 := sum(days)
	if n30 == 0 {
		return nil, nil
	}
	p7, err := h.P95(check, week[0].Start, now, u7.Up)
	if err != nil {
		return nil, err
	}
	p30, err := h.P95(check, days[0].Start, now, u30.Up)
	if err != nil {
		return nil, err
	}
	jobs, err := figure(h, check, "failed_jobs", now, sweep)
	if err != nil {
		return nil, err
	}
	hooks, err := figure(h, check, "webhook_failures", now, sweep)
	if err != nil {
		return nil, err
	}
	return &DashRow{Check: check,
		Uptime7: uptime(week), Uptime30: uptime(days), ErrorRate7: errRate(week), ErrorRate30: errRate(days),
		P95Latency7: latency(p7), P95Latency30: latency(p30), Spark: spark(days), FailedJobs: jobs, WebhookFailures: hooks}, nil
}

func sum(days []store.Day) (u store.Uptime, failed, total int) {
	for _, d := range days {
		u.Up += d.Uptime.Up
		u.Total += d.Uptime.Total
		failed += d.Failed
		total += d.Total
	}
	return
}

func uptime(days []store.Day) string {
	u, _, _ := sum(days)
	if pct, ok := u.Percent(); ok {
		return fmt.Sprintf("%.2f%%", pct)
	}
	return "-"
}

func errRate(days []store.Day) string {
	_, failed, total := sum(days)
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f%%", 100*float64(failed)/float64(total))
}

func latency(d time.Duration) string {
	if d > 0 {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return "-"
}

func (p *Pack) runbooks(in Input) {
	last := map[string]runbook.RunSummary{}
	for _, r := range in.Runs { // newest first
		if _, ok := last[r.Runbook]; !ok {
			last[r.Runbook] = r
		}
	}
	for _, rb := range in.Runbooks {
		row := RunbookRow{Name: rb.Name, LastRun: "never", Outcome: "-", By: "-"}
		var names []string
		for _, s := range rb.Steps {
			names = append(names, s.Name)
			if s.Check.IsSet() {
				row.Checks++
			}
			if s.Rollback != "" {
				row.Rollbacks++
			}
		}
		row.Steps = strings.Join(names, " → ")
		if r, ok := last[rb.Name]; ok {
			row.LastRun, row.Outcome, row.By = r.Started.UTC().Format("2006-01-02 15:04 UTC"), r.Status, orDash(r.Operator.User)
		}
		p.Runbooks = append(p.Runbooks, row)
	}
}

func orDash(s string) string { return orWord(s, "-") }

func orWord(s, w string) string {
	if s == "" {
		return w
	}
	return s
}
