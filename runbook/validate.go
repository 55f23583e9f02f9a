package runbook

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// stepRefs are the runbook variables a step's commands read.
type stepRefs struct {
	run, rollback []string
}

// varDef says where a runbook variable comes from, for "used before it is set" messages.
type varDef struct {
	step   int    // 0-based step index; -1 for the runbook's inputs:
	kind   string // input, generate, capture
	secret bool
	path   string
}

// checkShape validates what needs no session: every step does something, names are
// well-formed and unique, generated secrets are strong, and every $VARIABLE a command
// reads is set before the command runs.
func (rb *Runbook) checkShape() config.Errors {
	var errs config.Errors
	add := func(path, msg, fix string) { errs = append(errs, rb.doc.ErrorAt(path, msg, fix)) }
	if len(rb.Steps) == 0 {
		add("steps", "lists no steps", "add steps, each with a name and run:, confirm:, input:, generate: or check:")
	}
	if rb.Timeout < 0 || rb.Timeout > 24*time.Hour || (rb.Timeout > 0 && rb.Timeout < time.Second) {
		add("timeout", fmt.Sprintf("%s is out of range", rb.Timeout), "use 1s to 24h; the default is 30m")
	}
	if rb.Maintenance != nil {
		rb.Maintenance.check(add)
	}
	defs := map[string]varDef{}
	define := func(name, kind string, step int, secret bool, path string) {
		if name == "" {
			add(path, "has no name", "add name: with the variable commands read it from, like name: RELEASE")
			return
		}
		namePath := path + ".name"
		if kind == "capture" {
			namePath = path
		}
		if !isVarName(name) {
			add(namePath, fmt.Sprintf("%q is not a variable name", name), "use UPPER_SNAKE_CASE, like "+suggestVar(name))
			return
		}
		if isReserved(name) {
			add(namePath, fmt.Sprintf("%s is set by the shell or by launchready", name), "pick another name")
			return
		}
		if d, dup := defs[name]; dup {
			add(namePath, fmt.Sprintf("%s is already %s (%s)", name, kindPhrase(d.kind), d.path), "give each input, generated value and capture its own name")
			return
		}
		defs[name] = varDef{step: step, kind: kind, secret: secret, path: path}
	}
	for i := range rb.Inputs {
		p := fmt.Sprintf("inputs[%d]", i)
		define(rb.Inputs[i].Name, "input", -1, rb.Inputs[i].Secret, p)
		errs = append(errs, rb.checkInput(&rb.Inputs[i], p)...)
	}
	for i := range rb.Steps {
		s := &rb.Steps[i]
		p := fmt.Sprintf("steps[%d]", i)
		if s.Run == "" && s.Confirm == "" && s.Input == nil && s.Generate == nil && !s.Check.IsSet() {
			add(p, "does nothing", "give it run:, confirm:, input:, generate: or check: (rollback: alone never runs)")
		}
		if s.Input != nil {
			define(s.Input.Name, "input", i, s.Input.Secret, p+".input")
			errs = append(errs, rb.checkInput(s.Input, p+".input")...)
		}
		if s.Generate != nil {
			define(s.Generate.Name, "generate", i, true, p+".generate")
			errs = append(errs, rb.checkGenerate(s.Generate, p+".generate")...)
		}
		if s.Capture != "" {
			if s.Run == "" {
				add(p+".capture", "has no command to capture from", "add run: to this step, or remove capture:")
			} else {
				define(s.Capture, "capture", i, false, p+".capture")
			}
		}
		if s.Timeout < 0 || s.Timeout > 24*time.Hour || (s.Timeout > 0 && s.Timeout < time.Second) {
			add(p+".timeout", fmt.Sprintf("%s is out of range", s.Timeout), "use 1s to 24h")
		}
		if s.Timeout > 0 && s.Run == "" && s.Rollback == "" {
			add(p+".timeout", "bounds a command, and this step has none", "remove it, or set the check's within: instead")
		}
		if strings.TrimSpace(s.Run) == "" && s.Run != "" {
			add(p+".run", "is blank", "write the command, or remove run:")
		}
	}
	errs = append(errs, rb.checkEnv(rb.Env, "env", defs)...)
	for i := range rb.Steps {
		errs = append(errs, rb.checkEnv(rb.Steps[i].Env, fmt.Sprintf("steps[%d].env", i), defs)...)
	}
	errs = append(errs, rb.checkRefs(defs)...)
	sortByLine(errs)
	return errs
}

