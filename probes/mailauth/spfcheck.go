package mailauth

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes"
)

// SPFReport is the SPF part of Report.
type SPFReport struct {
	Record string `json:"record,omitempty"`
	// Strings are the record's DNS character-strings as published (a record over 255
	// bytes must be split; SPF joins them without spaces).
	Strings []string `json:"strings,omitempty"`
	// Walk is the audit walk: every term a receiver evaluates for a sender nothing
	// matches, with the per-include lookup breakdown.
	Walk *SPFWalk `json:"walk,omitempty"`
	// Verdicts are the reference evaluator's results for email.sending_ips.
	Verdicts []SPFVerdict `json:"verdicts,omitempty"`
}

// spfAnswerMax is RFC 7208 3.4's advice: keep the TXT answer for the domain within 512
// bytes, so it fits one classic UDP packet and no receiver needs TCP for it.
const spfAnswerMax = 512

func (c *check) checkSPF(ctx context.Context, p *part) *SPFReport {
	d := c.domain
	rep := &SPFReport{}
	txts, err := c.net.LookupTXT(ctx, d)
	if err != nil && !notFound(err) {
		if resolverDown(err) {
			p.fatal = fmt.Errorf("could not ask DNS for %s's TXT records: %w", d, err)
			return rep
		}
		p.add(finding("email.spf-temperror", probes.Medium, probes.Onboarding, d,
			"SPF lookup fails (temperror)",
			fmt.Sprintf("Asking for %s's TXT records failed: %v. Receivers get a temporary error and defer or reject mail from %s until it answers.", d, err, d),
			"TXT lookup failed", "the TXT records of "+d,
			"Check the domain's authoritative DNS servers are up and answer for "+d+" (dig TXT "+d+" @<each NS>).", err.Error()))
		return rep
	}
	var recs []string
	for _, t := range txts {
		if IsSPF(t) {
			recs = append(recs, t)
		}
	}
	approved := c.cfg.ApprovedSenders
	suggest := "v=spf1 " + includes(approved) + "-all"
	if len(approved) == 0 {
		suggest = "v=spf1 include:<your mail provider's SPF domain> -all"
	}
	switch len(recs) {
	case 0:
		p.add(finding("email.spf-missing", probes.High, probes.Onboarding, d,
			"No SPF record: receivers cannot tell real mail from forgeries",
			fmt.Sprintf("%s has no TXT record starting with v=spf1, so SPF gives no verdict (none) and DMARC can pass only through DKIM. Many receivers put such mail in spam.", d),
			"no v=spf1 record", "one v=spf1 record listing the providers that send for "+d,
			fmt.Sprintf("Publish one TXT record at %s: %q (list each sending provider's include).", d, suggest), txts...))
		p.metric("spf_lookups", 0)
		return rep
	case 1:
	default:
		p.add(finding("email.spf-multiple", probes.High, probes.Onboarding, d,
			fmt.Sprintf("%d SPF records: every receiver answers permerror", len(recs)),
			fmt.Sprintf("%s publishes %d TXT records starting with v=spf1. RFC 7208 4.5 makes that a permanent error: SPF fails for all mail, including real mail.", d, len(recs)),
			fmt.Sprintf("%d v=spf1 records", len(recs)), "exactly one",
			"Merge them into one record (all the include: and ip4: terms, one all at the end) and delete the others.", recs...))
		return rep
	}
	rep.Record = recs[0]
	var answerSize int
	rep.Strings, answerSize = c.rawStrings(ctx, d)
	rec, perr := ParseSPF(rep.Record)
	if perr != nil {
		p.add(finding("email.spf-syntax", probes.High, probes.Onboarding, d,
			"SPF record has a syntax error: every receiver answers permerror",
			fmt.Sprintf("The SPF record of %s does not parse: %v. Receivers answer permerror, so SPF fails for all mail.", d, perr),
			rep.Record, "a record in RFC 7208 syntax",
			"Correct the term named above; test with: launchready check --only email", rep.Record))
	}
	c.checkSplit(d, rep, p)
	if answerSize > spfAnswerMax {
		p.add(finding("email.spf-too-long", probes.Low, probes.Onboarding, d,
			fmt.Sprintf("SPF answer is %d bytes: over the %d that fit one UDP packet", answerSize, spfAnswerMax),
			fmt.Sprintf("The TXT answer for %s (the %d-byte SPF record and the other TXT records at the name) is %d bytes. RFC 7208 3.4 advises staying within %d so receivers need no TCP retry, which some do not make.", d, len(rep.Record), answerSize, spfAnswerMax),
			fmt.Sprintf("%d-byte answer, %d-byte record", answerSize, len(rep.Record)), fmt.Sprintf("an answer within %d bytes", spfAnswerMax),
			"Replace long lists of ip4: terms with the provider's include:, move them to an include you host, or remove stale TXT records (old verification tokens) at "+d+".", rep.Record))
	}
	p.metric("spf_record_bytes", float64(len(rep.Record)))

	// A lookup deep in the tree that fails is a temperror receivers will meet too, unless
	// it failed because our own resolver answered garbage: then the check could not run.
	watch := &resolverWatch{Resolver: c.net}
	walk := WalkSPF(ctx, watch, d, SPFWalkOptions{})
	if err := watch.broken(); err != nil {
		p.fatal = fmt.Errorf("could not walk the SPF record of %s: %w", d, err)
		return rep
	}
	rep.Walk = walk
	p.metric("spf_lookups", float64(walk.Lookups))
	p.metric("spf_void_lookups", float64(walk.VoidLookups))
	tree := renderTree(walk)
	if rec != nil {
		c.checkAll(d, rec, p)
	}
	switch {
	case walk.OverLimit():
		p.add(finding("email.spf-too-many-lookups", probes.High, probes.Onboarding, d,
			fmt.Sprintf("SPF needs %s DNS lookups (limit %d): permerror", atLeast(walk), SPFLookupLimit),
			fmt.Sprintf("Evaluating the SPF record of %s takes %s DNS lookups; receivers stop at the %dth (%s) and answer permerror, so SPF fails for mail that is not matched before that point: forged mail, and real mail from the senders listed last.%s",
				d, atLeast(walk), SPFLookupLimit+1, walk.OverLimitAt, breakdown(walk)),
			fmt.Sprintf("%s lookups", atLeast(walk)), fmt.Sprintf("at most %d", SPFLookupLimit),
			fixLookups(walk), tree...))
	case walk.VoidOver():
		p.add(finding("email.spf-void-lookups", probes.High, probes.Onboarding, d,
			fmt.Sprintf("SPF has %d lookups that find nothing (limit %d): permerror", walk.VoidLookups, SPFVoidLimit),
			fmt.Sprintf("%d of the names the SPF record of %s points at do not exist or have no records; receivers answer permerror after the %dth (%s).", walk.VoidLookups, d, SPFVoidLimit+1, walk.VoidOverAt),
			fmt.Sprintf("%d void lookups", walk.VoidLookups), fmt.Sprintf("at most %d", SPFVoidLimit),
			"Remove the terms that point at names that no longer exist (the evidence shows which found nothing).", tree...))
	case walk.Result == SPFTempError:
		p.add(finding("email.spf-temperror", probes.Medium, probes.Onboarding, d,
			"SPF evaluation hits a DNS failure (temperror)",
			fmt.Sprintf("Evaluating the SPF record of %s fails with a DNS error: %s. Receivers defer or reject mail while it lasts.", d, walk.Reason),
			walk.Reason, "every name in the SPF tree answers",
			"Check the include named above resolves (dig TXT <name>); if a provider's DNS is failing, tell them.", tree...))
	case walk.Result == SPFPermError && perr == nil:
		p.add(finding("email.spf-include-broken", probes.High, probes.Onboarding, d,
			"SPF evaluation fails (permerror): "+clip(walk.Reason, 80),
			fmt.Sprintf("The SPF record of %s parses, but evaluating it fails: %s. Receivers answer permerror.", d, walk.Reason),
			walk.Reason, "every include and redirect resolves to one valid SPF record",
			"Remove or correct the include named above; an include of a domain without an SPF record is a permanent error.", tree...))
	case walk.Lookups >= SPFLookupLimit-1:
		p.add(finding("email.spf-lookups-near-limit", probes.Low, probes.Onboarding, d,
			fmt.Sprintf("SPF uses %d of %d DNS lookups", walk.Lookups, SPFLookupLimit),
			fmt.Sprintf("The SPF record of %s is within the limit, but one more provider include (or a provider adding one to theirs) makes it permerror.%s", d, breakdown(walk)),
			fmt.Sprintf("%d lookups", walk.Lookups), fmt.Sprintf("comfortably under %d", SPFLookupLimit),
			fixLookups(walk), tree...))
	}
	if usesPTR(walk.Root) {
		p.add(finding("email.spf-ptr", probes.Low, probes.Onboarding, d,
			"SPF uses ptr, which receivers may ignore",
			"RFC 7208 5.5 says ptr SHOULD NOT be used: it is slow, it depends on the sender's reverse DNS, and some receivers skip it, so mail it would match fails instead.",
			"ptr term", "no ptr",
			"Replace ptr with ip4:/ip6: ranges or a: names of the sending hosts.", tree...))
	}
	if rec != nil {
		c.checkApproved(d, rec, walk, p)
	}
	rep.Verdicts = c.checkIPs(ctx, watch, d, walk, p)
	return rep
}

