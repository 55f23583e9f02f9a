package dnscheck

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// zoneCheck asks the zone's own nameservers, one by one, what they serve: the answers
// every resolver in the world caches from. It is where disagreeing secondaries, lame
// delegations, TTLs, CAA, an apex CNAME and wildcards show.
type zoneCheck struct {
	net   *netx.Net
	st    Settings
	names []string          // documented names in the zone, fully qualified, in map order
	roles map[string]string // host name -> role, for impact
	info  probes.CheckInfo
}

// ZoneData is the zone check's detail for the console and reports.
type ZoneData struct {
	Zone        string       `json:"zone"`
	Nameservers []Nameserver `json:"nameservers"`
	Serial      uint32       `json:"serial,omitempty"`
	CAA         []string     `json:"caa,omitempty"` // the CAA records at the apex, as data
	CAAIssuers  []string     `json:"caa_issuers,omitempty"`
	DNSSEC      string       `json:"dnssec"` // unsigned, ds-published, validated, unknown
	Wildcard    bool         `json:"wildcard"`
}

// wildcardProbe is a label no one would create, asked to see whether a wildcard answers.
const wildcardProbe = "lr-wildcard-check-7f3e9a"

func newZoneCheck(n *netx.Net, hosts []config.Host, st Settings) *zoneCheck {
	c := &zoneCheck{net: n, st: st, roles: map[string]string{},
		info: probes.CheckInfo{Name: "dns zone " + bare(st.Zone), Kind: "dns", Pane: probes.PaneDNS, Target: bare(st.Zone)}}
	for _, h := range hosts {
		c.roles[fqdn(h.Name)] = h.Role
		c.addName(fqdn(h.Name))
	}
	for _, nm := range st.Names {
		c.addName(nm)
	}
	return c
}

func (c *zoneCheck) addName(n string) {
	if !slices.Contains(c.names, n) {
		c.names = append(c.names, n)
	}
}

func (c *zoneCheck) Info() probes.CheckInfo { return c.info }

