package tlscheck

import (
	"time"

	"github.com/launchready/launchready/probes"
)

// Host is Result.Data of every "tls NAME" check: one row of the Certificates pane and one
// entry of the certificate inventory that the handover report and alerts read. Fields
// that could not be observed are empty (nil pointers, zero values), never guessed.
type Host struct {
	Host string `json:"host"` // the name dialled and sent as SNI
	Port int    `json:"port"` // 443 for hosts, the target's port for tls.targets
	Role string `json:"role,omitempty"`
	// State is the certificate's state in one word (the pane's "state" column): see the
	// State constants. It is about the certificate and handshake only; HSTS, http and
	// CAA problems have their own columns.
	State string `json:"state"`
	// Reason says why State is not ok in a few words ("does not cover app.acme.example").
	Reason  string    `json:"reason,omitempty"`
	Checked time.Time `json:"checked"`
	// Certificate is the leaf as served; nil when no handshake completed.
	Certificate *Cert `json:"certificate,omitempty"`
	// Chain is every certificate the server sent, leaf first, as served (not as
	// verified): an incomplete or misordered chain shows here.
	Chain []Cert `json:"chain,omitempty"`
	// Trusted: the chain verifies to a trusted root (system roots plus network.ca_file)
	// and covers Host, at the time of the check.
	Trusted bool        `json:"trusted"`
	TLS     TLSVersions `json:"tls"`
	// HSTS and HTTP are nil for tls.targets, which get handshake checks only.
	HSTS *HSTS      `json:"hsts,omitempty"`
	HTTP *PlainHTTP `json:"http,omitempty"`
	CAA  *CAA       `json:"caa,omitempty"`
}

// Certificate states, from worst to best. A host has exactly one.
const (
	StateUnreachable     = "unreachable"      // no TCP connection (the Endpoints pane says why)
	StateHandshakeFailed = "handshake-failed" // connected, but no TLS handshake completed
	StateLegacyOnly      = "legacy-only"      // only TLS 1.0/1.1: current clients refuse it
	StateExpired         = "expired"
	StateNotYetValid     = "not-yet-valid"
	StateSelfSigned      = "self-signed"
	StateUntrusted       = "untrusted"        // chain ends at a root no client trusts, or another verify error
	StateWeak            = "weak"             // SHA-1 signature or a small key
	StateName            = "name"             // does not cover the host name
	StateIncompleteChain = "incomplete-chain" // an intermediate is missing
	StateExpiring        = "expiring"         // under tls.expiry.medium_days left
	StateOK              = "ok"
)