// checkAll judges how the record ends: the all mechanism decides what happens to mail
// from everyone else.
func (c *check) checkAll(d string, rec *SPFRecord, p *part) {
	all, ok := rec.All()
	switch {
	case !ok && rec.Redirect == nil:
		p.add(finding("email.spf-no-all", probes.Medium, probes.Trust, d,
			"SPF record has no all: forged mail gets neutral, not fail",
			fmt.Sprintf("The SPF record of %s ends without an all term or redirect=, so mail from any other server gets neutral: forgeries are not flagged.", d),
			rec.Raw, "a record ending in -all (or ~all while testing)",
			fmt.Sprintf("Add -all at the end: %q", strings.TrimSpace(rec.Raw)+" -all"), rec.Raw))
	case ok && all.Qualifier == '+':
		p.add(finding("email.spf-pass-all", probes.High, probes.Trust, d,
			"SPF ends in +all: anyone may send as "+d,
			fmt.Sprintf("The SPF record of %s passes mail from every server on the internet, so SPF vouches for forgeries of your password resets and receipts.", d),
			all.Raw, "-all",
			fmt.Sprintf("Replace %s with -all: %q", all.Raw, strings.Replace(rec.Raw, all.Raw, "-all", 1)), rec.Raw))
	case ok && all.Qualifier == '?':
		p.add(finding("email.spf-neutral-all", probes.Medium, probes.Trust, d,
			"SPF ends in ?all: forged mail gets neutral",
			fmt.Sprintf("The SPF record of %s ends in ?all, which tells receivers nothing about mail from other servers.", d),
			all.Raw, "-all (or ~all while testing)",
			fmt.Sprintf("Replace ?all with -all: %q", strings.Replace(rec.Raw, all.Raw, "-all", 1)), rec.Raw))
	}
}

