package discovery

import (
	"net/url"
	"strings"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes/mailauth"
)

// references schedules the names a lookup's records point at: CNAME targets, MX hosts,
// SPF include/a/mx/redirect domains, DMARC report domains, CAA iodef hosts and SRV
// targets. Names in the zone are asked in turn; names outside it are kept as External
// references, the evidence of most services.
func (r *run) references(name string, qtype uint16, f found) {
	owner := name
	for _, t := range f.chain {
		r.add(t, []uint16{qtype}, Source{Kind: FromCNAME, Detail: bare(owner) + " CNAME " + bare(t)})
		owner = t
	}
	for _, rr := range f.rrs {
		switch v := rr.(type) {
		case *dns.MX:
			if t := fqdn(v.Mx); t != "." {
				r.add(t, addrTypes, Source{Kind: FromMX, Detail: bare(name) + " MX " + bare(t)})
			}
		case *dns.SRV:
			if t := fqdn(v.Target); t != "." {
				r.add(t, addrTypes, Source{Kind: FromSRV, Detail: bare(name) + " SRV " + bare(t)})
			}
		case *dns.CAA:
			if v.Tag == "iodef" {
				if host, mail := iodefHost(v.Value); host != "" {
					r.add(host, mailOrAddr(mail), Source{Kind: FromCAA, Detail: bare(name) + " CAA iodef " + v.Value})
				}
			}
		case *dns.TXT:
			txt := strings.Join(v.Txt, "")
			if mailauth.IsSPF(txt) {
				for _, p := range spfPointers(txt) {
					r.add(p.domain, p.types, Source{Kind: FromSPF, Detail: bare(name) + " SPF " + p.term})
				}
			}
			if strings.HasPrefix(name, "_dmarc.") {
				for _, p := range dmarcPointers(txt) {
					r.add(p.domain, p.types, Source{Kind: FromDMARC, Detail: bare(name) + " DMARC " + p.term})
				}
			}
		}
	}
}

// pointer is a domain a policy record names, the term that names it, and what to ask
// of it.
type pointer struct {
	term   string
	domain string
	types  []uint16
}

// spfPointers lists the include, a, mx and redirect domains of an SPF record. It reads
// leniently, term by term, rather than through mailauth.ParseSPF: a record a receiver
// would reject for one bad term still names the senders worth finding. Domains with
// macros ("%{d}") are skipped: they name no one in particular.
func spfPointers(record string) []pointer {
	terms := strings.Fields(record)
	if len(terms) == 0 {
		return nil // callers check mailauth.IsSPF first, but the record is anyone's
	}
	var out []pointer
	for _, term := range terms[1:] {
		t := strings.ToLower(strings.TrimLeft(term, "+-~?"))
		var domain string
		var types []uint16
		switch {
		case strings.HasPrefix(t, "include:"):
			domain, types = t[len("include:"):], []uint16{dns.TypeTXT}
		case strings.HasPrefix(t, "redirect="):
			domain, types = t[len("redirect="):], []uint16{dns.TypeTXT}
		case strings.HasPrefix(t, "a:"):
			domain, types = t[len("a:"):], addrTypes
		case strings.HasPrefix(t, "mx:"):
			domain, types = t[len("mx:"):], []uint16{dns.TypeMX}
		default:
			continue
		}
		domain, _, _ = strings.Cut(domain, "/") // a:host/24
		if !hostLike(domain) {
			continue // empty, or a macro such as %{d}
		}
		out = append(out, pointer{term: term, domain: domain, types: types})
	}
	return out
}

// dmarcPointers lists the domains of a DMARC record's rua and ruf addresses, read
// leniently for the same reason as spfPointers.
func dmarcPointers(record string) []pointer {
	if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(record)), "v=dmarc1") {
		return nil
	}
	var out []pointer
	for _, tag := range strings.Split(record, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(tag), "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if !ok || (k != "rua" && k != "ruf") {
			continue
		}
		for _, uri := range strings.Split(v, ",") {
			uri = strings.TrimSpace(uri)
			_, addr, ok := strings.Cut(uri, "@")
			if !ok {
				continue
			}
			addr, _, _ = strings.Cut(addr, "!") // size limit, "!10m"
			if hostLike(addr) {
				out = append(out, pointer{term: k + "=" + uri, domain: strings.ToLower(addr), types: mailTypes})
			}
		}
	}
	return out
}

// hostLike says whether s looks like a host name worth asking: letters, digits, '-',
// '_' and dots, and a valid DNS name. Policy records are anyone's text.
func hostLike(s string) bool {
	if s == "" || strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "" {
		return false
	}
	_, ok := dns.IsDomainName(s)
	return ok
}

// mailTypes are asked of a domain that receives mail: its MX, then its addresses.
var mailTypes = []uint16{dns.TypeMX, dns.TypeA, dns.TypeAAAA}

func mailOrAddr(mail bool) []uint16 {
	if mail {
		return mailTypes
	}
	return addrTypes
}

// iodefHost is the domain of a CAA iodef URL: a mail domain for mailto:, a web host for
// http(s):.
func iodefHost(value string) (host string, mail bool) {
	u, err := url.Parse(strings.TrimSpace(value))
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "mailto":
		_, d, ok := strings.Cut(u.Opaque, "@")
		if !ok {
			return "", false
		}
		if !hostLike(d) {
			return "", false
		}
		return strings.ToLower(d), true
	case "http", "https":
		if !hostLike(u.Hostname()) {
			return "", false
		}
		return strings.ToLower(u.Hostname()), false
	}
	return "", false
}