func (rb *Runbook) checkInput(in *Input, p string) config.Errors {
	var errs config.Errors
	add := func(path, msg, fix string) { errs = append(errs, rb.doc.ErrorAt(path, msg, fix)) }
	if in.Secret && in.Default != "" {
		add(p+".default", "a secret input cannot have a default", "remove default:; a value written in the runbook is not a secret")
	}
	if in.Pattern != "" {
		re, err := regexp.Compile(`^(?:` + in.Pattern + `)$`)
		if err != nil {
			add(p+".pattern", "is not a regular expression: "+strings.TrimPrefix(err.Error(), "error parsing regexp: "), "write it in Go (RE2) syntax, like ^v[0-9]+$")
		} else if in.Default != "" && !re.MatchString(in.Default) {
			add(p+".default", fmt.Sprintf("%q does not match pattern", in.Default), "make the default match, or change the pattern")
		}
	}
	return errs
}

// Generate formats and the alphabet each draws from.
var alphabets = map[string]string{
	"hex":       "0123456789abcdef",
	"base64url": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
	"alnum":     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
}

// minSecretBits is the least randomness a generated secret may have: 128 bits is beyond
// guessing, and every format reaches it within a few dozen characters.
const minSecretBits = 128

func (rb *Runbook) checkGenerate(g *Generate, p string) config.Errors {
	var errs config.Errors
	add := func(path, msg, fix string) { errs = append(errs, rb.doc.ErrorAt(path, msg, fix)) }
	alpha, ok := alphabets[g.format()]
	if !ok {
		add(p+".format", fmt.Sprintf("%q is not a format", g.Format), "use hex, base64url or alnum (add prefix: for a prefix)")
		return errs
	}
	n := g.length()
	if bits := float64(n) * log2(len(alpha)); bits < minSecretBits {
		add(p+".length", fmt.Sprintf("%d %s characters hold %.0f random bits, fewer than %d", n, g.format(), bits, minSecretBits),
			fmt.Sprintf("use length: %d or more", minLength(len(alpha))))
	}
	if n > 1024 {
		add(p+".length", fmt.Sprintf("%d characters is more than any API takes", n), "use 1024 or fewer")
	}
	if len(g.Prefix) > 64 || strings.ContainsFunc(g.Prefix, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		add(p+".prefix", "must be at most 64 characters without spaces or control characters", "write it like whsec_")
	}
	return errs
}

func (g *Generate) format() string {
	if g.Format == "" {
		return "hex"
	}
	return g.Format
}

func (g *Generate) length() int {
	if g.Length != 0 {
		return g.Length
	}
	if g.format() == "hex" {
		return 32
	}
	return 43
}

func (rb *Runbook) checkEnv(env map[string]string, p string, defs map[string]varDef) config.Errors {
	var errs config.Errors
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kp := fmt.Sprintf("%s[%q]", p, k)
		switch {
		case !regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString(k):
			errs = append(errs, rb.doc.ErrorAt(kp+".key", fmt.Sprintf("%q is not an environment variable name", k), "use letters, digits and _"))
		case strings.HasPrefix(k, "LAUNCHREADY_"):
			errs = append(errs, rb.doc.ErrorAt(kp+".key", k+" is set by launchready", "pick another name"))
		case defs[k].kind != "":
			errs = append(errs, rb.doc.ErrorAt(kp+".key", fmt.Sprintf("%s is also %s (%s)", k, kindPhrase(defs[k].kind), defs[k].path), "give them different names"))
		}
	}
	return errs
}

