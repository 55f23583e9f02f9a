package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/launchready/launchready/runbook"
)

// printer shows a run's events on the terminal as they happen: each step, each command
// before it runs, its output, each look a check takes. Events arrive redacted.
type printer struct {
	w       io.Writer
	mu      sync.Mutex
	running bool // a command or a check is under way (ctrl+c stops it)
	steps   int
}

func newPrinter(w io.Writer) *printer { return &printer{w: w} }

func (p *printer) busy() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.running
}

func (p *printer) event(e runbook.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	w := p.w
	switch e.Type {
	case runbook.RunStart:
		p.steps = e.Runbook.Steps
		fmt.Fprintf(w, "Runbook %s · run %s · by %s\n", e.Runbook.Name, e.Run, e.Operator)
	case runbook.Resumed:
		if e.Runbook != nil {
			p.steps = e.Runbook.Steps
		}
		fmt.Fprintf(w, "⟳ resuming run %s (%s)\n", e.Run, e.Text)
	case runbook.StepStart:
		again := ""
		if e.Attempt > 1 {
			again = fmt.Sprintf(" (attempt %d)", e.Attempt)
		}
		fmt.Fprintf(w, "\n▶ %d/%d %s%s\n", e.Step, max(p.steps, e.Step), e.StepName, again)
	case runbook.StepEnd:
		switch e.Status {
		case runbook.StepOK:
			fmt.Fprintf(w, "✔ %d %s\n", e.Step, e.StepName)
		case runbook.StepSkipped:
			fmt.Fprintf(w, "↷ %d %s skipped\n", e.Step, e.StepName)
		default:
			fmt.Fprintf(w, "✖ %d %s failed: %s\n", e.Step, e.StepName, e.Reason)
		}
	case runbook.InputSet:
		if e.Secret {
			fmt.Fprintf(w, "  = %s (secret) from %s\n", e.Name, e.Source)
		} else {
			fmt.Fprintf(w, "  = %s=%s from %s\n", e.Name, e.Value, e.Source)
		}
	case runbook.Generated:
		fmt.Fprintf(w, "  = %s generated: %d %s characters (%s); it reaches commands as $%s and is never shown\n", e.Name, e.Length, e.Format, e.Fingerprint, e.Name)
	case runbook.Captured:
		fmt.Fprintf(w, "  = %s=%s\n", e.Name, e.Value)
	case runbook.CommandStart:
		p.running = true
		what := "$"
		if e.Role == "rollback" {
			what = fmt.Sprintf("↩ rollback of %d: $", e.Step)
		}
		fmt.Fprintf(w, "  %s %s\n", what, strings.ReplaceAll(strings.TrimRight(e.Command, "\n"), "\n", "\n    "))
	case runbook.Output:
		for _, l := range strings.Split(strings.TrimSuffix(e.Text, "\n"), "\n") {
			fmt.Fprintf(w, "  │ %s\n", l)
		}
	case runbook.CommandEnd:
		p.running = false
		exit := "no exit status"
		if e.Exit != nil && *e.Exit >= 0 {
			exit = "exit " + strconv.Itoa(*e.Exit)
		}
		d := time.Duration(e.DurationMS * float64(time.Millisecond)).Round(10 * time.Millisecond)
		if e.Status == runbook.StepOK {
			fmt.Fprintf(w, "  ✔ %s · %s\n", exit, d)
		} else {
			fmt.Fprintf(w, "  ✖ %s · %s · %s\n", exit, d, e.Reason)
		}
	case runbook.CheckStart:
		p.running = true
		fmt.Fprintf(w, "  … waiting: %s\n", e.Text)
	case runbook.CheckPoll:
		icon := "✖"
		if e.Poll.OK {
			icon = "✔"
		}
		fmt.Fprintf(w, "    %s %s (%d/%d)\n", icon, e.Poll.Summary, e.Poll.Streak, e.Poll.Need)
	case runbook.CheckEnd:
		p.running = false
		if e.Status == runbook.StepOK {
			fmt.Fprintln(w, "  ✔ check passed")
		}
	case runbook.Choice:
		by := ""
		if e.By != "" {
			by = " (" + e.By + ")"
		}
		fmt.Fprintf(w, "  → %s%s\n", e.Choice, by)
	case runbook.Confirmed:
		if e.By != "" {
			fmt.Fprintf(w, "  ? %s → %s (%s)\n", e.Text, e.Choice, e.By)
		}
	case runbook.RollbackStart:
		fmt.Fprintf(w, "\n↩ rolling back (%s): completed steps' rollbacks, newest first\n", e.Reason)
	case runbook.RollbackSkip:
		fmt.Fprintf(w, "  ↩ %d %s: nothing to undo\n", e.Step, e.StepName)
	case runbook.RollbackEnd:
		fmt.Fprintf(w, "↩ roll back %s\n", e.Status)
	case runbook.Detached:
		p.running = false
		fmt.Fprintf(w, "\n⏏ %s\n", e.Text)
	case runbook.Note:
		fmt.Fprintf(w, "  · %s\n", e.Text)
	}
}

