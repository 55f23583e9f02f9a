package mailauth

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"

	"blitiri.com.ar/go/spf"
)

// SPFVerdict is what a receiver decides for one connecting IP and envelope sender.
type SPFVerdict struct {
	IP     string `json:"ip"`
	Domain string `json:"domain"`
	Result string `json:"result"`
	// Reason is the evaluator's explanation (which term matched, or what failed).
	Reason string `json:"reason,omitempty"`
}

// EvaluateSPF asks blitiri.com.ar/go/spf, the reference evaluator, what a receiver decides
// for ip sending as sender (an address or a bare domain) after HELO helo, resolving through
// r. Two things the library leaves to its caller are done here, as RFC 7208 requires:
//   - a sender domain that is not a valid multi-label name has no SPF record ("none", 4.3),
//     and a malformed name reached through a term finds nothing rather than failing as a
//     DNS error (4.8);
//   - a syntax error anywhere in a record the evaluation fetched is a permerror (4.6),
//     even when the library found a match before reaching it: every fetched SPF record
//     is checked against the RFC grammar by ParseSPF.
func EvaluateSPF(ctx context.Context, r Resolver, ip netip.Addr, helo, sender string) SPFVerdict {
	domain := sender
	if i := strings.LastIndexByte(sender, '@'); i >= 0 {
		domain = sender[i+1:]
	}
	if domain == "" {
		domain = helo
		sender = "postmaster@" + helo
	} else if !strings.Contains(sender, "@") {
		sender = "postmaster@" + sender
	}
	v := SPFVerdict{IP: ip.String(), Domain: normDomain(domain)}
	if !validLookupName(domain) || strings.HasPrefix(domain, "[") {
		v.Result, v.Reason = SPFNone, "not a domain name that can have an SPF record (RFC 7208 4.3)"
		return v
	}
	sr := &strictResolver{Resolver: r}
	res, err := spf.CheckHostWithSender(ip.AsSlice(), helo, sender, spf.WithResolver(sr), spf.WithContext(ctx))
	v.Result = string(res)
	if err != nil {
		v.Reason = err.Error()
	}
	if serr := sr.firstSyntaxError(); serr != nil && res != spf.TempError {
		v.Result, v.Reason = SPFPermError, serr.Error()
	}
	return v
}

// strictResolver sits between the library and the DNS: it checks every SPF record the
// library fetches against the RFC grammar, and answers "no such name" for names that are
// not valid DNS names instead of passing them on.
type strictResolver struct {
	Resolver
	mu  sync.Mutex
	err error
}

func (s *strictResolver) firstSyntaxError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *strictResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if !validLookupName(name) {
		return nil, notFoundError(name)
	}
	txts, err := s.Resolver.LookupTXT(ctx, name)
	for _, t := range txts {
		if !IsSPF(t) {
			continue
		}
		if _, perr := ParseSPF(t); perr != nil {
			s.mu.Lock()
			if s.err == nil {
				s.err = fmt.Errorf("%s: %w", normDomain(name), perr)
			}
			s.mu.Unlock()
		}
	}
	return txts, err
}

func (s *strictResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	if !validLookupName(name) {
		return nil, notFoundError(name)
	}
	return s.Resolver.LookupMX(ctx, name)
}

func (s *strictResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	if !validLookupName(host) {
		return nil, notFoundError(host)
	}
	return s.Resolver.LookupIPAddr(ctx, host)
}

// notFoundError is "no such name" in the shape the SPF library recognises.
func notFoundError(name string) error {
	return &net.DNSError{Err: "not a valid domain name", Name: name, IsNotFound: true}
}