// checkApproved compares the record's includes with email.approved_senders.
func (c *check) checkApproved(d string, rec *SPFRecord, walk *SPFWalk, p *part) {
	approved := c.cfg.ApprovedSenders
	if len(approved) == 0 {
		return
	}
	var present []string
	for _, t := range rec.Mechanisms {
		if t.Name == "include" {
			present = append(present, normDomain(t.Domain))
		}
	}
	if rec.Redirect != nil {
		present = append(present, normDomain(rec.Redirect.Domain))
	}
	for _, inc := range present {
		if slices.Contains(approved, inc) {
			continue
		}
		spent := 0
		for _, n := range walk.Root.Children {
			if n.Domain == inc {
				spent = n.Lookups
			}
		}
		p.add(finding("email.spf-unapproved-include", probes.Medium, probes.Trust, d,
			"SPF authorises "+inc+", which is not an approved sender",
			fmt.Sprintf("The SPF record of %s includes %s, which is not in email.approved_senders: every server that provider lets send may send as %s. It also spends %d of the %d DNS lookups.", d, inc, d, spent, SPFLookupLimit),
			"include:"+inc, "includes only of: "+strings.Join(approved, ", "),
			fmt.Sprintf("If %s sends for you, add it to email.approved_senders; if not, remove include:%s from the record.", inc, inc), rec.Raw))
	}
	for _, a := range approved {
		if slices.Contains(present, a) {
			continue
		}
		p.add(finding("email.spf-approved-missing", probes.High, probes.Onboarding, d,
			"SPF does not include approved sender "+a,
			fmt.Sprintf("email.approved_senders lists %s, but the SPF record of %s does not include it: mail that provider sends for you fails SPF.", a, d),
			rec.Raw, "include:"+a,
			fmt.Sprintf("Add include:%s before the all term: %q", a, insertInclude(rec.Raw, a)), rec.Raw))
	}
}

