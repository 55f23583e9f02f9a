package netx

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// labZone is the zone every DNS test asks about. The handler behaves like
// an authoritative server that also chases CNAMEs a little (at most
// maxFollow per answer), so long chains need several queries.
var labZone = []string{
	"acme.example. 300 IN SOA ns1.acme.example. hostmaster.acme.example. 1 7200 3600 1209600 300",
	"acme.example. 300 IN A 192.0.2.10",
	"acme.example. 300 IN MX 20 mx2.acme.example.",
	"acme.example. 300 IN MX 10 mx1.acme.example.",
	"acme.example. 300 IN MX 10 mx0.acme.example.",
	`acme.example. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"`,
	`acme.example. 300 IN TXT "google-site-verification=abc"`,
	`_dmarc.acme.example. 300 IN TXT "v=DMARC1; p=reject; " "rua=mailto:dmarc@acme.example"`,
	"s1._domainkey.acme.example. 300 IN CNAME s1.dkim.provider.example.",
	`s1.dkim.provider.example. 300 IN TXT "v=DKIM1; k=ed25519; " "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="`,
	"app.acme.example. 300 IN A 192.0.2.20",
	"app.acme.example. 300 IN AAAA 2001:db8::20",
	"www.acme.example. 300 IN CNAME app.acme.example.",
	"only6.acme.example. 300 IN AAAA 2001:db8::6",
	"mailonly.acme.example. 300 IN MX 0 .",
	"dangling.acme.example. 300 IN CNAME gone.acme.example.",
	"loop-a.acme.example. 300 IN CNAME loop-b.acme.example.",
	"loop-b.acme.example. 300 IN CNAME loop-a.acme.example.",
	"svc.acme.example. 300 IN A 127.0.0.1",
	"20.2.0.192.in-addr.arpa. 300 IN PTR app.acme.example.",
	`esc.acme.example. 300 IN TXT "v=spf1 \128a:x\"y\\z -all"`,
	`sp\ ace.acme.example. 300 IN A 192.0.2.30`,
}

const maxFollow = 5

func init() {
	// h0 -> h7 (7 hops, fine) and c0 -> c20 (20 hops, too long).
	for i := range 7 {
		labZone = append(labZone, fmt.Sprintf("h%d.acme.example. 300 IN CNAME h%d.acme.example.", i, i+1))
	}
	labZone = append(labZone, "h7.acme.example. 300 IN A 192.0.2.77")
	for i := range 20 {
		labZone = append(labZone, fmt.Sprintf("c%d.acme.example. 300 IN CNAME c%d.acme.example.", i, i+1))
	}
	labZone = append(labZone, "c20.acme.example. 300 IN A 192.0.2.99")
	// 40 TXT records of 200 bytes: more than a 4096-byte UDP answer holds.
	for i := range 40 {
		labZone = append(labZone, fmt.Sprintf(`big.acme.example. 300 IN TXT "%02d%s"`, i, strings.Repeat("x", 198)))
	}
}

// zone serves records from memory. Names starting with a keyword misbehave
// on purpose: servfail, refused, wrongid, wrongid-tcp, whoami.
type zone map[string][]dns.RR

func newZone(t testing.TB, records []string) zone {
	t.Helper()
	z := zone{}
	for _, s := range records {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatalf("bad test record %q: %v", s, err)
		}
		name := strings.ToLower(rr.Header().Name)
		z[name] = append(z[name], rr)
	}
	return z
}

