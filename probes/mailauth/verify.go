package mailauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"regexp"
	"strings"

	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-msgauth/dkim"
)

// MessageVerdict is what `launchready email verify` finds in a received message: each DKIM
// signature, SPF for the connecting IP, and the DMARC result that follows from them,
// each with its reason, beside what the receiving server itself wrote in
// Authentication-Results.
type MessageVerdict struct {
	From       string `json:"from"`
	FromDomain string `json:"from_domain"`
	// EnvelopeFrom is the envelope sender SPF is checked for, and where it was read.
	EnvelopeFrom   string `json:"envelope_from"`
	EnvelopeSource string `json:"envelope_source"`
	// IP is the connecting address of the sending server, and where it was read.
	IP       string             `json:"ip,omitempty"`
	IPSource string             `json:"ip_source,omitempty"`
	HELO     string             `json:"helo,omitempty"`
	DKIM     []SignatureVerdict `json:"dkim"`
	SPF      *SPFVerdict        `json:"spf,omitempty"`
	// SPFAligned is whether the envelope domain aligns with From (DMARC's aspf).
	SPFAligned bool           `json:"spf_aligned"`
	DMARC      DMARCVerdict   `json:"dmarc"`
	AuthResult []ReceiverAuth `json:"authentication_results,omitempty"`
	Notes      []string       `json:"notes,omitempty"`
}

// Pass is DMARC passing: what the verify command's exit code reports.
func (v *MessageVerdict) Pass() bool { return v.DMARC.Result == "pass" }

// SignatureVerdict is one DKIM-Signature.
type SignatureVerdict struct {
	Domain    string `json:"domain"`
	Selector  string `json:"selector"`
	Algorithm string `json:"algorithm"`
	// Result is pass, fail (the message changed, or a wrong key), permerror (no key, a
	// revoked or broken key, a malformed signature) or temperror.
	Result  string   `json:"result"`
	Reason  string   `json:"reason,omitempty"`
	Key     *DKIMKey `json:"key,omitempty"`
	Aligned bool     `json:"aligned"`
}

// DMARCVerdict is the DMARC evaluation of the message.
type DMARCVerdict struct {
	// Domain is where the policy was found (the From domain or its organisational one).
	Domain string `json:"domain,omitempty"`
	Record string `json:"record,omitempty"`
	// Result is pass, fail, none (no policy), temperror or permerror.
	Result string `json:"result"`
	Reason string `json:"reason"`
	// Disposition is what the policy asks receivers to do with a failing message.
	Disposition string `json:"disposition,omitempty"`
}

// ReceiverAuth is one Authentication-Results header: the receiving server's own verdict.
type ReceiverAuth struct {
	Server  string   `json:"server"`
	Results []string `json:"results"`
}

// VerifyOptions adjusts VerifyMessage.
type VerifyOptions struct {
	// IP overrides the connecting address read from the headers (--ip).
	IP netip.Addr
}

// maxSignatures bounds the DKIM signatures verified: each costs a DNS lookup and a
// signature check, and a hostile message could carry thousands.
const maxSignatures = 10

// ErrNotAMessage is a file that is not an RFC 5322 message with a From header.
var ErrNotAMessage = errors.New("not an email message")

