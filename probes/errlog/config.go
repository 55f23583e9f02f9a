package errlog

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/redact"
)

// section is the errors: part of launchready.yaml. Every key is documented in
// examples/launchready.yaml.
type section struct {
	Sources      []sourceConfig `yaml:"sources"`
	Levels       []string       `yaml:"levels"`
	Redact       []string       `yaml:"redact"`
	RateHigh     *float64       `yaml:"rate_high"`
	RateCritical *float64       `yaml:"rate_critical"`
	Burst        int            `yaml:"burst"`
	NewWindow    time.Duration  `yaml:"new_window"`
	Interval     time.Duration  `yaml:"interval"`
	Caps         capsConfig     `yaml:"caps"`
}

type sourceConfig struct {
	Name     string        `yaml:"name"`
	File     string        `yaml:"file"`
	Command  string        `yaml:"command"`
	Backfill *int          `yaml:"backfill"`
	Poll     time.Duration `yaml:"poll"`
	Backoff  time.Duration `yaml:"backoff"`
}

type capsConfig struct {
	Groups      int `yaml:"groups"`
	SampleBytes int `yaml:"sample_bytes"`
	LineBytes   int `yaml:"line_bytes"`
	EventLines  int `yaml:"event_lines"`
}

// Defaults, chosen for launch week: a backlog long enough to show what was failing before
// launchready started, thresholds that separate "an error" from "errors everywhere", and
// caps that keep the pane within a few megabytes whatever the app writes.
const (
	defaultBackfill     = 200
	defaultPoll         = 250 * time.Millisecond
	defaultBackoff      = time.Second
	defaultRateHigh     = 10.0
	defaultRateCritical = 60.0
	defaultBurst        = 10
	defaultNewWindow    = time.Hour
	defaultInterval     = 10 * time.Second
	defaultGroups       = 500
	defaultSampleBytes  = 8 << 10
	defaultLineBytes    = 256 << 10
	defaultEventLines   = 200
)

// labPrefix marks a path inside the built-in lab's folder, which exists only once the
// lab has started (a temporary folder): lab:app.log is the lab's application log.
const labPrefix = "lab:"

// settings is the section after defaults and validation.
type settings struct {
	sources      []sourceSpec
	levels       levelSet
	patterns     []string
	rateHigh     float64
	rateCritical float64
	burst        int
	newWindow    time.Duration
	interval     time.Duration
	caps         caps
	dir          string // the config's folder: relative paths and commands start here
}

type sourceSpec struct {
	name     string
	kind     string // file or command
	path     string // file: resolved path; "" when it names the lab without one
	broken   string // why the source cannot run (a lab: path without --lab)
	command  string
	backfill int
	poll     time.Duration
	backoff  time.Duration
}

