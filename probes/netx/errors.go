package netx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/miekg/dns"
)

// Kinds of failure, for errors.Is. Probes turn some of them into findings
// (a name that does not exist is a dangling CNAME or a missing record) and
// others into "could not run" (the resolver is down).
var (
	// ErrNXDOMAIN: the name (or the end of its CNAME chain) does not exist.
	ErrNXDOMAIN = errors.New("no such name (NXDOMAIN)")
	// ErrNoRecords: the name exists but has no records of the asked type
	// (NOERROR with an empty answer, "NODATA"). Not the same as NXDOMAIN:
	// an apex with MX but no A is fine, a typo is not.
	ErrNoRecords = errors.New("no records of that type (NODATA)")
	// ErrRcode: the server answered with an error code such as SERVFAIL or
	// REFUSED. Query returns those answers; the Lookup functions fail.
	ErrRcode = errors.New("DNS server answered with an error code")
	// ErrCNAMELoop: following CNAMEs came back to a name already seen.
	ErrCNAMELoop = errors.New("CNAME loop")
	// ErrCNAMEChainTooLong: more than MaxCNAMEHops CNAMEs in a row.
	ErrCNAMEChainTooLong = errors.New("CNAME chain too long")

	// ErrDNSTimeout: a server sent no usable answer within the timeout.
	ErrDNSTimeout = errors.New("DNS server did not answer in time")
	// ErrDNSUnreachable: the query could not be delivered (connection
	// refused, ICMP port unreachable, no route).
	ErrDNSUnreachable = errors.New("DNS server unreachable")
	// ErrMalformed: the server answered with bytes that are not DNS.
	ErrMalformed = errors.New("answered with a packet that is not valid DNS")
	// ErrWrongQuestion: the answer was for a question we did not ask.
	ErrWrongQuestion = errors.New("answer is for a different question")
	// A reply with the wrong message id matches dns.ErrId.
)

// MaxCNAMEHops bounds CNAME chains, as resolvers do, so a loop or a long
// chain ends in an error rather than a hang.
const MaxCNAMEHops = 10

// ServerError is one DNS server failing to give a usable answer. It names
// the server and the question so the operator knows which box to look at.
type ServerError struct {
	Server   string        // "ip:port"
	Question string        // e.g. "app.acme.example A"
	Within   time.Duration // the time the attempt had
	Kind     error         // ErrDNSTimeout, ErrDNSUnreachable, ErrMalformed, ErrWrongQuestion, dns.ErrId, context.Canceled or nil
	Err      error         // the underlying error
	Hint     string        // where to fix it, e.g. "Check network.resolvers or --resolver"
	// Got describes a rejected reply (wrong id or question), if any.
	Got string
}

func (e *ServerError) Error() string { return e.message(true) }

