package mailauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// Resolver is the DNS the SPF walker and SPF evaluation ask. *netx.Net satisfies it (it is
// also blitiri.com.ar/go/spf's DNSResolver), and the fuzz target uses a map.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
	LookupAddr(ctx context.Context, addr string) ([]string, error)
}

// Limits of RFC 7208 4.6.4.
const (
	// SPFLookupLimit is how many terms that cost a DNS lookup (include, a, mx, ptr,
	// exists, redirect) one evaluation may use; the 11th is a permerror.
	SPFLookupLimit = 10
	// SPFVoidLimit is how many of those lookups may come back empty (NXDOMAIN or no
	// records); the 3rd is a permerror.
	SPFVoidLimit = 2
	// spfNameLimit bounds the names one mx or ptr term looks up addresses for.
	spfNameLimit = 10
	// walkCap stops a walk that has spent this many lookups: far past the limit, so the
	// report can say "needs 14", but bounded when records loop or explode.
	walkCap = 40
)

// SPF results, as RFC 7208 section 8 names them.
const (
	SPFNone      = "none"
	SPFNeutral   = "neutral"
	SPFPass      = "pass"
	SPFFail      = "fail"
	SPFSoftFail  = "softfail"
	SPFTempError = "temperror"
	SPFPermError = "permerror"
)

// auditIP is the address an audit walk (no IP given) expands %{i} with: a documentation
// address (RFC 5737) that matches no real sender, as a forger's would not.
var auditIP = netip.AddrFrom4([4]byte{192, 0, 2, 1})

// SPFWalkOptions chooses what a walk evaluates for.
type SPFWalkOptions struct {
	// IP is the connecting address. Zero means an audit: no term matches but "all", so
	// every term up to it is evaluated, which is what every forged message and every
	// sender matched only by a late include costs a receiver.
	IP netip.Addr
	// Sender is the envelope sender (MAIL FROM) for macros; default postmaster@domain.
	Sender string
	// Helo is the HELO name for %{h}; default the domain.
	Helo string
}

// SPFNode is one SPF record in the walk: the domain's own (the root), or one reached by an
// include or redirect. Lookups and VoidLookups count the whole subtree, the term that
// reached it included, which is the per-include breakdown: "include:_spf.x spends 4".
type SPFNode struct {
	Term        string     `json:"term,omitempty"`
	Domain      string     `json:"domain"`
	Record      string     `json:"record,omitempty"`
	Lookups     int        `json:"lookups"`
	VoidLookups int        `json:"void_lookups"`
	Result      string     `json:"result,omitempty"`
	Error       string     `json:"error,omitempty"`
	Children    []*SPFNode `json:"children,omitempty"`

	own, ownVoid int
}

// SPFWalk is the outcome of walking a domain's SPF tree.
type SPFWalk struct {
	Domain string   `json:"domain"`
	IP     string   `json:"ip,omitempty"`
	Root   *SPFNode `json:"root"`
	// Lookups is how many lookup-costing terms the evaluation reached, past the limit
	// included: "needs 12" is what the operator has to cut down.
	Lookups     int `json:"lookups"`
	VoidLookups int `json:"void_lookups"`
	// AddressLookups are the A/AAAA queries made for mx and ptr names: not counted in
	// the 10, but limited to 10 names per term.
	AddressLookups int `json:"address_lookups"`
	// Result is the walk's verdict: permerror when a limit was passed before the
	// evaluation ended, otherwise what the records say (for an audit: the result for a
	// sender no term matches).
	Result string `json:"result"`
	// Reason explains a permerror or temperror.
	Reason string `json:"reason,omitempty"`
	// OverLimitAt names the term whose lookup was the 11th ("mx in acme.example").
	OverLimitAt string `json:"over_limit_at,omitempty"`
	// VoidOverAt names the term whose lookup was the 3rd void one.
	VoidOverAt string `json:"void_over_at,omitempty"`
	// Matched is the term that decided, when one did.
	Matched string `json:"matched,omitempty"`
	// Incomplete is set when the walk stopped early: a loop, or walkCap lookups.
	Incomplete bool `json:"incomplete,omitempty"`
}

// OverLimit says whether the lookup limit was passed.
func (w *SPFWalk) OverLimit() bool { return w.OverLimitAt != "" }

