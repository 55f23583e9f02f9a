package mailauth

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes/netx"
)

// wireSizer is a ResponseWriter that packs answers the way a real server chooses to
// (compressed or not, with the OPT record an EDNS query gets) and records the size of
// each TXT answer it sends for the apex, so a test can hold the probe's number to the
// bytes that really crossed the wire.
type wireSizer struct {
	dns.ResponseWriter
	compress bool
	mu       *sync.Mutex
	sizes    map[string]int // "udp"/"tcp" -> bytes of the last apex TXT answer
	optLen   *int
}

func (w *wireSizer) WriteMsg(m *dns.Msg) error {
	m.Compress = w.compress
	if len(m.Question) == 1 && m.Question[0].Qtype == dns.TypeTXT && strings.EqualFold(m.Question[0].Name, "acme.example.") {
		opt := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
		opt.SetUDPSize(1232)
		m.Extra = append(m.Extra, opt)
		wire, err := m.Pack()
		if err != nil {
			return err
		}
		network := "tcp"
		if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
			network = "udp"
		}
		w.mu.Lock()
		w.sizes[network], *w.optLen = len(wire), dns.Len(opt)
		w.mu.Unlock()
		_, err = w.Write(wire)
		return err
	}
	return w.ResponseWriter.WriteMsg(m)
}

// serveSized starts testDNS's zone behind a wireSizer on 127.0.0.1, UDP and TCP.
func serveSized(t *testing.T, s *testDNS, compress bool) (addr string, sizes func() (udp, tcp, opt int)) {
	t.Helper()
	var mu sync.Mutex
	recorded, optLen := map[string]int{}, 0
	h := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		s.ServeDNS(&wireSizer{ResponseWriter: w, compress: compress, mu: &mu, sizes: recorded, optLen: &optLen}, r)
	})
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
		return pc.LocalAddr().String(), func() (int, int, int) {
			mu.Lock()
			defer mu.Unlock()
			return recorded["udp"], recorded["tcp"], optLen
		}
	}
	t.Fatal("no loopback port free for UDP and TCP")
	return "", nil
}

// TestSPFAnswerSizeIsMeasured: the SPF answer size in email.spf-too-long is the size of
// the TXT answer that crossed the wire (less the OPT record only EDNS clients get), for
// a server that compresses its answer and one that does not. A thousand TXT records at
// the apex (site verifications piling up) make a 59 KB answer that needs TCP.
func TestSPFAnswerSizeIsMeasured(t *testing.T) {
	t.Parallel()
	// Uncompressed, a thousand records would not fit the 65,535 bytes of a DNS message
	// at all (which is how far off the old count could be): that server gets 500.
	for _, c := range []struct {
		compress bool
		records  int
	}{{true, 1000}, {false, 500}} {
		compress := c.compress
		t.Run(fmt.Sprintf("compress=%v", compress), func(t *testing.T) {
			t.Parallel()
			s := newTestDNS()
			s.add(t, edit(goodZone(), []string{`acme.example. 300 IN TXT "v=spf1`}, `acme.example. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"`)...)
			for i := range c.records - 1 {
				s.add(t, fmt.Sprintf(`acme.example. 300 IN TXT "site-verification=%028d"`, i))
			}
			addr, sizes := serveSized(t, s, compress)
			res := sweepEmail(t, testEnv(t, goodEmail, netx.Config{Resolvers: []string{addr}}))["acme.example"]
			f := findingByID(res, "email.spf-too-long", "")
			if f == nil {
				t.Fatalf("no email.spf-too-long: %v (%s %s)", ids(res), res.Summary, res.Err)
			}
			udp, tcp, opt := sizes()
			if udp == 0 || tcp == 0 {
				t.Fatalf("the answer did not go UDP-truncated then TCP: udp %d, tcp %d bytes", udp, tcp)
			}
			want := tcp - opt
			if !strings.HasPrefix(f.Observed, fmt.Sprintf("%d-byte answer", want)) || !strings.Contains(f.Title, fmt.Sprintf("is %d bytes", want)) {
				t.Errorf("the server sent %d bytes (%d of them the OPT record); the finding says:\n%s\n%s", tcp, opt, f.Title, f.Observed)
			}
			t.Logf("compress=%v: %d bytes on the wire, %d without OPT: %s", compress, tcp, want, f.Title)
		})
	}
}
