package runbook

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"
)

// replay is a run rebuilt from its transcript: where it got to, what it knew (every value
// but the secrets, which were never written down), and what was in flight when its engine
// stopped.
type replay struct {
	start   Event
	rb      *Runbook
	lastSeq int
	cwd     string
	vars    map[string]string
	lost    map[string]lostVar
	steps   []stepState
	cmdSeq  int

	inflight *Event // a command-start with no command-end
	offset   int64  // raw output of the in-flight command already in the transcript

	pending   *pendingFailure // a failed step nobody has decided about yet
	pendingRB *pendingFailure // a failed rollback nobody has decided about yet

	rollingBack, rbEnded, rbAborted, rbFailed bool
	rbStatus                                  string
	rolledBack                                map[int]bool
	ended                                     bool
	lastEvent                                 Event
}

type pendingFailure struct {
	step   int
	reason string
	failed phase
}

// lostVar is a secret the run had and a resume must ask for again.
type lostVar struct {
	kind        string // input or generate
	fingerprint string // generated values only
	step        int
}

func replayEvents(evs []Event) (*replay, error) {
	if len(evs) == 0 || evs[0].Type != RunStart || evs[0].Runbook == nil {
		return nil, errors.New("the transcript does not start with run-start")
	}
	rp := &replay{start: evs[0], cwd: evs[0].Cwd, vars: map[string]string{}, lost: map[string]lostVar{}, rolledBack: map[int]bool{}}
	info := evs[0].Runbook
	rb, err := Parse([]byte(info.Source), info.File)
	if err != nil {
		return nil, fmt.Errorf("the runbook kept in the transcript no longer parses (%v)", err)
	}
	rp.rb = rb
	rp.steps = make([]stepState, len(rb.Steps))
	for _, e := range evs {
		rp.lastSeq = max(rp.lastSeq, e.Seq)
		rp.lastEvent = e
		i := e.Step - 1
		inStep := i >= 0 && i < len(rp.steps)
		switch e.Type {
		case InputSet:
			if e.Secret {
				if lv, ok := rp.lost[e.Name]; !ok || lv.kind != "generate" {
					rp.lost[e.Name] = lostVar{kind: "input", step: i}
				}
			} else {
				rp.vars[e.Name] = e.Value
				delete(rp.lost, e.Name)
			}
		case Generated:
			rp.lost[e.Name] = lostVar{kind: "generate", fingerprint: e.Fingerprint, step: i}
		case Captured:
			rp.vars[e.Name] = e.Value
		case StepStart:
			if inStep {
				rp.steps[i].status = "running"
				rp.steps[i].attempt = e.Attempt
			}
			rp.pending = nil
		case StepEnd:
			if !inStep {
				continue
			}
			rp.steps[i].status = e.Status
			rp.pending = nil
			if e.Status == StepFailed {
				rp.pending = &pendingFailure{step: i, reason: e.Reason, failed: parsePhase(e.Text)}
			}
		case CommandStart:
			ev := e
			rp.inflight, rp.offset = &ev, 0
			rp.cmdSeq++
		case Output:
			if rp.inflight != nil && e.Offset > 0 {
				rp.offset = e.Offset
			}
		case CommandEnd:
			rp.inflight = nil
			if !inStep {
				continue
			}
			if e.Role == "run" {
				rp.steps[i].ranOK = e.Status == StepOK
			} else if e.Status == StepOK {
				rp.rolledBack[i] = true
			} else {
				rp.pendingRB = &pendingFailure{step: i, reason: e.Reason}
			}
		case Choice:
			switch ChoiceKind(e.Text) {
			case ChoiceStepFailed:
				rp.pending = nil
			case ChoiceRollbackFailed:
				rp.pendingRB = nil
				switch Decision(e.Choice) {
				case Skip:
					rp.rolledBack[i], rp.rbFailed = true, true
				case Abort:
					rp.rbAborted, rp.rbFailed = true, true
				}
			}
		case RollbackStart:
			rp.rollingBack = true
		case RollbackSkip:
			if inStep {
				rp.rolledBack[i] = true
			}
		case RollbackEnd:
			rp.rbEnded, rp.rbStatus = true, e.Status
		case RunEnd:
			rp.ended = true
		}
	}
	return rp, nil
}