func (c *zoneCheck) Run(ctx context.Context) probes.Result {
	d, err := findZone(ctx, c.net, c.st.Zone)
	if err != nil {
		return probes.Result{Err: "could not ask the resolvers for the nameservers of " + bare(c.st.Zone) + ": " + err.Error()}
	}
	zone := bare(d.zone)
	switch d.how {
	case nxdomain, nodata:
		f := finding("dns.zone-missing", probes.Critical, probes.Onboarding, zone,
			fmt.Sprintf("%s has no nameservers: the domain does not resolve", zone),
			fmt.Sprintf("The resolver %s finds no NS records for %s (%s): the domain is not registered, has expired, or is not delegated to any DNS provider, so none of its names work.", d.server, zone, dns.RcodeToString[d.rcode]),
			dns.RcodeToString[d.rcode]+", no NS records", "NS records delegating the zone to your DNS provider",
			fmt.Sprintf("Check the registration and the nameservers set at the registrar: whois %s; dig NS %s +trace.", zone, zone), d.ev)
		return probes.Result{Summary: f.Title, Findings: []probes.Finding{f}, Metrics: map[string]float64{"ns_agree": 0, "ns_count": 0}}
	case badRcode:
		if d.rcode == dns.RcodeRefused {
			return probes.Result{Err: fmt.Sprintf("resolver %s refused to answer NS %s (REFUSED): check network.resolvers or --resolver", d.server, zone)}
		}
		f := finding("dns.servfail", probes.Critical, probes.Onboarding, zone,
			fmt.Sprintf("%s fails to resolve: NS lookups answer %s", zone, dns.RcodeToString[d.rcode]),
			fmt.Sprintf("The resolver %s answered %s when asked for the nameservers of %s. Usually every nameserver of the zone is down or lame, or its DNSSEC is broken (a DS at the registrar that no key matches); members' resolvers fail the same way.", d.server, dns.RcodeToString[d.rcode], zone),
			dns.RcodeToString[d.rcode], "NOERROR with the zone's NS records",
			fmt.Sprintf("dig NS %s +trace shows where it breaks; check the nameservers at the registrar and, if the zone is no longer signed, remove its DS record there.", zone), d.ev)
		return probes.Result{Summary: f.Title, Findings: []probes.Finding{f}, Metrics: map[string]float64{"ns_agree": 0, "ns_count": 0}}
	}

	nss := probeNameservers(ctx, c.net, d.zone, d.ns)
	data := ZoneData{Zone: zone, Nameservers: nss, CAAIssuers: c.st.CAAIssuers}
	var fs []probes.Finding
	fs = append(fs, c.lame(zone, nss, d.ev)...)
	good, ok := firstGood(nss)
	res := probes.Result{Data: &data, Metrics: map[string]float64{"ns_count": float64(len(nss)), "ns_agree": 0}}
	if !ok {
		res.Findings = fs
		res.Summary = fmt.Sprintf("no nameserver of %s answers with authority", zone)
		return res
	}
	data.Serial = good.Serial
	res.Metrics["serial"] = float64(good.Serial)
	serialOK := true
	if f, ok := c.serials(zone, nss); ok {
		fs = append(fs, f)
		serialOK = false
	}
	answers := c.askAll(ctx, d.zone, nss)
	mismatch, compared := 0, 0
	for _, name := range c.names {
		if !dns.IsSubDomain(d.zone, name) {
			continue
		}
		byServer := answers[name]
		compared += countRecords(byServer[good.Name])
		if f, ok := c.agreement(name, nss, byServer); ok {
			fs = append(fs, f)
			mismatch++
		}
		if f, ok := c.ttl(name, good, byServer[good.Name]); ok {
			fs = append(fs, f)
		}
	}
	fs = append(fs, c.brokenMidway(zone, nss, answers)...)
	res.Metrics["records"] = float64(compared)

	caaRecs, caaFinding, caaEv := c.caa(ctx, d.zone, good)
	for _, r := range caaRecs {
		data.CAA = append(data.CAA, strings.TrimPrefix(r.String(), r.Header().String()))
	}
	res.Metrics["caa"] = float64(len(caaRecs))
	if caaFinding != nil {
		caaFinding.Evidence = caaEv
		fs = append(fs, *caaFinding)
	}
	if f, ok := c.apexCNAME(ctx, d.zone, good); ok {
		fs = append(fs, f)
	}
	if f, ok := c.wildcard(ctx, d.zone, good); ok {
		fs = append(fs, f)
		data.Wildcard = true
	}
	var dnssecFinding *probes.Finding
	data.DNSSEC, dnssecFinding = c.dnssec(ctx, d.zone, good)
	if dnssecFinding != nil {
		fs = append(fs, *dnssecFinding)
	}
	res.Metrics["dnssec"] = map[string]float64{"unsigned": 0, "ds-published": 1, "validated": 2, "unknown": -1}[data.DNSSEC]
	allOK := true
	for _, ns := range nss {
		allOK = allOK && ns.OK
	}
	agree := allOK && serialOK && mismatch == 0 && len(c.failedMidway(nss, answers)) == 0
	res.Metrics["ns_agree"] = b2f(agree)
	res.Findings = fs
	res.Summary = c.summary(nss, agree, good.Serial, caaRecs, data.DNSSEC, fs)
	return res
}

func (c *zoneCheck) summary(nss []Nameserver, agree bool, serial uint32, caa []dns.RR, dnssec string, fs []probes.Finding) string {
	if w := probes.Worst(fs); len(fs) > 0 && w >= probes.High {
		for _, f := range fs {
			if f.Severity == w {
				return f.Title
			}
		}
	}
	state := "agree"
	if !agree {
		state = "disagree"
	}
	if len(nss) == 1 {
		state = "answers"
	}
	caaText := "no CAA"
	if ids := caaIssuers(caa, "issue"); len(caa) > 0 {
		caaText = "CAA " + strings.Join(ids, ", ")
		if len(ids) == 0 {
			caaText = "CAA (no issue)"
		}
	}
	return fmt.Sprintf("%s %s · serial %d · %s · DNSSEC %s", plural(len(nss), "nameserver"), state, serial, caaText, dnssec)
}

func (c *zoneCheck) impact(name string) probes.Impact {
	if r, ok := c.roles[name]; ok {
		return roleImpact(r)
	}
	return probes.Support
}