func (p *printer) outcome(o runbook.Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	icon := "✖"
	switch o.Status {
	case runbook.StatusSucceeded:
		icon = "✔"
	case runbook.StatusDetached, runbook.StatusCancelled:
		icon = "…"
	}
	fmt.Fprintf(p.w, "\n%s %s %s · transcript %s\n", icon, o.Runbook, o.Status, o.Transcript)
	if o.Reason != "" {
		fmt.Fprintf(p.w, "  %s\n", o.Reason)
	}
	if o.Resumed {
		fmt.Fprintln(p.w, "  That was the unfinished run; the runbook you asked for did not start. Run it again now.")
	}
}

// termPrompter answers the engine on the terminal: questions on the output, answers from
// stdin, secrets read without echo. With --yes it answers itself (and says so in the
// transcript). Without a terminal it reads answers as lines from stdin, so a script can
// pipe them; when there is nothing to read it says nobody can answer.
type termPrompter struct {
	out          io.Writer
	in           *bufio.Reader
	file         *os.File // stdin when it is a terminal, for reading secrets without echo
	yes          bool
	onFailure    runbook.Decision
	onUnfinished runbook.Decision
	busy         func() bool
}

// inputFile returns stdin as a file when it is a terminal.
func inputFile(r io.Reader) *os.File {
	if f, ok := r.(*os.File); ok && term.IsTerminal(f.Fd()) {
		return f
	}
	return nil
}

func (t *termPrompter) interactive() bool { return t.file != nil }

// readLine reads one answer, giving up when ctx ends.
func (t *termPrompter) readLine(ctx context.Context, secret bool) (string, error) {
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	var restore func()
	if secret && t.file != nil {
		if st, err := term.GetState(t.file.Fd()); err == nil {
			restore = func() { _ = term.Restore(t.file.Fd(), st) }
		}
		go func() {
			b, err := term.ReadPassword(t.file.Fd())
			fmt.Fprintln(t.out)
			ch <- res{string(b), err}
		}()
	} else {
		go func() {
			s, err := t.in.ReadString('\n')
			if err == io.EOF && s != "" {
				err = nil
			}
			ch <- res{strings.TrimRight(s, "\r\n"), err}
		}()
	}
	select {
	case r := <-ch:
		if r.err == io.EOF {
			return "", runbook.ErrNoAnswer
		}
		return r.s, r.err
	case <-ctx.Done():
		if restore != nil {
			restore() // leave the terminal echoing again
		}
		return "", ctx.Err()
	}
}

func (t *termPrompter) header(r runbook.Request) string {
	if r.Step == 0 {
		return ""
	}
	return fmt.Sprintf("[%d/%d %s] ", r.Step, r.Steps, r.StepName)
}

func (t *termPrompter) Confirm(ctx context.Context, r runbook.ConfirmRequest) (runbook.Reply, error) {
	if t.yes {
		return runbook.Reply{Yes: true, By: "--yes"}, nil
	}
	if r.Next != "" {
		fmt.Fprintf(t.out, "  next: %s\n", strings.ReplaceAll(strings.TrimSpace(r.Next), "\n", "\n        "))
	}
	fmt.Fprintf(t.out, "? %s%s [y/N] ", t.header(r.Request), r.Question)
	s, err := t.readLine(ctx, false)
	if err != nil {
		return runbook.Reply{}, err
	}
	if !t.interactive() {
		fmt.Fprintln(t.out, s)
	}
	s = strings.ToLower(strings.TrimSpace(s))
	return runbook.Reply{Yes: s == "y" || s == "yes"}, nil
}

