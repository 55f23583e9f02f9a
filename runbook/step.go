package runbook

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A step's phases, in order. A retry starts again at the phase that failed: a failed
// check is polled again, not preceded by a second deploy.
type phase int

const (
	phaseConfirm phase = iota
	phaseInput
	phaseGenerate
	phaseRun
	phaseCheck
	phaseDone
)

var phaseNames = [...]string{"confirm", "input", "generate", "run", "check", "done"}

func (p phase) String() string { return phaseNames[p] }

func parsePhase(s string) phase {
	for i, n := range phaseNames {
		if n == s {
			return phase(i)
		}
	}
	return phaseConfirm
}

// attempt is how one try at a step went.
type attempt struct {
	ok     bool
	failed phase
	reason string
}

// forward walks the steps from step `from`, starting that step at phase p, asking the
// operator what to do on each failure.
func (r *run) forward(ctx context.Context, from int, p phase) (string, error) {
	for i := from; i < len(r.rb.Steps); i++ {
		if i > from {
			p = phaseConfirm
		}
		for {
			st := &r.steps[i]
			st.attempt++
			st.status = "running"
			if err := r.emit(ctx, Event{Type: StepStart, Step: i + 1, StepName: r.stepName(i), Attempt: st.attempt, Text: p.String()}); err != nil {
				return "", err
			}
			res, err := r.attemptStep(ctx, i, p)
			if err != nil {
				return r.stopped(ctx, err)
			}
			if res.ok {
				st.status = StepOK
				if err := r.emit(ctx, Event{Type: StepEnd, Step: i + 1, StepName: r.stepName(i), Status: StepOK}); err != nil {
					return "", err
				}
				break
			}
			st.status = StepFailed
			r.e.o.Log.Warn("runbook step failed", "run", r.id, "step", i+1, "reason", r.red.Redact(res.reason))
			if err := r.emit(ctx, Event{Type: StepEnd, Step: i + 1, StepName: r.stepName(i), Status: StepFailed, Reason: res.reason, Text: res.failed.String()}); err != nil {
				return "", err
			}
			d, err := r.choose(ctx, ChoiceStepFailed, i, res.reason, []Decision{Retry, Skip, RollBack, Abort}, nil)
			if err != nil {
				return r.stopped(ctx, err)
			}
			next, status, err := r.afterFailure(ctx, i, d, res.failed)
			if err != nil || status != "" {
				return status, err
			}
			if next == phaseDone {
				break
			}
			p = next
		}
	}
	return StatusSucceeded, nil
}

// afterFailure acts on the operator's decision about failed step i: the phase to retry
// from (phaseDone to move on), or a final status.
func (r *run) afterFailure(ctx context.Context, i int, d Decision, failed phase) (phase, string, error) {
	switch d {
	case Retry:
		return failed, "", nil
	case Skip:
		r.steps[i].status = StepSkipped
		return phaseDone, "", r.emit(ctx, Event{Type: StepEnd, Step: i + 1, StepName: r.stepName(i), Status: StepSkipped, By: "operator"})
	case RollBack:
		st, err := r.rollback(ctx, fmt.Sprintf("step %d (%s) failed", i+1, r.stepName(i)))
		return phaseDone, st, err
	}
	return phaseDone, StatusAborted, nil
}

// attemptStep does step i from phase p on.
func (r *run) attemptStep(ctx context.Context, i int, p phase) (attempt, error) {
	s := &r.rb.Steps[i]
	for ; p < phaseDone; p++ {
		var res attempt
		var err error
		switch p {
		case phaseConfirm:
			if s.Confirm == "" {
				continue
			}
			res, err = r.confirm(ctx, i)
		case phaseInput:
			if s.Input == nil {
				continue
			}
			err = r.ask(ctx, i, s.Input, "")
			res.ok = err == nil
		case phaseGenerate:
			if s.Generate == nil {
				continue
			}
			err = r.generate(ctx, i, s.Generate)
			res.ok = err == nil
		case phaseRun:
			if s.Run == "" {
				continue
			}
			res, err = r.runCommand(ctx, i)
		case phaseCheck:
			if s.check == nil {
				continue
			}
			res, err = r.check(ctx, i)
		}
		if err != nil {
			return attempt{}, err
		}
		if !res.ok {
			res.failed = p
			return res, nil
		}
	}
	return attempt{ok: true}, nil
}

