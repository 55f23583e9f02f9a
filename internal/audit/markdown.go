package audit

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/launchready/launchready/internal/doctext"
)

// WriteMarkdown writes the audit as Markdown for a repository (GitHub renders it).
func (a *Audit) WriteMarkdown(w io.Writer) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	p("# Launch audit: %s (%s)", md(a.Product), md(a.Domain))
	p("")
	p("Generated %s from %s. State: **%s**; %s.", a.Generated.Format("2006-01-02 15:04 UTC"), md(a.ConfigSource), strings.ToUpper(string(a.State)), a.countLine())
	p("")
	p("## Where production lives")
	p("")
	p("| | |")
	p("| --- | --- |")
	for _, f := range a.Facts() {
		p("| %s | %s |", f[0], cell(f[1]))
	}
	p("")
	p("## Copies of the app")
	p("")
	for _, l := range a.copiesLines() {
		p("- %s", md(l))
	}
	if d := a.Discovery; d != nil {
		p("")
		p("## Discovery")
		p("")
		p("- Nameservers: %s", md(strings.Join(d.Nameservers, ", ")))
		for _, t := range d.Transfers {
			p("- Zone transfer %s", md(t))
		}
		for _, wc := range d.Wildcards {
			p("- Wildcard %s", md(wc))
		}
		p("- %d names answer (%d asked): %s", len(d.Names), d.Tried, md(strings.Join(d.Names, ", ")))
	}
	if len(a.Undecided) > 0 {
		p("")
		p("## Guessed")
		p("")
		for _, u := range a.Undecided {
			p("- %s", md(u))
		}
	}
	p("")
	p("## Risks, by business impact")
	p("")
	if len(a.Risks) == 0 {
		p("No findings.")
	}
	for i, f := range a.Risks {
		p("### %d. %s %s · %s: %s", i+1, f.Severity.Icon(), strings.ToUpper(f.Severity.String()), f.Impact.Label(), md(f.Title))
		p("")
		p("- **Where:** `%s` (`%s`)", code(f.Target), code(f.ID))
		if f.Observed != "" {
			p("- **Observed:** %s", md(oneLine(f.Observed)))
		}
		if f.Expected != "" {
			p("- **Expected:** %s", md(oneLine(f.Expected)))
		}
		p("- **Fix:** %s", doctext.MDSpans(oneLine(f.Fix)))
		if len(f.Evidence) > 0 {
			p("")
			p("```")
			for _, e := range f.Evidence {
				p("%s", strings.ReplaceAll(e, "```", "'''"))
			}
			p("```")
		}
		p("")
	}
	if len(a.CheckErrors) > 0 {
		p("## Could not run")
		p("")
		for _, e := range a.CheckErrors {
			p("- %s", md(e))
		}
	}
	return b.Flush()
}

func md(s string) string   { return doctext.MD(s) }
func cell(s string) string { return doctext.Cell(s) }
func code(s string) string { return doctext.Code(s) }
