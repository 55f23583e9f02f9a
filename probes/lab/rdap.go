package lab

import (
	"encoding/json"
	"time"
)

// RDAPHost is the lab registry's RDAP server. Under --lab the registration check asks it
// (network.rdap_url) instead of the registry IANA's bootstrap names, which for .example is
// none: the name is reserved.
const RDAPHost = "rdap.registry.example"

// Registration is one domain as the lab's registry answers for it over RDAP.
type Registration struct {
	Domain    string
	Registrar string
	// ExpiresIn is the expiry as an offset from Scenario.Now: 5 * 24 * time.Hour stages
	// "expires in 5 days", a negative one a lapsed domain.
	ExpiresIn time.Duration
	// Status are the EPP flags in RDAP's spelling ("client transfer prohibited"). Leave out
	// the transfer lock to stage a domain anyone with the registrar login can move.
	Status []string
	DNSSEC bool
}

// lockedStatus is what a well-kept registration shows.
var lockedStatus = []string{"client transfer prohibited", "client delete prohibited", "client update prohibited"}

// rdapSite is the registry's RDAP server: one route per domain, each an RFC 9083 domain
// object computed from now, and 404 for anything else (as a registry answers for a name it
// does not hold).
func rdapSite(regs []Registration, now time.Time) Site {
	s := Site{Host: RDAPHost}
	for _, r := range regs {
		s.HTTPS = append(s.HTTPS, Route{
			Path:    "/domain/" + r.Domain,
			Headers: map[string]string{"Content-Type": "application/rdap+json"},
			Body:    rdapDomain(r, now),
		})
	}
	return s
}

func rdapDomain(r Registration, now time.Time) string {
	type vcard = []any
	obj := map[string]any{
		"objectClassName": "domain",
		"rdapConformance": []string{"rdap_level_0", "icann_rdap_response_profile_1"},
		"ldhName":         r.Domain,
		"status":          append([]string{"active"}, r.Status...),
		"events": []map[string]string{
			{"eventAction": "registration", "eventDate": now.AddDate(-3, 0, 0).UTC().Format(time.RFC3339)},
			{"eventAction": "expiration", "eventDate": now.Add(r.ExpiresIn).UTC().Format(time.RFC3339)},
		},
		"secureDNS": map[string]bool{"delegationSigned": r.DNSSEC},
		"entities": []map[string]any{{
			"objectClassName": "entity", "handle": "9999", "roles": []string{"registrar"},
			"vcardArray": []any{"vcard", []vcard{{"version", map[string]any{}, "text", "4.0"}, {"fn", map[string]any{}, "text", r.Registrar}}},
		}},
		"nameservers": []map[string]string{{"objectClassName": "nameserver", "ldhName": "ns1." + r.Domain}},
	}
	b, err := json.Marshal(obj)
	if err != nil {
		panic("lab: an RDAP object that does not marshal: " + err.Error()) // static shapes only
	}
	return string(b)
}

// labRegistrar is the registrar the example config documents (registration.registrar).
const labRegistrar = "Example Registrar, Inc."

// healthyRegistrations: the product's domain and its short-link domain, both renewed for a
// year and locked.
func healthyRegistrations() []Registration {
	return []Registration{
		{Domain: acmeDomain, Registrar: labRegistrar, ExpiresIn: 400 * 24 * time.Hour, Status: lockedStatus},
		{Domain: "acme-links.example", Registrar: labRegistrar, ExpiresIn: 300 * 24 * time.Hour, Status: lockedStatus},
	}
}

const registrationFaultsDescription = "(R1) the registry says acme.example expires in 5 days (the renewal card failed); " +
	"(R2) acme-links.example, the short-link domain, has no transfer lock. "

// registrationFaults plants R1 and R2.
func (sc *Scenario) registrationFaults() {
	sc.Registrations = []Registration{
		{Domain: acmeDomain, Registrar: labRegistrar, ExpiresIn: 5*24*time.Hour + time.Hour, Status: lockedStatus},
		{Domain: "acme-links.example", Registrar: labRegistrar, ExpiresIn: 300 * 24 * time.Hour},
	}
}
