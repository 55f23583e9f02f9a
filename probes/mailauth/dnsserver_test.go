package mailauth

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes/netx"
)

// testDNS is a small authoritative-and-recursive DNS server on 127.0.0.1 for one test: a
// map of records, names that never answer (TIMEOUT) and names that answer SERVFAIL. It
// follows CNAMEs like a recursive resolver and truncates big UDP answers so clients retry
// over TCP, as real resolvers make them.
type testDNS struct {
	mu       sync.Mutex
	rrs      map[string][]dns.RR // lower-case FQDN -> records
	timeout  map[string]bool
	servfail map[string]bool
	queries  int
	Addr     string
}

func newTestDNS() *testDNS {
	return &testDNS{rrs: map[string][]dns.RR{}, timeout: map[string]bool{}, servfail: map[string]bool{}}
}

// add parses zone-file lines ("acme.example. 300 IN TXT \"v=spf1 -all\""); a missing TTL
// means 300.
func (s *testDNS) add(t testing.TB, lines ...string) {
	t.Helper()
	for _, l := range lines {
		rr, err := dns.NewRR(l)
		if err != nil || rr == nil {
			t.Fatalf("bad test record %q: %v", l, err)
		}
		s.addRR(rr)
	}
}

func (s *testDNS) addRR(rr dns.RR) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := presentation(strings.ToLower(dns.Fqdn(rr.Header().Name)))
	rr.Header().Name = n
	s.rrs[n] = append(s.rrs[n], rr)
}

// txt adds a TXT record, split into 255-byte strings as a zone file would.
func (s *testDNS) txt(name, text string) {
	var parts []string
	for len(text) > 255 {
		parts = append(parts, text[:255])
		text = text[255:]
	}
	parts = append(parts, text)
	s.addRR(&dns.TXT{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Txt: parts})
}

func (s *testDNS) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	if len(req.Question) != 1 {
		return
	}
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	s.mu.Lock()
	s.queries++
	timeout, servfail := s.timeout[name], s.servfail[name]
	for _, rr := range s.rrs[name] {
		if rr.Header().Rrtype == q.Qtype {
			timeout = false // the suite's convention: TIMEOUT is for the types the name lacks
		}
	}
	s.mu.Unlock()
	if timeout {
		return // never answer
	}
	resp := new(dns.Msg)
	resp.SetReply(req)
	resp.RecursionAvailable = true
	if servfail {
		resp.Rcode = dns.RcodeServerFailure
		_ = w.WriteMsg(resp)
		return
	}
	s.mu.Lock()
	for hop := 0; hop < 8; hop++ {
		rrs, exists := s.rrs[name]
		if !exists {
			exists = s.hasBelow(name)
		}
		if !exists {
			resp.Rcode = dns.RcodeNameError
			break
		}
		if len(rrs) > 0 && rrs[0].Header().Rrtype == dns.TypeCNAME && q.Qtype != dns.TypeCNAME {
			resp.Answer = append(resp.Answer, rrs[0])
			name = strings.ToLower(rrs[0].(*dns.CNAME).Target)
			if s.timeout[name] || s.servfail[name] {
				resp.Rcode = dns.RcodeServerFailure
				break
			}
			continue
		}
		for _, rr := range rrs {
			if rr.Header().Rrtype == q.Qtype {
				resp.Answer = append(resp.Answer, rr)
			}
		}
		break
	}
	s.mu.Unlock()
	size := dns.MaxMsgSize
	if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
		size = 1232
	}
	resp.Truncate(size)
	_ = w.WriteMsg(resp)
}

// presentation is a name in miekg/dns's escaped form ("a\\ b."), the form queries
// arrive in, so zone data with special characters (the SPF suite has spaces) matches.
func presentation(n string) string {
	buf := make([]byte, 256)
	off, err := dns.PackDomainName(n, buf, 0, nil, false)
	if err != nil {
		return n
	}
	out, _, err := dns.UnpackDomainName(buf[:off], 0)
	if err != nil {
		return n
	}
	return out
}

// hasBelow reports an empty non-terminal: a name with no records but names under it.
func (s *testDNS) hasBelow(name string) bool {
	for n := range s.rrs {
		if strings.HasSuffix(n, "."+name) {
			return true
		}
	}
	return false
}

// start serves UDP and TCP on one 127.0.0.1 port until the test ends.
func (s *testDNS) start(t testing.TB) *testDNS {
	t.Helper()
	s.Addr = serveDNS(t, s)
	return s
}

// serveDNS runs h on one 127.0.0.1 port, UDP and TCP, until the test ends, and returns
// the address.
func serveDNS(t testing.TB, h dns.Handler) string {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err != nil {
			pc.Close()
			continue
		}
		for _, srv := range []*dns.Server{{PacketConn: pc, Handler: h}, {Listener: ln, Handler: h}} {
			started := make(chan struct{})
			srv.NotifyStartedFunc = func() { close(started) }
			go func() { _ = srv.ActivateAndServe() }()
			<-started
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				_ = srv.ShutdownContext(ctx)
			})
		}
		return pc.LocalAddr().String()
	}
	t.Fatal("no loopback port free for UDP and TCP")
	return ""
}

// net returns a netx.Net that asks only this server, with a short timeout so TIMEOUT
// names cost the test little.
func (s *testDNS) net(t testing.TB) *netx.Net {
	t.Helper()
	n, err := netx.New(netx.Config{Resolvers: []string{s.Addr}, DNSTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