func (t *termPrompter) Input(ctx context.Context, r runbook.InputRequest) (runbook.Reply, error) {
	if r.Lost != "" {
		fmt.Fprintf(t.out, "  · %s\n", r.Lost)
	}
	if r.Problem != "" {
		fmt.Fprintf(t.out, "  ✖ %s: %s\n", r.Name, r.Problem)
	}
	if r.Env != "" && (t.yes || !t.interactive()) {
		return runbook.Reply{Value: r.Env, By: "environment"}, nil
	}
	if t.yes {
		if r.Default != "" {
			return runbook.Reply{Value: r.Default, By: "--yes"}, nil
		}
		return runbook.Reply{}, fmt.Errorf("no value with --yes: pass --input %s=... or export %s: %w", r.Name, r.Name, runbook.ErrNoAnswer)
	}
	prompt := r.Prompt
	if prompt == "" {
		prompt = r.Name
	}
	hint := ""
	switch {
	case r.Env != "" && r.Secret:
		hint = fmt.Sprintf(" [enter: $%s from the environment]", r.Name)
	case r.Env != "":
		hint = fmt.Sprintf(" [%s, from $%s]", r.Env, r.Name)
	case r.Default != "":
		hint = fmt.Sprintf(" [%s]", r.Default)
	}
	if r.Secret {
		hint += " (hidden)"
	}
	fmt.Fprintf(t.out, "? %s%s (%s)%s: ", t.header(r.Request), prompt, r.Name, hint)
	s, err := t.readLine(ctx, r.Secret)
	if err != nil {
		return runbook.Reply{}, err
	}
	if !t.interactive() && !r.Secret {
		fmt.Fprintln(t.out, s)
	} else if !t.interactive() {
		fmt.Fprintln(t.out)
	}
	if s == "" && r.Env != "" {
		return runbook.Reply{Value: r.Env, By: "environment"}, nil
	}
	return runbook.Reply{Value: s}, nil
}

var choiceWords = map[runbook.Decision]string{
	runbook.Retry:    "retry",
	runbook.Skip:     "skip (go on without it)",
	runbook.RollBack: "roll back (completed steps, newest first)",
	runbook.Abort:    "abort (stop here, undo nothing)",
	runbook.Continue: "continue from where it stopped",
	runbook.Abandon:  "abandon (close it, undo nothing)",
	runbook.Cancel:   "cancel (leave it for later)",
}

func (t *termPrompter) Choose(ctx context.Context, r runbook.ChoiceRequest) (runbook.Reply, error) {
	if r.Kind == runbook.ChoiceResume && r.Unfinished != nil {
		u := r.Unfinished
		fmt.Fprintf(t.out, "\n▲ run %s of %s was left unfinished (started %s by %s; %d of %d steps done)\n  %s\n",
			u.ID, u.Runbook, u.Started.Local().Format("15:04 Jan 2"), u.Operator, u.Done, u.Steps, r.Reason)
	} else if r.Kind != runbook.ChoiceStepFailed {
		// A failed step was just printed with its reason; anything else says what failed.
		fmt.Fprintf(t.out, "\n✖ %s%s\n", t.header(r.Request), r.Reason)
	}
	if t.yes {
		d := t.onFailure
		by := "--on-failure"
		switch r.Kind {
		case runbook.ChoiceResume:
			d, by = t.onUnfinished, "--yes"
		case runbook.ChoiceRollbackFailed:
			d, by = runbook.Abort, "--yes"
		}
		if !contains(r.Choices, d) {
			d = runbook.Abort
			if !contains(r.Choices, d) {
				d = runbook.Cancel
			}
		}
		return runbook.Reply{Choice: d, By: by}, nil
	}
	for i, c := range r.Choices {
		fmt.Fprintf(t.out, "  %d) %s\n", i+1, choiceWords[c])
	}
	for {
		fmt.Fprintf(t.out, "? What now? [1-%d] ", len(r.Choices))
		s, err := t.readLine(ctx, false)
		if err != nil {
			return runbook.Reply{}, err
		}
		if !t.interactive() {
			fmt.Fprintln(t.out, s)
		}
		s = strings.ToLower(strings.TrimSpace(s))
		if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(r.Choices) {
			return runbook.Reply{Choice: r.Choices[n-1]}, nil
		}
		for _, c := range r.Choices {
			if s == string(c) || s == strings.ReplaceAll(string(c), "rollback", "roll back") {
				return runbook.Reply{Choice: c}, nil
			}
		}
		if !t.interactive() {
			return runbook.Reply{}, fmt.Errorf("%q is not one of the choices: %w", s, runbook.ErrNoAnswer)
		}
	}
}

func contains(ds []runbook.Decision, d runbook.Decision) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}
