package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes/netx"
)

// Nameserver is one of a zone's authoritative servers as this sweep found it.
type Nameserver struct {
	Name   string  `json:"name"`           // "ns1.acme.example"
	Addr   string  `json:"addr,omitempty"` // the address asked, after network.connect_to
	Serial uint32  `json:"serial,omitempty"`
	OK     bool    `json:"ok"`
	Reason string  `json:"reason,omitempty"` // why it is lame
	RTTms  float64 `json:"rtt_ms,omitempty"`
	ev     string
}

// delegation is what the resolvers say about a zone: its apex and nameservers, or why
// there are none.
type delegation struct {
	zone    string   // the apex, fully qualified
	ns      []string // NS targets, fully qualified, sorted
	how     outcome  // resolved, nxdomain, nodata (no NS anywhere) or badRcode
	rcode   int
	server  string
	ev      []string
	climbed bool // the configured domain is not an apex; zone is the enclosing one
}

// findZone asks the resolvers for name's NS records. When name is not a zone apex (the
// answer is NODATA with the enclosing zone's SOA), it moves to that zone once.
func findZone(ctx context.Context, n *netx.Net, name string) (*delegation, error) {
	d := &delegation{zone: fqdn(name)}
	for range 2 {
		a, err := query(ctx, n, d.zone, dns.TypeNS)
		if err != nil {
			return nil, err
		}
		d.ev = append(d.ev, describeAnswer(a, ""))
		d.server, d.rcode = a.Server, a.Msg.Rcode
		switch a.Msg.Rcode {
		case dns.RcodeSuccess:
		case dns.RcodeNameError:
			d.how = nxdomain
			return d, nil
		default:
			d.how = badRcode
			return d, nil
		}
		d.ns = nil
		for _, rr := range owned(a.Msg.Answer, d.zone, dns.TypeNS) {
			t := fqdn(rr.(*dns.NS).Ns)
			if !slices.Contains(d.ns, t) {
				d.ns = append(d.ns, t)
			}
		}
		if len(d.ns) > 0 {
			slices.Sort(d.ns)
			d.how = resolved
			return d, nil
		}
		parent := ""
		for _, rr := range a.Msg.Ns {
			if soa, ok := rr.(*dns.SOA); ok && dns.IsSubDomain(fqdn(soa.Hdr.Name), d.zone) && fqdn(soa.Hdr.Name) != d.zone {
				parent = fqdn(soa.Hdr.Name)
			}
		}
		if parent == "" || d.climbed {
			break
		}
		d.zone, d.climbed = parent, true
	}
	d.how = nodata
	return d, nil
}

// probeNameservers asks each nameserver for the zone's SOA, directly on port 53 and
// without recursion, all at once. A server that does not answer, refuses, fails, answers
// without authority or without the SOA is lame, with the reason.
func probeNameservers(ctx context.Context, n *netx.Net, zone string, names []string) []Nameserver {
	out := make([]Nameserver, len(names))
	parallel(len(names), len(names), func(i int) {
		out[i] = probeOne(ctx, n, zone, names[i])
	})
	return out
}

func probeOne(ctx context.Context, n *netx.Net, zone, name string) Nameserver {
	ns := Nameserver{Name: bare(name)}
	server := net.JoinHostPort(bare(name), "53")
	a, err := queryServer(ctx, n, server, zone, dns.TypeSOA)
	if err != nil {
		ns.Reason = serverFailure(err)
		ns.ev = fmt.Sprintf("%s SOA @%s -> %s", bare(zone), server, ns.Reason)
		var se *netx.ServerError
		if errors.As(err, &se) {
			ns.Addr = se.Server
		}
		return ns
	}
	ns.Addr, ns.RTTms = a.Server, float64(a.RTT.Microseconds())/1000
	ns.ev = describeAnswer(a, server)
	soa := owned(a.Msg.Answer, zone, dns.TypeSOA)
	switch {
	case a.Msg.Rcode != dns.RcodeSuccess:
		ns.Reason = fmt.Sprintf("answered %s for its own zone", dns.RcodeToString[a.Msg.Rcode])
	case !a.Msg.Authoritative:
		ns.Reason = "answered without authority (AA bit off): it does not serve this zone itself"
	case len(soa) == 0:
		ns.Reason = "answered without the zone's SOA record"
	default:
		ns.OK, ns.Serial = true, soa[0].(*dns.SOA).Serial
	}
	return ns
}

// serverFailure says in a few words why a server gave no usable answer.
func serverFailure(err error) string {
	var se *netx.ServerError
	var le *netx.LookupError
	switch {
	case errors.As(err, &se) && se.Kind == netx.ErrDNSTimeout:
		return fmt.Sprintf("did not answer within %s", se.Within)
	case errors.As(err, &se) && se.Kind == netx.ErrDNSUnreachable:
		return "unreachable (nothing listening, or no route)"
	case errors.As(err, &se) && se.Kind == netx.ErrMalformed:
		return "answered with a packet that is not valid DNS"
	case errors.As(err, &se) && errors.Is(se.Kind, dns.ErrId):
		return "answered with the wrong message id (" + se.Got + ")"
	case errors.As(err, &se) && se.Kind == netx.ErrWrongQuestion:
		return "answered a different question (" + se.Got + ")"
	case errors.As(err, &le):
		return "its own name does not resolve (" + le.Kind.Error() + ")"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "the check ran out of time before it answered"
	}
	return clip(err.Error(), 200)
}

// parallel runs fn(0..n-1) with at most width at once.
func parallel(n, width int, fn func(i int)) {
	if width < 1 {
		width = 1
	}
	sem := make(chan struct{}, width)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			fn(i)
		})
	}
	wg.Wait()
}

// firstGood is the first nameserver that answered with authority.
func firstGood(nss []Nameserver) (Nameserver, bool) {
	for _, ns := range nss {
		if ns.OK {
			return ns, true
		}
	}
	return Nameserver{}, false
}

// nsServer is how QueryServer is asked for a nameserver: its name on port 53, so
// network.connect_to applies.
func nsServer(ns Nameserver) string { return net.JoinHostPort(ns.Name, "53") }

// lameList describes lame servers for an error message.
func lameList(nss []Nameserver) string {
	var parts []string
	for _, ns := range nss {
		if !ns.OK {
			parts = append(parts, ns.Name+" "+ns.Reason)
		}
	}
	return strings.Join(parts, "; ")
}

// queryWidth is how many queries one check has in flight: enough to sweep a hundred
// names quickly, few enough not to look like an attack on anyone's nameservers.
const queryWidth = 8
