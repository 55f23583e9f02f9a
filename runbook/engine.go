package runbook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Run statuses (run-end) and step statuses (step-end).
const (
	StatusSucceeded      = "succeeded"       // every step completed or was skipped
	StatusAborted        = "aborted"         // the operator stopped; nothing was undone
	StatusRolledBack     = "rolled-back"     // completed steps were undone
	StatusRollbackFailed = "rollback-failed" // a rollback failed and was skipped or stopped the rollback
	StatusAbandoned      = "abandoned"       // an unfinished run was closed without going on
	// Not final: the run is unfinished and can be resumed.
	StatusDetached  = "detached"  // the engine stopped watching; a command may still be running
	StatusCancelled = "cancelled" // the operator chose to do nothing now

	StepOK      = "ok"
	StepFailed  = "failed"
	StepSkipped = "skipped"
)

// ErrNothingToResume is Resume's answer when every run has finished.
var ErrNothingToResume = errors.New("no unfinished runbook run to resume")

// Given is an input value supplied before the run (the CLI's --input NAME=VALUE or
// NAME=- read from stdin), so it is not asked.
type Given struct {
	Value string
	By    string // GivenFlag or GivenStdin
}

// How a Given value arrived.
const (
	GivenFlag  = "--input"
	GivenStdin = "stdin"
)

// Options configure an Engine. Only Store and Prompter are required.
type Options struct {
	Store Store
	// Env gives checks their session: the config's checks, the network, a clock.
	Env      Env
	Prompter Prompter
	// Observe is called with every event, in order, on the engine's goroutine, after the
	// event is in the transcript (redacted). It must return quickly: the CLI prints, the
	// console forwards to its program.
	Observe func(Event)
	// Events receives every event too, for a UI that reads a channel; a send blocks until
	// received or the run's context ends.
	Events chan<- Event
	// Secrets are values to redact besides the runbook's own: config.SecretValues().
	Secrets []string
	// Inputs are values given before the run, by input name.
	Inputs map[string]Given
	// Getenv reads the operator's environment (inputs fall back to $NAME); default os.LookupEnv.
	Getenv func(string) (string, bool)
	// Environ is the environment commands start from; default os.Environ().
	Environ []string
	// Cwd is where commands run when the runbook names no cwd; default the current folder.
	Cwd      string
	Now      func() time.Time
	Operator *Operator // default CurrentOperator
	// KillGrace is how long a timed-out or stopped command's group has between SIGTERM
	// and SIGKILL; default 5s.
	KillGrace time.Duration
	// Tick is how often a running command's output and status are read; default 100ms.
	Tick time.Duration
	// OutputCap is how much output per command the transcript keeps (plus the last 64 KiB);
	// default 1 MiB.
	OutputCap int64
	Log       *slog.Logger
}

// Engine runs runbooks: one run at a time per state folder, every event in a fsynced
// transcript, questions to its Prompter. It has no UI; the CLI and the console drive it.
type Engine struct {
	o    Options
	stop chan struct{}
}

// Outcome is how a run ended (or stopped).
type Outcome struct {
	Run        string
	Runbook    string
	Status     string // a run status; detached and cancelled mean unfinished
	Reason     string // why it stopped short, for the operator
	Transcript string
	// Resumed is set when Run found an unfinished run, resumed that one instead, and did
	// not start the runbook asked for.
	Resumed bool
}

// OK says whether the run did everything it was meant to.
func (o Outcome) OK() bool { return o.Status == StatusSucceeded }