// lame reports each nameserver that does not answer for the zone; all of them lame is
// critical, since then resolvers have nowhere to ask.
func (c *zoneCheck) lame(zone string, nss []Nameserver, ev []string) []probes.Finding {
	var bad []Nameserver
	for _, ns := range nss {
		if !ns.OK {
			bad = append(bad, ns)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	if len(bad) == len(nss) {
		evs := slices.Clone(ev)
		for _, ns := range nss {
			evs = append(evs, ns.ev)
		}
		return []probes.Finding{finding("dns.lame-nameserver", probes.Critical, probes.Onboarding, zone,
			fmt.Sprintf("No nameserver of %s answers for it", zone),
			fmt.Sprintf("Every nameserver the zone is delegated to fails when asked directly: %s. Resolvers cannot get any answer for %s once their caches expire.", lameList(nss), zone),
			lameList(nss), "each NS answers the zone's SOA with authority",
			fmt.Sprintf("Check the DNS provider's status and the NS records at the registrar (dig NS %s +trace); they must name servers that serve this zone.", zone), evs)}
	}
	var out []probes.Finding
	for _, ns := range bad {
		out = append(out, finding("dns.lame-nameserver", probes.High, probes.Onboarding, zone,
			fmt.Sprintf("Nameserver %s is lame: it %s", ns.Name, ns.Reason),
			fmt.Sprintf("%s is one of the NS of %s but %s when asked for the zone's SOA directly. Resolvers that pick it (about one in %d) wait, retry elsewhere or fail: slow or broken lookups for members.", ns.Name, zone, ns.Reason, len(nss)),
			ns.Reason, "an authoritative answer (AA) with the zone's SOA",
			fmt.Sprintf("Make %s serve the zone again, or remove it from the NS records at the registrar and in the zone (`%s. IN NS %s.`).", ns.Name, zone, ns.Name), append(slices.Clone(ev), ns.ev)))
	}
	return out
}

// serials: secondaries that lag the primary serve an old zone.
func (c *zoneCheck) serials(zone string, nss []Nameserver) (probes.Finding, bool) {
	var seen []uint32
	var parts, ev []string
	for _, ns := range nss {
		if !ns.OK {
			continue
		}
		if !slices.Contains(seen, ns.Serial) {
			seen = append(seen, ns.Serial)
		}
		parts = append(parts, fmt.Sprintf("%s %d", ns.Name, ns.Serial))
		ev = append(ev, ns.ev)
	}
	if len(seen) < 2 {
		return probes.Finding{}, false
	}
	return finding("dns.serial-mismatch", probes.Medium, probes.Support, zone,
		fmt.Sprintf("Nameservers of %s serve different versions of the zone (serials %s)", zone, joinSerials(seen)),
		fmt.Sprintf("The SOA serials differ: %s. A secondary has not picked up the latest changes, so members get old or new records depending on which server their resolver asks.", strings.Join(parts, ", ")),
		strings.Join(parts, ", "), "one serial on every nameserver",
		"Check zone transfers from the primary to the secondaries (NOTIFY, AXFR/IXFR allowed to them, the secondary's logs); if you edit the zone by hand, make sure the serial went up.", ev), true
}

func joinSerials(ss []uint32) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = fmt.Sprint(s)
	}
	return strings.Join(parts, " and ")
}

// nsAnswer is one server's answers for one name (A then AAAA).
type nsAnswer struct {
	key string   // what is compared: rcodes and records
	rrs []dns.RR // A/AAAA/CNAME records owned by or chained from the name
	ev  []string
	err string // set when the server gave no usable answer
}

