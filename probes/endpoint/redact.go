package endpoint

import (
	"strings"
	"sync"

	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/probes"
)

// redactor replaces the config's secret values in everything a check reports. A probe
// sends secrets (headers, passwords, webhook keys) and shows what servers answer, and a
// server that echoes a token into an error page must not get it onto the screen.
type redactor func() []string

func (r redactor) text(s string) string {
	if r == nil || s == "" {
		return s
	}
	for _, v := range r() {
		if v == "" {
			continue
		}
		for _, f := range spellings(v) {
			s = strings.ReplaceAll(s, f, "[redacted]")
		}
	}
	return s
}

// spelled memoizes redact.Encodings per secret value: text runs for every field of every
// result, and the config's secrets change only when it is reloaded.
var spelled sync.Map // secret value -> []string, longest first

// spellings are the forms a secret takes in what a server sends back (as is, URL- and
// JSON-escaped: a token echoed in a redirect's next= is still the token), longest first
// so a form containing another is replaced whole.
func spellings(v string) []string {
	if f, ok := spelled.Load(v); ok {
		return f.([]string)
	}
	f := redact.Spellings([]string{v})
	spelled.Store(v, f)
	return f
}

// result scrubs every text field of a result, and of its Data when it is one of ours.
func (r redactor) result(res probes.Result) probes.Result {
	if r == nil {
		return res
	}
	res.Summary, res.Err, res.Target = r.text(res.Summary), r.text(res.Err), r.text(res.Target)
	for i := range res.Findings {
		f := &res.Findings[i]
		f.Title, f.Detail, f.Observed, f.Expected, f.Fix, f.Target = r.text(f.Title), r.text(f.Detail), r.text(f.Observed), r.text(f.Expected), r.text(f.Fix), r.text(f.Target)
		for j := range f.Evidence {
			f.Evidence[j] = r.text(f.Evidence[j])
		}
	}
	if d, ok := res.Data.(scrubber); ok {
		res.Data = d.scrub(r)
	}
	return res
}

// scrubber is a Data type that knows its text fields.
type scrubber interface{ scrub(redactor) any }

func (d Detail) scrub(r redactor) any {
	d.LastError = r.text(d.LastError)
	conds := make([]Condition, len(d.Conditions))
	for i, c := range d.Conditions {
		c.Observed, c.Expected = r.text(c.Observed), r.text(c.Expected)
		conds[i] = c
	}
	d.Conditions = conds
	return d
}

func (r *SmokeReport) scrub(rd redactor) any {
	out := *r
	out.Steps = make([]SmokeStep, len(r.Steps))
	for i, s := range r.Steps {
		s.Summary, s.Reason = rd.text(s.Summary), rd.text(s.Reason)
		out.Steps[i] = s
	}
	if r.Cause != nil {
		c := rd.result(probes.Result{Findings: []probes.Finding{*r.Cause}}).Findings[0]
		out.Cause = &c
	}
	return &out
}
