// Package discovery finds what exists under a bare domain, with no configuration: the
// zone's nameservers and SOA, whether they hand out the zone (most rightly refuse), the
// names a dictionary of common subdomains and the zone's own records lead to, wildcards,
// and the hosting, email and DNS services those names show. It is the first step of
// `launchready init` and `audit`: what it reports becomes the config an operator then
// edits.
//
// Every question goes through netx, so the lab and tests stand in for the internet with
// network.resolvers and network.connect_to. Names are asked of the zone's nameservers
// directly (recursion off), at most Options.RateLimit questions a second to each, and a
// name that fails (REFUSED, SERVFAIL, silence) is reported as such without holding up the
// rest: discovery fails only when the zone's nameservers cannot be found at all.
package discovery

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes/netx"
)

// Defaults for the zero Options.
const (
	// DefaultRateLimit is the questions a second sent to each server: polite to a
	// provider's nameservers, and 150 names still take a few seconds over two of them.
	DefaultRateLimit = 50
	// NoRateLimit turns the rate limit off (the lab, benchmarks).
	NoRateLimit = -1
	// DefaultConcurrency is how many names are asked at once: enough that one server
	// timing out on a name does not stall the rest.
	DefaultConcurrency = 16
	// DefaultMaxNames bounds the names asked in one run, whatever a zone transfer or a
	// zone's records bring in.
	DefaultMaxNames = 1000
)

// Options tune a run. The zero value is the polite default.
type Options struct {
	// RateLimit is the most questions a second sent to each server: 0 means
	// DefaultRateLimit, NoRateLimit (or any negative value) none. (Zero is not "off" so
	// that a caller who forgets to set it is polite to other people's nameservers.)
	RateLimit int
	// Concurrency is how many names are asked at once; 0 means DefaultConcurrency.
	Concurrency int
	// Labels is the dictionary tried under the apex; nil means Dictionary(), an empty
	// non-nil slice none.
	Labels []Label
	// MaxTransferRecords is where a zone transfer is cut; 0 means
	// netx.DefaultTransferRecords (10,000).
	MaxTransferRecords int
	// MaxNames bounds the names asked; 0 means DefaultMaxNames.
	MaxNames int
}

func (o Options) withDefaults() Options {
	if o.RateLimit == 0 {
		o.RateLimit = DefaultRateLimit
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Labels == nil {
		o.Labels = Dictionary()
	}
	if o.MaxTransferRecords <= 0 {
		o.MaxTransferRecords = netx.DefaultTransferRecords
	}
	if o.MaxNames <= 0 {
		o.MaxNames = DefaultMaxNames
	}
	return o
}

// Address-name types: what a name from the dictionary or a CNAME, MX or SRV target is
// asked for.
var addrTypes = []uint16{dns.TypeA, dns.TypeAAAA}

// run is one discovery in progress. Everything it changes is behind mu or atomic.
type run struct {
	// ctx is Run's: a run lives for one call, and names scheduled from inside other
	// names' answers need it.
	ctx     context.Context
	net     *netx.Net
	opts    Options
	zone    string   // fully qualified, lower-case
	servers []server // nameservers that answered for the zone; none means the resolvers
	pace    *pacer
	sem     chan struct{}
	turn    atomic.Uint64 // round-robin over servers
	queries atomic.Int64
	wg      sync.WaitGroup

	mu       sync.Mutex
	names    map[string]*entry // by fully qualified name
	external map[string][]Source
	wild     map[string]wildSig // by the wildcard's base name ("acme.example.")
	cut      int
}

// entry is one name being asked.
type entry struct {
	fq      string
	name    Name
	want    []uint16 // record types to ask, in order
	next    int      // want[:next] have been asked or scheduled
	running bool
	dead    bool // NXDOMAIN or failed: asking more types would say the same
	rank    int  // of name.Status, lower is better
}

// Run discovers what exists under domain. It returns an error only when the domain's
// nameservers cannot be found (the domain does not exist, is not a zone apex, or the
// resolvers do not answer), or, with what was found so far, when ctx ends first.
func Run(ctx context.Context, n *netx.Net, domain string, opts Options) (*Report, error) {
	zone, err := apex(domain)
	if err != nil {
		return nil, err
	}
	r := &run{
		ctx:      ctx,
		net:      n,
		opts:     opts.withDefaults(),
		zone:     zone,
		names:    map[string]*entry{},
		external: map[string][]Source{},
		wild:     map[string]wildSig{},
	}
	r.pace = newPacer(r.opts.RateLimit)
	r.sem = make(chan struct{}, r.opts.Concurrency)

	nsNames, err := r.delegation(ctx)
	if err != nil {
		return nil, err
	}
	rep := &Report{Domain: bare(zone), SOA: r.soa(ctx)}
	rep.Nameservers, rep.Via = r.probeServers(ctx, nsNames)

	// Transfers run beside the questions: most are refused at once, and one that hangs
	// must not hold the rest up.
	transfers := make([]Transfer, len(nsNames))
	var tw sync.WaitGroup
	for i, ns := range nsNames {
		tw.Go(func() { transfers[i] = r.transfer(ctx, ns) })
	}

	r.probeWildcard(ctx, zone, true)
	r.add(zone, []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeMX, dns.TypeTXT, dns.TypeCAA}, Source{Kind: FromApex})
	for _, ns := range nsNames {
		r.add(ns, addrTypes, Source{Kind: FromNS, Detail: bare(zone) + " NS " + bare(ns)})
	}
	for _, l := range WellKnown() {
		r.add(l.Label+"."+zone, []uint16{l.Type}, Source{Kind: FromWellKnown, Detail: l.Reason})
	}
	for _, s := range selectors() {
		who := s.service
		if who == generic {
			who = "a generic selector"
		}
		r.add(s.pattern+"._domainkey."+zone, []uint16{dns.TypeTXT}, Source{Kind: FromDKIM, Detail: who})
	}
	for _, l := range r.opts.Labels {
		t := []uint16{l.Type}
		if l.Type == dns.TypeA {
			t = addrTypes
		}
		r.add(l.Label+"."+zone, t, Source{Kind: FromDictionary, Detail: l.Reason})
	}
	tw.Wait() // transfers add their names before this returns
	r.wg.Wait()

	rep.Transfers = transfers
	r.finish(rep)
	rep.Services = recognise(rep)
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("discovery of %s stopped before it finished (%w): the report holds what was found so far", bare(zone), err)
	}
	return rep, nil
}

