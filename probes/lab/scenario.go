package lab

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Scenario is data: a world to stand up. Later issues add faults to scenarios
// by adding data, not code paths, so every behaviour a probe can observe is a
// field here and Start only interprets it.
type Scenario struct {
	// Name is how `launchready demo --scenario` and tests pick the scenario.
	Name string
	// Description says what the world is and lists every planted fault, so a
	// newcomer reading the demo knows which findings are expected.
	Description string
	// Domain is the product's apex, e.g. "acme.example". RFC 2606 reserved
	// names only: the lab must never shadow a real product.
	Domain string
	// Zones are the zones the lab's DNS serves: the product's own and the
	// "provider" zones its records point into (a mail provider, a PaaS), so
	// CNAME chains and SPF includes resolve, or fail to, entirely in the lab.
	Zones []Zone
	// Sites are the web hosts: each gets its own HTTPS and plain HTTP
	// listener, reached through Lab.ConnectTo.
	Sites []Site
	// LogLines is the application log's initial content, one entry per line
	// written (an entry may itself hold newlines, e.g. a stack trace).
	LogLines []string
	// Users are the accounts Login routes accept and Auth routes recognise.
	Users []User
	// Env holds lab-only values for env: secret references (the test users'
	// passwords, webhook signing secrets), so the example config's references
	// resolve under `--lab` with nothing exported. Names start with EnvPrefix.
	// They are public test values, printed in this file, never real secrets.
	Env map[string]string
	// Registrations are what the lab's registry answers over RDAP (RDAPHost); empty
	// means no RDAP server is started.
	Registrations []Registration
	// Now is the moment certificate validity windows are relative to; zero
	// means time.Now() at Start. Tests with a frozen clock set it so "expires
	// in 5 days" reads the same on every run.
	Now time.Time
	// Release, when set, lets a runbook deploy to the lab at run time: see Release.
	Release *Release
	// Mail, when set, is the scenario's mail world: a submission server that signs with
	// lr1 and files each message into a test inbox read over IMAP (see Mail).
	Mail *Mail
}

// Zone is one DNS zone in zone-file syntax, so scenarios read like the zone
// files operators already know and faults are one-line edits.
type Zone struct {
	// Origin is the zone apex, e.g. "acme.example" (trailing dot optional).
	Origin string
	// Records are RFC 1035 master-file lines relative to Origin, e.g.
	// "app 300 IN A 127.0.0.1" or `@ 3600 IN CAA 0 issue "letsencrypt.org"`.
	// A missing TTL means 3600. Without an SOA the lab writes one; without NS
	// records at the apex it adds "NS ns1.<origin>".
	Records []string
	// Serial is the SOA serial (default 1). It replaces the serial of an SOA
	// given in Records too, so a scenario can bump it without rewriting the
	// line.
	Serial uint32
	// AllowTransfer makes the lab's nameserver hand the whole zone to anyone who asks
	// (AXFR over TCP), as a misconfigured server does; otherwise a transfer request is
	// REFUSED, as a well-run server answers. Discovery's transfer path needs both.
	AllowTransfer bool
}

// Site is one web host as the internet sees it: a certificate, routes on
// port 443 and on port 80, or a closed port.
type Site struct {
	// Host is the name probes ask for, e.g. "app.acme.example".
	Host string
	// Cert describes the certificate served on the HTTPS listener.
	Cert CertSpec
	// HTTPS are the routes on the TLS listener. A request no route matches
	// gets 404.
	HTTPS []Route
	// HTTP are the routes on the plain listener. When empty, every request
	// is answered 301 to https://Host + the request URI, as a well-set-up
	// site does; when not, a request no route matches gets 404.
	HTTP []Route
	// NoHTTPS and NoHTTP close the port: Lab.ConnectTo points at a loopback
	// port nothing listens on, so a probe sees "connection refused".
	NoHTTPS, NoHTTP bool
}