func (r *run) confirm(ctx context.Context, i int) (attempt, error) {
	s := &r.rb.Steps[i]
	rep, err := r.e.o.Prompter.Confirm(ctx, ConfirmRequest{Request: r.request(i), Question: s.Confirm, Next: s.Run})
	if err != nil {
		if ctx.Err() != nil {
			return attempt{}, errDetached
		}
		return attempt{}, err
	}
	answer := "no"
	if rep.Yes {
		answer = "yes"
	}
	by, op := answeredBy(rep, r.e.o.Operator)
	if err := r.emit(ctx, Event{Type: Confirmed, Step: i + 1, StepName: r.stepName(i), Text: s.Confirm, Choice: answer, By: by, Operator: op}); err != nil {
		return attempt{}, err
	}
	if !rep.Yes {
		return attempt{reason: "not confirmed: " + s.Confirm}, nil
	}
	return attempt{ok: true}, nil
}

// check reports what is wrong with v for this input, "" when it is fine.
func (in *Input) check(v string) string {
	switch {
	case v == "":
		return "is empty"
	case in.Secret && len(v) < MinRedactLen:
		return fmt.Sprintf("is shorter than %d characters, too short to keep out of the output", MinRedactLen)
	case strings.ContainsAny(v, "\x00"):
		return "holds a NUL character"
	case in.Pattern != "":
		if re, err := regexp.Compile(`^(?:` + in.Pattern + `)$`); err == nil && !re.MatchString(v) {
			if in.Secret {
				return "does not match the pattern " + in.Pattern
			}
			return fmt.Sprintf("%q does not match the pattern %s", v, in.Pattern)
		}
	}
	return ""
}

// maxAsks bounds how often one input is asked again after a refused answer.
const maxAsks = 5

// ask gets an input's value: given before the run, else from the prompter (offering
// $NAME from the environment), and records it (never a secret's value). lost says why a
// resume asks again for a value it once had.
func (r *run) ask(ctx context.Context, step int, in *Input, lost string) error {
	var value, source string
	if g, ok := r.e.o.Inputs[in.Name]; ok {
		value, source = g.Value, g.By
	} else {
		req := InputRequest{Request: r.request(step), Name: in.Name, Prompt: in.Prompt, Secret: in.Secret, Default: in.Default, Lost: lost}
		if v, ok := r.e.o.Getenv(in.Name); ok {
			req.Env = v
		}
		for n := 1; ; n++ {
			rep, err := r.e.o.Prompter.Input(ctx, req)
			if err != nil {
				if ctx.Err() != nil {
					return errDetached
				}
				return fmt.Errorf("input %s: %w", in.Name, err)
			}
			value, source = rep.Value, rep.By
			if source == "" {
				source = "prompt"
			}
			if value == "" && in.Default != "" && !in.Secret {
				value, source = in.Default, "default"
			}
			msg := in.check(value)
			if msg == "" {
				break
			}
			if n >= maxAsks || rep.By != "" && rep.By != "prompt" {
				return fmt.Errorf("input %s %s: %w", in.Name, msg, ErrNoAnswer)
			}
			req.Problem = msg
		}
	}
	if in.Secret {
		r.red.Add(in.Name, value)
	}
	r.vars[in.Name] = value
	ev := Event{Type: InputSet, Step: step + 1, StepName: r.stepName(step), Name: in.Name, Secret: in.Secret, Source: source}
	if !in.Secret {
		ev.Value = value
	}
	return r.emit(ctx, ev)
}

func (r *run) generate(ctx context.Context, i int, g *Generate) error {
	v, err := generate(g, nil)
	if err != nil {
		return err
	}
	r.red.Add(g.Name, v)
	r.vars[g.Name] = v
	return r.emit(ctx, Event{Type: Generated, Step: i + 1, StepName: r.stepName(i), Name: g.Name, Secret: true,
		Format: g.format(), Length: g.length(), Fingerprint: fingerprint(v), Text: g.Prefix})
}

// commandEnv is the environment a step's commands get: the operator's, the runbook's and
// the step's env:, every variable known so far, and the run's identity.
func (r *run) commandEnv(i int) []string {
	s := &r.rb.Steps[i]
	env := append([]string(nil), r.e.o.Environ...)
	for _, m := range []map[string]string{r.rb.Env, s.Env, r.vars} {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			env = append(env, k+"="+m[k])
		}
	}
	return append(env, EnvRun+"="+r.id, EnvRunbook+"="+r.rb.Name, EnvStep+"="+strconv.Itoa(i+1))
}

func (r *run) timeout(s *Step) time.Duration {
	switch {
	case s.Timeout > 0:
		return s.Timeout
	case r.rb.Timeout > 0:
		return r.rb.Timeout
	}
	return DefaultTimeout
}

