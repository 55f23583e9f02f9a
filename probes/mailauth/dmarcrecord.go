package mailauth

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/emersion/go-msgauth/dmarc"
)

// DMARC is a parsed DMARC policy record. Two standards are in use at once: RFC 7489, which
// almost every receiver implements today, and its successor DMARCbis (RFC 9989), which
// drops pct, rf and ri and adds np, psd and t. A record is judged by what both kinds of
// receiver will do with it: a tag that makes an RFC 7489 receiver discard the record is an
// error even where DMARCbis would only ignore it, because that receiver is the majority
// today.
type DMARC struct {
	Raw string `json:"raw"`
	// Policy is p=, SubdomainPolicy sp= (default p), NonexistentPolicy np= (DMARCbis;
	// default sp): "none", "quarantine" or "reject", lower-cased.
	Policy            string `json:"p"`
	SubdomainPolicy   string `json:"sp"`
	NonexistentPolicy string `json:"np"`
	// ADKIM and ASPF are "r" (relaxed, the default) or "s" (strict).
	ADKIM string `json:"adkim"`
	ASPF  string `json:"aspf"`
	// RUA and RUF are the report URIs as written, size suffixes removed.
	RUA []string `json:"rua,omitempty"`
	RUF []string `json:"ruf,omitempty"`
	// Percent is pct= (RFC 7489 only); 100 when absent.
	Percent int `json:"pct"`
	// Testing is t=y (DMARCbis): receivers apply one step weaker policy.
	Testing bool `json:"testing,omitempty"`
	// Notes are things worth telling the operator that do not make the record invalid.
	Notes []DMARCNote `json:"notes,omitempty"`
	// Record is the same policy as go-msgauth reads it, for the DMARC evaluation of a
	// received message.
	Record *dmarc.Record `json:"-"`
}

// DMARCNote is a remark about one tag, saying which standard it comes from.
type DMARCNote struct {
	Tag string `json:"tag"`
	Msg string `json:"msg"`
}

// policyRank orders policies by strength, for "weaker than" comparisons and the
// dmarc_policy metric (0 none, 1 quarantine, 2 reject).
func policyRank(p string) int {
	switch p {
	case "quarantine":
		return 1
	case "reject":
		return 2
	}
	return 0
}

// ErrDMARCSyntax marks a record receivers will discard.
var ErrDMARCSyntax = errors.New("invalid DMARC record")

// ParseDMARC parses one DMARC record string.
func ParseDMARC(txt string) (*DMARC, error) {
	bad := func(format string, a ...any) (*DMARC, error) {
		return nil, fmt.Errorf("%w: %s", ErrDMARCSyntax, fmt.Sprintf(format, a...))
	}
	if strings.TrimSpace(txt) == "" {
		return bad("the record is empty")
	}
	if txt[0] == ' ' || txt[0] == '\t' {
		return bad("the record starts with whitespace; receivers only recognise a record that starts with v=DMARC1")
	}
	if strings.HasPrefix(strings.ToLower(txt), "v=spf1") {
		return bad("this is an SPF record published where the DMARC record belongs; move it to the domain itself and publish v=DMARC1 here")
	}
	tags, err := parseTags(txt, true)
	if err != nil {
		return bad("%v", err)
	}
	d := &DMARC{Raw: txt, ADKIM: "r", ASPF: "r", Percent: 100}
	note := func(tag, format string, a ...any) {
		d.Notes = append(d.Notes, DMARCNote{tag, fmt.Sprintf(format, a...)})
	}
	if len(tags) == 0 || tags[0].Name != "v" {
		return bad("the first tag must be v=DMARC1")
	}
	if tags[0].Value != "DMARC1" {
		return bad("v=%s: the version must be exactly DMARC1", clip(tags[0].Value, 30))
	}
	if !strings.HasPrefix(txt, "v=DMARC1") {
		note("v", "written %q: some receivers only recognise a record starting exactly with \"v=DMARC1\"", clip(txt, 12))
	}
	norm := []string{"v=DMARC1"} // the record as go-msgauth reads it: canonical case, RFC 7489 tags
	for i, t := range tags[1:] {
		v := t.Value
		lv := strings.ToLower(v)
		switch t.Name {
		case "p", "sp", "np":
			if lv != "none" && lv != "quarantine" && lv != "reject" {
				return bad("%s=%s: the policy must be none, quarantine or reject", t.Name, clip(v, 30))
			}
			switch t.Name {
			case "p":
				d.Policy = lv
				if i != 0 {
					note("p", "p= does not come right after v=: RFC 7489 requires that order and strict receivers may discard the record")
				}
			case "sp":
				d.SubdomainPolicy = lv
			case "np":
				d.NonexistentPolicy = lv
				continue // DMARCbis only
			}
		case "adkim", "aspf":
			if lv != "r" && lv != "s" {
				return bad("%s=%s: alignment must be r (relaxed) or s (strict)", t.Name, clip(v, 30))
			}
			if t.Name == "adkim" {
				d.ADKIM = lv
			} else {
				d.ASPF = lv
			}
		case "fo":
			items := splitList(v)
			if len(items) == 0 {
				return bad("fo= is empty: use 0, 1, d or s, separated by colons")
			}
			for _, o := range items {
				if o != "0" && o != "1" && o != "d" && o != "s" {
					return bad("fo=%s: failure options are 0, 1, d and s, separated by colons", clip(v, 30))
				}
			}
			if strings.Contains(":"+strings.Join(items, ":")+":", ":0:") && strings.Contains(":"+strings.Join(items, ":")+":", ":1:") {
				note("fo", "fo=0:1 is redundant: 1 (report on any failure) already covers 0")
			}
			lv = strings.Join(items, ":")
		case "pct":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 100 {
				return bad("pct=%s: RFC 7489 receivers want a whole number from 0 to 100 and discard the record otherwise (DMARCbis dropped pct: remove the tag)", clip(v, 30))
			}
			d.Percent = n
			note("pct", "pct= was dropped by DMARCbis (RFC 9989); RFC 7489 receivers still apply it")
		case "rf":
			for _, f := range splitList(v) {
				if f != "afrf" {
					return bad("rf=%s: RFC 7489 knows only afrf and receivers discard the record otherwise (DMARCbis dropped rf: remove the tag)", clip(v, 30))
				}
			}
			note("rf", "rf= was dropped by DMARCbis (RFC 9989); it can be removed")
		case "ri":
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil || n == 0 {
				return bad("ri=%s: RFC 7489 receivers want a positive number of seconds and discard the record otherwise (DMARCbis dropped ri: remove the tag)", clip(v, 30))
			}
			note("ri", "ri= was dropped by DMARCbis (RFC 9989); reports come daily whatever it says")
		case "rua", "ruf":
			uris, err := parseReportURIs(t.Name, v, note)
			if err != nil {
				return bad("%v", err)
			}
			if t.Name == "rua" {
				d.RUA = uris
			} else {
				d.RUF = uris
			}
			lv = strings.Join(uris, ",")
		case "t":
			if lv != "y" && lv != "n" {
				return bad("t=%s: the testing flag is y or n", clip(v, 30))
			}
			d.Testing = lv == "y"
			continue // DMARCbis only
		case "psd":
			if lv != "y" && lv != "n" && lv != "u" {
				return bad("psd=%s: the public-suffix flag is y, n or u", clip(v, 30))
			}
			continue // DMARCbis only
		default:
			note(t.Name, "unknown tag %s= is ignored by receivers", t.Name)
			continue
		}
		norm = append(norm, t.Name+"="+lv)
	}
	if d.Policy == "" {
		return bad("there is no p= tag: RFC 7489 receivers discard the record (DMARCbis reads it as p=none); add p=none, p=quarantine or p=reject right after v=DMARC1")
	}
	if d.SubdomainPolicy == "" {
		d.SubdomainPolicy = d.Policy
	}
	if d.NonexistentPolicy == "" {
		d.NonexistentPolicy = d.SubdomainPolicy
	}
	rec, err := dmarc.Parse(strings.Join(norm, "; "))
	if err != nil {
		return bad("%v", err)
	}
	d.Record = rec
	return d, nil
}

