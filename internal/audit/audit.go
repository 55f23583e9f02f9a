// Package audit is the roadmap's Stage 1 deliverable: where production lives, the copies
// of the app found, and every risk ranked by business impact, from one discovery and one
// sweep. It renders the same Audit as text for the terminal, Markdown for a repository, a
// single self-contained HTML file for a founder, and JSON (launchready.audit/v1) for
// scripts; one file per format.
//
// It is wiring: it reads discovery's report and the check report, and imports no UI.
package audit

import (
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/doctext"
	"github.com/launchready/launchready/internal/report"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/discovery"
	"github.com/launchready/launchready/probes/registration"
)

// Schema names the JSON audit's version; it changes only when a field is removed or its
// meaning changes.
const Schema = "launchready.audit/v1"

// Audit is one audit, ready to render.
type Audit struct {
	Schema    string       `json:"schema"`
	Product   string       `json:"product"`
	Domain    string       `json:"domain"`
	Generated time.Time    `json:"generated"`
	State     probes.State `json:"state"`
	// ConfigSource says what was swept: a config file's path, or "discovery" when no
	// config existed and one was built in memory from what discovery found.
	ConfigSource string     `json:"config_source"`
	Production   Production `json:"production"`
	Discovery    *Discovery `json:"discovery,omitempty"`
	// Copies are findings of the same app served under more than one name
	// (dns.duplicate-copy). CopiesChecked is false when the sweep did not compare the
	// names (the copies check did not run, or could not: CopiesError says why), so the
	// audit says so rather than claim there are none.
	Copies        []probes.Finding `json:"copies"`
	CopiesChecked bool             `json:"copies_checked"`
	CopiesError   string           `json:"copies_error,omitempty"`
	// Risks are every finding, ranked by severity then business impact (probes.Rank).
	Risks  []probes.Finding `json:"risks"`
	Counts report.Counts    `json:"counts"`
	// CheckErrors are the checks that could not run, one line each.
	CheckErrors []string `json:"check_errors,omitempty"`
	// Undecided are what a discovery-built config guessed (roles, the canonical URL).
	Undecided []string `json:"undecided,omitempty"`
}

// Production is "where production lives".
type Production struct {
	CanonicalURL string   `json:"canonical_url,omitempty"`
	Hosting      []string `json:"hosting,omitempty"`
	DNS          []string `json:"dns,omitempty"`
	Email        []string `json:"email,omitempty"`
	Edge         []string `json:"edge,omitempty"`
	// Registration is the registry's record of the domain; nil when it could not be read.
	Registration *registration.Record `json:"registration,omitempty"`
	// RegistrationNote says why there is no record, or what is wrong with it.
	RegistrationNote string `json:"registration_note,omitempty"`
	DaysLeft         *int   `json:"registration_days_left,omitempty"`
}

// Discovery is the summary of what discovery found.
type Discovery struct {
	Nameservers []string `json:"nameservers"`
	Transfers   []string `json:"transfers"`
	Wildcards   []string `json:"wildcards,omitempty"`
	Names       []string `json:"names"`
	Tried       int      `json:"tried"`
	Services    []string `json:"services,omitempty"`
}

// Input is what an audit is built from.
type Input struct {
	Product, Domain, CanonicalURL, ConfigSource string
	Report                                      *report.Report
	Discovery                                   *discovery.Report // nil when discovery failed
	Undecided                                   []string
	Now                                         time.Time
}

// Build assembles the audit.
func Build(in Input) *Audit {
	a := &Audit{
		Schema: Schema, Product: in.Product, Domain: in.Domain, Generated: in.Now.UTC().Truncate(time.Second),
		State: in.Report.State, ConfigSource: in.ConfigSource, Counts: in.Report.Counts, Undecided: in.Undecided,
		Risks: slices.Clone(in.Report.Findings), Copies: []probes.Finding{},
	}
	probes.SortFindings(a.Risks)
	a.Production.CanonicalURL = in.CanonicalURL
	for _, f := range a.Risks {
		if f.ID == discovery.CopyFindingID {
			a.Copies = append(a.Copies, f)
		}
	}
	for _, c := range in.Report.Checks {
		if c.Kind == discovery.CopiesKind.Name {
			a.CopiesChecked = c.Status != probes.StatusError
			a.CopiesError = c.Error
		}
		if c.Status == probes.StatusError {
			a.CheckErrors = append(a.CheckErrors, c.Check+": "+c.Error)
		}
		if c.Kind == "registration" {
			a.Production.takeRegistration(c, in.Domain, in.Now)
		}
	}
	if d := in.Discovery; d != nil {
		a.Discovery = summarise(d)
		for _, s := range d.Services {
			line := s.Name + " (" + strings.Join(first(s.Evidence, 2), "; ") + ")"
			switch s.Kind {
			case "hosting":
				a.Production.Hosting = append(a.Production.Hosting, line)
			case "dns":
				a.Production.DNS = append(a.Production.DNS, line)
			case "email":
				a.Production.Email = append(a.Production.Email, line)
			default:
				a.Production.Edge = append(a.Production.Edge, s.Kind+": "+line)
			}
		}
		if len(a.Production.DNS) == 0 {
			for _, ns := range d.Nameservers {
				a.Production.DNS = append(a.Production.DNS, "nameserver "+ns.Name+" (provider not recognised)")
			}
		}
	}
	return a
}

