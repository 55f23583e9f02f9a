package runbook

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes/netx"
)

// DNSKind waits for a DNS record to have a value, through the configured resolvers
// (network.resolvers), as after moving a name to a new server:
//
//	check:
//	  dns: {name: app.acme.example, type: A, equals: [203.0.113.10]}
//
// The answer must hold exactly the values given (in any order): an old address still
// answering alongside the new one is not done yet.
var DNSKind = ConditionKind{
	Name: "dns",
	Doc:  "a DNS record has exactly the given values",
	Build: func(spec *config.Raw, env Env) (Condition, config.Errors) {
		var v struct {
			Name   string   `yaml:"name"`
			Type   string   `yaml:"type"`
			Equals []string `yaml:"equals"`
		}
		if errs := spec.Decode(&v); errs != nil {
			return nil, errs
		}
		var errs config.Errors
		p := spec.Path()
		c := &dnsCond{net: env.Net, name: strings.TrimSuffix(strings.ToLower(strings.TrimSpace(v.Name)), "."), typ: strings.ToUpper(v.Type)}
		if c.typ == "" {
			c.typ = "A"
		}
		if _, ok := dns.IsDomainName(c.name); !ok || c.name == "" || strings.Contains(c.name, "/") {
			errs = append(errs, spec.Error(p+".name", fmt.Sprintf("%q is not a DNS name", v.Name), "write the name to look up, like app.acme.example"))
		}
		qt, ok := dnsTypes[c.typ]
		if !ok {
			errs = append(errs, spec.Error(p+".type", fmt.Sprintf("%q is not a record type this check reads", v.Type), "use A, AAAA, CNAME, TXT, MX, NS or CAA"))
		}
		c.qtype = qt
		if len(v.Equals) == 0 {
			errs = append(errs, spec.Error(p, "has no equals:", "list the values the record must have, like equals: [203.0.113.10]"))
		}
		for i, e := range v.Equals {
			norm, msg := normValue(c.typ, e)
			if msg != "" {
				errs = append(errs, spec.Error(fmt.Sprintf("%s.equals[%d]", p, i), msg, ""))
			}
			c.want = append(c.want, norm)
		}
		slices.Sort(c.want)
		c.want = slices.Compact(c.want)
		return c, errs
	},
}

var dnsTypes = map[string]uint16{
	"A": dns.TypeA, "AAAA": dns.TypeAAAA, "CNAME": dns.TypeCNAME, "TXT": dns.TypeTXT,
	"MX": dns.TypeMX, "NS": dns.TypeNS, "CAA": dns.TypeCAA,
}

type dnsCond struct {
	name, typ string
	qtype     uint16
	want      []string
	net       *netx.Net
}

func (c *dnsCond) Describe() string {
	return fmt.Sprintf("%s %s is %s", c.typ, c.name, strings.Join(c.want, ", "))
}

// normValue writes a value the way answers are compared: addresses canonical, names lower
// case without the trailing dot, TXT strings joined.
func normValue(typ, v string) (string, string) {
	v = strings.TrimSpace(v)
	switch typ {
	case "A", "AAAA":
		ip, err := netip.ParseAddr(v)
		if err != nil || (typ == "A") != ip.Is4() {
			return v, fmt.Sprintf("%q is not an %s address", v, map[string]string{"A": "IPv4", "AAAA": "IPv6"}[typ])
		}
		return ip.String(), ""
	case "CNAME", "NS":
		return strings.TrimSuffix(strings.ToLower(v), "."), ""
	case "MX":
		pref, host, ok := strings.Cut(v, " ")
		if !ok {
			return v, fmt.Sprintf("%q is not an MX value", v) + "; write it like \"10 mx.acme.example\""
		}
		return pref + " " + strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), "."), ""
	}
	return v, ""
}

func (c *dnsCond) Poll(ctx context.Context, _ RunInfo) Observation {
	if c.net == nil {
		return Observation{Err: "no network configured for checks"}
	}
	a, err := c.net.Query(ctx, c.name, c.qtype)
	if err != nil {
		return Observation{Err: err.Error(), Summary: err.Error()}
	}
	if a.Msg.Rcode != dns.RcodeSuccess {
		return Observation{Summary: fmt.Sprintf("%s %s: %s from %s (want %s)", c.typ, c.name, dns.RcodeToString[a.Msg.Rcode], a.Server, strings.Join(c.want, ", "))}
	}
	var got []string
	for _, rr := range a.Msg.Answer {
		if rr.Header().Rrtype != c.qtype {
			continue
		}
		var v string
		switch r := rr.(type) {
		case *dns.A:
			v = r.A.String()
		case *dns.AAAA:
			v = r.AAAA.String()
		case *dns.CNAME:
			v = r.Target
		case *dns.NS:
			v = r.Ns
		case *dns.TXT:
			v = strings.Join(r.Txt, "")
		case *dns.MX:
			v = fmt.Sprintf("%d %s", r.Preference, r.Mx)
		default:
			v = strings.TrimSpace(strings.TrimPrefix(rr.String(), rr.Header().String()))
		}
		n, _ := normValue(c.typ, v)
		got = append(got, n)
	}
	slices.Sort(got)
	got = slices.Compact(got)
	shown := strings.Join(got, ", ")
	if len(got) == 0 {
		shown = "no " + c.typ + " records"
	}
	if slices.Equal(got, c.want) {
		return Observation{OK: true, Summary: fmt.Sprintf("%s %s = %s", c.typ, c.name, shown)}
	}
	return Observation{Summary: fmt.Sprintf("%s %s = %s (want %s)", c.typ, c.name, shown, strings.Join(c.want, ", "))}
}