// Route is one canned answer. Routes are matched most specific first (an
// exact path over a prefix, a longer prefix over a shorter, a route with a
// Method over one without), so their order never matters.
type Route struct {
	// Path is an exact path ("/login") or a prefix ending in '*' ("/api/*",
	// "/*" for everything).
	Path string
	// Method restricts the route ("POST"); empty matches any method. A GET
	// route also answers HEAD, as real servers do.
	Method string
	// Status is the HTTP status; zero means 200, or 302 when Location is set.
	Status int
	// Headers are sent as given. Without a Content-Type, a Body starting with
	// '{' or '[' is sent as application/json and anything else is sniffed.
	Headers map[string]string
	// Body is the response body.
	Body string
	// Location, when set, is sent as the Location header (redirects).
	Location string
	// Delay holds the answer back, to stage slow endpoints and timeouts.
	Delay time.Duration
	// Auth restricts the route to signed-in users (the session cookie a Login
	// route set): RoleMember for any user, RoleAdmin for admins. Anonymous
	// requests get 302 to /login, users without the role 403. In Body,
	// "{{user}}" becomes the signed-in user's email, so member pages show
	// member data a privacy check can look for.
	Auth string
	// Personal fills "{{user}}" in Body with the signed-in user's email when the request
	// carries a session cookie, and with nothing when it does not, without restricting the
	// route: a public route that greets whoever is signed in, the kind that leaks one
	// member's data through a shared cache.
	Personal bool
	// DegradeAbove, when positive, slows the route once more than that many requests a
	// second reach it (all clients together, counted over the last second): each request
	// over the rate waits DegradeBy more, as an app whose database pool has run dry does.
	// Under the rate it answers as usual, so `launchready load` finds the knee at it.
	DegradeAbove float64
	// DegradeBy is the extra wait past DegradeAbove; zero means DefaultDegradeBy.
	DegradeBy time.Duration
	// FailAbove, when positive, answers 503 at once to a request that arrives while that
	// many requests of the route are already being answered (Delay included), as a
	// sign-up that runs out of database connections does; the others answer as usual.
	FailAbove int
	// Backlog makes the route the app's job metrics: "{{failed_jobs}}" in Body becomes
	// Backlog.FailedJobs plus every request the site has turned away past a FailAbove
	// limit (a sign-up that queued its welcome mail before the database refused it leaves
	// a failed job), so `launchready load` sees background work back up under load.
	Backlog *Backlog
	// Login makes the route the sign-in endpoint; see Login.
	Login *Login
	// Webhook makes the route a signed-webhook receiver; see Webhook.
	Webhook *Webhook
	// Mails makes the route the app's mailer (a forgot-password request mails a reset
	// link through the scenario's mail world); see MailOut.
	Mails *MailOut
}

// CertSpec describes the certificate a site serves, in the terms of the faults
// the certificate pane must find. The zero value is a healthy certificate:
// ECDSA P-256, SHA-256, valid from a day ago for 90 days, covering Host, served
// with its intermediate.
type CertSpec struct {
	// Names are the DNS names (or IP addresses) the certificate covers;
	// default: the site's Host. Set them to stage a wrong-name certificate.
	Names []string
	// NotBefore and NotAfter are offsets from Scenario.Now; zero means -24h
	// and +90 days. NotAfter: 5 * 24 * time.Hour stages "expires in 5 days",
	// a negative NotAfter an expired certificate.
	NotBefore, NotAfter time.Duration
	// SelfSigned signs the certificate with its own key, outside the lab CA.
	SelfSigned bool
	// OmitIntermediate serves the leaf alone: clients that do not already
	// hold the intermediate fail to build a chain, the classic
	// "works in my browser, fails in curl" fault.
	OmitIntermediate bool
	// RSABits, when set, gives the leaf an RSA key of that size (at least
	// 1024) instead of ECDSA P-256. RSA keys are slow to generate, so only
	// scenarios that need them pay for them.
	RSABits int
	// SHA1 signs the certificate with SHA-1, which clients reject.
	SHA1 bool
	// ReissuedIntermediate, when set (negative: in the past), serves the lab
	// intermediate as re-issued at that offset from Scenario.Now instead of the
	// original: the same name and key, a younger certificate, as CAs renew
	// their intermediates. With an expired leaf it stages a chain whose CA
	// certificate is younger than the leaf's expiry: only the leaf is at fault.
	ReissuedIntermediate time.Duration
	// MaxTLS and MinTLS bound the TLS versions the listener speaks
	// (tls.VersionTLS10 ... tls.VersionTLS13); zero means Go's defaults.
	MaxTLS, MinTLS uint16
}