// firstOpen is the first step that has not completed or been skipped, len(steps) if none.
func (rp *replay) firstOpen() int {
	for i, s := range rp.steps {
		if s.status != StepOK && s.status != StepSkipped {
			return i
		}
	}
	return len(rp.steps)
}

// resume takes over an unfinished run: it waits for a command that outlived its engine,
// records the result, then asks the operator how to go on.
func (e *Engine) resume(ctx context.Context, lock *Lock, u RunSummary) (Outcome, error) {
	evs, err := ReadTranscript(u.Path)
	if err != nil {
		return Outcome{}, fmt.Errorf("cannot read the unfinished run %s: %w", u.ID, err)
	}
	rp, err := replayEvents(evs)
	if err != nil {
		return e.unreadable(ctx, u, evs, err)
	}
	rb := rp.rb
	validErr := rb.Validate(e.o.Env)
	red := e.redactor()
	t, err := appendTranscript(u.Path, u.ID, rp.lastSeq, red, e.o.Now)
	if err != nil {
		return Outcome{}, err
	}
	r := &run{e: e, id: u.ID, rb: rb, t: t, red: red, lock: lock, cwd: rp.cwd, vars: rp.vars, steps: rp.steps,
		rollingBack: rp.rollingBack, rolledBack: rp.rolledBack, rbFailed: rp.rbFailed, cmdSeq: rp.cmdSeq}
	if r.cwd == "" {
		r.cwd = e.o.Cwd
	}
	r.info = RunInfo{ID: u.ID, Runbook: rb.Name, Started: rp.start.Time}
	defer r.close()
	_ = lock.Update(u.ID, rb.Name)
	op := *e.o.Operator
	e.o.Log.Info("runbook run resumed", "run", u.ID, "runbook", rb.Name, "operator", op.String(), "after_event", rp.lastSeq)
	info := &RunbookInfo{Name: rb.Name, File: rb.File, Digest: rb.Digest(), Steps: len(rb.Steps)}
	if err := r.emit(ctx, Event{Type: Resumed, Operator: &op, Runbook: info, Text: fmt.Sprintf("taken over after event %d (%s)", rp.lastSeq, rp.lastEvent.Type)}); err != nil {
		return Outcome{}, err
	}
	// The run is under way again: hold its alerts again, from now for its for:.
	r.hold = r.holdAlerts(ctx)
	if rp.inflight != nil {
		// The command was started with every secret known then in its environment, and
		// may print any of them: learn them again before reading its output.
		if err := r.recoverAll(ctx, rp); errors.Is(err, ErrNoAnswer) {
			// Without the secrets its output cannot be shown safely: keep only its status.
			r.withhold = true
			_ = r.emit(ctx, Event{Type: Note, Text: "the running command's output is not recorded: it may hold a secret this engine was not given (" + err.Error() + ")"})
		} else if err != nil {
			st, err := r.stopped(ctx, err)
			return r.finish(st, err)
		}
		if err := r.adopt(ctx, rp); err != nil {
			st, err := r.stopped(ctx, err)
			return r.finish(st, err)
		}
	}
	st, err := r.decide(ctx, rp, u, validErr)
	return r.finish(st, err)
}