// askAll asks every good nameserver for every documented name's A and AAAA, in parallel.
func (c *zoneCheck) askAll(ctx context.Context, zone string, nss []Nameserver) map[string]map[string]*nsAnswer {
	type job struct{ name, ns string }
	var jobs []job
	out := map[string]map[string]*nsAnswer{}
	for _, name := range c.names {
		if !dns.IsSubDomain(zone, name) {
			continue
		}
		out[name] = map[string]*nsAnswer{}
		for _, ns := range nss {
			if ns.OK {
				jobs = append(jobs, job{name, ns.Name})
				out[name][ns.Name] = &nsAnswer{}
			}
		}
	}
	parallel(len(jobs), queryWidth, func(i int) {
		j := jobs[i]
		ans := out[j.name][j.ns]
		server := nsServer(Nameserver{Name: j.ns})
		var keys []string
		for _, t := range []uint16{dns.TypeA, dns.TypeAAAA} {
			a, err := queryServer(ctx, c.net, server, j.name, t)
			if err != nil {
				ans.err = serverFailure(err)
				ans.ev = append(ans.ev, fmt.Sprintf("%s %s @%s -> %s", bare(j.name), dns.TypeToString[t], server, ans.err))
				return
			}
			ans.ev = append(ans.ev, describeAnswer(a, server))
			var recs []string
			for _, rr := range a.Msg.Answer {
				ans.rrs = append(ans.rrs, rr)
				recs = append(recs, strings.ToLower(rrLine(rr)))
			}
			slices.Sort(recs)
			keys = append(keys, dns.RcodeToString[a.Msg.Rcode]+"["+strings.Join(recs, "|")+"]")
		}
		ans.key = strings.Join(keys, " ")
	})
	return out
}

func countRecords(a *nsAnswer) int {
	if a == nil {
		return 0
	}
	return len(a.rrs)
}

// agreement compares what each server answered for one name.
func (c *zoneCheck) agreement(name string, nss []Nameserver, byServer map[string]*nsAnswer) (probes.Finding, bool) {
	var keys []string
	var parts, ev []string
	for _, ns := range nss {
		a := byServer[ns.Name]
		if a == nil || a.err != "" {
			continue
		}
		if !slices.Contains(keys, a.key) {
			keys = append(keys, a.key)
		}
		parts = append(parts, fmt.Sprintf("%s: %s", ns.Name, answerText(a)))
		ev = append(ev, a.ev...)
	}
	if len(keys) < 2 {
		return probes.Finding{}, false
	}
	return finding("dns.ns-answer-mismatch", probes.High, c.impact(name), bare(name),
		fmt.Sprintf("Nameservers disagree about %s", bare(name)),
		fmt.Sprintf("Asked directly, the nameservers give different answers for %s: %s. Which one a member gets depends on which server their resolver asked, and it can change from one visit to the next.", bare(name), strings.Join(parts, "; ")),
		strings.Join(parts, "; "), "the same records from every nameserver",
		"Make every nameserver serve the same zone: check zone transfers to the secondaries, or, with two DNS providers, make the same change at both.", ev), true
}

// answerText is one server's records for a name, for people.
func answerText(a *nsAnswer) string {
	if len(a.rrs) == 0 {
		return "no records"
	}
	var parts []string
	for _, rr := range a.rrs {
		h := rr.Header()
		parts = append(parts, fmt.Sprintf("%s %d %s", dns.TypeToString[h.Rrtype], h.Ttl, strings.TrimPrefix(rr.String(), h.String())))
	}
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), ", ")
}

// failedMidway lists servers that answered the SOA but not some names.
func (c *zoneCheck) failedMidway(nss []Nameserver, answers map[string]map[string]*nsAnswer) map[string][]string {
	out := map[string][]string{}
	for _, name := range c.names {
		for ns, a := range answers[name] {
			if a.err != "" {
				out[ns] = append(out[ns], bare(name)+": "+a.err)
			}
		}
	}
	return out
}

// brokenMidway reports servers that answer the SOA but fail for names: as lame as a
// server that fails outright, for those names.
func (c *zoneCheck) brokenMidway(zone string, nss []Nameserver, answers map[string]map[string]*nsAnswer) []probes.Finding {
	failed := c.failedMidway(nss, answers)
	var out []probes.Finding
	for _, ns := range nss {
		errs := failed[ns.Name]
		if len(errs) == 0 {
			continue
		}
		var ev []string
		for _, name := range c.names {
			if a := answers[name][ns.Name]; a != nil && a.err != "" {
				ev = append(ev, a.ev...)
			}
			if len(ev) >= maxEvidenceRecords {
				break
			}
		}
		out = append(out, finding("dns.lame-nameserver", probes.High, probes.Onboarding, zone,
			fmt.Sprintf("Nameserver %s fails for %s of the documented names", ns.Name, fmt.Sprint(len(errs))),
			fmt.Sprintf("%s answers the SOA of %s but not these names: %s.", ns.Name, zone, clip(strings.Join(errs, "; "), 600)),
			clip(strings.Join(errs, "; "), 300), "an answer for every name",
			fmt.Sprintf("Check %s's logs and rate limits; if it cannot be fixed, remove it from the NS records at the registrar and in the zone.", ns.Name), ev))
	}
	return out
}