// VerifyMessage checks a raw received message (as "Show original" downloads it) the way
// its receiver did, with DNS through r.
func VerifyMessage(ctx context.Context, r Resolver, raw []byte, o VerifyOptions) (*MessageVerdict, error) {
	raw = crlf(raw)
	hdr, err := parseHeader(raw)
	if err != nil {
		return nil, err
	}
	v := &MessageVerdict{}
	froms := hdr.all("From")
	if len(froms) != 1 {
		return nil, fmt.Errorf("%w: it has %d From headers, want exactly one", ErrNotAMessage, len(froms))
	}
	addrs, err := mail.ParseAddressList(froms[0])
	if err != nil || len(addrs) == 0 {
		return nil, fmt.Errorf("%w: its From header %q does not parse: %v", ErrNotAMessage, clip(froms[0], 80), err)
	}
	if len(addrs) > 1 {
		v.Notes = append(v.Notes, "From holds more than one address; DMARC is evaluated for the first, and many receivers reject such mail")
	}
	v.From = addrs[0].Address
	v.FromDomain = normDomain(domainOf(v.From))

	rec, dmarcErr := lookupDMARC(ctx, r, v.FromDomain)
	adkim, aspf := "r", "r"
	if dmarcErr == nil {
		adkim, aspf = rec.Record.ADKIM, rec.Record.ASPF
	}

	v.DKIM = verifyDKIM(ctx, r, raw, hdr, v.FromDomain, adkim)
	v.readEnvelope(hdr, o)
	if v.IP != "" {
		ip := netip.MustParseAddr(v.IP)
		helo := v.HELO
		if helo == "" {
			helo = domainOf(v.EnvelopeFrom)
		}
		spfv := EvaluateSPF(ctx, r, ip, helo, v.EnvelopeFrom)
		v.SPF = &spfv
		v.SPFAligned = spfv.Result == SPFPass && Aligned(spfv.Domain, v.FromDomain, aspf)
	} else {
		v.Notes = append(v.Notes, "no connecting IP found in Received-SPF or Received headers: SPF not evaluated; pass --ip ADDRESS")
	}
	v.DMARC = dmarcVerdict(v, rec, dmarcErr)
	for _, h := range hdr.all("Authentication-Results") {
		v.AuthResult = append(v.AuthResult, receiverAuth(h))
	}
	return v, nil
}

// crlf turns a message saved with bare LF line ends into CRLF, as it was on the wire:
// DKIM's simple canonicalisation is byte-exact.
func crlf(raw []byte) []byte {
	if bytes.Contains(raw, []byte("\r\n")) {
		return raw
	}
	return bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n"))
}

// header is a message header in order, folded lines joined.
type header []struct{ name, value string }

func (h header) all(name string) []string {
	var out []string
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			out = append(out, f.value)
		}
	}
	return out
}

// maxHeaderFields bounds what a hostile file can make us hold.
const maxHeaderFields = 2000

func parseHeader(raw []byte) (header, error) {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		return nil, fmt.Errorf("%w: no blank line ends the header", ErrNotAMessage)
	}
	var h header
	for _, line := range strings.Split(string(raw[:end]), "\r\n") {
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(h) > 0 {
			h[len(h)-1].value += " " + strings.TrimSpace(line)
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.ContainsAny(name, " \t") {
			if len(h) == 0 {
				return nil, fmt.Errorf("%w: the first line %q is not a header field", ErrNotAMessage, clip(line, 60))
			}
			continue
		}
		h = append(h, struct{ name, value string }{name, strings.TrimSpace(value)})
		if len(h) > maxHeaderFields {
			return nil, fmt.Errorf("%w: more than %d header fields", ErrNotAMessage, maxHeaderFields)
		}
	}
	return h, nil
}

func domainOf(addr string) string {
	addr = strings.Trim(strings.TrimSpace(addr), "<>")
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return addr
}

var (
	bracketIP   = regexp.MustCompile(`\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]`)
	clientIP    = regexp.MustCompile(`(?i)client-ip=([0-9A-Fa-f:.]+)`)
	envelopeFro = regexp.MustCompile(`(?i)envelope-from=<?([^;>\s]*)`)
	fromHost    = regexp.MustCompile(`(?i)^from\s+([^\s(]+)`)
)