// unreadable deals with an unfinished run whose transcript cannot be replayed (written by
// a newer launchready, or damaged): it cannot go on, but it must not block every later run,
// so the operator may abandon it.
func (e *Engine) unreadable(ctx context.Context, u RunSummary, evs []Event, why error) (Outcome, error) {
	reason := fmt.Sprintf("run %s cannot be resumed (%v); abandon it to run runbooks again, after checking by hand what it left done (launchready runbook log %s)", u.ID, why, u.ID)
	rep, err := e.o.Prompter.Choose(ctx, ChoiceRequest{Request: Request{Run: u.ID, Runbook: u.Runbook}, Kind: ChoiceResume, Reason: reason,
		Choices: []Decision{Abandon, Cancel}, Unfinished: &u})
	if err != nil {
		return Outcome{}, fmt.Errorf("%s: %w", reason, err)
	}
	out := Outcome{Run: u.ID, Runbook: u.Runbook, Status: StatusCancelled, Transcript: u.Path, Reason: reason}
	if rep.Choice != Abandon {
		return out, nil
	}
	seq := 0
	for _, ev := range evs {
		seq = max(seq, ev.Seq)
	}
	t, err := appendTranscript(u.Path, u.ID, seq, e.redactor(), e.o.Now)
	if err != nil {
		return out, err
	}
	defer t.close()
	op := *e.o.Operator
	for _, ev := range []Event{{Type: Choice, Text: string(ChoiceResume), Reason: reason, Choices: []string{string(Abandon), string(Cancel)}, Choice: string(Abandon), By: rep.By, Operator: &op},
		{Type: RunEnd, Status: StatusAbandoned}} {
		if _, err := t.write(ev); err != nil {
			return out, err
		}
	}
	out.Status = StatusAbandoned
	return out, nil
}

// adopt waits for the command the last engine left running and records how it ended.
func (r *run) adopt(ctx context.Context, rp *replay) error {
	ev := rp.inflight
	i := ev.Step - 1
	if i < 0 || i >= len(r.rb.Steps) {
		return fmt.Errorf("the transcript's last command names step %d, which the runbook does not have", ev.Step)
	}
	timeout, _ := time.ParseDuration(ev.Timeout)
	if timeout <= 0 {
		timeout = r.timeout(&r.rb.Steps[i])
	}
	p := &proc{pid: ev.PID, outPath: ev.OutputFile, exitPath: ev.ExitFile, started: ev.Time, deadline: ev.Time.Add(timeout)}
	if _, err := os.Stat(p.outPath); err != nil {
		_ = os.WriteFile(p.outPath, nil, 0o600) // the output is gone; the status may not be
	}
	if st, _, _ := p.poll(); st == procRunning {
		_ = r.emit(ctx, Event{Type: Note, Step: ev.Step, Text: fmt.Sprintf("step %d's command (pid %d) is still running; waiting for it to end", ev.Step, ev.PID)})
	}
	res, err := r.watch(ctx, i, ev.Role, p, rp.offset)
	if err != nil {
		return err
	}
	if ev.Role == "rollback" {
		if res.ok {
			r.rolledBack[i] = true
		} else {
			rp.pendingRB = &pendingFailure{step: i, reason: res.reason}
		}
		return nil
	}
	r.steps[i].ranOK = res.ok
	if !res.ok {
		r.steps[i].status = StepFailed
		rp.pending = &pendingFailure{step: i, reason: res.reason, failed: phaseRun}
		return r.emit(ctx, Event{Type: StepEnd, Step: i + 1, StepName: r.stepName(i), Status: StepFailed, Reason: res.reason, Text: phaseRun.String()})
	}
	if c := r.rb.Steps[i].Capture; c != "" {
		r.vars[c] = res.last
		return r.emit(ctx, Event{Type: Captured, Step: i + 1, StepName: r.stepName(i), Name: c, Value: res.last})
	}
	return nil
}

