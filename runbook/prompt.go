package runbook

import (
	"context"
	"errors"
)

// Prompter answers the engine's questions. The engine blocks on it, on its own goroutine,
// the way a service asks for a permission and a UI grants it: the headless CLI answers on
// the terminal (or from --yes and --input), the console from a dialog. An implementation
// returns ctx.Err() when ctx ends; the engine then detaches as if the terminal were lost.
type Prompter interface {
	// Confirm asks a yes/no question (a step's confirm:).
	Confirm(ctx context.Context, r ConfirmRequest) (Reply, error)
	// Input asks for a value (an input, or a secret lost in a crash). Secret inputs must
	// be read without echo and never shown.
	Input(ctx context.Context, r InputRequest) (Reply, error)
	// Choose asks what to do next: after a failure, a failed rollback, or on finding an
	// unfinished run. Reply.Choice must be one of r.Choices.
	Choose(ctx context.Context, r ChoiceRequest) (Reply, error)
}

// Reply is a Prompter's answer.
type Reply struct {
	Yes    bool     // Confirm
	Value  string   // Input
	Choice Decision // Choose
	// By says how the answer was given when not typed at the prompt ("--yes",
	// "--on-failure", "--input", "environment", "stdin"); the transcript records it.
	By string
}

// ErrNoAnswer is what a Prompter returns when nobody can answer (no terminal, and no
// flag gave the answer); the engine stops the run as if the operator had aborted.
var ErrNoAnswer = errors.New("no one to answer")

// Request is what every prompt carries: which run and step it is about.
type Request struct {
	Run      string
	Runbook  string
	Step     int    // 1-based; 0 for the run as a whole
	StepName string // the step's title
	Steps    int    // how many steps the runbook has
}

// ConfirmRequest is a step's confirm: question.
type ConfirmRequest struct {
	Request
	Question string
	// Next is what the step does once confirmed (its command), shown with the question.
	Next string
}

// InputRequest asks for one value.
type InputRequest struct {
	Request
	Name    string
	Prompt  string
	Secret  bool
	Default string
	// Env is the value of $Name in the operator's environment, "" when unset: offered as
	// the answer (it is how CI passes values, and how secrets stay off the command line).
	// For a secret input it is the secret itself: use it, never show it.
	Env string
	// Problem says why the previous answer was refused (pattern, too short), "" at first.
	Problem string
	// Lost is set when the value was known before the engine stopped and, being secret,
	// was never written down: a resume must ask for it again.
	Lost string
}

// Decision is one of the things an operator can choose.
type Decision string

// Decisions offered in ChoiceRequests.
const (
	Retry    Decision = "retry"    // run the failed part of the step again
	Skip     Decision = "skip"     // go on without it (recorded as skipped)
	RollBack Decision = "rollback" // undo completed steps, newest first
	Abort    Decision = "abort"    // stop here, undoing nothing
	// After finding an unfinished run.
	Continue Decision = "continue" // carry on from where it stopped
	Abandon  Decision = "abandon"  // close it as abandoned, undoing nothing
	Cancel   Decision = "cancel"   // do nothing now; leave it unfinished
)

// ChoiceKind says what a ChoiceRequest is about.
type ChoiceKind string

const (
	ChoiceStepFailed     ChoiceKind = "step-failed"     // a command, check or confirmation failed
	ChoiceRollbackFailed ChoiceKind = "rollback-failed" // a rollback command failed
	ChoiceResume         ChoiceKind = "resume"          // an unfinished run was found
)

// ChoiceRequest asks what to do next.
type ChoiceRequest struct {
	Request
	Kind    ChoiceKind
	Reason  string // what failed, or where the unfinished run stopped (redacted)
	Choices []Decision
	// Unfinished describes the run found, for ChoiceResume.
	Unfinished *RunSummary
}
