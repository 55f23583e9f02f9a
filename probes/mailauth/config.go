package mailauth

import (
	"fmt"
	"net/mail"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/config"
)

// Config is the email: section of launchready.yaml. Every key is optional: without the
// section the pane checks the top-level domain with the defaults below.
type Config struct {
	// Domains are the domains mail is sent from: the product's domain and any sending
	// subdomains (news.acme.example). Each gets its own check. Default: [domain].
	Domains []string `yaml:"domains"`
	// FromDomain is the domain in the From: header of the product's mail; DMARC aligns
	// everything against it. Default: the first of Domains.
	FromDomain string `yaml:"from_domain"`
	// ReturnPathDomain is the envelope sender (MAIL FROM, bounce) domain the provider
	// uses; SPF is checked for it. Default: FromDomain.
	ReturnPathDomain string `yaml:"return_path_domain"`
	// ApprovedSenders are the SPF includes allowed in the record (the providers'
	// _spf domains). When set, an include not listed and a listed one missing are
	// findings.
	ApprovedSenders []string `yaml:"approved_senders"`
	// SendingIPs are addresses the providers send from; each gets an SPF verdict.
	SendingIPs []string `yaml:"sending_ips"`
	// DKIMSelectors are the selectors the providers sign with (lr1 for
	// lr1._domainkey.<domain>).
	DKIMSelectors []string `yaml:"dkim_selectors"`
	// MinDMARCPolicy is the weakest acceptable p=: none, quarantine or reject.
	// Default: none (p=none is still reported as monitoring only).
	MinDMARCPolicy string `yaml:"min_dmarc_policy"`
	// SMTP is the submission server `launchready email send-test` sends through.
	SMTP SMTP `yaml:"smtp"`
	// TestRecipient is where send-test sends when --to is not given.
	TestRecipient string `yaml:"test_recipient"`
	// Inboxes are the test inboxes `email roundtrip` reads to see where mail landed.
	Inboxes []Inbox `yaml:"inboxes"`
	// Roundtrip bounds the round trip's wait and says whether its messages are kept.
	Roundtrip Roundtrip `yaml:"roundtrip"`
	// Triggers make the app send its own membership mails to the test user (`email
	// roundtrip --trigger`).
	Triggers []Trigger `yaml:"triggers"`
	// Interval and Timeout override checks.interval and checks.timeout for this pane:
	// records change rarely, so the default interval is 5m.
	Interval time.Duration `yaml:"interval"`
	Timeout  time.Duration `yaml:"timeout"`
}

// SMTP is a mail submission server and its login.
type SMTP struct {
	Host string `yaml:"host"`
	// Port defaults to 587 for starttls and 465 for implicit TLS.
	Port int `yaml:"port"`
	// TLS is "starttls" (default: upgrade a plain connection, port 587) or "implicit"
	// (TLS from the first byte, port 465). Plain text is not offered: the password
	// would cross the network in the clear.
	TLS      string `yaml:"tls"`
	Username string `yaml:"username"`
	// Password is a secret reference (env:NAME or file:PATH), never the password.
	Password *config.Secret `yaml:"password"`
	// From is the sender address of the test message; default launchready@<from_domain>.
	From string `yaml:"from"`
}

// Configured says whether a submission server is set up at all.
func (s SMTP) Configured() bool { return s.Host != "" }

// Addr is host:port.
func (s SMTP) Addr() string { return fmt.Sprintf("%s:%d", s.Host, s.Port) }

// Policies a DMARC record can set, weakest first.
var policies = []string{"none", "quarantine", "reject"}

const defaultInterval = 5 * time.Minute