// checkIPs asks the reference evaluator for each configured sending IP.
func (c *check) checkIPs(ctx context.Context, watch *resolverWatch, d string, walk *SPFWalk, p *part) []SPFVerdict {
	var out []SPFVerdict
	for _, s := range c.cfg.SendingIPs {
		ip, err := netip.ParseAddr(s)
		if err != nil {
			continue // config validation refused it
		}
		v := EvaluateSPF(ctx, watch, ip, d, "postmaster@"+d)
		out = append(out, v)
		if err := watch.broken(); err != nil {
			p.fatal = fmt.Errorf("could not evaluate the SPF record of %s for %s: %w", d, s, err)
			return out
		}
		if v.Result == SPFPass {
			continue
		}
		if v.Result == SPFPermError && (walk.OverLimit() || walk.VoidOver() || walk.Result == SPFPermError) {
			continue // the same cause is already reported, with the breakdown
		}
		sev := probes.High
		if v.Result == SPFTempError {
			sev = probes.Medium
		}
		p.add(finding("email.spf-ip-not-authorised", sev, probes.Onboarding, d,
			fmt.Sprintf("Mail from %s gets SPF %s", s, v.Result),
			fmt.Sprintf("email.sending_ips lists %s as a provider's sending address, but receivers evaluating the SPF record of %s for it get %s (%s). That provider's mail fails SPF.", s, d, v.Result, v.Reason),
			"spf="+v.Result, "spf=pass",
			fmt.Sprintf("Add the provider's include: (or ip4:%s) to the SPF record of %s, or correct email.sending_ips.", s, d),
			"SPF record: "+walk.Root.Record, fmt.Sprintf("evaluated for %s, MAIL FROM postmaster@%s: %s (%s)", s, d, v.Result, v.Reason)))
	}
	return out
}

// rawStrings fetches the SPF record's character-strings, for the split checks, and the
// size of the TXT answer: the DNS response for the domain's TXT records as it arrived
// (header, question, every TXT record at the name, as the server compressed them),
// less the OPT record our EDNS query made the server add. That is the message a classic
// client without EDNS receives, the one RFC 7208 3.4 wants within 512 bytes so it fits
// a UDP packet. It is the measured size (netx.Answer.Size), not Msg.Len(): an unpacked
// message has Compress unset, so Len() counts each record's owner name in full, 12 or
// 13 bytes too many per record (a 1,000-record answer of 59,053 bytes came out 71,065).
func (c *check) rawStrings(ctx context.Context, d string) ([]string, int) {
	a, err := c.net.Query(ctx, d, dns.TypeTXT)
	if err != nil {
		return nil, 0
	}
	var strs []string
	for _, rr := range a.Msg.Answer {
		if t, ok := rr.(*dns.TXT); ok && IsSPF(strings.Join(t.Txt, "")) {
			strs = t.Txt
		}
	}
	size := a.Size
	if opt := a.Msg.IsEdns0(); opt != nil {
		size -= dns.Len(opt)
	}
	return strs, size
}

// checkSplit finds the two ways a record over 255 bytes goes wrong: strings joined so
// that two terms run together (SPF joins them without a space), and a record cut at the
// 255-byte limit of one string.
func (c *check) checkSplit(d string, rep *SPFReport, p *part) {
	s := rep.Strings
	if len(s) == 0 {
		return
	}
	for i := 1; i < len(s); i++ {
		prev, next := s[i-1], s[i]
		if prev == "" || next == "" || strings.HasSuffix(prev, " ") || strings.HasPrefix(next, " ") {
			continue
		}
		// A split inside one long term leaves fragments ("include:_spf.exa" "mple.com");
		// a split between two terms leaves two whole terms that now run together.
		last := prev[strings.LastIndexByte(prev, ' ')+1:]
		first, _, _ := strings.Cut(next, " ")
		if i == 1 && strings.EqualFold(last, "v=spf1") {
			last = "" // "v=spf1" "include:..." joins into a broken version tag
		} else if _, err := parseTerm(last); err != nil {
			continue
		}
		if _, err := parseTerm(first); err != nil && last != "" {
			continue
		}
		p.add(finding("email.spf-split-joins-terms", probes.High, probes.Onboarding, d,
			"SPF record's strings join two terms into one",
			fmt.Sprintf("The SPF record of %s is published as %d strings. Receivers join them without a space (RFC 7208 3.3), so %q and %q run together into %q.", d, len(s), tail(prev, 30), head(next, 30), tail(prev, 15)+head(next, 15)),
			fmt.Sprintf("%q %q", tail(prev, 30), head(next, 30)), "a space at the end of a string (or the start of the next) between terms",
			"Re-publish the record with a space before the closing quote of each string: \"... include:a.example \" \"include:b.example -all\".", quoteStrings(s)))
		return
	}
	last := s[len(s)-1]
	if len(last) == 255 {
		if _, all := parseAllTail(strings.Join(s, "")); !all {
			p.add(finding("email.spf-truncated", probes.Medium, probes.Onboarding, d,
				"SPF record looks cut at the 255-byte string limit",
				fmt.Sprintf("The last string of the SPF record of %s is exactly 255 bytes and the record does not end in an all term: DNS providers cut longer strings at 255 bytes instead of splitting them.", d),
				fmt.Sprintf("record ends %q", tail(last, 30)), "the whole record, split into strings of at most 255 bytes",
				"Publish the record as several quoted strings of at most 255 bytes each (\"part one \" \"part two\").", quoteStrings(s)))
		}
	}
}

