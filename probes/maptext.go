package probes

// TextMapper is Data with free text of its own (an endpoint's last error, a smoke run's
// steps): MapText returns a copy with f applied to that text.
type TextMapper interface {
	MapText(f func(string) string) any
}

// MapText returns r with f applied to every free text field: the summary, the error, the
// target, each finding's target, title, detail, observed, expected, fix and evidence, and
// Data when it is a TextMapper. It is how results are redacted before anything shows or
// stores them. Check names stay as they are (config names, never secrets, and they
// address the check). Findings and evidence are copied before they change: the runner's
// subscribers share them.
func (r Result) MapText(f func(string) string) Result {
	r.Summary, r.Err, r.Target = f(r.Summary), f(r.Err), f(r.Target)
	if r.Findings != nil {
		fs := make([]Finding, len(r.Findings))
		for i, x := range r.Findings {
			x.Target, x.Title, x.Detail = f(x.Target), f(x.Title), f(x.Detail)
			x.Observed, x.Expected, x.Fix = f(x.Observed), f(x.Expected), f(x.Fix)
			if x.Evidence != nil {
				ev := make([]string, len(x.Evidence))
				for j, e := range x.Evidence {
					ev[j] = f(e)
				}
				x.Evidence = ev
			}
			fs[i] = x
		}
		r.Findings = fs
	}
	if d, ok := r.Data.(TextMapper); ok {
		r.Data = d.MapText(f)
	}
	return r
}
