package netx

import (
	"cmp"
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// The Lookup functions have the shapes of *net.Resolver's, so *Net can be
// handed to libraries written against it (blitiri.com.ar/go/spf takes it as
// its DNSResolver; go-msgauth takes LookupTXT). Their errors are therefore
// *net.DNSError, which unwraps to a *LookupError or *ServerError.

// LookupHost returns the A and then the AAAA addresses of host, following
// CNAMEs. A literal IP is returned as is and "localhost" is 127.0.0.1, as
// the system resolver would, without asking anyone.
func (n *Net) LookupHost(ctx context.Context, host string) ([]netip.Addr, error) {
	h := strings.TrimSuffix(host, ".")
	if ip, err := netip.ParseAddr(h); err == nil {
		return []netip.Addr{ip}, nil
	}
	if strings.EqualFold(h, "localhost") {
		return []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1})}, nil
	}
	var (
		v6    []dns.RR
		err6  error
		group sync.WaitGroup
	)
	group.Go(func() { v6, _, err6 = n.resolve(ctx, host, dns.TypeAAAA) })
	v4, _, err4 := n.resolve(ctx, host, dns.TypeA)
	group.Wait()

	addrs := make([]netip.Addr, 0, len(v4)+len(v6))
	for _, rr := range v4 {
		if ip, ok := netip.AddrFromSlice(rr.(*dns.A).A); ok {
			addrs = append(addrs, ip.Unmap()) // miekg stores A as 16 bytes
		}
	}
	for _, rr := range v6 {
		if ip, ok := netip.AddrFromSlice(rr.(*dns.AAAA).AAAA); ok {
			addrs = append(addrs, ip)
		}
	}
	if len(addrs) > 0 {
		return addrs, nil
	}
	if err4 == nil && err6 == nil {
		// Records that were not addresses after all: say so plainly.
		err4 = &LookupError{Name: dns.Fqdn(strings.ToLower(host)), Kind: ErrNoRecords}
	}
	return nil, dnsError(host, hostError(err4, err6))
}

// hostError picks the error that explains an empty LookupHost best:
// NXDOMAIN, then a real failure, then "no A or AAAA records".
func hostError(err4, err6 error) error {
	if errors.Is(err4, ErrNXDOMAIN) || err6 == nil {
		return err4
	}
	if errors.Is(err6, ErrNXDOMAIN) || err4 == nil {
		return err6
	}
	if !errors.Is(err4, ErrNoRecords) {
		return err4
	}
	if !errors.Is(err6, ErrNoRecords) {
		return err6
	}
	var le *LookupError
	errors.As(err4, &le)
	both := *le
	both.Qtype = 0
	return &both
}

// LookupIPAddr is LookupHost in net.IPAddr form, for libraries that take a
// *net.Resolver-shaped value (blitiri.com.ar/go/spf).
func (n *Net) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	ips, err := n.LookupHost(ctx, host)
	if err != nil {
		return nil, err
	}
	out := make([]net.IPAddr, len(ips))
	for i, ip := range ips {
		out[i] = net.IPAddr{IP: ip.AsSlice(), Zone: ip.Zone()}
	}
	return out, nil
}

// LookupTXT returns one string per TXT record, its character-strings
// joined without spaces, as SPF (RFC 7208 3.3) and DKIM (RFC 6376 3.6.2.2)
// require for records longer than 255 bytes.
func (n *Net) LookupTXT(ctx context.Context, name string) ([]string, error) {
	rrs, _, err := n.resolve(ctx, name, dns.TypeTXT)
	if err != nil {
		return nil, dnsError(name, err)
	}
	out := make([]string, 0, len(rrs))
	for _, rr := range rrs {
		out = append(out, unescapeTXT(strings.Join(rr.(*dns.TXT).Txt, "")))
	}
	return out, nil
}