// decide asks the operator how to go on with the replayed run and does it.
func (r *run) decide(ctx context.Context, rp *replay, u RunSummary, validErr error) (string, error) {
	req := func(kind ChoiceKind, step int, reason string, choices []Decision) (Decision, error) {
		return r.choose(ctx, kind, step, reason, choices, &u)
	}
	if validErr != nil {
		d, err := req(ChoiceResume, -1, fmt.Sprintf("the runbook no longer validates against this session (%v); it can only be rolled back or abandoned", validErr),
			[]Decision{RollBack, Abandon, Cancel})
		if err != nil {
			return r.stopped(ctx, err)
		}
		return r.resumeWith(ctx, rp, d, r.firstOpenIn(rp), phaseConfirm)
	}
	switch {
	case rp.rbEnded:
		return rp.rbStatus, nil
	case r.rollingBack && rp.rbAborted:
		return StatusRollbackFailed, r.emit(ctx, Event{Type: RollbackEnd, Status: StatusRollbackFailed, Reason: "the operator stopped the roll back"})
	case r.rollingBack && rp.pendingRB != nil:
		f := rp.pendingRB
		d, err := req(ChoiceRollbackFailed, f.step, fmt.Sprintf("the rollback of step %d (%s) %s", f.step+1, r.stepName(f.step), f.reason), []Decision{Retry, Skip, Abort})
		if err != nil {
			return r.stopped(ctx, err)
		}
		switch d {
		case Skip:
			r.rolledBack[f.step], r.rbFailed = true, true
		case Abort:
			return StatusRollbackFailed, r.emit(ctx, Event{Type: RollbackEnd, Status: StatusRollbackFailed, Reason: "the operator stopped the roll back"})
		}
		return r.rollbackResumed(ctx, rp)
	case r.rollingBack:
		d, err := req(ChoiceResume, -1, "the run was rolling back when its engine stopped", []Decision{Continue, Abandon, Cancel})
		if err != nil {
			return r.stopped(ctx, err)
		}
		if d == Continue {
			return r.rollbackResumed(ctx, rp)
		}
		return r.resumeWith(ctx, rp, d, 0, phaseConfirm)
	case rp.pending != nil:
		f := rp.pending
		d, err := req(ChoiceStepFailed, f.step, f.reason, []Decision{Retry, Skip, RollBack, Abort})
		if err != nil {
			return r.stopped(ctx, err)
		}
		if d == RollBack {
			return r.resumeWith(ctx, rp, RollBack, 0, phaseConfirm)
		}
		if err := r.recoverLost(ctx, rp, f.step, false); err != nil {
			return r.stopped(ctx, err)
		}
		next, status, err := r.afterFailure(ctx, f.step, d, f.failed)
		if err != nil || status != "" {
			return status, err
		}
		if next == phaseDone {
			return r.forward(ctx, f.step+1, phaseConfirm)
		}
		return r.forward(ctx, f.step, next)
	}
	k := r.firstOpenIn(rp)
	if k >= len(r.rb.Steps) {
		return StatusSucceeded, nil
	}
	p := phaseConfirm
	where := fmt.Sprintf("it stopped at step %d of %d (%s), which had not started", k+1, len(r.rb.Steps), r.stepName(k))
	if r.steps[k].status == "running" {
		where = fmt.Sprintf("it stopped during step %d of %d (%s)", k+1, len(r.rb.Steps), r.stepName(k))
	}
	if r.steps[k].ranOK {
		p = phaseCheck
		where = fmt.Sprintf("step %d of %d (%s) ran its command successfully; its check (if any) and the steps after it remain", k+1, len(r.rb.Steps), r.stepName(k))
	}
	d, err := req(ChoiceResume, k, where, []Decision{Continue, RollBack, Abandon, Cancel})
	if err != nil {
		return r.stopped(ctx, err)
	}
	return r.resumeWith(ctx, rp, d, k, p)
}

func (r *run) firstOpenIn(rp *replay) int {
	rp.steps = r.steps
	return rp.firstOpen()
}

