package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// maxChain bounds CNAME chasing, as recursive resolvers do, so a CNAME loop
// planted in a scenario answers SERVFAIL instead of spinning.
const maxChain = 8

// ednsSize is the UDP payload size the lab advertises (the DNS flag day 2020
// value), and the most it sends over UDP whatever the client offers.
const ednsSize = 1232

// zone is a parsed Zone: its records by lower-cased owner name.
type zone struct {
	origin string // canonical, with trailing dot
	soa    *dns.SOA
	names  map[string][]dns.RR // owner -> records, in scenario order
	exists map[string]bool     // owners and their ancestors up to origin (empty non-terminals)
	// transfer says whether the zone is handed out over AXFR (Zone.AllowTransfer).
	transfer bool
}

// zoneSet is every zone the lab serves. It is built once by Start and never
// changed, so the DNS handler reads it without locks.
type zoneSet []*zone

// parseZones turns the scenario's zones into lookup tables, failing with the
// zone and record at fault.
func parseZones(zs []Zone) (zoneSet, error) {
	var set zoneSet
	for i, z := range zs {
		pz, err := parseZone(z)
		if err != nil {
			return nil, fmt.Errorf("zone %d (%q): %w: %w", i, z.Origin, ErrBadZone, err)
		}
		for _, other := range set {
			if other.origin == pz.origin {
				return nil, fmt.Errorf("zone %d (%q): %w: a second zone with this origin; merge their records", i, z.Origin, ErrBadZone)
			}
		}
		set = append(set, pz)
	}
	return set, nil
}

func parseZone(z Zone) (*zone, error) {
	origin := dns.CanonicalName(z.Origin)
	if _, ok := dns.IsDomainName(origin); !ok || origin == "." {
		return nil, errors.New("Origin is not a domain name")
	}
	pz := &zone{origin: origin, names: map[string][]dns.RR{}, exists: map[string]bool{}, transfer: z.AllowTransfer}
	for i, line := range z.Records {
		zp := dns.NewZoneParser(strings.NewReader(line), origin, "")
		zp.SetDefaultTTL(3600)
		n := 0
		for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
			if err := pz.add(rr); err != nil {
				return nil, fmt.Errorf("record %d %q: %w", i, line, err)
			}
			n++
		}
		if err := zp.Err(); err != nil {
			return nil, fmt.Errorf("record %d %q: %w", i, line, err)
		}
		if n == 0 {
			return nil, fmt.Errorf("record %d %q: no record on the line", i, line)
		}
	}
	if pz.soa == nil {
		soa := &dns.SOA{
			Hdr:     dns.RR_Header{Name: origin, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 3600},
			Ns:      "ns1." + origin,
			Mbox:    "hostmaster." + origin,
			Refresh: 7200, Retry: 3600, Expire: 1209600, Minttl: 300,
		}
		if err := pz.add(soa); err != nil {
			return nil, err
		}
	}
	switch {
	case z.Serial != 0:
		pz.soa.Serial = z.Serial
	case pz.soa.Serial == 0:
		pz.soa.Serial = 1
	}
	if !pz.has(origin, dns.TypeNS) {
		ns := &dns.NS{
			Hdr: dns.RR_Header{Name: origin, Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: 3600},
			Ns:  "ns1." + origin,
		}
		if err := pz.add(ns); err != nil {
			return nil, err
		}
	}
	return pz, nil
}

