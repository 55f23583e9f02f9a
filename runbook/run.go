package runbook

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"
)

// run is one run of a runbook in this engine process: a new one, or one taken over from a
// transcript by Resume.
type run struct {
	e    *Engine
	id   string
	rb   *Runbook
	t    *transcript
	red  *Redactor
	lock *Lock
	info RunInfo
	cwd  string

	vars  map[string]string // inputs, generated values, captures
	steps []stepState

	rollingBack bool
	rolledBack  map[int]bool // steps whose rollback ran, or that had none
	rbFailed    bool         // a rollback failed and was skipped
	cmdSeq      int          // numbers command files in the work folder
	withhold    bool         // do not record output (a resume that lacks a secret it may hold)
	lastType    Type         // the last event written
	hold        string       // the maintenance window file holding alerts, "" for none
}

// stepState is what the engine knows of one step.
type stepState struct {
	status  string // "", running, ok, failed, skipped
	ranOK   bool   // its run: command succeeded, so its rollback is due on a roll back
	attempt int
}

// errDetached ends a run when its context ends: nothing is killed, nothing more starts.
var errDetached = errors.New("detached")

func (e *Engine) newRun(rb *Runbook, lock *Lock) (*run, error) {
	id := e.newRunID(rb.Name)
	red := e.redactor()
	t, err := createTranscript(e.o.Store.TranscriptPath(id), id, red, e.o.Now)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(e.o.Store.WorkDir(id), 0o700); err != nil {
		t.close()
		return nil, fmt.Errorf("cannot create the run's work folder: %w", err)
	}
	_ = lock.Update(id, rb.Name)
	r := &run{e: e, id: id, rb: rb, t: t, red: red, lock: lock, cwd: e.o.Cwd,
		vars: map[string]string{}, steps: make([]stepState, len(rb.Steps)), rolledBack: map[int]bool{}}
	r.info = RunInfo{ID: id, Runbook: rb.Name, Started: e.o.Now()}
	return r, nil
}

func (e *Engine) redactor() *Redactor {
	red := &Redactor{}
	red.Add("", e.o.Secrets...)
	return red
}

func (r *run) close() {
	if r.t != nil {
		r.t.close()
	}
}

// emit records an event and hands it to the observers. A transcript that cannot be
// written stops the run: an unrecorded step must not run.
func (r *run) emit(ctx context.Context, ev Event) error {
	written, err := r.t.write(ev)
	r.lastType = ev.Type
	if err != nil {
		r.e.o.Log.Error("transcript write failed", "run", r.id, "err", err)
		return err
	}
	if r.e.o.Observe != nil {
		r.e.o.Observe(written)
	}
	if r.e.o.Events != nil {
		select {
		case r.e.o.Events <- written:
		case <-ctx.Done():
		}
	}
	return nil
}

// start writes run-start, asks the runbook's inputs and walks the steps.
func (r *run) start(ctx context.Context) (string, error) {
	op := *r.e.o.Operator
	err := r.emit(ctx, Event{Type: RunStart, Cwd: r.cwd, Operator: &op, Time: r.info.Started,
		Runbook: &RunbookInfo{Name: r.rb.Name, File: r.rb.File, Digest: r.rb.Digest(), Source: string(r.rb.Source), Steps: len(r.rb.Steps)}})
	if err != nil {
		return "", err
	}
	r.e.o.Log.Info("runbook run started", "run", r.id, "runbook", r.rb.Name, "operator", op.String(), "transcript", r.t.path)
	r.hold = r.holdAlerts(ctx)
	for i := range r.rb.Inputs {
		if err := r.ask(ctx, -1, &r.rb.Inputs[i], ""); err != nil {
			return r.stopped(ctx, err)
		}
	}
	return r.forward(ctx, 0, phaseConfirm)
}

// stopped turns an error from a prompt or a step into the run's end: a lost context
// detaches, no answer aborts, anything else is a failure the caller reports.
func (r *run) stopped(ctx context.Context, err error) (string, error) {
	switch {
	case errors.Is(err, errDetached) || ctx.Err() != nil:
		if r.lastType != Detached {
			// Waiting on a prompt or a check: nothing runs on without the engine.
			_ = r.emit(context.Background(), Event{Type: Detached, Text: "the engine stopped while waiting (for an answer or a check); nothing is running; `launchready runbook resume` picks up here"})
		}
		return StatusDetached, nil
	case errors.Is(err, ErrNoAnswer):
		_ = r.emit(ctx, Event{Type: Note, Text: "stopped: " + err.Error()})
		return StatusAborted, nil
	}
	return "", err
}

// finish writes run-end for a final status and builds the outcome.
func (r *run) finish(status string, err error) (Outcome, error) {
	out := Outcome{Run: r.id, Runbook: r.rb.Name, Status: status, Transcript: r.t.path}
	if err != nil {
		// The transcript or the system failed under us: say so in it if we still can.
		_ = r.emit(context.Background(), Event{Type: Note, Text: "the engine stopped on an error: " + err.Error()})
		out.Status, out.Reason = StatusDetached, err.Error()
		return out, err
	}
	r.e.o.Log.Info("runbook run stopped", "run", r.id, "runbook", r.rb.Name, "status", status)
	switch status {
	case StatusDetached:
		out.Reason = "the engine stopped watching; the run is unfinished and `launchready runbook resume` picks it up"
		return out, nil
	case StatusCancelled:
		r.releaseAlerts(context.Background(), r.hold, status)
		return out, nil
	}
	r.releaseAlerts(context.Background(), r.hold, status)
	if err := r.emit(context.Background(), Event{Type: RunEnd, Status: status}); err != nil {
		return out, err
	}
	// The run is over: its in-flight files are no longer needed.
	_ = os.RemoveAll(r.e.o.Store.WorkDir(r.id))
	return out, nil
}

// choose asks the prompter what to do next and records the answer, which must be one of
// the choices. u describes the unfinished run a resume question is about.
func (r *run) choose(ctx context.Context, kind ChoiceKind, step int, reason string, choices []Decision, u *RunSummary) (Decision, error) {
	req := ChoiceRequest{Request: r.request(step), Kind: kind, Reason: r.red.Redact(reason), Choices: choices, Unfinished: u}
	rep, err := r.e.o.Prompter.Choose(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return "", errDetached
		}
		return "", err
	}
	if !slices.Contains(choices, rep.Choice) {
		return "", fmt.Errorf("the prompter answered %q, which is not one of %v", rep.Choice, choices)
	}
	names := make([]string, len(choices))
	for i, c := range choices {
		names[i] = string(c)
	}
	by, op := answeredBy(rep, r.e.o.Operator)
	return rep.Choice, r.emit(ctx, Event{Type: Choice, Step: step + 1, StepName: r.stepName(step), Reason: reason, Choices: names,
		Choice: string(rep.Choice), By: by, Operator: op, Text: string(kind)})
}

func (r *run) request(step int) Request {
	return Request{Run: r.id, Runbook: r.rb.Name, Step: step + 1, StepName: r.stepName(step), Steps: len(r.rb.Steps)}
}

func (r *run) stepName(i int) string {
	if i < 0 || i >= len(r.rb.Steps) {
		return ""
	}
	return r.rb.Steps[i].Title()
}

// sleep waits d, or less if ctx ends or the operator stops the step; it says why it woke.
func (r *run) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return errDetached
	case <-r.e.stop:
		return errStopped
	}
}

// errStopped is the operator's StopStep during a check.
var errStopped = errors.New("stopped by the operator")