// ttl flags a host expected to change during launch whose records are cached longer than
// the launch maximum: a fix would take that long to reach everyone.
func (c *zoneCheck) ttl(name string, good Nameserver, a *nsAnswer) (probes.Finding, bool) {
	if _, isHost := c.roles[name]; !isHost || slices.Contains(c.st.Stable, name) || a == nil || a.err != "" {
		return probes.Finding{}, false
	}
	var top uint32
	var rec dns.RR
	for _, rr := range a.rrs {
		if fqdn(rr.Header().Name) == name && rr.Header().Ttl > top {
			top, rec = rr.Header().Ttl, rr
		}
	}
	limit := uint32(c.st.LaunchMaxTTL / time.Second)
	if top <= limit {
		return probes.Finding{}, false
	}
	got := (time.Duration(top) * time.Second).String()
	want := c.st.LaunchMaxTTL.String()
	fixed := dns.Copy(rec)
	fixed.Header().Ttl = min(300, limit)
	return finding("dns.ttl-too-long", probes.Low, probes.Support, bare(name),
		fmt.Sprintf("%s has a TTL of %s (launch maximum %s)", bare(name), trimDuration(got), trimDuration(want)),
		fmt.Sprintf("%s's records are cached for %d seconds (%s, from %s). If it has to change during launch (a move, a rollback to another host), members' resolvers keep the old answer for up to that long.",
			bare(name), top, trimDuration(got), good.Name),
		fmt.Sprintf("TTL %d", top), fmt.Sprintf("TTL at most %d (dns.launch_max_ttl)", limit),
		fmt.Sprintf("Lower it now, at least %s before a planned change: `%s`. If %s will not change, list it under dns.stable in launchready.yaml.", trimDuration(got), rrLine(fixed), bare(name)), a.ev), true
}

