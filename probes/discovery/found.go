package discovery

import (
	"time"

	"github.com/launchready/launchready/probes/subdomains"
)

// Found is the report's address names (those with a CNAME, A or AAAA records, dangling
// CNAMEs included) in the state folder's format: what the DNS pane's hourly
// undocumented-names check asks again. Names that only echo a wildcard and policy names
// (TXT only) are left out: the first say nothing, the second are the email pane's.
func (r *Report) Found(taken time.Time) subdomains.Found {
	f := subdomains.Found{Domain: r.Domain, Taken: taken.UTC()}
	for _, n := range r.Names {
		if n.Wildcard || (len(n.CNAME) == 0 && len(n.A) == 0 && len(n.AAAA) == 0) {
			continue
		}
		fn := subdomains.Name{Name: n.Name}
		if len(n.Sources) > 0 {
			fn.Source = string(n.Sources[0].Kind)
		}
		if len(n.CNAME) > 0 {
			fn.CNAME = n.CNAME[0]
		}
		f.Names = append(f.Names, fn)
		if len(f.Names) == subdomains.MaxFound {
			break
		}
	}
	return f
}

// SaveFound keeps the report's names in stateDir/discovered.json for the DNS pane (see
// Report.Found). `init` and `audit` call it after a run; taken is when discovery ran.
func SaveFound(stateDir string, rep *Report, taken time.Time) error {
	return subdomains.SaveFound(stateDir, rep.Found(taken))
}
