package dnscheck

import (
	"encoding/binary"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// tcGarbage is a resolver that answers every query over UDP with TC set and over TCP
// with the bytes tcp makes of the query: the audit's broken resolver.
func tcGarbage(t testing.TB, tcp func(q *dns.Msg) []byte) string {
	t.Helper()
	return serveDNS(t, handlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
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

// tcReply is an answer to q holding one A record, with TC set (copied from the UDP
// answer), after edit, packed.
func tcReply(q *dns.Msg, edit func(*dns.Msg)) []byte {
	m := new(dns.Msg)
	m.SetReply(q)
	m.Truncated = true
	m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: q.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(192, 0, 2, 20).To4()}}
	if edit != nil {
		edit(m)
	}
	p, err := m.Pack()
	if err != nil {
		panic(err)
	}
	return p
}

// A resolver that truncates over UDP and then sends garbage over TCP says nothing about
// the site: every DNS check could not run, naming the resolver, and none reports the
// site as down (the audit saw "App lookups fail: ... answers DSOTYPENI" and "fails to
// resolve: NS lookups answer" with an empty rcode name).
func TestTruncatedThenGarbageResolver(t *testing.T) {
	t.Parallel()
	garbage := []struct {
		name string
		tcp  func(q *dns.Msg) []byte
	}{
		{"rcode 11 (DSOTYPENI) and a cut record", func(q *dns.Msg) []byte {
			p := tcReply(q, func(m *dns.Msg) { m.Rcode = dns.RcodeStatefulTypeNotImplemented })
			return p[:len(p)-3]
		}},
		{"rcode 13, which has no name", func(q *dns.Msg) []byte {
			return tcReply(q, func(m *dns.Msg) { m.Rcode = 13; m.Truncated = false })
		}},
		{"record longer than the message", func(q *dns.Msg) []byte {
			p := tcReply(q, nil)
			binary.BigEndian.PutUint16(p[len(p)-6:], 0xff) // the A record's rdlength
			return p
		}},
		{"header only, promising records", func(q *dns.Msg) []byte { return tcReply(q, nil)[:12] }},
		{"header cut short", func(q *dns.Msg) []byte { return tcReply(q, nil)[:7] }},
	}
	const cfg = "domain: acme.example\ncanonical_url: https://app.acme.example/\nenvironment: production\nhosts:\n  - {name: app.acme.example, role: app, a: [192.0.2.20]}\n"
	for _, g := range garbage {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			resolver := tcGarbage(t, g.tcp)
			e := testEnv(t, cfg, netx.Config{Resolvers: []string{resolver}, DNSTimeout: 300 * time.Millisecond})
			res := sweep(t, e, 3*time.Second)
			for _, check := range []string{"dns app.acme.example", "dns zone acme.example"} {
				if _, ok := res[check]; !ok {
					t.Fatalf("no %q check among %d results", check, len(res))
				}
			}
			for name, r := range res {
				if len(r.Findings) > 0 || r.Status != probes.StatusError {
					t.Errorf("%s: status %s, findings %s (error %q): want could not run, no findings", name, r.Status, ids(r), r.Err)
				}
				for _, want := range []string{resolver, "not valid DNS"} {
					if !strings.Contains(r.Err, want) {
						t.Errorf("%s: error %q does not say %q", name, r.Err, want)
					}
				}
			}
			t.Log(res["dns app.acme.example"].Err)
		})
	}
}
