package handover

import (
	_ "embed"
	"html/template"
	"io"
	"strings"

	"github.com/launchready/launchready/internal/doctext"
)

// htmlPage is the pack as one self-contained page: inline CSS, no script, no external
// asset, readable printed; sparklines are inline SVG polylines. html/template escapes
// every value (titles, records and owners' notes are outside text).
//
//go:embed handover.html.tmpl
var htmlPage string

// WriteHTML writes the pack as a single HTML file.
func (p *Pack) WriteHTML(w io.Writer) error {
	t, err := template.New("handover").Funcs(template.FuncMap{
		"upper":    strings.ToUpper,
		"stamp":    stamp,
		"short":    short,
		"inc":      func(i int) int { return i + 1 },
		"sevClass": func(s string) string { return "sev-" + strings.ToLower(s) },
		"spans":    spansHTML,
	}).Parse(htmlPage)
	if err != nil {
		return err
	}
	return t.Execute(w, p)
}

// spansHTML writes text whose code is marked with backticks (a fix, a limitation) with
// that code as <code>, every part escaped: the page shows what the Markdown shows.
func spansHTML(s string) template.HTML {
	var b strings.Builder
	for _, sp := range doctext.Spans(s) {
		if sp.Code {
			b.WriteString("<code>" + template.HTMLEscapeString(sp.Text) + "</code>")
		} else {
			b.WriteString(template.HTMLEscapeString(sp.Text))
		}
	}
	return template.HTML(b.String())
}