// apex checks the domain an operator typed and makes it fully qualified.
func apex(domain string) (string, error) {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
	if d == "" {
		return "", errors.New("discovery needs a domain: give the product's apex, e.g. acme.com")
	}
	if strings.Contains(d, "://") || strings.ContainsAny(d, "/ @") {
		return "", fmt.Errorf("%q is not a domain name: give just the apex, e.g. acme.com, without scheme, path or address", domain)
	}
	if _, ok := dns.IsDomainName(d); !ok || !strings.Contains(d, ".") {
		return "", fmt.Errorf("%q is not a domain name: give the product's apex, e.g. acme.com", domain)
	}
	return d + ".", nil
}

// delegation finds the zone's nameservers through the resolvers: the one thing
// discovery cannot do without.
func (r *run) delegation(ctx context.Context) ([]string, error) {
	d := bare(r.zone)
	r.queries.Add(1)
	a, err := r.net.Query(ctx, r.zone, dns.TypeNS)
	if err != nil {
		return nil, fmt.Errorf("could not find the nameservers of %s: %w", d, err)
	}
	switch a.Msg.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		return nil, fmt.Errorf("%s does not exist (NXDOMAIN from %s): check the spelling, or whether the domain is registered and delegated", d, a.Server)
	default:
		return nil, fmt.Errorf("could not find the nameservers of %s: %s answered %s: try again, or point network.resolvers at another resolver", d, a.Server, dns.RcodeToString[a.Msg.Rcode])
	}
	var out []string
	for _, rr := range owned(a.Msg.Answer, r.zone, dns.TypeNS) {
		ns := fqdn(rr.(*dns.NS).Ns)
		if !slices.Contains(out, ns) {
			out = append(out, ns)
		}
	}
	if len(out) > 0 {
		slices.Sort(out)
		return out, nil
	}
	for _, rr := range a.Msg.Ns {
		if soa, ok := rr.(*dns.SOA); ok && fqdn(soa.Hdr.Name) != r.zone {
			return nil, fmt.Errorf("%s is not a zone apex: it lives in the zone %s (from %s); run discovery on %s", d, bare(soa.Hdr.Name), a.Server, bare(soa.Hdr.Name))
		}
	}
	return nil, fmt.Errorf("%s has no NS records (NOERROR, empty answer from %s): is it delegated? Check the domain at its registrar", d, a.Server)
}

// soa is the zone's SOA as text, through the resolvers; "" when there is none to read.
func (r *run) soa(ctx context.Context) string {
	r.queries.Add(1)
	a, err := r.net.Query(ctx, r.zone, dns.TypeSOA)
	if err != nil {
		return ""
	}
	if rrs := owned(a.Msg.Answer, r.zone, dns.TypeSOA); len(rrs) > 0 {
		return rrLine(rrs[0])
	}
	return ""
}

// add schedules name to be asked for types, or adds the source (and any new types) to
// a name already scheduled. Names outside the zone are only recorded as references.
func (r *run) add(name string, types []uint16, src Source) {
	fq := fqdn(name)
	if _, ok := dns.IsDomainName(fq); !ok || strings.Contains(fq, "*") {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !dns.IsSubDomain(r.zone, fq) {
		if src.Kind != FromDictionary && !slices.Contains(r.external[fq], src) {
			r.external[fq] = append(r.external[fq], src)
		}
		return
	}
	e, ok := r.names[fq]
	if !ok {
		if len(r.names) >= r.opts.MaxNames {
			r.cut++
			return
		}
		e = &entry{fq: fq, name: Name{Name: bare(fq)}, rank: rankUnasked}
		r.names[fq] = e
	}
	if !slices.Contains(e.name.Sources, src) {
		e.name.Sources = append(e.name.Sources, src)
	}
	for _, t := range types {
		if !slices.Contains(e.want, t) {
			e.want = append(e.want, t)
		}
	}
	if !e.running && e.next < len(e.want) && !e.dead {
		e.running = true
		r.wg.Add(1)
		go r.process(e)
	}
}

// randomLabel is a label nobody created, for wildcard probes.
func randomLabel() string { return "lr-" + strings.ToLower(rand.Text()[:16]) }

// owned returns the records in rrs of type t owned by name.
func owned(rrs []dns.RR, name string, t uint16) []dns.RR {
	var out []dns.RR
	for _, rr := range rrs {
		if h := rr.Header(); h.Rrtype == t && strings.EqualFold(h.Name, name) {
			out = append(out, rr)
		}
	}
	return out
}

func fqdn(name string) string { return dns.Fqdn(strings.ToLower(name)) }

func bare(name string) string { return strings.TrimSuffix(name, ".") }

func rrLine(rr dns.RR) string { return strings.ReplaceAll(rr.String(), "\t", " ") }