// message is the error with or without the hint, so a list of failed
// servers can give the hint once.
func (e *ServerError) message(hint bool) string {
	var b strings.Builder
	switch e.Kind {
	case ErrDNSTimeout:
		fmt.Fprintf(&b, "DNS server %s did not answer %q within %s: is it running and reachable?", e.Server, e.Question, e.Within)
	case ErrDNSUnreachable:
		fmt.Fprintf(&b, "DNS server %s could not be reached for %q: %s: is it running, on that port?", e.Server, e.Question, unreachableReason(e.Err))
	case ErrMalformed:
		fmt.Fprintf(&b, "DNS server %s answered %q with a packet that is not valid DNS (%v): is that address really a DNS server?", e.Server, e.Question, e.Err)
	case dns.ErrId:
		fmt.Fprintf(&b, "DNS server %s answered %q with the wrong message id (%s): a broken server or middlebox, or a spoofing attempt; the answer was not used.", e.Server, e.Question, e.Got)
	case ErrWrongQuestion:
		fmt.Fprintf(&b, "DNS server %s answered a different question (%s) when asked %q: a broken server or middlebox; the answer was not used.", e.Server, e.Got, e.Question)
	case context.Canceled:
		fmt.Fprintf(&b, "DNS query %q to %s was cancelled before it answered", e.Question, e.Server)
		return b.String()
	default:
		fmt.Fprintf(&b, "could not ask DNS server %s for %q: %v.", e.Server, e.Question, e.Err)
	}
	if hint && e.Hint != "" {
		b.WriteString(" ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Unwrap lets errors.Is match both the kind (ErrDNSTimeout) and the cause
// (os.ErrDeadlineExceeded, syscall.ECONNREFUSED).
func (e *ServerError) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// Timeout reports whether the server simply did not answer in time.
func (e *ServerError) Timeout() bool { return e.Kind == ErrDNSTimeout }

// allFailedError is every configured resolver failing; it keeps each
// server's own reason, since the fix may differ per server.
type allFailedError struct {
	question string
	errs     []error
}

func (e *allFailedError) Error() string {
	parts := make([]string, len(e.errs))
	hint := ""
	for i, err := range e.errs {
		var se *ServerError
		if errors.As(err, &se) && (hint == "" || hint == se.Hint) {
			hint = se.Hint
			parts[i] = strings.Replace(err.Error(), se.Error(), se.message(false), 1)
			continue
		}
		parts[i] = err.Error()
	}
	msg := fmt.Sprintf("none of the %d DNS servers answered %q: %s", len(e.errs), e.question, strings.Join(parts, "; "))
	if hint != "" {
		msg += ". " + hint
	}
	return msg
}

// unreachableReason turns a socket error into words, keeping the system's
// own phrase in brackets for searching.
func unreachableReason(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "nothing is listening on that port (connection refused)"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "there is no route to it from here (" + err.Error() + ")"
	}
	return err.Error()
}

func (e *allFailedError) Unwrap() []error { return e.errs }

// LookupError is a valid DNS answer that gives a Lookup function nothing to
// use: the name does not exist, has no such records, the server answered
// with an error code, or the CNAME chain is broken. Chain carries the
// CNAMEs followed, so a dangling CNAME can name its missing target.
type LookupError struct {
	Name   string   // the name asked for, fully qualified
	Qtype  uint16   // the type asked for; 0 means A and AAAA (LookupHost)
	Server string   // the server whose answer this is
	Rcode  int      // the answer's rcode
	Chain  []string // Name, then each CNAME target followed
	Kind   error    // ErrNXDOMAIN, ErrNoRecords, ErrRcode, ErrCNAMELoop or ErrCNAMEChainTooLong
}

func (e *LookupError) Error() string { return "lookup " + trimDot(e.Name) + ": " + e.detail() }

func (e *LookupError) Unwrap() error { return e.Kind }

// detail is the message without the "lookup NAME:" prefix, which
// net.DNSError adds itself.
func (e *LookupError) detail() string {
	end := e.Name
	if len(e.Chain) > 0 {
		end = e.Chain[len(e.Chain)-1]
	}
	cname := end != e.Name
	switch e.Kind {
	case ErrNXDOMAIN:
		if cname {
			return fmt.Sprintf("it is a CNAME to %s, which does not exist (NXDOMAIN from %s): a dangling CNAME, which someone else may be able to claim; remove the record or point it at a live target", chainString(e.Chain[1:]), e.Server)
		}
		return fmt.Sprintf("no such name (NXDOMAIN from %s): check the name for typos, or create it at your DNS provider", e.Server)
	case ErrNoRecords:
		if cname {
			return fmt.Sprintf("it is a CNAME to %s, which has no %s records (NOERROR, empty answer from %s): fix the target or the CNAME", chainString(e.Chain[1:]), typeName(e.Qtype), e.Server)
		}
		return fmt.Sprintf("the name exists but has no %s records (NOERROR, empty answer from %s): add one if this name should have it", typeName(e.Qtype), e.Server)
	case ErrRcode:
		return fmt.Sprintf("DNS server %s answered %q with %s: %s", e.Server, trimDot(end)+" "+typeName(e.Qtype), dns.RcodeToString[e.Rcode], rcodeAdvice(e.Rcode))
	case ErrCNAMELoop:
		return fmt.Sprintf("CNAME loop %s (from %s): fix the CNAME records so the chain ends at a name with records", chainString(e.Chain), e.Server)
	case ErrCNAMEChainTooLong:
		return fmt.Sprintf("more than %d CNAMEs in a row (%s, from %s): resolvers give up on chains this long; point the first name closer to the target", MaxCNAMEHops, chainString(e.Chain), e.Server)
	}
	return fmt.Sprintf("%v (from %s)", e.Kind, e.Server)
}

func rcodeAdvice(rcode int) string {
	switch rcode {
	case dns.RcodeServerFailure:
		return "the resolver could not get an answer (often the domain's authoritative servers are down or its DNSSEC is broken); try again, or ask another resolver"
	case dns.RcodeRefused:
		return "the server will not answer this for us (it is not a recursive resolver for this client, or not authoritative for the zone); check network.resolvers or the NS records"
	case dns.RcodeFormatError:
		return "the server could not parse our query (an old server that rejects EDNS?)"
	case dns.RcodeNotImplemented:
		return "the server does not support this kind of query"
	}
	return "an unusual error code; check the server's logs"
}

// dnsError wraps a lookup failure in *net.DNSError. go-msgauth and
// blitiri.com.ar/go/spf type-assert exactly that (not errors.As) to tell
// "no record" (SPF none, no DMARC policy) from a temporary failure; any
// other type would turn a missing record into a permanent error. Unwrap
// still reaches our LookupError or ServerError and the ErrNXDOMAIN kinds.
func dnsError(name string, err error) error {
	de := &net.DNSError{UnwrapErr: err, Name: trimDot(name), Err: err.Error()}
	var le *LookupError
	if errors.As(err, &le) {
		de.Err = le.detail()
		de.IsNotFound = le.Kind == ErrNXDOMAIN || le.Kind == ErrNoRecords
		de.IsTemporary = le.Kind == ErrRcode && (le.Rcode == dns.RcodeServerFailure || le.Rcode == dns.RcodeRefused)
		return de
	}
	de.IsTimeout = errors.Is(err, ErrDNSTimeout) || errors.Is(err, context.DeadlineExceeded)
	de.IsTemporary = !errors.Is(err, context.Canceled)
	return de
}

func chainString(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = trimDot(n)
	}
	return strings.Join(parts, " -> ")
}

func typeName(t uint16) string {
	if t == 0 {
		return "A or AAAA"
	}
	return dns.TypeToString[t]
}

func trimDot(s string) string {
	if s == "." {
		return s
	}
	return strings.TrimSuffix(s, ".")
}

// IsResolverDown says whether err is our own resolvers failing (no answer, unreachable,
// garbage) rather than an answer about the name. Probes report it as "could not run":
// a dead resolver says nothing about the product, and every host would look down at once.
func IsResolverDown(err error) bool {
	var se *ServerError
	return errors.As(err, &se)
}

// IsGarbage says whether err is a DNS server answering with something that is not a
// usable answer: bytes that are not DNS, a half or unsound message, a wrong id or
// question. Unlike a timeout, which can be a resolver still waiting on a slow
// authoritative server, garbage is always the server's (or a middlebox's) own fault: a
// resolver that gets garbage from upstream answers SERVFAIL, it does not pass it on. So a
// probe that reports a timeout deep in a walk (an SPF include) as a finding must still
// report garbage as "could not run".
func IsGarbage(err error) bool {
	return errors.Is(err, ErrMalformed) || errors.Is(err, dns.ErrId) || errors.Is(err, ErrWrongQuestion)
}
