package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/runbook"
)

func newRunbookCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "runbook",
		Short: "Deploy, roll back and rotate secrets step by step, with a transcript (list, run, resume, log, init)",
		Long: `Runbooks are YAML files in the runbooks folder (runbooks.dir in launchready.yaml, default
runbooks/ beside it): steps that run commands, ask for confirmation and inputs, generate
secrets and wait for checks, with a rollback for each step. Every run is recorded in an
append-only transcript in the state folder; one run at a time per state folder.

Exit codes: 0 the run succeeded, 1 it did not (a step failed and it was aborted or rolled
back, or it was left unfinished), 2 usage, config or runbook errors, or another run holds
the lock.`,
		Args: noArgs,
	}
	cmd.AddCommand(newRunbookListCmd(g), newRunbookRunCmd(g), newRunbookResumeCmd(g), newRunbookLogCmd(g), newRunbookInitCmd(g))
	return cmd
}

// runbookSession opens the session and reads the runbooks folder. offline sessions (list,
// log, init) need no secrets; run and resume resolve them, to redact them and for checks.
func runbookSession(cmd *cobra.Command, g *globalFlags, offline bool, labName string) (*setup.Session, []*runbook.Runbook, error) {
	o := g.options()
	o.Offline = offline
	o.Lab = labName
	s, err := setup.Open(o)
	if err != nil {
		return nil, nil, err
	}
	for _, n := range s.Notes {
		fmt.Fprintln(cmd.ErrOrStderr(), "note:", n)
	}
	rbs, err := runbook.LoadDir(s.Config.RunbooksDir(), runbookEnv(s))
	if err != nil {
		return s, rbs, &exitError{exitUsage, err}
	}
	return s, rbs, nil
}

func runbookEnv(s *setup.Session) runbook.Env {
	return runbook.Env{Checks: s.Checks, Net: s.Net, Now: time.Now}
}

// runbookEnviron is the environment runbook commands start from: the operator's, plus,
// against the built-in lab, LAUNCHREADY_LAB_DIR, so the demo's deploy can deploy to the
// lab (its release file) and nowhere else. nil (the engine's default, the operator's
// environment) otherwise.
func runbookEnviron(s *setup.Session) []string {
	if s.Lab == nil {
		return nil
	}
	return append(os.Environ(), runbook.EnvLabDir+"="+s.Lab.Dir)
}

func store(s *setup.Session) (runbook.Store, error) {
	if s.StateDir == "" {
		return runbook.Store{}, &exitError{exitUsage, errors.New("runbooks need a state folder for their transcripts and lock: pass --state DIR")}
	}
	return runbook.NewStore(s.StateDir), nil
}

func newRunbookListCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the runbooks, recent runs and who holds the lock",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, rbs, loadErr := runbookSession(cmd, g, true, "")
			if s == nil {
				return loadErr
			}
			defer s.Close()
			st, err := store(s)
			if err != nil {
				return err
			}
			runs, _ := st.ListRuns()
			holder, held := runbook.ReadLock(st.Dir)
			w := cmd.OutOrStdout()
			if asJSON {
				type item struct {
					Name    string `json:"name"`
					File    string `json:"file"`
					Summary string `json:"summary"`
					Steps   int    `json:"steps"`
				}
				out := struct {
					Runbooks []item               `json:"runbooks"`
					Runs     []runbook.RunSummary `json:"runs"`
					Lock     *runbook.Holder      `json:"lock,omitempty"`
				}{Runs: runs}
				for _, rb := range rbs {
					out.Runbooks = append(out.Runbooks, item{rb.Name, rb.File, rb.Summary(), len(rb.Steps)})
				}
				if held {
					out.Lock = holder
				}
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				if err := enc.Encode(out); err != nil {
					return err
				}
			} else {
				writeRunbookList(w, s.Config.RunbooksDir(), rbs, runs, holder, held)
			}
			if loadErr != nil {
				// The valid ones are listed; the others are every problem, file:line:col.
				return loadErr
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func writeRunbookList(w io.Writer, dir string, rbs []*runbook.Runbook, runs []runbook.RunSummary, holder *runbook.Holder, held bool) {
	if len(rbs) == 0 {
		fmt.Fprintf(w, "No runbooks in %s. `launchready runbook init` writes starters (deploy, rollback, rotate-secret).\n", dir)
	} else {
		fmt.Fprintf(w, "Runbooks in %s\n", dir)
		for _, rb := range rbs {
			fmt.Fprintf(w, "  %-16s %2d steps  %s\n", rb.Name, len(rb.Steps), rb.Summary())
		}
	}
	if held {
		fmt.Fprintf(w, "\n▲ running now: %s, started %s by %s (pid %d)\n", orDash(holder.Runbook), holder.Since.Local().Format("15:04:05 Jan 2"), holder.Operator, holder.Operator.PID)
	}
	if len(runs) == 0 {
		return
	}
	fmt.Fprintln(w, "\nRecent runs")
	for i, r := range runs {
		if i == 10 {
			fmt.Fprintf(w, "  ... %d older (launchready runbook log RUN)\n", len(runs)-10)
			break
		}
		fmt.Fprintf(w, "  %s %-36s %-14s %d/%d steps  %s\n", statusIcon(r.Status), r.ID, r.Status, r.Done, r.Steps, r.Operator)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func statusIcon(status string) string {
	switch status {
	case runbook.StatusSucceeded:
		return "✔"
	case runbook.StatusUnfinished:
		return "…"
	case runbook.StatusAbandoned:
		return "○"
	}
	return "✖"
}

// runFlags are shared by run and resume.
type runFlags struct {
	yes       bool
	inputs    []string
	onFailure string
}

func (f *runFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVarP(&f.yes, "yes", "y", false, "answer confirmations yes and take inputs from --input, the environment or defaults (for CI)")
	fl.StringArrayVar(&f.inputs, "input", nil, "give an input: NAME=VALUE, or NAME=- to read it from stdin (the only way for secrets besides the environment)")
	fl.StringVar(&f.onFailure, "on-failure", "abort", "with --yes, what to do when a step fails: abort or rollback")
}

// given parses --input flags; NAME=- values are read from stdin, one line each, in order.
func (f *runFlags) given(stdin *bufio.Reader) (map[string]runbook.Given, error) {
	out := map[string]runbook.Given{}
	for _, kv := range f.inputs {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, &exitError{exitUsage, fmt.Errorf("--input %q: write NAME=VALUE, or NAME=- to read the value from stdin", kv)}
		}
		g := runbook.Given{Value: value, By: runbook.GivenFlag}
		if value == "-" {
			line, err := stdin.ReadString('\n')
			if err != nil && (err != io.EOF || line == "") {
				return nil, &exitError{exitUsage, fmt.Errorf("--input %s=-: no line to read on stdin", name)}
			}
			g = runbook.Given{Value: strings.TrimRight(line, "\r\n"), By: runbook.GivenStdin}
		}
		out[name] = g
	}
	return out, nil
}

func (f *runFlags) failureDecision() (runbook.Decision, error) {
	switch f.onFailure {
	case "abort":
		return runbook.Abort, nil
	case "rollback", "roll-back":
		return runbook.RollBack, nil
	}
	return "", &exitError{exitUsage, fmt.Errorf("--on-failure %q: use abort or rollback", f.onFailure)}
}

func newRunbookRunCmd(g *globalFlags) *cobra.Command {
	var (
		f       runFlags
		dryRun  bool
		labName string
	)
	cmd := &cobra.Command{
		Use:   "run NAME",
		Short: "Run a runbook, asking on the terminal (or --yes and --input for CI)",
		Long: `Run a runbook. Each command is shown before it runs and its output as it comes; confirm:
steps ask, secret inputs are read without echo. When a step fails you choose: retry, skip,
roll back (the completed steps' rollbacks, newest first) or abort.

ctrl+c stops the running command or check (the command's whole process group) and asks
what next; ctrl+c at a prompt leaves the run unfinished. A lost terminal (SIGHUP) or SIGTERM
leaves a running command running and the run unfinished: ` + "`launchready runbook resume`" + `
records its result and carries on, rolls back or abandons.`,
		Example: `  launchready runbook run deploy
  launchready runbook run deploy --dry-run --input REF=v1.4.2
  FLY_API_TOKEN=... launchready runbook run deploy --yes --input REF=v1.4.2 --on-failure rollback
  printf '%s\n' "$TOKEN" | launchready runbook run rotate-secret --input TOKEN=-`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError(cmd, fmt.Errorf("takes the runbook's name (launchready runbook list shows them)"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			decision, err := f.failureDecision()
			if err != nil {
				return err
			}
			lab := ""
			if cmd.Flags().Changed("lab") {
				lab = labName
			}
			s, rbs, err := runbookSession(cmd, g, dryRun, lab)
			if s == nil {
				return err
			}
			defer s.Close()
			rb, ok := runbook.Find(rbs, args[0])
			if !ok {
				if err != nil {
					return err
				}
				var names []string
				for _, r := range rbs {
					names = append(names, r.Name)
				}
				list := "none"
				if len(names) > 0 {
					list = strings.Join(names, ", ")
				}
				return &exitError{exitUsage, fmt.Errorf("no runbook %q in %s (runbooks: %s); `launchready runbook init` writes starters",
					args[0], s.Config.RunbooksDir(), list)}
			}
			stdin := bufio.NewReader(cmd.InOrStdin())
			opts, err := engineOptions(s, &f, stdin)
			if err != nil {
				return err
			}
			if dryRun {
				writePlan(cmd.OutOrStdout(), runbook.New(opts).Plan(rb))
				return nil
			}
			return driveEngine(cmd, opts, stdin, f.yes, decision, runbook.Cancel, func(ctx context.Context, e *runbook.Engine) (runbook.Outcome, error) {
				return e.Run(ctx, rb)
			})
		},
	}
	f.add(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&dryRun, "dry-run", false, "show what would run, with inputs and checks, and run nothing")
	fl.StringVar(&labName, "lab", "demo", "run the runbook's checks against the built-in lab (demo, healthy)")
	fl.Lookup("lab").NoOptDefVal = "demo"
	return cmd
}

func newRunbookResumeCmd(g *globalFlags) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "resume",
		Short: "Carry on with a run whose engine stopped (or roll it back, or abandon it)",
		Long: `Find the unfinished run (its engine was killed, or its terminal lost), wait for a command it
left running and record its result, then choose: continue from where it stopped, roll back,
or abandon it. Secrets it had are asked again: they were never written down. With --yes it
continues.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			decision, err := f.failureDecision()
			if err != nil {
				return err
			}
			s, _, err := runbookSession(cmd, g, false, "")
			if s == nil {
				return err
			}
			defer s.Close()
			stdin := bufio.NewReader(cmd.InOrStdin())
			opts, err := engineOptions(s, &f, stdin)
			if err != nil {
				return err
			}
			return driveEngine(cmd, opts, stdin, f.yes, decision, runbook.Continue, func(ctx context.Context, e *runbook.Engine) (runbook.Outcome, error) {
				return e.Resume(ctx)
			})
		},
	}
	f.add(cmd)
	return cmd
}

// driveEngine runs the engine with terminal prompts and printed events, ctrl+c stopping
// the step (at a prompt: detaching), SIGHUP and SIGTERM detaching, and turns the outcome
// into an exit code.
func driveEngine(cmd *cobra.Command, opts runbook.Options, stdin *bufio.Reader, yes bool, onFailure, onUnfinished runbook.Decision,
	start func(context.Context, *runbook.Engine) (runbook.Outcome, error)) error {
	out := cmd.OutOrStdout()
	pr := newPrinter(out)
	p := &termPrompter{out: out, in: stdin, file: inputFile(cmd.InOrStdin()), yes: yes, onFailure: onFailure, onUnfinished: onUnfinished, busy: pr.busy}
	opts.Prompter, opts.Observe = p, pr.event
	e := runbook.New(opts)

	// The run outlives the root command's context: ctrl+c while a command or check runs
	// means "stop this step", not "quit"; at a prompt, a hang-up or SIGTERM lets go of
	// the run, leaving any command running.
	ctx, cancel := context.WithCancel(context.WithoutCancel(cmd.Context()))
	defer cancel()
	sig := make(chan os.Signal, 4)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sig)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case s := <-sig:
				if s == os.Interrupt && pr.busy() {
					fmt.Fprintln(out, "\n■ stopping the step: SIGTERM to its process group, SIGKILL after 5s")
					e.StopStep()
					continue
				}
				cancel()
				return
			}
		}
	}()
	res, err := start(ctx, e)
	if err != nil {
		// Another run holds the lock, nothing to resume, a bad --input, or the state
		// folder failed: nothing ran, or it could not be recorded.
		return &exitError{exitUsage, err}
	}
	pr.outcome(res)
	if !res.OK() {
		return &exitError{code: exitFindings}
	}
	return nil
}

func newRunbookLogCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "log [RUN]",
		Short: "Print a run's transcript readably (default: the latest run)",
		Long: `Print a run's transcript: who ran what and when, every command with its output and exit
status, every look a check took, every choice. RUN is a run id (as runbook list shows), a
prefix of one, or a runbook's name for its latest run. --json prints the transcript's JSON
lines as stored.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError(cmd, fmt.Errorf("takes at most one run"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// Reading transcripts needs only the folder: with --state no config is read, so
			// the demo's runs (STATE/lab/demo/demo) and a copied folder read anywhere.
			var st runbook.Store
			if g.state != "" {
				st = runbook.NewStore(g.state)
			} else {
				s, err := g.openOffline()
				if err != nil {
					return err
				}
				defer s.Close()
				if st, err = store(s); err != nil {
					return err
				}
			}
			runs, err := st.ListRuns()
			if err != nil {
				return err
			}
			want := ""
			if len(args) == 1 {
				want = args[0]
			}
			r, err := pickRun(runs, want)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			if asJSON {
				f, err := os.Open(r.Path)
				if err != nil {
					return err
				}
				defer f.Close()
				_, err = io.Copy(cmd.OutOrStdout(), f)
				return err
			}
			evs, err := runbook.ReadTranscript(r.Path)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			return runbook.WriteLog(cmd.OutOrStdout(), evs)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the transcript's JSON lines")
	return cmd
}

// pickRun finds the run a user names: an id, a unique prefix, or a runbook's latest run.
func pickRun(runs []runbook.RunSummary, want string) (runbook.RunSummary, error) {
	if len(runs) == 0 {
		return runbook.RunSummary{}, errors.New("no runbook runs yet in this state folder")
	}
	if want == "" {
		return runs[0], nil
	}
	var matches []runbook.RunSummary
	for _, r := range runs {
		if r.ID == want {
			return r, nil
		}
		if strings.HasPrefix(r.ID, want) {
			matches = append(matches, r)
		}
	}
	if len(matches) == 1 {
		return matches[0], nil
	}
	for _, r := range runs {
		if r.Runbook == want {
			return r, nil // newest first
		}
	}
	if len(matches) > 1 {
		return runbook.RunSummary{}, fmt.Errorf("%q matches %d runs; give more of the id", want, len(matches))
	}
	return runbook.RunSummary{}, fmt.Errorf("no run %q; launchready runbook list shows recent runs", want)
}

func newRunbookInitCmd(g *globalFlags) *cobra.Command {
	var (
		setupName string
		force     bool
	)
	var setups []string
	for _, s := range runbook.Setups {
		setups = append(setups, fmt.Sprintf("%s (%s)", s.Name, s.Doc))
	}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write starter runbooks: deploy, rollback and rotate-secret",
		Long: `Write commented starter runbooks (deploy, rollback, rotate-secret) into the runbooks folder,
with health checks pointed at this config's API and app and a test email at the end. Set-ups:
  ` + strings.Join(setups, "\n  ") + `
Existing files are left alone unless --force.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := g.openOffline()
			if err != nil {
				return err
			}
			defer s.Close()
			files, err := runbook.Starters(setupName, s.Config, runbookEnv(s))
			if err != nil {
				return &exitError{exitUsage, err}
			}
			dir := s.Config.RunbooksDir()
			written, err := runbook.WriteStarters(dir, files, force)
			for _, p := range written {
				fmt.Fprintf(cmd.OutOrStdout(), "✔ wrote %s\n", p)
			}
			if err != nil {
				return &exitError{exitUsage, err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Next: fix the CHANGE-ME lines, then `launchready validate` and `launchready runbook run deploy --dry-run`.\n")
			return nil
		},
	}
	cmd.Flags().StringVar(&setupName, "setup", "systemd", "which starters: systemd, compose or platform")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite runbooks of the same names")
	return cmd
}

// engineOptions is what run and resume give the engine: the inputs given on the command
// line or stdin, the run store, the session's checks and secrets, the tool's log.
func engineOptions(s *setup.Session, f *runFlags, stdin *bufio.Reader) (runbook.Options, error) {
	given, err := f.given(stdin)
	if err != nil {
		return runbook.Options{}, err
	}
	st, err := store(s)
	if err != nil {
		return runbook.Options{}, err
	}
	return runbook.Options{Store: st, Env: runbookEnv(s), Environ: runbookEnviron(s), Secrets: s.Config.SecretValues(), Inputs: given, Log: s.Log}, nil
}
