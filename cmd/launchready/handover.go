package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/audit"
	"github.com/launchready/launchready/internal/handover"
	"github.com/launchready/launchready/internal/report"
	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/discovery"
	"github.com/launchready/launchready/probes/handovercheck"
	"github.com/launchready/launchready/probes/kinds"
	"github.com/launchready/launchready/runbook"
)

func newHandoverCmd(g *globalFlags) *cobra.Command {
	var (
		out     string
		check   bool
		labName string
	)
	cmd := &cobra.Command{
		Use:   "handover",
		Short: "Write the launch handover pack (README.md + one self-contained index.html), or check it is current",
		Long: `Sweep every check once and write the launch handover pack into a folder: README.md for
the repository and index.html, one self-contained page for a founder (no script, no
external asset, prints cleanly). It holds where production lives, who owns each system
and how access is granted (owners: in the config), the DNS map with drift, certificates,
the email checklist with the last send-test and round trip, every monitor, the alert
routing guide (and what reaches nobody), 7- and 30-day figures from the history, the
runbooks and their last runs, the secrets rotation plan, backups, open risks ranked by
business impact with the next step for each, known limitations and the commands that
verify it all. Secret references are named; values never appear.

--check compares the pack on disk with the config and the runbook runs: exit 0 current,
1 older than the config or the last runbook run (write it again), 2 no pack or a usage
error.`,
		Example: `  launchready handover -o handover/
  launchready handover --check -o handover/
  launchready handover --lab -o /tmp/pack     # the built-in lab's pack`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := g.options()
			if cmd.Flags().Changed("lab") {
				o.Lab = labName
			}
			if check {
				return checkHandover(cmd, o, out, cmd.Flags().Changed("output"))
			}
			s, err := setup.Open(o)
			if err != nil {
				return err
			}
			defer s.Close()
			for _, n := range s.Notes {
				fmt.Fprintln(cmd.ErrOrStderr(), "note:", n)
			}
			p, in, err := buildHandover(cmd.Context(), s, time.Now, true, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if err := p.Write(out, s.StateDir, in.Secrets, addressNames(s)); err != nil {
				return &exitError{exitUsage, err}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote the handover pack of %s to %s: %d open risks, %d systems with no owner\n",
				p.Domain, out, len(p.Risks), len(p.Fresh.Unowned))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "handover", "the folder to write README.md, index.html and handover.json into")
	f.BoolVar(&check, "check", false, "exit 1 if the pack in the folder is older than the config or the last runbook run")
	f.StringVar(&labName, "lab", "demo", "write the pack of the built-in lab with this scenario (demo, healthy)")
	f.Lookup("lab").NoOptDefVal = "demo"
	return cmd
}

// buildHandover sweeps once and assembles the pack. withHistory false leaves the
// dashboard out (golden tests: one sweep's latencies differ every run).
func buildHandover(ctx context.Context, s *setup.Session, now func() time.Time, withHistory bool, stderr io.Writer) (*handover.Pack, handover.Input, error) {
	cfg := s.Config
	dctx, cancel := context.WithTimeout(ctx, discoverTimeout)
	defer cancel()
	disc, derr := discovery.Run(dctx, s.Net, cfg.Domain, discovery.Options{})
	if derr != nil {
		fmt.Fprintln(stderr, "note: discovery:", derr)
	}
	// The handover check judges the pack being written: swept here, every pack would list
	// "no handover pack yet", or its predecessor's staleness, as an open risk of its own.
	s.Checks = slices.DeleteFunc(s.Checks, func(c probes.Check) bool { return c.Info().Kind == handovercheck.KindName })
	runner := s.Runner(now)
	h := s.Record(runner)
	start := now()
	results := runner.Sweep(ctx)
	if ctx.Err() != nil {
		return nil, handover.Input{}, &exitError{exitUsage, errors.New("interrupted: the sweep was cut short")}
	}
	rep := report.New(cfg.Product, cfg.Domain, start, 0, results)
	a := audit.Build(audit.Input{Product: cfg.Product, Domain: cfg.Domain, CanonicalURL: cfg.CanonicalURL,
		ConfigSource: cfg.File, Report: rep, Discovery: disc, Now: now()})
	docs := map[string]string{}
	for _, k := range kinds.Registry().Kinds() {
		docs[k.Name] = k.Doc
	}
	in := handover.Input{Config: cfg, ConfigHash: handover.ConfigHash(s.Config), Owners: s.Owners, Alerts: s.Alerts, Docs: docs,
		Report: rep, Results: results, Audit: a, StateDir: s.StateDir, Secrets: s.Config.SecretValues(), Now: now()}
	for _, c := range s.Checks {
		in.Checks = append(in.Checks, c.Info())
	}
	if withHistory {
		if err := h.Flush(); err != nil {
			fmt.Fprintln(stderr, "note: history:", err)
		}
		in.History = h
	}
	in.Runbooks, in.Runs, in.RunbooksErr = readRunbooks(s)
	p, err := handover.Build(in)
	if err != nil {
		return nil, in, &exitError{exitUsage, fmt.Errorf("cannot read the history for the dashboard: %w", err)}
	}
	return p, in, nil
}

func readRunbooks(s *setup.Session) ([]*runbook.Runbook, []runbook.RunSummary, string) {
	var why string
	rbs, err := runbook.LoadDir(s.Config.RunbooksDir(), runbook.Env{Checks: s.Checks, Net: s.Net})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		why = err.Error()
	}
	var runs []runbook.RunSummary
	if s.StateDir != "" {
		runs, _ = runbook.NewStore(s.StateDir).ListRuns()
	}
	return rbs, runs, why
}