// cmdResult is how a command ended.
type cmdResult struct {
	ok     bool
	exit   int
	status string // ok, failed, timeout, stopped, lost
	reason string
	last   string // last line of output, for capture:
}

func (r *run) runCommand(ctx context.Context, i int) (attempt, error) {
	s := &r.rb.Steps[i]
	res, err := r.command(ctx, i, "run", s.Run)
	if err != nil {
		return attempt{}, err
	}
	r.steps[i].ranOK = res.ok
	if !res.ok {
		return attempt{reason: res.reason}, nil
	}
	if s.Capture != "" {
		r.vars[s.Capture] = res.last
		if err := r.emit(ctx, Event{Type: Captured, Step: i + 1, StepName: r.stepName(i), Name: s.Capture, Value: res.last}); err != nil {
			return attempt{}, err
		}
	}
	return attempt{ok: true}, nil
}

// command runs a step's run or rollback text and watches it to its end.
func (r *run) command(ctx context.Context, i int, role, text string) (cmdResult, error) {
	s := &r.rb.Steps[i]
	r.cmdSeq++
	dir := r.e.o.Store.WorkDir(r.id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return cmdResult{}, fmt.Errorf("cannot create the run's work folder: %w", err)
	}
	base := filepath.Join(dir, fmt.Sprintf("%03d-step%d-%s", r.cmdSeq, i+1, role))
	cwd := r.commandCwd(s)
	timeout := r.timeout(s)
	r.e.drainStop()
	now := r.e.o.Now()
	p, err := startProc(text, cwd, r.commandEnv(i), base+".out", base+".exit", timeout, now)
	if err != nil {
		reason := "could not start: " + err.Error()
		ev := Event{Type: CommandEnd, Step: i + 1, StepName: r.stepName(i), Role: role, Status: StepFailed, Reason: reason}
		return cmdResult{status: StepFailed, reason: reason, exit: -1}, r.emit(ctx, ev)
	}
	err = r.emit(ctx, Event{Type: CommandStart, Step: i + 1, StepName: r.stepName(i), Role: role, Command: text, Cwd: cwd,
		PID: p.pid, Timeout: ShortDuration(timeout), OutputFile: p.outPath, ExitFile: p.exitPath, Time: now})
	if err != nil {
		// Unrecorded commands must not run on: stop it.
		p.kill(r.e.o.KillGrace)
		return cmdResult{}, err
	}
	return r.watch(ctx, i, role, p, 0)
}

// watch follows a command until it ends, emitting its output; it enforces the timeout and
// StopStep, and returns errDetached (killing nothing) when ctx ends.
func (r *run) watch(ctx context.Context, i int, role string, p *proc, offset int64) (cmdResult, error) {
	tl, err := openTailer(p.outPath, offset, r.red, r.e.o.OutputCap)
	if err != nil {
		return cmdResult{}, fmt.Errorf("cannot read the command's output: %w", err)
	}
	defer tl.close()
	flush := func(final bool) error {
		for {
			chunk, off, more := tl.next(time.Now(), final)
			if chunk != "" && !r.withhold {
				if err := r.emit(ctx, Event{Type: Output, Step: i + 1, Role: role, Text: chunk, Offset: off}); err != nil {
					return err
				}
			}
			if !more {
				return nil
			}
		}
	}
	tick := time.NewTicker(r.e.o.Tick)
	defer tick.Stop()
	killedFor := ""
	for {
		state, code, why := p.poll()
		if state != procRunning {
			if err := flush(true); err != nil {
				return cmdResult{}, err
			}
			if t := tl.finalTail(); t != "" && !r.withhold {
				if err := r.emit(ctx, Event{Type: Output, Step: i + 1, Role: role, Text: t, Offset: tl.offset}); err != nil {
					return cmdResult{}, err
				}
			}
			lastLine := tl.lastLine()
			if r.withhold {
				lastLine = ""
			}
			res := r.result(state, code, why, killedFor, p, lastLine)
			exit := res.exit
			end := r.e.o.Now()
			if !p.ended.IsZero() {
				end = p.ended
			}
			ev := Event{Type: CommandEnd, Step: i + 1, StepName: r.stepName(i), Role: role, Status: res.status, Reason: res.reason,
				Exit: &exit, PID: p.pid, DurationMS: float64(end.Sub(p.started).Microseconds()) / 1000}
			if err := r.emit(ctx, ev); err != nil {
				return cmdResult{}, err
			}
			os.Remove(p.outPath)
			os.Remove(p.exitPath)
			r.withhold = false
			return res, nil
		}
		if err := flush(false); err != nil {
			return cmdResult{}, err
		}
		if killedFor == "" && r.e.o.Now().After(p.deadline) {
			killedFor = "timeout"
			go p.kill(r.e.o.KillGrace)
		}
		select {
		case <-ctx.Done():
			_ = r.emit(context.Background(), Event{Type: Detached, Step: i + 1, StepName: r.stepName(i), Role: role, PID: p.pid,
				Text: fmt.Sprintf("the engine stopped watching; the command keeps running (pid %d) and `launchready runbook resume` records its result", p.pid)})
			if p.waited != nil {
				go func(c chan waitResult) { <-c }(p.waited) // reap it when it ends, kill nothing
			}
			return cmdResult{}, errDetached
		case <-r.e.stop:
			if killedFor == "" {
				killedFor = "stopped"
				go p.kill(r.e.o.KillGrace)
			}
		case <-tick.C:
		}
	}
}

