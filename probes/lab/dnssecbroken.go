package lab

// brokenDNSSECDS is a DS record for acme.example whose key the zone does not serve: the
// registry's half of DNSSEC left behind when a zone moves to a provider that does not
// sign (the lab's key tag 31589 is no key of the lab's zone).
const brokenDNSSECDS = "@ 3600 IN DS 31589 13 2 3F1A6A0C0E0F2A5B7C9D1E2F3A4B5C6D7E8F9A0B1C2D3E4F5A6B7C8D9E0F1A2B"

// brokenDNSSEC plants the worst DNS failure there is, for the zone check to find: the
// registry says acme.example is signed (DS published, RDAP delegationSigned) and the zone
// serves no DNSKEY, so every validating resolver would answer SERVFAIL for every name. The
// lab's own resolver does not validate, so the rest of the demo still resolves, as it does
// for members behind non-validating resolvers. The healthy scenario stays unsigned.
func (sc *Scenario) brokenDNSSEC() {
	sc.Description += " (DNSSEC) acme.example has a DS record at the registry for a key its zone does not serve: validating resolvers would fail every name."
	for i := range sc.Zones {
		if sc.Zones[i].Origin == acmeDomain {
			sc.Zones[i].Records = append(sc.Zones[i].Records, brokenDNSSECDS)
		}
	}
	for i := range sc.Registrations {
		if sc.Registrations[i].Domain == acmeDomain {
			sc.Registrations[i].DNSSEC = true
		}
	}
}
