package discovery

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes/netx"
)

// Status ranks: a name keeps the best status any of its types got.
const (
	rankAnswers = iota
	rankNoData
	rankFailed
	rankNXDOMAIN
	rankUnasked
)

func rankOf(s Status) int {
	switch {
	case s == StatusAnswers:
		return rankAnswers
	case s == StatusNoData:
		return rankNoData
	case s.Failed():
		return rankFailed
	}
	return rankNXDOMAIN
}

// process asks an entry's types, and any added while it runs, holding one of the
// Concurrency slots while it asks.
func (r *run) process(e *entry) {
	defer r.wg.Done()
	r.sem <- struct{}{}
	defer func() { <-r.sem }()
	for {
		r.mu.Lock()
		if e.dead || e.next >= len(e.want) {
			e.next = len(e.want)
			e.running = false
			r.mu.Unlock()
			break
		}
		qt := e.want[e.next]
		e.next++
		r.mu.Unlock()

		f := r.lookup(r.ctx, e.fq, qt)
		r.record(e, qt, f)
		r.references(e.fq, qt, f)
	}
	r.probeBelow(e)
}

// found is one lookup's outcome: the chain of CNAME targets followed from the name and
// the records of the type asked at its end.
type found struct {
	status        Status
	problem       string
	chain         []string
	rrs           []dns.RR
	targetProblem string
}

// lookup asks for name's records of qtype, following CNAMEs: inside the zone its
// nameservers answer, outside it the resolvers (a CNAME to a hosting provider ends
// there). The name's own status comes from the first answer; what goes wrong further
// down the chain is the target's problem (a dangling CNAME), not the name's.
func (r *run) lookup(ctx context.Context, name string, qtype uint16) found {
	var f found
	cur := name
	for range netx.MaxCNAMEHops + 1 {
		asked := cur
		rep := r.ask(ctx, cur, qtype, dns.IsSubDomain(r.zone, cur))
		if rep.status.Failed() {
			if cur == name {
				f.status, f.problem = rep.status, rep.problem
			} else {
				f.targetProblem = fmt.Sprintf("%s %s: %s", bare(cur), dns.TypeToString[qtype], rep.problem)
			}
			return f
		}
		for {
			if rrs := owned(rep.msg.Answer, cur, qtype); len(rrs) > 0 {
				f.rrs, f.status = rrs, StatusAnswers
				return f
			}
			c := owned(rep.msg.Answer, cur, dns.TypeCNAME)
			if len(c) == 0 || qtype == dns.TypeCNAME {
				break
			}
			t := fqdn(c[0].(*dns.CNAME).Target)
			if t == name || slices.Contains(f.chain, t) {
				f.status, f.targetProblem = StatusAnswers, "CNAME loop: "+chainText(name, append(f.chain, t))
				return f
			}
			f.chain = append(f.chain, t)
			f.status = StatusAnswers
			cur = t
		}
		switch {
		case cur == asked && rep.msg.Rcode == dns.RcodeNameError:
			if cur == name {
				f.status = StatusNXDOMAIN
			} else {
				f.targetProblem = fmt.Sprintf("the CNAME target %s does not exist (NXDOMAIN): a dangling CNAME, which someone else may be able to claim", bare(cur))
			}
			return f
		case cur == asked:
			if cur == name {
				f.status = StatusNoData
			}
			return f
		case rep.msg.Rcode == dns.RcodeNameError:
			// RFC 6604: with CNAMEs in the answer the rcode is about the end of the chain.
			f.targetProblem = fmt.Sprintf("the CNAME target %s does not exist (NXDOMAIN): a dangling CNAME, which someone else may be able to claim", bare(cur))
			return f
		}
		// The answer stopped at a CNAME it did not follow: ask its target.
	}
	f.targetProblem = fmt.Sprintf("more than %d CNAMEs in a row: %s", netx.MaxCNAMEHops, chainText(name, f.chain))
	return f
}

func chainText(name string, chain []string) string {
	parts := []string{bare(name)}
	for _, c := range chain {
		parts = append(parts, bare(c))
	}
	return strings.Join(parts, " -> ")
}

// record folds one lookup into the entry's Name.
func (r *run) record(e *entry, qtype uint16, f found) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := &e.name
	if k := rankOf(f.status); k < e.rank {
		e.rank, n.Status = k, f.status
	}
	if f.status.Failed() {
		p := dns.TypeToString[qtype] + ": " + f.problem
		n.Problem = strings.TrimPrefix(n.Problem+"; "+p, "; ")
		if e.next == 1 {
			e.dead = true
		}
	}
	if f.status == StatusNXDOMAIN && e.next == 1 {
		e.dead = true
	}
	if len(f.chain) > len(n.CNAME) {
		n.CNAME = nil
		for _, c := range f.chain {
			n.CNAME = append(n.CNAME, bare(c))
		}
	}
	if f.targetProblem != "" && !strings.Contains(n.TargetProblem, f.targetProblem) {
		n.TargetProblem = strings.TrimPrefix(n.TargetProblem+"; "+f.targetProblem, "; ")
	}
	for _, rr := range f.rrs {
		switch v := rr.(type) {
		case *dns.A:
			if ip, ok := netip.AddrFromSlice(v.A); ok {
				n.A = appendNew(n.A, ip.Unmap())
			}
		case *dns.AAAA:
			if ip, ok := netip.AddrFromSlice(v.AAAA); ok {
				n.AAAA = appendNew(n.AAAA, ip)
			}
		case *dns.MX:
			n.MX = appendNew(n.MX, bare(strings.ToLower(v.Mx)))
		case *dns.TXT:
			n.TXT = appendNew(n.TXT, strings.Join(v.Txt, ""))
		default:
			n.Records = appendNew(n.Records, rrLine(rr))
		}
	}
}

func appendNew[T comparable](s []T, v T) []T {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}
