// Package handover is the launch handover pack: what the person who owns the product
// after launch week needs to keep it running and to recover it when something breaks
// tomorrow. One Pack is built from the config, one fresh sweep, the history, the
// runbooks and their transcripts, the alert rules and the state folder's records, and
// rendered twice: Markdown for the repository (README.md) and one self-contained HTML
// page for a founder (index.html). Every text written passes the redactor; secret
// references are named, values never.
//
// It is wiring: it reads what other packages made and imports no UI.
package handover

import (
	"github.com/launchready/launchready/internal/handoverrec"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/audit"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/owners"
	"github.com/launchready/launchready/internal/report"
	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/runbook"
)

// Schema names the freshness record's version.
const Schema = "launchready.handover/v1"

// Input is what a pack is built from. Only Config, Owners, Report and Audit are required.
type Input struct {
	Config *config.Config
	// ConfigHash is the config file's digest (Hash), recorded so --check sees an edit.
	ConfigHash string
	Owners     *owners.Owners
	Alerts     *alert.Config // nil: no alerts section
	Checks     []probes.CheckInfo
	// Docs says what each probe kind proves, by kind name (the registry's Doc).
	Docs   map[string]string
	Report *report.Report
	// Results are the sweep's results, for the launch bar's judgement (nil: the pack
	// says the bar was not judged).
	Results []probes.Result
	Audit   *audit.Audit
	History *store.Store // nil: no history database
	// StateDir holds the records of send-test, round trip, alert tests and channel health.
	StateDir    string
	Runbooks    []*runbook.Runbook
	RunbooksErr string // why the runbooks could not be read, "" when they were
	Runs        []runbook.RunSummary
	// Secrets are the resolved secret values, for the redactor: they never reach a file.
	Secrets []string
	Now     time.Time
}

// Pack is the handover pack, ready to render.
type Pack struct {
	Product, Domain string
	Generated       time.Time
	State           probes.State
	Fresh           Freshness

	Production [][2]string
	Systems    []SystemRow
	DNS        []DNSRow
	Certs      []CertRow
	Email      []EmailRow
	EmailTests []string
	// RoundTrip is the last email round trip as roundtrip.WriteMarkdown's table ("" when
	// none was recorded): the provider-by-provider results the Markdown pack carries.
	RoundTrip string
	Monitors  []MonitorRow
	Routes    []RouteRow
	Channels  []ChannelRow
	Unrouted  []string // what reaches nobody
	Dashboard []DashRow
	// Keeps is how many days the history keeps (history.retention_days): the 30-day
	// figures cover at most that many.
	Keeps       int
	Runbooks    []RunbookRow
	Secrets     []SecretRow
	Backups     []BackupRow
	Risks       []RiskRow
	Limitations []string
	Verify      []VerifyStep
}

// SystemRow is one system in "who owns what".
type SystemRow struct {
	Label, Provider, Owner, Access, Support, URL string
	// From says where the provider came from when the config did not say ("from NS").
	From    string
	Unowned bool
}

// DNSRow is one name of the DNS map.
type DNSRow struct{ Name, Role, Documented, Live, Drift string }

// CertRow is one certificate.
type CertRow struct {
	Name, Issuer, Expires, State, Renewal, CAA string
	DaysLeft                                   int
	Known                                      bool // a certificate was seen
}

// EmailRow is one line of the email checklist.
type EmailRow struct{ Item, Status, Result string }

// MonitorRow is one check.
type MonitorRow struct{ Check, Pane, Proves, Every, Last string }

// RouteRow is one alert rule.
type RouteRow struct{ Rule, Matches, Owner, Channels string }

// ChannelRow is one alert channel and its last test.
type ChannelRow struct{ Name, Kind, Tested, Health string }

// DashRow is one check's figures over 7 and 30 days.
type DashRow struct {
	Check                     string
	Uptime7, Uptime30         string
	ErrorRate7, ErrorRate30   string
	P95Latency7, P95Latency30 string
	// Spark is the daily uptime over 30 days, as an SVG polyline's points ("" without data).
	Spark string
	// FailedJobs and WebhookFailures are the figures a metric check reports (the
	// readiness endpoint's failed_jobs, webhook_failures), from the history's metrics.
	FailedJobs, WebhookFailures Figure
}

// Figures says whether the check reports failed jobs or webhook failures: only those
// rows go in the dashboard's second table.
func (d DashRow) Figures() bool { return d.FailedJobs.Reported || d.WebhookFailures.Reported }

// RunbookRow is one runbook.
type RunbookRow struct {
	Name, Steps, LastRun, Outcome, By string
	Checks, Rollbacks                 int
}

// SecretRow is one secret of the rotation plan.
type SecretRow struct {
	Ref, For string
	// Path is the config path the secret is set at (email.inboxes[0].password), "" for a
	// runbook's: written as code, as typed, since escaping it as prose shows backslashes
	// wherever the Markdown is read raw.
	Path                       string
	Runbook, LastRotated, Flag string
}

// BackupRow is one backup.
type BackupRow struct{ What, Where, Every, Restored string }

// RiskRow is one open risk, in plain language with the next step.
type RiskRow struct{ Severity, Impact, Title, Where, Next string }

// VerifyStep is a command the new owner runs and what good looks like.
type VerifyStep struct{ Command, Good string }

// Freshness is what the pack was made from (handoverrec: the record the launch bar's check
// reads without this package).
type Freshness = handoverrec.Freshness
