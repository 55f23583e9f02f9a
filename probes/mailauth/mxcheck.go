package mailauth

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes"
)

// MXReport is the MX part of Report.
type MXReport struct {
	Hosts []MXHost `json:"hosts,omitempty"`
	// Null is a null MX ("MX 0 ."): the domain declares it receives no mail (RFC 7505).
	Null bool `json:"null,omitempty"`
}

// MXHost is one MX target.
type MXHost struct {
	Host  string   `json:"host"`
	Pref  uint16   `json:"pref"`
	Addrs []string `json:"addrs,omitempty"`
	// CNAME is the alias target when the MX name is a CNAME, which RFC 2181 10.3 forbids.
	CNAME string `json:"cname,omitempty"`
	Error string `json:"error,omitempty"`
}

func (c *check) checkMX(ctx context.Context, p *part) *MXReport {
	d := c.domain
	rep := &MXReport{}
	mxs, err := c.net.LookupMX(ctx, d)
	if err != nil && !notFound(err) {
		if resolverDown(err) {
			p.fatal = fmt.Errorf("could not ask DNS for %s's MX records: %w", d, err)
			return rep
		}
		p.add(finding("email.mx-lookup-failed", probes.Medium, probes.Support, d,
			"MX lookup fails", fmt.Sprintf("Asking for the MX records of %s failed: %v. Replies and bounces to %s cannot be delivered while this lasts.", d, err, d),
			err.Error(), "the MX records", "Check the DNS servers of "+d+"."))
		return rep
	}
	primary := d == c.cfg.FromDomain || d == c.org
	if len(mxs) == 0 {
		sev := probes.Low
		if primary {
			sev = probes.Medium
		}
		p.add(finding("email.mx-missing", sev, probes.Support, d,
			"No MX record: replies and bounces to "+d+" are lost",
			fmt.Sprintf("%s sends mail but has no MX record. Members who reply, and servers that bounce, fall back to its A record or give up; some receivers also distrust senders whose domain takes no mail.", d),
			"no MX", "MX records pointing at the servers that receive mail for "+d,
			fmt.Sprintf("Publish the MX records of your mailbox provider at %s (e.g. %s. MX 10 mx.<provider>.), or a null MX (MX 0 .) if no mail should arrive.", d, d)))
		p.metric("mx_count", 0)
		return rep
	}
	for _, mx := range mxs {
		if mx.Host == "." {
			rep.Null = true
			continue
		}
		rep.Hosts = append(rep.Hosts, MXHost{Host: normDomain(mx.Host), Pref: mx.Pref})
	}
	p.metric("mx_count", float64(len(rep.Hosts)))
	if rep.Null {
		if len(rep.Hosts) > 0 {
			p.add(finding("email.mx-null-mixed", probes.Medium, probes.Support, d,
				"Null MX published next to real MX records",
				"A null MX (MX 0 .) must be the only MX record (RFC 7505 3); next to others, receivers disagree on what it means.",
				"MX 0 . plus other MX", "either a null MX alone or real MX records",
				"Delete the MX 0 . record if "+d+" receives mail."))
		} else {
			p.add(finding("email.mx-null", probes.High, probes.Onboarding, d,
				"Null MX on a sending domain: receivers may reject its mail",
				fmt.Sprintf("%s publishes a null MX (MX 0 .), declaring it takes no mail, yet it is configured as a sending domain. RFC 7505 lets receivers reject mail from such domains, since bounces cannot return.", d),
				"MX 0 .", "MX records of a server that accepts bounces and replies",
				"Replace the null MX with your mailbox provider's MX records, or send from a domain that receives mail."))
		}
	}
	for i := range rep.Hosts {
		h := &rep.Hosts[i]
		if _, err := netip.ParseAddr(strings.Trim(h.Host, "[]")); err == nil {
			h.Error = "an address literal, not a host name"
			p.add(finding("email.mx-address-literal", probes.Medium, probes.Support, d,
				"MX points at an address, not a name: "+h.Host,
				fmt.Sprintf("The MX of %s is %s. An MX must name a host (RFC 5321 5.1); senders look up %s as a name, find nothing, and cannot deliver.", d, h.Host, h.Host),
				"MX "+h.Host, "MX <host name with an A record>",
				fmt.Sprintf("Create a name (mx.%s A %s) and point the MX at it.", d, h.Host)))
			continue
		}
		if a, err := c.net.Query(ctx, h.Host, dns.TypeA); err == nil {
			for _, rr := range a.Msg.Answer {
				if cn, ok := rr.(*dns.CNAME); ok && strings.EqualFold(cn.Hdr.Name, dns.Fqdn(h.Host)) {
					h.CNAME = normDomain(cn.Target)
				}
			}
		}
		ips, err := c.net.LookupHost(ctx, h.Host)
		for _, ip := range ips {
			h.Addrs = append(h.Addrs, ip.String())
		}
		if err != nil {
			if resolverDown(err) {
				p.fatal = fmt.Errorf("could not ask DNS for the address of MX %s: %w", h.Host, err)
				return rep
			}
			h.Error = err.Error()
			p.add(finding("email.mx-unresolvable", probes.High, probes.Support, d,
				"MX "+h.Host+" does not resolve",
				fmt.Sprintf("The MX of %s names %s, which has no address: %v. Mail to %s that tries it cannot be delivered.", d, h.Host, err, d),
				err.Error(), "an A or AAAA record for "+h.Host,
				fmt.Sprintf("Fix the name in the MX record, or create the address record for %s.", h.Host),
				fmt.Sprintf("%s MX %d %s", d, h.Pref, h.Host)))
			continue
		}
		if h.CNAME != "" {
			p.add(finding("email.mx-cname", probes.Medium, probes.Support, d,
				"MX "+h.Host+" is a CNAME",
				fmt.Sprintf("The MX of %s names %s, an alias for %s. RFC 2181 10.3 forbids that; most senders cope, some refuse to deliver.", d, h.Host, h.CNAME),
				h.Host+" CNAME "+h.CNAME, "an MX naming a host with its own A/AAAA records",
				fmt.Sprintf("Point the MX straight at %s.", h.CNAME),
				fmt.Sprintf("%s MX %d %s", d, h.Pref, h.Host), h.Host+" CNAME "+h.CNAME))
		}
	}
	return rep
}