// resumeWith carries out a resume decision.
func (r *run) resumeWith(ctx context.Context, rp *replay, d Decision, k int, p phase) (string, error) {
	switch d {
	case Continue:
		if err := r.recoverLost(ctx, rp, k, false); err != nil {
			return r.stopped(ctx, err)
		}
		return r.forward(ctx, k, p)
	case RollBack:
		if err := r.recoverLost(ctx, rp, k, true); err != nil {
			return r.stopped(ctx, err)
		}
		return r.rollback(ctx, "chosen on resume")
	case Abandon:
		return StatusAbandoned, r.emit(ctx, Event{Type: Note, Text: "abandoned on resume: nothing more runs and nothing is undone"})
	}
	return StatusCancelled, nil
}

func (r *run) rollbackResumed(ctx context.Context, rp *replay) (string, error) {
	if err := r.recoverLost(ctx, rp, 0, true); err != nil {
		return r.stopped(ctx, err)
	}
	return r.rollback(ctx, "")
}

// recoverAll asks again for every secret the run had, before the output of a command
// that outlived its engine is read: that command may print any of them.
func (r *run) recoverAll(ctx context.Context, rp *replay) error {
	names := make([]string, 0, len(rp.lost))
	for n := range rp.lost {
		names = append(names, n)
	}
	return r.recoverNames(ctx, rp, names, " now, so the output of the command still running can be redacted")
}

// recoverLost asks again for the secrets the rest of the run reads: they were known to
// the engine that stopped and, being secret, never written down. A generated value must
// match its fingerprint. rollback says the run is about to roll back, so only rollback
// commands' needs count.
func (r *run) recoverLost(ctx context.Context, rp *replay, from int, rollback bool) error {
	// The runbook's inputs: the engine may have stopped before it had asked them all.
	for i := range r.rb.Inputs {
		in := &r.rb.Inputs[i]
		if _, have := r.vars[in.Name]; have {
			continue
		}
		if _, lost := rp.lost[in.Name]; lost {
			continue
		}
		if err := r.ask(ctx, -1, in, ""); err != nil {
			return err
		}
	}
	need := map[string]bool{}
	for i := range r.rb.Steps {
		s := &r.rb.Steps[i]
		if !rollback && i >= from {
			for _, n := range s.refs.run {
				need[n] = true
			}
		}
		if !rollback || r.rollbackDue(i) {
			for _, n := range s.refs.rollback {
				need[n] = true
			}
		}
	}
	names := make([]string, 0, len(need))
	for n := range need {
		if _, ok := rp.lost[n]; ok {
			if _, have := r.vars[n]; !have {
				names = append(names, n)
			}
		}
	}
	return r.recoverNames(ctx, rp, names, "")
}

func (r *run) recoverNames(ctx context.Context, rp *replay, names []string, purpose string) error {
	sort.Strings(names)
	for _, n := range names {
		if _, have := r.vars[n]; have {
			continue
		}
		lv := rp.lost[n]
		in := &Input{Name: n, Secret: true, Prompt: n}
		if def := r.rb.allInputs()[n]; def != nil {
			in = def
		}
		why := fmt.Sprintf("%s was a secret input to this run, and secrets are never written down: it is asked again%s", n, purpose)
		if lv.kind == "generate" {
			why = fmt.Sprintf("%s was generated by step %d and never written down: paste it%s if you kept it (it must match %s)", n, lv.step+1, purpose, lv.fingerprint)
		}
		for tries := 0; ; tries++ {
			if err := r.ask(ctx, lv.step, in, why); err != nil {
				return err
			}
			if lv.kind != "generate" || fingerprint(r.vars[n]) == lv.fingerprint {
				break
			}
			delete(r.vars, n)
			if tries >= 2 {
				return fmt.Errorf("%s does not match the value generated by step %d (%s): %w", n, lv.step+1, lv.fingerprint, ErrNoAnswer)
			}
			why = fmt.Sprintf("that is not the value step %d generated (fingerprint %s); try again", lv.step+1, lv.fingerprint)
		}
	}
	return nil
}
