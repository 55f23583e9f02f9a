package netx

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Bounds of a zone transfer. A zone transfer streams as much as the server likes, so
// every one is cut at a number of records, a number of bytes and a total time: a hostile
// or enormous zone costs us that much and no more.
const (
	// DefaultTransferRecords is the record limit when the caller gives none.
	DefaultTransferRecords = 10000
	// DefaultTransferTimeout bounds a whole transfer when the context allows longer;
	// each read also gets the DNS timeout, so a server that goes quiet is dropped sooner.
	DefaultTransferTimeout = 30 * time.Second
	// transferMaxBytes bounds the bytes read, whatever the records: 10,000 records of
	// 64 KiB messages could otherwise be hundreds of megabytes.
	transferMaxBytes = 32 << 20
)

// ErrNoTransfer: the server answered the transfer request, but not with the zone (it
// closed the connection, or answered without the zone's SOA). Many servers refuse this
// way instead of with REFUSED.
var ErrNoTransfer = errors.New("the server did not transfer the zone")

// ZoneTransfer is what an AXFR brought back. Refusals by rcode are answers, not Go
// errors, as with Query: Rcode says which.
type ZoneTransfer struct {
	Zone   string // fully qualified
	Server string // "ip:port" connected to, after network.connect_to
	// Rcode is the first message's rcode: anything but NOERROR (REFUSED, NOTAUTH) is a
	// refusal and Records is empty.
	Rcode int
	// Records are the zone's records in the order sent, starting with its SOA; the
	// closing SOA is left out.
	Records []dns.RR
	// Complete is true when the closing SOA arrived: the zone is all here.
	Complete bool
	// Cut is true when the transfer was stopped at the record or byte limit.
	Cut      bool
	Messages int
	Bytes    int
}

// Transfer asks server for a full transfer (AXFR) of zone over TCP, through DialContext,
// so network.connect_to sends "ns1.acme.example:53" where the operator said. server is
// "host:port" or a bare host (port 53). At most maxRecords records are kept (0 means
// DefaultTransferRecords); past that the transfer is stopped and Cut set. Each read is
// bounded by the DNS timeout and the whole by ctx and DefaultTransferTimeout.
//
// On an error midway the records received so far come back with the error.
func (n *Net) Transfer(ctx context.Context, server, zone string, maxRecords int) (*ZoneTransfer, error) {
	if maxRecords <= 0 {
		maxRecords = DefaultTransferRecords
	}
	if _, ok := dns.IsDomainName(zone); !ok || zone == "" {
		return nil, fmt.Errorf("%q is not a valid zone name: give the domain's apex, e.g. acme.example", zone)
	}
	fq := dns.Fqdn(strings.ToLower(zone))
	if _, _, err := net.SplitHostPort(server); err != nil {
		server = net.JoinHostPort(server, "53")
	}
	q := new(dns.Msg)
	q.SetAxfr(fq)
	q.Id = dns.Id()
	wire, err := q.Pack()
	if err != nil {
		return nil, fmt.Errorf("could not build the transfer request for %s: %w", zone, err)
	}
	question := strings.TrimSuffix(fq, ".") + " AXFR"

	ctx, cancel := context.WithTimeout(ctx, DefaultTransferTimeout)
	defer cancel()
	conn, err := n.DialContext(ctx, "tcp", server)
	if err != nil {
		return nil, fmt.Errorf("zone transfer of %s: %w", strings.TrimSuffix(fq, "."), err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	zt := &ZoneTransfer{Zone: fq, Server: conn.RemoteAddr().String()}
	fail := func(kind, err error, within time.Duration) error {
		if errors.Is(ctx.Err(), context.Canceled) {
			kind = context.Canceled
		}
		return &ServerError{Server: zt.Server, Question: question, Within: within, Kind: kind, Err: err}
	}
	readFail := func(err error, within time.Duration) error {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() || ctx.Err() != nil {
			if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl.Add(-10*time.Millisecond)) {
				within = time.Until(dl) // the whole transfer's time ran out
			}
			return fail(ErrDNSTimeout, err, within)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			if zt.Messages == 0 {
				return fail(ErrNoTransfer, errors.New("it closed the connection without answering, which is how some servers refuse a transfer"), within)
			}
			return fail(ErrMalformed, fmt.Errorf("the connection closed in the middle of the transfer, after %d records", len(zt.Records)), within)
		}
		return fail(nil, err, within)
	}

	out := make([]byte, 2+len(wire))
	binary.BigEndian.PutUint16(out, uint16(len(wire)))
	copy(out[2:], wire)
	_ = conn.SetWriteDeadline(time.Now().Add(n.dnsTimeout))
	if _, err := conn.Write(out); err != nil {
		return nil, readFail(err, n.dnsTimeout)
	}
	var l [2]byte
	var buf []byte
	for {
		_ = conn.SetReadDeadline(time.Now().Add(n.dnsTimeout))
		if _, err := io.ReadFull(conn, l[:]); err != nil {
			return zt, readFail(err, n.dnsTimeout)
		}
		size := int(binary.BigEndian.Uint16(l[:]))
		if zt.Bytes+size > transferMaxBytes {
			zt.Cut = true
			return zt, nil
		}
		if cap(buf) < size {
			buf = make([]byte, size) // one buffer for the whole stream: Unpack copies out of it
		}
		buf = buf[:size]
		if _, err := io.ReadFull(conn, buf); err != nil {
			return zt, readFail(err, n.dnsTimeout)
		}
		zt.Bytes += 2 + size
		m := new(dns.Msg)
		if err := m.Unpack(buf); err != nil {
			return zt, fail(ErrMalformed, err, n.dnsTimeout)
		}
		if !m.Response || m.Id != q.Id {
			return zt, fail(ErrMalformed, fmt.Errorf("message %d is not the answer to our request (id %d, want %d)", zt.Messages+1, m.Id, q.Id), n.dnsTimeout)
		}
		zt.Messages++
		if m.Rcode != dns.RcodeSuccess {
			if zt.Messages == 1 {
				zt.Rcode = m.Rcode
				return zt, nil
			}
			return zt, fail(ErrMalformed, fmt.Errorf("the transfer failed midway with %s, after %d records", dns.RcodeToString[m.Rcode], len(zt.Records)), n.dnsTimeout)
		}
		for _, rr := range m.Answer {
			soa, isSOA := rr.(*dns.SOA)
			if len(zt.Records) == 0 {
				if !isSOA || !strings.EqualFold(soa.Hdr.Name, fq) {
					return zt, fail(ErrNoTransfer, fmt.Errorf("it answered NOERROR but not with the zone (the first record is %q, not the zone's SOA)", strings.ReplaceAll(rr.String(), "\t", " ")), n.dnsTimeout)
				}
			} else if isSOA && strings.EqualFold(soa.Hdr.Name, fq) {
				zt.Complete = true
				return zt, nil
			}
			if len(zt.Records) >= maxRecords {
				zt.Cut = true
				return zt, nil
			}
			zt.Records = append(zt.Records, rr)
		}
		if len(m.Answer) == 0 && zt.Messages == 1 {
			return zt, fail(ErrNoTransfer, errors.New("it answered NOERROR with no records"), n.dnsTimeout)
		}
	}
}
