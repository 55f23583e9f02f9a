package discovery

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes/netx"
)

// transfer asks one nameserver for the whole zone. Refusing is what a well-run server
// does, so a refusal is reported plainly and never fails discovery; a server that hands
// the zone out gives every name in it (up to the limit), each then asked like any other.
func (r *run) transfer(ctx context.Context, ns string) Transfer {
	t := Transfer{Server: bare(ns)}
	zt, err := r.net.Transfer(ctx, net.JoinHostPort(bare(ns), "53"), r.zone, r.opts.MaxTransferRecords)
	r.queries.Add(1)
	switch {
	case err != nil && zt != nil && len(zt.Records) > 0:
		t.Outcome, t.Records = TransferFailed, len(zt.Records)
		t.Detail = fmt.Sprintf("broke off after %d records: %s", len(zt.Records), oneLine(err))
	case errors.Is(err, netx.ErrNoTransfer):
		t.Outcome, t.Detail = TransferRefused, "refused: "+reason(err)
	case err != nil:
		t.Outcome, t.Detail = TransferFailed, "could not ask: "+oneLine(err)
	case zt.Rcode != dns.RcodeSuccess:
		t.Outcome, t.Detail = TransferRefused, "refused ("+dns.RcodeToString[zt.Rcode]+"), as it should be"
	case zt.Cut:
		t.Outcome, t.Records = TransferCut, len(zt.Records)
		t.Detail = fmt.Sprintf("the zone is open to anyone: transferred, cut at %d records (the limit); anyone can list every name in it. Allow transfers only to your secondaries", len(zt.Records))
	default:
		t.Outcome, t.Records = TransferComplete, len(zt.Records)
		t.Detail = fmt.Sprintf("the zone is open to anyone: transferred in full, %d records; anyone can list every name in it. Allow transfers only to your secondaries", len(zt.Records))
	}
	if zt != nil {
		r.addTransferred(zt.Records)
	}
	return t
}

// reason is a netx.ServerError's plain cause ("it closed the connection without
// answering"), without the server and question the Transfer line already names.
func reason(err error) string {
	var se *netx.ServerError
	if errors.As(err, &se) && se.Err != nil {
		return oneLine(se.Err)
	}
	return oneLine(err)
}

// addTransferred schedules each owner name of a transfer for the types it holds.
// Wildcard owners are left to the wildcard probes, and delegations to the child zone.
func (r *run) addTransferred(rrs []dns.RR) {
	types := map[string][]uint16{}
	var order []string
	for _, rr := range rrs {
		h := rr.Header()
		owner := fqdn(h.Name)
		if strings.HasPrefix(owner, "*.") || !dns.IsSubDomain(r.zone, owner) {
			continue
		}
		var t []uint16
		switch h.Rrtype {
		case dns.TypeA, dns.TypeAAAA, dns.TypeCNAME:
			t = addrTypes
		case dns.TypeTXT, dns.TypeMX, dns.TypeSRV, dns.TypeCAA:
			t = []uint16{h.Rrtype}
		default:
			continue
		}
		if _, ok := types[owner]; !ok {
			order = append(order, owner)
		}
		for _, x := range t {
			if !slices.Contains(types[owner], x) {
				types[owner] = append(types[owner], x)
			}
		}
	}
	for _, owner := range order {
		r.add(owner, types[owner], Source{Kind: FromTransfer})
	}
}
