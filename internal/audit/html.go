package audit

import (
	_ "embed"
	"html/template"
	"io"
	"strings"
)

// htmlPage is the audit as one self-contained page: inline CSS, no script, no external
// asset, readable printed. html/template escapes every value (titles, records and
// headers come from the outside world).
//
//go:embed audit.html.tmpl
var htmlPage string

// WriteHTML writes the audit as a single HTML file.
func (a *Audit) WriteHTML(w io.Writer) error {
	t, err := template.New("audit").Funcs(template.FuncMap{
		"upper":   strings.ToUpper,
		"oneLine": oneLine,
		"inc":     func(i int) int { return i + 1 },
		"copies":  a.copiesLines,
		"counts":  a.countLine,
	}).Parse(htmlPage)
	if err != nil {
		return err
	}
	return t.Execute(w, a)
}