// VoidOver says whether the void-lookup limit was passed.
func (w *SPFWalk) VoidOver() bool { return w.VoidOverAt != "" }

type spfWalker struct {
	r     Resolver
	env   macroEnv
	audit bool
	w     *SPFWalk
	stack []string
	halt  bool
}

// WalkSPF evaluates domain's SPF tree the way a receiver does, term by term in record
// order, counting every DNS lookup RFC 7208 limits, and keeps counting past the limits so
// the report can say how far over a record is. It never makes more than walkCap
// lookup-costing queries (plus 10 address lookups per mx or ptr term), whatever the
// records say.
func WalkSPF(ctx context.Context, r Resolver, domain string, o SPFWalkOptions) *SPFWalk {
	domain = normDomain(domain)
	wk := &spfWalker{r: r, w: &SPFWalk{Domain: domain}}
	wk.env = macroEnv{sender: o.Sender, helo: o.Helo, ip: o.IP}
	if !o.IP.IsValid() {
		wk.audit, wk.env.ip = true, auditIP
	} else {
		wk.w.IP = o.IP.String()
		wk.env.ip = o.IP.Unmap()
	}
	if wk.env.sender == "" {
		wk.env.sender = "postmaster@" + domain
	} else if !strings.Contains(wk.env.sender, "@") {
		wk.env.sender = "postmaster@" + wk.env.sender
	}
	if wk.env.helo == "" {
		wk.env.helo = domain
	}
	root := &SPFNode{Domain: domain}
	wk.w.Root = root
	wk.stack = []string{domain}
	res, why := wk.check(ctx, root, domain)
	total(root)
	switch {
	case wk.w.OverLimit():
		wk.w.Result = SPFPermError
		wk.w.Reason = fmt.Sprintf("more than %d DNS lookups (the %dth is %s)", SPFLookupLimit, SPFLookupLimit+1, wk.w.OverLimitAt)
	case wk.w.VoidOver():
		wk.w.Result = SPFPermError
		wk.w.Reason = fmt.Sprintf("more than %d lookups found nothing (the %dth is %s)", SPFVoidLimit, SPFVoidLimit+1, wk.w.VoidOverAt)
	default:
		wk.w.Result, wk.w.Reason = res, why
	}
	return wk.w
}

// total fills subtree sums bottom-up.
func total(n *SPFNode) {
	n.Lookups, n.VoidLookups = n.own, n.ownVoid
	for _, c := range n.Children {
		total(c)
		n.Lookups += c.Lookups
		n.VoidLookups += c.VoidLookups
	}
}

// cost counts one lookup-costing term against node (for include and redirect, the node
// they lead to, so its subtree total is what the term spends).
func (wk *spfWalker) cost(n *SPFNode, term, domain string) {
	n.own++
	wk.w.Lookups++
	if wk.w.Lookups == SPFLookupLimit+1 {
		wk.w.OverLimitAt = term + " in " + domain
	}
	if wk.w.Lookups >= walkCap {
		wk.halt, wk.w.Incomplete = true, true
	}
}

// void counts a lookup that found nothing.
func (wk *spfWalker) void(n *SPFNode, term, domain string) {
	n.ownVoid++
	wk.w.VoidLookups++
	if wk.w.VoidLookups == SPFVoidLimit+1 {
		wk.w.VoidOverAt = term + " in " + domain
	}
}

