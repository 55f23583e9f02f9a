package tlscheck

import (
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
)

// Section is launchready.yaml's `tls:` section. Everything has a default derived from the
// top-level config (every host in hosts:, apex and www redirecting to canonical_url, the
// canonical page scanned for mixed content), so the section holds only what has no home
// there. examples/launchready.yaml documents every key.
type Section struct {
	// Interval is how often each certificate check runs; certificates change rarely, so
	// the default is 5m rather than checks.interval.
	Interval time.Duration `yaml:"interval"`
	// Timeout bounds one check (all its handshakes and requests); default checks.timeout.
	Timeout time.Duration `yaml:"timeout"`
	// Expiry are the days-left thresholds.
	Expiry Expiry `yaml:"expiry"`
	// HSTSMinDays is the least HSTS max-age that passes; default 180.
	HSTSMinDays int `yaml:"hsts_min_days"`
	// Skip names hosts from hosts: that serve no HTTPS (mail-only names, say). Hosts with
	// role mail are skipped without being listed.
	Skip []string `yaml:"skip"`
	// Targets are extra TLS endpoints as host:port (an admin panel on 8443, IMAPS on 993).
	// They get the handshake checks only: certificate, chain, TLS versions, CAA.
	Targets []string `yaml:"targets"`
	// Pages are extra https:// pages to scan for mixed content, besides canonical_url.
	Pages []string `yaml:"pages"`
	// Redirects are expectations beyond the defaults; one with the same from replaces a
	// default.
	Redirects []RedirectRule `yaml:"redirects"`
	// DefaultRedirects turns off the derived apex -> canonical and www -> canonical
	// expectations when false.
	DefaultRedirects *bool `yaml:"default_redirects"`
	// CADomains maps an issuer (matched case-insensitively against the issuer
	// certificate's organisation or common name) to the CAA domains that CA uses, for
	// CAs the built-in table does not know. Entries here win over the built-in table.
	CADomains map[string][]string `yaml:"ca_domains"`
}

// Expiry holds the days-left thresholds. Expired or not yet valid is always critical.
type Expiry struct {
	HighDays   int `yaml:"high_days"`   // fewer days left than this is high; default 7
	MediumDays int `yaml:"medium_days"` // fewer than this is medium; default 21
}

// RedirectRule is one redirect expectation: requesting From must end, hop by hop, on To.
type RedirectRule struct {
	// From is a URL (https://acme.example/pricing) or a bare host name (https://NAME/).
	From string `yaml:"from"`
	// To is where the chain must land: an https URL. With a path other than "/", the
	// landing path must match too; otherwise only scheme and host are compared.
	To string `yaml:"to"`
}

// Defaults, named so the docs, the example config and the code agree.
const (
	DefaultInterval    = 5 * time.Minute
	DefaultHighDays    = 7
	DefaultMediumDays  = 21
	DefaultHSTSMinDays = 180
	// MaxHops is how many redirects a chain may take before it is called a loop; a
	// browser gives up at about 20, a member long before.
	MaxHops = 10
)

// settings is the decoded section with defaults applied and the derived expectations
// resolved, ready for building checks.
type settings struct {
	Section
	canonical *url.URL
	redirects []redirectRule
	pages     []string
	targets   []target
	skip      map[string]bool
}

type redirectRule struct {
	from, to *url.URL
	anyPath  bool
	derived  bool
}

type target struct{ host, port string }

