package mailauth

import (
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// garbledOverTCP serves srv's answers, except that for the names garbled says yes to it
// answers over UDP with TC set and over TCP with a half message whose garbled header
// says DSOTYPENI: the audit's resolver, broken for all names or only for some (as one
// that mangles only the answers too big for UDP).
func garbledOverTCP(t testing.TB, srv *testDNS, garbled func(name string) bool) string {
	t.Helper()
	h := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		if len(r.Question) != 1 || !garbled(strings.ToLower(r.Question[0].Name)) {
			srv.ServeDNS(w, r)
			return
		}
		m := new(dns.Msg)
		m.SetReply(r)
		m.Truncated = true
		if _, overUDP := w.RemoteAddr().(*net.UDPAddr); overUDP {
			_ = w.WriteMsg(m)
			return
		}
		m.Rcode = dns.RcodeStatefulTypeNotImplemented
		m.Answer = []dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: []string{"v=spf1 -all"}}}
		p, _ := m.Pack()
		_, _ = w.Write(p[:len(p)-4])
	})
	return serveDNS(t, h)
}

// A resolver that answers garbage over TCP after truncating over UDP says nothing about
// the domain's mail: the email check could not run, naming the resolver, with no
// temperror findings, whether every answer is garbled or only the one for an SPF include
// deep in the tree.
func TestGarbageFromTheResolverIsNotATemperror(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		garbled func(string) bool
		says    string
	}{
		{"every answer", func(string) bool { return true }, "acme.example"},
		{"only the SPF include", func(n string) bool { return n == "_spf.provider.example." }, "_spf.provider.example"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestDNS()
			srv.add(t, goodZone()...)
			resolver := garbledOverTCP(t, srv, c.garbled)
			r := sweepEmail(t, testEnv(t, goodEmail, netx.Config{Resolvers: []string{resolver}}))["acme.example"]
			if r.Status != probes.StatusError || len(r.Findings) != 0 {
				t.Errorf("status %s, findings %v (error %q): want could not run, no findings", r.Status, ids(r), r.Err)
			}
			for _, want := range []string{resolver, c.says, "not valid DNS"} {
				if !strings.Contains(r.Err, want) {
					t.Errorf("error %q does not say %q", r.Err, want)
				}
			}
			if slices.Contains(ids(r), "email.spf-temperror/medium") {
				t.Error("garbage from the resolver reported as an SPF temperror")
			}
			t.Log(r.Err)
		})
	}
}