// add files one record under its owner, refusing what a real authoritative
// server's zone loader refuses.
func (z *zone) add(rr dns.RR) error {
	h := rr.Header()
	owner := dns.CanonicalName(h.Name)
	if !dns.IsSubDomain(z.origin, owner) {
		return fmt.Errorf("owner %s is outside the zone %s", h.Name, z.origin)
	}
	if h.Class != dns.ClassINET {
		return fmt.Errorf("class %s: the lab serves IN only", dns.ClassToString[h.Class])
	}
	existing := z.names[owner]
	switch {
	case h.Rrtype == dns.TypeCNAME && len(existing) > 0:
		return fmt.Errorf("CNAME at %s next to other records: a CNAME must be the only record at its name (RFC 1034 3.6.2)", owner)
	case h.Rrtype != dns.TypeCNAME && z.has(owner, dns.TypeCNAME):
		return fmt.Errorf("%s record at %s next to its CNAME: a CNAME must be the only record at its name (RFC 1034 3.6.2)", dns.TypeToString[h.Rrtype], owner)
	case h.Rrtype == dns.TypeSOA && owner != z.origin:
		return fmt.Errorf("SOA at %s: the SOA belongs at the apex %s", owner, z.origin)
	case h.Rrtype == dns.TypeSOA && z.soa != nil:
		return fmt.Errorf("a second SOA: a zone has one")
	case h.Rrtype == dns.TypeSOA:
		z.soa = rr.(*dns.SOA)
	}
	z.names[owner] = append(existing, rr)
	for n := owner; ; {
		z.exists[n] = true
		if n == z.origin {
			break
		}
		i, _ := dns.NextLabel(n, 0)
		n = n[i:]
	}
	return nil
}

func (z *zone) has(owner string, t uint16) bool {
	for _, rr := range z.names[owner] {
		if rr.Header().Rrtype == t {
			return true
		}
	}
	return false
}

// wildcard synthesises the records of a name that does not exist from the wildcard at
// its closest encloser (RFC 4592: "*.preview" answers pr-1.preview but not a.b.preview
// when b.preview exists), owned by the name asked; nil when no wildcard covers it.
func (z *zone) wildcard(name string) []dns.RR {
	ce := name
	for ce != z.origin {
		i, _ := dns.NextLabel(ce, 0)
		ce = ce[i:]
		if z.exists[ce] {
			break
		}
	}
	src := z.names["*."+ce]
	if len(src) == 0 {
		return nil
	}
	out := make([]dns.RR, len(src))
	for i, rr := range src {
		out[i] = dns.Copy(rr)
		out[i].Header().Name = name
	}
	return out
}

// negative is the authority section of an NXDOMAIN or NODATA answer: the
// zone's SOA with the negative-caching TTL of RFC 2308 section 3.
func (z *zone) negative() []dns.RR {
	soa := dns.Copy(z.soa).(*dns.SOA)
	soa.Hdr.Ttl = min(soa.Hdr.Ttl, soa.Minttl)
	return []dns.RR{soa}
}

