package alert

import (
	"slices"

	"github.com/launchready/launchready/probes"
)

// Route returns the owners and channels of every rule the finding matches: who would be
// told about it. The engine routes with it, and the handover pack's routing guide asks it
// what reaches nobody, so the guide cannot disagree with what watch does.
func (c *Config) Route(f *probes.Finding) (owners, channels []string) {
	for i := range c.Rules {
		r := &c.Rules[i]
		if f.Severity < r.severity || !matchPane(r.Panes, f.Pane) || !match(r.Checks, f.Check) || !match(r.Findings, f.ID) {
			continue
		}
		if !slices.Contains(owners, r.Owner) {
			owners = append(owners, r.Owner)
		}
		for _, ch := range r.Channels {
			if !slices.Contains(channels, ch) {
				channels = append(channels, ch)
			}
		}
	}
	return owners, channels
}

// SeverityFloor is the lowest severity the rule fires on (its severity:, default high).
func (r Rule) SeverityFloor() probes.Severity { return r.severity }