// settingsFrom validates the decoded section, with every problem positioned.
func settingsFrom(s *section, sec *config.Section, cfg *config.Config, labDir string) (settings, config.Errors) {
	var errs config.Errors
	bad := func(path, msg, fix string) { errs = append(errs, sec.Error("errors."+path, msg, fix)) }
	set := settings{
		rateHigh: defaultRateHigh, rateCritical: defaultRateCritical, burst: defaultBurst,
		newWindow: defaultNewWindow, interval: defaultInterval, patterns: s.Redact,
		caps: caps{groups: defaultGroups, sampleBytes: defaultSampleBytes, lineBytes: defaultLineBytes, eventLines: defaultEventLines},
		dir:  filepath.Dir(cfg.File),
	}
	if len(s.Sources) == 0 {
		path := "errors"
		if s.Sources != nil {
			path = "errors.sources"
		}
		errs = append(errs, sec.Error(path, "has no sources, so there are no logs to read",
			"add one, e.g. sources: [{name: app, file: /var/log/app/app.log}] or [{name: app, command: journalctl -fu app -o json}]"))
	}
	names := map[string]int{}
	for i, sc := range s.Sources {
		p := fmt.Sprintf("sources[%d]", i)
		sp := sourceSpec{name: sc.Name, backfill: defaultBackfill, poll: defaultPoll, backoff: defaultBackoff}
		switch {
		case sc.File != "" && sc.Command != "":
			bad(p, "has both file and command", "a source reads one of them; make two sources")
		case sc.File == "" && sc.Command == "":
			bad(p, "has neither file nor command", "set file: /path/to/app.log, or command: journalctl -fu app -o json")
		case sc.File != "":
			sp.kind = "file"
			sp.path = cfg.Path(sc.File)
			if rest, ok := strings.CutPrefix(sc.File, labPrefix); ok {
				if rest == "" || strings.Contains(rest, "..") || filepath.IsAbs(rest) {
					bad(p+".file", fmt.Sprintf("%q: lab: must name a file in the lab's folder", sc.File), "write lab:app.log")
				}
				sp.path = ""
				if labDir != "" {
					sp.path = filepath.Join(labDir, rest)
				} else {
					sp.broken = fmt.Sprintf("%s names the built-in lab's log, which exists only with --lab; run launchready check --lab, or set errors.%s.file to your app's log", sc.File, p)
				}
			}
			if sp.name == "" {
				sp.name = strings.TrimSuffix(filepath.Base(sc.File), filepath.Ext(sc.File))
				sp.name = strings.TrimPrefix(sp.name, labPrefix)
			}
		default:
			sp.kind = "command"
			sp.command = sc.Command
			if sp.name == "" {
				if f := strings.Fields(sc.Command); len(f) > 0 {
					sp.name = filepath.Base(f[0])
				}
			}
		}
		if sc.Backfill != nil {
			switch {
			case sc.Command != "":
				bad(p+".backfill", "applies to file sources only", "ask the command for its history instead (journalctl -n 200, docker logs --tail 200, kubectl logs --tail 200)")
			case *sc.Backfill < 0 || *sc.Backfill > 100000:
				bad(p+".backfill", fmt.Sprintf("%d is out of range", *sc.Backfill), "use 0 (start at the end) to 100000 lines")
			default:
				sp.backfill = *sc.Backfill
			}
		}
		if sc.Poll != 0 {
			if sc.Command != "" {
				bad(p+".poll", "applies to file sources only", "remove it: a command's output is read as it comes")
			} else if sc.Poll < 10*time.Millisecond || sc.Poll > time.Minute {
				bad(p+".poll", fmt.Sprintf("%s is out of range", sc.Poll), "use 10ms to 1m; the default is 250ms")
			}
			sp.poll = sc.Poll
		}
		if sc.Backoff != 0 {
			if sc.File != "" {
				bad(p+".backoff", "applies to command sources only", "remove it: a file is followed, not restarted")
			} else if sc.Backoff < 10*time.Millisecond || sc.Backoff > maxBackoff {
				bad(p+".backoff", fmt.Sprintf("%s is out of range", sc.Backoff), "use 10ms to 1m; the default is 1s")
			}
			sp.backoff = sc.Backoff
		}
		if j, dup := names[sp.name]; dup && sp.name != "" {
			bad(p+".name", fmt.Sprintf("%q is also the name of sources[%d]", sp.name, j), "give each source its own name: groups and findings say which source an error came from")
		}
		names[sp.name] = i
		set.sources = append(set.sources, sp)
	}
	levels := s.Levels
	if levels == nil {
		levels = defaultLevels
	}
	var err error
	if set.levels, err = parseLevelSet(levels); err != nil {
		bad("levels", err.Error(), "")
	} else if set.levels == (levelSet{}) {
		bad("levels", "is empty, so nothing would count as an error", "remove it for the default (error and above), or list levels like [error, fatal]")
	}
	for i, pat := range s.Redact {
		if err := redact.CheckPattern(pat); err != nil {
			bad(fmt.Sprintf("redact[%d]", i), "is not a valid regular expression: "+err.Error(),
				"use RE2 syntax (https://github.com/google/re2/wiki/Syntax); a pattern with a (group) redacts only the group")
		}
	}
	if s.RateHigh != nil {
		if *s.RateHigh <= 0 {
			bad("rate_high", "must be more than 0 errors per minute", "the default is 10")
		}
		set.rateHigh = *s.RateHigh
	}
	if s.RateCritical != nil {
		set.rateCritical = *s.RateCritical
	}
	if set.rateCritical < set.rateHigh {
		bad("rate_critical", fmt.Sprintf("%g is below rate_high (%g)", set.rateCritical, set.rateHigh), "make it at least rate_high")
	}
	if s.Burst != 0 {
		if s.Burst < 1 {
			bad("burst", "must be at least 1", "the default is 10")
		}
		set.burst = s.Burst
	}
	if s.NewWindow != 0 {
		set.newWindow = s.NewWindow
	}
	if s.Interval != 0 {
		if s.Interval < time.Second {
			bad("interval", fmt.Sprintf("%s is too short", s.Interval), "use 1s or more; the default is 10s")
		}
		set.interval = s.Interval
	}
	capRange := func(key string, v *int, val, lo, hi int, unit string) {
		if val == 0 {
			return
		}
		if val < lo || val > hi {
			bad("caps."+key, fmt.Sprintf("%d is out of range", val), fmt.Sprintf("use %d to %d %s", lo, hi, unit))
			return
		}
		*v = val
	}
	capRange("groups", &set.caps.groups, s.Caps.Groups, 10, 100000, "groups")
	capRange("sample_bytes", &set.caps.sampleBytes, s.Caps.SampleBytes, 512, 1<<20, "bytes")
	capRange("line_bytes", &set.caps.lineBytes, s.Caps.LineBytes, 1<<10, 16<<20, "bytes")
	capRange("event_lines", &set.caps.eventLines, s.Caps.EventLines, 2, 10000, "lines")
	return set, errs
}