// parseReportURIs reads a rua/ruf list: comma-separated URIs, each with an optional
// "!size" suffix that DMARCbis made obsolete.
func parseReportURIs(tag, v string, note func(tag, format string, a ...any)) ([]string, error) {
	var out []string
	for _, raw := range strings.Split(v, ",") {
		u := strings.TrimSpace(raw)
		if u == "" {
			return nil, fmt.Errorf("%s= has an empty entry: list URIs separated by commas, like mailto:dmarc@acme.example", tag)
		}
		if i := strings.IndexByte(u, '!'); i >= 0 {
			note(tag, "the size limit %q is obsolete in DMARCbis and ignored by most receivers", u[i:])
			u = u[:i]
		}
		scheme, rest, ok := strings.Cut(u, ":")
		if !ok || !validScheme(scheme) || rest == "" {
			return nil, fmt.Errorf("%s=%s is not a URI: write mailto:address", tag, clip(u, 60))
		}
		if !strings.EqualFold(scheme, "mailto") {
			note(tag, "%s uses %s:, but receivers send reports only to mailto: addresses", u, scheme)
		}
		out = append(out, u)
	}
	if len(out) > 2 {
		note(tag, "%d report addresses: receivers may send to the first two only", len(out))
	}
	return out, nil
}

// validScheme checks a URI scheme (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )).
func validScheme(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// Errors choosing the DMARC record among a name's TXT records.
var (
	ErrNoDMARC       = errors.New("no DMARC record")
	ErrMultipleDMARC = errors.New("more than one DMARC record")
)

// SelectDMARC picks the DMARC record among the TXT records at _dmarc.<domain>, as a
// receiver does: records that do not start with v=DMARC1 are ignored, and two that do are
// an error (receivers then apply no policy at all). others counts the ignored records.
func SelectDMARC(txts []string) (record string, others int, err error) {
	var found []string
	for _, t := range txts {
		compact := strings.ToLower(strings.Join(strings.Fields(t), ""))
		if strings.HasPrefix(compact, "v=dmarc1") {
			found = append(found, t)
		} else {
			others++
		}
	}
	switch len(found) {
	case 0:
		return "", others, ErrNoDMARC
	case 1:
		return found[0], others, nil
	}
	return "", others, fmt.Errorf("%w: %d records start with v=DMARC1, and receivers then apply no policy at all", ErrMultipleDMARC, len(found))
}