// decode reads and checks the section, every problem at once, each with its position.
func decode(cfg *config.Config) (*settings, error) {
	s := &settings{skip: map[string]bool{}}
	sec := cfg.Section("tls")
	if sec != nil {
		if errs := sec.Decode(&s.Section); len(errs) > 0 {
			return nil, errs
		}
	}
	var errs config.Errors
	add := func(path, msg, fix string) {
		if sec != nil {
			errs = append(errs, sec.Error(path, msg, fix))
		} else {
			errs = append(errs, cfg.ErrorAt(path, msg, fix))
		}
	}
	if s.Interval == 0 {
		s.Interval = DefaultInterval
	} else if s.Interval < time.Second {
		add("tls.interval", fmt.Sprintf("%s is too often", s.Interval), "use 1m or more; certificates change rarely and the default is 5m")
	}
	switch {
	case s.Timeout != 0 && s.Timeout > s.Interval:
		add("tls.timeout", fmt.Sprintf("%s is longer than tls.interval (%s)", s.Timeout, s.Interval), "make the timeout shorter than the interval")
	case s.Timeout == 0 && cfg.Checks.Timeout > s.Interval && s.Interval >= time.Second:
		add("tls.interval", fmt.Sprintf("%s is shorter than the check timeout (%s, from checks.timeout)", s.Interval, cfg.Checks.Timeout),
			"make the interval longer, or set tls.timeout below it")
	}
	if s.Timeout == 0 {
		s.Timeout = cfg.Checks.Timeout
	}
	if s.Expiry.HighDays == 0 {
		s.Expiry.HighDays = DefaultHighDays
	}
	if s.Expiry.MediumDays == 0 {
		s.Expiry.MediumDays = DefaultMediumDays
	}
	if s.Expiry.HighDays < 0 || s.Expiry.HighDays > 365 {
		add("tls.expiry.high_days", fmt.Sprintf("%d is out of range", s.Expiry.HighDays), "use 1 to 365 days; the default is 7")
	}
	if s.Expiry.MediumDays < 0 || s.Expiry.MediumDays > 365 {
		add("tls.expiry.medium_days", fmt.Sprintf("%d is out of range", s.Expiry.MediumDays), "use 1 to 365 days; the default is 21")
	}
	if s.Expiry.MediumDays < s.Expiry.HighDays {
		add("tls.expiry.medium_days", fmt.Sprintf("%d is below high_days (%d)", s.Expiry.MediumDays, s.Expiry.HighDays),
			"medium_days is the earlier warning, so it must be at least high_days")
	}
	if s.HSTSMinDays == 0 {
		s.HSTSMinDays = DefaultHSTSMinDays
	} else if s.HSTSMinDays < 0 || s.HSTSMinDays > 3650 {
		add("tls.hsts_min_days", fmt.Sprintf("%d is out of range", s.HSTSMinDays), "use 1 to 3650 days; 180 is the default and 365 is common")
	}

	hosts := map[string]bool{}
	for _, h := range cfg.Hosts {
		hosts[h.Name] = true
	}
	for i, name := range s.Skip {
		n := strings.TrimSuffix(strings.ToLower(name), ".")
		if !hosts[n] {
			add(fmt.Sprintf("tls.skip[%d]", i), fmt.Sprintf("%q is not in hosts", name), "list a name from hosts: to leave out of the certificate checks")
		}
		s.skip[n] = true
	}
	seenTarget := map[string]bool{}
	for i, t := range s.Targets {
		p := fmt.Sprintf("tls.targets[%d]", i)
		host, port, err := net.SplitHostPort(t)
		if err != nil || host == "" {
			add(p, fmt.Sprintf("%q is not host:port", t), "write the name and port, e.g. admin.acme.example:8443")
			continue
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			add(p, fmt.Sprintf("port %q is not a number from 1 to 65535", port), "write the name and port, e.g. admin.acme.example:8443")
			continue
		}
		host = strings.TrimSuffix(strings.ToLower(host), ".")
		if strings.Contains(host, "/") {
			add(p, fmt.Sprintf("%q has a scheme or path", t), "write only host:port, e.g. admin.acme.example:8443")
			continue
		}
		if port == "443" && hosts[host] {
			add(p, fmt.Sprintf("%s:443 is already checked because %s is in hosts", host, host), "remove it from tls.targets")
			continue
		}
		key := net.JoinHostPort(host, port)
		if seenTarget[key] {
			add(p, fmt.Sprintf("%s is listed twice", key), "keep one of them")
			continue
		}
		seenTarget[key] = true
		s.targets = append(s.targets, target{host, port})
	}

	s.canonical, _ = url.Parse(cfg.CanonicalURL) // config validation already refused a bad one
	if s.canonical != nil {
		s.pages = append(s.pages, s.canonical.String())
	}
	for i, pg := range s.Pages {
		u, err := url.Parse(pg)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			add(fmt.Sprintf("tls.pages[%d]", i), fmt.Sprintf("%q is not an https:// URL", pg),
				"list full https addresses, e.g. https://app."+cfg.Domain+"/login; a page served over http has no mixed content to find, it is all insecure")
			continue
		}
		if slices.Contains(s.pages, u.String()) {
			continue // the canonical page is always scanned
		}
		s.pages = append(s.pages, u.String())
	}

	if s.DefaultRedirects == nil || *s.DefaultRedirects {
		s.redirects = derivedRedirects(cfg, s.canonical)
	}
	for i, r := range s.Redirects {
		p := fmt.Sprintf("tls.redirects[%d]", i)
		from, ok := parseFrom(r.From)
		if !ok {
			add(p+".from", fmt.Sprintf("%q is not a URL or host name", r.From), "write a full address like https://"+cfg.Domain+"/pricing, or a bare host name")
		}
		to, err := url.Parse(r.To)
		switch {
		case r.To == "":
			add(p, "has no to:", "write where the chain must land, e.g. to: "+cfg.CanonicalURL)
			ok = false
		case err != nil || to.Scheme != "https" || to.Host == "":
			add(p+".to", fmt.Sprintf("%q is not an https:// URL", r.To), "redirects should land on https; write e.g. "+cfg.CanonicalURL)
			ok = false
		}
		if !ok {
			continue
		}
		rule := redirectRule{from: from, to: to, anyPath: to.Path == "" || to.Path == "/"}
		replaced := false
		for j := range s.redirects {
			if s.redirects[j].from.String() == from.String() {
				if !s.redirects[j].derived {
					add(p+".from", fmt.Sprintf("%s has two expectations", from), "keep one of them")
				}
				s.redirects[j], replaced = rule, true
			}
		}
		if !replaced {
			s.redirects = append(s.redirects, rule)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.CADomains)) {
		domains := s.CADomains[name]
		p := fmt.Sprintf("tls.ca_domains[%q]", name)
		if strings.TrimSpace(name) == "" {
			add(p, "the issuer name is empty", "write part of the issuer's organisation or common name, e.g. \"Example CA\"")
		}
		if len(domains) == 0 {
			add(p, "lists no CAA domains", "give the domain(s) this CA checks in CAA records, e.g. [example-ca.com]")
		}
		for i, d := range domains {
			if d == "" || strings.ContainsAny(d, " /:;\"") || !strings.Contains(d, ".") {
				add(fmt.Sprintf("%s[%d]", p, i), fmt.Sprintf("%q is not a CAA issuer domain", d), "write the bare domain the CA documents for CAA, e.g. letsencrypt.org")
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return s, nil
}

// derivedRedirects are the expectations every launch has: the apex and www land on the
// canonical host. Only names listed in hosts are expected to answer at all.
func derivedRedirects(cfg *config.Config, canonical *url.URL) []redirectRule {
	if canonical == nil {
		return nil
	}
	ch := strings.ToLower(canonical.Hostname())
	var out []redirectRule
	for _, name := range []string{cfg.Domain, "www." + cfg.Domain} {
		if name == ch || !slices.ContainsFunc(cfg.Hosts, func(h config.Host) bool { return h.Name == name }) {
			continue
		}
		out = append(out, redirectRule{
			from:    &url.URL{Scheme: "https", Host: name, Path: "/"},
			to:      &url.URL{Scheme: "https", Host: canonical.Host, Path: "/"},
			anyPath: true,
			derived: true,
		})
	}
	return out
}

// parseFrom reads a redirect's start: a URL, or a bare host meaning https://host/.
func parseFrom(s string) (*url.URL, bool) {
	if s == "" {
		return nil, false
	}
	if !strings.Contains(s, "://") {
		if strings.ContainsAny(s, "/: ") {
			return nil, false
		}
		return &url.URL{Scheme: "https", Host: strings.ToLower(s), Path: "/"}, true
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, true
}
