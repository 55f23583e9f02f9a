package discovery

import (
	"fmt"
	"net/netip"
	"strings"
)

// Report is what discovery found under one domain: enough for `init` to write a config
// and for an operator to see what exists, where each name came from and what could not
// be read. Names are bare (no trailing dot) and lower-case.
type Report struct {
	Domain string `json:"domain"` // the zone's apex
	// SOA is the zone's SOA record as text, "" if the resolvers gave none.
	SOA         string       `json:"soa,omitempty"`
	Nameservers []Nameserver `json:"nameservers"`
	// Via says which servers the names were asked of: the zone's nameservers directly
	// (recursion off), or the resolvers when no nameserver answered from here.
	Via       string     `json:"via"`
	Transfers []Transfer `json:"transfers"`
	Wildcards []Wildcard `json:"wildcards,omitempty"`
	// Names are the names that exist, and names something referenced even when they do
	// not (a dangling MX target is worth seeing), sorted.
	Names []Name `json:"names"`
	// Failed are the names no server answered properly (REFUSED, SERVFAIL, timed out,
	// error): whether they exist is unknown.
	Failed []Name `json:"failed,omitempty"`
	// External are names outside the zone that its records point at (MX hosts, SPF
	// includes, CNAME targets, DMARC report domains), sorted: they are not asked, but they
	// are the evidence for most recognised services.
	External []Reference `json:"external,omitempty"`
	Services []Service   `json:"services,omitempty"`

	// Tried is how many names were asked; Absent how many dictionary and well-known names
	// do not exist (NXDOMAIN), which is most of them and not worth listing.
	Tried  int `json:"tried"`
	Absent int `json:"absent"`
	// Echoes are dictionary names dropped because they answer exactly as a random label
	// does (a wildcard), so nothing says they were ever created.
	Echoes []string `json:"echoes,omitempty"`
	// NamesCut is how many names were left unasked at Options.MaxNames.
	NamesCut int `json:"names_cut,omitempty"`
	// Queries is how many DNS questions were sent, retries and the wildcard probes included.
	Queries int `json:"queries"`
}

// Nameserver is one of the zone's NS targets and whether it answered for the zone.
type Nameserver struct {
	Name string `json:"name"`
	Addr string `json:"addr,omitempty"` // the address asked, after network.connect_to
	OK   bool   `json:"ok"`
	// Problem says why it was not used to ask names (unreachable, REFUSED, not
	// authoritative).
	Problem string `json:"problem,omitempty"`
}

// TransferOutcome is how a zone transfer request ended.
type TransferOutcome string

// What a transfer can come to. Refused is the normal, healthy answer.
const (
	TransferRefused  TransferOutcome = "refused"
	TransferComplete TransferOutcome = "transferred"
	TransferCut      TransferOutcome = "cut"
	TransferFailed   TransferOutcome = "failed"
)

// Transfer is one nameserver's answer to a zone transfer (AXFR) request.
type Transfer struct {
	Server  string          `json:"server"` // the NS name
	Outcome TransferOutcome `json:"outcome"`
	Records int             `json:"records,omitempty"`
	// Detail is the outcome in words: the rcode of a refusal, the limit that cut it,
	// why it failed.
	Detail string `json:"detail"`
}

func (t Transfer) String() string { return t.Server + ": " + t.Detail }

// Wildcard is a name under which any label answers.
type Wildcard struct {
	Name   string `json:"name"`   // "*.acme.example"
	Answer string `json:"answer"` // what a random label got, e.g. "A 192.0.2.1" or "CNAME x.example"
}

// SourceKind is how a name came to be asked.
type SourceKind string

// Where names come from.
const (
	FromApex       SourceKind = "apex"
	FromDictionary SourceKind = "dictionary"
	FromWellKnown  SourceKind = "well-known"
	FromTransfer   SourceKind = "transfer"
	FromNS         SourceKind = "NS"
	FromMX         SourceKind = "MX"
	FromCNAME      SourceKind = "CNAME target"
	FromSPF        SourceKind = "SPF"
	FromDMARC      SourceKind = "DMARC"
	FromCAA        SourceKind = "CAA iodef"
	FromSRV        SourceKind = "SRV"
	FromDKIM       SourceKind = "DKIM selector"
)

// Source is one reason a name was asked.
type Source struct {
	Kind SourceKind `json:"kind"`
	// Detail says by whom: "MX of acme.example", "include in SPF of acme.example", or the
	// dictionary's reason for the label.
	Detail string `json:"detail,omitempty"`
}

func (s Source) String() string {
	if s.Detail == "" {
		return string(s.Kind)
	}
	return string(s.Kind) + " (" + s.Detail + ")"
}

// Status is what the zone's servers said about a name.
type Status string

// A name's status. NoData means the name exists without records of the types asked
// (an empty non-terminal such as _domainkey, or a name with only other types).
const (
	StatusAnswers  Status = "answers"
	StatusNoData   Status = "no records"
	StatusNXDOMAIN Status = "NXDOMAIN"
	StatusRefused  Status = "REFUSED"
	StatusServfail Status = "SERVFAIL"
	StatusTimeout  Status = "timed out"
	StatusError    Status = "error"
)

// Failed says whether the status means no server answered properly.
func (s Status) Failed() bool {
	switch s {
	case StatusRefused, StatusServfail, StatusTimeout, StatusError:
		return true
	}
	return false
}

// Name is one discovered name with its records.
type Name struct {
	Name    string   `json:"name"`
	Sources []Source `json:"sources"`
	Status  Status   `json:"status"`
	// Problem says, for a failed name, what each server answered.
	Problem string `json:"problem,omitempty"`
	// CNAME is the chain of targets followed from Name, in order.
	CNAME []string     `json:"cname,omitempty"`
	A     []netip.Addr `json:"a,omitempty"`
	AAAA  []netip.Addr `json:"aaaa,omitempty"`
	MX    []string     `json:"mx,omitempty"`
	TXT   []string     `json:"txt,omitempty"`
	// Records are the other records read (CAA, SRV, NS), one line each.
	Records []string `json:"records,omitempty"`
	// TargetProblem says why the end of the CNAME chain gave no addresses or text
	// (NXDOMAIN: a dangling CNAME; or the resolvers could not say).
	TargetProblem string `json:"target_problem,omitempty"`
	// Wildcard is true when the name answers exactly as the wildcard above it does: kept
	// because a record points at it, but it may never have been created.
	Wildcard bool `json:"wildcard,omitempty"`
}

// Reference is a name outside the zone that a record of the zone points at.
type Reference struct {
	Name    string   `json:"name"`
	Sources []Source `json:"sources"`
}

// Service is a recognised hosting, email, DNS or proxy service, with the records that
// show it.
type Service struct {
	Kind     string   `json:"kind"` // "hosting", "email", "dns", "proxy"
	Name     string   `json:"name"` // "Vercel"
	Evidence []string `json:"evidence"`
}

// String is the service in one line with its evidence:
// "hosting: Vercel (app.acme.com CNAME cname.vercel-dns.com)". Past two pieces of
// evidence it says how many more.
func (s Service) String() string {
	ev := s.Evidence
	more := ""
	if len(ev) > 2 {
		more = fmt.Sprintf("; and %d more", len(ev)-2)
		ev = ev[:2]
	}
	return fmt.Sprintf("%s: %s (%s%s)", s.Kind, s.Name, strings.Join(ev, "; "), more)
}