// Errors Start returns for a scenario that cannot be stood up, wrapped with
// where the problem is.
var (
	ErrNoDomain   = errors.New("scenario has no Domain: set it to the product's apex, e.g. \"acme.example\"")
	ErrNoDir      = errors.New("no directory for the lab's files: pass one (tests pass t.TempDir())")
	ErrBadZone    = errors.New("bad zone")
	ErrBadSite    = errors.New("bad site")
	ErrBadRoute   = errors.New("bad route")
	ErrBadCert    = errors.New("bad certificate spec")
	errUnknownTLS = errors.New("unknown TLS version: use tls.VersionTLS10 ... tls.VersionTLS13")
)

// validate checks what can be checked without standing anything up, so a bad
// scenario fails before any port is opened.
func (sc Scenario) validate() error {
	if sc.Domain == "" {
		return fmt.Errorf("scenario %q: %w", sc.Name, ErrNoDomain)
	}
	if _, ok := dns.IsDomainName(sc.Domain); !ok {
		return fmt.Errorf("scenario %q: Domain %q is not a domain name", sc.Name, sc.Domain)
	}
	for name := range sc.Env {
		if !strings.HasPrefix(name, EnvPrefix) {
			return fmt.Errorf("scenario %q: Env %q: lab values must be named %s...: they must never shadow a real secret's variable", sc.Name, name, EnvPrefix)
		}
	}
	for _, u := range sc.Users {
		if u.Email == "" || (u.Role != RoleMember && u.Role != RoleAdmin) {
			return fmt.Errorf("scenario %q: user %q: needs an Email and Role %q or %q", sc.Name, u.Email, RoleMember, RoleAdmin)
		}
	}
	seen := map[string]bool{}
	for i, s := range sc.Sites {
		where := fmt.Sprintf("scenario %q: site %d (%q)", sc.Name, i, s.Host)
		host := canonicalHost(s.Host)
		if host == "" {
			return fmt.Errorf("%s: %w: Host is empty", where, ErrBadSite)
		}
		if _, ok := dns.IsDomainName(host); !ok {
			return fmt.Errorf("%s: %w: Host is not a domain name", where, ErrBadSite)
		}
		if seen[host] {
			return fmt.Errorf("%s: %w: a second site with this Host; merge their routes", where, ErrBadSite)
		}
		seen[host] = true
		if err := s.Cert.validate(); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		for _, r := range s.HTTPS {
			if err := r.validate(); err != nil {
				return fmt.Errorf("%s: HTTPS: %w", where, err)
			}
		}
		for _, r := range s.HTTP {
			if err := r.validate(); err != nil {
				return fmt.Errorf("%s: HTTP: %w", where, err)
			}
		}
	}
	return nil
}

