package netx

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"time"

	"github.com/miekg/dns"
)

// Answer is one DNS response as probes need it: not just addresses but the
// rcode, every section, the AD bit and TTLs, and who answered how fast.
type Answer struct {
	Name   string // the name asked, fully qualified
	Qtype  uint16
	Server string        // "ip:port" of the server that answered
	Msg    *dns.Msg      // the full response
	RTT    time.Duration // from the first packet sent to the answer, including a TCP retry
	// Truncated is true when the UDP answer was truncated and Msg is the
	// full answer from the retry over TCP. Large TXT sets (SPF, DKIM keys)
	// do this; a server that cannot do TCP breaks them for some clients.
	Truncated bool
	// Size is the length in bytes of Msg as it arrived: the UDP datagram, or the TCP
	// message (without its two-byte length prefix) after a truncated UDP answer. It is
	// measured, not recomputed: Msg.Len() of an unpacked message counts every name
	// uncompressed (dns.Msg.Compress is false after Unpack), which overstates an answer
	// of many records by the names the server compressed.
	Size int
}

// QueryOption adjusts a query before it is sent.
type QueryOption func(*dns.Msg)

// WithDNSSEC sets the DO bit, so a validating resolver returns RRSIGs and
// the AD bit is meaningful. Off by default: it makes answers bigger.
func WithDNSSEC() QueryOption {
	return func(m *dns.Msg) { m.IsEdns0().SetDo() }
}

// ednsSize is the UDP buffer we advertise and read with: large enough for
// most SPF and DKIM answers, small enough to avoid fragmentation trouble.
const ednsSize = dns.DefaultMsgSize

// Query asks the configured resolvers, in order, with recursion desired.
// A server that fails to answer, or answers SERVFAIL or REFUSED while
// others remain, is skipped for the next one. SERVFAIL and REFUSED are not
// Go errors here: they are answers, in Msg.Rcode, which a DNS probe wants
// to report as such.
func (n *Net) Query(ctx context.Context, name string, qtype uint16, opts ...QueryOption) (*Answer, error) {
	m, err := newQuery(name, qtype, true, opts)
	if err != nil {
		return nil, err
	}
	var errs []error
	var failed *Answer // the first SERVFAIL/REFUSED, if nobody does better
	for i, server := range n.resolvers {
		if ctx.Err() != nil {
			break
		}
		a, err := n.ask(ctx, server, m, n.resolvHint)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rc := a.Msg.Rcode
		if (rc == dns.RcodeServerFailure || rc == dns.RcodeRefused) && i < len(n.resolvers)-1 {
			if failed == nil {
				failed = a
			}
			continue
		}
		return a, nil
	}
	if failed != nil {
		return failed, nil
	}
	switch {
	case len(errs) == 1:
		return nil, errs[0]
	case len(errs) > 1:
		return nil, &allFailedError{question: questionString(m), errs: errs}
	}
	return nil, fmt.Errorf("DNS query %q was not sent: %w", questionString(m), ctx.Err())
}