// parseAllTail says whether a record ends in an all term or a redirect.
func parseAllTail(rec string) (string, bool) {
	f := strings.Fields(rec)
	if len(f) == 0 {
		return "", false
	}
	l := strings.ToLower(strings.TrimLeft(f[len(f)-1], "+-~?"))
	return l, l == "all" || strings.HasPrefix(l, "redirect=")
}

func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

func quoteStrings(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	return "TXT " + strings.Join(q, " ")
}

func includes(ds []string) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("include:" + d + " ")
	}
	return b.String()
}

// insertInclude puts include:a before the record's all term (or at the end).
func insertInclude(rec, a string) string {
	f := strings.Fields(rec)
	for i, t := range f {
		if l := strings.ToLower(strings.TrimLeft(t, "+-~?")); l == "all" || strings.HasPrefix(l, "redirect=") {
			return strings.Join(slices.Insert(f, i, "include:"+a), " ")
		}
	}
	return strings.Join(append(f, "include:"+a), " ")
}

func usesPTR(n *SPFNode) bool {
	if n == nil {
		return false
	}
	if r, err := ParseSPF(n.Record); err == nil {
		for _, t := range r.Mechanisms {
			if t.Name == "ptr" {
				return true
			}
		}
	}
	for _, c := range n.Children {
		if usesPTR(c) {
			return true
		}
	}
	return false
}

// atLeast is the lookup count, "at least N" when the walk stopped early.
func atLeast(w *SPFWalk) string {
	if w.Incomplete {
		return fmt.Sprintf("at least %d", w.Lookups)
	}
	return fmt.Sprint(w.Lookups)
}

// breakdown says which includes spend the lookups, biggest first.
func breakdown(w *SPFWalk) string {
	var parts []string
	own := w.Root.own
	for _, n := range sortedChildren(w.Root) {
		parts = append(parts, fmt.Sprintf("%s %d", n.Term, n.Lookups))
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf(" Per include: %s; the record's own terms %d.", strings.Join(parts, ", "), own)
}

func sortedChildren(n *SPFNode) []*SPFNode {
	c := slices.Clone(n.Children)
	slices.SortStableFunc(c, func(a, b *SPFNode) int { return b.Lookups - a.Lookups })
	return c
}

func fixLookups(w *SPFWalk) string {
	kids := sortedChildren(w.Root)
	if len(kids) == 0 {
		return "Replace a:, mx: and exists: terms with ip4:/ip6: ranges; each costs a lookup."
	}
	big := kids[0]
	return fmt.Sprintf("Cut lookups: %s spends %d; remove includes of providers you no longer use, replace a:/mx: terms with ip4: ranges, or ask the provider for a flatter include. Check again with: launchready check --only email", big.Term, big.Lookups)
}

// renderTree is the walk as indented evidence lines: each record, each include with what
// it spends.
func renderTree(w *SPFWalk) []string {
	var out []string
	var rec func(n *SPFNode, depth int)
	rec = func(n *SPFNode, depth int) {
		ind := strings.Repeat("  ", depth)
		label := n.Domain
		if n.Term != "" {
			label = n.Term
		}
		line := fmt.Sprintf("%s%s: %s", ind, label, plural(n.Lookups, "lookup"))
		if n.VoidLookups > 0 {
			line += fmt.Sprintf(", %d void", n.VoidLookups)
		}
		if n.Record != "" {
			line += fmt.Sprintf(" · %q", n.Record)
		}
		if n.Error != "" {
			line += " · " + n.Error
		}
		out = append(out, line)
		for _, c := range n.Children {
			rec(c, depth+1)
		}
	}
	rec(w.Root, 0)
	out = append(out, fmt.Sprintf("total: %s lookups (limit %d), %d void (limit %d), %d MX/PTR address lookups", atLeast(w), SPFLookupLimit, w.VoidLookups, SPFVoidLimit, w.AddressLookups))
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
