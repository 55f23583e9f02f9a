package netx

import (
	"encoding/binary"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// tcpGarbage are the malformed TCP answers a resolver that truncated its UDP answer
// sends; each must end in ErrMalformed (the resolver is broken), never in an answer
// whose made-up rcode or missing records read as a broken site. Exported to the other
// tests of the package through garbageReply.
var tcpGarbage = []struct {
	name string
	make func(q *dns.Msg) []byte
	says string
}{
	{"header cut short", func(q *dns.Msg) []byte { return garbageReply(q, nil)[:7] }, "header"},
	{"header only, promising a question and an answer", func(q *dns.Msg) []byte { return garbageReply(q, nil)[:12] }, "promises 1 question"},
	{"record longer than the message", func(q *dns.Msg) []byte {
		p := garbageReply(q, nil)
		binary.BigEndian.PutUint16(p[len(p)-6:], 0xff) // the A record's rdlength
		return p
	}, "not valid DNS"},
	{"message cut mid-record", func(q *dns.Msg) []byte { p := garbageReply(q, nil); return p[:len(p)-3] }, "not valid DNS"},
	{"rcode 11 (DSOTYPENI) and a cut record", func(q *dns.Msg) []byte {
		p := garbageReply(q, func(m *dns.Msg) { m.Rcode = dns.RcodeStatefulTypeNotImplemented })
		return p[:len(p)-3]
	}, "not valid DNS"},
	{"rcode 11 (DSOTYPENI) in a whole message", func(q *dns.Msg) []byte {
		return garbageReply(q, func(m *dns.Msg) { m.Rcode, m.Truncated = dns.RcodeStatefulTypeNotImplemented, false })
	}, "rcode 11 (DSOTYPENI)"},
	{"rcode 13, which has no name", func(q *dns.Msg) []byte {
		return garbageReply(q, func(m *dns.Msg) { m.Rcode = 13 })
	}, "rcode 13 is"},
	{"rcode 20 (BADNAME) through EDNS", func(q *dns.Msg) []byte {
		return garbageReply(q, func(m *dns.Msg) { m.SetEdns0(4096, false); m.Rcode = dns.RcodeBadName })
	}, "rcode 20 (BADNAME)"},
	{"opcode UPDATE", func(q *dns.Msg) []byte {
		return garbageReply(q, func(m *dns.Msg) { m.Opcode = dns.OpcodeUpdate })
	}, "opcode UPDATE"},
}

// garbageReply is a plausible TCP answer to q (one A record, TC set as if copied from
// the UDP answer), after edit, packed.
func garbageReply(q *dns.Msg, edit func(*dns.Msg)) []byte {
	m := new(dns.Msg)
	m.SetReply(q)
	m.Truncated = true
	m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: q.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(192, 0, 2, 20).To4()}}
	if edit != nil {
		edit(m)
	}
	p, err := m.Pack()
	if err != nil {
		panic("garbageReply: " + err.Error())
	}
	return p
}

// A resolver that truncates over UDP and then answers garbage over TCP is broken: the
// query fails with ErrMalformed, naming the resolver, and the lookups say the resolver
// is down rather than anything about the name.
func TestTruncatedThenGarbageOverTCP(t *testing.T) {
	t.Parallel()
	for _, tt := range tcpGarbage {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			server := startTCGarbage(t, tt.make)
			n := newNet(t, Config{Resolvers: []string{server}, DNSTimeout: 2 * time.Second})
			start := time.Now()
			a, err := n.Query(bounded(t), "app.acme.example", dns.TypeA)
			if err == nil {
				t.Fatalf("no error; rcode %s, answer:\n%v", dns.RcodeToString[a.Msg.Rcode], a.Msg)
			}
			if took := time.Since(start); took > time.Second {
				t.Errorf("took %s: garbage over TCP must fail at once, not time out", took)
			}
			if !errors.Is(err, ErrMalformed) || !IsResolverDown(err) {
				t.Errorf("error %q is not ErrMalformed from the resolver", err)
			}
			mustContain(t, err, server, "over TCP", "not valid DNS", tt.says, "Check network.resolvers or --resolver")
			t.Log(err)

			// The Lookup functions, which SPF, DKIM and DMARC lookups go through, say the
			// same: a temporary failure of the resolver, not "no such record".
			_, err = n.LookupTXT(bounded(t), "acme.example")
			var de *net.DNSError
			if !errors.As(err, &de) || de.IsNotFound || !de.IsTemporary || !IsResolverDown(err) {
				t.Errorf("LookupTXT error %#v: want a temporary *net.DNSError that is IsResolverDown", err)
			}
			if _, err := n.LookupHost(bounded(t), "app.acme.example"); !IsResolverDown(err) || strings.Contains(err.Error(), "DSOTYPENI answers") {
				t.Errorf("LookupHost error %q is not IsResolverDown", err)
			}
		})
	}
}