func (z zone) ServeDNS(w dns.ResponseWriter, r *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.RecursionAvailable = r.RecursionDesired
	q := r.Question[0]
	name := strings.ToLower(q.Name)
	_, overUDP := w.RemoteAddr().(*net.UDPAddr)
	switch special(name) {
	case "servfail":
		m.Rcode = dns.RcodeServerFailure
	case "refused":
		m.Rcode = dns.RcodeRefused
	case "wrongid":
		m.Id = r.Id + 1
	case "wrongid-tcp":
		if overUDP {
			m.Truncated = true
		} else {
			m.Id = r.Id + 1
		}
	case "whoami":
		// Report what the client sent, so tests can check the query bits.
		opt := r.IsEdns0()
		size, do := 0, false
		if opt != nil {
			size, do = int(opt.UDPSize()), opt.Do()
		}
		txt := fmt.Sprintf("rd=%t do=%t size=%d udp=%t", r.RecursionDesired, do, size, overUDP)
		m.Answer = append(m.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 0}, Txt: []string{txt}})
	default:
		z.answer(m, name, q.Qtype)
	}
	if overUDP {
		size := dns.MinMsgSize
		if opt := r.IsEdns0(); opt != nil {
			size = int(opt.UDPSize())
		}
		m.Truncate(size) // sets TC when the answer does not fit
	}
	_ = w.WriteMsg(m)
}

// special returns the misbehaviour keyword among name's labels, so that
// "_dmarc.servfail.acme.example" fails as "servfail.acme.example" does.
func special(name string) string {
	for _, l := range dns.SplitDomainName(name) {
		switch l {
		case "servfail", "refused", "wrongid", "wrongid-tcp", "whoami":
			return l
		}
	}
	return ""
}

func (z zone) answer(m *dns.Msg, name string, qtype uint16) {
	cur := name
	for range maxFollow + 1 {
		var cname *dns.CNAME
		for _, rr := range z[cur] {
			if rr.Header().Rrtype == qtype {
				m.Answer = append(m.Answer, rr)
			} else if c, ok := rr.(*dns.CNAME); ok {
				cname = c
			}
		}
		if len(m.Answer) > 0 && m.Answer[len(m.Answer)-1].Header().Rrtype == qtype {
			return
		}
		if cname == nil || qtype == dns.TypeCNAME {
			break
		}
		m.Answer = append(m.Answer, cname)
		if len(m.Answer) > maxFollow {
			return // stop following; the client asks again
		}
		cur = strings.ToLower(cname.Target)
	}
	if _, ok := z[cur]; !ok {
		m.Rcode = dns.RcodeNameError
	}
	m.Ns = append(m.Ns, z["acme.example."][0]) // SOA, as a negative answer carries
}

// startDNS serves h on one port over both UDP and TCP, as a real server
// does, and returns "127.0.0.1:port".
func startDNS(t testing.TB, h dns.Handler) string {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := pc.LocalAddr().String()
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			pc.Close() // port taken for TCP; try another
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
	t.Fatal("no free port for a UDP+TCP DNS server on 127.0.0.1")
	return ""
}

// startLab serves labZone and returns its address.
func startLab(t testing.TB) string {
	t.Helper()
	return startDNS(t, newZone(t, labZone))
}

// startUDP answers every packet with reply(packet); nil means stay silent.
func startUDP(t testing.TB, reply func([]byte) []byte) string {
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

// deadUDP returns a UDP address nothing listens on.
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

// deadTCP returns a TCP address nothing listens on.
func deadTCP(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// newNet builds a Net or fails the test.
func newNet(t testing.TB, cfg Config) *Net {
	t.Helper()
	n, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return n
}

// bounded gives a test context that ends well before the test timeout,
// so a hang shows up as a failure with a message, not a stuck run.
func bounded(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustContain(t testing.TB, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q\ndoes not contain %q", err, p)
		}
	}
}

// startTCGarbage is a resolver that answers every query over UDP with TC set, so the
// client asks again over TCP, and over TCP with the bytes tcp makes of the query
// (length-prefixed by the server): the audit's "truncated, then garbage" resolver.
func startTCGarbage(t testing.TB, tcp func(q *dns.Msg) []byte) string {
	t.Helper()
	return startDNS(t, dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		if _, overUDP := w.RemoteAddr().(*net.UDPAddr); overUDP {
			m := new(dns.Msg)
			m.SetReply(r)
			m.Truncated = true
			_ = w.WriteMsg(m)
			return
		}
		_, _ = w.Write(tcp(r))
	}))
}