// unescapeTXT turns miekg/dns's presentation form of TXT data (\" \\ and \DDD for
// bytes outside printable ASCII) back into the bytes that were on the wire, so an SPF
// record with a stray 0x80 or a DKIM record with a quote is judged as it really is.
func unescapeTXT(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b = append(b, c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			if v := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0'); v <= 255 {
				b = append(b, byte(v))
				i += 3
				continue
			}
		}
		b = append(b, s[i+1])
		i++
	}
	return string(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// LookupMX returns the MX records sorted by preference (then host, so
// results are stable). Hosts keep their trailing dot, as net.LookupMX
// does; a null MX (RFC 7505, "no mail here") is returned as Host ".".
func (n *Net) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	rrs, _, err := n.resolve(ctx, name, dns.TypeMX)
	if err != nil {
		return nil, dnsError(name, err)
	}
	out := make([]*net.MX, 0, len(rrs))
	for _, rr := range rrs {
		mx := rr.(*dns.MX)
		out = append(out, &net.MX{Host: mx.Mx, Pref: mx.Preference})
	}
	slices.SortStableFunc(out, func(a, b *net.MX) int {
		return cmp.Or(cmp.Compare(a.Pref, b.Pref), strings.Compare(a.Host, b.Host))
	})
	return out, nil
}

// LookupAddr returns the PTR names of an IP. Probes hardly need it, but
// blitiri.com.ar/go/spf's DNSResolver does (the "ptr" mechanism).
func (n *Net) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	rev, err := dns.ReverseAddr(addr)
	if err != nil {
		return nil, &net.DNSError{Err: "not an IP address, so it has no reverse name", Name: addr, UnwrapErr: err}
	}
	rrs, _, err := n.resolve(ctx, rev, dns.TypePTR)
	if err != nil {
		return nil, dnsError(addr, err)
	}
	out := make([]string, 0, len(rrs))
	for _, rr := range rrs {
		out = append(out, rr.(*dns.PTR).Ptr)
	}
	return out, nil
}

// resolve asks for name's records of qtype, following its CNAME chain.
// A recursive resolver usually returns the whole chain in one answer; when
// an answer stops at a CNAME whose target it does not cover (an
// authoritative server, a target in another zone), the target is asked in
// turn. Hops across all answers count towards MaxCNAMEHops.
func (n *Net) resolve(ctx context.Context, name string, qtype uint16) ([]dns.RR, *Answer, error) {
	fq, err := fqdn(name)
	if err != nil {
		return nil, nil, err
	}
	chain := []string{fq}
	cur := fq
	for {
		asked := cur
		a, err := n.Query(ctx, asked, qtype)
		if err != nil {
			return nil, nil, err
		}
		fail := func(kind error) error {
			return &LookupError{Name: fq, Qtype: qtype, Server: a.Server, Rcode: a.Msg.Rcode, Chain: chain, Kind: kind}
		}
		rc := a.Msg.Rcode
		if rc != dns.RcodeSuccess && rc != dns.RcodeNameError {
			return nil, a, fail(ErrRcode)
		}
		for {
			if rrs := owned(a.Msg.Answer, cur, qtype); len(rrs) > 0 {
				return rrs, a, nil
			}
			cname := owned(a.Msg.Answer, cur, dns.TypeCNAME)
			if len(cname) == 0 {
				break
			}
			target := strings.ToLower(cname[0].(*dns.CNAME).Target)
			loop := slices.Contains(chain, target)
			chain = append(chain, target)
			if loop {
				return nil, a, fail(ErrCNAMELoop)
			}
			if len(chain)-1 > MaxCNAMEHops {
				return nil, a, fail(ErrCNAMEChainTooLong)
			}
			cur = target
		}
		// RFC 6604: with CNAMEs, the rcode is about the end of the chain.
		if rc == dns.RcodeNameError {
			return nil, a, fail(ErrNXDOMAIN)
		}
		if cur == asked {
			return nil, a, fail(ErrNoRecords)
		}
	}
}

// owned returns the records in rrs of type t owned by name.
func owned(rrs []dns.RR, name string, t uint16) []dns.RR {
	var out []dns.RR
	for _, rr := range rrs {
		h := rr.Header()
		if h.Rrtype == t && sameName(h.Name, name) {
			out = append(out, rr)
		}
	}
	return out
}