// check evaluates one domain's record into node; it returns the SPF result and, for
// errors, why.
func (wk *spfWalker) check(ctx context.Context, n *SPFNode, domain string) (string, string) {
	set := func(res, why string) (string, string) {
		n.Result = res
		if why != "" {
			n.Error = why
		}
		return res, why
	}
	if !validLookupName(domain) {
		return set(SPFNone, fmt.Sprintf("%q is not a valid domain name", domain))
	}
	txts, err := wk.r.LookupTXT(ctx, domain)
	if err != nil {
		if notFound(err) {
			return set(SPFNone, "")
		}
		return set(SPFTempError, fmt.Sprintf("TXT lookup for %s failed: %v", domain, err))
	}
	var recs []string
	for _, t := range txts {
		if IsSPF(t) {
			recs = append(recs, t)
		}
	}
	switch len(recs) {
	case 0:
		return set(SPFNone, "")
	case 1:
	default:
		n.Record = strings.Join(recs, " | ")
		return set(SPFPermError, fmt.Sprintf("%s has %d SPF records; it must have exactly one", domain, len(recs)))
	}
	n.Record = recs[0]
	rec, err := ParseSPF(recs[0])
	if err != nil {
		return set(SPFPermError, fmt.Sprintf("%s: %v", domain, err))
	}
	for _, t := range rec.Mechanisms {
		if wk.halt {
			return set(SPFPermError, "the walk stopped: "+wk.haltReason())
		}
		matched, res, why := wk.mechanism(ctx, n, domain, t)
		if res == SPFPermError || res == SPFTempError {
			return set(res, why)
		}
		if matched {
			if wk.w.Matched == "" {
				wk.w.Matched = t.Raw + " in " + domain
			}
			return set(qualifierResult(t.Qualifier), "")
		}
	}
	if rec.Redirect == nil {
		return set(SPFNeutral, "")
	}
	target := wk.env.expand(rec.Redirect.Domain, domain)
	child := &SPFNode{Term: rec.Redirect.Raw, Domain: normDomain(target)}
	n.Children = append(n.Children, child)
	wk.cost(child, rec.Redirect.Raw, domain)
	if res, why, stop := wk.enter(child); stop {
		return set(res, why)
	}
	res, why := wk.check(ctx, child, child.Domain)
	wk.leave()
	switch res {
	case SPFNone:
		return set(SPFPermError, fmt.Sprintf("redirect=%s: %s has no SPF record", child.Domain, child.Domain))
	case SPFPermError, SPFTempError:
		return set(res, why)
	}
	return set(res, "")
}

func (wk *spfWalker) haltReason() string {
	return fmt.Sprintf("%d lookups spent without reaching an end (the limit is %d)", walkCap, SPFLookupLimit)
}

// enter pushes an include or redirect target, refusing a loop.
func (wk *spfWalker) enter(child *SPFNode) (string, string, bool) {
	for _, d := range wk.stack {
		if d == child.Domain {
			wk.halt, wk.w.Incomplete = true, true
			why := fmt.Sprintf("loop: %s -> %s", strings.Join(wk.stack, " -> "), child.Domain)
			child.Result, child.Error = SPFPermError, why
			return SPFPermError, why, true
		}
	}
	if wk.halt {
		return SPFPermError, "the walk stopped: " + wk.haltReason(), true
	}
	wk.stack = append(wk.stack, child.Domain)
	return "", "", false
}

func (wk *spfWalker) leave() { wk.stack = wk.stack[:len(wk.stack)-1] }

