package netx

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func TestQueryAnswers(t *testing.T) {
	t.Parallel()
	lab := startLab(t)
	n := newNet(t, Config{Resolvers: []string{lab}})
	tests := []struct {
		name      string
		qtype     uint16
		rcode     int
		answers   int
		truncated bool
	}{
		{"app.acme.example", dns.TypeA, dns.RcodeSuccess, 1, false},
		{"APP.acme.example.", dns.TypeAAAA, dns.RcodeSuccess, 1, false},
		{"www.acme.example", dns.TypeA, dns.RcodeSuccess, 2, false}, // CNAME + A
		{"acme.example", dns.TypeMX, dns.RcodeSuccess, 3, false},
		{"nope.acme.example", dns.TypeA, dns.RcodeNameError, 0, false},
		{"mailonly.acme.example", dns.TypeA, dns.RcodeSuccess, 0, false},
		// SERVFAIL and REFUSED are answers, not Go errors, for Query.
		{"servfail.acme.example", dns.TypeA, dns.RcodeServerFailure, 0, false},
		{"refused.acme.example", dns.TypeA, dns.RcodeRefused, 0, false},
		// 40 x 200-byte TXT records do not fit 4096 bytes of UDP.
		{"big.acme.example", dns.TypeTXT, dns.RcodeSuccess, 40, true},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+dns.TypeToString[tt.qtype], func(t *testing.T) {
			t.Parallel()
			a, err := n.Query(bounded(t), tt.name, tt.qtype)
			if err != nil {
				t.Fatal(err)
			}
			if a.Msg.Rcode != tt.rcode {
				t.Errorf("rcode = %s, want %s", dns.RcodeToString[a.Msg.Rcode], dns.RcodeToString[tt.rcode])
			}
			if len(a.Msg.Answer) != tt.answers {
				t.Errorf("%d answers, want %d:\n%v", len(a.Msg.Answer), tt.answers, a.Msg)
			}
			if a.Truncated != tt.truncated {
				t.Errorf("Truncated = %t, want %t", a.Truncated, tt.truncated)
			}
			if a.Server != lab || a.Qtype != tt.qtype || a.RTT <= 0 {
				t.Errorf("Answer{Server: %q, Qtype: %d, RTT: %s}, want server %q", a.Server, a.Qtype, a.RTT, lab)
			}
		})
	}
}

// The bits we send: RD on for Query and off for QueryServer, EDNS0 with a
// 4096 buffer, DO off unless asked for.
func TestQueryBits(t *testing.T) {
	t.Parallel()
	lab := startLab(t)
	n := newNet(t, Config{Resolvers: []string{lab}})
	ctx := bounded(t)
	txt := func(a *Answer, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a.Msg.Answer[0].(*dns.TXT).Txt[0]
	}
	if got, want := txt(n.Query(ctx, "whoami.acme.example", dns.TypeTXT)), "rd=true do=false size=4096 udp=true"; got != want {
		t.Errorf("Query sent %q, want %q", got, want)
	}
	if got, want := txt(n.Query(ctx, "whoami.acme.example", dns.TypeTXT, WithDNSSEC())), "rd=true do=true size=4096 udp=true"; got != want {
		t.Errorf("Query(WithDNSSEC) sent %q, want %q", got, want)
	}
	if got, want := txt(n.QueryServer(ctx, lab, "whoami.acme.example", dns.TypeTXT)), "rd=false do=false size=4096 udp=true"; got != want {
		t.Errorf("QueryServer sent %q, want %q", got, want)
	}
}

