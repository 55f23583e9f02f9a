package alert

import (
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

// SectionName is the config section this package reads.
const SectionName = "alerts"

// Defaults, named so the docs, the example config and the code agree.
const (
	DefaultFireAfter    = 2
	DefaultResolveAfter = 1
	DefaultRepeat       = 4 * time.Hour
	DefaultGroupWait    = 10 * time.Second
	DefaultSummaryOver  = 3
	DefaultRetryInitial = 5 * time.Second
	DefaultRetryMax     = 5 * time.Minute
	DefaultGiveUp       = 24 * time.Hour
	DefaultDownAfter    = 3
	DefaultTimeout      = 10 * time.Second
	DefaultResend       = time.Minute
	DefaultSignature    = "X-Launchready-Signature"
)

// Config is the alerts: section: who hears about what, through which channels, and how
// patiently. The zero values of optional fields take the defaults above.
type Config struct {
	// FireAfter is how many failing results in a row fire an alert: one bad sweep is
	// often the network, two is the product.
	FireAfter *int `yaml:"fire_after"`
	// ResolveAfter is how many passing results in a row resolve it.
	ResolveAfter *int `yaml:"resolve_after"`
	// Repeat reminds at most this often while an alert fires; 0s never repeats.
	Repeat *time.Duration `yaml:"repeat"`
	// GroupWait holds new notifications this long per channel, so an outage that breaks
	// forty checks at once sends one summary, not forty messages. 0s sends at once.
	GroupWait *time.Duration `yaml:"group_wait"`
	// SummaryOver: a group of more than this many notifications is sent as one summary.
	SummaryOver *int `yaml:"summary_over"`
	// CheckErrors alerts when a check could not run at all (a probe crashed, the
	// resolver is down); default true.
	CheckErrors *bool `yaml:"check_errors"`
	Retry       Retry `yaml:"retry"`
	// DownAfter is how many failed deliveries in a row make a channel "down": shown in the
	// console and the metrics, and alerted through the other channels.
	DownAfter   *int      `yaml:"down_after"`
	Channels    []Channel `yaml:"channels"`
	Rules       []Rule    `yaml:"rules"`
	Maintenance []Window  `yaml:"maintenance"`

	repeat, groupWait                               time.Duration
	checkErrors                                     bool
	fireAfter, resolveAfter, summaryOver, downAfter int
}

// Retry is how delivery retries back off.
type Retry struct {
	Initial time.Duration `yaml:"initial"` // first wait after a failure; doubles each time
	Max     time.Duration `yaml:"max"`     // the longest wait between attempts
	GiveUp  time.Duration `yaml:"give_up"` // a notification older than this is dropped (and counted)
}

// Channel is one way to reach people. Exactly one of the kinds is set.
type Channel struct {
	Name         string        `yaml:"name"`
	Timeout      time.Duration `yaml:"timeout"` // one delivery attempt; default 10s
	Slack        *Slack        `yaml:"slack"`
	Webhook      *Webhook      `yaml:"webhook"`
	Email        *Email        `yaml:"email"`
	Alertmanager *Alertmanager `yaml:"alertmanager"`
}

// Slack is an incoming webhook. Its URL holds the token, so it is a secret reference.
type Slack struct {
	URL *config.Secret `yaml:"url"`
}

// Webhook is a generic JSON POST, optionally signed with HMAC-SHA256.
type Webhook struct {
	URL *config.Secret `yaml:"url"`
	// HMACKey signs each body: header "t=UNIX,v1=HEX" where HEX is
	// HMAC-SHA256(key, "UNIX.BODY"), as Stripe signs its webhooks.
	HMACKey         *config.Secret `yaml:"hmac_key"`
	SignatureHeader string         `yaml:"signature_header"`
}

// Email is SMTP submission through a relay (go-smtp client).
type Email struct {
	Server   string         `yaml:"server"` // host:port, e.g. smtp.postmarkapp.com:587
	TLS      string         `yaml:"tls"`    // starttls (default), tls (implicit, port 465) or none (loopback relays only)
	From     string         `yaml:"from"`
	To       []string       `yaml:"to"`
	Username string         `yaml:"username"`
	Password *config.Secret `yaml:"password"`
}

// Alertmanager is Prometheus Alertmanager's v2 API (POST /api/v2/alerts), for teams that
// already route and silence there.
type Alertmanager struct {
	URL      string         `yaml:"url"` // base URL, e.g. http://127.0.0.1:9093
	Username string         `yaml:"username"`
	Password *config.Secret `yaml:"password"`
	// Resend re-posts firing alerts this often, as Prometheus does, so Alertmanager
	// keeps them open; they end 4 resends after the last one if watch stops.
	Resend time.Duration `yaml:"resend"`
}

// Rule routes alerts to channels and names their owner. An alert goes to every channel of
// every rule it matches; an empty matcher matches everything.
type Rule struct {
	Name     string   `yaml:"name"`
	Owner    string   `yaml:"owner"`    // who acts on it: a person, a team, an on-call alias
	Panes    []string `yaml:"panes"`    // dns, tls, email, endpoints, errors
	Checks   []string `yaml:"checks"`   // check names, * wildcards ("http *")
	Findings []string `yaml:"findings"` // finding ids, * wildcards ("dns.*")
	Severity string   `yaml:"severity"` // at or above; default high
	Channels []string `yaml:"channels"`

	severity probes.Severity
}

// Window is a maintenance window from the config: notifications for matching checks wait
// until it ends (state is still kept, so what is still broken afterwards fires then).
type Window struct {
	Checks []string `yaml:"checks"`
	Panes  []string `yaml:"panes"`
	From   string   `yaml:"from"`  // RFC 3339, e.g. 2026-11-28T02:00:00Z
	Until  string   `yaml:"until"` // RFC 3339
	Reason string   `yaml:"reason"`
}

// Decode reads the alerts section (nil when absent: no alerts, no error) strictly, with
// every problem positioned. Secrets inside it join the config's list, so decode before
// Config.Resolve.
func Decode(cfg *config.Config) (*Config, error) {
	s := cfg.Section(SectionName)
	if s == nil {
		return nil, nil
	}
	c := &Config{}
	if errs := s.Decode(c); len(errs) > 0 {
		return nil, errs
	}
	if errs := c.validate(s); len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// Defaults returns a config with every default applied and no channels: what tests and
// `alert test` build on.
func Defaults() *Config {
	c := &Config{}
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	c.fireAfter = intOr(c.FireAfter, DefaultFireAfter)
	c.resolveAfter = intOr(c.ResolveAfter, DefaultResolveAfter)
	c.summaryOver = intOr(c.SummaryOver, DefaultSummaryOver)
	c.downAfter = intOr(c.DownAfter, DefaultDownAfter)
	c.repeat = DefaultRepeat
	if c.Repeat != nil {
		c.repeat = *c.Repeat
	}
	c.groupWait = DefaultGroupWait
	if c.GroupWait != nil {
		c.groupWait = *c.GroupWait
	}
	c.checkErrors = c.CheckErrors == nil || *c.CheckErrors
	if c.Retry.Initial == 0 {
		c.Retry.Initial = DefaultRetryInitial
	}
	if c.Retry.Max == 0 {
		c.Retry.Max = DefaultRetryMax
	}
	if c.Retry.GiveUp == 0 {
		c.Retry.GiveUp = DefaultGiveUp
	}
	for i := range c.Channels {
		ch := &c.Channels[i]
		if ch.Timeout == 0 {
			ch.Timeout = DefaultTimeout
		}
		if ch.Webhook != nil && ch.Webhook.SignatureHeader == "" {
			ch.Webhook.SignatureHeader = DefaultSignature
		}
		if ch.Email != nil && ch.Email.TLS == "" {
			ch.Email.TLS = "starttls"
		}
		if ch.Alertmanager != nil && ch.Alertmanager.Resend == 0 {
			ch.Alertmanager.Resend = DefaultResend
		}
	}
	for i := range c.Rules {
		if c.Rules[i].Severity == "" {
			c.Rules[i].Severity = "high"
		}
	}
}

// RepeatEvery is the effective repeat interval (0: never).
func (c *Config) RepeatEvery() time.Duration { return c.repeat }

// GroupWaitFor is the effective grouping window.
func (c *Config) GroupWaitFor() time.Duration { return c.groupWait }

// Channel returns the named channel.
func (c *Config) Channel(name string) (Channel, bool) {
	i := slices.IndexFunc(c.Channels, func(ch Channel) bool { return ch.Name == name })
	if i < 0 {
		return Channel{}, false
	}
	return c.Channels[i], true
}

// Kind names the channel's kind, for output and metrics labels.
func (ch Channel) Kind() string {
	switch {
	case ch.Slack != nil:
		return "slack"
	case ch.Webhook != nil:
		return "webhook"
	case ch.Email != nil:
		return "email"
	case ch.Alertmanager != nil:
		return "alertmanager"
	}
	return "none"
}

func (c *Config) validate(s *config.Section) config.Errors {
	c.applyDefaults()
	var errs config.Errors
	add := func(p, msg, fix string) { errs = append(errs, s.Error(p, msg, fix)) }
	if c.fireAfter < 1 || c.fireAfter > 100 {
		add("alerts.fire_after", fmt.Sprintf("%d is out of range", c.fireAfter), "use 1 to 100; 2 (the default) rides out one bad sweep")
	}
	if c.resolveAfter < 1 || c.resolveAfter > 100 {
		add("alerts.resolve_after", fmt.Sprintf("%d is out of range", c.resolveAfter), "use 1 to 100; 1 is the default")
	}
	if c.repeat != 0 && c.repeat < time.Minute {
		add("alerts.repeat", fmt.Sprintf("%s would page someone every few seconds", c.repeat), "use 1m or more, or 0s to never repeat; 4h is the default")
	}
	if c.groupWait > 5*time.Minute {
		add("alerts.group_wait", fmt.Sprintf("%s delays every alert by that long", c.groupWait), "use at most 5m; 10s is the default")
	}
	if c.summaryOver < 1 {
		add("alerts.summary_over", fmt.Sprintf("%d is out of range", c.summaryOver), "use 1 or more; 3 is the default")
	}
	if c.Retry.Initial > c.Retry.Max {
		add("alerts.retry.initial", fmt.Sprintf("%s is longer than retry.max (%s)", c.Retry.Initial, c.Retry.Max), "make initial shorter than max")
	}
	if c.Retry.GiveUp < c.Retry.Max {
		add("alerts.retry.give_up", fmt.Sprintf("%s is shorter than retry.max (%s)", c.Retry.GiveUp, c.Retry.Max), "give up later than the longest retry wait; 24h is the default")
	}
	if c.downAfter < 1 {
		add("alerts.down_after", fmt.Sprintf("%d is out of range", c.downAfter), "use 1 or more; 3 is the default")
	}
	names := map[string]int{}
	for i, ch := range c.Channels {
		p := fmt.Sprintf("alerts.channels[%d]", i)
		errs = append(errs, ch.validate(s, p)...)
		if j, dup := names[ch.Name]; dup && ch.Name != "" {
			add(p+".name", fmt.Sprintf("%q is used twice (also channels[%d])", ch.Name, j), "give each channel its own name")
		}
		names[ch.Name] = i
	}
	if len(c.Channels) > 0 && len(c.Rules) == 0 {
		add("alerts.rules", "no rule sends anything to the channels", "add a rule, e.g. - {owner: ops, severity: high, channels: ["+c.Channels[0].Name+"]}")
	}
	for i := range c.Rules {
		r := &c.Rules[i]
		p := fmt.Sprintf("alerts.rules[%d]", i)
		if strings.TrimSpace(r.Owner) == "" {
			add(p, "has no owner", "add owner: naming who acts on these alerts (a person, team or on-call alias): it is printed in every message")
		}
		sev, err := probes.ParseSeverity(r.Severity)
		if err != nil {
			add(p+".severity", fmt.Sprintf("%q is not a severity", r.Severity), "use critical, high, medium, low or info (alerts at or above it match)")
		}
		r.severity = sev
		errs = append(errs, checkPanes(s, p+".panes", r.Panes)...)
		errs = append(errs, checkGlobs(s, p+".checks", r.Checks)...)
		errs = append(errs, checkGlobs(s, p+".findings", r.Findings)...)
		if len(r.Channels) == 0 {
			add(p+".channels", "is empty", "list the channel names this rule sends to")
		}
		for j, n := range r.Channels {
			if _, ok := names[n]; !ok {
				known := make([]string, 0, len(c.Channels))
				for _, ch := range c.Channels {
					known = append(known, ch.Name)
				}
				add(fmt.Sprintf("%s.channels[%d]", p, j), fmt.Sprintf("no channel is named %q", n), "use one of: "+strings.Join(known, ", "))
			}
		}
	}
	for i, w := range c.Maintenance {
		p := fmt.Sprintf("alerts.maintenance[%d]", i)
		errs = append(errs, checkPanes(s, p+".panes", w.Panes)...)
		errs = append(errs, checkGlobs(s, p+".checks", w.Checks)...)
		from, ferr := time.Parse(time.RFC3339, w.From)
		if ferr != nil {
			add(p+".from", fmt.Sprintf("%q is not an RFC 3339 time", w.From), "write it like 2026-11-28T02:00:00Z (or with an offset, +01:00)")
		}
		until, uerr := time.Parse(time.RFC3339, w.Until)
		if uerr != nil {
			add(p+".until", fmt.Sprintf("%q is not an RFC 3339 time", w.Until), "write it like 2026-11-28T03:00:00Z")
		}
		if ferr == nil && uerr == nil && !until.After(from) {
			add(p+".until", "is not after from", "end the window after it starts")
		}
	}
	return errs
}

func (ch Channel) validate(s *config.Section, p string) config.Errors {
	var errs config.Errors
	add := func(path, msg, fix string) { errs = append(errs, s.Error(path, msg, fix)) }
	if ch.Name == "" {
		add(p, "has no name", "add name: (rules refer to channels by it), e.g. name: ops-slack")
	} else if strings.ContainsAny(ch.Name, " \t,") {
		add(p+".name", fmt.Sprintf("%q has spaces or commas", ch.Name), "use letters, digits and - _ . only: rules and `alert test NAME` refer to it")
	}
	set := 0
	for _, b := range []bool{ch.Slack != nil, ch.Webhook != nil, ch.Email != nil, ch.Alertmanager != nil} {
		if b {
			set++
		}
	}
	switch {
	case set == 0:
		add(p, "says no way to deliver", "add one of slack:, webhook:, email: or alertmanager:")
	case set > 1:
		add(p, "has more than one of slack, webhook, email, alertmanager", "make one channel per destination")
	}
	if ch.Timeout < time.Second || ch.Timeout > time.Minute {
		add(p+".timeout", fmt.Sprintf("%s is out of range", ch.Timeout), "use 1s to 1m; 10s is the default")
	}
	switch {
	case ch.Slack != nil:
		if !isSet(ch.Slack.URL) {
			add(p+".slack.url", "is missing", "give the incoming webhook URL by reference: url: env:SLACK_WEBHOOK_URL")
		}
	case ch.Webhook != nil:
		if !isSet(ch.Webhook.URL) {
			add(p+".webhook.url", "is missing", "give the URL by reference: url: env:ALERT_WEBHOOK_URL")
		}
		if h := ch.Webhook.SignatureHeader; strings.ContainsAny(h, " :\t\r\n") {
			add(p+".webhook.signature_header", fmt.Sprintf("%q is not a header name", h), "use a name like "+DefaultSignature)
		}
	case ch.Email != nil:
		errs = append(errs, ch.Email.validate(s, p+".email")...)
	case ch.Alertmanager != nil:
		u, err := url.Parse(ch.Alertmanager.URL)
		if ch.Alertmanager.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add(p+".alertmanager.url", fmt.Sprintf("%q is not an http(s) URL", ch.Alertmanager.URL), "write Alertmanager's base address, e.g. http://127.0.0.1:9093 (we POST to /api/v2/alerts under it)")
		} else if u.User != nil {
			add(p+".alertmanager.url", "carries a user name or password", "use username: and password: (a secret reference) instead")
		}
		if isSet(ch.Alertmanager.Password) && ch.Alertmanager.Username == "" {
			add(p+".alertmanager", "has a password but no username", "set username: for basic auth")
		}
		if r := ch.Alertmanager.Resend; r < 10*time.Second || r > 10*time.Minute {
			add(p+".alertmanager.resend", fmt.Sprintf("%s is out of range", r), "use 10s to 10m; 1m is the default")
		}
	}
	return errs
}

func (e *Email) validate(s *config.Section, p string) config.Errors {
	var errs config.Errors
	add := func(path, msg, fix string) { errs = append(errs, s.Error(path, msg, fix)) }
	host, port, err := net.SplitHostPort(e.Server)
	if e.Server == "" || err != nil || host == "" || port == "" {
		add(p+".server", fmt.Sprintf("%q is not host:port", e.Server), "write the relay's address with its port, e.g. smtp.postmarkapp.com:587")
	}
	if !slices.Contains([]string{"starttls", "tls", "none"}, e.TLS) {
		add(p+".tls", fmt.Sprintf("%q is not a TLS mode", e.TLS), "use starttls (port 587, the default), tls (port 465) or none (a relay on this machine)")
	}
	if e.TLS == "none" && host != "" && !isLoopback(host) {
		add(p+".tls", "none would send mail (and any password) in the clear across the network", "use starttls or tls; none is only for a relay on 127.0.0.1")
	}
	if _, err := mail.ParseAddress(e.From); err != nil {
		add(p+".from", fmt.Sprintf("%q is not an email address", e.From), "e.g. from: launchready@acme.example")
	}
	if len(e.To) == 0 {
		add(p+".to", "lists no recipients", "list who gets the mail, e.g. to: [ops@acme.example]")
	}
	for i, t := range e.To {
		if _, err := mail.ParseAddress(t); err != nil {
			add(fmt.Sprintf("%s.to[%d]", p, i), fmt.Sprintf("%q is not an email address", t), "write one address per item")
		}
	}
	if isSet(e.Password) && e.Username == "" {
		add(p, "has a password but no username", "set username: for SMTP AUTH")
	}
	return errs
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

func checkPanes(s *config.Section, p string, panes []string) config.Errors {
	var errs config.Errors
	for i, n := range panes {
		if !slices.Contains(probes.Panes, probes.Pane(n)) {
			errs = append(errs, s.Error(fmt.Sprintf("%s[%d]", p, i), fmt.Sprintf("%q is not a pane", n), "use dns, tls, email, endpoints or errors"))
		}
	}
	return errs
}

func checkGlobs(s *config.Section, p string, globs []string) config.Errors {
	var errs config.Errors
	for i, g := range globs {
		if _, err := path.Match(g, ""); err != nil || g == "" {
			errs = append(errs, s.Error(fmt.Sprintf("%s[%d]", p, i), fmt.Sprintf("%q is not a pattern", g), "write a name, or use * for any run of characters, e.g. \"http *\""))
		}
	}
	return errs
}

// match reports whether name matches any pattern (none: everything).
func match(patterns []string, name string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

func matchPane(panes []string, p probes.Pane) bool {
	return len(panes) == 0 || slices.Contains(panes, string(p))
}

func isSet(s *config.Secret) bool { return s != nil && s.IsSet() }

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// FireAfterN is the effective fire_after.
func (c *Config) FireAfterN() int { return c.fireAfter }