// Cert is one certificate as the pane and the report show it.
type Cert struct {
	Subject string `json:"subject"` // common name, or the whole name when there is none
	// Issuer is how the pane names the CA: the issuer's common name and organisation
	// ("R11 Let's Encrypt").
	Issuer    string    `json:"issuer"`
	IssuerOrg string    `json:"issuer_org,omitempty"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// DaysLeft is whole days from the check to NotAfter, rounded down; negative once
	// expired ("expired 30 days ago" is -30).
	DaysLeft  int      `json:"days_left"`
	SANs      []string `json:"sans,omitempty"` // DNS names, then IP addresses
	Key       string   `json:"key"`            // "ECDSA P-256", "RSA 2048", "Ed25519"
	KeyBits   int      `json:"key_bits"`
	Signature string   `json:"signature"` // "ECDSA-SHA256", "SHA1-RSA"
	Serial    string   `json:"serial"`    // hex bytes separated by colons, as browsers show it
	SHA256    string   `json:"sha256"`    // fingerprint of the DER, hex
	IsCA      bool     `json:"is_ca,omitempty"`
	// SelfSigned: issued by itself (a root, or a leaf nobody vouches for).
	SelfSigned bool `json:"self_signed,omitempty"`
	// AIA are the Authority Information Access "CA issuers" URLs: where a browser may
	// fetch a missing intermediate. Most non-browser clients never do.
	AIA []string `json:"aia,omitempty"`
}

// TLSVersions is what the host's TLS stack accepts. Versions are written "1.0".."1.3".
type TLSVersions struct {
	Negotiated string   `json:"negotiated,omitempty"` // what a current client gets
	Min        string   `json:"min,omitempty"`        // lowest accepted; empty when not established
	Accepted   []string `json:"accepted,omitempty"`   // every version seen accepted, lowest first
	ALPN       string   `json:"alpn,omitempty"`       // "h2", "http/1.1"
	Cipher     string   `json:"cipher,omitempty"`
}

// HSTS is the Strict-Transport-Security header of the host's HTTPS answer.
type HSTS struct {
	URL    string `json:"url"`    // the https URL whose answer was read
	Status int    `json:"status"` // that answer's HTTP status
	Header string `json:"header,omitempty"`
	// Valid is true when browsers would honour the header (RFC 6797 6.1): present, a
	// max-age, no repeated directive.
	Valid             bool   `json:"valid"`
	MaxAge            int64  `json:"max_age_s"`
	MaxAgeDays        int    `json:"max_age_days"`
	IncludeSubDomains bool   `json:"include_subdomains"`
	Preload           bool   `json:"preload"`
	Problem           string `json:"problem,omitempty"` // why an invalid header is ignored
}

// PlainHTTP is what the host answers on port 80.
type PlainHTTP struct {
	URL      string `json:"url"`
	Status   int    `json:"status"` // 0 when nothing answered
	Location string `json:"location,omitempty"`
	// Upgrades is true for a redirect to https on the same or the canonical host.
	Upgrades bool   `json:"upgrades"`
	Error    string `json:"error,omitempty"`
}

// CAA is the RFC 8659 cross-check of the certificate's issuer against the zone.
type CAA struct {
	// Name is where the relevant record set was found, climbing from the host towards the
	// apex; empty when no name up to the apex has CAA records.
	Name    string   `json:"name,omitempty"`
	Records []string `json:"records,omitempty"` // as in a zone file
	// IssuerDomains are the CAA domains the certificate's CA uses; empty when the issuer
	// is not recognised (add it to tls.ca_domains).
	IssuerDomains []string `json:"issuer_domains,omitempty"`
	// Verdict: "allowed", "refused" (renewal by this CA will fail), "no-caa" (any CA may
	// issue), "unknown-issuer", "lookup-failed", "no-certificate".
	Verdict string `json:"verdict"`
	Error   string `json:"error,omitempty"`
}

// CAA verdicts.
const (
	CAAAllowed       = "allowed"
	CAARefused       = "refused"
	CAANone          = "no-caa"
	CAAUnknownIssuer = "unknown-issuer"
	CAALookupFailed  = "lookup-failed"
	CAANoCertificate = "no-certificate"
)

// Redirect is Result.Data of every "redirect FROM" check: the chain of hops as followed.
type Redirect struct {
	From   string `json:"from"`
	Expect string `json:"expect"` // where the chain should land
	Hops   []Hop  `json:"hops"`   // every request made, in order; the last is the landing
	// Landed is the final URL answered without a redirect; empty when the chain broke or
	// looped.
	Landed string `json:"landed,omitempty"`
	OK     bool   `json:"ok"`
}

// Hop is one request of a redirect chain.
type Hop struct {
	URL      string  `json:"url"`
	Status   int     `json:"status"`
	Location string  `json:"location,omitempty"`
	Error    string  `json:"error,omitempty"`
	Ms       float64 `json:"ms"`
}

// Page is Result.Data of every "mixed-content URL" check.
type Page struct {
	URL       string `json:"url"`
	Final     string `json:"final"` // after following redirects
	Status    int    `json:"status"`
	Bytes     int    `json:"bytes"`     // of the body scanned
	Truncated bool   `json:"truncated"` // the body was longer than the scan limit
	// Upgrades is true when the page asks browsers to upgrade insecure requests (CSP
	// upgrade-insecure-requests), which defuses http:// subresources in current browsers.
	Upgrades bool        `json:"upgrades"`
	Items    []MixedItem `json:"items,omitempty"`
}

// MixedItem is one http:// reference on an https page.
type MixedItem struct {
	// Class: "active" (scripts, stylesheets, frames, objects: blocked by browsers, so the
	// page breaks), "form" (a form posting in the clear), "passive" (images and media:
	// loaded with a warning, or upgraded).
	Class string `json:"class"`
	Tag   string `json:"tag"`
	Attr  string `json:"attr"`
	URL   string `json:"url"`
	Line  int    `json:"line"`
}

// Inventory collects the certificate inventory from a sweep's results, in result order:
// one Host per "tls" check that produced one. The console's Certificates table, the
// handover report and alerts read it instead of re-parsing findings.
func Inventory(results []probes.Result) []Host {
	var out []Host
	for _, r := range results {
		if h, ok := r.Data.(*Host); ok && h != nil {
			out = append(out, *h)
		}
	}
	return out
}
