package endpoint

import (
	"strings"
	"sync"

	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/probes"
)

// redactor replaces the config's secret values in everything a check reports. A probe
// sends secrets (headers, passwords, webhook keys) and shows what servers answer, and a
// server that echoes a token into an error page (or URL-encoded into a redirect's next=)
// must not get it onto the screen.
type redactor func() []string

// result scrubs every text field of a result, and of its Data when it is one of ours
// (probes.Result.MapText).
func (r redactor) result(res probes.Result) probes.Result {
	if r == nil {
		return res
	}
	rep := replacerFor(r())
	if rep == nil {
		return res
	}
	return res.MapText(rep.Replace)
}

// replacers memoizes one replacer per set of secret values: every check's result is
// scrubbed, and the config's secrets change only when it is reloaded.
var replacers sync.Map // values joined by NUL -> *strings.Replacer

func replacerFor(values []string) *strings.Replacer {
	if len(values) == 0 {
		return nil
	}
	key := strings.Join(values, "\x00")
	if rep, ok := replacers.Load(key); ok {
		return rep.(*strings.Replacer)
	}
	rep := redact.ValueReplacer(values, "[redacted]")
	replacers.Store(key, rep)
	return rep
}

// MapText scrubs a Detail's own text: the last error and each condition.
func (d Detail) MapText(f func(string) string) any {
	d.LastError = f(d.LastError)
	conds := make([]Condition, len(d.Conditions))
	for i, c := range d.Conditions {
		c.Observed, c.Expected = f(c.Observed), f(c.Expected)
		conds[i] = c
	}
	d.Conditions = conds
	return d
}

// MapText scrubs a smoke run's steps and the finding that stopped it.
func (r *SmokeReport) MapText(f func(string) string) any {
	out := *r
	out.Steps = make([]SmokeStep, len(r.Steps))
	for i, s := range r.Steps {
		s.Summary, s.Reason = f(s.Summary), f(s.Reason)
		out.Steps[i] = s
	}
	if r.Cause != nil {
		c := probes.Result{Findings: []probes.Finding{*r.Cause}}.MapText(f).Findings[0]
		out.Cause = &c
	}
	return &out
}