func TestQueryServerByName(t *testing.T) {
	t.Parallel()
	lab := startLab(t)
	n := newNet(t, Config{Resolvers: []string{lab}})
	// "localhost:port" resolves to 127.0.0.1 without asking anyone.
	_, port, _ := net.SplitHostPort(lab)
	a, err := n.QueryServer(bounded(t), "localhost:"+port, "app.acme.example", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if a.Server != lab || a.Msg.RecursionDesired {
		t.Errorf("answered by %q (RD=%t), want %q with RD off", a.Server, a.Msg.RecursionDesired, lab)
	}
	if _, err := n.QueryServer(bounded(t), "nope.acme.example", "app.acme.example", dns.TypeA); !errors.Is(err, ErrNXDOMAIN) {
		t.Errorf("QueryServer via a missing NS name: %v, want ErrNXDOMAIN", err)
	}
}

// network.connect_to sends a query for a nameserver on port 53, by name or by
// literal address, to wherever the override says: the lab and tests serve
// zones on random loopback ports.
func TestQueryServerHonoursConnectTo(t *testing.T) {
	t.Parallel()
	lab := startLab(t)
	silent := startUDP(t, func([]byte) []byte { return nil })
	n := newNet(t, Config{
		Resolvers:  []string{lab},
		DNSTimeout: 200 * time.Millisecond,
		ConnectTo: map[string]string{
			"NS1.acme.example.:53": lab, // spelled as an operator might
			"192.0.2.53:53":        lab,
			"ns2.acme.example:53":  silent,
			"ns3.acme.example:53":  "svc.acme.example:" + portOf(lab), // a name, resolved first
		},
	})
	for _, server := range []string{"ns1.acme.example", "ns1.acme.example:53", "192.0.2.53", "192.0.2.53:53", "ns3.acme.example:53"} {
		a, err := n.QueryServer(bounded(t), server, "app.acme.example", dns.TypeA)
		if err != nil {
			t.Errorf("%s: %v", server, err)
			continue
		}
		if a.Server != lab || len(a.Msg.Answer) != 1 {
			t.Errorf("%s: answered by %q with %d records, want %q", server, a.Server, len(a.Msg.Answer), lab)
		}
	}
	// Other ports are not overridden: ns1 on 5353 is looked up (ns1 is not in the
	// test zone, so NXDOMAIN), never sent to the port-53 override.
	if _, err := n.QueryServer(bounded(t), "ns1.acme.example:5353", "app.acme.example", dns.TypeA); !errors.Is(err, ErrNXDOMAIN) {
		t.Errorf("ns1.acme.example:5353: %v, want ErrNXDOMAIN (no override for that port)", err)
	}
	_, err := n.QueryServer(bounded(t), "ns2.acme.example", "app.acme.example", dns.TypeA)
	var se *ServerError
	if !errors.As(err, &se) || !se.Timeout() || se.Server != silent || !strings.Contains(err.Error(), "network.connect_to") {
		t.Errorf("silent overridden server: %v, want a timeout from %s that names the override", err, silent)
	}
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// Each way a server can fail gives its own error, within the timeout.
func TestQueryFailures(t *testing.T) {
	t.Parallel()
	const timeout = 200 * time.Millisecond
	lab := startLab(t)
	silent := startUDP(t, func([]byte) []byte { return nil })
	junk := startUDP(t, func([]byte) []byte { return []byte("HTTP/1.1 400 Bad Request\r\n\r\n") })
	query := startUDP(t, func(p []byte) []byte { return p }) // echoes our query back
	elsewhere := startUDP(t, func(p []byte) []byte {         // right id, other name
		q := new(dns.Msg)
		if q.Unpack(p) != nil {
			return nil
		}
		r := new(dns.Msg)
		r.SetReply(q)
		r.Question[0].Name = "evil.example."
		out, _ := r.Pack()
		return out
	})
	tests := []struct {
		desc   string
		server string
		name   string
		kind   error
		says   []string
	}{
		{"nothing listening", deadUDP(t), "app.acme.example", ErrDNSUnreachable,
			[]string{"could not be reached", `"app.acme.example A"`, "is it running", "Check network.resolvers or --resolver"}},
		{"silent server", silent, "app.acme.example", ErrDNSTimeout,
			[]string{"did not answer", "within 200ms", "Check network.resolvers or --resolver"}},
		{"garbage bytes", junk, "app.acme.example", ErrMalformed,
			[]string{"with a packet that is not valid DNS", "really a DNS server"}},
		{"our query echoed", query, "app.acme.example", ErrMalformed,
			[]string{"not valid DNS", "a query, not an answer"}},
		{"answer to another question", elsewhere, "app.acme.example", ErrWrongQuestion,
			[]string{`answered a different question ("evil.example A") when asked "app.acme.example A"`}},
		{"wrong id over UDP", lab, "wrongid.acme.example", dns.ErrId,
			[]string{"wrong message id", "sent ", "not used"}},
		{"wrong id over TCP", lab, "wrongid-tcp.acme.example", dns.ErrId,
			[]string{"truncated", "over TCP", "wrong message id"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			n := newNet(t, Config{Resolvers: []string{tt.server}, DNSTimeout: timeout})
			start := time.Now()
			a, err := n.Query(bounded(t), tt.name, dns.TypeA)
			if took := time.Since(start); took > timeout+500*time.Millisecond {
				t.Errorf("took %s, want about %s at most", took, timeout)
			}
			if err == nil {
				t.Fatalf("no error; answer:\n%v", a.Msg)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %q is not %v", err, tt.kind)
			}
			var se *ServerError
			if !errors.As(err, &se) || se.Server != tt.server {
				t.Errorf("error %#v does not name server %s", err, tt.server)
			}
			mustContain(t, err, tt.says...)
			// A server that did not answer may be waiting on a slow upstream; one that
			// answered nonsense is broken itself.
			if garbage := tt.kind != ErrDNSTimeout && tt.kind != ErrDNSUnreachable; IsGarbage(err) != garbage {
				t.Errorf("IsGarbage(%q) = %t, want %t", err, !garbage, garbage)
			}
			t.Log(err) // read these: they are what an operator sees
		})
	}
}

func TestQueryFailover(t *testing.T) {
	t.Parallel()
	lab := startLab(t)
	dead := deadUDP(t)
	t.Run("first dead, second answers", func(t *testing.T) {
		t.Parallel()
		n := newNet(t, Config{Resolvers: []string{dead, lab}, DNSTimeout: 200 * time.Millisecond})
		a, err := n.Query(bounded(t), "app.acme.example", dns.TypeA)
		if err != nil {
			t.Fatal(err)
		}
		if a.Server != lab {
			t.Errorf("answered by %s, want %s", a.Server, lab)
		}
	})
	t.Run("SERVFAIL from the only other server is the answer", func(t *testing.T) {
		t.Parallel()
		n := newNet(t, Config{Resolvers: []string{dead, lab}, DNSTimeout: 200 * time.Millisecond})
		a, err := n.Query(bounded(t), "servfail.acme.example", dns.TypeA)
		if err != nil || a.Msg.Rcode != dns.RcodeServerFailure {
			t.Fatalf("got %v, %v; want a SERVFAIL answer", a, err)
		}
	})
	t.Run("SERVFAIL, then a good answer, skips the SERVFAIL", func(t *testing.T) {
		t.Parallel()
		broken := startDNS(t, dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
			m := new(dns.Msg)
			m.SetRcode(r, dns.RcodeServerFailure)
			_ = w.WriteMsg(m)
		}))
		n := newNet(t, Config{Resolvers: []string{broken, lab}})
		a, err := n.Query(bounded(t), "app.acme.example", dns.TypeA)
		if err != nil || a.Server != lab || a.Msg.Rcode != dns.RcodeSuccess {
			t.Fatalf("got %+v, %v; want NOERROR from %s", a, err, lab)
		}
	})
	t.Run("all dead names every server", func(t *testing.T) {
		t.Parallel()
		other := deadUDP(t)
		n := newNet(t, Config{Resolvers: []string{dead, other}, DNSTimeout: 200 * time.Millisecond})
		_, err := n.Query(bounded(t), "app.acme.example", dns.TypeA)
		mustContain(t, err, "none of the 2 DNS servers answered", dead, other)
		t.Log(err)
		if !errors.Is(err, ErrDNSUnreachable) {
			t.Errorf("%v is not ErrDNSUnreachable", err)
		}
	})
}

func TestQueryContext(t *testing.T) {
	t.Parallel()
	silent := startUDP(t, func([]byte) []byte { return nil })
	n := newNet(t, Config{Resolvers: []string{silent}, DNSTimeout: 10 * time.Second})

	t.Run("cancel ends a blocked read", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := n.Query(ctx, "app.acme.example", dns.TypeA)
		if time.Since(start) > 2*time.Second {
			t.Errorf("cancel took %s to take effect", time.Since(start))
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v is not context.Canceled", err)
		}
		mustContain(t, err, "cancelled")
	})
	t.Run("the check's deadline is shorter than DNSTimeout", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := n.Query(ctx, "app.acme.example", dns.TypeA)
		if !errors.Is(err, ErrDNSTimeout) {
			t.Errorf("error %v is not ErrDNSTimeout", err)
		}
		mustContain(t, err, "did not answer")
	})
}

func TestQueryBadName(t *testing.T) {
	t.Parallel()
	n := newNet(t, Config{Resolvers: []string{"127.0.0.1:1"}})
	for _, name := range []string{"", "a..b", string(make([]byte, 300))} {
		_, err := n.Query(bounded(t), name, dns.TypeA)
		mustContain(t, err, "check the target in launchready.yaml")
	}
}
