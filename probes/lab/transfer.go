package lab

import (
	"net"
	"slices"

	"github.com/miekg/dns"
)

// maxTransferRecords bounds a lab zone handed out in one message: a TCP DNS message holds
// 64 KiB, far more than any scenario's zone needs, and a bigger zone is a scenario mistake
// the transfer answers with SERVFAIL rather than a message that does not pack.
const maxTransferRecords = 500

// transfer answers a zone transfer request: the whole zone, SOA first and last, in one
// message over TCP when the zone allows it (Zone.AllowTransfer); REFUSED otherwise, over
// UDP, and for a name that is not a zone's apex, as real authoritative servers answer.
// The lab's zones are small, so one message always holds them.
func (s zoneSet) transfer(qname string, from net.Addr) ([]dns.RR, int) {
	name := dns.CanonicalName(qname)
	z := s.find(name)
	if _, tcp := from.(*net.TCPAddr); !tcp || z == nil || z.origin != name || !z.transfer {
		return nil, dns.RcodeRefused
	}
	owners := make([]string, 0, len(z.names))
	for o := range z.names {
		owners = append(owners, o)
	}
	slices.Sort(owners)
	out := []dns.RR{z.soa}
	for _, o := range owners {
		for _, rr := range z.names[o] {
			if rr.Header().Rrtype != dns.TypeSOA {
				out = append(out, rr)
			}
		}
	}
	if len(out) > maxTransferRecords {
		return nil, dns.RcodeServerFailure
	}
	return append(out, z.soa), dns.RcodeSuccess
}
