package errlog

import (
	"github.com/launchready/launchready/probes"
)

// Kind registers the errors pane's probe: one check, "errors", reading every source in
// the errors: section. Without the section there is nothing to read and no check.
var Kind = probes.Kind{
	Name:    "errors",
	Pane:    probes.PaneErrors,
	Section: "errors",
	Doc:     "tail the app's logs: join stack traces, redact secrets, group errors by fingerprint",
	Build: func(env probes.Env) ([]probes.Check, error) {
		sec := env.Config.Section("errors")
		if sec == nil {
			return nil, nil
		}
		var s section
		if errs := sec.Decode(&s); errs != nil {
			return nil, errs
		}
		set, errs := settingsFrom(&s, sec, env.Config, env.LabDir)
		if len(errs) > 0 {
			return nil, errs
		}
		return []probes.Check{newCheck(set, env)}, nil
	},
}
