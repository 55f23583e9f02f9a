package probes

import "slices"

// RiskList is a sweep's findings as one ranked list with one finding per problem: the
// same (ID, Target) reported by several checks, as two sending domains inheriting one
// DMARC record do, is one entry whose RaisedBy names every check that reported it, in
// rank order (config order among equals). The entry is the worst-ranked report of the
// problem (the highest severity wins), with the evidence of all of them.
//
// Every list of findings a person reads goes through here (the check report and its
// JSON, the console's risk list, header counts and launch bar), so a problem is counted
// once everywhere and the outputs never disagree. The results are not changed.
func RiskList(results []Result) []Finding {
	n := 0
	for i := range results {
		n += len(results[i].Findings)
	}
	// Rank pointers, not the findings: moving a few hundred large structs around a stable
	// sort costs more than the rest of a console frame.
	ptrs := make([]*Finding, 0, n)
	for i := range results {
		for j := range results[i].Findings {
			ptrs = append(ptrs, &results[i].Findings[j])
		}
	}
	slices.SortStableFunc(ptrs, func(a, b *Finding) int { return Rank(*a, *b) })
	type problem struct{ id, target string }
	at := make(map[problem]int, n)
	out := make([]Finding, 0, n)
	// One backing array for the common case of one check per finding; a capped slice of
	// it grows into its own array when a second check is added.
	names := make([]string, n)
	for _, p := range ptrs {
		k := problem{p.ID, p.Target}
		i, seen := at[k]
		if !seen {
			at[k] = len(out)
			f := *p
			names[len(out)] = p.Check
			f.RaisedBy = names[len(out) : len(out)+1 : len(out)+1]
			// Clipped so that merging evidence below never writes into the result's array.
			f.Evidence = slices.Clip(f.Evidence)
			out = append(out, f)
			continue
		}
		f := &out[i]
		if !slices.Contains(f.RaisedBy, p.Check) {
			f.RaisedBy = append(f.RaisedBy, p.Check)
		}
		for _, e := range p.Evidence {
			if !slices.Contains(f.Evidence, e) {
				f.Evidence = append(f.Evidence, e)
			}
		}
	}
	return out
}