// decodeConfig reads the email section (nil when absent) and fills defaults from the
// top-level config. Every problem is returned at once, each at its file:line:col.
func decodeConfig(cfg *config.Config) (*Config, error) {
	c := &Config{}
	sec := cfg.Section("email")
	var errs config.Errors
	if sec != nil {
		if es := sec.Decode(c); len(es) > 0 {
			return nil, es
		}
	}
	errAt := func(path, msg, fix string) {
		if sec != nil {
			errs = append(errs, sec.Error(path, msg, fix))
		} else {
			errs = append(errs, cfg.ErrorAt(path, msg, fix))
		}
	}
	if len(c.Domains) == 0 && cfg.Domain != "" {
		c.Domains = []string{cfg.Domain}
	}
	seen := map[string]bool{}
	for i, d := range c.Domains {
		n := normDomain(d)
		if !isHostname(n) {
			errAt(fmt.Sprintf("email.domains[%d]", i), fmt.Sprintf("%q is not a domain name", d), "write a bare domain like acme.example or news.acme.example")
			continue
		}
		if seen[n] {
			errAt(fmt.Sprintf("email.domains[%d]", i), fmt.Sprintf("%s is listed twice", n), "keep one of them")
		}
		seen[n] = true
		c.Domains[i] = n
	}
	for _, f := range []struct {
		path string
		v    *string
	}{{"email.from_domain", &c.FromDomain}, {"email.return_path_domain", &c.ReturnPathDomain}} {
		if *f.v == "" {
			continue
		}
		*f.v = normDomain(*f.v)
		if !isHostname(*f.v) {
			errAt(f.path, fmt.Sprintf("%q is not a domain name", *f.v), "write a bare domain like acme.example")
		}
	}
	if c.FromDomain == "" && len(c.Domains) > 0 {
		c.FromDomain = c.Domains[0]
	}
	if c.ReturnPathDomain == "" {
		c.ReturnPathDomain = c.FromDomain
	}
	for i, a := range c.ApprovedSenders {
		n := normDomain(strings.TrimPrefix(a, "include:"))
		if !isHostname(n) {
			errAt(fmt.Sprintf("email.approved_senders[%d]", i), fmt.Sprintf("%q is not a domain", a), "list the domain an include names, like _spf.google.com (without include:)")
		}
		c.ApprovedSenders[i] = n
	}
	for i, s := range c.SendingIPs {
		if _, err := netip.ParseAddr(s); err != nil {
			errAt(fmt.Sprintf("email.sending_ips[%d]", i), fmt.Sprintf("%q is not an IP address", s), "list single addresses your provider sends from, like 192.0.2.10 or 2001:db8::10")
		}
	}
	for i, s := range c.DKIMSelectors {
		if s == "" || strings.ContainsAny(s, " ;") || strings.HasSuffix(s, "._domainkey") || strings.Contains(s, "._domainkey.") {
			errAt(fmt.Sprintf("email.dkim_selectors[%d]", i), fmt.Sprintf("%q is not a selector", s), "write only the selector: lr1 for lr1._domainkey.acme.example")
		}
	}
	if c.MinDMARCPolicy == "" {
		c.MinDMARCPolicy = "none"
	} else if c.MinDMARCPolicy = strings.ToLower(c.MinDMARCPolicy); !slices.Contains(policies, c.MinDMARCPolicy) {
		errAt("email.min_dmarc_policy", fmt.Sprintf("%q is not a DMARC policy", c.MinDMARCPolicy), "use none, quarantine or reject")
	}
	c.checkSMTP(errAt)
	if c.TestRecipient != "" {
		if _, err := mail.ParseAddress(c.TestRecipient); err != nil {
			errAt("email.test_recipient", fmt.Sprintf("%q is not an email address", c.TestRecipient), "write it like ops@acme.example")
		}
	}
	errWithin := func(path, within, msg, fix string) {
		if sec != nil {
			errs = append(errs, sec.ErrorWithin(path, within, msg, fix))
		} else {
			errs = append(errs, cfg.ErrorAt(path, msg, fix))
		}
	}
	c.checkInboxes(errAt, errWithin)
	c.checkTriggers(errAt, errWithin)
	if c.Interval == 0 {
		c.Interval = defaultInterval
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

func (c *Config) checkSMTP(errAt func(path, msg, fix string)) {
	s := &c.SMTP
	if !s.Configured() {
		if s.Username != "" || (s.Password != nil && s.Password.IsSet()) || s.From != "" || s.Port != 0 {
			errAt("email.smtp.host", "smtp has settings but no host", "set host to the provider's submission server, e.g. smtp.mailprovider.example")
		}
		return
	}
	if !isHostname(normDomain(s.Host)) {
		if _, err := netip.ParseAddr(s.Host); err != nil {
			errAt("email.smtp.host", fmt.Sprintf("%q is not a host name", s.Host), "write the bare host, like smtp.mailprovider.example (no scheme, no port: port has its own key)")
		}
	}
	switch strings.ToLower(s.TLS) {
	case "", "starttls":
		s.TLS = "starttls"
		if s.Port == 0 {
			s.Port = 587
		}
	case "implicit", "tls", "ssl":
		s.TLS = "implicit"
		if s.Port == 0 {
			s.Port = 465
		}
	default:
		errAt("email.smtp.tls", fmt.Sprintf("%q is not a TLS mode", s.TLS), "use starttls (port 587) or implicit (port 465); sending a password without TLS is not offered")
	}
	if s.Port < 0 || s.Port > 65535 {
		errAt("email.smtp.port", fmt.Sprintf("%d is not a port", s.Port), "submission servers listen on 587 (starttls) or 465 (implicit TLS)")
	}
	if s.Username != "" && (s.Password == nil || !s.Password.IsSet()) {
		errAt("email.smtp.password", "a username is set but no password reference", "add password: env:SMTP_PASSWORD (or file:PATH)")
	}
	if s.From == "" && c.FromDomain != "" {
		s.From = "launchready@" + c.FromDomain
	} else if s.From != "" {
		if _, err := mail.ParseAddress(s.From); err != nil {
			errAt("email.smtp.from", fmt.Sprintf("%q is not an email address", s.From), "write it like launchready@acme.example")
		}
	}
}

// isHostname checks a DNS name with at least two labels.
func isHostname(s string) bool {
	if _, ok := dns.IsDomainName(s); !ok {
		return false
	}
	return validLookupName(s) && !strings.ContainsAny(s, " /:@")
}
