package mailauth

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// MTASTSReport is the MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) part of Report.
type MTASTSReport struct {
	Record    string          `json:"record,omitempty"`
	ID        string          `json:"id,omitempty"`
	PolicyURL string          `json:"policy_url,omitempty"`
	Policy    *MTASTSPolicy   `json:"policy,omitempty"`
	Error     string          `json:"error,omitempty"`
	TLSRPT    string          `json:"tlsrpt,omitempty"`
	TLSRPTURI []string        `json:"tlsrpt_rua,omitempty"`
	Skipped   string          `json:"skipped,omitempty"`
	MXMatch   map[string]bool `json:"mx_match,omitempty"`
}

// MTASTSPolicy is a parsed policy file.
type MTASTSPolicy struct {
	Mode   string   `json:"mode"`
	MX     []string `json:"mx"`
	MaxAge int      `json:"max_age"`
}

// Matches says whether an MX host is covered by the policy's mx patterns (RFC 8461 4.1:
// "*.example.com" covers one label).
func (p *MTASTSPolicy) Matches(host string) bool {
	host = normDomain(host)
	for _, m := range p.MX {
		m = normDomain(m)
		if strings.HasPrefix(m, "*.") {
			if i := strings.IndexByte(host, '.'); i > 0 && host[i+1:] == m[2:] {
				return true
			}
			continue
		}
		if m == host {
			return true
		}
	}
	return false
}

// policyLimit caps the policy file: RFC 8461 3.3 says 64 KiB is plenty.
const policyLimit = 64 << 10

// ParseMTASTSRecord checks a _mta-sts TXT record: v=STSv1 first, and id= of 1 to 32
// letters and digits.
func ParseMTASTSRecord(txt string) (id string, err error) {
	tags, err := parseTags(txt, false)
	if err != nil {
		return "", err
	}
	if len(tags) == 0 || tags[0].Name != "v" || tags[0].Value != "STSv1" {
		return "", errors.New("the record must start with v=STSv1")
	}
	id, ok := tags.get("id")
	if !ok || id == "" || len(id) > 32 {
		return "", errors.New("id= must be 1 to 32 letters and digits")
	}
	for _, c := range []byte(id) {
		if !isAlpha(c) && !isDigit(c) {
			return "", fmt.Errorf("id=%s: only letters and digits are allowed", clip(id, 40))
		}
	}
	return id, nil
}

// ParseMTASTSPolicy parses a policy file (RFC 8461 3.2): "key: value" lines with version
// STSv1, a mode, max_age and, unless mode is none, at least one mx.
func ParseMTASTSPolicy(body string) (*MTASTSPolicy, error) {
	p := &MTASTSPolicy{MaxAge: -1}
	version := ""
	for i, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("line %d %q is not key: value", i+1, clip(line, 40))
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "version":
			if version != "" {
				return nil, errors.New("version is given twice")
			}
			version = v
		case "mode":
			if p.Mode != "" {
				return nil, errors.New("mode is given twice")
			}
			if v != "enforce" && v != "testing" && v != "none" {
				return nil, fmt.Errorf("mode %q: use enforce, testing or none", clip(v, 20))
			}
			p.Mode = v
		case "mx":
			if v == "" || strings.ContainsAny(v, " /@") {
				return nil, fmt.Errorf("mx %q is not a host name or *.domain pattern", clip(v, 40))
			}
			p.MX = append(p.MX, v)
		case "max_age":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 31557600 {
				return nil, fmt.Errorf("max_age %q: a number of seconds up to 31557600", clip(v, 20))
			}
			p.MaxAge = n
		}
	}
	switch {
	case version != "STSv1":
		return nil, errors.New("the first line must be version: STSv1")
	case p.Mode == "":
		return nil, errors.New("mode is missing")
	case p.MaxAge < 0:
		return nil, errors.New("max_age is missing")
	case p.Mode != "none" && len(p.MX) == 0:
		return nil, errors.New("no mx lines: list the MX hosts (or *.domain patterns) the policy covers")
	}
	return p, nil
}

