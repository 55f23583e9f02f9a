package discovery

import (
	"slices"
	"strings"

	"github.com/miekg/dns"
)

// finish sorts what the run found into the report: names that exist or were pointed at,
// failures, wildcard echoes dropped, absent guesses counted, references and wildcards
// listed.
func (r *run) finish(rep *Report) {
	r.mu.Lock()
	defer r.mu.Unlock()
	keys := make([]string, 0, len(r.names))
	for k := range r.names {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, r.zoneOrder)
	for _, k := range keys {
		e := r.names[k]
		if e.rank == rankUnasked {
			continue
		}
		rep.Tried++
		n := e.name
		guessed := onlyGuessed(n.Sources)
		if _, sig, under := r.wildcardFor(k); under && echoes(n, sig) {
			if guessed {
				rep.Echoes = append(rep.Echoes, n.Name)
				continue
			}
			n.Wildcard = true
		}
		switch {
		case n.Status.Failed():
			rep.Failed = append(rep.Failed, n)
		case n.Status == StatusNXDOMAIN && guessed:
			rep.Absent++
		default:
			rep.Names = append(rep.Names, n)
		}
	}
	ext := make([]string, 0, len(r.external))
	for k := range r.external {
		ext = append(ext, k)
	}
	slices.Sort(ext)
	for _, k := range ext {
		rep.External = append(rep.External, Reference{Name: bare(k), Sources: r.external[k]})
	}
	bases := make([]string, 0, len(r.wild))
	for k := range r.wild {
		bases = append(bases, k)
	}
	slices.SortFunc(bases, r.zoneOrder)
	for _, b := range bases {
		sig := r.wild[b]
		ans := sig.addr
		if ans == "" {
			ans = "TXT " + sig.txt
		}
		rep.Wildcards = append(rep.Wildcards, Wildcard{Name: "*." + bare(b), Answer: ans})
	}
	rep.NamesCut = r.cut
	rep.Queries = int(r.queries.Load())
}

// zoneOrder puts the apex first, then names in order of their labels read from the
// right, so a zone's names group as they do in a zone file (app, api.app, www).
func (r *run) zoneOrder(a, b string) int {
	if a == b {
		return 0
	}
	if a == r.zone {
		return -1
	}
	if b == r.zone {
		return 1
	}
	la, lb := dns.SplitDomainName(a), dns.SplitDomainName(b)
	slices.Reverse(la)
	slices.Reverse(lb)
	return slices.Compare(la, lb)
}

// onlyGuessed says whether every source of a name is a guess (dictionary, well-known
// label, DKIM selector): such a name is worth listing only if it exists.
func onlyGuessed(srcs []Source) bool {
	for _, s := range srcs {
		switch s.Kind {
		case FromDictionary, FromWellKnown, FromDKIM:
		default:
			return false
		}
	}
	return true
}

// isServiceLabel says whether a name has an underscore label (_dmarc, _domainkey, SRV
// names), which hold policy, not hosts.
func isServiceLabel(name string) bool {
	return strings.HasPrefix(name, "_") || strings.Contains(name, "._")
}
