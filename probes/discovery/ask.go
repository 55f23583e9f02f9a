package discovery

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes/netx"
)

// server is a nameserver names are asked of, its name resolved once.
type server struct {
	name string // "ns1.acme.example", also the pacer's key
	addr string // "ip:port", after network.connect_to
}

// resolversKey is the pacer's key for questions sent through the resolvers.
const resolversKey = "the resolvers"

// reply is one question's outcome: a usable answer (NOERROR or NXDOMAIN), or a failure
// with what each server said.
type reply struct {
	msg     *dns.Msg
	status  Status
	problem string
}

// probeServers resolves each nameserver once and asks it for the zone's SOA: the ones
// that answer with authority are asked every name after. When none does (port 53 is
// blocked from here, or all are lame), names go through the resolvers instead.
func (r *run) probeServers(ctx context.Context, names []string) ([]Nameserver, string) {
	out := make([]Nameserver, len(names))
	found := make([]server, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			out[i] = Nameserver{Name: bare(name)}
			addrs, err := r.net.ServerAddrs(ctx, net.JoinHostPort(bare(name), "53"))
			if err != nil {
				out[i].Problem = oneLine(err)
				return
			}
			s := server{name: bare(name), addr: addrs[0]}
			out[i].Addr = s.addr
			rep := r.askOne(ctx, s, r.zone, dns.TypeSOA)
			switch {
			case rep.status.Failed():
				out[i].Problem = rep.problem
			case rep.msg.Rcode != dns.RcodeSuccess:
				out[i].Problem = "answered " + dns.RcodeToString[rep.msg.Rcode] + " for its own zone"
			case !rep.msg.Authoritative:
				out[i].Problem = "answered without authority (AA bit off): it does not serve this zone itself"
			case len(owned(rep.msg.Answer, r.zone, dns.TypeSOA)) == 0:
				out[i].Problem = "answered without the zone's SOA"
			default:
				out[i].OK = true
				found[i] = s
			}
		})
	}
	wg.Wait()
	for _, s := range found {
		if s.addr != "" {
			r.servers = append(r.servers, s)
		}
	}
	if len(r.servers) == 0 {
		return out, "the resolvers (" + strings.Join(r.net.Resolvers(), ", ") + "): no nameserver of the zone answered from here"
	}
	var names2 []string
	for _, s := range r.servers {
		names2 = append(names2, s.name)
	}
	return out, "the zone's nameservers directly (" + strings.Join(names2, ", ") + ")"
}

// ask asks the zone's nameservers (direct, recursion off) or, for names outside the zone
// or when no nameserver answers from here, the resolvers. Servers take turns, so the
// rate budget of each is shared; a server that fails on a name hands it to the next, and
// with only one server a timeout is asked once more (a lost UDP packet must not read as
// a broken name).
func (r *run) ask(ctx context.Context, name string, qtype uint16, direct bool) reply {
	if !direct || len(r.servers) == 0 {
		if err := r.pace.wait(ctx, resolversKey); err != nil {
			return reply{status: StatusError, problem: "not asked: " + err.Error()}
		}
		r.queries.Add(1)
		a, err := r.net.Query(ctx, name, qtype)
		return classify(a, err)
	}
	k := len(r.servers)
	start := int(r.turn.Add(1) % uint64(k))
	tries := k
	if k == 1 {
		tries = 2
	}
	var problems []string
	var last reply
	for i := range tries {
		s := r.servers[(start+i)%k]
		last = r.askOne(ctx, s, name, qtype)
		if !last.status.Failed() {
			return last
		}
		problems = append(problems, s.name+": "+last.problem)
		if ctx.Err() != nil || (k == 1 && last.status != StatusTimeout) {
			break
		}
	}
	last.problem = strings.Join(problems, "; ")
	return last
}

// askOne is one question to one nameserver, paced.
func (r *run) askOne(ctx context.Context, s server, name string, qtype uint16) reply {
	if err := r.pace.wait(ctx, s.name); err != nil {
		return reply{status: StatusError, problem: "not asked: " + err.Error()}
	}
	r.queries.Add(1)
	a, err := r.net.QueryServer(ctx, s.addr, name, qtype)
	return classify(a, err)
}

// classify turns an answer or error into a reply: NOERROR and NXDOMAIN are usable, the
// rest are failures in a few words.
func classify(a *netx.Answer, err error) reply {
	if err != nil {
		var se *netx.ServerError
		switch {
		case errors.As(err, &se) && se.Kind == netx.ErrDNSTimeout:
			return reply{status: StatusTimeout, problem: fmt.Sprintf("no answer within %s", se.Within)}
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return reply{status: StatusError, problem: "not answered before discovery was stopped"}
		}
		return reply{status: StatusError, problem: oneLine(err)}
	}
	switch a.Msg.Rcode {
	case dns.RcodeSuccess, dns.RcodeNameError:
		return reply{msg: a.Msg}
	case dns.RcodeRefused:
		return reply{status: StatusRefused, problem: "answered REFUSED"}
	case dns.RcodeServerFailure:
		return reply{status: StatusServfail, problem: "answered SERVFAIL"}
	}
	return reply{status: StatusError, problem: "answered " + dns.RcodeToString[a.Msg.Rcode]}
}

// oneLine clips an error for a report line.
func oneLine(err error) string {
	s := strings.ReplaceAll(err.Error(), "\n", " ")
	if len(s) > 240 {
		s = s[:237] + "..."
	}
	return s
}
