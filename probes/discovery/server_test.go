package discovery

import (
	"context"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes/netx"
)

// testZone is one zone a test server serves.
type testZone struct {
	origin string
	soa    *dns.SOA
	order  []dns.RR // as written, for AXFR
	names  map[string][]dns.RR
	exists map[string]bool // owners and their ancestors (empty non-terminals exist)
	axfr   bool            // hand the zone to anyone who asks
}

func parseZone(t testing.TB, origin string, axfr bool, lines []string) *testZone {
	t.Helper()
	z := &testZone{origin: dns.CanonicalName(origin), names: map[string][]dns.RR{}, exists: map[string]bool{}, axfr: axfr}
	zp := dns.NewZoneParser(strings.NewReader(strings.Join(lines, "\n")), z.origin, "")
	zp.SetDefaultTTL(300)
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		z.addRR(rr)
	}
	if err := zp.Err(); err != nil {
		t.Fatalf("zone %s: %v", origin, err)
	}
	if z.soa == nil {
		soa := &dns.SOA{Hdr: dns.RR_Header{Name: z.origin, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 3600},
			Ns: "ns1." + z.origin, Mbox: "hostmaster." + z.origin, Serial: 7, Refresh: 7200, Retry: 3600, Expire: 1209600, Minttl: 300}
		z.order = append([]dns.RR{soa}, z.order...)
		z.names[z.origin] = append(z.names[z.origin], soa)
		z.soa = soa
	}
	return z
}

func (z *testZone) addRR(rr dns.RR) {
	owner := dns.CanonicalName(rr.Header().Name)
	z.names[owner] = append(z.names[owner], rr)
	z.order = append(z.order, rr)
	if soa, ok := rr.(*dns.SOA); ok {
		z.soa = soa
	}
	for n := owner; ; {
		z.exists[n] = true
		if n == z.origin {
			break
		}
		i, _ := dns.NextLabel(n, 0)
		n = n[i:]
	}
}

// records returns name's records, a wildcard at the closest existing ancestor standing
// in for a missing name (RFC 4592).
func (z *testZone) records(name string) ([]dns.RR, bool) {
	if z.exists[name] {
		return z.names[name], true
	}
	for n := name; n != z.origin; {
		i, _ := dns.NextLabel(n, 0)
		n = n[i:]
		if !z.exists[n] {
			continue
		}
		wild, ok := z.names["*."+n]
		if !ok {
			return nil, false
		}
		out := make([]dns.RR, len(wild))
		for j, rr := range wild {
			out[j] = dns.Copy(rr)
			out[j].Header().Name = name
		}
		return out, true
	}
	return nil, false
}

// authServer answers like the authoritative server of its zones (and like a resolver in
// front of them, for names in other zones it holds). Misbehaviour is per name: REFUSED,
// SERVFAIL, or silence. It counts the questions asked without recursion (direct).
type authServer struct {
	zones    []*testZone
	refuse   map[string]bool
	servfail map[string]bool
	silent   map[string]bool
	direct   atomic.Int64
	mu       sync.Mutex
	times    []time.Time // arrival of each direct question
}

func (s *authServer) find(name string) *testZone {
	var best *testZone
	for _, z := range s.zones {
		if dns.IsSubDomain(z.origin, name) && (best == nil || len(z.origin) > len(best.origin)) {
			best = z
		}
	}
	return best
}

func (s *authServer) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	q := req.Question[0]
	name := dns.CanonicalName(q.Name)
	if !req.RecursionDesired {
		s.direct.Add(1)
		s.mu.Lock()
		s.times = append(s.times, time.Now())
		s.mu.Unlock()
	}
	if s.silent[name] {
		return
	}
	m := new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = true
	switch {
	case s.refuse[name]:
		m.Rcode = dns.RcodeRefused
	case s.servfail[name]:
		m.Rcode = dns.RcodeServerFailure
	case q.Qtype == dns.TypeAXFR:
		s.transfer(w, req, name)
		return
	default:
		s.answer(m, name, q.Qtype)
	}
	size := dns.MaxMsgSize
	if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
		size = dns.MinMsgSize
		if opt := req.IsEdns0(); opt != nil {
			size = int(opt.UDPSize())
		}
	}
	m.Truncate(size)
	_ = w.WriteMsg(m)
}

