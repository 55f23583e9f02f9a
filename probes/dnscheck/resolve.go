package dnscheck

import (
	"context"
	"net/netip"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes/netx"
)

// outcome is how a name's resolution ended.
type outcome string

const (
	resolved outcome = ""         // records of the type asked for
	nxdomain outcome = "nxdomain" // the name (or the end of its chain) does not exist
	nodata   outcome = "nodata"   // it exists, without records of that type
	loop     outcome = "loop"     // the CNAME chain comes back on itself
	tooLong  outcome = "too-long" // more than netx.MaxCNAMEHops CNAMEs
	badRcode outcome = "rcode"    // SERVFAIL, REFUSED or another error code
)

// Hop is one CNAME followed.
type Hop struct {
	Name   string `json:"name"`
	Target string `json:"target"`
	TTL    uint32 `json:"ttl"`
}

// chase is what following one name's records of one type through the resolvers found.
type chase struct {
	name   string
	qtype  uint16
	hops   []Hop
	end    string   // the last name of the chain: name when there is no CNAME
	rrs    []dns.RR // the records of qtype owned by end
	ttl    uint32   // TTL of the record owned by name itself (its CNAME or its records)
	how    outcome
	rcode  int
	server string
	ev     []string // each answer, as evidence
}

// follow asks the resolvers for name's records of qtype and follows CNAMEs until records
// of that type, a name that does not exist, or a broken chain. It asks again whenever an
// answer stops at a CNAME it does not cover, so it works with resolvers that return the
// whole chain and with servers that return one hop. Hops across all answers count
// towards netx.MaxCNAMEHops, so a hostile server's endless chain ends in tooLong after a
// bounded number of queries. An error means no usable answer (timeout, garbage): the
// check could not run.
func follow(ctx context.Context, n *netx.Net, name string, qtype uint16) (*chase, error) {
	c := &chase{name: fqdn(name), qtype: qtype}
	cur := c.name
	seen := map[string]bool{cur: true}
	for {
		a, err := query(ctx, n, cur, qtype)
		if err != nil {
			return nil, err
		}
		c.server, c.rcode = a.Server, a.Msg.Rcode
		c.ev = append(c.ev, describeAnswer(a, ""))
		if c.rcode != dns.RcodeSuccess && c.rcode != dns.RcodeNameError {
			c.end, c.how = cur, badRcode
			return c, nil
		}
		asked := cur
		for {
			if rrs := owned(a.Msg.Answer, cur, qtype); len(rrs) > 0 {
				c.end, c.rrs = cur, rrs
				if len(c.hops) == 0 {
					c.ttl = minTTL(rrs)
				}
				return c, nil
			}
			cn := owned(a.Msg.Answer, cur, dns.TypeCNAME)
			if len(cn) == 0 {
				break
			}
			target := strings.ToLower(dns.Fqdn(cn[0].(*dns.CNAME).Target))
			c.hops = append(c.hops, Hop{Name: cur, Target: target, TTL: cn[0].Header().Ttl})
			if len(c.hops) == 1 {
				c.ttl = cn[0].Header().Ttl
			}
			c.end = target
			if seen[target] {
				c.how = loop
				return c, nil
			}
			if len(c.hops) > netx.MaxCNAMEHops {
				c.how = tooLong
				return c, nil
			}
			seen[target] = true
			cur = target
		}
		c.end = cur
		// RFC 6604: with CNAMEs, the rcode is about the end of the chain.
		if c.rcode == dns.RcodeNameError {
			c.how = nxdomain
			return c, nil
		}
		if cur == asked {
			c.how = nodata
			return c, nil
		}
	}
}

// owned returns the records of type t owned by name.
func owned(rrs []dns.RR, name string, t uint16) []dns.RR {
	var out []dns.RR
	for _, rr := range rrs {
		h := rr.Header()
		if h.Rrtype == t && strings.EqualFold(dns.Fqdn(h.Name), name) {
			out = append(out, rr)
		}
	}
	return out
}

func minTTL(rrs []dns.RR) uint32 {
	var m uint32
	for i, rr := range rrs {
		if t := rr.Header().Ttl; i == 0 || t < m {
			m = t
		}
	}
	return m
}

// addrs returns the addresses in A and AAAA records, sorted.
func addrs(rrs []dns.RR) []netip.Addr {
	var out []netip.Addr
	for _, rr := range rrs {
		switch v := rr.(type) {
		case *dns.A:
			if ip, ok := netip.AddrFromSlice(v.A); ok {
				out = append(out, ip.Unmap())
			}
		case *dns.AAAA:
			if ip, ok := netip.AddrFromSlice(v.AAAA); ok {
				out = append(out, ip)
			}
		}
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return slices.Compact(out)
}