// nameservers lists the targets of every NS record in the set, without the
// trailing dot, each once.
func (s zoneSet) nameservers() []string {
	seen := map[string]bool{}
	var out []string
	for _, z := range s {
		for _, rrs := range z.names {
			for _, rr := range rrs {
				if ns, ok := rr.(*dns.NS); ok {
					n := canonicalHost(ns.Ns)
					if !seen[n] {
						seen[n] = true
						out = append(out, n)
					}
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// find returns the zone that holds name: the one with the longest origin
// that name is in, as nested zones work without delegations.
func (s zoneSet) find(name string) *zone {
	var best *zone
	for _, z := range s {
		if dns.IsSubDomain(z.origin, name) && (best == nil || len(z.origin) > len(best.origin)) {
			best = z
		}
	}
	return best
}

// resolve answers a question the way a recursive resolver in front of the
// lab's authoritative zones would: it chases CNAMEs across the lab's zones,
// putting each CNAME in the answer, and ends with the records asked for,
// NODATA or NXDOMAIN (with the SOA of the zone the chain ended in). A name in
// no zone is REFUSED; a chain that leaves the lab's zones ends in SERVFAIL,
// because the lab never asks the internet.
func (s zoneSet) resolve(qname string, qtype uint16) (answer, authority []dns.RR, rcode int) {
	name := dns.CanonicalName(qname)
	for hop := 0; ; hop++ {
		z := s.find(name)
		if z == nil {
			if len(answer) == 0 {
				return nil, nil, dns.RcodeRefused
			}
			return answer, nil, dns.RcodeServerFailure
		}
		rrs := z.names[name]
		if !z.exists[name] {
			if rrs = z.wildcard(name); rrs == nil {
				return answer, z.negative(), dns.RcodeNameError
			}
		}
		if qtype != dns.TypeCNAME && qtype != dns.TypeANY && len(rrs) == 1 && rrs[0].Header().Rrtype == dns.TypeCNAME {
			if hop == maxChain {
				return answer, nil, dns.RcodeServerFailure
			}
			answer = append(answer, rrs[0])
			name = dns.CanonicalName(rrs[0].(*dns.CNAME).Target)
			continue
		}
		n := len(answer)
		for _, rr := range rrs {
			if qtype == dns.TypeANY || rr.Header().Rrtype == qtype {
				answer = append(answer, rr)
			}
		}
		if len(answer) == n {
			return answer, z.negative(), dns.RcodeSuccess // NODATA
		}
		return answer, nil, dns.RcodeSuccess
	}
}

// ServeDNS answers one query. It is both the authoritative server (AA set)
// and the recursive resolver probes are pointed at (RA set), and it truncates
// UDP answers that do not fit, so clients retry over TCP as they must with a
// real resolver.
func (s zoneSet) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	resp := new(dns.Msg)
	resp.SetReply(req)
	switch {
	case req.Opcode != dns.OpcodeQuery:
		resp.Rcode = dns.RcodeNotImplemented
	case len(req.Question) != 1:
		resp.Rcode = dns.RcodeFormatError
	case req.Question[0].Qclass != dns.ClassINET && req.Question[0].Qclass != dns.ClassANY:
		resp.Rcode = dns.RcodeNotImplemented
	case req.Question[0].Qtype == dns.TypeAXFR || req.Question[0].Qtype == dns.TypeIXFR:
		resp.Answer, resp.Rcode = s.transfer(req.Question[0].Name, w.RemoteAddr())
		resp.Authoritative = resp.Rcode == dns.RcodeSuccess
	default:
		q := req.Question[0]
		resp.Answer, resp.Ns, resp.Rcode = s.resolve(q.Name, q.Qtype)
		resp.Authoritative = resp.Rcode == dns.RcodeSuccess || resp.Rcode == dns.RcodeNameError
	}
	resp.RecursionAvailable = true

	size := dns.MaxMsgSize
	if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
		size = dns.MinMsgSize
	}
	if opt := req.IsEdns0(); opt != nil {
		resp.SetEdns0(ednsSize, false)
		if size != dns.MaxMsgSize {
			size = min(max(int(opt.UDPSize()), dns.MinMsgSize), ednsSize)
		}
	}
	resp.Truncate(size) // sets TC when records had to go
	_ = w.WriteMsg(resp)
}

// dnsServer is the lab's DNS on one loopback port, over UDP and TCP, since
// clients retry truncated answers over TCP on the same address.
type dnsServer struct {
	addr    string
	running []dnsRun
}

// dnsRun is one started server and where its serve loop reports its end.
type dnsRun struct {
	srv  *dns.Server
	done chan error
}

// startDNS binds UDP on a free loopback port and TCP on the same port,
// retrying when another process holds that TCP port.
func startDNS(zones dns.Handler) (*dnsServer, error) {
	var lastErr error
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("DNS: listening on UDP 127.0.0.1: %w", err)
		}
		addr := pc.LocalAddr().String()
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			pc.Close()
			lastErr = err
			continue
		}
		d := &dnsServer{addr: addr}
		for _, srv := range []*dns.Server{
			{PacketConn: pc, Handler: zones},
			{Listener: ln, Handler: zones},
		} {
			started := make(chan struct{})
			srv.NotifyStartedFunc = func() { close(started) }
			done := make(chan error, 1)
			go func() { done <- srv.ActivateAndServe() }()
			select {
			case <-started:
				d.running = append(d.running, dnsRun{srv, done})
			case err := <-done:
				pc.Close()
				ln.Close()
				d.close()
				return nil, fmt.Errorf("DNS: serving on %s: %w", addr, err)
			}
		}
		return d, nil
	}
	return nil, fmt.Errorf("DNS: no loopback port free for both UDP and TCP: %w", lastErr)
}

// close stops the servers and waits for their goroutines, in-flight queries
// included.
func (d *dnsServer) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, r := range d.running {
		if err := r.srv.ShutdownContext(ctx); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := <-r.done; err != nil {
			errs = append(errs, err)
		}
	}
	d.running = nil
	return errors.Join(errs...)
}
