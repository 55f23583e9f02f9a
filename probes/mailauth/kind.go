package mailauth

import (
	"time"

	"github.com/launchready/launchready/probes"
)

// Kind registers the email pane: one check per sending domain (email.domains, default the
// top-level domain). See the package documentation for findings, metrics and Data.
var Kind = probes.Kind{
	Name:    "email",
	Pane:    probes.PaneEmail,
	Section: "email",
	Doc:     "SPF, DKIM, DMARC, MX, MTA-STS and alignment of each sending domain",
	Build: func(env probes.Env) ([]probes.Check, error) {
		c, err := decodeConfig(env.Config)
		if err != nil {
			return nil, err
		}
		timeout := c.Timeout
		now := env.Now
		if now == nil {
			now = time.Now
		}
		var out []probes.Check
		for _, d := range c.Domains {
			out = append(out, &check{
				domain:   d,
				cfg:      c,
				org:      env.Config.Domain,
				net:      env.Net,
				now:      now,
				stateDir: env.StateDir,
				info: probes.CheckInfo{
					Name:     "email " + d,
					Kind:     "email",
					Pane:     probes.PaneEmail,
					Target:   d,
					Interval: c.Interval,
					Timeout:  timeout,
				},
			})
		}
		return out, nil
	},
}

// ConfigOf returns the email section as the pane decoded it for this session, so commands
// (send-test) use the same values and the same resolved password reference as the checks.
// It is nil when no email check was built.
func ConfigOf(checks []probes.Check) *Config {
	for _, c := range checks {
		if ec, ok := c.(*check); ok {
			return ec.cfg
		}
	}
	return nil
}
