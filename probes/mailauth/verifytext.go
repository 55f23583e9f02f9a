package mailauth

import (
	"fmt"
	"io"
	"strings"
)

// resultIcon marks each verdict with an icon and a word, so the output reads the same
// without colour.
func resultIcon(r string) string {
	switch r {
	case "pass":
		return "✔ pass"
	case "none", "neutral":
		return "○ " + r
	case "softfail", "temperror":
		return "▲ " + r
	}
	return "✖ " + r
}

// WriteText writes the verdict for a person: DMARC first (it decides), then DKIM per
// signature, SPF, and what the receiving server said.
func (v *MessageVerdict) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Message from %s\n\n", v.From)
	fmt.Fprintf(&b, "DMARC  %s", resultIcon(v.DMARC.Result))
	if v.DMARC.Disposition != "" {
		fmt.Fprintf(&b, " · policy %s", v.DMARC.Disposition)
	}
	fmt.Fprintf(&b, "\n       %s\n", v.DMARC.Reason)
	if v.DMARC.Record != "" {
		fmt.Fprintf(&b, "       _dmarc.%s: %s\n", v.DMARC.Domain, v.DMARC.Record)
	}
	if len(v.DKIM) == 0 {
		b.WriteString("DKIM   ○ none: the message is not signed\n")
	}
	for _, s := range v.DKIM {
		fmt.Fprintf(&b, "DKIM   %s · d=%s s=%s a=%s", resultIcon(s.Result), s.Domain, s.Selector, s.Algorithm)
		if s.Aligned {
			b.WriteString(" · aligned")
		} else {
			b.WriteString(" · not aligned with From")
		}
		if s.Key != nil {
			fmt.Fprintf(&b, " · key %s", s.Key.Describe())
		}
		b.WriteString("\n")
		if s.Reason != "" {
			fmt.Fprintf(&b, "       %s\n", s.Reason)
		}
	}
	switch {
	case v.SPF == nil:
		b.WriteString("SPF    ○ not evaluated: no connecting IP (pass --ip)\n")
	default:
		fmt.Fprintf(&b, "SPF    %s · %s for %s", resultIcon(v.SPF.Result), v.SPF.IP, v.SPF.Domain)
		if v.SPFAligned {
			b.WriteString(" · aligned")
		} else if v.SPF.Result == SPFPass {
			b.WriteString(" · not aligned with From")
		}
		fmt.Fprintf(&b, "\n       IP from %s; envelope sender from %s\n", v.IPSource, v.EnvelopeSource)
		if v.SPF.Reason != "" {
			fmt.Fprintf(&b, "       %s\n", v.SPF.Reason)
		}
	}
	for _, a := range v.AuthResult {
		fmt.Fprintf(&b, "Receiver %s said: %s\n", a.Server, strings.Join(a.Results, "; "))
	}
	for _, n := range v.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
