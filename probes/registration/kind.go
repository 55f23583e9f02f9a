// Package registration keeps the domain itself: who the registrar is, when the
// registration expires, whether it is locked against transfer and whether the delegation is
// signed, read from the registry over RDAP (RFC 9083) once a day. A lapsed domain takes the
// product, its mail and every member's login link down at once, and no certificate or
// uptime check sees it coming.
//
// Checks (one Result each), in the DNS pane:
//
//   - "registration DOMAIN", one per registered domain the config names (the domain, the
//     registered domains of hosts outside it, and registration.domains).
//     Findings: registration.expired, registration.expiring, registration.no-transfer-lock,
//     registration.registrar-mismatch.
//     Metrics: registration_days_left (whole days, negative once lapsed), transfer_lock (1
//     locked), delegation_signed (1 when the registry publishes DS records).
//     Data: Record.
//
// The registry's RDAP server comes from IANA's bootstrap file shipped in the binary
// (BootstrapTaken), or network.rdap_url for tests, staging and private TLDs.
package registration

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

// Kind registers the probe.
var Kind = probes.Kind{
	Name:    "registration",
	Pane:    probes.PaneDNS,
	Section: "registration",
	Doc:     "the domain's registration over RDAP: expiry, transfer lock, registrar, signed delegation",
	Build:   build,
}

// Defaults: registrations change on a scale of days, and registries rate-limit RDAP.
const (
	DefaultInterval = 24 * time.Hour
	DefaultTimeout  = 15 * time.Second
)

// Section is launchready.yaml's registration: section; every key is optional.
type Section struct {
	// Registrar is the registrar you documented ("Cloudflare, Inc."); a registration held
	// elsewhere is a finding (an unplanned transfer, or an old account nobody watches).
	Registrar string `yaml:"registrar"`
	// Domains are more registered domains you own and must renew (a short-link domain, the
	// old brand's domain that still redirects).
	Domains []string `yaml:"domains"`
	// Interval and Timeout override the defaults (24h, 15s).
	Interval time.Duration `yaml:"interval"`
	Timeout  time.Duration `yaml:"timeout"`
}

func build(env probes.Env) ([]probes.Check, error) {
	var sec Section
	s := env.Config.Section("registration")
	if s != nil {
		if errs := s.Decode(&sec); len(errs) > 0 {
			return nil, errs
		}
	}
	var errs config.Errors
	var domains []string
	add := func(name string) {
		if d := registered(name); d != "" && !slices.Contains(domains, d) {
			domains = append(domains, d)
		}
	}
	add(env.Config.Domain)
	for _, h := range env.Config.Hosts {
		add(h.Name)
	}
	for i, d := range sec.Domains {
		r := registered(d)
		if r == "" || strings.ContainsAny(d, " /:@") {
			errs = append(errs, s.Error(fmt.Sprintf("registration.domains[%d]", i), fmt.Sprintf("%q is not a registrable domain", d), "write the bare domain you pay a registrar for, e.g. acme-links.com"))
			continue
		}
		if r != strings.ToLower(strings.TrimSuffix(d, ".")) {
			errs = append(errs, s.Error(fmt.Sprintf("registration.domains[%d]", i), fmt.Sprintf("%s is a name under %s, not a registration", d, r), "list "+r+" itself"))
			continue
		}
		add(d)
	}
	if sec.Interval != 0 && sec.Interval < time.Hour {
		errs = append(errs, s.Error("registration.interval", fmt.Sprintf("%s is more often than a registration can change, and registries rate-limit RDAP", sec.Interval), "use 1h or more; the default is 24h"))
	}
	if sec.Timeout != 0 && sec.Timeout < time.Second {
		errs = append(errs, s.Error("registration.timeout", fmt.Sprintf("%s is too short for a registry to answer", sec.Timeout), "use 1s or more; the default is 15s"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if sec.Interval == 0 {
		sec.Interval = DefaultInterval
	}
	if sec.Timeout == 0 {
		sec.Timeout = DefaultTimeout
	}
	now := env.Now
	if now == nil {
		now = time.Now
	}
	out := make([]probes.Check, 0, len(domains))
	for _, d := range domains {
		out = append(out, &check{domain: d, registrar: strings.TrimSpace(sec.Registrar), server: env.Config.Network.RDAPURL,
			interval: sec.Interval, timeout: sec.Timeout, net: env.Net, now: now})
	}
	return out, nil
}

// registered is the domain a registrar sells for a name (app.acme.co.uk -> acme.co.uk),
// by the public suffix list; "" for a name that is itself a public suffix or not a name.
func registered(name string) string {
	name = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), "."))
	if name == "" || !strings.Contains(name, ".") {
		return ""
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(name)
	if err != nil {
		return ""
	}
	return d
}

// reservedTLDs are the names RFC 2606, 6761 and 6762 set aside: nothing under them is
// registered anywhere, so there is nothing to ask (the lab's acme.example, a staging .test).
var reservedTLDs = []string{"example", "test", "invalid", "localhost", "local", "internal", "arpa"}

func reserved(domain string) bool {
	tld := domain[strings.LastIndexByte(domain, '.')+1:]
	return slices.Contains(reservedTLDs, tld)
}