// mechanism evaluates one mechanism: whether it matched, or an error result.
func (wk *spfWalker) mechanism(ctx context.Context, n *SPFNode, domain string, t SPFTerm) (bool, string, string) {
	target := domain
	if t.Domain != "" {
		target = normDomain(wk.env.expand(t.Domain, domain))
	}
	ip := wk.env.ip
	switch t.Name {
	case "all":
		return true, "", ""
	case "ip4", "ip6":
		return !wk.audit && t.Prefix.Contains(ip), "", ""
	case "include":
		child := &SPFNode{Term: t.Raw, Domain: target}
		n.Children = append(n.Children, child)
		wk.cost(child, t.Raw, domain) // the include's own lookup is part of what it spends
		if res, why, stop := wk.enter(child); stop {
			return false, res, why
		}
		res, why := wk.check(ctx, child, target)
		wk.leave()
		switch res {
		case SPFPass:
			return true, "", ""
		case SPFFail, SPFSoftFail, SPFNeutral:
			return false, "", ""
		case SPFTempError:
			return false, res, why
		case SPFNone:
			return false, SPFPermError, fmt.Sprintf("%s: %s has no SPF record", t.Raw, target)
		}
		return false, SPFPermError, why
	case "a", "exists":
		wk.cost(n, t.Raw, domain)
		addrs, err := wk.addresses(ctx, target)
		if err != nil && !notFound(err) {
			return false, SPFTempError, fmt.Sprintf("%s: %v", t.Raw, err)
		}
		if len(addrs) == 0 {
			wk.void(n, t.Raw, domain)
			return false, "", ""
		}
		if wk.audit {
			return false, "", ""
		}
		if t.Name == "exists" {
			for _, a := range addrs {
				if a.Is4() {
					return true, "", ""
				}
			}
			return false, "", ""
		}
		return matchAny(ip, addrs, t), "", ""
	case "mx":
		wk.cost(n, t.Raw, domain)
		var mxs []*net.MX
		var err error
		if validLookupName(target) {
			mxs, err = wk.r.LookupMX(ctx, target)
		}
		if err != nil && !notFound(err) && len(mxs) == 0 {
			return false, SPFTempError, fmt.Sprintf("%s: %v", t.Raw, err)
		}
		if len(mxs) == 0 {
			wk.void(n, t.Raw, domain)
			return false, "", ""
		}
		if len(mxs) > spfNameLimit {
			return false, SPFPermError, fmt.Sprintf("%s: %s has %d MX records; an mx term may look up at most %d", t.Raw, target, len(mxs), spfNameLimit)
		}
		for _, mx := range mxs {
			host := normDomain(mx.Host)
			if host == "" || host == "." {
				continue // a null MX names no host
			}
			wk.w.AddressLookups++
			addrs, err := wk.addresses(ctx, host)
			if err != nil && !notFound(err) {
				return false, SPFTempError, fmt.Sprintf("%s: address of MX %s: %v", t.Raw, host, err)
			}
			if !wk.audit && matchAny(ip, addrs, t) {
				return true, "", ""
			}
		}
		return false, "", ""
	case "ptr":
		wk.cost(n, t.Raw, domain)
		if wk.audit {
			return false, "", "" // the reverse zone belongs to the sender; nothing to walk
		}
		names, err := wk.r.LookupAddr(ctx, ip.String())
		if len(names) == 0 {
			if err == nil || notFound(err) {
				wk.void(n, t.Raw, domain)
			}
			return false, "", "" // errors here never decide (RFC 7208 5.5)
		}
		for i, name := range names {
			if i == spfNameLimit {
				break
			}
			name = normDomain(name)
			wk.w.AddressLookups++
			addrs, _ := wk.addresses(ctx, name)
			for _, a := range addrs {
				if a == ip && (name == target || strings.HasSuffix(name, "."+target)) {
					return true, "", ""
				}
			}
		}
		return false, "", ""
	}
	return false, SPFPermError, "unknown mechanism " + t.Name
}

// addresses looks up A and AAAA for name; an invalid name finds nothing.
func (wk *spfWalker) addresses(ctx context.Context, name string) ([]netip.Addr, error) {
	if !validLookupName(name) {
		return nil, nil
	}
	ips, err := wk.r.LookupIPAddr(ctx, name)
	out := make([]netip.Addr, 0, len(ips))
	for _, ip := range ips {
		if a, ok := netip.AddrFromSlice(ip.IP); ok {
			out = append(out, a.Unmap())
		}
	}
	return out, err
}

// matchAny applies an a/mx term's dual CIDR to the addresses found.
func matchAny(ip netip.Addr, addrs []netip.Addr, t SPFTerm) bool {
	for _, a := range addrs {
		if a.Is4() != ip.Is4() {
			continue
		}
		bits := t.Mask6
		if a.Is4() {
			bits = t.Mask4
		}
		if bits < 0 {
			if a == ip {
				return true
			}
			continue
		}
		if p, err := a.Prefix(bits); err == nil && p.Contains(ip) {
			return true
		}
	}
	return false
}

func qualifierResult(q byte) string {
	switch q {
	case '-':
		return SPFFail
	case '~':
		return SPFSoftFail
	case '?':
		return SPFNeutral
	}
	return SPFPass
}

// notFound says whether a lookup error means "nothing there" (NXDOMAIN or no records of
// that type), which SPF treats as no match or a void lookup rather than an error.
func notFound(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}

// normDomain lower-cases a domain and drops a trailing dot.
func normDomain(d string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
}

// validLookupName says whether a name can be asked at all (RFC 7208 4.3 and 4.8: labels of
// 1 to 63 bytes, at most 253 in all, at least two labels).
func validLookupName(d string) bool {
	d = strings.TrimSuffix(d, ".")
	if d == "" || len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, l := range strings.Split(d, ".") {
		if l == "" || len(l) > 63 {
			return false
		}
	}
	return true
}