// New makes an engine.
func New(o Options) *Engine {
	if o.Getenv == nil {
		o.Getenv = os.LookupEnv
	}
	if o.Environ == nil {
		o.Environ = os.Environ()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Env.Now == nil {
		o.Env.Now = o.Now
	}
	if o.Operator == nil {
		op := CurrentOperator(nil)
		o.Operator = &op
	}
	if o.KillGrace <= 0 {
		o.KillGrace = 5 * time.Second
	}
	if o.Tick <= 0 {
		o.Tick = 100 * time.Millisecond
	}
	if o.OutputCap <= 0 {
		o.OutputCap = 1 << 20
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Cwd == "" {
		o.Cwd, _ = os.Getwd()
	}
	return &Engine{o: o, stop: make(chan struct{}, 1)}
}

// StopStep asks the engine to stop what the current step is doing: the running command's
// process group is killed (SIGTERM, then SIGKILL), or the check stops polling. The step then
// fails and the operator chooses what next. It is the console's ctrl+c; safe from any
// goroutine, and a no-op when nothing is running.
func (e *Engine) StopStep() {
	select {
	case e.stop <- struct{}{}:
	default:
	}
}

// drainStop forgets a stop request made while nothing was running.
func (e *Engine) drainStop() {
	select {
	case <-e.stop:
	default:
	}
}

// Run runs rb, which must have passed Validate. It first takes the lock (a *LockedError
// says who holds it) and looks for an unfinished run: if there is one, the operator chooses
// to resume it, roll it back or abandon it before anything new starts.
//
// When ctx ends mid-run (the terminal is lost, the console quits) the engine stops
// watching but kills nothing: a running command goes on, and Resume picks the run up. The
// Outcome then says StatusDetached.
func (e *Engine) Run(ctx context.Context, rb *Runbook) (Outcome, error) {
	if !rb.validated {
		return Outcome{}, errors.New("the runbook was not validated: call Validate with the session's checks first")
	}
	if err := e.checkGiven(rb); err != nil {
		return Outcome{}, err
	}
	lock, err := e.lock()
	if err != nil {
		return Outcome{}, err
	}
	defer lock.Release()
	primeErrors(ctx, e.o.Env.Checks) // before the run starts: the logs' backlog is not "new"
	out, handled, err := e.offerUnfinished(ctx, lock)
	if handled || err != nil {
		return out, err
	}
	r, err := e.newRun(rb, lock)
	if err != nil {
		return Outcome{}, err
	}
	defer r.close()
	status, err := r.start(ctx)
	return r.finish(status, err)
}

// Resume takes the lock and offers to carry on with the newest unfinished run (or roll it
// back, or abandon it). ErrNothingToResume when there is none.
func (e *Engine) Resume(ctx context.Context) (Outcome, error) {
	lock, err := e.lock()
	if err != nil {
		return Outcome{}, err
	}
	defer lock.Release()
	primeErrors(ctx, e.o.Env.Checks)
	runs, err := e.o.Store.Unfinished()
	if err != nil {
		return Outcome{}, err
	}
	if len(runs) == 0 {
		return Outcome{}, ErrNothingToResume
	}
	return e.resume(ctx, lock, runs[0])
}

func (e *Engine) lock() (*Lock, error) {
	return AcquireLock(e.o.Store.Dir, Holder{Operator: *e.o.Operator, Since: e.o.Now()})
}

// offerUnfinished deals with runs a dead engine left, oldest first, before a new run
// starts. handled is true when the new run must not start (the operator resumed one,
// or cancelled).
func (e *Engine) offerUnfinished(ctx context.Context, lock *Lock) (Outcome, bool, error) {
	runs, err := e.o.Store.Unfinished()
	if err != nil {
		return Outcome{}, true, err
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].Started.Before(runs[j].Started) })
	for _, u := range runs {
		out, err := e.resume(ctx, lock, u)
		if err != nil {
			return out, true, err
		}
		if out.Status != StatusAbandoned {
			out.Resumed = true
			return out, true, nil
		}
	}
	return Outcome{}, false, nil
}

// checkGiven refuses --input values the runbook cannot take, before anything runs.
func (e *Engine) checkGiven(rb *Runbook) error {
	inputs := rb.allInputs()
	var problems []string
	names := make([]string, 0, len(e.o.Inputs))
	for n := range e.o.Inputs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		g := e.o.Inputs[n]
		in, ok := inputs[n]
		switch {
		case !ok:
			var known []string
			for k := range inputs {
				known = append(known, k)
			}
			sort.Strings(known)
			problems = append(problems, fmt.Sprintf("--input %s: runbook %s asks for no input %s (its inputs: %s)", n, rb.Name, n, orNone(known)))
		case in.Secret && g.By == GivenFlag:
			problems = append(problems, fmt.Sprintf("--input %s: %s is secret, and a secret on the command line lands in shell history and ps; "+
				"export %s, or pass --input %s=- and pipe the value on stdin", n, n, n, n))
		default:
			if msg := in.check(g.Value); msg != "" {
				problems = append(problems, fmt.Sprintf("--input %s: %s", n, msg))
			}
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

func orNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

// allInputs maps every input name (top-level and per step) to its definition.
func (rb *Runbook) allInputs() map[string]*Input {
	out := map[string]*Input{}
	for i := range rb.Inputs {
		out[rb.Inputs[i].Name] = &rb.Inputs[i]
	}
	for i := range rb.Steps {
		if in := rb.Steps[i].Input; in != nil {
			out[in.Name] = in
		}
	}
	return out
}

// newRunID names a run by when and what, like 2026-11-28T02-14-05-rollback, so a
// directory listing reads as a history.
func (e *Engine) newRunID(name string) string {
	base := e.o.Now().Local().Format("2006-01-02T15-04-05") + "-" + safeName(name)
	id := base
	for i := 2; ; i++ {
		if _, err := os.Stat(e.o.Store.TranscriptPath(id)); os.IsNotExist(err) {
			return id
		}
		id = fmt.Sprintf("%s-%d", base, i)
	}
}

func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "runbook"
	}
	return b.String()
}

// commandCwd resolves a step's working folder: the step's cwd, else the runbook's, each
// relative to the runbook file's folder; else the folder the run started in.
func (r *run) commandCwd(s *Step) string {
	dir := s.Cwd
	if dir == "" {
		dir = r.rb.Cwd
	}
	if dir == "" {
		return r.cwd
	}
	if dir == "~" || strings.HasPrefix(dir, "~/") {
		if home, ok := r.e.o.Getenv("HOME"); ok {
			dir = filepath.Join(home, strings.TrimPrefix(dir, "~"))
		}
	}
	if !filepath.IsAbs(dir) {
		base := filepath.Dir(r.rb.File)
		if !filepath.IsAbs(base) {
			base = filepath.Join(r.cwd, base)
		}
		dir = filepath.Join(base, dir)
	}
	return dir
}
