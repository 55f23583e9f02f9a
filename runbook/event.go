package runbook

import "time"

// Type says what an Event records.
type Type string

// Event types, in the order a run produces them. The transcript is these events, one JSON
// object per line; a UI receives the same events as they happen.
const (
	// Run level.
	RunStart Type = "run-start" // Runbook, Operator, Cwd; the runbook's full text in Runbook.Source
	Resumed  Type = "resume"    // another engine process took the run over; Operator, Runbook (no Source)
	Detached Type = "detached"  // the engine stopped watching (lost terminal, console quit); PID still running
	RunEnd   Type = "run-end"   // Status: succeeded, aborted, rolled-back, rollback-failed, abandoned
	Note     Type = "note"      // Text: something the operator should know
	Choice   Type = "choice"    // Choices offered, Choice taken, By whom, Reason asked
	// Steps.
	StepStart Type = "step-start" // Step, Name, Attempt
	StepEnd   Type = "step-end"   // Status: ok, failed, skipped; Reason
	Confirmed Type = "confirm"    // Text (the question), Choice yes or no, By
	InputSet  Type = "input"      // Name, Value (not for secrets), Secret, Source
	Generated Type = "generate"   // Name, Format, Length, Fingerprint (never the value)
	Captured  Type = "capture"    // Name, Value
	// Commands (a step's run, or a rollback).
	CommandStart Type = "command-start" // Role run or rollback, Command, Cwd, PID, Timeout
	Output       Type = "output"        // Text (redacted), Offset: raw bytes of output consumed so far
	CommandEnd   Type = "command-end"   // Exit, Status: ok, failed, timeout, stopped, lost; DurationMS
	// Checks.
	CheckStart Type = "check-start" // Text: what the check waits for
	CheckPoll  Type = "check-poll"  // Poll: one look
	CheckEnd   Type = "check-end"   // Status ok or failed; Text: the last look
	// Rollback.
	RollbackStart Type = "rollback-start" // Reason
	RollbackSkip  Type = "rollback-skip"  // Step: a completed step with no rollback:, Reason
	RollbackEnd   Type = "rollback-end"   // Status: rolled-back, rollback-failed
)

// Event is one line of a transcript and one message to a UI. Fields are set per Type (see
// the constants); every string that came from a command or an operator is redacted before
// the event is written or handed to anyone.
type Event struct {
	Seq  int       `json:"seq"`
	Time time.Time `json:"time"`
	Type Type      `json:"event"`
	Run  string    `json:"run"`
	// Step is 1-based; 0 for run-level events.
	Step     int    `json:"step,omitempty"`
	StepName string `json:"step_name,omitempty"`
	Attempt  int    `json:"attempt,omitempty"`

	Status string `json:"status,omitempty"`
	Reason string `json:"reason,omitempty"`
	Text   string `json:"text,omitempty"`

	// Commands.
	Role       string  `json:"role,omitempty"` // run, rollback
	Command    string  `json:"command,omitempty"`
	Cwd        string  `json:"cwd,omitempty"`
	PID        int     `json:"pid,omitempty"`
	Timeout    string  `json:"timeout,omitempty"`
	Exit       *int    `json:"exit,omitempty"`
	Offset     int64   `json:"offset,omitempty"`
	DurationMS float64 `json:"duration_ms,omitempty"`
	ExitFile   string  `json:"exit_file,omitempty"`
	OutputFile string  `json:"output_file,omitempty"`

	// Inputs, generated values, captures.
	Name        string `json:"name,omitempty"`
	Value       string `json:"value,omitempty"`
	Secret      bool   `json:"secret,omitempty"`
	Source      string `json:"source,omitempty"` // flag, stdin, environment, prompt, default
	Format      string `json:"format,omitempty"`
	Length      int    `json:"length,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`

	// Checks.
	Poll *Poll `json:"poll,omitempty"`

	// Choices.
	Choices []string `json:"choices,omitempty"`
	Choice  string   `json:"choice,omitempty"`
	By      string   `json:"by,omitempty"`

	// Run start and resume.
	Runbook  *RunbookInfo `json:"runbook,omitempty"`
	Operator *Operator    `json:"operator,omitempty"`
}

// Poll is one look at a check's condition.
type Poll struct {
	Condition string `json:"condition"`
	OK        bool   `json:"ok"`
	Summary   string `json:"summary"`
	Err       string `json:"error,omitempty"`
	Streak    int    `json:"streak"` // passing looks in a row, this one included
	Need      int    `json:"need"`   // looks in a row required
	Look      int    `json:"look"`   // 1 for the first look
}

// RunbookInfo says which runbook a run ran: its name, file, digest and exact text.
type RunbookInfo struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	Digest string `json:"digest"`
	Source string `json:"source"`
	Steps  int    `json:"steps"`
}

// redact applies r to every field that may carry text from a command or an operator.
func (e *Event) redact(r *Redactor) {
	for _, s := range []*string{&e.Text, &e.Reason, &e.Command, &e.Value, &e.StepName, &e.Cwd} {
		*s = r.Redact(*s)
	}
	if e.Poll != nil {
		p := *e.Poll
		p.Summary, p.Err, p.Condition = r.Redact(p.Summary), r.Redact(p.Err), r.Redact(p.Condition)
		e.Poll = &p
	}
	if e.Runbook != nil {
		rb := *e.Runbook
		rb.Source = r.Redact(rb.Source)
		e.Runbook = &rb
	}
}
