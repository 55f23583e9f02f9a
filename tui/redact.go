package tui

import (
	"strings"

	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/probes"
)

// redacted replaces a secret's value wherever the console would show or copy it.
const redacted = "[redacted]"

// redactor removes the config's resolved secret values, in every spelling output gives
// them (redact.Spellings), from results as they arrive. Probes should never put a secret
// in a result; this is the second lock on the door, so a probe's mistake still never
// reaches the screen, the scrollback or a copied detail.
type redactor struct{ r *strings.Replacer }

func newRedactor(secrets []string) *redactor {
	return &redactor{redact.ValueReplacer(secrets, redacted)}
}

// result returns r with every text field redacted (probes.Result.MapText: copies, never
// changes the result other subscribers share).
func (x *redactor) result(r probes.Result) probes.Result {
	if x.r == nil {
		return r
	}
	return r.MapText(x.r.Replace)
}
