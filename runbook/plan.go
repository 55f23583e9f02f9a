package runbook

import (
	"fmt"
	"sort"
	"time"
)

// Plan is what a run would do, worked out without doing any of it: --dry-run prints it and
// the console shows it before the operator starts.
type Plan struct {
	Runbook     string
	File        string
	Description string
	Inputs      []PlanInput
	Steps       []PlanStep
	// Holds says whose alerts the run would hold while it runs ("" for none):
	// "http api.*, the endpoints pane for up to 30m".
	Holds string
}

// PlanInput is one value the run needs and where it would come from.
type PlanInput struct {
	Name   string
	Prompt string
	Step   int // 0 for the runbook's inputs:, else the step that asks
	Secret bool
	// Source is where the value would come from: --input, stdin, environment, default, or
	// ask (the operator is prompted).
	Source string
	Value  string // shown only for non-secret values known now
}

// PlanStep is one step as it would run.
type PlanStep struct {
	Number   int
	Title    string
	Confirm  string
	Input    string // the input's name
	Generate string // "NEW_KEY: 32 hex characters after whsec_"
	Run      string
	Capture  string
	Cwd      string
	Timeout  time.Duration
	Reads    []string // runbook variables the command reads
	Env      []string // env: names the command gets besides the variables
	Check    string
	Rollback string
}

// Plan works out what running rb would do, touching nothing: no lock, no transcript, no
// command, no network.
func (e *Engine) Plan(rb *Runbook) Plan {
	p := Plan{Runbook: rb.Name, File: rb.File, Description: rb.Description}
	if m := rb.Maintenance; m != nil {
		p.Holds = m.span(rb, "", Operator{}, time.Time{}).What() + " for up to " + ShortDuration(m.length())
	}
	r := &run{e: e, rb: rb, cwd: e.o.Cwd}
	input := func(in *Input, step int) {
		pi := PlanInput{Name: in.Name, Prompt: in.Prompt, Step: step, Secret: in.Secret, Source: "ask"}
		if g, ok := e.o.Inputs[in.Name]; ok {
			pi.Source, pi.Value = g.By, g.Value
		} else if v, ok := e.o.Getenv(in.Name); ok && v != "" {
			pi.Source, pi.Value = "environment", v
		} else if in.Default != "" {
			pi.Source, pi.Value = "default (or ask)", in.Default
		}
		if in.Secret {
			pi.Value = ""
		}
		p.Inputs = append(p.Inputs, pi)
	}
	for i := range rb.Inputs {
		input(&rb.Inputs[i], 0)
	}
	for i := range rb.Steps {
		s := &rb.Steps[i]
		ps := PlanStep{Number: i + 1, Title: s.Title(), Confirm: s.Confirm, Run: s.Run, Capture: s.Capture, Rollback: s.Rollback, Reads: s.refs.run}
		if s.Input != nil {
			input(s.Input, i+1)
			ps.Input = s.Input.Name
		}
		if g := s.Generate; g != nil {
			ps.Generate = fmt.Sprintf("%s: %d %s characters", g.Name, g.length(), g.format())
			if g.Prefix != "" {
				ps.Generate += " after " + g.Prefix
			}
		}
		if s.Run != "" || s.Rollback != "" {
			ps.Cwd, ps.Timeout = r.commandCwd(s), r.timeout(s)
			for _, m := range []map[string]string{rb.Env, s.Env} {
				for k := range m {
					ps.Env = append(ps.Env, k)
				}
			}
			sort.Strings(ps.Env)
		}
		if s.check != nil {
			ps.Check = s.check.Describe()
		}
		p.Steps = append(p.Steps, ps)
	}
	return p
}