// addressNames maps the addresses network.connect_to sends names to back to the names,
// so the pack says status.acme.example:443, not the lab's random loopback port.
func addressNames(s *setup.Session) map[string]string {
	m := map[string]string{}
	for name, addr := range s.Config.Network.ConnectTo {
		m[addr] = name
	}
	return m
}

// checkHandover is handover --check: the pack (in DIR when -o was given, else the one
// the state folder last recorded) against the config's hash and the newest runbook run.
func checkHandover(cmd *cobra.Command, o setup.Options, dir string, dirGiven bool) error {
	o.Offline = true
	s, err := setup.Open(o)
	if err != nil {
		return err
	}
	defer s.Close()
	path := filepath.Join(dir, handover.RecordFile)
	if !dirGiven && s.StateDir != "" {
		if _, err := os.Stat(path); err != nil {
			path = filepath.Join(s.StateDir, handover.StateRecord)
		}
	}
	rec, err := handover.ReadRecord(path)
	if errors.Is(err, os.ErrNotExist) {
		return &exitError{exitUsage, fmt.Errorf("%v (looked for %s)", handover.ErrNoPack, path)}
	}
	if err != nil {
		return &exitError{exitUsage, err}
	}
	lastRun, lastAt := handover.LastRun(s.StateDir)
	w := cmd.OutOrStdout()
	if why := rec.Stale(handover.ConfigHash(s.Config), lastRun, lastAt); why != "" {
		fmt.Fprintf(w, "✖ the handover pack in %s is out of date: %s\n  write it again: launchready handover -o %s\n", rec.Dir, why, rec.Dir)
		return &exitError{code: exitFindings}
	}
	fmt.Fprintf(w, "✔ the handover pack in %s is current (written %s)\n", rec.Dir, rec.Generated.UTC().Format("2006-01-02 15:04 UTC"))
	if len(rec.Unowned) > 0 {
		fmt.Fprintf(w, "  but %d systems have no owner: %s (owners: in the config)\n", len(rec.Unowned), strings.Join(rec.Unowned, ", "))
	}
	return nil
}
