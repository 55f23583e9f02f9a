package initcfg

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// plainYAML is what may go unquoted: names, addresses, URLs and simple words.
var plainYAML = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$`)

// q writes a string as a YAML scalar: plain when that cannot be misread, else a JSON
// string (a valid YAML double-quoted scalar).
func q(s string) string {
	switch strings.ToLower(s) {
	case "yes", "no", "true", "false", "on", "off", "null", "y", "n", "~":
		return strconv.Quote(s)
	}
	if plainYAML.MatchString(s) && !strings.Contains(s, ": ") && !strings.HasSuffix(s, ":") {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return s
		}
	}
	b, _ := json.Marshal(s)
	return string(b)
}

func list(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = q(s)
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// comment makes one line safe to put after '#': no newline can end the comment early.
func comment(s string) string { return strings.Join(strings.Fields(s), " ") }

// Render writes the draft as a commented launchready.yaml in the style of the example.
// now dates the header.
func (d *Draft) Render(now time.Time) []byte {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...); b.WriteByte('\n') }
	p("# launchready.yaml for %s, written by `launchready init %s` on %s.", d.Domain, d.Domain, now.UTC().Format("2006-01-02"))
	p("#")
	p("# What is below is what init found live: each host's records are written as the")
	p("# documented state, so from now on a change to them is drift. Review every line,")
	p("# then run `launchready validate`. examples/launchready.yaml documents every key.")
	p("# Secrets are never written here: a secret field takes env:NAME or file:PATH.")
	if len(d.Services) > 0 {
		p("#")
		p("# Recognised services:")
		for _, s := range d.Services {
			p("#   %s", comment(s.String()))
		}
	}
	if und := d.Undecided(); len(und) > 0 {
		p("#")
		p("# Guessed, not known (check these):")
		for _, u := range und {
			p("#   - %s", comment(u))
		}
	}
	p("")
	p("# The product as members know it (from the canonical page's title).")
	p("product: %s", q(d.Product))
	p("")
	p("domain: %s", q(d.Domain))
	p("")
	if d.Canonical != "" {
		p("# The one address members should end up on: where https://%s/ leads.", d.Domain)
		for _, c := range d.Web.Chains {
			p("#   %s", comment(chainText(c)))
		}
		p("canonical_url: %s", q(d.Canonical))
	} else {
		p("# No site answered at the apex or www: write the one address members should end up on.")
		p("# canonical_url: https://app.%s/", d.Domain)
	}
	p("")
	p("# production, staging or lab; init guessed from the addresses: %s.", comment(d.EnvWhy))
	p("environment: %s", d.Environment)
	p("")
	d.renderHosts(p)
	d.renderLeft(p)
	d.renderDNS(p)
	d.renderNetwork(p)
	p("# The domain's registration, read from the registry over RDAP once a day.")
	p("# registration:")
	p("#   registrar: Your Registrar, Inc.   # the one you pay; another is a finding")
	p("")
	d.renderTLS(p)
	d.renderEmail(p)
	d.renderEndpoints(p)
	return []byte(b.String())
}

func chainText(c Chain) string {
	var parts []string
	for _, h := range c.Hops {
		if h.Status == 0 {
			parts = append(parts, h.URL)
		} else {
			parts = append(parts, fmt.Sprintf("%s (%d)", h.URL, h.Status))
		}
	}
	s := strings.Join(parts, " -> ")
	if c.Problem != "" {
		s += ": " + c.Problem
	}
	return s
}

func (d *Draft) renderHosts(p func(string, ...any)) {
	p("# The documented DNS map: every public name, what it points to now, and what it is for.")
	p("# role: app, api, admin, www, marketing, mail, status or other.")
	if len(d.Hosts) == 0 {
		p("# No host with an address was found; add yours:")
		p("# hosts:")
		p("#   - name: app.%s", d.Domain)
		p("#     role: app")
		p("#     a: [192.0.2.10]")
		p("hosts: []")
		p("")
		return
	}
	p("hosts:")
	for _, h := range d.Hosts {
		p("  - name: %s", q(h.Name))
		why := "guessed from " + h.RoleWhy
		if !h.RoleSure {
			why += "; not sure, check it"
		}
		p("    role: %s   # %s", h.Role, comment(why))
		switch {
		case h.CNAME != "":
			p("    cname: %s", q(h.CNAME))
		default:
			if len(h.A) > 0 {
				p("    a: %s", list(h.A))
			}
			if len(h.AAAA) > 0 {
				p("    aaaa: %s", list(h.AAAA))
			}
		}
		if h.URL != "" {
			p("    url: %s", q(h.URL))
		}
		if len(h.Expect) > 0 {
			ss := make([]string, len(h.Expect))
			for i, e := range h.Expect {
				ss[i] = strconv.Itoa(e)
			}
			p("    expect_status: [%s]", strings.Join(ss, ", "))
		}
		for _, n := range h.Notes {
			p("    # %s", comment(n))
		}
	}
	p("")
}

func (d *Draft) renderLeft(p func(string, ...any)) {
	if len(d.Left) == 0 {
		return
	}
	p("# Found but not written as hosts:")
	for _, l := range d.Left {
		p("#   %s", comment(l))
	}
	p("")
}

func (d *Draft) renderDNS(p func(string, ...any)) {
	p("dns:")
	p("  # The longest TTL a host that may change during launch should have.")
	p("  launch_max_ttl: 1h")
	if d.MapFile != "" {
		p("  # The documented DNS map, written beside this file by init (`launchready dns export`")
		p("  # writes it again). The DNS pane checks the live zone against it.")
		p("  map_file: %s", q(d.MapFile))
	}
	p("  # The CAs your certificates come from; the zone's CAA records must allow each.")
	if len(d.CAA) > 0 {
		p("  # The zone's CAA allows: %s.", comment(strings.Join(d.CAA, ", ")))
	}
	p("  # caa_issuers: [letsencrypt.org]")
	p("")
}

func (d *Draft) renderNetwork(p func(string, ...any)) {
	n := d.Network
	if len(n.Resolvers) == 0 && len(n.ConnectTo) == 0 && n.CAFile == "" && n.RDAPURL == "" {
		return
	}
	p("# How probes reach the world. init was run with these overrides (a staging or lab run),")
	p("# so they are kept; a production config usually has none.")
	p("network:")
	if len(n.Resolvers) > 0 {
		p("  resolvers: %s", list(n.Resolvers))
	}
	if len(n.ConnectTo) > 0 {
		p("  connect_to:")
		keys := make([]string, 0, len(n.ConnectTo))
		for k := range n.ConnectTo {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p("    %s: %s", strconv.Quote(k), strconv.Quote(n.ConnectTo[k]))
		}
	}
	if n.CAFile != "" {
		p("  ca_file: %s", q(n.CAFile))
	}
	if n.RDAPURL != "" {
		p("  rdap_url: %s", q(n.RDAPURL))
	}
	p("")
}

func (d *Draft) renderTLS(p func(string, ...any)) {
	p("# The Certificates and HTTPS pane checks every host above with no settings; pages are")
	p("# extra pages scanned for mixed content (canonical_url always is).")
	if d.Web.Login != nil {
		p("tls:")
		p("  pages: [%s]", q(d.Web.Login.Page))
	} else {
		p("# tls:")
		p("#   pages: [%s]", q(orDefault(d.Canonical, "https://app."+d.Domain+"/")+"login"))
	}
	p("")
}

func (d *Draft) renderEmail(p func(string, ...any)) {
	e := d.Email
	if e == nil {
		p("# No MX or SPF at %s: no mail is sent from it. If the product sends mail from", d.Domain)
		p("# another domain, list it:")
		p("# email:")
		p("#   domains: [mail.%s]", d.Domain)
		p("")
		return
	}
	p("# The email pane: SPF, DKIM, DMARC, MX, MTA-STS/TLS-RPT of each sending domain.")
	for _, pr := range e.Providers {
		p("#   %s", comment(pr))
	}
	p("email:")
	p("  domains: %s", list(e.Domains))
	if len(e.Senders) > 0 {
		p("  # The SPF includes found in the record today. Keep only the ones you approved:")
		p("  # an include not listed here is a finding.")
		p("  approved_senders: %s", list(e.Senders))
	}
	if len(e.Selectors) > 0 {
		p("  # DKIM selectors that answered.")
		p("  dkim_selectors: %s", list(e.Selectors))
	} else {
		p("  # No DKIM key answered at a well-known selector; add your provider's:")
		p("  # dkim_selectors: [s1]")
	}
	p("")
}

func (d *Draft) renderEndpoints(p func(string, ...any)) {
	if d.Canonical == "" {
		return
	}
	p("# The Endpoints pane: requests with conditions, each its own check.")
	p("endpoints:")
	login, signup := d.Web.Login, d.Web.Signup
	p("  # Sessions sign in as a test user (create one; never a real member):")
	if login != nil {
		format := "form"
		p("  # sessions:")
		p("  #   - name: member")
		p("  #     login:")
		p("  #       url: %s", q(login.Action))
		p("  #       format: %s", format)
		user := "email"
		if len(login.Fields) > 0 {
			user = login.Fields[0]
		}
		p("  #       fields: {%s: test-member@%s}", q(user), d.Domain)
		p("  #       secret_fields: {%s: env:LAUNCHREADY_TEST_MEMBER_PASSWORD}   # by reference only", q(login.Password))
	} else {
		p("  # (no sign-in form was found on %s)", d.Canonical)
		p("  # sessions:")
		p("  #   - name: member")
		p("  #     login: {url: %s, fields: {email: test-member@%s}, secret_fields: {password: env:LAUNCHREADY_TEST_MEMBER_PASSWORD}}", q(d.Canonical+"login"), d.Domain)
	}
	p("  checks:")
	p("    - name: homepage")
	p("      url: %s", q(d.Canonical))
	p("      severity: critical")
	p("      impact: onboarding")
	if login != nil {
		p("    - name: login page")
		p("      url: %s", q(login.Page))
		p("      security_headers: true")
		p("      expect:")
		p("        status: [200]")
	}
	if signup != nil {
		p("    - name: sign-up page")
		p("      url: %s", q(signup.Page))
		p("      expect:")
		p("        status: [200]")
	}
	p("    # - name: member area              # a page only a signed-in member sees")
	p("    #   url: %s", q(d.Canonical+"account"))
	p("    #   session: member")
	p("    #   private: true")
	p("  # Webhook endpoints: a recorded test event is POSTed signed and wrongly signed.")
	p("  # webhooks:")
	p("  #   - name: stripe webhook")
	p("  #     url: %s   # your endpoint", q(d.Canonical+"webhooks/stripe"))
	p("  #     scheme: stripe")
	p("  #     secret: env:STRIPE_WEBHOOK_SECRET   # the endpoint's signing secret, by reference")
	// An inline test-mode event, so uncommenting the starter and pointing secret: at the
	// signing secret is all it takes; a payload_file would name a file nobody has yet.
	p(`  #     payload: '{"id":"evt_launchready_test","object":"event","type":"invoice.paid","livemode":false,"data":{"object":{"id":"in_test","status":"paid"}}}'`)
	p("  #     # or payload_file: events/invoice-paid.json (a recorded test-mode event)")
	p("  # The post-deploy smoke flow (`launchready smoke`), once the above are filled in:")
	p("  # smoke:")
	p("  #   homepage: homepage")
	p("  #   session: member")
	if signup != nil {
		p("  # The sign-up form posts to %s (%s).", comment(signup.Action), signup.Method)
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
