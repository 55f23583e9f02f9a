package netx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// tcpGarbage are the malformed TCP answers a resolver that truncated its UDP answer
// sends; each must end in ErrMalformed (the resolver is broken), never in an answer
// whose made-up rcode or missing records read as a broken site. FuzzTCPReply starts
// from them too.
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
			if !errors.Is(err, ErrMalformed) || !IsResolverDown(err) || !IsGarbage(err) {
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

// FuzzTCPReply feeds arbitrary bytes as the TCP stream of a resolver that truncated its
// UDP answer (the length prefix included, so short and overlong prefixes are explored
// too), through a real loopback listener and the whole Query path. Whatever the bytes,
// the query either fails with an error that names the resolver and says it is broken
// (IsResolverDown: "could not run"), or returns a message that parses whole and answers
// the query with an rcode that has a name. With fixID, the stream's message id is set
// to the query's, so the fuzzer gets past the id check.
func FuzzTCPReply(f *testing.F) {
	q := new(dns.Msg)
	q.SetQuestion("app.acme.example.", dns.TypeA)
	framed := func(p []byte) []byte { return binary.BigEndian.AppendUint16(nil, uint16(len(p))) }
	for _, g := range tcpGarbage {
		p := g.make(q)
		f.Add(true, append(framed(p), p...))
	}
	for _, rc := range []int{dns.RcodeSuccess, dns.RcodeNameError, dns.RcodeServerFailure, dns.RcodeRefused} {
		p := garbageReply(q, func(m *dns.Msg) { m.Rcode, m.Truncated = rc, false })
		f.Add(true, append(framed(p), p...))
		f.Add(false, append(framed(p), p...))
	}
	f.Add(true, []byte{})
	f.Add(true, []byte{0})
	f.Add(true, []byte{0, 0})
	f.Add(true, []byte("HTTP/1.1 400 Bad Request\r\n\r\n"))

	srv := startTCPStream(f)
	n := newNet(f, Config{Resolvers: []string{srv.addr}, DNSTimeout: 2 * time.Second})
	f.Fuzz(func(t *testing.T, fixID bool, stream []byte) {
		srv.set(stream, fixID)
		a, err := n.Query(t.Context(), "app.acme.example", dns.TypeA)
		if err != nil {
			var se *ServerError
			if !errors.As(err, &se) || se.Server != srv.addr {
				t.Fatalf("error %q does not name the resolver %s as broken", err, srv.addr)
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, dns.ErrId) && !errors.Is(err, ErrWrongQuestion) {
				t.Fatalf("error %q is not garbage (ErrMalformed, a wrong id or question): a broken stream must fail at once", err)
			}
			return
		}
		id, sent := srv.last()
		m := a.Msg
		if !a.Truncated || !m.Response || m.Id != id || m.Opcode != dns.OpcodeQuery {
			t.Fatalf("accepted a reply that does not answer the query (id %d):\n%v", id, m)
		}
		if dns.RcodeToString[m.Rcode] == "" || !queryRcode(m.Rcode) {
			t.Fatalf("accepted rcode %d (%q):\n%v", m.Rcode, dns.RcodeToString[m.Rcode], m)
		}
		if len(m.Question) > 0 && (m.Question[0].Qtype != dns.TypeA || !sameName(m.Question[0].Name, "app.acme.example.")) {
			t.Fatalf("accepted an answer to another question:\n%v", m)
		}
		if err := new(dns.Msg).Unpack(sent); err != nil {
			t.Fatalf("accepted a message that does not parse whole (%v):\n%v", err, m)
		}
		if counts := [4]int{len(m.Question), len(m.Answer), len(m.Ns), len(m.Extra)}; counts != headerCounts(sent) {
			t.Fatalf("accepted a message holding %v records where its header promises %v:\n%v", counts, headerCounts(sent), m)
		}
	})
}

// tcpStream is a resolver for FuzzTCPReply: over UDP it answers every query with TC set;
// over TCP it writes the stream set last, then closes the connection.
type tcpStream struct {
	addr   string
	mu     sync.Mutex
	stream []byte
	fixID  bool
	id     uint16 // the id of the last TCP query
	sent   []byte // the message the last stream framed, after fixID
}

func (s *tcpStream) set(stream []byte, fixID bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stream, s.fixID, s.sent = stream, fixID, nil
}

func (s *tcpStream) last() (uint16, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.id, s.sent
}

func startTCPStream(t testing.TB) *tcpStream {
	t.Helper()
	s := &tcpStream{}
	s.addr = startUDP(t, func(p []byte) []byte {
		q := new(dns.Msg)
		if q.Unpack(p) != nil {
			return nil
		}
		m := new(dns.Msg)
		m.SetReply(q)
		m.Truncated = true
		out, _ := m.Pack()
		return out
	})
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		t.Skipf("the UDP port %s is taken for TCP: %v", s.addr, err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *tcpStream) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	var l [2]byte
	if _, err := io.ReadFull(c, l[:]); err != nil {
		return
	}
	q := make([]byte, binary.BigEndian.Uint16(l[:]))
	if _, err := io.ReadFull(c, q); err != nil || len(q) < 2 {
		return
	}
	s.mu.Lock()
	out := bytes.Clone(s.stream)
	if s.fixID && len(out) >= 4 {
		copy(out[2:4], q[:2])
	}
	s.id = binary.BigEndian.Uint16(q)
	if len(out) >= 2 {
		s.sent = out[2:min(len(out), 2+int(binary.BigEndian.Uint16(out)))]
	}
	s.mu.Unlock()
	_, _ = c.Write(out)
}

// headerCounts are the section counts a packed message's header promises.
func headerCounts(p []byte) [4]int {
	var c [4]int
	for i := range c {
		if off := 4 + 2*i; off+2 <= len(p) {
			c[i] = int(binary.BigEndian.Uint16(p[off:]))
		}
	}
	return c
}
