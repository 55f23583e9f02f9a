package dnscheck

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/dnsmap"
	"github.com/launchready/launchready/probes/netx"
)

// Collected is the live zone as one authoritative server serves it.
type Collected struct {
	Map *dnsmap.Map
	// Skipped are names asked for that lie outside the zone (a host on another domain):
	// the map holds one zone.
	Skipped []string
	// Server is the nameserver that answered; the others are not asked (agreement between
	// them is the zone check's job).
	Server Nameserver
}

// Collect reads every record of the map's types at names (and at the zone's MX and NS
// targets inside it) from the first of the zone's nameservers that answers with
// authority, asked directly on port 53, so TTLs are the configured ones, not a cache's
// remainder. A name that does not exist is simply absent. Any server failure is an error:
// a partial read would show up in a diff as records removed.
func Collect(ctx context.Context, n *netx.Net, domain string, names []string, now time.Time) (*Collected, error) {
	d, err := findZone(ctx, n, domain)
	if err != nil {
		return nil, fmt.Errorf("could not find the nameservers of %s: %w", bare(fqdn(domain)), err)
	}
	switch d.how {
	case nxdomain, nodata:
		return nil, fmt.Errorf("%s has no nameservers (%s from %s): is the domain registered and delegated?", bare(d.zone), dns.RcodeToString[d.rcode], d.server)
	case badRcode:
		return nil, fmt.Errorf("asking %s for the nameservers of %s gave %s: check network.resolvers, and the zone's delegation (dig NS %s +trace)", d.server, bare(d.zone), dns.RcodeToString[d.rcode], bare(d.zone))
	}
	nss := probeNameservers(ctx, n, d.zone, d.ns)
	good, ok := firstGood(nss)
	if !ok {
		return nil, fmt.Errorf("no nameserver of %s answers for it: %s", bare(d.zone), lameList(nss))
	}
	c := &collector{net: n, zone: d.zone, server: nsServer(good), m: &dnsmap.Map{Zone: d.zone, Taken: now.UTC().Truncate(time.Second),
		Source: fmt.Sprintf("%s (%s), asked directly", good.Name, good.Addr)}}
	out := &Collected{Map: c.m, Server: good}
	var inZone []string
	for _, name := range names {
		name = fqdn(name)
		if !dns.IsSubDomain(d.zone, name) {
			out.Skipped = append(out.Skipped, bare(name))
			continue
		}
		if !slices.Contains(inZone, name) {
			inZone = append(inZone, name)
		}
	}
	if !slices.Contains(inZone, d.zone) {
		inZone = append([]string{d.zone}, inZone...)
	}
	if err := c.read(ctx, inZone); err != nil {
		return nil, err
	}
	// MX and NS targets inside the zone are names of the zone too (their glue matters):
	// the apex's, and the MX of every other name read (a sending subdomain's mail host).
	var more []string
	for _, r := range c.m.Records {
		if r.Type != "MX" && r.Type != "NS" {
			continue
		}
		rr, err := dns.NewRR(r.String())
		if err != nil {
			continue
		}
		t := ""
		switch v := rr.(type) {
		case *dns.MX:
			t = fqdn(v.Mx)
		case *dns.NS:
			t = fqdn(v.Ns)
		}
		if t != "." && dns.IsSubDomain(d.zone, t) && !slices.Contains(inZone, t) && !slices.Contains(more, t) {
			more = append(more, t)
		}
	}
	if err := c.read(ctx, more); err != nil {
		return nil, err
	}
	c.m.Sort()
	return out, nil
}

type collector struct {
	net    *netx.Net
	zone   string
	server string
	mu     sync.Mutex
	m      *dnsmap.Map
}

// read asks for every name's records, queryWidth names at a time, and stops at the first
// failure.
func (c *collector) read(ctx context.Context, names []string) error {
	errs := make([]error, len(names))
	parallel(len(names), queryWidth, func(i int) { errs[i] = c.readName(ctx, names[i]) })
	return errors.Join(errs...)
}

// readName asks one name for its CNAME first: a name with a CNAME has nothing else. Then
// each type in turn, the SOA and NS at the apex only.
func (c *collector) readName(ctx context.Context, name string) error {
	types := []uint16{dns.TypeCNAME}
	for _, t := range dnsmap.Types {
		if t == dns.TypeCNAME || (t == dns.TypeSOA || t == dns.TypeNS) && name != c.zone {
			continue
		}
		types = append(types, t)
	}
	for _, t := range types {
		a, err := queryServer(ctx, c.net, c.server, name, t)
		if err != nil {
			return fmt.Errorf("reading %s %s: %w", bare(name), dns.TypeToString[t], err)
		}
		switch a.Msg.Rcode {
		case dns.RcodeNameError:
			return nil // no such name: nothing to record
		case dns.RcodeSuccess:
		default:
			return fmt.Errorf("%s answered %s for %s %s: it is lame for this name; the zone check of the DNS pane says more",
				c.server, dns.RcodeToString[a.Msg.Rcode], bare(name), dns.TypeToString[t])
		}
		rrs := owned(a.Msg.Answer, name, t)
		for _, rr := range rrs {
			r, err := dnsmap.FromRR(rr)
			if err != nil {
				return fmt.Errorf("%s served a record the map cannot hold (%s): %v", c.server, clip(rrLine(rr), 120), err)
			}
			c.mu.Lock()
			c.m.Add(r)
			c.mu.Unlock()
		}
		if t == dns.TypeCNAME && len(rrs) > 0 {
			return nil
		}
	}
	return nil
}