// checkRefs finds every $VARIABLE a run or rollback reads that nothing sets before it runs.
func (rb *Runbook) checkRefs(defs map[string]varDef) config.Errors {
	var errs config.Errors
	for i := range rb.Steps {
		s := &rb.Steps[i]
		s.refs = stepRefs{}
		for _, which := range []string{"run", "rollback"} {
			text := s.Run
			if which == "rollback" {
				text = s.Rollback
			}
			if text == "" {
				continue
			}
			locals := shellLocals(text)
			var used []string
			for _, n := range varRefs(text) {
				if locals[n] || wellKnown[n] || n == EnvRun || n == EnvRunbook || n == EnvStep || n == EnvLabDir {
					continue
				}
				if _, ok := rb.Env[n]; ok {
					continue
				}
				if _, ok := s.Env[n]; ok {
					continue
				}
				path := fmt.Sprintf("steps[%d].%s", i, which)
				d, ok := defs[n]
				switch {
				case !ok:
					errs = append(errs, rb.doc.ErrorAt(path, fmt.Sprintf("reads $%s, which no input, generate, capture or env: of this runbook sets", n),
						undefinedFix(n, defs)))
					continue
				case d.step == i && d.kind == "capture" && which == "run":
					errs = append(errs, rb.doc.ErrorAt(path, fmt.Sprintf("reads $%s, which is captured from this same command's output", n),
						"capture it in an earlier step, or compute it inside the command"))
					continue
				case d.step > i:
					errs = append(errs, rb.doc.ErrorAt(path, fmt.Sprintf("reads $%s before it is set: it is %s at %s, which comes later", n, kindPhrase(d.kind), d.path),
						"move that step before this one"))
					continue
				}
				used = append(used, n)
			}
			if which == "run" {
				s.refs.run = used
			} else {
				s.refs.rollback = used
			}
		}
	}
	return errs
}

func undefinedFix(n string, defs map[string]varDef) string {
	known := make([]string, 0, len(defs))
	for k := range defs {
		known = append(known, strings.ToLower(k))
	}
	slices.Sort(known)
	if c := strings.ToUpper(config.Closest(strings.ToLower(n), known)); c != "" {
		return fmt.Sprintf("did you mean $%s? Otherwise add an input named %s (a value from your shell is an input too: it is taken from the environment when set)", c, n)
	}
	return fmt.Sprintf("add an input named %s (a value from your shell is an input too: it is taken from the environment when set), or set it under env:", n)
}

// Env is what validating and running a runbook's checks may use: the session's checks,
// the one network, a clock, and the condition kinds. Nothing is global.
type Env struct {
	// Checks are the session's checks (launchready.yaml); an endpoint condition names one.
	Checks []probes.Check
	Net    *netx.Net
	Now    func() time.Time
	// Kinds are the condition kinds a check: may use; nil means DefaultKinds().
	Kinds []ConditionKind
}

// Validate checks what depends on the session: each check's condition must be a known
// kind with a valid spec naming things that exist (an endpoint check in launchready.yaml).
// It must run, and succeed, before the engine runs the runbook; it touches no network.
func (rb *Runbook) Validate(env Env) error {
	if env.Kinds == nil {
		env.Kinds = DefaultKinds()
	}
	var errs config.Errors
	for i := range rb.Steps {
		s := &rb.Steps[i]
		s.check = nil
		if !s.Check.IsSet() {
			continue
		}
		spec, es := buildCheck(&s.Check, env)
		errs = append(errs, es...)
		s.check = spec
	}
	sortByLine(errs)
	rb.validated = len(errs) == 0
	return errs.Err()
}

func sortByLine(es config.Errors) {
	slices.SortStableFunc(es, func(a, b config.Error) int {
		if a.File != b.File {
			return strings.Compare(a.File, b.File)
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
}

func suggestVar(n string) string {
	s := strings.ToUpper(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(n, "_"))
	s = strings.Trim(s, "_")
	if s == "" || !isVarName(s) {
		return "RELEASE"
	}
	return s
}

func log2(n int) float64 { return math.Log2(float64(n)) }

func minLength(alpha int) int { return int(math.Ceil(minSecretBits / log2(alpha))) }

func kindPhrase(kind string) string {
	switch kind {
	case "input":
		return "an input"
	case "generate":
		return "a generated value"
	}
	return "a capture"
}