func (r Route) validate() error {
	switch {
	case !strings.HasPrefix(r.Path, "/"):
		return fmt.Errorf("%w %q: Path must start with '/'", ErrBadRoute, r.Path)
	case strings.Contains(strings.TrimSuffix(r.Path, "*"), "*"):
		return fmt.Errorf("%w %q: '*' is allowed only at the end of Path (a prefix)", ErrBadRoute, r.Path)
	case r.Status != 0 && (r.Status < 100 || r.Status > 599):
		return fmt.Errorf("%w %q: Status %d is not an HTTP status", ErrBadRoute, r.Path, r.Status)
	case r.Delay < 0:
		return fmt.Errorf("%w %q: negative Delay", ErrBadRoute, r.Path)
	case r.DegradeAbove < 0 || r.DegradeBy < 0 || r.FailAbove < 0:
		return fmt.Errorf("%w %q: DegradeAbove, DegradeBy and FailAbove cannot be negative (zero means unlimited)", ErrBadRoute, r.Path)
	case r.Method != "" && strings.ContainsAny(r.Method, " \t/"):
		return fmt.Errorf("%w %q: Method %q is not a method", ErrBadRoute, r.Path, r.Method)
	case r.Auth != "" && r.Auth != RoleMember && r.Auth != RoleAdmin:
		return fmt.Errorf("%w %q: Auth %q: use %q or %q", ErrBadRoute, r.Path, r.Auth, RoleMember, RoleAdmin)
	case r.Login != nil && r.Auth != "":
		return fmt.Errorf("%w %q: a Login route cannot also need Auth", ErrBadRoute, r.Path)
	case r.Webhook != nil && (r.Login != nil || r.Auth != ""):
		return fmt.Errorf("%w %q: a Webhook route is signed, not signed in: drop Login/Auth", ErrBadRoute, r.Path)
	case r.Mails != nil && (r.Login != nil || r.Webhook != nil):
		return fmt.Errorf("%w %q: a Mails route cannot also be a Login or Webhook", ErrBadRoute, r.Path)
	case r.Webhook != nil:
		if err := r.Webhook.signer().Validate(); err != nil {
			return fmt.Errorf("%w %q: Webhook: %v", ErrBadRoute, r.Path, err)
		}
	}
	return nil
}

func (c CertSpec) validate() error {
	if c.RSABits != 0 && c.RSABits < 1024 {
		return fmt.Errorf("%w: RSABits %d: Go refuses RSA keys under 1024 bits", ErrBadCert, c.RSABits)
	}
	nb, na := c.window()
	if na <= nb {
		return fmt.Errorf("%w: NotAfter (%v) is not after NotBefore (%v)", ErrBadCert, na, nb)
	}
	switch {
	case c.ReissuedIntermediate > 0:
		return fmt.Errorf("%w: ReissuedIntermediate %v is in the future: give a negative offset (a re-issue in the past)", ErrBadCert, c.ReissuedIntermediate)
	case c.ReissuedIntermediate != 0 && (c.SelfSigned || c.OmitIntermediate):
		return fmt.Errorf("%w: ReissuedIntermediate with SelfSigned or OmitIntermediate: no intermediate is served, so there is none to re-issue", ErrBadCert)
	}
	for _, v := range []uint16{c.MinTLS, c.MaxTLS} {
		if v != 0 && (v < tls.VersionTLS10 || v > tls.VersionTLS13) {
			return fmt.Errorf("%w: %#x: %w", ErrBadCert, v, errUnknownTLS)
		}
	}
	if c.MinTLS != 0 && c.MaxTLS != 0 && c.MinTLS > c.MaxTLS {
		return fmt.Errorf("%w: MinTLS %s is above MaxTLS %s", ErrBadCert, tls.VersionName(c.MinTLS), tls.VersionName(c.MaxTLS))
	}
	return nil
}

// window returns the validity offsets with defaults applied.
func (c CertSpec) window() (notBefore, notAfter time.Duration) {
	notBefore, notAfter = c.NotBefore, c.NotAfter
	if notBefore == 0 {
		notBefore = -24 * time.Hour
	}
	if notAfter == 0 {
		notAfter = 90 * 24 * time.Hour
	}
	return notBefore, notAfter
}

// status returns the status to answer with, defaults applied.
func (r Route) status() int {
	switch {
	case r.Status != 0:
		return r.Status
	case r.Location != "":
		return http.StatusFound
	}
	return http.StatusOK
}

// canonicalHost lower-cases a host name and drops a trailing dot, so
// "App.Acme.Example." and "app.acme.example" name the same site.
func canonicalHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
}

// Backlog is a job-metrics route's starting count; see Route.Backlog.
type Backlog struct {
	FailedJobs int
}