// readEnvelope finds the connecting IP, HELO and envelope sender: --ip first, then the
// receiver's Received-SPF, then the first Received header whose from-clause names a public
// address (the hop where the mail entered the receiver).
func (v *MessageVerdict) readEnvelope(h header, o VerifyOptions) {
	if o.IP.IsValid() {
		v.IP, v.IPSource = o.IP.String(), "--ip"
	}
	for _, rs := range h.all("Received-SPF") {
		if m := clientIP.FindStringSubmatch(rs); m != nil && v.IP == "" {
			if ip, err := netip.ParseAddr(m[1]); err == nil {
				v.IP, v.IPSource = ip.String(), "Received-SPF client-ip"
			}
		}
		if m := envelopeFro.FindStringSubmatch(rs); m != nil && v.EnvelopeFrom == "" && m[1] != "" {
			v.EnvelopeFrom, v.EnvelopeSource = m[1], "Received-SPF envelope-from"
		}
	}
	for _, rcv := range h.all("Received") {
		m := bracketIP.FindStringSubmatch(rcv)
		if m == nil || !strings.HasPrefix(strings.ToLower(rcv), "from") {
			continue
		}
		ip, err := netip.ParseAddr(m[1])
		if err != nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() {
			continue
		}
		if v.IP == "" {
			v.IP, v.IPSource = ip.String(), "Received: "+clip(rcv, 100)
		}
		if hm := fromHost.FindStringSubmatch(rcv); hm != nil && (v.IP == ip.String()) {
			v.HELO = strings.Trim(hm[1], "[]")
		}
		break
	}
	if rp := h.all("Return-Path"); len(rp) > 0 && v.EnvelopeFrom == "" {
		addr := strings.Trim(strings.TrimSpace(rp[0]), "<>")
		if addr == "" {
			v.EnvelopeFrom, v.EnvelopeSource = "", "Return-Path <> (a bounce: SPF checks the HELO name)"
		} else {
			v.EnvelopeFrom, v.EnvelopeSource = addr, "Return-Path"
		}
	}
	if v.EnvelopeFrom == "" && v.EnvelopeSource == "" {
		v.EnvelopeFrom, v.EnvelopeSource = v.From, "From (no Return-Path in the message; the real envelope sender may differ)"
		v.Notes = append(v.Notes, "no Return-Path header: SPF was evaluated for the From address; save the message from the mailbox it was delivered to, which adds Return-Path")
	}
}

// verifyDKIM verifies every signature (at most maxSignatures) and reads each one's key.
func verifyDKIM(ctx context.Context, r Resolver, raw []byte, h header, fromDomain, adkim string) []SignatureVerdict {
	lookup := func(name string) ([]string, error) { return r.LookupTXT(ctx, name) }
	verifs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: lookup, MaxVerifications: maxSignatures})
	sigs := h.all("DKIM-Signature")
	var out []SignatureVerdict
	for i, ver := range verifs {
		sv := SignatureVerdict{Domain: normDomain(ver.Domain), Result: SPFPass}
		if i < len(sigs) {
			if tags, terr := parseTags(sigs[i], false); terr == nil {
				sv.Selector, _ = tags.get("s")
				sv.Algorithm, _ = tags.get("a")
				if sv.Domain == "" {
					d, _ := tags.get("d")
					sv.Domain = normDomain(d)
				}
			}
		}
		switch e := ver.Err; {
		case e == nil:
		case dkim.IsTempFail(e):
			sv.Result, sv.Reason = "temperror", strings.TrimPrefix(e.Error(), "dkim: ")
		case dkim.IsPermFail(e):
			sv.Result, sv.Reason = "permerror", strings.TrimPrefix(e.Error(), "dkim: ")
		default:
			sv.Result, sv.Reason = "fail", strings.TrimPrefix(e.Error(), "dkim: ")
		}
		if sv.Selector != "" && sv.Domain != "" {
			if txts, lerr := r.LookupTXT(ctx, sv.Selector+"._domainkey."+sv.Domain); lerr == nil && len(txts) == 1 {
				sv.Key, _ = ParseDKIMKey(txts[0])
			}
		}
		sv.Aligned = Aligned(sv.Domain, fromDomain, adkim)
		out = append(out, sv)
	}
	if errors.Is(err, dkim.ErrTooManySignatures) {
		out = append(out, SignatureVerdict{Result: "permerror", Reason: fmt.Sprintf("more than %d signatures: the rest were not verified", maxSignatures)})
	}
	return out
}

