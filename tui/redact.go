package tui

import (
	"strings"

	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/probes"
)

// redacted replaces a secret's value wherever the console would show or copy it.
const redacted = "[redacted]"

// redactor removes the config's resolved secret values from results as they arrive.
// Probes should never put a secret in a result; this is the second lock on the door, so a
// probe's mistake still never reaches the screen, the scrollback or a copied detail.
type redactor struct{ r *strings.Replacer }

func newRedactor(secrets []string) *redactor {
	var pairs []string
	// Each secret in the spellings output gives it (URL- and JSON-escaped), as the log and
	// transcript redactors catch it, longest first so one containing another goes whole: a
	// server echoing a token in a redirect must not show it.
	for _, f := range redact.Spellings(secrets) {
		pairs = append(pairs, f, redacted)
	}
	if len(pairs) == 0 {
		return &redactor{}
	}
	return &redactor{strings.NewReplacer(pairs...)}
}

func (x *redactor) str(s string) string {
	if x.r == nil {
		return s
	}
	return x.r.Replace(s)
}

// result returns r with every text field redacted (check names are config names, never
// secrets, and stay as they are so `r` can address the check). Findings and evidence are copied
// before they are changed: the runner's other subscribers share them.
func (x *redactor) result(r probes.Result) probes.Result {
	if x.r == nil {
		return r
	}
	r.Summary, r.Err, r.Target = x.str(r.Summary), x.str(r.Err), x.str(r.Target)
	fs := make([]probes.Finding, len(r.Findings))
	for i, f := range r.Findings {
		f.Target, f.Title, f.Detail = x.str(f.Target), x.str(f.Title), x.str(f.Detail)
		f.Observed, f.Expected, f.Fix = x.str(f.Observed), x.str(f.Expected), x.str(f.Fix)
		ev := make([]string, len(f.Evidence))
		for j, e := range f.Evidence {
			ev[j] = x.str(e)
		}
		f.Evidence = ev
		fs[i] = f
	}
	r.Findings = fs
	return r
}