// QueryServer asks one server directly, without recursion, as an
// authoritative check does ("do all NS agree?"). server is "ip:port", a
// bare IP (port 53), or a name such as an NS target, which is resolved
// through the configured resolvers first.
//
// network.connect_to applies here as it does to dials: "ns1.acme.example:53"
// (or a literal "192.0.2.1:53") mapped to another address sends the query
// there. That is how the lab and tests, whose servers listen on random
// loopback ports, stand in for a zone's nameservers on port 53.
func (n *Net) QueryServer(ctx context.Context, server, name string, qtype uint16, opts ...QueryOption) (*Answer, error) {
	m, err := newQuery(name, qtype, false, opts)
	if err != nil {
		return nil, err
	}
	addrs, via, err := n.serverAddrs(ctx, server)
	if err != nil {
		return nil, err
	}
	hint := "It was asked directly (recursion off), as an authoritative server: is it reachable from here, and does it serve this zone?"
	if via != "" {
		hint = fmt.Sprintf("It was asked directly (recursion off) as %s, sent to %s by network.connect_to: is that override still right, and does the server serve this zone?", server, via)
	}
	var errs []error
	for _, addr := range addrs {
		a, err := n.ask(ctx, addr, m, hint)
		if err == nil {
			return a, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	if len(errs) == 1 {
		return nil, errs[0]
	}
	return nil, &allFailedError{question: questionString(m), errs: errs}
}

// serverAddrs turns QueryServer's server argument into "ip:port"s, after
// network.connect_to; via is the override used, if any.
func (n *Net) serverAddrs(ctx context.Context, server string) (addrs []string, via string, err error) {
	host, port := server, "53"
	if h, p, err := net.SplitHostPort(server); err == nil {
		host, port = h, p
	}
	if _, err := parsePort(port); err != nil {
		return nil, "", fmt.Errorf("DNS server %q: %v", server, err)
	}
	if to, ok := n.connectTo[net.JoinHostPort(normHost(host), port)]; ok {
		via = to
		host, port, _ = net.SplitHostPort(to) // checked by New
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return []string{net.JoinHostPort(ip.String(), port)}, via, nil
	}
	ips, err := n.LookupHost(ctx, host)
	if err != nil {
		if via != "" {
			return nil, via, fmt.Errorf("could not find the address of DNS server %q (network.connect_to sends %s there): %w", host, server, err)
		}
		return nil, "", fmt.Errorf("could not find the address of DNS server %q: %w", host, err)
	}
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = net.JoinHostPort(ip.String(), port)
	}
	return out, via, nil
}

func newQuery(name string, qtype uint16, recurse bool, opts []QueryOption) (*dns.Msg, error) {
	fq, err := fqdn(name)
	if err != nil {
		return nil, err
	}
	m := new(dns.Msg)
	m.SetQuestion(fq, qtype)
	m.RecursionDesired = recurse
	m.SetEdns0(ednsSize, false)
	for _, o := range opts {
		o(m)
	}
	return m, nil
}

// fqdn checks a name and makes it fully qualified and lower-case, so
// chains compare and error messages read the same however it was typed.
func fqdn(name string) (string, error) {
	if name == "" {
		return "", errors.New("DNS name is empty: check the target in launchready.yaml")
	}
	if _, ok := dns.IsDomainName(name); !ok {
		return "", fmt.Errorf("%q is not a valid DNS name (labels of at most 63 characters, 255 in all): check the target in launchready.yaml", name)
	}
	return dns.Fqdn(strings.ToLower(name)), nil
}

// ask sends m to one server over UDP, retrying over TCP if the answer was
// truncated.
func (n *Net) ask(ctx context.Context, server string, m *dns.Msg, hint string) (*Answer, error) {
	start := time.Now()
	resp, size, err := n.exchange(ctx, "udp", server, m, hint)
	if err != nil {
		return nil, err
	}
	a := &Answer{Name: m.Question[0].Name, Qtype: m.Question[0].Qtype, Server: server, Msg: resp, Size: size}
	if resp.Truncated {
		a.Truncated = true
		a.Msg, a.Size, err = n.exchange(ctx, "tcp", server, m, hint)
		if err != nil {
			return nil, fmt.Errorf("the UDP answer was truncated, so we asked again over TCP: %w", err)
		}
	}
	a.RTT = time.Since(start)
	return a, nil
}

// exchange is one query to one server over one transport. It is ours
// rather than dns.Client's for three reasons: dns.Client silently skips
// UDP replies with the wrong id and so reports a plain timeout; it obeys
// only the context's deadline, not its cancellation; and it cannot tell an
// operator which of timeout, refusal or garbage happened.
// It returns the answer and its size on the wire.
func (n *Net) exchange(ctx context.Context, network, server string, m *dns.Msg, hint string) (*dns.Msg, int, error) {
	within := n.dnsTimeout
	deadline := time.Now().Add(within)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline, within = dl, time.Until(dl).Round(time.Millisecond)
	}
	// The query's own sockets must not report to an HTTP request's trace (httptrace
	// hooks travel in the context): they are not the connection being timed, and
	// LookupHost's parallel A and AAAA queries would call them concurrently.
	actx, cancel := context.WithDeadline(detach(ctx), deadline)
	defer cancel()

	fail := func(kind, err error) *ServerError {
		if errors.Is(ctx.Err(), context.Canceled) {
			kind = context.Canceled
		}
		return &ServerError{Server: server, Question: questionString(m), Within: within, Kind: kind, Err: err, Hint: hint}
	}
	classify := func(err error) *ServerError {
		var ne net.Error
		switch {
		case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
			return fail(ErrDNSTimeout, err)
		case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
			return fail(ErrDNSUnreachable, err)
		}
		return fail(nil, err)
	}

	m.Id = dns.Id()
	wire, err := m.Pack()
	if err != nil {
		return nil, 0, fmt.Errorf("could not build the DNS query %q: %w", questionString(m), err)
	}
	var d net.Dialer
	conn, err := d.DialContext(actx, network, server)
	if err != nil {
		return nil, 0, classify(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(deadline)
	// Cancellation, not only the deadline, must end a blocked read.
	stop := context.AfterFunc(actx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if network == "tcp" {
		return readTCP(conn, wire, m, fail, classify)
	}
	if _, err := conn.Write(wire); err != nil {
		return nil, 0, classify(err)
	}
	// Over UDP anyone can send us a packet. Like Go's own resolver we skip
	// what does not match and keep listening until the deadline; but we
	// remember what we skipped, so the timeout says why.
	var rejected *ServerError
	buf := make([]byte, ednsSize)
	for {
		nr, err := conn.Read(buf)
		if err != nil {
			if rejected != nil && !errors.Is(ctx.Err(), context.Canceled) {
				return nil, 0, rejected
			}
			return nil, 0, classify(err)
		}
		resp, bad := check(buf[:nr], m, true, fail)
		if bad == nil {
			return resp, nr, nil
		}
		if rejected == nil {
			rejected = bad
		}
	}
}

// readTCP sends and reads one length-prefixed message. On a TCP
// connection only the server can answer, so a wrong id is an error at once.
func readTCP(conn net.Conn, wire []byte, m *dns.Msg, fail func(kind, err error) *ServerError, classify func(error) *ServerError) (*dns.Msg, int, error) {
	out := make([]byte, 2+len(wire))
	binary.BigEndian.PutUint16(out, uint16(len(wire)))
	copy(out[2:], wire)
	if _, err := conn.Write(out); err != nil {
		return nil, 0, classify(err)
	}
	var l [2]byte
	if _, err := io.ReadFull(conn, l[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, 0, fail(ErrMalformed, errors.New("the server closed the TCP connection without answering"))
		}
		return nil, 0, classify(err)
	}
	p := make([]byte, binary.BigEndian.Uint16(l[:]))
	if _, err := io.ReadFull(conn, p); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, 0, fail(ErrMalformed, fmt.Errorf("the TCP answer ended early (%d bytes announced)", len(p)))
		}
		return nil, 0, classify(err)
	}
	resp, bad := check(p, m, false, fail)
	if bad != nil {
		return nil, 0, bad
	}
	return resp, len(p), nil
}

// check parses a reply and makes sure it answers m. Over UDP, a truncated reply is
// accepted once its header matches, even when it does not parse to the end: the caller
// only reads its TC bit and asks again over TCP. Over TCP nothing comes after, so the
// reply must be whole and sound (see sound): a half-parsed message carries whatever
// rcode its garbled header held and none of the records it promised, and the probes
// would report a broken resolver as a site that does not resolve.
func check(p []byte, m *dns.Msg, overUDP bool, fail func(kind, err error) *ServerError) (*dns.Msg, *ServerError) {
	resp := new(dns.Msg)
	if err := resp.Unpack(p); err != nil {
		if overUDP && len(p) >= 12 && resp.Id == m.Id && resp.Response && resp.Truncated {
			return resp, nil
		}
		return nil, fail(ErrMalformed, err)
	}
	if !resp.Response {
		return nil, fail(ErrMalformed, errors.New("the packet is a query, not an answer"))
	}
	if resp.Id != m.Id {
		se := fail(dns.ErrId, dns.ErrId)
		se.Got = fmt.Sprintf("sent %d, got %d", m.Id, resp.Id)
		return nil, se
	}
	if len(resp.Question) > 0 { // some servers drop it, e.g. on REFUSED
		q, a := m.Question[0], resp.Question[0]
		if len(resp.Question) != 1 || a.Qtype != q.Qtype || a.Qclass != q.Qclass || !sameName(a.Name, q.Name) {
			se := fail(ErrWrongQuestion, ErrWrongQuestion)
			se.Got = fmt.Sprintf("%q", trimDot(a.Name)+" "+dns.TypeToString[a.Qtype])
			return nil, se
		}
	}
	if overUDP && resp.Truncated {
		return resp, nil // only its TC bit is used: the TCP answer is judged on its own
	}
	if err := sound(p, resp, m); err != nil {
		return nil, fail(ErrMalformed, err)
	}
	return resp, nil
}

// sound checks what Unpack lets through but no server sends in answer to a query: an
// opcode other than the query's, an rcode that does not answer a query (11 DSOTYPENI
// belongs to DSO sessions, 12 to 15 are unassigned, the TSIG and TKEY codes need a TSIG
// we never send), and a header whose counts promise records the message does not hold
// (Unpack accepts a bare header whatever its counts say). Such a reply is garbage from
// the resolver, not news about the name.
func sound(p []byte, resp, m *dns.Msg) error {
	if resp.Opcode != m.Opcode {
		return fmt.Errorf("its opcode %s is not the query's %s", opcodeName(resp.Opcode), opcodeName(m.Opcode))
	}
	if !queryRcode(resp.Rcode) {
		if name := dns.RcodeToString[resp.Rcode]; name != "" {
			return fmt.Errorf("rcode %d (%s) is not an answer to a query", resp.Rcode, name)
		}
		return fmt.Errorf("rcode %d is not a DNS rcode", resp.Rcode)
	}
	want := [4]int{int(binary.BigEndian.Uint16(p[4:])), int(binary.BigEndian.Uint16(p[6:])), int(binary.BigEndian.Uint16(p[8:])), int(binary.BigEndian.Uint16(p[10:]))}
	got := [4]int{len(resp.Question), len(resp.Answer), len(resp.Ns), len(resp.Extra)}
	if want != got {
		return fmt.Errorf("the header promises %d question, %d answer, %d authority and %d additional records; the message holds %d, %d, %d and %d",
			want[0], want[1], want[2], want[3], got[0], got[1], got[2], got[3])
	}
	return nil
}

// queryRcode says whether rc is an rcode a server may answer a query with: the RFC 1035
// and 2136 codes (0 to 10), BADVERS (16, RFC 6891) and BADCOOKIE (23, RFC 7873).
func queryRcode(rc int) bool {
	return rc >= dns.RcodeSuccess && rc <= dns.RcodeNotZone || rc == dns.RcodeBadVers || rc == dns.RcodeBadCookie
}

func opcodeName(op int) string {
	if s, ok := dns.OpcodeToString[op]; ok {
		return s
	}
	return fmt.Sprint(op)
}

// sameName compares two names as DNS does: case-insensitively, on the wire. The
// presentation forms can differ for the same name: a query built from a name holding a
// space or another special character comes back escaped ("a\\ b") in the answer.
func sameName(a, b string) bool {
	if strings.EqualFold(a, b) {
		return true
	}
	return strings.EqualFold(wireName(a), wireName(b))
}

// wireName is a name packed and unpacked again, which normalises its escapes.
func wireName(n string) string {
	buf := make([]byte, 256)
	off, err := dns.PackDomainName(dns.Fqdn(n), buf, 0, nil, false)
	if err != nil {
		return n
	}
	out, _, err := dns.UnpackDomainName(buf[:off], 0)
	if err != nil {
		return n
	}
	return out
}

// questionString renders a question as an operator would type it to dig.
func questionString(m *dns.Msg) string {
	if len(m.Question) == 0 {
		return "?"
	}
	q := m.Question[0]
	return trimDot(q.Name) + " " + dns.TypeToString[q.Qtype]
}

// detach returns a context with ctx's cancellation but none of its values, so tracing
// hooks stay with the connection they were set for.
func detach(ctx context.Context) context.Context {
	d, cancel := context.WithCancel(context.Background())
	context.AfterFunc(ctx, cancel)
	return d
}