// dmarcVerdict combines DKIM and SPF under the From domain's policy (RFC 7489 6.6).
func dmarcVerdict(v *MessageVerdict, rep *DMARCReport, err error) DMARCVerdict {
	d := DMARCVerdict{Domain: rep.PolicyDomain, Record: rep.Raw}
	var why []string
	dkimOK := false
	for _, s := range v.DKIM {
		switch {
		case s.Result == SPFPass && s.Aligned:
			dkimOK = true
			why = append(why, fmt.Sprintf("DKIM passes for %s, aligned with From %s", s.Domain, v.FromDomain))
		case s.Result == SPFPass:
			why = append(why, fmt.Sprintf("DKIM passes for %s, which is not aligned with From %s", s.Domain, v.FromDomain))
		}
	}
	if len(v.DKIM) == 0 {
		why = append(why, "the message has no DKIM signature")
	} else if !anyPass(v.DKIM) {
		why = append(why, "no DKIM signature verifies")
	}
	switch {
	case v.SPF == nil:
		why = append(why, "SPF not evaluated (no connecting IP)")
	case v.SPFAligned:
		why = append(why, fmt.Sprintf("SPF passes for %s, aligned with From %s", v.SPF.Domain, v.FromDomain))
	case v.SPF.Result == SPFPass:
		why = append(why, fmt.Sprintf("SPF passes for %s, which is not aligned with From %s", v.SPF.Domain, v.FromDomain))
	default:
		why = append(why, fmt.Sprintf("SPF %s for %s", v.SPF.Result, v.SPF.IP))
	}
	d.Reason = strings.Join(why, "; ")
	switch {
	case errors.Is(err, ErrNoDMARC):
		d.Result = "none"
		d.Reason = fmt.Sprintf("%s publishes no DMARC policy, so receivers decide alone (%s)", v.FromDomain, d.Reason)
		return d
	case resolverDown(err):
		d.Result, d.Reason = "temperror", "could not look up the DMARC policy: "+err.Error()
		return d
	case err != nil:
		d.Result, d.Reason = "permerror", "the DMARC record cannot be used: "+err.Error()
		return d
	}
	if dkimOK || v.SPFAligned {
		d.Result = "pass"
		return d
	}
	d.Result = "fail"
	d.Disposition = rep.Effective
	return d
}

func anyPass(s []SignatureVerdict) bool {
	for _, x := range s {
		if x.Result == SPFPass {
			return true
		}
	}
	return false
}

// receiverAuth summarises an Authentication-Results header.
func receiverAuth(h string) ReceiverAuth {
	id, results, err := authres.Parse(h)
	ra := ReceiverAuth{Server: id}
	if err != nil {
		ra.Results = []string{"unparsed: " + clip(h, 200)}
		return ra
	}
	for _, r := range results {
		switch x := r.(type) {
		case *authres.SPFResult:
			ra.Results = append(ra.Results, fmt.Sprintf("spf=%s smtp.mailfrom=%s", x.Value, x.From))
		case *authres.DKIMResult:
			ra.Results = append(ra.Results, fmt.Sprintf("dkim=%s header.d=%s", x.Value, x.Domain))
		case *authres.DMARCResult:
			ra.Results = append(ra.Results, fmt.Sprintf("dmarc=%s header.from=%s", x.Value, x.From))
		case *authres.GenericResult:
			ra.Results = append(ra.Results, fmt.Sprintf("%s=%s", x.Method, x.Value))
		default:
			ra.Results = append(ra.Results, fmt.Sprintf("%T", r))
		}
	}
	return ra
}