func summarise(d *discovery.Report) *Discovery {
	s := &Discovery{Tried: d.Tried, Names: []string{}, Nameservers: []string{}, Transfers: []string{}}
	for _, ns := range d.Nameservers {
		line := ns.Name
		if !ns.OK {
			line += " (" + ns.Problem + ")"
		}
		s.Nameservers = append(s.Nameservers, line)
	}
	for _, t := range d.Transfers {
		s.Transfers = append(s.Transfers, t.String())
	}
	for _, w := range d.Wildcards {
		s.Wildcards = append(s.Wildcards, w.Name+" answers "+w.Answer)
	}
	for _, n := range d.Names {
		if n.Status == discovery.StatusAnswers {
			s.Names = append(s.Names, n.Name)
		}
	}
	for _, sv := range d.Services {
		s.Services = append(s.Services, sv.String())
	}
	return s
}

// takeRegistration keeps the registration check of the audited domain (or, until it is
// seen, the first one).
func (p *Production) takeRegistration(c report.Check, domain string, now time.Time) {
	own := strings.EqualFold(strings.TrimSuffix(c.Target, "."), domain)
	if p.Registration != nil && !own {
		return
	}
	rec, ok := c.Data.(registration.Record)
	if !ok {
		if c.Error != "" && (own || p.RegistrationNote == "") {
			p.RegistrationNote = c.Error
		}
		return
	}
	p.Registration, p.RegistrationNote = &rec, ""
	if !rec.Expires.IsZero() {
		days := int(rec.Expires.Sub(now).Hours() / 24)
		p.DaysLeft = &days
	}
}

// Facts are "where production lives" as label and value, in the order every format
// prints them.
func (a *Audit) Facts() [][2]string {
	p := a.Production
	join := func(ss []string, none string) string {
		if len(ss) == 0 {
			return none
		}
		return strings.Join(ss, "; ")
	}
	return [][2]string{
		{"Canonical URL", orWord(p.CanonicalURL, "none: neither the apex nor www serves a page")},
		{"Hosting", join(p.Hosting, "not recognised")},
		{"DNS provider", join(p.DNS, "not recognised")},
		{"Email provider", join(p.Email, "not recognised")},
		{"Edge", p.EdgeText()},
		{"Registrar and expiry", p.RegistrationText()},
	}
}

func first(ss []string, n int) []string {
	if len(ss) > n {
		return ss[:n]
	}
	return ss
}

// AtOrAbove counts risks at or above a severity, for --fail-on.
func (a *Audit) AtOrAbove(s probes.Severity) int {
	return probes.AtOrAbove(a.Risks, s)
}

// Edge says what sits in front of the sites, "none recognised" when nothing does.
func (p Production) EdgeText() string {
	if len(p.Edge) == 0 {
		return "none recognised (the sites answer directly)"
	}
	return strings.Join(p.Edge, "; ")
}

// RegistrationText is the registrar and expiry in one line.
func (p Production) RegistrationText() string {
	r := p.Registration
	if r == nil {
		if p.RegistrationNote != "" {
			return "could not be read: " + p.RegistrationNote
		}
		return "not checked"
	}
	s := orWord(r.Registrar, "registrar not published")
	if !r.Expires.IsZero() {
		s += ", expires " + r.Expires.UTC().Format("2006-01-02")
		if p.DaysLeft != nil {
			s += " (" + plural(*p.DaysLeft, "day") + " left)"
		}
	}
	if r.TransferLocked() {
		s += ", transfer locked"
	} else {
		s += ", NO transfer lock"
	}
	return s
}

func orWord(s, w string) string {
	if s == "" {
		return w
	}
	return s
}

func plural(n int, w string) string { return doctext.Plural(n, w) }
