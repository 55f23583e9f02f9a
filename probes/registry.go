package probes

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes/netx"
)

// Env is what a probe kind may use to build its checks: the config, the one network, a
// clock and a logger. Nothing is global, so tests can set every part.
type Env struct {
	Config *config.Config
	Net    *netx.Net
	Now    func() time.Time
	Log    *slog.Logger
	// LabDir is the running built-in lab's folder (--lab), "" otherwise: config paths
	// written lab:NAME (the lab's app log, lab:app.log) name files in it.
	LabDir string
	// StateDir is the state folder ("" when there is none): kinds that report on what
	// watch keeps there (alert channel health) read it.
	StateDir string
	// LastRunbookRun tells the newest runbook run in the state folder (its id and start),
	// "" when none; nil when nothing wired it. Set by setup, which knows the runbook store:
	// a probe that judges freshness against runbook runs (the handover pack's) asks through
	// it instead of importing runbook.
	LastRunbookRun func() (id string, started time.Time)
	// LastDeploy tells the newest successful run of the deploy runbook (its id and start),
	// "" when there is none; nil when nothing wired it. Set by setup. A rotation or a
	// deploy that failed or was rolled back leaves the served code as it was: a probe that
	// asks "was this tested against what is served now" (the load record) asks this, not
	// LastRunbookRun.
	LastDeploy func() (id string, started time.Time)
	// Figures is the history's kept figures over time (see Figures); nil when nothing
	// wired it.
	Figures Figures
}

// Kind is one kind of probe: its name, its pane, the config section it reads (if any),
// and how to build its checks from the config.
type Kind struct {
	Name    string
	Pane    Pane
	Section string // the config section this kind decodes, "" for none
	Doc     string
	// Build returns the kind's checks for the config. It must not touch the network:
	// `launchready validate` calls it to check the config, so a config error found here
	// is found before anything runs. Errors should be config.Errors with positions.
	Build func(env Env) ([]Check, error)
}

// Registry is the one list of probe kinds. Config validation and the runner both read it,
// so a kind can never be runnable but unvalidated, or the other way round.
type Registry struct{ kinds []Kind }

// NewRegistry makes a registry of the given kinds.
func NewRegistry(kinds ...Kind) *Registry {
	r := &Registry{}
	for _, k := range kinds {
		r.Register(k)
	}
	return r
}

// Register adds a kind; a duplicate name is a programming error.
func (r *Registry) Register(k Kind) {
	if slices.ContainsFunc(r.kinds, func(o Kind) bool { return o.Name == k.Name }) {
		panic("probes: kind registered twice: " + k.Name)
	}
	r.kinds = append(r.kinds, k)
}

// Kinds lists the registered kinds in registration order.
func (r *Registry) Kinds() []Kind { return slices.Clone(r.kinds) }

// Build makes every check for the config, limited to the given panes (nil: all). It
// reports every config problem it finds, from every kind, in one error; it also refuses
// config sections that no kind reads (a typo'd or future section would otherwise be
// silently ignored) and two checks with the same name.
func (r *Registry) Build(env Env, only []Pane) ([]Check, error) {
	var errs config.Errors
	var other []string
	var checks []Check
	claimed := map[string]bool{}
	for _, k := range r.kinds {
		if k.Section != "" {
			claimed[k.Section] = true
		}
		if only != nil && !slices.Contains(only, k.Pane) {
			continue
		}
		cs, err := k.Build(env)
		if err != nil {
			if ce, ok := err.(config.Errors); ok {
				errs = append(errs, ce...)
			} else {
				other = append(other, fmt.Sprintf("%s: %v", k.Name, err))
			}
			continue
		}
		checks = append(checks, cs...)
	}
	for _, s := range env.Config.SectionsPresent() {
		if !claimed[s] {
			errs = append(errs, env.Config.ErrorAt(s, "no check in this version of launchready reads this section yet",
				"remove it, or upgrade launchready; `launchready --version` says which you have"))
		}
	}
	seen := map[string]bool{}
	for _, c := range checks {
		n := c.Info().Name
		if seen[n] {
			other = append(other, fmt.Sprintf("two checks are named %q; give one of them another name", n))
		}
		seen[n] = true
	}
	if len(other) > 0 {
		for _, o := range other {
			errs = append(errs, config.Error{File: env.Config.File, Msg: o})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return checks, nil
}

// Describe lists the kinds for --help and the README.
func (r *Registry) Describe() string {
	var b strings.Builder
	for _, k := range r.kinds {
		fmt.Fprintf(&b, "  %-12s %-10s %s\n", k.Name, k.Pane, k.Doc)
	}
	return b.String()
}
