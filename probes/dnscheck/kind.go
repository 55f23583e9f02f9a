// Package dnscheck holds the documented DNS map against the live one: every public name
// resolves to what launchready.yaml's hosts say, no CNAME dangles, the zone's
// authoritative servers agree, CAA, TTLs and Cloudflare proxying are what the launch
// needs. It also reads the live zone for `launchready dns export` and `dns diff`.
//
// Checks (one Result each):
//
//   - "dns NAME", one per configured host, asks the resolvers (as members' do) and
//     follows the CNAME chain to its addresses.
//     Findings: dns.dangling-cname, dns.unresolvable, dns.servfail, dns.cname-loop,
//     dns.drift, dns.private-address, dns.not-proxied, dns.partly-proxied,
//     dns.unexpectedly-proxied.
//     Metrics: records (addresses at the end of the chain), ttl_s (TTL of the name's own
//     record as the resolver gives it; a cache counts it down), cname_hops, proxied (1 when
//     every address is Cloudflare's).
//     Data: HostData.
//   - "dns zone ZONE" asks each of the zone's nameservers directly, on port 53, without
//     recursion.
//     Findings: dns.zone-missing, dns.servfail, dns.lame-nameserver,
//     dns.serial-mismatch, dns.ns-answer-mismatch, dns.ttl-too-long, dns.caa-missing,
//     dns.caa-mismatch, dns.apex-cname, dns.wildcard, dns.dnssec-broken (a DS at the
//     registry that no DNSKEY of the zone matches). DNSSEC's state is in the summary,
//     metrics and data.
//     Metrics: ns_agree (1 when every nameserver answers with the same serial and the
//     same records), ns_count, serial, records (records compared across servers), caa
//     (CAA records at the apex), dnssec (0 unsigned, 1 DS published, 2 validated: the
//     resolver set the AD bit).
//     Data: ZoneData.
//   - "dns map", only when dns.map_file is set: the live zone against the documented map
//     file, which is the launch bar's "DNS documented".
//     Findings: dns.map-missing, dns.map-drift.
//     Metrics: drift (differences), records (live records read).
//     Data: MapData.
package dnscheck

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

// Kind registers the probe.
var Kind = probes.Kind{
	Name:    "dns",
	Pane:    probes.PaneDNS,
	Section: "dns",
	Doc:     "each host resolves as documented, no dangling CNAME, nameservers agree, CAA, TTLs, proxying",
	Build:   build,
}

// DefaultLaunchMaxTTL is how long a record of a host that may change during launch may be
// cached: an hour is the most a founder should wait for a fix to reach everyone.
const DefaultLaunchMaxTTL = time.Hour

// Section is launchready.yaml's dns: section. Everything in it is optional; the
// documented map itself is the top-level hosts list.
type Section struct {
	// LaunchMaxTTL is the longest TTL a host expected to change during launch may have.
	LaunchMaxTTL time.Duration `yaml:"launch_max_ttl"`
	// Stable lists hosts not expected to change during launch; their TTLs are not held to
	// LaunchMaxTTL.
	Stable []string `yaml:"stable"`
	// Names are more names to export, diff and document: DKIM selectors
	// (lr1._domainkey.acme.example), SRV names, anything not a host.
	Names []string `yaml:"names"`
	// MapFile is the documented map (`launchready dns export -o FILE`), relative to the
	// config. When set, the pane checks the live zone against it.
	MapFile string `yaml:"map_file"`
	// CAAIssuers are the CAs the certificates come from ("letsencrypt.org"); when the zone
	// has CAA records they must allow each of them.
	CAAIssuers []string `yaml:"caa_issuers"`
	// Discover is the hourly look at names nobody wrote into hosts: (see undocumented.go).
	Discover DiscoverSection `yaml:"discover"`
}

// DiscoverSection is dns.discover: which undocumented names the pane asks, and how often.
// Everything is optional; the defaults ask the dictionary hourly.
type DiscoverSection struct {
	// Names are more names to watch besides the dictionary and what discovery kept in the
	// state folder (discovered.json): old environments, names only a transfer showed.
	Names []string `yaml:"names"`
	// Dictionary asks the built-in list of common subdomains (about 150 names); default
	// true. false leaves only Names and discovered.json.
	Dictionary *bool `yaml:"dictionary"`
	// Every is how often; default 1h, at least a minute. off in YAML is not a duration:
	// write dictionary: false and no names to ask nothing but discovered.json.
	Every time.Duration `yaml:"every"`
}

// Settings is the dns section with defaults applied and names canonical (lower-case,
// trailing dot), plus what the pane derives from the rest of the config.
type Settings struct {
	Zone         string // the config's domain, fully qualified
	LaunchMaxTTL time.Duration
	Stable       []string
	Names        []string
	MapFile      string // resolved against the config's folder
	CAAIssuers   []string
	Production   bool
	Staging      bool
	// Discover is dns.discover with defaults applied.
	Discover Discover
}

// Discover is what the undocumented-names check asks, and how often.
type Discover struct {
	Names      []string // fully qualified, in the zone
	Dictionary bool
	Every      time.Duration
}

