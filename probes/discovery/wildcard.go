package discovery

import (
	"context"
	"net/netip"
	"slices"
	"strings"

	"github.com/miekg/dns"
)

// wildSig is what a random label under a wildcard's base answers: the address answer's
// signature and, at the apex, the TXT one.
type wildSig struct {
	addr string // "CNAME x.example" or "A 192.0.2.1 2001:db8::1"; "" when it gave none
	txt  string
}

// probeWildcard asks a random label under base. If it answers, every name below base
// that does not exist answers the same, so a dictionary name answering just like it says
// nothing about whether anyone created it. At the apex TXT is asked too, since the
// well-known names (_dmarc, DKIM selectors) are TXT.
func (r *run) probeWildcard(ctx context.Context, base string, apex bool) {
	probe := randomLabel() + "." + base
	var sig wildSig
	f := r.lookup(ctx, probe, dns.TypeA)
	if f.status == StatusAnswers {
		sig.addr = addrSignature(f.chain, f.rrs)
	}
	if apex {
		t := r.lookup(ctx, probe, dns.TypeTXT)
		if t.status == StatusAnswers && len(t.chain) == 0 {
			sig.txt = txtSignature(t.rrs)
		}
	}
	if sig == (wildSig{}) {
		return
	}
	r.mu.Lock()
	r.wild[base] = sig
	r.mu.Unlock()
}

// probeBelow looks for a wildcard under a name that answered with an address or CNAME
// (*.dev.acme.example), unless the name is itself only the apex wildcard's echo or a
// service label.
func (r *run) probeBelow(e *entry) {
	r.mu.Lock()
	n := e.name
	_, probed := r.wild[e.fq]
	base, sig, under := r.wildcardFor(e.fq)
	r.mu.Unlock()
	if probed || e.fq == r.zone || isServiceLabel(e.fq) {
		return
	}
	if len(n.CNAME) == 0 && len(n.A) == 0 && len(n.AAAA) == 0 {
		return
	}
	if under && base != e.fq && sig.addr == nameSignature(n) {
		return
	}
	r.probeWildcard(r.ctx, e.fq, false)
}

// wildcardFor is the closest wildcard whose base is an ancestor of name. Call with mu
// held.
func (r *run) wildcardFor(name string) (string, wildSig, bool) {
	best := ""
	for base := range r.wild {
		if base != name && dns.IsSubDomain(base, name) && len(base) > len(best) {
			best = base
		}
	}
	if best == "" {
		return "", wildSig{}, false
	}
	return best, r.wild[best], true
}

// echoes says whether a name answers only as the wildcard over it would: the same
// addresses or CNAME, the same TXT, or nothing of the types asked (a TXT name under an
// address-only wildcard).
func echoes(n Name, sig wildSig) bool {
	switch {
	case n.Status == StatusNoData:
		return true
	case n.Status != StatusAnswers:
		return false
	case len(n.CNAME) > 0 || len(n.A) > 0 || len(n.AAAA) > 0:
		return sig.addr != "" && nameSignature(n) == sig.addr
	case len(n.TXT) > 0:
		return sig.txt != "" && strings.Join(n.TXT, "\n") == sig.txt
	}
	return false
}

// addrSignature is an address lookup's answer reduced to what a wildcard fixes: the
// first CNAME target, or the sorted addresses.
func addrSignature(chain []string, rrs []dns.RR) string {
	if len(chain) > 0 {
		return "CNAME " + bare(chain[0])
	}
	var ips []netip.Addr
	for _, rr := range rrs {
		switch v := rr.(type) {
		case *dns.A:
			if ip, ok := netip.AddrFromSlice(v.A); ok {
				ips = append(ips, ip.Unmap())
			}
		case *dns.AAAA:
			if ip, ok := netip.AddrFromSlice(v.AAAA); ok {
				ips = append(ips, ip)
			}
		}
	}
	return ipSignature(ips, "A")
}

// nameSignature is addrSignature of a recorded Name (its A records: the wildcard probe
// asks A only).
func nameSignature(n Name) string {
	if len(n.CNAME) > 0 {
		return "CNAME " + n.CNAME[0]
	}
	return ipSignature(n.A, "A")
}

func ipSignature(ips []netip.Addr, typ string) string {
	if len(ips) == 0 {
		return ""
	}
	ips = slices.Clone(ips)
	slices.SortFunc(ips, netip.Addr.Compare)
	parts := make([]string, len(ips))
	for i, ip := range ips {
		parts[i] = ip.String()
	}
	return typ + " " + strings.Join(parts, " ")
}

func txtSignature(rrs []dns.RR) string {
	var parts []string
	for _, rr := range rrs {
		if t, ok := rr.(*dns.TXT); ok {
			parts = append(parts, strings.Join(t.Txt, ""))
		}
	}
	return strings.Join(parts, "\n")
}
