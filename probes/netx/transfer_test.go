package netx

import (
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// axfrZone serves AXFR of one zone, chunked 100 records to a message as real servers
// do; every other question is REFUSED.
type axfrZone struct {
	origin string
	rrs    []dns.RR // SOA first
}

func (z axfrZone) ServeDNS(w dns.ResponseWriter, r *dns.Msg) {
	if r.Question[0].Qtype != dns.TypeAXFR || r.Question[0].Name != z.origin {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeRefused)
		_ = w.WriteMsg(m)
		return
	}
	ch := make(chan *dns.Envelope)
	tr := new(dns.Transfer)
	done := make(chan error, 1)
	go func() { done <- tr.Out(w, r, ch) }()
	all := append(append([]dns.RR{}, z.rrs...), z.rrs[0])
	// Stop feeding when the client hangs up (a transfer cut at its limit): Out then
	// returns, and a send nobody reads would block forever.
	sent := true
	for i := 0; i < len(all) && sent; i += 100 {
		select {
		case ch <- &dns.Envelope{RR: all[i:min(i+100, len(all))]}:
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

func newAXFRZone(t testing.TB, origin string, hosts int) axfrZone {
	t.Helper()
	soa, err := dns.NewRR(origin + " 300 IN SOA ns1." + origin + " hostmaster." + origin + " 7 7200 3600 1209600 300")
	if err != nil {
		t.Fatal(err)
	}
	z := axfrZone{origin: origin, rrs: []dns.RR{soa}}
	for i := range hosts {
		rr, err := dns.NewRR(fmt.Sprintf("h%05d.%s 300 IN A 192.0.2.%d", i, origin, i%250+1))
		if err != nil {
			t.Fatal(err)
		}
		z.rrs = append(z.rrs, rr)
	}
	return z
}

// silentTCP accepts connections and never writes, like a firewall that lets the SYN in.
func silentTCP(t testing.TB) string {
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
			t.Cleanup(func() { c.Close() })
		}
	}()
	return ln.Addr().String()
}

// closingTCP accepts connections and closes them at once, as some servers refuse AXFR.
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

func TestTransfer(t *testing.T) {
	t.Parallel()
	open := startDNS(t, newAXFRZone(t, "open.example.", 250))
	big := startDNS(t, newAXFRZone(t, "big.example.", 15000))
	n := newNet(t, Config{
		DNSTimeout: 300 * time.Millisecond,
		ConnectTo:  map[string]string{"ns1.open.example:53": open},
	})

	t.Run("complete through connect_to", func(t *testing.T) {
		zt, err := n.Transfer(bounded(t), "ns1.open.example", "Open.Example", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !zt.Complete || zt.Cut || zt.Rcode != dns.RcodeSuccess || len(zt.Records) != 251 || zt.Server != open {
			t.Fatalf("got complete=%t cut=%t rcode=%d records=%d server=%s, want the 251 records from %s", zt.Complete, zt.Cut, zt.Rcode, len(zt.Records), zt.Server, open)
		}
		if _, ok := zt.Records[0].(*dns.SOA); !ok {
			t.Errorf("first record %s, want the SOA", zt.Records[0])
		}
	})
	t.Run("refused by rcode is an answer", func(t *testing.T) {
		zt, err := n.Transfer(bounded(t), open, "other.example", 0)
		if err != nil || zt.Rcode != dns.RcodeRefused || len(zt.Records) != 0 {
			t.Fatalf("got %+v, %v; want rcode REFUSED and no error", zt, err)
		}
	})
	t.Run("cut at the record limit", func(t *testing.T) {
		zt, err := n.Transfer(bounded(t), big, "big.example", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !zt.Cut || zt.Complete || len(zt.Records) != DefaultTransferRecords {
			t.Fatalf("got cut=%t complete=%t records=%d, want cut at %d", zt.Cut, zt.Complete, len(zt.Records), DefaultTransferRecords)
		}
	})
	t.Run("closed without answering", func(t *testing.T) {
		_, err := n.Transfer(bounded(t), closingTCP(t), "open.example", 0)
		if !errors.Is(err, ErrNoTransfer) {
			t.Fatalf("got %v, want ErrNoTransfer", err)
		}
		mustContain(t, err, "closed the connection without answering")
	})
	t.Run("silent server times out", func(t *testing.T) {
		start := time.Now()
		_, err := n.Transfer(bounded(t), silentTCP(t), "open.example", 0)
		if !errors.Is(err, ErrDNSTimeout) {
			t.Fatalf("got %v, want ErrDNSTimeout", err)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("took %s, want about the 300ms DNS timeout", took)
		}
		mustContain(t, err, "open.example AXFR", "300ms")
	})
	t.Run("nothing listening", func(t *testing.T) {
		_, err := n.Transfer(bounded(t), deadTCP(t), "open.example", 0)
		mustContain(t, err, "zone transfer of open.example", "nothing is listening")
	})
}

func TestServerAddrs(t *testing.T) {
	t.Parallel()
	lab := startLab(t)
	n := newNet(t, Config{Resolvers: []string{lab}, ConnectTo: map[string]string{"ns1.acme.example:53": "127.0.0.1:5353"}})
	for _, tc := range []struct{ in, want string }{
		{"ns1.acme.example", "127.0.0.1:5353"},
		{"NS1.acme.example.:53", "127.0.0.1:5353"},
		{"192.0.2.1", "192.0.2.1:53"},
		{"app.acme.example:5300", "192.0.2.20:5300"},
	} {
		got, err := n.ServerAddrs(bounded(t), tc.in)
		if err != nil || len(got) == 0 || got[0] != tc.want {
			t.Errorf("ServerAddrs(%q) = %v, %v; want %s first", tc.in, got, err, tc.want)
		}
	}
	_, err := n.ServerAddrs(bounded(t), "gone.acme.example")
	mustContain(t, err, `could not find the address of DNS server "gone.acme.example"`)
}
