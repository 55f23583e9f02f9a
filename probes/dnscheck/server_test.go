package dnscheck

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// testZone is one zone a test server serves: records by owner, and which names exist
// (owners and their ancestors, so empty non-terminals answer NODATA).
type testZone struct {
	origin string
	soa    *dns.SOA
	names  map[string][]dns.RR
	exists map[string]bool
}

// zoneServer answers like the authoritative server of its zones, and like a resolver in
// front of them (it chases CNAMEs across its zones, a few hops per answer): NXDOMAIN and
// NODATA carry the SOA; names in no zone are REFUSED; a wildcard "*.origin" answers for
// missing children of the origin. UDP answers are truncated to the client's buffer, so
// big answers go over TCP as with a real server.
type zoneServer struct {
	zones []*testZone
	noAA  bool // answer without the AA bit, as a server that is not authoritative
}

// newZones parses zones given as origin -> zone-file lines relative to the origin.
func newZones(t testing.TB, zones map[string][]string) *zoneServer {
	t.Helper()
	s := &zoneServer{}
	for origin, lines := range zones {
		z := &testZone{origin: dns.CanonicalName(origin), names: map[string][]dns.RR{}, exists: map[string]bool{}}
		zp := dns.NewZoneParser(strings.NewReader("$TTL 300\n"+strings.Join(lines, "\n")), z.origin, "")
		zp.SetDefaultTTL(300)
		for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
			owner := dns.CanonicalName(rr.Header().Name)
			z.names[owner] = append(z.names[owner], rr)
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
		if err := zp.Err(); err != nil {
			t.Fatalf("zone %s: %v", origin, err)
		}
		if z.soa == nil {
			z.soa = &dns.SOA{Hdr: dns.RR_Header{Name: z.origin, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 3600},
				Ns: "ns1." + z.origin, Mbox: "hostmaster." + z.origin, Serial: 1, Refresh: 7200, Retry: 3600, Expire: 1209600, Minttl: 300}
			z.names[z.origin] = append(z.names[z.origin], z.soa)
			z.exists[z.origin] = true
		}
		s.zones = append(s.zones, z)
	}
	return s
}

func (s *zoneServer) find(name string) *testZone {
	var best *testZone
	for _, z := range s.zones {
		if dns.IsSubDomain(z.origin, name) && (best == nil || len(z.origin) > len(best.origin)) {
			best = z
		}
	}
	return best
}

// records returns name's records in z, with a wildcard standing in for a missing child.
func (z *testZone) records(name string) ([]dns.RR, bool) {
	if z.exists[name] {
		return z.names[name], true
	}
	if i, end := dns.NextLabel(name, 0); !end && name[i:] == z.origin {
		if wild, ok := z.names["*."+z.origin]; ok {
			var out []dns.RR
			for _, rr := range wild {
				c := dns.Copy(rr)
				c.Header().Name = name
				out = append(out, c)
			}
			return out, true
		}
	}
	return nil, false
}

const chaseLimit = 8

func (s *zoneServer) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = true
	q := req.Question[0]
	name := dns.CanonicalName(q.Name)
	m.Authoritative = !s.noAA
	for hop := 0; ; hop++ {
		z := s.find(name)
		if z == nil {
			if len(m.Answer) == 0 {
				m.Rcode = dns.RcodeRefused
				m.Authoritative = false
			}
			break
		}
		rrs, ok := z.records(name)
		if !ok {
			m.Rcode = dns.RcodeNameError
			m.Ns = []dns.RR{z.soa}
			break
		}
		if q.Qtype != dns.TypeCNAME && len(rrs) > 0 && rrs[0].Header().Rrtype == dns.TypeCNAME {
			m.Answer = append(m.Answer, rrs[0])
			if hop == chaseLimit {
				break // the client asks again from here
			}
			name = dns.CanonicalName(rrs[0].(*dns.CNAME).Target)
			continue
		}
		n := len(m.Answer)
		for _, rr := range rrs {
			if rr.Header().Rrtype == q.Qtype {
				m.Answer = append(m.Answer, rr)
			}
		}
		if len(m.Answer) == n {
			m.Ns = []dns.RR{z.soa}
		}
		break
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

// handlerFunc adapts a function to dns.Handler.
type handlerFunc func(dns.ResponseWriter, *dns.Msg)

func (f handlerFunc) ServeDNS(w dns.ResponseWriter, r *dns.Msg) { f(w, r) }

// rcodeServer answers every query with rcode and nothing else.
func rcodeServer(rcode int) dns.Handler {
	return handlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, rcode)
		_ = w.WriteMsg(m)
	})
}

// serveDNS runs h on 127.0.0.1, UDP and TCP on one port, until the test ends.
func serveDNS(t testing.TB, h dns.Handler) string {
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

// rawUDP answers each packet with reply(packet) on 127.0.0.1; nil stays silent.
func rawUDP(t testing.TB, reply func([]byte) []byte) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if out := reply(buf[:n]); out != nil {
				_, _ = pc.WriteTo(out, from)
			}
		}
	}()
	return pc.LocalAddr().String()
}

// testEnv builds a probe Env for config text with the network given.
func testEnv(t testing.TB, cfgText string, nc netx.Config) probes.Env {
	t.Helper()
	cfg, err := config.Parse([]byte(cfgText), filepath.Join(t.TempDir(), "launchready.yaml"))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	n, err := netx.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return probes.Env{Config: cfg, Net: n, Now: time.Now}
}

// sweep builds the kind's checks and runs them once.
func sweep(t testing.TB, e probes.Env, timeout time.Duration) map[string]probes.Result {
	t.Helper()
	checks, err := Kind.Build(e)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]probes.Result{}
	for _, r := range probes.NewRunner(checks, probes.RunnerOptions{Timeout: timeout}).Sweep(context.Background()) {
		out[r.Check] = r
		// Tests talk to loopback only: a nameserver reached anywhere else means a test
		// forgot its connect_to override.
		if d, ok := r.Data.(*ZoneData); ok {
			for _, ns := range d.Nameservers {
				if ns.Addr != "" && !strings.HasPrefix(ns.Addr, "127.0.0.1:") {
					t.Errorf("%s: nameserver %s was asked at %s, off loopback: give the test a connect_to for it", r.Check, ns.Name, ns.Addr)
				}
			}
		}
	}
	return out
}

// ids lists a result's findings as "id/severity", in order.
func ids(r probes.Result) string {
	var s []string
	for _, f := range r.Findings {
		s = append(s, f.ID+"/"+f.Severity.String())
	}
	return strings.Join(s, ",")
}

func finding1(t *testing.T, r probes.Result, id string) probes.Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("%s: no %s finding; findings %s, error %q", r.Check, id, ids(r), r.Err)
	return probes.Finding{}
}

// complete checks a finding has everything an operator needs.
func complete(t *testing.T, f probes.Finding) {
	t.Helper()
	if f.Title == "" || f.Detail == "" || f.Observed == "" || f.Expected == "" || f.Fix == "" || len(f.Evidence) == 0 || f.Impact == "" {
		t.Errorf("%s lacks what an operator needs: %+v", f.ID, f)
	}
}
