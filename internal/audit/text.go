package audit

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/launchready/launchready/internal/doctext"
)

// WriteText writes the audit for a terminal or a CI log: plain text, every severity as an
// icon and a word, so it reads without colour.
func (a *Audit) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	p("LAUNCH AUDIT  %s (%s)  %s", a.Product, a.Domain, a.Generated.Format("2006-01-02 15:04 UTC"))
	p("State: %s · %s · swept from %s", strings.ToUpper(string(a.State)), a.countLine(), a.ConfigSource)
	p("")
	p("Where production lives")
	for _, f := range a.Facts() {
		p("  %-22s %s", f[0], f[1])
	}
	p("")
	p("Copies of the app")
	for _, line := range a.copiesLines() {
		p("  %s", line)
	}
	if d := a.Discovery; d != nil {
		p("")
		p("Discovery")
		p("  nameservers: %s", strings.Join(d.Nameservers, ", "))
		for _, t := range d.Transfers {
			p("  transfer %s", t)
		}
		for _, wc := range d.Wildcards {
			p("  wildcard %s", wc)
		}
		p("  %d names answer (%d asked): %s", len(d.Names), d.Tried, strings.Join(d.Names, ", "))
	}
	if len(a.Undecided) > 0 {
		p("")
		p("Guessed (no config: built from discovery)")
		for _, u := range a.Undecided {
			p("  - %s", u)
		}
	}
	p("")
	p("Risks, by business impact (%d)", len(a.Risks))
	if len(a.Risks) == 0 {
		p("  No findings.")
	}
	for i, f := range a.Risks {
		p("%3d. %s %s [%s] %s", i+1, f.Severity.Icon(), strings.ToUpper(f.Severity.String()), f.Impact.Label(), f.Title)
		p("     where:    %s (%s)", f.Target, f.ID)
		if f.Observed != "" {
			p("     observed: %s", oneLine(f.Observed))
		}
		if f.Expected != "" {
			p("     expected: %s", oneLine(f.Expected))
		}
		p("     fix:      %s", oneLine(f.Fix))
		for _, e := range first(f.Evidence, 3) {
			p("     evidence: %s", oneLine(e))
		}
	}
	if len(a.CheckErrors) > 0 {
		p("")
		p("Could not run (%d)", len(a.CheckErrors))
		for _, e := range a.CheckErrors {
			p("  ✖ %s", oneLine(e))
		}
	}
	return b.Flush()
}

func (a *Audit) countLine() string {
	c := a.Counts
	return fmt.Sprintf("%d critical, %d high, %d medium, %d low · %d checks", c.Critical, c.High, c.Medium, c.Low, c.Checks)
}

// copiesLines are the copies section in every format.
func (a *Audit) copiesLines() []string {
	if len(a.Copies) > 0 {
		out := make([]string, 0, len(a.Copies))
		for _, f := range a.Copies {
			out = append(out, fmt.Sprintf("%s %s: %s", f.Severity.Icon(), f.Title, f.Observed))
		}
		return out
	}
	if a.CopiesError != "" {
		return []string{"not checked: the copies check could not run: " + a.CopiesError}
	}
	if !a.CopiesChecked {
		return []string{"not checked: the copies check was not part of this sweep (it needs the domain and canonical_url)"}
	}
	return []string{"none: every name serving the app redirects to the canonical URL or says it is not canonical"}
}

// oneLine folds a multi-line value for a one-line field.
func oneLine(s string) string { return doctext.OneLine(s) }