func (r *run) result(state procState, code int, why, killedFor string, p *proc, last string) cmdResult {
	res := cmdResult{exit: code, last: last}
	switch {
	case killedFor == "timeout":
		res.status = "timeout"
		res.reason = fmt.Sprintf("timed out after %s; its process group was killed", p.deadline.Sub(p.started).Round(time.Second))
	case killedFor == "stopped":
		res.status = "stopped"
		res.reason = "stopped by the operator; its process group was killed"
	case state == procLost:
		res.status = "lost"
		res.reason = why
	case code == 0:
		res.status, res.ok = StepOK, true
	default:
		res.status = StepFailed
		res.reason = fmt.Sprintf("exited with status %d", code)
		if why != "" {
			res.reason += " (" + why + ")"
		}
		if last != "" {
			res.reason += ": " + truncate(last, 200)
		}
	}
	return res
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// check polls step i's condition until it holds Times in a row or Within passes.
func (r *run) check(ctx context.Context, i int) (attempt, error) {
	spec := r.rb.Steps[i].check
	desc := spec.Describe()
	if err := r.emit(ctx, Event{Type: CheckStart, Step: i + 1, StepName: r.stepName(i), Text: desc}); err != nil {
		return attempt{}, err
	}
	r.e.drainStop()
	deadline := r.e.o.Now().Add(spec.Within)
	streak := 0
	var last Observation
	for look := 1; ; look++ {
		pctx, cancel := context.WithDeadline(ctx, minTime(deadline, r.e.o.Now().Add(maxPollTime)))
		obs := spec.Condition.Poll(pctx, r.info)
		cancel()
		if ctx.Err() != nil {
			return attempt{}, errDetached
		}
		if obs.Err != "" {
			obs.OK = false
			if obs.Summary == "" {
				obs.Summary = "could not look: " + obs.Err
			}
		}
		last = obs
		if obs.OK {
			streak++
		} else {
			streak = 0
		}
		poll := &Poll{Condition: spec.Condition.Describe(), OK: obs.OK, Summary: obs.Summary, Err: obs.Err, Streak: streak, Need: spec.Times, Look: look}
		if err := r.emit(ctx, Event{Type: CheckPoll, Step: i + 1, Poll: poll}); err != nil {
			return attempt{}, err
		}
		if streak >= spec.Times {
			return attempt{ok: true}, r.emit(ctx, Event{Type: CheckEnd, Step: i + 1, StepName: r.stepName(i), Status: StepOK, Text: obs.Summary})
		}
		if !r.e.o.Now().Add(spec.Every).Before(deadline) {
			break
		}
		if err := r.sleep(ctx, spec.Every); err != nil {
			if errors.Is(err, errStopped) {
				reason := "check stopped by the operator; last look: " + last.Summary
				return attempt{reason: reason}, r.emit(ctx, Event{Type: CheckEnd, Step: i + 1, StepName: r.stepName(i), Status: "stopped", Text: last.Summary, Reason: reason})
			}
			return attempt{}, err
		}
	}
	reason := fmt.Sprintf("check did not pass within %s (%s); last look: %s", spec.Within, spec.Condition.Describe(), last.Summary)
	if spec.Times > 1 {
		reason = fmt.Sprintf("check did not pass %d times in a row within %s (%s); last look: %s", spec.Times, spec.Within, spec.Condition.Describe(), last.Summary)
	}
	return attempt{reason: reason}, r.emit(ctx, Event{Type: CheckEnd, Step: i + 1, StepName: r.stepName(i), Status: StepFailed, Text: last.Summary, Reason: reason})
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
