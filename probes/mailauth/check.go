package mailauth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// check is one sending domain's email authentication.
type check struct {
	domain string
	cfg    *Config
	org    string // the top-level config domain, the organisational default
	net    *netx.Net
	now    func() time.Time // for the MTA-STS id= a fix suggests
	// stateDir holds SelectorsFile, the selectors `email verify` saw in received
	// messages; "" when the session has no state folder.
	stateDir string
	info     probes.CheckInfo
}

func (c *check) Info() probes.CheckInfo { return c.info }

// Report is Result.Data for an email check: what receivers see for the domain.
type Report struct {
	Domain string        `json:"domain"`
	SPF    *SPFReport    `json:"spf"`
	DKIM   []KeyReport   `json:"dkim"`
	DMARC  *DMARCReport  `json:"dmarc"`
	MX     *MXReport     `json:"mx"`
	MTASTS *MTASTSReport `json:"mta_sts"`
	// Alignment is set on the From domain's check.
	Alignment *AlignmentReport `json:"alignment,omitempty"`
}

// part is what one of the independent sub-checks produced.
type part struct {
	findings []probes.Finding
	metrics  map[string]float64
	// fatal is a failure to ask at all (the resolver is down): the check could not run.
	fatal error
}

func (p *part) add(f probes.Finding) { p.findings = append(p.findings, f) }

func (p *part) metric(name string, v float64) {
	if p.metrics == nil {
		p.metrics = map[string]float64{}
	}
	p.metrics[name] = v
}

// Run asks the DNS (and, for MTA-STS, the policy host) everything a receiver would, in
// parallel, and reports what receivers will decide and why.
func (c *check) Run(ctx context.Context) probes.Result {
	rep := &Report{Domain: c.domain}
	var (
		spfP, dkimP, dmarcP, mxP, stsP part
		wg                             sync.WaitGroup
	)
	wg.Go(func() { rep.SPF = c.checkSPF(ctx, &spfP) })
	wg.Go(func() { rep.DKIM = c.checkDKIM(ctx, &dkimP) })
	wg.Go(func() { rep.DMARC = c.checkDMARC(ctx, &dmarcP) })
	wg.Go(func() {
		rep.MX = c.checkMX(ctx, &mxP)
		rep.MTASTS = c.checkMTASTS(ctx, rep.MX, &stsP)
	})
	wg.Wait()
	var alignP part
	if c.isFromCheck() {
		rep.Alignment = c.checkAlignment(rep, &alignP)
	}
	res := probes.Result{Target: c.domain, Data: rep, Metrics: map[string]float64{}}
	for _, p := range []*part{&spfP, &dkimP, &dmarcP, &mxP, &stsP, &alignP} {
		if p.fatal != nil && res.Err == "" {
			res.Err = p.fatal.Error()
		}
		res.Findings = append(res.Findings, p.findings...)
		for k, v := range p.metrics {
			res.Metrics[k] = v
		}
	}
	if res.Err != "" {
		res.Findings = nil // a resolver outage is not the product's fault; say only that
	}
	res.Summary = summary(rep)
	return res
}

// isFromCheck says whether this check reports alignment: the From domain's check, or the
// first check when the From domain has none of its own.
func (c *check) isFromCheck() bool {
	if c.domain == c.cfg.FromDomain {
		return true
	}
	for _, d := range c.cfg.Domains {
		if d == c.cfg.FromDomain {
			return false
		}
	}
	return len(c.cfg.Domains) > 0 && c.cfg.Domains[0] == c.domain
}

// finding makes an email finding; the runner fills pane and check.
func finding(id string, sev probes.Severity, imp probes.Impact, target, title, detail, observed, expected, fix string, ev ...string) probes.Finding {
	return probes.Finding{ID: id, Severity: sev, Impact: imp, Target: target, Title: title, Detail: detail,
		Observed: observed, Expected: expected, Fix: fix, Evidence: ev}
}

// resolverDown says whether err means the DNS could not be asked at all (a timeout, an
// unreachable server, a cancelled sweep) rather than an answer about the name.
func resolverDown(err error) bool {
	if err == nil {
		return false
	}
	var se *netx.ServerError
	return errors.As(err, &se) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// summary is the pane row: one clause per mechanism.
func summary(r *Report) string {
	var parts []string
	if s := r.SPF; s != nil {
		switch {
		case s.Record == "":
			parts = append(parts, "SPF none")
		case s.Walk != nil && s.Walk.OverLimit():
			parts = append(parts, fmt.Sprintf("SPF %d/%d lookups permerror", s.Walk.Lookups, SPFLookupLimit))
		case s.Walk != nil:
			parts = append(parts, fmt.Sprintf("SPF %d/%d lookups", s.Walk.Lookups, SPFLookupLimit))
		}
	}
	var keys []string
	for _, k := range r.DKIM {
		if k.Found {
			if k.Key != nil {
				keys = append(keys, k.Selector+" "+k.Key.Describe())
			} else {
				keys = append(keys, k.Selector+" invalid")
			}
		}
	}
	if len(keys) > 0 {
		parts = append(parts, "DKIM "+strings.Join(keys, ", "))
	} else {
		parts = append(parts, "DKIM none")
	}
	if d := r.DMARC; d != nil {
		switch {
		case d.Record != nil:
			p := "DMARC p=" + d.Record.Policy
			if len(d.Record.RUA) == 0 {
				p += " no rua"
			}
			parts = append(parts, p)
		case d.Error != "":
			parts = append(parts, "DMARC invalid")
		default:
			parts = append(parts, "DMARC none")
		}
	}
	if m := r.MX; m != nil {
		switch {
		case m.Null:
			parts = append(parts, "null MX")
		default:
			parts = append(parts, fmt.Sprintf("MX %d", len(m.Hosts)))
		}
	}
	if s := r.MTASTS; s != nil && s.Policy != nil {
		parts = append(parts, "MTA-STS "+s.Policy.Mode)
	}
	return strings.Join(parts, " · ")
}