func (s *authServer) answer(m *dns.Msg, name string, qtype uint16) {
	for hop := 0; hop < 8; hop++ {
		z := s.find(name)
		if z == nil {
			if len(m.Answer) == 0 {
				m.Rcode = dns.RcodeRefused
			}
			return
		}
		m.Authoritative = true
		rrs, ok := z.records(name)
		if !ok {
			m.Rcode = dns.RcodeNameError
			m.Ns = []dns.RR{z.soa}
			return
		}
		if qtype != dns.TypeCNAME && len(rrs) > 0 && rrs[0].Header().Rrtype == dns.TypeCNAME {
			m.Answer = append(m.Answer, rrs[0])
			name = dns.CanonicalName(rrs[0].(*dns.CNAME).Target)
			continue
		}
		n := len(m.Answer)
		for _, rr := range rrs {
			if rr.Header().Rrtype == qtype {
				m.Answer = append(m.Answer, rr)
			}
		}
		if len(m.Answer) == n {
			m.Ns = []dns.RR{z.soa}
		}
		return
	}
}

func (s *authServer) transfer(w dns.ResponseWriter, req *dns.Msg, name string) {
	z := s.find(name)
	if z == nil || z.origin != name || !z.axfr {
		m := new(dns.Msg)
		m.SetRcode(req, dns.RcodeRefused)
		_ = w.WriteMsg(m)
		return
	}
	ch := make(chan *dns.Envelope)
	done := make(chan error, 1)
	go func() { done <- new(dns.Transfer).Out(w, req, ch) }()
	all := []dns.RR{z.soa}
	for _, rr := range z.order {
		if rr != dns.RR(z.soa) {
			all = append(all, rr)
		}
	}
	all = append(all, z.soa)
	// Stop feeding when the client hangs up (a transfer cut at its limit): Out then
	// returns, and a send nobody reads would block forever.
	sent := true
	for i := 0; i < len(all) && sent; i += 200 {
		select {
		case ch <- &dns.Envelope{RR: all[i:min(i+200, len(all))]}:
		case <-done:
			sent = false
		}
	}
	close(ch)
	if sent {
		<-done
	}
	w.Hijack()
	_ = w.Close()
}

// serve runs h on 127.0.0.1, UDP and TCP on one port, until the test ends.
func serve(t testing.TB, h dns.Handler) string {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := pc.LocalAddr().String()
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			pc.Close()
			continue
		}
		for _, srv := range []*dns.Server{{PacketConn: pc, Handler: h}, {Listener: ln, Handler: h}} {
			started := make(chan struct{})
			srv.NotifyStartedFunc = func() { close(started) }
			go func() { _ = srv.ActivateAndServe() }()
			<-started
			t.Cleanup(func() { _ = srv.Shutdown() })
		}
		return addr
	}
	t.Fatal("no loopback port free for UDP and TCP")
	return ""
}

// testNet points a Net at resolver, with each "ns:53" of connectTo sent to its server.
func testNet(t testing.TB, resolver string, timeout time.Duration, connectTo map[string]string) *netx.Net {
	t.Helper()
	n, err := netx.New(netx.Config{Resolvers: []string{resolver}, ConnectTo: connectTo, DNSTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func bounded(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// name finds a name in the report's Names or Failed.
func findName(rep *Report, name string) (Name, bool) {
	for _, list := range [][]Name{rep.Names, rep.Failed} {
		for _, n := range list {
			if n.Name == name {
				return n, true
			}
		}
	}
	return Name{}, false
}

func hasSource(n Name, kind SourceKind) bool {
	for _, s := range n.Sources {
		if s.Kind == kind {
			return true
		}
	}
	return false
}

func serviceLines(rep *Report) []string {
	var out []string
	for _, s := range rep.Services {
		out = append(out, s.String())
	}
	return out
}

// closingTCP accepts connections and closes them once the request is read, as some
// servers refuse a zone transfer.
func closingTCP(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 512)
			_, _ = c.Read(buf)
			c.Close()
		}
	}()
	return ln.Addr().String()
}

// deadUDP is a loopback UDP address nothing listens on.
func deadUDP(t testing.TB) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}
