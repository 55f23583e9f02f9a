package roundtrip

import (
	"fmt"
	"strings"

	"github.com/emersion/go-msgauth/authres"

	"github.com/launchready/launchready/probes/mailauth"
)

// Auth is one method's result with the domain it was for: "dkim pass acme.example".
type Auth struct {
	Method string `json:"method"`
	Result string `json:"result"`
	Domain string `json:"domain,omitempty"`
}

func (a Auth) String() string {
	if a.Domain == "" {
		return a.Method + "=" + a.Result
	}
	return fmt.Sprintf("%s=%s (%s)", a.Method, a.Result, a.Domain)
}

// Receiver is what the receiving provider concluded, from the topmost
// Authentication-Results header: the one its own border server added. Headers further
// down came with the message and may be forged, so they are not read.
type Receiver struct {
	Server  string `json:"server"`
	Results []Auth `json:"results"`
	// Raw is set when the header did not parse.
	Raw string `json:"raw,omitempty"`
}

// receiverView reads the receiver's verdict; nil when the message carries none.
func receiverView(raw []byte) *Receiver {
	h := topHeader(raw, "Authentication-Results")
	if h == "" {
		return nil
	}
	id, results, err := authres.Parse(h)
	r := &Receiver{Server: id}
	if err != nil {
		r.Raw = clip(h, 300)
		return r
	}
	for _, x := range results {
		switch x := x.(type) {
		case *authres.DKIMResult:
			d := x.Domain
			if d == "" {
				d = domainOf(x.Identifier)
			}
			r.Results = append(r.Results, Auth{"dkim", string(x.Value), strings.ToLower(d)})
		case *authres.SPFResult:
			d := x.From
			if d == "" {
				d = x.Helo
			}
			r.Results = append(r.Results, Auth{"spf", string(x.Value), strings.ToLower(domainOf(d))})
		case *authres.DMARCResult:
			r.Results = append(r.Results, Auth{"dmarc", string(x.Value), strings.ToLower(domainOf(x.From))})
		}
	}
	return r
}

// ours is our own verdict in the same shape: every DKIM signature, SPF, DMARC.
func ours(v *mailauth.MessageVerdict) []Auth {
	var out []Auth
	for _, s := range v.DKIM {
		out = append(out, Auth{"dkim", s.Result, s.Domain})
	}
	if v.SPF != nil {
		out = append(out, Auth{"spf", v.SPF.Result, v.SPF.Domain})
	}
	out = append(out, Auth{"dmarc", v.DMARC.Result, v.DMARC.Domain})
	return out
}

// disagreements compares the receiver's verdict with ours, method by method and domain by
// domain. A disagreement is worth a look either way: the receiver passing what we fail
// means our DNS view differs from the world's (a key being rotated, a split horizon); the
// receiver failing what we pass means the message changed on its way (a footer, a
// forwarding hop) or the receiver evaluates SPF for a different hop.
func disagreements(recv *Receiver, v *mailauth.MessageVerdict) []string {
	if recv == nil || recv.Raw != "" {
		return nil
	}
	our := ours(v)
	var out []string
	for _, r := range recv.Results {
		switch r.Method {
		case "dkim":
			o, ok := find(our, "dkim", r.Domain)
			switch {
			case !ok && r.Result == "pass":
				out = append(out, fmt.Sprintf("the receiver says dkim=pass for %s, but the message as received has no signature of %s we could check", r.Domain, r.Domain))
			case ok && o.Result != r.Result:
				out = append(out, fmt.Sprintf("DKIM for %s: the receiver says %s, we find %s%s", r.Domain, r.Result, o.Result, dkimWhy(r.Result, o.Result)))
			}
		case "spf":
			if v.SPF == nil {
				continue
			}
			if r.Result != v.SPF.Result {
				out = append(out, fmt.Sprintf("SPF: the receiver says %s for %s, we find %s for %s from %s (the receiver may have judged another hop)", r.Result, r.Domain, v.SPF.Result, v.SPF.Domain, v.SPF.IP))
			}
		case "dmarc":
			if r.Result != v.DMARC.Result {
				out = append(out, fmt.Sprintf("DMARC: the receiver says %s, we find %s (%s)", r.Result, v.DMARC.Result, v.DMARC.Reason))
			}
		}
	}
	return out
}

func dkimWhy(theirs, our string) string {
	switch {
	case theirs == "pass" && our == "fail":
		return " (the message was changed after the receiver checked it: a forwarding rule, a footer, or the provider rewrote it when filing)"
	case theirs == "pass":
		return " (our DNS view of the key differs from the receiver's: a key being rotated, or DNS not yet propagated)"
	case our == "pass":
		return " (the receiver saw a different key, or the message as it arrived differed)"
	}
	return ""
}

func find(list []Auth, method, domain string) (Auth, bool) {
	for _, a := range list {
		if a.Method == method && strings.EqualFold(a.Domain, domain) {
			return a, true
		}
	}
	return Auth{}, false
}

// topHeader is the first (topmost) field of that name, unfolded; "" when absent.
func topHeader(raw []byte, name string) string {
	head := string(raw)
	if i := strings.Index(head, "\r\n\r\n"); i >= 0 {
		head = head[:i]
	} else if i := strings.Index(head, "\n\n"); i >= 0 {
		head = head[:i]
	}
	lines := strings.Split(strings.ReplaceAll(head, "\r\n", "\n"), "\n")
	for i, l := range lines {
		k, v, ok := strings.Cut(l, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), name) || strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			continue
		}
		for _, cont := range lines[i+1:] {
			if !strings.HasPrefix(cont, " ") && !strings.HasPrefix(cont, "\t") {
				break
			}
			v += " " + strings.TrimSpace(cont)
		}
		return strings.TrimSpace(v)
	}
	return ""
}

func domainOf(s string) string {
	s = strings.Trim(strings.TrimSpace(s), "<>")
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
