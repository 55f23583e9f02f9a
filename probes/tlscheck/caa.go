package tlscheck

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes/netx"
)

// caaSet is the relevant CAA record set for a name (RFC 8659 section 3): the first set
// found climbing from the name towards the apex.
type caaSet struct {
	name    string // where it was found; "" when none was
	records []*dns.CAA
}

// caaNames lists the names to ask, most specific first: the host, then each parent down
// to the configured apex. A host outside the apex climbs to its last two labels: the
// public suffix list would say where a registrable domain starts, and asking a TLD for
// CAA is pointless.
func caaNames(host, apex string) []string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	stop := apex
	if host != apex && !strings.HasSuffix(host, "."+apex) {
		labels := strings.Split(host, ".")
		stop = host
		if len(labels) > 2 {
			stop = strings.Join(labels[len(labels)-2:], ".")
		}
	}
	var out []string
	for n := host; ; {
		out = append(out, n)
		if n == stop {
			return out
		}
		_, parent, ok := strings.Cut(n, ".")
		if !ok || parent == "" {
			return out
		}
		n = parent
	}
}

// lookupCAA climbs as RFC 8659 does. A recursive resolver follows a CNAME at a name for
// us (the CAA records of the alias target count for that name, as the RFC says); a name
// with no records, or that does not exist, passes the question to its parent. A failed
// lookup is an error: CAs treat it as "do not issue".
func lookupCAA(ctx context.Context, n *netx.Net, host, apex string) (caaSet, error) {
	if _, err := netip.ParseAddr(host); err == nil {
		return caaSet{}, nil
	}
	for _, name := range caaNames(host, apex) {
		a, err := n.Query(ctx, name, dns.TypeCAA)
		if err != nil {
			return caaSet{}, err
		}
		switch a.Msg.Rcode {
		case dns.RcodeSuccess, dns.RcodeNameError:
		default:
			return caaSet{}, fmt.Errorf("DNS server %s answered %s for %s CAA", a.Server, dns.RcodeToString[a.Msg.Rcode], name)
		}
		var set []*dns.CAA
		for _, rr := range a.Msg.Answer {
			if c, ok := rr.(*dns.CAA); ok {
				set = append(set, c)
			}
		}
		if len(set) > 0 {
			return caaSet{name: name, records: set}, nil
		}
	}
	return caaSet{}, nil
}

// caaAllows decides whether a CA using issuerDomains may issue for a name under set
// (RFC 8659 section 4): for a wildcard the issuewild records if there are any, else issue;
// an unknown tag marked critical forbids every CA; a relevant set with no property of the
// tag allows any CA. It returns the verdict and the records that decided it.
func caaAllows(set caaSet, wildcard bool, issuerDomains []string) (string, []string) {
	if len(set.records) == 0 {
		return CAANone, nil
	}
	tag := "issue"
	if wildcard && slices.ContainsFunc(set.records, func(c *dns.CAA) bool { return strings.EqualFold(c.Tag, "issuewild") }) {
		tag = "issuewild"
	}
	var relevant []string
	for _, c := range set.records {
		t := strings.ToLower(c.Tag)
		if c.Flag&128 != 0 && t != "issue" && t != "issuewild" && t != "iodef" {
			return CAARefused, []string{caaText(c)}
		}
		if t == tag {
			relevant = append(relevant, caaText(c))
		}
	}
	if len(relevant) == 0 {
		return CAANone, nil
	}
	if len(issuerDomains) == 0 {
		return CAAUnknownIssuer, relevant
	}
	for _, c := range set.records {
		if strings.EqualFold(c.Tag, tag) && slices.Contains(issuerDomains, caaDomain(c.Value)) {
			return CAAAllowed, relevant
		}
	}
	return CAARefused, relevant
}

// caaDomain is an issue value's CA domain: the part before any parameters, lower-cased.
// ";" alone (no CA may issue) gives "".
func caaDomain(value string) string {
	d, _, _ := strings.Cut(value, ";")
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(d), "."))
}

func caaText(c *dns.CAA) string {
	return fmt.Sprintf("%s CAA %d %s %q", strings.TrimSuffix(c.Hdr.Name, "."), c.Flag, c.Tag, c.Value)
}