// trimDuration writes 24h0m0s as 24h and 1h30m0s as 1h30m.
func trimDuration(s string) string {
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// caa reads the apex CAA set from an authoritative server.
func (c *zoneCheck) caa(ctx context.Context, zone string, good Nameserver) ([]dns.RR, *probes.Finding, []string) {
	a, err := queryServer(ctx, c.net, nsServer(good), zone, dns.TypeCAA)
	if err != nil {
		return nil, nil, nil
	}
	ev := []string{describeAnswer(a, nsServer(good))}
	recs := owned(a.Msg.Answer, zone, dns.TypeCAA)
	z := bare(zone)
	if len(recs) == 0 {
		if a.Msg.Rcode != dns.RcodeSuccess {
			return nil, nil, ev
		}
		want := "letsencrypt.org"
		if len(c.st.CAAIssuers) > 0 {
			want = c.st.CAAIssuers[0]
		}
		f := finding("dns.caa-missing", probes.Low, probes.Trust, z,
			fmt.Sprintf("%s has no CAA record: any CA may issue certificates for it", z),
			fmt.Sprintf("Without CAA (RFC 8659) every public CA may issue a certificate for %s and its names. A CAA record naming your CA makes a mis-issued certificate (a phished DNS login, a careless CA) much harder.", z),
			"no CAA records", "CAA naming the CA that issues your certificates",
			fmt.Sprintf("Add `%s 3600 IN CAA 0 issue \"%s\"` (your CA; one line per CA you use) at your DNS provider.", zone, want), nil)
		return nil, &f, ev
	}
	allowed := caaIssuers(recs, "issue")
	hasIssue := len(caaTags(recs, "issue")) > 0
	var missing []string
	for _, ca := range c.st.CAAIssuers {
		if hasIssue && !slices.Contains(allowed, ca) {
			missing = append(missing, ca)
		}
	}
	if len(missing) == 0 {
		return recs, nil, ev
	}
	var fixes []string
	for _, ca := range missing {
		fixes = append(fixes, fmt.Sprintf("`%s 3600 IN CAA 0 issue \"%s\"`", zone, ca))
	}
	allowedText := strings.Join(allowed, ", ")
	if allowedText == "" {
		allowedText = "no CA at all"
	}
	f := finding("dns.caa-mismatch", probes.High, probes.Onboarding, z,
		fmt.Sprintf("CAA on %s does not allow %s: the next certificate renewal will fail", z, strings.Join(missing, ", ")),
		fmt.Sprintf("%s's CAA records allow %s, but the config says certificates come from %s (dns.caa_issuers). CAs must check CAA, so %s will refuse to issue or renew, and the site's certificate will expire.",
			z, allowedText, strings.Join(c.st.CAAIssuers, ", "), strings.Join(missing, ", ")),
		"CAA issue "+allowedText, "CAA allowing "+strings.Join(c.st.CAAIssuers, ", "),
		fmt.Sprintf("Add %s at your DNS provider (keep the other CAA records only if that CA is still used); if you changed CA, update dns.caa_issuers.", strings.Join(fixes, " and ")), nil)
	return recs, &f, ev
}

// caaTags returns the CAA records with the tag.
func caaTags(rrs []dns.RR, tag string) []*dns.CAA {
	var out []*dns.CAA
	for _, rr := range rrs {
		if v, ok := rr.(*dns.CAA); ok && strings.EqualFold(v.Tag, tag) {
			out = append(out, v)
		}
	}
	return out
}

// caaIssuers lists the CA domains the records of the tag allow; a record with an empty
// domain (";") allows none and adds nothing.
func caaIssuers(rrs []dns.RR, tag string) []string {
	var out []string
	for _, v := range caaTags(rrs, tag) {
		d, _, _ := strings.Cut(v.Value, ";")
		d = strings.ToLower(strings.TrimSpace(d))
		if d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// apexCNAME: a CNAME at the apex cannot coexist with the SOA and NS that must be there
// (RFC 1034 3.6.2), and breaks mail and more.
func (c *zoneCheck) apexCNAME(ctx context.Context, zone string, good Nameserver) (probes.Finding, bool) {
	a, err := queryServer(ctx, c.net, nsServer(good), zone, dns.TypeCNAME)
	if err != nil {
		return probes.Finding{}, false
	}
	cn := owned(a.Msg.Answer, zone, dns.TypeCNAME)
	if len(cn) == 0 {
		return probes.Finding{}, false
	}
	z := bare(zone)
	target := bare(cn[0].(*dns.CNAME).Target)
	return finding("dns.apex-cname", probes.High, probes.Onboarding, z,
		fmt.Sprintf("CNAME at the apex: %s -> %s", z, target),
		fmt.Sprintf("%s, the zone's apex, is a CNAME to %s. The apex must hold the SOA and NS records, and a CNAME may not share its name with anything (RFC 1034 3.6.2): resolvers and mail servers treat the zone inconsistently, and MX records at the apex are ignored.", z, target),
		"CNAME "+target, "A/AAAA records (or the provider's ALIAS/ANAME or CNAME flattening)",
		fmt.Sprintf("Replace the CNAME at %s with A/AAAA records for %s's addresses, or use your DNS provider's ALIAS/ANAME record (Cloudflare flattens an apex CNAME for you).", z, target),
		[]string{describeAnswer(a, nsServer(good))}), true
}

// wildcard asks for a name nobody would create: an answer means a wildcard record.
func (c *zoneCheck) wildcard(ctx context.Context, zone string, good Nameserver) (probes.Finding, bool) {
	probe := wildcardProbe + "." + zone
	a, err := queryServer(ctx, c.net, nsServer(good), probe, dns.TypeA)
	if err != nil || a.Msg.Rcode != dns.RcodeSuccess || len(a.Msg.Answer) == 0 {
		return probes.Finding{}, false
	}
	z := bare(zone)
	return finding("dns.wildcard", probes.Low, probes.Trust, "*."+z,
		fmt.Sprintf("Wildcard record: every name under %s resolves", z),
		fmt.Sprintf("Asking for %s, a name nobody created, gets an answer: the zone has a wildcard (*.%s). Every typo'd or forgotten subdomain resolves, which hides mistakes, and a wildcard pointing at a hosting provider lets anyone there claim any name under %s.", bare(probe), z, z),
		answerText(&nsAnswer{rrs: a.Msg.Answer}), "NXDOMAIN for names that were never created",
		fmt.Sprintf("Remove the wildcard records at *.%s unless they are intended (then note why in the DNS map), and create the names you use explicitly.", z),
		[]string{describeAnswer(a, nsServer(good))}), true
}

// dnssec reports the zone's DNSSEC state through the resolvers: a DS at the parent means
// the zone is signed; the AD bit means the resolver validated it. A DS that no key of the
// zone matches (the zone was moved to a provider that does not sign, or its keys rolled
// without the registrar being told) is the worst DNS failure there is: every validating
// resolver (Google's, Cloudflare's, most ISPs') answers SERVFAIL for every name, while
// non-validating ones, and so whoever tests from the office, see nothing wrong. The zone's
// own nameserver is asked for its keys, so a validating resolver's SERVFAIL cannot hide them.
func (c *zoneCheck) dnssec(ctx context.Context, zone string, good Nameserver) (string, *probes.Finding) {
	ds, err := query(ctx, c.net, zone, dns.TypeDS)
	if err != nil || ds.Msg.Rcode != dns.RcodeSuccess {
		return "unknown", nil
	}
	dss := owned(ds.Msg.Answer, zone, dns.TypeDS)
	if len(dss) == 0 {
		return "unsigned", nil
	}
	state := "ds-published"
	if soa, err := query(ctx, c.net, zone, dns.TypeSOA, netx.WithDNSSEC()); err == nil && soa.Msg.AuthenticatedData {
		state = "validated"
	}
	keys, err := queryServer(ctx, c.net, nsServer(good), zone, dns.TypeDNSKEY, netx.WithDNSSEC())
	if err != nil || keys.Msg.Rcode != dns.RcodeSuccess {
		return state, nil // cannot tell: the keys' absence is not proven
	}
	tags := map[uint16]bool{}
	var have []string
	for _, rr := range owned(keys.Msg.Answer, zone, dns.TypeDNSKEY) {
		k := rr.(*dns.DNSKEY)
		tags[k.KeyTag()] = true
		have = append(have, fmt.Sprintf("%d (alg %d)", k.KeyTag(), k.Algorithm))
	}
	var want []string
	for _, rr := range dss {
		d := rr.(*dns.DS)
		if tags[d.KeyTag] {
			return state, nil
		}
		want = append(want, fmt.Sprintf("%d (alg %d)", d.KeyTag, d.Algorithm))
	}
	z := bare(zone)
	observed := fmt.Sprintf("DS at the registry for key tag %s; %s serves no DNSKEY", strings.Join(want, ", "), good.Name)
	if len(have) > 0 {
		observed = fmt.Sprintf("DS at the registry for key tag %s; %s serves DNSKEY %s", strings.Join(want, ", "), good.Name, strings.Join(have, ", "))
	}
	f := finding("dns.dnssec-broken", probes.Critical, probes.Revenue, z,
		fmt.Sprintf("DNSSEC broken: the registry's DS for %s matches no key of the zone", z),
		fmt.Sprintf("The registry publishes a DS record for %s, so validating resolvers (8.8.8.8, 1.1.1.1 and most ISPs') require the zone's answers to be signed by that key. The zone's nameservers do not serve it: those resolvers answer SERVFAIL for every name under %s, the site, the API and mail included, while non-validating resolvers (and many office networks) see nothing wrong.", z, z),
		observed, "a DNSKEY in the zone whose key tag matches the DS (or no DS at all)",
		fmt.Sprintf("At the registrar, remove the DS record for %s (DNSSEC off), then sign the zone at the DNS provider and publish its new DS; or, if the zone is signed elsewhere, publish that provider's DS. Check with: dig +dnssec +cd DNSKEY %s and dig DS %s.", z, z, z),
		[]string{describeAnswer(ds, "the resolver"), describeAnswer(keys, nsServer(good))})
	return state, &f
}
