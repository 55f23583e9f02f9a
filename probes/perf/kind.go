// Package perf is the Performance pane (the performance: section): what stands between a
// signup spike and slow pages. Static assets cached and compressed at the edge, public
// API routes cached safely (never a member's answer), key pages within budget, and the
// limits `launchready load` runs under.
//
// Check kinds (CheckInfo.Kind) and their metrics:
//
//	perf-page  ttfb_ms, page_kb, requests, origin_requests, uncompressed_kb
//	perf-api   ttfb_ms, cacheable (1/0), per_session (1/0)
//	perf-load  load_recorded (1/0), load_login_held, load_signup_held (1/0),
//	           load_login_age_h, load_signup_age_h (the last `launchready load` runs)
//
// Every finding carries its expected effect on p95 latency and origin load (Result.Data's
// Tuning), and a result's findings come ordered by it: the roadmap's "small performance
// tuning list" is the pane read top to bottom (TuningList merges every result's).
package perf

import (
	"fmt"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/endpoint"
)

// Kind registers the performance: section.
var Kind = probes.Kind{
	Name:    "perf",
	Pane:    probes.PanePerformance,
	Section: "performance",
	Doc:     "edge caching and compression of assets, cacheable public APIs, page budgets; limits of `load`",
	Build:   build,
}

func build(env probes.Env) ([]probes.Check, error) {
	sec := env.Config.Section("performance")
	if sec == nil {
		return nil, nil
	}
	var cfg section
	if errs := sec.Decode(&cfg); len(errs) > 0 {
		return nil, errs
	}
	v := &validator{s: sec, cfg: env.Config, names: map[string]bool{}}
	sessions := endpoint.Sessions(env)
	var out []probes.Check
	exe, note := browserFor(cfg.Browser)
	for i, pc := range cfg.Pages {
		out = append(out, v.page(fmt.Sprintf("performance.pages[%d]", i), pc, env, exe, note))
	}
	for i, ac := range cfg.APIs {
		out = append(out, v.api(fmt.Sprintf("performance.apis[%d]", i), ac, env, sessions))
	}
	v.load("performance.load", cfg.Load, sessions)
	if len(v.errs) > 0 {
		return nil, v.errs
	}
	if env.StateDir != "" && len(cfg.Load.Flows) > 0 {
		out = append(out, newLoadRecordCheck(env))
	}
	return out, nil
}

// browserFor is the chromium page checks run (asked for and installed), or "" and the
// note that says why not.
func browserFor(asked bool) (exe, note string) {
	found := findChromium()
	switch {
	case found == "":
		return "", browserNotFound
	case !asked:
		return "", browserNotAsked
	}
	return found, ""
}

// orDefault is d unless it is zero.
func orDefault[T ~int | ~int64 | ~float64](d, def T) T {
	if d > 0 {
		return d
	}
	return def
}

// Load reads performance.load for `launchready load`, with defaults applied and flows
// resolved against endpoints.sessions. The kind has validated it already in the same
// session; errors here are the same errors.
func Load(env probes.Env) (LoadConfig, map[string]*endpoint.Session, error) {
	sec := env.Config.Section("performance")
	if sec == nil {
		return LoadConfig{}, nil, fmt.Errorf("%s has no performance.load section: add performance.load.flows (examples/launchready.yaml has some)", env.Config.File)
	}
	var cfg section
	if errs := sec.Decode(&cfg); len(errs) > 0 {
		return LoadConfig{}, nil, errs
	}
	v := &validator{s: sec, cfg: env.Config, names: map[string]bool{}}
	sessions := endpoint.Sessions(env)
	lc := v.load("performance.load", cfg.Load, sessions)
	if len(v.errs) > 0 {
		return LoadConfig{}, nil, v.errs
	}
	return lc, sessions, nil
}