// Defaults of dns.discover. An hour keeps it off watch's hot path: about 160 names through
// the resolvers is a few hundred small queries an hour, while a forgotten record is found
// the same day.
const (
	DefaultDiscoverEvery = time.Hour
	minDiscoverEvery     = time.Minute
)

// LoadSettings decodes and checks the dns section (nil: defaults). Errors carry the
// section's file:line:column. `dns export` and `dns diff` read it too.
func LoadSettings(cfg *config.Config) (Settings, error) {
	var sec Section
	s := cfg.Section("dns")
	if s != nil {
		if errs := s.Decode(&sec); len(errs) > 0 {
			return Settings{}, errs
		}
	}
	st := Settings{
		Zone:         fqdn(cfg.Domain),
		LaunchMaxTTL: sec.LaunchMaxTTL,
		Production:   cfg.Environment == config.Production || cfg.Environment == "",
		Staging:      cfg.Environment == config.Staging,
		MapFile:      cfg.Path(sec.MapFile),
	}
	if st.LaunchMaxTTL == 0 {
		st.LaunchMaxTTL = DefaultLaunchMaxTTL
	}
	var errs config.Errors
	bad := func(path, msg, fix string) { errs = append(errs, s.Error(path, msg, fix)) }
	if s != nil && sec.LaunchMaxTTL > 0 && sec.LaunchMaxTTL < time.Second {
		bad("dns.launch_max_ttl", fmt.Sprintf("%s is under a second; DNS TTLs are whole seconds", sec.LaunchMaxTTL), "write it like 5m or 1h (the default)")
	}
	hosts := map[string]bool{}
	for _, h := range cfg.Hosts {
		hosts[fqdn(h.Name)] = true
	}
	checkNames := func(key string, names []string, mustBeHost bool) []string {
		var out []string
		for i, n := range names {
			p := fmt.Sprintf("dns.%s[%d]", key, i)
			if strings.Contains(key, "[") {
				p = "dns." + key // one name, its index in the key already
			}
			fq := fqdn(n)
			if _, ok := dns.IsDomainName(n); !ok || n == "" || strings.ContainsAny(n, " /:@") {
				bad(p, fmt.Sprintf("%q is not a DNS name", n), "write the bare name, e.g. lr1._domainkey.acme.example")
				continue
			}
			if mustBeHost && !hosts[fq] {
				bad(p, fmt.Sprintf("%s is not one of the hosts", n), "list a name from hosts:, or remove it")
				continue
			}
			if !slices.Contains(out, fq) {
				out = append(out, fq)
			}
		}
		return out
	}
	st.Stable = checkNames("stable", sec.Stable, true)
	st.Names = checkNames("names", sec.Names, false)
	st.Discover = Discover{Dictionary: sec.Discover.Dictionary == nil || *sec.Discover.Dictionary, Every: sec.Discover.Every}
	if st.Discover.Every == 0 {
		st.Discover.Every = DefaultDiscoverEvery
	} else if st.Discover.Every < minDiscoverEvery {
		bad("dns.discover.every", fmt.Sprintf("%s is too often: each run asks about 160 names", sec.Discover.Every), "write 1h (the default), or at least 1m")
	}
	for i, n := range sec.Discover.Names {
		key := fmt.Sprintf("discover.names[%d]", i)
		got := checkNames(key, []string{n}, false) // one name: the index is in the key
		switch {
		case len(got) == 0:
		case !dns.IsSubDomain(st.Zone, got[0]):
			bad("dns."+key, fmt.Sprintf("%s is not under %s (domain:)", bare(got[0]), bare(st.Zone)), "list names in the product's zone, e.g. old."+bare(st.Zone))
		case !slices.Contains(st.Discover.Names, got[0]):
			st.Discover.Names = append(st.Discover.Names, got[0])
		}
	}
	for i, ca := range sec.CAAIssuers {
		if _, ok := dns.IsDomainName(ca); !ok || ca == "" || strings.ContainsAny(ca, " /:;@\"") {
			bad(fmt.Sprintf("dns.caa_issuers[%d]", i), fmt.Sprintf("%q is not a CA's CAA domain", ca), "write the domain a CA publishes for CAA, e.g. letsencrypt.org, pki.goog, digicert.com, sectigo.com")
			continue
		}
		st.CAAIssuers = append(st.CAAIssuers, strings.ToLower(strings.TrimSuffix(ca, ".")))
	}
	if len(errs) > 0 {
		return Settings{}, errs
	}
	return st, nil
}

func build(env probes.Env) ([]probes.Check, error) {
	st, err := LoadSettings(env.Config)
	if err != nil {
		return nil, err
	}
	var out []probes.Check
	for _, h := range env.Config.Hosts {
		out = append(out, newHostCheck(env.Net, h, st))
	}
	out = append(out, newZoneCheck(env.Net, env.Config.Hosts, st))
	if st.MapFile != "" {
		out = append(out, newMapCheck(env, st))
	}
	out = append(out, newUndocumentedCheck(env, st))
	return out, nil
}

// fqdn makes a name fully qualified and lower-case, the form every comparison here uses.
func fqdn(name string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), ".")) + "."
}

// bare drops the trailing dot for people.
func bare(name string) string {
	if name == "." {
		return name
	}
	return strings.TrimSuffix(name, ".")
}
