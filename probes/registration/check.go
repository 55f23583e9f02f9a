package registration

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// Thresholds for an expiry: registrars' own reminders start at 30 days, and a registration
// in its last week is one failed card payment from lapsing.
const (
	expiringHigh     = 30 * 24 * time.Hour
	expiringCritical = 7 * 24 * time.Hour
)

type check struct {
	domain    string
	registrar string // documented; "" when not
	server    string // network.rdap_url; "" means the shipped bootstrap
	interval  time.Duration
	timeout   time.Duration
	net       *netx.Net
	now       func() time.Time
}

func (c *check) Info() probes.CheckInfo {
	return probes.CheckInfo{Name: "registration " + c.domain, Kind: Kind.Name, Pane: Kind.Pane, Target: c.domain,
		Interval: c.interval, Timeout: c.timeout}
}

func (c *check) Run(ctx context.Context) probes.Result {
	res := probes.Result{Target: c.domain}
	base := c.server
	if base == "" {
		if reserved(c.domain) {
			res.Summary = c.domain + " is under a reserved test TLD: nothing is registered to look up"
			return res
		}
		bs, err := shippedBootstrap()
		if err != nil {
			res.Err = "the shipped RDAP bootstrap is broken (a build problem): " + err.Error()
			return res
		}
		if base = bs.server(c.domain); base == "" {
			tld := c.domain[strings.LastIndexByte(c.domain, '.')+1:]
			res.Err = fmt.Sprintf("no RDAP service for .%s in IANA's bootstrap (copied %s): its registry may publish none yet. "+
				"Set network.rdap_url to the registry's RDAP base URL, or check the expiry at the registrar by hand", tld, BootstrapTaken)
			return res
		}
	}
	hc := c.net.HTTPClient(netx.HTTPOptions{Timeout: c.timeout, FollowRedirects: true})
	rec, err := lookup(ctx, hc, base, c.domain)
	if err != nil {
		res.Err = err.Error()
		return res
	}
	res.Data = rec
	res.Findings = c.findings(rec)
	res.Metrics = map[string]float64{"transfer_lock": b2f(rec.TransferLocked()), "delegation_signed": b2f(rec.DNSSEC)}
	parts := []string{}
	if rec.Registrar != "" {
		parts = append(parts, rec.Registrar)
	}
	if !rec.Expires.IsZero() {
		days := daysLeft(rec.Expires, c.now())
		res.Metrics["registration_days_left"] = float64(days)
		parts = append(parts, fmt.Sprintf("expires %s (%d days)", rec.Expires.Format("2006-01-02"), days))
	} else {
		parts = append(parts, "no expiry published")
	}
	if rec.TransferLocked() {
		parts = append(parts, "transfer locked")
	} else {
		parts = append(parts, "not transfer locked")
	}
	if rec.DNSSEC {
		parts = append(parts, "DNSSEC signed")
	}
	res.Summary = strings.Join(parts, " · ")
	return res
}

// daysLeft rounds down, as a registrar's "expires in N days" does; negative once expired.
func daysLeft(exp, now time.Time) int {
	return int(math.Floor(exp.Sub(now).Hours() / 24))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (c *check) findings(rec Record) []probes.Finding {
	var out []probes.Finding
	evidence := []string{"RDAP " + rec.Server}
	if rec.Registrar != "" {
		evidence = append(evidence, "registrar: "+rec.Registrar)
	}
	if !rec.Expires.IsZero() {
		evidence = append(evidence, "expiration: "+rec.Expires.UTC().Format(time.RFC3339))
	}
	if len(rec.Status) > 0 {
		evidence = append(evidence, "status: "+strings.Join(rec.Status, ", "))
	}
	f := func(id string, sev probes.Severity, impact probes.Impact, title, detail, observed, expected, fix string) {
		out = append(out, probes.Finding{ID: id, Pane: Kind.Pane, Target: c.domain, Severity: sev, Impact: impact,
			Title: title, Detail: detail, Observed: observed, Expected: expected, Fix: fix, Evidence: evidence})
	}
	renew := "Renew " + c.domain + " at " + orDefault(rec.Registrar, "its registrar") + " now and turn on auto-renew with a card that will not expire before launch; verify: launchready check --only dns"
	if !rec.Expires.IsZero() {
		now := c.now()
		left := rec.Expires.Sub(now)
		days := daysLeft(rec.Expires, now)
		switch {
		case left <= 0:
			f("registration.expired", probes.Critical, probes.Revenue, fmt.Sprintf("%s registration expired %d days ago", c.domain, -days),
				"The registry lists the registration as past its expiry. Most registries keep the name resolving for a grace period, then park it: the site, mail and every login link stop at once, and after redemption anyone may buy it.",
				"expires "+rec.Expires.Format("2006-01-02"), "an expiry more than 30 days away", renew)
		case left < expiringCritical:
			f("registration.expiring", probes.Critical, probes.Revenue, fmt.Sprintf("%s registration expires in %d days (%s)", c.domain, days, rec.Expires.Format("Jan 2")),
				"If it lapses the site, its mail and every member's login link stop working together, in launch week.",
				"expires "+rec.Expires.Format("2006-01-02"), "an expiry more than 30 days away", renew)
		case left < expiringHigh:
			f("registration.expiring", probes.High, probes.Revenue, fmt.Sprintf("%s registration expires in %d days (%s)", c.domain, days, rec.Expires.Format("Jan 2")),
				"A renewal that fails (an expired card, a registrar email nobody reads) takes the product and its mail down together.",
				"expires "+rec.Expires.Format("2006-01-02"), "an expiry more than 30 days away", renew)
		}
	}
	if !rec.TransferLocked() {
		f("registration.no-transfer-lock", probes.Low, probes.Trust, c.domain+" is not locked against transfer",
			"Without clientTransferProhibited a registrar account compromise, or a social-engineered support ticket, can move the domain away with one confirmation email.",
			"status: "+orDefault(strings.Join(rec.Status, ", "), "(none published)"), "client transfer prohibited",
			"Turn on the registrar lock (\"transfer lock\", \"domain lock\") in "+orDefault(rec.Registrar, "the registrar")+"'s dashboard; unlock only while a planned transfer runs.")
	}
	if c.registrar != "" && rec.Registrar != "" && !sameRegistrar(c.registrar, rec.Registrar) {
		f("registration.registrar-mismatch", probes.Medium, probes.Trust, fmt.Sprintf("%s is held at %s, not %s as documented", c.domain, rec.Registrar, c.registrar),
			"The account renewals, DNS delegation and transfer approvals go through is not the one the team documented: an old account nobody watches, or a transfer nobody planned.",
			rec.Registrar, c.registrar,
			"Find who owns the "+rec.Registrar+" account and either transfer the domain to "+c.registrar+" or correct registration.registrar in launchready.yaml.")
	}
	return out
}

// sameRegistrar compares names loosely: registries write "Cloudflare, Inc." where a founder
// documents "Cloudflare".
func sameRegistrar(documented, actual string) bool {
	norm := func(s string) string {
		s = strings.ToLower(s)
		for _, suffix := range []string{",", ".", " inc", " llc", " ltd", " gmbh", " sas", " s.a.", " corp", " limited"} {
			s = strings.ReplaceAll(s, suffix, "")
		}
		return strings.Join(strings.Fields(s), " ")
	}
	d, a := norm(documented), norm(actual)
	return d == a || strings.HasPrefix(a, d+" ") || strings.HasPrefix(d, a+" ")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