// ParseTLSRPT checks a _smtp._tls TXT record (RFC 8460 3): v=TLSRPTv1 first and rua= with
// mailto: or https: URIs.
func ParseTLSRPT(txt string) ([]string, error) {
	tags, err := parseTags(txt, false)
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 || tags[0].Name != "v" || tags[0].Value != "TLSRPTv1" {
		return nil, errors.New("the record must start with v=TLSRPTv1")
	}
	rua, ok := tags.get("rua")
	if !ok || rua == "" {
		return nil, errors.New("rua= is missing: say where reports go (mailto: or https:)")
	}
	var out []string
	for _, u := range strings.Split(rua, ",") {
		u = strings.TrimSpace(u)
		l := strings.ToLower(u)
		if !strings.HasPrefix(l, "mailto:") && !strings.HasPrefix(l, "https://") || len(u) < 9 {
			return nil, fmt.Errorf("rua %q: use mailto:address or https://url", clip(u, 60))
		}
		out = append(out, u)
	}
	return out, nil
}

func (c *check) checkMTASTS(ctx context.Context, mx *MXReport, p *part) *MTASTSReport {
	d := c.domain
	rep := &MTASTSReport{}
	if mx == nil || len(mx.Hosts) == 0 {
		rep.Skipped = "the domain receives no mail (no MX)"
		return rep
	}
	name := "_mta-sts." + d
	txts, err := c.net.LookupTXT(ctx, name)
	var recs []string
	for _, t := range txts {
		if strings.HasPrefix(t, "v=STSv1") {
			recs = append(recs, t)
		}
	}
	switch {
	case err != nil && !notFound(err):
		rep.Error = err.Error()
	case len(recs) == 0:
		p.add(finding("email.mta-sts-missing", probes.Low, probes.Trust, name,
			"No MTA-STS: mail to "+d+" can be downgraded to plain text",
			fmt.Sprintf("Without MTA-STS, a sender delivering to %s falls back to unencrypted SMTP when an attacker strips STARTTLS.", d),
			"no _mta-sts record", "v=STSv1 record and a policy at https://mta-sts."+d+"/.well-known/mta-sts.txt",
			fmt.Sprintf("Serve a policy (version: STSv1, mode: testing, mx: <each MX>, max_age: 604800) at https://mta-sts.%s/.well-known/mta-sts.txt, then publish %s TXT \"v=STSv1; id=%s\".", d, name, c.now().UTC().Format("20060102"))))
	case len(recs) > 1:
		p.add(finding("email.mta-sts-invalid", probes.Medium, probes.Trust, name,
			"Several MTA-STS records: senders ignore them all",
			"RFC 8461 3.1: more than one v=STSv1 record means no policy.", fmt.Sprintf("%d records", len(recs)), "one record",
			"Keep one record at "+name+".", recs...))
	default:
		rep.Record = recs[0]
		id, err := ParseMTASTSRecord(recs[0])
		if err != nil {
			p.add(finding("email.mta-sts-invalid", probes.Medium, probes.Trust, name,
				"MTA-STS record is invalid: "+clip(err.Error(), 60),
				fmt.Sprintf("%s: %v; senders ignore the policy.", name, err), recs[0], "v=STSv1; id=<letters and digits>",
				fmt.Sprintf("Publish %s TXT \"v=STSv1; id=%s\".", name, c.now().UTC().Format("20060102")), recs[0]))
			break
		}
		rep.ID = id
		rep.PolicyURL = "https://mta-sts." + d + "/.well-known/mta-sts.txt"
		pol, err := c.fetchPolicy(ctx, rep.PolicyURL)
		if err != nil {
			rep.Error = err.Error()
			p.add(finding("email.mta-sts-policy-error", probes.Medium, probes.Trust, rep.PolicyURL,
				"MTA-STS policy cannot be fetched: "+clip(err.Error(), 70),
				fmt.Sprintf("%s announces MTA-STS, but %s fails: %v. Senders that cached an earlier policy may refuse to deliver; the others ignore MTA-STS.", name, rep.PolicyURL, err),
				err.Error(), "HTTP 200, text/plain, a valid STSv1 policy, over HTTPS with a valid certificate",
				fmt.Sprintf("Serve the policy at %s with a certificate for mta-sts.%s (no redirects), or remove %s.", rep.PolicyURL, d, name)))
			break
		}
		rep.Policy = pol
		rep.MXMatch = map[string]bool{}
		var unmatched []string
		for _, h := range mx.Hosts {
			ok := pol.Matches(h.Host)
			rep.MXMatch[h.Host] = ok
			if !ok {
				unmatched = append(unmatched, h.Host)
			}
		}
		if len(unmatched) > 0 && pol.Mode != "none" {
			sev := probes.Low
			if pol.Mode == "enforce" {
				sev = probes.High
			}
			p.add(finding("email.mta-sts-mx-mismatch", sev, probes.Support, rep.PolicyURL,
				"MTA-STS policy does not cover MX "+strings.Join(unmatched, ", "),
				fmt.Sprintf("The policy (mode %s) lists mx %s, but %s has MX %s. Senders enforcing it refuse to deliver to the uncovered hosts.", pol.Mode, strings.Join(pol.MX, ", "), d, strings.Join(unmatched, ", ")),
				"mx: "+strings.Join(pol.MX, ", "), "an mx line for every MX host",
				fmt.Sprintf("Add \"mx: %s\" to the policy and change the id in %s so senders refetch it.", unmatched[0], name)))
		}
		if pol.Mode == "none" {
			p.add(finding("email.mta-sts-mode-none", probes.Low, probes.Trust, rep.PolicyURL,
				"MTA-STS policy mode is none", "mode: none withdraws the policy: senders do not require TLS.",
				"mode: none", "mode: enforce (or testing while TLS reports come in)", "Set mode: testing, then enforce, and change the record's id."))
		}
	}
	rpt := "_smtp._tls." + d
	txts, err = c.net.LookupTXT(ctx, rpt)
	for _, t := range txts {
		if strings.HasPrefix(t, "v=TLSRPTv1") {
			rep.TLSRPT = t
		}
	}
	switch {
	case err != nil && !notFound(err):
	case rep.TLSRPT == "":
		p.add(finding("email.tlsrpt-missing", probes.Low, probes.Support, rpt,
			"No TLS-RPT: failed TLS deliveries to "+d+" go unreported",
			"Without TLS reporting (RFC 8460), you do not hear when senders cannot deliver securely to your MX.",
			"no _smtp._tls record", "v=TLSRPTv1; rua=mailto:<an address you read>",
			fmt.Sprintf("Publish %s TXT \"v=TLSRPTv1; rua=mailto:tls-reports@%s\".", rpt, OrgDomain(d))))
	default:
		uris, err := ParseTLSRPT(rep.TLSRPT)
		rep.TLSRPTURI = uris
		if err != nil {
			p.add(finding("email.tlsrpt-invalid", probes.Low, probes.Support, rpt,
				"TLS-RPT record is invalid: "+clip(err.Error(), 60), fmt.Sprintf("%s: %v; senders send no reports.", rpt, err),
				rep.TLSRPT, "v=TLSRPTv1; rua=mailto:<address>",
				fmt.Sprintf("Publish %s TXT \"v=TLSRPTv1; rua=mailto:tls-reports@%s\".", rpt, OrgDomain(d)), rep.TLSRPT))
		}
	}
	return rep
}

// fetchPolicy gets and parses the policy file as a sending MTA would: HTTPS with a valid
// certificate, no redirects, HTTP 200, text/plain, at most 64 KiB.
func (c *check) fetchPolicy(ctx context.Context, url string) (*MTASTSPolicy, error) {
	// Half of what is left at most, so a hanging policy host leaves time for the rest.
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Until(dl)/2)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "launchready (MTA-STS check)")
	resp, err := c.net.HTTPClient(netx.HTTPOptions{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, truncated, err := netx.ReadLimited(resp.Body, policyLimit)
	switch {
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("HTTP %d (senders do not follow redirects)", resp.StatusCode)
	case err != nil:
		return nil, err
	case truncated:
		return nil, fmt.Errorf("the policy is over %d bytes", policyLimit)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/plain" {
		return nil, fmt.Errorf("Content-Type %q, want text/plain", resp.Header.Get("Content-Type"))
	}
	return ParseMTASTSPolicy(string(body))
}
